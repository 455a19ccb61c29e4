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
 * Journal first: a change is journaled before it is made (insert,
 * remove, clock) or, for a change made in place, reported right after it
 * (sd_store_changed); when the record cannot be written the change is
 * refused or undone, so memory never holds what the journal does not. A
 * lock period that sd_store_begin_write() opened keeps the image of every
 * sandbox sd_store_find() hands out; sd_store_unlock() puts those images
 * back when a write of the period failed, and the thread then learns it
 * from sd_store_take_failure(). TTL expiry is applied even when its
 * record cannot be written: it follows from what is journaled.
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
#include "sandboxd/private/journal.h"
#include "sandboxd/private/sandbox.h"

/* A sandbox as it was last journaled, to put back if the period fails. */
typedef struct sd_store_undo {
	sd_sandbox *live;  /* in the store */
	sd_sandbox *saved; /* owned */
} sd_store_undo;

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
	bool writing;        /* this lock period keeps images (sd_store_begin_write) */
	bool write_failed;   /* a change of this lock period could not be journaled */
	sd_store_undo *undo; /* images of the sandboxes this period may change */
	size_t undo_count, undo_alloc;
	sd_sandbox **rejected; /* inserts refused this period, freed at its end */
	size_t rejected_count, rejected_alloc;
	size_t
	    compact_retry_at; /* after a failed compaction: wait for this many records */
	sd_journal journal;
} sd_store;

/*
 * Sets up an empty store; with data_path, replays that journal (a file,
 * or a directory holding sandboxd.journal) and compacts it. A damaged
 * journal is an error, unless recover: then the records that check out
 * are kept, and a warning in diag says what was lost and where the
 * damaged file was copied.
 */
int sd_store_open(sd_store *store, const char *data_path, bool recover, sc_diag *diag);
/* sd_store_open without recover. */
int sd_store_init(sd_store *store, const char *data_path, sc_diag *diag);
void sd_store_release(sd_store *store);

void sd_store_lock(sd_store *store);
/* Ends the lock period (rolling back when a write failed) and unlocks. */
void sd_store_unlock(sd_store *store);
/* Under the lock: this period is a write request's, whose changes may be undone. */
void sd_store_begin_write(sd_store *store);
/*
 * The errno of the journal write that failed in this thread's last lock
 * period (its changes were undone), or 0; reading it clears it.
 */
int sd_store_take_failure(void);
/* 0 when the journal takes writes (or there is none); else the errno of the last failure.
 */
int sd_store_health(sd_store *store);

/* The server clock: the wall clock plus every /_admin/clock advance. */
int64_t sd_store_now(const sd_store *store);
/* Journals, then moves the clock; -1 (and no change) when the journal fails. */
int sd_store_advance_clock(sd_store *store, int64_t ms);

/* Applies every TTL that ran out by now. */
void sd_store_expire(sd_store *store, int64_t now);

sd_sandbox *sd_store_find(const sd_store *store, const char *id);
/*
 * Journals a new sandbox and adds it (ownership moves to the store).
 * -1 when the journal fails: not added, and freed when the period ends.
 */
int sd_store_insert(sd_store *store, sd_sandbox *sandbox);
/*
 * The same for many new sandboxes, sorting the list order once (a seed of
 * a million sandboxes). Ownership of all moves to the store; -1 when the
 * journal refused one: the ones before it are added, the rest freed.
 */
int sd_store_insert_many(sd_store *store, sd_sandbox **sandboxes, size_t count);
/* Journals a change made in place; -1 when the journal fails (undone at unlock). */
int sd_store_changed(sd_store *store, sd_sandbox *sandbox);
/* Journals the removal, then removes and frees; -1 (kept) when the journal fails. */
int sd_store_remove(sd_store *store, sd_sandbox *sandbox);

/*
 * The index in order[] from which a listing continues after the position
 * (started_at, id): the sandboxes listed after it are order[0..result).
 * Walk down from result-1. With id NULL: from the start (count).
 */
size_t sd_store_list_from(const sd_store *store, int64_t started_at, const char *id);

#endif
