/*
 * The HTTP side of sc-sandboxd, on libmicrohttpd: a pool of epoll threads;
 * a delayed response (--latency-ms, slow faults, waitReady) suspends its
 * connection and a timer resumes it, so a delay never holds a thread.
 * Bodies up to 1 MiB; the sd_response turned into bytes, faults included.
 * A request whose framing is in doubt (two Content-Lengths, Content-Length
 * with Transfer-Encoding, %00 in the URL) is answered 400 and its
 * connection closed. Idle connections are closed after a timeout and
 * connections are capped below the descriptor limit, so that a crowd of
 * idle clients holds the server only that long.
 *
 * Ownership: the server borrows the service, which must outlive it;
 * sd_server_stop() resumes what is suspended, stops the daemon and closes
 * the socket.
 */
#ifndef SD_SERVER_H
#define SD_SERVER_H

#include <stdbool.h>

#include "common/diag.h"
#include "sandboxd/service.h"
#include "sandboxd/private/timer.h"

/* Receives one line per request when logRequests is on (no keys, no query). */
typedef void (*sd_log_fn)(void *ctx, const char *line);

typedef struct sd_server {
	struct MHD_Daemon *daemon;
	sd_service *service;
	int listen_fd;
	int port; /* the bound port (also when 0 was asked for) */
	sd_log_fn log;
	void *log_ctx;
	sd_timer timer;
	bool timer_running;
} sd_server;

/* How long a connection may sit idle (no request, no bytes) before it is closed. */
#define SD_IDLE_TIMEOUT_S 15

/*
 * listen: "ADDR:PORT"; port 0 picks a free one. threads: the pool size
 * (0: one per CPU). idle_timeout_s: 0 for SD_IDLE_TIMEOUT_S. Accepting
 * once this returns 0.
 */
int sd_server_start(sd_server *server, sd_service *service, const char *listen,
                    unsigned threads, unsigned idle_timeout_s, sd_log_fn log,
                    void *log_ctx, sc_diag *diag);
void sd_server_stop(sd_server *server);

#endif
