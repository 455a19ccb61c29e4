/*
 * The plan, on tables. Replace and protect: stale sandboxes, what the reason names, what protect holds.
 */
#include "plan_fixture.h"

/* ---- replace ---- */

TEST(changed_env_makes_a_replace_without_naming_the_value)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web);
	sc_kv_set(&web->env, "API_TOKEN", "s3cr3t-rotated");
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_REPLACE, "web", "sb-1", "spec changed (hash differs)"});
	CHECK_STR(f.plan.actions[0].reason, "spec changed (hash differs)");
	check_no_secret(&f);
	fixture_release(&f);
}

/* A sandbox as sc-apply makes it, with its sc-apply/parts label. */
static sc_sandbox *add_with_parts(fixture *f, const char *id, const sc_spec *spec)
{
	sc_sandbox *sandbox = add_sandbox(f, id, "running", spec);
	char parts[SC_SPEC_PARTS_LEN + 1];
	sc_spec_hash_parts(parts, spec, sc_kv_get(&sandbox->metadata, SC_LABEL_SALT));
	sc_kv_set(&sandbox->metadata, SC_LABEL_PARTS, parts);
	return sandbox;
}

/* With sc-apply/parts, the reason names each group that changed. */
TEST(parts_label_names_what_changed)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_with_parts(&f, "sb-1", web);
	free(web->template_id);
	web->template_id = sc_strdup("code-interpreter");
	sc_kv_set(&web->labels, "tier", "gold");
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_REPLACE, "web", "sb-1", "spec changed"});
	CHECK_STR(f.plan.actions[0].reason,
	          "spec changed: template, labels; labels changed: tier");
	fixture_release(&f);
}

/* envVars has no part (no hash of secrets alone): only it changed when no part did. */
TEST(parts_label_shows_a_changed_secret_as_changed)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_with_parts(&f, "sb-1", web);
	sc_kv_set(&web->env, "API_TOKEN", "s3cr3t-rotated");
	CHECK_INT(plan(&f), 0);
	CHECK_STR(f.plan.actions[0].reason, "spec changed: envVars (changed)");
	check_no_secret(&f);
	fixture_release(&f);
}

/* A malformed parts label says nothing, and the plain reason stands. */
TEST(malformed_parts_label_falls_back)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_sandbox *sandbox = add_sandbox(&f, "sb-1", "running", web);
	sc_kv_set(&sandbox->metadata, SC_LABEL_PARTS, "not-parts");
	sc_kv_set(&web->env, "API_TOKEN", "s3cr3t-rotated");
	CHECK_INT(plan(&f), 0);
	CHECK_STR(f.plan.actions[0].reason, "spec changed (hash differs)");
	fixture_release(&f);
}

TEST(missing_salt_is_stale)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_kv_remove(&add_sandbox(&f, "sb-1", "running", web)->metadata, SC_LABEL_SALT);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_REPLACE, "web", "sb-1",
	                    "spec hash unknown (no sc-apply/salt label)"});
	fixture_release(&f);
}

TEST(missing_hash_is_stale)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_labelled(&f, "sb-1", "running", "team", "web");
	(void)web;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(
	    &f, {SC_ACTION_REPLACE, "web", "sb-1", "spec hash unknown (no sc-apply/"});
	fixture_release(&f);
}

TEST(changed_labels_show_in_the_reason)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_kv_set(&web->labels, "team", "ml");
	sc_kv_set(&web->labels, "tier", "gold");
	add_sandbox(&f, "sb-1", "running", web);
	sc_kv_set(&web->labels, "team", "infra"); /* changed */
	sc_kv_remove(&web->labels, "tier");       /* removed */
	sc_kv_set(&web->labels, "zone", "eu");    /* added */
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_REPLACE, "web", "sb-1",
	                "spec changed (hash differs); labels changed: team, tier, zone"});
	fixture_release(&f);
}

TEST(changed_template_shows_only_when_not_an_alias)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 2);
	add_sandbox(&f, "sb-1", "running", web); /* reported as tpl-base-7f3a */
	sc_sandbox *plain = add_sandbox(&f, "sb-2", "running", web);
	free(plain->template_id);
	plain->template_id = sc_strdup("base");
	free(web->template_id);
	web->template_id = sc_strdup("code-interpreter");
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_REPLACE, "web", "sb-1", "spec changed (hash differs)"},
	               {SC_ACTION_REPLACE, "web", "sb-2",
	                "; template 'base', spec says 'code-interpreter'"});
	CHECK_NOT_CONTAINS(f.plan.actions[0].reason, "template");
	fixture_release(&f);
}

TEST(stale_gets_only_replace)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 2);
	add_sandbox(&f, "sb-1", "paused", web);
	add_sandbox(&f, "sb-2", "running", web)->end_at = NOW + 10 * SEC;
	sc_kv_set(&web->env, "MODE", "fast");
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_REPLACE, "web", "sb-1", "hash differs"},
	               {SC_ACTION_REPLACE, "web", "sb-2", "hash differs"});
	fixture_release(&f);
}

/* ---- protect ---- */

TEST(protected_stale_is_not_replaced_without_force)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	web->protect = true;
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 60 * SEC;
	sc_kv_set(&web->env, "MODE", "fast");
	CHECK_INT(plan(&f), 0);
	/* held back from replace, it still gets what keeps it alive */
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1", "TTL 60s left"});
	CHECK_DIAG(&f, SC_DIAG_WARNING,
	           "sandbox sb-1 of spec 'web' is protected: not replaced (use --force)");
	CHECK_INT(diag_count(&f, SC_DIAG_ERROR), 0);
	fixture_release(&f);
}

TEST(protected_stale_is_replaced_with_force)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	web->protect = true;
	add_sandbox(&f, "sb-1", "running", web);
	sc_kv_set(&web->env, "MODE", "fast");
	f.options.force = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_REPLACE, "web", "sb-1", "hash differs"});
	CHECK_INT(f.diag.count, 0);
	fixture_release(&f);
}

TEST(protected_surplus_is_not_deleted_without_force)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 0);
	web->protect = true;
	add_sandbox(&f, "sb-1", "running", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_DIAG(&f, SC_DIAG_WARNING,
	           "sandbox sb-1 of spec 'web' is protected: not deleted (use --force)");
	CHECK_INT(f.plan.unchanged, 1);
	fixture_release(&f);
}

TEST(protected_surplus_is_deleted_with_force)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	web->protect = true;
	add_sandbox(&f, "sb-1", "running", web)->started_at = NOW - 100 * SEC;
	add_sandbox(&f, "sb-2", "running", web)->started_at = NOW - 5 * SEC;
	f.options.force = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-2", "newest"});
	fixture_release(&f);
}

int main(void)
{
	RUN(changed_env_makes_a_replace_without_naming_the_value);
	RUN(parts_label_names_what_changed);
	RUN(parts_label_shows_a_changed_secret_as_changed);
	RUN(malformed_parts_label_falls_back);
	RUN(missing_salt_is_stale);
	RUN(missing_hash_is_stale);
	RUN(changed_labels_show_in_the_reason);
	RUN(changed_template_shows_only_when_not_an_alias);
	RUN(stale_gets_only_replace);
	RUN(protected_stale_is_not_replaced_without_force);
	RUN(protected_stale_is_replaced_with_force);
	RUN(protected_surplus_is_not_deleted_without_force);
	RUN(protected_surplus_is_deleted_with_force);
	return test_summary();
}
