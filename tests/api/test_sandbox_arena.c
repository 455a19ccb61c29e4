/*
 * A listed sandbox keeps its strings in its list's arena: text that
 * repeats from sandbox to sandbox (label keys and values, templates,
 * statuses) is held once per list, moving sandboxes between lists moves
 * their strings, and hand-built sandboxes still own theirs.
 */
#include <stdlib.h>
#include <string.h>

#include "api/decode.h"
#include "common/buf.h"
#include "common/mem.h"
#include "harness.h"

#define PAGE                                                                              \
	"[{\"sandboxID\":\"a\",\"templateID\":\"tpl-base\",\"state\":\"running\","        \
	"\"metadata\":{\"team\":\"ml\",\"sc-apply/salt\":\"0123\"}},"                      \
	"{\"sandboxID\":\"b\",\"templateID\":\"tpl-base\",\"state\":\"running\","         \
	"\"metadata\":{\"sc-apply/salt\":\"4567\",\"team\":\"ml\"}}]"

static int decode(sc_sandbox_list *list, const char *text)
{
	sc_diag diag = SC_DIAG_INIT;
	char *token = NULL;
	int rc = sc_api_decode_list(list, &token, text, strlen(text), &diag);
	free(token);
	sc_diag_release(&diag);
	return rc;
}

TEST(repeated_text_is_held_once_per_list)
{
	sc_sandbox_list list = {0};

	CHECK_INT(decode(&list, PAGE), 0);
	CHECK_INT(list.count, 2);
	if (list.count != 2)
		goto done;
	const sc_sandbox *a = &list.items[0], *b = &list.items[1];
	CHECK(a->in_arena && b->in_arena);
	CHECK(a->template_id == b->template_id);
	CHECK(a->status == b->status);
	CHECK(sc_kv_get(&a->metadata, "team") == sc_kv_get(&b->metadata, "team"));
	CHECK_STR(sc_kv_get(&a->metadata, "sc-apply/salt"), "0123");
	CHECK_STR(sc_kv_get(&b->metadata, "sc-apply/salt"), "4567");
	/* Sorted by key, whatever order they came in. */
	CHECK_STR(b->metadata.pairs[0].key, "sc-apply/salt");
	CHECK(a->metadata.pairs[1].key == b->metadata.pairs[1].key);
done:
	sc_sandbox_list_release(&list);
}

TEST(take_moves_the_strings_with_the_sandboxes)
{
	sc_sandbox_list from = {0}, into = {0};
	sc_sandbox *own = sc_sandbox_list_push(&into);

	own->id = sc_strdup("hand-built");
	sc_kv_set(&own->metadata, "team", "web");
	CHECK_INT(decode(&from, PAGE), 0);
	CHECK_INT(decode(&into, PAGE), 0);
	sc_sandbox_list_take(&into, &from);
	CHECK_INT(from.count, 0);
	CHECK(from.arena == NULL);
	sc_sandbox_list_release(&from);
	CHECK_INT(into.count, 5);
	if (into.count == 5) {
		CHECK_STR(into.items[0].id, "hand-built");
		CHECK(!into.items[0].in_arena);
		CHECK_STR(into.items[3].id, "a");
		CHECK_STR(sc_kv_get(&into.items[4].metadata, "team"), "ml");
		CHECK_STR(into.items[4].template_id, "tpl-base");
	}
	sc_sandbox_list_release(&into);
}

TEST(take_into_an_empty_list_moves_everything)
{
	sc_sandbox_list from = {0}, into = {.server_now = 7};

	CHECK_INT(decode(&from, PAGE), 0);
	sc_sandbox_list_take(&into, &from);
	CHECK_INT(into.count, 2);
	CHECK(into.server_now == 7);
	CHECK_INT(from.count, 0);
	sc_sandbox_list_release(&from);
	if (into.count == 2)
		CHECK_STR(into.items[1].id, "b");
	sc_sandbox_list_release(&into);
}

/* A page of many long labels spills over the arena's blocks. */
TEST(large_pages_fill_many_blocks)
{
	sc_buf page = SC_BUF_INIT;
	sc_sandbox_list list = {0};

	sc_buf_putc(&page, '[');
	for (int i = 0; i < 300; i++) {
		sc_buf_printf(&page, "%s{\"sandboxID\":\"s%d\",\"metadata\":{\"big\":\"", i ? "," : "", i);
		for (int j = 0; j < 40 + i * 20; j++)
			sc_buf_putc(&page, (char)('a' + (i + j) % 26));
		sc_buf_puts(&page, "\"}}");
	}
	sc_buf_putc(&page, ']');
	CHECK_INT(decode(&list, sc_buf_cstr(&page)), 0);
	CHECK_INT(list.count, 300);
	for (size_t i = 0; i < list.count; i++) {
		const char *big = sc_kv_get(&list.items[i].metadata, "big");
		if (!big || strlen(big) != 40 + i * 20 || big[0] != (char)('a' + i % 26))
			TEST_FAILURE("sandbox %zu: wrong label", i);
	}
	sc_sandbox_list_release(&list);
	sc_buf_release(&page);
}

int main(void)
{
	RUN(repeated_text_is_held_once_per_list);
	RUN(take_moves_the_strings_with_the_sandboxes);
	RUN(take_into_an_empty_list_moves_everything);
	RUN(large_pages_fill_many_blocks);
	return test_summary();
}
