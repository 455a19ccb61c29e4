/* Hostile input: clear errors, bounded work, no crash and no leak. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "spec_test.h"
#include "support/process.h"

#define DATA SC_TEST_DATA "/spec/"

/* Loads len bytes of text (which may hold NULs); returns the diagnostics. */
static char *load_bytes(sc_spec_list *list, const char *text, size_t len, int *result)
{
	sc_diag diag = SC_DIAG_INIT;
	*result = sc_spec_load_text(list, "t.yaml", text, len, &test_options_set, &diag);
	char *out = test_diag_text(&diag);
	sc_diag_release(&diag);
	return out;
}

static char *load_file_errors(const char *path)
{
	const char *paths[] = {path};
	sc_spec_list list = {0};
	sc_diag diag = SC_DIAG_INIT;

	CHECK_INT(sc_spec_load_paths(&list, paths, 1, &test_options_set, &diag), -1);
	char *out = test_diag_text(&diag);
	sc_diag_release(&diag);
	sc_spec_list_release(&list);
	return out;
}

TEST(aliases_are_rejected)
{
	char *errors = test_errors("apiVersion: sc-apply/v1\nkind: &k Sandbox\nmetadata: "
	                           "{name: web}\nspec: {template: *k}\n");
	CHECK_STR(errors, "t.yaml:4:18: error: aliases are not supported (*k): write the "
	                  "value out\n");
	free(errors);
}

TEST(billion_laughs)
{
	char *errors = load_file_errors(DATA "billion-laughs.yaml");

	CHECK_STR(errors,
	          DATA "billion-laughs.yaml:7:12: error: aliases are not supported "
	               "(*a): write the value out\n");
	free(errors);
}

TEST(nul_bytes)
{
	char *errors = load_file_errors(DATA "nul.yaml");
	CHECK_STR(errors,
	          DATA "nul.yaml:4:12: error: syntax error: control characters are "
	               "not allowed (byte 0x00)\n");
	free(errors);
}

TEST(invalid_utf8_and_binary)
{
	sc_spec_list list = {0};
	int r;
	const char bad_utf8[] =
	    "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: \xC3\x28}\n";
	char *errors = load_bytes(&list, bad_utf8, sizeof(bad_utf8) - 1, &r);

	CHECK_INT(r, -1);
	CHECK_STR(errors,
	          "t.yaml:3:19: error: syntax error: invalid trailing UTF-8 octet "
	          "(byte 0x28)\n");
	free(errors);

	/* Random bytes: an error, never a crash. */
	uint32_t seed = 12345;
	char junk[4096];
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof(junk); i++) {
			seed = seed * 1103515245u + 12345u;
			junk[i] = (char)(seed >> 16);
		}
		errors = load_bytes(&list, junk, sizeof(junk), &r);
		CHECK_INT(r, -1);
		CHECK_CONTAINS(errors, "t.yaml:");
		free(errors);
	}
	CHECK_INT(list.count, 0);
	sc_spec_list_release(&list);
}

/* Mutations of a valid file: any outcome but a crash or a leak. */
TEST(mutated_files)
{
	char *full = test_read_file(DATA "full.yaml");
	size_t len = full ? strlen(full) : 0;
	uint32_t seed = 777;
	static const char alphabet[] = "{}[]:,-?&*!|>'\"%@`# \n\t\\$0aZ.";

	CHECK(full != NULL);
	for (int round = 0; full && round < 400; round++) {
		char *text = malloc(len + 1);
		memcpy(text, full, len + 1);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			text[at] = alphabet[(seed >> 8) % (sizeof(alphabet) - 1)];
		}
		size_t cut = round % 5 == 0 ? (seed >> 4) % len : len;
		sc_spec_list list = {0};
		int r;
		char *errors = load_bytes(&list, text, cut, &r);
		CHECK((r == 0) == (*errors == '\0'));
		CHECK_NOT_CONTAINS(errors, "internal error");
		free(errors);
		sc_spec_list_release(&list);
		free(text);
	}
	free(full);
}

TEST(deep_nesting)
{
	size_t depth = 100000;
	char *text = malloc(2 * depth + 16);
	char *p = text;
	p += sprintf(p, "a: ");
	for (size_t i = 0; i < depth; i++)
		*p++ = '[';
	for (size_t i = 0; i < depth; i++)
		*p++ = ']';
	*p++ = '\n';
	sc_spec_list list = {0};
	int r;
	char *errors = load_bytes(&list, text, (size_t)(p - text), &r);

	CHECK_INT(r, -1);
	CHECK_STR(errors, "t.yaml:1:67: error: nesting too deep: more than 64 levels\n");
	free(errors);
	free(text);

	/* Block style too. */
	sc_buf block = SC_BUF_INIT;
	for (int i = 0; i < 200; i++)
		sc_buf_printf(&block, "%*sk%d:\n", i, "", i);
	errors = load_bytes(&list, block.data, block.len, &r);
	CHECK_INT(r, -1);
	CHECK_CONTAINS(errors, "error: nesting too deep: more than 64 levels\n");
	free(errors);
	sc_buf_release(&block);
	sc_spec_list_release(&list);
}

TEST(unsupported_tags)
{
	char *errors =
	    test_errors("apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: "
	                "{name: web}\nspec: {template: !!python/object:os.system x}\n");
	CHECK_STR(errors, "t.yaml:4:18: error: tag !!python/object:os.system is not "
	                  "supported (only !!str)\n");
	free(errors);
	errors = test_errors("apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: !thing "
	                     "{name: web}\n");
	CHECK_STR(errors, "t.yaml:3:11: error: tag !thing is not supported\n");
	free(errors);
}

TEST(file_too_large)
{
	char *dir = test_make_temp_dir("spec-huge");
	char *path = malloc(strlen(dir) + 16);
	sprintf(path, "%s/huge.yaml", dir);
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

	CHECK(fd >= 0);
	CHECK_INT(ftruncate(fd, (off_t)65 << 20), 0);
	close(fd);
	char *errors = load_file_errors(path);
	char *want = malloc(strlen(path) + 64);
	sprintf(want, "%s: error: file too large: more than 64 MiB\n", path);
	CHECK_STR(errors, want);
	free(want);
	free(errors);
	test_rmtree(dir);
	free(path);
	free(dir);
}

TEST(too_many_nodes)
{
	sc_buf text = SC_BUF_INIT;

	sc_buf_puts(&text,
	            "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web}\n"
	            "spec:\n  envVars:\n");
	for (int i = 0; i < 110000; i++)
		sc_buf_printf(&text, "    V%d: x\n", i);
	sc_spec_list list = {0};
	int r;
	char *errors = load_bytes(&list, text.data, text.len, &r);
	CHECK_INT(r, -1);
	CHECK_CONTAINS(errors, "error: document too large: more than 200000 nodes\n");
	free(errors);
	sc_buf_release(&text);
	sc_spec_list_release(&list);
}

/* Many keys, and many repeated: O(n log n), one error per repeat. */
TEST(many_keys_and_repeats)
{
	sc_buf text = SC_BUF_INIT;

	sc_buf_puts(&text,
	            "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web}\n"
	            "spec:\n  envVars:\n");
	for (int i = 0; i < 40000; i++)
		sc_buf_printf(&text, "    V%d: x\n", i % 20000);
	sc_spec_list list = {0};
	int r;
	sc_diag diag = SC_DIAG_INIT;
	r = sc_spec_load_text(&list, "t.yaml", text.data, text.len, &test_options_set,
	                      &diag);
	CHECK_INT(r, -1);
	CHECK_INT(sc_diag_error_count(&diag), 20000);
	if (diag.count) {
		char *first = sc_diag_format(&diag.entries[0]);
		CHECK_STR(first,
		          "t.yaml:20006:5: error: spec.envVars.V0: duplicate key (first "
		          "at 6:5)");
		free(first);
	}
	sc_diag_release(&diag);
	sc_buf_release(&text);
	sc_spec_list_release(&list);
}

TEST(long_values_are_cut_in_messages)
{
	sc_buf text = SC_BUF_INIT;

	sc_buf_puts(&text,
	            "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web}\n"
	            "spec: {timeout: ");
	for (int i = 0; i < 100000; i++)
		sc_buf_putc(&text, 'x');
	sc_buf_puts(&text, "}\n");
	sc_spec_list list = {0};
	int r;
	char *errors = load_bytes(&list, text.data, text.len, &r);
	CHECK_INT(r, -1);
	CHECK_CONTAINS(errors,
	               "got \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	               "xxxxxxxxxxxxxxxxxxxxxxxx\"...\n");
	CHECK(strlen(errors) < 300);
	free(errors);
	sc_buf_release(&text);
	sc_spec_list_release(&list);
}

/* count documents, and a repeat of the first name at the end. */
static void many_documents(sc_buf *text, int count)
{
	for (int i = 0; i < count; i++)
		sc_buf_printf(
		    text,
		    "---\napiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n"
		    "  name: spec-%d\n  set: bench\n  labels: {team: t%d}\n"
		    "spec:\n  replicas: 2\n  timeout: 1800\n"
		    "  envVars: {LOG_LEVEL: info, HOME_DIR: \"${HOME:-/root}\"}\n"
		    "  network: {allowOut: [203.0.113.0/24]}\n"
		    "  volumeMounts: [{name: data, path: /data}]\n",
		    i, i % 7);
	sc_buf_puts(text, "---\napiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n"
	                  "  name: spec-0\n  set: bench\n");
}

/* Loads count documents (and one duplicate) and checks the duplicate is found. */
static void load_documents(int count)
{
	sc_buf text = SC_BUF_INIT;
	sc_spec_list list = {0};
	sc_diag diag = SC_DIAG_INIT;

	many_documents(&text, count);
	int r =
	    sc_spec_load_text(&list, "t.yaml", text.data, text.len, &test_options, &diag);
	CHECK_INT(r, -1);
	CHECK_INT(list.count, count + 1);
	CHECK_INT(diag.count, 1);
	if (diag.count)
		CHECK_STR(diag.entries[0].message,
		          "metadata.name: duplicate name \"spec-0\" in "
		          "set \"bench\" (first at t.yaml:5:9)");
	sc_diag_release(&diag);
	sc_buf_release(&text);
	sc_spec_list_release(&list);
}

/* 10,000 documents load whole; how fast is bench/specs_bench.c's to say. */
TEST(ten_thousand_documents)
{
	load_documents(10000);
}

int main(void)
{
	RUN(aliases_are_rejected);
	RUN(billion_laughs);
	RUN(nul_bytes);
	RUN(invalid_utf8_and_binary);
	RUN(mutated_files);
	RUN(deep_nesting);
	RUN(unsupported_tags);
	RUN(file_too_large);
	RUN(too_many_nodes);
	RUN(many_keys_and_repeats);
	RUN(long_values_are_cut_in_messages);
	RUN(ten_thousand_documents);
	return test_summary();
}
