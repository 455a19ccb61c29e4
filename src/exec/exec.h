/*
 * The executor: runs a plan's actions in parallel on the API client's one
 * libcurl multi handle, with retries (exponential backoff, full jitter,
 * Retry-After), a client-side rate cap, an adaptive window (fewer requests
 * in flight while the service answers 429, more again as requests succeed:
 * private/aimd.h), idempotent creates (a create whose
 * outcome is unknown is looked up by its create token before it is tried
 * again), and progress events.
 *
 * Ownership: sc_exec_run() borrows the client, the plan and the options;
 * it writes each action's result (the strings in it belong to the plan,
 * freed by sc_plan_release()).
 */
#ifndef SC_EXEC_EXEC_H
#define SC_EXEC_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "api/client.h"
#include "common/diag.h"
#include "plan/plan.h"

typedef enum {
	SC_EXEC_EVENT_STARTED,  /* the action's first request goes out */
	SC_EXEC_EVENT_RETRYING, /* a request failed and will be tried again */
	SC_EXEC_EVENT_FINISHED, /* the result is final (done counts it) */
} sc_exec_event;

typedef void (*sc_exec_progress_fn)(void *ctx, const sc_action *action,
                                    sc_exec_event event, size_t done, size_t total);

/* Asked between requests; true once the run should stop (SIGTERM in the agent). */
typedef bool (*sc_exec_stop_fn)(void *ctx);

typedef struct sc_exec_options {
	unsigned parallel;     /* transfers in flight; 0: 16 */
	unsigned max_attempts; /* per request, retries included; 0: 8 */
	long base_backoff_ms;  /* 0: 200; exponential with full jitter, capped at
	                          max_backoff_ms */
	long max_backoff_ms;   /* 0: 10000 */
	long total_timeout_ms; /* bound for the whole run; 0: 600000 */
	long ready_timeout_ms; /* polling a 'starting' sandbox until ready; 0: 180000 */
	long poll_interval_ms; /* 0: 500 */
	double max_rate;       /* client-side requests per second cap; 0: none */
	/*
	 * Keep parallel requests in flight even while the service throttles
	 * (429): no adaptive window. For comparisons; off by default.
	 */
	bool fixed_window;
	sc_exec_progress_fn progress;
	void *progress_ctx;
	/*
	 * When should_stop says so: no new action starts (SKIPPED), no retry
	 * waits (FAILED, "stopped"), and requests in flight finish, so nothing
	 * is left half-done that a create token cannot resolve next run.
	 */
	sc_exec_stop_fn should_stop;
	void *stop_ctx;
} sc_exec_options;

/*
 * Runs every action of plan, filling each action's result (status,
 * message without secrets, new_id, attempts, http_status, duration_ms).
 * One failed action does not stop the others. Actions not finished when
 * total_timeout_ms runs out end SKIPPED (never started) or FAILED, with a
 * message. Returns 0 when all are DONE, -1 otherwise (the failures are in
 * the results; diag gets only problems of the run itself).
 */
int sc_exec_run(sc_api_client *client, sc_plan *plan, const sc_exec_options *options,
                sc_diag *diag);

#endif
