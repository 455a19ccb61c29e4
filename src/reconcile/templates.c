/*
 * validate --online: each spec's template looked up on the service
 * (api/templates.h). A 404 cannot tell on its own whether the template
 * or the route is missing, so the rule is:
 *
 * - every distinct template of the specs is looked up once;
 * - the route is known to answer when a lookup found a template; when
 *   none did and some answered 404 "not found", the service's default
 *   template, "base", is looked up too, and its answer decides;
 * - a template answered 404 "not found" while the route is known to
 *   answer is an error at its spec's place;
 * - every other template (a route missing, "no such route", a 404 page
 *   that is not JSON, or a route never seen to find anything) is
 *   unchecked: one warning, no error.
 */
#include "reconcile/reconcile.h"

#include <stdlib.h>
#include <string.h>

#include "api/templates.h"
#include "common/mem.h"

#define PROBE_TEMPLATE "base"

/* The index of the first spec before i with the same template, or i. */
static size_t first_with_template(const sc_spec_list *specs, size_t i)
{
	for (size_t j = 0; j < i; j++) {
		if (!strcmp(specs->items[j].template_id, specs->items[i].template_id))
			return j;
	}
	return i;
}

/* Looks up every distinct template into answers[]; -1 when a lookup failed. */
static int look_up_all(sc_reconcile *run, sc_template_answer *answers,
                       sc_template_check *out)
{
	const sc_spec_list *specs = &run->specs;

	for (size_t i = 0; i < specs->count; i++) {
		size_t first = first_with_template(specs, i);
		if (first < i) {
			answers[i] = answers[first];
			continue;
		}
		if (sc_api_template_lookup(run->client, specs->items[i].template_id, &answers[i],
		                           &run->diag))
			return -1;
		out->looked_up++;
	}
	return 0;
}

/* Whether the lookup route answers on this service (see the rule above). */
static int route_answers(sc_reconcile *run, const sc_template_answer *answers,
                         bool *out)
{
	bool not_found = false;

	*out = false;
	for (size_t i = 0; i < run->specs.count; i++) {
		if (answers[i] == SC_TEMPLATE_FOUND) {
			*out = true;
			return 0;
		}
		not_found |= answers[i] == SC_TEMPLATE_NOT_FOUND;
	}
	if (!not_found)
		return 0;
	for (size_t i = 0; i < run->specs.count; i++) {
		if (!strcmp(run->specs.items[i].template_id, PROBE_TEMPLATE))
			return 0; /* already asked: not found */
	}
	sc_template_answer probe;
	if (sc_api_template_lookup(run->client, PROBE_TEMPLATE, &probe, &run->diag))
		return -1;
	*out = probe == SC_TEMPLATE_FOUND;
	return 0;
}

int sc_reconcile_check_templates(sc_reconcile *run, sc_template_check *out)
{
	const sc_spec_list *specs = &run->specs;
	sc_template_answer *answers = sc_calloc(specs->count + 1, sizeof(*answers));
	bool route = false;
	int result = -1;

	memset(out, 0, sizeof(*out));
	if (look_up_all(run, answers, out) || route_answers(run, answers, &route))
		goto done;
	result = 0;
	for (size_t i = 0; i < specs->count; i++) {
		const sc_spec *spec = &specs->items[i];
		if (answers[i] == SC_TEMPLATE_FOUND) {
			out->found++;
		} else if (route && answers[i] == SC_TEMPLATE_NOT_FOUND) {
			out->missing++;
			result = sc_diag_error(&run->diag, spec->where.file, spec->where.line,
			                       spec->where.column,
			                       "spec '%s': template '%s' not found on the service",
			                       spec->name, spec->template_id);
		} else {
			out->unchecked++;
		}
	}
	if (out->unchecked) {
		char *url = sc_api_template_url(run->client, "ALIAS");
		sc_diag_warning(&run->diag, NULL, 0, 0,
		                "templates unchecked: the service offers no template lookup "
		                "(GET %s)",
		                url);
		free(url);
	}
done:
	free(answers);
	return result;
}
