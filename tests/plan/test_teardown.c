/*
 * The plan, on tables. Teardown: the plan of sc-apply delete.
 */
#include "plan_fixture.h"

/* ---- teardown ---- */

static int teardown(fixture *f, bool named)
{
	f->result = sc_plan_build_teardown(&f->plan, named ? &f->specs : NULL,
	                                   &f->observed, &f->options, &f->diag);
	return f->result;
}

TEST(teardown_of_named_specs_deletes_only_them)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-2", "running", web);
	add_sandbox(&f, "sb-1", "hibernating", web);
	add_sandbox(&f, "sb-0", "deleted", web);
	add_labelled(&f, "sb-other", "running", "team", "api");
	add_labelled(&f, "sb-foreign", "running", "other", "web");
	CHECK_INT(teardown(&f, true), 0);
	EXPECT_ACTIONS(
	    &f,
	    {SC_ACTION_DELETE, "web", "sb-1",
	     "delete requested for spec 'web' in set 'team'"},
	    {SC_ACTION_DELETE, "web", "sb-2", "delete requested for spec 'web'"});
	CHECK(f.plan.actions[0].spec == web);
	CHECK_INT(f.plan.unchanged, 1);
	CHECK_INT(f.plan.ignored, 1);
	fixture_release(&f);
}

TEST(teardown_of_whole_sets)
{
	fixture f;
	fixture_init(&f, "team");
	add_set(&f, "lab");
	add_labelled(&f, "sb-1", "running", "team", "web");
	add_labelled(&f, "sb-2", "paused", "lab", "api");
	add_labelled(&f, "sb-3", "running", "other", "web");
	add_raw(&f, "sb-4", "running");
	CHECK_INT(teardown(&f, false), 0);
	EXPECT_ACTIONS(
	    &f, {SC_ACTION_DELETE, "api", "sb-2", "delete requested for set 'lab'"},
	    {SC_ACTION_DELETE, "web", "sb-1", "delete requested for set 'team'"});
	CHECK(f.plan.actions[0].spec == NULL);
	CHECK_INT(f.plan.ignored, 2);
	fixture_release(&f);
}

TEST(teardown_holds_protected_without_force)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	web->protect = true;
	add_sandbox(&f, "sb-1", "running", web);
	CHECK_INT(teardown(&f, true), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_DIAG(&f, SC_DIAG_WARNING,
	           "sandbox sb-1 of spec 'web' is protected: not deleted");
	sc_plan_release(&f.plan);
	f.options.force = true;
	CHECK_INT(teardown(&f, true), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-1", "delete requested"});
	fixture_release(&f);
}

TEST(teardown_respects_max_delete)
{
	fixture f;
	fixture_init(&f, "team");
	add_labelled(&f, "sb-1", "running", "team", "web");
	add_labelled(&f, "sb-2", "running", "team", "web");
	f.options.max_delete = 1;
	CHECK_INT(teardown(&f, false), -1);
	CHECK_DIAG(&f, SC_DIAG_ERROR,
	           "refusing to delete 2 sandboxes: more than --max-delete 1");
	fixture_release(&f);
}

int main(void)
{
	RUN(teardown_of_named_specs_deletes_only_them);
	RUN(teardown_of_whole_sets);
	RUN(teardown_holds_protected_without_force);
	RUN(teardown_respects_max_delete);
	return test_summary();
}
