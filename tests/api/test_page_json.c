/*
 * The page reader (api/private/page_json.h) reads what cJSON reads: the
 * same inputs accepted and refused, the same tree, over samples and
 * thousands of their mutations; and a NUL in a string never cuts it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/decode.h"
#include "api/private/page_json.h"
#include "harness.h"

static const char *const samples[] = {
    "[]",
    " \t\r\n[ ] trailing",
    "\xEF\xBB\xBF{\"a\":1}",
    "{\"sandboxes\":[{\"sandboxID\":\"a\",\"metadata\":{\"k\":\"v\",\"k\":\"w\"}}],"
    "\"nextToken\":\"t\"}",
    "[{\"sandboxID\":\"sb-1\",\"templateID\":\"tpl\",\"state\":\"running\",\"startedAt\":"
    "\"2026-01-01T00:00:00Z\",\"cpuCount\":2,\"memoryMB\":512.5e0,\"volumeMounts\":[],"
    "\"lifecycle\":{\"onTimeout\":\"kill\",\"autoResume\":false},\"network\":null}]",
    "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"\\u00e9\\u4e2d\\ud83d\\ude00\",\"caf\xC3\xA9\"]",
    "[-0, 1.5, -2e10, 3E+2, 0.1e-2, 12345678901234567890]",
    "[true,false,null,[[]],{}]",
    "{\"\":\"\",\"a\":{\"b\":{\"c\":[1,{\"d\":\"e\"}]}}}",
    "[1 2]",
    "[1,]",
    "{\"a\" 1}",
    "{\"a\":}",
    "[\"\\ud800\"]",
    "[\"\\udc00\"]",
    "[\"\\ud800\\u0041\"]",
    "[\"\\x\"]",
    "[\"abc",
    "[01, 1., .5]",
    "[1.2.3]",
    "[-]",
    "[+1]",
    "nul",
    "tru",
    "{\"a\":1,}",
};

/* A byte that mutations put in: JSON's punctuation more often than not. */
static char mutation_byte(uint64_t *state)
{
	static const char alphabet[] = "{}[]\",:\\u0123456789abcdefABCDEF.-+eEtrnlsx \t\n";
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	unsigned pick = (unsigned)(*state >> 33);
	return pick % 8 ? alphabet[pick / 8 % (sizeof(alphabet) - 1)] : (char)(pick >> 8);
}

/* Where cJSON reads a NUL into a string (and cuts it), the readers differ by design. */
static bool cjson_would_cut(const char *text, size_t len)
{
	if (memchr(text, '\0', len))
		return true;
	for (size_t i = 0; i + 1 < len; i++) {
		if (text[i] == '\\' && text[i + 1] == 'u') {
			if (i + 6 > len)
				continue;
			unsigned value = 0;
			for (int d = 2; d < 6; d++) {
				char c = text[i + d];
				if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
				      (c >= 'A' && c <= 'F')))
					return true;
				value = value * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 32) - 'a' + 10);
			}
			if (!value)
				return true;
		}
	}
	return false;
}

/* 1 when both readers agree on text, 0 when the case does not count, -1 when they differ. */
static int agree(const char *text, size_t len)
{
	sc_api_page_json pool = SC_API_PAGE_JSON_INIT;
	const cJSON *ours;
	cJSON *theirs;
	char *a = NULL, *b = NULL;
	int result;

	if (cjson_would_cut(text, len))
		return 0;
	ours = sc_api_page_json_parse(&pool, text, len);
	theirs = cJSON_ParseWithLength(text, len);
	if (ours)
		a = cJSON_PrintUnformatted(ours);
	if (theirs)
		b = cJSON_PrintUnformatted(theirs);
	result = (!a && !b) || (a && b && !strcmp(a, b)) ? 1 : -1;
	if (result < 0)
		printf("  differ on %.*s\n  ours:   %s\n  cJSON:  %s\n", (int)len, text,
		       a ? a : "(invalid)", b ? b : "(invalid)");
	free(a);
	free(b);
	cJSON_Delete(theirs);
	sc_api_page_json_release(&pool);
	return result;
}

TEST(samples_read_as_cjson_reads_them)
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		CHECK_INT(agree(samples[i], strlen(samples[i])), 1);
}

TEST(mutations_read_as_cjson_reads_them)
{
	uint64_t state = 42;
	int differ = 0, counted = 0;

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		size_t len = strlen(samples[i]);
		char *text = malloc(len + 8);
		for (int round = 0; round < 2000 && differ < 5; round++) {
			memcpy(text, samples[i], len);
			size_t n = len;
			for (int k = 0; k < 1 + round % 4; k++) {
				state = state * 6364136223846793005ULL + 1;
				size_t at = (size_t)(state >> 33) % (n + 1);
				switch (state >> 60 & 3) {
				case 0: /* replace */
					if (at < n)
						text[at] = mutation_byte(&state);
					break;
				case 1: /* insert */
					if (n < len + 7) {
						memmove(text + at + 1, text + at, n - at);
						text[at] = mutation_byte(&state);
						n++;
					}
					break;
				default: /* cut */
					if (at < n) {
						memmove(text + at, text + at + 1, n - at - 1);
						n--;
					}
					break;
				}
			}
			int result = agree(text, n);
			differ += result < 0;
			counted += result != 0;
		}
		free(text);
	}
	CHECK_INT(differ, 0);
	CHECK(counted > 10000);
}

TEST(no_text_is_not_json)
{
	sc_api_page_json pool = SC_API_PAGE_JSON_INIT;

	CHECK(sc_api_page_json_parse(&pool, NULL, 0) == NULL);
	CHECK(sc_api_page_json_parse(&pool, "", 0) == NULL);
	CHECK(sc_api_page_json_parse(&pool, " \n", 2) == NULL);
	sc_api_page_json_release(&pool);
}

TEST(nesting_is_bounded_as_in_cjson)
{
	for (int depth = CJSON_NESTING_LIMIT - 1; depth <= CJSON_NESTING_LIMIT + 1; depth++) {
		char *text = malloc((size_t)depth * 2 + 1);
		memset(text, '[', (size_t)depth);
		memset(text + depth, ']', (size_t)depth);
		CHECK_INT(agree(text, (size_t)depth * 2), 1);
		free(text);
	}
}

TEST(a_nul_in_a_string_never_cuts_it)
{
	static const char text[] = "[\"s1\\u0000evil\",\"s2\\uZZZZevil\",\"s3\0evil\"]";
	sc_api_page_json pool = SC_API_PAGE_JSON_INIT;
	const cJSON *root = sc_api_page_json_parse(&pool, text, sizeof(text) - 1);

	CHECK(cJSON_GetArraySize(root) == 3);
	CHECK_STR(cJSON_GetArrayItem(root, 0)->valuestring, "s1\x01" "evil");
	CHECK_STR(cJSON_GetArrayItem(root, 1)->valuestring, "s2\x01" "evil");
	CHECK_STR(cJSON_GetArrayItem(root, 2)->valuestring, "s3\x01" "evil");
	sc_api_page_json_release(&pool);
}

/*
 * A sandbox response whose label holds \u with digits that are not hex
 * (cJSON reads a NUL there, and would cut "s1\uZZZZevil" to "s1"): the
 * label is not whole, so it is left out, in a list page and alone.
 */
TEST(a_bad_escape_never_makes_a_label)
{
	static const char one[] =
	    "{\"sandboxID\":\"a\",\"metadata\":{\"sc-apply/set\":\"s1\\uZZZZevil\",\"k\":\"v\"}}";
	static const char page[] =
	    "[{\"sandboxID\":\"a\",\"metadata\":{\"sc-apply/set\":\"s1\\u00ZZ\"}}]";
	sc_sandbox sandbox;
	sc_sandbox_list list = {0};
	sc_diag diag = SC_DIAG_INIT;
	char *token = NULL;

	CHECK_INT(sc_api_decode_sandbox(&sandbox, one, sizeof(one) - 1, &diag), 0);
	CHECK(sc_kv_get(&sandbox.metadata, "sc-apply/set") == NULL);
	CHECK_STR(sc_kv_get(&sandbox.metadata, "k"), "v");
	sc_sandbox_release(&sandbox);
	CHECK_INT(sc_api_decode_list(&list, &token, page, sizeof(page) - 1, &diag), 0);
	CHECK_INT(list.count, 1);
	if (list.count)
		CHECK(sc_kv_get(&list.items[0].metadata, "sc-apply/set") == NULL);
	sc_sandbox_list_release(&list);
	sc_diag_release(&diag);
}

/* A page larger than a block: the strings and nodes span many. */
TEST(large_pages_span_blocks)
{
	size_t len = 0, size = 1 << 20;
	char *text = malloc(size);
	len += (size_t)sprintf(text, "[\"");
	for (int i = 0; i < 200000; i++)
		text[len++] = (char)('a' + i % 26);
	len += (size_t)sprintf(text + len, "\"");
	for (int i = 0; i < 20000; i++)
		len += (size_t)sprintf(text + len, ",{\"k%d\":[%d]}", i, i);
	len += (size_t)sprintf(text + len, "]");
	CHECK_INT(agree(text, len), 1);
	free(text);
}

int main(void)
{
	RUN(samples_read_as_cjson_reads_them);
	RUN(mutations_read_as_cjson_reads_them);
	RUN(no_text_is_not_json);
	RUN(nesting_is_bounded_as_in_cjson);
	RUN(a_nul_in_a_string_never_cuts_it);
	RUN(a_bad_escape_never_makes_a_label);
	RUN(large_pages_span_blocks);
	return test_summary();
}
