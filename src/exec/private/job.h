/*
 * One action being executed: a small state machine that issues one
 * request at a time and moves on by the response. Internal to src/exec/.
 *
 * An action is a sequence of stages: a create stage (create, look the
 * create token up when its outcome is unknown, poll until ready, pause
 * when the spec wants it paused), a delete of the old sandbox, or one
 * simple call (connect, pause, timeout). A replace is create then delete,
 * or delete then create.
 *
 * Ownership: a job borrows its action (and the plan's spec and sandbox)
 * and the client; it owns its strings, its create body (SECRET, wiped) and
 * its transfer while one is in flight. sc_exec_job_release() frees them.
 */
#ifndef SC_EXEC_JOB_H
#define SC_EXEC_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "api/client.h"
#include "exec/exec.h"
#include "plan/plan.h"

typedef enum {
	SC_STAGE_CREATE,     /* make the new sandbox, ready (and paused if wanted) */
	SC_STAGE_DELETE_OLD, /* DELETE action->sandbox; 404/410 are done */
	SC_STAGE_CALL,       /* the one call of resume, pause or renew */
} sc_exec_stage;

typedef enum {
	SC_STEP_CREATE,    /* POST /sandboxes */
	SC_STEP_RECOVER,   /* GET /sandboxes filtered by set and create token */
	SC_STEP_POLL,      /* GET /sandboxes/:new until ready */
	SC_STEP_PAUSE_NEW, /* POST /sandboxes/:new/pause */
	SC_STEP_DELETE,    /* DELETE /sandboxes/:old */
	SC_STEP_CONNECT,   /* POST /sandboxes/:old/connect {timeout} */
	SC_STEP_PAUSE,     /* POST /sandboxes/:old/pause */
	SC_STEP_RENEW,     /* POST /sandboxes/:old/timeout {timeout} */
} sc_exec_step;

/* What the run loop should do with a job after a response. */
typedef enum {
	SC_JOB_NEXT,     /* issue the next request at ready_at */
	SC_JOB_RETRY,    /* a failed request will be retried at ready_at */
	SC_JOB_FINISHED, /* the result is final */
} sc_job_outcome;

/* The run's settings, defaults applied. */
typedef struct sc_exec_settings {
	unsigned parallel;
	unsigned max_attempts;
	long base_backoff_ms;
	long max_backoff_ms;
	long total_timeout_ms;
	long ready_timeout_ms;
	long poll_interval_ms;
	double max_rate;
	bool fixed_window;
	int64_t deadline; /* monotonic ms when the run must end */
} sc_exec_settings;

typedef struct sc_exec_job {
	sc_action *action;
	sc_api_client *client;
	const sc_exec_settings *settings;
	sc_exec_stage stages[2];
	unsigned stage_count;
	unsigned stage; /* index into stages */
	sc_exec_step step;
	char token[33];     /* sc-apply/create-token, one per create stage */
	char *create_body;  /* SECRET; kept so a re-create sends the same token */
	char *recover_page; /* next page token while looking the create up */
	unsigned recover_misses; /* lookups of this create's token that found nothing */
	char *new_id;
	unsigned attempt;         /* requests of the current step, retries included */
	unsigned create_attempts; /* create requests sent for this create stage */
	int64_t ready_at;         /* monotonic ms when the next request may go */
	int64_t poll_deadline;    /* monotonic ms when waiting for ready gives up */
	int64_t started_at;       /* monotonic ms of the first request; 0 before */
	char *last_error;         /* the last failure, for the final message */
	sc_api_transfer *transfer;
	uint64_t ticket; /* the in-flight request's number for the AIMD window */
	bool finished;
} sc_exec_job;

void sc_exec_job_init(sc_exec_job *job, sc_action *action, sc_api_client *client,
                      const sc_exec_settings *settings);
void sc_exec_job_release(sc_exec_job *job);

/* Sets the job up for stage number job->stage (a create stage gets a new token). */
void sc_exec_job_enter_stage(sc_exec_job *job);

/* The transfer for the job's current step (not started). */
sc_api_transfer *sc_exec_job_request(sc_exec_job *job);

/* Moves the job on by its finished transfer (which it frees). */
sc_job_outcome sc_exec_job_handle(sc_exec_job *job, int64_t now);

/* Ends the job: status, message (printf, scrubbed of secrets). */
void sc_exec_job_finish(sc_exec_job *job, sc_result_status status, int64_t now,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The short name of a step for messages: "create", "delete", ... */
const char *sc_exec_step_name(sc_exec_step step);


/* The filter that finds this create's sandbox: its set and its token (out initialised). */
void sc_exec_job_token_filter(const sc_exec_job *job, sc_kv *out);

#endif
