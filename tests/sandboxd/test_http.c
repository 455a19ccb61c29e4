/*
 * sc-sandboxd's HTTP against hostile clients: requests whose framing is in
 * doubt (request smuggling), %00 in a URL, and a crowd of idle
 * connections when descriptors run out.
 */
#define _GNU_SOURCE /* prlimit */
#include "sdtest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

static int connect_to(int port)
{
	struct sockaddr_in addr;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Writes raw bytes and reads what comes back until the server closes the
 * connection (or stays silent for 20 s); malloc'd.
 */
static char *raw_exchange(int port, const char *bytes)
{
	char *out = calloc(1, 1);
	size_t len = 0;
	int fd = connect_to(port);
	if (fd < 0)
		return out;
	for (size_t done = 0, total = strlen(bytes); done < total;) {
		ssize_t n = write(fd, bytes + done, total - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		char chunk[4096];
		if (poll(&p, 1, 20000) <= 0)
			break;
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		out = realloc(out, len + (size_t)n + 1);
		memcpy(out + len, chunk, (size_t)n);
		len += (size_t)n;
		out[len] = '\0';
	}
	close(fd);
	return out;
}

static int count_of(const char *haystack, const char *needle)
{
	int n = 0;
	for (const char *p = haystack; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

TEST(request_smuggling_is_refused)
{
	test_sandboxd sd;
	SDT_START(sd, "--log-requests");
	const char *head =
	    "POST /api/v1/sandbox/sandboxes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "X-API-Key: " TEST_API_KEY "\r\n"
	    "Content-Type: application/json\r\n";
	const char *smuggled =
	    "POST /api/v1/sandbox/sandboxes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "X-API-Key: " TEST_API_KEY "\r\nContent-Length: 2\r\n\r\n{}";

	/* Two lengths: one reader sees {} and a second request, another one body. */
	char *request =
	    sc_asprintf("%sContent-Length: 2\r\nContent-Length: %zu\r\n\r\n{}%s", head,
	                2 + strlen(smuggled), smuggled);
	char *answer = raw_exchange(sd.port, request);
	CHECK(!strncmp(answer, "HTTP/1.1 400", 12));
	CHECK_CONTAINS(answer, "Content-Length");
	CHECK_INT(count_of(answer, "HTTP/1.1 "), 1); /* the rest was never read */
	free(answer);
	free(request);

	/* A length and chunks: which one ends the body? */
	request = sc_asprintf("%sContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
	                      "2\r\n{}\r\n0\r\n\r\n",
	                      head);
	answer = raw_exchange(sd.port, request);
	CHECK(!strncmp(answer, "HTTP/1.1 400", 12));
	CHECK_CONTAINS(answer, "Transfer-Encoding");
	CHECK_INT(count_of(answer, "HTTP/1.1 "), 1);
	free(answer);
	free(request);

	CHECK_INT(sdt_list_all(&sd, NULL, 100, NULL), 0); /* nothing was created */
	/* A plain request on a fresh connection is served as ever. */
	request = sc_asprintf("%sContent-Length: 2\r\nConnection: close\r\n\r\n{}", head);
	answer = raw_exchange(sd.port, request);
	CHECK(!strncmp(answer, "HTTP/1.1 201", 12));
	free(answer);
	free(request);
	test_sandboxd_release(&sd);
}

TEST(nul_in_a_url_is_refused)
{
	test_sandboxd sd;
	char url[256];
	long status;
	SDT_START(sd, "--log-requests");
	char *id = sdt_create(&sd, "{\"metadata\":{\"set\":\"n\"}}");

	/* Decoded, ID%00rest would be looked up as ID. */
	snprintf(url, sizeof(url), "/sandboxes/%s%%00rest", id);
	char *message = sdt_error(&sd, "GET", url, NULL, &status);
	CHECK_INT(status, 400);
	CHECK_CONTAINS(message, "%00");
	free(message);
	snprintf(url, sizeof(url), "/sandboxes/%s%%00rest", id);
	CHECK_INT(sdt_status(&sd, "DELETE", url, NULL), 400);
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes?metadata[set]=n%00x", NULL), 400);
	/* Nothing was deleted. */
	snprintf(url, sizeof(url), "/sandboxes/%s", id);
	CHECK_INT(sdt_status(&sd, "GET", url, NULL), 200);
	free(id);
	test_sandboxd_release(&sd);
}

/* Whether descriptor number fd is open in process pid. */
static bool fd_open(pid_t pid, int fd)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)pid, fd);
	return access(path, F_OK) == 0 || errno != ENOENT;
}

/* The limit that leaves pid exactly spare descriptor numbers free below it. */
static int limit_leaving(pid_t pid, int spare)
{
	int fd = 0;
	for (int free_found = 0; free_found < spare; fd++)
		free_found += !fd_open(pid, fd);
	return fd;
}

/* Whether every descriptor number below limit is in use. */
static bool all_used(pid_t pid, int limit)
{
	for (int fd = 0; fd < limit; fd++) {
		if (!fd_open(pid, fd))
			return false;
	}
	return true;
}

#define IDLE_CLIENTS 40

TEST(idle_connections_do_not_starve_new_clients)
{
	test_sandboxd sd;
	int idle[IDLE_CLIENTS];
	if (getenv("SC_TEST_WRAP") && *getenv("SC_TEST_WRAP")) {
		printf("  skipped under SC_TEST_WRAP (the wrapper keeps descriptors of "
		       "its own)\n");
		return;
	}
	SDT_START(sd, "--idle-timeout", "1", "--threads", "1");
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes", NULL), 200);

	/* A few descriptors to spare, then as many idle clients as fit and more. */
	struct rlimit limit;
	CHECK_INT(prlimit(sd.process.pid, RLIMIT_NOFILE, NULL, &limit), 0);
	limit.rlim_cur = (rlim_t)limit_leaving(sd.process.pid, 8);
	CHECK_INT(prlimit(sd.process.pid, RLIMIT_NOFILE, &limit, NULL), 0);
	for (int i = 0; i < IDLE_CLIENTS; i++)
		idle[i] = connect_to(sd.port);

	/* The server runs out of descriptors. */
	bool exhausted = false;
	for (int waited = 0; waited < 30000 && !exhausted; waited += 2) {
		exhausted = all_used(sd.process.pid, (int)limit.rlim_cur);
		sdt_sleep_ms(2);
	}
	CHECK(exhausted);

	/* A new client is served once the idle ones are dropped. */
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes", NULL), 200);
	int closed = 0;
	for (int i = 0; i < IDLE_CLIENTS; i++) {
		struct pollfd p = {idle[i], POLLIN, 0};
		char byte;
		if (idle[i] >= 0 && poll(&p, 1, 30000) == 1 &&
		    read(idle[i], &byte, 1) <= 0)
			closed++;
		close(idle[i]);
	}
	CHECK_INT(closed, IDLE_CLIENTS); /* the server closed every idle connection */
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes", NULL), 200);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
}

int main(void)
{
	RUN(request_smuggling_is_refused);
	RUN(nul_in_a_url_is_refused);
	RUN(idle_connections_do_not_starve_new_clients);
	return test_summary();
}
