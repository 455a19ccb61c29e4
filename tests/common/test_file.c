/* Reading a named file: only a regular one, never blocking, never past a size. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/file.h"
#include "harness.h"
#include "support/process.h"

static char *dir;

static char *path_in(const char *name)
{
	static char path[4][4200];
	static int slot;
	char *p = path[slot++ % 4];
	snprintf(p, 4200, "%s/%s", dir, name);
	return p;
}

static char *first_message(sc_diag *diag)
{
	return diag->count ? diag->entries[0].message : "";
}

TEST(reads_a_regular_file_whole)
{
	sc_diag diag = SC_DIAG_INIT;
	char *text;
	size_t len;
	CHECK_INT(test_write_file(path_in("key"), "secret-key\n"), 0);
	CHECK_INT(sc_file_read_regular(&text, &len, "API key file", path_in("key"), 4096,
	                               &diag),
	          0);
	CHECK_STR(text, "secret-key\n");
	CHECK_INT(len, 11);
	free(text);
	sc_diag_release(&diag);
}

TEST(follows_a_symlink_to_a_regular_file)
{
	/* A Kubernetes secret mount: key -> ..data/key -> ..2024_01_01/key. */
	sc_diag diag = SC_DIAG_INIT;
	char *text;
	size_t len;
	CHECK_INT(test_write_file(path_in("target"), "k"), 0);
	CHECK_INT(symlink(path_in("target"), path_in("link")), 0);
	CHECK_INT(sc_file_read_regular(&text, &len, NULL, path_in("link"), 16, &diag), 0);
	CHECK_STR(text, "k");
	free(text);
	sc_diag_release(&diag);
}

TEST(refuses_a_fifo_without_blocking)
{
	/* No writer ever opens it: a blocking open or read would hang this test. */
	sc_diag diag = SC_DIAG_INIT;
	char *text = (char *)1;
	size_t len = 7;
	CHECK_INT(mkfifo(path_in("fifo"), 0600), 0);
	CHECK_INT(sc_file_read_regular(&text, &len, "API key file", path_in("fifo"), 4096,
	                               &diag),
	          -1);
	CHECK(text == NULL);
	CHECK_INT(len, 0);
	CHECK_CONTAINS(first_message(&diag), "cannot read API key file '");
	CHECK_CONTAINS(first_message(&diag), "fifo': not a regular file (a FIFO)");
	sc_diag_release(&diag);
}

TEST(refuses_a_symlink_to_a_fifo)
{
	sc_diag diag = SC_DIAG_INIT;
	char *text;
	size_t len;
	CHECK_INT(symlink(path_in("fifo"), path_in("fifo-link")), 0);
	CHECK_INT(
	    sc_file_read_regular(&text, &len, NULL, path_in("fifo-link"), 4096, &diag),
	    -1);
	CHECK_CONTAINS(first_message(&diag), "not a regular file (a FIFO)");
	sc_diag_release(&diag);
}

TEST(refuses_a_directory_and_a_device)
{
	sc_diag diag = SC_DIAG_INIT;
	char *text;
	size_t len;
	CHECK_INT(sc_file_read_regular(&text, &len, NULL, dir, 4096, &diag), -1);
	CHECK_CONTAINS(first_message(&diag), "not a regular file (a directory)");
	sc_diag_release(&diag);
	CHECK_INT(sc_file_read_regular(&text, &len, NULL, "/dev/zero", 4096, &diag), -1);
	CHECK_CONTAINS(first_message(&diag),
	               "'/dev/zero': not a regular file (a character device)");
	sc_diag_release(&diag);
}

TEST(refuses_a_file_past_the_limit)
{
	sc_diag diag = SC_DIAG_INIT;
	char *text;
	size_t len;
	CHECK_INT(test_write_file(path_in("big"), "0123456789"), 0);
	CHECK_INT(sc_file_read_regular(&text, &len, NULL, path_in("big"), 9, &diag), -1);
	CHECK_CONTAINS(first_message(&diag), "big': larger than 9 bytes");
	sc_diag_release(&diag);
	CHECK_INT(sc_file_read_regular(&text, &len, NULL, path_in("big"), 10, &diag), 0);
	CHECK_INT(len, 10);
	free(text);
	sc_diag_release(&diag);
}

TEST(reads_a_regular_file_that_reports_no_size)
{
	/* /proc files are regular with st_size 0: read until the end all the same. */
	sc_diag diag = SC_DIAG_INIT;
	char *text;
	size_t len;
	CHECK_INT(
	    sc_file_read_regular(&text, &len, NULL, "/proc/self/status", 1 << 20, &diag),
	    0);
	CHECK(len > 0);
	CHECK_CONTAINS(text, "Name:");
	free(text);
	sc_diag_release(&diag);
}

TEST(names_a_missing_file)
{
	sc_diag diag = SC_DIAG_INIT;
	char *text;
	size_t len;
	CHECK_INT(
	    sc_file_read_regular(&text, &len, "spec file", path_in("none"), 10, &diag),
	    -1);
	CHECK_CONTAINS(first_message(&diag), "cannot read spec file '");
	CHECK_CONTAINS(first_message(&diag), "none': No such file or directory");
	sc_diag_release(&diag);
}

int main(void)
{
	dir = test_make_temp_dir("sc-file");
	RUN(reads_a_regular_file_whole);
	RUN(follows_a_symlink_to_a_regular_file);
	RUN(refuses_a_fifo_without_blocking);
	RUN(refuses_a_symlink_to_a_fifo);
	RUN(refuses_a_directory_and_a_device);
	RUN(refuses_a_file_past_the_limit);
	RUN(reads_a_regular_file_that_reports_no_size);
	RUN(names_a_missing_file);
	test_rmtree(dir);
	free(dir);
	return test_summary();
}
