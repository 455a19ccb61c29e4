#include "support/sandboxd.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#ifndef SC_SANDBOXD_BIN
#define SC_SANDBOXD_BIN "sc-sandboxd"
#endif

static int launch(test_sandboxd *sd, const char *const *extra_args)
{
	char port_file[4200], log_file[4200];
	const char *argv[64];
	int argc = 0;

	snprintf(port_file, sizeof(port_file), "%s/port", sd->dir);
	snprintf(log_file, sizeof(log_file), "%s/sandboxd.log", sd->dir);
	unlink(port_file);
	argv[argc++] = SC_SANDBOXD_BIN;
	/* A restart keeps the port, so that a client mid-run finds it again. */
	char listen[32];
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", sd->port);
	argv[argc++] = "--listen";
	argv[argc++] = listen;
	argv[argc++] = "--port-file";
	argv[argc++] = port_file;
	argv[argc++] = "--api-key";
	argv[argc++] = TEST_API_KEY;
	for (; extra_args && *extra_args && argc < 62; extra_args++)
		argv[argc++] = *extra_args;
	argv[argc] = NULL;
	if (test_process_start_wrapped(&sd->process, argv, NULL, NULL, log_file, log_file))
		return -1;
	for (int waited = 0; waited < 20000; waited += 10) {
		char *text = test_read_file(port_file);
		if (text && atoi(text) > 0) {
			sd->port = atoi(text);
			free(text);
			snprintf(sd->root_url, sizeof(sd->root_url), "http://127.0.0.1:%d", sd->port);
			snprintf(sd->base_url, sizeof(sd->base_url), "http://127.0.0.1:%d/api/v1/sandbox",
			         sd->port);
			return 0;
		}
		free(text);
		if (test_process_wait(&sd->process, 0) == 0) {
			fprintf(stderr, "sc-sandboxd exited with %d before listening\n",
			        sd->process.exit_status);
			return -1;
		}
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
	test_process_stop(&sd->process, SIGKILL, 1000);
	return -1;
}

static char *runtime_dir;

static void remove_runtime_dir(void)
{
	test_rmtree(runtime_dir);
	free(runtime_dir);
}

/*
 * Each test program gets a runtime directory of its own (0700), so the
 * sc-apply runs it starts take their default per-set locks there: never
 * the user's, and never another test program's.
 */
static void use_private_runtime_dir(void)
{
	if (runtime_dir)
		return;
	runtime_dir = test_make_temp_dir("sc-test-runtime");
	if (runtime_dir) {
		setenv("XDG_RUNTIME_DIR", runtime_dir, 1);
		atexit(remove_runtime_dir);
	}
}

int test_sandboxd_start(test_sandboxd *out, const char *const *extra_args)
{
	use_private_runtime_dir();
	memset(out, 0, sizeof(*out));
	out->dir = test_make_temp_dir("sc-sandboxd-test");
	if (!out->dir)
		return -1;
	return launch(out, extra_args);
}

int test_sandboxd_restart(test_sandboxd *sd, const char *const *extra_args)
{
	return launch(sd, extra_args);
}

int test_sandboxd_stop(test_sandboxd *sd)
{
	if (!sd->process.pid)
		return sd->process.exit_status;
	test_process_stop(&sd->process, SIGTERM, 10000);
	return sd->process.exit_status;
}

void test_sandboxd_release(test_sandboxd *sd)
{
	test_sandboxd_stop(sd);
	test_rmtree(sd->dir);
	free(sd->dir);
	sd->dir = NULL;
}

typedef struct growing {
	char *data;
	size_t len;
} growing;

static size_t collect(char *data, size_t size, size_t count, void *ctx)
{
	growing *g = ctx;
	size_t n = size * count;
	g->data = realloc(g->data, g->len + n + 1);
	memcpy(g->data + g->len, data, n);
	g->len += n;
	g->data[g->len] = '\0';
	return n;
}

int test_http(const test_sandboxd *sd, const char *method, const char *url,
              const char *key, const char *body, test_response *out)
{
	char full[4096], key_header[512];
	growing response = {NULL, 0}, headers = {NULL, 0};
	struct curl_slist *list = NULL;

	memset(out, 0, sizeof(*out));
	if (url[0] == '/')
		snprintf(full, sizeof(full), "%s%s", sd->base_url, url);
	else
		snprintf(full, sizeof(full), "%s", url);
	CURL *curl = curl_easy_init();
	if (!curl)
		return -1;
	curl_easy_setopt(curl, CURLOPT_URL, full);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &headers);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	if (key) {
		snprintf(key_header, sizeof(key_header), "X-API-Key: %s", key);
		list = curl_slist_append(list, key_header);
	}
	if (body) {
		list = curl_slist_append(list, "Content-Type: application/json");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	list = curl_slist_append(list, "Expect:");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	CURLcode rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_cleanup(curl);
	curl_slist_free_all(list);
	out->body = response.data ? response.data : calloc(1, 1);
	out->headers = headers.data ? headers.data : calloc(1, 1);
	return rc == CURLE_OK ? 0 : -1;
}

char *test_response_header(const test_response *response, const char *name)
{
	size_t name_len = strlen(name);
	for (const char *line = response->headers; line && *line;) {
		const char *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		if ((size_t)(end - line) > name_len && line[name_len] == ':' &&
		    !strncasecmp(line, name, name_len)) {
			const char *value = line + name_len + 1;
			while (*value == ' ')
				value++;
			size_t len = (size_t)(end - value);
			while (len && (value[len - 1] == '\r' || value[len - 1] == ' '))
				len--;
			char *copy = malloc(len + 1);
			memcpy(copy, value, len);
			copy[len] = '\0';
			return copy;
		}
		line = *end ? end + 1 : end;
	}
	return NULL;
}

void test_response_release(test_response *response)
{
	free(response->body);
	free(response->headers);
	memset(response, 0, sizeof(*response));
}
