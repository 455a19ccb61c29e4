/*
 * The status as JSON (GET /api/status), format "1":
 *
 *   {"formatVersion":"1", "generatedAt":RFC3339, "cycles":N,
 *    "consecutiveFailures":N, "lastSuccessAt":RFC3339|null,
 *    "listedInCycle":N|null, "listedAt":RFC3339|null,
 *    "sets":[{"name", "sandboxes":{"running","paused","starting","unknown"}}],
 *    "specs":[{"set", "name", "state", "desired", "live", "ready", "stale",
 *              "ttlLeftSeconds":N|null, "rollout":null|{"phase","updated","total"}}],
 *    "recentCycles":[newest first: {"number", "startedAt", "durationMs", "ok",
 *              "drift":N|null, "actions":{KIND:{"done","failed","skipped"}},
 *              "actionsTotal", "messages":[{"level","text"}], "messagesDropped"}]}
 */
#include "agent/status.h"

#include "common/json_string.h"
#include "common/timeutil.h"

static void put_time(sc_buf *out, int64_t ms)
{
	char text[32];

	if (ms <= 0) {
		sc_buf_puts(out, "null");
		return;
	}
	sc_time_format_rfc3339(text, ms);
	sc_json_quote(out, text);
}

static const char *level_name(sc_diag_level level)
{
	switch (level) {
	case SC_DIAG_ERROR:
		return "error";
	case SC_DIAG_WARNING:
		return "warning";
	default:
		return "note";
	}
}

static void put_sets(sc_buf *out, const sc_agent_report *view)
{
	sc_buf_puts(out, "\"sets\":[");
	for (size_t i = 0; i < view->set_count; i++) {
		const sc_agent_set_count *set = &view->sets[i];
		sc_buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
		sc_json_quote(out, set->set);
		sc_buf_puts(out, ",\"sandboxes\":{");
		for (int state = 0; state < SC_AGENT_STATE_COUNT; state++)
			sc_buf_printf(out, "%s\"%s\":%lu", state ? "," : "",
			              sc_agent_state_name(state), set->count[state]);
		sc_buf_puts(out, "}}");
	}
	sc_buf_puts(out, "]");
}

static void put_rollout(sc_buf *out, const sc_agent_rollout *rollout)
{
	if (!rollout) {
		sc_buf_puts(out, "null");
		return;
	}
	sc_buf_puts(out, "{\"phase\":");
	sc_json_quote(out, rollout->phase);
	sc_buf_printf(out, ",\"updated\":%lu,\"total\":%lu}", rollout->updated,
	              rollout->total);
}

/* The TTL left now: what was left when the cycle was recorded, less the time since. */
static void put_ttl(sc_buf *out, int64_t ttl_ms, int64_t recorded_ms, int64_t now_ms)
{
	if (ttl_ms < 0) {
		sc_buf_puts(out, "null");
		return;
	}
	int64_t since = now_ms > recorded_ms ? now_ms - recorded_ms : 0;
	int64_t left = ttl_ms > since ? ttl_ms - since : 0;
	sc_buf_printf(out, "%lld", (long long)(left / 1000));
}

static void put_specs(sc_buf *out, const sc_agent_status *status, int64_t now_ms)
{
	const sc_agent_report *view = &status->view;

	sc_buf_puts(out, "\"specs\":[");
	for (size_t i = 0; i < view->spec_count; i++) {
		const sc_agent_spec_status *spec = &view->specs[i];
		sc_buf_puts(out, i ? ",{\"set\":" : "{\"set\":");
		sc_json_quote(out, spec->set);
		sc_buf_puts(out, ",\"name\":");
		sc_json_quote(out, spec->name);
		sc_buf_printf(
		    out,
		    ",\"state\":\"%s\",\"desired\":%u,\"live\":%lu,\"ready\":%lu,"
		    "\"stale\":%lu,\"ttlLeftSeconds\":",
		    spec->paused ? "paused" : "running", spec->desired, spec->live,
		    spec->ready, spec->stale);
		put_ttl(out, spec->ttl_left_ms, status->view_ms, now_ms);
		sc_buf_puts(out, ",\"rollout\":");
		put_rollout(out, spec->rollout);
		sc_buf_puts(out, "}");
	}
	sc_buf_puts(out, "]");
}

static void put_actions(sc_buf *out, const sc_agent_status_cycle *cycle)
{
	unsigned long total = 0;

	sc_buf_puts(out, "\"actions\":{");
	for (int kind = 0; kind < SC_AGENT_ACTION_KINDS; kind++) {
		sc_buf_printf(out, "%s\"%s\":{", kind ? "," : "",
		              sc_action_kind_name(kind));
		for (int result = 0; result < SC_AGENT_RESULT_COUNT; result++) {
			sc_buf_printf(out, "%s\"%s\":%lu", result ? "," : "",
			              sc_agent_result_name(result),
			              cycle->actions[kind][result]);
			total += cycle->actions[kind][result];
		}
		sc_buf_puts(out, "}");
	}
	sc_buf_printf(out, "},\"actionsTotal\":%lu", total);
}

static void put_messages(sc_buf *out, const sc_agent_status_cycle *cycle)
{
	sc_buf_puts(out, "\"messages\":[");
	for (size_t i = 0; i < cycle->message_count; i++) {
		sc_buf_printf(out, "%s{\"level\":\"%s\",\"text\":", i ? "," : "",
		              level_name(cycle->messages[i].level));
		sc_json_quote(out, cycle->messages[i].text);
		sc_buf_puts(out, "}");
	}
	sc_buf_printf(out, "],\"messagesDropped\":%zu", cycle->messages_dropped);
}

static void put_cycle(sc_buf *out, const sc_agent_status_cycle *cycle)
{
	sc_buf_printf(out, "{\"number\":%lu,\"startedAt\":", cycle->number);
	put_time(out, cycle->started_ms);
	sc_buf_printf(out, ",\"durationMs\":%lld,\"ok\":%s,\"drift\":",
	              (long long)cycle->duration_ms, cycle->ok ? "true" : "false");
	if (cycle->planned)
		sc_buf_printf(out, "%zu", cycle->drift);
	else
		sc_buf_puts(out, "null");
	sc_buf_puts(out, ",");
	put_actions(out, cycle);
	sc_buf_puts(out, ",");
	put_messages(out, cycle);
	sc_buf_puts(out, "}");
}

static void put_cycles(sc_buf *out, const sc_agent_status *status)
{
	sc_buf_puts(out, "\"recentCycles\":[");
	for (size_t i = 0; i < status->ring_count; i++) {
		size_t at = (status->ring_next + SC_AGENT_STATUS_CYCLES - 1 - i) %
		            SC_AGENT_STATUS_CYCLES;
		if (i)
			sc_buf_puts(out, ",");
		put_cycle(out, &status->ring[at]);
	}
	sc_buf_puts(out, "]");
}

void sc_agent_status_render_json(sc_agent_status *status, int64_t now_ms, sc_buf *out)
{
	pthread_mutex_lock(&status->lock);
	sc_buf_puts(out,
	            "{\"formatVersion\":\"" SC_AGENT_STATUS_FORMAT "\",\"generatedAt\":");
	put_time(out, now_ms);
	sc_buf_printf(out,
	              ",\"cycles\":%lu,\"consecutiveFailures\":%lu,\"lastSuccessAt\":",
	              status->cycles, status->consecutive_failures);
	put_time(out, status->last_success_ms);
	if (status->view_cycle)
		sc_buf_printf(out,
		              ",\"listedInCycle\":%lu,\"listedAt\":", status->view_cycle);
	else
		sc_buf_puts(out, ",\"listedInCycle\":null,\"listedAt\":");
	put_time(out, status->view_cycle ? status->view_ms : 0);
	sc_buf_puts(out, ",");
	put_sets(out, &status->view);
	sc_buf_puts(out, ",");
	put_specs(out, status, now_ms);
	sc_buf_puts(out, ",");
	put_cycles(out, status);
	sc_buf_puts(out, "}\n");
	pthread_mutex_unlock(&status->lock);
}
