/*
 * Which route a path names, under either layout (/api/v1/sandbox/... and
 * /api/v1/...) or, for the admin routes, at the root as well.
 */
#ifndef SD_ROUTE_H
#define SD_ROUTE_H

#include <stdbool.h>

#include "sandboxd/sandbox.h"

typedef enum {
	SD_ROUTE_NONE,
	SD_ROUTE_SANDBOXES,     /* /sandboxes */
	SD_ROUTE_METRICS_BATCH, /* /sandboxes/metrics */
	SD_ROUTE_SANDBOX,       /* /sandboxes/:id */
	SD_ROUTE_CONNECT,
	SD_ROUTE_PAUSE,
	SD_ROUTE_REFRESHES,
	SD_ROUTE_TIMEOUT,
	SD_ROUTE_LOGS,
	SD_ROUTE_METRICS,
	SD_ROUTE_ADMIN_CLOCK, /* /_admin/clock */
	SD_ROUTE_ADMIN_STATS,
	SD_ROUTE_ADMIN_STATS_RESET,
	SD_ROUTE_ADMIN_CONFIG,
} sd_route_kind;

typedef struct sd_route {
	sd_route_kind kind;
	bool admin;
	char id[SD_ID_MAX]; /* the :id segment; "" when absent or too long */
} sd_route;

/* Fills out; SD_ROUTE_NONE when the path names nothing. */
void sd_route_match(sd_route *out, const char *path);
/* "/sandboxes/:id/connect": the template for stats and logs. */
const char *sd_route_template(sd_route_kind kind);
/* The methods a route allows: "GET, POST". */
const char *sd_route_allow(sd_route_kind kind);
/* Whether method is one of them. */
bool sd_route_allows(sd_route_kind kind, const char *method);

#endif
