#include "spec/private/validate.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"
#include "spec/private/expand.h"
#include "spec/private/field.h"
#include "spec/private/syntax.h"
#include "spec/private/walk.h"

#define DNS_LABEL_RULE                                                                   \
	"must be a DNS-1123 label (1 to 63 of a-z, 0-9 and '-', starting and "           \
	"ending with a letter or digit)"

void sc_spec_origin_release(sc_spec_origin *origin)
{
	free(origin->name_from);
	free(origin->set_from);
	memset(origin, 0, sizeof(*origin));
}

/* "apiVersion, kind, metadata and spec": the keys of a document. */
static char *document_keys(void)
{
	sc_buf out = SC_BUF_INIT;
	size_t n = sc_spec_document_field_count;

	for (size_t i = 0; i < n; i++)
		sc_buf_printf(&out, "%s%s",
		              i == 0       ? ""
		              : i + 1 == n ? " and "
		                           : ", ",
		              sc_spec_document_fields[i].key);
	return sc_buf_detach(&out);
}

/* metadata.set from --set when the document has none. */
static void default_set(sc_walker *w, sc_spec *spec)
{
	const sc_found *metadata = sc_walk_found(w, "metadata");
	const char *set = w->c.options->default_set;

	if (!metadata || sc_walk_found(w, "metadata.set"))
		return;
	if (!set)
		sc_vctx_error(&w->c, metadata->key,
		              "metadata.set: required (or pass --set)");
	else if (!sc_spec_is_dns_label(set, strlen(set)))
		sc_vctx_error(&w->c, metadata->key,
		              "metadata.set: the --set value \"%s\" " DNS_LABEL_RULE,
		              set);
	else
		spec->set = sc_strdup(set);
}

/* spec.renewBefore: half of spec.timeout by default, and always less than it. */
static void check_renew_before(sc_walker *w, sc_spec *spec)
{
	const sc_found *renew = sc_walk_found(w, "spec.renewBefore");
	const sc_found *timeout = sc_walk_found(w, "spec.timeout");

	if (!renew || !renew->ok)
		spec->renew_before = spec->timeout / 2;
	else if ((!timeout || timeout->ok) && spec->renew_before >= spec->timeout)
		sc_vctx_error(
		    &w->c, renew->value,
		    "spec.renewBefore: must be less than spec.timeout (%u), got "
		    "\"%s\"",
		    spec->timeout, renew->value->text);
}

/* spec.rollout: as in Kubernetes, maxSurge and maxUnavailable cannot both be 0. */
static void check_rollout(sc_walker *w, const sc_spec *spec)
{
	const sc_found *rollout = sc_walk_found(w, "spec.rollout");
	const sc_found *surge = sc_walk_found(w, "spec.rollout.maxSurge");
	const sc_found *unavailable = sc_walk_found(w, "spec.rollout.maxUnavailable");

	if (!rollout || !rollout->ok || (surge && !surge->ok) ||
	    (unavailable && !unavailable->ok))
		return;
	if (!spec->rollout.max_surge && !spec->rollout.max_unavailable)
		sc_vctx_error(&w->c, surge ? surge->value : rollout->value,
		              "spec.rollout: maxSurge and maxUnavailable must not both be 0 "
		              "(the rollout could never start)");
}

/* Which fields the document left out, so that a plan can say "(default)". */
static void mark_defaults(sc_walker *w, sc_spec *spec)
{
	spec->template_defaulted = !sc_walk_found(w, "spec.template");
	spec->timeout_defaulted = !sc_walk_found(w, "spec.timeout");
	spec->renew_before_defaulted = !sc_walk_found(w, "spec.renewBefore");
}

/* The written text of a value at path when it holds a ${} reference, or NULL. */
static char *hidden_text(const sc_walker *w, const char *path)
{
	const sc_found *found = sc_walk_found(w, path);

	if (!found || found->value->kind != SC_YAML_SCALAR ||
	    !sc_spec_has_reference(found->value->text, found->value->len))
		return NULL;
	return sc_spec_show(found->value);
}

static void fill_origin(const sc_walker *w, const sc_spec *spec, sc_spec_origin *origin)
{
	const sc_found *name = sc_walk_found(w, "metadata.name");

	origin->name_at.file = spec->where.file;
	if (name) {
		origin->name_at.line = name->value->line;
		origin->name_at.column = name->value->column;
	}
	origin->name_from = hidden_text(w, "metadata.name");
	origin->set_from = hidden_text(w, "metadata.set");
}

int sc_spec_validate(sc_spec *out, sc_spec_origin *origin, const sc_yaml_node *root,
                     const char *file, const sc_spec_load_options *options, sc_diag *diag)
{
	sc_walker w;

	memset(out, 0, sizeof(*out));
	memset(origin, 0, sizeof(*origin));
	sc_walker_init(&w, file, options, diag, sc_spec_document_fields,
	               sc_spec_document_field_count);
	sc_walk_defaults(sc_spec_document_fields, sc_spec_document_field_count, out);
	out->where.file = sc_strdup(file);
	out->where.line = root->line;
	out->where.column = root->column;

	if (root->kind != SC_YAML_MAP) {
		char *shown = sc_spec_show(root);
		char *keys = document_keys();
		sc_vctx_error(&w.c, root, "document: must be a mapping with %s, got %s",
		              keys, shown);
		free(keys);
		free(shown);
	} else {
		sc_walk_map(&w, "", root, root, sc_spec_document_fields,
		            sc_spec_document_field_count, out);
		default_set(&w, out);
		check_renew_before(&w, out);
		check_rollout(&w, out);
		mark_defaults(&w, out);
		fill_origin(&w, out, origin);
	}
	bool failed = w.c.failed;
	sc_walker_release(&w);
	if (!failed)
		return 0;
	sc_spec_release(out);
	sc_spec_origin_release(origin);
	return -1;
}
