/*
 * Shared by the executor tests: a real sc-sandboxd, an API client on it,
 * a hand-made spec, and plans filled by hand (never sc_plan_build).
 * Header-only so that each test program stays one file.
 */
#ifndef SC_TEST_EXEC_FIXTURE_H
#define SC_TEST_EXEC_FIXTURE_H

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/client.h"
#include "api/decode.h"
#include "common/buf.h"
#include "common/mem.h"
#include "exec/exec.h"
#include "harness.h"
#include "support/sandboxd.h"

#define FIX_SET    "exec-test"
#define FIX_SECRET "s3cr3t-value-xyz"

typedef struct fixture {
	test_sandboxd sd;
	sc_api_client *client;
	sc_spec spec;
	sc_plan plan;
	sc_sandbox_list observed; /* sandboxes that actions point at */
	sc_buf trace;             /* every -v line, one per line */
	int progress_started, progress_retrying, progress_finished;
	bool up;
} fixture;

static inline void fixture_trace(void *ctx, const char *line)
{
	fixture *fx = ctx;
	sc_buf_puts(&fx->trace, line);
	sc_buf_putc(&fx->trace, '\n');
}

static inline void fixture_progress(void *ctx, const sc_action *action,
                                    sc_exec_event event, size_t done, size_t total)
{
	fixture *fx = ctx;
	(void)action;
	if (done > total)
		TEST_FAILURE("progress done %zu > total %zu", done, total);
	if (event == SC_EXEC_EVENT_STARTED)
		fx->progress_started++;
	else if (event == SC_EXEC_EVENT_RETRYING)
		fx->progress_retrying++;
	else
		fx->progress_finished++;
}

static inline void fixture_spec(sc_spec *spec, const char *name)
{
	memset(spec, 0, sizeof(*spec));
	spec->name = sc_strdup(name);
	spec->set = sc_strdup(FIX_SET);
	spec->template_id = sc_strdup("base");
	spec->replicas = 1;
	spec->state = SC_SPEC_RUNNING;
	spec->timeout = 600;
	spec->renew_before = 300;
	spec->wait_ready = true;
	spec->network.allow_public_traffic = true;
	spec->network.allow_internet_access = true;
	sc_kv_set(&spec->labels, "team", "ml");
	sc_kv_set(&spec->env, "API_TOKEN", FIX_SECRET);
}

static inline void fixture_spec_release(sc_spec *spec)
{
	free(spec->name);
	free(spec->set);
	free(spec->template_id);
	sc_kv_release(&spec->labels);
	sc_kv_release(&spec->env);
	memset(spec, 0, sizeof(*spec));
}

/* Starts sc-sandboxd with extra arguments and a client on it. */
static inline int fixture_start(fixture *fx, const char *const *args)
{
	sc_diag diag = SC_DIAG_INIT;
	memset(fx, 0, sizeof(*fx));
	fixture_spec(&fx->spec, "web");
	if (test_sandboxd_start(&fx->sd, args)) {
		TEST_FAILURE("sc-sandboxd did not start");
		test_sandboxd_release(&fx->sd);
		fixture_spec_release(&fx->spec);
		return -1;
	}
	sc_api_config config = {
	    .base_url = fx->sd.base_url,
	    .api_key = TEST_API_KEY,
	    .request_timeout_ms = 5000,
	    .trace = fixture_trace,
	    .trace_ctx = fx,
	};
	if (sc_api_client_new(&fx->client, &config, &diag)) {
		TEST_FAILURE("client: %s", diag.count ? diag.entries[0].message : "?");
		sc_diag_release(&diag);
		test_sandboxd_release(&fx->sd);
		fixture_spec_release(&fx->spec);
		return -1;
	}
	fx->up = true;
	return 0;
}

static inline void fixture_plan_clear(fixture *fx)
{
	for (size_t i = 0; i < fx->plan.count; i++) {
		free(fx->plan.actions[i].reason);
		free(fx->plan.actions[i].result.message);
		free(fx->plan.actions[i].result.new_id);
	}
	free(fx->plan.actions);
	memset(&fx->plan, 0, sizeof(fx->plan));
}

static inline void fixture_stop(fixture *fx)
{
	fixture_plan_clear(fx);
	sc_api_client_free(fx->client);
	if (fx->up) {
		int status = test_sandboxd_stop(&fx->sd);
		if (status)
			TEST_FAILURE("sc-sandboxd stopped with %d", status);
	}
	test_sandboxd_release(&fx->sd);
	sc_sandbox_list_release(&fx->observed);
	fixture_spec_release(&fx->spec);
	sc_buf_release(&fx->trace);
	fx->up = false;
}

/* Appends an action; sandbox_index < 0 for none (a create). */
static inline sc_action *fixture_add(fixture *fx, sc_action_kind kind,
                                     const sc_spec *spec, long sandbox_index)
{
	SC_GROW(fx->plan.actions, fx->plan.count + 1, fx->plan.alloc);
	sc_action *action = &fx->plan.actions[fx->plan.count++];
	memset(action, 0, sizeof(*action));
	action->kind = kind;
	action->set = FIX_SET;
	action->name = spec ? spec->name : "gone";
	action->spec = spec;
	action->sandbox = sandbox_index >= 0 ? &fx->observed.items[sandbox_index] : NULL;
	action->reason = sc_strdup(sc_action_kind_name(kind));
	return action;
}

/* Adds a sandbox by id to observed (it need not exist); returns its index. */
static inline long fixture_observe(fixture *fx, const char *id)
{
	sc_sandbox *sandbox = sc_sandbox_list_push(&fx->observed);
	sandbox->id = sc_strdup(id);
	sc_kv_set(&sandbox->metadata, "sc-apply/set", FIX_SET);
	return (long)(fx->observed.count - 1);
}

/* POST /_admin/config with a JSON object. */
static inline void fixture_config(fixture *fx, const char *json)
{
	test_response response;
	if (test_http(&fx->sd, "POST", "/_admin/config", TEST_API_KEY, json, &response) ||
	    response.status != 200)
		TEST_FAILURE("admin config %s: %ld %s", json, response.status,
		             response.body);
	test_response_release(&response);
}

/* Makes a sandbox directly (no faults expected); returns its malloc'd id. */
static inline char *fixture_make_sandbox(fixture *fx, const char *name)
{
	char body[512];
	test_response response;
	sc_sandbox sandbox;
	sc_diag diag = SC_DIAG_INIT;
	snprintf(body, sizeof(body),
	         "{\"templateID\":\"base\",\"timeout\":600,\"waitReady\":true,"
	         "\"metadata\":{\"sc-apply/set\":\"%s\",\"sc-apply/name\":\"%s\"}}",
	         FIX_SET, name);
	if (test_http(&fx->sd, "POST", "/sandboxes", TEST_API_KEY, body, &response) ||
	    response.status != 201) {
		TEST_FAILURE("direct create: %ld %s", response.status, response.body);
		test_response_release(&response);
		return sc_strdup("missing");
	}
	if (sc_api_decode_sandbox(&sandbox, response.body, strlen(response.body),
	                          &diag)) {
		TEST_FAILURE("direct create body: %s", response.body);
		sc_diag_release(&diag);
		test_response_release(&response);
		return sc_strdup("missing");
	}
	char *id = sc_strdup(sandbox.id);
	sc_sandbox_release(&sandbox);
	test_response_release(&response);
	return id;
}

/* GET /sandboxes/:id: the HTTP status, and the sandbox when 200 (out may be NULL). */
static inline long fixture_get(fixture *fx, const char *id, sc_sandbox *out)
{
	char path[256];
	test_response response;
	sc_diag diag = SC_DIAG_INIT;
	snprintf(path, sizeof(path), "/sandboxes/%s", id);
	test_http(&fx->sd, "GET", path, TEST_API_KEY, NULL, &response);
	long status = response.status;
	if (out && status == 200 &&
	    sc_api_decode_sandbox(out, response.body, strlen(response.body), &diag))
		TEST_FAILURE("get body: %s", response.body);
	sc_diag_release(&diag);
	test_response_release(&response);
	return status;
}

/* Every sandbox of the test's set, listed by the client (faults should be off). */
static inline size_t fixture_count(fixture *fx, sc_sandbox_list *out)
{
	sc_kv filter = SC_KV_INIT;
	sc_sandbox_list list = {0};
	sc_diag diag = SC_DIAG_INIT;
	sc_kv_set(&filter, "sc-apply/set", FIX_SET);
	if (sc_api_list(fx->client, &filter, &list, &diag))
		TEST_FAILURE("list: %s", diag.count ? diag.entries[0].message : "?");
	size_t count = 0;
	for (size_t i = 0; i < list.count; i++)
		count += sc_api_labels_match(&list.items[i], &filter);
	if (out)
		*out = list;
	else
		sc_sandbox_list_release(&list);
	sc_kv_release(&filter);
	sc_diag_release(&diag);
	return count;
}

/* No two listed sandboxes share a create token (a create made twice). */
static inline void fixture_check_no_duplicates(const sc_sandbox_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		const char *a = sc_kv_get(&list->items[i].metadata, "sc-apply/create-token");
		for (size_t j = 0; a && j < i; j++) {
			const char *b =
			    sc_kv_get(&list->items[j].metadata, "sc-apply/create-token");
			if (b && !strcmp(a, b))
				TEST_FAILURE("two sandboxes with create token %s", a);
		}
	}
}

static inline int fixture_run(fixture *fx, sc_exec_options *options)
{
	sc_diag diag = SC_DIAG_INIT;
	options->progress = fixture_progress;
	options->progress_ctx = fx;
	int rc = sc_exec_run(fx->client, &fx->plan, options, &diag);
	for (size_t i = 0; i < diag.count; i++)
		printf("  diag: %s\n", diag.entries[i].message);
	sc_diag_release(&diag);
	return rc;
}

static inline void fixture_dump(const fixture *fx)
{
	for (size_t i = 0; i < fx->plan.count; i++) {
		const sc_action_result *r = &fx->plan.actions[i].result;
		printf(
		    "  #%zu %s: status %d, attempts %u, http %d, %lld ms, new %s, %s\n",
		    i, sc_action_kind_name(fx->plan.actions[i].kind), (int)r->status,
		    r->attempts, r->http_status, (long long)r->duration_ms,
		    r->new_id ? r->new_id : "-", r->message ? r->message : "-");
	}
}

#endif
