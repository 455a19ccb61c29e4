/*
 * The agent's HTTP listener under a crowd: with 1,000 connections open to
 * it, half idle and half trickling a request a byte at a time, /healthz
 * and /readyz still answer (a Kubernetes probe must not fail because
 * slow clients took every slot).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "support/sandboxd.h"

#include "agent/private/metrics.h"
#include "agent/server.h"

enum { CROWD = 1000, TRICKLERS = CROWD / 2 };

typedef struct crowd {
	int fds[CROWD];
	size_t open;
	pthread_t thread;
	pthread_mutex_t lock;
	bool stop;
} crowd;

static int connect_to(const char *address)
{
	char host[64];
	unsigned port = 0;
	struct sockaddr_in addr = {.sin_family = AF_INET};

	if (sscanf(address, "%63[^:]:%u", host, &port) != 2 ||
	    inet_pton(AF_INET, host, &addr.sin_addr) != 1)
		return -1;
	addr.sin_port = htons((unsigned short)port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The trickling half sends a request a byte every half second, never finishing it. */
static void *trickle(void *ctx)
{
	crowd *c = ctx;
	static const char request[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ";
	size_t sent = 0;

	for (;;) {
		pthread_mutex_lock(&c->lock);
		bool stop = c->stop;
		pthread_mutex_unlock(&c->lock);
		if (stop)
			return NULL;
		char byte = sent < sizeof(request) - 1 ? request[sent] : 'a';
		for (size_t i = 0; i < TRICKLERS && i < c->open; i++) {
			if (send(c->fds[i], &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
				/* Closed by the server: this client is done. */
			}
		}
		sent++;
		usleep(500 * 1000);
	}
}

static long status_of(const char *address, const char *path)
{
	char url[128];
	test_response response;

	snprintf(url, sizeof(url), "http://%s%s", address, path);
	/* test_http gives up after 30 s: the generous bound, not a timing. */
	long status =
	    test_http(NULL, "GET", url, NULL, NULL, &response) ? -1 : response.status;
	test_response_release(&response);
	return status;
}

TEST(probes_answer_while_a_thousand_slow_clients_are_connected)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_agent_metrics metrics;
	sc_agent_server *server = NULL;
	crowd c = {.open = 0};

	sc_agent_metrics_init(&metrics);
	sc_agent_metrics_set_live(&metrics, true);
	CHECK_INT(sc_agent_server_start(&server, "127.0.0.1:0", &metrics, &diag), 0);
	if (!server)
		return;
	const char *address = sc_agent_server_address(server);
	for (; c.open < CROWD; c.open++) {
		c.fds[c.open] = connect_to(address);
		if (c.fds[c.open] < 0)
			break;
	}
	CHECK_INT(c.open, CROWD);
	pthread_mutex_init(&c.lock, NULL);
	CHECK_INT(pthread_create(&c.thread, NULL, trickle, &c), 0);

	for (int round = 0; round < 3; round++) {
		CHECK_INT(status_of(address, "/healthz"), 200);
		CHECK_INT(status_of(address, "/readyz"),
		          503); /* no cycle yet: answered, not ready */
	}

	pthread_mutex_lock(&c.lock);
	c.stop = true;
	pthread_mutex_unlock(&c.lock);
	pthread_join(c.thread, NULL);
	pthread_mutex_destroy(&c.lock);
	for (size_t i = 0; i < c.open; i++)
		close(c.fds[i]);
	sc_agent_server_free(server);
	sc_agent_metrics_release(&metrics);
	sc_diag_release(&diag);
}

TEST(the_descriptor_limit_is_raised_to_the_hard_limit)
{
	struct rlimit before, after;
	sc_diag diag = SC_DIAG_INIT;
	sc_agent_metrics metrics;
	sc_agent_server *server = NULL;

	CHECK_INT(getrlimit(RLIMIT_NOFILE, &before), 0);
	if (before.rlim_max < 2048) {
		printf("  (skipped: the hard limit %lu is too low to test)\n",
		       (unsigned long)before.rlim_max);
		return;
	}
	struct rlimit lowered = {.rlim_cur = 1024, .rlim_max = before.rlim_max};
	CHECK_INT(setrlimit(RLIMIT_NOFILE, &lowered), 0);
	sc_agent_metrics_init(&metrics);
	CHECK_INT(sc_agent_server_start(&server, "127.0.0.1:0", &metrics, &diag), 0);
	CHECK_INT(getrlimit(RLIMIT_NOFILE, &after), 0);
	CHECK(after.rlim_cur == before.rlim_max);
	sc_agent_server_free(server);
	sc_agent_metrics_release(&metrics);
	sc_diag_release(&diag);
	setrlimit(RLIMIT_NOFILE, &before);
}

int main(void)
{
	RUN(the_descriptor_limit_is_raised_to_the_hard_limit);
	RUN(probes_answer_while_a_thousand_slow_clients_are_connected);
	return test_summary();
}
