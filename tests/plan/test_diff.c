/*
 * The plan, on tables. Field-level changes: every action says what it
 * changes, with the old value where the sandbox shows or recorded it and
 * "(not recorded)" where it does not; secret values never, their names
 * yes. Also the labels recorded at create, and the reason codes.
 */
#include "plan_fixture.h"

#define ARROW "\xE2\x86\x92"

static void set_template(sc_spec *spec, const char *template_id)
{
	free(spec->template_id);
	spec->template_id = sc_strdup(template_id);
}

TEST(replace_shows_the_recorded_template)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_created(&f, "sb-1", "running", web);
	set_template(web, "node");
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_REPLACE, "web", "sb-1", "spec changed: template"});
	CHECK_INT(f.plan.actions[0].reason_code, SC_REASON_SPEC_CHANGED);
	CHECK_INT(f.plan.actions[0].change_count, 1);
	CHECK_CHANGE(&f.plan.actions[0], "spec.template", "template: \"base\" " ARROW " \"node\"");
	fixture_release(&f);
}

/* Made before sc-apply/template: the server's id is all there is, and it is shown as such. */
TEST(replace_without_a_recorded_template_shows_the_servers_id)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_sandbox *sandbox = add_created(&f, "sb-1", "running", web);
	sc_kv_remove(&sandbox->metadata, SC_LABEL_TEMPLATE);
	set_template(web, "node");
	CHECK_INT(plan(&f), 0);
	CHECK_CHANGE(&f.plan.actions[0], "spec.template",
	             "template: \"tpl-base-7f3a\" " ARROW " \"node\"");
	fixture_release(&f);
}

TEST(replace_shows_each_label_with_its_values)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_kv_set(&web->labels, "team", "ml");
	sc_kv_set(&web->labels, "gone", "soon");
	add_created(&f, "sb-1", "running", web);
	sc_kv_set(&web->labels, "team", "ai");
	sc_kv_remove(&web->labels, "gone");
	sc_kv_set(&web->labels, "tier", "gold");
	CHECK_INT(plan(&f), 0);
	CHECK_CHANGE(&f.plan.actions[0], "metadata.labels.team", "labels.team: \"ml\" " ARROW " \"ai\"");
	CHECK_CHANGE(&f.plan.actions[0], "metadata.labels.gone", "labels.gone: \"soon\" " ARROW " (none)");
	CHECK_CHANGE(&f.plan.actions[0], "metadata.labels.tier", "labels.tier: (none) " ARROW " \"gold\"");
	CHECK_INT(f.plan.actions[0].change_count, 3);
	fixture_release(&f);
}

/* The only name: the changed value can only be its. */
TEST(a_changed_secret_is_named_never_shown)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_created(&f, "sb-1", "running", web);
	sc_kv_set(&web->env, "API_TOKEN", "s3cr3t-rotated");
	CHECK_INT(plan(&f), 0);
	CHECK_CHANGE(&f.plan.actions[0], "spec.envVars.API_TOKEN",
	             "envVars.API_TOKEN: (sensitive value changed)");
	CHECK(find_change(&f.plan.actions[0], "spec.envVars.API_TOKEN")->sensitive);
	check_no_secret_in_changes(&f);
	check_no_secret(&f);
	fixture_release(&f);
}

TEST(a_changed_value_among_several_names_is_not_guessed)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_kv_set(&web->env, "LOG_LEVEL", "info");
	add_created(&f, "sb-1", "running", web);
	sc_kv_set(&web->env, "API_TOKEN", "s3cr3t-rotated");
	CHECK_INT(plan(&f), 0);
	CHECK_CHANGE(&f.plan.actions[0], "spec.envVars",
	             "envVars: (a value changed; which one is not recorded)");
	check_no_secret_in_changes(&f);
	fixture_release(&f);
}

TEST(added_and_removed_names_are_shown)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_kv_set(&web->env, "OLD_NAME", "s3cr3t-old");
	add_created(&f, "sb-1", "running", web);
	sc_kv_remove(&web->env, "OLD_NAME");
	sc_kv_set(&web->env, "NEW_NAME", "s3cr3t-new");
	CHECK_INT(plan(&f), 0);
	CHECK_CHANGE(&f.plan.actions[0], "spec.envVars.NEW_NAME",
	             "envVars.NEW_NAME: (added, sensitive value)");
	CHECK_CHANGE(&f.plan.actions[0], "spec.envVars.OLD_NAME", "envVars.OLD_NAME: (removed)");
	CHECK(!find_change(&f.plan.actions[0], "spec.envVars.API_TOKEN"));
	check_no_secret_in_changes(&f);
	fixture_release(&f);
}

TEST(unrecorded_old_values_say_so)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_sandbox *sandbox = add_created(&f, "sb-1", "running", web);
	sc_kv_remove(&sandbox->metadata, SC_LABEL_ENV_NAMES);
	sc_kv_set(&web->env, "API_TOKEN", "s3cr3t-rotated");
	web->network.allow_public_traffic = false;
	CHECK_INT(plan(&f), 0);
	CHECK_CHANGE(&f.plan.actions[0], "spec.network",
	             "network: (not recorded) " ARROW " allowPublicTraffic=false, "
	             "allowInternetAccess=true, allowOut=[], denyOut=[]");
	/* network changed too: whether a value did is not known, so nothing is said */
	CHECK(!find_change(&f.plan.actions[0], "spec.envVars"));
	fixture_release(&f);

	fixture_init(&f, "team");
	web = add_spec(&f, "team", "web", 1);
	sandbox = add_created(&f, "sb-1", "running", web);
	sc_kv_remove(&sandbox->metadata, SC_LABEL_ENV_NAMES);
	sc_kv_set(&web->env, "API_TOKEN", "s3cr3t-rotated");
	CHECK_INT(plan(&f), 0);
	CHECK_CHANGE(&f.plan.actions[0], "spec.envVars",
	             "envVars: (changed; the names are not recorded)");
	fixture_release(&f);
}

/* What the server reports of network, mounts and lifecycle is the old value. */
TEST(reported_groups_show_their_old_values)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_sandbox *sandbox = add_created(&f, "sb-1", "running", web);
	sandbox->reported.network_reported = true;
	sandbox->reported.network.allow_public_traffic = true;
	sandbox->reported.network.allow_internet_access = true;
	sandbox->reported.lifecycle_reported = true;
	web->network.allow_internet_access = false;
	web->auto_pause = true;
	CHECK_INT(plan(&f), 0);
	CHECK_CHANGE(&f.plan.actions[0], "spec.network",
	             "network: allowPublicTraffic=true, allowInternetAccess=true, allowOut=[], "
	             "denyOut=[] " ARROW " allowPublicTraffic=true, allowInternetAccess=false, "
	             "allowOut=[], denyOut=[]");
	CHECK_CHANGE(&f.plan.actions[0], "spec.lifecycle",
	             "lifecycle: autoPause=false, autoResume=false " ARROW
	             " autoPause=true, autoResume=false");
	CHECK(!find_change(&f.plan.actions[0], "spec.volumeMounts"));
	fixture_release(&f);
}

TEST(a_replace_with_another_timeout_says_so)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_created(&f, "sb-1", "running", web);
	set_template(web, "node");
	web->timeout = 900;
	CHECK_INT(plan(&f), 0);
	CHECK_CHANGE(&f.plan.actions[0], "spec.timeout",
	             "timeout: 1800 s (at create) " ARROW " 900 s");
	fixture_release(&f);
}

TEST(create_says_what_it_sets_and_which_are_defaults)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 2);
	web->timeout = 300;
	web->renew_before = 150;
	web->timeout_defaulted = true;
	web->renew_before_defaulted = true;
	web->template_defaulted = true;
	CHECK_INT(plan(&f), 0);
	CHECK_INT(f.plan.actions[0].reason_code, SC_REASON_REPLICAS);
	CHECK_CHANGE(&f.plan.actions[0], "spec.replicas", "replicas: 0 " ARROW " 2");
	CHECK_CHANGE(&f.plan.actions[0], "spec.template", "template \"base\" (default)");
	CHECK_CHANGE(&f.plan.actions[0], "spec.timeout", "timeout 300 s (default)");
	CHECK_CHANGE(&f.plan.actions[0], "spec.renewBefore", "renewBefore 150 s (default)");
	check_no_secret_in_changes(&f);
	fixture_release(&f);
}

TEST(state_and_scale_down_say_old_and_new)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_created(&f, "sb-1", "paused", web);
	add_created(&f, "sb-2", "running", web)->started_at = NOW - 7200 * SEC;
	add_created(&f, "sb-3", "running", web);
	CHECK_INT(plan(&f), 0);
	CHECK_INT(f.plan.count, 2);
	CHECK_INT(f.plan.actions[0].reason_code, SC_REASON_REPLICAS);
	CHECK_CHANGE(&f.plan.actions[0], "spec.replicas", "replicas: 3 " ARROW " 1");
	fixture_release(&f);

	fixture_init(&f, "team");
	web = add_spec(&f, "team", "web", 1);
	add_created(&f, "sb-1", "paused", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RESUME, "web", "sb-1", "paused, spec says running"});
	CHECK_INT(f.plan.actions[0].reason_code, SC_REASON_STATE);
	CHECK_CHANGE(&f.plan.actions[0], "spec.state", "state: paused " ARROW " running");
	fixture_release(&f);
}

TEST(recorded_labels_fit_label_syntax_or_are_left_out)
{
	fixture f;
	sc_kv labels = SC_KV_INIT;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_kv_set(&web->env, "LOG_LEVEL", "info");
	web->protect = true;
	sc_plan_record_labels(&labels, web);
	CHECK_STR(sc_kv_get(&labels, SC_LABEL_TIMEOUT), "1800");
	CHECK_STR(sc_kv_get(&labels, SC_LABEL_PROTECT), "true");
	CHECK_STR(sc_kv_get(&labels, SC_LABEL_TEMPLATE), "base");
	CHECK_STR(sc_kv_get(&labels, SC_LABEL_ENV_NAMES), "API_TOKEN.LOG_LEVEL");
	for (size_t i = 0; i < labels.count; i++)
		CHECK_NOT_CONTAINS(labels.pairs[i].value, "s3cr3t");
	sc_kv_release(&labels);

	/* A name that cannot end a label value, a template too long for one. */
	sc_kv_set(&web->env, "zz_", "x");
	set_template(web, "a-template-name-that-is-far-too-long-to-fit-in-a-label-value-of-63");
	sc_plan_record_labels(&labels, web);
	CHECK(!sc_kv_get(&labels, SC_LABEL_ENV_NAMES));
	CHECK(!sc_kv_get(&labels, SC_LABEL_TEMPLATE));
	CHECK_STR(sc_kv_get(&labels, SC_LABEL_TIMEOUT), "1800");
	sc_kv_release(&labels);

	/* No envVars: no empty label value. */
	sc_kv_release(&web->env);
	sc_plan_record_labels(&labels, web);
	CHECK(!sc_kv_get(&labels, SC_LABEL_ENV_NAMES));
	sc_kv_release(&labels);
	fixture_release(&f);
}

TEST(recorded_seconds_reject_what_is_not_a_timeout)
{
	fixture f;
	unsigned seconds = 7;

	fixture_init(&f, "team");
	sc_sandbox *sandbox = add_raw(&f, "sb-1", "running");
	CHECK(!sc_plan_recorded_seconds(sandbox, SC_LABEL_TIMEOUT, &seconds));
	sc_kv_set(&sandbox->metadata, SC_LABEL_TIMEOUT, "-5");
	CHECK(!sc_plan_recorded_seconds(sandbox, SC_LABEL_TIMEOUT, &seconds));
	sc_kv_set(&sandbox->metadata, SC_LABEL_TIMEOUT, "12x");
	CHECK(!sc_plan_recorded_seconds(sandbox, SC_LABEL_TIMEOUT, &seconds));
	sc_kv_set(&sandbox->metadata, SC_LABEL_TIMEOUT, "86401");
	CHECK(!sc_plan_recorded_seconds(sandbox, SC_LABEL_TIMEOUT, &seconds));
	CHECK_INT(seconds, 7);
	sc_kv_set(&sandbox->metadata, SC_LABEL_TIMEOUT, "600");
	CHECK(sc_plan_recorded_seconds(sandbox, SC_LABEL_TIMEOUT, &seconds));
	CHECK_INT(seconds, 600);
	fixture_release(&f);
}

TEST(reason_code_names)
{
	CHECK_STR(sc_reason_code_name(SC_REASON_REPLICAS), "replicas");
	CHECK_STR(sc_reason_code_name(SC_REASON_STATE), "state");
	CHECK_STR(sc_reason_code_name(SC_REASON_TTL), "ttl");
	CHECK_STR(sc_reason_code_name(SC_REASON_TIMEOUT), "timeout");
	CHECK_STR(sc_reason_code_name(SC_REASON_SPEC_CHANGED), "spec-changed");
	CHECK_STR(sc_reason_code_name(SC_REASON_PRUNED), "pruned");
	CHECK_STR(sc_reason_code_name(SC_REASON_REQUESTED), "delete-requested");
	CHECK_STR(sc_reason_code_name(SC_REASON_PROTECTED), "protected");
}

int main(void)
{
	RUN(replace_shows_the_recorded_template);
	RUN(replace_without_a_recorded_template_shows_the_servers_id);
	RUN(replace_shows_each_label_with_its_values);
	RUN(a_changed_secret_is_named_never_shown);
	RUN(a_changed_value_among_several_names_is_not_guessed);
	RUN(added_and_removed_names_are_shown);
	RUN(unrecorded_old_values_say_so);
	RUN(reported_groups_show_their_old_values);
	RUN(a_replace_with_another_timeout_says_so);
	RUN(create_says_what_it_sets_and_which_are_defaults);
	RUN(state_and_scale_down_say_old_and_new);
	RUN(recorded_labels_fit_label_syntax_or_are_left_out);
	RUN(recorded_seconds_reject_what_is_not_a_timeout);
	RUN(reason_code_names);
	return test_summary();
}
