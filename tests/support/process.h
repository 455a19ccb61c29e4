/*
 * Child processes for integration tests: start a real binary, capture its
 * output to files, stop it. Only processes a test started are ever
 * signalled.
 */
#ifndef SC_TEST_PROCESS_H
#define SC_TEST_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct test_process {
	pid_t pid;          /* 0 once reaped */
	int exit_status;    /* the exit code, or 128 + signal */
} test_process;

/*
 * Starts argv[0] with argv (NULL-terminated) and envp additions
 * ("NAME=value", NULL-terminated, may be NULL), stdin from stdin_path
 * (or /dev/null), stdout and stderr to the given files (or /dev/null).
 */
int test_process_start(test_process *out, const char *const *argv,
                       const char *const *env, const char *stdin_path,
                       const char *stdout_path, const char *stderr_path);
/*
 * Like test_process_start, but under the command prefix in the
 * environment variable SC_TEST_WRAP when set (e.g. "valgrind -q
 * --error-exitcode=99 --leak-check=full"): how the suite runs the real
 * binaries under valgrind. Used for sc-apply and sc-sandboxd.
 */
int test_process_start_wrapped(test_process *out, const char *const *argv,
                               const char *const *env, const char *stdin_path,
                               const char *stdout_path, const char *stderr_path);
/* Waits up to timeout_ms for it to end; -1 on timeout. */
int test_process_wait(test_process *process, int timeout_ms);
/* Sends sig, then waits up to timeout_ms; SIGKILL after that. */
int test_process_stop(test_process *process, int sig, int timeout_ms);

/* Reads a whole file into a malloc'd NUL-terminated string, or NULL. */
char *test_read_file(const char *path);
/* Writes text to path; 0 on success. */
int test_write_file(const char *path, const char *text);
/* A fresh directory under $TMPDIR (or /tmp), malloc'd; removed by test_rmtree. */
char *test_make_temp_dir(const char *prefix);
void test_rmtree(const char *path);

#endif
