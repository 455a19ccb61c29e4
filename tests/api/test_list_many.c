/*
 * sc_api_list_many: the lists of several filters are in flight together
 * (a server that answers nothing until every list has asked proves it),
 * their sandboxes come out in filter order whatever order the answers
 * took, and one failed list fails the whole and is named.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/client.h"
#include "common/buf.h"
#include "common/mem.h"
#include "harness.h"

#define MAX_HELD 16
/* Only a bound for a broken client: the barrier is met at once when lists run together. */
#define BARRIER_WAIT_MS 10000

/*
 * A server that holds the first `want` requests unanswered until all of
 * them are in (or BARRIER_WAIT_MS passed), then answers them in reverse
 * order; later requests are answered at once.
 */
typedef struct barrier_server {
	int fd;
	char base_url[128];
	size_t want;
	const char *fail_word; /* a request whose target holds it gets a 400 */
	pthread_t thread;
	atomic_bool stop;
	bool together; /* all `want` requests were in flight at once */
	size_t answered;
} barrier_server;

/* Reads one request head; its target (malloc'd), or NULL. */
static char *read_target(int fd)
{
	char buf[8192];
	size_t len = 0;

	while (len < sizeof(buf) - 1) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, BARRIER_WAIT_MS) <= 0)
			return NULL;
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			return NULL;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n")) {
			char *start = strchr(buf, ' '), *end = start ? strchr(start + 1, ' ') : NULL;
			return end ? sc_strndup(start + 1, (size_t)(end - start - 1)) : NULL;
		}
	}
	return NULL;
}

/* Answers the request for target: one sandbox named after the team it filters on. */
static void answer(barrier_server *server, int fd, const char *target)
{
	static const char *const teams[] = {"alpha", "beta", "gamma", NULL};
	const char *team = "none";
	sc_buf body = SC_BUF_INIT, head = SC_BUF_INIT;
	int status = 200;

	for (int i = 0; teams[i]; i++) {
		if (target && strstr(target, teams[i]))
			team = teams[i];
	}
	if (server->fail_word && target && strstr(target, server->fail_word)) {
		status = 400;
		sc_buf_puts(&body, "{\"code\":400,\"message\":\"no such filter\"}");
	} else {
		sc_buf_printf(&body,
		              "[{\"sandboxID\":\"%s-1\",\"state\":\"running\","
		              "\"metadata\":{\"team\":\"%s\"}}]",
		              team, team);
	}
	sc_buf_printf(&head,
	              "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
	              "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	              status, body.len);
	if (write(fd, head.data, head.len) < 0 || write(fd, body.data, body.len) < 0)
		printf("  the barrier server could not answer\n");
	sc_buf_release(&head);
	sc_buf_release(&body);
	close(fd);
	server->answered++;
}

static int accept_one(barrier_server *server, int timeout_ms)
{
	struct pollfd p = {server->fd, POLLIN, 0};
	return poll(&p, 1, timeout_ms) > 0 ? accept(server->fd, NULL, NULL) : -1;
}

static void *serve(void *arg)
{
	barrier_server *server = arg;
	int held[MAX_HELD];
	char *targets[MAX_HELD];
	size_t count = 0;

	while (count < server->want) {
		int fd = accept_one(server, BARRIER_WAIT_MS);
		if (fd < 0)
			break;
		targets[count] = read_target(fd);
		held[count++] = fd;
	}
	server->together = count == server->want;
	while (count--) {
		answer(server, held[count], targets[count]);
		free(targets[count]);
	}
	while (!atomic_load(&server->stop)) {
		int fd = accept_one(server, 50);
		if (fd >= 0) {
			char *target = read_target(fd);
			answer(server, fd, target);
			free(target);
		}
	}
	return NULL;
}

static int server_start(barrier_server *server, size_t want, const char *fail_word)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};
	socklen_t len = sizeof(addr);

	memset(server, 0, sizeof(*server));
	server->want = want;
	server->fail_word = fail_word;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	server->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (server->fd < 0 || bind(server->fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(server->fd, 64) || getsockname(server->fd, (struct sockaddr *)&addr, &len))
		return -1;
	snprintf(server->base_url, sizeof(server->base_url),
	         "http://127.0.0.1:%d/api/v1/sandbox", ntohs(addr.sin_port));
	return pthread_create(&server->thread, NULL, serve, server);
}

static void server_stop(barrier_server *server)
{
	atomic_store(&server->stop, true);
	pthread_join(server->thread, NULL);
	close(server->fd);
}

/* Lists the teams of filters against a barrier server holding want requests. */
static int list_teams(const char *const *teams, size_t count, size_t want,
                      const char *fail_word, sc_sandbox_list *out, bool *failed,
                      sc_diag *diag, bool *together)
{
	barrier_server server;
	sc_api_client *client = NULL;
	sc_kv filters[MAX_HELD];
	const sc_kv *each[MAX_HELD];
	int rc = -1;

	if (server_start(&server, want, fail_word)) {
		TEST_FAILURE("the barrier server did not start");
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		sc_kv_init(&filters[i]);
		sc_kv_set(&filters[i], "team", teams[i]);
		each[i] = &filters[i];
	}
	sc_api_config config = {.base_url = server.base_url,
	                        .api_key = "k",
	                        .list_attempts = 1,
	                        .list_timeout_ms = 60000};
	if (sc_api_client_new(&client, &config, diag) == 0) {
		rc = sc_api_list_many(client, each, count, out, failed, diag);
		sc_api_client_free(client);
	}
	server_stop(&server);
	*together = server.together;
	for (size_t i = 0; i < count; i++)
		sc_kv_release(&filters[i]);
	return rc;
}

TEST(sets_are_listed_together_and_come_out_in_order)
{
	const char *teams[] = {"alpha", "beta", "gamma"};
	sc_sandbox_list list = {0};
	sc_diag diag = SC_DIAG_INIT;
	bool failed[3] = {true, true, true}, together = false;

	CHECK_INT(list_teams(teams, 3, 3, NULL, &list, failed, &diag, &together), 0);
	CHECK(together);
	CHECK_INT(list.count, 3);
	if (list.count == 3) {
		/* The answers came gamma first; the list keeps the filters' order. */
		CHECK_STR(list.items[0].id, "alpha-1");
		CHECK_STR(list.items[1].id, "beta-1");
		CHECK_STR(list.items[2].id, "gamma-1");
		CHECK_STR(sc_kv_get(&list.items[2].metadata, "team"), "gamma");
	}
	CHECK(!failed[0] && !failed[1] && !failed[2]);
	CHECK_INT(diag.count, 0);
	sc_diag_release(&diag);
	sc_sandbox_list_release(&list);
}

TEST(one_failed_list_fails_all_and_is_named)
{
	const char *teams[] = {"alpha", "beta", "gamma"};
	sc_sandbox_list list = {0};
	sc_diag diag = SC_DIAG_INIT;
	bool failed[3] = {true, false, true}, together = false;

	sc_sandbox *kept = sc_sandbox_list_push(&list);
	kept->id = sc_strdup("kept");
	CHECK_INT(list_teams(teams, 3, 3, "beta", &list, failed, &diag, &together), -1);
	CHECK(together);
	CHECK(!failed[0]);
	CHECK(failed[1]);
	CHECK(!failed[2]);
	CHECK_INT(list.count, 1);
	CHECK_STR(list.items[0].id, "kept");
	CHECK_INT(diag.count, 1);
	if (diag.count)
		CHECK_CONTAINS(diag.entries[0].message, "HTTP 400: no such filter");
	sc_diag_release(&diag);
	sc_sandbox_list_release(&list);
}

/* More filters than run at once: all are listed, none twice. */
TEST(many_filters_are_all_listed)
{
	const char *teams[] = {"alpha", "beta", "gamma", "alpha", "beta", "gamma",
	                       "alpha", "beta", "gamma", "alpha", "beta", "gamma"};
	sc_sandbox_list list = {0};
	sc_diag diag = SC_DIAG_INIT;
	bool failed[12], together = false;

	CHECK_INT(list_teams(teams, 12, 2, NULL, &list, failed, &diag, &together), 0);
	CHECK(together);
	CHECK_INT(list.count, 12);
	for (size_t i = 0; i < list.count && i < 12; i++) {
		char want[32];
		snprintf(want, sizeof(want), "%s-1", teams[i]);
		CHECK_STR(list.items[i].id, want);
	}
	sc_diag_release(&diag);
	sc_sandbox_list_release(&list);
}

int main(void)
{
	RUN(sets_are_listed_together_and_come_out_in_order);
	RUN(one_failed_list_fails_all_and_is_named);
	RUN(many_filters_are_all_listed);
	return test_summary();
}
