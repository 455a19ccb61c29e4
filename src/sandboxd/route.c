#include "sandboxd/private/route.h"

#include <stdio.h>
#include <string.h>

typedef struct route_info {
	const char *template;
	const char *allow;
} route_info;

static const route_info routes[] = {
    [SD_ROUTE_NONE] = {"(unknown)", ""},
    [SD_ROUTE_SANDBOXES] = {"/sandboxes", "GET, POST"},
    [SD_ROUTE_METRICS_BATCH] = {"/sandboxes/metrics", "GET"},
    [SD_ROUTE_SANDBOX] = {"/sandboxes/:id", "GET, DELETE"},
    [SD_ROUTE_CONNECT] = {"/sandboxes/:id/connect", "POST"},
    [SD_ROUTE_PAUSE] = {"/sandboxes/:id/pause", "POST"},
    [SD_ROUTE_REFRESHES] = {"/sandboxes/:id/refreshes", "POST"},
    [SD_ROUTE_TIMEOUT] = {"/sandboxes/:id/timeout", "POST"},
    [SD_ROUTE_LOGS] = {"/sandboxes/:id/logs", "GET"},
    [SD_ROUTE_METRICS] = {"/sandboxes/:id/metrics", "GET"},
    [SD_ROUTE_HEARTBEAT] = {"/sandboxes/:id/heartbeat", "POST"},
    [SD_ROUTE_TEMPLATE_ALIAS] = {"/templates/aliases/:alias", "GET"},
    [SD_ROUTE_POOL_STATUS] = {"/admin/pool/status", "GET"},
    [SD_ROUTE_ROLLING_START] = {"/admin/rolling/start", "POST"},
    [SD_ROUTE_ROLLING_STATUS] = {"/admin/rolling/status", "GET"},
    [SD_ROUTE_ROLLING_CANCEL] = {"/admin/rolling/cancel", "POST"},
    [SD_ROUTE_ADMIN_CLOCK] = {"/_admin/clock", "GET, POST"},
    [SD_ROUTE_ADMIN_STATS] = {"/_admin/stats", "GET"},
    [SD_ROUTE_ADMIN_STATS_RESET] = {"/_admin/stats/reset", "POST"},
    [SD_ROUTE_ADMIN_CONFIG] = {"/_admin/config", "GET, POST"},
    [SD_ROUTE_ADMIN_SEED] = {"/_admin/seed", "POST"},
};

static const struct {
	const char *name;
	sd_route_kind kind;
} actions[] = {
    {"connect", SD_ROUTE_CONNECT},     {"pause", SD_ROUTE_PAUSE},
    {"refreshes", SD_ROUTE_REFRESHES}, {"timeout", SD_ROUTE_TIMEOUT},
    {"logs", SD_ROUTE_LOGS},           {"metrics", SD_ROUTE_METRICS},
    {"heartbeat", SD_ROUTE_HEARTBEAT},
};

/* Strips "/api/v1/sandbox" or "/api/v1" (whole segments only). */
static const char *strip_prefix(const char *path)
{
	if (!strncmp(path, "/api/v1/sandbox/", 16))
		return path + 15;
	if (!strncmp(path, "/api/v1/", 8))
		return path + 7;
	return NULL;
}

static void match_admin(sd_route *out, const char *rest)
{
	if (!strcmp(rest, "/_admin/clock"))
		out->kind = SD_ROUTE_ADMIN_CLOCK;
	else if (!strcmp(rest, "/_admin/stats"))
		out->kind = SD_ROUTE_ADMIN_STATS;
	else if (!strcmp(rest, "/_admin/stats/reset"))
		out->kind = SD_ROUTE_ADMIN_STATS_RESET;
	else if (!strcmp(rest, "/_admin/config"))
		out->kind = SD_ROUTE_ADMIN_CONFIG;
	else if (!strcmp(rest, "/_admin/seed"))
		out->kind = SD_ROUTE_ADMIN_SEED;
	out->admin = out->kind != SD_ROUTE_NONE;
}

/* The gateway's /admin routes (the SDKs' pool and rolling update calls). */
static void match_gateway_admin(sd_route *out, const char *path)
{
	static const struct {
		const char *path;
		sd_route_kind kind;
	} paths[] = {
	    {"/admin/pool/status", SD_ROUTE_POOL_STATUS},
	    {"/admin/rolling/start", SD_ROUTE_ROLLING_START},
	    {"/admin/rolling/status", SD_ROUTE_ROLLING_STATUS},
	    {"/admin/rolling/cancel", SD_ROUTE_ROLLING_CANCEL},
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (!strcmp(path, paths[i].path))
			out->kind = paths[i].kind;
	}
}

/* Copies the segment at rest (up to '/' or the end) into out->id; its length. */
static size_t take_id(sd_route *out, const char *rest)
{
	const char *slash = strchr(rest, '/');
	size_t id_len = slash ? (size_t)(slash - rest) : strlen(rest);

	if (id_len && id_len < sizeof(out->id)) {
		memcpy(out->id, rest, id_len);
		out->id[id_len] = '\0';
	}
	return id_len;
}

static void match_alias(sd_route *out, const char *rest)
{
	size_t len = take_id(out, rest);
	if (len && !rest[len])
		out->kind = SD_ROUTE_TEMPLATE_ALIAS;
}

static void match_sandbox(sd_route *out, const char *rest)
{
	size_t id_len = take_id(out, rest);
	const char *slash = rest[id_len] ? rest + id_len : NULL;

	if (!id_len)
		return;
	if (!slash) {
		out->kind = strcmp(out->id, "metrics") ? SD_ROUTE_SANDBOX
		                                       : SD_ROUTE_METRICS_BATCH;
		return;
	}
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (!strcmp(slash + 1, actions[i].name)) {
			out->kind = actions[i].kind;
			return;
		}
	}
}

void sd_route_match(sd_route *out, const char *path)
{
	memset(out, 0, sizeof(*out));
	if (!strncmp(path, "/_admin/", 8)) {
		match_admin(out, path);
		return;
	}
	if (!strncmp(path, "/admin/", 7)) {
		match_gateway_admin(out, path);
		return;
	}
	const char *rest = strip_prefix(path);
	if (!rest)
		return;
	if (!strncmp(rest, "/_admin/", 8)) {
		match_admin(out, rest);
		return;
	}
	if (!strcmp(rest, "/sandboxes"))
		out->kind = SD_ROUTE_SANDBOXES;
	else if (!strncmp(rest, "/sandboxes/", 11))
		match_sandbox(out, rest + 11);
	else if (!strncmp(rest, "/templates/aliases/", 19))
		match_alias(out, rest + 19);
}

const char *sd_route_template(sd_route_kind kind)
{
	return routes[kind].template;
}

const char *sd_route_allow(sd_route_kind kind)
{
	return routes[kind].allow;
}

bool sd_route_allows(sd_route_kind kind, const char *method)
{
	const char *allow = routes[kind].allow;
	size_t len = strlen(method);
	if (!len)
		return false;  /* strstr would find "" everywhere, forever */
	for (const char *p = allow; (p = strstr(p, method)); p += len) {
		if ((p == allow || p[-1] == ' ') && (p[len] == ',' || p[len] == '\0'))
			return true;
	}
	return false;
}
