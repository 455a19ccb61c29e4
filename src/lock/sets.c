#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/timeutil.h"
#include "lock/lock.h"

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The sets sorted, each once: a set named twice would wait for its own
 * lock (an flock conflicts across two opens in one process).
 */
static size_t sorted_unique(const char **names, const char *const *sets, size_t count)
{
	size_t kept = 0;

	memcpy(names, sets, count * sizeof(*names));
	qsort(names, count, sizeof(*names), compare_names);
	for (size_t i = 0; i < count; i++) {
		if (!kept || strcmp(names[kept - 1], names[i]))
			names[kept++] = names[i];
	}
	return kept;
}

static int acquire_one(sc_lock **out, const char *set, const sc_lock_options *options,
                       sc_diag *diag)
{
	char *path = NULL;

	if (sc_lock_default_path(&path, set, diag))
		return -1;
	int result = sc_lock_acquire(out, path, options, diag);
	free(path);
	return result;
}

int sc_lock_acquire_sets(sc_lock_list *out, const char *const *sets, size_t count,
                         const sc_lock_options *options, sc_diag *diag)
{
	sc_lock_options each = options ? *options : (sc_lock_options){0};
	int64_t start = sc_time_monotonic_ms();
	const char **names = sc_calloc(count ? count : 1, sizeof(*names));
	size_t unique = sorted_unique(names, sets, count);
	int result = 0;

	memset(out, 0, sizeof(*out));
	out->items = sc_calloc(unique ? unique : 1, sizeof(*out->items));
	for (size_t i = 0; i < unique && !result; i++) {
		int64_t left =
		    (options ? options->wait_ms : 0) - (sc_time_monotonic_ms() - start);
		each.wait_ms = left > 0 ? left : 0;
		result = acquire_one(&out->items[out->count], names[i], &each, diag);
		if (!result)
			out->count++;
	}
	free(names);
	if (result)
		sc_lock_list_release(out);
	return result;
}

void sc_lock_list_release(sc_lock_list *list)
{
	/* In reverse: the first taken is the last given up. */
	while (list->count)
		sc_lock_free(list->items[--list->count]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}
