#include "api/sandbox.h"

#include <stdint.h>
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

/* ---- the arena: strings in large blocks, and a table of the shared ones ---- */

/* A block holds this much; a longer piece gets a block of its own. */
#define BLOCK_SIZE  (64 * 1024)
#define BLOCK_ALIGN 8

typedef struct block {
	struct block *next;
	size_t used;
	size_t size;
	_Alignas(8) char data[];
} block;

struct sc_sandbox_arena {
	block *blocks; /* the one being filled first */
	char **shared; /* open addressing by text hash; NULL is empty */
	size_t shared_count;
	size_t shared_size; /* a power of two, or 0 */
};

static block *new_block(size_t size, block *next)
{
	block *b = sc_malloc(sizeof(*b) + size);

	b->next = next;
	b->used = 0;
	b->size = size;
	return b;
}

static void *arena_take(sc_sandbox_arena *arena, size_t len, size_t align)
{
	block *b = arena->blocks;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;

	if (!b || at + len > b->size) {
		if (len > BLOCK_SIZE / 4) {
			/* Behind the current block, so that it keeps filling. */
			block *own = new_block(len, b ? b->next : NULL);
			own->used = len;
			if (b)
				b->next = own;
			else
				arena->blocks = own;
			return own->data;
		}
		b = arena->blocks = new_block(BLOCK_SIZE, b);
		at = 0;
	}
	b->used = at + len;
	return b->data + at;
}

char *sc_sandbox_arena_copy(sc_sandbox_arena *arena, const char *text, size_t len)
{
	char *copy = arena_take(arena, len + 1, 1);

	memcpy(copy, text, len);
	copy[len] = '\0';
	return copy;
}

void *sc_sandbox_arena_alloc(sc_sandbox_arena *arena, size_t count, size_t size)
{
	void *out;

	if (size && count > SIZE_MAX / size)
		abort();
	out = arena_take(arena, count * size, BLOCK_ALIGN);
	memset(out, 0, count * size);
	return out;
}

/* FNV-1a: the table is the arena's own, keyed by what servers send. */
static size_t text_hash(const char *text, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 0x100000001b3ULL;
	return (size_t)(h ^ h >> 32);
}

static char **shared_slot(char **slots, size_t size, const char *text, size_t len)
{
	size_t mask = size - 1, i = text_hash(text, len) & mask;

	while (slots[i] && (strncmp(slots[i], text, len) || slots[i][len]))
		i = (i + 1) & mask;
	return &slots[i];
}

static void grow_shared(sc_sandbox_arena *arena)
{
	size_t size = arena->shared_size ? arena->shared_size * 2 : 256;
	char **slots = sc_calloc(size, sizeof(*slots));

	for (size_t i = 0; i < arena->shared_size; i++) {
		char *text = arena->shared[i];
		if (text)
			*shared_slot(slots, size, text, strlen(text)) = text;
	}
	free(arena->shared);
	arena->shared = slots;
	arena->shared_size = size;
}

char *sc_sandbox_arena_intern(sc_sandbox_arena *arena, const char *text, size_t len)
{
	char **slot;

	if ((arena->shared_count + 1) * 2 > arena->shared_size)
		grow_shared(arena);
	slot = shared_slot(arena->shared, arena->shared_size, text, len);
	if (!*slot) {
		*slot = sc_sandbox_arena_copy(arena, text, len);
		arena->shared_count++;
	}
	return *slot;
}

static void arena_free(sc_sandbox_arena *arena)
{
	if (!arena)
		return;
	for (block *b = arena->blocks, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(arena->shared);
	free(arena);
}

/*
 * into with from's blocks as well; from's table of shared text is dropped
 * (its text stays in its blocks: a text shared in both is then held twice).
 */
static sc_sandbox_arena *arena_merge(sc_sandbox_arena *into, sc_sandbox_arena *from)
{
	block *last;

	if (!into || !from)
		return into ? into : from;
	if (from->blocks) {
		for (last = from->blocks; last->next; last = last->next)
			;
		/* into's first block stays first: it is the one being filled. */
		if (into->blocks) {
			last->next = into->blocks->next;
			into->blocks->next = from->blocks;
		} else {
			into->blocks = from->blocks;
		}
	}
	from->blocks = NULL;
	arena_free(from);
	return into;
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
	if (sandbox->in_arena) {
		memset(sandbox, 0, sizeof(*sandbox));
		return;
	}
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
	arena_free(list->arena);
	memset(list, 0, sizeof(*list));
}

sc_sandbox *sc_sandbox_list_push(sc_sandbox_list *list)
{
	SC_GROW(list->items, list->count + 1, list->alloc);
	sc_sandbox *sandbox = &list->items[list->count++];
	memset(sandbox, 0, sizeof(*sandbox));
	return sandbox;
}

void sc_sandbox_list_take(sc_sandbox_list *into, sc_sandbox_list *from)
{
	if (!into->count && !into->alloc && !into->arena) {
		int64_t server_now = into->server_now;
		*into = *from;
		into->server_now = server_now;
	} else {
		SC_GROW(into->items, into->count + from->count, into->alloc);
		memcpy(&into->items[into->count], from->items,
		       from->count * sizeof(*from->items));
		into->count += from->count;
		free(from->items);
		into->arena = arena_merge(into->arena, from->arena);
	}
	from->items = NULL;
	from->count = from->alloc = 0;
	from->arena = NULL;
}

sc_sandbox_arena *sc_sandbox_list_arena(sc_sandbox_list *list)
{
	if (!list->arena)
		list->arena = sc_calloc(1, sizeof(*list->arena));
	return list->arena;
}
