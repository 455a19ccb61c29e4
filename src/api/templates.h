/*
 * The build plane's template lookup the SDKs make before a create:
 * GET /api/v1/templates/aliases/:alias. `validate --online` uses it to
 * say whether each spec's template exists.
 *
 * The route hangs off the API root, not the sandbox API's base: for a
 * base URL ending in "/sandbox" (https://host/api/v1/sandbox) the lookup
 * is https://host/api/v1/templates/aliases/ALIAS; any other base gets
 * "/templates/aliases/ALIAS" appended.
 */
#ifndef SC_API_TEMPLATES_H
#define SC_API_TEMPLATES_H

#include "api/client.h"
#include "common/diag.h"

typedef enum {
	SC_TEMPLATE_FOUND,      /* 200 with a JSON object naming its templateID */
	SC_TEMPLATE_NOT_FOUND,  /* 404 with a JSON error body that is not "no such route" */
	SC_TEMPLATE_NO_ROUTE,   /* the service offers no such route: a 404 that says
	                           "no such route" or is not JSON (a gateway's page),
	                           405 or 501 */
} sc_template_answer;

/* The lookup URL of alias under the client's base (malloc'd). */
char *sc_api_template_url(const sc_api_client *client, const char *alias);

/*
 * Looks alias up: *out says what the service answered. Retries 408, 429,
 * 5xx and transport errors a few times. Returns -1 with an error in diag
 * (and a hint, api/hint.h, where one fits) for any other answer, or when
 * the retries run out; the message never holds the key.
 */
int sc_api_template_lookup(sc_api_client *client, const char *alias,
                           sc_template_answer *out, sc_diag *diag);

#endif
