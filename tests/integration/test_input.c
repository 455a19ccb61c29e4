/*
 * Input that cannot be read stops the run: the real sc-apply against a
 * real sc-sandboxd on loopback. A spec file that vanished behind a
 * dangling symbolic link must never read as "that spec is gone" (which
 * --prune would turn into deletes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "support/cli_run.h"

#define SPEC_FMT                                                                         \
	"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: %s\n  set: "         \
	"team-in\n"                                                                      \
	"spec:\n  timeout: 600\n"

/* dir/name, in a static buffer per slot. */
static const char *in_dir(const char *dir, const char *name)
{
	static char paths[8][4200];
	static int slot;
	char *path = paths[slot++ % 8];
	snprintf(path, 4200, "%s/%s", dir, name);
	return path;
}

static void write_named_spec(const char *path, const char *name)
{
	char text[512];
	snprintf(text, sizeof(text), SPEC_FMT, name);
	if (test_write_file(path, text))
		TEST_FAILURE("cannot write %s", path);
}

static int count_set(const test_sandboxd *sd, const char *name)
{
	test_sandbox *all;
	int total = test_list_all(sd, &all);
	int matches = total < 0 ? -1 : test_count(all, total, "team-in", name, NULL);
	free(all);
	return matches;
}

TEST(validate_names_a_dangling_symlink_in_a_directory)
{
	char *dir = test_make_temp_dir("sc-apply-input");
	write_named_spec(in_dir(dir, "a.yaml"), "a");
	CHECK_INT(symlink("/nonexistent/b.yaml", in_dir(dir, "b.yaml")), 0);
	test_run run;

	CHECK_INT(test_run_apply(NULL, (const char *[]){"validate", "-f", dir, NULL},
	                         NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 1);
	char want[4400];
	snprintf(want, sizeof(want), "%s: error: cannot open: ", in_dir(dir, "b.yaml"));
	CHECK_CONTAINS(run.err, want);
	test_run_release(&run);
	test_rmtree(dir);
	free(dir);
}

TEST(validate_refuses_a_fifo_without_hanging)
{
	char *dir = test_make_temp_dir("sc-apply-input");
	const char *fifo = in_dir(dir, "pipe.yaml");
	CHECK_INT(mkfifo(fifo, 0600), 0);
	test_run run;

	CHECK_INT(test_run_apply(NULL, (const char *[]){"validate", "-f", fifo, NULL},
	                         NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err,
	               "pipe.yaml: error: cannot read: not a regular file (a FIFO)");
	test_run_release(&run);
	test_rmtree(dir);
	free(dir);
}

/* Applies a.yaml and b.yaml, then b.yaml becomes a dangling link: no deletes. */
TEST(prune_with_an_unreadable_entry_writes_nothing)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	char *dir = test_make_temp_dir("sc-apply-input");
	const char *b = in_dir(dir, "b.yaml");
	test_run run;

	write_named_spec(in_dir(dir, "a.yaml"), "a");
	write_named_spec(b, "b");
	CHECK_INT(
	    test_run_apply(&sd, (const char *[]){"-f", dir, NULL}, NULL, NULL, &run), 0);
	CHECK_INT(run.exit_code, 0);
	test_run_release(&run);
	CHECK_INT(count_set(&sd, "b"), 1);

	CHECK_INT(unlink(b), 0);
	CHECK_INT(symlink("/nonexistent/b.yaml", b), 0);
	CHECK_INT(test_stats_reset(&sd), 0);
	const char *const commands[][6] = {
	    {"plan", "-f", dir, "--prune", NULL},
	    {"apply", "-f", dir, "--prune", NULL},
	    {"-f", dir, "--set", "team-in", "--prune", NULL},
	};
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		CHECK_INT(test_run_apply(&sd, commands[i], NULL, NULL, &run), 0);
		CHECK_INT(run.exit_code, 1);
		CHECK_CONTAINS(run.err, "b.yaml: error: cannot open: ");
		CHECK_NOT_CONTAINS(run.out, "delete");
		test_run_release(&run);
	}
	CHECK_INT(test_stats_writes(&sd), 0);
	CHECK_INT(count_set(&sd, "b"), 1);
	CHECK_INT(count_set(&sd, "a"), 1);

	test_rmtree(dir);
	free(dir);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
}

int main(void)
{
	RUN(validate_names_a_dangling_symlink_in_a_directory);
	RUN(validate_refuses_a_fifo_without_hanging);
	RUN(prune_with_an_unreadable_entry_writes_nothing);
	return test_summary();
}
