/*
 * The spec loader: -f inputs (input.h) to YAML documents to specs.
 *
 * How the libraries divide the work. libcyaml 1.3.1 reports problems only
 * as log text, without a place, and cannot load free-form maps (labels,
 * envVars); libyaml keeps every place and accepts anything. So:
 *   - libyaml reads each document into a tree that keeps every node's
 *     line and column, the quoting of scalars, and duplicate keys
 *     (yaml_tree.h);
 *   - one table describes every field of a spec (schema.c, field.h): key,
 *     type, range or words, default, and where the value goes in sc_spec.
 *     One walk of the tree with that table (walk.c) checks each value,
 *     reports errors at file:line:col (unknown keys with a suggestion,
 *     duplicate keys, values out of range) and stores the value into the
 *     typed struct. Nothing is parsed twice and no YAML text is written
 *     to be read again, so the checks and the values cannot disagree;
 *   - libcyaml gets its schema from the same table and writes specs as
 *     YAML (yaml_out.c), where it fits: typed data out, no places needed.
 * cJSON and libcurl are not used here: they belong to src/api/.
 */
#include "spec/spec.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"
#include "spec/private/input.h"
#include "spec/private/validate.h"
#include "spec/private/yaml_tree.h"

/* One load call: where specs go, and where the names it added came from. */
typedef struct loader {
	sc_spec_list *out;
	size_t first;            /* out->items[first..] came from this call */
	sc_spec_origin *origins; /* of each of those */
	size_t origins_alloc;
	const sc_spec_load_options *options;
	sc_diag *diag;
	int result;
} loader;

static void loader_init(loader *l, sc_spec_list *out, const sc_spec_load_options *options,
                        sc_diag *diag)
{
	static const sc_spec_load_options none = {NULL, NULL, NULL};

	memset(l, 0, sizeof(*l));
	l->out = out;
	l->first = out->count;
	l->options = options ? options : &none;
	l->diag = diag;
}

static void loader_release(loader *l)
{
	for (size_t i = l->first; i < l->out->count; i++)
		sc_spec_origin_release(&l->origins[i - l->first]);
	free(l->origins);
}

static void push_spec(loader *l, sc_spec *spec, const sc_spec_origin *origin)
{
	sc_spec_list *out = l->out;
	size_t added = out->count - l->first;

	SC_GROW(out->items, out->count + 1, out->alloc);
	out->items[out->count++] = *spec;
	SC_GROW(l->origins, added + 1, l->origins_alloc);
	l->origins[added] = *origin;
}

/* The documents of one file's text, validated and appended. */
static void load_documents(loader *l, const char *file, const char *text, size_t len)
{
	sc_yaml_reader reader;

	sc_yaml_reader_init(&reader, file, text, len);
	for (;;) {
		sc_yaml_node *root = NULL;
		int got = sc_yaml_reader_next(&reader, &root, l->diag);
		if (got == 0)
			break;
		if (got < 0) {
			l->result = -1;
			continue;
		}
		if (!root)
			continue;
		sc_spec spec;
		sc_spec_origin origin;
		if (sc_spec_validate(&spec, &origin, root, file, l->options, l->diag) ==
		    0)
			push_spec(l, &spec, &origin);
		else
			l->result = -1;
		sc_yaml_node_free(root);
	}
	sc_yaml_reader_release(&reader);
}

typedef struct ranked {
	sc_diag_entry entry;
	size_t index;
} ranked;

static int compare_ranked(const void *a, const void *b)
{
	const ranked *x = a, *y = b;

	if (x->entry.line != y->entry.line)
		return x->entry.line < y->entry.line ? -1 : 1;
	if (x->entry.column != y->entry.column)
		return x->entry.column < y->entry.column ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Orders the entries of one file from index from on by place, stably. */
static void sort_diag(sc_diag *diag, size_t from)
{
	size_t n = diag->count - from;
	if (n < 2)
		return;
	ranked *r = sc_malloc(n * sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		r[i].entry = diag->entries[from + i];
		r[i].index = i;
	}
	qsort(r, n, sizeof(*r), compare_ranked);
	for (size_t i = 0; i < n; i++)
		diag->entries[from + i] = r[i].entry;
	free(r);
}

static void load_one_text(loader *l, const char *file, const char *text, size_t len)
{
	size_t from = l->diag ? l->diag->count : 0;

	load_documents(l, file, text, len);
	if (l->diag)
		sort_diag(l->diag, from);
}

typedef struct named {
	const sc_spec *spec;
	size_t index;
} named;

static int compare_named(const void *a, const void *b)
{
	const named *x = a, *y = b;
	int cmp = strcmp(x->spec->set, y->spec->set);

	if (!cmp)
		cmp = strcmp(x->spec->name, y->spec->name);
	if (!cmp)
		cmp = x->index < y->index ? -1 : x->index > y->index;
	return cmp;
}

/* Where metadata.name of item i was written. */
static sc_source name_place(const loader *l, size_t i)
{
	if (i >= l->first)
		return l->origins[i - l->first].name_at;
	return l->out->items[i].where;
}

/* A name or set for a message: quoted, or where it came from when that was ${}. */
static char *shown_value(const char *value, const char *from)
{
	if (from)
		return sc_asprintf("(a value from %s, not shown)", from);
	return sc_asprintf("\"%s\"", value);
}

/*
 * Reports every name used twice in one set where the later one came from
 * this call. Sorting keeps it O(n log n) for thousands of specs.
 */
static void check_duplicate_names(loader *l)
{
	const sc_spec_list *list = l->out;
	size_t n = list->count;

	if (n < 2 || n == l->first)
		return;
	named *sorted = sc_malloc(n * sizeof(*sorted));
	for (size_t i = 0; i < n; i++) {
		sorted[i].spec = &list->items[i];
		sorted[i].index = i;
	}
	qsort(sorted, n, sizeof(*sorted), compare_named);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (compare_named(&(named){sorted[first].spec, 0},
		                  &(named){sorted[i].spec, 0})) {
			first = i;
			continue;
		}
		if (sorted[i].index < l->first)
			continue;
		sc_source was = name_place(l, sorted[first].index);
		sc_source again = name_place(l, sorted[i].index);
		const sc_spec_origin *origin = &l->origins[sorted[i].index - l->first];
		char *name = shown_value(sorted[i].spec->name, origin->name_from);
		char *set = shown_value(sorted[i].spec->set, origin->set_from);
		sc_diag_error(l->diag, again.file, again.line, again.column,
		              "metadata.name: duplicate name %s in set %s (first at "
		              "%s:%u:%u)",
		              name, set, was.file, was.line, was.column);
		free(name);
		free(set);
		l->result = -1;
	}
	free(sorted);
}

/* Each text the input reader hands over. */
static void on_text(void *ctx, const char *file, const char *text, size_t len)
{
	load_one_text(ctx, file, text, len);
}

static void load_path(loader *l, const char *path)
{
	if (sc_spec_input_read(path, on_text, l, l->diag))
		l->result = -1;
}

int sc_spec_load_paths(sc_spec_list *out, const char *const *paths, size_t path_count,
                       const sc_spec_load_options *options, sc_diag *diag)
{
	loader l;

	loader_init(&l, out, options, diag);
	for (size_t i = 0; i < path_count; i++)
		load_path(&l, paths[i]);
	check_duplicate_names(&l);
	loader_release(&l);
	return l.result;
}

int sc_spec_load_text(sc_spec_list *out, const char *file, const char *text, size_t len,
                      const sc_spec_load_options *options, sc_diag *diag)
{
	loader l;

	loader_init(&l, out, options, diag);
	load_one_text(&l, file ? file : SC_SPEC_STDIN_NAME, text ? text : "",
	              text ? len : 0);
	check_duplicate_names(&l);
	loader_release(&l);
	return l.result;
}
