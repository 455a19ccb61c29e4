#include "spec/private/input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/file.h"
#include "common/mem.h"

/* Reports why name (in dirfd) could not be opened or looked at. */
static int open_error(int dirfd, const char *name, const char *shown, int err,
                      sc_diag *diag)
{
	struct stat link;

	if (err == ENOENT && fstatat(dirfd, name, &link, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(link.st_mode))
		return sc_diag_error(diag, shown, 0, 0,
		                     "cannot open: %s (a dangling symbolic link)",
		                     strerror(err));
	return sc_diag_error(diag, shown, 0, 0, "cannot open: %s", strerror(err));
}

/*
 * Opens name (relative to dirfd, following symbolic links) for reading
 * without ever blocking. Returns the descriptor with *mode set to its
 * type: a regular file or a directory (with may_be_dir); anything else is
 * an error naming shown, and -1.
 */
static int open_entry(int dirfd, const char *name, const char *shown, bool may_be_dir,
                      mode_t *mode, sc_diag *diag)
{
	struct stat st;

	/* Look first, so that a device is refused without being opened. */
	if (fstatat(dirfd, name, &st, 0) != 0)
		return open_error(dirfd, name, shown, errno, diag);
	if (!S_ISREG(st.st_mode) && !(may_be_dir && S_ISDIR(st.st_mode)))
		return sc_diag_error(diag, shown, 0, 0,
		                     "cannot read: not a regular file (%s)",
		                     sc_file_kind(st.st_mode));
	int fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return open_error(dirfd, name, shown, errno, diag);
	/* What was opened is what counts: the entry may have changed since. */
	if (fstat(fd, &st) != 0) {
		sc_diag_error(diag, shown, 0, 0, "cannot read: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !(may_be_dir && S_ISDIR(st.st_mode))) {
		sc_diag_error(diag, shown, 0, 0, "cannot read: not a regular file (%s)",
		              sc_file_kind(st.st_mode));
		close(fd);
		return -1;
	}
	*mode = st.st_mode;
	return fd;
}

/* Reads all of fd into out, up to SC_SPEC_MAX_FILE_BYTES. */
static int read_fd(int fd, const char *file, sc_buf *out, sc_diag *diag)
{
	char chunk[65536];

	for (;;) {
		ssize_t got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return sc_diag_error(diag, file, 0, 0, "cannot read: %s",
			                     strerror(errno));
		if (got == 0)
			return 0;
		if (out->len + (size_t)got > SC_SPEC_MAX_FILE_BYTES)
			return sc_diag_error(diag, file, 0, 0,
			                     "file too large: more than %u MiB",
			                     SC_SPEC_MAX_FILE_BYTES >> 20);
		sc_buf_put(out, chunk, (size_t)got);
	}
}

/* Reads fd to its end and hands the text to fn; closes fd. */
static int read_and_hand(int fd, const char *file, sc_spec_text_fn fn, void *ctx,
                         sc_diag *diag)
{
	sc_buf text = SC_BUF_INIT;
	int result = read_fd(fd, file, &text, diag);

	if (fd != STDIN_FILENO)
		close(fd);
	if (result == 0)
		fn(ctx, file, sc_buf_cstr(&text), text.len);
	sc_buf_release(&text);
	return result;
}

static bool is_spec_file_name(const char *name)
{
	size_t len = strlen(name);

	if (name[0] == '.')
		return false;
	return (len > 5 && !strcmp(name + len - 5, ".yaml")) ||
	       (len > 4 && !strcmp(name + len - 4, ".yml"));
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The spec file names of d, sorted; *count of them, malloc'd. */
static int list_spec_names(DIR *d, const char *dir, char ***out, size_t *count,
                           sc_diag *diag)
{
	size_t alloc = 0;

	*out = NULL;
	*count = 0;
	for (;;) {
		errno = 0;
		struct dirent *e = readdir(d);
		if (!e)
			break;
		if (!is_spec_file_name(e->d_name))
			continue;
		SC_GROW(*out, *count + 1, alloc);
		(*out)[(*count)++] = sc_strdup(e->d_name);
	}
	if (errno)
		return sc_diag_error(diag, dir, 0, 0, "cannot read directory: %s",
		                     strerror(errno));
	if (*count > 1)
		qsort(*out, *count, sizeof(**out), compare_strings);
	return 0;
}

/* One entry of a directory: read when a regular file, skipped when a directory. */
static int read_dir_entry(int dirfd, const char *dir, const char *name,
                          sc_spec_text_fn fn, void *ctx, size_t *read_count,
                          sc_diag *diag)
{
	size_t dir_len = strlen(dir);
	bool slash = dir_len && dir[dir_len - 1] == '/';
	char *shown = sc_asprintf("%s%s%s", dir, slash ? "" : "/", name);
	mode_t mode = 0;
	int result = 0;
	int fd = open_entry(dirfd, name, shown, true, &mode, diag);

	if (fd < 0) {
		result = -1;
	} else if (S_ISDIR(mode)) {
		close(fd); /* not recursive: a subdirectory is not a spec file */
	} else {
		(*read_count)++;
		result = read_and_hand(fd, shown, fn, ctx, diag);
	}
	free(shown);
	return result;
}

/* Every *.yaml and *.yml entry directly in the directory fd, sorted by name. */
static int read_directory(int fd, const char *dir, sc_spec_text_fn fn, void *ctx,
                          sc_diag *diag)
{
	DIR *d = fdopendir(fd);
	char **names;
	size_t count, read_count = 0;
	int result;

	if (!d) {
		int err = errno;
		close(fd);
		return sc_diag_error(diag, dir, 0, 0, "cannot open directory: %s",
		                     strerror(err));
	}
	result = list_spec_names(d, dir, &names, &count, diag);
	for (size_t i = 0; i < count; i++) {
		if (read_dir_entry(dirfd(d), dir, names[i], fn, ctx, &read_count, diag))
			result = -1;
		free(names[i]);
	}
	free(names);
	closedir(d);
	if (!result && !read_count)
		sc_diag_warning(diag, dir, 0, 0, "no *.yaml or *.yml files in directory");
	return result;
}

int sc_spec_input_read(const char *path, sc_spec_text_fn fn, void *ctx, sc_diag *diag)
{
	mode_t mode = 0;

	if (!strcmp(path, "-"))
		return read_and_hand(STDIN_FILENO, SC_SPEC_STDIN_NAME, fn, ctx, diag);
	int fd = open_entry(AT_FDCWD, path, path, true, &mode, diag);
	if (fd < 0)
		return -1;
	if (S_ISDIR(mode))
		return read_directory(fd, path, fn, ctx, diag);
	return read_and_hand(fd, path, fn, ctx, diag);
}
