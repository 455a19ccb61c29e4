/*
 * Which route a path names, under either layout (/api/v1/sandbox/... and
 * /api/v1/...) or, for the /_admin test routes, at the root as well. The
 * gateway's /admin routes the SDKs call hang off the root only.
 */
#ifndef SD_ROUTE_H
#define SD_ROUTE_H

#include <stdbool.h>

#include "sandboxd/private/sandbox.h"

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
	SD_ROUTE_HEARTBEAT,      /* /sandboxes/:id/heartbeat */
	SD_ROUTE_TEMPLATE_ALIAS, /* /templates/aliases/:alias (the alias in id) */
	SD_ROUTE_POOL_STATUS,    /* /admin/pool/status, root only */
	SD_ROUTE_ROLLING_START,  /* /admin/rolling/start, root only */
	SD_ROUTE_ROLLING_STATUS,
	SD_ROUTE_ROLLING_CANCEL,
	/* The /_admin test routes come last: stats count the routes before them. */
	SD_ROUTE_ADMIN_CLOCK, /* /_admin/clock */
	SD_ROUTE_ADMIN_STATS,
	SD_ROUTE_ADMIN_STATS_RESET,
	SD_ROUTE_ADMIN_CONFIG,
	SD_ROUTE_ADMIN_SEED, /* /_admin/seed (seed.c) */
} sd_route_kind;

typedef struct sd_route {
	sd_route_kind kind;
	bool admin;         /* an /_admin test route */
	char id[SD_ID_MAX]; /* the :id or :alias segment; "" when absent or too long */
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
