#include "spec/skeleton.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include <cyaml/cyaml.h>

#include "common/buf.h"

/* What libcyaml fills in: a pointer per field, NULL when not written. */
typedef struct skel_network {
	bool *allow_public_traffic;
	bool *allow_internet_access;
} skel_network;

typedef struct skel_spec {
	unsigned *replicas;
	sc_spec_state *state;
	unsigned *timeout;
	unsigned *renew_before;
	bool *wait_ready;
	bool *auto_pause;
	bool *auto_resume;
	bool *protect;
	sc_replace_order *replace;
	skel_network *network;
} skel_spec;

static const cyaml_strval_t state_words[] = {
    {"running", SC_SPEC_RUNNING},
    {"paused", SC_SPEC_PAUSED},
};

static const cyaml_strval_t replace_words[] = {
    {"create-first", SC_REPLACE_CREATE_FIRST},
    {"delete-first", SC_REPLACE_DELETE_FIRST},
};

#define OPT (CYAML_FLAG_OPTIONAL | CYAML_FLAG_POINTER)

static const cyaml_schema_field_t network_fields[] = {
    CYAML_FIELD_BOOL_PTR("allowPublicTraffic", OPT, skel_network, allow_public_traffic),
    CYAML_FIELD_BOOL_PTR("allowInternetAccess", OPT, skel_network, allow_internet_access),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t spec_fields[] = {
    CYAML_FIELD_UINT_PTR("replicas", OPT, skel_spec, replicas),
    CYAML_FIELD_ENUM_PTR("state", OPT | CYAML_FLAG_STRICT, skel_spec, state, state_words,
                         CYAML_ARRAY_LEN(state_words)),
    CYAML_FIELD_UINT_PTR("timeout", OPT, skel_spec, timeout),
    CYAML_FIELD_UINT_PTR("renewBefore", OPT, skel_spec, renew_before),
    CYAML_FIELD_BOOL_PTR("waitReady", OPT, skel_spec, wait_ready),
    CYAML_FIELD_BOOL_PTR("autoPause", OPT, skel_spec, auto_pause),
    CYAML_FIELD_BOOL_PTR("autoResume", OPT, skel_spec, auto_resume),
    CYAML_FIELD_BOOL_PTR("protect", OPT, skel_spec, protect),
    CYAML_FIELD_ENUM_PTR("replace", OPT | CYAML_FLAG_STRICT, skel_spec, replace,
                         replace_words, CYAML_ARRAY_LEN(replace_words)),
    CYAML_FIELD_MAPPING_PTR("network", OPT, skel_spec, network, network_fields),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t spec_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, skel_spec, spec_fields),
};

/* libcyaml's messages have no place; the libyaml pass already said it all. */
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
    .flags = CYAML_CFG_NO_ALIAS,
};

/* The value of key in map, or NULL. */
static const sc_yaml_node *lookup(const sc_yaml_node *map, const char *key)
{
	if (!map || map->kind != SC_YAML_MAP)
		return NULL;
	for (size_t i = 0; i < sc_yaml_map_size(map); i++) {
		const sc_yaml_node *k = sc_yaml_map_key(map, i);
		if (k->kind == SC_YAML_SCALAR && !strcmp(k->text, key))
			return sc_yaml_map_value(map, i);
	}
	return NULL;
}

/* Appends "indent key: value" for each scalar schema field written in map. */
static void emit_fields(sc_buf *out, const sc_yaml_node *map,
                        const cyaml_schema_field_t *fields, const char *indent)
{
	for (const cyaml_schema_field_t *f = fields; f->key; f++) {
		const sc_yaml_node *value = lookup(map, f->key);
		if (f->value.type == CYAML_MAPPING || !value ||
		    value->kind != SC_YAML_SCALAR)
			continue;
		/* Validated already: plain digits, true/false or an enum word. */
		sc_buf_printf(out, "%s%s: %s\n", indent, f->key, value->text);
	}
}

/* The skeleton of root as YAML text: only the fields libcyaml loads. */
static void emit_skeleton(sc_buf *out, const sc_yaml_node *root)
{
	const sc_yaml_node *spec = lookup(root, "spec");
	sc_buf network = SC_BUF_INIT;

	emit_fields(out, spec, spec_fields, "");
	emit_fields(&network, lookup(spec, "network"), network_fields, "  ");
	if (network.len) {
		sc_buf_puts(out, "network:\n");
		sc_buf_put(out, network.data, network.len);
	}
	sc_buf_release(&network);
	if (!out->len)
		sc_buf_puts(out, "{}\n");
}

/* Stores what the skeleton holds into spec. */
static void apply(sc_spec *spec, const skel_spec *s)
{
	if (s->replicas)
		spec->replicas = *s->replicas;
	if (s->state)
		spec->state = *s->state;
	if (s->timeout)
		spec->timeout = *s->timeout;
	spec->timeout_defaulted = !s->timeout;
	if (s->renew_before)
		spec->renew_before = *s->renew_before;
	spec->renew_before_defaulted = !s->renew_before;
	if (s->wait_ready)
		spec->wait_ready = *s->wait_ready;
	if (s->auto_pause)
		spec->auto_pause = *s->auto_pause;
	if (s->auto_resume)
		spec->auto_resume = *s->auto_resume;
	if (s->protect)
		spec->protect = *s->protect;
	if (s->replace)
		spec->replace = *s->replace;
	if (s->network && s->network->allow_public_traffic)
		spec->network.allow_public_traffic = *s->network->allow_public_traffic;
	if (s->network && s->network->allow_internet_access)
		spec->network.allow_internet_access = *s->network->allow_internet_access;
}

int sc_spec_skeleton_load(sc_spec *spec, const sc_yaml_node *root, const char *file,
                          sc_diag *diag)
{
	sc_buf text = SC_BUF_INIT;
	skel_spec *skeleton = NULL;

	emit_skeleton(&text, root);
	cyaml_err_t err =
	    cyaml_load_data((const uint8_t *)sc_buf_cstr(&text), text.len, &config,
	                    &spec_schema, (cyaml_data_t **)&skeleton, NULL);
	sc_buf_release(&text);
	if (err != CYAML_OK) {
		sc_diag_error(
		    diag, file, spec->where.line, spec->where.column,
		    "internal error: the typed loader rejected a validated spec "
		    "(%s)",
		    cyaml_strerror(err));
		sc_spec_release(spec);
		return -1;
	}
	apply(spec, skeleton);
	cyaml_free(&config, &spec_schema, skeleton, 0);
	return 0;
}
