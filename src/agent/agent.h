/*
 * Agent mode: reconcile forever. The loop runs a cycle function that the
 * caller gives (the cli layer: load the specs, list, plan, execute) every
 * interval with jitter, at once on SIGHUP, backing off exponentially while
 * cycles fail; it stops cleanly on SIGTERM or SIGINT after the running
 * cycle, serves /metrics, /healthz and /readyz when asked, and writes its
 * events to a structured log. It never prints on its own and never exits
 * the process.
 *
 * Ownership: sc_agent_run() borrows the configuration (and the log) for
 * the run; everything it makes it frees before it returns.
 */
#ifndef SC_AGENT_AGENT_H
#define SC_AGENT_AGENT_H

#include <stdbool.h>

#include "agent/log.h"
#include "agent/report.h"
#include "agent/signals.h"
#include "common/diag.h"

/* The run in progress, as a cycle function sees it. */
typedef struct sc_agent sc_agent;

/*
 * One reconcile cycle, number counting from 1. It fills out (zeroed on
 * entry; the loop releases it): ok, what it observed, planned and did.
 * A cycle that cannot load its specs or reach the service is a failed
 * cycle (ok false) that changes nothing.
 */
typedef void (*sc_agent_cycle_fn)(void *ctx, sc_agent *agent, unsigned long number,
                                  sc_agent_report *out);

typedef struct sc_agent_config {
	long interval_ms;   /* between cycles; > 0 */
	long grace_ms;      /* how long a stop waits for the running cycle */
	double jitter;      /* fraction of each wait, e.g. SC_AGENT_JITTER; 0: none */
	const char *listen; /* "ADDR:PORT" for /metrics; NULL: no server */
	sc_agent_cycle_fn cycle;
	void *cycle_ctx;
	/*
	 * Called on the signal thread when a stop was asked for and the loop
	 * has not finished within grace_ms (or a second stop signal came).
	 * The cli ends the process there; NULL lets the cycle run to its end.
	 */
	sc_agent_expired_fn grace_expired;
	void *grace_ctx;
	sc_agent_log *log;        /* borrowed; NULL: no log */
	/*
	 * Leader election: a lease lock (etcd://...) that agents on many
	 * hosts share. Only the agent that holds it runs cycles; the others
	 * stand by (ready, campaigning every SC_AGENT_LEADER_POLL_MS) and the
	 * first to take it after the leader's lease ends starts a cycle at
	 * once. The leader keeps it across cycles and steps down as soon as it
	 * cannot prove its lease alive. NULL: every cycle runs.
	 */
	const char *leader_lock;
	unsigned long max_cycles; /* 0: until stopped (tests set a bound) */
} sc_agent_config;

/*
 * Runs the loop until a stop signal (or max_cycles). Returns 0 on a clean
 * stop, -1 with the reason in diag when it could not start (a bad
 * --listen-metrics, the address in use).
 */
int sc_agent_run(const sc_agent_config *config, sc_diag *diag);

/* Whether a stop was asked for: a cycle checks it before it starts to write. */
bool sc_agent_stopping(const sc_agent *agent);
/*
 * Whether this agent may write now: always without leader election; with
 * it, only while it provably holds the lock (a leader that cannot steps
 * down here). A cycle checks it before every write it starts (fencing).
 */
bool sc_agent_leading(sc_agent *agent);
/* The metrics address actually bound ("127.0.0.1:43123"), or NULL without a server. */
const char *sc_agent_metrics_address(const sc_agent *agent);

#endif
