#include "spec/private/keys.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

char *sc_spec_path(const char *parent, const char *key)
{
	if (!parent || !*parent)
		return sc_strdup(key);
	return sc_asprintf("%s.%s", parent, key);
}

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

/* Sorts (text, index) pairs: every repeat is next to its first. */
void sc_spec_find_repeats(const char *const *texts, const bool *ignore, size_t count,
                          void (*report)(void *ctx, size_t first, size_t again),
                          void *ctx)
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
	bool *ignore = sc_calloc(count ? count : 1, sizeof(*ignore));
	const char **texts = sc_calloc(count ? count : 1, sizeof(*texts));

	for (size_t i = 0; i < count; i++) {
		const sc_yaml_node *key = sc_yaml_map_key(map, i);
		texts[i] = key->text ? key->text : "";
		if (key->kind != SC_YAML_SCALAR) {
			sc_vctx_error(c, key, "%s: keys must be strings, got %s",
			              *path ? path : "document", sc_spec_kind_name(key));
			skip[i] = ignore[i] = true;
		} else if (strlen(key->text) != key->len) {
			sc_vctx_error(c, key, "%s: keys must not contain a NUL character",
			              *path ? path : "document");
			skip[i] = ignore[i] = true;
		}
	}
	key_check k = {c, path, map, skip};
	sc_spec_find_repeats(texts, ignore, count, report_duplicate_key, &k);
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
