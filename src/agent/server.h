/*
 * The agent's HTTP endpoint, on libmicrohttpd's own thread: /metrics
 * (Prometheus text 0.0.4), /healthz (200 while the loop runs, else 503),
 * /readyz (503 until a cycle has succeeded, 200 after); any other path is
 * 404, any method but GET and HEAD 405. It keeps answering probes while
 * a thousand and more slow clients hold connections: up to 4096
 * connections on epoll (fewer when the descriptor limit, raised to its
 * hard limit at start, affords fewer), each dropped after 5 s without
 * progress.
 *
 * Ownership: a server borrows the metrics (which must outlive it) and owns
 * its daemon; sc_agent_server_free() stops it and frees it (NULL: no-op).
 *
 * It also serves the status page: / (HTML, agent/status_page.h) and
 * /api/status (its JSON, agent/status.h).
 */
#ifndef SC_AGENT_SERVER_H
#define SC_AGENT_SERVER_H

#include <sys/socket.h>

#include "agent/private/metrics.h"
#include "common/diag.h"

typedef struct sc_agent_server sc_agent_server;

/*
 * Parses "ADDR:PORT" into an address to bind: ADDR an IPv4 address, a
 * host name, "[IPv6]", or empty for every IPv4 address; PORT 0..65535
 * (0: any free port).
 */
int sc_agent_parse_listen(const char *text, struct sockaddr_storage *out,
                          socklen_t *out_len, sc_diag *diag);

/* Starts serving on listen ("ADDR:PORT"). */
int sc_agent_server_start(sc_agent_server **out, const char *listen,
                          sc_agent_metrics *metrics, sc_diag *diag);
/* The bound address, "127.0.0.1:43123" or "[::1]:43123": the real port, even for 0. */
const char *sc_agent_server_address(const sc_agent_server *server);
void sc_agent_server_free(sc_agent_server *server);

#endif
