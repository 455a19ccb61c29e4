/*
 * The per-spec part of a cycle's report: each spec, its sandboxes as the
 * listing showed them, moved by what the cycle's DONE actions did to them.
 */
#include "agent/report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

/* A spec and its counts while they are being made. */
typedef struct spec_count {
	const sc_spec *spec;
	sc_agent_spec_status status;
} spec_count;

/* A DONE action on a listed sandbox, looked up by the sandbox's address. */
typedef struct sandbox_fate {
	const sc_sandbox *sandbox;
	sc_action_kind kind;
} sandbox_fate;

static int compare_keys(const char *set_a, const char *name_a, const char *set_b,
                        const char *name_b)
{
	int cmp = strcmp(set_a, set_b);
	return cmp ? cmp : strcmp(name_a, name_b);
}

static int compare_counts(const void *pa, const void *pb)
{
	const spec_count *a = pa, *b = pb;
	return compare_keys(a->spec->set, a->spec->name, b->spec->set, b->spec->name);
}

static int compare_fates(const void *pa, const void *pb)
{
	uintptr_t a = (uintptr_t)((const sandbox_fate *)pa)->sandbox;
	uintptr_t b = (uintptr_t)((const sandbox_fate *)pb)->sandbox;
	return a < b ? -1 : a > b;
}

/* The specs with a set and a name, sorted by (set, name), each key once. */
static spec_count *collect_specs(const sc_spec_list *specs, size_t *out_count)
{
	spec_count *counts = sc_calloc(specs->count + 1, sizeof(*counts));
	size_t count = 0, kept = 0;

	for (size_t i = 0; i < specs->count; i++) {
		if (specs->items[i].set && specs->items[i].name)
			counts[count++].spec = &specs->items[i];
	}
	qsort(counts, count, sizeof(*counts), compare_counts);
	for (size_t i = 0; i < count; i++) {
		if (kept && !compare_counts(&counts[kept - 1], &counts[i]))
			continue;
		counts[kept++] = counts[i];
	}
	for (size_t i = 0; i < kept; i++)
		counts[i].status.ttl_left_ms = -1;
	*out_count = kept;
	return counts;
}

static spec_count *find_count(spec_count *counts, size_t count, const char *set,
                              const char *name)
{
	size_t lo = 0, hi = count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = compare_keys(counts[mid].spec->set, counts[mid].spec->name, set,
		                       name);
		if (!cmp)
			return &counts[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The DONE actions of plan that act on a listed sandbox, sorted by sandbox. */
static sandbox_fate *collect_fates(const sc_plan *plan, size_t *out_count)
{
	size_t count = 0;
	sandbox_fate *fates = sc_calloc((plan ? plan->count : 0) + 1, sizeof(*fates));

	for (size_t i = 0; plan && i < plan->count; i++) {
		const sc_action *action = &plan->actions[i];
		if (action->result.status != SC_RESULT_DONE || !action->sandbox)
			continue;
		fates[count].sandbox = action->sandbox;
		fates[count++].kind = action->kind;
	}
	qsort(fates, count, sizeof(*fates), compare_fates);
	*out_count = count;
	return fates;
}

/* The kind of the DONE action on sandbox, or -1 when the cycle left it alone. */
static int fate_of(const sandbox_fate *fates, size_t count, const sc_sandbox *sandbox)
{
	sandbox_fate key = {.sandbox = sandbox};
	const sandbox_fate *found =
	    bsearch(&key, fates, count, sizeof(*fates), compare_fates);
	return found ? (int)found->kind : -1;
}

/* One more running sandbox, ttl_ms left (-1: unknown). */
static void add_ready(sc_agent_spec_status *status, int64_t ttl_ms)
{
	status->ready++;
	if (ttl_ms >= 0 && (status->ttl_left_ms < 0 || ttl_ms < status->ttl_left_ms))
		status->ttl_left_ms = ttl_ms;
}

/* A fresh sandbox the cycle made (create, replace): current, with the spec's full TTL. */
static void add_fresh(spec_count *count)
{
	count->status.live++;
	if (count->spec->state == SC_SPEC_RUNNING)
		add_ready(&count->status, (int64_t)count->spec->timeout * 1000);
}

/* A listed sandbox of the spec, after what the cycle did to it (kind -1: nothing). */
static void add_listed(spec_count *count, const sc_sandbox *sandbox, int kind,
                       int64_t now)
{
	const int64_t full_ttl = (int64_t)count->spec->timeout * 1000;
	bool running = sandbox->phase == SC_PHASE_READY;
	int64_t ttl = -1;

	if (kind == SC_ACTION_DELETE || kind == SC_ACTION_REPLACE)
		return;
	if (sandbox->end_at)
		ttl = sandbox->end_at > now ? sandbox->end_at - now : 0;
	if (kind == SC_ACTION_PAUSE)
		running = false;
	if (kind == SC_ACTION_RESUME || kind == SC_ACTION_RENEW) {
		running = running || kind == SC_ACTION_RESUME;
		ttl = full_ttl;
	}
	count->status.live++;
	if (sc_plan_is_stale(count->spec, sandbox))
		count->status.stale++;
	if (running)
		add_ready(&count->status, ttl);
}

static void count_observed(spec_count *counts, size_t count,
                           const sc_sandbox_list *observed, const sc_plan *plan,
                           int64_t now)
{
	size_t fate_count;
	sandbox_fate *fates = collect_fates(plan, &fate_count);

	for (size_t i = 0; observed && i < observed->count; i++) {
		const sc_sandbox *sandbox = &observed->items[i];
		const char *set = sc_kv_get(&sandbox->metadata, SC_LABEL_SET);
		const char *name = sc_kv_get(&sandbox->metadata, SC_LABEL_NAME);
		spec_count *found =
		    set && name ? find_count(counts, count, set, name) : NULL;
		if (found && sandbox->phase != SC_PHASE_GONE)
			add_listed(found, sandbox, fate_of(fates, fate_count, sandbox),
			           now);
	}
	free(fates);
}

static void count_fresh(spec_count *counts, size_t count, const sc_plan *plan)
{
	for (size_t i = 0; plan && i < plan->count; i++) {
		const sc_action *action = &plan->actions[i];
		if (action->result.status != SC_RESULT_DONE || !action->set ||
		    !action->name ||
		    (action->kind != SC_ACTION_CREATE &&
		     action->kind != SC_ACTION_REPLACE))
			continue;
		spec_count *found = find_count(counts, count, action->set, action->name);
		if (found)
			add_fresh(found);
	}
}

void sc_agent_report_count_specs(sc_agent_report *report, const sc_spec_list *specs,
                                 const sc_sandbox_list *observed, const sc_plan *plan,
                                 int64_t now)
{
	size_t count;
	spec_count *counts = collect_specs(specs, &count);

	count_observed(counts, count, observed, plan, now);
	count_fresh(counts, count, plan);
	SC_GROW(report->specs, report->spec_count + count, report->spec_alloc);
	for (size_t i = 0; i < count; i++) {
		sc_agent_spec_status *status = &report->specs[report->spec_count++];
		*status = counts[i].status;
		status->set = sc_strdup(counts[i].spec->set);
		status->name = sc_strdup(counts[i].spec->name);
		status->desired = counts[i].spec->replicas;
		status->paused = counts[i].spec->state == SC_SPEC_PAUSED;
	}
	report->specs_counted = true;
	free(counts);
}

void sc_agent_report_rollout(sc_agent_report *report, const char *set, const char *name,
                             const char *phase, unsigned long updated, unsigned long total)
{
	for (size_t i = 0; i < report->spec_count; i++) {
		sc_agent_spec_status *status = &report->specs[i];
		if (strcmp(status->set, set) || strcmp(status->name, name))
			continue;
		if (!status->rollout)
			status->rollout = sc_calloc(1, sizeof(*status->rollout));
		free(status->rollout->phase);
		status->rollout->phase = sc_strdup(phase);
		status->rollout->updated = updated;
		status->rollout->total = total;
		return;
	}
}
