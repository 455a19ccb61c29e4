/*
 * Every live sandbox, the server clock and the journal: the state the
 * handlers read and change. Sandboxes are found by id (a hash table) and
 * walked in list order (an array sorted by startedAt descending, then
 * sandboxID, kept reversed so that a new sandbox is appended).
 *
 * TTL expiry is lazy: sd_store_expire() runs at the start of every API
 * request and applies every TTL that ran out (kill, or pause with
 * autoPause) at its endAt; the earliest pending endAt is tracked, so a
 * request with nothing to expire costs one comparison.
 *
 * Locking: the caller holds sd_store_lock() around any use.
 *
 * Ownership: the store owns its sandboxes; a sd_sandbox * it hands out is
 * borrowed and valid until the lock is released or the sandbox removed.
 */
#ifndef SD_STORE_H
#define SD_STORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"
#include "sandboxd/journal.h"
#include "sandboxd/sandbox.h"

typedef struct sd_store {
	pthread_mutex_t lock;
	sd_sandbox **order; /* reverse list order: order[count-1] is listed first */
	size_t count, alloc;
	sd_sandbox **buckets;            /* hash chains through hash_next */
	size_t bucket_count;             /* a power of two */
	_Atomic int64_t clock_offset_ms; /* read without the lock for Date headers */
	int64_t
	    next_expiry_ms; /* earliest endAt of a running sandbox; INT64_MAX when none */
	bool persistent;
	bool write_failed; /* a journal write failed since the caller cleared it */
	sd_journal journal;
} sd_store;

/*
 * Sets up an empty store; with data_path, replays that journal (a file,
 * or a directory holding sandboxd.journal) and compacts it.
 */
int sd_store_init(sd_store *store, const char *data_path, sc_diag *diag);
void sd_store_release(sd_store *store);

void sd_store_lock(sd_store *store);
void sd_store_unlock(sd_store *store);

/* The server clock: the wall clock plus every /_admin/clock advance. */
int64_t sd_store_now(const sd_store *store);
void sd_store_advance_clock(sd_store *store, int64_t ms);

/* Applies every TTL that ran out by now. */
void sd_store_expire(sd_store *store, int64_t now);

sd_sandbox *sd_store_find(const sd_store *store, const char *id);
/* Adds a new sandbox (ownership moves to the store) and journals it. */
void sd_store_insert(sd_store *store, sd_sandbox *sandbox);
/* Journals a change made in place to a sandbox of the store. */
void sd_store_changed(sd_store *store, sd_sandbox *sandbox);
/* Removes, journals and frees a sandbox of the store. */
void sd_store_remove(sd_store *store, sd_sandbox *sandbox);

/*
 * The index in order[] from which a listing continues after the position
 * (started_at, id): the sandboxes listed after it are order[0..result).
 * Walk down from result-1. With id NULL: from the start (count).
 */
size_t sd_store_list_from(const sd_store *store, int64_t started_at, const char *id);

#endif
