/*
 * Rollouts: which members of a spec under spec.rollout are deleted in the
 * current wave, how many new ones are created, and how far the rollout
 * is. The arithmetic is a Kubernetes Deployment's RollingUpdate (plan.h,
 * "Rollouts"); everything here is a pure function of the members and now.
 */
#include "plan/private/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"

const char *sc_rollout_state_name(sc_rollout_state state)
{
	switch (state) {
	case SC_ROLLOUT_PROGRESSING:
		return "progressing";
	case SC_ROLLOUT_COMPLETE:
		return "complete";
	case SC_ROLLOUT_FAILED:
		return "failed";
	case SC_ROLLOUT_STALLED:
		return "stalled";
	}
	return "unknown";
}

bool sc_plan_heartbeats_shown(const sc_sandbox_list *list)
{
	for (size_t i = 0; list && i < list->count; i++) {
		if (list->items[i].last_heartbeat != SC_HEARTBEAT_UNREPORTED)
			return true;
	}
	return false;
}

sc_ready sc_plan_ready(const sc_spec *spec, const sc_sandbox *sandbox,
                       bool heartbeats_shown)
{
	bool gated = spec->readiness == SC_READINESS_HEARTBEAT && heartbeats_shown;

	if (spec->state == SC_SPEC_PAUSED)
		return sandbox->phase == SC_PHASE_PAUSED ? SC_READY_YES
		                                         : SC_READY_NOT_YET;
	if (gated && sandbox->last_heartbeat == SC_HEARTBEAT_ERROR)
		return SC_READY_FAILED;
	if (sandbox->phase != SC_PHASE_READY)
		return SC_READY_NOT_YET;
	if (gated && sandbox->last_heartbeat != SC_HEARTBEAT_HEALTHY)
		return SC_READY_NOT_YET;
	return SC_READY_YES;
}

int64_t sc_plan_rollout_start(const sc_sandbox *sandbox)
{
	const char *text = sc_kv_get(&sandbox->metadata, SC_LABEL_ROLLOUT_START);
	char *end;

	if (text && isdigit((unsigned char)text[0])) {
		errno = 0;
		long long value = strtoll(text, &end, 10);
		if (!errno && !*end && value > 0)
			return value;
	}
	return sandbox->started_at / 1000;
}

/* maxSurge and maxUnavailable as counts of entry->replicas (plan.h, "Rollouts"). */
static void resolve(sc_rollout *entry, const sc_rollout_spec *r)
{
	unsigned long n = entry->replicas;

	entry->max_surge = r->max_surge_percent
	                       ? (unsigned)((n * r->max_surge + 99) / 100)
	                       : r->max_surge;
	entry->max_unavailable = r->max_unavailable_percent
	                             ? (unsigned)(n * r->max_unavailable / 100)
	                             : r->max_unavailable;
	if (!entry->max_surge && !entry->max_unavailable)
		entry->max_unavailable = 1;
}

/* The counts a wave is decided on. */
typedef struct tally {
	unsigned old, old_ready;     /* stale, not held */
	unsigned held, held_ready;   /* stale and protected */
	unsigned fresh, fresh_ready; /* current */
	unsigned failed;             /* current ones that failed */
} tally;

static unsigned min_u(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

/* a - b, or 0 when b is larger. */
static unsigned minus(long a, long b)
{
	return a > b ? (unsigned)(a - b) : 0;
}

/*
 * The waves as projected from old0 stale replicas and none current, each
 * new one ready at once: create what the surge allows, then delete what
 * the availability allows.
 */
static void project(sc_rollout *entry, unsigned old0, unsigned held, unsigned target)
{
	unsigned old = old0, fresh = 0;
	long min_available = (long)entry->replicas - (long)entry->max_unavailable;
	long max_total = (long)entry->replicas + (long)entry->max_surge;
	size_t alloc = 0;

	while (old > 0 || fresh < target) {
		long total = (long)old + held + fresh;
		unsigned creates =
		    fresh < target ? min_u(target - fresh, minus(max_total, total)) : 0;
		fresh += creates;
		unsigned deletes =
		    min_u(old, minus((long)old + held + fresh, min_available));
		old -= deletes;
		if (!creates && !deletes)
			break;
		SC_GROW(entry->steps, entry->step_count + 1, alloc);
		entry->steps[entry->step_count++] = (sc_rollout_wave){creates, deletes};
	}
	entry->waves = (unsigned)entry->step_count;
}

/* The first projected wave the counts have not reached yet (1-based). */
static unsigned current_wave(const sc_rollout *entry, unsigned old0, unsigned old,
                             unsigned fresh_ready)
{
	unsigned o = old0, n = 0;

	for (size_t k = 0; k < entry->step_count; k++) {
		n += entry->steps[k].creates;
		o -= entry->steps[k].deletes;
		if (old > o || fresh_ready < n)
			return (unsigned)k + 1;
	}
	return entry->waves ? entry->waves : 1;
}

/* Why a new member failed, or NULL when it has not. */
static char *failure(const sc_spec *spec, const sc_sandbox *sandbox, sc_ready ready,
                     int64_t now)
{
	if (ready == SC_READY_FAILED)
		return sc_asprintf("sandbox %s reported heartbeat error", sandbox->id);
	if (ready == SC_READY_YES)
		return NULL;
	int64_t start = sc_plan_rollout_start(sandbox);
	if (start > 0 && now / 1000 - start > (int64_t)spec->rollout.progress_deadline)
		return sc_asprintf("sandbox %s not ready %u s after its wave began "
		                   "(progressDeadline)",
		                   sandbox->id, spec->rollout.progress_deadline);
	return NULL;
}

/* First pass: fates of held and failed members, readiness, and the counts. */
static void count_members(sc_plan_rollout_step *out, tally *t, const sc_plan_group *group,
                          sc_plan_member *const *order, sc_ready *ready, int64_t now,
                          bool heartbeats_shown, const sc_plan_options *options)
{
	const sc_spec *spec = group->spec;

	for (size_t i = 0; i < group->count; i++) {
		const sc_sandbox *sandbox = order[i]->sandbox;
		ready[i] = sc_plan_ready(spec, sandbox, heartbeats_shown);
		bool is_ready = ready[i] == SC_READY_YES;
		out->fates[i] = SC_FATE_KEEP;
		if (order[i]->stale && sc_plan_protected(spec, sandbox, options, NULL)) {
			out->fates[i] = SC_FATE_HOLD;
			t->held++;
			t->held_ready += is_ready;
		} else if (order[i]->stale) {
			t->old++;
			t->old_ready += is_ready;
			if (!out->model)
				out->model = sandbox;
		} else if ((out->why[i] = failure(spec, sandbox, ready[i], now))) {
			out->fates[i] = SC_FATE_FAILED;
			t->failed++;
		} else {
			t->fresh++;
			t->fresh_ready += is_ready;
		}
	}
}

/* Marks up to n members matching (stale, ready) with fate, in pick order. */
static unsigned mark(sc_plan_rollout_step *out, const sc_plan_group *group,
                     sc_plan_member *const *order, const sc_ready *ready, bool stale,
                     bool want_ready, sc_plan_fate fate, unsigned n)
{
	unsigned marked = 0;

	for (size_t i = 0; i < group->count && marked < n; i++) {
		if (out->fates[i] != SC_FATE_KEEP || order[i]->stale != stale ||
		    (ready[i] == SC_READY_YES) != want_ready)
			continue;
		out->fates[i] = fate;
		marked++;
	}
	return marked;
}

/* The wave's deletes and creates (plan.h, "Rollouts"). */
static void decide_wave(sc_plan_rollout_step *out, const tally *t,
                        const sc_plan_group *group, sc_plan_member *const *order,
                        const sc_ready *ready, unsigned target)
{
	const sc_rollout *r = &out->entry;
	long replicas = group->spec->replicas;
	long min_available = replicas - (long)r->max_unavailable;
	long total = (long)t->old + t->held + t->fresh;
	long ready_total = (long)t->old_ready + t->held_ready + t->fresh_ready;
	unsigned fresh = t->fresh;

	if (fresh > target) {
		/* More current ones than wanted: the pending ones go first. */
		unsigned extra = fresh - target;
		unsigned gone =
		    mark(out, group, order, ready, false, false, SC_FATE_SURPLUS, extra);
		unsigned spare = minus(ready_total, min_available);
		mark(out, group, order, ready, false, true, SC_FATE_SURPLUS,
		     min_u(extra - gone, spare));
		return;
	}
	out->creates = min_u(target - fresh, minus(replicas + (long)r->max_surge, total));
	unsigned budget = minus((long)t->old + t->held + t->fresh_ready, min_available);
	budget -= mark(out, group, order, ready, true, false, SC_FATE_RETIRE, budget);
	mark(out, group, order, ready, true, true, SC_FATE_RETIRE,
	     min_u(budget, minus(ready_total, min_available)));
}

/* "sandbox a reported heartbeat error; ...": the failures joined, and what becomes of
 * them. */
static char *failures_text(const sc_plan_rollout_step *out, size_t count, unsigned failed,
                           unsigned old)
{
	sc_buf text = SC_BUF_INIT;

	for (size_t i = 0; i < count; i++) {
		if (out->why[i])
			sc_buf_printf(&text, "%s%s", text.len ? "; " : "", out->why[i]);
	}
	sc_buf_printf(&text, "; the failed new sandbox%s deleted, %u old one%s stay%s",
	              failed == 1 ? " is" : "es are", old, old == 1 ? "" : "s",
	              old == 1 ? "s" : "");
	return sc_buf_detach(&text);
}

static bool anything_moves(const sc_plan_rollout_step *out, size_t count)
{
	if (out->creates)
		return true;
	for (size_t i = 0; i < count; i++) {
		if (out->fates[i] != SC_FATE_KEEP && out->fates[i] != SC_FATE_HOLD)
			return true;
	}
	return false;
}

bool sc_plan_rollout_decide(sc_plan_rollout_step *out, const sc_plan_group *group,
                            sc_plan_member *const *order, int64_t now,
                            bool heartbeats_shown, const sc_plan_options *options)
{
	const sc_spec *spec = group->spec;
	tally t = {0};

	if (!spec->rollout.present || !group->count)
		return false;
	memset(out, 0, sizeof(*out));
	out->fates = sc_calloc(group->count, sizeof(*out->fates));
	out->why = sc_calloc(group->count, sizeof(*out->why));
	sc_ready *ready = sc_calloc(group->count, sizeof(*ready));
	count_members(out, &t, group, order, ready, now, heartbeats_shown, options);
	if (!t.old && !t.failed) {
		for (size_t i = 0; i < group->count; i++)
			free(out->why[i]);
		free(out->why);
		free(out->fates);
		free(ready);
		memset(out, 0, sizeof(*out));
		return false;
	}
	unsigned target = minus(spec->replicas, t.held);
	sc_rollout *entry = &out->entry;
	entry->set = spec->set;
	entry->name = spec->name;
	entry->spec = spec;
	entry->replicas = spec->replicas;
	entry->updated = t.fresh;
	entry->ready = t.fresh_ready;
	entry->old = t.old;
	entry->ungated = spec->readiness == SC_READINESS_HEARTBEAT && !heartbeats_shown;
	unsigned old0 = t.old > min_u(t.old + t.fresh, target)
	                    ? t.old
	                    : min_u(t.old + t.fresh, target);
	resolve(entry, &spec->rollout);
	project(entry, old0, t.held, target);
	entry->wave = current_wave(entry, old0, t.old, t.fresh_ready);
	if (t.failed) {
		entry->state = SC_ROLLOUT_FAILED;
		entry->message = failures_text(out, group->count, t.failed, t.old);
	} else {
		decide_wave(out, &t, group, order, ready, target);
		entry->state = SC_ROLLOUT_PROGRESSING;
		if (!anything_moves(out, group->count) && t.fresh_ready == t.fresh) {
			entry->state = SC_ROLLOUT_STALLED;
			entry->message = sc_asprintf(
			    "nothing may be created or deleted within maxSurge %u and "
			    "maxUnavailable %u (%u old, %u current, %u of them ready)",
			    entry->max_surge, entry->max_unavailable, t.old, t.fresh,
			    t.fresh_ready);
		}
	}
	free(ready);
	return true;
}
