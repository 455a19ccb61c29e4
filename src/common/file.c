#include "common/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/scrub.h"

const char *sc_file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/* A buffer of size bytes holding the first len bytes of data; data is wiped and freed. */
static char *grow(char *data, size_t len, size_t size)
{
	char *bigger = sc_malloc(size);
	if (len)
		memcpy(bigger, data, len);
	sc_wipe_free(data, len);
	return bigger;
}

/* Reads all of fd, at most max_bytes; -1 with errno, or -2 when there is more. */
static int read_all(int fd, size_t size_hint, size_t max_bytes, char **out, size_t *len)
{
	size_t size = (size_hint < max_bytes ? size_hint : max_bytes) + 1;
	char *data = sc_malloc(size);
	size_t used = 0;

	for (;;) {
		if (used + 1 >= size && size <= max_bytes) {
			size_t next = size * 2 > max_bytes + 1 ? max_bytes + 1 : size * 2;
			data = grow(data, used, next);
			size = next;
		}
		if (used + 1 >= size) {
			/* At the limit: one more byte means the file is too large. */
			char extra;
			ssize_t got = read(fd, &extra, 1);
			if (got == 0)
				break;
			sc_wipe_free(data, used);
			return got < 0 ? -1 : -2;
		}
		ssize_t got = read(fd, data + used, size - 1 - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = errno;
			sc_wipe_free(data, used);
			errno = err;
			return -1;
		}
		if (got == 0)
			break;
		used += (size_t)got;
	}
	data[used] = '\0';
	*out = data;
	*len = used;
	return 0;
}

/* "cannot read [what ]'path': reason". */
static int fail(sc_diag *diag, const char *what, const char *path, const char *reason)
{
	return sc_diag_error(diag, NULL, 0, 0, "cannot read %s%s'%s': %s",
	                     what ? what : "", what ? " " : "", path, reason);
}

static int fail_too_large(sc_diag *diag, const char *what, const char *path, size_t max)
{
	char reason[64];
	snprintf(reason, sizeof(reason), "larger than %zu bytes", max);
	return fail(diag, what, path, reason);
}

int sc_file_read_regular(char **out, size_t *len, const char *what, const char *path,
                         size_t max_bytes, sc_diag *diag)
{
	struct stat st;
	char reason[64];
	int fd, rc, err;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return fail(diag, what, path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		err = errno;
		close(fd);
		return fail(diag, what, path, strerror(err));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(reason, sizeof(reason), "not a regular file (%s)",
		         sc_file_kind(st.st_mode));
		return fail(diag, what, path, reason);
	}
	if ((unsigned long long)st.st_size > max_bytes) {
		close(fd);
		return fail_too_large(diag, what, path, max_bytes);
	}
	/* A regular file never blocks; clear the flag all the same. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	rc = read_all(fd, (size_t)st.st_size, max_bytes, out, len);
	err = errno;
	close(fd);
	if (rc == -2)
		return fail_too_large(diag, what, path, max_bytes);
	if (rc < 0)
		return fail(diag, what, path, strerror(err));
	return 0;
}
