/*
 * The fixture the plan's test programs share: each test is a named
 * situation built in code (a few specs, a few observed sandboxes, a
 * clock) and the exact actions and diagnostics it must give. Hashes come
 * from sc_spec_hash itself.
 */
#ifndef SC_TEST_PLAN_FIXTURE_H
#define SC_TEST_PLAN_FIXTURE_H

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

static inline void fixture_init(fixture *f, const char *set)
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

static inline void add_set(fixture *f, const char *set)
{
	f->sets[f->options.set_count++] = set;
}

static inline void free_strlist(sc_strlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
}

/* Frees what the test allocated in each spec (no dependency on the loader). */
static inline void fixture_release(fixture *f)
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

static inline sc_spec *add_spec(fixture *f, const char *set, const char *name, unsigned replicas)
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
static inline sc_sandbox *add_raw(fixture *f, const char *id, const char *status)
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
static inline sc_sandbox *add_sandbox(fixture *f, const char *id, const char *status,
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
static inline sc_sandbox *add_labelled(fixture *f, const char *id, const char *status,
                                const char *set, const char *name)
{
	sc_sandbox *sandbox = add_raw(f, id, status);
	if (set)
		sc_kv_set(&sandbox->metadata, SC_LABEL_SET, set);
	if (name)
		sc_kv_set(&sandbox->metadata, SC_LABEL_NAME, name);
	return sandbox;
}

static inline int plan_at(fixture *f, int64_t now)
{
	f->result =
	    sc_plan_build(&f->plan, &f->specs, &f->observed, now, &f->options, &f->diag);
	return f->result;
}

static inline int plan(fixture *f)
{
	return plan_at(f, NOW);
}

static inline size_t diag_count(const fixture *f, sc_diag_level level)
{
	size_t count = 0;
	for (size_t i = 0; i < f->diag.count; i++)
		count += f->diag.entries[i].level == level;
	return count;
}

/* Whether some entry of level contains text. */
static inline bool diag_has(const fixture *f, sc_diag_level level, const char *text)
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

static inline void print_plan(const fixture *f)
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
static inline void check_actions(fixture *f, const expect *want, size_t count, int line)
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
static inline void check_no_secret(const fixture *f)
{
	for (size_t i = 0; i < f->plan.count; i++)
		CHECK_NOT_CONTAINS(f->plan.actions[i].reason, "s3cr3t");
	for (size_t i = 0; i < f->diag.count; i++)
		CHECK_NOT_CONTAINS(f->diag.entries[i].message, "s3cr3t");
}

/*
 * A sandbox as sc-apply creates one today: stamped from spec with its
 * parts and the labels recorded at create (sc_plan_record_labels).
 */
static inline sc_sandbox *add_created(fixture *f, const char *id, const char *status,
                                      const sc_spec *spec)
{
	sc_sandbox *sandbox = add_sandbox(f, id, status, spec);
	char parts[SC_SPEC_PARTS_LEN + 1];

	sc_spec_hash_parts(parts, spec, sc_kv_get(&sandbox->metadata, SC_LABEL_SALT));
	sc_kv_set(&sandbox->metadata, SC_LABEL_PARTS, parts);
	sc_plan_record_labels(&sandbox->metadata, spec);
	return sandbox;
}

/* The change of action at path, or NULL. */
static inline const sc_change *find_change(const sc_action *action, const char *path)
{
	for (size_t i = 0; i < action->change_count; i++) {
		if (!strcmp(action->changes[i].path, path))
			return &action->changes[i];
	}
	return NULL;
}

/* Checks that action's change at path reads exactly text. */
#define CHECK_CHANGE(action, path, text)                                                 \
	do {                                                                             \
		const sc_change *change_ = find_change((action), (path));                \
		if (!change_) {                                                          \
			TEST_FAILURE("no change at %s", (path));                         \
		} else {                                                                 \
			char *described_ = sc_change_describe(change_);                  \
			CHECK_STR(described_, (text));                                   \
			free(described_);                                                \
		}                                                                        \
	} while (0)

/* No change of any action may hold the secret envVars value. */
static inline void check_no_secret_in_changes(const fixture *f)
{
	for (size_t i = 0; i < f->plan.count; i++) {
		const sc_action *action = &f->plan.actions[i];
		for (size_t j = 0; j < action->change_count; j++) {
			const sc_change *change = &action->changes[j];
			char *described = sc_change_describe(change);
			CHECK_NOT_CONTAINS(described, "s3cr3t");
			if (change->old_value)
				CHECK_NOT_CONTAINS(change->old_value, "s3cr3t");
			if (change->new_value)
				CHECK_NOT_CONTAINS(change->new_value, "s3cr3t");
			free(described);
		}
	}
}

#endif
