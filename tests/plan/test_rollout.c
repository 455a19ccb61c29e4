/*
 * The plan, on tables. Rollouts (spec.rollout) and readiness
 * (spec.readiness): the waves keep within maxSurge and maxUnavailable at
 * every step, a failed new sandbox stops the rollout, the deadline, and
 * a server that shows no heartbeats.
 */
#include <stdio.h>

#include "plan_fixture.h"

static void with_rollout(sc_spec *spec, unsigned surge, unsigned unavailable)
{
	spec->readiness = SC_READINESS_HEARTBEAT;
	spec->rollout = (sc_rollout_spec){.present = true,
	                                  .max_surge = surge,
	                                  .max_unavailable = unavailable,
	                                  .progress_deadline = 600};
}

/* An old replica: labelled, but no hash of the spec: stale. */
static sc_sandbox *add_old(fixture *f, const char *id, const sc_spec *spec)
{
	sc_sandbox *sandbox = add_labelled(f, id, "running", spec->set, spec->name);
	sandbox->last_heartbeat = SC_HEARTBEAT_HEALTHY;
	return sandbox;
}

/* A spec of replicas with a rollout, and that many old replicas sb-1, sb-2, ... */
static sc_spec *rolling_spec(fixture *f, unsigned replicas, unsigned surge,
                             unsigned unavailable, unsigned old)
{
	sc_spec *spec = add_spec(f, "team", "web", replicas);
	with_rollout(spec, surge, unavailable);
	for (unsigned i = 1; i <= old; i++) {
		char id[16];
		snprintf(id, sizeof(id), "sb-%u", i);
		add_old(f, id, spec);
	}
	return spec;
}

static sc_sandbox *add_new(fixture *f, const char *id, const sc_spec *spec,
                           sc_heartbeat hb)
{
	sc_sandbox *sandbox = add_sandbox(f, id, "running", spec);
	sandbox->last_heartbeat = hb;
	sandbox->started_at = NOW - 10 * SEC;
	return sandbox;
}

/* ---- the world a rollout runs in, stepped plan by plan ---- */

typedef struct world_sandbox {
	char id[16];
	bool fresh;
	bool ready;
} world_sandbox;

typedef struct world {
	world_sandbox items[64];
	int count;
	int next_id;
} world;

static void world_observe(fixture *f, const world *w, const sc_spec *spec)
{
	sc_sandbox_list_release(&f->observed);
	for (int i = 0; i < w->count; i++) {
		const world_sandbox *sb = &w->items[i];
		sc_sandbox *sandbox =
		    sb->fresh ? add_sandbox(f, sb->id, "running", spec)
		              : add_labelled(f, sb->id, "running", spec->set, spec->name);
		sandbox->last_heartbeat =
		    sb->ready ? SC_HEARTBEAT_HEALTHY : SC_HEARTBEAT_NONE;
		sandbox->started_at = NOW - 10 * SEC;
	}
}

static int world_ready(const world *w)
{
	int ready = 0;
	for (int i = 0; i < w->count; i++)
		ready += w->items[i].ready;
	return ready;
}

static void world_delete(world *w, const char *id)
{
	for (int i = 0; i < w->count; i++) {
		if (!strcmp(w->items[i].id, id)) {
			w->items[i] = w->items[--w->count];
			return;
		}
	}
}

/*
 * Rolls a spec of replicas out from all-old to all-new, plan after plan,
 * and checks the bounds at every step: the creates may land before the
 * deletes, or the deletes before the new ones are ready.
 */
static void roll(unsigned replicas, unsigned surge, unsigned unavailable, unsigned seed)
{
	fixture f;
	world w = {.count = 0};
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", replicas);
	with_rollout(web, surge, unavailable);
	for (unsigned i = 0; i < replicas; i++) {
		world_sandbox *sb = &w.items[w.count++];
		snprintf(sb->id, sizeof(sb->id), "old-%02u", i);
		/* With a seed, every third old one is not ready (its workload never said
		 * so). */
		sb->ready = !seed || i % 3;
	}
	int steps = 0, fresh_ready = 0;
	unsigned waves = 0;
	bool all_at_once = seed == 0;
	for (; steps < 500 && (fresh_ready < (int)replicas || w.count > (int)replicas);
	     steps++) {
		sc_plan_release(&f.plan);
		sc_diag_release(&f.diag);
		world_observe(&f, &w, web);
		CHECK_INT(plan(&f), 0);
		if (f.plan.rollout_count) {
			CHECK_INT(f.plan.rollouts[0].state, SC_ROLLOUT_PROGRESSING);
			if (!waves)
				waves = f.plan.rollouts[0].waves;
		}
		int creates = 0, ready_before = world_ready(&w);
		int floor = (int)(replicas - unavailable) < ready_before
		                ? (int)(replicas - unavailable)
		                : ready_before;
		for (size_t i = 0; i < f.plan.count; i++) {
			const sc_action *a = &f.plan.actions[i];
			if (a->kind == SC_ACTION_CREATE)
				creates++;
			else if (a->kind == SC_ACTION_DELETE)
				world_delete(&w, a->sandbox->id);
			else
				TEST_FAILURE("%s in a rollout",
				             sc_action_kind_name(a->kind));
		}
		/* The deletes ran before anything new was ready. */
		if (world_ready(&w) < floor)
			TEST_FAILURE("N=%u S=%u U=%u step %d: %d ready", replicas, surge,
			             unavailable, steps, world_ready(&w));
		/* The creates ran before the deletes. */
		if (w.count + creates > (int)(replicas + surge))
			TEST_FAILURE("N=%u S=%u U=%u step %d: %d in all", replicas, surge,
			             unavailable, steps, w.count + creates);
		for (int k = 0; k < creates; k++) {
			world_sandbox *sb = &w.items[w.count++];
			snprintf(sb->id, sizeof(sb->id), "new-%02d", w.next_id++);
			sb->fresh = true;
		}
		/* Then the new ones become ready: all at once, or some (seed: a fixed
		 * sequence). */
		fresh_ready = 0;
		for (int i = 0; i < w.count; i++) {
			seed = seed * 1103515245u + 12345u;
			if (all_at_once || (w.items[i].fresh && (seed >> 16) % 2))
				w.items[i].ready = true;
			fresh_ready += w.items[i].fresh && w.items[i].ready;
		}
	}
	if (fresh_ready != (int)replicas || w.count != (int)replicas)
		TEST_FAILURE("N=%u S=%u U=%u: %d new of %d after %d plans", replicas,
		             surge, unavailable, fresh_ready, w.count, steps);
	CHECK(waves >= 1);
	fixture_release(&f);
}

TEST(waves_stay_within_surge_and_availability)
{
	static const unsigned cases[][3] = {
	    {4, 1, 0}, {4, 2, 0},  {4, 0, 1}, {4, 1, 1},  {5, 2, 3}, {1, 1, 0},
	    {1, 0, 1}, {10, 3, 0}, {7, 0, 7}, {3, 10, 0}, {6, 1, 2},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		roll(cases[i][0], cases[i][1], cases[i][2], 0);
		for (unsigned seed = 1; seed < 20; seed++)
			roll(cases[i][0], cases[i][1], cases[i][2], seed);
	}
}

TEST(the_first_wave_surges_one_and_projects_four_waves)
{
	fixture f;
	fixture_init(&f, "team");
	rolling_spec(&f, 4, 1, 0, 4);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_CREATE, "web", NULL, "rollout wave 1 of 4"});
	/* The wave's start is stamped on what it creates: the deadline runs from it. */
	CHECK_STR(sc_kv_get(&f.plan.actions[0].labels, SC_LABEL_ROLLOUT_START),
	          "1780000000");
	CHECK_INT(f.plan.rollout_count, 1);
	const sc_rollout *r = &f.plan.rollouts[0];
	CHECK_INT(r->waves, 4);
	CHECK_INT(r->wave, 1);
	CHECK_INT(r->old, 4);
	CHECK_INT(r->updated, 0);
	CHECK_INT(r->state, SC_ROLLOUT_PROGRESSING);
	for (size_t k = 0; k < r->step_count; k++) {
		CHECK_INT(r->steps[k].creates, 1);
		CHECK_INT(r->steps[k].deletes, 1);
	}
	fixture_release(&f);
}

/* Percentages: maxSurge rounds up, maxUnavailable down, and both 0 makes
 * maxUnavailable 1. */
TEST(percentages_resolve_as_kubernetes_does)
{
	static const struct {
		unsigned replicas, surge, unavailable;
		bool surge_percent, unavailable_percent;
		unsigned want_surge, want_unavailable;
	} cases[] = {
	    {4, 25, 25, true, true, 1, 1}, {10, 25, 25, true, true, 3, 2},
	    {4, 0, 10, false, true, 0, 1}, {3, 100, 0, true, false, 3, 0},
	    {5, 1, 50, false, true, 1, 2}, {1, 0, 100, true, true, 0, 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fixture f;
		fixture_init(&f, "team");
		sc_spec *web = rolling_spec(&f, cases[i].replicas, cases[i].surge,
		                            cases[i].unavailable, 1);
		web->rollout.max_surge_percent = cases[i].surge_percent;
		web->rollout.max_unavailable_percent = cases[i].unavailable_percent;
		CHECK_INT(plan(&f), 0);
		CHECK_INT(f.plan.rollout_count, 1);
		if (f.plan.rollout_count) {
			CHECK_INT(f.plan.rollouts[0].max_surge, cases[i].want_surge);
			CHECK_INT(f.plan.rollouts[0].max_unavailable,
			          cases[i].want_unavailable);
		}
		fixture_release(&f);
	}
}

/* A new one running without a healthy heartbeat is not ready: nothing old goes yet. */
TEST(an_old_one_goes_only_once_the_new_one_is_healthy)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = rolling_spec(&f, 2, 1, 0, 2);
	sc_sandbox *fresh = add_new(&f, "sb-3", web, SC_HEARTBEAT_STARTING);
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.plan.rollouts[0].state, SC_ROLLOUT_PROGRESSING);
	sc_plan_release(&f.plan);
	fresh->last_heartbeat = SC_HEARTBEAT_HEALTHY;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-1", "rollout wave 1 of 2"});
	CHECK_STR(sc_reason_code_name(f.plan.actions[0].reason_code), "spec-changed");
	CHECK_INT(f.plan.rollouts[0].ready, 1);
	fixture_release(&f);
}

TEST(a_heartbeat_error_fails_the_rollout_and_deletes_only_the_new_one)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = rolling_spec(&f, 4, 1, 0, 4);
	add_new(&f, "sb-5", web, SC_HEARTBEAT_ERROR);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-5",
	                    "rollout failed: sandbox sb-5 "
	                    "reported heartbeat error"});
	CHECK_STR(sc_reason_code_name(f.plan.actions[0].reason_code), "rollout-failed");
	const sc_rollout *r = &f.plan.rollouts[0];
	CHECK_INT(r->state, SC_ROLLOUT_FAILED);
	CHECK_STR(r->message,
	          "sandbox sb-5 reported heartbeat error; the failed new sandbox is "
	          "deleted, 4 old ones stay");
	fixture_release(&f);
}

TEST(a_new_one_not_ready_past_the_deadline_fails_the_rollout)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = rolling_spec(&f, 2, 1, 0, 2);
	sc_sandbox *fresh = add_new(&f, "sb-3", web, SC_HEARTBEAT_NONE);
	sc_kv_set(&fresh->metadata, SC_LABEL_ROLLOUT_START,
	          "1779999400"); /* NOW - 600 s */
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	sc_plan_release(&f.plan);
	CHECK_INT(plan_at(&f, NOW + SEC), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-3",
	                    "not ready 600 s after its wave began"});
	CHECK_INT(f.plan.rollouts[0].state, SC_ROLLOUT_FAILED);
	fixture_release(&f);
}

/* With maxUnavailable, an old one may go before anything new is ready. */
TEST(max_unavailable_lets_an_old_one_go_first)
{
	fixture f;
	fixture_init(&f, "team");
	rolling_spec(&f, 3, 0, 1, 3);
	CHECK_INT(plan(&f), 0);
	CHECK_INT(f.plan.count, 1);
	CHECK_INT(f.plan.actions[0].kind, SC_ACTION_DELETE);
	fixture_release(&f);
}

/* A rollout's deletes replace, they do not prune: --max-delete 0 lets them run. */
TEST(max_delete_does_not_count_a_rollouts_deletes)
{
	fixture f;
	fixture_init(&f, "team");
	f.options.max_delete = 0;
	sc_spec *web = rolling_spec(&f, 1, 1, 0, 1);
	add_new(&f, "sb-2", web, SC_HEARTBEAT_HEALTHY);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-1", "rollout wave"});
	fixture_release(&f);
}

/* Without spec.rollout every stale replica is replaced at once, as before. */
TEST(without_a_rollout_every_stale_replica_is_replaced_at_once)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 2);
	add_old(&f, "sb-1", web);
	add_old(&f, "sb-2", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_REPLACE, "web", "sb-1", "spec hash unknown"},
	               {SC_ACTION_REPLACE, "web", "sb-2", "spec hash unknown"});
	CHECK_INT(f.plan.rollout_count, 0);
	fixture_release(&f);
}

/* A server that shows no heartbeats: said once, and running is ready. */
TEST(no_heartbeats_shown_means_running_is_ready_and_it_is_said)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	with_rollout(web, 1, 0);
	add_old(&f, "sb-1", web)->last_heartbeat = SC_HEARTBEAT_UNREPORTED;
	add_new(&f, "sb-2", web, SC_HEARTBEAT_UNREPORTED);
	CHECK_INT(plan(&f), 0);
	CHECK_DIAG(&f, SC_DIAG_WARNING, "the server shows no heartbeats");
	CHECK_INT(diag_count(&f, SC_DIAG_WARNING), 1);
	EXPECT_ACTIONS(&f, {SC_ACTION_DELETE, "web", "sb-1", "rollout wave"});
	CHECK(f.plan.rollouts[0].ungated);
	fixture_release(&f);
}

/* A protected stale replica is held, as without a rollout, and keeps its slot. */
TEST(a_protected_old_one_is_held_and_keeps_its_slot)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 2);
	web->protect = true;
	with_rollout(web, 1, 0);
	add_old(&f, "sb-1", web);
	add_old(&f, "sb-2", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.plan.held_count, 2);
	CHECK_INT(f.plan.rollout_count, 0);
	fixture_release(&f);
}

TEST(readiness_by_status_and_heartbeat)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	sc_sandbox *sb = add_new(&f, "sb-1", web, SC_HEARTBEAT_NONE);
	CHECK_INT(sc_plan_ready(web, sb, true), SC_READY_YES);
	web->readiness = SC_READINESS_HEARTBEAT;
	CHECK_INT(sc_plan_ready(web, sb, true), SC_READY_NOT_YET);
	CHECK_INT(sc_plan_ready(web, sb, false), SC_READY_YES);
	sb->last_heartbeat = SC_HEARTBEAT_HEALTHY;
	CHECK_INT(sc_plan_ready(web, sb, true), SC_READY_YES);
	sb->phase = SC_PHASE_STARTING;
	CHECK_INT(sc_plan_ready(web, sb, true), SC_READY_NOT_YET);
	sb->last_heartbeat = SC_HEARTBEAT_ERROR;
	CHECK_INT(sc_plan_ready(web, sb, true), SC_READY_FAILED);
	CHECK(sc_plan_heartbeats_shown(&f.observed));
	sb->last_heartbeat = SC_HEARTBEAT_UNREPORTED;
	CHECK(!sc_plan_heartbeats_shown(&f.observed));
	fixture_release(&f);
}

int main(void)
{
	RUN(waves_stay_within_surge_and_availability);
	RUN(the_first_wave_surges_one_and_projects_four_waves);
	RUN(percentages_resolve_as_kubernetes_does);
	RUN(an_old_one_goes_only_once_the_new_one_is_healthy);
	RUN(a_heartbeat_error_fails_the_rollout_and_deletes_only_the_new_one);
	RUN(a_new_one_not_ready_past_the_deadline_fails_the_rollout);
	RUN(max_unavailable_lets_an_old_one_go_first);
	RUN(max_delete_does_not_count_a_rollouts_deletes);
	RUN(without_a_rollout_every_stale_replica_is_replaced_at_once);
	RUN(no_heartbeats_shown_means_running_is_ready_and_it_is_said);
	RUN(a_protected_old_one_is_held_and_keeps_its_slot);
	RUN(readiness_by_status_and_heartbeat);
	return test_summary();
}
