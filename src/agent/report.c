#include "agent/report.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/text.h"

void sc_agent_report_init(sc_agent_report *report)
{
	memset(report, 0, sizeof(*report));
}

void sc_agent_report_release(sc_agent_report *report)
{
	if (!report)
		return;
	for (size_t i = 0; i < report->set_count; i++)
		free(report->sets[i].set);
	free(report->sets);
	for (size_t i = 0; i < report->spec_count; i++) {
		sc_agent_spec_status *spec = &report->specs[i];
		free(spec->set);
		free(spec->name);
		if (spec->rollout)
			free(spec->rollout->phase);
		free(spec->rollout);
	}
	free(report->specs);
	for (size_t i = 0; i < report->message_count; i++)
		free(report->messages[i].text);
	free(report->messages);
	memset(report, 0, sizeof(*report));
}

const char *sc_agent_state_name(sc_agent_state state)
{
	switch (state) {
	case SC_AGENT_STATE_RUNNING:
		return "running";
	case SC_AGENT_STATE_PAUSED:
		return "paused";
	case SC_AGENT_STATE_STARTING:
		return "starting";
	default:
		return "unknown";
	}
}

bool sc_agent_state_of_phase(sc_phase phase, sc_agent_state *out)
{
	switch (phase) {
	case SC_PHASE_READY:
		*out = SC_AGENT_STATE_RUNNING;
		return true;
	case SC_PHASE_PAUSED:
		*out = SC_AGENT_STATE_PAUSED;
		return true;
	case SC_PHASE_STARTING:
		*out = SC_AGENT_STATE_STARTING;
		return true;
	case SC_PHASE_GONE:
		return false;
	case SC_PHASE_UNKNOWN:
		break;
	}
	*out = SC_AGENT_STATE_UNKNOWN;
	return true;
}

const char *sc_agent_result_name(sc_agent_result result)
{
	switch (result) {
	case SC_AGENT_RESULT_DONE:
		return "done";
	case SC_AGENT_RESULT_FAILED:
		return "failed";
	default:
		return "skipped";
	}
}

sc_agent_set_count *sc_agent_report_set(sc_agent_report *report, const char *set)
{
	size_t at = 0;

	while (at < report->set_count) {
		int cmp = strcmp(report->sets[at].set, set);
		if (cmp == 0)
			return &report->sets[at];
		if (cmp > 0)
			break;
		at++;
	}
	SC_GROW(report->sets, report->set_count + 1, report->set_alloc);
	memmove(&report->sets[at + 1], &report->sets[at],
	        (report->set_count - at) * sizeof(report->sets[0]));
	memset(&report->sets[at], 0, sizeof(report->sets[0]));
	report->sets[at].set = sc_strdup(set);
	report->set_count++;
	return &report->sets[at];
}

static bool is_owned(const char *set, const char *const *sets, size_t set_count)
{
	for (size_t i = 0; set && i < set_count; i++) {
		if (!strcmp(sets[i], set))
			return true;
	}
	return false;
}

void sc_agent_report_count_sandboxes(sc_agent_report *report,
                                     const sc_sandbox_list *observed,
                                     const char *const *sets, size_t set_count)
{
	for (size_t i = 0; i < set_count; i++)
		sc_agent_report_set(report, sets[i]);
	for (size_t i = 0; observed && i < observed->count; i++) {
		const sc_sandbox *sandbox = &observed->items[i];
		const char *set = sc_kv_get(&sandbox->metadata, SC_LABEL_SET);
		sc_agent_state state;
		if (!is_owned(set, sets, set_count) ||
		    !sc_agent_state_of_phase(sandbox->phase, &state))
			continue;
		sc_agent_report_set(report, set)->count[state]++;
	}
	report->observed = true;
}

void sc_agent_report_count_plan(sc_agent_report *report, const sc_plan *plan)
{
	report->drift = plan->count;
	report->planned = true;
}

static sc_agent_result result_of(sc_result_status status)
{
	switch (status) {
	case SC_RESULT_DONE:
		return SC_AGENT_RESULT_DONE;
	case SC_RESULT_FAILED:
		return SC_AGENT_RESULT_FAILED;
	default:
		return SC_AGENT_RESULT_SKIPPED;
	}
}

void sc_agent_report_count_results(sc_agent_report *report, const sc_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		const sc_action *action = &plan->actions[i];
		if ((unsigned)action->kind >= SC_AGENT_ACTION_KINDS)
			continue;
		report->actions[action->kind][result_of(action->result.status)]++;
	}
}

static void move(sc_agent_report *report, const char *set, sc_agent_state from,
                 sc_agent_state to)
{
	sc_agent_set_count *counts = sc_agent_report_set(report, set);
	if ((int)from != SC_AGENT_STATE_COUNT && counts->count[from])
		counts->count[from]--;
	if ((int)to != SC_AGENT_STATE_COUNT)
		counts->count[to]++;
}

/* The state the action's old sandbox counted under; COUNT when none or gone. */
static sc_agent_state old_state(const sc_action *action)
{
	sc_agent_state state;
	if (!action->sandbox || !sc_agent_state_of_phase(action->sandbox->phase, &state))
		return SC_AGENT_STATE_COUNT;
	return state;
}

static sc_agent_state spec_state(const sc_action *action)
{
	if (action->spec && action->spec->state == SC_SPEC_PAUSED)
		return SC_AGENT_STATE_PAUSED;
	return SC_AGENT_STATE_RUNNING;
}

void sc_agent_report_project(sc_agent_report *report, const sc_plan *plan)
{
	const sc_agent_state none = SC_AGENT_STATE_COUNT;

	if (!report->observed)
		return;
	for (size_t i = 0; i < plan->count; i++) {
		const sc_action *action = &plan->actions[i];
		if (action->result.status != SC_RESULT_DONE || !action->set)
			continue;
		switch (action->kind) {
		case SC_ACTION_CREATE:
			move(report, action->set, none, spec_state(action));
			break;
		case SC_ACTION_REPLACE:
			move(report, action->set, old_state(action), spec_state(action));
			break;
		case SC_ACTION_DELETE:
			move(report, action->set, old_state(action), none);
			break;
		case SC_ACTION_PAUSE:
			move(report, action->set, old_state(action),
			     SC_AGENT_STATE_PAUSED);
			break;
		case SC_ACTION_RESUME:
			move(report, action->set, old_state(action),
			     SC_AGENT_STATE_RUNNING);
			break;
		case SC_ACTION_RENEW:
			break;
		}
	}
}

void sc_agent_report_note(sc_agent_report *report, sc_diag_level level, const char *text)
{
	if (report->message_count == SC_AGENT_REPORT_MAX_MESSAGES) {
		report->messages_dropped++;
		return;
	}
	SC_GROW(report->messages, report->message_count + 1, report->message_alloc);
	sc_agent_message *message = &report->messages[report->message_count++];
	message->level = level;
	message->text = sc_strdup(text ? text : "");
	sc_text_make_printable(message->text);
}

void sc_agent_report_scrub(sc_agent_report *report, const sc_spec_list *specs)
{
	for (size_t i = 0; i < report->message_count; i++) {
		for (size_t j = 0; specs && j < specs->count; j++)
			report->messages[i].text =
			    sc_spec_scrub(report->messages[i].text, &specs->items[j]);
	}
}

void sc_agent_report_note_results(sc_agent_report *report, const sc_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		const sc_action *action = &plan->actions[i];
		const sc_action_result *result = &action->result;
		bool failed = result->status == SC_RESULT_FAILED;
		if (result->status == SC_RESULT_DONE)
			continue;
		char *text = sc_asprintf(
		    "%s of '%s/%s'%s%s%s %s: %s", sc_action_kind_name(action->kind),
		    action->set ? action->set : "", action->name ? action->name : "",
		    action->sandbox ? " (" : "",
		    action->sandbox ? action->sandbox->id : "",
		    action->sandbox ? ")" : "",
		    failed                                ? "failed"
		    : result->status == SC_RESULT_SKIPPED ? "skipped"
		                                          : "not run",
		    result->message ? result->message : "no reason given");
		sc_agent_report_note(report, failed ? SC_DIAG_ERROR : SC_DIAG_WARNING,
		                     text);
		free(text);
	}
}

unsigned long sc_agent_report_total(const sc_agent_report *report, sc_agent_result result)
{
	unsigned long total = 0;
	for (size_t kind = 0; kind < SC_AGENT_ACTION_KINDS; kind++)
		total += report->actions[kind][result];
	return total;
}
