#include "spec/walk.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/mem.h"
#include "spec/syntax.h"

typedef struct keyed {
	const char *text;
	size_t index;
} keyed;

static int compare_keyed(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	int cmp = strcmp(x->text, y->text);
	if (cmp)
		return cmp;
	return x->index < y->index ? -1 : x->index > y->index;
}

char *sc_spec_path(const char *parent, const char *key)
{
	if (!parent || !*parent)
		return sc_strdup(key);
	return sc_asprintf("%s.%s", parent, key);
}

/*
 * Sorts (text, index) pairs and calls back for every later repeat with the
 * index of the first. O(n log n): a hostile map of many keys stays cheap.
 */
static void find_repeats(const char *const *texts, const bool *ignore, size_t count,
                         void (*report)(void *ctx, size_t first, size_t again), void *ctx)
{
	keyed *sorted = sc_malloc((count ? count : 1) * sizeof(*sorted));
	size_t n = 0;

	for (size_t i = 0; i < count; i++) {
		if (ignore && ignore[i])
			continue;
		sorted[n].text = texts[i];
		sorted[n].index = i;
		n++;
	}
	qsort(sorted, n, sizeof(*sorted), compare_keyed);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (strcmp(sorted[i].text, sorted[first].text)) {
			first = i;
			continue;
		}
		report(ctx, sorted[first].index, sorted[i].index);
	}
	free(sorted);
}

typedef struct key_check {
	sc_vctx *c;
	const char *path;
	const sc_yaml_node *map;
	bool *skip;
} key_check;

static void report_duplicate_key(void *ctx, size_t first, size_t again)
{
	key_check *k = ctx;
	const sc_yaml_node *a = sc_yaml_map_key(k->map, first);
	const sc_yaml_node *b = sc_yaml_map_key(k->map, again);
	char *path = sc_spec_path(k->path, b->text);

	sc_vctx_error(k->c, b, "%s: duplicate key (first at %u:%u)", path, a->line,
	              a->column);
	free(path);
	k->skip[again] = true;
}

bool *sc_spec_check_keys(sc_vctx *c, const char *path, const sc_yaml_node *map)
{
	size_t count = sc_yaml_map_size(map);
	bool *skip = sc_calloc(count ? count : 1, sizeof(*skip));
	const char **texts = sc_calloc(count ? count : 1, sizeof(*texts));

	for (size_t i = 0; i < count; i++) {
		const sc_yaml_node *key = sc_yaml_map_key(map, i);
		texts[i] = key->text ? key->text : "";
		if (key->kind != SC_YAML_SCALAR) {
			sc_vctx_error(c, key, "%s: keys must be strings, got %s",
			              *path ? path : "document", sc_spec_kind_name(key));
			skip[i] = true;
		} else if (strlen(key->text) != key->len) {
			sc_vctx_error(c, key, "%s: keys must not contain a NUL character",
			              *path ? path : "document");
			skip[i] = true;
		}
	}
	key_check k = {c, path, map, skip};
	bool *ignore = sc_malloc((count ? count : 1) * sizeof(*ignore));
	memcpy(ignore, skip, count * sizeof(*ignore));
	find_repeats(texts, ignore, count, report_duplicate_key, &k);
	free(ignore);
	free(texts);
	return skip;
}

bool sc_spec_expect_map(sc_vctx *c, const char *path, const sc_yaml_node *node)
{
	if (node->kind == SC_YAML_MAP)
		return true;
	if (sc_spec_is_null(node))
		return false;
	char *shown = sc_spec_show(node);
	sc_vctx_error(c, node, "%s: must be a mapping, got %s", path, shown);
	free(shown);
	return false;
}

/* The entry of elsewhere whose last part is key, or NULL. */
static const char *find_elsewhere(const char *key, const char *const *elsewhere)
{
	for (; elsewhere && *elsewhere; elsewhere++) {
		const char *last = strrchr(*elsewhere, '.');
		if (!strcasecmp(last ? last + 1 : *elsewhere, key))
			return *elsewhere;
	}
	return NULL;
}

/* Reports an unknown key, suggesting the nearest known one. */
static void unknown_key(sc_vctx *c, const char *path, const sc_yaml_node *key,
                        const sc_field *fields, size_t count,
                        const char *const *elsewhere)
{
	const char **names = sc_malloc(count * sizeof(*names));
	char *full = sc_spec_path(path, key->text);

	for (size_t i = 0; i < count; i++)
		names[i] = fields[i].key;
	const char *near = sc_spec_suggest(key->text, names, count);
	if (!near)
		near = find_elsewhere(key->text, elsewhere);
	if (near) {
		sc_vctx_error(c, key, "%s: unknown field, did you mean \"%s\"?", full,
		              near);
	} else {
		sc_buf known = SC_BUF_INIT;
		for (size_t i = 0; i < count; i++)
			sc_buf_printf(&known, "%s%s", i ? ", " : "", names[i]);
		sc_vctx_error(c, key, "%s: unknown field (known: %s)", full,
		              sc_buf_cstr(&known));
		sc_buf_release(&known);
	}
	free(full);
	free(names);
}

void sc_spec_walk(sc_vctx *c, const char *path, const sc_yaml_node *map,
                  const sc_field *fields, size_t count, void *target,
                  const sc_yaml_node **seen)
{
	sc_spec_walk_hinted(c, path, map, fields, count, target, seen, NULL);
}

void sc_spec_walk_hinted(sc_vctx *c, const char *path, const sc_yaml_node *map,
                         const sc_field *fields, size_t count, void *target,
                         const sc_yaml_node **seen, const char *const *elsewhere)
{
	bool *skip = sc_spec_check_keys(c, path, map);

	for (size_t f = 0; f < count; f++)
		seen[f] = NULL;
	for (size_t i = 0; i < sc_yaml_map_size(map); i++) {
		if (skip[i])
			continue;
		const sc_yaml_node *key = sc_yaml_map_key(map, i);
		size_t f = 0;
		while (f < count && strcmp(fields[f].key, key->text))
			f++;
		if (f == count) {
			unknown_key(c, path, key, fields, count, elsewhere);
			continue;
		}
		seen[f] = key;
		char *full = sc_spec_path(path, key->text);
		fields[f].read(c, full, sc_yaml_map_value(map, i), target);
		free(full);
	}
	free(skip);
}

typedef struct unique_check {
	sc_vctx *c;
	const char *const *items;
	const sc_yaml_node *const *nodes;
	char *const *paths;
	const char *what;
} unique_check;

static void report_repeat(void *ctx, size_t first, size_t again)
{
	unique_check *u = ctx;

	sc_vctx_error(u->c, u->nodes[again], "%s: %s \"%s\" is repeated (first at %u:%u)",
	              u->paths[again], u->what, u->items[again], u->nodes[first]->line,
	              u->nodes[first]->column);
}

void sc_spec_check_unique(sc_vctx *c, const char *const *items,
                          const sc_yaml_node *const *nodes, char *const *paths,
                          size_t count, const char *what)
{
	unique_check u = {c, items, nodes, paths, what};
	find_repeats(items, NULL, count, report_repeat, &u);
}
