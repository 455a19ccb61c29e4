/* Reading -f inputs fails closed: what cannot be read is an error naming it. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "spec_test.h"
#include "support/process.h"

#define GOOD "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: %s, set: s}\n"

/* A scratch directory for one test, and paths in it. */
typedef struct scratch {
	char *dir;
	char path[8][4200];
	int used;
} scratch;

static void scratch_init(scratch *s)
{
	memset(s, 0, sizeof(*s));
	s->dir = test_make_temp_dir("spec-input");
}

static void scratch_release(scratch *s)
{
	test_rmtree(s->dir);
	free(s->dir);
}

/* dir/name, kept in s. */
static const char *at(scratch *s, const char *name)
{
	char *p = s->path[s->used++ % 8];
	snprintf(p, 4200, "%s/%s", s->dir, name);
	return p;
}

/* A spec file dir/name with metadata.name spec_name. */
static void good_file(scratch *s, const char *name, const char *spec_name)
{
	char text[256];
	snprintf(text, sizeof(text), GOOD, spec_name);
	CHECK_INT(test_write_file(at(s, name), text), 0);
}

/* Loads paths; returns the diagnostics text; *result and *count what loaded. */
static char *load(const char *const *paths, size_t n, int *result, size_t *count)
{
	sc_spec_list list = {0};
	sc_diag diag = SC_DIAG_INIT;

	*result = sc_spec_load_paths(&list, paths, n, &test_options, &diag);
	*count = list.count;
	char *text = test_diag_text(&diag);
	sc_diag_release(&diag);
	sc_spec_list_release(&list);
	return text;
}

/* "path: error: message\n" */
static char *expected(const char *path, const char *message)
{
	char *out = malloc(strlen(path) + strlen(message) + 16);
	sprintf(out, "%s: error: %s\n", path, message);
	return out;
}

#define CHECK_ONE_ERROR(errors, path, message)                                           \
	do {                                                                             \
		char *want = expected(path, message);                                    \
		CHECK_STR(errors, want);                                                 \
		free(want);                                                              \
	} while (0)

TEST(dangling_symlink_in_a_directory_is_an_error)
{
	scratch s;
	int r;
	size_t count;

	scratch_init(&s);
	good_file(&s, "a.yaml", "a");
	CHECK_INT(symlink("/nonexistent/gone.yaml", at(&s, "b.yaml")), 0);
	good_file(&s, "c.yaml", "c");
	const char *paths[] = {s.dir};
	char *errors = load(paths, 1, &r, &count);
	CHECK_INT(r, -1);
	CHECK_ONE_ERROR(
	    errors, at(&s, "b.yaml"),
	    "cannot open: No such file or directory (a dangling symbolic link)");
	/* The others are still read, so every error is reported in one run. */
	CHECK_INT(count, 2);
	free(errors);
	scratch_release(&s);
}

TEST(dangling_symlink_given_as_a_path)
{
	scratch s;
	int r;
	size_t count;

	scratch_init(&s);
	CHECK_INT(symlink("gone.yaml", at(&s, "link.yaml")), 0);
	const char *paths[] = {at(&s, "link.yaml")};
	char *errors = load(paths, 1, &r, &count);
	CHECK_INT(r, -1);
	CHECK_ONE_ERROR(
	    errors, paths[0],
	    "cannot open: No such file or directory (a dangling symbolic link)");
	free(errors);
	scratch_release(&s);
}

TEST(looping_symlinks)
{
	scratch s;
	int r;
	size_t count;

	scratch_init(&s);
	CHECK_INT(symlink("loop-b.yaml", at(&s, "loop-a.yaml")), 0);
	CHECK_INT(symlink("loop-a.yaml", at(&s, "loop-b.yaml")), 0);
	const char *dir[] = {s.dir};
	char *errors = load(dir, 1, &r, &count);
	CHECK_INT(r, -1);
	char *a = expected(at(&s, "loop-a.yaml"),
	                   "cannot open: Too many levels of symbolic links");
	char *b = expected(at(&s, "loop-b.yaml"),
	                   "cannot open: Too many levels of symbolic links");
	char *both = malloc(strlen(a) + strlen(b) + 1);
	sprintf(both, "%s%s", a, b);
	CHECK_STR(errors, both);
	free(both);
	free(a);
	free(b);
	free(errors);

	const char *file[] = {at(&s, "loop-a.yaml")};
	errors = load(file, 1, &r, &count);
	CHECK_INT(r, -1);
	CHECK_ONE_ERROR(errors, file[0],
	                "cannot open: Too many levels of symbolic links");
	free(errors);
	scratch_release(&s);
}

/* A FIFO with no writer: reading it would block forever. */
TEST(fifo_is_refused_without_blocking)
{
	scratch s;
	int r;
	size_t count;

	scratch_init(&s);
	CHECK_INT(mkfifo(at(&s, "pipe.yaml"), 0600), 0);
	const char *file[] = {at(&s, "pipe.yaml")};
	char *errors = load(file, 1, &r, &count);
	CHECK_INT(r, -1);
	CHECK_ONE_ERROR(errors, file[0], "cannot read: not a regular file (a FIFO)");
	free(errors);

	good_file(&s, "ok.yaml", "ok");
	const char *dir[] = {s.dir};
	errors = load(dir, 1, &r, &count);
	CHECK_INT(r, -1);
	CHECK_ONE_ERROR(errors, at(&s, "pipe.yaml"),
	                "cannot read: not a regular file (a FIFO)");
	CHECK_INT(count, 1);
	free(errors);
	scratch_release(&s);
}

TEST(devices_are_refused)
{
	scratch s;
	int r;
	size_t count;

	const char *file[] = {"/dev/null"};
	char *errors = load(file, 1, &r, &count);
	CHECK_INT(r, -1);
	CHECK_ONE_ERROR(errors, "/dev/null",
	                "cannot read: not a regular file (a character device)");
	free(errors);

	/* A symbolic link to a device, in a directory. */
	scratch_init(&s);
	CHECK_INT(symlink("/dev/zero", at(&s, "zero.yaml")), 0);
	const char *dir[] = {s.dir};
	errors = load(dir, 1, &r, &count);
	CHECK_INT(r, -1);
	CHECK_ONE_ERROR(errors, at(&s, "zero.yaml"),
	                "cannot read: not a regular file (a character device)");
	free(errors);
	scratch_release(&s);
}

TEST(no_permission)
{
	scratch s;
	int r;
	size_t count;

	if (geteuid() == 0) {
		printf("  (skipped: root reads files without permission)\n");
		return;
	}
	scratch_init(&s);
	good_file(&s, "secret.yaml", "secret");
	CHECK_INT(chmod(at(&s, "secret.yaml"), 0), 0);
	const char *dir[] = {s.dir};
	char *errors = load(dir, 1, &r, &count);
	CHECK_INT(r, -1);
	CHECK_ONE_ERROR(errors, at(&s, "secret.yaml"), "cannot open: Permission denied");
	free(errors);
	scratch_release(&s);
}

/* Hidden files, other names and subdirectories are not spec files: skipped. */
TEST(what_is_not_a_spec_file_is_still_skipped)
{
	scratch s;
	int r;
	size_t count;

	scratch_init(&s);
	good_file(&s, "a.yaml", "a");
	CHECK_INT(symlink("gone", at(&s, ".hidden.yaml")), 0);
	CHECK_INT(symlink("gone", at(&s, "notes.txt")), 0);
	CHECK_INT(mkfifo(at(&s, "fifo.txt"), 0600), 0);
	CHECK_INT(mkdir(at(&s, "sub.yaml"), 0700), 0);
	good_file(&s, "sub.yaml/inner.yaml", "inner");
	/* A symbolic link to a regular file is read. */
	CHECK_INT(symlink("a.yaml", at(&s, "b.yml")), 0);
	const char *dir[] = {s.dir};
	char *errors = load(dir, 1, &r, &count);
	/* b.yml is a.yaml again: the duplicate proves it was read. */
	CHECK_INT(r, -1);
	CHECK_CONTAINS(errors, "b.yml:3:18: error: metadata.name: duplicate name \"a\"");
	CHECK_NOT_CONTAINS(errors, "hidden");
	CHECK_NOT_CONTAINS(errors, "notes");
	CHECK_NOT_CONTAINS(errors, "fifo");
	CHECK_NOT_CONTAINS(errors, "inner");
	CHECK_INT(count, 2);
	free(errors);
	scratch_release(&s);
}

/* "-" is read whatever it is: here a pipe. */
TEST(stdin_may_be_a_pipe)
{
	int fds[2];
	int saved = dup(0);
	const char text[] = "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: p, "
	                    "set: s}\n";
	int r;
	size_t count;

	CHECK_INT(pipe(fds), 0);
	CHECK_INT(write(fds[1], text, sizeof(text) - 1), (long)(sizeof(text) - 1));
	close(fds[1]);
	dup2(fds[0], 0);
	close(fds[0]);
	const char *paths[] = {"-"};
	char *errors = load(paths, 1, &r, &count);
	dup2(saved, 0);
	close(saved);
	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	CHECK_INT(count, 1);
	free(errors);
}

int main(void)
{
	RUN(dangling_symlink_in_a_directory_is_an_error);
	RUN(dangling_symlink_given_as_a_path);
	RUN(looping_symlinks);
	RUN(fifo_is_refused_without_blocking);
	RUN(devices_are_refused);
	RUN(no_permission);
	RUN(what_is_not_a_spec_file_is_still_skipped);
	RUN(stdin_may_be_a_pipe);
	return test_summary();
}
