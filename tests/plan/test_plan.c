/*
 * The plan, on tables: each test is a named situation built in code (a
 * few specs, a few observed sandboxes, a clock) and the exact actions and
 * diagnostics it must give. Hashes come from sc_spec_hash itself.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "harness.h"
#include "plan/plan.h"

/* The server's clock of every case: 2026-05-29T... in Unix ms. */
#define NOW       1780000000000LL
#define SEC       1000LL
#define MAX_SPECS 16

/* One case: its input, options and what the plan gave. */
typedef struct fixture {
	sc_spec_list specs;
	sc_sandbox_list observed;
	const char *sets[4];
	sc_plan_options options;
	sc_plan plan;
	sc_diag diag;
	int result;
} fixture;

/* What one action must be; reason_part must occur in its reason. */
typedef struct expect {
	sc_action_kind kind;
	const char *name;
	const char *id; /* NULL for a create */
	const char *reason_part;
} expect;

static void fixture_init(fixture *f, const char *set)
{
	memset(f, 0, sizeof(*f));
	/* Room for every spec up front: add_spec()'s pointers stay valid. */
	f->specs.items = sc_calloc(MAX_SPECS, sizeof(*f->specs.items));
	f->specs.alloc = MAX_SPECS;
	f->sets[0] = set;
	f->options.sets = f->sets;
	f->options.set_count = set ? 1 : 0;
	f->options.max_delete = -1;
}

static void add_set(fixture *f, const char *set)
{
	f->sets[f->options.set_count++] = set;
}

static void free_strlist(sc_strlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
}

/* Frees what the test allocated in each spec (no dependency on the loader). */
static void fixture_release(fixture *f)
{
	for (size_t i = 0; i < f->specs.count; i++) {
		sc_spec *spec = &f->specs.items[i];
		free(spec->name);
		free(spec->set);
		free(spec->template_id);
		sc_kv_release(&spec->labels);
		sc_kv_release(&spec->env);
		free_strlist(&spec->network.allow_out);
		free_strlist(&spec->network.deny_out);
		free(spec->where.file);
	}
	free(f->specs.items);
	sc_sandbox_list_release(&f->observed);
	sc_plan_release(&f->plan);
	sc_diag_release(&f->diag);
}

static sc_spec *add_spec(fixture *f, const char *set, const char *name, unsigned replicas)
{
	if (f->specs.count == MAX_SPECS)
		abort();
	sc_spec *spec = &f->specs.items[f->specs.count++];
	memset(spec, 0, sizeof(*spec));
	spec->name = sc_strdup(name);
	spec->set = sc_strdup(set);
	spec->template_id = sc_strdup("base");
	spec->replicas = replicas;
	spec->state = SC_SPEC_RUNNING;
	spec->timeout = 1800;
	spec->renew_before = 600;
	spec->wait_ready = true;
	spec->network.allow_public_traffic = true;
	spec->network.allow_internet_access = true;
	spec->where.file = sc_strdup("specs.yaml");
	spec->where.line = 1;
	spec->where.column = 1;
	sc_kv_set(&spec->env, "API_TOKEN", "s3cr3t-value");
	return spec;
}

/* A sandbox with no labels at all. */
static sc_sandbox *add_raw(fixture *f, const char *id, const char *status)
{
	sc_sandbox *sandbox = sc_sandbox_list_push(&f->observed);
	sandbox->id = sc_strdup(id);
	sandbox->template_id = sc_strdup("tpl-base-7f3a");
	sandbox->status = sc_strdup(status);
	sandbox->phase = sc_phase_from_status(status);
	sandbox->started_at = NOW - 3600 * SEC;
	sandbox->end_at = NOW + 1200 * SEC;
	return sandbox;
}

/* A sandbox stamped from spec as sc-apply would have made it: up to date. */
static sc_sandbox *add_sandbox(fixture *f, const char *id, const char *status,
                               const sc_spec *spec)
{
	sc_sandbox *sandbox = add_raw(f, id, status);
	char salt[64], hash[SC_SPEC_HASH_HEX + 1];

	snprintf(salt, sizeof(salt), "salt-%s", id);
	sc_spec_hash(hash, spec, salt);
	sc_kv_copy(&sandbox->metadata, &spec->labels);
	sc_kv_set(&sandbox->metadata, SC_LABEL_SET, spec->set);
	sc_kv_set(&sandbox->metadata, SC_LABEL_NAME, spec->name);
	sc_kv_set(&sandbox->metadata, SC_LABEL_SALT, salt);
	sc_kv_set(&sandbox->metadata, SC_LABEL_HASH, hash);
	sc_kv_set(&sandbox->metadata, SC_LABEL_CREATE_TOKEN, "token");
	return sandbox;
}

/* A sandbox labelled with set and name but no hash or salt. */
static sc_sandbox *add_labelled(fixture *f, const char *id, const char *status,
                                const char *set, const char *name)
{
	sc_sandbox *sandbox = add_raw(f, id, status);
	if (set)
		sc_kv_set(&sandbox->metadata, SC_LABEL_SET, set);
	if (name)
		sc_kv_set(&sandbox->metadata, SC_LABEL_NAME, name);
	return sandbox;
}

static int plan_at(fixture *f, int64_t now)
{
	f->result =
	    sc_plan_build(&f->plan, &f->specs, &f->observed, now, &f->options, &f->diag);
	return f->result;
}

static int plan(fixture *f)
{
	return plan_at(f, NOW);
}

static size_t diag_count(const fixture *f, sc_diag_level level)
{
	size_t count = 0;
	for (size_t i = 0; i < f->diag.count; i++)
		count += f->diag.entries[i].level == level;
	return count;
}

/* Whether some entry of level contains text. */
static bool diag_has(const fixture *f, sc_diag_level level, const char *text)
{
	for (size_t i = 0; i < f->diag.count; i++) {
		if (f->diag.entries[i].level == level &&
		    strstr(f->diag.entries[i].message, text))
			return true;
	}
	return false;
}

#define CHECK_DIAG(f, level, text)                                                       \
	do {                                                                             \
		if (!diag_has((f), (level), (text)))                                     \
			TEST_FAILURE("no %s containing \"%s\"",                          \
			             (level) == SC_DIAG_ERROR ? "error" : "warning",     \
			             (text));                                            \
	} while (0)

static void print_plan(const fixture *f)
{
	for (size_t i = 0; i < f->plan.count; i++) {
		const sc_action *a = &f->plan.actions[i];
		printf("    [%zu] %s %s/%s %s: %s\n", i, sc_action_kind_name(a->kind),
		       a->set, a->name, a->sandbox ? a->sandbox->id : "-", a->reason);
	}
	for (size_t i = 0; i < f->diag.count; i++)
		printf("    diag %d: %s\n", (int)f->diag.entries[i].level,
		       f->diag.entries[i].message);
}

/* Checks that the plan is exactly the expected actions, in order. */
static void check_actions(fixture *f, const expect *want, size_t count, int line)
{
	bool ok = f->plan.count == count;

	if (!ok)
		TEST_FAILURE("line %d: %zu actions, expected %zu", line, f->plan.count,
		             count);
	for (size_t i = 0; ok && i < count; i++) {
		const sc_action *a = &f->plan.actions[i];
		const char *id = a->sandbox ? a->sandbox->id : NULL;
		if (a->kind != want[i].kind || strcmp(a->name, want[i].name) ||
		    (id == NULL) != (want[i].id == NULL) ||
		    (id && strcmp(id, want[i].id)) ||
		    !strstr(a->reason, want[i].reason_part)) {
			TEST_FAILURE("line %d: action %zu is %s %s %s \"%s\", expected "
			             "%s %s %s \"...%s...\"",
			             line, i, sc_action_kind_name(a->kind), a->name,
			             id ? id : "-", a->reason,
			             sc_action_kind_name(want[i].kind), want[i].name,
			             want[i].id ? want[i].id : "-", want[i].reason_part);
			ok = false;
		}
		if (a->result.status != SC_RESULT_PENDING)
			TEST_FAILURE("line %d: action %zu is not pending", line, i);
	}
	if (!ok)
		print_plan(f);
}

#define EXPECT_ACTIONS(f, ...)                                                           \
	do {                                                                             \
		static const expect want_[] = {__VA_ARGS__};                             \
		check_actions((f), want_, sizeof(want_) / sizeof(want_[0]), __LINE__);   \
	} while (0)

#define EXPECT_NO_ACTIONS(f)                                                             \
	do {                                                                             \
		if ((f)->plan.count) {                                                   \
			TEST_FAILURE("%zu actions, expected none", (f)->plan.count);     \
			print_plan(f);                                                   \
		}                                                                        \
	} while (0)

/* No reason and no message may ever contain the secret envVars value. */
static void check_no_secret(const fixture *f)
{
	for (size_t i = 0; i < f->plan.count; i++)
		CHECK_NOT_CONTAINS(f->plan.actions[i].reason, "s3cr3t");
	for (size_t i = 0; i < f->diag.count; i++)
		CHECK_NOT_CONTAINS(f->diag.entries[i].message, "s3cr3t");
}

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

/* ---- state ---- */

TEST(paused_sandbox_of_running_spec_is_resumed)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "stopped", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_RESUME, "web", "sb-1", "paused, spec says running"});
	fixture_release(&f);
}

TEST(running_sandbox_of_paused_spec_is_paused)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	web->state = SC_SPEC_PAUSED;
	add_sandbox(&f, "sb-1", "running", web);
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_PAUSE, "web", "sb-1", "running, spec says paused"});
	fixture_release(&f);
}

TEST(wrong_state_gets_no_renew_too)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "paused", web)->end_at = NOW + 5 * SEC;
	sc_spec *cold = add_spec(&f, "team", "cold", 1);
	cold->state = SC_SPEC_PAUSED;
	add_sandbox(&f, "sb-2", "running", cold)->end_at = NOW + 5 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_PAUSE, "cold", "sb-2", "running, spec says paused"},
	               {SC_ACTION_RESUME, "web", "sb-1", "paused, spec says running"});
	fixture_release(&f);
}

TEST(paused_sandbox_of_paused_spec_is_never_renewed)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *cold = add_spec(&f, "team", "cold", 1);
	cold->state = SC_SPEC_PAUSED;
	add_sandbox(&f, "sb-1", "paused", cold)->end_at = NOW - 50 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.plan.unchanged, 1);
	fixture_release(&f);
}

/* ---- renew ---- */

TEST(renew_below_threshold)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 599 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(
	    &f, {SC_ACTION_RENEW, "web", "sb-1", "TTL 599s left < renewBefore 600s"});
	fixture_release(&f);
}

TEST(renew_one_ms_below_threshold)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 600 * SEC - 1;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1", "< renewBefore 600s"});
	fixture_release(&f);
}

TEST(no_renew_at_threshold)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 600 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_INT(f.plan.unchanged, 1);
	fixture_release(&f);
}

TEST(no_renew_above_threshold)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW + 601 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	fixture_release(&f);
}

TEST(renew_when_ttl_already_ran_out)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = NOW - 30 * SEC;
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1",
	                    "TTL ran out 30s ago (renewBefore 600s)"});
	fixture_release(&f);
}

TEST(unknown_end_warns_instead_of_renewing)
{
	fixture f;
	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = 0;
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	CHECK_DIAG(&f, SC_DIAG_WARNING,
	           "sandbox sb-1 of spec 'web' reports no endAt: TTL "
	           "unknown, not renewed");
	CHECK_STR(f.diag.entries[0].file, "specs.yaml");
	CHECK_INT(f.plan.unchanged, 1);
	fixture_release(&f);
}

/* now is the server's: the local clock (years away here) plays no part. */
TEST(renew_uses_now_not_the_local_clock)
{
	const int64_t past = 1000000000000LL;   /* 2001 */
	const int64_t future = 4000000000000LL; /* 2096 */
	fixture f;

	fixture_init(&f, "team");
	sc_spec *web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = past + 3600 * SEC;
	CHECK_INT(plan_at(&f, past), 0);
	EXPECT_NO_ACTIONS(&f);
	fixture_release(&f);

	fixture_init(&f, "team");
	web = add_spec(&f, "team", "web", 1);
	add_sandbox(&f, "sb-1", "running", web)->end_at = future + 100 * SEC;
	CHECK_INT(plan_at(&f, future), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_RENEW, "web", "sb-1", "TTL 100s left"});
	fixture_release(&f);
}

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

/* ---- with the real loader ---- */

static const char loaded_yaml[] = "apiVersion: sc-apply/v1\n"
                                  "kind: Sandbox\n"
                                  "metadata: {name: web, set: team, labels: {team: ml}}\n"
                                  "spec:\n"
                                  "  replicas: 2\n"
                                  "  timeout: 1800\n"
                                  "  renewBefore: 600\n"
                                  "  envVars: {TOKEN: '${TOKEN}'}\n";

static const char *loaded_token;

static const char *lookup_token(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "TOKEN") ? NULL : loaded_token;
}

/* Loads loaded_yaml into f's specs with TOKEN set to token. */
static void load_specs(fixture *f, const char *token)
{
	sc_spec_load_options options = {NULL, lookup_token, NULL};
	sc_diag diag = SC_DIAG_INIT;

	free(f->specs.items);
	memset(&f->specs, 0, sizeof(f->specs));
	loaded_token = token;
	CHECK_INT(sc_spec_load_text(&f->specs, "web.yaml", loaded_yaml,
	                            strlen(loaded_yaml), &options, &diag),
	          0);
	CHECK_INT(diag.count, 0);
	sc_diag_release(&diag);
}

static void release_loaded(fixture *f)
{
	sc_spec_list_release(&f->specs);
	memset(&f->specs, 0, sizeof(f->specs));
	fixture_release(f);
}

TEST(loaded_specs_converge_then_replace_on_a_changed_secret)
{
	fixture f;
	fixture_init(&f, "team");
	load_specs(&f, "tok-one-s3cr3t");
	if (f.specs.count != 1) {
		release_loaded(&f);
		return;
	}
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_CREATE, "web", NULL, "replicas: 0 of 2 present"},
	               {SC_ACTION_CREATE, "web", NULL, "replicas: 0 of 2 present"});
	sc_plan_release(&f.plan);

	add_sandbox(&f, "sb-1", "running", &f.specs.items[0]);
	add_sandbox(&f, "sb-2", "running", &f.specs.items[0]);
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	sc_plan_release(&f.plan);

	sc_spec_list_release(&f.specs);
	load_specs(&f, "tok-two-s3cr3t");
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_REPLACE, "web", "sb-1", "spec changed (hash differs)"},
	               {SC_ACTION_REPLACE, "web", "sb-2", "spec changed (hash differs)"});
	CHECK_STR(f.plan.actions[0].reason, "spec changed (hash differs)");
	check_no_secret(&f);
	CHECK_STR(f.diag.count ? f.diag.entries[0].message : "", "");
	release_loaded(&f);
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
	RUN(paused_sandbox_of_running_spec_is_resumed);
	RUN(running_sandbox_of_paused_spec_is_paused);
	RUN(wrong_state_gets_no_renew_too);
	RUN(paused_sandbox_of_paused_spec_is_never_renewed);
	RUN(renew_below_threshold);
	RUN(renew_one_ms_below_threshold);
	RUN(no_renew_at_threshold);
	RUN(no_renew_above_threshold);
	RUN(renew_when_ttl_already_ran_out);
	RUN(unknown_end_warns_instead_of_renewing);
	RUN(renew_uses_now_not_the_local_clock);
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
	RUN(empty_input_guard_refuses_to_prune_a_whole_set);
	RUN(empty_input_guard_yields_to_allow_empty);
	RUN(empty_input_guard_only_for_the_set_without_specs);
	RUN(empty_input_without_prune_is_no_error);
	RUN(max_delete_below_the_plan_refuses);
	RUN(max_delete_at_the_plan_passes_and_replace_does_not_count);
	RUN(max_delete_above_the_plan_passes);
	RUN(max_delete_zero_refuses_any_delete);
	RUN(several_sets_plan_each_in_order);
	RUN(order_is_set_name_kind_id_and_independent_of_the_list);
	RUN(teardown_of_named_specs_deletes_only_them);
	RUN(teardown_of_whole_sets);
	RUN(teardown_holds_protected_without_force);
	RUN(teardown_respects_max_delete);
	RUN(loaded_specs_converge_then_replace_on_a_changed_secret);
	RUN(kind_names_symbols_and_deletes);
	RUN(release_of_a_zeroed_plan_and_of_results);
	RUN(hundred_thousand_sandboxes_plan_exactly);
	return test_summary();
}
