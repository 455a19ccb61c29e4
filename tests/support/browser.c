/* pipe2() with O_CLOEXEC: the processes a test starts later must not inherit the pipes.
 */
#define _GNU_SOURCE
#include "support/browser.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long one DevTools call may take before the test gives up on it. */
#define CALL_TIMEOUT_MS 30000

struct test_browser {
	pid_t pid;        /* also its process group */
	int to_browser;   /* its fd 3 */
	int from_browser; /* its fd 4 */
	char *in;         /* bytes read, not yet a whole message */
	size_t in_len, in_alloc;
	int next_id;
	char *session; /* the page's DevTools session */
	char *answer_pattern, *answer_type, *answer_body;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

char *test_browser_find(void)
{
	const char *set = getenv("SC_TEST_CHROMIUM");
	const char *path = getenv("PATH");
	char candidate[4096];

	if (set && *set)
		return strdup(set);
	for (const char *dir = path ? path : "/usr/bin"; dir && *dir;) {
		const char *end = strchr(dir, ':');
		size_t len = end ? (size_t)(end - dir) : strlen(dir);
		snprintf(candidate, sizeof(candidate), "%.*s/chromium", (int)len, dir);
		if (len && access(candidate, X_OK) == 0)
			return strdup(candidate);
		dir = end ? end + 1 : NULL;
	}
	return NULL;
}

static const char digits64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *base64_encode(const char *data, size_t len)
{
	const unsigned char *bytes = (const unsigned char *)data;
	char *out = malloc(len / 3 * 4 + 8), *at = out;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t group = (uint32_t)bytes[i] << 16;
		if (i + 1 < len)
			group |= (uint32_t)bytes[i + 1] << 8;
		if (i + 2 < len)
			group |= bytes[i + 2];
		*at++ = digits64[group >> 18 & 63];
		*at++ = digits64[group >> 12 & 63];
		*at++ = i + 1 < len ? digits64[group >> 6 & 63] : '=';
		*at++ = i + 2 < len ? digits64[group & 63] : '=';
	}
	*at = '\0';
	return out;
}

static unsigned char *base64_decode(const char *text, size_t *out_len)
{
	size_t len = strlen(text), used = 0;
	unsigned char *out = malloc(len / 4 * 3 + 3);
	uint32_t group = 0;
	int bits = 0;

	for (const char *p = text; *p && *p != '='; p++) {
		const char *digit = strchr(digits64, *p);
		if (!digit) {
			free(out);
			return NULL;
		}
		group = group << 6 | (uint32_t)(digit - digits64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[used++] = (unsigned char)(group >> bits & 0xff);
		}
	}
	*out_len = used;
	return out;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t wrote = write(fd, data, len);
		if (wrote < 0 && errno == EINTR)
			continue;
		if (wrote <= 0)
			return -1;
		data += wrote;
		len -= (size_t)wrote;
	}
	return 0;
}

/* Sends method with params (taken; NULL: none) on session (NULL: the browser). */
static int send_call(test_browser *browser, const char *method, cJSON *params,
                     const char *session)
{
	cJSON *message = cJSON_CreateObject();
	int id = ++browser->next_id;

	cJSON_AddNumberToObject(message, "id", id);
	cJSON_AddStringToObject(message, "method", method);
	cJSON_AddItemToObject(message, "params", params ? params : cJSON_CreateObject());
	if (session)
		cJSON_AddStringToObject(message, "sessionId", session);
	char *text = cJSON_PrintUnformatted(message);
	cJSON_Delete(message);
	int result =
	    write_all(browser->to_browser, text, strlen(text) + 1); /* with the NUL */
	free(text);
	return result < 0 ? -1 : id;
}

/* The next whole message from the browser, waiting until deadline; NULL then. */
static cJSON *read_message(test_browser *browser, int64_t deadline)
{
	for (;;) {
		char *end =
		    browser->in_len ? memchr(browser->in, '\0', browser->in_len) : NULL;
		if (end) {
			cJSON *message = cJSON_Parse(browser->in);
			size_t used = (size_t)(end - browser->in) + 1;
			memmove(browser->in, end + 1, browser->in_len - used);
			browser->in_len -= used;
			if (message)
				return message;
			continue;
		}
		int64_t left = deadline - now_ms();
		struct pollfd pfd = {.fd = browser->from_browser, .events = POLLIN};
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return NULL;
		if (browser->in_alloc - browser->in_len < 65536) {
			browser->in_alloc = browser->in_alloc * 2 + 65536;
			browser->in = realloc(browser->in, browser->in_alloc);
		}
		ssize_t got = read(browser->from_browser, browser->in + browser->in_len,
		                   browser->in_alloc - browser->in_len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return NULL;
		browser->in_len += (size_t)got;
		browser->in[browser->in_len] = '\0';
	}
}

/* A request the page made that the test answers (Fetch.requestPaused). */
static void answer_request(test_browser *browser, const cJSON *event)
{
	const cJSON *params = cJSON_GetObjectItem(event, "params");
	const cJSON *id = cJSON_GetObjectItem(params, "requestId");
	const cJSON *session = cJSON_GetObjectItem(event, "sessionId");
	if (!cJSON_IsString(id) || !browser->answer_body)
		return;

	cJSON *reply = cJSON_CreateObject();
	cJSON *headers = cJSON_AddArrayToObject(reply, "responseHeaders");
	cJSON *type = cJSON_CreateObject();
	char *body = base64_encode(browser->answer_body, strlen(browser->answer_body));
	cJSON_AddStringToObject(reply, "requestId", id->valuestring);
	cJSON_AddNumberToObject(reply, "responseCode", 200);
	cJSON_AddStringToObject(type, "name", "Content-Type");
	cJSON_AddStringToObject(type, "value", browser->answer_type);
	cJSON_AddItemToArray(headers, type);
	cJSON_AddStringToObject(reply, "body", body);
	free(body);
	send_call(browser, "Fetch.fulfillRequest", reply,
	          cJSON_IsString(session) ? session->valuestring : NULL);
}

/*
 * Calls method and waits for its answer, handling the events that come
 * first. Returns its "result" (the caller deletes it), or NULL on an
 * error (printed) or a time-out.
 */
static cJSON *call(test_browser *browser, const char *method, cJSON *params,
                   const char *session)
{
	int id = send_call(browser, method, params, session);
	int64_t deadline = now_ms() + CALL_TIMEOUT_MS;

	if (id < 0)
		return NULL;
	for (;;) {
		cJSON *message = read_message(browser, deadline);
		if (!message) {
			printf("  browser: no answer to %s\n", method);
			return NULL;
		}
		const cJSON *got = cJSON_GetObjectItem(message, "id");
		const cJSON *event = cJSON_GetObjectItem(message, "method");
		if (cJSON_IsString(event) &&
		    !strcmp(event->valuestring, "Fetch.requestPaused"))
			answer_request(browser, message);
		if (!cJSON_IsNumber(got) || got->valueint != id) {
			cJSON_Delete(message);
			continue;
		}
		cJSON *result = cJSON_DetachItemFromObject(message, "result");
		const cJSON *error = cJSON_GetObjectItem(message, "error");
		if (error) {
			char *text = cJSON_PrintUnformatted(error);
			printf("  browser: %s: %s\n", method, text);
			free(text);
			cJSON_Delete(result);
			result = NULL;
		}
		cJSON_Delete(message);
		return result;
	}
}

/* Moves fd to a number above the ones the child is about to fill. */
static int lift(int fd)
{
	int high = fcntl(fd, F_DUPFD, 10);
	close(fd);
	return high;
}

static void exec_browser(const char *binary, const char *dir, int in, int out)
{
	char profile[4200], log[4200];
	snprintf(profile, sizeof(profile), "--user-data-dir=%s/chromium-profile", dir);
	snprintf(log, sizeof(log), "%s/chromium.log", dir);
	const char *argv[] = {binary,
	                      "--headless",
	                      "--no-sandbox", /* tests run as root in CI */
	                      "--disable-gpu",
	                      "--disable-dev-shm-usage",
	                      "--no-first-run",
	                      "--no-default-browser-check",
	                      "--disable-extensions",
	                      "--disable-background-networking",
	                      "--disable-component-update",
	                      "--disable-sync",
	                      "--disable-default-apps",
	                      "--mute-audio",
	                      "--hide-scrollbars",
	                      "--force-device-scale-factor=1",
	                      "--remote-debugging-pipe",
	                      profile,
	                      "about:blank",
	                      NULL};

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	in = lift(in);
	out = lift(out);
	int null = open("/dev/null", O_RDONLY);
	int log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (null < 0 || log_fd < 0)
		_exit(126);
	dup2(null, 0);
	dup2(log_fd, 1);
	dup2(log_fd, 2);
	dup2(in, 3);
	dup2(out, 4);
	execv(binary, (char *const *)argv);
	_exit(127);
}

test_browser *test_browser_start(const char *binary, const char *dir, char *why,
                                 size_t why_len)
{
	int to[2], from[2];

	signal(SIGPIPE, SIG_IGN);
	if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC)) {
		snprintf(why, why_len, "pipe: %s", strerror(errno));
		return NULL;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		exec_browser(binary, dir, to[0], from[1]);
	close(to[0]);
	close(from[1]);
	if (pid < 0) {
		snprintf(why, why_len, "fork: %s", strerror(errno));
		close(to[1]);
		close(from[0]);
		return NULL;
	}
	test_browser *browser = calloc(1, sizeof(*browser));
	browser->pid = pid;
	browser->to_browser = to[1];
	browser->from_browser = from[0];
	cJSON *version = call(browser, "Browser.getVersion", NULL, NULL);
	if (!version) {
		snprintf(why, why_len,
		         "%s does not answer on its DevTools pipe (see %s/chromium.log)",
		         binary, dir);
		test_browser_free(browser);
		return NULL;
	}
	cJSON_Delete(version);
	return browser;
}

int test_browser_answer(test_browser *browser, const char *pattern,
                        const char *content_type, const char *body)
{
	free(browser->answer_pattern);
	free(browser->answer_type);
	free(browser->answer_body);
	browser->answer_pattern = strdup(pattern);
	browser->answer_type = strdup(content_type);
	browser->answer_body = strdup(body);
	return 0;
}

/* A new page, attached (flat session); 0 on success. */
static int new_page(test_browser *browser, int width, int height)
{
	cJSON *params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "url", "about:blank");
	cJSON *target = call(browser, "Target.createTarget", params, NULL);
	const cJSON *id = cJSON_GetObjectItem(target, "targetId");
	if (!cJSON_IsString(id)) {
		cJSON_Delete(target);
		return -1;
	}
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "targetId", id->valuestring);
	cJSON_AddTrueToObject(params, "flatten");
	cJSON *attached = call(browser, "Target.attachToTarget", params, NULL);
	cJSON_Delete(target);
	const cJSON *session = cJSON_GetObjectItem(attached, "sessionId");
	if (!cJSON_IsString(session)) {
		cJSON_Delete(attached);
		return -1;
	}
	free(browser->session);
	browser->session = strdup(session->valuestring);
	cJSON_Delete(attached);

	params = cJSON_CreateObject();
	cJSON_AddNumberToObject(params, "width", width);
	cJSON_AddNumberToObject(params, "height", height);
	cJSON_AddNumberToObject(params, "deviceScaleFactor", 1);
	cJSON_AddFalseToObject(params, "mobile");
	cJSON *sized =
	    call(browser, "Emulation.setDeviceMetricsOverride", params, browser->session);
	int result = sized ? 0 : -1;
	cJSON_Delete(sized);
	return result;
}

/* Sends the page's matching requests to the test (Fetch.requestPaused). */
static int intercept(test_browser *browser)
{
	cJSON *params = cJSON_CreateObject();
	cJSON *patterns = cJSON_AddArrayToObject(params, "patterns");
	cJSON *pattern = cJSON_CreateObject();
	cJSON_AddStringToObject(pattern, "urlPattern", browser->answer_pattern);
	cJSON_AddItemToArray(patterns, pattern);
	cJSON *enabled = call(browser, "Fetch.enable", params, browser->session);
	int result = enabled ? 0 : -1;
	cJSON_Delete(enabled);
	return result;
}

int test_browser_open(test_browser *browser, const char *url, int width, int height)
{
	if (new_page(browser, width, height))
		return -1;
	if (browser->answer_pattern && intercept(browser))
		return -1;
	cJSON *params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "url", url);
	cJSON *navigated = call(browser, "Page.navigate", params, browser->session);
	const cJSON *error = cJSON_GetObjectItem(navigated, "errorText");
	int result = navigated && !error ? 0 : -1;
	if (cJSON_IsString(error))
		printf("  browser: cannot open %s: %s\n", url, error->valuestring);
	cJSON_Delete(navigated);
	return result;
}

char *test_browser_eval(test_browser *browser, const char *expression)
{
	cJSON *params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "expression", expression);
	cJSON_AddTrueToObject(params, "returnByValue");
	cJSON_AddTrueToObject(params, "awaitPromise");
	cJSON *evaluated = call(browser, "Runtime.evaluate", params, browser->session);
	char *text = NULL;

	if (evaluated && !cJSON_GetObjectItem(evaluated, "exceptionDetails")) {
		const cJSON *value = cJSON_GetObjectItem(
		    cJSON_GetObjectItem(evaluated, "result"), "value");
		if (cJSON_IsString(value))
			text = strdup(value->valuestring);
		else if (value)
			text = cJSON_PrintUnformatted(value);
		else
			text = strdup("undefined");
	}
	cJSON_Delete(evaluated);
	return text;
}

bool test_browser_wait(test_browser *browser, const char *expression, int timeout_ms)
{
	char wrapped[8192];
	snprintf(wrapped, sizeof(wrapped),
	         "(() => { try { return !!(%s); } catch (e) { return false; } })()",
	         expression);
	for (int64_t deadline = now_ms() + timeout_ms;;) {
		char *value = test_browser_eval(browser, wrapped);
		bool done = value && !strcmp(value, "true");
		free(value);
		if (done)
			return true;
		if (now_ms() >= deadline)
			return false;
		sleep_ms(100);
	}
}

int test_browser_screenshot(test_browser *browser, const char *path)
{
	cJSON *params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "format", "png");
	cJSON *shot = call(browser, "Page.captureScreenshot", params, browser->session);
	const cJSON *data = cJSON_GetObjectItem(shot, "data");
	int result = -1;
	size_t len = 0;
	unsigned char *png =
	    cJSON_IsString(data) ? base64_decode(data->valuestring, &len) : NULL;
	FILE *file = png ? fopen(path, "wb") : NULL;

	if (file) {
		result = fwrite(png, 1, len, file) == len ? 0 : -1;
		if (fclose(file))
			result = -1;
	}
	free(png);
	cJSON_Delete(shot);
	return result;
}

/* Whether the browser's main process has ended (left unreaped: its group stays ours). */
static bool ended(pid_t pid, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		siginfo_t info;
		memset(&info, 0, sizeof(info));
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    info.si_pid == pid)
			return true;
		sleep_ms(20);
	}
	return false;
}

void test_browser_free(test_browser *browser)
{
	if (!browser)
		return;
	if (browser->pid > 0) {
		send_call(browser, "Browser.close", NULL, NULL);
		if (!ended(browser->pid, 10000))
			kill(browser->pid, SIGKILL);
		/* Its helpers, in the process group it made for itself. */
		kill(-browser->pid, SIGKILL);
		waitpid(browser->pid, NULL, 0);
	}
	close(browser->to_browser);
	close(browser->from_browser);
	free(browser->in);
	free(browser->session);
	free(browser->answer_pattern);
	free(browser->answer_type);
	free(browser->answer_body);
	free(browser);
}
