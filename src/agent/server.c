#include "agent/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "agent/status_page.h"
#include "common/address.h"
#include "common/buf.h"
#include "common/mem.h"
#include "common/timeutil.h"

/*
 * The listener must keep answering probes while a crowd of slow or idle
 * clients holds connections: many connections on epoll (select() stops
 * at 1024 descriptors), each dropped after a few seconds without
 * progress, each with a small memory pool (probes and scrapes send a few
 * headers; a response lives in its own buffer).
 */
#define SC_AGENT_SERVER_CONNECTIONS 4096
#define SC_AGENT_SERVER_TIMEOUT_S   5
#define SC_AGENT_SERVER_MEMORY      (16 * 1024)
/* Descriptors left for the cycles: transfers, spec files, the lock. */
#define SC_AGENT_SERVER_FD_RESERVE 256
#define SC_AGENT_SERVER_FD_MIN     16

struct sc_agent_server {
	struct MHD_Daemon *daemon;
	sc_agent_metrics *metrics; /* borrowed */
	char address[80];
};

int sc_agent_parse_listen(const char *text, struct sockaddr_storage *out,
                          socklen_t *out_len, sc_diag *diag)
{
	return sc_address_parse(out, out_len, text, "--listen-metrics", diag);
}

static enum MHD_Result respond(struct MHD_Connection *connection, unsigned status,
                               sc_buf *body, const char *type)
{
	size_t len = body->len;
	char *data = sc_buf_detach(body);
	struct MHD_Response *response =
	    MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!response) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	enum MHD_Result result = MHD_queue_response(connection, status, response);
	MHD_destroy_response(response);
	return result;
}

static enum MHD_Result respond_text(struct MHD_Connection *connection, unsigned status,
                                    const char *text)
{
	sc_buf body = SC_BUF_INIT;
	sc_buf_puts(&body, text);
	return respond(connection, status, &body, "text/plain; charset=utf-8");
}

/* The status page, with the policy that lets only its own script and fetches run. */
static enum MHD_Result respond_status_page(struct MHD_Connection *connection)
{
	const char *page = sc_agent_status_page_html();
	struct MHD_Response *response = MHD_create_response_from_buffer(
	    strlen(page), (void *)page, MHD_RESPMEM_PERSISTENT);
	if (!response)
		return MHD_NO;
	MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        "text/html; charset=utf-8");
	MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(response, "Content-Security-Policy",
	                        sc_agent_status_page_csp());
	MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
	enum MHD_Result result = MHD_queue_response(connection, MHD_HTTP_OK, response);
	MHD_destroy_response(response);
	return result;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *connection,
                              const char *url, const char *method, const char *version,
                              const char *upload_data, size_t *upload_data_size,
                              void **con_cls)
{
	sc_agent_server *server = cls;
	(void)version, (void)upload_data, (void)con_cls;

	if (*upload_data_size) {
		*upload_data_size = 0; /* a body is ignored */
		return MHD_YES;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return respond_text(connection, MHD_HTTP_METHOD_NOT_ALLOWED,
		                    "method not allowed\n");
	if (!strcmp(url, "/metrics")) {
		sc_buf body = SC_BUF_INIT;
		sc_agent_metrics_render(server->metrics, &body);
		return respond(connection, MHD_HTTP_OK, &body,
		               "text/plain; version=0.0.4; charset=utf-8");
	}
	if (!strcmp(url, "/"))
		return respond_status_page(connection);
	if (!strcmp(url, "/api/status")) {
		sc_buf body = SC_BUF_INIT;
		sc_agent_status_render_json(&server->metrics->status, sc_time_now_ms(),
		                            &body);
		return respond(connection, MHD_HTTP_OK, &body, "application/json");
	}
	if (!strcmp(url, "/healthz")) {
		bool live = sc_agent_metrics_live(server->metrics);
		return respond_text(connection,
		                    live ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
		                    live ? "ok\n" : "stopping\n");
	}
	if (!strcmp(url, "/readyz")) {
		bool ready = sc_agent_metrics_ready(server->metrics);
		return respond_text(connection,
		                    ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
		                    ready ? "ready\n" : "no successful cycle yet\n");
	}
	return respond_text(connection, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* Reads the bound address back from the listening socket. */
static void bound_address(sc_agent_server *server)
{
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_LISTEN_FD);
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	char host[INET6_ADDRSTRLEN] = "?";

	if (!info || getsockname(info->listen_fd, (struct sockaddr *)&addr, &len) < 0)
		return;
	if (addr.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(server->address, sizeof(server->address), "[%s]:%u", host,
		         ntohs(in6->sin6_port));
	} else {
		struct sockaddr_in *in4 = (struct sockaddr_in *)&addr;
		inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
		snprintf(server->address, sizeof(server->address), "%s:%u", host,
		         ntohs(in4->sin_port));
	}
}

/*
 * How many connections the descriptor limit affords, after raising the
 * soft limit to the hard one (the usual soft limit, 1024, would cap the
 * listener below the crowd it must outlast).
 */
static unsigned connection_budget(void)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) < 0)
		return SC_AGENT_SERVER_FD_MIN;
	if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < limit.rlim_max) {
		struct rlimit raised = {.rlim_cur = limit.rlim_max,
		                        .rlim_max = limit.rlim_max};
		if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
			limit = raised;
	}
	rlim_t fds = limit.rlim_cur;
	if (fds == RLIM_INFINITY ||
	    fds >= SC_AGENT_SERVER_CONNECTIONS + SC_AGENT_SERVER_FD_RESERVE)
		return SC_AGENT_SERVER_CONNECTIONS;
	if (fds <= SC_AGENT_SERVER_FD_RESERVE + SC_AGENT_SERVER_FD_MIN)
		return SC_AGENT_SERVER_FD_MIN;
	return (unsigned)(fds - SC_AGENT_SERVER_FD_RESERVE);
}

int sc_agent_server_start(sc_agent_server **out, const char *listen,
                          sc_agent_metrics *metrics, sc_diag *diag)
{
	struct sockaddr_storage addr;
	socklen_t len;

	*out = NULL;
	if (sc_agent_parse_listen(listen, &addr, &len, diag))
		return -1;
	sc_agent_server *server = sc_calloc(1, sizeof(*server));
	server->metrics = metrics;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	server->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, handle, server, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)SC_AGENT_SERVER_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT,
	    connection_budget(), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)SC_AGENT_SERVER_MEMORY, MHD_OPTION_END);
	if (!server->daemon) {
		free(server);
		return sc_diag_error(
		    diag, NULL, 0, 0,
		    "--listen-metrics: cannot listen on '%s' (in use, or not "
		    "an address of this host)",
		    listen);
	}
	snprintf(server->address, sizeof(server->address), "%s", listen);
	bound_address(server);
	*out = server;
	return 0;
}

const char *sc_agent_server_address(const sc_agent_server *server)
{
	return server->address;
}

void sc_agent_server_free(sc_agent_server *server)
{
	if (!server)
		return;
	MHD_stop_daemon(server->daemon);
	free(server);
}
