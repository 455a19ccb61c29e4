#include "cli/session.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/file.h"
#include "common/mem.h"
#include "common/text.h"
#include "common/timeutil.h"

void sc_session_init(sc_session *session, const sc_cli_options *options)
{
	memset(session, 0, sizeof(*session));
	session->options = options;
	session->lock_fd = -1;
	sc_term_init(&session->term, options->color);
}

void sc_session_release(sc_session *session)
{
	sc_api_client_free(session->client);
	sc_sandbox_list_release(&session->observed);
	sc_spec_list_release(&session->specs);
	free(session->sets);
	sc_diag_release(&session->diag);
	if (session->lock_fd >= 0)
		close(session->lock_fd);  /* releases the flock */
	memset(session, 0, sizeof(*session));
	session->lock_fd = -1;
}

void sc_session_flush_diag(sc_session *session)
{
	sc_term_progress_clear(&session->term);
	for (size_t i = 0; i < session->diag.count; i++) {
		char *line = sc_diag_format(&session->diag.entries[i]);
		/* Messages may quote a server: no escape sequence reaches the terminal. */
		sc_text_make_printable(line);
		fprintf(stderr, "%s\n", line);
		free(line);
	}
	sc_diag_release(&session->diag);
}

int sc_session_lock(sc_session *session)
{
	const char *path = session->options->lock_path;

	if (!path)
		return 0;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return sc_diag_error(&session->diag, NULL, 0, 0, "cannot open lock file '%s': %s",
		                     path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;
		char holder[32] = "";
		ssize_t got = pread(fd, holder, sizeof(holder) - 1, 0);
		holder[got > 0 ? got : 0] = '\0';
		holder[strcspn(holder, "\n")] = '\0';
		close(fd);
		if (err == EWOULDBLOCK)
			return sc_diag_error(&session->diag, NULL, 0, 0,
			                     "another sc-apply run holds the lock '%s'%s%s%s; "
			                     "not running",
			                     path, *holder ? " (pid " : "", holder, *holder ? ")" : "");
		return sc_diag_error(&session->diag, NULL, 0, 0, "cannot lock '%s': %s", path,
		                     strerror(err));
	}
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)len, 0) < 0) {
		/* The pid is a courtesy for the next run's message; the lock holds. */
	}
	session->lock_fd = fd;
	return 0;
}

bool sc_session_owns_set(const sc_session *session, const char *set)
{
	for (size_t i = 0; set && i < session->set_count; i++) {
		if (!strcmp(session->sets[i], set))
			return true;
	}
	return false;
}

static void add_set(sc_session *session, const char *set)
{
	if (sc_session_owns_set(session, set))
		return;
	session->sets = sc_realloc(session->sets, (session->set_count + 1) * sizeof(char *));
	session->sets[session->set_count++] = set;
}

int sc_session_load_specs(sc_session *session)
{
	const sc_cli_options *options = session->options;
	sc_spec_load_options load = {.default_set = options->set};

	/* sc_cli_parse has checked that there are paths and that --set is a name. */
	if (sc_spec_load_paths(&session->specs, options->paths, options->path_count, &load,
	                       &session->diag))
		return -1;
	for (size_t i = 0; i < session->specs.count; i++)
		add_set(session, session->specs.items[i].set);
	if (options->set)
		add_set(session, options->set);
	if (!session->set_count)
		return sc_diag_error(&session->diag, NULL, 0, 0,
		                     "the input has no specs and no --set: nothing to manage");
	return 0;
}

int sc_session_use_set_only(sc_session *session)
{
	/* sc_cli_parse has checked that --set is given and is a name. */
	add_set(session, session->options->set);
	return 0;
}

/* The key from --api-key-file (trimmed) or SEACLOUD_API_KEY; malloc'd. */
static char *read_api_key(sc_session *session)
{
	const char *file = session->options->api_key_file;

	if (!file) {
		const char *env = getenv("SEACLOUD_API_KEY");
		if (!env || !*env) {
			sc_diag_error(&session->diag, NULL, 0, 0,
			              "no API key: set SEACLOUD_API_KEY or pass --api-key-file FILE");
			return NULL;
		}
		return sc_strdup(env);
	}
	/* A regular file only: a FIFO or a device named here must not hang the run. */
	char *key;
	size_t len;
	if (sc_file_read_regular(&key, &len, "API key file", file, 4096, &session->diag))
		return NULL;
	while (len && isspace((unsigned char)key[len - 1]))
		key[--len] = '\0';
	char *start = key + strspn(key, " \t\r\n");
	if (!*start || strpbrk(start, "\r\n") || strlen(key) != len) {
		memset(key, 0, len);
		free(key);
		sc_diag_error(&session->diag, NULL, 0, 0,
		              "API key file '%s' must hold one key on one line", file);
		return NULL;
	}
	char *copy = sc_strdup(start);
	memset(key, 0, len);
	free(key);
	return copy;
}

static void trace_line(void *ctx, const char *line)
{
	sc_session *session = ctx;
	sc_term_progress_clear(&session->term);
	fprintf(stderr, "%s\n", line);
}

int sc_session_connect(sc_session *session)
{
	const sc_cli_options *options = session->options;
	const char *url = options->api_url ? options->api_url : getenv("SEACLOUD_API_BASE_URL");

	if (!url || !*url)
		return sc_diag_error(&session->diag, NULL, 0, 0,
		                     "no API URL: set SEACLOUD_API_BASE_URL or pass --api-url URL");
	char *key = read_api_key(session);
	if (!key)
		return -1;
	sc_api_config config = {
		.base_url = url,
		.api_key = key,
		.insecure = options->insecure,
		.request_timeout_ms = options->request_timeout_ms,
		.list_timeout_ms = options->timeout_ms,
		.filter_style = options->filter_style && !strcmp(options->filter_style, "e2b")
		                        ? SC_FILTER_E2B
		                        : SC_FILTER_PAGE,
		.trace = !options->verbose ? NULL : session->trace ? session->trace : trace_line,
		.trace_ctx = session->trace ? session->trace_ctx : session,
		.should_stop = session->should_stop,
		.stop_ctx = session->stop_ctx,
	};
	int result = sc_api_client_new(&session->client, &config, &session->diag);
	memset(key, 0, strlen(key));
	free(key);
	return result;
}

static int compare_by_id(const void *a, const void *b)
{
	const sc_sandbox *x = *(const sc_sandbox *const *)a;
	const sc_sandbox *y = *(const sc_sandbox *const *)b;
	int by_id = strcmp(x->id ? x->id : "", y->id ? y->id : "");
	/* Equal ids: the earlier in the list first, so it is the one kept. */
	return by_id ? by_id : (x < y ? -1 : x > y);
}

/*
 * Keeps the first of each sandbox id, in list order: the lists of several
 * sets overlap when the server ignores the filter, and a page boundary
 * may repeat a sandbox that moved.
 */
static void drop_repeats(sc_sandbox_list *list)
{
	sc_sandbox **sorted = sc_calloc(list->count, sizeof(*sorted));
	bool *repeat = sc_calloc(list->count, sizeof(*repeat));
	size_t kept = 0;

	for (size_t i = 0; i < list->count; i++)
		sorted[i] = &list->items[i];
	qsort(sorted, list->count, sizeof(*sorted), compare_by_id);
	for (size_t i = 1; i < list->count; i++) {
		if (sorted[i]->id && sorted[i - 1]->id && !strcmp(sorted[i]->id, sorted[i - 1]->id))
			repeat[sorted[i] - list->items] = true;
	}
	for (size_t i = 0; i < list->count; i++) {
		if (repeat[i])
			sc_sandbox_release(&list->items[i]);
		else
			list->items[kept++] = list->items[i];
	}
	list->count = kept;
	free(repeat);
	free(sorted);
}

int sc_session_observe(sc_session *session)
{
	for (size_t i = 0; i < session->set_count; i++) {
		sc_kv filter = SC_KV_INIT;
		sc_kv_set(&filter, SC_LABEL_SET, session->sets[i]);
		int64_t before = session->observed.server_now;
		int result = sc_api_list(session->client, &filter, &session->observed,
		                         &session->diag);
		sc_kv_release(&filter);
		if (result)
			return sc_diag_error(&session->diag, NULL, 0, 0,
			                     "cannot list the sandboxes of set '%s'",
			                     session->sets[i]);
		/* The earliest Date of the lists: a renewal is never missed. */
		if (before && before < session->observed.server_now)
			session->observed.server_now = before;
	}
	drop_repeats(&session->observed);
	return 0;
}

int64_t sc_session_now(const sc_session *session)
{
	return session->observed.server_now ? session->observed.server_now : sc_time_now_ms();
}
