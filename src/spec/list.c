#include "spec/spec.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "spec/private/expand.h"

void sc_spec_release(sc_spec *spec)
{
	if (!spec)
		return;
	free(spec->name);
	free(spec->set);
	sc_kv_release(&spec->labels);
	free(spec->template_id);
	sc_kv_release(&spec->env);
	sc_spec_strlist_release(&spec->network.allow_out);
	sc_spec_strlist_release(&spec->network.deny_out);
	for (size_t i = 0; i < spec->mount_count; i++) {
		free(spec->mounts[i].name);
		free(spec->mounts[i].path);
	}
	free(spec->mounts);
	free(spec->where.file);
	memset(spec, 0, sizeof(*spec));
}

void sc_spec_list_release(sc_spec_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		sc_spec_release(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

const sc_spec *sc_spec_list_find(const sc_spec_list *list, const char *set,
                                 const char *name)
{
	if (!list || !set || !name)
		return NULL;
	for (size_t i = 0; i < list->count; i++) {
		const sc_spec *spec = &list->items[i];
		if (spec->name && spec->set && !strcmp(spec->name, name) &&
		    !strcmp(spec->set, set))
			return spec;
	}
	return NULL;
}
