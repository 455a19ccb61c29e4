/* sc-sandboxd: the program. Options, keys, signals; everything else is the library. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/version.h"
#include "sandboxd/options.h"
#include "sandboxd/server.h"
#include "sandboxd/service.h"

#define EXIT_USAGE 64

static void print_diag(const sc_diag *diag)
{
	for (size_t i = 0; i < diag->count; i++) {
		char *text = sc_diag_format(&diag->entries[i]);
		fprintf(stderr, "sc-sandboxd: %s\n", text);
		free(text);
	}
}

static void log_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

/* Many concurrent clients need many descriptors: raise the soft limit to the hard one. */
static void raise_fd_limit(void)
{
	struct rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}
}

/*
 * Writes the port to a temporary file and renames it into place. The
 * temporary name is fresh and created exclusively: a link planted next
 * to the port file is never followed.
 */
static int write_port_file(const char *path, int port)
{
	char *tmp = sc_asprintf("%s.tmp.XXXXXX", path);
	char text[32];
	int fd = mkstemp(tmp);
	int len = snprintf(text, sizeof(text), "%d\n", port);
	int ok = fd >= 0 && write(fd, text, (size_t)len) == len;
	ok = fd >= 0 && close(fd) == 0 && ok;
	if (!ok || chmod(tmp, 0644) || rename(tmp, path)) {
		fprintf(stderr,
		        "sc-sandboxd: error: cannot write the port file '%s': %s\n", path,
		        strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* The keys of the command line plus SC_SANDBOXD_API_KEY, NULL-terminated. */
static const char **collect_keys(const sd_options *options)
{
	const char **keys = sc_calloc(options->key_count + 2, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; i < options->key_count; i++)
		keys[n++] = options->keys[i];
	const char *env = getenv("SC_SANDBOXD_API_KEY");
	if (env && *env)
		keys[n++] = env;
	keys[n] = NULL;
	return keys;
}

static int serve(const sd_options *options, const char *const *keys)
{
	sd_service service;
	sd_server server;
	sc_diag diag = SC_DIAG_INIT;
	sigset_t stop;
	int sig, rc = 1;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (sd_service_open(&service, &options->settings, keys, options->no_auth,
	                    options->data, options->recover, &diag)) {
		print_diag(&diag);
		sc_diag_release(&diag);
		return 1;
	}
	print_diag(&diag); /* what --recover lost */
	sc_diag_release(&diag);
	if (sd_server_start(&server, &service, options->listen, options->threads,
	                    options->idle_timeout_s, log_line, NULL, &diag)) {
		print_diag(&diag);
		goto done;
	}
	if (options->port_file && write_port_file(options->port_file, server.port))
		goto stop_server;
	fprintf(stderr, "sc-sandboxd: listening on port %d\n", server.port);
	while (sigwait(&stop, &sig) != 0)
		;
	fprintf(stderr, "sc-sandboxd: stopping on signal %d\n", sig);
	rc = 0;
stop_server:
	sd_server_stop(&server);
done:
	sd_service_release(&service);
	sc_diag_release(&diag);
	return rc;
}

int main(int argc, char **argv)
{
	sd_options options;
	sc_diag diag = SC_DIAG_INIT;

	signal(SIGPIPE, SIG_IGN);
	/* Past a file size limit, a journal write fails (EFBIG) instead of killing. */
	signal(SIGXFSZ, SIG_IGN);
	raise_fd_limit();
	if (sd_options_parse(&options, argc, argv, &diag)) {
		print_diag(&diag);
		sc_diag_release(&diag);
		sd_options_release(&options);
		return EXIT_USAGE;
	}
	if (options.help || options.version) {
		fputs(options.help ? sd_options_usage() : "sc-sandboxd " SC_VERSION "\n",
		      stdout);
		sd_options_release(&options);
		return 0;
	}
	const char **keys = collect_keys(&options);
	if (!keys[0] && !options.no_auth) {
		fprintf(stderr,
		        "sc-sandboxd: error: no API key configured: pass --api-key KEY "
		        "or set SC_SANDBOXD_API_KEY (or run with --no-auth)\n");
		free(keys);
		sd_options_release(&options);
		return EXIT_USAGE;
	}
	int rc = serve(&options, keys);
	free(keys);
	sd_options_release(&options);
	return rc;
}
