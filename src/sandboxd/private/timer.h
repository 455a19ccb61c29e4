/*
 * A thread that calls a function at given monotonic times: how delayed
 * responses (--latency-ms, slow faults, waitReady) wake their suspended
 * connection without holding a server thread.
 *
 * Ownership: the timer owns its thread and queue; the args it is given
 * are borrowed until fired. sd_timer_stop() fires everything still
 * pending (at once) and joins the thread.
 */
#ifndef SD_TIMER_H
#define SD_TIMER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*sd_timer_fn)(void *ctx, void *arg);

typedef struct sd_timer_entry {
	int64_t due; /* monotonic ms */
	void *arg;
} sd_timer_entry;

typedef struct sd_timer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	sd_timer_entry *heap; /* a min-heap on due */
	size_t count, alloc;
	bool stopping;
	sd_timer_fn fire;
	void *ctx;
} sd_timer;

int sd_timer_start(sd_timer *timer, sd_timer_fn fire, void *ctx);
/*
 * Calls fire(ctx, arg) at due (monotonic ms), from the timer's thread.
 * false once the timer is stopping: the caller fires it itself.
 */
bool sd_timer_add(sd_timer *timer, int64_t due, void *arg);
void sd_timer_stop(sd_timer *timer);

#endif
