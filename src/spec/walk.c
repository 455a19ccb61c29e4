#include "spec/private/walk.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/mem.h"
#include "spec/private/keys.h"
#include "spec/private/syntax.h"

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

const sc_found *sc_walk_found(const sc_walker *w, const char *path)
{
	for (size_t i = 0; i < w->found_count; i++) {
		if (!strcmp(w->found[i].path, path))
			return &w->found[i];
	}
	return NULL;
}

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
	bool *skip = map ? sc_spec_check_keys(&w->c, path, map) : NULL;
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
		if (fields[f].flags & SC_FIELD_PRESENCE)
			*(bool *)((char *)target + fields[f].present_offset) = true;
		char *full = sc_spec_path(path, key->text);
		size_t index;
		note_found(w, full, key, sc_yaml_map_value(map, i), &index);
		bool ok = sc_walk_value(w, full, &fields[f], key,
		                        sc_yaml_map_value(map, i), target);
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
			*SC_FIELD_SLOT(target, f, unsigned) = f->def;
			break;
		case SC_FIELD_BOOL:
			*SC_FIELD_SLOT(target, f, bool) = f->def != 0;
			break;
		case SC_FIELD_ENUM:
			*SC_FIELD_SLOT(target, f, int) = (int)f->def;
			break;
		case SC_FIELD_STRING:
			*SC_FIELD_SLOT(target, f, char *) = sc_strdup(f->def_text);
			break;
		default:
			break;
		}
	}
}
