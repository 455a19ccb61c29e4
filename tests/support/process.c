#include "support/process.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void redirect(const char *path, int fd, int flags)
{
	int opened = open(path ? path : "/dev/null", flags, 0644);
	if (opened < 0)
		_exit(126);
	dup2(opened, fd);
	close(opened);
}

int test_process_start(test_process *out, const char *const *argv,
                       const char *const *env, const char *stdin_path,
                       const char *stdout_path, const char *stderr_path)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* A test that crashes must not leave its servers running. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		redirect(stdin_path, 0, O_RDONLY);
		redirect(stdout_path, 1, O_WRONLY | O_CREAT | O_TRUNC);
		redirect(stderr_path, 2, O_WRONLY | O_CREAT | O_TRUNC);
		for (; env && *env; env++)
			putenv((char *)*env);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	out->pid = pid;
	out->exit_status = -1;
	return 0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int test_process_wait(test_process *process, int timeout_ms)
{
	int status;

	if (!process->pid)
		return 0;
	for (int waited = 0;; waited += 5) {
		pid_t got = waitpid(process->pid, &status, WNOHANG);
		if (got == process->pid)
			break;
		if (got < 0 && errno != EINTR)
			return -1;
		if (waited >= timeout_ms)
			return -1;
		sleep_ms(5);
	}
	process->pid = 0;
	process->exit_status = WIFEXITED(status) ? WEXITSTATUS(status)
	                                         : 128 + WTERMSIG(status);
	return 0;
}

int test_process_stop(test_process *process, int sig, int timeout_ms)
{
	if (!process->pid)
		return 0;
	kill(process->pid, sig);
	if (test_process_wait(process, timeout_ms) == 0)
		return 0;
	kill(process->pid, SIGKILL);
	test_process_wait(process, 10000);
	return -1;
}

char *test_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t len = 0, alloc = 4096;
	char *data = malloc(alloc);
	size_t got;
	while ((got = fread(data + len, 1, alloc - len - 1, f)) > 0) {
		len += got;
		if (alloc - len - 1 == 0)
			data = realloc(data, alloc *= 2);
	}
	fclose(f);
	data[len] = '\0';
	return data;
}

int test_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t len = strlen(text);
	int ok = fwrite(text, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

char *test_make_temp_dir(const char *prefix)
{
	const char *base = getenv("TMPDIR");
	char *path = malloc(4096);
	snprintf(path, 4096, "%s/%s-XXXXXX", base && *base ? base : "/tmp", prefix);
	if (!mkdtemp(path)) {
		free(path);
		return NULL;
	}
	return path;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

void test_rmtree(const char *path)
{
	if (path)
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int test_process_start_wrapped(test_process *out, const char *const *argv,
                               const char *const *env, const char *stdin_path,
                               const char *stdout_path, const char *stderr_path)
{
	const char *wrap = getenv("SC_TEST_WRAP");
	const char *full[128];
	char words[1024];
	int count = 0;

	if (!wrap || !*wrap)
		return test_process_start(out, argv, env, stdin_path, stdout_path, stderr_path);
	snprintf(words, sizeof(words), "%s", wrap);
	for (char *save = NULL, *word = strtok_r(words, " ", &save); word && count < 64;
	     word = strtok_r(NULL, " ", &save))
		full[count++] = word;
	/* execv needs a path: resolve the wrapper's first word through PATH. */
	char resolved[4096];
	if (!strchr(full[0], '/')) {
		const char *path = getenv("PATH");
		char dirs[4096];
		snprintf(dirs, sizeof(dirs), "%s", path ? path : "/usr/bin:/bin");
		for (char *save = NULL, *dir = strtok_r(dirs, ":", &save); dir;
		     dir = strtok_r(NULL, ":", &save)) {
			snprintf(resolved, sizeof(resolved), "%s/%s", dir, full[0]);
			if (access(resolved, X_OK) == 0) {
				full[0] = resolved;
				break;
			}
		}
	}
	for (; *argv && count < 127; argv++)
		full[count++] = *argv;
	full[count] = NULL;
	return test_process_start(out, full, env, stdin_path, stdout_path, stderr_path);
}
