/*
 * Request counts for GET /_admin/stats: by method and route template, by
 * status, the total and the writes (non-GET); and the connections
 * accepted (a client that reuses connections opens few). Admin routes are
 * not counted. Fixed-size tables; the caller locks.
 */
#ifndef SD_STATS_H
#define SD_STATS_H

#include <stdint.h>

#include "common/buf.h"
#include "sandboxd/private/route.h"

#define SD_STATS_METHODS 8
#define SD_STATS_ROUTES  (SD_ROUTE_ADMIN_CONFIG + 1)

typedef struct sd_stats {
	uint64_t total;
	uint64_t writes;
	uint64_t faults;   /* answers an injected fault changed */
	uint64_t connections; /* TCP connections accepted, admin ones included */
	uint64_t by_route[SD_STATS_METHODS][SD_STATS_ROUTES];
	uint64_t by_status[600];
} sd_stats;

void sd_stats_reset(sd_stats *stats);
void sd_stats_count(sd_stats *stats, const char *method, sd_route_kind route, int status);
void sd_stats_fault(sd_stats *stats);
void sd_stats_connection(sd_stats *stats);
void sd_stats_write_json(sc_buf *out, const sd_stats *stats);

#endif
