#include "plan/observed.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

static int compare_by_id(const void *a, const void *b)
{
	const sc_sandbox *x = *(const sc_sandbox *const *)a;
	const sc_sandbox *y = *(const sc_sandbox *const *)b;
	int by_id = strcmp(x->id ? x->id : "", y->id ? y->id : "");
	/* Equal ids: the earlier in the list first, so it is the one kept. */
	return by_id ? by_id : (x < y ? -1 : x > y);
}

void sc_plan_drop_repeats(sc_sandbox_list *list)
{
	sc_sandbox **sorted = sc_calloc(list->count, sizeof(*sorted));
	bool *repeat = sc_calloc(list->count, sizeof(*repeat));
	size_t kept = 0;

	for (size_t i = 0; i < list->count; i++)
		sorted[i] = &list->items[i];
	qsort(sorted, list->count, sizeof(*sorted), compare_by_id);
	for (size_t i = 1; i < list->count; i++) {
		if (sorted[i]->id && sorted[i - 1]->id && !strcmp(sorted[i]->id, sorted[i - 1]->id))
			repeat[sorted[i] - list->items] = true;
	}
	for (size_t i = 0; i < list->count; i++) {
		if (repeat[i])
			sc_sandbox_release(&list->items[i]);
		else
			list->items[kept++] = list->items[i];
	}
	list->count = kept;
	free(repeat);
	free(sorted);
}
