#include "plan/observed.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

static size_t id_hash(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 0x100000001b3ULL;
	return (size_t)(h ^ h >> 32);
}

/*
 * One pass with a table of the ids met so far (open addressing, at most
 * half full): linear in the list, where sorting by id was not.
 */
void sc_plan_drop_repeats(sc_sandbox_list *list)
{
	size_t size = 16, kept = 0;
	const char **seen;

	while (size < list->count * 2)
		size *= 2;
	seen = sc_calloc(size, sizeof(*seen));
	for (size_t i = 0; i < list->count; i++) {
		const char *id = list->items[i].id;
		if (id) {
			size_t at = id_hash(id) & (size - 1);
			while (seen[at] && strcmp(seen[at], id))
				at = (at + 1) & (size - 1);
			if (seen[at]) {
				sc_sandbox_release(&list->items[i]);
				continue;
			}
			seen[at] = id;
		}
		list->items[kept++] = list->items[i];
	}
	list->count = kept;
	free(seen);
}
