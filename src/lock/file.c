/*
 * The file backend: an flock(2) on a lock file of this user's.
 *
 * The lock file may sit in a directory others can write (/tmp, a shared
 * checkout), so it is never trusted by name: it is created with O_EXCL
 * (never through a symbolic link), an existing one is opened read-only
 * with O_NOFOLLOW and checked by its descriptor (a regular file, owned by
 * this euid, one link), and the holder's text is written only into a
 * file this run created. A file left by a run that died is replaced, not
 * truncated; a held file is removed on release. After the flock, the name
 * must still lead to the locked file: a waiter that locked a file the
 * holder has just removed tries again on the new one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mem.h"
#include "lock/private/backend.h"

/* Attempts before giving up on a lock file that keeps being replaced. */
#define SC_LOCK_FILE_TRIES 32

enum { RETRY = 2 };

/* Opens or creates the lock file; RETRY when it vanished between the two opens. */
static int open_lock_file(const char *path, bool *created, sc_diag *diag)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
	              0600);
	if (fd >= 0) {
		*created = true;
		return fd;
	}
	if (errno != EEXIST)
		return sc_diag_error(diag, NULL, 0, 0, "cannot create lock file '%s': %s",
		                     path, strerror(errno));
	*created = false;
	/* Read-only: a file this run did not create is never written. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		return -RETRY;
	if (errno == ELOOP)
		return sc_diag_error(
		    diag, NULL, 0, 0,
		    "lock file '%s' is a symbolic link; refusing to follow it", path);
	return sc_diag_error(diag, NULL, 0, 0, "cannot open lock file '%s': %s", path,
	                     strerror(errno));
}

/* A lock file must be a regular file of this euid's with no other name. */
static int check_lock_file(const char *path, const struct stat *st, sc_diag *diag)
{
	uid_t euid = geteuid();

	if (!S_ISREG(st->st_mode))
		return sc_diag_error(diag, NULL, 0, 0,
		                     "lock file '%s' is not a regular file; refusing it",
		                     path);
	if (st->st_uid != euid)
		return sc_diag_error(
		    diag, NULL, 0, 0,
		    "lock file '%s' is owned by uid %lu, not by this user "
		    "(uid %lu); refusing it",
		    path, (unsigned long)st->st_uid, (unsigned long)euid);
	if (st->st_nlink > 1)
		return sc_diag_error(diag, NULL, 0, 0,
		                     "lock file '%s' has %lu hard links; refusing it",
		                     path, (unsigned long)st->st_nlink);
	return 0;
}

/* The holder's text, printable, from the file another run holds. */
static char *read_holder(int fd)
{
	char raw[512];
	ssize_t got = pread(fd, raw, sizeof(raw), 0);
	return sc_lock_holder_printable(raw, got > 0 ? (size_t)got : 0);
}

/* Whether path still names the file st describes. */
static bool still_named(const char *path, const struct stat *st)
{
	struct stat now;
	return lstat(path, &now) == 0 && now.st_dev == st->st_dev &&
	       now.st_ino == st->st_ino;
}

static int try_once(sc_lock *lock, const char *holder_text, char **holder, sc_diag *diag)
{
	const char *path = lock->where;
	bool created = false;
	struct stat st;

	int fd = open_lock_file(path, &created, diag);
	if (fd == -RETRY)
		return RETRY;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		int err = errno;
		close(fd);
		return sc_diag_error(diag, NULL, 0, 0, "cannot stat lock file '%s': %s",
		                     path, strerror(err));
	}
	if (check_lock_file(path, &st, diag)) {
		close(fd);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;
		if (err == EWOULDBLOCK)
			*holder = read_holder(fd);
		close(fd);
		if (err == EWOULDBLOCK)
			return SC_LOCK_BUSY;
		return sc_diag_error(diag, NULL, 0, 0, "cannot lock '%s': %s", path,
		                     strerror(err));
	}
	if (st.st_nlink == 0 || !still_named(path, &st)) {
		close(fd); /* the holder removed it on release: the new one is the lock */
		return RETRY;
	}
	if (!created) {
		/* Left by a run that died: replace it with a file of this run's own. */
		unlink(path);
		close(fd);
		return RETRY;
	}
	size_t len = strlen(holder_text);
	char *line = sc_asprintf("%s\n", holder_text);
	if (pwrite(fd, line, len + 1, 0) < 0) {
		/* The text is a courtesy for the next run's message; the lock holds. */
	}
	free(line);
	lock->fd = fd;
	lock->dev = st.st_dev;
	lock->ino = st.st_ino;
	return SC_LOCK_TAKEN;
}

static int file_try_acquire(sc_lock *lock, const char *holder_text, char **holder,
                            sc_diag *diag)
{
	for (int i = 0; i < SC_LOCK_FILE_TRIES; i++) {
		int result = try_once(lock, holder_text, holder, diag);
		if (result != RETRY)
			return result;
	}
	return sc_diag_error(diag, NULL, 0, 0,
	                     "lock file '%s' keeps being replaced; not running",
	                     lock->where);
}

static int file_release(sc_lock *lock, sc_diag *diag)
{
	struct stat st = {.st_dev = lock->dev, .st_ino = lock->ino};
	(void)diag;

	/* Removed while still held, so that no one takes a file about to vanish. */
	if (still_named(lock->where, &st))
		unlink(lock->where);
	close(lock->fd); /* releases the flock */
	lock->fd = -1;
	return 0;
}

const sc_lock_backend sc_lock_file_backend = {
    .name = "file",
    .try_acquire = file_try_acquire,
    .release = file_release,
    .poll_ms = 100,
};
