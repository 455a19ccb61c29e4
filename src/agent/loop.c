/* The agent's loop: wait, reconcile, record, back off; stop on a signal. */
#include "agent/agent.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "agent/backoff.h"
#include "agent/private/leader.h"
#include "agent/private/metrics.h"
#include "agent/server.h"
#include "common/timeutil.h"

struct sc_agent {
	const sc_agent_config *config;
	sc_agent_signals signals;
	sc_agent_metrics metrics;
	sc_agent_server *server;
	unsigned long cycles;
	unsigned long unplanned; /* cycles in a row that could not reach a plan */
	bool electing;           /* config->leader_lock: cycles run only while leading */
	sc_agent_leader leader;
};

bool sc_agent_stopping(const sc_agent *agent)
{
	return sc_agent_signals_stopping(&agent->signals);
}

bool sc_agent_leading(sc_agent *agent)
{
	return !agent->electing || sc_agent_leader_check(&agent->leader, false);
}

const char *sc_agent_metrics_address(const sc_agent *agent)
{
	return agent->server ? sc_agent_server_address(agent->server) : NULL;
}

/* Sleeps until the signal pipe wakes it or ms pass. */
static void wait_signal(sc_agent *agent, int64_t ms)
{
	struct pollfd pfd = {.fd = sc_agent_signals_fd(&agent->signals), .events = POLLIN};

	int ready = poll(&pfd, 1, ms > 60000 ? 60000 : (int)ms);
	if (ready > 0) {
		sc_agent_signals_drain(&agent->signals);
	} else if (ready < 0 && errno != EINTR) {
		/* Not on a valid pipe; but never spin: wait a little. */
		struct timespec step = {0, 100 * 1000000L};
		nanosleep(&step, NULL);
	}
}

/*
 * Whether a cycle may start now, with leader election: only a leader's
 * may; a standby campaigns on each call, and one that has just taken
 * over starts at once (the old leader's drift is its to heal).
 */
static bool may_start(sc_agent *agent, bool due)
{
	bool was_leading = agent->leader.role == SC_AGENT_ROLE_LEADER;
	bool leading = sc_agent_leader_check(&agent->leader, true);
	return leading && (due || !was_leading);
}

/*
 * Waits until the monotonic time due, a stop, or a SIGHUP; false when
 * stopping. With leader election it polls the lock meanwhile, and returns
 * only as a leader.
 */
static bool wait_for_cycle(sc_agent *agent, int64_t due)
{
	sc_agent_log *log = agent->config->log;
	bool requested = false;

	for (;;) {
		if (sc_agent_stopping(agent))
			return false;
		if (sc_agent_signals_take_reload(&agent->signals)) {
			sc_agent_log_event(log, SC_AGENT_INFO, "reconcile requested",
			                   SC_AGENT_STR("signal", "SIGHUP"),
			                   SC_AGENT_END);
			requested = true;
		}
		int64_t left = due - sc_time_monotonic_ms();
		bool is_due = requested || left <= 0;
		if (!agent->electing && is_due)
			return true;
		if (agent->electing && may_start(agent, is_due))
			return true;
		if (agent->electing && (left <= 0 || left > SC_AGENT_LEADER_POLL_MS))
			left = SC_AGENT_LEADER_POLL_MS;
		wait_signal(agent, left);
	}
}

static void log_cycle(sc_agent *agent, unsigned long number,
                      const sc_agent_report *report, long next_ms)
{
	unsigned long done = sc_agent_report_total(report, SC_AGENT_RESULT_DONE);
	unsigned long failed = sc_agent_report_total(report, SC_AGENT_RESULT_FAILED);
	unsigned long skipped = sc_agent_report_total(report, SC_AGENT_RESULT_SKIPPED);

	sc_agent_log_event(
	    agent->config->log, report->ok ? SC_AGENT_INFO : SC_AGENT_WARN,
	    report->ok ? "cycle finished" : "cycle failed", SC_AGENT_INT("cycle", number),
	    SC_AGENT_BOOL("ok", report->ok),
	    SC_AGENT_INT("duration_ms", report->duration_ms),
	    SC_AGENT_INT("drift", report->drift),
	    SC_AGENT_INT("actions", done + failed + skipped), SC_AGENT_INT("done", done),
	    SC_AGENT_INT("failed", failed), SC_AGENT_INT("skipped", skipped),
	    SC_AGENT_INT("consecutive_failures",
	                 sc_agent_metrics_consecutive_failures(&agent->metrics)),
	    SC_AGENT_INT("next_in_ms", next_ms), SC_AGENT_END);
}

/* Runs one cycle, records it, and returns the wait before the next. */
static long run_cycle(sc_agent *agent)
{
	const sc_agent_config *config = agent->config;
	sc_agent_report report = SC_AGENT_REPORT_INIT;
	unsigned long number = ++agent->cycles;

	int64_t start = sc_time_monotonic_ms();
	sc_agent_signals_set_busy(&agent->signals, true);
	config->cycle(config->cycle_ctx, agent, number, &report);
	sc_agent_signals_set_busy(&agent->signals, false);
	report.duration_ms = sc_time_monotonic_ms() - start;
	sc_agent_metrics_record(&agent->metrics, &report, sc_time_now_ms());

	/*
	 * Back off only when the cycle could not reach a plan (bad specs, the
	 * service down): one failing action must not delay every other
	 * sandbox's renewal by ten intervals.
	 */
	agent->unplanned = report.ok || report.planned ? 0 : agent->unplanned + 1;
	long next = sc_agent_jitter_ms(sc_agent_backoff_ms(config->interval_ms, agent->unplanned),
	                               config->jitter, sc_agent_random_unit());
	log_cycle(agent, number, &report, next);
	sc_agent_report_release(&report);
	return next;
}

static int start(sc_agent *agent, sc_diag *diag)
{
	const sc_agent_config *config = agent->config;

	if (config->interval_ms <= 0)
		return sc_diag_error(diag, NULL, 0, 0, "--interval: must be more than 0");
	if (!config->cycle)
		return sc_diag_error(diag, NULL, 0, 0, "agent: no cycle to run");
	/* The signal mask first: every thread started after it inherits it. */
	if (sc_agent_signals_start(&agent->signals, config->grace_ms,
	                           config->grace_expired, config->grace_ctx, config->log,
	                           diag))
		return -1;
	if (config->listen &&
	    sc_agent_server_start(&agent->server, config->listen, &agent->metrics, diag))
		return -1;
	if (config->leader_lock) {
		if (sc_agent_leader_init(&agent->leader, config->leader_lock, config->log,
		                         &agent->metrics, diag))
			return -1;
		agent->electing = true;
	}
	sc_agent_metrics_set_live(&agent->metrics, true);
	sc_agent_log_event(config->log, SC_AGENT_INFO, "agent started",
	                   SC_AGENT_INT("interval_ms", config->interval_ms),
	                   SC_AGENT_INT("grace_ms", config->grace_ms),
	                   SC_AGENT_STR("metrics", sc_agent_metrics_address(agent)),
	                   SC_AGENT_END);
	return 0;
}

static void stop(sc_agent *agent)
{
	sc_agent_metrics_set_live(&agent->metrics, false);
	if (agent->electing)
		sc_agent_leader_release(&agent->leader);
	agent->electing = false;
	sc_agent_server_free(agent->server);
	agent->server = NULL;
	sc_agent_signals_stop(&agent->signals);
	sc_agent_metrics_release(&agent->metrics);
}

int sc_agent_run(const sc_agent_config *config, sc_diag *diag)
{
	sc_agent agent;

	memset(&agent, 0, sizeof(agent));
	agent.config = config;
	agent.signals.pipe[0] = agent.signals.pipe[1] = -1;
	sc_agent_metrics_init(&agent.metrics);
	if (start(&agent, diag)) {
		stop(&agent);
		return -1;
	}
	int64_t due = sc_time_monotonic_ms();
	while (wait_for_cycle(&agent, due)) {
		long next = run_cycle(&agent);
		if (config->max_cycles && agent.cycles >= config->max_cycles)
			break;
		due = sc_time_monotonic_ms() + next;
	}
	/* The lease given up before the last line: a standby may lead at once. */
	if (agent.electing)
		sc_agent_leader_release(&agent.leader);
	agent.electing = false;
	sc_agent_log_event(config->log, SC_AGENT_INFO, "agent stopped",
	                   SC_AGENT_INT("cycles", agent.cycles),
	                   SC_AGENT_BOOL("by_signal", sc_agent_stopping(&agent)),
	                   SC_AGENT_END);
	stop(&agent);
	return 0;
}
