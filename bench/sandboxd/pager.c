/*
 * bench/sandboxd/pager: fills sc-sandboxd with COUNT sandboxes, then walks
 * the full paged list (limit 100, following X-Next-Token) ROUNDS times,
 * timing every page. Prints one markdown table row and checks that every
 * walk saw exactly COUNT sandboxes.
 *
 *   pager BASE_URL KEY COUNT ROUNDS
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct buffer {
	char *data;
	size_t len;
	char token[256];
} buffer;

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	buffer *b = ctx;
	b->data = realloc(b->data, b->len + size * n + 1);
	memcpy(b->data + b->len, data, size * n);
	b->len += size * n;
	b->data[b->len] = '\0';
	return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	buffer *b = ctx;
	size_t len = size * n;
	if (len > 14 && !strncasecmp(data, "X-Next-Token:", 13)) {
		const char *v = data + 13;
		while (*v == ' ')
			v++;
		size_t vl = len - (size_t)(v - data);
		while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
			vl--;
		if (vl < sizeof(b->token)) {
			memcpy(b->token, v, vl);
			b->token[vl] = '\0';
		}
	}
	return len;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Counts top-level objects of a JSON array page: the "sandboxID" keys. */
static int count_items(const char *body)
{
	int n = 0;
	for (const char *p = body; (p = strstr(p, "\"sandboxID\"")); p += 11)
		n++;
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: pager BASE_URL KEY COUNT ROUNDS\n");
		return 64;
	}
	const char *base = argv[1];
	int count = atoi(argv[3]), rounds = atoi(argv[4]);
	char url[1024], header[512];
	buffer b = {NULL, 0, ""};

	curl_global_init(CURL_GLOBAL_ALL);
	CURL *curl = curl_easy_init();
	struct curl_slist *headers = NULL;
	snprintf(header, sizeof(header), "X-API-Key: %s", argv[2]);
	headers = curl_slist_append(headers, header);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &b);

	snprintf(url, sizeof(url), "%s/sandboxes", base);
	for (int i = 0; i < count; i++) {
		long status = 0;
		b.len = 0;
		curl_easy_setopt(curl, CURLOPT_URL, url);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS,
		                 "{\"timeout\":86400,\"metadata\":{\"bench\":\"list\"}}");
		if (curl_easy_perform(curl) != CURLE_OK ||
		    (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status),
		     status != 201)) {
			fprintf(stderr, "pager: create %d failed (status %ld)\n", i,
			        status);
			return 1;
		}
	}
	curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);

	size_t page_alloc = 1024, pages = 0;
	double *page_ms = malloc(page_alloc * sizeof(double)), walk_total = 0;
	for (int r = 0; r < rounds; r++) {
		int seen = 0;
		double walk_start = now_ms();
		b.token[0] = '\0';
		for (;;) {
			char token[256];
			snprintf(token, sizeof(token), "%s", b.token);
			snprintf(url, sizeof(url),
			         "%s/sandboxes?metadata[bench]=list&limit=100%s%s", base,
			         *token ? "&nextToken=" : "", token);
			b.len = 0;
			b.token[0] = '\0';
			curl_easy_setopt(curl, CURLOPT_URL, url);
			double t0 = now_ms();
			long status = 0;
			if (curl_easy_perform(curl) != CURLE_OK ||
			    (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status),
			     status != 200)) {
				fprintf(stderr, "pager: page failed (status %ld)\n",
				        status);
				return 1;
			}
			if (pages == page_alloc)
				page_ms =
				    realloc(page_ms, (page_alloc *= 2) * sizeof(double));
			page_ms[pages++] = now_ms() - t0;
			seen += count_items(b.data ? b.data : "");
			if (!b.token[0])
				break;
		}
		walk_total += now_ms() - walk_start;
		if (seen != count) {
			fprintf(stderr, "pager: a walk saw %d sandboxes, expected %d\n",
			        seen, count);
			return 1;
		}
	}
	qsort(page_ms, pages, sizeof(double), cmp_double);
	double walk = walk_total / rounds;
	printf("| full paged list, %d sandboxes, 100 per page (%zu pages per walk) | "
	       "%.0f pages/s "
	       "(%.1f ms per full walk) | %.2f ms | %.2f ms |\n",
	       count, pages / (size_t)rounds, pages / (walk_total / 1000.0), walk,
	       page_ms[pages / 2], page_ms[(size_t)(pages * 0.99)]);
	free(page_ms);
	free(b.data);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	return 0;
}
