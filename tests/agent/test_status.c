/*
 * The status behind the status page: each spec as a cycle left it, the
 * cycle's messages, the ring of the last cycles, the JSON of /api/status
 * and the page and its routes.
 */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>

#include "harness.h"
#include "support/sandboxd.h"

#include "agent/private/metrics.h"
#include "agent/server.h"
#include "agent/status.h"
#include "agent/status_page.h"
#include "common/mem.h"
#include "common/sha256.h"

#define NOW 1800000000000LL /* the server clock of the listing, Unix ms */

static const char specs_yaml[] = "apiVersion: sc-apply/v1\n"
                                 "kind: Sandbox\n"
                                 "metadata: {name: py, set: team-ml}\n"
                                 "spec: {replicas: 3, timeout: 600}\n"
                                 "---\n"
                                 "apiVersion: sc-apply/v1\n"
                                 "kind: Sandbox\n"
                                 "metadata: {name: web, set: apps}\n"
                                 "spec: {replicas: 1, timeout: 300, state: paused}\n"
                                 "---\n"
                                 "apiVersion: sc-apply/v1\n"
                                 "kind: Sandbox\n"
                                 "metadata: {name: idle, set: team-ml}\n"
                                 "spec: {replicas: 0}\n";

static void load_specs(sc_spec_list *specs)
{
	sc_diag diag = SC_DIAG_INIT;
	memset(specs, 0, sizeof(*specs));
	CHECK_INT(sc_spec_load_text(specs, "specs.yaml", specs_yaml, strlen(specs_yaml),
	                            NULL, &diag),
	          0);
	sc_diag_release(&diag);
}

/* A sandbox of (set, name), made from spec's current version unless stale. */
static sc_sandbox *add_sandbox(sc_sandbox_list *list, const char *id, const sc_spec *spec,
                               const char *status, bool stale, int64_t end_at)
{
	char hash[SC_SPEC_HASH_HEX + 1];
	sc_sandbox *sandbox = sc_sandbox_list_push(list);
	sandbox->id = sc_strdup(id);
	sandbox->status = sc_strdup(status);
	sandbox->phase = sc_phase_from_status(status);
	sandbox->end_at = end_at;
	sc_kv_set(&sandbox->metadata, SC_LABEL_SET, spec->set);
	sc_kv_set(&sandbox->metadata, SC_LABEL_NAME, spec->name);
	sc_kv_set(&sandbox->metadata, SC_LABEL_SALT, "salt");
	sc_spec_hash(hash, spec, "salt");
	if (stale)
		hash[0] = hash[0] == '0' ? '1' : '0';
	sc_kv_set(&sandbox->metadata, SC_LABEL_HASH, hash);
	return sandbox;
}

static void add_action(sc_plan *plan, sc_action_kind kind, sc_result_status status,
                       const sc_spec *spec, const sc_sandbox *sandbox)
{
	SC_GROW(plan->actions, plan->count + 1, plan->alloc);
	sc_action *action = &plan->actions[plan->count++];
	memset(action, 0, sizeof(*action));
	action->kind = kind;
	action->set = spec->set;
	action->name = spec->name;
	action->spec = spec;
	action->sandbox = sandbox;
	action->result.status = status;
}

static const sc_agent_spec_status *find_spec(const sc_agent_report *report,
                                             const char *set, const char *name)
{
	for (size_t i = 0; i < report->spec_count; i++) {
		if (!strcmp(report->specs[i].set, set) &&
		    !strcmp(report->specs[i].name, name))
			return &report->specs[i];
	}
	TEST_FAILURE("no spec %s/%s in the report", set, name);
	return NULL;
}

TEST(specs_count_desired_ready_stale_and_the_least_ttl_as_listed)
{
	sc_spec_list specs;
	sc_sandbox_list list = {0};
	load_specs(&specs);
	const sc_spec *py = sc_spec_list_find(&specs, "team-ml", "py");
	const sc_spec *web = sc_spec_list_find(&specs, "apps", "web");
	add_sandbox(&list, "a", py, "running", false, NOW + 500000);
	add_sandbox(&list, "b", py, "running", true, NOW + 120000);
	add_sandbox(&list, "c", py, "paused", true,
	            NOW + 10000);                                /* not running: no TTL */
	add_sandbox(&list, "d", py, "killed", true, NOW + 1000); /* gone: nowhere */
	add_sandbox(&list, "e", py, "starting", false, 0);
	add_sandbox(&list, "f", web, "paused", false, 0);

	sc_agent_report report = SC_AGENT_REPORT_INIT;
	sc_agent_report_count_specs(&report, &specs, &list, NULL, NOW);
	CHECK(report.specs_counted);
	CHECK_INT(report.spec_count, 3);
	/* Sorted by (set, name). */
	CHECK_STR(report.specs[0].set, "apps");
	CHECK_STR(report.specs[1].name, "idle");
	CHECK_STR(report.specs[2].name, "py");
	const sc_agent_spec_status *s = find_spec(&report, "team-ml", "py");
	if (s) {
		CHECK_INT(s->desired, 3);
		CHECK(!s->paused);
		CHECK_INT(s->live, 4);
		CHECK_INT(s->ready, 2);
		CHECK_INT(s->stale, 2);
		CHECK_INT(s->ttl_left_ms, 120000);
		CHECK(s->rollout == NULL);
	}
	s = find_spec(&report, "apps", "web");
	if (s) {
		CHECK(s->paused);
		CHECK_INT(s->live, 1);
		CHECK_INT(s->ready, 0);
		CHECK_INT(s->ttl_left_ms, -1);
	}
	s = find_spec(&report, "team-ml", "idle");
	if (s) {
		CHECK_INT(s->desired, 0);
		CHECK_INT(s->live, 0);
		CHECK_INT(s->ttl_left_ms, -1);
	}
	sc_agent_report_release(&report);
	sc_sandbox_list_release(&list);
	sc_spec_list_release(&specs);
}

TEST(specs_show_what_the_done_actions_left)
{
	sc_spec_list specs;
	sc_sandbox_list list = {0};
	sc_plan plan = {0};
	load_specs(&specs);
	const sc_spec *py = sc_spec_list_find(&specs, "team-ml", "py");
	const sc_spec *web = sc_spec_list_find(&specs, "apps", "web");
	add_sandbox(&list, "old", py, "running", true, NOW + 1000);
	add_sandbox(&list, "short", py, "running", false, NOW + 2000);
	add_sandbox(&list, "paused", py, "paused", false, NOW + 3000);
	add_sandbox(&list, "kept", py, "running", false, NOW + 400000);
	add_sandbox(&list, "surplus", py, "running", false, NOW + 5000);
	add_sandbox(&list, "failing", py, "running", true, NOW + 90000);
	add_sandbox(&list, "w", web, "running", false, NOW + 7000);
	add_action(&plan, SC_ACTION_REPLACE, SC_RESULT_DONE, py, &list.items[0]);
	add_action(&plan, SC_ACTION_RENEW, SC_RESULT_DONE, py, &list.items[1]);
	add_action(&plan, SC_ACTION_RESUME, SC_RESULT_DONE, py, &list.items[2]);
	add_action(&plan, SC_ACTION_DELETE, SC_RESULT_DONE, py, &list.items[4]);
	add_action(&plan, SC_ACTION_REPLACE, SC_RESULT_FAILED, py, &list.items[5]);
	add_action(&plan, SC_ACTION_CREATE, SC_RESULT_FAILED, py, NULL);
	add_action(&plan, SC_ACTION_PAUSE, SC_RESULT_DONE, web, &list.items[6]);

	sc_agent_report report = SC_AGENT_REPORT_INIT;
	sc_agent_report_count_specs(&report, &specs, &list, &plan, NOW);
	const sc_agent_spec_status *s = find_spec(&report, "team-ml", "py");
	if (s) {
		/* old replaced by a fresh one; surplus deleted; failing still there,
		 * stale. */
		CHECK_INT(s->live, 5);
		CHECK_INT(s->ready, 5);
		CHECK_INT(s->stale, 1);
		CHECK_INT(s->ttl_left_ms, 90000);
	}
	s = find_spec(&report, "apps", "web");
	if (s) {
		CHECK_INT(s->live, 1);
		CHECK_INT(s->ready, 0);
		CHECK_INT(s->ttl_left_ms, -1);
	}
	sc_agent_report_release(&report);

	/* Renewed, resumed and fresh ones count with the spec's full TTL. */
	sc_agent_report_init(&report);
	list.items[5].end_at = NOW + 900000;
	sc_agent_report_count_specs(&report, &specs, &list, &plan, NOW);
	s = find_spec(&report, "team-ml", "py");
	if (s)
		CHECK_INT(s->ttl_left_ms, 400000);
	sc_agent_report_release(&report);

	/* A listing past a sandbox's endAt shows 0 left, never less. */
	sc_agent_report_init(&report);
	sc_agent_report_count_specs(&report, &specs, &list, NULL, NOW + 1500);
	s = find_spec(&report, "team-ml", "py");
	if (s)
		CHECK_INT(s->ttl_left_ms, 0);
	sc_agent_report_release(&report);
	sc_plan_release(&plan);
	sc_sandbox_list_release(&list);
	sc_spec_list_release(&specs);
}

TEST(messages_are_one_line_and_capped)
{
	sc_agent_report report = SC_AGENT_REPORT_INIT;

	sc_agent_report_note(&report, SC_DIAG_ERROR, "bad\nline\x1b[31m");
	for (int i = 0; i < 30; i++)
		sc_agent_report_note(&report, SC_DIAG_WARNING, "again");
	CHECK_INT(report.message_count, SC_AGENT_REPORT_MAX_MESSAGES);
	CHECK_INT(report.messages_dropped, 30 + 1 - SC_AGENT_REPORT_MAX_MESSAGES);
	CHECK_STR(report.messages[0].text, "bad?line?[31m");
	CHECK_INT(report.messages[0].level, SC_DIAG_ERROR);
	sc_agent_report_release(&report);
}

TEST(messages_are_scrubbed_of_envvars_values)
{
	const char *yaml = "apiVersion: sc-apply/v1\n"
	                   "kind: Sandbox\n"
	                   "metadata: {name: py, set: team-ml}\n"
	                   "spec:\n"
	                   "  envVars: {TOKEN: s3cr3t-VALUE-0123456789}\n";
	sc_spec_list specs = {0};
	sc_diag diag = SC_DIAG_INIT;
	sc_agent_report report = SC_AGENT_REPORT_INIT;
	char long_text[2000];

	CHECK_INT(sc_spec_load_text(&specs, "s.yaml", yaml, strlen(yaml), NULL, &diag),
	          0);
	/* A secret that straddles where the status cuts a message is scrubbed first. */
	memset(long_text, 'x', sizeof(long_text));
	memcpy(long_text + SC_AGENT_STATUS_MESSAGE_MAX - 5, "s3cr3t-VALUE-0123456789",
	       23);
	long_text[sizeof(long_text) - 1] = '\0';
	sc_agent_report_note(&report, SC_DIAG_ERROR,
	                     "echoed s3cr3t-VALUE-0123456789 back");
	sc_agent_report_note(&report, SC_DIAG_WARNING, long_text);
	sc_agent_report_scrub(&report, &specs);
	CHECK_STR(report.messages[0].text, "echoed *** back");
	CHECK_NOT_CONTAINS(report.messages[1].text, "s3cr3t");

	sc_agent_status status;
	sc_agent_status_init(&status);
	sc_agent_status_record(&status, &report, NOW);
	CHECK_INT(strlen(status.ring[0].messages[1].text), SC_AGENT_STATUS_MESSAGE_MAX);
	CHECK_NOT_CONTAINS(status.ring[0].messages[1].text, "s3cr3t");
	sc_agent_status_release(&status);
	sc_agent_report_release(&report);
	sc_spec_list_release(&specs);
	sc_diag_release(&diag);
}

TEST(failed_and_skipped_actions_become_messages)
{
	sc_spec_list specs;
	sc_sandbox_list list = {0};
	sc_plan plan = {0};
	load_specs(&specs);
	const sc_spec *py = sc_spec_list_find(&specs, "team-ml", "py");
	add_sandbox(&list, "sbx-1", py, "running", true, 0);
	add_action(&plan, SC_ACTION_CREATE, SC_RESULT_DONE, py, NULL);
	add_action(&plan, SC_ACTION_REPLACE, SC_RESULT_FAILED, py, &list.items[0]);
	plan.actions[1].result.message = sc_strdup("HTTP 429: too many sandboxes");
	add_action(&plan, SC_ACTION_CREATE, SC_RESULT_SKIPPED, py, NULL);

	sc_agent_report report = SC_AGENT_REPORT_INIT;
	sc_agent_report_note_results(&report, &plan);
	CHECK_INT(report.message_count, 2);
	if (report.message_count == 2) {
		CHECK_STR(report.messages[0].text,
		          "replace of 'team-ml/py' (sbx-1) failed: "
		          "HTTP 429: too many sandboxes");
		CHECK_INT(report.messages[0].level, SC_DIAG_ERROR);
		CHECK_STR(report.messages[1].text,
		          "create of 'team-ml/py' skipped: no reason given");
		CHECK_INT(report.messages[1].level, SC_DIAG_WARNING);
	}
	sc_agent_report_release(&report);
	sc_plan_release(&plan);
	sc_sandbox_list_release(&list);
	sc_spec_list_release(&specs);
}

/* A cycle's report with one spec and one message, as a cycle function fills it. */
static void fake_report(sc_agent_report *report, bool ok, unsigned long creates,
                        const char *set, const char *name, const char *message)
{
	sc_agent_report_init(report);
	report->ok = ok;
	report->observed = report->planned = report->specs_counted = true;
	report->drift = creates;
	report->duration_ms = 250;
	report->actions[SC_ACTION_CREATE][SC_AGENT_RESULT_DONE] = creates;
	sc_agent_report_set(report, set)->count[SC_AGENT_STATE_RUNNING] = 2;
	SC_GROW(report->specs, 1, report->spec_alloc);
	sc_agent_spec_status *spec = &report->specs[report->spec_count++];
	memset(spec, 0, sizeof(*spec));
	spec->set = sc_strdup(set);
	spec->name = sc_strdup(name);
	spec->desired = 3;
	spec->live = spec->ready = 2;
	spec->stale = 1;
	spec->ttl_left_ms = 100500;
	if (message)
		sc_agent_report_note(report, SC_DIAG_ERROR, message);
}

static cJSON *render(sc_agent_status *status, int64_t now_ms)
{
	sc_buf out = SC_BUF_INIT;
	sc_agent_status_render_json(status, now_ms, &out);
	cJSON *root = cJSON_Parse(sc_buf_cstr(&out));
	if (!root)
		TEST_FAILURE("not JSON: %s", sc_buf_cstr(&out));
	sc_buf_release(&out);
	return root;
}

static double number_at(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	if (!cJSON_IsNumber(item)) {
		TEST_FAILURE("\"%s\" is not a number", key);
		return -1;
	}
	return item->valuedouble;
}

static const char *string_at(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	if (!cJSON_IsString(item)) {
		TEST_FAILURE("\"%s\" is not a string", key);
		return "";
	}
	return item->valuestring;
}

TEST(an_empty_status_is_versioned_json_with_nothing_listed)
{
	sc_agent_status status;
	sc_agent_status_init(&status);
	cJSON *root = render(&status, NOW);
	CHECK_STR(string_at(root, "formatVersion"), "1");
	CHECK(number_at(root, "cycles") == 0);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(root, "lastSuccessAt")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(root, "listedInCycle")));
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(root, "specs")), 0);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(root, "recentCycles")), 0);
	cJSON_Delete(root);
	sc_agent_status_release(&status);
}

TEST(the_ring_keeps_the_last_cycles_newest_first)
{
	sc_agent_status status;
	sc_agent_report report;
	sc_agent_status_init(&status);
	for (unsigned long i = 1; i <= SC_AGENT_STATUS_CYCLES + 5; i++) {
		fake_report(&report, i % 2 == 1, i, "team-ml", "py",
		            i % 2 ? NULL : "failed");
		sc_agent_status_record(&status, &report, NOW + (int64_t)i * 1000);
		sc_agent_report_release(&report);
	}
	cJSON *root = render(&status, NOW + 60000);
	const cJSON *cycles = cJSON_GetObjectItem(root, "recentCycles");
	CHECK(number_at(root, "cycles") == SC_AGENT_STATUS_CYCLES + 5);
	CHECK_INT(cJSON_GetArraySize(cycles), SC_AGENT_STATUS_CYCLES);
	const cJSON *newest = cJSON_GetArrayItem(cycles, 0);
	const cJSON *oldest = cJSON_GetArrayItem(cycles, SC_AGENT_STATUS_CYCLES - 1);
	CHECK(number_at(newest, "number") == SC_AGENT_STATUS_CYCLES + 5);
	CHECK(number_at(oldest, "number") == 6);
	CHECK(number_at(newest, "durationMs") == 250);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(newest, "ok")));
	CHECK(number_at(newest, "actionsTotal") == SC_AGENT_STATUS_CYCLES + 5);
	CHECK(number_at(
	          cJSON_GetObjectItem(cJSON_GetObjectItem(newest, "actions"), "create"),
	          "done") == SC_AGENT_STATUS_CYCLES + 5);
	/* The start is the end less the duration. */
	CHECK_STR(string_at(newest, "startedAt"), "2027-01-15T08:00:24.750Z");
	const cJSON *second = cJSON_GetArrayItem(cycles, 1);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(second, "ok")));
	const cJSON *message =
	    cJSON_GetArrayItem(cJSON_GetObjectItem(second, "messages"), 0);
	CHECK_STR(string_at(message, "level"), "error");
	CHECK_STR(string_at(message, "text"), "failed");
	CHECK(number_at(root, "consecutiveFailures") == 0);
	cJSON_Delete(root);
	sc_agent_status_release(&status);
}

TEST(specs_stay_from_the_last_listing_and_ttl_counts_down)
{
	sc_agent_status status;
	sc_agent_report report;
	sc_agent_status_init(&status);
	fake_report(&report, true, 0, "team-ml", "py", NULL);
	sc_agent_status_record(&status, &report, NOW);
	sc_agent_report_release(&report);
	/* A cycle that could not list (bad specs): the specs shown stay. */
	sc_agent_report_init(&report);
	sc_agent_report_note(&report, SC_DIAG_ERROR, "specs.yaml:3:1: bad");
	sc_agent_status_record(&status, &report, NOW + 5000);
	sc_agent_report_release(&report);

	cJSON *root = render(&status, NOW + 10000);
	CHECK(number_at(root, "listedInCycle") == 1);
	CHECK(number_at(root, "consecutiveFailures") == 1);
	const cJSON *spec = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "specs"), 0);
	CHECK_STR(string_at(spec, "set"), "team-ml");
	CHECK_STR(string_at(spec, "name"), "py");
	CHECK_STR(string_at(spec, "state"), "running");
	CHECK(number_at(spec, "desired") == 3);
	CHECK(number_at(spec, "ready") == 2);
	CHECK(number_at(spec, "stale") == 1);
	CHECK(number_at(spec, "ttlLeftSeconds") == 90); /* 100.5 s less 10 s */
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(spec, "rollout")));
	const cJSON *set = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "sets"), 0);
	CHECK_STR(string_at(set, "name"), "team-ml");
	CHECK(number_at(cJSON_GetObjectItem(set, "sandboxes"), "running") == 2);
	const cJSON *last =
	    cJSON_GetArrayItem(cJSON_GetObjectItem(root, "recentCycles"), 0);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(last, "drift")));
	cJSON_Delete(root);

	root = render(&status, NOW + 500000);
	spec = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "specs"), 0);
	CHECK(number_at(spec, "ttlLeftSeconds") == 0);
	cJSON_Delete(root);
	sc_agent_status_release(&status);
}

TEST(a_rollout_shows_when_present)
{
	sc_agent_status status;
	sc_agent_report report;
	sc_agent_status_init(&status);
	fake_report(&report, true, 0, "team-ml", "py", NULL);
	report.specs[0].rollout = sc_calloc(1, sizeof(sc_agent_rollout));
	report.specs[0].rollout->phase = sc_strdup("progressing");
	report.specs[0].rollout->updated = 1;
	report.specs[0].rollout->total = 3;
	sc_agent_status_record(&status, &report, NOW);
	sc_agent_report_release(&report);
	cJSON *root = render(&status, NOW);
	const cJSON *spec = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "specs"), 0);
	const cJSON *rollout = cJSON_GetObjectItem(spec, "rollout");
	CHECK_STR(string_at(rollout, "phase"), "progressing");
	CHECK(number_at(rollout, "updated") == 1);
	CHECK(number_at(rollout, "total") == 3);
	cJSON_Delete(root);
	sc_agent_status_release(&status);
}

TEST(strings_are_escaped_and_come_back_unchanged)
{
	const char *set = "<script>alert(\"set\")</script>";
	const char *name = "py\"\\\n</script>";
	const char *bad_utf8 = "bad \xff\xfe byte";
	sc_agent_status status;
	sc_agent_report report;
	sc_agent_status_init(&status);
	fake_report(&report, false, 0, set, name, "<img src=x onerror=alert(1)>");
	sc_agent_report_note(&report, SC_DIAG_WARNING, bad_utf8);
	sc_agent_status_record(&status, &report, NOW);
	sc_agent_report_release(&report);

	cJSON *root = render(&status, NOW);
	const cJSON *spec = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "specs"), 0);
	CHECK_STR(string_at(spec, "set"), set);
	CHECK_STR(string_at(spec, "name"), name);
	const cJSON *messages = cJSON_GetObjectItem(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(root, "recentCycles"), 0), "messages");
	CHECK_STR(string_at(cJSON_GetArrayItem(messages, 0), "text"),
	          "<img src=x onerror=alert(1)>");
	/* Bytes that are not UTF-8 never reach the JSON as they are. */
	const char *shown = string_at(cJSON_GetArrayItem(messages, 1), "text");
	CHECK(!strncmp(shown, "bad ", 4));
	CHECK_NOT_CONTAINS(shown, "\xff");
	CHECK_NOT_CONTAINS(shown, "\xfe");
	cJSON_Delete(root);
	sc_agent_status_release(&status);
}

typedef struct reader {
	sc_agent_status *status;
	int renders;
	int bad;
} reader;

static void *read_status(void *arg)
{
	reader *r = arg;
	for (int i = 0; i < 300; i++) {
		sc_buf out = SC_BUF_INIT;
		sc_agent_status_render_json(r->status, NOW, &out);
		cJSON *root = cJSON_Parse(sc_buf_cstr(&out));
		r->bad += root == NULL;
		r->renders++;
		cJSON_Delete(root);
		sc_buf_release(&out);
	}
	return NULL;
}

TEST(renders_on_another_thread_see_whole_cycles)
{
	sc_agent_status status;
	reader r = {0};
	pthread_t thread;
	sc_agent_status_init(&status);
	r.status = &status;
	CHECK_INT(pthread_create(&thread, NULL, read_status, &r), 0);
	for (int i = 0; i < 300; i++) {
		sc_agent_report report;
		fake_report(&report, i % 3 != 0, (unsigned long)i, "team-ml", "py",
		            "oops");
		sc_agent_status_record(&status, &report, NOW + i);
		sc_agent_report_release(&report);
	}
	pthread_join(thread, NULL);
	CHECK_INT(r.renders, 300);
	CHECK_INT(r.bad, 0);
	sc_agent_status_release(&status);
}

TEST(the_page_is_self_contained_and_builds_its_dom_from_text)
{
	const char *page = sc_agent_status_page_html();
	CHECK(!strncmp(page, "<!doctype html>", 15));
	CHECK_CONTAINS(page, "fetch(\"api/status\"");
	/* No asset from anywhere: no src or href attribute, no link, no import. */
	CHECK_NOT_CONTAINS(page, "src=");
	CHECK_NOT_CONTAINS(page, "href=");
	CHECK_NOT_CONTAINS(page, "<link");
	CHECK_NOT_CONTAINS(page, "import");
	CHECK_NOT_CONTAINS(page, "@font-face");
	CHECK_NOT_CONTAINS(page, "url(");
	/* Data never becomes markup. */
	CHECK_NOT_CONTAINS(page, "innerHTML");
	CHECK_NOT_CONTAINS(page, "outerHTML");
	CHECK_NOT_CONTAINS(page, "insertAdjacentHTML");
	CHECK_NOT_CONTAINS(page, "document.write");
	CHECK_NOT_CONTAINS(page, "eval(");
}

TEST(the_policy_allows_exactly_the_pages_own_script)
{
	const char *page = sc_agent_status_page_html();
	const char *csp = sc_agent_status_page_csp();
	const char *open = strstr(page, "<script>");
	const char *close = open ? strstr(open, "</script>") : NULL;
	CHECK(open && close);
	if (!open || !close)
		return;
	open += strlen("<script>");
	CHECK(strstr(close + 1, "<script") == NULL);

	uint8_t digest[32];
	sc_sha256 sha;
	sc_sha256_init(&sha);
	sc_sha256_update(&sha, open, (size_t)(close - open));
	sc_sha256_final(&sha, digest);
	/* The hash as the policy writes it: base64 of the digest. */
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char want[80] = "'sha256-";
	size_t at = strlen(want);
	for (size_t i = 0; i < 32; i += 3) {
		uint32_t g = (uint32_t)digest[i] << 16 |
		             (i + 1 < 32 ? (uint32_t)digest[i + 1] << 8 : 0) |
		             (i + 2 < 32 ? digest[i + 2] : 0);
		want[at++] = digits[g >> 18 & 63];
		want[at++] = digits[g >> 12 & 63];
		want[at++] = i + 1 < 32 ? digits[g >> 6 & 63] : '=';
		want[at++] = i + 2 < 32 ? digits[g & 63] : '=';
	}
	want[at++] = '\'';
	want[at] = '\0';
	CHECK_CONTAINS(csp, want);
	CHECK_CONTAINS(csp, "default-src 'none'");
	CHECK_CONTAINS(csp, "connect-src 'self'");
	CHECK_NOT_CONTAINS(csp, "unsafe-eval");
	CHECK_NOT_CONTAINS(csp, "script-src 'unsafe-inline'");
}

static long get(const char *address, const char *path, test_response *response)
{
	char url[256];
	snprintf(url, sizeof(url), "http://%s%s", address, path);
	if (test_http(NULL, "GET", url, NULL, NULL, response))
		return -1;
	return response->status;
}

TEST(the_server_serves_the_page_and_the_json)
{
	sc_agent_metrics metrics;
	sc_agent_server *server = NULL;
	sc_diag diag = SC_DIAG_INIT;
	test_response response;
	sc_agent_report report;

	sc_agent_metrics_init(&metrics);
	CHECK_INT(sc_agent_server_start(&server, "127.0.0.1:0", &metrics, &diag), 0);
	if (!server)
		goto done;
	fake_report(&report, true, 2, "team-ml", "py", NULL);
	sc_agent_metrics_record(&metrics, &report, NOW);
	sc_agent_report_release(&report);

	const char *address = sc_agent_server_address(server);
	CHECK_INT(get(address, "/", &response), 200);
	char *type = test_response_header(&response, "Content-Type");
	char *csp = test_response_header(&response, "Content-Security-Policy");
	CHECK_STR(type, "text/html; charset=utf-8");
	CHECK_STR(csp, sc_agent_status_page_csp());
	CHECK_STR(response.body, sc_agent_status_page_html());
	free(type);
	free(csp);
	test_response_release(&response);

	CHECK_INT(get(address, "/api/status", &response), 200);
	type = test_response_header(&response, "Content-Type");
	CHECK_STR(type, "application/json");
	free(type);
	cJSON *root = cJSON_Parse(response.body);
	CHECK(root != NULL);
	CHECK_STR(string_at(root, "formatVersion"), "1");
	CHECK(number_at(root, "cycles") == 1);
	cJSON_Delete(root);
	test_response_release(&response);

	CHECK_INT(get(address, "/api/status/", &response), 404);
	test_response_release(&response);
	CHECK_INT(get(address, "/index.html", &response), 404);
	test_response_release(&response);
done:
	sc_agent_server_free(server);
	sc_agent_metrics_release(&metrics);
	sc_diag_release(&diag);
}

int main(void)
{
	RUN(specs_count_desired_ready_stale_and_the_least_ttl_as_listed);
	RUN(specs_show_what_the_done_actions_left);
	RUN(messages_are_one_line_and_capped);
	RUN(messages_are_scrubbed_of_envvars_values);
	RUN(failed_and_skipped_actions_become_messages);
	RUN(an_empty_status_is_versioned_json_with_nothing_listed);
	RUN(the_ring_keeps_the_last_cycles_newest_first);
	RUN(specs_stay_from_the_last_listing_and_ttl_counts_down);
	RUN(a_rollout_shows_when_present);
	RUN(strings_are_escaped_and_come_back_unchanged);
	RUN(renders_on_another_thread_see_whole_cycles);
	RUN(the_page_is_self_contained_and_builds_its_dom_from_text);
	RUN(the_policy_allows_exactly_the_pages_own_script);
	RUN(the_server_serves_the_page_and_the_json);
	return test_summary();
}
