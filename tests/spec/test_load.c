/* Loading: defaults, every field, documents, directories, stdin, names. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "spec_test.h"
#include "support/process.h"

#define DATA SC_TEST_DATA "/spec/"

static const char *const full_vars[] = {"OPENAI_API_KEY=sk-secret-123", NULL};

/* Loads paths with options; returns the diagnostics text (malloc'd). */
static char *load_paths(sc_spec_list *list, const char *const *paths, size_t count,
                        const sc_spec_load_options *options, int *result)
{
	sc_diag diag = SC_DIAG_INIT;
	*result = sc_spec_load_paths(list, paths, count, options, &diag);
	char *text = test_diag_text(&diag);
	sc_diag_release(&diag);
	return text;
}

TEST(defaults)
{
	sc_spec_list list = {0};
	int r;
	char *errors = test_load(&list, MINIMAL, 1, &r);

	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	CHECK_INT(list.count, 1);
	if (list.count == 1) {
		const sc_spec *s = &list.items[0];
		CHECK_STR(s->name, "web");
		CHECK_STR(s->set, "team-a");
		CHECK_INT(s->labels.count, 0);
		CHECK_STR(s->template_id, "base");
		CHECK_INT(s->replicas, 1);
		CHECK(s->state == SC_SPEC_RUNNING);
		CHECK_INT(s->timeout, 300);
		CHECK_INT(s->renew_before, 150);
		CHECK(s->wait_ready);
		CHECK(!s->auto_pause);
		CHECK(!s->auto_resume);
		CHECK(!s->protect);
		CHECK(s->replace == SC_REPLACE_CREATE_FIRST);
		CHECK_INT(s->env.count, 0);
		CHECK(s->network.allow_public_traffic);
		CHECK(s->network.allow_internet_access);
		CHECK_INT(s->network.allow_out.count, 0);
		CHECK_INT(s->network.deny_out.count, 0);
		CHECK_INT(s->mount_count, 0);
		CHECK_STR(s->where.file, "t.yaml");
		CHECK_INT(s->where.line, 1);
		CHECK_INT(s->where.column, 1);
	}
	free(errors);
	sc_spec_list_release(&list);
}

TEST(renew_before_follows_timeout)
{
	sc_spec_list list = {0};
	int r;
	char *errors = test_load(&list, MINIMAL "spec: {timeout: 1801}\n", 1, &r);

	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	if (list.count == 1) {
		CHECK_INT(list.items[0].timeout, 1801);
		CHECK_INT(list.items[0].renew_before, 900);
	}
	free(errors);
	sc_spec_list_release(&list);
}

TEST(every_field)
{
	const char *paths[] = {DATA "full.yaml"};
	sc_spec_list list = {0};
	int r;

	test_vars = full_vars;
	char *errors = load_paths(&list, paths, 1, &test_options, &r);
	test_vars = NULL;
	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	CHECK_INT(list.count, 1);
	if (list.count == 1) {
		const sc_spec *s = &list.items[0];
		CHECK_STR(s->name, "py-runner");
		CHECK_STR(s->set, "team-ml");
		CHECK_INT(s->labels.count, 5);
		CHECK_STR(sc_kv_get(&s->labels, "team"), "ml");
		CHECK_STR(sc_kv_get(&s->labels, "example.com/tier"), "gold");
		CHECK_STR(sc_kv_get(&s->labels, "version"), "3");
		CHECK_STR(sc_kv_get(&s->labels, "beta"), "true");
		CHECK_STR(sc_kv_get(&s->labels, "empty"), "");
		CHECK_STR(s->template_id, "code-interpreter");
		CHECK_INT(s->replicas, 2);
		CHECK(s->state == SC_SPEC_PAUSED);
		CHECK_INT(s->timeout, 1800);
		CHECK_INT(s->renew_before, 600);
		CHECK(!s->wait_ready);
		CHECK(s->auto_pause);
		CHECK(s->auto_resume);
		CHECK(s->protect);
		CHECK(s->replace == SC_REPLACE_DELETE_FIRST);
		CHECK_INT(s->env.count, 5);
		CHECK_STR(sc_kv_get(&s->env, "LOG_LEVEL"), "info");
		CHECK_STR(sc_kv_get(&s->env, "OPENAI_API_KEY"), "sk-secret-123");
		CHECK_STR(sc_kv_get(&s->env, "WORKERS"), "4");
		CHECK_STR(sc_kv_get(&s->env, "DEBUG"), "false");
		CHECK_STR(sc_kv_get(&s->env, "PRICE"), "$5");
		CHECK(!s->network.allow_public_traffic);
		CHECK(!s->network.allow_internet_access);
		CHECK_INT(s->network.allow_out.count, 2);
		if (s->network.allow_out.count == 2) {
			CHECK_STR(s->network.allow_out.items[0], "203.0.113.0/24");
			CHECK_STR(s->network.allow_out.items[1], "198.51.100.7");
		}
		CHECK_INT(s->network.deny_out.count, 2);
		if (s->network.deny_out.count == 2) {
			CHECK_STR(s->network.deny_out.items[0], "10.0.0.0/8");
			CHECK_STR(s->network.deny_out.items[1], "0.0.0.0/0");
		}
		CHECK_INT(s->mount_count, 2);
		if (s->mount_count == 2) {
			CHECK_STR(s->mounts[0].name, "datasets");
			CHECK_STR(s->mounts[0].path, "/data");
			CHECK_STR(s->mounts[1].name, "cache");
			CHECK_STR(s->mounts[1].path, "/var/cache/app");
		}
		CHECK_STR(s->where.file, DATA "full.yaml");
		CHECK_INT(s->where.line, 2);
	}
	free(errors);
	sc_spec_list_release(&list);
}

TEST(null_containers_are_empty)
{
	sc_spec_list list = {0};
	int r;
	char *errors = test_load(&list,
	                         MINIMAL "  labels:\nspec:\n  envVars:\n  network:\n"
	                                 "  volumeMounts: ~\n",
	                         1, &r);

	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	CHECK_INT(list.count, 1);
	free(errors);
	sc_spec_list_release(&list);
	errors = test_load(&list, MINIMAL "spec:\n", 1, &r);
	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	free(errors);
	sc_spec_list_release(&list);
}

TEST(quoted_strings_and_str_tag)
{
	sc_spec_list list = {0};
	int r;
	char *errors = test_load(&list,
	                         "apiVersion: 'sc-apply/v1'\nkind: \"Sandbox\"\n"
	                         "metadata: {name: \"web\", set: !!str team-b}\n"
	                         "spec: {state: \"paused\", template: !!str 123}\n",
	                         0, &r);

	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	if (list.count == 1) {
		CHECK_STR(list.items[0].set, "team-b");
		CHECK_STR(list.items[0].template_id, "123");
		CHECK(list.items[0].state == SC_SPEC_PAUSED);
	}
	free(errors);
	sc_spec_list_release(&list);
}

TEST(multi_documents_and_empty_ones)
{
	const char *paths[] = {DATA "multi.yaml"};
	sc_spec_list list = {0};
	int r;
	char *errors = load_paths(&list, paths, 1, &test_options, &r);

	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	CHECK_INT(list.count, 3);
	if (list.count == 3) {
		CHECK_STR(list.items[0].name, "one");
		CHECK_INT(list.items[0].where.line, 2);
		CHECK_STR(list.items[1].name, "two");
		CHECK_INT(list.items[1].replicas, 0);
		CHECK_INT(list.items[1].where.line, 8);
		CHECK_STR(list.items[2].name, "three");
		CHECK_INT(list.items[2].where.line, 15);
	}
	free(errors);
	sc_spec_list_release(&list);
}

TEST(empty_inputs)
{
	const char *texts[] = {
	    "", "\n", "# only a comment\n", "---\n", "---\n...\n---\n", "~\n"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		sc_spec_list list = {0};
		int r;
		char *errors = test_load(&list, texts[i], 0, &r);
		CHECK_INT(r, 0);
		CHECK_STR(errors, "");
		CHECK_INT(list.count, 0);
		free(errors);
		sc_spec_list_release(&list);
	}
}

TEST(directory_sorted_not_hidden_not_txt)
{
	const char *paths[] = {DATA "dir"};
	sc_spec_list list = {0};
	int r;
	char *errors = load_paths(&list, paths, 1, &test_options, &r);

	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	CHECK_INT(list.count, 3);
	if (list.count == 3) {
		CHECK_STR(list.items[0].name, "b-first");
		CHECK_STR(list.items[0].where.file, DATA "dir/10-b.yaml");
		CHECK_STR(list.items[1].name, "a-second");
		CHECK_STR(list.items[2].name, "a-third");
		CHECK_STR(list.items[2].where.file, DATA "dir/20-a.yml");
	}
	free(errors);
	sc_spec_list_release(&list);
}

TEST(several_paths_and_stdin)
{
	const char *paths[] = {DATA "dir", "-", DATA "multi.yaml"};
	sc_spec_list list = {0};
	int r;
	int saved = dup(0);
	int fd = open(DATA "minimal.yaml", O_RDONLY);

	CHECK(saved >= 0 && fd >= 0);
	dup2(fd, 0);
	close(fd);
	char *errors = load_paths(&list, paths, 3, &test_options_set, &r);
	dup2(saved, 0);
	close(saved);
	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	CHECK_INT(list.count, 7);
	if (list.count == 7) {
		CHECK_STR(list.items[3].name, "web");
		CHECK_STR(list.items[3].set, "team-a");
		CHECK_STR(list.items[3].where.file, "<stdin>");
		CHECK_STR(list.items[6].name, "three");
	}
	free(errors);
	sc_spec_list_release(&list);
}

TEST(set_from_file_wins_over_option)
{
	sc_spec_list list = {0};
	int r;
	char *errors = test_load(&list, MINIMAL "  set: from-file\n", 1, &r);

	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	if (list.count == 1)
		CHECK_STR(list.items[0].set, "from-file");
	free(errors);
	sc_spec_list_release(&list);
}

TEST(set_required_without_option)
{
	sc_spec_list list = {0};
	int r;
	char *errors = test_load(&list, MINIMAL, 0, &r);

	CHECK_INT(r, -1);
	CHECK_STR(errors, "t.yaml:3:1: error: metadata.set: required (or pass --set)\n");
	CHECK_INT(list.count, 0);
	free(errors);
	sc_spec_list_release(&list);
}

TEST(bad_set_option)
{
	sc_spec_list list = {0};
	sc_diag diag = SC_DIAG_INIT;
	sc_spec_load_options options = {"Bad_Set", NULL, NULL};
	int r =
	    sc_spec_load_text(&list, "t.yaml", MINIMAL, strlen(MINIMAL), &options, &diag);
	char *errors = test_diag_text(&diag);

	CHECK_INT(r, -1);
	CHECK_CONTAINS(errors,
	               "t.yaml:3:1: error: metadata.set: the --set value \"Bad_Set\" "
	               "must be a DNS-1123 label");
	free(errors);
	sc_diag_release(&diag);
	sc_spec_list_release(&list);
}

TEST(duplicate_names_across_files)
{
	const char *paths[] = {DATA "dup-a.yaml", DATA "dup-b.yaml"};
	sc_spec_list list = {0};
	int r;
	char *errors = load_paths(&list, paths, 2, &test_options, &r);

	CHECK_INT(r, -1);
	CHECK_STR(errors,
	          DATA "dup-b.yaml:5:9: error: metadata.name: duplicate name "
	               "\"shared\" in set \"dup\" (first at " DATA "dup-a.yaml:3:18)\n");
	free(errors);
	sc_spec_list_release(&list);
}

TEST(duplicate_names_in_one_text_and_across_calls)
{
	sc_spec_list list = {0};
	int r;
	const char *doc = MINIMAL "---\n" MINIMAL "---\n" MINIMAL "  set: other\n";
	char *errors = test_load(&list, doc, 1, &r);

	CHECK_INT(r, -1);
	CHECK_STR(errors,
	          "t.yaml:9:9: error: metadata.name: duplicate name \"web\" in set "
	          "\"team-a\" (first at t.yaml:4:9)\n");
	free(errors);
	/* A second call reports only what it adds, at the first's document. */
	errors = test_load(&list, "# again\n" MINIMAL, 1, &r);
	CHECK_INT(r, -1);
	CHECK_STR(errors,
	          "t.yaml:5:9: error: metadata.name: duplicate name \"web\" in set "
	          "\"team-a\" (first at t.yaml:1:1)\n");
	free(errors);
	sc_spec_list_release(&list);
}

TEST(find)
{
	const char *paths[] = {DATA "dup-a.yaml"};
	sc_spec_list list = {0};
	int r;
	char *errors = load_paths(&list, paths, 1, &test_options, &r);

	CHECK_INT(r, 0);
	CHECK(sc_spec_list_find(&list, "dup", "other") == &list.items[1]);
	CHECK(sc_spec_list_find(&list, "dup", "shared") == &list.items[0]);
	CHECK(sc_spec_list_find(&list, "elsewhere", "shared") == NULL);
	CHECK(sc_spec_list_find(&list, "dup", "missing") == NULL);
	free(errors);
	sc_spec_list_release(&list);
	sc_spec_list_release(&list);
}

TEST(missing_paths)
{
	const char *paths[] = {DATA "no-such.yaml", DATA "minimal.yaml"};
	sc_spec_list list = {0};
	int r;
	char *errors = load_paths(&list, paths, 2, &test_options_set, &r);

	CHECK_INT(r, -1);
	CHECK_STR(errors,
	          DATA "no-such.yaml: error: cannot open: No such file or directory\n");
	CHECK_INT(list.count, 1);
	free(errors);
	sc_spec_list_release(&list);
}

TEST(good_documents_load_beside_bad_ones)
{
	sc_spec_list list = {0};
	int r;
	char *errors = test_load(&list,
	                         MINIMAL "---\n" MINIMAL "spec: {replicas: -1}\n"
	                                 "---\napiVersion: sc-apply/v1\nkind: Sandbox\n"
	                                 "metadata: {name: third}\n",
	                         1, &r);

	CHECK_INT(r, -1);
	CHECK_STR(errors,
	          "t.yaml:10:18: error: spec.replicas: must be an integer from 0 to "
	          "1000, got \"-1\"\n");
	CHECK_INT(list.count, 2);
	free(errors);
	sc_spec_list_release(&list);
}

TEST(empty_directory_is_a_warning)
{
	char *dir = test_make_temp_dir("spec-empty");
	char *sub = malloc(strlen(dir) + 32);
	sc_spec_list list = {0};
	sc_diag diag = SC_DIAG_INIT;

	/* A directory named like a spec file is not read. */
	sprintf(sub, "%s/dir.yaml", dir);
	CHECK_INT(mkdir(sub, 0700), 0);
	sprintf(sub, "%s/", dir);
	const char *paths[] = {sub};
	CHECK_INT(sc_spec_load_paths(&list, paths, 1, &test_options, &diag), 0);
	CHECK_INT(diag.count, 1);
	if (diag.count == 1) {
		char *line = sc_diag_format(&diag.entries[0]);
		CHECK_CONTAINS(line, "/: warning: no *.yaml or *.yml files in directory");
		free(line);
	}
	sc_diag_release(&diag);
	test_rmtree(dir);
	free(sub);
	free(dir);
}

TEST(bom_crlf_and_utf8_columns)
{
	sc_spec_list list = {0};
	int r;
	char *errors = test_load(&list,
	                         "\xEF\xBB\xBF"
	                         "apiVersion: sc-apply/v1\r\nkind: Sandbox\r\n"
	                         "metadata:\r\n  name: web\r\n",
	                         1, &r);

	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	free(errors);
	sc_spec_list_release(&list);
	/* Columns count characters, not bytes. */
	errors =
	    test_load(&list,
	              "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: web\n"
	              "  labels: {\xC3\xA9t\xC3\xA9: x, k: \xC3\xA9}\n",
	              1, &r);
	CHECK_STR(
	    errors,
	    "t.yaml:5:12: error: metadata.labels: invalid label key "
	    "\"\xC3\xA9t\xC3\xA9\": "
	    "must be [prefix/]name, the prefix a DNS subdomain of at most 253 "
	    "characters, the name at most 63 of A-Z, a-z, 0-9, '-', '_' and '.', "
	    "starting and ending with a letter or digit\n"
	    "t.yaml:5:23: error: metadata.labels.k: must be a label value: empty, or "
	    "at most 63 of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending "
	    "with a letter or digit, got \"\xC3\xA9\"\n");
	free(errors);
	sc_spec_list_release(&list);
}

int main(void)
{
	RUN(defaults);
	RUN(renew_before_follows_timeout);
	RUN(every_field);
	RUN(null_containers_are_empty);
	RUN(quoted_strings_and_str_tag);
	RUN(multi_documents_and_empty_ones);
	RUN(empty_inputs);
	RUN(directory_sorted_not_hidden_not_txt);
	RUN(several_paths_and_stdin);
	RUN(set_from_file_wins_over_option);
	RUN(set_required_without_option);
	RUN(bad_set_option);
	RUN(duplicate_names_across_files);
	RUN(duplicate_names_in_one_text_and_across_calls);
	RUN(find);
	RUN(missing_paths);
	RUN(good_documents_load_beside_bad_ones);
	RUN(empty_directory_is_a_warning);
	RUN(bom_crlf_and_utf8_columns);
	return test_summary();
}
