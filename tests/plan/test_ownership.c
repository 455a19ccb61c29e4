/*
 * The plan, on tables. Prune and ownership: which listed sandboxes a run may touch.
 */
#include "plan_fixture.h"

/* ---- prune ---- */

TEST(without_prune_a_gone_spec_is_only_reported)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web);
	add_labelled(&f, "sb-9", "running", "team", "old");
	add_labelled(&f, "sb-8", "paused", "team", "old");
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_DIAG(&f, SC_DIAG_WARNING,
	           "'old' in set 'team' is not in the specs (2 sandboxes): use --prune "
	           "to delete");
	CHECK_INT(f.plan.unchanged, 1);
	CHECK_INT(f.plan.ignored, 0);
	fixture_release(&f);
}

TEST(prune_deletes_sandboxes_no_spec_names)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web);
	add_labelled(&f, "sb-9", "running", "team", "old");
	add_labelled(&f, "sb-8", "hibernating", "team", "old");
	f.options.prune = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_DELETE, "old", "sb-8",
	                "no spec named 'old' in set 'team' (--prune)"},
	               {SC_ACTION_DELETE, "old", "sb-9",
	                "no spec named 'old' in set 'team' (--prune)"});
	CHECK(f.plan.actions[0].spec == NULL);
	CHECK_STR(f.plan.actions[0].set, "team");
	CHECK_INT(f.diag.count, 0);
	fixture_release(&f);
}

/* ---- ownership ---- */

TEST(foreign_sets_are_ignored_even_when_listed)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web);
	/* a server that ignored the filter: same name, other set */
	add_labelled(&f, "sb-x", "running", "other", "web");
	add_labelled(&f, "sb-y", "running", "other", "old");
	add_labelled(&f, "sb-z", "running", "Team", "web"); /* not the same set */
	f.options.prune = true;
	f.options.allow_empty = false;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.plan.ignored, 3);
	CHECK_INT(f.plan.unchanged, 1);
	CHECK_INT(f.diag.count, 0);
	fixture_release(&f);
}

TEST(sandboxes_without_labels_are_ignored)
{
	fixture f;
	fixture_init(&f, "team");
	add_spec(&f, "team", "web", 1);
	add_raw(&f, "sb-hand", "running");
	add_labelled(&f, "sb-named", "running", NULL, "web"); /* name but no set */
	f.options.prune = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_CREATE, "web", NULL, "replicas: 0 of 1 present"});
	CHECK_INT(f.plan.ignored, 2);
	fixture_release(&f);
}

TEST(owned_set_without_name_is_left_alone_even_with_prune)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web);
	add_labelled(&f, "sb-anon", "running", "team", NULL);
	f.options.prune = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_DIAG(
	    &f, SC_DIAG_WARNING,
	    "sandbox sb-anon of set 'team' has no sc-apply/name label: left alone");
	CHECK_INT(f.plan.ignored, 1);
	fixture_release(&f);
}

TEST(gone_sandboxes_are_not_live)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-dead", "killed", web);
	add_sandbox(&f, "sb-exp", "EXPIRED", web);
	add_labelled(&f, "sb-old", "deleted", "team", "old");
	f.options.prune = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_CREATE, "web", NULL, "replicas: 0 of 1 present"});
	CHECK_INT(f.plan.unchanged, 0);
	CHECK_INT(f.plan.ignored, 0);
	CHECK_INT(f.diag.count, 0);
	fixture_release(&f);
}

TEST(starting_counts_live_and_gets_no_action)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 2);
	add_sandbox(&f, "sb-1", "starting", web)->end_at = NOW + 1 * SEC;
	sc_sandbox *stale = add_sandbox(&f, "sb-2", "resuming", web);
	sc_kv_set(&stale->metadata, SC_LABEL_HASH, "0000");
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.plan.unchanged, 2);
	CHECK_INT(f.diag.count, 0);
	fixture_release(&f);
}

TEST(unknown_status_warns_and_counts_live)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "hibernating", web)->end_at = NOW + 1 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_DIAG(
	    &f, SC_DIAG_WARNING,
	    "sandbox sb-1 of spec 'web' has unknown status 'hibernating': left alone");
	CHECK_INT(diag_count(&f, SC_DIAG_ERROR), 0);
	fixture_release(&f);
}

TEST(a_sandbox_listed_twice_counts_once)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 2);
	add_sandbox(&f, "sb-1", "running", web);
	add_sandbox(&f, "sb-1", "running", web); /* pages overlapped */
	add_labelled(&f, "sb-9", "running", "team", "old");
	add_labelled(&f, "sb-9", "running", "team", "old");
	f.options.prune = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(
	    &f, {SC_ACTION_DELETE, "old", "sb-9", "no spec named 'old' in set 'team'"},
	    {SC_ACTION_CREATE, "web", NULL, "replicas: 1 of 2 present"});
	CHECK_INT(f.plan.unchanged, 1);
	fixture_release(&f);
}

TEST(spec_of_a_set_the_run_does_not_own_is_an_error)
{
	fixture f;
	fixture_init(&f, "team");
	add_spec(&f, "elsewhere", "web", 1);
	CHECK_INT(plan(&f), -1);
	EXPECT_NO_ACTIONS(&f);
	CHECK_DIAG(&f, SC_DIAG_ERROR,
	           "spec 'web' is in set 'elsewhere', which this run does not own");
	CHECK_STR(f.diag.entries[0].file, "specs.yaml");
	fixture_release(&f);
}

TEST(duplicate_spec_is_an_error)
{
	fixture f;
	fixture_init(&f, "team");
	add_spec(&f, "team", "web", 1);
	add_spec(&f, "team", "web", 2);
	CHECK_INT(plan(&f), -1);
	CHECK_DIAG(&f, SC_DIAG_ERROR, "duplicate spec 'web' in set 'team'");
	fixture_release(&f);
}

int main(void)
{
	RUN(without_prune_a_gone_spec_is_only_reported);
	RUN(prune_deletes_sandboxes_no_spec_names);
	RUN(foreign_sets_are_ignored_even_when_listed);
	RUN(sandboxes_without_labels_are_ignored);
	RUN(owned_set_without_name_is_left_alone_even_with_prune);
	RUN(gone_sandboxes_are_not_live);
	RUN(starting_counts_live_and_gets_no_action);
	RUN(unknown_status_warns_and_counts_live);
	RUN(a_sandbox_listed_twice_counts_once);
	RUN(spec_of_a_set_the_run_does_not_own_is_an_error);
	RUN(duplicate_spec_is_an_error);
	return test_summary();
}
