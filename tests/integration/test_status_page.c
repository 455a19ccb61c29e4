/*
 * The agent's status page in a real browser: headless Chromium (Debian's
 * chromium, installed by scripts/install-deps) driven through the
 * DevTools protocol opens / on the agent's metrics listener, as served by
 * the real sc-apply agent against a real sc-sandboxd, and the test reads
 * what a user sees: the specs with desired, ready, stale and TTL left,
 * the cycles with their actions and errors, all kept current by the
 * page's own refreshes while a spec change rolls out. Server strings with
 * markup show as text, and no secret reaches the page. A screenshot of
 * the page is left in the working directory (status-page.png).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "support/browser.h"
#include "support/cli_run.h"

#ifndef SC_APPLY_BIN
#define SC_APPLY_BIN "sc-apply"
#endif

#define SECRET_VALUE "s3cr3t-status-VALUE-17"
#define SET          "team-ui"
#define WAIT_MS      60000

static test_browser *browser;

/* A running agent: its process, spec file, log and metrics address. */
typedef struct agent {
	test_sandboxd sd;
	test_process process;
	char spec[4200];
	char err[4200];
	char address[128];
} agent;

static const char *spec_text(const char *py_extra)
{
	static char text[2048];
	snprintf(text, sizeof(text),
	         "apiVersion: sc-apply/v1\n"
	         "kind: Sandbox\n"
	         "metadata:\n"
	         "  name: py\n"
	         "  set: " SET "\n"
	         "%s"
	         "spec:\n"
	         "  template: code-interpreter\n"
	         "  replicas: 2\n"
	         "  timeout: 600\n"
	         "  envVars:\n"
	         "    SECRET_TOKEN: ${SECRET_TOKEN}\n"
	         "---\n"
	         "apiVersion: sc-apply/v1\n"
	         "kind: Sandbox\n"
	         "metadata:\n"
	         "  name: web\n"
	         "  set: " SET "\n"
	         "spec:\n"
	         "  template: node\n"
	         "  timeout: 600\n",
	         py_extra ? py_extra : "");
	return text;
}

static void write_spec(const agent *a, const char *text)
{
	char temp[4300];
	snprintf(temp, sizeof(temp), "%s.tmp", a->spec);
	if (test_write_file(temp, text) || rename(temp, a->spec))
		TEST_FAILURE("cannot write %s", a->spec);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Reads the metrics address from the JSON "agent started" event. */
static bool read_address(agent *a)
{
	for (int waited = 0; waited <= 10000 && !a->address[0]; waited += 50) {
		char *log = test_read_file(a->err);
		const char *at = log ? strstr(log, "\"metrics\":\"") : NULL;
		if (at)
			sscanf(at + strlen("\"metrics\":\""), "%127[^\"]", a->address);
		free(log);
		if (!a->address[0])
			sleep_ms(50);
	}
	return a->address[0] != '\0';
}

/* sc-sandboxd, the spec, and the agent with its status page on 127.0.0.1:0. */
static bool agent_start(agent *a, const char *spec)
{
	char url_env[256];
	memset(a, 0, sizeof(*a));
	if (test_sandboxd_start(&a->sd, NULL)) {
		TEST_FAILURE("sc-sandboxd did not start");
		return false;
	}
	snprintf(a->spec, sizeof(a->spec), "%s/pool.yaml", a->sd.dir);
	snprintf(a->err, sizeof(a->err), "%s/agent.err", a->sd.dir);
	write_spec(a, spec);
	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", a->sd.base_url);
	const char *env[] = {url_env, "SEACLOUD_API_KEY=" TEST_API_KEY,
	                     "SECRET_TOKEN=" SECRET_VALUE, NULL};
	const char *argv[] = {SC_APPLY_BIN,  "agent",        "-f",
	                      a->spec,       "--interval",   "1s",
	                      "--timeout",   "5s",           "--listen-metrics",
	                      "127.0.0.1:0", "--log-format", "json",
	                      NULL};
	if (test_process_start_wrapped(&a->process, argv, env, NULL, NULL, a->err) ||
	    !read_address(a)) {
		TEST_FAILURE("the agent did not start or logged no metrics address");
		return false;
	}
	return true;
}

static void agent_stop(agent *a)
{
	if (a->process.pid) {
		CHECK_INT(test_process_stop(&a->process, SIGTERM, 20000), 0);
		CHECK_INT(a->process.exit_status, 0);
	}
	CHECK_INT(test_sandboxd_stop(&a->sd), 0);
	test_sandboxd_release(&a->sd);
}

static int admin_config(const agent *a, const char *body)
{
	char url[256];
	test_response response;
	snprintf(url, sizeof(url), "%s/_admin/config", a->sd.root_url);
	int rc = test_http(&a->sd, "POST", url, TEST_API_KEY, body, &response);
	rc = rc == 0 && response.status < 300 ? 0 : -1;
	test_response_release(&response);
	return rc;
}

static bool open_page(const agent *a)
{
	char url[256];
	snprintf(url, sizeof(url), "http://%s/", a->address);
	if (test_browser_open(browser, url, 1100, 1000)) {
		TEST_FAILURE("the browser cannot open %s", url);
		return false;
	}
	return true;
}

/* Prints what the page shows, to explain a failed wait. */
static void show_page(void)
{
	char *text = test_browser_eval(browser, "document.body.innerText");
	printf("  the page shows:\n%s\n", text ? text : "(nothing)");
	free(text);
}

/* Waits for a condition on the page (JavaScript), showing the page when it never holds.
 */
static bool wait_page(const char *condition)
{
	if (test_browser_wait(browser, condition, WAIT_MS))
		return true;
	TEST_FAILURE("the page never showed: %s", condition);
	show_page();
	return false;
}

/* The visible text of the spec row of name, its cells joined by '|'. */
#define SPEC_ROW(name)                                                                   \
	"Array.from(document.querySelectorAll('#specs tr.spec-row'))"                    \
	".filter(r => r.dataset.spec === '" name "')"                                    \
	".map(r => Array.from(r.cells).map(c => c.innerText.trim()).join('|'))[0]"
/* Every cycle row's visible text, one a line, newest first. */
#define CYCLES_TEXT                                                                      \
	"Array.from(document.querySelectorAll('#cycles tbody tr'))"                      \
	".map(r => r.innerText.replace(/\\s+/g, ' ')).join('\\n')"
#define SUMMARY "document.getElementById('summary').innerText"

static void check_no_secret(const agent *a)
{
	char *page = test_browser_eval(browser, "document.documentElement.outerHTML");
	CHECK(page != NULL);
	CHECK_NOT_CONTAINS(page, SECRET_VALUE);
	CHECK_NOT_CONTAINS(page, TEST_API_KEY);
	free(page);
	char url[256];
	test_response response;
	snprintf(url, sizeof(url), "http://%s/api/status", a->address);
	CHECK_INT(test_http(NULL, "GET", url, NULL, NULL, &response), 0);
	CHECK_INT(response.status, 200);
	CHECK_CONTAINS(response.body, "\"formatVersion\":\"1\"");
	CHECK_NOT_CONTAINS(response.body, SECRET_VALUE);
	CHECK_NOT_CONTAINS(response.body, TEST_API_KEY);
	test_response_release(&response);
}

TEST(the_page_shows_the_specs_and_cycles_and_follows_a_rollout)
{
	agent a;
	if (!agent_start(&a, spec_text(NULL)) || !open_page(&a))
		goto done;

	/* Converged: what a user reads in the specs table and the header. */
	CHECK(wait_page(SPEC_ROW("py") " === '" SET "|py|running|2|2|0|' + " SPEC_ROW(
	    "py") ".split('|')[6] + '|none'"));
	CHECK(wait_page(SPEC_ROW("web") ".startsWith('" SET "|web|running|1|1|0|')"));
	CHECK(wait_page("/^(9m \\d+s|10m 0s)$/.test(" SPEC_ROW("py") ".split('|')[6])"));
	CHECK(wait_page("/^cycle \\d+ ok$/.test(" SUMMARY ")"));
	CHECK(wait_page("/create \\d done/.test(" CYCLES_TEXT ")"));
	CHECK(wait_page("document.querySelectorAll('#chart rect.bar').length >= 1"));
	/* Every later change reaches the page through its own refreshes. */
	free(test_browser_eval(browser, "window.loadedOnce = true"));

	/*
	 * A spec change rolls out: py's two sandboxes are now stale and are
	 * replaced, new ones first; while the service refuses the new ones
	 * (its sandbox limit), the page shows them stale and the errors.
	 */
	CHECK_INT(admin_config(&a, "{\"maxSandboxes\":3}"), 0);
	write_spec(&a, spec_text("  labels:\n    version: \"2\"\n"));
	CHECK(wait_page(SPEC_ROW("py") ".startsWith('" SET "|py|running|2|2|2|')"));
	CHECK(wait_page("/^cycle \\d+ failed \\(\\d+ in a row\\)$/.test(" SUMMARY ")"));
	CHECK(wait_page("/replace \\d+ failed/.test(" CYCLES_TEXT ")"));
	CHECK(wait_page("/error: replace of '" SET
	                "\\/py' \\(\\S+\\) failed: .*429/.test(" CYCLES_TEXT ")"));
	CHECK(wait_page("document.querySelector('#specs tr[data-spec=py] td.stale')"
	                ".classList.contains('stale-some')"));
	CHECK(wait_page("document.querySelectorAll('#chart "
	                "rect.bar[fill=\"#c62828\"]').length >= 1"));

	/* The limit lifted: the rollout completes, and the page says so. */
	CHECK_INT(admin_config(&a, "{\"maxSandboxes\":0}"), 0);
	CHECK(wait_page(SPEC_ROW("py") ".startsWith('" SET "|py|running|2|2|0|')"));
	CHECK(wait_page("/replace \\d done/.test(" CYCLES_TEXT ")"));
	CHECK(wait_page("/^cycle \\d+ ok$/.test(" SUMMARY ")"));
	CHECK(wait_page("window.loadedOnce === true"));
	check_no_secret(&a);
	if (test_browser_screenshot(browser, "status-page.png"))
		TEST_FAILURE("no screenshot");
	else
		printf("  screenshot: status-page.png\n");
done:
	agent_stop(&a);
}

TEST(an_error_with_markup_shows_as_text)
{
	agent a;
	const char *bad = "apiVersion: sc-apply/v1\n"
	                  "kind: Sandbox\n"
	                  "metadata:\n"
	                  "  name: py\n"
	                  "  set: " SET "\n"
	                  "spec:\n"
	                  "  replicas: \"<script>window.pwned=1</script><img src=x "
	                  "onerror=window.pwned=2>\"\n";
	if (!agent_start(&a, bad) || !open_page(&a))
		goto done;
	CHECK(wait_page("/^cycle \\d+ failed/.test(" SUMMARY ")"));
	CHECK(wait_page(CYCLES_TEXT
	                ".includes('spec.replicas: must be an integer from 0 to "
	                "1000, got \"<script>window.pwned=1</script><img src=x "
	                "onerror=window.pwned=2>\"')"));
	/* Shown, never run: the page's own script is the only one, and no image came. */
	CHECK(wait_page(
	    "document.scripts.length === 1 && !document.querySelector('img') && "
	    "window.pwned === undefined"));
	CHECK(wait_page("document.querySelector('#specs tbody').innerText.includes("
	                "'no sandboxes listed yet')"));
done:
	agent_stop(&a);
}

/* A status whose names carry markup, and a rollout in progress. */
static const char crafted[] =
    "{\"formatVersion\":\"1\",\"generatedAt\":\"2026-06-10T08:00:00.000Z\",\"cycles\":1,"
    "\"consecutiveFailures\":0,\"lastSuccessAt\":\"2026-06-10T08:00:00.000Z\","
    "\"listedInCycle\":1,\"listedAt\":\"2026-06-10T08:00:00.000Z\","
    "\"sets\":[{\"name\":\"<img src=x onerror=window.pwned=3>\","
    "\"sandboxes\":{\"running\":3,\"paused\":0,\"starting\":0,\"unknown\":0}}],"
    "\"specs\":[{\"set\":\"<img src=x onerror=window.pwned=3>\","
    "\"name\":\"<script>window.pwned=4</script>\",\"state\":\"running\",\"desired\":3,"
    "\"live\":3,\"ready\":3,\"stale\":2,\"ttlLeftSeconds\":3725,"
    "\"rollout\":{\"phase\":\"progressing\",\"updated\":1,\"total\":3}}],"
    "\"recentCycles\":[{\"number\":1,\"startedAt\":\"2026-06-10T08:00:00.000Z\","
    "\"durationMs\":1500,\"ok\":true,\"drift\":1,"
    "\"actions\":{\"create\":{\"done\":1,\"failed\":0,\"skipped\":0}},\"actionsTotal\":1,"
    "\"messages\":[{\"level\":\"warning\",\"text\":\"<b>bold</b> & more\"}],"
    "\"messagesDropped\":0}]}";

TEST(names_and_a_rollout_from_the_json_show_as_text)
{
	agent a;
	if (!agent_start(&a, spec_text(NULL)))
		goto done;
	test_browser_answer(browser, "*api/status*", "application/json", crafted);
	if (!open_page(&a))
		goto done;
	CHECK(wait_page(SPEC_ROW(
	    "<script>window.pwned=4</script>") " === "
	                                       "'<img src=x "
	                                       "onerror=window.pwned=3>|<script>window."
	                                       "pwned=4</script>|"
	                                       "running|3|3|2|1h 2m|progressing 1/3'"));
	CHECK(wait_page("document.querySelector('#specs progress').value === 1 && "
	                "document.querySelector('#specs progress').max === 3"));
	CHECK(
	    wait_page("document.querySelector('#specs tr.set-row').innerText.trim() === "
	              "'set <img src=x onerror=window.pwned=3>: 3 running'"));
	CHECK(wait_page(CYCLES_TEXT ".includes('warning: <b>bold</b> & more')"));
	CHECK(wait_page(
	    "document.scripts.length === 1 && !document.querySelector('img, b') "
	    "&& window.pwned === undefined"));
done:
	agent_stop(&a);
}

int main(void)
{
	char *binary = test_browser_find();
	char *dir = test_make_temp_dir("sc-status-page");
	char why[512] = "";

	if (!binary) {
		printf("chromium not found (install it with scripts/install-deps, or set "
		       "SC_TEST_CHROMIUM)\n");
		test_failed_count++;
		return test_summary();
	}
	browser = dir ? test_browser_start(binary, dir, why, sizeof(why)) : NULL;
	if (!browser) {
		printf("cannot start %s: %s\n", binary, why);
		test_failed_count++;
	} else {
		RUN(the_page_shows_the_specs_and_cycles_and_follows_a_rollout);
		RUN(an_error_with_markup_shows_as_text);
		RUN(names_and_a_rollout_from_the_json_show_as_text);
	}
	test_browser_free(browser);
	if (dir)
		test_rmtree(dir);
	free(dir);
	free(binary);
	return test_summary();
}
