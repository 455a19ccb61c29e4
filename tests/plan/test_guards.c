/*
 * The plan, on tables. The guards: the empty-input guard of --prune and --max-delete.
 */
#include "plan_fixture.h"

/* ---- guards ---- */

TEST(empty_input_guard_refuses_to_prune_a_whole_set)
{
	fixture f;
	fixture_init(&f, "team");
	add_labelled(&f, "sb-1", "running", "team", "web");
	add_labelled(&f, "sb-2", "running", "team", "api");
	f.options.prune = true;
	CHECK_INT(plan(&f), -1);
	CHECK_DIAG(
	    &f, SC_DIAG_ERROR,
	    "refusing to prune every sandbox of set 'team': the input has no specs "
	    "for it (use --allow-empty)");
	CHECK_INT(diag_count(&f, SC_DIAG_ERROR), 1);
	fixture_release(&f);
}

TEST(empty_input_guard_yields_to_allow_empty)
{
	fixture f;
	fixture_init(&f, "team");
	add_labelled(&f, "sb-1", "running", "team", "web");
	f.options.prune = true;
	f.options.allow_empty = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-1", "(--prune)"});
	CHECK_INT(diag_count(&f, SC_DIAG_ERROR), 0);
	fixture_release(&f);
}

TEST(empty_input_guard_only_for_the_set_without_specs)
{
	fixture f;
	fixture_init(&f, "a");
	add_set(&f, "b");
	add_set(&f, "c");
	sc_spec *web = add_spec(&f, "a", "web", 1);
	add_sandbox(&f, "sb-1", "running", web);
	add_labelled(&f, "sb-2", "running", "b", "web");
	/* c has neither specs nor sandboxes: nothing to guard */
	f.options.prune = true;
	CHECK_INT(plan(&f), -1);
	CHECK_DIAG(&f, SC_DIAG_ERROR, "set 'b'");
	CHECK_INT(diag_count(&f, SC_DIAG_ERROR), 1);
	fixture_release(&f);
}

TEST(empty_input_without_prune_is_no_error)
{
	fixture f;
	fixture_init(&f, "team");
	add_labelled(&f, "sb-1", "running", "team", "web");
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(diag_count(&f, SC_DIAG_ERROR), 0);
	CHECK_DIAG(&f, SC_DIAG_WARNING, "use --prune");
	fixture_release(&f);
}

/* Three deletes and a replace, capped at below, at and above three. */
static void max_delete_case(fixture *f, long max_delete)
{
	fixture_init(f, "team");
	sc_spec *web = add_spec(f, "team", "web", 1);
	add_sandbox(f, "sb-1", "running", web)->started_at = NOW - 100 * SEC;
	add_sandbox(f, "sb-2", "running", web);
	add_labelled(f, "sb-3", "running", "team", "old");
	add_labelled(f, "sb-4", "running", "team", "old");
	sc_kv_set(&web->env, "MODE", "fast");
	f->options.prune = true;
	f->options.max_delete = max_delete;
	plan(f);
}

TEST(max_delete_below_the_plan_refuses)
{
	fixture f;
	max_delete_case(&f, 2);
	CHECK_INT(f.result, -1);
	CHECK_DIAG(&f, SC_DIAG_ERROR,
	           "refusing to delete 3 sandboxes: more than "
	           "--max-delete 2");
	fixture_release(&f);
}

TEST(max_delete_at_the_plan_passes_and_replace_does_not_count)
{
	fixture f;
	max_delete_case(&f, 3);
	CHECK_INT(f.result, 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "old", "sb-3", "--prune"},
	               {SC_ACTION_DELETE, "old", "sb-4", "--prune"},
	               {SC_ACTION_DELETE, "web", "sb-1", "(2 > 1): newest"},
	               {SC_ACTION_REPLACE, "web", "sb-2", "hash differs"});
	CHECK_INT(sc_plan_count_kind(&f.plan, SC_ACTION_DELETE), 3);
	CHECK_INT(diag_count(&f, SC_DIAG_ERROR), 0);
	fixture_release(&f);
}

TEST(max_delete_above_the_plan_passes)
{
	fixture f;
	max_delete_case(&f, 10);
	CHECK_INT(f.result, 0);
	CHECK_INT(f.plan.count, 4);
	fixture_release(&f);
}

TEST(max_delete_zero_refuses_any_delete)
{
	fixture f;
	max_delete_case(&f, 0);
	CHECK_INT(f.result, -1);
	CHECK_DIAG(&f, SC_DIAG_ERROR, "more than --max-delete 0");
	fixture_release(&f);
}

int main(void)
{
	RUN(empty_input_guard_refuses_to_prune_a_whole_set);
	RUN(empty_input_guard_yields_to_allow_empty);
	RUN(empty_input_guard_only_for_the_set_without_specs);
	RUN(empty_input_without_prune_is_no_error);
	RUN(max_delete_below_the_plan_refuses);
	RUN(max_delete_at_the_plan_passes_and_replace_does_not_count);
	RUN(max_delete_above_the_plan_passes);
	RUN(max_delete_zero_refuses_any_delete);
	return test_summary();
}
