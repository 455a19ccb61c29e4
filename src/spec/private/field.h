/*
 * The spec document described as data: one sc_field per field, with its
 * key, its type, its range or words, its default and where its value goes
 * in the struct. The same description validates a document (walk.h),
 * fills the typed sc_spec, and gives libcyaml its schema to write specs
 * as YAML (yaml_out.c). Adding a field is one entry in schema.c.
 * Private to src/spec/.
 */
#ifndef SC_SPEC_FIELD_H
#define SC_SPEC_FIELD_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	SC_FIELD_CONST,   /* a string that must be words[0] (apiVersion, kind); not stored
	                   */
	SC_FIELD_GROUP,   /* a mapping of fields, stored into the same target */
	SC_FIELD_STRING,  /* char *, after ${} expansion, checked by rule */
	SC_FIELD_UINT,    /* unsigned, min..max */
	SC_FIELD_BOOL,    /* bool: true or false only */
	SC_FIELD_ENUM,    /* an int-sized enum: the index of one of words */
	SC_FIELD_STRINGS, /* sc_strlist: a sequence of strings, each checked by rule */
	SC_FIELD_LABELS,  /* sc_kv: a free mapping of label keys to label values */
	SC_FIELD_ENV,     /* sc_kv: a free mapping of names to secret values */
	SC_FIELD_RECORDS, /* a pointer and a size_t count: a sequence of mappings */
} sc_field_type;

enum {
	SC_FIELD_REQUIRED = 1, /* absent is an error: "path: required" and hint */
	SC_FIELD_DEFAULT = 2,  /* def (or def_text) is stored before reading */
	SC_FIELD_UNIQUE = 4,   /* in RECORDS: no two records share this string */
	SC_FIELD_PRESENCE = 8, /* GROUP: the bool at present_offset says it was written;
	                          a spec written out leaves it out when not */
	SC_FIELD_PERCENT = 16, /* UINT: or "N%" (0% to 100%), which sets the bool at
	                          percent_offset */
};

/* A lexical rule of a string: the test, and what a message says it must be. */
typedef struct sc_rule {
	bool (*ok)(const char *s);
	const char *must;   /* "must be an absolute path" */
	bool without_value; /* say only must, not ", got X" */
} sc_rule;

typedef struct sc_field sc_field;
struct sc_field {
	const char *key;
	sc_field_type type;
	size_t offset; /* of the value in the target (RECORDS: of the pointer) */
	unsigned flags;
	const char *hint;         /* REQUIRED: said after "required", e.g. " (with name)";
	                             a CONST's is " (key: word)" */
	unsigned min, max;        /* UINT */
	const char *const *words; /* ENUM, CONST */
	size_t word_count;
	const sc_rule *rule;    /* STRING, STRINGS; NULL: any string */
	unsigned def;           /* DEFAULT: UINT, BOOL, ENUM */
	const char *def_text;   /* DEFAULT: STRING */
	const char *shape;      /* STRINGS, RECORDS: "{name, path}" for messages */
	const sc_field *fields; /* GROUP, RECORDS */
	size_t field_count;
	size_t record_size;  /* RECORDS */
	size_t count_offset; /* RECORDS: of the size_t count */
	size_t present_offset; /* PRESENCE: of the bool set when the key is written */
	size_t percent_offset; /* PERCENT: of the bool set when the value is a percentage */
};

/* Where field f's value is in target: a type *. */
#define SC_FIELD_SLOT(target, f, type) ((type *)((char *)(target) + (f)->offset))

/* The fields of a document's top level: apiVersion, kind, metadata, spec. */
extern const sc_field sc_spec_document_fields[];
extern const size_t sc_spec_document_field_count;

#endif
