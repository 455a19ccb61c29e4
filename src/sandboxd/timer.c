#include "sandboxd/private/timer.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "common/timeutil.h"

static void heap_push(sd_timer *t, sd_timer_entry e)
{
	SC_GROW(t->heap, t->count + 1, t->alloc);
	size_t i = t->count++;
	while (i && t->heap[(i - 1) / 2].due > e.due) {
		t->heap[i] = t->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	t->heap[i] = e;
}

static sd_timer_entry heap_pop(sd_timer *t)
{
	sd_timer_entry top = t->heap[0], last = t->heap[--t->count];
	size_t i = 0;
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= t->count)
			break;
		if (child + 1 < t->count && t->heap[child + 1].due < t->heap[child].due)
			child++;
		if (t->heap[child].due >= last.due)
			break;
		t->heap[i] = t->heap[child];
		i = child;
	}
	if (t->count)
		t->heap[i] = last;
	return top;
}

static void *run(void *arg)
{
	sd_timer *t = arg;
	pthread_mutex_lock(&t->lock);
	for (;;) {
		if (t->count &&
		    (t->stopping || t->heap[0].due <= sc_time_monotonic_ms())) {
			sd_timer_entry e = heap_pop(t);
			pthread_mutex_unlock(&t->lock);
			t->fire(t->ctx, e.arg);
			pthread_mutex_lock(&t->lock);
			continue;
		}
		if (t->stopping)
			break;
		if (!t->count) {
			pthread_cond_wait(&t->wake, &t->lock);
			continue;
		}
		int64_t due = t->heap[0].due;
		struct timespec ts = {(time_t)(due / 1000),
		                      (long)(due % 1000) * 1000000L};
		pthread_cond_timedwait(&t->wake, &t->lock, &ts);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int sd_timer_start(sd_timer *timer, sd_timer_fn fire, void *ctx)
{
	pthread_condattr_t attr;

	memset(timer, 0, sizeof(*timer));
	timer->fire = fire;
	timer->ctx = ctx;
	pthread_mutex_init(&timer->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&timer->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&timer->thread, NULL, run, timer)) {
		pthread_cond_destroy(&timer->wake);
		pthread_mutex_destroy(&timer->lock);
		return -1;
	}
	return 0;
}

bool sd_timer_add(sd_timer *timer, int64_t due, void *arg)
{
	pthread_mutex_lock(&timer->lock);
	bool accepted = !timer->stopping;
	if (accepted) {
		heap_push(timer, (sd_timer_entry){due, arg});
		if (timer->heap[0].arg == arg)
			pthread_cond_signal(&timer->wake);
	}
	pthread_mutex_unlock(&timer->lock);
	return accepted;
}

void sd_timer_stop(sd_timer *timer)
{
	pthread_mutex_lock(&timer->lock);
	timer->stopping = true;
	pthread_cond_signal(&timer->wake);
	pthread_mutex_unlock(&timer->lock);
	pthread_join(timer->thread, NULL);
	pthread_cond_destroy(&timer->wake);
	pthread_mutex_destroy(&timer->lock);
	free(timer->heap);
	timer->heap = NULL;
}
