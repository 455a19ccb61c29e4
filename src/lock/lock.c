#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "common/timeutil.h"
#include "lock/private/backend.h"

/* Length of where's "scheme://" prefix (RFC 3986 scheme), 0 when it has none. */
static size_t scheme_length(const char *where)
{
	size_t i = 0;

	if (!isalpha((unsigned char)where[0]))
		return 0;
	while (isalnum((unsigned char)where[i]) || strchr("+-.", where[i]))
		i++;
	return where[i] && !strncmp(where + i, "://", 3) ? i : 0;
}

/* The backend that where names; a path is the file backend's. */
static const sc_lock_backend *pick_backend(const char *where, sc_diag *diag)
{
	size_t scheme = scheme_length(where);

	if (!scheme)
		return &sc_lock_file_backend;
	if (scheme == 4 && !strncmp(where, "etcd", 4))
		return &sc_lock_etcd_backend;
	sc_diag_error(diag, NULL, 0, 0,
	              "lock '%s': unknown scheme '%.*s' (a lock is a file path or "
	              "etcd://HOST:PORT/KEY)",
	              where, (int)scheme, where);
	return NULL;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) < 0) {
		/* EINTR: sleep the rest; the caller's should_stop sees signals. */
	}
}

static int busy_error(const char *where, const char *holder, int64_t waited_ms,
                      sc_diag *diag)
{
	const char *open = *holder ? " (" : "", *close = *holder ? ")" : "";

	if (!waited_ms)
		return sc_diag_error(
		    diag, NULL, 0, 0,
		    "another sc-apply run holds the lock '%s'%s%s%s; not running", where,
		    open, holder, close);
	return sc_diag_error(diag, NULL, 0, 0,
	                     "another sc-apply run still holds the lock '%s'%s%s%s after "
	                     "waiting %lld ms; not running",
	                     where, open, holder, close, (long long)waited_ms);
}

/* Tries until taken, an error, the wait's end or a stop. */
static int wait_for(sc_lock *lock, const char *holder_text,
                    const sc_lock_options *options, sc_diag *diag)
{
	int64_t start = sc_time_monotonic_ms();
	bool announced = false;

	for (;;) {
		char *holder = NULL;
		int result = lock->backend->try_acquire(lock, holder_text, &holder, diag);
		if (result != SC_LOCK_BUSY) {
			free(holder);
			return result;
		}
		int64_t waited = sc_time_monotonic_ms() - start;
		if (waited >= options->wait_ms) {
			busy_error(lock->where, holder, options->wait_ms ? waited : 0,
			           diag);
			free(holder);
			return -1;
		}
		if (options->should_stop && options->should_stop(options->ctx)) {
			sc_diag_error(diag, NULL, 0, 0,
			              "stopped while waiting for the lock '%s'",
			              lock->where);
			free(holder);
			return -1;
		}
		if (!announced && options->on_wait)
			options->on_wait(options->ctx, lock->where, holder);
		announced = true;
		free(holder);
		int64_t left = options->wait_ms - waited;
		int64_t poll = lock->backend->poll_ms;
		sleep_ms(left < poll ? left : poll);
	}
}

int sc_lock_new(sc_lock **out, const char *where, sc_diag *diag)
{
	*out = NULL;
	if (!where || !*where)
		return sc_diag_error(diag, NULL, 0, 0, "lock: no path given");
	const sc_lock_backend *backend = pick_backend(where, diag);
	if (!backend || (backend->check && backend->check(where, diag)))
		return -1;
	sc_lock *lock = sc_calloc(1, sizeof(*lock));
	lock->backend = backend;
	lock->where = sc_strdup(where);
	lock->fd = -1;
	*out = lock;
	return 0;
}

static char *holder_text_of(const char *holder)
{
	return holder ? sc_lock_holder_printable(holder, strlen(holder))
	              : sc_lock_holder_default();
}

int sc_lock_try(sc_lock *lock, const char *holder, char **holder_out, sc_diag *diag)
{
	char *text = holder_text_of(holder);
	char *found = NULL;

	*holder_out = NULL;
	if (lock->held) {
		free(text);
		return 0;
	}
	int result = lock->backend->try_acquire(lock, text, &found, diag);
	free(text);
	if (result == SC_LOCK_TAKEN)
		lock->held = true;
	if (result == SC_LOCK_BUSY)
		*holder_out = found ? found : sc_strdup("");
	else
		free(found);
	return result;
}

int sc_lock_acquire(sc_lock **out, const char *where, const sc_lock_options *options,
                    sc_diag *diag)
{
	static const sc_lock_options defaults = {0};
	sc_lock *lock = NULL;

	*out = NULL;
	if (sc_lock_new(&lock, where, diag))
		return -1;
	if (!options)
		options = &defaults;
	char *holder_text = holder_text_of(options->holder);
	int result = wait_for(lock, holder_text, options, diag);
	free(holder_text);
	if (result) {
		sc_lock_free(lock);
		return -1;
	}
	lock->held = true;
	*out = lock;
	return 0;
}

int sc_lock_release(sc_lock *lock, sc_diag *diag)
{
	if (!lock || !lock->held)
		return 0;
	lock->held = false;
	return lock->backend->release(lock, diag);
}

void sc_lock_free(sc_lock *lock)
{
	sc_diag ignored = SC_DIAG_INIT;

	if (!lock)
		return;
	sc_lock_release(lock, &ignored);
	sc_diag_release(&ignored);
	if (lock->backend && lock->backend->dispose)
		lock->backend->dispose(lock);
	free(lock->where);
	free(lock);
}

const char *sc_lock_where(const sc_lock *lock)
{
	return lock->where;
}

bool sc_lock_held(const sc_lock *lock)
{
	return lock && lock->held;
}

bool sc_lock_valid(sc_lock *lock, sc_diag *diag)
{
	if (!lock || !lock->held) {
		if (diag)
			sc_diag_error(diag, NULL, 0, 0, "lock '%s': not held",
			              lock ? lock->where : "");
		return false;
	}
	return !lock->backend->valid || lock->backend->valid(lock, diag);
}

bool sc_lock_is_lease(const char *where)
{
	return where && !strncmp(where, "etcd://", 7);
}
