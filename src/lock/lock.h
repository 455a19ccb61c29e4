/*
 * The run lock: one sc-apply run per set (or per --lock) at a time, so
 * that two runs never plan from the same observation and both create.
 *
 * `where` names the lock; its scheme is the switch between backends, the
 * interface stays this one.
 *
 * - A file path: the file backend takes an flock(2) on a lock file that it
 *   creates itself (0600, never through a symbolic link), writes the
 *   holder's text into it for the next contender to read, and removes it
 *   on release. Held until released or the process ends.
 * - "etcd://HOST:PORT[,HOST:PORT...]/KEY[?ttl=SECONDS]": the etcd backend
 *   grants a lease (TTL 10 s unless told), keeps it alive from a thread of
 *   its own (every TTL/4), and takes KEY under it with a transaction that
 *   succeeds only if KEY does not exist; the key's value is the holder's
 *   text. A holder that stops (killed, frozen, cut off from the cluster's
 *   quorum) stops renewing, and etcd ends its lease and key within the
 *   TTL, so another takes over. Because of that, such a lock can be lost
 *   while held: sc_lock_valid() says whether it is still provably held.
 *
 * Ownership: sc_lock_acquire() hands the caller a held lock it owns.
 * sc_lock_release() gives the lock up and keeps the handle;
 * sc_lock_free() gives it up if still held and frees the handle
 * (NULL: no-op). Nothing here prints: errors go to the sc_diag.
 */
#ifndef SC_LOCK_LOCK_H
#define SC_LOCK_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

typedef struct sc_lock sc_lock;

typedef struct sc_lock_options {
	/* What a contender is shown; NULL: "pid N on HOST, since TIME". One line. */
	const char *holder;
	/* How long to wait for a lock another run holds; 0: fail at once. */
	int64_t wait_ms;
	/* Called once when the wait starts, with the holder's printable text. */
	void (*on_wait)(void *ctx, const char *where, const char *holder);
	/* Polled while waiting: true ends the wait with an error (the agent's stop). */
	bool (*should_stop)(void *ctx);
	void *ctx;
} sc_lock_options;

/*
 * Takes the lock named by where, waiting up to options->wait_ms while
 * another run holds it (options may be NULL: no wait, default holder).
 * Fails closed: a lock file that is a symbolic link, not a regular file,
 * owned by another user or hard-linked elsewhere is refused, not used.
 */
int sc_lock_acquire(sc_lock **out, const char *where, const sc_lock_options *options,
                    sc_diag *diag);
/*
 * For a contender that tries again and again (the agent's leader
 * election): a handle for where, not held, and one attempt to take it
 * (0 taken or already held; 1 busy, with *holder_out the holder's
 * printable text, malloc'd; -1 an error in diag). holder NULL: the
 * default holder text. A lease contender keeps its lease alive between
 * attempts; a lost lock is released (sc_lock_release) and tried again.
 */
int sc_lock_new(sc_lock **out, const char *where, sc_diag *diag);
int sc_lock_try(sc_lock *lock, const char *holder, char **holder_out, sc_diag *diag);

/* Gives the lock up (no-op when not held). */
int sc_lock_release(sc_lock *lock, sc_diag *diag);
void sc_lock_free(sc_lock *lock);

/* The where the lock was taken with; borrowed. */
const char *sc_lock_where(const sc_lock *lock);
bool sc_lock_held(const sc_lock *lock);

/*
 * Whether the lock is held and provably still this process's: always for
 * a held file lock; for a lease, only while the last keep-alive etcd
 * confirmed (timed from when it was sent, on the monotonic clock) is
 * younger than two thirds of the TTL and the key is still the one this
 * holder created. Once the TTL has passed unconfirmed, or etcd says the
 * lease or the key is gone, the lease is lost for good: it never becomes
 * valid again (take a new lock). A holder checks this before every write
 * it starts (fencing). When false, diag (may be NULL) gets the reason.
 * Safe to call from any thread.
 */
bool sc_lock_valid(sc_lock *lock, sc_diag *diag);

/* Whether where names a lease lock, one that is lost when its holder stops (etcd://). */
bool sc_lock_is_lease(const char *where);

/*
 * The locks of a run's sets. Ownership: the list owns its locks;
 * sc_lock_list_release() gives them up and frees them.
 */
typedef struct sc_lock_list {
	sc_lock **items;
	size_t count;
} sc_lock_list;

#define SC_LOCK_LIST_INIT                                                                \
	{                                                                                \
		NULL, 0                                                                  \
	}

/*
 * Takes the default lock (sc_lock_default_path) of every set, each once,
 * in byte order of the set names, so that two runs over overlapping sets
 * never hold one each while waiting for the other; options->wait_ms
 * bounds the waits of all of them together. On failure none is held.
 */
int sc_lock_acquire_sets(sc_lock_list *out, const char *const *sets, size_t count,
                         const sc_lock_options *options, sc_diag *diag);
void sc_lock_list_release(sc_lock_list *list);

/*
 * The default lock of a set on this host, malloc'd into *out:
 * $XDG_RUNTIME_DIR/sc-apply/SET.lock when XDG_RUNTIME_DIR is a directory
 * of this user's with mode 0700 (else /run/user/UID when that is one, so
 * that cron and a login shell agree); else /run/sc-apply/SET.lock for root
 * and /tmp/sc-apply-UID/SET.lock for anyone else. The sc-apply directory is
 * created 0700 when missing and must be a directory (not a link) of this
 * user's that no one else can write. SET is encoded so that it stays one
 * file name ([a-z0-9_-] kept, any other byte as %XX).
 */
int sc_lock_default_path(char **out, const char *set, sc_diag *diag);
/* The same with the runtime directory (NULL: none) and the fallback base given. */
int sc_lock_default_path_from(char **out, const char *set, const char *runtime_dir,
                              const char *fallback_base, sc_diag *diag);

/* "pid 1234 on HOST, since 2026-06-10T08:55:50Z"; malloc'd. */
char *sc_lock_holder_default(void);
/*
 * The holder text another process wrote (raw, len bytes) as it may be
 * printed: its first line, every byte outside printable ASCII replaced
 * with '?', at most SC_LOCK_HOLDER_MAX characters ("..." when cut); malloc'd.
 */
#define SC_LOCK_HOLDER_MAX 120
char *sc_lock_holder_printable(const char *raw, size_t len);

#endif
