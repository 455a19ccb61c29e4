/*
 * POST /_admin/seed {"copies":N}: N copies of every sandbox the server
 * holds, each with a fresh id and envd token and everything else as the
 * original has it (template, metadata, TTL, lifecycle, network, mounts).
 * It makes the large fleets of the benchmarks in seconds: a fleet that
 * sc-apply created once, copied until it holds a million sandboxes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/mem.h"
#include "common/random.h"
#include "sandboxd/private/json.h"
#include "sandboxd/service.h"

/* The most copies of each sandbox one call makes, and the most a store may then hold. */
#define SEED_COPIES_MAX 1000000
#define SEED_TOTAL_MAX  10000000

static int read_copies(sd_call *call, const cJSON *body, long *out)
{
	const cJSON *copies = cJSON_GetObjectItemCaseSensitive(body, "copies");

	if (!cJSON_IsNumber(copies) || !isfinite(copies->valuedouble) ||
	    floor(copies->valuedouble) != copies->valuedouble || copies->valuedouble < 0 ||
	    copies->valuedouble > SEED_COPIES_MAX) {
		sd_response_error(call->response, 400,
		                  "copies: must be an integer from 0 to %d", SEED_COPIES_MAX);
		return -1;
	}
	*out = (long)copies->valuedouble;
	return 0;
}

/* A copy of the sandbox whose journal form is original, under a fresh id. */
static sd_sandbox *copy_of(const sd_store *store, const cJSON *original)
{
	sd_sandbox *copy = sd_sandbox_from_json(original);
	char hex[33];

	if (!copy)
		return NULL;
	do {
		sc_random_hex(hex, 8);
		snprintf(copy->id, sizeof(copy->id), "sandbox_%s", hex);
	} while (sd_store_find(store, copy->id));
	sc_random_hex(hex, 16);
	snprintf(copy->envd_token, sizeof(copy->envd_token), "envd_%s", hex);
	return copy;
}

/* The copies of every sandbox, added at once. -1 with the response set on error. */
static int seed(sd_call *call, long copies, size_t *added)
{
	sd_store *store = &call->service->store;
	size_t originals = store->count, count = 0;
	sd_sandbox **made = sc_calloc(originals * (size_t)copies + 1, sizeof(*made));
	int rc = 0;

	for (size_t i = 0; i < originals && !rc; i++) {
		sc_buf json = SC_BUF_INIT;
		sd_sandbox_write_json(&json, store->order[i], SD_VIEW_JOURNAL, 0);
		cJSON *original = cJSON_ParseWithLength(json.data, json.len);
		for (long c = 0; c < copies && !rc; c++) {
			made[count] = copy_of(store, original);
			if (made[count]) {
				count++;
			} else {
				sd_response_error(call->response, 500, "cannot copy sandbox '%s'",
				                  store->order[i]->id);
				rc = -1;
			}
		}
		cJSON_Delete(original);
		sc_buf_release(&json);
	}
	if (!rc && sd_store_insert_many(store, made, count)) {
		count = 0;
		sd_response_error(call->response, 500,
		                  "the journal refused the seeded sandboxes");
		rc = -1;
	} else if (rc) {
		for (size_t i = 0; i < count; i++)
			sd_sandbox_free(made[i]);
	}
	free(made);
	*added = count;
	return rc;
}

void sd_admin_seed(sd_call *call)
{
	sd_store *store = &call->service->store;
	cJSON *body = sd_call_body_object(call, true);
	long copies, max;
	size_t added = 0;

	if (!body || read_copies(call, body, &copies))
		goto done;
	pthread_mutex_lock(&call->service->control);
	max = call->service->settings.max_sandboxes;
	pthread_mutex_unlock(&call->service->control);
	if (max <= 0 || max > SEED_TOTAL_MAX)
		max = SEED_TOTAL_MAX;
	sd_store_lock(store);
	if (store->count * (size_t)(copies + 1) > (size_t)max)
		sd_response_error(call->response, 400,
		                  "copies: %zu sandboxes would pass the limit of %ld "
		                  "(--max-sandboxes)",
		                  store->count * (size_t)(copies + 1), max);
	else if (!seed(call, copies, &added)) {
		call->response->status = 200;
		sc_buf_reset(&call->response->body);
		sc_buf_printf(&call->response->body, "{\"added\":%zu,\"count\":%zu}", added,
		              store->count);
	}
	sd_store_unlock(store);
done:
	cJSON_Delete(body);
}
