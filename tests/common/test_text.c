/* Text for a terminal: nothing a server sends can drive it or reorder what it shows. */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/json_string.h"
#include "common/text.h"
#include "harness.h"

static char *printable(const char *text)
{
	static char copy[256];
	snprintf(copy, sizeof(copy), "%s", text);
	sc_text_make_printable(copy);
	return copy;
}

TEST(c0_controls_and_del_become_question_marks)
{
	CHECK_STR(printable("a\x1b[2Jb\x07\x7f"), "a?[2Jb??");
}

TEST(c1_controls_become_question_marks)
{
	/* U+009B is CSI, U+0085 NEL, U+0080 and U+009F the ends of the range. */
	CHECK_STR(printable("a\xc2\x9b"
	                    "31mred"),
	          "a?31mred");
	CHECK_STR(printable("\xc2\x80\xc2\x85\xc2\x9f"), "???");
	/* U+00A0 and after are text. */
	CHECK_STR(printable("\xc2\xa0\xc3\xa9"), "\xc2\xa0\xc3\xa9");
}

TEST(bidi_controls_become_question_marks)
{
	/* U+202E RLO makes "txt.exe" read as "exe.txt"; U+2066..U+2069 isolates. */
	CHECK_STR(printable("a\xe2\x80\xaetxt.exe"), "a?txt.exe");
	CHECK_STR(printable("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"), "????");
	CHECK_STR(printable("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"), "????");
	CHECK_STR(printable("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c"), "???");
	CHECK_STR(printable("line\xe2\x80\xa8two"), "line?two");
	/* Neighbours of those ranges are ordinary text. */
	CHECK_STR(printable("\xe2\x80\x94\xe2\x81\xb0"), "\xe2\x80\x94\xe2\x81\xb0");
}

TEST(bytes_that_are_not_utf8_become_question_marks)
{
	/* A lone 0x9b is CSI to a terminal in 8-bit mode. */
	CHECK_STR(printable("a\x9b"
	                    "2Jb"),
	          "a?2Jb");
	CHECK_STR(printable("\xff\xfe"), "??");
	CHECK_STR(printable("\xc0\xaf"), "??");       /* overlong '/' */
	CHECK_STR(printable("\xed\xa0\x80"), "???");  /* a surrogate */
	CHECK_STR(printable("cut\xe2\x80"), "cut??"); /* a sequence cut short */
	CHECK_STR(printable("\xf0\x9f\x98\x80ok"), "\xf0\x9f\x98\x80ok");
}

TEST(is_printable_says_whether_anything_would_change)
{
	CHECK(sc_text_is_printable("plain-text \xc3\xa9", 13));
	CHECK(!sc_text_is_printable("a\x01", 2));
	CHECK(!sc_text_is_printable("a\0b", 3));
	CHECK(!sc_text_is_printable("\xc2\x9b", 2));
	CHECK(!sc_text_is_printable("\xe2\x80\xae", 3));
	CHECK(!sc_text_is_printable("\xe9", 1));
}

TEST(put_printable_stops_at_len_and_at_a_nul)
{
	sc_buf out = SC_BUF_INIT;
	sc_text_put_printable(&out, "ab\ncd", 5, ' ');
	CHECK_STR(sc_buf_cstr(&out), "ab cd");
	sc_buf_reset(&out);
	/* A sequence cut by the length is not passed on half. */
	sc_text_put_printable(&out, "x\xc3\xa9", 2, '?');
	CHECK_STR(sc_buf_cstr(&out), "x?");
	sc_buf_reset(&out);
	sc_text_put_printable(&out, "short", 64, '?');
	CHECK_STR(sc_buf_cstr(&out), "short");
	sc_buf_release(&out);
}

/* -o json and the agent's log lines on a terminal: the same characters, escaped. */
TEST(json_quote_escapes_c1_and_bidi_controls)
{
	sc_buf out = SC_BUF_INIT;
	sc_json_quote(&out, "a\xc2\x9b"
	                    "b\xe2\x80\xae"
	                    "c\xe2\x81\xa9\xc3\xa9\xff");
	CHECK_STR(sc_buf_cstr(&out), "\"a\\u009bb\\u202ec\\u2069\xc3\xa9\\ufffd\"");
	sc_buf_release(&out);
}

int main(void)
{
	RUN(c0_controls_and_del_become_question_marks);
	RUN(c1_controls_become_question_marks);
	RUN(bidi_controls_become_question_marks);
	RUN(bytes_that_are_not_utf8_become_question_marks);
	RUN(is_printable_says_whether_anything_would_change);
	RUN(put_printable_stops_at_len_and_at_a_nul);
	RUN(json_quote_escapes_c1_and_bidi_controls);
	return test_summary();
}
