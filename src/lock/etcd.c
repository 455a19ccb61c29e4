/*
 * The etcd backend: a lease, kept alive by a thread of its own, and a
 * key taken under it only if it does not exist (a transaction comparing
 * its create_revision with 0). Whoever holds the key holds the lock; when
 * the holder stops renewing (killed, frozen, partitioned from the quorum)
 * etcd ends the lease and with it the key, and the next contender's
 * transaction succeeds.
 *
 * Fencing is judged here, on the monotonic clock: the lease is known to
 * live until (send time of the last keep-alive etcd confirmed) + TTL,
 * since etcd renews it no earlier than it receives the request. The lock
 * is valid only in the first two thirds of that window, so a write
 * started while valid has a third of the TTL to land; once the window has
 * passed unconfirmed, or etcd says the lease or the key is gone, the lock
 * is lost for good.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "common/timeutil.h"
#include "lock/private/backend.h"
#include "lock/private/etcd.h"

typedef struct etcd_lock {
	sc_etcd_target target;
	sc_etcd_client client; /* the caller's thread's */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t mutex;
	pthread_cond_t wake; /* on CLOCK_MONOTONIC */

	/* Under mutex: */
	bool stop;            /* the keep-alive thread ends */
	int64_t lease;        /* 0: none */
	int64_t ttl_ms;       /* as granted */
	int64_t confirmed_at; /* monotonic ms: send time of the last confirmed renewal */
	int64_t revision;     /* the key's create_revision once taken; 0 before */
	bool lost;
	char *lost_why;   /* malloc'd */
	char *last_error; /* the last keep-alive failure, malloc'd */
} etcd_lock;

static etcd_lock *state_of(sc_lock *lock)
{
	return lock->state;
}

/* The per-request timeout of the caller's calls and of the keep-alive's. */
static long call_timeout_ms(int64_t ttl_s)
{
	long ms = (long)(ttl_s * 1000 / 2);
	return ms < 500 ? 500 : ms > 5000 ? 5000 : ms;
}

static long keepalive_timeout_ms(int64_t ttl_ms)
{
	long ms = (long)(ttl_ms / 4);
	return ms < 200 ? 200 : ms > 2000 ? 2000 : ms;
}

static void deadline_in(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* Marks the lease lost (under mutex); the first reason stays. */
static void mark_lost(etcd_lock *e, char *why)
{
	if (!e->lost) {
		e->lost = true;
		e->lost_why = why;
	} else {
		free(why);
	}
}

/* One keep-alive: 1 alive (etcd gave a TTL), 0 gone, -1 unknown (error in diag). */
static int keep_alive(sc_etcd_client *client, int64_t lease, sc_diag *diag)
{
	char body[64];
	cJSON *answer = NULL;

	snprintf(body, sizeof(body), "{\"ID\":\"%lld\"}", (long long)lease);
	if (sc_etcd_call(client, "/v3/lease/keepalive", body, &answer, diag))
		return -1;
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(answer, "result");
	int alive = -1;
	if (cJSON_IsObject(result))
		alive = sc_etcd_int(result, "TTL") > 0;
	else
		sc_diag_error(diag, NULL, 0, 0,
		              "etcd keep-alive: an answer without a result");
	cJSON_Delete(answer);
	return alive;
}

/*
 * The key's kv: its value (decoded, malloc'd; may be NULL), lease and
 * create_revision. 1 when the key exists, 0 when not, -1 on an error.
 */
static int key_kv(const cJSON *range, char **value, int64_t *lease, int64_t *revision)
{
	const cJSON *kvs = cJSON_GetObjectItemCaseSensitive(range, "kvs");
	const cJSON *kv = cJSON_IsArray(kvs) ? cJSON_GetArrayItem(kvs, 0) : NULL;

	if (value)
		*value = NULL;
	if (!cJSON_IsObject(kv))
		return 0;
	*lease = sc_etcd_int(kv, "lease");
	*revision = sc_etcd_int(kv, "create_revision");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(kv, "value");
	if (value && cJSON_IsString(data))
		*value = sc_etcd_unbase64(data->valuestring, NULL);
	return 1;
}

/* Whether the key is still the one this holder created: 1 yes, 0 no, -1 unknown. */
static int key_is_ours(sc_etcd_client *client, const char *key64, int64_t lease,
                       int64_t revision, sc_diag *diag)
{
	cJSON *answer = NULL;
	char *body = sc_asprintf("{\"key\":\"%s\"}", key64);
	int64_t kv_lease = 0, kv_revision = 0;

	int result = sc_etcd_call(client, "/v3/kv/range", body, &answer, diag);
	free(body);
	if (result)
		return -1;
	int exists = key_kv(answer, NULL, &kv_lease, &kv_revision);
	cJSON_Delete(answer);
	return exists && kv_lease == lease && kv_revision == revision;
}

/* One renewal round of the keep-alive thread; returns when the next is due. */
static int64_t renew(etcd_lock *e, sc_etcd_client *client, const char *key64)
{
	sc_diag diag = SC_DIAG_INIT;

	pthread_mutex_lock(&e->mutex);
	int64_t lease = e->lease, revision = e->revision, ttl_ms = e->ttl_ms;
	pthread_mutex_unlock(&e->mutex);

	int64_t sent = sc_time_monotonic_ms();
	int alive = keep_alive(client, lease, &diag);
	int ours = alive == 1 && revision
	               ? key_is_ours(client, key64, lease, revision, &diag)
	               : alive;

	pthread_mutex_lock(&e->mutex);
	int64_t next = sc_time_monotonic_ms() + (ttl_ms / 10 < 100 ? 100 : ttl_ms / 10);
	if (alive == 0) {
		mark_lost(e, sc_strdup("etcd says the lease has ended"));
	} else if (ours == 0) {
		mark_lost(
		    e, sc_asprintf("the key '%s' was deleted or taken by another holder",
		                   e->target.key));
	} else if (ours == 1 && !e->lost) {
		e->confirmed_at = sent;
		free(e->last_error);
		e->last_error = NULL;
		next = sent + ttl_ms / 4;
	} else if (diag.count) {
		free(e->last_error);
		e->last_error = sc_strdup(diag.entries[diag.count - 1].message);
	}
	pthread_mutex_unlock(&e->mutex);
	sc_diag_release(&diag);
	return next;
}

/* The keep-alive thread: renews every TTL/4 (sooner after a failure) until stopped or
 * lost. */
static void *keep_alive_thread(void *arg)
{
	etcd_lock *e = arg;
	sc_etcd_client client;
	sc_diag diag = SC_DIAG_INIT;
	char *key64 = sc_etcd_base64(e->target.key, strlen(e->target.key));

	pthread_mutex_lock(&e->mutex);
	long timeout = keepalive_timeout_ms(e->ttl_ms);
	int64_t due = e->confirmed_at + e->ttl_ms / 4;
	pthread_mutex_unlock(&e->mutex);
	if (sc_etcd_client_init(&client, &e->target, timeout, &diag)) {
		pthread_mutex_lock(&e->mutex);
		mark_lost(e, sc_strdup(diag.entries[0].message));
		pthread_mutex_unlock(&e->mutex);
		due = -1;
	}
	while (due >= 0) {
		struct timespec until;
		pthread_mutex_lock(&e->mutex);
		while (!e->stop && !e->lost && sc_time_monotonic_ms() < due) {
			deadline_in(&until, due - sc_time_monotonic_ms());
			pthread_cond_timedwait(&e->wake, &e->mutex, &until);
		}
		bool done = e->stop || e->lost;
		pthread_mutex_unlock(&e->mutex);
		if (done)
			break;
		due = renew(e, &client, key64);
	}
	sc_etcd_client_release(&client);
	sc_diag_release(&diag);
	free(key64);
	return NULL;
}

static void stop_thread(etcd_lock *e)
{
	if (!e->thread_started)
		return;
	pthread_mutex_lock(&e->mutex);
	e->stop = true;
	pthread_cond_signal(&e->wake);
	pthread_mutex_unlock(&e->mutex);
	pthread_join(e->thread, NULL);
	e->thread_started = false;
	e->stop = false;
}

/* Ends the lease (and so the key) as soon as etcd hears it; best effort. */
static void revoke(etcd_lock *e)
{
	sc_diag ignored = SC_DIAG_INIT;
	cJSON *answer = NULL;
	char body[64];

	if (!e->lease)
		return;
	/* Briefly: the lease ends by its TTL anyway, and a leader steps down now. */
	long timeout = e->client.timeout_ms;
	e->client.timeout_ms = timeout < 1000 ? timeout : 1000;
	snprintf(body, sizeof(body), "{\"ID\":\"%lld\"}", (long long)e->lease);
	if (sc_etcd_call(&e->client, "/v3/lease/revoke", body, &answer, &ignored) == 0)
		cJSON_Delete(answer);
	e->client.timeout_ms = timeout;
	sc_diag_release(&ignored);
}

/* Gives up the lease: the thread stops, etcd is told, the state is reset. */
static void drop_lease(etcd_lock *e)
{
	stop_thread(e);
	revoke(e);
	pthread_mutex_lock(&e->mutex);
	e->lease = 0;
	e->revision = 0;
	e->lost = false;
	free(e->lost_why);
	e->lost_why = NULL;
	free(e->last_error);
	e->last_error = NULL;
	pthread_mutex_unlock(&e->mutex);
}

static etcd_lock *state_new(sc_lock *lock, sc_diag *diag)
{
	etcd_lock *e = sc_calloc(1, sizeof(*e));
	pthread_condattr_t attr;

	if (sc_etcd_target_parse(&e->target, lock->where, diag)) {
		free(e);
		return NULL;
	}
	pthread_mutex_init(&e->mutex, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&e->wake, &attr);
	pthread_condattr_destroy(&attr);
	lock->state = e;
	if (sc_etcd_client_init(&e->client, &e->target, call_timeout_ms(e->target.ttl_s),
	                        diag))
		return NULL;
	return e;
}

/* A new lease, kept alive from now on. */
static int grant(etcd_lock *e, sc_diag *diag)
{
	cJSON *answer = NULL;
	char body[64];

	snprintf(body, sizeof(body), "{\"TTL\":\"%lld\"}", (long long)e->target.ttl_s);
	int64_t sent = sc_time_monotonic_ms();
	if (sc_etcd_call(&e->client, "/v3/lease/grant", body, &answer, diag))
		return -1;
	int64_t id = sc_etcd_int(answer, "ID"), ttl = sc_etcd_int(answer, "TTL");
	cJSON_Delete(answer);
	if (!id || ttl <= 0)
		return sc_diag_error(diag, NULL, 0, 0,
		                     "etcd /v3/lease/grant: no lease granted");
	pthread_mutex_lock(&e->mutex);
	e->lease = id;
	e->ttl_ms = ttl * 1000;
	e->confirmed_at = sent;
	pthread_mutex_unlock(&e->mutex);
	if (pthread_create(&e->thread, NULL, keep_alive_thread, e)) {
		revoke(e);
		e->lease = 0;
		return sc_diag_error(diag, NULL, 0, 0,
		                     "etcd: cannot start the keep-alive thread");
	}
	e->thread_started = true;
	return 0;
}

/* The lease to take the key under: the current one while alive, else a new one. */
static int ensure_lease(etcd_lock *e, sc_diag *diag)
{
	pthread_mutex_lock(&e->mutex);
	bool usable = e->lease && !e->lost &&
	              sc_time_monotonic_ms() < e->confirmed_at + e->ttl_ms * 2 / 3;
	pthread_mutex_unlock(&e->mutex);
	if (usable)
		return 0;
	drop_lease(e);
	return grant(e, diag);
}

/*
 * The transaction: put the key under the lease if it does not exist, else
 * read it. The key found under this very lease is this holder's (an
 * earlier attempt whose answer was lost).
 */
static int take_key(etcd_lock *e, const char *holder_text, char **holder, sc_diag *diag)
{
	char *key64 = sc_etcd_base64(e->target.key, strlen(e->target.key));
	char *value64 = sc_etcd_base64(holder_text, strlen(holder_text));
	char *body = sc_asprintf(
	    "{\"compare\":[{\"key\":\"%s\",\"target\":\"CREATE\",\"result\":\"EQUAL\","
	    "\"create_revision\":\"0\"}],"
	    "\"success\":[{\"request_put\":{\"key\":\"%s\",\"value\":\"%s\",\"lease\":\"%"
	    "lld\"}}],"
	    "\"failure\":[{\"request_range\":{\"key\":\"%s\"}}]}",
	    key64, key64, value64, (long long)e->lease, key64);
	cJSON *answer = NULL;
	int result = sc_etcd_call(&e->client, "/v3/kv/txn", body, &answer, diag);
	free(body);
	free(key64);
	free(value64);
	if (result)
		return -1;

	int64_t revision = 0, kv_lease = 0;
	char *value = NULL;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(answer, "succeeded"))) {
		const cJSON *header = cJSON_GetObjectItemCaseSensitive(answer, "header");
		revision = sc_etcd_int(header, "revision");
		result = SC_LOCK_TAKEN;
	} else {
		const cJSON *responses =
		    cJSON_GetObjectItemCaseSensitive(answer, "responses");
		const cJSON *first = cJSON_GetArrayItem(responses, 0);
		const cJSON *range =
		    cJSON_GetObjectItemCaseSensitive(first, "response_range");
		int exists = key_kv(range, &value, &kv_lease, &revision);
		/* Gone between the compare and the read: try again at the next poll. */
		result = exists && kv_lease == e->lease ? SC_LOCK_TAKEN : SC_LOCK_BUSY;
		if (result == SC_LOCK_BUSY)
			*holder = sc_lock_holder_printable(value ? value : "",
			                                   value ? strlen(value) : 0);
	}
	free(value);
	cJSON_Delete(answer);
	if (result == SC_LOCK_TAKEN && !revision)
		return sc_diag_error(diag, NULL, 0, 0,
		                     "etcd /v3/kv/txn: no revision in the answer");
	if (result == SC_LOCK_TAKEN) {
		pthread_mutex_lock(&e->mutex);
		e->revision = revision;
		pthread_mutex_unlock(&e->mutex);
	}
	return result;
}

static int etcd_try_acquire(sc_lock *lock, const char *holder_text, char **holder,
                            sc_diag *diag)
{
	etcd_lock *e = lock->state ? state_of(lock) : state_new(lock, diag);

	if (!e || ensure_lease(e, diag))
		return -1;
	int result = take_key(e, holder_text, holder, diag);
	if (result == SC_LOCK_TAKEN && !lock->backend->valid(lock, diag)) {
		drop_lease(e);
		return -1;
	}
	return result;
}

static bool etcd_valid(sc_lock *lock, sc_diag *diag)
{
	etcd_lock *e = state_of(lock);
	int64_t now = sc_time_monotonic_ms();
	char *why = NULL;

	pthread_mutex_lock(&e->mutex);
	int64_t silent = now - e->confirmed_at;
	const char *error = e->last_error;
	if (!e->lost && silent >= e->ttl_ms)
		mark_lost(e,
		          sc_asprintf("no keep-alive confirmed for %lld ms, past the "
		                      "lease's TTL of %lld ms%s%s",
		                      (long long)silent, (long long)e->ttl_ms,
		                      error ? "; last error: " : "", error ? error : ""));
	if (e->lost)
		why = sc_asprintf("the lease is lost: %s", e->lost_why);
	else if (silent >= e->ttl_ms * 2 / 3)
		why = sc_asprintf(
		    "cannot prove the lease is alive: no keep-alive confirmed for "
		    "%lld ms of its %lld ms TTL%s%s",
		    (long long)silent, (long long)e->ttl_ms,
		    error ? "; last error: " : "", error ? error : "");
	pthread_mutex_unlock(&e->mutex);
	if (why && diag)
		sc_diag_error(diag, NULL, 0, 0, "lock '%s': %s", lock->where, why);
	free(why);
	return !why;
}

static int etcd_release(sc_lock *lock, sc_diag *diag)
{
	(void)diag;
	drop_lease(state_of(lock));
	return 0;
}

static int etcd_check(const char *where, sc_diag *diag)
{
	sc_etcd_target target;

	if (sc_etcd_target_parse(&target, where, diag))
		return -1;
	sc_etcd_target_release(&target);
	return 0;
}

static void etcd_dispose(sc_lock *lock)
{
	etcd_lock *e = state_of(lock);

	if (!e)
		return;
	drop_lease(e);
	sc_etcd_client_release(&e->client);
	sc_etcd_target_release(&e->target);
	pthread_mutex_destroy(&e->mutex);
	pthread_cond_destroy(&e->wake);
	free(e);
	lock->state = NULL;
}

const sc_lock_backend sc_lock_etcd_backend = {
    .name = "etcd",
    .try_acquire = etcd_try_acquire,
    .release = etcd_release,
    .valid = etcd_valid,
    .check = etcd_check,
    .dispose = etcd_dispose,
    .poll_ms = 250,
};
