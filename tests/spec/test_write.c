/* Writing specs as YAML (libcyaml, schema from the field table): loads back the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "spec_test.h"

#define DATA SC_TEST_DATA "/spec/"

static const char *const full_vars[] = {"OPENAI_API_KEY=sk-secret-123", NULL};

/* Loads path (or text) into list; fails the test on any error. */
static void load_clean(sc_spec_list *list, const char *path, const char *text)
{
	sc_diag diag = SC_DIAG_INIT;
	int r = path ? sc_spec_load_paths(list, &path, 1, &test_options_set, &diag)
	             : sc_spec_load_text(list, "w.yaml", text, strlen(text),
	                                 &test_options_set, &diag);
	char *errors = test_diag_text(&diag);
	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	free(errors);
	sc_diag_release(&diag);
}

static char *write_yaml(const sc_spec_list *list)
{
	sc_buf out = SC_BUF_INIT;
	sc_diag diag = SC_DIAG_INIT;

	CHECK_INT(sc_spec_write_yaml(&out, list, &diag), 0);
	CHECK_INT(diag.count, 0);
	sc_diag_release(&diag);
	return sc_buf_detach(&out);
}

static void check_same_but_env(const sc_spec *a, const sc_spec *b)
{
	CHECK_STR(a->name, b->name);
	CHECK_STR(a->set, b->set);
	CHECK(sc_kv_equal(&a->labels, &b->labels));
	CHECK_STR(a->template_id, b->template_id);
	CHECK_INT(a->replicas, b->replicas);
	CHECK_INT(a->state, b->state);
	CHECK_INT(a->timeout, b->timeout);
	CHECK_INT(a->renew_before, b->renew_before);
	CHECK_INT(a->wait_ready, b->wait_ready);
	CHECK_INT(a->auto_pause, b->auto_pause);
	CHECK_INT(a->auto_resume, b->auto_resume);
	CHECK_INT(a->protect, b->protect);
	CHECK_INT(a->replace, b->replace);
	CHECK_INT(a->network.allow_public_traffic, b->network.allow_public_traffic);
	CHECK_INT(a->network.allow_internet_access, b->network.allow_internet_access);
	CHECK_INT(a->network.allow_out.count, b->network.allow_out.count);
	for (size_t i = 0;
	     i < a->network.allow_out.count && i < b->network.allow_out.count; i++)
		CHECK_STR(a->network.allow_out.items[i], b->network.allow_out.items[i]);
	CHECK_INT(a->network.deny_out.count, b->network.deny_out.count);
	CHECK_INT(a->mount_count, b->mount_count);
	for (size_t i = 0; i < a->mount_count && i < b->mount_count; i++) {
		CHECK_STR(a->mounts[i].name, b->mounts[i].name);
		CHECK_STR(a->mounts[i].path, b->mounts[i].path);
	}
	CHECK_INT(a->env.count, b->env.count);
	for (size_t i = 0; i < a->env.count && i < b->env.count; i++) {
		CHECK_STR(a->env.pairs[i].key, b->env.pairs[i].key);
		CHECK_STR(b->env.pairs[i].value, SC_SPEC_SECRET_MARK);
	}
}

TEST(every_field_round_trips_and_secrets_stay_out)
{
	sc_spec_list first = {0}, again = {0};

	test_vars = full_vars;
	load_clean(&first, DATA "full.yaml", NULL);
	test_vars = NULL;
	char *yaml = write_yaml(&first);
	CHECK_NOT_CONTAINS(yaml, "sk-secret");
	CHECK_CONTAINS(yaml, "apiVersion: \"sc-apply/v1\"");
	CHECK_CONTAINS(yaml, "OPENAI_API_KEY: \"" SC_SPEC_SECRET_MARK "\"");
	CHECK_CONTAINS(yaml, "replace: delete-first");
	/* What was written is a spec file: it loads back as the same spec. */
	load_clean(&again, NULL, yaml);
	CHECK_INT(again.count, first.count);
	if (again.count == 1 && first.count == 1)
		check_same_but_env(&first.items[0], &again.items[0]);
	free(yaml);
	sc_spec_list_release(&again);
	sc_spec_list_release(&first);
}

/* Defaults are written out; strings that look like other types stay strings. */
TEST(defaults_and_tricky_strings)
{
	sc_spec_list first = {0}, again = {0};

	load_clean(&first, NULL,
	           MINIMAL
	           "  labels: {a: \"true\", b: \"3\", c: \"\"}\n---\n"
	           "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: two}\n"
	           "spec:\n  template: \"123\"\n  envVars: {P: \"$$5\"}\n"
	           "  volumeMounts: [{name: \"$${x}\", path: \"/a $$b\"}]\n");
	char *yaml = write_yaml(&first);
	CHECK_CONTAINS(yaml, "replicas: 1\n");
	CHECK_CONTAINS(yaml, "timeout: 300\n");
	CHECK_CONTAINS(yaml, "renewBefore: 150\n");
	CHECK_CONTAINS(yaml, "state: running\n");
	CHECK_CONTAINS(yaml, "allowPublicTraffic: true\n");
	CHECK_CONTAINS(yaml, "template: \"base\"\n");
	CHECK_CONTAINS(yaml, "---\n");
	load_clean(&again, NULL, yaml);
	CHECK_INT(again.count, 2);
	if (again.count == 2 && first.count == 2) {
		check_same_but_env(&first.items[0], &again.items[0]);
		check_same_but_env(&first.items[1], &again.items[1]);
		CHECK_STR(again.items[1].template_id, "123");
		CHECK_STR(again.items[1].mounts[0].name, "${x}");
		CHECK_STR(again.items[1].mounts[0].path, "/a $b");
	}
	free(yaml);
	sc_spec_list_release(&again);
	sc_spec_list_release(&first);
}

/* spec.rollout is written only when the file had it: its presence turns waves on. */
TEST(rollout_written_only_when_present)
{
	sc_spec_list first = {0}, again = {0};

	load_clean(&first, NULL,
	           MINIMAL "spec:\n  readiness: heartbeat\n  rollout: {maxSurge: 2, maxUnavailable: 25%}\n---\n"
	           "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: two}\n");
	char *yaml = write_yaml(&first);
	CHECK_CONTAINS(yaml, "readiness: heartbeat\n");
	CHECK_CONTAINS(yaml, "maxSurge: 2\n");
	CHECK_CONTAINS(yaml, "maxUnavailable: \"25%\"\n");
	CHECK_CONTAINS(yaml, "progressDeadline: 600\n");
	/* One rollout block: the second spec has none. */
	const char *at = strstr(yaml, "rollout:");
	CHECK(at && !strstr(at + 1, "rollout:"));
	load_clean(&again, NULL, yaml);
	CHECK_INT(again.count, 2);
	if (again.count == 2) {
		CHECK(again.items[0].rollout.present);
		CHECK_INT(again.items[0].rollout.max_surge, 2);
		CHECK(!again.items[0].rollout.max_surge_percent);
		CHECK_INT(again.items[0].rollout.max_unavailable, 25);
		CHECK(again.items[0].rollout.max_unavailable_percent);
		CHECK_INT(again.items[0].readiness, SC_READINESS_HEARTBEAT);
		CHECK(!again.items[1].rollout.present);
		CHECK_INT(again.items[1].readiness, SC_READINESS_RUNNING);
	}
	free(yaml);
	sc_spec_list_release(&again);
	sc_spec_list_release(&first);
}

TEST(nothing_to_write)
{
	sc_spec_list empty = {0};
	char *yaml = write_yaml(&empty);
	CHECK_STR(yaml, "");
	free(yaml);
}

int main(void)
{
	RUN(every_field_round_trips_and_secrets_stay_out);
	RUN(defaults_and_tricky_strings);
	RUN(rollout_written_only_when_present);
	RUN(nothing_to_write);
	return test_summary();
}
