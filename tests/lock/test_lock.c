/*
 * The run lock: a second run is refused or waits, a planted symbolic
 * link, FIFO, hard link or another user's file is refused without being
 * written, the holder's text is printed only sanitised, the default lock
 * lives in a private directory, and processes racing on it serialize.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "lock/lock.h"
#include "support/process.h"

static char *dir;

static char *path_in(const char *name)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

/* The diagnostics as one string (each entry's message, one a line). */
static char *messages(sc_diag *diag)
{
	static char text[8192];
	text[0] = '\0';
	for (size_t i = 0; i < diag->count; i++) {
		strncat(text, diag->entries[i].message, sizeof(text) - strlen(text) - 2);
		strcat(text, "\n");
	}
	return text;
}

static bool all_printable(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if ((*p < 0x20 && *p != '\n') || *p >= 0x7f)
			return false;
	}
	return true;
}

/* Holds path's flock on a file descriptor of its own, as another run would. */
static int hold(const char *path, const char *text)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
		return -1;
	if (text && write(fd, text, strlen(text)) < 0)
		return -1;
	return fd;
}

TEST(acquire_creates_a_private_file_with_the_holder_text)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock *lock = NULL;
	const char *path = path_in("a.lock");
	sc_lock_options options = {.holder = "pid 42 on test, since then"};
	struct stat st;

	CHECK_INT(sc_lock_acquire(&lock, path, &options, &diag), 0);
	CHECK(sc_lock_held(lock));
	CHECK_STR(sc_lock_where(lock), path);
	CHECK_INT(lstat(path, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_INT(st.st_mode & 0777, 0600);
	char *text = test_read_file(path);
	CHECK_STR(text, "pid 42 on test, since then\n");
	free(text);
	sc_lock_free(lock);
	CHECK_INT(access(path, F_OK), -1); /* removed on release */
	sc_diag_release(&diag);
}

TEST(a_held_lock_stops_a_second_taker_and_names_the_holder)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock *first = NULL, *second = NULL;
	const char *path = path_in("b.lock");
	sc_lock_options options = {.holder = "pid 7 on box, since 2026-01-01T00:00:00Z"};

	CHECK_INT(sc_lock_acquire(&first, path, &options, &diag), 0);
	CHECK_INT(sc_lock_acquire(&second, path, NULL, &diag), -1);
	CHECK(second == NULL);
	CHECK_CONTAINS(messages(&diag), "another sc-apply run holds the lock '");
	CHECK_CONTAINS(messages(&diag), "(pid 7 on box, since 2026-01-01T00:00:00Z)");
	sc_diag_release(&diag);
	/* Released, the next taker gets it. */
	CHECK_INT(sc_lock_release(first, &diag), 0);
	CHECK(!sc_lock_held(first));
	CHECK_INT(sc_lock_acquire(&second, path, NULL, &diag), 0);
	char *text = test_read_file(path);
	char expected[64];
	snprintf(expected, sizeof(expected), "pid %ld on ", (long)getpid());
	CHECK(text &&
	      !strncmp(text, expected, strlen(expected))); /* the default holder */
	CHECK_CONTAINS(text, ", since 20");
	free(text);
	sc_lock_free(second);
	sc_lock_free(first);
	sc_diag_release(&diag);
}

TEST(a_symlink_is_never_followed_nor_its_target_written)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock *lock = NULL;
	char target[4096], dangling[4096];

	snprintf(target, sizeof(target), "%s", path_in("precious"));
	snprintf(dangling, sizeof(dangling), "%s", path_in("would-be-created"));
	CHECK_INT(test_write_file(target, "precious content\n"), 0);
	CHECK_INT(symlink(target, path_in("link.lock")), 0);
	CHECK_INT(sc_lock_acquire(&lock, path_in("link.lock"), NULL, &diag), -1);
	CHECK_CONTAINS(messages(&diag), "is a symbolic link; refusing to follow it");
	char *text = test_read_file(target);
	CHECK_STR(text, "precious content\n");
	free(text);
	sc_diag_release(&diag);

	/* A dangling link does not create its target either. */
	CHECK_INT(symlink(dangling, path_in("dangling.lock")), 0);
	CHECK_INT(sc_lock_acquire(&lock, path_in("dangling.lock"), NULL, &diag), -1);
	CHECK_INT(access(dangling, F_OK), -1);
	sc_diag_release(&diag);
}

TEST(a_fifo_or_a_directory_is_refused)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock *lock = NULL;

	CHECK_INT(mkfifo(path_in("fifo.lock"), 0600), 0);
	CHECK_INT(sc_lock_acquire(&lock, path_in("fifo.lock"), NULL, &diag), -1);
	CHECK_CONTAINS(messages(&diag), "is not a regular file; refusing it");
	sc_diag_release(&diag);
	CHECK_INT(mkdir(path_in("dir.lock"), 0700), 0);
	CHECK_INT(sc_lock_acquire(&lock, path_in("dir.lock"), NULL, &diag), -1);
	CHECK_CONTAINS(messages(&diag), "is not a regular file; refusing it");
	sc_diag_release(&diag);
}

TEST(a_hard_link_is_refused_and_left_alone)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock *lock = NULL;

	char original[4096];

	snprintf(original, sizeof(original), "%s", path_in("original"));
	CHECK_INT(test_write_file(original, "keep me\n"), 0);
	CHECK_INT(link(original, path_in("hard.lock")), 0);
	CHECK_INT(sc_lock_acquire(&lock, path_in("hard.lock"), NULL, &diag), -1);
	CHECK_CONTAINS(messages(&diag), "has 2 hard links; refusing it");
	char *text = test_read_file(original);
	CHECK_STR(text, "keep me\n");
	free(text);
	sc_diag_release(&diag);
}

TEST(another_users_lock_file_is_refused_even_by_root)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock *lock = NULL;

	if (geteuid() != 0) {
		printf("  (skipped: only root can make a file another user owns)\n");
		return;
	}
	CHECK_INT(test_write_file(path_in("theirs.lock"), "theirs\n"), 0);
	CHECK_INT(chown(path_in("theirs.lock"), 65534, 65534), 0);
	CHECK_INT(sc_lock_acquire(&lock, path_in("theirs.lock"), NULL, &diag), -1);
	CHECK_CONTAINS(messages(&diag),
	               "is owned by uid 65534, not by this user (uid 0)");
	char *text = test_read_file(path_in("theirs.lock"));
	CHECK_STR(text, "theirs\n");
	free(text);
	sc_diag_release(&diag);
}

TEST(a_stale_file_is_replaced_not_truncated)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock *lock = NULL;
	sc_lock_options options = {.holder = "fresh"};

	/* Left by a run that died: ours, unlocked. The old inode keeps its bytes. */
	CHECK_INT(test_write_file(path_in("stale.lock"), "old holder text\n"), 0);
	int old = open(path_in("stale.lock"), O_RDONLY | O_CLOEXEC);
	CHECK(old >= 0);
	CHECK_INT(sc_lock_acquire(&lock, path_in("stale.lock"), &options, &diag), 0);
	char raw[64] = "";
	CHECK(pread(old, raw, sizeof(raw) - 1, 0) > 0);
	CHECK_STR(raw, "old holder text\n");
	char *text = test_read_file(path_in("stale.lock"));
	CHECK_STR(text, "fresh\n");
	free(text);
	close(old);
	sc_lock_free(lock);
	sc_diag_release(&diag);
}

TEST(the_holder_text_is_printed_sanitised_and_bounded)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock *lock = NULL;
	char hostile[1024] = "pid 1 \x1b[2J\x1b]0;owned\x07 \xe2\x80\xae\xc2\x9b";

	memset(hostile + strlen(hostile), 'x', 600);
	int fd = hold(path_in("hostile.lock"), hostile);
	CHECK(fd >= 0);
	CHECK_INT(sc_lock_acquire(&lock, path_in("hostile.lock"), NULL, &diag), -1);
	const char *text = messages(&diag);
	CHECK(all_printable(text));
	CHECK_CONTAINS(text, "(pid 1 ?[2J?]0;owned? ?????");
	CHECK_CONTAINS(text, "xxx...)");
	CHECK(strlen(text) < 400);
	close(fd);
	sc_diag_release(&diag);

	char *line = sc_lock_holder_printable("a\tb\nsecond line", 15);
	CHECK_STR(line, "a?b");
	free(line);
}

static bool stop_now(void *ctx)
{
	(void)ctx;
	return true;
}

static void count_wait(void *ctx, const char *where, const char *holder)
{
	(void)where;
	(*(int *)ctx)++;
	CHECK_STR(holder, "busy one");
}

TEST(a_waiting_taker_gets_the_lock_once_it_is_free_or_gives_up)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock *lock = NULL;
	int waits = 0;
	sc_lock_options options = {
	    .wait_ms = 60000, .on_wait = count_wait, .ctx = &waits};

	/* A child holds it for a moment; the wait ends when it exits. */
	int ready[2];
	CHECK_INT(pipe(ready), 0);
	pid_t child = fork();
	if (child == 0) {
		int fd = hold(path_in("wait.lock"), "busy one\n");
		if (write(ready[1], "x", 1) < 0 || fd < 0)
			_exit(1);
		usleep(300 * 1000);
		_exit(0);
	}
	char byte;
	CHECK_INT(read(ready[0], &byte, 1), 1);
	CHECK_INT(sc_lock_acquire(&lock, path_in("wait.lock"), &options, &diag), 0);
	CHECK(sc_lock_held(lock));
	CHECK(waits <= 1);
	int status = -1;
	waitpid(child, &status, 0);
	CHECK_INT(status, 0);
	sc_lock_free(lock);
	close(ready[0]);
	close(ready[1]);

	/* Held for good: a bounded wait ends with an error that says so. */
	int fd = hold(path_in("wait.lock"), "busy one\n");
	options.wait_ms = 250;
	waits = 0;
	CHECK_INT(sc_lock_acquire(&lock, path_in("wait.lock"), &options, &diag), -1);
	CHECK_INT(waits, 1);
	CHECK_CONTAINS(messages(&diag), "still holds the lock '");
	CHECK_CONTAINS(messages(&diag), "(busy one) after waiting");
	sc_diag_release(&diag);

	/* A stop (the agent's SIGTERM) ends the wait at once. */
	options = (sc_lock_options){.wait_ms = 600000, .should_stop = stop_now};
	CHECK_INT(sc_lock_acquire(&lock, path_in("wait.lock"), &options, &diag), -1);
	CHECK_CONTAINS(messages(&diag), "stopped while waiting for the lock");
	close(fd);
	sc_diag_release(&diag);
}

TEST(schemes_choose_a_backend)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock *lock = NULL;

	/* etcd:// is the etcd backend's: here, a member that is not there. */
	CHECK_INT(sc_lock_acquire(&lock, "etcd://127.0.0.1:1/sc-apply/team", NULL, &diag), -1);
	CHECK_CONTAINS(messages(&diag), "etcd /v3/lease/grant: http://127.0.0.1:1: ");
	sc_diag_release(&diag);
	CHECK_INT(sc_lock_acquire(&lock, "ftp://host/x", NULL, &diag), -1);
	CHECK_CONTAINS(messages(&diag), "unknown scheme 'ftp'");
	sc_diag_release(&diag);
	CHECK_INT(sc_lock_acquire(&lock, "", NULL, &diag), -1);
	sc_diag_release(&diag);
}

/* A runtime directory as the spec wants it: ours, 0700. */
static char *runtime_dir(const char *name, mode_t mode)
{
	char *path = strdup(path_in(name));
	mkdir(path, 0700);
	chmod(path, mode);
	return path;
}

TEST(the_default_lock_is_in_the_private_runtime_directory)
{
	sc_diag diag = SC_DIAG_INIT;
	char *runtime = runtime_dir("run-user", 0700);
	char *out = NULL;
	char expected[4200];
	struct stat st;

	CHECK_INT(sc_lock_default_path_from(&out, "team-ml", runtime, dir, &diag), 0);
	snprintf(expected, sizeof(expected), "%s/sc-apply/team-ml.lock", runtime);
	CHECK_STR(out, expected);
	snprintf(expected, sizeof(expected), "%s/sc-apply", runtime);
	CHECK_INT(lstat(expected, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0700);
	free(out);

	/* A name that is not one file name stays one. */
	CHECK_INT(sc_lock_default_path_from(&out, "../x/y.z", runtime, dir, &diag), 0);
	snprintf(expected, sizeof(expected), "%s/sc-apply/%%2E%%2E%%2Fx%%2Fy%%2Ez.lock",
	         runtime);
	CHECK_STR(out, expected);
	free(out);
	CHECK_INT(sc_lock_default_path_from(&out, "", runtime, dir, &diag), -1);
	sc_diag_release(&diag);

	/* A tight umask leaves the new directory usable, still private. */
	char *tight = runtime_dir("run-tight", 0700);
	sc_lock *lock = NULL;
	mode_t saved = umask(0277);
	CHECK_INT(sc_lock_default_path_from(&out, "s", tight, dir, &diag), 0);
	umask(saved);
	snprintf(expected, sizeof(expected), "%s/sc-apply", tight);
	CHECK_INT(lstat(expected, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0700);
	CHECK_INT(sc_lock_acquire(&lock, out, NULL, &diag), 0);
	sc_lock_free(lock);
	free(out);
	free(tight);
	sc_diag_release(&diag);
	free(runtime);
}

TEST(an_untrusted_runtime_directory_falls_back)
{
	sc_diag diag = SC_DIAG_INIT;
	char *open_dir = runtime_dir("run-open", 0755);
	char *base = runtime_dir("fallback", 0755);
	char *out = NULL;
	char expected[4200];

	if (geteuid() == 0)
		snprintf(expected, sizeof(expected), "%s/sc-apply/s.lock", base);
	else
		snprintf(expected, sizeof(expected), "%s/sc-apply-%lu/s.lock", base,
		         (unsigned long)geteuid());
	/* Mode 0755, a link to a good one, relative, unset: all the fallback. */
	CHECK_INT(sc_lock_default_path_from(&out, "s", open_dir, base, &diag), 0);
	CHECK_STR(out, expected);
	free(out);
	char *good = runtime_dir("run-good", 0700);
	CHECK_INT(symlink(good, path_in("run-link")), 0);
	CHECK_INT(sc_lock_default_path_from(&out, "s", path_in("run-link"), base, &diag),
	          0);
	CHECK_STR(out, expected);
	free(out);
	CHECK_INT(sc_lock_default_path_from(&out, "s", "relative/dir", base, &diag), 0);
	CHECK_STR(out, expected);
	free(out);
	CHECK_INT(sc_lock_default_path_from(&out, "s", NULL, base, &diag), 0);
	CHECK_STR(out, expected);
	free(out);
	CHECK_INT(diag.count, 0);
	free(good);
	free(open_dir);
	free(base);
}

TEST(a_planted_fallback_directory_is_refused)
{
	sc_diag diag = SC_DIAG_INIT;
	char *base = runtime_dir("planted", 0755);
	char *out = NULL;
	char sub[4200];

	if (geteuid() == 0)
		snprintf(sub, sizeof(sub), "%s/sc-apply", base);
	else
		snprintf(sub, sizeof(sub), "%s/sc-apply-%lu", base,
		         (unsigned long)geteuid());
	/* A link planted where the directory goes. */
	CHECK_INT(symlink(path_in("elsewhere"), sub), 0);
	CHECK_INT(sc_lock_default_path_from(&out, "s", NULL, base, &diag), -1);
	CHECK(out == NULL);
	CHECK_CONTAINS(messages(&diag),
	               "is not a directory (a link or a file); refusing it");
	CHECK_INT(access(path_in("elsewhere"), F_OK), -1);
	sc_diag_release(&diag);
	unlink(sub);

	/* A directory others can write. */
	CHECK_INT(mkdir(sub, 0777), 0);
	CHECK_INT(chmod(sub, 0777), 0);
	CHECK_INT(sc_lock_default_path_from(&out, "s", NULL, base, &diag), -1);
	CHECK_CONTAINS(messages(&diag), "has mode 0777: others can use it; refusing it");
	sc_diag_release(&diag);

	/* Another user's directory (root can make one). */
	if (geteuid() == 0) {
		CHECK_INT(chmod(sub, 0700), 0);
		CHECK_INT(chown(sub, 65534, 65534), 0);
		CHECK_INT(sc_lock_default_path_from(&out, "s", NULL, base, &diag), -1);
		CHECK_CONTAINS(messages(&diag),
		               "is owned by uid 65534, not by this user");
		sc_diag_release(&diag);
	}
	free(base);
}

/* One racer: takes the set's default lock rounds times, logging enter and leave. */
static int race(const char *runtime, const char *log, int rounds)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock_options options = {.wait_ms = 120000};
	char *path = NULL;

	for (int i = 0; i < rounds; i++) {
		sc_lock *lock = NULL;
		if (sc_lock_default_path_from(&path, "race-set", runtime, dir, &diag) ||
		    sc_lock_acquire(&lock, path, &options, &diag))
			return 1;
		free(path);
		int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		char line[32];
		int len = snprintf(line, sizeof(line), "+%ld\n", (long)getpid());
		if (fd < 0 || write(fd, line, (size_t)len) != len)
			return 1;
		usleep(20 * 1000); /* widens the window a second holder would use */
		line[0] = '-';
		if (write(fd, line, (size_t)len) != len)
			return 1;
		close(fd);
		sc_lock_free(lock);
	}
	sc_diag_release(&diag);
	return 0;
}

/* Every enter in the log is followed by the same process's leave: no overlap. */
static int serialized_pairs(const char *log)
{
	char *text = test_read_file(log);
	char *save = NULL;
	int pairs = 0;

	if (!text)
		return 0;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *leave = strtok_r(NULL, "\n", &save);
		if (line[0] != '+' || !leave || leave[0] != '-' ||
		    strcmp(line + 1, leave + 1)) {
			TEST_FAILURE("overlap at \"%s\" then \"%s\"", line,
			             leave ? leave : "");
			break;
		}
		pairs++;
	}
	free(text);
	return pairs;
}

TEST(processes_racing_on_the_default_lock_serialize)
{
	enum { RACERS = 4, ROUNDS = 6 };
	char *runtime = runtime_dir("run-race", 0700);
	char log[4200];
	pid_t pids[RACERS];

	snprintf(log, sizeof(log), "%s/race.log", dir);
	for (int i = 0; i < RACERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(race(runtime, log, ROUNDS));
	}
	for (int i = 0; i < RACERS; i++) {
		int status = -1;
		CHECK_INT(waitpid(pids[i], &status, 0), pids[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	CHECK_INT(serialized_pairs(log), RACERS * ROUNDS);
	free(runtime);
}

/* One racer over two sets, named in the order given: logs enter and leave. */
static int race_sets(const char *first, const char *second, const char *log, int rounds)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock_options options = {.wait_ms = 20000};
	const char *sets[] = {first, second};

	for (int i = 0; i < rounds; i++) {
		sc_lock_list locks = SC_LOCK_LIST_INIT;
		if (sc_lock_acquire_sets(&locks, sets, 2, &options, &diag) ||
		    locks.count != 2)
			return 1;
		int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		char line[32];
		int len = snprintf(line, sizeof(line), "+%ld\n", (long)getpid());
		if (fd < 0 || write(fd, line, (size_t)len) != len)
			return 1;
		usleep(10 * 1000);
		line[0] = '-';
		if (write(fd, line, (size_t)len) != len)
			return 1;
		close(fd);
		sc_lock_list_release(&locks);
	}
	sc_diag_release(&diag);
	return 0;
}

/* While waiting for one set's lock, whether the run holds set-b's too. */
static void probe_set_b(void *ctx, const char *where, const char *holder)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_lock *probe = NULL;
	char *path = NULL;
	(void)where, (void)holder;

	sc_lock_default_path(&path, "set-b", &diag);
	*(int *)ctx = sc_lock_acquire(&probe, path, NULL, &diag) ? 1 : 0;
	sc_lock_free(probe);
	free(path);
	sc_diag_release(&diag);
}

TEST(runs_over_overlapping_sets_take_them_in_one_order)
{
	enum { ROUNDS = 10 };
	char *runtime = runtime_dir("run-sets", 0700);
	char log[4200];
	pid_t pids[2];

	/* Named in opposite orders, the two never hold one each and wait. */
	setenv("XDG_RUNTIME_DIR", runtime, 1);
	snprintf(log, sizeof(log), "%s/sets.log", dir);
	pids[0] = fork();
	if (pids[0] == 0)
		_exit(race_sets("set-a", "set-b", log, ROUNDS));
	pids[1] = fork();
	if (pids[1] == 0)
		_exit(race_sets("set-b", "set-a", log, ROUNDS));
	for (int i = 0; i < 2; i++) {
		int status = -1;
		CHECK_INT(waitpid(pids[i], &status, 0), pids[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	CHECK_INT(serialized_pairs(log), 2 * ROUNDS);

	/* Named b then a, with a held elsewhere: it waits for a holding nothing. */
	sc_diag diag_order = SC_DIAG_INIT;
	sc_lock_list order = SC_LOCK_LIST_INIT;
	char *a_held_path = NULL;
	sc_lock *a_held = NULL;
	int b_held_while_waiting = -1;
	sc_lock_options wait = {
	    .wait_ms = 200, .on_wait = probe_set_b, .ctx = &b_held_while_waiting};
	const char *b_then_a[] = {"set-b", "set-a"};
	CHECK_INT(sc_lock_default_path(&a_held_path, "set-a", &diag_order), 0);
	CHECK_INT(sc_lock_acquire(&a_held, a_held_path, NULL, &diag_order), 0);
	CHECK_INT(sc_lock_acquire_sets(&order, b_then_a, 2, &wait, &diag_order), -1);
	CHECK_INT(b_held_while_waiting, 0);
	sc_lock_free(a_held);
	free(a_held_path);
	sc_diag_release(&diag_order);

	/* A set named twice is locked once (not waited for by its own run). */
	sc_lock_list twice = SC_LOCK_LIST_INIT;
	sc_diag diag_twice = SC_DIAG_INIT;
	const char *same[] = {"set-a", "set-a"};
	CHECK_INT(sc_lock_acquire_sets(&twice, same, 2, NULL, &diag_twice), 0);
	CHECK_INT(twice.count, 1);
	sc_lock_list_release(&twice);
	sc_diag_release(&diag_twice);

	/* All or nothing: a held second set gives the first back. */
	sc_diag diag = SC_DIAG_INIT;
	sc_lock_list locks = SC_LOCK_LIST_INIT;
	char *held_path = NULL;
	sc_lock *held = NULL;
	CHECK_INT(sc_lock_default_path(&held_path, "set-b", &diag), 0);
	CHECK_INT(sc_lock_acquire(&held, held_path, NULL, &diag), 0);
	const char *both[] = {"set-a", "set-b"};
	CHECK_INT(sc_lock_acquire_sets(&locks, both, 2, NULL, &diag), -1);
	CHECK_INT(locks.count, 0);
	CHECK_CONTAINS(messages(&diag), "set-b.lock");
	sc_diag_release(&diag);
	sc_lock *a = NULL;
	char *a_path = NULL;
	CHECK_INT(sc_lock_default_path(&a_path, "set-a", &diag), 0);
	CHECK_INT(sc_lock_acquire(&a, a_path, NULL, &diag), 0); /* set-a was given back */
	sc_lock_free(a);
	sc_lock_free(held);
	free(a_path);
	free(held_path);
	sc_diag_release(&diag);
	unsetenv("XDG_RUNTIME_DIR");
	free(runtime);
}

int main(void)
{
	dir = test_make_temp_dir("sc-lock-test");
	if (!dir)
		return 1;
	RUN(acquire_creates_a_private_file_with_the_holder_text);
	RUN(a_held_lock_stops_a_second_taker_and_names_the_holder);
	RUN(a_symlink_is_never_followed_nor_its_target_written);
	RUN(a_fifo_or_a_directory_is_refused);
	RUN(a_hard_link_is_refused_and_left_alone);
	RUN(another_users_lock_file_is_refused_even_by_root);
	RUN(a_stale_file_is_replaced_not_truncated);
	RUN(the_holder_text_is_printed_sanitised_and_bounded);
	RUN(a_waiting_taker_gets_the_lock_once_it_is_free_or_gives_up);
	RUN(schemes_choose_a_backend);
	RUN(the_default_lock_is_in_the_private_runtime_directory);
	RUN(an_untrusted_runtime_directory_falls_back);
	RUN(a_planted_fallback_directory_is_refused);
	RUN(processes_racing_on_the_default_lock_serialize);
	RUN(runs_over_overlapping_sets_take_them_in_one_order);
	test_rmtree(dir);
	free(dir);
	return test_summary();
}
