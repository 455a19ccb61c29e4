#include "support/etcd.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

const char *test_etcd_binary(void)
{
	static char found[4096];
	const char *env = getenv("SC_TEST_ETCD_BIN");

	if (env && *env)
		return access(env, X_OK) == 0 ? env : NULL;
	const char *path = getenv("PATH");
	char *copy = strdup(path && *path ? path : "/usr/bin:/bin");
	char *save = NULL;
	const char *result = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(found, sizeof(found), "%s/etcd", dir);
		if (access(found, X_OK) == 0) {
			result = found;
			break;
		}
	}
	free(copy);
	return result;
}

int test_etcd_missing(void)
{
	if (getenv("SC_TEST_REQUIRE_ETCD") && *getenv("SC_TEST_REQUIRE_ETCD")) {
		printf("etcd is not installed (Debian: etcd-server) and "
		       "SC_TEST_REQUIRE_ETCD is "
		       "set\n0 passed, 1 failed\n");
		return 1;
	}
	printf("SKIP: etcd is not installed (Debian: etcd-server)\n0 passed, 0 failed\n");
	return 77;
}

/* count free loopback ports, held open together so that they differ. */
static int free_ports(int *ports, int count)
{
	int fds[2 * TEST_ETCD_MEMBERS];
	int result = 0;

	for (int i = 0; i < count; i++) {
		struct sockaddr_in addr = {.sin_family = AF_INET};
		socklen_t len = sizeof(addr);
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&addr, sizeof(addr)) ||
		    getsockname(fds[i], (struct sockaddr *)&addr, &len))
			result = -1;
		ports[i] = ntohs(addr.sin_port);
	}
	for (int i = 0; i < count; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
	}
	return result;
}

static int start_member(test_etcd *etcd, int i, const char *cluster)
{
	char name[16], data[4200], log[4200], client[64], peer[64];
	const char *binary = test_etcd_binary();

	snprintf(name, sizeof(name), "m%d", i);
	snprintf(data, sizeof(data), "%s/%s", etcd->dir, name);
	snprintf(log, sizeof(log), "%s/%s.log", etcd->dir, name);
	snprintf(client, sizeof(client), "http://127.0.0.1:%d", etcd->client_port[i]);
	snprintf(peer, sizeof(peer), "http://127.0.0.1:%d", etcd->peer_port[i]);
	const char *argv[] = {
	    binary,    "--name",
	    name,      "--data-dir",
	    data,      "--listen-client-urls",
	    client,    "--advertise-client-urls",
	    client,    "--listen-peer-urls",
	    peer,      "--initial-advertise-peer-urls",
	    peer,      "--initial-cluster",
	    cluster,   "--initial-cluster-state",
	    "new",     "--initial-cluster-token",
	    etcd->dir, "--heartbeat-interval",
	    "50",      "--election-timeout",
	    "500",     "--logger",
	    "zap",     "--log-level",
	    "warn",    NULL,
	};
	return test_process_start(&etcd->members[i], argv, NULL, NULL, log, log);
}

/* POST body to path on member i; the HTTP status (0: no answer), the answer into *out. */
static long post(const test_etcd *etcd, int i, const char *path, const char *body,
                 char **out);

static bool member_healthy(const test_etcd *etcd, int i)
{
	char *answer = NULL;
	long status = post(etcd, i, "/v3/kv/range", "{\"key\":\"aGVhbHRo\"}", &answer);
	free(answer);
	return status == 200;
}

static int try_start(test_etcd *etcd)
{
	int ports[2 * TEST_ETCD_MEMBERS];
	char cluster[512] = "";

	if (free_ports(ports, 2 * TEST_ETCD_MEMBERS))
		return -1;
	size_t used = 0;
	for (int i = 0; i < TEST_ETCD_MEMBERS; i++) {
		etcd->client_port[i] = ports[2 * i];
		etcd->peer_port[i] = ports[2 * i + 1];
		used += (size_t)snprintf(cluster + used, sizeof(cluster) - used,
		                         "%sm%d=http://127.0.0.1:%d", i ? "," : "", i,
		                         etcd->peer_port[i]);
	}
	snprintf(etcd->hosts, sizeof(etcd->hosts),
	         "127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d", etcd->client_port[0],
	         etcd->client_port[1], etcd->client_port[2]);
	for (int i = 0; i < TEST_ETCD_MEMBERS; i++) {
		if (start_member(etcd, i, cluster))
			return -1;
	}
	for (int waited = 0; waited < 30000; waited += 100) {
		int healthy = 0;
		for (int i = 0; i < TEST_ETCD_MEMBERS; i++) {
			if (etcd->members[i].pid &&
			    test_process_wait(&etcd->members[i], 0) == 0)
				return -1; /* exited: a port was taken after all */
			healthy += member_healthy(etcd, i);
		}
		if (healthy == TEST_ETCD_MEMBERS)
			return 0;
		sleep_ms(100);
	}
	return -1;
}

int test_etcd_start(test_etcd *out)
{
	memset(out, 0, sizeof(*out));
	if (!test_etcd_binary())
		return -1;
	for (int attempt = 0; attempt < 3; attempt++) {
		out->dir = test_make_temp_dir("sc-test-etcd");
		if (out->dir && try_start(out) == 0)
			return 0;
		fprintf(stderr, "etcd cluster did not start (attempt %d); see below\n",
		        attempt + 1);
		for (int i = 0; i < TEST_ETCD_MEMBERS && out->dir; i++) {
			char path[4200];
			snprintf(path, sizeof(path), "%s/m%d.log", out->dir, i);
			char *log = test_read_file(path);
			if (log)
				fprintf(stderr, "--- m%d ---\n%.2000s\n", i, log);
			free(log);
		}
		test_etcd_release(out);
	}
	return -1;
}

void test_etcd_kill_member(test_etcd *etcd, int i)
{
	if (etcd->members[i].pid)
		test_process_stop(&etcd->members[i], SIGKILL, 5000);
}

void test_etcd_kill_all(test_etcd *etcd)
{
	for (int i = 0; i < TEST_ETCD_MEMBERS; i++)
		test_etcd_kill_member(etcd, i);
}

void test_etcd_release(test_etcd *etcd)
{
	test_etcd_kill_all(etcd);
	if (etcd->dir) {
		test_rmtree(etcd->dir);
		free(etcd->dir);
	}
	memset(etcd, 0, sizeof(*etcd));
}

char *test_etcd_url(const test_etcd *etcd, const char *key, int ttl_s)
{
	size_t size = strlen(etcd->hosts) + strlen(key) + 32;
	char *url = malloc(size);
	snprintf(url, size, "etcd://%s/%s?ttl=%d", etcd->hosts, key, ttl_s);
	return url;
}

typedef struct answer {
	char *data;
	size_t len;
} answer;

static size_t keep(char *data, size_t size, size_t count, void *ctx)
{
	answer *a = ctx;
	char *grown = realloc(a->data, a->len + size * count + 1);
	if (!grown)
		return 0;
	a->data = grown;
	memcpy(a->data + a->len, data, size * count);
	a->len += size * count;
	a->data[a->len] = '\0';
	return size * count;
}

static long post(const test_etcd *etcd, int i, const char *path, const char *body,
                 char **out)
{
	char url[256];
	answer a = {0};
	long status = 0;
	CURL *easy = curl_easy_init();
	struct curl_slist *headers =
	    curl_slist_append(NULL, "Content-Type: application/json");

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", etcd->client_port[i], path);
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 2000L);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &a);
	if (curl_easy_perform(easy) == CURLE_OK)
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(easy);
	*out = a.data;
	return status;
}

static char *b64(const char *text)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(text), o = 0;
	char *out = malloc((len + 2) / 3 * 4 + 1);
	const unsigned char *in = (const unsigned char *)text;
	for (size_t i = 0; i < len; i += 3) {
		unsigned long g = (unsigned long)in[i] << 16 |
		                  (i + 1 < len ? in[i + 1] << 8 : 0) |
		                  (i + 2 < len ? in[i + 2] : 0);
		out[o++] = alphabet[g >> 18 & 63];
		out[o++] = alphabet[g >> 12 & 63];
		out[o++] = i + 1 < len ? alphabet[g >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? alphabet[g & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

static char *unb64(const char *text, size_t len)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc(len + 1);
	size_t o = 0;
	unsigned long g = 0;
	int bits = 0;
	for (size_t i = 0; i < len && text[i] != '='; i++) {
		const char *at = strchr(alphabet, text[i]);
		if (!at || !text[i])
			break;
		g = g << 6 | (unsigned long)(at - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(g >> bits & 0xff);
		}
	}
	out[o] = '\0';
	return out;
}

/* The answer of the first member that gives one. */
static char *post_any(const test_etcd *etcd, const char *path, const char *body)
{
	for (int i = 0; i < TEST_ETCD_MEMBERS; i++) {
		char *out = NULL;
		if (!etcd->members[i].pid)
			continue;
		if (post(etcd, i, path, body, &out) == 200)
			return out;
		free(out);
	}
	return NULL;
}

char *test_etcd_get(const test_etcd *etcd, const char *key)
{
	char *key64 = b64(key), body[512];
	snprintf(body, sizeof(body), "{\"key\":\"%s\"}", key64);
	free(key64);
	char *out = post_any(etcd, "/v3/kv/range", body);
	const char *value = out ? strstr(out, "\"value\":\"") : NULL;
	char *result = NULL;
	if (value) {
		value += strlen("\"value\":\"");
		const char *end = strchr(value, '"');
		result = end ? unb64(value, (size_t)(end - value)) : NULL;
	}
	free(out);
	return result;
}

int test_etcd_delete(const test_etcd *etcd, const char *key)
{
	char *key64 = b64(key), body[512];
	snprintf(body, sizeof(body), "{\"key\":\"%s\"}", key64);
	free(key64);
	char *out = post_any(etcd, "/v3/kv/deleterange", body);
	int result = out ? 0 : -1;
	free(out);
	return result;
}
