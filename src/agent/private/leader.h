/*
 * Leader election for agents that share a lease lock (etcd://...): the
 * one that holds it reconciles, the others stand by and campaign again
 * and again, and whoever can no longer prove it holds the lease steps
 * down at once. Every change of role is a log line and moves the
 * sc_apply_leader gauge.
 *
 * Ownership: a leader borrows where, the log and the metrics; it owns its
 * lock handle. sc_agent_leader_release() resigns (the lease ends at once,
 * so a standby need not wait for its TTL) and frees it.
 */
#ifndef SC_AGENT_LEADER_H
#define SC_AGENT_LEADER_H

#include <stdbool.h>

#include "agent/log.h"
#include "agent/private/metrics.h"
#include "lock/lock.h"

/* How often a standby campaigns, and a leader checks its lease between cycles. */
#define SC_AGENT_LEADER_POLL_MS 250

typedef enum {
	SC_AGENT_ROLE_UNKNOWN, /* nothing said yet */
	SC_AGENT_ROLE_LEADER,
	SC_AGENT_ROLE_STANDBY, /* another holds the lock */
	SC_AGENT_ROLE_CUT_OFF, /* the lock cannot be reached: nobody known to lead */
} sc_agent_role;

typedef struct sc_agent_leader {
	const char *where;
	sc_agent_log *log;
	sc_agent_metrics *metrics;
	sc_lock *lock;
	sc_agent_role role;
	char *said; /* the holder last logged, to log a new leader */
} sc_agent_leader;

/* Fails (the reason in diag) when where is not a lock, before any campaign. */
int sc_agent_leader_init(sc_agent_leader *leader, const char *where, sc_agent_log *log,
                         sc_agent_metrics *metrics, sc_diag *diag);
void sc_agent_leader_release(sc_agent_leader *leader);

/*
 * Whether this agent leads now. A leader whose lease cannot be proven
 * alive steps down here (logged, the lease given up); with try_to_lead, one
 * that does not lead tries once to take the lock.
 */
bool sc_agent_leader_check(sc_agent_leader *leader, bool try_to_lead);

#endif
