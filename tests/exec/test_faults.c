/* The executor against sc-sandboxd's injected faults: retries, lost creates, time bounds.
 */
#include "fixture.h"

#include "common/timeutil.h"

static size_t count_status(const fixture *fx, sc_result_status status)
{
	size_t n = 0;
	for (size_t i = 0; i < fx->plan.count; i++)
		n += fx->plan.actions[i].result.status == status;
	return n;
}

static unsigned total_attempts(const fixture *fx)
{
	unsigned n = 0;
	for (size_t i = 0; i < fx->plan.count; i++)
		n += fx->plan.actions[i].result.attempts;
	return n;
}

TEST(retries_through_5xx_and_429)
{
	fixture fx;
	sc_exec_options options = {.parallel = 4,
	                           .max_attempts = 12,
	                           .base_backoff_ms = 10,
	                           .max_backoff_ms = 200};
	const char *const args[] = {"--fault-rate",  "0.3",     "--seed", "7",
	                            "--fault-kinds", "5xx,429", NULL};
	if (fixture_start(&fx, args))
		return;
	for (int i = 0; i < 12; i++)
		fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	/* Two more to renew and to pause (made with faults off). */
	fixture_config(&fx, "{\"faultRate\":0}");
	char *renew_id = fixture_make_sandbox(&fx, "other");
	char *pause_id = fixture_make_sandbox(&fx, "other");
	fixture_config(&fx, "{\"faultRate\":0.3}");
	fixture_add(&fx, SC_ACTION_RENEW, &fx.spec, fixture_observe(&fx, renew_id));
	fixture_add(&fx, SC_ACTION_PAUSE, &fx.spec, fixture_observe(&fx, pause_id));
	CHECK_INT(fixture_run(&fx, &options), 0);
	CHECK_INT(count_status(&fx, SC_RESULT_DONE), fx.plan.count);
	CHECK(total_attempts(&fx) > fx.plan.count);
	CHECK(fx.progress_retrying > 0);
	CHECK_CONTAINS(sc_buf_cstr(&fx.trace), "-> 5");
	fixture_config(&fx, "{\"faultRate\":0}");
	sc_sandbox_list list = {0};
	/* 12 creates and the two made directly: a 5xx on a create never made a duplicate.
	 */
	CHECK_INT(fixture_count(&fx, &list), 14);
	fixture_check_no_duplicates(&list);
	sc_sandbox_list_release(&list);
	fixture_dump(&fx);
	free(renew_id);
	free(pause_id);
	fixture_stop(&fx);
}

static void lost_creates(const char *kinds, bool ignore_filter)
{
	fixture fx;
	sc_exec_options options = {.parallel = 6,
	                           .max_attempts = 12,
	                           .base_backoff_ms = 10,
	                           .max_backoff_ms = 200};
	const char *const args[] = {"--fault-rate",  "0.4", "--seed", "11",
	                            "--fault-kinds", kinds, NULL};
	sc_sandbox_list list = {0};
	if (fixture_start(&fx, args))
		return;
	fixture_config(&fx, "{\"faultRate\":0}");
	if (ignore_filter)
		fixture_config(&fx, "{\"ignoreMetadataFilter\":true}");
	/* Sandboxes of the same set made by somebody else: never adopted. */
	for (int i = 0; i < 3; i++) {
		char *id = fixture_make_sandbox(&fx, "web");
		free(id);
	}
	size_t before = fixture_count(&fx, NULL);
	CHECK_INT(before, 3);
	char json[128];
	snprintf(json, sizeof(json), "{\"faultRate\":0.4}");
	fixture_config(&fx, json);
	for (int i = 0; i < 15; i++)
		fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	int rc = fixture_run(&fx, &options);
	fixture_config(&fx, "{\"faultRate\":0}");
	CHECK_INT(rc, 0);
	CHECK_INT(count_status(&fx, SC_RESULT_DONE), 15);
	CHECK(fx.progress_retrying > 0);
	CHECK_INT(fixture_count(&fx, &list), before + 15);
	fixture_check_no_duplicates(&list);
	/* Every result names a distinct sandbox that exists. */
	for (size_t i = 0; i < fx.plan.count; i++) {
		const char *id = fx.plan.actions[i].result.new_id;
		CHECK(id != NULL);
		for (size_t j = 0; id && j < i; j++)
			CHECK(strcmp(id, fx.plan.actions[j].result.new_id));
		bool listed = false;
		for (size_t j = 0; id && j < list.count; j++)
			listed |= !strcmp(list.items[j].id, id);
		CHECK(listed);
	}
	CHECK_CONTAINS(sc_buf_cstr(&fx.trace), "create-token");
	sc_sandbox_list_release(&list);
	fixture_dump(&fx);
	fixture_stop(&fx);
}

TEST(lost_creates_are_adopted_never_duplicated)
{
	lost_creates("lost-create,drop,truncate", false);
}

TEST(lost_creates_with_a_server_ignoring_the_filter)
{
	lost_creates("lost-create,drop", true);
}

TEST(total_time_bound)
{
	fixture fx;
	sc_exec_options options = {.parallel = 1, .total_timeout_ms = 800};
	if (fixture_start(&fx, NULL))
		return;
	fixture_config(&fx, "{\"latencyMs\":3000}");
	for (int i = 0; i < 3; i++)
		fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	int64_t t0 = sc_time_monotonic_ms();
	CHECK_INT(fixture_run(&fx, &options), -1);
	int64_t took = sc_time_monotonic_ms() - t0;
	CHECK(took >= 700 && took < 2000);
	CHECK_INT(fx.plan.actions[0].result.status, SC_RESULT_FAILED);
	CHECK_CONTAINS(fx.plan.actions[0].result.message, "time limit");
	CHECK_INT(fx.plan.actions[1].result.status, SC_RESULT_SKIPPED);
	CHECK_CONTAINS(fx.plan.actions[1].result.message, "not started");
	CHECK_INT(fx.plan.actions[2].result.status, SC_RESULT_SKIPPED);
	CHECK_INT(fx.progress_finished, 3);
	fixture_config(&fx, "{\"latencyMs\":0}");
	fixture_dump(&fx);
	fixture_stop(&fx);
}

TEST(slow_responses_time_out_and_are_retried)
{
	fixture fx;
	sc_exec_options options = {.parallel = 4,
	                           .max_attempts = 10,
	                           .base_backoff_ms = 10,
	                           .max_backoff_ms = 100};
	const char *const args[] = {"--fault-rate",  "0.3",  "--seed", "3",
	                            "--fault-kinds", "slow", NULL};
	if (fixture_start(&fx, args))
		return;
	fixture_config(&fx, "{\"slowMs\":3000}");
	sc_api_client_free(fx.client);
	sc_api_config config = {.base_url = fx.sd.base_url,
	                        .api_key = TEST_API_KEY,
	                        .request_timeout_ms = 500,
	                        .trace = fixture_trace,
	                        .trace_ctx = &fx};
	sc_diag diag = SC_DIAG_INIT;
	CHECK_INT(sc_api_client_new(&fx.client, &config, &diag), 0);
	for (int i = 0; i < 8; i++)
		fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	CHECK_INT(fixture_run(&fx, &options), 0);
	fixture_config(&fx, "{\"faultRate\":0}");
	sc_sandbox_list list = {0};
	CHECK_INT(fixture_count(&fx, &list), 8);
	fixture_check_no_duplicates(&list);
	sc_sandbox_list_release(&list);
	fixture_dump(&fx);
	fixture_stop(&fx);
}

TEST(unreachable_server_fails_after_attempts)
{
	fixture fx;
	sc_exec_options options = {
	    .max_attempts = 3, .base_backoff_ms = 5, .max_backoff_ms = 20};
	if (fixture_start(&fx, NULL))
		return;
	test_sandboxd_stop(&fx.sd);
	fx.up = false;
	fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	fixture_add(&fx, SC_ACTION_DELETE, NULL, fixture_observe(&fx, "sandbox_x"));
	CHECK_INT(fixture_run(&fx, &options), -1);
	for (size_t i = 0; i < fx.plan.count; i++) {
		const sc_action_result *r = &fx.plan.actions[i].result;
		CHECK_INT(r->status, SC_RESULT_FAILED);
		CHECK_INT(r->attempts, 3);
		CHECK_CONTAINS(r->message, "after 3 attempts");
	}
	fixture_dump(&fx);
	fixture_stop(&fx);
}

TEST(retry_after_is_honoured)
{
	fixture fx;
	sc_exec_options options = {
	    .parallel = 1, .max_attempts = 3, .base_backoff_ms = 1, .max_backoff_ms = 5};
	if (fixture_start(&fx, NULL))
		return;
	/* One sandbox at most: the second create gets 429 with Retry-After: 1. */
	fixture_config(&fx, "{\"maxSandboxes\":1}");
	fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	CHECK_INT(fixture_run(&fx, &options), -1);
	const sc_action_result *r = &fx.plan.actions[1].result;
	CHECK_INT(fx.plan.actions[0].result.status, SC_RESULT_DONE);
	CHECK_INT(r->status, SC_RESULT_FAILED);
	CHECK_INT(r->http_status, 429);
	CHECK_INT(r->attempts, 3);
	CHECK(r->duration_ms >= 2000);
	CHECK_CONTAINS(r->message, "after 3 attempts");
	fixture_plan_clear(&fx);

	/* A Retry-After past the run's end fails at once instead of waiting. */
	options.total_timeout_ms = 500;
	fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	int64_t t0 = sc_time_monotonic_ms();
	CHECK_INT(fixture_run(&fx, &options), -1);
	CHECK(sc_time_monotonic_ms() - t0 < 400);
	CHECK_CONTAINS(fx.plan.actions[0].result.message, "no time left");
	CHECK_INT(fixture_count(&fx, NULL), 1);
	fixture_dump(&fx);
	fixture_stop(&fx);
}

/* Makes count sandboxes directly (faults off), their ids into ids, observed in fx. */
static void make_observed(fixture *fx, char **ids, long *at, int count, bool paused)
{
	for (int i = 0; i < count; i++) {
		ids[i] = fixture_make_sandbox(fx, "web");
		at[i] = fixture_observe(fx, ids[i]);
		if (paused) {
			char path[256];
			test_response r;
			snprintf(path, sizeof(path), "/sandboxes/%s/pause", ids[i]);
			test_http(&fx->sd, "POST", path, TEST_API_KEY, NULL, &r);
			CHECK_INT(r.status, 204);
			test_response_release(&r);
		}
	}
}

static void check_phase(fixture *fx, char **ids, int count, long status, sc_phase phase)
{
	for (int i = 0; i < count; i++) {
		sc_sandbox sb;
		long got = fixture_get(fx, ids[i], status == 200 ? &sb : NULL);
		CHECK_INT(got, status);
		if (got == 200 && status == 200) {
			CHECK_INT(sb.phase, phase);
			sc_sandbox_release(&sb);
		}
	}
}

TEST(every_kind_of_action_through_every_fault)
{
	fixture fx;
	sc_exec_options options = {.parallel = 8, .max_attempts = 20, .base_backoff_ms = 5,
	                           .max_backoff_ms = 100, .poll_interval_ms = 20};
	const char *const args[] = {"--seed", "23", NULL};
	char *del[5], *renew[5], *pause[5], *resume[5], *replace[3];
	long del_at[5], renew_at[5], pause_at[5], resume_at[5], replace_at[3];
	if (fixture_start(&fx, args))
		return;
	make_observed(&fx, del, del_at, 5, false);
	make_observed(&fx, renew, renew_at, 5, false);
	make_observed(&fx, pause, pause_at, 5, false);
	make_observed(&fx, resume, resume_at, 5, true);
	make_observed(&fx, replace, replace_at, 3, false);
	fx.spec.timeout = 3000;
	for (int i = 0; i < 5; i++) {
		fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
		fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
		fixture_add(&fx, SC_ACTION_DELETE, NULL, del_at[i]);
		fixture_add(&fx, SC_ACTION_RENEW, &fx.spec, renew_at[i]);
		fixture_add(&fx, SC_ACTION_PAUSE, &fx.spec, pause_at[i]);
		fixture_add(&fx, SC_ACTION_RESUME, &fx.spec, resume_at[i]);
		if (i < 3)
			fixture_add(&fx, SC_ACTION_REPLACE, &fx.spec, replace_at[i]);
	}
	fixture_config(&fx, "{\"faultRate\":0.4,\"faultKinds\":[\"5xx\",\"429\",\"drop\","
	                    "\"lost-create\",\"truncate\"],\"startDelayMs\":100}");
	int rc = fixture_run(&fx, &options);
	fixture_config(&fx, "{\"faultRate\":0}");
	CHECK_INT(rc, 0);
	CHECK_INT(count_status(&fx, SC_RESULT_DONE), fx.plan.count);
	CHECK(total_attempts(&fx) > fx.plan.count + 3);
	check_phase(&fx, del, 5, 404, SC_PHASE_GONE);
	check_phase(&fx, renew, 5, 200, SC_PHASE_READY);
	check_phase(&fx, pause, 5, 200, SC_PHASE_PAUSED);
	check_phase(&fx, resume, 5, 200, SC_PHASE_READY);
	check_phase(&fx, replace, 3, 404, SC_PHASE_GONE);
	for (int i = 0; i < 5; i++) {
		sc_sandbox sb;
		if (fixture_get(&fx, renew[i], &sb) == 200) {
			CHECK(sb.end_at - sb.started_at > 2000 * 1000LL);
			sc_sandbox_release(&sb);
		}
	}
	sc_sandbox_list list = {0};
	/* 10 creates, 3 replacements, and the 15 renewed, paused and resumed ones */
	CHECK_INT(fixture_count(&fx, &list), 28);
	fixture_check_no_duplicates(&list);
	sc_sandbox_list_release(&list);
	for (int i = 0; i < 5; i++) {
		free(del[i]);
		free(renew[i]);
		free(pause[i]);
		free(resume[i]);
		if (i < 3)
			free(replace[i]);
	}
	fixture_dump(&fx);
	fixture_stop(&fx);
}

int main(void)
{
	RUN(retries_through_5xx_and_429);
	RUN(lost_creates_are_adopted_never_duplicated);
	RUN(lost_creates_with_a_server_ignoring_the_filter);
	RUN(total_time_bound);
	RUN(slow_responses_time_out_and_are_retried);
	RUN(unreachable_server_fails_after_attempts);
	RUN(retry_after_is_honoured);
	RUN(every_kind_of_action_through_every_fault);
	return test_summary();
}
