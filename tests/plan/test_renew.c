/*
 * The plan, on tables. State and renew: pause, resume, and the TTL left against renewBefore.
 */
#include "plan_fixture.h"

/* ---- state ---- */

TEST(paused_sandbox_of_running_spec_is_resumed)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "stopped", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_RESUME, "web", "sb-1", "paused, spec says running"});
	fixture_release(&f);
}

TEST(running_sandbox_of_paused_spec_is_paused)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	web->state = SC_SPEC_PAUSED;
	add_sandbox(&f, "sb-1", "running", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_PAUSE, "web", "sb-1", "running, spec says paused"});
	fixture_release(&f);
}

TEST(wrong_state_gets_no_renew_too)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "paused", web)->end_at = NOW + 5 * SEC;
	sc_spec *cold = add_spec(&f, "team", "cold", 1);
	cold->state = SC_SPEC_PAUSED;
	add_sandbox(&f, "sb-2", "running", cold)->end_at = NOW + 5 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_PAUSE, "cold", "sb-2", "running, spec says paused"},
	               {SC_ACTION_RESUME, "web", "sb-1", "paused, spec says running"});
	fixture_release(&f);
}

TEST(paused_sandbox_of_paused_spec_is_never_renewed)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *cold = add_spec(&f, "team", "cold", 1);
	cold->state = SC_SPEC_PAUSED;
	add_sandbox(&f, "sb-1", "paused", cold)->end_at = NOW - 50 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.plan.unchanged, 1);
	fixture_release(&f);
}

/* ---- renew ---- */

TEST(renew_below_threshold)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 599 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(
	    &f, {SC_ACTION_RENEW, "web", "sb-1", "TTL 599s left < renewBefore 600s"});
	fixture_release(&f);
}

TEST(renew_one_ms_below_threshold)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 600 * SEC - 1;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1", "< renewBefore 600s"});
	fixture_release(&f);
}

TEST(no_renew_at_threshold)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 600 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.plan.unchanged, 1);
	fixture_release(&f);
}

TEST(no_renew_above_threshold)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 601 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	fixture_release(&f);
}

TEST(renew_when_ttl_already_ran_out)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW - 30 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1",
	                    "TTL ran out 30s ago (renewBefore 600s)"});
	fixture_release(&f);
}

TEST(unknown_end_warns_instead_of_renewing)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = 0;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_DIAG(&f, SC_DIAG_WARNING,
	           "sandbox sb-1 of spec 'web' reports no endAt: TTL "
	           "unknown, not renewed");
	CHECK_STR(f.diag.entries[0].file, "specs.yaml");
	CHECK_INT(f.plan.unchanged, 1);
	fixture_release(&f);
}

/* now is the server's: the local clock (years away here) plays no part. */
TEST(renew_uses_now_not_the_local_clock)
{
	const int64_t past = 1000000000000LL;   /* 2001 */
	const int64_t future = 4000000000000LL; /* 2096 */
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = past + 1200 * SEC;
	CHECK_INT(plan_at(&f, past), 0);
	EXPECT_NO_ACTIONS(&f);
	fixture_release(&f);

	fixture_init(&f, "team");
	web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = future + 100 * SEC;
	CHECK_INT(plan_at(&f, future), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1", "TTL 100s left"});
	fixture_release(&f);
}

int main(void)
{
	RUN(paused_sandbox_of_running_spec_is_resumed);
	RUN(running_sandbox_of_paused_spec_is_paused);
	RUN(wrong_state_gets_no_renew_too);
	RUN(paused_sandbox_of_paused_spec_is_never_renewed);
	RUN(renew_below_threshold);
	RUN(renew_one_ms_below_threshold);
	RUN(no_renew_at_threshold);
	RUN(no_renew_above_threshold);
	RUN(renew_when_ttl_already_ran_out);
	RUN(unknown_end_warns_instead_of_renewing);
	RUN(renew_uses_now_not_the_local_clock);
	return test_summary();
}
