/* Cycle reports and the Prometheus text they render to. */
#include <stdlib.h>

#include "harness.h"

#include "agent/private/metrics.h"
#include "common/mem.h"

static void add_sandbox(sc_sandbox_list *list, const char *id, const char *set,
                        const char *status)
{
	sc_sandbox *sandbox = sc_sandbox_list_push(list);
	sandbox->id = sc_strdup(id);
	sandbox->status = sc_strdup(status);
	sandbox->phase = sc_phase_from_status(status);
	if (set)
		sc_kv_set(&sandbox->metadata, SC_LABEL_SET, set);
}

static void add_action(sc_plan *plan, sc_action_kind kind, sc_result_status status)
{
	SC_GROW(plan->actions, plan->count + 1, plan->alloc);
	sc_action *action = &plan->actions[plan->count++];
	memset(action, 0, sizeof(*action));
	action->kind = kind;
	action->result.status = status;
}

/* The value of the sample line that starts with series (name and labels), or -1. */
static double sample(const char *text, const char *series)
{
	size_t len = strlen(series);
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, series, len) && line[len] == ' ')
			return atof(line + len + 1);
	}
	return -1;
}

TEST(report_counts_owned_sandboxes_by_set_and_state)
{
	sc_sandbox_list list = {0};
	add_sandbox(&list, "a", "team-ml", "running");
	add_sandbox(&list, "b", "team-ml", "Paused");
	add_sandbox(&list, "c", "team-ml", "creating");
	add_sandbox(&list, "d", "team-ml", "weird");
	add_sandbox(&list, "e", "team-ml", "killed");
	add_sandbox(&list, "f", "other", "running");
	add_sandbox(&list, "g", NULL, "running");
	add_sandbox(&list, "h", "apps", "running");
	const char *sets[] = {"team-ml", "apps", "empty"};

	sc_agent_report report = SC_AGENT_REPORT_INIT;
	sc_agent_report_count_sandboxes(&report, &list, sets, 3);
	CHECK(report.observed);
	CHECK_INT(report.set_count, 3);
	CHECK_STR(report.sets[0].set, "apps");
	CHECK_STR(report.sets[1].set, "empty");
	CHECK_STR(report.sets[2].set, "team-ml");
	CHECK_INT(report.sets[0].count[SC_AGENT_STATE_RUNNING], 1);
	CHECK_INT(report.sets[1].count[SC_AGENT_STATE_RUNNING], 0);
	CHECK_INT(report.sets[2].count[SC_AGENT_STATE_RUNNING], 1);
	CHECK_INT(report.sets[2].count[SC_AGENT_STATE_PAUSED], 1);
	CHECK_INT(report.sets[2].count[SC_AGENT_STATE_STARTING], 1);
	CHECK_INT(report.sets[2].count[SC_AGENT_STATE_UNKNOWN], 1);
	sc_agent_report_release(&report);
	sc_sandbox_list_release(&list);
}

TEST(report_counts_plan_and_results)
{
	sc_plan plan = {0};
	add_action(&plan, SC_ACTION_CREATE, SC_RESULT_DONE);
	add_action(&plan, SC_ACTION_CREATE, SC_RESULT_DONE);
	add_action(&plan, SC_ACTION_DELETE, SC_RESULT_FAILED);
	add_action(&plan, SC_ACTION_RENEW, SC_RESULT_SKIPPED);
	add_action(&plan, SC_ACTION_PAUSE, SC_RESULT_PENDING);

	sc_agent_report report = SC_AGENT_REPORT_INIT;
	sc_agent_report_count_plan(&report, &plan);
	sc_agent_report_count_results(&report, &plan);
	CHECK(report.planned);
	CHECK_INT(report.drift, 5);
	CHECK_INT(report.actions[SC_ACTION_CREATE][SC_AGENT_RESULT_DONE], 2);
	CHECK_INT(report.actions[SC_ACTION_DELETE][SC_AGENT_RESULT_FAILED], 1);
	CHECK_INT(report.actions[SC_ACTION_RENEW][SC_AGENT_RESULT_SKIPPED], 1);
	CHECK_INT(report.actions[SC_ACTION_PAUSE][SC_AGENT_RESULT_SKIPPED], 1);
	CHECK_INT(sc_agent_report_total(&report, SC_AGENT_RESULT_DONE), 2);
	CHECK_INT(sc_agent_report_total(&report, SC_AGENT_RESULT_FAILED), 1);
	CHECK_INT(sc_agent_report_total(&report, SC_AGENT_RESULT_SKIPPED), 2);
	sc_agent_report_release(&report);
	sc_plan_release(&plan);
}

static sc_action *add_set_action(sc_plan *plan, sc_action_kind kind,
                                 sc_result_status status, const sc_spec *spec,
                                 const sc_sandbox *sandbox)
{
	add_action(plan, kind, status);
	sc_action *action = &plan->actions[plan->count - 1];
	action->set = "team-ml";
	action->spec = spec;
	action->sandbox = sandbox;
	return action;
}

TEST(projection_moves_the_counts_by_done_actions)
{
	sc_sandbox_list list = {0};
	add_sandbox(&list, "r1", "team-ml", "running");
	add_sandbox(&list, "r2", "team-ml", "running");
	add_sandbox(&list, "r3", "team-ml", "running");
	add_sandbox(&list, "p1", "team-ml", "paused");
	add_sandbox(&list, "p2", "team-ml", "paused");
	const char *sets[] = {"team-ml"};
	sc_spec running = {.state = SC_SPEC_RUNNING}, paused = {.state = SC_SPEC_PAUSED};

	sc_agent_report report = SC_AGENT_REPORT_INIT;
	sc_agent_report_count_sandboxes(&report, &list, sets, 1);
	sc_plan plan = {0};
	add_set_action(&plan, SC_ACTION_CREATE, SC_RESULT_DONE, &running, NULL);
	add_set_action(&plan, SC_ACTION_CREATE, SC_RESULT_DONE, &paused, NULL);
	add_set_action(&plan, SC_ACTION_CREATE, SC_RESULT_FAILED, &running, NULL);
	add_set_action(&plan, SC_ACTION_DELETE, SC_RESULT_DONE, NULL, &list.items[0]);
	add_set_action(&plan, SC_ACTION_PAUSE, SC_RESULT_DONE, &paused, &list.items[1]);
	add_set_action(&plan, SC_ACTION_RESUME, SC_RESULT_DONE, &running, &list.items[3]);
	add_set_action(&plan, SC_ACTION_REPLACE, SC_RESULT_DONE, &running,
	               &list.items[4]);
	add_set_action(&plan, SC_ACTION_RENEW, SC_RESULT_DONE, &running, &list.items[2]);
	sc_agent_report_project(&report, &plan);
	/* running: 3 + 1 create - 1 delete - 1 pause + 1 resume + 1 replace = 4 */
	CHECK_INT(report.sets[0].count[SC_AGENT_STATE_RUNNING], 4);
	/* paused: 2 + 1 create + 1 pause - 1 resume - 1 replaced = 2 */
	CHECK_INT(report.sets[0].count[SC_AGENT_STATE_PAUSED], 2);
	sc_agent_report_release(&report);

	/* A report that did not observe has nothing to move. */
	sc_agent_report_project(&report, &plan);
	CHECK_INT(report.set_count, 0);
	sc_plan_release(&plan);
	sc_sandbox_list_release(&list);
}

TEST(every_metric_has_help_and_type_before_its_samples)
{
	sc_agent_metrics metrics;
	sc_buf out = SC_BUF_INIT;
	sc_agent_metrics_init(&metrics);
	sc_agent_metrics_render(&metrics, &out);
	const char *text = sc_buf_cstr(&out);
	const char *names[][2] = {
	    {"sc_apply_reconcile_total", "counter"},
	    {"sc_apply_reconcile_duration_seconds", "histogram"},
	    {"sc_apply_actions_total", "counter"},
	    {"sc_apply_managed_sandboxes", "gauge"},
	    {"sc_apply_drift_actions", "gauge"},
	    {"sc_apply_last_success_timestamp_seconds", "gauge"},
	    {"sc_apply_consecutive_failures", "gauge"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char help[128], type[128];
		snprintf(help, sizeof(help), "# HELP %s ", names[i][0]);
		snprintf(type, sizeof(type), "# TYPE %s %s\n", names[i][0], names[i][1]);
		CHECK_CONTAINS(text, help);
		CHECK_CONTAINS(text, type);
	}
	/* Every line is a comment or "series value"; the text ends with a newline. */
	CHECK(out.len && text[out.len - 1] == '\n');
	for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
		if (*line != '#')
			CHECK(strchr(line, ' ') &&
			      strchr(line, ' ') < strchr(line, '\n'));
	}
	CHECK(sample(text, "sc_apply_reconcile_total{result=\"success\"}") == 0);
	CHECK(sample(text,
	             "sc_apply_actions_total{action=\"replace\",result=\"skipped\"}") ==
	      0);
	CHECK(sample(text, "sc_apply_last_success_timestamp_seconds") == 0);
	CHECK(!sc_agent_metrics_ready(&metrics));
	sc_buf_release(&out);
	sc_agent_metrics_release(&metrics);
}

TEST(recorded_cycles_show_in_the_samples)
{
	sc_agent_metrics metrics;
	sc_agent_metrics_init(&metrics);
	const char *sets[] = {"team-ml"};
	sc_sandbox_list list = {0};
	add_sandbox(&list, "a", "team-ml", "running");
	add_sandbox(&list, "b", "team-ml", "running");
	add_sandbox(&list, "c", "team-ml", "paused");

	sc_agent_report first = SC_AGENT_REPORT_INIT;
	first.ok = true;
	first.duration_ms = 700;
	first.actions[SC_ACTION_CREATE][SC_AGENT_RESULT_DONE] = 3;
	first.planned = true;
	first.drift = 3;
	sc_agent_report_count_sandboxes(&first, &list, sets, 1);
	sc_agent_metrics_record(&metrics, &first, 1781081750500LL);

	sc_agent_report failed = SC_AGENT_REPORT_INIT;
	failed.duration_ms = 12000;
	sc_agent_metrics_record(&metrics, &failed, 1781081760000LL);
	sc_agent_metrics_record(&metrics, &failed, 1781081770000LL);

	sc_buf out = SC_BUF_INIT;
	sc_agent_metrics_render(&metrics, &out);
	const char *text = sc_buf_cstr(&out);
	CHECK(sample(text, "sc_apply_reconcile_total{result=\"success\"}") == 1);
	CHECK(sample(text, "sc_apply_reconcile_total{result=\"failure\"}") == 2);
	CHECK(sample(text, "sc_apply_reconcile_duration_seconds_bucket{le=\"0.5\"}") ==
	      0);
	CHECK(sample(text, "sc_apply_reconcile_duration_seconds_bucket{le=\"1\"}") == 1);
	CHECK(sample(text, "sc_apply_reconcile_duration_seconds_bucket{le=\"10\"}") == 1);
	CHECK(sample(text, "sc_apply_reconcile_duration_seconds_bucket{le=\"30\"}") == 3);
	CHECK(sample(text, "sc_apply_reconcile_duration_seconds_bucket{le=\"+Inf\"}") ==
	      3);
	CHECK(sample(text, "sc_apply_reconcile_duration_seconds_count") == 3);
	CHECK(sample(text, "sc_apply_reconcile_duration_seconds_sum") == 24.7);
	CHECK(sample(text, "sc_apply_actions_total{action=\"create\",result=\"done\"}") ==
	      3);
	/* The failed cycles neither observed nor planned: the last known values stay. */
	CHECK(sample(text,
	             "sc_apply_managed_sandboxes{set=\"team-ml\",state=\"running\"}") ==
	      2);
	CHECK(sample(text,
	             "sc_apply_managed_sandboxes{set=\"team-ml\",state=\"paused\"}") ==
	      1);
	CHECK(sample(text,
	             "sc_apply_managed_sandboxes{set=\"team-ml\",state=\"unknown\"}") ==
	      0);
	CHECK(sample(text, "sc_apply_drift_actions") == 3);
	CHECK(sample(text, "sc_apply_last_success_timestamp_seconds") == 1781081750.5);
	CHECK(sample(text, "sc_apply_consecutive_failures") == 2);
	CHECK(sc_agent_metrics_ready(&metrics));
	CHECK_INT(sc_agent_metrics_consecutive_failures(&metrics), 2);

	/* A success resets the failures; a new observation replaces the sets. */
	sc_agent_report second = SC_AGENT_REPORT_INIT;
	second.ok = true;
	second.planned = true;
	const char *other[] = {"apps"};
	sc_agent_report_count_sandboxes(&second, &list, other, 1);
	sc_agent_metrics_record(&metrics, &second, 1781081780000LL);
	sc_buf_reset(&out);
	sc_agent_metrics_render(&metrics, &out);
	text = sc_buf_cstr(&out);
	CHECK(sample(text, "sc_apply_consecutive_failures") == 0);
	CHECK(sample(text, "sc_apply_drift_actions") == 0);
	CHECK(sample(text,
	             "sc_apply_managed_sandboxes{set=\"apps\",state=\"running\"}") == 0);
	CHECK_NOT_CONTAINS(text, "team-ml");

	sc_buf_release(&out);
	sc_agent_report_release(&first);
	sc_agent_report_release(&second);
	sc_sandbox_list_release(&list);
	sc_agent_metrics_release(&metrics);
}

TEST(the_leader_gauge_shows_only_with_leader_election)
{
	sc_agent_metrics metrics;
	sc_buf out = SC_BUF_INIT;
	sc_agent_metrics_init(&metrics);

	sc_agent_metrics_render(&metrics, &out);
	CHECK_NOT_CONTAINS(sc_buf_cstr(&out), "sc_apply_leader");
	sc_buf_reset(&out);

	/* A standby behind a known leader: 0, and ready without a cycle. */
	sc_agent_metrics_set_leader(&metrics, false, true);
	sc_agent_metrics_render(&metrics, &out);
	CHECK_CONTAINS(sc_buf_cstr(&out), "# TYPE sc_apply_leader gauge\n");
	CHECK(sample(sc_buf_cstr(&out), "sc_apply_leader") == 0);
	CHECK(sc_agent_metrics_ready(&metrics));
	sc_buf_reset(&out);

	sc_agent_metrics_set_leader(&metrics, true, false);
	sc_agent_metrics_render(&metrics, &out);
	CHECK(sample(sc_buf_cstr(&out), "sc_apply_leader") == 1);
	sc_buf_release(&out);
	sc_agent_metrics_release(&metrics);
}

TEST(label_values_are_escaped)
{
	sc_buf out = SC_BUF_INIT;
	sc_agent_prom_escape(&out, "a\\b\"c\nd");
	CHECK_STR(sc_buf_cstr(&out), "a\\\\b\\\"c\\nd");
	sc_buf_release(&out);

	sc_agent_metrics metrics;
	sc_agent_metrics_init(&metrics);
	sc_agent_report report = SC_AGENT_REPORT_INIT;
	report.observed = true;
	sc_agent_report_set(&report, "we\"ird\\set");
	sc_agent_metrics_record(&metrics, &report, 0);
	sc_agent_metrics_render(&metrics, &out);
	CHECK_CONTAINS(
	    sc_buf_cstr(&out),
	    "sc_apply_managed_sandboxes{set=\"we\\\"ird\\\\set\",state=\"running\"} 0\n");
	sc_buf_release(&out);
	sc_agent_report_release(&report);
	sc_agent_metrics_release(&metrics);
}

int main(void)
{
	RUN(report_counts_owned_sandboxes_by_set_and_state);
	RUN(report_counts_plan_and_results);
	RUN(projection_moves_the_counts_by_done_actions);
	RUN(every_metric_has_help_and_type_before_its_samples);
	RUN(recorded_cycles_show_in_the_samples);
	RUN(the_leader_gauge_shows_only_with_leader_election);
	RUN(label_values_are_escaped);
	return test_summary();
}
