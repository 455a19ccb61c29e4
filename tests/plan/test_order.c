/*
 * The plan, on tables. Several sets, the order of a plan, the small functions and a large plan.
 */
#include "plan_fixture.h"

/* ---- several sets and the order ---- */

TEST(several_sets_plan_each_in_order)
{
	fixture f;
	fixture_init(&f, "zeta");
	add_set(&f, "alpha");
	add_set(&f, "alpha"); /* duplicates in the options are harmless */
	sc_spec *z = add_spec(&f, "zeta", "web", 1);
	sc_spec *a = add_spec(&f, "alpha", "web", 1);
	add_spec(&f, "alpha", "api", 1);
	add_sandbox(&f, "sb-z", "paused", z);
	add_sandbox(&f, "sb-a", "running", a)->end_at = NOW + 10 * SEC;
	add_labelled(&f, "sb-gone-spec", "running", "zeta", "old");
	f.options.prune = true;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_CREATE, "api", NULL, "replicas: 0 of 1"},
	               {SC_ACTION_RENEW, "web", "sb-a", "TTL 10s left"},
	               {SC_ACTION_DELETE, "old", "sb-gone-spec",
	                "no spec named 'old' in set 'zeta'"},
	               {SC_ACTION_RESUME, "web", "sb-z", "paused"});
	CHECK_STR(f.plan.actions[0].set, "alpha");
	CHECK_STR(f.plan.actions[1].set, "alpha");
	CHECK_STR(f.plan.actions[2].set, "zeta");
	CHECK_STR(f.plan.actions[3].set, "zeta");
	fixture_release(&f);
}

/*
 * Two specs with an action of every kind between them (pause and resume
 * cannot share a spec). The list is fed in two orders; the plans must be
 * identical.
 */
static void order_case(fixture *f, bool reversed)
{
	fixture_init(f, "team");
	sc_spec *web = add_spec(f, "team", "web", 5);
	const char *ids[] = {"sb-6", "sb-5", "sb-4", "sb-3", "sb-2", "sb-1"};
	const char *status[] = {"running", "paused",  "running",
	                        "running", "running", "unknown-x"};
	for (int k = 0; k < 6; k++) {
		int i = reversed ? 5 - k : k;
		sc_sandbox *s = add_sandbox(f, ids[i], status[i], web);
		if (i == 3)
			s->end_at = NOW + 5 * SEC; /* sb-3: renew */
		if (i == 0 || i == 4)
			sc_kv_set(&s->metadata, SC_LABEL_HASH,
			          "0"); /* sb-6, sb-2: stale */
	}
	sc_spec *cold = add_spec(f, "team", "cold", 3);
	cold->state = SC_SPEC_PAUSED;
	add_sandbox(f, "sb-9", "running", cold);
	plan(f);
}

TEST(order_is_set_name_kind_id_and_independent_of_the_list)
{
	fixture one, two;
	order_case(&one, false);
	order_case(&two, true);
	CHECK_INT(one.result, 0);
	/*
	 * web has 6 of 5: of the two stale ones (alike but for the id) sb-2
	 * goes and sb-6 is replaced; the unknown sb-1 only warns. Deletes
	 * first, creates last.
	 */
	EXPECT_ACTIONS(
	    &one, {SC_ACTION_PAUSE, "cold", "sb-9", "running, spec says paused"},
	    {SC_ACTION_CREATE, "cold", NULL, "replicas: 1 of 3 present"},
	    {SC_ACTION_CREATE, "cold", NULL, "replicas: 1 of 3 present"},
	    {SC_ACTION_DELETE, "web", "sb-2", "more replicas than wanted (6 > 5)"},
	    {SC_ACTION_REPLACE, "web", "sb-6", "hash differs"},
	    {SC_ACTION_RESUME, "web", "sb-5", "paused, spec says running"},
	    {SC_ACTION_RENEW, "web", "sb-3", "TTL 5s left"});
	CHECK_INT(one.plan.count, two.plan.count);
	for (size_t i = 0; i < one.plan.count && i < two.plan.count; i++) {
		const sc_action *a = &one.plan.actions[i], *b = &two.plan.actions[i];
		CHECK_INT(a->kind, b->kind);
		CHECK_STR(a->name, b->name);
		CHECK_STR(a->reason, b->reason);
		CHECK_STR(a->sandbox ? a->sandbox->id : "-",
		          b->sandbox ? b->sandbox->id : "-");
	}
	CHECK_INT(one.plan.unchanged, 2);
	CHECK_INT(two.plan.unchanged, 2);
	CHECK_DIAG(&one, SC_DIAG_WARNING,
	           "sandbox sb-1 of spec 'web' has unknown status");
	fixture_release(&one);
	fixture_release(&two);
}

/* ---- the small functions ---- */

TEST(kind_names_symbols_and_deletes)
{
	static const struct {
		sc_action_kind kind;
		const char *name, *symbol;
		bool deletes;
	} table[] = {
	    {SC_ACTION_CREATE, "create", "+", false},
	    {SC_ACTION_RESUME, "resume", ">", false},
	    {SC_ACTION_PAUSE, "pause", "=", false},
	    {SC_ACTION_RENEW, "renew", "~", false},
	    {SC_ACTION_REPLACE, "replace", "-/+", true},
	    {SC_ACTION_DELETE, "delete", "-", true},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		CHECK_STR(sc_action_kind_name(table[i].kind), table[i].name);
		CHECK_STR(sc_action_kind_symbol(table[i].kind), table[i].symbol);
		CHECK_INT(sc_action_deletes(table[i].kind), table[i].deletes);
	}
	CHECK(sc_action_kind_rank(SC_ACTION_DELETE) <
	      sc_action_kind_rank(SC_ACTION_CREATE));
}

TEST(release_of_a_zeroed_plan_and_of_results)
{
	sc_plan empty = {0};
	sc_plan_release(&empty);
	sc_plan_release(NULL);

	fixture f;
	fixture_init(&f, "team");
	add_spec(&f, "team", "web", 1);
	CHECK_INT(plan(&f), 0);
	CHECK_INT(f.plan.count, 1);
	f.plan.actions[0].result.message = sc_strdup("done");
	f.plan.actions[0].result.new_id = sc_strdup("sb-new");
	fixture_release(&f); /* frees the result strings: valgrind checks */
	CHECK(f.plan.actions == NULL);
}

/* ---- scale (its speed is measured by bench/plan_bench.c, never here) ---- */

TEST(hundred_thousand_sandboxes_plan_exactly)
{
	enum { SPECS = 10, PER_SPEC = 10000 };
	static const char *names[SPECS] = {"s0", "s1", "s2", "s3", "s4",
	                                   "s5", "s6", "s7", "s8", "s9"};
	fixture f;
	char id[32];

	fixture_init(&f, "team");
	for (int s = 0; s < SPECS; s++) {
		sc_spec *spec = add_spec(&f, "team", names[s], PER_SPEC - 1);
		for (int i = 0; i < PER_SPEC; i++) {
			snprintf(id, sizeof(id), "sb-%d-%05d", s, (i * 7919) % PER_SPEC);
			add_sandbox(&f, id, "running", spec)->started_at = NOW - i;
		}
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(id, sizeof(id), "sb-foreign-%d", i);
		add_labelled(&f, id, "running", "other", "s0");
	}
	CHECK_INT(plan(&f), 0);
	CHECK_INT(f.plan.count, SPECS);
	CHECK_INT(f.plan.unchanged, SPECS * (PER_SPEC - 1));
	CHECK_INT(f.plan.ignored, 1000);
	for (size_t i = 0; i < f.plan.count; i++) {
		CHECK_INT(f.plan.actions[i].kind, SC_ACTION_DELETE);
		/* the newest: started_at NOW - 0, i = 0, id sb-S-00000 */
		CHECK_CONTAINS(f.plan.actions[i].sandbox->id, "-00000");
	}
	fixture_release(&f);
}

int main(void)
{
	RUN(several_sets_plan_each_in_order);
	RUN(order_is_set_name_kind_id_and_independent_of_the_list);
	RUN(kind_names_symbols_and_deletes);
	RUN(release_of_a_zeroed_plan_and_of_results);
	RUN(hundred_thousand_sandboxes_plan_exactly);
	return test_summary();
}
