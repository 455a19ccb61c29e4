/*
 * The plan, on tables. The view as the commands use it (plan.h): the
 * ownership re-check, each sandbox once, groups by (set, name), and the
 * staleness check.
 */
#include "plan_fixture.h"

typedef struct walked {
	char names[8][32];
	size_t counts[8];
	bool has_spec[8];
	size_t groups;
} walked;

static void record_group(void *ctx, const sc_plan_group *group)
{
	walked *w = ctx;
	if (w->groups == 8)
		return;
	snprintf(w->names[w->groups], 32, "%s/%s", group->set, group->name);
	w->counts[w->groups] = group->count;
	w->has_spec[w->groups] = group->spec != NULL;
	w->groups++;
}

TEST(view_owns_only_the_runs_sets_and_keeps_each_sandbox_once)
{
	fixture f;
	sc_plan_view view;
	walked w = {0};

	fixture_init(&f, "team");
	add_set(&f, "ops");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web);
	add_sandbox(&f, "sb-1", "running", web); /* listed twice across pages */
	add_labelled(&f, "sb-2", "running", "ops", "db");
	add_labelled(&f, "sb-3", "running", "other", "db");
	add_raw(&f, "sb-4", "running");
	CHECK_INT(sc_plan_view_init(&view, &f.specs, &f.observed, &f.options, NULL, &f.diag), 0);
	CHECK(sc_plan_view_owns(&view, "team"));
	CHECK(sc_plan_view_owns(&view, "ops"));
	CHECK(!sc_plan_view_owns(&view, "other"));
	CHECK(!sc_plan_view_owns(&view, NULL));
	CHECK_INT(view.member_count, 2);
	sc_plan_view_walk(&view, record_group, &w);
	CHECK_INT(w.groups, 2);
	CHECK_STR(w.names[0], "ops/db");
	CHECK_INT(w.counts[0], 1);
	CHECK(!w.has_spec[0]);
	CHECK_STR(w.names[1], "team/web");
	CHECK_INT(w.counts[1], 1);
	CHECK(w.has_spec[1]);
	sc_plan_view_release(&view);
	fixture_release(&f);
}

TEST(view_without_specs_or_list)
{
	fixture f;
	sc_plan_view view;
	size_t ignored = 0;

	fixture_init(&f, "team");
	CHECK_INT(sc_plan_view_init(&view, NULL, NULL, &f.options, &ignored, &f.diag), 0);
	CHECK_INT(view.member_count, 0);
	CHECK_INT(view.spec_count, 0);
	CHECK(sc_plan_view_owns(&view, "team"));
	sc_plan_view_release(&view);
	fixture_release(&f);
}

TEST(is_stale_is_the_hash_under_the_sandboxs_salt)
{
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_sandbox *current = add_sandbox(&f, "sb-1", "running", web);
	sc_sandbox *unlabelled = add_labelled(&f, "sb-2", "running", "team", "web");
	CHECK(!sc_plan_is_stale(web, current));
	CHECK(sc_plan_is_stale(web, unlabelled));
	sc_kv_set(&web->env, "API_TOKEN", "s3cr3t-rotated");
	CHECK(sc_plan_is_stale(web, current));
	fixture_release(&f);
}

int main(void)
{
	RUN(view_owns_only_the_runs_sets_and_keeps_each_sandbox_once);
	RUN(view_without_specs_or_list);
	RUN(is_stale_is_the_hash_under_the_sandboxs_salt);
	return test_summary();
}
