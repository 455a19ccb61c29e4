/*
 * What a lock backend provides to lock.c, which owns the waiting: one
 * attempt to take the lock, giving it up, and (for a lease) whether it is
 * still held. A backend keeps its state in the sc_lock (the file backend:
 * the open lock file; the etcd backend: its lease, behind state).
 */
#ifndef SC_LOCK_BACKEND_H
#define SC_LOCK_BACKEND_H

#include <sys/types.h>

#include "lock/lock.h"

typedef enum {
	SC_LOCK_TAKEN = 0,
	SC_LOCK_BUSY = 1, /* another run holds it */
} sc_lock_attempt;

typedef struct sc_lock_backend {
	const char *name;
	/*
	 * One attempt: SC_LOCK_TAKEN, SC_LOCK_BUSY (with *holder the
	 * holder's printable text, malloc'd, "" when unknown), or -1 with
	 * the error in diag.
	 */
	int (*try_acquire)(sc_lock *lock, const char *holder_text, char **holder,
	                   sc_diag *diag);
	int (*release)(sc_lock *lock, sc_diag *diag);
	/*
	 * Whether the held lock is still provably held (with the reason in
	 * diag, which may be NULL, when not); NULL: as long as it is held.
	 */
	bool (*valid)(sc_lock *lock, sc_diag *diag);
	/* Whether where is well formed for this backend; NULL: any is. */
	int (*check)(const char *where, sc_diag *diag);
	/* Frees the backend's state (held or not); NULL: nothing to free. */
	void (*dispose)(sc_lock *lock);
	/* How often a waiting run tries again, in ms. */
	int64_t poll_ms;
} sc_lock_backend;

struct sc_lock {
	const sc_lock_backend *backend;
	char *where;
	bool held;
	/* The file backend's lock file, its identity, -1 when not open. */
	int fd;
	dev_t dev;
	ino_t ino;
	/* Another backend's state (the etcd backend's lease), or NULL. */
	void *state;
};

extern const sc_lock_backend sc_lock_file_backend;
extern const sc_lock_backend sc_lock_etcd_backend;

#endif
