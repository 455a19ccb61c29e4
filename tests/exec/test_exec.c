/* The executor against a real sc-sandboxd without faults: each action kind, order,
 * results. */
#include "fixture.h"

#include "common/timeutil.h"

static const char *const no_args[] = {NULL};

static bool all_done(const fixture *fx)
{
	for (size_t i = 0; i < fx->plan.count; i++) {
		if (fx->plan.actions[i].result.status != SC_RESULT_DONE)
			return false;
	}
	return true;
}

TEST(parallel_creates_carry_the_labels)
{
	fixture fx;
	sc_exec_options options = {.parallel = 4};
	sc_sandbox_list list = {0};
	if (fixture_start(&fx, no_args))
		return;
	for (int i = 0; i < 10; i++)
		fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	CHECK_INT(fixture_run(&fx, &options), 0);
	CHECK(all_done(&fx));
	CHECK_INT(fx.progress_started, 10);
	CHECK_INT(fx.progress_finished, 10);
	for (size_t i = 0; i < fx.plan.count; i++) {
		const sc_action_result *r = &fx.plan.actions[i].result;
		CHECK(r->new_id != NULL);
		CHECK_INT(r->attempts, 1);
		CHECK_INT(r->http_status, 201);
		CHECK(r->message == NULL);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(r->new_id, fx.plan.actions[j].result.new_id) != 0);
	}
	CHECK_INT(fixture_count(&fx, &list), 10);
	for (size_t i = 0; i < list.count; i++) {
		const sc_kv *md = &list.items[i].metadata;
		char hash[SC_SPEC_HASH_HEX + 1];
		const char *salt = sc_kv_get(md, "sc-apply/salt");
		CHECK_STR(sc_kv_get(md, "sc-apply/name"), "web");
		CHECK_STR(sc_kv_get(md, "team"), "ml");
		CHECK(salt && strlen(salt) == 32);
		CHECK(sc_kv_get(md, "sc-apply/create-token") &&
		      strlen(sc_kv_get(md, "sc-apply/create-token")) == 32);
		if (salt) {
			sc_spec_hash(hash, &fx.spec, salt);
			CHECK_STR(sc_kv_get(md, "sc-apply/hash"), hash);
		}
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(
			    sc_kv_get(md, "sc-apply/create-token"),
			    sc_kv_get(&list.items[j].metadata, "sc-apply/create-token")));
		CHECK_INT(list.items[i].phase, SC_PHASE_READY);
	}
	sc_sandbox_list_release(&list);
	fixture_stop(&fx);
}

TEST(secrets_never_in_trace_or_messages)
{
	fixture fx;
	sc_exec_options options = {0};
	if (fixture_start(&fx, no_args))
		return;
	fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	free(fx.spec.template_id);
	fx.spec.template_id = sc_strdup("no-such-template-" FIX_SECRET);
	CHECK_INT(fixture_run(&fx, &options), -1);
	CHECK_INT(fx.plan.actions[0].result.status, SC_RESULT_FAILED);
	CHECK_CONTAINS(sc_buf_cstr(&fx.trace), "POST ");
	CHECK_CONTAINS(sc_buf_cstr(&fx.trace), "/sandboxes -> ");
	CHECK_NOT_CONTAINS(sc_buf_cstr(&fx.trace), FIX_SECRET);
	CHECK_NOT_CONTAINS(sc_buf_cstr(&fx.trace), TEST_API_KEY);
	CHECK_NOT_CONTAINS(fx.plan.actions[0].result.message, FIX_SECRET);
	fixture_dump(&fx);
	fixture_stop(&fx);
}

TEST(pause_resume_renew_and_pause_twice)
{
	fixture fx;
	sc_exec_options options = {0};
	sc_sandbox sb;
	if (fixture_start(&fx, no_args))
		return;
	char *id = fixture_make_sandbox(&fx, "web");
	long at = fixture_observe(&fx, id);
	fixture_add(&fx, SC_ACTION_PAUSE, &fx.spec, at);
	CHECK_INT(fixture_run(&fx, &options), 0);
	CHECK_INT(fx.plan.actions[0].result.http_status, 204);
	CHECK_INT(fixture_get(&fx, id, &sb), 200);
	CHECK_INT(sb.phase, SC_PHASE_PAUSED);
	sc_sandbox_release(&sb);

	/* Pausing a paused sandbox (409) counts as done. */
	CHECK_INT(fixture_run(&fx, &options), 0);
	CHECK_INT(fx.plan.actions[0].result.http_status, 409);
	CHECK_INT(fx.plan.actions[0].result.status, SC_RESULT_DONE);
	fixture_plan_clear(&fx);

	fixture_add(&fx, SC_ACTION_RESUME, &fx.spec, at);
	CHECK_INT(fixture_run(&fx, &options), 0);
	CHECK_INT(fixture_get(&fx, id, &sb), 200);
	CHECK_INT(sb.phase, SC_PHASE_READY);
	int64_t end_before = sb.end_at;
	sc_sandbox_release(&sb);
	fixture_plan_clear(&fx);

	fx.spec.timeout = 3000;
	fixture_add(&fx, SC_ACTION_RENEW, &fx.spec, at);
	CHECK_INT(fixture_run(&fx, &options), 0);
	CHECK_INT(fixture_get(&fx, id, &sb), 200);
	CHECK(sb.end_at >= end_before + 2000 * 1000);
	sc_sandbox_release(&sb);
	fixture_dump(&fx);
	free(id);
	fixture_stop(&fx);
}

/* Stops once two actions have finished, as the agent does on SIGTERM. */
static bool stop_after_two(void *ctx)
{
	const fixture *fx = ctx;
	return fx->progress_finished >= 2;
}

TEST(a_stop_finishes_what_is_in_flight_and_starts_nothing)
{
	fixture fx;
	sc_exec_options options = {.parallel = 2, .should_stop = stop_after_two};
	sc_sandbox_list list = {0};
	if (fixture_start(&fx, (const char *const[]){"--latency-ms", "50", NULL}))
		return;
	options.stop_ctx = &fx;
	for (int i = 0; i < 12; i++)
		fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	CHECK_INT(fixture_run(&fx, &options), -1);
	size_t done = 0, skipped = 0;
	for (size_t i = 0; i < fx.plan.count; i++) {
		const sc_action_result *r = &fx.plan.actions[i].result;
		done += r->status == SC_RESULT_DONE;
		if (r->status == SC_RESULT_SKIPPED) {
			skipped++;
			CHECK_CONTAINS(r->message, "stopped");
		}
	}
	/* What was in flight finished; nothing failed half-way; the rest never began. */
	CHECK(done >= 2 && done <= 4);
	CHECK_INT(done + skipped, 12);
	CHECK_INT(fixture_count(&fx, &list), (long)done);
	sc_sandbox_list_release(&list);
	fixture_stop(&fx);
}

TEST(delete_of_a_missing_sandbox_is_done)
{
	fixture fx;
	sc_exec_options options = {0};
	if (fixture_start(&fx, no_args))
		return;
	char *id = fixture_make_sandbox(&fx, "web");
	fixture_add(&fx, SC_ACTION_DELETE, NULL, fixture_observe(&fx, id));
	fixture_add(&fx, SC_ACTION_DELETE, NULL,
	            fixture_observe(&fx, "sandbox_never_was"));
	fixture_add(&fx, SC_ACTION_DELETE, NULL,
	            fixture_observe(&fx, "odd/id with spaces"));
	CHECK_INT(fixture_run(&fx, &options), 0);
	CHECK(all_done(&fx));
	CHECK_INT(fx.plan.actions[0].result.http_status, 204);
	CHECK_INT(fx.plan.actions[1].result.http_status, 404);
	CHECK_INT(fixture_get(&fx, id, NULL), 404);
	CHECK_CONTAINS(sc_buf_cstr(&fx.trace), "odd%2Fid%20with%20spaces");
	fixture_dump(&fx);
	free(id);
	fixture_stop(&fx);
}

/* The position of the first line of the trace holding both needles; -1 when none. */
static long trace_index(const fixture *fx, const char *a, const char *b)
{
	const char *text = sc_buf_cstr(&fx->trace);
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		char *copy = sc_strndup(line, end ? (size_t)(end - line) : strlen(line));
		bool hit = strstr(copy, a) && strstr(copy, b);
		free(copy);
		if (hit)
			return line - text;
		if (!end)
			break;
		line = end + 1;
	}
	return -1;
}

TEST(replace_creates_then_deletes)
{
	fixture fx;
	sc_exec_options options = {0};
	if (fixture_start(&fx, no_args))
		return;
	char *old = fixture_make_sandbox(&fx, "web");
	fixture_add(&fx, SC_ACTION_REPLACE, &fx.spec, fixture_observe(&fx, old));
	CHECK_INT(fixture_run(&fx, &options), 0);
	const sc_action_result *r = &fx.plan.actions[0].result;
	CHECK_INT(r->status, SC_RESULT_DONE);
	CHECK(r->new_id && strcmp(r->new_id, old));
	CHECK_INT(r->attempts, 2);
	CHECK_INT(fixture_get(&fx, old, NULL), 404);
	CHECK_INT(fixture_get(&fx, r->new_id, NULL), 200);
	long create_at = trace_index(&fx, "POST ", "/sandboxes -> 201");
	long delete_at = trace_index(&fx, "DELETE ", old);
	CHECK(create_at >= 0 && delete_at > create_at);
	free(old);
	fixture_stop(&fx);
}

TEST(replace_delete_first_deletes_then_creates)
{
	fixture fx;
	sc_exec_options options = {0};
	if (fixture_start(&fx, no_args))
		return;
	fx.spec.replace = SC_REPLACE_DELETE_FIRST;
	char *old = fixture_make_sandbox(&fx, "web");
	fixture_add(&fx, SC_ACTION_REPLACE, &fx.spec, fixture_observe(&fx, old));
	CHECK_INT(fixture_run(&fx, &options), 0);
	const sc_action_result *r = &fx.plan.actions[0].result;
	CHECK_INT(r->status, SC_RESULT_DONE);
	CHECK_INT(fixture_get(&fx, old, NULL), 404);
	CHECK(r->new_id && fixture_get(&fx, r->new_id, NULL) == 200);
	long create_at = trace_index(&fx, "POST ", "/sandboxes -> 201");
	long delete_at = trace_index(&fx, "DELETE ", old);
	CHECK(delete_at >= 0 && create_at > delete_at);
	free(old);
	fixture_stop(&fx);
}

TEST(replace_whose_create_fails_keeps_the_old)
{
	fixture fx;
	sc_exec_options options = {0};
	if (fixture_start(&fx, no_args))
		return;
	free(fx.spec.template_id);
	fx.spec.template_id = sc_strdup("no-such-template");
	char *old = fixture_make_sandbox(&fx, "web");
	fixture_add(&fx, SC_ACTION_REPLACE, &fx.spec, fixture_observe(&fx, old));
	CHECK_INT(fixture_run(&fx, &options), -1);
	const sc_action_result *r = &fx.plan.actions[0].result;
	CHECK_INT(r->status, SC_RESULT_FAILED);
	CHECK_INT(r->attempts, 1);
	CHECK(r->http_status >= 400 && r->http_status < 500);
	CHECK_CONTAINS(r->message, "create: HTTP ");
	CHECK_CONTAINS(r->message, "old sandbox was kept");
	CHECK_INT(fixture_get(&fx, old, NULL), 200);
	CHECK(trace_index(&fx, "DELETE ", old) < 0);
	fixture_dump(&fx);
	free(old);
	fixture_stop(&fx);
}

TEST(failures_are_per_action)
{
	fixture fx;
	sc_exec_options options = {0};
	sc_spec bad;
	if (fixture_start(&fx, no_args))
		return;
	fixture_spec(&bad, "bad");
	free(bad.template_id);
	bad.template_id = sc_strdup("no-such-template");
	fixture_add(&fx, SC_ACTION_CREATE, &bad, -1);
	fixture_add(&fx, SC_ACTION_RENEW, &fx.spec,
	            fixture_observe(&fx, "sandbox_never_was"));
	fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	fixture_add(&fx, SC_ACTION_RESUME, &fx.spec,
	            fixture_observe(&fx, "sandbox_nope"));
	CHECK_INT(fixture_run(&fx, &options), -1);
	CHECK_INT(fx.plan.actions[0].result.status, SC_RESULT_FAILED);
	CHECK_INT(fx.plan.actions[1].result.status, SC_RESULT_FAILED);
	CHECK_INT(fx.plan.actions[1].result.http_status, 404);
	CHECK_CONTAINS(fx.plan.actions[1].result.message, "renew: HTTP 404");
	CHECK_INT(fx.plan.actions[2].result.status, SC_RESULT_DONE);
	CHECK_INT(fx.plan.actions[3].result.status, SC_RESULT_FAILED);
	CHECK_INT(fx.plan.actions[0].result.attempts, 1);
	CHECK_INT(fixture_count(&fx, NULL), 1);
	fixture_dump(&fx);
	fixture_spec_release(&bad);
	fixture_stop(&fx);
}

TEST(starting_sandbox_is_polled_until_ready)
{
	fixture fx;
	sc_exec_options options = {.poll_interval_ms = 50};
	sc_sandbox sb;
	if (fixture_start(&fx, no_args))
		return;
	fixture_config(&fx, "{\"startDelayMs\":400}");
	fx.spec.wait_ready = false;
	fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	CHECK_INT(fixture_run(&fx, &options), 0);
	const sc_action_result *r = &fx.plan.actions[0].result;
	CHECK(r->attempts >= 2);
	CHECK(r->new_id && fixture_get(&fx, r->new_id, &sb) == 200);
	if (r->new_id) {
		CHECK_INT(sb.phase, SC_PHASE_READY);
		sc_sandbox_release(&sb);
	}
	fixture_dump(&fx);
	fixture_stop(&fx);
}

TEST(ready_timeout_bounds_the_polling)
{
	fixture fx;
	sc_exec_options options = {.poll_interval_ms = 50, .ready_timeout_ms = 300};
	if (fixture_start(&fx, no_args))
		return;
	fixture_config(&fx, "{\"startDelayMs\":5000}");
	fx.spec.wait_ready = false;
	fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	int64_t t0 = sc_time_monotonic_ms();
	CHECK_INT(fixture_run(&fx, &options), -1);
	CHECK(sc_time_monotonic_ms() - t0 < 2000);
	CHECK_INT(fx.plan.actions[0].result.status, SC_RESULT_FAILED);
	CHECK_CONTAINS(fx.plan.actions[0].result.message, "still");
	CHECK(fx.plan.actions[0].result.new_id != NULL);
	fixture_dump(&fx);
	fixture_stop(&fx);
}

TEST(paused_spec_is_paused_after_create)
{
	fixture fx;
	sc_exec_options options = {0};
	sc_sandbox sb;
	if (fixture_start(&fx, no_args))
		return;
	fx.spec.state = SC_SPEC_PAUSED;
	fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	CHECK_INT(fixture_run(&fx, &options), 0);
	const sc_action_result *r = &fx.plan.actions[0].result;
	CHECK_INT(r->attempts, 2);
	CHECK(r->new_id && fixture_get(&fx, r->new_id, &sb) == 200);
	if (r->new_id) {
		CHECK_INT(sb.phase, SC_PHASE_PAUSED);
		sc_sandbox_release(&sb);
	}
	fixture_stop(&fx);
}

TEST(rate_cap_spaces_requests)
{
	fixture fx;
	sc_exec_options options = {.max_rate = 20};
	if (fixture_start(&fx, no_args))
		return;
	for (int i = 0; i < 6; i++)
		fixture_add(&fx, SC_ACTION_DELETE, NULL,
		            fixture_observe(&fx, "sandbox_none"));
	int64_t t0 = sc_time_monotonic_ms();
	CHECK_INT(fixture_run(&fx, &options), 0);
	int64_t took = sc_time_monotonic_ms() - t0;
	/* 6 requests at 20/s: the last goes out 250 ms after the first. */
	CHECK(took >= 240);
	fixture_stop(&fx);
}

TEST(empty_plan_is_done)
{
	fixture fx;
	sc_exec_options options = {0};
	if (fixture_start(&fx, no_args))
		return;
	CHECK_INT(fixture_run(&fx, &options), 0);
	fixture_stop(&fx);
}

int main(void)
{
	RUN(parallel_creates_carry_the_labels);
	RUN(secrets_never_in_trace_or_messages);
	RUN(pause_resume_renew_and_pause_twice);
	RUN(delete_of_a_missing_sandbox_is_done);
	RUN(replace_creates_then_deletes);
	RUN(replace_delete_first_deletes_then_creates);
	RUN(replace_whose_create_fails_keeps_the_old);
	RUN(failures_are_per_action);
	RUN(starting_sandbox_is_polled_until_ready);
	RUN(ready_timeout_bounds_the_polling);
	RUN(paused_spec_is_paused_after_create);
	RUN(rate_cap_spaces_requests);
	RUN(empty_plan_is_done);
	RUN(a_stop_finishes_what_is_in_flight_and_starts_nothing);
	return test_summary();
}
