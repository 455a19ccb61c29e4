/* The run's lock file (--lock): two runs holding the same file never overlap. */
#include "reconcile/reconcile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int sc_reconcile_lock(sc_reconcile *run)
{
	const char *path = run->config->lock_path;

	if (!path)
		return 0;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return sc_diag_error(&run->diag, NULL, 0, 0, "cannot open lock file '%s': %s",
		                     path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;
		char holder[32] = "";
		ssize_t got = pread(fd, holder, sizeof(holder) - 1, 0);
		holder[got > 0 ? got : 0] = '\0';
		holder[strcspn(holder, "\n")] = '\0';
		close(fd);
		if (err == EWOULDBLOCK)
			return sc_diag_error(&run->diag, NULL, 0, 0,
			                     "another sc-apply run holds the lock '%s'%s%s%s; "
			                     "not running",
			                     path, *holder ? " (pid " : "", holder, *holder ? ")" : "");
		return sc_diag_error(&run->diag, NULL, 0, 0, "cannot lock '%s': %s", path,
		                     strerror(err));
	}
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)len, 0) < 0) {
		/* The pid is a courtesy for the next run's message; the lock holds. */
	}
	run->lock_fd = fd;
	return 0;
}
