#include "spec/validate.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"
#include "spec/expand.h"
#include "spec/syntax.h"
#include "spec/walk.h"

#define API_VERSION     "sc-apply/v1"
#define KIND            "Sandbox"
#define RESERVED_PREFIX "sc-apply/"
#define DNS_LABEL_RULE                                                                   \
	"must be a DNS-1123 label (1 to 63 of a-z, 0-9 and '-', starting and "           \
	"ending with a letter or digit)"
#define LABEL_RULE                                                                       \
	"at most 63 of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending "            \
	"with a letter or digit"

#define SC_SPEC_DEFAULT_TIMEOUT 300
#define COUNT(a)                (sizeof(a) / sizeof((a)[0]))

/* One document being validated; the target of every field reader. */
typedef struct doc {
	sc_vctx c; /* first: a doc is its context */
	sc_spec *spec;
	sc_source *name_at;
	bool name_seen;
	bool set_seen;
	unsigned timeout; /* spec.timeout, or its default */
	bool timeout_bad; /* spec.timeout written and wrong */
	const sc_yaml_node *renew_value;
	unsigned renew_before;
} doc;

/* The error for a string value that breaks a lexical rule. */
static void rule_error(sc_vctx *c, const char *path, const sc_yaml_node *node,
                       const char *value, const char *rule)
{
	sc_buf shown = SC_BUF_INIT;
	char *written = sc_spec_show(node);

	sc_spec_quote(&shown, value, strlen(value));
	if (strcmp(written, sc_buf_cstr(&shown)) != 0)
		sc_vctx_error(c, node, "%s: %s, got %s (from %s)", path, rule,
		              sc_buf_cstr(&shown), written);
	else
		sc_vctx_error(c, node, "%s: %s, got %s", path, rule, written);
	free(written);
	sc_buf_release(&shown);
}

/* ---- the top: apiVersion, kind ---- */

static void read_constant(sc_vctx *c, const char *path, const sc_yaml_node *value,
                          const char *want)
{
	char *s = sc_spec_read_string(c, path, value, 0);
	if (s && strcmp(s, want) != 0) {
		char *shown = sc_spec_show(value);
		sc_vctx_error(c, value, "%s: must be \"%s\", got %s", path, want, shown);
		free(shown);
	}
	free(s);
}

static void read_api_version(sc_vctx *c, const char *path, const sc_yaml_node *value,
                             void *target)
{
	(void)target;
	read_constant(c, path, value, API_VERSION);
}

static void read_kind(sc_vctx *c, const char *path, const sc_yaml_node *value,
                      void *target)
{
	(void)target;
	read_constant(c, path, value, KIND);
}

/* ---- metadata ---- */

static void read_name(sc_vctx *c, const char *path, const sc_yaml_node *value,
                      void *target)
{
	doc *d = target;
	char *s = sc_spec_read_string(c, path, value, 0);

	d->name_seen = true;
	if (!s)
		return;
	if (!sc_spec_is_dns_label(s, strlen(s))) {
		rule_error(c, path, value, s, DNS_LABEL_RULE);
		free(s);
		return;
	}
	d->spec->name = s;
	d->name_at->line = value->line;
	d->name_at->column = value->column;
}

static void read_set(sc_vctx *c, const char *path, const sc_yaml_node *value,
                     void *target)
{
	doc *d = target;
	char *s = sc_spec_read_string(c, path, value, 0);

	d->set_seen = true;
	if (!s)
		return;
	if (!sc_spec_is_dns_label(s, strlen(s))) {
		rule_error(c, path, value, s, DNS_LABEL_RULE);
		free(s);
		return;
	}
	d->spec->set = s;
}

static void read_label(doc *d, const char *path, const sc_yaml_node *key,
                       const sc_yaml_node *value)
{
	sc_vctx *c = &d->c;
	char *full = sc_spec_path(path, key->text);

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
		if (s && !sc_spec_is_label_value(s))
			rule_error(c, full, value, s,
			           "must be a label value: empty, or " LABEL_RULE);
		else if (s)
			sc_kv_set(&d->spec->labels, key->text, s);
		free(s);
	}
	free(full);
}

static void read_labels(sc_vctx *c, const char *path, const sc_yaml_node *value,
                        void *target)
{
	if (!sc_spec_expect_map(c, path, value))
		return;
	bool *skip = sc_spec_check_keys(c, path, value);
	for (size_t i = 0; i < sc_yaml_map_size(value); i++) {
		if (!skip[i])
			read_label(target, path, sc_yaml_map_key(value, i),
			           sc_yaml_map_value(value, i));
	}
	free(skip);
}

static const sc_field metadata_fields[] = {
    {"name", read_name},
    {"set", read_set},
    {"labels", read_labels},
};

static void read_metadata(sc_vctx *c, const char *path, const sc_yaml_node *value,
                          void *target)
{
	const sc_yaml_node *seen[COUNT(metadata_fields)];

	if (sc_spec_expect_map(c, path, value))
		sc_spec_walk(c, path, value, metadata_fields, COUNT(metadata_fields),
		             target, seen);
}

/* ---- spec: scalars ---- */

static void read_template(sc_vctx *c, const char *path, const sc_yaml_node *value,
                          void *target)
{
	doc *d = target;
	char *s = sc_spec_read_string(c, path, value, 0);

	if (s && !*s) {
		sc_vctx_error(c, value, "%s: must not be empty (leave it out for base)",
		              path);
		free(s);
		return;
	}
	if (s) {
		free(d->spec->template_id);
		d->spec->template_id = s;
	}
}

/*
 * The typed scalars of the skeleton are only checked here, with their
 * places; libcyaml loads their values afterwards (skeleton.h).
 */
static void check_bool(sc_vctx *c, const char *path, const sc_yaml_node *value,
                       void *target)
{
	bool ignored;

	(void)target;
	sc_spec_read_bool(c, path, value, &ignored);
}

static void check_replicas(sc_vctx *c, const char *path, const sc_yaml_node *value,
                           void *target)
{
	unsigned ignored;

	(void)target;
	sc_spec_read_uint(c, path, value, 0, 1000, &ignored);
}

static void check_state(sc_vctx *c, const char *path, const sc_yaml_node *value,
                        void *target)
{
	static const char *const words[] = {"running", "paused"};

	(void)target;
	sc_spec_read_enum(c, path, value, words, COUNT(words));
}

static void check_replace(sc_vctx *c, const char *path, const sc_yaml_node *value,
                          void *target)
{
	static const char *const words[] = {"create-first", "delete-first"};

	(void)target;
	sc_spec_read_enum(c, path, value, words, COUNT(words));
}

/* timeout and renewBefore are kept: renewBefore must be less than timeout. */
static void check_timeout(sc_vctx *c, const char *path, const sc_yaml_node *value,
                          void *target)
{
	doc *d = target;
	d->timeout_bad = !sc_spec_read_uint(c, path, value, 1, 86400, &d->timeout);
}

static void check_renew_before(sc_vctx *c, const char *path, const sc_yaml_node *value,
                               void *target)
{
	doc *d = target;
	if (sc_spec_read_uint(c, path, value, 0, 86399, &d->renew_before))
		d->renew_value = value;
}

/* ---- spec.envVars ---- */

static void read_env_var(doc *d, const char *path, const sc_yaml_node *key,
                         const sc_yaml_node *value)
{
	sc_vctx *c = &d->c;

	if (!sc_spec_is_env_name(key->text)) {
		/* A name with '=' may be "KEY=secret" written as a key: not shown. */
		char *shown = strchr(key->text, '=') ? sc_strdup("(a name containing '=')")
		                                     : sc_spec_show(key);
		sc_vctx_error(c, key,
		              "%s: invalid name %s: must match [A-Za-z_][A-Za-z0-9_]*",
		              path, shown);
		free(shown);
		return;
	}
	char *full = sc_spec_path(path, key->text);
	char *s = sc_spec_read_string(c, full, value, SC_STR_LOOSE | SC_STR_SECRET);
	if (s)
		sc_kv_set(&d->spec->env, key->text, s);
	free(s);
	free(full);
}

static void read_env(sc_vctx *c, const char *path, const sc_yaml_node *value,
                     void *target)
{
	if (value->kind == SC_YAML_SCALAR && !sc_spec_is_null(value)) {
		/* Not shown: `envVars: "KEY=sk-..."` would print the secret. */
		sc_vctx_error(c, value,
		              "%s: must be a mapping of NAME: value, got a scalar (its "
		              "text is not shown: it may hold a secret)",
		              path);
		return;
	}
	if (!sc_spec_expect_map(c, path, value))
		return;
	bool *skip = sc_spec_check_keys(c, path, value);
	for (size_t i = 0; i < sc_yaml_map_size(value); i++) {
		if (!skip[i])
			read_env_var(target, path, sc_yaml_map_key(value, i),
			             sc_yaml_map_value(value, i));
	}
	free(skip);
}

/* ---- spec.network ---- */

/* A list of IPv4 addresses or CIDRs into list. */
static void read_cidrs(sc_vctx *c, const char *path, const sc_yaml_node *value,
                       sc_strlist *list)
{
	if (sc_spec_is_null(value))
		return;
	if (value->kind != SC_YAML_SEQ) {
		char *shown = sc_spec_show(value);
		sc_vctx_error(c, value,
		              "%s: must be a sequence of IPv4 addresses or CIDRs, "
		              "got %s",
		              path, shown);
		free(shown);
		return;
	}
	for (size_t i = 0; i < value->count; i++) {
		char *item_path = sc_asprintf("%s[%zu]", path, i);
		const sc_yaml_node *item = value->children[i];
		char *s = sc_spec_read_string(c, item_path, item, 0);
		if (s && !sc_spec_is_ipv4_or_cidr(s)) {
			rule_error(
			    c, item_path, item, s,
			    "must be an IPv4 address or CIDR (a.b.c.d or a.b.c.d/0-32)");
			free(s);
		} else if (s) {
			sc_spec_strlist_push(list, s);
		}
		free(item_path);
	}
}

static void read_allow_out(sc_vctx *c, const char *path, const sc_yaml_node *value,
                           void *target)
{
	read_cidrs(c, path, value, &((doc *)target)->spec->network.allow_out);
}

static void read_deny_out(sc_vctx *c, const char *path, const sc_yaml_node *value,
                          void *target)
{
	read_cidrs(c, path, value, &((doc *)target)->spec->network.deny_out);
}

static const sc_field network_fields[] = {
    {"allowPublicTraffic", check_bool},
    {"allowInternetAccess", check_bool},
    {"allowOut", read_allow_out},
    {"denyOut", read_deny_out},
};

static void read_network(sc_vctx *c, const char *path, const sc_yaml_node *value,
                         void *target)
{
	const sc_yaml_node *seen[COUNT(network_fields)];

	if (sc_spec_expect_map(c, path, value))
		sc_spec_walk(c, path, value, network_fields, COUNT(network_fields),
		             target, seen);
}

/* ---- spec.volumeMounts ---- */

static void read_mount_name(sc_vctx *c, const char *path, const sc_yaml_node *value,
                            void *target)
{
	sc_mount *mount = target;
	char *s = sc_spec_read_string(c, path, value, 0);

	if (s && !*s) {
		sc_vctx_error(c, value, "%s: must not be empty", path);
		free(s);
		return;
	}
	free(mount->name);
	mount->name = s;
}

static void read_mount_path(sc_vctx *c, const char *path, const sc_yaml_node *value,
                            void *target)
{
	sc_mount *mount = target;
	char *s = sc_spec_read_string(c, path, value, 0);

	if (s && s[0] != '/') {
		rule_error(c, path, value, s, "must be an absolute path");
		free(s);
		return;
	}
	free(mount->path);
	mount->path = s;
}

static const sc_field mount_fields[] = {
    {"name", read_mount_name},
    {"path", read_mount_path},
};

/* One item of volumeMounts; the place of its path in *path_node. */
static bool read_mount(sc_vctx *c, const char *path, const sc_yaml_node *item,
                       sc_mount *mount, const sc_yaml_node **path_node)
{
	const sc_yaml_node *seen[COUNT(mount_fields)];

	if (item->kind != SC_YAML_MAP) {
		char *shown = sc_spec_show(item);
		sc_vctx_error(c, item, "%s: must be a mapping {name, path}, got %s", path,
		              shown);
		free(shown);
		return false;
	}
	sc_spec_walk(c, path, item, mount_fields, COUNT(mount_fields), mount, seen);
	for (size_t f = 0; f < COUNT(mount_fields); f++) {
		if (!seen[f])
			sc_vctx_error(c, item, "%s.%s: required", path,
			              mount_fields[f].key);
	}
	*path_node = NULL;
	for (size_t i = 0; i < sc_yaml_map_size(item); i++) {
		if (sc_yaml_map_key(item, i)->kind == SC_YAML_SCALAR &&
		    !strcmp(sc_yaml_map_key(item, i)->text, "path"))
			*path_node = sc_yaml_map_value(item, i);
	}
	return mount->name && mount->path;
}

static void read_mounts(sc_vctx *c, const char *path, const sc_yaml_node *value,
                        void *target)
{
	doc *d = target;
	sc_spec *spec = d->spec;

	if (sc_spec_is_null(value))
		return;
	if (value->kind != SC_YAML_SEQ) {
		char *shown = sc_spec_show(value);
		sc_vctx_error(c, value, "%s: must be a sequence of {name, path}, got %s",
		              path, shown);
		free(shown);
		return;
	}
	size_t n = value->count;
	const char **paths = sc_calloc(n ? n : 1, sizeof(*paths));
	const sc_yaml_node **nodes = sc_calloc(n ? n : 1, sizeof(*nodes));
	char **names = sc_calloc(n ? n : 1, sizeof(*names));
	size_t good = 0;

	spec->mounts = sc_calloc(n ? n : 1, sizeof(*spec->mounts));
	for (size_t i = 0; i < n; i++) {
		char *item_path = sc_asprintf("%s[%zu]", path, i);
		sc_mount *mount = &spec->mounts[spec->mount_count];
		const sc_yaml_node *path_node;
		if (read_mount(c, item_path, value->children[i], mount, &path_node)) {
			paths[good] = mount->path;
			nodes[good] = path_node;
			names[good] = sc_asprintf("%s.path", item_path);
			good++;
			spec->mount_count++;
		} else {
			free(mount->name);
			free(mount->path);
			memset(mount, 0, sizeof(*mount));
		}
		free(item_path);
	}
	sc_spec_check_unique(c, paths, nodes, names, good, "path");
	for (size_t i = 0; i < good; i++)
		free(names[i]);
	free(names);
	free(nodes);
	free(paths);
}

static const sc_field spec_fields[] = {
    {"template", read_template},
    {"replicas", check_replicas},
    {"state", check_state},
    {"timeout", check_timeout},
    {"renewBefore", check_renew_before},
    {"waitReady", check_bool},
    {"autoPause", check_bool},
    {"autoResume", check_bool},
    {"protect", check_bool},
    {"replace", check_replace},
    {"envVars", read_env},
    {"network", read_network},
    {"volumeMounts", read_mounts},
};

/* Fields written one level too high, or under the wrong parent. */
static const char *const spec_elsewhere[] = {
    "metadata.name",
    "metadata.set",
    "metadata.labels",
    "spec.network.allowPublicTraffic",
    "spec.network.allowInternetAccess",
    "spec.network.allowOut",
    "spec.network.denyOut",
    NULL,
};

static const char *const document_elsewhere[] = {
    "metadata.name",
    "metadata.set",
    "metadata.labels",
    "spec.template",
    "spec.replicas",
    "spec.state",
    "spec.timeout",
    "spec.renewBefore",
    "spec.waitReady",
    "spec.autoPause",
    "spec.autoResume",
    "spec.protect",
    "spec.replace",
    "spec.envVars",
    "spec.network",
    "spec.volumeMounts",
    NULL,
};

static void read_spec(sc_vctx *c, const char *path, const sc_yaml_node *value,
                      void *target)
{
	const sc_yaml_node *seen[COUNT(spec_fields)];

	if (sc_spec_expect_map(c, path, value))
		sc_spec_walk_hinted(c, path, value, spec_fields, COUNT(spec_fields),
		                    target, seen, spec_elsewhere);
}

/* ---- the document ---- */

enum { F_API_VERSION, F_KIND, F_METADATA, F_SPEC };

static const sc_field document_fields[] = {
    [F_API_VERSION] = {"apiVersion", read_api_version},
    [F_KIND] = {"kind", read_kind},
    [F_METADATA] = {"metadata", read_metadata},
    [F_SPEC] = {"spec", read_spec},
};

static void set_defaults(sc_spec *spec)
{
	spec->replicas = 1;
	spec->state = SC_SPEC_RUNNING;
	spec->timeout = SC_SPEC_DEFAULT_TIMEOUT;
	spec->wait_ready = true;
	spec->replace = SC_REPLACE_CREATE_FIRST;
	spec->network.allow_public_traffic = true;
	spec->network.allow_internet_access = true;
}

/* The checks that need the whole document: required fields, set, renewBefore. */
static void finish(doc *d, const sc_yaml_node *root, const sc_yaml_node **seen)
{
	sc_vctx *c = &d->c;
	sc_spec *spec = d->spec;
	const char *default_set = c->options->default_set;

	if (!seen[F_API_VERSION])
		sc_vctx_error(c, root,
		              "apiVersion: required (apiVersion: " API_VERSION ")");
	if (!seen[F_KIND])
		sc_vctx_error(c, root, "kind: required (kind: " KIND ")");
	if (!seen[F_METADATA]) {
		sc_vctx_error(c, root, "metadata: required (with name)");
	} else {
		if (!d->name_seen)
			sc_vctx_error(c, seen[F_METADATA], "metadata.name: required");
		if (!d->set_seen && !default_set)
			sc_vctx_error(c, seen[F_METADATA],
			              "metadata.set: required (or pass --set)");
		else if (!d->set_seen &&
		         !sc_spec_is_dns_label(default_set, strlen(default_set)))
			sc_vctx_error(
			    c, seen[F_METADATA],
			    "metadata.set: the --set value \"%s\" " DNS_LABEL_RULE,
			    default_set);
		else if (!d->set_seen)
			spec->set = sc_strdup(default_set);
	}
	if (!spec->template_id) {
		spec->template_id = sc_strdup("base");
		spec->template_defaulted = true;
	}
	if (!d->renew_value)
		spec->renew_before = d->timeout / 2;
	else if (!d->timeout_bad && d->renew_before >= d->timeout)
		sc_vctx_error(c, d->renew_value,
		              "spec.renewBefore: must be less than "
		              "spec.timeout (%u), got \"%s\"",
		              d->timeout, d->renew_value->text);
}

int sc_spec_validate(sc_spec *out, sc_source *name_at, const sc_yaml_node *root,
                     const char *file, const sc_spec_load_options *options, sc_diag *diag)
{
	doc d;
	const sc_yaml_node *seen[COUNT(document_fields)];

	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	memset(name_at, 0, sizeof(*name_at));
	d.c.file = file;
	d.c.options = options;
	d.c.diag = diag;
	d.spec = out;
	d.name_at = name_at;
	d.timeout = SC_SPEC_DEFAULT_TIMEOUT;
	set_defaults(out);
	out->where.file = sc_strdup(file);
	out->where.line = root->line;
	out->where.column = root->column;
	name_at->file = out->where.file;

	if (root->kind != SC_YAML_MAP) {
		char *shown = sc_spec_show(root);
		sc_vctx_error(&d.c, root,
		              "document: must be a mapping with apiVersion, kind, "
		              "metadata and spec, got %s",
		              shown);
		free(shown);
	} else {
		sc_spec_walk_hinted(&d.c, "", root, document_fields,
		                    COUNT(document_fields), &d, seen, document_elsewhere);
		finish(&d, root, seen);
	}
	if (!d.c.failed)
		return 0;
	sc_spec_release(out);
	memset(name_at, 0, sizeof(*name_at));
	return -1;
}
