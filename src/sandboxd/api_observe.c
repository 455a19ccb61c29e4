/* Logs and metrics: what a sandbox did (from its timeline) and plausible usage numbers.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/mem.h"
#include "sandboxd/private/json.h"
#include "sandboxd/service.h"

/* Characters, not bytes: a limit of 256 characters holds 256 "é". */
static size_t utf8_characters(const char *text)
{
	size_t count = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		count += (*p & 0xc0) != 0x80;
	return count;
}

#define SD_LOGS_DEFAULT_LIMIT 100
#define SD_LOGS_MAX_LIMIT     1000
#define SD_SEARCH_MAX         256
#define SD_METRICS_MAX_IDS    100

enum { LEVEL_DEBUG, LEVEL_INFO, LEVEL_WARN, LEVEL_ERROR };
static const char *const level_names[] = {"debug", "info", "warn", "error"};

typedef struct logs_query {
	long limit;
	long long cursor; /* -1: none */
	bool backward;
	int level;
	const char *search;
} logs_query;

/* A heartbeat reporting error is logged at error: what `level=error` should find. */
static int event_level(const sd_event *e)
{
	if (!strcmp(e->event, "heartbeat"))
		return strcmp(e->detail, "error") ? LEVEL_INFO : LEVEL_ERROR;
	if (!strcmp(e->event, "expired") || !strcmp(e->event, "killed"))
		return LEVEL_WARN;
	if (!strcmp(e->event, "timeout_set") || !strcmp(e->event, "refreshed"))
		return LEVEL_DEBUG;
	return LEVEL_INFO;
}

static int parse_number(const char *value, long long lo, long long hi, long long *out)
{
	char *end;
	if (!*value || !isdigit((unsigned char)value[0]))
		return -1;
	long long n = strtoll(value, &end, 10);
	if (*end || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static int parse_logs_query(sd_call *call, logs_query *q)
{
	const sd_request *r = call->request;
	const char *v;
	long long n;

	q->limit = SD_LOGS_DEFAULT_LIMIT;
	q->cursor = -1;
	q->backward = false;
	q->level = LEVEL_DEBUG;
	q->search = NULL;
	if ((v = sd_request_param(r, "limit"))) {
		if (parse_number(v, 1, SD_LOGS_MAX_LIMIT, &n))
			goto bad_limit;
		q->limit = (long)n;
	}
	if ((v = sd_request_param(r, "cursor"))) {
		if (parse_number(v, 0, 9007199254740991LL, &n)) {
			sd_response_error(call->response, 400,
			                  "cursor: must be a time in Unix milliseconds");
			return -1;
		}
		q->cursor = n;
	}
	if ((v = sd_request_param(r, "direction"))) {
		if (strcmp(v, "forward") && strcmp(v, "backward")) {
			sd_response_error(call->response, 400,
			                  "direction: must be forward or backward");
			return -1;
		}
		q->backward = !strcmp(v, "backward");
	}
	if ((v = sd_request_param(r, "level"))) {
		q->level = -1;
		for (int i = 0; i < 4; i++) {
			if (!strcasecmp(v, level_names[i]))
				q->level = i;
		}
		if (q->level < 0) {
			sd_response_error(call->response, 400,
			                  "level: must be debug, info, warn or error");
			return -1;
		}
	}
	if ((v = sd_request_param(r, "search"))) {
		if (utf8_characters(v) > SD_SEARCH_MAX) {
			sd_response_error(call->response, 400,
			                  "search: at most %d characters", SD_SEARCH_MAX);
			return -1;
		}
		q->search = v;
	}
	return 0;
bad_limit:
	sd_response_error(call->response, 400, "limit: must be an integer from 1 to %d",
	                  SD_LOGS_MAX_LIMIT);
	return -1;
}

/* Whether needle occurs in haystack, ignoring ASCII case. */
static bool contains_nocase(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);
	for (; *haystack; haystack++) {
		if (!strncasecmp(haystack, needle, n))
			return true;
	}
	return n == 0;
}

static bool event_selected(const logs_query *q, const sd_event *e, const char *message)
{
	if (event_level(e) < q->level)
		return false;
	if (q->cursor >= 0 && (q->backward ? e->at > q->cursor : e->at < q->cursor))
		return false;
	if (q->search && *q->search && !contains_nocase(message, q->search))
		return false;
	return true;
}

static void write_log(sc_buf *out, const sd_sandbox *sandbox, const sd_event *e,
                      const char *message)
{
	sc_buf_puts(out, "{\"timestamp\":");
	sd_json_time(out, e->at);
	sc_buf_printf(
	    out, ",\"level\":\"%s\",\"message\":", level_names[event_level(e)]);
	sc_json_quote(out, message);
	sc_buf_puts(out, ",\"fields\":{\"event\":");
	sc_json_quote(out, e->event);
	sc_buf_puts(out, ",\"sandboxID\":");
	sc_json_quote(out, sandbox->id);
	sc_buf_printf(out, ",\"timestampUnixMs\":%lld}}", (long long)e->at);
}

void sd_api_logs(sd_call *call)
{
	logs_query q;
	sd_sandbox *sandbox = sd_store_find(&call->service->store, call->route->id);
	sc_buf *out = &call->response->body;
	long n = 0;

	if (!sandbox) {
		sd_response_error(call->response, 404, "sandbox '%s' not found",
		                  call->route->id);
		return;
	}
	if (parse_logs_query(call, &q))
		return;
	call->response->status = 200;
	sc_buf_reset(out);
	sc_buf_puts(out, "{\"logs\":[");
	for (size_t k = 0; k < sandbox->event_count && n < q.limit; k++) {
		size_t i = q.backward ? sandbox->event_count - 1 - k : k;
		const sd_event *e = &sandbox->events[i];
		char *message =
		    sc_asprintf("sandbox %s: %s (%s)", e->event, sandbox->id, e->detail);
		if (event_selected(&q, e, message)) {
			if (n++)
				sc_buf_putc(out, ',');
			write_log(out, sandbox, e, message);
		}
		free(message);
	}
	sc_buf_puts(out, "]}");
}

static uint64_t mix(const char *id, int64_t slot)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)slot;
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	h ^= h >> 29;
	return h * 0xbf58476d1ce4e5b9ULL;
}

/* A deterministic snapshot: the same sandbox in the same 5 s slot gives the same numbers.
 */
static void write_snapshot(sc_buf *out, const sd_sandbox *sandbox, int64_t now)
{
	uint64_t h = mix(sandbox->id, now / 5000);
	long long mem_total = (long long)sandbox->memory_mb * 1024 * 1024;
	long long disk_total = (long long)sandbox->disk_size_mb * 1024 * 1024;
	double cpu = sandbox->paused ? 0.0 : 1.0 + (double)(h % 4000) / 100.0;
	long long mem_used =
	    mem_total / 8 + (long long)((h >> 16) % (uint64_t)(mem_total / 4 + 1));
	long long disk_used =
	    disk_total / 16 + (long long)((h >> 32) % (uint64_t)(disk_total / 8 + 1));

	sc_buf_puts(out, "{\"timestamp\":");
	sd_json_time(out, now);
	sc_buf_printf(
	    out,
	    ",\"timestampUnix\":%lld,\"cpuCount\":%d,\"cpuUsedPct\":%.2f,"
	    "\"memUsed\":%lld,\"memTotal\":%lld,\"diskUsed\":%lld,\"diskTotal\":%lld}",
	    (long long)(now / 1000), sandbox->cpu_count, cpu, mem_used, mem_total,
	    disk_used, disk_total);
}

void sd_api_metrics(sd_call *call)
{
	sd_sandbox *sandbox = sd_store_find(&call->service->store, call->route->id);
	if (!sandbox) {
		sd_response_error(call->response, 404, "sandbox '%s' not found",
		                  call->route->id);
		return;
	}
	call->response->status = 200;
	sc_buf_reset(&call->response->body);
	write_snapshot(&call->response->body, sandbox, call->now);
}

void sd_api_metrics_batch(sd_call *call)
{
	const char *ids = sd_request_param(call->request, "sandbox_ids");
	sc_buf *out = &call->response->body;
	size_t count = 0;

	if (!ids || !*ids) {
		sd_response_error(call->response, 400,
		                  "sandbox_ids: required (a comma list)");
		return;
	}
	/* The ids, not the commas: "a,b," and "a,,b" hold two. */
	for (const char *p = ids; *p;) {
		size_t len = strcspn(p, ",");
		count += len > 0;
		p += len + (p[len] == ',');
	}
	if (count > SD_METRICS_MAX_IDS) {
		sd_response_error(call->response, 400, "sandbox_ids: at most %d ids",
		                  SD_METRICS_MAX_IDS);
		return;
	}
	call->response->status = 200;
	sc_buf_reset(out);
	sc_buf_puts(out, "{\"sandboxes\":{");
	int first = 1;
	const sd_sandbox *done[SD_METRICS_MAX_IDS];
	size_t done_count = 0;
	for (const char *p = ids; *p;) {
		size_t len = strcspn(p, ",");
		char id[SD_ID_MAX];
		if (len && len < sizeof(id)) {
			memcpy(id, p, len);
			id[len] = '\0';
			const sd_sandbox *sandbox =
			    sd_store_find(&call->service->store, id);
			/* An id asked for twice is answered once: keys stay unique. */
			for (size_t i = 0; sandbox && i < done_count; i++)
				if (done[i] == sandbox)
					sandbox = NULL;
			if (sandbox) {
				done[done_count++] = sandbox;
				if (!first)
					sc_buf_putc(out, ',');
				first = 0;
				sc_json_quote(out, id);
				sc_buf_putc(out, ':');
				write_snapshot(out, sandbox, call->now);
			}
		}
		p += len;
		p += *p == ',';
	}
	sc_buf_puts(out, "}}");
}
