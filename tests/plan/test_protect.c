/*
 * The plan, on tables. Protect holds without a spec: the sc-apply/protect
 * label recorded at create decides for a pruned or torn-down sandbox, the
 * spec's protect decides while a spec names it, only --force overrides,
 * and the plan lists what it held back and why.
 */
#include "plan_fixture.h"

/* A sandbox of (set, name) whose spec is gone, made with protect as given. */
static sc_sandbox *add_orphan(fixture *f, const char *id, const char *name, bool protect)
{
	sc_sandbox *sandbox = add_labelled(f, id, "running", "team", name);
	sc_kv_set(&sandbox->metadata, SC_LABEL_PROTECT, protect ? "true" : "false");
	return sandbox;
}

static void check_held(const fixture *f, size_t i, sc_action_kind kind, const char *name,
                       const char *id, const char *reason)
{
	if (i >= f->plan.held_count) {
		TEST_FAILURE("%zu held, expected more than %zu", f->plan.held_count, i);
		return;
	}
	const sc_held *held = &f->plan.held[i];
	CHECK_INT(held->kind, kind);
	CHECK_STR(held->name, name);
	CHECK_STR(held->sandbox->id, id);
	CHECK_STR(held->reason, reason);
	CHECK_INT(held->reason_code, SC_REASON_PROTECTED);
}

TEST(pruned_sandbox_recorded_as_protected_is_held)
{
	fixture f;

	fixture_init(&f, "team");
	add_spec(&f, "team", "web", 0);
	add_orphan(&f, "sb-2", "db", true);
	add_orphan(&f, "sb-1", "db", true);
	add_orphan(&f, "sb-3", "cache", false);
	f.options.prune = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "cache", "sb-3", "no spec named 'cache'"});
	CHECK_INT(f.plan.actions[0].reason_code, SC_REASON_PRUNED);
	CHECK_INT(f.plan.held_count, 2);
	check_held(&f, 0, SC_ACTION_DELETE, "db", "sb-1", "protected (sc-apply/protect)");
	check_held(&f, 1, SC_ACTION_DELETE, "db", "sb-2", "protected (sc-apply/protect)");
	CHECK_DIAG(&f, SC_DIAG_WARNING, "sb-1 of 'db' in set 'team' is protected");
	CHECK_INT(f.plan.unchanged, 2);
	fixture_release(&f);
}

TEST(pruned_protected_sandbox_goes_with_force)
{
	fixture f;

	fixture_init(&f, "team");
	add_spec(&f, "team", "web", 0);
	add_orphan(&f, "sb-1", "db", true);
	f.options.prune = true;
	f.options.force = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "db", "sb-1", "no spec named 'db'"});
	CHECK_INT(f.plan.held_count, 0);
	fixture_release(&f);
}

/* The file is the truth while it names the sandbox: protect on protects, off releases. */
TEST(the_spec_protect_wins_over_the_label)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 0);
	add_created(&f, "sb-1", "running", web); /* recorded protect: false */
	web->protect = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	check_held(&f, 0, SC_ACTION_DELETE, "web", "sb-1", "protected (spec.protect)");
	fixture_release(&f);

	fixture_init(&f, "team");
	web = add_spec(&f, "team", "web", 0);
	web->protect = true;
	add_created(&f, "sb-1", "running", web); /* recorded protect: true */
	web->protect = false;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-1", "more replicas than wanted"});
	CHECK_INT(f.plan.held_count, 0);
	fixture_release(&f);
}

TEST(protected_stale_sandbox_is_held_as_a_replace)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	web->protect = true;
	add_created(&f, "sb-1", "running", web);
	free(web->template_id);
	web->template_id = sc_strdup("node");
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	check_held(&f, 0, SC_ACTION_REPLACE, "web", "sb-1", "protected (spec.protect)");
	fixture_release(&f);
}

TEST(teardown_of_a_set_holds_what_was_made_protected)
{
	fixture f;

	fixture_init(&f, "team");
	add_orphan(&f, "sb-1", "db", true);
	add_orphan(&f, "sb-2", "web", false);
	CHECK_INT(sc_plan_build_teardown(&f.plan, NULL, &f.observed, &f.options, &f.diag), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-2", "delete requested for set 'team'"});
	CHECK_INT(f.plan.actions[0].reason_code, SC_REASON_REQUESTED);
	check_held(&f, 0, SC_ACTION_DELETE, "db", "sb-1", "protected (sc-apply/protect)");
	CHECK_DIAG(&f, SC_DIAG_WARNING, "protected (sc-apply/protect): not deleted (use --force)");
	CHECK_INT(f.plan.unchanged, 1);
	sc_plan_release(&f.plan);

	f.options.force = true;
	CHECK_INT(sc_plan_build_teardown(&f.plan, NULL, &f.observed, &f.options, &f.diag), 0);
	CHECK_INT(f.plan.count, 2);
	CHECK_INT(f.plan.held_count, 0);
	fixture_release(&f);
}

TEST(protected_answers_each_case)
{
	fixture f;
	const char *why = NULL;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_sandbox *sandbox = add_orphan(&f, "sb-1", "web", true);
	CHECK(sc_plan_protected(NULL, sandbox, &f.options, &why));
	CHECK_STR(why, "protected (sc-apply/protect)");
	CHECK(!sc_plan_protected(web, sandbox, &f.options, &why));
	CHECK(!sc_plan_protected(NULL, NULL, &f.options, NULL));
	sc_kv_set(&sandbox->metadata, SC_LABEL_PROTECT, "yes");
	CHECK(!sc_plan_protected(NULL, sandbox, &f.options, NULL));
	web->protect = true;
	CHECK(sc_plan_protected(web, sandbox, &f.options, &why));
	CHECK_STR(why, "protected (spec.protect)");
	f.options.force = true;
	CHECK(!sc_plan_protected(web, sandbox, &f.options, NULL));
	fixture_release(&f);
}

/*
 * A second run right after the first changes nothing, protected surplus
 * or not. The survivor of a held surplus is shortened to the timeout by
 * the first run; that must not make it the one to hold in the second run
 * (and the held one, with more TTL left, the survivor to shorten).
 */
TEST(held_surplus_stays_held_once_the_survivor_is_renewed)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	web->protect = true;
	sc_sandbox *a = add_sandbox(&f, "sb-a", "running", web);
	a->started_at = NOW - 900 * SEC;
	a->end_at = NOW + 3600 * SEC;
	sc_sandbox *b = add_sandbox(&f, "sb-b", "running", web);
	b->started_at = NOW - 10 * SEC;
	b->end_at = NOW + 3000 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-a", "TTL 3600s left > timeout 1800s"});
	CHECK_INT(f.plan.held_count, 1);
	check_held(&f, 0, SC_ACTION_DELETE, "web", "sb-b", "protected (spec.protect)");

	/* The renew ran 10 s later; the next run comes 10 s after that. */
	a->end_at = NOW + 10 * SEC + 1800 * SEC;
	sc_plan_release(&f.plan);
	sc_diag_release(&f.diag);
	CHECK_INT(plan_at(&f, NOW + 20 * SEC), 0);
	if (f.plan.count)
		print_plan(&f);
	CHECK_INT(f.plan.count, 0);
	CHECK_INT(f.plan.held_count, 1);
	check_held(&f, 0, SC_ACTION_DELETE, "web", "sb-b", "protected (spec.protect)");
	fixture_release(&f);
}

int main(void)
{
	RUN(pruned_sandbox_recorded_as_protected_is_held);
	RUN(pruned_protected_sandbox_goes_with_force);
	RUN(the_spec_protect_wins_over_the_label);
	RUN(protected_stale_sandbox_is_held_as_a_replace);
	RUN(teardown_of_a_set_holds_what_was_made_protected);
	RUN(protected_answers_each_case);
	RUN(held_surplus_stays_held_once_the_survivor_is_renewed);
	return test_summary();
}
