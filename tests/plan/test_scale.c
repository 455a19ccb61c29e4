/*
 * The plan, on tables. The basics, and scale up and down: how many replicas, and which go.
 */
#include "plan_fixture.h"

/* ---- the basics ---- */

TEST(empty_everything)
{
	fixture f;
	fixture_init(&f, "team");
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.diag.count, 0);
	CHECK_INT(f.plan.unchanged, 0);
	CHECK_INT(f.plan.ignored, 0);
	fixture_release(&f);
}

TEST(first_apply_creates_every_replica)
{
	fixture f;
	fixture_init(&f, "team");
	add_spec(&f, "team", "web", 2);
	add_spec(&f, "team", "api", 1);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_CREATE, "api", NULL, "replicas: 0 of 1 present"},
	               {SC_ACTION_CREATE, "web", NULL, "replicas: 0 of 2 present"},
	               {SC_ACTION_CREATE, "web", NULL, "replicas: 0 of 2 present"});
	CHECK(f.plan.actions[0].spec == &f.specs.items[1]);
	CHECK_STR(f.plan.actions[0].set, "team");
	CHECK(f.plan.actions[0].sandbox == NULL);
	CHECK_INT(f.diag.count, 0);
	fixture_release(&f);
}

TEST(converged_plans_nothing)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 2);
	sc_kv_set(&web->labels, "team", "ml");
	sc_spec *paused = add_spec(&f, "team", "cold", 1);
	paused->state = SC_SPEC_PAUSED;
	add_sandbox(&f, "sb-1", "running", web);
	add_sandbox(&f, "sb-2", "active", web);
	add_sandbox(&f, "sb-3", "paused", paused);
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.plan.unchanged, 3);
	CHECK_INT(f.plan.ignored, 0);
	CHECK_INT(f.diag.count, 0);
	fixture_release(&f);
}

/* ---- scale up and down, and which replica goes ---- */

TEST(scale_up_creates_the_difference)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 3);
	add_sandbox(&f, "sb-1", "running", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_CREATE, "web", NULL, "replicas: 1 of 3 present"},
	               {SC_ACTION_CREATE, "web", NULL, "replicas: 1 of 3 present"});
	CHECK_INT(f.plan.unchanged, 1);
	fixture_release(&f);
}

TEST(scale_down_deletes_the_newest)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 2);
	add_sandbox(&f, "sb-a", "running", web)->started_at = NOW - 50 * SEC;
	add_sandbox(&f, "sb-b", "running", web)->started_at = NOW - 10 * SEC;
	add_sandbox(&f, "sb-c", "running", web)->started_at = NOW - 90 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-b",
	                    "more replicas than wanted (3 > 2): newest"});
	CHECK_INT(f.plan.unchanged, 2);
	fixture_release(&f);
}

TEST(scale_down_prefers_least_ttl_over_newest)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_sandbox *a = add_sandbox(&f, "sb-a", "running", web);
	a->started_at = NOW - 900 * SEC;
	a->end_at = NOW + 700 * SEC;
	sc_sandbox *b = add_sandbox(&f, "sb-b", "running", web);
	b->started_at = NOW - 10 * SEC;
	b->end_at = NOW + 1500 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-a",
	                    "more replicas than wanted (2 > 1): least TTL left (700s)"});
	fixture_release(&f);
}

TEST(scale_down_says_when_the_ttl_ran_out)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-a", "running", web)->end_at = NOW - 5 * SEC;
	add_sandbox(&f, "sb-b", "running", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(
	    &f, {SC_ACTION_DELETE, "web", "sb-a", "(2 > 1): least TTL left (ran out)"});
	fixture_release(&f);
}

TEST(scale_down_unknown_end_counts_as_most_ttl)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-a", "running", web)->end_at = 0;
	add_sandbox(&f, "sb-b", "running", web)->end_at = NOW + 1700 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-b", "least TTL left (1700s)"});
	/* the survivor has no endAt: it is not renewed, and says so */
	CHECK_DIAG(&f, SC_DIAG_WARNING, "sandbox sb-a of spec 'web' reports no endAt");
	fixture_release(&f);
}

TEST(scale_down_deletes_stale_first)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 2);
	sc_sandbox *old = add_sandbox(&f, "sb-old", "running", web);
	old->started_at = NOW - 9000 * SEC; /* oldest, most TTL: would stay */
	old->end_at = NOW + 1790 * SEC;
	sc_kv_set(&old->metadata, SC_LABEL_HASH, "0000");
	add_sandbox(&f, "sb-b", "running", web)->started_at = NOW - 10 * SEC;
	add_sandbox(&f, "sb-c", "paused", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_DELETE, "web", "sb-old",
	                "more replicas than wanted (3 > 2): stale"},
	               {SC_ACTION_RESUME, "web", "sb-c", "paused, spec says running"});
	fixture_release(&f);
}

TEST(scale_down_deletes_unknown_status_before_wrong_state)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 2);
	add_sandbox(&f, "sb-a", "running", web);
	add_sandbox(&f, "sb-b", "paused", web);
	add_sandbox(&f, "sb-c", "hibernating", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_DELETE, "web", "sb-c", "status 'hibernating' unknown"},
	               {SC_ACTION_RESUME, "web", "sb-b", "paused, spec says running"});
	CHECK_INT(diag_count(&f, SC_DIAG_WARNING), 0);
	fixture_release(&f);
}

TEST(scale_down_deletes_paused_when_spec_says_running)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-a", "running", web)->started_at = NOW - 10 * SEC;
	add_sandbox(&f, "sb-b", "paused", web)->started_at = NOW - 900 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_DELETE, "web", "sb-b",
	                "more replicas than wanted (2 > 1): paused, spec says running"});
	fixture_release(&f);
}

TEST(scale_down_deletes_running_when_spec_says_paused)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	web->state = SC_SPEC_PAUSED;
	add_sandbox(&f, "sb-a", "running", web)->started_at = NOW - 900 * SEC;
	add_sandbox(&f, "sb-b", "paused", web)->started_at = NOW - 10 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_DELETE, "web", "sb-a", "running, spec says paused"});
	fixture_release(&f);
}

TEST(scale_down_ties_broken_by_id_whatever_the_list_order)
{
	for (int reversed = 0; reversed < 2; reversed++) {
		fixture f;
		fixture_init(&f, "team");
		sc_spec *web = add_spec(&f, "team", "web", 1);
		add_sandbox(&f, reversed ? "sb-2" : "sb-1", "running", web);
		add_sandbox(&f, reversed ? "sb-1" : "sb-2", "running", web);
		CHECK_INT(plan(&f), 0);
		EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-1",
		                    "more replicas than wanted (2 > 1)"});
		CHECK_NOT_CONTAINS(f.plan.actions[0].reason, ":");
		fixture_release(&f);
	}
}

TEST(replicas_zero_deletes_every_sandbox)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 0);
	add_sandbox(&f, "sb-2", "running", web);
	add_sandbox(&f, "sb-1", "paused", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(
	    &f, {SC_ACTION_DELETE, "web", "sb-1", "more replicas than wanted (2 > 0)"},
	    {SC_ACTION_DELETE, "web", "sb-2", "more replicas than wanted (2 > 0)"});
	CHECK(f.plan.actions[0].spec == web);
	CHECK_INT(f.plan.unchanged, 0);
	fixture_release(&f);
}

TEST(replicas_zero_with_nothing_running_is_converged)
{
	fixture f;
	fixture_init(&f, "team");
	add_spec(&f, "team", "web", 0);
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.diag.count, 0);
	fixture_release(&f);
}

int main(void)
{
	RUN(empty_everything);
	RUN(first_apply_creates_every_replica);
	RUN(converged_plans_nothing);
	RUN(scale_up_creates_the_difference);
	RUN(scale_down_deletes_the_newest);
	RUN(scale_down_prefers_least_ttl_over_newest);
	RUN(scale_down_says_when_the_ttl_ran_out);
	RUN(scale_down_unknown_end_counts_as_most_ttl);
	RUN(scale_down_deletes_stale_first);
	RUN(scale_down_deletes_unknown_status_before_wrong_state);
	RUN(scale_down_deletes_paused_when_spec_says_running);
	RUN(scale_down_deletes_running_when_spec_says_paused);
	RUN(scale_down_ties_broken_by_id_whatever_the_list_order);
	RUN(replicas_zero_deletes_every_sandbox);
	RUN(replicas_zero_with_nothing_running_is_converged);
	return test_summary();
}
