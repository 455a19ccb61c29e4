/*
 * Where a set's lock lives when no --lock is given: a directory of this
 * user's that no one else can write, so that no co-tenant can plant,
 * read-protect or remove the lock files in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/mem.h"
#include "lock/lock.h"

/* A set name longer than this (encoded) cannot be one file name. */
#define SC_LOCK_NAME_MAX 200

/* XDG_RUNTIME_DIR counts only as the spec says: ours, mode 0700, a real directory. */
static bool usable_runtime_dir(const char *dir)
{
	struct stat st;

	if (!dir || dir[0] != '/' || lstat(dir, &st) < 0)
		return false;
	return S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	       (st.st_mode & 07777) == 0700;
}

/* Creates dir 0700 when missing; it must be a directory of ours no one else can write. */
static int private_dir(const char *dir, sc_diag *diag)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0) {
		/* A umask such as 0277 must not leave it unwritable: it is ours, new. */
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			(void)fchmod(fd, 0700); /* lstat below checks the outcome */
			close(fd);
		}
	} else if (errno != EEXIST) {
		return sc_diag_error(diag, NULL, 0, 0,
		                     "cannot create lock directory '%s': %s", dir,
		                     strerror(errno));
	}
	if (lstat(dir, &st) < 0)
		return sc_diag_error(diag, NULL, 0, 0,
		                     "cannot stat lock directory '%s': %s", dir,
		                     strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return sc_diag_error(
		    diag, NULL, 0, 0,
		    "lock directory '%s' is not a directory (a link or a file); "
		    "refusing it",
		    dir);
	if (st.st_uid != geteuid())
		return sc_diag_error(
		    diag, NULL, 0, 0,
		    "lock directory '%s' is owned by uid %lu, not by this user "
		    "(uid %lu); refusing it",
		    dir, (unsigned long)st.st_uid, (unsigned long)geteuid());
	if (st.st_mode & 0077)
		return sc_diag_error(
		    diag, NULL, 0, 0,
		    "lock directory '%s' has mode %04o: others can use it; "
		    "refusing it (it must be 0700)",
		    dir, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* set as one file name: [a-z0-9_-] as is, any other byte as %XX. */
static int encode_set(sc_buf *out, const char *set, sc_diag *diag)
{
	if (!set || !*set)
		return sc_diag_error(diag, NULL, 0, 0,
		                     "lock: no set to name the lock after");
	for (const unsigned char *p = (const unsigned char *)set; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '_')
			sc_buf_putc(out, (char)*p);
		else
			sc_buf_printf(out, "%%%02X", *p);
	}
	if (out->len > SC_LOCK_NAME_MAX)
		return sc_diag_error(diag, NULL, 0, 0,
		                     "lock: set name is too long for a file name");
	return 0;
}

int sc_lock_default_path_from(char **out, const char *set, const char *runtime_dir,
                              const char *fallback_base, sc_diag *diag)
{
	sc_buf name = SC_BUF_INIT;
	char *dir;

	*out = NULL;
	if (encode_set(&name, set, diag)) {
		sc_buf_release(&name);
		return -1;
	}
	if (usable_runtime_dir(runtime_dir))
		dir = sc_asprintf("%s/sc-apply", runtime_dir);
	else if (geteuid() == 0)
		dir = sc_asprintf("%s/sc-apply", fallback_base);
	else
		dir = sc_asprintf("%s/sc-apply-%lu", fallback_base,
		                  (unsigned long)geteuid());
	int result = private_dir(dir, diag);
	if (!result)
		*out = sc_asprintf("%s/%s.lock", dir, sc_buf_cstr(&name));
	free(dir);
	sc_buf_release(&name);
	return result;
}

/*
 * Without XDG_RUNTIME_DIR (cron, sudo, ssh with a command), the session
 * directory that a login shell of the same user names: while the user has
 * a session, both take the same lock.
 */
int sc_lock_default_path(char **out, const char *set, sc_diag *diag)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char *session = sc_asprintf("/run/user/%lu", (unsigned long)geteuid());
	int result =
	    sc_lock_default_path_from(out, set, usable_runtime_dir(xdg) ? xdg : session,
	                              geteuid() == 0 ? "/run" : "/tmp", diag);
	free(session);
	return result;
}
