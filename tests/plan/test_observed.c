/* The observed list: each sandbox id once, the first of each kept in list order. */
#include <stdlib.h>
#include <string.h>

#include "api/decode.h"
#include "common/mem.h"
#include "harness.h"
#include "plan/observed.h"

static int decode(sc_sandbox_list *list, const char *text)
{
	sc_diag diag = SC_DIAG_INIT;
	char *token = NULL;
	int rc = sc_api_decode_list(list, &token, text, strlen(text), &diag);
	free(token);
	sc_diag_release(&diag);
	return rc;
}

/* Repeats across pages: the first of each id stays, in list order. */
TEST(repeats_keep_the_first)
{
	sc_sandbox_list list = {0};

	CHECK_INT(decode(&list, "[{\"sandboxID\":\"x\",\"state\":\"paused\"},"
	                        "{\"sandboxID\":\"y\",\"state\":\"running\"}]"),
	          0);
	CHECK_INT(decode(&list, "[{\"sandboxID\":\"y\",\"state\":\"killed\"},"
	                        "{\"sandboxID\":\"z\"},{\"sandboxID\":\"x\"}]"),
	          0);
	sc_sandbox *own = sc_sandbox_list_push(&list);
	own->id = sc_strdup("z");
	sc_plan_drop_repeats(&list);
	CHECK_INT(list.count, 3);
	if (list.count == 3) {
		CHECK_STR(list.items[0].id, "x");
		CHECK_STR(list.items[0].status, "paused");
		CHECK_STR(list.items[1].id, "y");
		CHECK_STR(list.items[1].status, "running");
		CHECK_STR(list.items[2].id, "z");
	}
	sc_sandbox_list_release(&list);
}

/* Ids that collide in the table's slots all stay, each once. */
TEST(many_ids_each_once)
{
	sc_sandbox_list list = {0};

	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 1000; i++) {
			sc_sandbox *sandbox = sc_sandbox_list_push(&list);
			sandbox->id = sc_asprintf("sb-%d", i);
			sandbox->started_at = round;
		}
	}
	sc_sandbox *no_id = sc_sandbox_list_push(&list);
	no_id->status = sc_strdup("running");
	sc_plan_drop_repeats(&list);
	CHECK_INT(list.count, 1001);
	for (size_t i = 0; i < 1000 && i < list.count; i++) {
		if (list.items[i].started_at != 0)
			TEST_FAILURE("sandbox %zu: a later copy was kept", i);
	}
	if (list.count == 1001)
		CHECK(list.items[1000].id == NULL);
	sc_sandbox_list_release(&list);
}

int main(void)
{
	RUN(repeats_keep_the_first);
	RUN(many_ids_each_once);
	return test_summary();
}
