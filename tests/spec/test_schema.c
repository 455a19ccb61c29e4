/*
 * The field table (src/spec/schema.c) is the one description of a spec:
 * for every typed field in it, a document that writes the field loads
 * into the place the table names, a wrong value is an error at its
 * file:line:col naming the field's path, and a field not written holds the
 * table's default. A field added to the table is tested here with no new
 * test code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "spec/private/field.h"
#include "spec_test.h"

/* A document with one field written: head, then path's keys nested, then value. */
static char *document_with(const char *const *keys, size_t depth, const char *value,
                           unsigned *line, unsigned *column)
{
	sc_buf text = SC_BUF_INIT;
	bool in_metadata = !strcmp(keys[0], "metadata");

	sc_buf_puts(&text,
	            "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: web\n");
	*line = 5;
	if (!in_metadata) {
		sc_buf_printf(&text, "%s:\n", keys[0]);
		(*line)++;
	}
	for (size_t i = 1; i < depth; i++) {
		sc_buf_printf(&text, "%*s%s:", (int)(2 * i), "", keys[i]);
		if (i + 1 < depth) {
			sc_buf_puts(&text, "\n");
			(*line)++;
		}
	}
	*column = (unsigned)(2 * (depth - 1) + strlen(keys[depth - 1]) + 3);
	sc_buf_printf(&text, " %s\n", value);
	return sc_buf_detach(&text);
}

/* The dotted path of keys. */
static char *dotted(const char *const *keys, size_t depth)
{
	sc_buf out = SC_BUF_INIT;
	for (size_t i = 0; i < depth; i++)
		sc_buf_printf(&out, "%s%s", i ? "." : "", keys[i]);
	return sc_buf_detach(&out);
}

/* Loads text; *out gets its one spec (the caller releases it) when it loads. */
static int load_one(const char *text, sc_spec *out, char **errors)
{
	sc_spec_list list = {0};
	int r;

	*errors = test_load(&list, text, 1, &r);
	if (r == 0 && list.count == 1) {
		*out = list.items[0];
		list.count = 0; /* now out's */
	}
	sc_spec_list_release(&list);
	return r;
}

/* A value of f that is not its default, and one out of its range, as YAML. */
static void samples(const sc_field *f, char good[64], char bad[64], unsigned *want)
{
	switch (f->type) {
	case SC_FIELD_UINT:
		/* Small: renewBefore must stay below the default timeout. */
		*want = f->def == f->min + 1 ? f->min + 2 : f->min + 1;
		snprintf(good, 64, "%u", *want);
		snprintf(bad, 64, "%u", f->max + 1);
		break;
	case SC_FIELD_BOOL:
		*want = !f->def;
		snprintf(good, 64, "%s", *want ? "true" : "false");
		snprintf(bad, 64, "yes");
		break;
	case SC_FIELD_ENUM:
		*want = f->def == f->word_count - 1 ? 0 : f->word_count - 1;
		snprintf(good, 64, "%s", f->words[*want]);
		snprintf(bad, 64, "not-a-word");
		break;
	default:
		good[0] = bad[0] = '\0';
	}
}

static unsigned slot_value(const sc_field *f, const sc_spec *spec)
{
	switch (f->type) {
	case SC_FIELD_UINT:
		return *SC_FIELD_SLOT(spec, f, const unsigned);
	case SC_FIELD_BOOL:
		return *SC_FIELD_SLOT(spec, f, const bool);
	case SC_FIELD_ENUM:
		return (unsigned)*SC_FIELD_SLOT(spec, f, const int);
	default:
		return 0;
	}
}

static size_t checked;

/* Checks one typed field at keys[0..depth). */
static void check_field(const sc_field *f, const char *const *keys, size_t depth)
{
	char good[64], bad[64];
	unsigned want = 0, line, column;
	sc_spec spec;
	char *errors;
	char *path = dotted(keys, depth);

	samples(f, good, bad, &want);
	char *text = document_with(keys, depth, good, &line, &column);
	if (load_one(text, &spec, &errors) != 0 || *errors) {
		TEST_FAILURE("%s: %s did not load:\n%s", path, good, errors);
	} else {
		if (slot_value(f, &spec) != want)
			TEST_FAILURE("%s: %s loaded as %u", path, good,
			             slot_value(f, &spec));
		sc_spec_release(&spec);
	}
	free(errors);
	free(text);

	text = document_with(keys, depth, bad, &line, &column);
	char *want_place = malloc(strlen(path) + 64);
	sprintf(want_place, "t.yaml:%u:%u: error: %s: must be ", line, column, path);
	if (load_one(text, &spec, &errors) == 0)
		TEST_FAILURE("%s: %s loaded", path, bad);
	CHECK_CONTAINS(errors, want_place);
	free(want_place);
	free(errors);
	free(text);
	free(path);
	checked++;
}

/* Every typed field below fields, its keys so far in keys[0..depth). */
static void check_fields(const sc_field *fields, size_t count, const char **keys,
                         size_t depth)
{
	for (size_t i = 0; i < count; i++) {
		const sc_field *f = &fields[i];
		keys[depth] = f->key;
		if (f->type == SC_FIELD_GROUP)
			check_fields(f->fields, f->field_count, keys, depth + 1);
		else if (f->type == SC_FIELD_UINT || f->type == SC_FIELD_BOOL ||
		         f->type == SC_FIELD_ENUM)
			check_field(f, keys, depth + 1);
	}
}

TEST(every_typed_field_loads_where_the_table_says)
{
	const char *keys[8];

	check_fields(sc_spec_document_fields, sc_spec_document_field_count, keys, 0);
	/* replicas, state, timeout, renewBefore, 4 booleans, replace, readiness,
	 * 3 rollout, 2 network. */
	CHECK_INT(checked, 15);
}

/* A field not written holds the table's default. */
static void check_defaults(const sc_field *fields, size_t count, const sc_spec *spec)
{
	for (size_t i = 0; i < count; i++) {
		const sc_field *f = &fields[i];
		if (f->type == SC_FIELD_GROUP)
			check_defaults(f->fields, f->field_count, spec);
		else if (f->flags & SC_FIELD_DEFAULT && f->type == SC_FIELD_STRING)
			CHECK_STR(*SC_FIELD_SLOT(spec, f, char *const), f->def_text);
		else if (f->flags & SC_FIELD_DEFAULT && slot_value(f, spec) != f->def)
			TEST_FAILURE("%s is %u, its default is %u", f->key,
			             slot_value(f, spec), f->def);
	}
}

TEST(fields_not_written_hold_the_tables_defaults)
{
	sc_spec spec;
	char *errors;

	CHECK_INT(load_one(MINIMAL, &spec, &errors), 0);
	CHECK_STR(errors, "");
	check_defaults(sc_spec_document_fields, sc_spec_document_field_count, &spec);
	sc_spec_release(&spec);
	free(errors);
}

int main(void)
{
	RUN(every_typed_field_loads_where_the_table_says);
	RUN(fields_not_written_hold_the_tables_defaults);
	return test_summary();
}
