/*
 * A reconcile run: the one pipeline behind every command that touches the
 * service and every agent cycle. It owns the run from start to end:
 *
 *     specs → sets → lock → client → observed sandboxes → plan → execute
 *
 * Each step is a function; sc_reconcile_prepare() chains the steps a
 * command needs, in that order, and stops at the first that fails. The
 * caller (src/cli/) turns the configuration from its options, renders what
 * the run holds, and chooses the exit code: this part never prints and
 * never exits. Progress, -v request lines and a stop request reach it
 * through hooks.
 *
 * Ownership: an sc_reconcile owns everything in it (specs, sets array,
 * client, observed sandboxes, plan, lock, diagnostics) and borrows its
 * configuration, which must outlive it. sc_reconcile_release() frees it
 * all, the lock included, and may be called on a half-built run.
 */
#ifndef SC_RECONCILE_RECONCILE_H
#define SC_RECONCILE_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/client.h"
#include "api/sandbox.h"
#include "common/diag.h"
#include "exec/exec.h"
#include "lock/lock.h"
#include "plan/plan.h"
#include "spec/spec.h"

/* How a run reports and how it is stopped; every hook may be NULL. */
typedef struct sc_reconcile_hooks {
	sc_api_trace_fn trace;           /* one line per HTTP request (no secret) */
	void *trace_ctx;
	sc_exec_progress_fn progress;    /* action started, retrying, finished */
	void *progress_ctx;
	bool (*should_stop)(void *ctx);  /* true: end list retries and lock waits, start nothing new */
	void *stop_ctx;
	/* Another run holds the lock: called once as the wait starts. */
	void (*lock_wait)(void *ctx, const char *where, const char *holder);
	void *lock_wait_ctx;
} sc_reconcile_hooks;

/* Everything a run is told. Strings are borrowed. */
typedef struct sc_reconcile_config {
	const char *const *paths;        /* spec files, directories, "-"; none: set only */
	size_t path_count;
	const char *set;                 /* the set of specs that name none, and a set to own */
	const char *lock_path;           /* held for the run instead of the sets' locks */
	bool no_lock;                    /* take no lock at all */
	long lock_wait_ms;               /* how long to wait for a held lock; 0: fail at once */

	const char *api_url;             /* NULL: $SEACLOUD_API_BASE_URL */
	const char *api_key_file;        /* NULL: $SEACLOUD_API_KEY */
	bool insecure;
	const char *ca_file;             /* NULL: the system's CA certificates */
	sc_filter_style filter_style;
	long request_timeout_ms;         /* 0: the client's default */
	long timeout_ms;                 /* bounds listing, and executing, each; 0: defaults */
	unsigned long max_list_items;    /* the most one list may hold; 0: the api's default */

	bool prune, allow_empty, force;
	long max_delete;                 /* < 0: no cap */
	unsigned parallel;               /* 0: the executor's default */

	sc_reconcile_hooks hooks;
} sc_reconcile_config;

/* What a run is for: how far sc_reconcile_prepare() goes. */
typedef enum {
	SC_RECONCILE_SPECS,     /* validate: load the specs, nothing else */
	SC_RECONCILE_OBSERVE,   /* get: list what the sets hold; no lock, no plan */
	SC_RECONCILE_APPLY,     /* apply, plan, agent: the plan that makes it match */
	SC_RECONCILE_TEARDOWN,  /* delete: the plan that removes the specs' sandboxes */
} sc_reconcile_goal;

typedef struct sc_reconcile {
	const sc_reconcile_config *config;
	sc_diag diag;
	sc_spec_list specs;
	const char **sets;          /* owned array; strings borrowed from specs/config */
	size_t set_count;
	sc_lock *lock;              /* --lock FILE, when held */
	sc_lock_list set_locks;     /* the sets' default locks, when held */
	sc_api_client *client;
	sc_sandbox_list observed;   /* each id once; the run's sets and foreign ones */
	sc_sandbox_list *past;      /* earlier listings of a rollout, which actions borrow from */
	size_t past_count;
	size_t past_alloc;
	sc_diag said;               /* what the diagnostics said by the plan: a wave says each once */
	sc_plan plan;
	bool planned;               /* plan holds a plan (possibly a refused one) */
	bool refused;               /* a guard refused the plan: shown, never run */
	bool from_saved_plan;       /* the plan is a saved one: run exactly, no later wave */
	int64_t elapsed_ms;         /* of sc_reconcile_execute() */
} sc_reconcile;

void sc_reconcile_init(sc_reconcile *run, const sc_reconcile_config *config);
void sc_reconcile_release(sc_reconcile *run);

/*
 * Runs the steps goal needs, in the pipeline's order, stopping at the
 * first that fails (errors in run->diag). For APPLY and TEARDOWN a plan a
 * guard refused is kept in run->plan with run->refused set.
 */
int sc_reconcile_prepare(sc_reconcile *run, sc_reconcile_goal goal);

/* The steps, for a caller that needs one alone (the agent checks the service first). */
int sc_reconcile_load_specs(sc_reconcile *run);
int sc_reconcile_lock(sc_reconcile *run);
int sc_reconcile_connect(sc_reconcile *run);
int sc_reconcile_observe(sc_reconcile *run);
int sc_reconcile_plan_apply(sc_reconcile *run);
int sc_reconcile_plan_teardown(sc_reconcile *run);

/* What sc_reconcile_check_templates() found, in specs (looked_up: distinct templates). */
typedef struct sc_template_check {
	size_t found, missing, unchecked;
	size_t looked_up;
} sc_template_check;

/*
 * validate --online: each spec's template looked up on the service
 * (needs sc_reconcile_connect()). A template the service says it does not
 * have is an error at the spec's place; where the service offers no
 * lookup, the templates are unchecked (one warning). The rule that tells
 * the two apart is templates.c's. Returns -1 when a template is missing
 * or a lookup failed (errors in run->diag).
 */
int sc_reconcile_check_templates(sc_reconcile *run, sc_template_check *out);

/*
 * Saves run->plan, and what it was decided on, to path (see plan_file.c).
 * The plan must be built and not refused.
 */
int sc_reconcile_save_plan(sc_reconcile *run, const char *path);

/*
 * Prepares a run of the plan saved at path: the same pipeline as
 * SC_RECONCILE_APPLY, but it fails, with the reason in run->diag and no
 * plan to execute, unless the specs, the options, the sets and every
 * sandbox of the sets are what the plan was decided on.
 */
int sc_reconcile_prepare_saved(sc_reconcile *run, const char *path);

/*
 * Executes run->plan (never a refused one), and then, while a rollout is
 * progressing, its next waves (see src/reconcile/rollout.c): their actions
 * are appended to run->plan. Returns 0 when every action is done and
 * every rollout complete, -1 otherwise: each action's result says what
 * became of it, and an error in run->diag what became of a rollout.
 */
int sc_reconcile_execute(sc_reconcile *run);

/*
 * Fencing. Whether the run's lock (--lock) is still provably held: true
 * without one, or for a file lock; for a lease (etcd), see sc_lock_valid()
 * (the reason in diag, which may be NULL, when not).
 */
bool sc_reconcile_lock_valid(sc_reconcile *run, sc_diag *diag);
/*
 * The executor's stop (ctx: the run): a stop asked for through the hooks,
 * or a lock no longer provably held. No new action starts once it is true.
 */
bool sc_reconcile_should_stop(void *ctx);
/*
 * Whether run->plan has a rollout that is not complete: progressing
 * (execute carries it on), failed or stalled (execute says so, and fails).
 */
bool sc_reconcile_rollout_pending(const sc_reconcile *run);

/* Whether set (NULL: no) is one of the sets this run owns. */
bool sc_reconcile_owns_set(const sc_reconcile *run, const char *set);
/* The set a listed sandbox belongs to when this run owns it, else NULL. */
const char *sc_reconcile_owner(const sc_reconcile *run, const sc_sandbox *sandbox);
/* The server's clock if the list carried it, else the local clock (Unix ms). */
int64_t sc_reconcile_now(const sc_reconcile *run);
/* How one spec stands; borrowed from the run. */
typedef struct sc_spec_status {
	const sc_spec *spec;
	unsigned present;    /* live sandboxes of the spec (any phase but gone) */
	unsigned current;    /* of those, the ones that match the spec (not stale) */
	unsigned ready;      /* current ones ready (sc_plan_ready: declared state, heartbeat) */
	long ttl_left;       /* seconds, the least of its running ones; -1: none */
} sc_spec_status;

/*
 * Each spec of the run, in order, against the observed sandboxes (specs
 * with none present included). A malloc'd array of count entries.
 */
sc_spec_status *sc_reconcile_spec_status(const sc_reconcile *run, size_t *count);

/* Whether every action of the plan is done. */
bool sc_reconcile_all_done(const sc_reconcile *run);

#endif
