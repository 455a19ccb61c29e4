#include "sandboxd/server.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/address.h"
#include "common/mem.h"
#include "common/timeutil.h"

/* What one request accumulates between the calls MHD makes for it. */
typedef struct conn_request {
	bool started;          /* on_request has seen the headers */
	const char *malformed; /* why the request cannot be trusted, or NULL */
	sc_buf body;
	bool has_body;
	bool too_large;
	bool answered;
	bool has_pending; /* a delayed response waits in pending */
	sd_response pending;
} conn_request;

typedef struct param_list {
	sd_param *items;
	size_t count, alloc;
} param_list;

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
	param_list *list = cls;
	(void)kind;
	SC_GROW(list->items, list->count + 1, list->alloc);
	list->items[list->count].key = key ? key : "";
	list->items[list->count].value = value ? value : "";
	list->count++;
	return MHD_YES;
}

/*
 * Before MHD decodes the URI: a %00 would cut the path or a query value
 * short once decoded (ab%00cd looked up as ab). The request state starts
 * here, MHD hands it to on_request as *con_cls.
 */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *connection)
{
	conn_request *ctx = sc_calloc(1, sizeof(*ctx));
	(void)cls, (void)connection;
	if (uri && strstr(uri, "%00"))
		ctx->malformed = "the URL holds %00 (a NUL byte)";
	return ctx;
}

typedef struct framing {
	unsigned content_length;
	unsigned transfer_encoding;
	bool bad_length;
} framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
	framing *f = cls;
	(void)kind;
	if (!key)
		return MHD_YES;
	if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
		f->content_length++;
		f->bad_length |=
		    !value || !*value || strspn(value, "0123456789") != strlen(value);
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
		f->transfer_encoding++;
	}
	return MHD_YES;
}

/*
 * Where a request ends must be beyond doubt, or a proxy in front and this
 * server could split the bytes differently (request smuggling): a second
 * Content-Length, Content-Length with Transfer-Encoding, or a length that
 * is not a number are refused.
 */
static const char *framing_problem(struct MHD_Connection *connection)
{
	framing f = {0, 0, false};
	MHD_get_connection_values(connection, MHD_HEADER_KIND, count_framing, &f);
	if (f.content_length > 1)
		return "more than one Content-Length header";
	if (f.content_length && f.transfer_encoding)
		return "both Content-Length and Transfer-Encoding";
	if (f.transfer_encoding > 1)
		return "more than one Transfer-Encoding header";
	if (f.bad_length)
		return "Content-Length is not a number";
	return NULL;
}

static void add_header(struct MHD_Response *r, const char *name, const char *value)
{
	MHD_add_response_header(r, name, value);
}

static enum MHD_Result send_response(sd_server *server, struct MHD_Connection *connection,
                                     sd_response *response)
{
	char date[32], number[32];
	size_t len = response->body.len;

	if (response->mode == SD_SEND_DROP)
		return MHD_NO;
	if (response->mode == SD_SEND_TRUNCATE)
		len /= 2;
	char *data = sc_buf_detach(&response->body);
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, data ? data : (char *)"",
	    data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	/* The server clock when sent: a delayed response is not stale. */
	sc_time_format_http(date, sd_store_now(&server->service->store));
	add_header(r, MHD_HTTP_HEADER_DATE, date);
	if (response->status != 204)
		add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	add_header(r, "X-Request-Id", response->request_id);
	if (response->allow)
		add_header(r, MHD_HTTP_HEADER_ALLOW, response->allow);
	if (response->next_token)
		add_header(r, "X-Next-Token", response->next_token);
	if (response->retry_after > 0) {
		snprintf(number, sizeof(number), "%d", response->retry_after);
		add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, number);
	}
	/* After a request that cannot be trusted, the rest of the bytes are not read. */
	if (response->close)
		add_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result rc =
	    MHD_queue_response(connection, (unsigned)response->status, r);
	MHD_destroy_response(r);
	return rc;
}

static void log_request(sd_server *server, const char *method, const char *url,
                        const sd_response *response, int64_t started)
{
	if (!server->log || !response->log)
		return;
	char *line = sc_asprintf("%s %.512s %d %lldms %s%s", method, url,
	                         response->mode == SD_SEND_DROP ? 0 : response->status,
	                         (long long)(sc_time_monotonic_ms() - started),
	                         response->request_id,
	                         response->mode == SD_SEND_DROP       ? " (dropped)"
	                         : response->mode == SD_SEND_TRUNCATE ? " (truncated)"
	                                                              : "");
	server->log(server->log_ctx, line);
	free(line);
}

static enum MHD_Result answer(sd_server *server, struct MHD_Connection *connection,
                              const char *url, const char *method, conn_request *ctx)
{
	param_list params = {NULL, 0, 0};
	sd_request request;
	sd_response response;
	int64_t started = sc_time_monotonic_ms();

	MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_param,
	                          &params);
	memset(&request, 0, sizeof(request));
	request.method = method;
	request.path = url;
	request.query = params.items;
	request.query_count = params.count;
	request.api_key =
	    MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-API-Key");
	request.authorization = MHD_lookup_connection_value(
	    connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	request.body = ctx->has_body ? sc_buf_cstr(&ctx->body) : NULL;
	request.body_len = ctx->body.len;
	request.body_too_large = ctx->too_large;
	request.malformed = ctx->malformed;

	sd_response_init(&response);
	sd_service_handle(server->service, &request, &response);
	response.close = ctx->malformed != NULL;
	log_request(server, method, url, &response, started);
	free(params.items);
	ctx->answered = true;
	if (response.delay_ms > 0 && response.mode != SD_SEND_DROP) {
		ctx->pending = response;
		ctx->has_pending = true;
		MHD_suspend_connection(connection);
		if (!sd_timer_add(&server->timer,
		                  sc_time_monotonic_ms() + response.delay_ms, connection))
			MHD_resume_connection(connection);
		return MHD_YES;
	}
	enum MHD_Result rc = send_response(server, connection, &response);
	sd_response_release(&response);
	return rc;
}

/* The timer: a delayed response is due; MHD calls on_request again. */
static void resume_connection(void *ctx, void *arg)
{
	(void)ctx;
	MHD_resume_connection(arg);
}

static enum MHD_Result send_pending(sd_server *server, struct MHD_Connection *connection,
                                    conn_request *ctx)
{
	enum MHD_Result rc = send_response(server, connection, &ctx->pending);
	sd_response_release(&ctx->pending);
	ctx->has_pending = false;
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	sd_server *server = cls;
	conn_request *ctx = *con_cls;
	(void)version;

	if (!ctx) { /* on_uri sets it for every request MHD reports */
		ctx = sc_calloc(1, sizeof(*ctx));
		*con_cls = ctx;
	}
	if (!ctx->started) {
		ctx->started = true;
		if (!ctx->malformed)
			ctx->malformed = framing_problem(connection);
		if (ctx->malformed)
			return answer(server, connection, url, method, ctx);
		const char *length = MHD_lookup_connection_value(
		    connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length && strtoull(length, NULL, 10) > SD_BODY_LIMIT) {
			ctx->too_large = true;
			return answer(server, connection, url, method, ctx);
		}
		return MHD_YES;
	}
	if (ctx->has_pending)
		return send_pending(server, connection, ctx);
	if (ctx->answered) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		ctx->has_body = true;
		if (!ctx->too_large &&
		    ctx->body.len + *upload_data_size > SD_BODY_LIMIT) {
			ctx->too_large = true;
			sc_buf_release(&ctx->body);
		}
		if (!ctx->too_large)
			sc_buf_put(&ctx->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(server, connection, url, method, ctx);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
	conn_request *ctx = *con_cls;
	(void)cls, (void)connection, (void)code;
	if (!ctx)
		return;
	if (ctx->has_pending)
		sd_response_release(&ctx->pending);
	sc_buf_release(&ctx->body);
	free(ctx);
	*con_cls = NULL;
}

/* Counts each connection accepted, for /_admin/stats. */
static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	sd_server *server = cls;
	(void)connection, (void)socket_context;
	if (code != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	pthread_mutex_lock(&server->service->control);
	sd_stats_connection(&server->service->stats);
	pthread_mutex_unlock(&server->service->control);
}

/* Binds a listening socket on "ADDR:PORT" (common/address.h). */
static int open_listener(const char *listen_at, int *out_fd, int *out_port, sc_diag *diag)
{
	struct sockaddr_storage addr;
	socklen_t addr_len;

	if (sc_address_parse(&addr, &addr_len, listen_at, "--listen", diag))
		return -1;
	int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, addr_len) || listen(fd, 1024)) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return sc_diag_error(diag, NULL, 0, 0,
		                     "--listen: cannot listen on '%s': %s", listen_at,
		                     strerror(err));
	}
	struct sockaddr_storage bound;
	socklen_t len = sizeof(bound);
	getsockname(fd, (struct sockaddr *)&bound, &len);
	*out_port =
	    ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
	                                      : ((struct sockaddr_in *)&bound)->sin_port);
	*out_fd = fd;
	return 0;
}

static unsigned pool_size(unsigned threads)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (threads)
		return threads;
	return cpus < 1 ? 1 : cpus > 64 ? 64 : (unsigned)cpus;
}

/*
 * Connections are capped below the descriptor limit, so that the journal
 * (compaction opens a file) and the timer keep descriptors of their own.
 */
static unsigned connection_limit(void)
{
	struct rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) || limit.rlim_cur == RLIM_INFINITY ||
	    limit.rlim_cur > 10000 + 64)
		return 10000;
	return limit.rlim_cur > 64 + 16 ? (unsigned)(limit.rlim_cur - 64) : 16;
}

int sd_server_start(sd_server *server, sd_service *service, const char *listen_at,
                    unsigned threads, unsigned idle_timeout_s, sd_log_fn log,
                    void *log_ctx, sc_diag *diag)
{
	memset(server, 0, sizeof(*server));
	server->service = service;
	server->log = log;
	server->log_ctx = log_ctx;
	server->listen_fd = -1;
	if (open_listener(listen_at, &server->listen_fd, &server->port, diag))
		return -1;
	if (sd_timer_start(&server->timer, resume_connection, server)) {
		close(server->listen_fd);
		server->listen_fd = -1;
		return sc_diag_error(diag, NULL, 0, 0, "cannot start the timer thread");
	}
	server->timer_running = true;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
	                 MHD_USE_SUPPRESS_DATE_NO_CLOCK;
	server->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, server, MHD_OPTION_LISTEN_SOCKET,
	    server->listen_fd, MHD_OPTION_THREAD_POOL_SIZE, pool_size(threads),
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, server, MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, server, MHD_OPTION_NOTIFY_CONNECTION, on_connection, server,
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    idle_timeout_s ? idle_timeout_s : SD_IDLE_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_LIMIT, connection_limit(),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024), MHD_OPTION_END);
	if (!server->daemon) {
		sd_timer_stop(&server->timer);
		server->timer_running = false;
		close(server->listen_fd);
		server->listen_fd = -1;
		return sc_diag_error(diag, NULL, 0, 0,
		                     "cannot start the HTTP server on '%s'", listen_at);
	}
	return 0;
}

void sd_server_stop(sd_server *server)
{
	/* Every suspended connection is resumed before the daemon stops. */
	if (server->timer_running)
		sd_timer_stop(&server->timer);
	server->timer_running = false;
	if (server->daemon)
		MHD_stop_daemon(server->daemon);
	server->daemon = NULL;
	if (server->listen_fd >= 0)
		close(server->listen_fd);
	server->listen_fd = -1;
}
