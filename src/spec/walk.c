#include "spec/walk.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/kv.h"
#include "common/mem.h"
#include "spec/expand.h"
#include "spec/syntax.h"

#define RESERVED_PREFIX "sc-apply/"
#define LABEL_RULE                                                                       \
	"at most 63 of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a "     \
	"letter or digit"

/* Where a field's value goes: target plus the field's offset. */
#define SLOT(target, f, type) ((type *)((char *)(target) + (f)->offset))

void sc_walker_init(sc_walker *w, const char *file, const sc_spec_load_options *options,
                    sc_diag *diag, const sc_field *root, size_t root_count)
{
	memset(w, 0, sizeof(*w));
	w->c.file = file;
	w->c.options = options;
	w->c.diag = diag;
	w->root = root;
	w->root_count = root_count;
}

void sc_walker_release(sc_walker *w)
{
	for (size_t i = 0; i < w->found_count; i++)
		free(w->found[i].path);
	free(w->found);
	w->found = NULL;
	w->found_count = 0;
}

char *sc_spec_path(const char *parent, const char *key)
{
	if (!parent || !*parent)
		return sc_strdup(key);
	return sc_asprintf("%s.%s", parent, key);
}

const sc_found *sc_walk_found(const sc_walker *w, const char *path)
{
	for (size_t i = 0; i < w->found_count; i++) {
		if (!strcmp(w->found[i].path, path))
			return &w->found[i];
	}
	return NULL;
}

static bool from_reference(const sc_yaml_node *node)
{
	return node->kind == SC_YAML_SCALAR &&
	       sc_spec_has_reference(node->text, node->len);
}

void sc_walk_rule_error(sc_vctx *c, const char *path, const sc_yaml_node *node,
                        const char *value, const char *must)
{
	char *written = sc_spec_show(node);
	sc_buf shown = SC_BUF_INIT;

	if (from_reference(node)) {
		/* The value may be a secret the user never meant to print. */
		sc_vctx_error(c, node, "%s: %s, got a value from %s (not shown)", path,
		              must, written);
	} else {
		sc_spec_quote(&shown, value, strlen(value));
		if (strcmp(written, sc_buf_cstr(&shown)) != 0)
			sc_vctx_error(c, node, "%s: %s, got %s (from %s)", path, must,
			              sc_buf_cstr(&shown), written);
		else
			sc_vctx_error(c, node, "%s: %s, got %s", path, must, written);
	}
	sc_buf_release(&shown);
	free(written);
}

/* ---- keys ---- */

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

/*
 * Checks the keys of map: every key a string without NUL, none twice (the
 * later one is reported, naming the first's place). Returns a malloc'd
 * array of sc_yaml_map_size(map) flags, true for pairs to skip.
 */
static bool *check_keys(sc_vctx *c, const char *path, const sc_yaml_node *map)
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
	find_repeats(texts, ignore, count, report_duplicate_key, &k);
	free(ignore);
	free(texts);
	return skip;
}

/*
 * Whether node is a mapping; reports "path: must be a mapping" otherwise.
 * A null node is no mapping and no error: the caller treats it as absent.
 */
static bool expect_map(sc_vctx *c, const char *path, const sc_yaml_node *node)
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

/* ---- suggestions for unknown keys ---- */

/*
 * The full path of a field of the table (not a top-level one, none inside
 * a sequence) whose key is key but for case, or NULL: where a key written
 * at the wrong level belongs.
 */
static const char *belongs_at(const sc_field *fields, size_t count, const char *parent,
                              const char *key, char **out)
{
	for (size_t i = 0; i < count && !*out; i++) {
		const sc_field *f = &fields[i];
		char *path = sc_spec_path(parent, f->key);
		if (*parent && !strcasecmp(f->key, key))
			*out = path;
		else if (f->type == SC_FIELD_GROUP)
			belongs_at(f->fields, f->field_count, path, key, out);
		if (*out != path)
			free(path);
	}
	return *out;
}

static void unknown_key(sc_walker *w, const char *path, const sc_yaml_node *key,
                        const sc_field *fields, size_t count)
{
	const char **names = sc_malloc((count ? count : 1) * sizeof(*names));
	char *full = sc_spec_path(path, key->text);
	char *elsewhere = NULL;

	for (size_t i = 0; i < count; i++)
		names[i] = fields[i].key;
	const char *near = sc_spec_suggest(key->text, names, count);
	if (!near)
		near = belongs_at(w->root, w->root_count, "", key->text, &elsewhere);
	if (near) {
		sc_vctx_error(&w->c, key, "%s: unknown field, did you mean \"%s\"?", full,
		              near);
	} else {
		sc_buf known = SC_BUF_INIT;
		for (size_t i = 0; i < count; i++)
			sc_buf_printf(&known, "%s%s", i ? ", " : "", names[i]);
		sc_vctx_error(&w->c, key, "%s: unknown field (known: %s)", full,
		              sc_buf_cstr(&known));
		sc_buf_release(&known);
	}
	free(elsewhere);
	free(full);
	free(names);
}

/* ---- values, by type ---- */

static bool read_value(sc_walker *w, const char *path, const sc_field *f,
                       const sc_yaml_node *key, const sc_yaml_node *value, void *target);

/* A string that passes rule (when there is one); malloc'd, or NULL. */
static char *read_checked(sc_walker *w, const char *path, const sc_yaml_node *value,
                          const sc_rule *rule)
{
	char *s = sc_spec_read_string(&w->c, path, value, 0);

	if (!s || !rule || rule->ok(s))
		return s;
	if (rule->without_value)
		sc_vctx_error(&w->c, value, "%s: %s", path, rule->must);
	else
		sc_walk_rule_error(&w->c, path, value, s, rule->must);
	free(s);
	return NULL;
}

static bool read_const(sc_walker *w, const char *path, const sc_field *f,
                       const sc_yaml_node *value)
{
	char *s = sc_spec_read_string(&w->c, path, value, 0);
	bool ok = s && !strcmp(s, f->words[0]);

	if (s && !ok) {
		char *shown = sc_spec_show(value);
		sc_vctx_error(&w->c, value, "%s: must be \"%s\", got %s", path,
		              f->words[0], shown);
		free(shown);
	}
	free(s);
	return ok;
}

static bool read_string(sc_walker *w, const char *path, const sc_field *f,
                        const sc_yaml_node *value, void *target)
{
	char *s = read_checked(w, path, value, f->rule);
	char **slot = SLOT(target, f, char *);

	if (!s)
		return false;
	free(*slot);
	*slot = s;
	return true;
}

/*
 * Whether value is a sequence to read. Null is an empty one (*ok stays
 * true); anything else is an error.
 */
static bool expect_sequence(sc_walker *w, const char *path, const sc_field *f,
                            const sc_yaml_node *value, bool *ok)
{
	*ok = true;
	if (value->kind == SC_YAML_SEQ)
		return true;
	if (sc_spec_is_null(value))
		return false;
	char *shown = sc_spec_show(value);
	sc_vctx_error(&w->c, value, "%s: must be a sequence of %s, got %s", path,
	              f->shape, shown);
	free(shown);
	*ok = false;
	return false;
}

static bool read_strings(sc_walker *w, const char *path, const sc_field *f,
                         const sc_yaml_node *value, void *target)
{
	sc_strlist *list = SLOT(target, f, sc_strlist);
	bool ok;

	if (!expect_sequence(w, path, f, value, &ok))
		return ok;
	for (size_t i = 0; i < value->count; i++) {
		char *item_path = sc_asprintf("%s[%zu]", path, i);
		char *s = read_checked(w, item_path, value->children[i], f->rule);
		if (s)
			sc_spec_strlist_push(list, s);
		else
			ok = false;
		free(item_path);
	}
	return ok;
}

static bool read_label(sc_walker *w, const char *path, const sc_yaml_node *key,
                       const sc_yaml_node *value, sc_kv *labels)
{
	sc_vctx *c = &w->c;
	char *full = sc_spec_path(path, key->text);
	bool ok = false;

	if (!strncmp(key->text, RESERVED_PREFIX, strlen(RESERVED_PREFIX))) {
		sc_vctx_error(c, key,
		              "%s: the prefix %s is reserved for sc-apply's own labels",
		              full, RESERVED_PREFIX);
	} else if (!sc_spec_is_label_key(key->text)) {
		char *shown = sc_spec_show(key);
		sc_vctx_error(c, key,
		              "%s: invalid label key %s: must be [prefix/]name, the "
		              "prefix a DNS subdomain of at most 253 characters, the "
		              "name " LABEL_RULE,
		              path, shown);
		free(shown);
	} else {
		char *s = sc_spec_read_string(c, full, value, SC_STR_LOOSE);
		if (s && !sc_spec_is_label_value(s)) {
			sc_walk_rule_error(
			    c, full, value, s,
			    "must be a label value: empty, or " LABEL_RULE);
		} else if (s) {
			sc_kv_set(labels, key->text, s);
			ok = true;
		}
		free(s);
	}
	free(full);
	return ok;
}

static bool read_env_var(sc_walker *w, const char *path, const sc_yaml_node *key,
                         const sc_yaml_node *value, sc_kv *env)
{
	sc_vctx *c = &w->c;

	if (!sc_spec_is_env_name(key->text)) {
		/* A name with '=' may be "KEY=secret" written as a key: not shown. */
		char *shown = strchr(key->text, '=')
		                  ? sc_strdup("(a name containing '=')")
		                  : sc_spec_show(key);
		sc_vctx_error(c, key,
		              "%s: invalid name %s: must match [A-Za-z_][A-Za-z0-9_]*",
		              path, shown);
		free(shown);
		return false;
	}
	char *full = sc_spec_path(path, key->text);
	char *s = sc_spec_read_string(c, full, value, SC_STR_LOOSE | SC_STR_SECRET);
	if (s)
		sc_kv_set(env, key->text, s);
	free(s);
	free(full);
	return s != NULL;
}

/* LABELS and ENV: a free mapping, each pair read on its own. */
static bool read_free_map(sc_walker *w, const char *path, const sc_field *f,
                          const sc_yaml_node *value, void *target)
{
	sc_kv *kv = SLOT(target, f, sc_kv);
	bool ok = true;

	if (f->type == SC_FIELD_ENV && value->kind == SC_YAML_SCALAR &&
	    !sc_spec_is_null(value)) {
		/* Not shown: `envVars: "KEY=sk-..."` would print the secret. */
		sc_vctx_error(&w->c, value,
		              "%s: must be a mapping of NAME: value, got a scalar (its "
		              "text is not shown: it may hold a secret)",
		              path);
		return false;
	}
	if (!expect_map(&w->c, path, value))
		return sc_spec_is_null(value);
	bool *skip = check_keys(&w->c, path, value);
	for (size_t i = 0; i < sc_yaml_map_size(value); i++) {
		const sc_yaml_node *k = sc_yaml_map_key(value, i);
		const sc_yaml_node *v = sc_yaml_map_value(value, i);
		if (skip[i])
			ok = false;
		else if (f->type == SC_FIELD_ENV ? !read_env_var(w, path, k, v, kv)
		                                 : !read_label(w, path, k, v, kv))
			ok = false;
	}
	free(skip);
	return ok;
}

/* Frees the strings a record holds (its STRING fields). */
static void release_record(const sc_field *f, void *record)
{
	for (size_t i = 0; i < f->field_count; i++) {
		const sc_field *sub = &f->fields[i];
		if (sub->type == SC_FIELD_STRING) {
			char **slot = SLOT(record, sub, char *);
			free(*slot);
			*slot = NULL;
		}
	}
}

/* A record read whole: its index in the sequence and its found entries. */
typedef struct kept_record {
	size_t index;
	size_t found_from, found_to;
} kept_record;

/* The values of one UNIQUE field in the kept records, for find_repeats. */
typedef struct unique_check {
	sc_vctx *c;
	const char *key;
	char **paths;
	const char **values;
	const sc_yaml_node **nodes;
} unique_check;

static void report_repeat(void *ctx, size_t first, size_t again)
{
	unique_check *u = ctx;
	const sc_yaml_node *node = u->nodes[again];

	if (from_reference(node)) {
		char *written = sc_spec_show(node);
		sc_vctx_error(u->c, node,
		              "%s: %s (a value from %s, not shown) is repeated (first "
		              "at %u:%u)",
		              u->paths[again], u->key, written, u->nodes[first]->line,
		              u->nodes[first]->column);
		free(written);
		return;
	}
	sc_vctx_error(u->c, node, "%s: %s \"%s\" is repeated (first at %u:%u)",
	              u->paths[again], u->key, u->values[again], u->nodes[first]->line,
	              u->nodes[first]->column);
}

/* The value node of field key among the found entries of record r. */
static const sc_yaml_node *record_node(const sc_walker *w, const kept_record *r,
                                       const char *key)
{
	for (size_t i = r->found_from; i < r->found_to; i++) {
		const char *dot = strrchr(w->found[i].path, '.');
		if (dot && !strcmp(dot + 1, key))
			return w->found[i].value;
	}
	return NULL;
}

/* Reports each value of the UNIQUE field sub that an earlier kept record has. */
static void check_unique(sc_walker *w, const char *path, const sc_field *f,
                         const sc_field *sub, const char *records,
                         const kept_record *kept, size_t count)
{
	unique_check u = {&w->c, sub->key, sc_calloc(count + 1, sizeof(char *)),
	                  sc_calloc(count + 1, sizeof(char *)),
	                  sc_calloc(count + 1, sizeof(sc_yaml_node *))};

	for (size_t i = 0; i < count; i++) {
		u.values[i] = *SLOT(records + i * f->record_size, sub, const char *);
		u.paths[i] = sc_asprintf("%s[%zu].%s", path, kept[i].index, sub->key);
		u.nodes[i] = record_node(w, &kept[i], sub->key);
	}
	find_repeats(u.values, NULL, count, report_repeat, &u);
	for (size_t i = 0; i < count; i++)
		free(u.paths[i]);
	free(u.paths);
	free(u.values);
	free(u.nodes);
}

/*
 * One item of a RECORDS sequence into record; whether it was read whole.
 * A record with any error is cleared, to be dropped.
 */
static bool read_record(sc_walker *w, const char *path, const sc_field *f,
                        const sc_yaml_node *item, char *record)
{
	bool failed_before = w->c.failed;

	if (item->kind != SC_YAML_MAP) {
		char *shown = sc_spec_show(item);
		sc_vctx_error(&w->c, item, "%s: must be a mapping %s, got %s", path,
		              f->shape, shown);
		free(shown);
		return false;
	}
	w->c.failed = false;
	sc_walk_map(w, path, item, item, f->fields, f->field_count, record);
	bool whole = !w->c.failed;
	w->c.failed = w->c.failed || failed_before;
	if (!whole) {
		release_record(f, record);
		memset(record, 0, f->record_size);
	}
	return whole;
}

/*
 * RECORDS: a sequence of mappings. Only records read whole are kept, so
 * the uniqueness checks see only whole ones.
 */
static bool read_records(sc_walker *w, const char *path, const sc_field *f,
                         const sc_yaml_node *value, void *target)
{
	bool ok;

	if (!expect_sequence(w, path, f, value, &ok))
		return ok;
	size_t n = value->count, count = 0;
	char *records = sc_calloc(n ? n : 1, f->record_size);
	kept_record *kept = sc_calloc(n ? n : 1, sizeof(*kept));

	for (size_t i = 0; i < n; i++) {
		char *item_path = sc_asprintf("%s[%zu]", path, i);
		size_t found_from = w->found_count;
		if (read_record(w, item_path, f, value->children[i],
		                records + count * f->record_size))
			kept[count++] = (kept_record){i, found_from, w->found_count};
		else
			ok = false;
		free(item_path);
	}
	for (size_t s = 0; s < f->field_count; s++) {
		if (f->fields[s].flags & SC_FIELD_UNIQUE)
			check_unique(w, path, f, &f->fields[s], records, kept, count);
	}
	free(kept);
	*SLOT(target, f, char *) = records;
	*(size_t *)((char *)target + f->count_offset) = count;
	return ok;
}

static bool read_value(sc_walker *w, const char *path, const sc_field *f,
                       const sc_yaml_node *key, const sc_yaml_node *value, void *target)
{
	switch (f->type) {
	case SC_FIELD_CONST:
		return read_const(w, path, f, value);
	case SC_FIELD_GROUP:
		if (value->kind == SC_YAML_MAP) {
			sc_walk_map(w, path, value, key, f->fields, f->field_count,
			            target);
			return true;
		}
		/* Absent or wrong, its required fields are still missing. */
		sc_walk_map(w, path, NULL, key, f->fields, f->field_count, target);
		return expect_map(&w->c, path, value) || sc_spec_is_null(value);
	case SC_FIELD_STRING:
		return read_string(w, path, f, value, target);
	case SC_FIELD_UINT:
		return sc_spec_read_uint(&w->c, path, value, f->min, f->max,
		                         SLOT(target, f, unsigned));
	case SC_FIELD_BOOL:
		return sc_spec_read_bool(&w->c, path, value, SLOT(target, f, bool));
	case SC_FIELD_ENUM: {
		int index =
		    sc_spec_read_enum(&w->c, path, value, f->words, f->word_count);
		if (index >= 0)
			*SLOT(target, f, int) = index;
		return index >= 0;
	}
	case SC_FIELD_STRINGS:
		return read_strings(w, path, f, value, target);
	case SC_FIELD_LABELS:
	case SC_FIELD_ENV:
		return read_free_map(w, path, f, value, target);
	case SC_FIELD_RECORDS:
		return read_records(w, path, f, value, target);
	}
	return false;
}

/* ---- maps ---- */

static void note_found(sc_walker *w, const char *path, const sc_yaml_node *key,
                       const sc_yaml_node *value, size_t *index)
{
	SC_GROW(w->found, w->found_count + 1, w->found_alloc);
	w->found[w->found_count] = (sc_found){sc_strdup(path), key, value, false};
	*index = w->found_count++;
}

static void report_missing(sc_walker *w, const char *path, const sc_field *f,
                           const sc_yaml_node *at)
{
	char *full = sc_spec_path(path, f->key);

	if (f->type == SC_FIELD_CONST)
		sc_vctx_error(&w->c, at, "%s: required (%s: %s)", full, f->key,
		              f->words[0]);
	else
		sc_vctx_error(&w->c, at, "%s: required%s", full, f->hint ? f->hint : "");
	free(full);
}

void sc_walk_map(sc_walker *w, const char *path, const sc_yaml_node *map,
                 const sc_yaml_node *at, const sc_field *fields, size_t count,
                 void *target)
{
	size_t pairs = map ? sc_yaml_map_size(map) : 0;
	bool *skip = map ? check_keys(&w->c, path, map) : NULL;
	bool *seen = sc_calloc(count ? count : 1, sizeof(*seen));

	for (size_t i = 0; i < pairs; i++) {
		if (skip[i])
			continue;
		const sc_yaml_node *key = sc_yaml_map_key(map, i);
		size_t f = 0;
		while (f < count && strcmp(fields[f].key, key->text))
			f++;
		if (f == count) {
			unknown_key(w, path, key, fields, count);
			continue;
		}
		seen[f] = true;
		char *full = sc_spec_path(path, key->text);
		size_t index;
		note_found(w, full, key, sc_yaml_map_value(map, i), &index);
		bool ok = read_value(w, full, &fields[f], key, sc_yaml_map_value(map, i),
		                     target);
		w->found[index].ok = ok;
		free(full);
	}
	for (size_t f = 0; f < count; f++) {
		if (!seen[f] && (fields[f].flags & SC_FIELD_REQUIRED))
			report_missing(w, path, &fields[f], at);
	}
	free(seen);
	free(skip);
}

void sc_walk_defaults(const sc_field *fields, size_t count, void *target)
{
	for (size_t i = 0; i < count; i++) {
		const sc_field *f = &fields[i];
		if (f->type == SC_FIELD_GROUP)
			sc_walk_defaults(f->fields, f->field_count, target);
		if (!(f->flags & SC_FIELD_DEFAULT))
			continue;
		switch (f->type) {
		case SC_FIELD_UINT:
			*SLOT(target, f, unsigned) = f->def;
			break;
		case SC_FIELD_BOOL:
			*SLOT(target, f, bool) = f->def != 0;
			break;
		case SC_FIELD_ENUM:
			*SLOT(target, f, int) = (int)f->def;
			break;
		case SC_FIELD_STRING:
			*SLOT(target, f, char *) = sc_strdup(f->def_text);
			break;
		default:
			break;
		}
	}
}
