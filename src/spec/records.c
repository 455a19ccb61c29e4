/*
 * RECORDS fields: a sequence of mappings, each read with the record's own
 * field table (volumeMounts), and no value of a UNIQUE field twice among
 * them. Private to src/spec/.
 */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "spec/private/keys.h"
#include "spec/private/walk.h"

/* Frees the strings a record holds (its STRING fields). */
static void release_record(const sc_field *f, void *record)
{
	for (size_t i = 0; i < f->field_count; i++) {
		const sc_field *sub = &f->fields[i];
		if (sub->type == SC_FIELD_STRING) {
			char **slot = SC_FIELD_SLOT(record, sub, char *);
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

	if (sc_walk_from_reference(node)) {
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
		u.values[i] =
		    *SC_FIELD_SLOT(records + i * f->record_size, sub, const char *);
		u.paths[i] = sc_asprintf("%s[%zu].%s", path, kept[i].index, sub->key);
		u.nodes[i] = record_node(w, &kept[i], sub->key);
	}
	sc_spec_find_repeats(u.values, NULL, count, report_repeat, &u);
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
bool sc_walk_records(sc_walker *w, const char *path, const sc_field *f,
                     const sc_yaml_node *value, void *target)
{
	bool ok;

	if (!sc_walk_expect_sequence(w, path, f, value, &ok))
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
	*SC_FIELD_SLOT(target, f, char *) = records;
	*(size_t *)((char *)target + f->count_offset) = count;
	return ok;
}
