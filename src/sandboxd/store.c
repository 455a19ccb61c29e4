#include "sandboxd/private/store.h"

#include <errno.h>
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

static sd_sandbox *lookup(const sd_store *store, const char *id)
{
	if (!store->bucket_count)
		return NULL;
	sd_sandbox *s = store->buckets[hash_id(id) & (store->bucket_count - 1)];
	while (s && strcmp(s->id, id))
		s = s->hash_next;
	return s;
}

static void remember(sd_store *store, sd_sandbox *sandbox);

sd_sandbox *sd_store_find(const sd_store *store, const char *id)
{
	sd_sandbox *s = lookup(store, id);
	/* A store is never const underneath: only the callers' handle is. */
	if (s && store->writing)
		remember((sd_store *)store, s);
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

static void hash_add(sd_store *store, sd_sandbox *sandbox)
{
	if (store->count + 1 > store->bucket_count)
		hash_grow(store);
	size_t b = hash_id(sandbox->id) & (store->bucket_count - 1);
	sandbox->hash_next = store->buckets[b];
	store->buckets[b] = sandbox;
}

/* Adds to the index and the hash, without journalling (replay uses it). */
static void attach(sd_store *store, sd_sandbox *sandbox)
{
	hash_add(store, sandbox);

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

/*
 * Compaction while running, once the journal has grown well past the
 * state. Not while a change of this period failed (the memory may be
 * ahead of the journal until the rollback). A failure leaves the journal
 * as it was, and the next try waits for as many records again.
 */
static void maybe_compact(sd_store *store)
{
	sc_buf contents = SC_BUF_INIT;
	sc_diag diag = SC_DIAG_INIT;
	size_t due = 4 * store->count + 10000;

	if (!store->persistent || store->write_failed || store->journal.records < due ||
	    store->journal.records < store->compact_retry_at)
		return;
	snapshot(store, &contents);
	if (sd_journal_rewrite(&store->journal, store->journal.path, &contents, &diag))
		store->compact_retry_at = store->journal.records + due;
	else
		store->compact_retry_at = 0;
	sc_buf_release(&contents);
	sc_diag_release(&diag);
}

/* Appends one record; 0 when written or when there is no journal. */
static int journal_line(sd_store *store, const sc_buf *line)
{
	if (!store->persistent)
		return 0;
	return sd_journal_append(&store->journal, sc_buf_cstr(line), line->len);
}

static int journal_put(sd_store *store, const sd_sandbox *sandbox)
{
	sc_buf line = SC_BUF_INIT;
	if (!store->persistent)
		return 0;
	sc_buf_puts(&line, "{\"op\":\"put\",\"sandbox\":");
	sd_sandbox_write_json(&line, sandbox, SD_VIEW_JOURNAL, 0);
	sc_buf_putc(&line, '}');
	int rc = journal_line(store, &line);
	sc_buf_release(&line);
	return rc;
}

static int journal_delete(sd_store *store, const char *id)
{
	sc_buf line = SC_BUF_INIT;
	if (!store->persistent)
		return 0;
	sc_buf_printf(&line, "{\"op\":\"del\",\"id\":\"%s\"}", id);
	int rc = journal_line(store, &line);
	sc_buf_release(&line);
	return rc;
}

/* A copy through the journal form: exactly what a restart would bring back. */
static sd_sandbox *clone_sandbox(const sd_sandbox *sandbox)
{
	sc_buf json = SC_BUF_INIT;
	sd_sandbox_write_json(&json, sandbox, SD_VIEW_JOURNAL, 0);
	cJSON *parsed = cJSON_ParseWithLength(json.data, json.len);
	sd_sandbox *copy = sd_sandbox_from_json(parsed);
	cJSON_Delete(parsed);
	sc_buf_release(&json);
	if (copy)
		copy->ready_mono_ms = sandbox->ready_mono_ms;
	return copy;
}

static sd_store_undo *undo_entry(sd_store *store, const sd_sandbox *sandbox)
{
	for (size_t i = 0; i < store->undo_count; i++) {
		if (store->undo[i].live == sandbox)
			return &store->undo[i];
	}
	return NULL;
}

/* In a write period, keeps the image of a sandbox the request may change. */
static void remember(sd_store *store, sd_sandbox *sandbox)
{
	if (!store->persistent || undo_entry(store, sandbox))
		return;
	sd_sandbox *copy = clone_sandbox(sandbox);
	if (!copy)
		return;
	SC_GROW(store->undo, store->undo_count + 1, store->undo_alloc);
	store->undo[store->undo_count++] = (sd_store_undo){sandbox, copy};
}

/* A change of sandbox is journaled: its image becomes that state. */
static void committed(sd_store *store, sd_sandbox *sandbox)
{
	sd_store_undo *entry = undo_entry(store, sandbox);
	if (entry) {
		sd_sandbox_free(entry->saved);
		*entry = store->undo[--store->undo_count];
	}
	if (store->writing)
		remember(store, sandbox);
}

/* sandbox leaves the store: no image to restore. */
static void forget(sd_store *store, sd_sandbox *sandbox)
{
	sd_store_undo *entry = undo_entry(store, sandbox);
	if (entry) {
		sd_sandbox_free(entry->saved);
		*entry = store->undo[--store->undo_count];
	}
}

int sd_store_insert(sd_store *store, sd_sandbox *sandbox)
{
	if (journal_put(store, sandbox)) {
		/* Kept until the period ends: the caller may still read it. */
		store->write_failed = true;
		SC_GROW(store->rejected, store->rejected_count + 1,
		        store->rejected_alloc);
		store->rejected[store->rejected_count++] = sandbox;
		return -1;
	}
	attach(store, sandbox);
	committed(store, sandbox);
	maybe_compact(store);
	return 0;
}

/* Reverse list order, for qsort. */
static int order_cmp(const void *pa, const void *pb)
{
	const sd_sandbox *a = *(sd_sandbox *const *)pa, *b = *(sd_sandbox *const *)pb;

	return list_cmp(b->started_at, b->id, a->started_at, a->id);
}

int sd_store_insert_many(sd_store *store, sd_sandbox **sandboxes, size_t count)
{
	size_t i;

	for (i = 0; i < count && !journal_put(store, sandboxes[i]); i++) {
		hash_add(store, sandboxes[i]);
		SC_GROW(store->order, store->count + 1, store->alloc);
		store->order[store->count++] = sandboxes[i];
		track_expiry(store, sandboxes[i]);
	}
	qsort(store->order, store->count, sizeof(*store->order), order_cmp);
	for (size_t rest = i; rest < count; rest++)
		sd_sandbox_free(sandboxes[rest]);
	maybe_compact(store);
	return i == count ? 0 : -1;
}

int sd_store_changed(sd_store *store, sd_sandbox *sandbox)
{
	track_expiry(store, sandbox);
	if (journal_put(store, sandbox)) {
		store->write_failed = true;
		return -1;
	}
	committed(store, sandbox);
	maybe_compact(store);
	return 0;
}

/* Removes and frees; unless must_journal, also when the record failed (expiry). */
static int remove_sandbox(sd_store *store, sd_sandbox *sandbox, bool must_journal)
{
	if (journal_delete(store, sandbox->id) && must_journal) {
		store->write_failed = true;
		return -1;
	}
	forget(store, sandbox);
	detach(store, sandbox);
	sd_sandbox_free(sandbox);
	maybe_compact(store);
	return 0;
}

int sd_store_remove(sd_store *store, sd_sandbox *sandbox)
{
	return remove_sandbox(store, sandbox, true);
}

int64_t sd_store_now(const sd_store *store)
{
	return sc_time_now_ms() + store->clock_offset_ms;
}

int sd_store_advance_clock(sd_store *store, int64_t ms)
{
	sc_buf line = SC_BUF_INIT;
	int rc = 0;

	if (store->persistent) {
		sc_buf_printf(&line, "{\"op\":\"clock\",\"offsetMs\":%lld}",
		              (long long)(store->clock_offset_ms + ms));
		rc = journal_line(store, &line);
		sc_buf_release(&line);
	}
	if (rc) {
		store->write_failed = true;
		return -1;
	}
	store->clock_offset_ms += ms;
	maybe_compact(store);
	return 0;
}

/*
 * The TTL of a running sandbox ran out: pause it or kill it. This is
 * applied even when its record cannot be journaled: it follows from what
 * is journaled (endAt, the clock), so a restart derives it again.
 */
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
	remove_sandbox(store, sandbox, false);
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

/* What the thread's last lock period ended with: the errno of a failed write. */
static _Thread_local int failed_here;

/* The changes of a period whose journal write failed go back to their images. */
static void roll_back(sd_store *store)
{
	for (size_t i = store->undo_count; i-- > 0;) {
		sd_store_undo *entry = &store->undo[i];
		detach(store, entry->live);
		sd_sandbox_free(entry->live);
		attach(store, entry->saved);
	}
	store->undo_count = 0;
}

/* Ends a lock period: rolls back or keeps, and frees what was refused. */
static void end_period(sd_store *store)
{
	if (store->write_failed) {
		roll_back(store);
		failed_here = store->journal.error ? store->journal.error : EIO;
	}
	for (size_t i = 0; i < store->undo_count; i++)
		sd_sandbox_free(store->undo[i].saved);
	store->undo_count = 0;
	for (size_t i = 0; i < store->rejected_count; i++)
		sd_sandbox_free(store->rejected[i]);
	store->rejected_count = 0;
	store->writing = false;
	store->write_failed = false;
}

void sd_store_unlock(sd_store *store)
{
	end_period(store);
	pthread_mutex_unlock(&store->lock);
}

void sd_store_begin_write(sd_store *store)
{
	store->writing = store->persistent;
}

int sd_store_take_failure(void)
{
	int err = failed_here;
	failed_here = 0;
	return err;
}

int sd_store_health(sd_store *store)
{
	sd_store_lock(store);
	int err = store->persistent ? store->journal.error : 0;
	sd_store_unlock(store);
	return err;
}

/* Replay: a put replaces, a del removes, a clock sets the offset; else -1. */
static int replay_record(void *ctx, const cJSON *record)
{
	sd_store *store = ctx;
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(record, "op");

	if (!cJSON_IsString(op))
		return -1;
	if (!strcmp(op->valuestring, "clock")) {
		const cJSON *offset =
		    cJSON_GetObjectItemCaseSensitive(record, "offsetMs");
		if (!cJSON_IsNumber(offset))
			return -1;
		store->clock_offset_ms = (int64_t)offset->valuedouble;
		return 0;
	}
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(record, "id");
	sd_sandbox *sandbox = NULL;
	if (!strcmp(op->valuestring, "put")) {
		sandbox = sd_sandbox_from_json(
		    cJSON_GetObjectItemCaseSensitive(record, "sandbox"));
		if (!sandbox)
			return -1;
	} else if (strcmp(op->valuestring, "del") || !cJSON_IsString(id)) {
		return -1;
	}
	sd_sandbox *old = lookup(store, sandbox ? sandbox->id : id->valuestring);
	if (old) {
		detach(store, old);
		sd_sandbox_free(old);
	}
	if (sandbox)
		attach(store, sandbox);
	return 0;
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

static void report_recovery(const char *path, const sd_journal_report *report,
                            sc_diag *diag)
{
	if (!report->aside)
		return;
	sc_diag_warning(diag, path, 0, 0,
	                "the journal was damaged: started with the %zu records that "
	                "check out; %zu record%s lost (%zu damaged line%s skipped); "
	                "the damaged file is kept in '%s'",
	                report->records, report->lost, report->lost == 1 ? "" : "s",
	                report->damaged, report->damaged == 1 ? "" : "s", report->aside);
}

int sd_store_open(sd_store *store, const char *data_path, bool recover, sc_diag *diag)
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
	sd_journal_report report;
	memset(&report, 0, sizeof(report));
	int rc = sd_journal_lock(&store->journal, path, diag);
	if (rc == 0)
		rc =
		    sd_journal_replay(path, recover, replay_record, store, &report, diag);
	if (rc == 0) {
		report_recovery(path, &report, diag);
		snapshot(store, &contents);
		rc = sd_journal_rewrite(&store->journal, path, &contents, diag);
	}
	store->persistent = rc == 0;
	sd_journal_report_release(&report);
	sc_buf_release(&contents);
	free(path);
	return rc;
}

int sd_store_init(sd_store *store, const char *data_path, sc_diag *diag)
{
	return sd_store_open(store, data_path, false, diag);
}

void sd_store_release(sd_store *store)
{
	end_period(store);
	for (size_t i = 0; i < store->count; i++)
		sd_sandbox_free(store->order[i]);
	free(store->undo);
	free(store->rejected);
	free(store->order);
	free(store->buckets);
	sd_journal_close(&store->journal);
	pthread_mutex_destroy(&store->lock);
	memset(store, 0, sizeof(*store));
	store->journal.fd = -1;
	store->journal.lock_fd = -1;
}
