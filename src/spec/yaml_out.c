/*
 * Specs written as YAML by libcyaml, with a schema made from the field
 * table (field.h): the same description that reads a spec writes it, so a
 * field added to the table is written too.
 *
 * libcyaml wants a schema whose mappings have fixed keys; labels and
 * envVars are free maps, so the schema is made for each spec, with a key
 * per pair. Strings are written double-quoted and with each $ doubled, so
 * that what is written loads back as the same spec. envVars values are
 * secrets: each is written as SC_SPEC_SECRET_MARK, never its value.
 */
#include <stdlib.h>
#include <string.h>

#include <cyaml/cyaml.h>

#include "common/buf.h"
#include "common/mem.h"
#include "spec/private/field.h"
#include "spec/spec.h"

#define MAX_CONSTS 4

/* What libcyaml reads one document from: the constants, then the spec. */
#define MAX_TEXTS 4

typedef struct doc_view {
	char *consts[MAX_CONSTS];
	sc_spec spec;
	char *texts[MAX_TEXTS]; /* numbers written as text ("25%"); after spec: see field_schema */
} doc_view;

/* Everything made for one document's schema and view, freed together. */
typedef struct arena {
	void **blocks;
	size_t count;
	size_t alloc;
	size_t consts; /* CONST fields given a slot so far */
	size_t texts;  /* doc_view texts used so far */
	doc_view *view;
} arena;

static void *arena_calloc(arena *a, size_t n, size_t size)
{
	void *p = sc_calloc(n ? n : 1, size);
	SC_GROW(a->blocks, a->count + 1, a->alloc);
	a->blocks[a->count++] = p;
	return p;
}

static char *arena_keep(arena *a, char *p)
{
	SC_GROW(a->blocks, a->count + 1, a->alloc);
	a->blocks[a->count++] = p;
	return p;
}

static void arena_release(arena *a)
{
	for (size_t i = 0; i < a->count; i++)
		free(a->blocks[i]);
	free(a->blocks);
	memset(a, 0, sizeof(*a));
}

/* s with each $ doubled, so that loading it back expands nothing. */
static char *escaped(arena *a, const char *s)
{
	sc_buf out = SC_BUF_INIT;

	if (!s)
		return NULL;
	for (; *s; s++) {
		if (*s == '$')
			sc_buf_putc(&out, '$');
		sc_buf_putc(&out, *s);
	}
	return arena_keep(a, sc_buf_detach(&out));
}

static const cyaml_schema_value_t string_value = {
    .type = CYAML_STRING,
    .flags = CYAML_FLAG_POINTER | CYAML_FLAG_SCALAR_QUOTE_DOUBLE,
    .data_size = sizeof(char),
    .string = {0, CYAML_UNLIMITED},
};

/* The schema of the free map kv: a key per pair, every value a string. */
static void free_map_schema(arena *a, cyaml_schema_value_t *value, const sc_kv *kv)
{
	cyaml_schema_field_t *fields = arena_calloc(a, kv->count + 1, sizeof(*fields));

	for (size_t i = 0; i < kv->count; i++) {
		fields[i].key = kv->pairs[i].key;
		fields[i].data_offset =
		    (uint32_t)(i * sizeof(sc_kv_pair) + offsetof(sc_kv_pair, value));
		fields[i].value = string_value;
	}
	value->type = CYAML_MAPPING;
	value->flags = CYAML_FLAG_POINTER;
	value->data_size = (uint32_t)(kv->count * sizeof(sc_kv_pair));
	value->mapping.fields = fields;
}

static const cyaml_schema_field_t *fields_schema(arena *a, const sc_field *fields,
                                                 size_t count, size_t base,
                                                 const sc_spec *spec);

/* The enum words of f as libcyaml's string/value pairs. */
static const cyaml_strval_t *enum_words(arena *a, const sc_field *f)
{
	cyaml_strval_t *words = arena_calloc(a, f->word_count, sizeof(*words));

	for (size_t i = 0; i < f->word_count; i++) {
		words[i].str = f->words[i];
		words[i].val = (int64_t)i;
	}
	return words;
}

/* One field of the table as a libcyaml field; base is its struct's place. */
static void field_schema(arena *a, cyaml_schema_field_t *out, const sc_field *f,
                         size_t base, const sc_spec *spec)
{
	cyaml_schema_value_t *v = &out->value;

	out->key = f->key;
	out->data_offset = (uint32_t)(base + f->offset);
	switch (f->type) {
	case SC_FIELD_CONST:
		out->data_offset = (uint32_t)offsetof(doc_view, consts[a->consts++]);
		*v = string_value;
		break;
	case SC_FIELD_GROUP:
		out->data_offset = (uint32_t)base;
		v->type = CYAML_MAPPING;
		v->data_size = sizeof(sc_spec);
		v->mapping.fields = fields_schema(a, f->fields, f->field_count, 0, spec);
		break;
	case SC_FIELD_STRING:
		*v = string_value;
		v->flags |= CYAML_FLAG_OPTIONAL;
		break;
	case SC_FIELD_UINT:
		if ((f->flags & SC_FIELD_PERCENT) && a->texts < MAX_TEXTS &&
		    *(const bool *)((const char *)spec + f->percent_offset)) {
			/*
			 * A percentage is written as it was read: "25%". Its text is
			 * kept after the spec in the view, and the field's offset is
			 * counted from where base counts (the spec's start), as for
			 * any field of the spec.
			 */
			char *text = arena_keep(a, sc_asprintf("%u%%", *(const unsigned *)(
			                                                  (const char *)spec + f->offset)));
			a->view->texts[a->texts] = text;
			out->data_offset = (uint32_t)(base + offsetof(doc_view, texts[a->texts++]) -
			                              offsetof(doc_view, spec));
			*v = string_value;
			break;
		}
		v->type = CYAML_UINT;
		v->data_size = sizeof(unsigned);
		break;
	case SC_FIELD_BOOL:
		v->type = CYAML_BOOL;
		v->data_size = sizeof(bool);
		break;
	case SC_FIELD_ENUM:
		v->type = CYAML_ENUM;
		v->flags = CYAML_FLAG_STRICT;
		v->data_size = sizeof(int);
		v->enumeration.strings = enum_words(a, f);
		v->enumeration.count = (uint32_t)f->word_count;
		break;
	case SC_FIELD_STRINGS:
		out->data_offset =
		    (uint32_t)(base + f->offset + offsetof(sc_strlist, items));
		out->count_offset =
		    (uint32_t)(base + f->offset + offsetof(sc_strlist, count));
		out->count_size = sizeof(size_t);
		v->type = CYAML_SEQUENCE;
		v->flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL;
		v->data_size = sizeof(char *);
		v->sequence.entry = &string_value;
		v->sequence.max = CYAML_UNLIMITED;
		break;
	case SC_FIELD_LABELS:
	case SC_FIELD_ENV:
		out->data_offset = (uint32_t)(base + f->offset + offsetof(sc_kv, pairs));
		free_map_schema(a, v, (const sc_kv *)((const char *)spec + f->offset));
		v->flags |= CYAML_FLAG_OPTIONAL;
		break;
	case SC_FIELD_RECORDS: {
		cyaml_schema_value_t *entry = arena_calloc(a, 1, sizeof(*entry));
		entry->type = CYAML_MAPPING;
		entry->data_size = (uint32_t)f->record_size;
		entry->mapping.fields =
		    fields_schema(a, f->fields, f->field_count, 0, spec);
		out->count_offset = (uint32_t)(base + f->count_offset);
		out->count_size = sizeof(size_t);
		v->type = CYAML_SEQUENCE;
		v->flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL;
		v->data_size = (uint32_t)f->record_size;
		v->sequence.entry = entry;
		v->sequence.max = CYAML_UNLIMITED;
		break;
	}
	}
}

static const cyaml_schema_field_t *fields_schema(arena *a, const sc_field *fields,
                                                 size_t count, size_t base,
                                                 const sc_spec *spec)
{
	cyaml_schema_field_t *out = arena_calloc(a, count + 1, sizeof(*out));
	size_t n = 0;

	for (size_t i = 0; i < count; i++) {
		const sc_field *f = &fields[i];
		/* A group written only when the file had it: its presence means something. */
		if ((f->flags & SC_FIELD_PRESENCE) &&
		    !*(const bool *)((const char *)spec + f->present_offset))
			continue;
		field_schema(a, &out[n++], f, base, spec);
	}
	return out; /* ends with a zeroed entry: CYAML_FIELD_END */
}

/* Copies strings of fields in target with $ doubled; RECORDS copied whole. */
static void escape_fields(arena *a, const sc_field *fields, size_t count, void *target)
{
	for (size_t i = 0; i < count; i++) {
		const sc_field *f = &fields[i];
		char *at = (char *)target + f->offset;
		if (f->type == SC_FIELD_GROUP) {
			escape_fields(a, f->fields, f->field_count, target);
		} else if (f->type == SC_FIELD_STRING) {
			*(char **)at = escaped(a, *(char **)at);
		} else if (f->type == SC_FIELD_STRINGS) {
			sc_strlist *list = (sc_strlist *)at;
			char **items = arena_calloc(a, list->count, sizeof(*items));
			for (size_t k = 0; k < list->count; k++)
				items[k] = escaped(a, list->items[k]);
			list->items = items;
		} else if (f->type == SC_FIELD_RECORDS) {
			size_t n = *(size_t *)((char *)target + f->count_offset);
			char *copy = arena_calloc(a, n, f->record_size);
			if (n)
				memcpy(copy, *(char **)at, n * f->record_size);
			for (size_t k = 0; k < n; k++)
				escape_fields(a, f->fields, f->field_count,
				              copy + k * f->record_size);
			*(char **)at = copy;
		}
	}
}

/* The view libcyaml writes: constants, strings escaped, secrets replaced. */
static void make_view(arena *a, doc_view *view, const sc_spec *spec)
{
	size_t consts = 0;

	memset(view, 0, sizeof(*view));
	view->spec = *spec;
	for (size_t i = 0; i < sc_spec_document_field_count; i++) {
		const sc_field *f = &sc_spec_document_fields[i];
		if (f->type == SC_FIELD_CONST && consts < MAX_CONSTS)
			view->consts[consts++] = (char *)f->words[0];
	}
	escape_fields(a, sc_spec_document_fields, sc_spec_document_field_count,
	              &view->spec);
	sc_kv *env = &view->spec.env;
	sc_kv_pair *pairs = arena_calloc(a, env->count, sizeof(*pairs));
	for (size_t i = 0; i < env->count; i++) {
		pairs[i].key = env->pairs[i].key;
		pairs[i].value = (char *)SC_SPEC_SECRET_MARK;
	}
	env->pairs = pairs;
	sc_kv *labels = &view->spec.labels;
	sc_kv_pair *label_pairs = arena_calloc(a, labels->count, sizeof(*label_pairs));
	for (size_t i = 0; i < labels->count; i++) {
		label_pairs[i].key = labels->pairs[i].key;
		label_pairs[i].value = escaped(a, labels->pairs[i].value);
	}
	labels->pairs = label_pairs;
}

/* libcyaml logs only what the caller hears as one error; nothing to print. */
static void drop_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	(void)level;
	(void)ctx;
	(void)fmt;
	(void)args;
}

static const cyaml_config_t config = {
    .log_fn = drop_log,
    .mem_fn = cyaml_mem,
    .log_level = CYAML_LOG_ERROR,
    .flags = CYAML_CFG_STYLE_BLOCK | CYAML_CFG_DOCUMENT_DELIM | CYAML_CFG_NO_ALIAS,
};

static int write_one(sc_buf *out, const sc_spec *spec, sc_diag *diag)
{
	arena a = {0};
	doc_view view;
	cyaml_schema_value_t schema = {.type = CYAML_MAPPING,
	                               .flags = CYAML_FLAG_POINTER,
	                               .data_size = sizeof(doc_view)};
	char *text = NULL;
	size_t len = 0;

	make_view(&a, &view, spec);
	a.view = &view;
	schema.mapping.fields =
	    fields_schema(&a, sc_spec_document_fields, sc_spec_document_field_count,
	                  offsetof(doc_view, spec), spec);
	cyaml_err_t err = cyaml_save_data(&text, &len, &config, &schema, &view, 0);
	arena_release(&a);
	if (err != CYAML_OK)
		return sc_diag_error(
		    diag, spec->where.file, spec->where.line, spec->where.column,
		    "cannot write the spec as YAML: %s", cyaml_strerror(err));
	sc_buf_put(out, text, len);
	cyaml_mem(NULL, text, 0);
	return 0;
}

int sc_spec_write_yaml(sc_buf *out, const sc_spec_list *specs, sc_diag *diag)
{
	for (size_t i = 0; specs && i < specs->count; i++) {
		if (write_one(out, &specs->items[i], diag))
			return -1;
	}
	return 0;
}
