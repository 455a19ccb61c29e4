#include "api/sandbox.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/mem.h"
#include "common/text.h"

bool sc_api_id_plain(const char *id)
{
	size_t len = id ? strlen(id) : 0;

	if (!len || len > SC_SANDBOX_ID_MAX || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	return !strchr(id, '/') && sc_text_is_printable(id, len);
}

static bool word_in(const char *word, const char *const *words)
{
	for (; *words; words++) {
		if (!strcasecmp(word, *words))
			return true;
	}
	return false;
}

sc_phase sc_phase_from_status(const char *word)
{
	static const char *const ready[] = {"running", "active", "ready", NULL};
	static const char *const paused[] = {"paused", "stopped", "pausing", NULL};
	static const char *const starting[] = {"starting", "creating", "pending",
	                                       "resuming", NULL};
	static const char *const gone[] = {"deleted", "destroying", "killed", "failed",
	                                   "error",   "expired",    NULL};

	if (!word)
		return SC_PHASE_UNKNOWN;
	if (word_in(word, ready))
		return SC_PHASE_READY;
	if (word_in(word, paused))
		return SC_PHASE_PAUSED;
	if (word_in(word, starting))
		return SC_PHASE_STARTING;
	if (word_in(word, gone))
		return SC_PHASE_GONE;
	return SC_PHASE_UNKNOWN;
}

const char *sc_phase_name(sc_phase phase)
{
	switch (phase) {
	case SC_PHASE_READY:
		return "running";
	case SC_PHASE_PAUSED:
		return "paused";
	case SC_PHASE_STARTING:
		return "starting";
	case SC_PHASE_GONE:
		return "gone";
	case SC_PHASE_UNKNOWN:
		break;
	}
	return "unknown";
}

static void release_strlist(sc_strlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
}

static void release_reported(sc_sandbox_reported *reported)
{
	for (size_t i = 0; i < reported->mount_count; i++) {
		free(reported->mounts[i].name);
		free(reported->mounts[i].path);
	}
	free(reported->mounts);
	release_strlist(&reported->network.allow_out);
	release_strlist(&reported->network.deny_out);
}

void sc_sandbox_release(sc_sandbox *sandbox)
{
	if (!sandbox)
		return;
	release_reported(&sandbox->reported);
	free(sandbox->id);
	free(sandbox->template_id);
	free(sandbox->status);
	sc_kv_release(&sandbox->metadata);
	memset(sandbox, 0, sizeof(*sandbox));
}

void sc_sandbox_list_release(sc_sandbox_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		sc_sandbox_release(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

sc_sandbox *sc_sandbox_list_push(sc_sandbox_list *list)
{
	SC_GROW(list->items, list->count + 1, list->alloc);
	sc_sandbox *sandbox = &list->items[list->count++];
	memset(sandbox, 0, sizeof(*sandbox));
	return sandbox;
}
