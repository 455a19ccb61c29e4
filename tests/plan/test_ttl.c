/*
 * The plan, on tables. TTL converges: at most timeout (plus the slack)
 * and at least renewBefore left after an apply; a changed timeout is an
 * in-place RENEW, never a replace; a second plan has nothing to do.
 */
#include "plan_fixture.h"

#define ARROW "\xE2\x86\x92"

/* A running sandbox of spec made at started (ms) with its labels recorded, ending at end. */
static sc_sandbox *add_timed(fixture *f, const char *id, const sc_spec *spec,
                             unsigned created_timeout, int64_t started, int64_t end)
{
	char timeout[16];
	sc_sandbox *sandbox = add_created(f, id, "running", spec);

	snprintf(timeout, sizeof(timeout), "%u", created_timeout);
	sc_kv_set(&sandbox->metadata, SC_LABEL_TIMEOUT, timeout);
	sandbox->started_at = started;
	sandbox->end_at = end;
	return sandbox;
}

static sc_spec *timed_spec(fixture *f, unsigned timeout, unsigned renew_before)
{
	sc_spec *spec = add_spec(f, "team", "web", 1);
	spec->timeout = timeout;
	spec->renew_before = renew_before;
	return spec;
}

TEST(lowered_timeout_shortens_in_place_and_names_the_old_value)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = timed_spec(&f, 600, 60);
	add_timed(&f, "sb-1", web, 7200, NOW - 10 * SEC, NOW + 7190 * SEC);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1", "timeout 7200 " ARROW " 600"});
	CHECK_INT(f.plan.actions[0].reason_code, SC_REASON_TIMEOUT);
	CHECK_STR(sc_reason_code_name(f.plan.actions[0].reason_code), "timeout");
	CHECK_CHANGE(&f.plan.actions[0], "spec.timeout", "timeout: 7200 s (at create) " ARROW " 600 s");
	CHECK_CHANGE(&f.plan.actions[0], "status.ttl", "ttl: 7190 s " ARROW " 600 s");
	fixture_release(&f);
}

TEST(ttl_above_timeout_without_a_record_is_shortened_too)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = timed_spec(&f, 1800, 600);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 3600 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1", "TTL 3600s left > timeout 1800s"});
	CHECK_CHANGE(&f.plan.actions[0], "spec.timeout", "timeout: (not recorded) " ARROW " 1800 s");
	fixture_release(&f);
}

/* The round trip: up to the slack above the timeout is what a fresh TTL looks like. */
TEST(ttl_within_the_slack_is_left_alone)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = timed_spec(&f, 1800, 600);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 1800 * SEC + SC_PLAN_TTL_SLACK_MS;
	add_sandbox(&f, "sb-2", "running", web)->end_at =
	    NOW + 1800 * SEC + SC_PLAN_TTL_SLACK_MS + 1;
	web->replicas = 2;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-2", "> timeout 1800s"});
	CHECK_INT(f.plan.unchanged, 1);
	fixture_release(&f);
}

/* After the shorten the record still says 7200: the TTL alone says it is done. */
TEST(shortened_ttl_plans_nothing_again)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = timed_spec(&f, 600, 60);
	add_timed(&f, "sb-1", web, 7200, NOW - 100 * SEC, NOW + 599 * SEC);
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.plan.unchanged, 1);
	fixture_release(&f);
}

TEST(raised_timeout_renews_a_sandbox_still_on_its_create_ttl)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = timed_spec(&f, 7200, 60);
	add_timed(&f, "sb-1", web, 3600, NOW - 100 * SEC, NOW - 100 * SEC + 3600 * SEC);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1", "timeout 3600 " ARROW " 7200: TTL 3500s left"});
	CHECK_INT(f.plan.actions[0].reason_code, SC_REASON_TIMEOUT);
	fixture_release(&f);
}

/* Raised at NOW - 100 s: endAt is no longer startedAt + 3600, whatever the TTL left. */
TEST(raised_timeout_once_set_plans_nothing_again)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = timed_spec(&f, 7200, 60);
	add_timed(&f, "sb-1", web, 3600, NOW - 200 * SEC, NOW - 100 * SEC + 7200 * SEC);
	add_timed(&f, "sb-2", web, 3600, NOW - 5000 * SEC, NOW - 4000 * SEC + 7200 * SEC);
	web->replicas = 2;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	fixture_release(&f);
}

/* Renewed since its create (endAt moved): the raise waits for the next renewal. */
TEST(raised_timeout_on_a_renewed_sandbox_waits_for_renew_before)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = timed_spec(&f, 7200, 60);
	add_timed(&f, "sb-1", web, 3600, NOW - 5000 * SEC, NOW + 3000 * SEC);
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	fixture_release(&f);

	fixture_init(&f, "team");
	web = timed_spec(&f, 7200, 60);
	add_timed(&f, "sb-1", web, 3600, NOW - 5000 * SEC, NOW + 30 * SEC);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1",
	                    "TTL 30s left < renewBefore 60s; timeout 3600 " ARROW " 7200"});
	CHECK_INT(f.plan.actions[0].reason_code, SC_REASON_TTL);
	CHECK_CHANGE(&f.plan.actions[0], "spec.timeout", "timeout: 3600 s (at create) " ARROW " 7200 s");
	fixture_release(&f);
}

/* Paused sandboxes do not expire; a resume sets the spec's timeout. */
TEST(paused_sandbox_with_a_lowered_timeout_is_left_alone)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = timed_spec(&f, 600, 60);
	web->state = SC_SPEC_PAUSED;
	sc_sandbox *sandbox = add_timed(&f, "sb-1", web, 7200, NOW - 10 * SEC, NOW + 7190 * SEC);
	free(sandbox->status);
	sandbox->status = sc_strdup("paused");
	sandbox->phase = SC_PHASE_PAUSED;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	fixture_release(&f);
}

TEST(defaulted_timeouts_say_so)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = timed_spec(&f, 300, 150);
	web->timeout_defaulted = true;
	web->renew_before_defaulted = true;
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 100 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1", "renewBefore 150s (default)"});
	fixture_release(&f);

	fixture_init(&f, "team");
	web = timed_spec(&f, 300, 150);
	web->timeout_defaulted = true;
	add_timed(&f, "sb-1", web, 7200, NOW - 10 * SEC, NOW + 7190 * SEC);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1", "timeout 7200 " ARROW " 300 (default)"});
	CHECK_CHANGE(&f.plan.actions[0], "spec.timeout",
	             "timeout: 7200 s (at create) " ARROW " 300 s (default)");
	fixture_release(&f);
}

TEST(ttl_check_answers_each_case)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = timed_spec(&f, 600, 60);
	sc_sandbox *sandbox = add_timed(&f, "sb-1", web, 600, NOW - 10 * SEC, 0);
	CHECK_INT(sc_plan_ttl_check(web, sandbox, NOW), SC_TTL_UNKNOWN);
	sandbox->end_at = NOW + 59 * SEC;
	CHECK_INT(sc_plan_ttl_check(web, sandbox, NOW), SC_TTL_LOW);
	sandbox->end_at = NOW + 60 * SEC;
	CHECK_INT(sc_plan_ttl_check(web, sandbox, NOW), SC_TTL_OK);
	sandbox->end_at = NOW + 606 * SEC;
	CHECK_INT(sc_plan_ttl_check(web, sandbox, NOW), SC_TTL_ABOVE);
	fixture_release(&f);
}

int main(void)
{
	RUN(lowered_timeout_shortens_in_place_and_names_the_old_value);
	RUN(ttl_above_timeout_without_a_record_is_shortened_too);
	RUN(ttl_within_the_slack_is_left_alone);
	RUN(shortened_ttl_plans_nothing_again);
	RUN(raised_timeout_renews_a_sandbox_still_on_its_create_ttl);
	RUN(raised_timeout_once_set_plans_nothing_again);
	RUN(raised_timeout_on_a_renewed_sandbox_waits_for_renew_before);
	RUN(paused_sandbox_with_a_lowered_timeout_is_left_alone);
	RUN(defaulted_timeouts_say_so);
	RUN(ttl_check_answers_each_case);
	return test_summary();
}
