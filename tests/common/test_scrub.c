/* Secrets come back from servers in several forms; none of them survives a scrub. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/scrub.h"
#include "harness.h"

#define SECRET "k\"e\\y/1 2"

static char *scrubbed(const char *secret, const char *text)
{
	static char out[512];
	sc_scrub scrub = SC_SCRUB_INIT;
	sc_scrub_add(&scrub, secret);
	char *result = sc_scrub_text(&scrub, sc_strdup(text));
	snprintf(out, sizeof(out), "%s", result);
	free(result);
	sc_scrub_release(&scrub);
	return out;
}

TEST(raw_form_is_replaced)
{
	CHECK_STR(scrubbed(SECRET, "bad key " SECRET " here " SECRET),
	          "bad key *** here ***");
}

TEST(json_escaped_forms_are_replaced)
{
	CHECK_STR(scrubbed(SECRET, "{\"message\":\"bad key k\\\"e\\\\y/1 2\"}"),
	          "{\"message\":\"bad key ***\"}");
	/* Some JSON writers escape '/' as well. */
	CHECK_STR(scrubbed(SECRET, "{\"message\":\"k\\\"e\\\\y\\/1 2\"}"),
	          "{\"message\":\"***\"}");
}

TEST(percent_encoded_forms_are_replaced)
{
	CHECK_STR(scrubbed(SECRET, "GET /x?key=k%22e%5Cy%2F1%202"), "GET /x?key=***");
	CHECK_STR(scrubbed(SECRET, "key=k%22e%5cy%2f1+2&x"), "key=***&x");
}

TEST(short_secrets_and_no_secrets_leave_text_alone)
{
	CHECK_STR(scrubbed("abc", "abc abc"), "abc abc");
	CHECK_STR(scrubbed(NULL, "text"), "text");
	sc_scrub none = SC_SCRUB_INIT;
	char *text = sc_strdup("plain");
	char *same = sc_scrub_text(&none, text);
	CHECK(same == text);
	free(same);
}

TEST(buffer_with_nul_bytes_is_scrubbed_whole)
{
	sc_scrub scrub = SC_SCRUB_INIT;
	sc_buf buf = SC_BUF_INIT;
	sc_scrub_add(&scrub, "secret-value");
	sc_buf_put(&buf, "a\0secret-value\0b", 16);
	sc_scrub_buf(&scrub, &buf);
	CHECK_INT(buf.len, 7);
	CHECK(!memcmp(buf.data, "a\0***\0b", 7));
	sc_buf_release(&buf);
	sc_scrub_release(&scrub);
}

int main(void)
{
	RUN(raw_form_is_replaced);
	RUN(json_escaped_forms_are_replaced);
	RUN(percent_encoded_forms_are_replaced);
	RUN(short_secrets_and_no_secrets_leave_text_alone);
	RUN(buffer_with_nul_bytes_is_scrubbed_whole);
	return test_summary();
}
