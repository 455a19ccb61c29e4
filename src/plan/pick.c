/*
 * Scale-down: which surplus replicas to delete, as a user would pick
 * them: the stale ones, then those of unknown status, then those in the
 * wrong state, then the one with the least TTL left, then the newest;
 * ties by id, so the choice never depends on the list's order.
 *
 * When protect holds the surplus back, the TTL left is no criterion: the
 * run renews its survivors (a shortened one then has less left than a
 * held one) and leaves the held ones alone, so a choice by TTL would
 * swap them at the next run, which would shorten the other: a second run
 * that writes. The other criteria do not move with what a run does to
 * its survivors.
 */
#include "plan/private/internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

typedef enum {
	PICK_STALE,
	PICK_UNKNOWN,
	PICK_WRONG_STATE,
	PICK_LEAST_TTL,
	PICK_NEWEST,
	PICK_ID,
	PICK_COUNT,
} pick_criterion;

static int compare_int64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* Unknown times sort last: they say nothing in favour of deleting. */
static int64_t end_key(const sc_sandbox *sandbox)
{
	return sandbox->end_at ? sandbox->end_at : INT64_MAX;
}

static int64_t newest_key(const sc_sandbox *sandbox)
{
	return sandbox->started_at ? -sandbox->started_at : INT64_MAX;
}

/* < 0 when a is to be deleted before b on this criterion alone. */
static int compare_on(const sc_plan_member *a, const sc_plan_member *b,
                      pick_criterion criterion)
{
	switch (criterion) {
	case PICK_STALE:
		return (int)b->stale - (int)a->stale;
	case PICK_UNKNOWN:
		return (int)(b->sandbox->phase == SC_PHASE_UNKNOWN) -
		       (int)(a->sandbox->phase == SC_PHASE_UNKNOWN);
	case PICK_WRONG_STATE:
		return (int)b->wrong_state - (int)a->wrong_state;
	case PICK_LEAST_TTL:
		return compare_int64(end_key(a->sandbox), end_key(b->sandbox));
	case PICK_NEWEST:
		return compare_int64(newest_key(a->sandbox), newest_key(b->sandbox));
	case PICK_ID:
	case PICK_COUNT:
		break;
	}
	return strcmp(a->sandbox->id, b->sandbox->id);
}

static int compare_with(const void *pa, const void *pb, bool by_ttl)
{
	const sc_plan_member *a = *(const sc_plan_member *const *)pa;
	const sc_plan_member *b = *(const sc_plan_member *const *)pb;

	for (int criterion = 0; criterion < PICK_COUNT; criterion++) {
		if (criterion == PICK_LEAST_TTL && !by_ttl)
			continue;
		int cmp = compare_on(a, b, (pick_criterion)criterion);
		if (cmp)
			return cmp;
	}
	return 0;
}

static int compare_victims(const void *pa, const void *pb)
{
	return compare_with(pa, pb, true);
}

static int compare_held_victims(const void *pa, const void *pb)
{
	return compare_with(pa, pb, false);
}

void sc_plan_sort_victims(sc_plan_member **members, size_t count, bool held)
{
	if (count > 1)
		qsort(members, count, sizeof(*members),
		      held ? compare_held_victims : compare_victims);
}

static char *wrong_state_clause(const sc_spec *spec)
{
	return sc_strdup(spec->state == SC_SPEC_RUNNING ? "paused, spec says running"
	                                                : "running, spec says paused");
}

char *sc_plan_victim_clause(const sc_plan_member *victim, const sc_plan_member *survivor,
                            const sc_spec *spec, int64_t now)
{
	pick_criterion criterion = PICK_ID;

	for (int c = 0; c < PICK_ID; c++) {
		if (compare_on(victim, survivor, (pick_criterion)c)) {
			criterion = (pick_criterion)c;
			break;
		}
	}
	switch (criterion) {
	case PICK_STALE:
		return sc_strdup("stale");
	case PICK_UNKNOWN:
		return sc_asprintf("status '%s' unknown", victim->sandbox->status
		                                              ? victim->sandbox->status
		                                              : "");
	case PICK_WRONG_STATE:
		return wrong_state_clause(spec);
	case PICK_LEAST_TTL:
		if (victim->sandbox->end_at <= now)
			return sc_strdup("least TTL left (ran out)");
		return sc_asprintf("least TTL left (%llds)",
		                   (long long)((victim->sandbox->end_at - now) / 1000));
	case PICK_NEWEST:
		return sc_strdup("newest");
	case PICK_ID:
	case PICK_COUNT:
		break;
	}
	return sc_strdup("");
}
