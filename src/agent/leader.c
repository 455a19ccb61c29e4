/* Leader election on a lease lock: campaign, lead, step down; say each change. */
#include "agent/private/leader.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

int sc_agent_leader_init(sc_agent_leader *leader, const char *where, sc_agent_log *log,
                         sc_agent_metrics *metrics, sc_diag *diag)
{
	memset(leader, 0, sizeof(*leader));
	leader->where = where;
	leader->log = log;
	leader->metrics = metrics;
	if (sc_lock_new(&leader->lock, where, diag))
		return -1;
	sc_agent_metrics_set_leader(metrics, false, false);
	return 0;
}

/*
 * Logs a new role, or a standby's new leader; moves the gauge. A cut-off
 * agent's errors vary from attempt to attempt (the member tried last):
 * the first is said, not each.
 */
static void become(sc_agent_leader *leader, sc_agent_role role, const char *detail)
{
	const char *text = detail ? detail : "";

	if (role == leader->role && (role != SC_AGENT_ROLE_STANDBY ||
	                             (leader->said && !strcmp(leader->said, text))))
		return;
	switch (role) {
	case SC_AGENT_ROLE_LEADER:
		sc_agent_log_event(leader->log, SC_AGENT_INFO,
		                   "leading: took the lock; reconciling",
		                   SC_AGENT_STR("lock", leader->where), SC_AGENT_END);
		break;
	case SC_AGENT_ROLE_STANDBY:
		sc_agent_log_event(leader->log, SC_AGENT_INFO,
		                   "standing by: another agent holds the lock",
		                   SC_AGENT_STR("lock", leader->where),
		                   SC_AGENT_STR("holder", text), SC_AGENT_END);
		break;
	default:
		sc_agent_log_event(
		    leader->log, SC_AGENT_ERROR,
		    "standing by: cannot take the lock, so no agent is known to "
		    "lead; not reconciling",
		    SC_AGENT_STR("lock", leader->where), SC_AGENT_STR("error", text),
		    SC_AGENT_END);
		break;
	}
	leader->role = role;
	free(leader->said);
	leader->said = sc_strdup(text);
	sc_agent_metrics_set_leader(leader->metrics, role == SC_AGENT_ROLE_LEADER,
	                            role == SC_AGENT_ROLE_STANDBY);
}

/* The lease can no longer be proven alive: no write may start; give it up. */
static void step_down(sc_agent_leader *leader, const char *why)
{
	sc_diag ignored = SC_DIAG_INIT;

	sc_agent_log_event(leader->log, SC_AGENT_ERROR,
	                   "stepped down: lost the lock; no new action starts",
	                   SC_AGENT_STR("lock", leader->where),
	                   SC_AGENT_STR("error", why), SC_AGENT_END);
	leader->role = SC_AGENT_ROLE_UNKNOWN;
	free(leader->said);
	leader->said = NULL;
	sc_agent_metrics_set_leader(leader->metrics, false, false);
	sc_lock_release(leader->lock, &ignored);
	sc_diag_release(&ignored);
}

static void campaign(sc_agent_leader *leader)
{
	sc_diag diag = SC_DIAG_INIT;
	char *holder = NULL;
	int result = sc_lock_try(leader->lock, NULL, &holder, &diag);

	if (result == 0)
		become(leader, SC_AGENT_ROLE_LEADER, NULL);
	else if (result == 1)
		become(leader, SC_AGENT_ROLE_STANDBY, holder);
	else
		become(leader, SC_AGENT_ROLE_CUT_OFF,
		       diag.count ? diag.entries[diag.count - 1].message
		                  : "unknown error");
	free(holder);
	sc_diag_release(&diag);
}

bool sc_agent_leader_check(sc_agent_leader *leader, bool try_to_lead)
{
	if (leader->role == SC_AGENT_ROLE_LEADER) {
		sc_diag why = SC_DIAG_INIT;
		if (sc_lock_valid(leader->lock, &why)) {
			sc_diag_release(&why);
			return true;
		}
		step_down(leader, why.count ? why.entries[0].message : "not held");
		sc_diag_release(&why);
	}
	if (try_to_lead)
		campaign(leader);
	return leader->role == SC_AGENT_ROLE_LEADER;
}

void sc_agent_leader_release(sc_agent_leader *leader)
{
	if (leader->role == SC_AGENT_ROLE_LEADER)
		sc_agent_log_event(leader->log, SC_AGENT_INFO, "stepped down: stopping",
		                   SC_AGENT_STR("lock", leader->where), SC_AGENT_END);
	sc_lock_free(leader->lock);
	free(leader->said);
	memset(leader, 0, sizeof(*leader));
}
