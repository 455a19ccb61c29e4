#include "common/kv.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

void sc_kv_init(sc_kv *kv)
{
	memset(kv, 0, sizeof(*kv));
}

void sc_kv_release(sc_kv *kv)
{
	if (!kv)
		return;
	for (size_t i = 0; i < kv->count; i++) {
		free(kv->pairs[i].key);
		free(kv->pairs[i].value);
	}
	free(kv->pairs);
	sc_kv_init(kv);
}

/* Binary search: the index of key, or where it would be inserted. */
static size_t find(const sc_kv *kv, const char *key, bool *found)
{
	size_t lo = 0, hi = kv->count;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(kv->pairs[mid].key, key);
		if (cmp == 0) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void sc_kv_set(sc_kv *kv, const char *key, const char *value)
{
	bool found;
	size_t at = find(kv, key, &found);

	if (found) {
		free(kv->pairs[at].value);
		kv->pairs[at].value = sc_strdup(value);
		return;
	}
	SC_GROW(kv->pairs, kv->count + 1, kv->alloc);
	memmove(&kv->pairs[at + 1], &kv->pairs[at],
	        (kv->count - at) * sizeof(kv->pairs[0]));
	kv->pairs[at].key = sc_strdup(key);
	kv->pairs[at].value = sc_strdup(value);
	kv->count++;
}

bool sc_kv_remove(sc_kv *kv, const char *key)
{
	bool found;
	size_t at = find(kv, key, &found);

	if (!found)
		return false;
	free(kv->pairs[at].key);
	free(kv->pairs[at].value);
	memmove(&kv->pairs[at], &kv->pairs[at + 1],
	        (kv->count - at - 1) * sizeof(kv->pairs[0]));
	kv->count--;
	return true;
}

const char *sc_kv_get(const sc_kv *kv, const char *key)
{
	bool found;
	size_t at = find(kv, key, &found);
	return found ? kv->pairs[at].value : NULL;
}

void sc_kv_copy(sc_kv *out, const sc_kv *from)
{
	sc_kv_init(out);
	if (!from->count)
		return;
	out->pairs = sc_calloc(from->count, sizeof(out->pairs[0]));
	out->alloc = out->count = from->count;
	for (size_t i = 0; i < from->count; i++) {
		out->pairs[i].key = sc_strdup(from->pairs[i].key);
		out->pairs[i].value = sc_strdup(from->pairs[i].value);
	}
}

bool sc_kv_equal(const sc_kv *a, const sc_kv *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		if (strcmp(a->pairs[i].key, b->pairs[i].key) ||
		    strcmp(a->pairs[i].value, b->pairs[i].value))
			return false;
	}
	return true;
}
