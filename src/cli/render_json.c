#include <stdlib.h>

#include "common/json_writer.h"
#include "cli/private/render.h"
#include "common/mem.h"
#include "common/timeutil.h"

static const char *result_word(sc_result_status status)
{
	switch (status) {
	case SC_RESULT_PENDING:
		return "pending";
	case SC_RESULT_DONE:
		return "done";
	case SC_RESULT_FAILED:
		return "failed";
	case SC_RESULT_SKIPPED:
		return "skipped";
	}
	return "pending";
}

static void write_result(sc_json *json, const sc_action_result *result)
{
	sc_json_object_begin(json);
	sc_json_field_string(json, "status", result_word(result->status));
	sc_json_field_string(json, "newSandboxID", result->new_id);
	sc_json_field_int(json, "requests", result->attempts);
	sc_json_field_int(json, "httpStatus", result->http_status);
	sc_json_field_int(json, "durationMs", result->duration_ms);
	sc_json_field_string(json, "message", result->message);
	sc_json_object_end(json);
}

static const char *change_kind_word(sc_change_kind kind)
{
	switch (kind) {
	case SC_CHANGE_SET:
		return "set";
	case SC_CHANGE_MODIFIED:
		return "modified";
	case SC_CHANGE_ADDED:
		return "added";
	case SC_CHANGE_REMOVED:
		return "removed";
	}
	return "modified";
}

/* A value of a change as JSON: null when there is none, never a secret. */
static void write_change_value(sc_json *json, const char *key, const sc_change *change,
                               const char *value, bool is_old)
{
	bool present = is_old ? change->kind == SC_CHANGE_MODIFIED ||
	                            change->kind == SC_CHANGE_REMOVED
	                      : change->kind != SC_CHANGE_REMOVED;

	if (!present)
		sc_json_field_string(json, key, NULL);
	else if (change->sensitive)
		sc_json_field_string(json, key, "(sensitive)");
	else if (is_old && (change->old_unknown || !value))
		sc_json_field_string(json, key, "(not recorded)");
	else
		sc_json_field_string(json, key, value);
}

static void write_change(sc_json *json, const sc_change *change)
{
	char *text = sc_change_describe(change);

	sc_json_object_begin(json);
	sc_json_field_string(json, "path", change->path);
	sc_json_field_string(json, "kind", change_kind_word(change->kind));
	write_change_value(json, "old", change, change->old_value, true);
	write_change_value(json, "new", change, change->new_value, false);
	sc_json_field_bool(json, "sensitive", change->sensitive);
	sc_json_field_bool(json, "oldRecorded", !change->old_unknown);
	if (change->old_at_create)
		sc_json_field_bool(json, "oldAtCreate", true);
	if (change->defaulted)
		sc_json_field_bool(json, "default", true);
	if (change->note)
		sc_json_field_string(json, "note", change->note);
	sc_json_field_string(json, "text", text);
	sc_json_object_end(json);
	free(text);
}

/* "file.yaml:12", the document of the spec; null without a spec. */
static void write_source(sc_json *json, const sc_spec *spec)
{
	char *source = spec && spec->where.file
	                   ? sc_asprintf("%s:%u", spec->where.file, spec->where.line)
	                   : NULL;

	sc_json_field_string(json, "source", source);
	free(source);
}

static void write_action(sc_json *json, const sc_action *action, bool executed)
{
	sc_json_object_begin(json);
	sc_json_field_string(json, "action", sc_action_kind_name(action->kind));
	sc_json_field_string(json, "symbol", sc_action_kind_symbol(action->kind));
	sc_json_field_string(json, "set", action->set);
	sc_json_field_string(json, "name", action->name);
	sc_json_field_string(json, "sandboxID", action->sandbox ? action->sandbox->id : NULL);
	sc_json_field_string(json, "reason", action->reason);
	sc_json_field_string(json, "reasonCode", sc_reason_code_name(action->reason_code));
	write_source(json, action->spec);
	sc_json_key(json, "changes");
	sc_json_array_begin(json);
	for (size_t i = 0; i < action->change_count; i++)
		write_change(json, &action->changes[i]);
	sc_json_array_end(json);
	sc_json_key(json, "result");
	if (executed)
		write_result(json, &action->result);
	else
		sc_json_null(json);
	sc_json_object_end(json);
}

static void write_held(sc_json *json, const sc_held *held)
{
	sc_json_object_begin(json);
	sc_json_field_string(json, "action", sc_action_kind_name(held->kind));
	sc_json_field_string(json, "set", held->set);
	sc_json_field_string(json, "name", held->name);
	sc_json_field_string(json, "sandboxID", held->sandbox ? held->sandbox->id : NULL);
	sc_json_field_string(json, "reason", held->reason);
	sc_json_field_string(json, "reasonCode", sc_reason_code_name(held->reason_code));
	write_source(json, held->spec);
	sc_json_object_end(json);
}

static void write_rollout(sc_json *json, const sc_rollout *rollout)
{
	sc_json_object_begin(json);
	sc_json_field_string(json, "set", rollout->set);
	sc_json_field_string(json, "name", rollout->name);
	sc_json_field_int(json, "replicas", rollout->replicas);
	sc_json_field_int(json, "updated", rollout->updated);
	sc_json_field_int(json, "ready", rollout->ready);
	sc_json_field_int(json, "old", rollout->old);
	sc_json_field_int(json, "wave", rollout->wave);
	sc_json_field_int(json, "waves", rollout->waves);
	sc_json_field_string(json, "state", sc_rollout_state_name(rollout->state));
	sc_json_field_int(json, "maxSurge", rollout->max_surge);
	sc_json_field_int(json, "maxUnavailable", rollout->max_unavailable);
	sc_json_field_bool(json, "heartbeatGated",
	                   rollout->spec->readiness == SC_READINESS_HEARTBEAT && !rollout->ungated);
	sc_json_key(json, "plannedWaves");
	sc_json_array_begin(json);
	for (size_t i = 0; i < rollout->step_count; i++) {
		sc_json_object_begin(json);
		sc_json_field_int(json, "create", rollout->steps[i].creates);
		sc_json_field_int(json, "delete", rollout->steps[i].deletes);
		sc_json_object_end(json);
	}
	sc_json_array_end(json);
	sc_json_field_string(json, "message", rollout->message);
	sc_json_object_end(json);
}

static void write_summary(sc_json *json, const sc_plan *plan)
{
	size_t kinds[SC_ACTION_DELETE + 1] = {0}, results[SC_RESULT_SKIPPED + 1] = {0};

	for (size_t i = 0; i < plan->count; i++) {
		kinds[plan->actions[i].kind]++;
		results[plan->actions[i].result.status]++;
	}
	sc_json_object_begin(json);
	for (int kind = 0; kind <= SC_ACTION_DELETE; kind++)
		sc_json_field_int(json, sc_action_kind_name((sc_action_kind)kind), (int64_t)kinds[kind]);
	sc_json_field_int(json, "unchanged", (int64_t)plan->unchanged);
	sc_json_field_int(json, "ignored", (int64_t)plan->ignored);
	sc_json_field_int(json, "held", (int64_t)plan->held_count);
	sc_json_field_int(json, "done", (int64_t)results[SC_RESULT_DONE]);
	sc_json_field_int(json, "failed", (int64_t)results[SC_RESULT_FAILED]);
	sc_json_field_int(json, "skipped", (int64_t)results[SC_RESULT_SKIPPED]);
	sc_json_object_end(json);
}

static const char *level_word(sc_diag_level level)
{
	return level == SC_DIAG_ERROR     ? "error"
	       : level == SC_DIAG_WARNING ? "warning"
	       : level == SC_DIAG_HINT    ? "hint"
	                                  : "note";
}

static void write_diagnostics(sc_json *json, const sc_diag *diag)
{
	sc_json_array_begin(json);
	for (size_t i = 0; diag && i < diag->count; i++) {
		const sc_diag_entry *entry = &diag->entries[i];
		sc_json_object_begin(json);
		sc_json_field_string(json, "level", level_word(entry->level));
		sc_json_field_string(json, "file", entry->file);
		sc_json_field_int(json, "line", entry->line);
		sc_json_field_int(json, "column", entry->column);
		sc_json_field_string(json, "message", entry->message);
		sc_json_object_end(json);
	}
	sc_json_array_end(json);
}

void sc_render_json(FILE *out, const sc_render_context *context, const sc_diag *diag)
{
	const sc_plan *plan = context->plan;
	const sc_session *session = context->session;
	sc_json json;
	char now[32];
	bool ok = !diag || !sc_diag_error_count(diag);

	sc_json_init(&json);
	sc_json_object_begin(&json);
	sc_json_field_string(&json, "formatVersion", "1");
	sc_json_field_string(&json, "command", context->command);
	sc_json_key(&json, "sets");
	sc_json_array_begin(&json);
	for (size_t i = 0; i < session->run.set_count; i++)
		sc_json_string(&json, session->run.sets[i]);
	sc_json_array_end(&json);
	sc_time_format_rfc3339(now, sc_session_now(session));
	sc_json_field_string(&json, "serverTime", now);
	sc_json_key(&json, "actions");
	sc_json_array_begin(&json);
	for (size_t i = 0; plan && i < plan->count; i++) {
		write_action(&json, &plan->actions[i], context->executed);
		ok = ok && (!context->executed || plan->actions[i].result.status == SC_RESULT_DONE);
	}
	sc_json_array_end(&json);
	sc_json_key(&json, "held");
	sc_json_array_begin(&json);
	for (size_t i = 0; plan && i < plan->held_count; i++)
		write_held(&json, &plan->held[i]);
	sc_json_array_end(&json);
	sc_json_key(&json, "rollouts");
	sc_json_array_begin(&json);
	for (size_t i = 0; plan && i < plan->rollout_count; i++) {
		write_rollout(&json, &plan->rollouts[i]);
		ok = ok && (!context->executed ||
		            plan->rollouts[i].state == SC_ROLLOUT_COMPLETE);
	}
	sc_json_array_end(&json);
	if (plan) {
		sc_json_key(&json, "summary");
		write_summary(&json, plan);
	}
	sc_json_field_int(&json, "durationMs", context->elapsed_ms);
	sc_json_key(&json, "diagnostics");
	write_diagnostics(&json, diag);
	sc_json_field_bool(&json, "ok", ok);
	sc_json_object_end(&json);
	fprintf(out, "%s\n", sc_buf_cstr(&json.buf));
	sc_json_release(&json);
}
