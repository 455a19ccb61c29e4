/*
 * The view: the run's sets, the sandboxes it owns and the specs, each
 * sorted so that the build can walk specs and sandboxes side by side by
 * (set, name) in O(n log n), without matching every pair.
 */
#include "plan/private/internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

/*
 * strcmp, and at once 0 for the same pointer: the labels of a listed
 * sandbox are shared strings (api/sandbox.h), so the set and name of the
 * members of one group are most often one pointer each.
 */
static int text_compare(const char *a, const char *b)
{
	return a == b ? 0 : strcmp(a, b);
}

int sc_plan_key_compare(const char *set_a, const char *name_a, const char *set_b,
                        const char *name_b)
{
	int cmp = text_compare(set_a, set_b);

	return cmp ? cmp : text_compare(name_a, name_b);
}

static int compare_strings(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static int compare_members(const void *pa, const void *pb)
{
	const sc_plan_member *a = pa, *b = pb;
	int cmp = sc_plan_key_compare(a->set, a->name, b->set, b->name);

	return cmp ? cmp : text_compare(a->sandbox->id, b->sandbox->id);
}

/*
 * The members in order, in place: qsort's merge sort would hold a copy of
 * them all (32 bytes a sandbox) at the run's peak. Members of one key are
 * the same sandbox listed twice; they keep list order (their sandboxes'
 * order in the observed array), as a stable sort would keep them.
 */
static int member_order(const sc_plan_member *a, const sc_plan_member *b)
{
	int cmp = compare_members(a, b);

	return cmp ? cmp : (a->sandbox > b->sandbox) - (a->sandbox < b->sandbox);
}

static void swap_members(sc_plan_member *a, sc_plan_member *b)
{
	sc_plan_member t = *a;
	*a = *b;
	*b = t;
}

/* Quicksort: median of three, insertion sort for short runs, the larger side looped. */
static void sort_members(sc_plan_member *m, size_t n)
{
	while (n > 16) {
		size_t mid = n / 2, i = 0, j = n - 1;
		if (member_order(&m[mid], &m[0]) < 0)
			swap_members(&m[mid], &m[0]);
		if (member_order(&m[n - 1], &m[0]) < 0)
			swap_members(&m[n - 1], &m[0]);
		if (member_order(&m[n - 1], &m[mid]) < 0)
			swap_members(&m[n - 1], &m[mid]);
		sc_plan_member pivot = m[mid];
		for (;;) {
			while (member_order(&m[i], &pivot) < 0)
				i++;
			while (member_order(&pivot, &m[j]) < 0)
				j--;
			if (i >= j)
				break;
			swap_members(&m[i++], &m[j--]);
		}
		/* [0, j] and [j + 1, n): recurse into the smaller, loop on the larger. */
		if (j + 1 < n - j - 1) {
			sort_members(m, j + 1);
			m += j + 1;
			n -= j + 1;
		} else {
			sort_members(m + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		sc_plan_member moving = m[i];
		size_t at = i;
		for (; at && member_order(&m[at - 1], &moving) > 0; at--)
			m[at] = m[at - 1];
		m[at] = moving;
	}
}

static int compare_specs(const void *pa, const void *pb)
{
	const sc_spec *a = *(const sc_spec *const *)pa;
	const sc_spec *b = *(const sc_spec *const *)pb;

	return sc_plan_key_compare(a->set, a->name, b->set, b->name);
}

/* Copies options->sets, sorted, without duplicates or NULLs. */
static void collect_sets(sc_plan_view *view, const sc_plan_options *options)
{
	size_t count = 0;

	view->sets = sc_calloc(options->set_count + 1, sizeof(*view->sets));
	for (size_t i = 0; i < options->set_count; i++) {
		if (options->sets[i] && options->sets[i][0])
			view->sets[count++] = options->sets[i];
	}
	qsort(view->sets, count, sizeof(*view->sets), compare_strings);
	view->set_count = 0;
	for (size_t i = 0; i < count; i++) {
		if (!view->set_count ||
		    strcmp(view->sets[view->set_count - 1], view->sets[i]))
			view->sets[view->set_count++] = view->sets[i];
	}
}

bool sc_plan_view_owns(const sc_plan_view *view, const char *set)
{
	return set && bsearch(&set, view->sets, view->set_count, sizeof(*view->sets),
	                      compare_strings) != NULL;
}

/* Adds sandbox as a member when the run owns it and it is live. */
static void collect_sandbox(sc_plan_view *view, const sc_sandbox *sandbox,
                            size_t *ignored, sc_diag *diag)
{
	const char *set = sc_kv_get(&sandbox->metadata, SC_LABEL_SET);
	const char *name = sc_kv_get(&sandbox->metadata, SC_LABEL_NAME);

	if (!sc_plan_view_owns(view, set)) {
		(*ignored)++;
		return;
	}
	if (sandbox->phase == SC_PHASE_GONE)
		return;
	if (!sandbox->id || !sandbox->id[0]) {
		sc_diag_warning(diag, NULL, 0, 0,
		                "a sandbox of set '%s' has no id: left alone", set);
		(*ignored)++;
		return;
	}
	if (!name || !name[0]) {
		sc_diag_warning(diag, NULL, 0, 0,
		                "sandbox %s of set '%s' has no " SC_LABEL_NAME
		                " label: left alone",
		                sandbox->id, set);
		(*ignored)++;
		return;
	}
	sc_plan_member *member = &view->members[view->member_count++];
	memset(member, 0, sizeof(*member));
	member->sandbox = sandbox;
	member->set = set;
	member->name = name;
}

/*
 * A list read in pages can hold a sandbox twice (it moved between pages):
 * counting it twice would hide a missing replica or delete it twice. The
 * members are sorted, so the copies are neighbours; the first stays.
 */
static void drop_duplicates(sc_plan_view *view)
{
	size_t kept = 0;

	for (size_t i = 0; i < view->member_count; i++) {
		if (kept && !compare_members(&view->members[kept - 1], &view->members[i]))
			continue;
		view->members[kept++] = view->members[i];
	}
	view->member_count = kept;
}

static int check_spec(const sc_plan_view *view, const sc_spec *spec, sc_diag *diag)
{
	if (!spec->set || !spec->name)
		return sc_diag_error(diag, spec->where.file, spec->where.line,
		                     spec->where.column, "spec '%s' has no set",
		                     spec->name ? spec->name : "");
	if (!sc_plan_view_owns(view, spec->set))
		return sc_diag_error(
		    diag, spec->where.file, spec->where.line, spec->where.column,
		    "spec '%s' is in set '%s', which this run does not own", spec->name,
		    spec->set);
	return 0;
}

static int collect_specs(sc_plan_view *view, const sc_spec_list *specs, sc_diag *diag)
{
	int result = 0;

	if (!specs || !specs->count)
		return 0;
	view->specs = sc_calloc(specs->count, sizeof(*view->specs));
	for (size_t i = 0; i < specs->count; i++) {
		if (check_spec(view, &specs->items[i], diag) < 0)
			result = -1;
		else
			view->specs[view->spec_count++] = &specs->items[i];
	}
	qsort(view->specs, view->spec_count, sizeof(*view->specs), compare_specs);
	for (size_t i = 1; i < view->spec_count; i++) {
		const sc_spec *spec = view->specs[i];
		if (!compare_specs(&view->specs[i - 1], &view->specs[i]))
			result = sc_diag_error(
			    diag, spec->where.file, spec->where.line, spec->where.column,
			    "duplicate spec '%s' in set '%s'", spec->name, spec->set);
	}
	return result;
}

int sc_plan_view_init(sc_plan_view *view, const sc_spec_list *specs,
                      const sc_sandbox_list *observed, const sc_plan_options *options,
                      size_t *ignored, sc_diag *diag)
{
	size_t not_owned = 0;

	if (!ignored)
		ignored = &not_owned;
	memset(view, 0, sizeof(*view));
	collect_sets(view, options);
	if (observed && observed->count) {
		view->members = sc_calloc(observed->count, sizeof(*view->members));
		for (size_t i = 0; i < observed->count; i++)
			collect_sandbox(view, &observed->items[i], ignored, diag);
		sort_members(view->members, view->member_count);
		drop_duplicates(view);
	}
	return collect_specs(view, specs, diag);
}

void sc_plan_view_release(sc_plan_view *view)
{
	free(view->sets);
	free(view->members);
	free(view->specs);
	memset(view, 0, sizeof(*view));
}

/* The first member whose set is not below set (lower bound). */
static size_t members_lower_bound(const sc_plan_view *view, const char *set)
{
	size_t lo = 0, hi = view->member_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (text_compare(view->members[mid].set, set) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t specs_lower_bound(const sc_plan_view *view, const char *set)
{
	size_t lo = 0, hi = view->spec_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(view->specs[mid]->set, set) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool sc_plan_view_set_has_spec(const sc_plan_view *view, const char *set)
{
	size_t at = specs_lower_bound(view, set);

	return at < view->spec_count && !strcmp(view->specs[at]->set, set);
}

bool sc_plan_view_set_has_member(const sc_plan_view *view, const char *set)
{
	size_t at = members_lower_bound(view, set);

	return at < view->member_count && !strcmp(view->members[at].set, set);
}

/* Whether the next group starts with the spec (else with the member). */
static int next_key(const sc_plan_view *view, size_t spec, size_t member)
{
	if (spec == view->spec_count)
		return 1;
	if (member == view->member_count)
		return -1;
	return sc_plan_key_compare(view->specs[spec]->set, view->specs[spec]->name,
	                           view->members[member].set, view->members[member].name);
}

void sc_plan_view_walk(const sc_plan_view *view, sc_plan_group_fn fn, void *ctx)
{
	size_t spec = 0, member = 0;

	while (spec < view->spec_count || member < view->member_count) {
		int cmp = next_key(view, spec, member);
		sc_plan_group group = {0};
		if (cmp <= 0) {
			group.spec = view->specs[spec++];
			group.set = group.spec->set;
			group.name = group.spec->name;
		} else {
			group.set = view->members[member].set;
			group.name = view->members[member].name;
		}
		group.members = view->members ? &view->members[member] : NULL;
		while (member < view->member_count &&
		       !sc_plan_key_compare(view->members[member].set,
		                            view->members[member].name, group.set,
		                            group.name)) {
			member++;
			group.count++;
		}
		fn(ctx, &group);
	}
}
