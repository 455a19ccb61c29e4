/*
 * Reading one value by its field's type (field.h) into the target: every
 * type but RECORDS (records.c). Private to src/spec/.
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/kv.h"
#include "common/mem.h"
#include "spec/private/expand.h"
#include "spec/private/keys.h"
#include "spec/private/syntax.h"
#include "spec/private/walk.h"

#define RESERVED_PREFIX "sc-apply/"
#define LABEL_RULE                                                                       \
	"at most 63 of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a "     \
	"letter or digit"

bool sc_walk_from_reference(const sc_yaml_node *node)
{
	return node->kind == SC_YAML_SCALAR &&
	       sc_spec_has_reference(node->text, node->len);
}

void sc_walk_rule_error(sc_vctx *c, const char *path, const sc_yaml_node *node,
                        const char *value, const char *must)
{
	char *written = sc_spec_show(node);
	sc_buf shown = SC_BUF_INIT;

	if (sc_walk_from_reference(node)) {
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

bool sc_walk_expect_sequence(sc_walker *w, const char *path, const sc_field *f,
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
	char **slot = SC_FIELD_SLOT(target, f, char *);

	if (!s)
		return false;
	free(*slot);
	*slot = s;
	return true;
}

static bool read_strings(sc_walker *w, const char *path, const sc_field *f,
                         const sc_yaml_node *value, void *target)
{
	sc_strlist *list = SC_FIELD_SLOT(target, f, sc_strlist);
	bool ok;

	if (!sc_walk_expect_sequence(w, path, f, value, &ok))
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
	sc_kv *kv = SC_FIELD_SLOT(target, f, sc_kv);
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
	if (!sc_spec_expect_map(&w->c, path, value))
		return sc_spec_is_null(value);
	bool *skip = sc_spec_check_keys(&w->c, path, value);
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

bool sc_walk_value(sc_walker *w, const char *path, const sc_field *f,
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
		return sc_spec_expect_map(&w->c, path, value) || sc_spec_is_null(value);
	case SC_FIELD_STRING:
		return read_string(w, path, f, value, target);
	case SC_FIELD_UINT:
		if ((f->flags & SC_FIELD_PERCENT) && sc_spec_is_percent(value)) {
			bool ok = sc_spec_read_percent(&w->c, path, value,
			                               SC_FIELD_SLOT(target, f, unsigned));
			*(bool *)((char *)target + f->percent_offset) = ok;
			return ok;
		}
		return sc_spec_read_uint(&w->c, path, value, f->min, f->max,
		                         SC_FIELD_SLOT(target, f, unsigned));
	case SC_FIELD_BOOL:
		return sc_spec_read_bool(&w->c, path, value,
		                         SC_FIELD_SLOT(target, f, bool));
	case SC_FIELD_ENUM: {
		int index =
		    sc_spec_read_enum(&w->c, path, value, f->words, f->word_count);
		if (index >= 0)
			*SC_FIELD_SLOT(target, f, int) = index;
		return index >= 0;
	}
	case SC_FIELD_STRINGS:
		return read_strings(w, path, f, value, target);
	case SC_FIELD_LABELS:
	case SC_FIELD_ENV:
		return read_free_map(w, path, f, value, target);
	case SC_FIELD_RECORDS:
		return sc_walk_records(w, path, f, value, target);
	}
	return false;
}
