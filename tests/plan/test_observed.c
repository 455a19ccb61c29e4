/* The observed list: each sandbox id once, the first of each kept in list order. */
#include "plan_fixture.h"

#include "api/decode.h"
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

/* Many members, in many groups, some listed twice: sorted by (set, name, id), the first copy kept. */
TEST(view_sorts_many_members_keeping_the_first_copy)
{
	fixture f;
	sc_plan_view view;
	uint64_t state = 7;
	char id[32], name[32];

	fixture_init(&f, "team");
	add_set(&f, "ops");
	for (int i = 0; i < 3000; i++) {
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned pick = (unsigned)(state >> 33);
		snprintf(id, sizeof(id), "sb-%u", pick % 2000);
		snprintf(name, sizeof(name), "n%u", pick / 2000 % 40);
		add_labelled(&f, id, i < 1500 ? "running" : "paused", pick % 3 ? "team" : "ops",
		             name);
	}
	/* The labels of an id's first copy decide its group: compare with the observed list. */
	CHECK_INT(sc_plan_view_init(&view, &f.specs, &f.observed, &f.options, NULL, &f.diag), 0);
	for (size_t i = 1; i < view.member_count; i++) {
		const sc_plan_member *a = &view.members[i - 1], *b = &view.members[i];
		int cmp = strcmp(a->set, b->set);
		if (!cmp)
			cmp = strcmp(a->name, b->name);
		if (!cmp)
			cmp = strcmp(a->sandbox->id, b->sandbox->id);
		if (cmp >= 0)
			TEST_FAILURE("members %zu and %zu out of order", i - 1, i);
	}
	for (size_t i = 0; i < view.member_count; i++) {
		const sc_plan_member *m = &view.members[i];
		for (size_t j = 0; j < f.observed.count; j++) {
			const sc_sandbox *s = &f.observed.items[j];
			if (!strcmp(s->id, m->sandbox->id) &&
			    !strcmp(sc_kv_get(&s->metadata, SC_LABEL_SET), m->set) &&
			    !strcmp(sc_kv_get(&s->metadata, SC_LABEL_NAME), m->name)) {
				if (s != m->sandbox)
					TEST_FAILURE("member %zu: not the first copy", i);
				break;
			}
		}
	}
	sc_plan_view_release(&view);
	fixture_release(&f);
}

int main(void)
{
	RUN(repeats_keep_the_first);
	RUN(many_ids_each_once);
	RUN(view_sorts_many_members_keeping_the_first_copy);
	return test_summary();
}
