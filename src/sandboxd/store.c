#include "sandboxd/store.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/mem.h"
#include "common/timeutil.h"

/* <0 when a is listed before b: startedAt descending, then sandboxID. */
static int list_cmp(int64_t a_started, const char *a_id, int64_t b_started,
                    const char *b_id)
{
	if (a_started != b_started)
		return a_started > b_started ? -1 : 1;
	return strcmp(a_id, b_id);
}

static uint64_t hash_id(const char *id)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	return h;
}

static void hash_grow(sd_store *store)
{
	size_t n = store->bucket_count ? store->bucket_count * 2 : 1024;
	sd_sandbox **buckets = sc_calloc(n, sizeof(*buckets));

	for (size_t i = 0; i < store->bucket_count; i++) {
		sd_sandbox *s = store->buckets[i], *next;
		for (; s; s = next) {
			next = s->hash_next;
			size_t b = hash_id(s->id) & (n - 1);
			s->hash_next = buckets[b];
			buckets[b] = s;
		}
	}
	free(store->buckets);
	store->buckets = buckets;
	store->bucket_count = n;
}

sd_sandbox *sd_store_find(const sd_store *store, const char *id)
{
	if (!store->bucket_count)
		return NULL;
	sd_sandbox *s = store->buckets[hash_id(id) & (store->bucket_count - 1)];
	while (s && strcmp(s->id, id))
		s = s->hash_next;
	return s;
}

/* The first index whose sandbox is listed at or before (started_at, id). */
static size_t order_bound(const sd_store *store, int64_t started_at, const char *id)
{
	size_t lo = 0, hi = store->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const sd_sandbox *s = store->order[mid];
		if (list_cmp(s->started_at, s->id, started_at, id) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t sd_store_list_from(const sd_store *store, int64_t started_at, const char *id)
{
	if (!id)
		return store->count;
	return order_bound(store, started_at, id);
}

static void track_expiry(sd_store *store, const sd_sandbox *sandbox)
{
	if (!sandbox->paused && sandbox->end_at < store->next_expiry_ms)
		store->next_expiry_ms = sandbox->end_at;
}

/* Adds to the index and the hash, without journalling (replay uses it). */
static void attach(sd_store *store, sd_sandbox *sandbox)
{
	if (store->count + 1 > store->bucket_count)
		hash_grow(store);
	size_t b = hash_id(sandbox->id) & (store->bucket_count - 1);
	sandbox->hash_next = store->buckets[b];
	store->buckets[b] = sandbox;

	SC_GROW(store->order, store->count + 1, store->alloc);
	size_t at = order_bound(store, sandbox->started_at, sandbox->id);
	memmove(store->order + at + 1, store->order + at,
	        (store->count - at) * sizeof(*store->order));
	store->order[at] = sandbox;
	store->count++;
	track_expiry(store, sandbox);
}

/* Removes from the index and the hash; the caller frees. */
static void detach(sd_store *store, sd_sandbox *sandbox)
{
	sd_sandbox **link =
	    &store->buckets[hash_id(sandbox->id) & (store->bucket_count - 1)];
	while (*link && *link != sandbox)
		link = &(*link)->hash_next;
	if (*link)
		*link = sandbox->hash_next;

	size_t at = order_bound(store, sandbox->started_at, sandbox->id);
	if (at < store->count && store->order[at] == sandbox) {
		memmove(store->order + at, store->order + at + 1,
		        (store->count - at - 1) * sizeof(*store->order));
		store->count--;
	}
}

static void snapshot(const sd_store *store, sc_buf *out);

/* Compaction while running, once the journal has grown well past the state. */
static void maybe_compact(sd_store *store)
{
	sc_buf contents = SC_BUF_INIT;
	sc_diag diag = SC_DIAG_INIT;

	if (store->journal.records < 4 * store->count + 10000)
		return;
	snapshot(store, &contents);
	if (sd_journal_rewrite(&store->journal, store->journal.path, &contents, &diag)) {
		store->write_failed = true;
		store->persistent = store->journal.fd >= 0;
	}
	sc_buf_release(&contents);
	sc_diag_release(&diag);
}

static void journal_line(sd_store *store, const sc_buf *line)
{
	if (!store->persistent)
		return;
	if (sd_journal_append(&store->journal, sc_buf_cstr(line), line->len))
		store->write_failed = true;
	else
		maybe_compact(store);
}

static void journal_put(sd_store *store, const sd_sandbox *sandbox)
{
	sc_buf line = SC_BUF_INIT;
	if (!store->persistent)
		return;
	sc_buf_puts(&line, "{\"op\":\"put\",\"sandbox\":");
	sd_sandbox_write_json(&line, sandbox, SD_VIEW_JOURNAL, 0);
	sc_buf_putc(&line, '}');
	journal_line(store, &line);
	sc_buf_release(&line);
}

static void journal_delete(sd_store *store, const char *id)
{
	sc_buf line = SC_BUF_INIT;
	if (!store->persistent)
		return;
	sc_buf_printf(&line, "{\"op\":\"del\",\"id\":\"%s\"}", id);
	journal_line(store, &line);
	sc_buf_release(&line);
}

static void journal_clock(sd_store *store)
{
	sc_buf line = SC_BUF_INIT;
	if (!store->persistent)
		return;
	sc_buf_printf(&line, "{\"op\":\"clock\",\"offsetMs\":%lld}",
	              (long long)store->clock_offset_ms);
	journal_line(store, &line);
	sc_buf_release(&line);
}

void sd_store_insert(sd_store *store, sd_sandbox *sandbox)
{
	attach(store, sandbox);
	journal_put(store, sandbox);
}

void sd_store_changed(sd_store *store, sd_sandbox *sandbox)
{
	track_expiry(store, sandbox);
	journal_put(store, sandbox);
}

void sd_store_remove(sd_store *store, sd_sandbox *sandbox)
{
	detach(store, sandbox);
	journal_delete(store, sandbox->id);
	sd_sandbox_free(sandbox);
}

int64_t sd_store_now(const sd_store *store)
{
	return sc_time_now_ms() + store->clock_offset_ms;
}

void sd_store_advance_clock(sd_store *store, int64_t ms)
{
	store->clock_offset_ms += ms;
	journal_clock(store);
}

/* The TTL of a running sandbox ran out: pause it or kill it. */
static bool expire_one(sd_store *store, sd_sandbox *sandbox)
{
	if (sandbox->auto_pause) {
		sd_sandbox_add_event(sandbox, sandbox->end_at, "expired",
		                     "ttl ran out; paused (autoPause)");
		sd_sandbox_add_event(sandbox, sandbox->end_at, "paused", "on timeout");
		sandbox->paused = true;
		sandbox->paused_left_ms = 0;
		journal_put(store, sandbox);
		return false;
	}
	sd_sandbox_add_event(sandbox, sandbox->end_at, "expired", "ttl ran out; killed");
	sd_sandbox_add_event(sandbox, sandbox->end_at, "killed", "on timeout");
	sd_store_remove(store, sandbox);
	return true;
}

void sd_store_expire(sd_store *store, int64_t now)
{
	if (now < store->next_expiry_ms)
		return;
	int64_t next = INT64_MAX;
	for (size_t i = store->count; i-- > 0;) {
		sd_sandbox *s = store->order[i];
		if (s->paused)
			continue;
		if (s->end_at <= now) {
			expire_one(store, s);
			continue;
		}
		if (s->end_at < next)
			next = s->end_at;
	}
	store->next_expiry_ms = next;
}

void sd_store_lock(sd_store *store)
{
	pthread_mutex_lock(&store->lock);
}

void sd_store_unlock(sd_store *store)
{
	pthread_mutex_unlock(&store->lock);
}

/* Replay: a put replaces, a del removes, a clock sets the offset. */
static void replay_record(void *ctx, const cJSON *record)
{
	sd_store *store = ctx;
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(record, "op");

	if (!cJSON_IsString(op))
		return;
	if (!strcmp(op->valuestring, "clock")) {
		const cJSON *offset =
		    cJSON_GetObjectItemCaseSensitive(record, "offsetMs");
		if (cJSON_IsNumber(offset))
			store->clock_offset_ms = (int64_t)offset->valuedouble;
		return;
	}
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(record, "id");
	sd_sandbox *sandbox = NULL;
	if (!strcmp(op->valuestring, "put")) {
		sandbox = sd_sandbox_from_json(
		    cJSON_GetObjectItemCaseSensitive(record, "sandbox"));
		if (!sandbox)
			return;
	}
	const char *old_id = sandbox              ? sandbox->id
	                     : cJSON_IsString(id) ? id->valuestring
	                                          : NULL;
	sd_sandbox *old = old_id ? sd_store_find(store, old_id) : NULL;
	if (old) {
		detach(store, old);
		sd_sandbox_free(old);
	}
	if (sandbox)
		attach(store, sandbox);
}

/* The whole state as journal lines: what compaction writes. */
static void snapshot(const sd_store *store, sc_buf *out)
{
	sc_buf_printf(out, "{\"op\":\"clock\",\"offsetMs\":%lld}\n",
	              (long long)store->clock_offset_ms);
	for (size_t i = 0; i < store->count; i++) {
		sc_buf_puts(out, "{\"op\":\"put\",\"sandbox\":");
		sd_sandbox_write_json(out, store->order[i], SD_VIEW_JOURNAL, 0);
		sc_buf_puts(out, "}\n");
	}
}

static char *journal_path(const char *data_path)
{
	struct stat st;
	if (stat(data_path, &st) == 0 && S_ISDIR(st.st_mode))
		return sc_asprintf("%s/sandboxd.journal", data_path);
	return sc_strdup(data_path);
}

int sd_store_init(sd_store *store, const char *data_path, sc_diag *diag)
{
	memset(store, 0, sizeof(*store));
	pthread_mutex_init(&store->lock, NULL);
	store->next_expiry_ms = INT64_MAX;
	store->journal.fd = -1;
	store->journal.lock_fd = -1;
	hash_grow(store);
	if (!data_path)
		return 0;

	char *path = journal_path(data_path);
	sc_buf contents = SC_BUF_INIT;
	int rc = sd_journal_lock(&store->journal, path, diag);
	if (rc == 0)
		rc = sd_journal_replay(path, replay_record, store, diag);
	if (rc == 0) {
		snapshot(store, &contents);
		rc = sd_journal_rewrite(&store->journal, path, &contents, diag);
	}
	store->persistent = rc == 0;
	sc_buf_release(&contents);
	free(path);
	return rc;
}

void sd_store_release(sd_store *store)
{
	for (size_t i = 0; i < store->count; i++)
		sd_sandbox_free(store->order[i]);
	free(store->order);
	free(store->buckets);
	sd_journal_close(&store->journal);
	pthread_mutex_destroy(&store->lock);
	memset(store, 0, sizeof(*store));
	store->journal.fd = -1;
	store->journal.lock_fd = -1;
}
