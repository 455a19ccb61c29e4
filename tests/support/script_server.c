#include "support/script_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* A request's header block may be at most this long. */
#define HEAD_MAX (256 * 1024)
/* A silent client is dropped after this long. */
#define READ_TIMEOUT_MS 5000

static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int rc;
	while ((rc = poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	return rc;
}

static bool send_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t sent = send(fd, data, len, MSG_NOSIGNAL);
		if (sent < 0 && errno == EINTR)
			continue;
		if (sent <= 0)
			return false;
		data += sent;
		len -= (size_t)sent;
	}
	return true;
}

static size_t content_length(const char *head)
{
	for (const char *line = strstr(head, "\r\n"); line;
	     line = strstr(line + 2, "\r\n")) {
		if (!strncasecmp(line + 2, "Content-Length:", 15))
			return (size_t)strtoul(line + 17, NULL, 10);
	}
	return 0;
}

/* Reads one request into buf (header block, then body); 0 on success. */
static int read_request(int fd, char **buf, size_t *head_len, size_t *total)
{
	size_t alloc = 8192, len = 0, need = 0;
	char *data = malloc(alloc + 1);
	char *end = NULL;

	for (;;) {
		if (!end && len >= HEAD_MAX)
			break;
		if (end && len >= need) {
			*buf = data;
			*total = len;
			return 0;
		}
		if (wait_readable(fd, READ_TIMEOUT_MS) <= 0)
			break;
		if (len == alloc) {
			alloc *= 2;
			data = realloc(data, alloc + 1);
		}
		ssize_t got = recv(fd, data + len, alloc - len, 0);
		if (got <= 0)
			break;
		len += (size_t)got;
		data[len] = '\0';
		if (!end && (end = strstr(data, "\r\n\r\n"))) {
			*head_len = (size_t)(end - data) + 4;
			data[*head_len - 2] = '\0';
			need = *head_len + content_length(data);
		}
	}
	free(data);
	return -1;
}

static void answer(test_script_server *server, int fd)
{
	char *buf, method[16] = "", target[8192] = "";
	size_t head_len = 0, total = 0;
	test_script_reply reply = {0};

	if (read_request(fd, &buf, &head_len, &total))
		return;
	sscanf(buf, "%15s %8191s", method, target);
	test_script_request request = {
	    .index = atomic_load(&server->requests),
	    .method = method,
	    .target = target,
	    .headers = buf,
	    .body = buf + head_len,
	    .body_len = total - head_len,
	};
	server->script(server->ctx, &request, &reply);
	atomic_fetch_add(&server->requests, 1);
	if (reply.status) {
		char head[512];
		int n = snprintf(head, sizeof(head),
		                 "HTTP/1.1 %d Scripted\r\nConnection: close\r\n"
		                 "Content-Length: %zu\r\n",
		                 reply.status, reply.body_len);
		if (send_all(fd, head, (size_t)n) &&
		    send_all(fd, reply.headers ? reply.headers : "",
		             reply.headers ? strlen(reply.headers) : 0) &&
		    send_all(fd, "\r\n", 2) && reply.body_len)
			send_all(fd, reply.body, reply.body_len);
	}
	free(reply.headers);
	free(reply.body);
	free(buf);
}

static void *serve(void *arg)
{
	test_script_server *server = arg;

	while (!atomic_load(&server->stop)) {
		if (wait_readable(server->fd, 50) <= 0)
			continue;
		int fd = accept(server->fd, NULL, NULL);
		if (fd < 0)
			continue;
		answer(server, fd);
		shutdown(fd, SHUT_WR);
		close(fd);
	}
	return NULL;
}

int test_script_server_start(test_script_server *out, test_script_fn script, void *ctx)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};
	socklen_t len = sizeof(addr);

	memset(out, 0, sizeof(*out));
	out->script = script;
	out->ctx = ctx;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	out->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (out->fd < 0)
		return -1;
	if (bind(out->fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(out->fd, 64) || getsockname(out->fd, (struct sockaddr *)&addr, &len)) {
		close(out->fd);
		return -1;
	}
	out->port = ntohs(addr.sin_port);
	snprintf(out->base_url, sizeof(out->base_url),
	         "http://127.0.0.1:%d/api/v1/sandbox", out->port);
	if (pthread_create(&out->thread, NULL, serve, out)) {
		close(out->fd);
		return -1;
	}
	return 0;
}

void test_script_server_stop(test_script_server *server)
{
	atomic_store(&server->stop, true);
	pthread_join(server->thread, NULL);
	close(server->fd);
}

void test_script_reply_text(test_script_reply *reply, int status, const char *text)
{
	reply->status = status;
	reply->body_len = strlen(text);
	reply->body = malloc(reply->body_len + 1);
	memcpy(reply->body, text, reply->body_len + 1);
}

void test_script_reply_header(test_script_reply *reply, const char *line)
{
	size_t old = reply->headers ? strlen(reply->headers) : 0;
	reply->headers = realloc(reply->headers, old + strlen(line) + 3);
	sprintf(reply->headers + old, "%s\r\n", line);
}
