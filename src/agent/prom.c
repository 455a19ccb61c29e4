/* The Prometheus text exposition format 0.0.4 of the agent's metrics. */
#include "agent/private/metrics.h"

#include "plan/plan.h"

void sc_agent_prom_escape(sc_buf *out, const char *value)
{
	for (; value && *value; value++) {
		if (*value == '\\')
			sc_buf_puts(out, "\\\\");
		else if (*value == '"')
			sc_buf_puts(out, "\\\"");
		else if (*value == '\n')
			sc_buf_puts(out, "\\n");
		else
			sc_buf_putc(out, *value);
	}
}

static void header(sc_buf *out, const char *name, const char *type, const char *help)
{
	sc_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void render_reconcile(const sc_agent_metrics *m, sc_buf *out)
{
	header(out, "sc_apply_reconcile_total", "counter",
	       "Reconcile cycles run, by result.");
	sc_buf_printf(out, "sc_apply_reconcile_total{result=\"success\"} %lu\n",
	              m->successes);
	sc_buf_printf(out, "sc_apply_reconcile_total{result=\"failure\"} %lu\n",
	              m->failures);
}

static void render_duration(const sc_agent_metrics *m, sc_buf *out)
{
	const char *name = "sc_apply_reconcile_duration_seconds";
	unsigned long cumulative = 0;

	header(out, name, "histogram", "How long reconcile cycles took.");
	for (size_t i = 0; i < SC_AGENT_DURATION_BUCKETS; i++) {
		cumulative += m->duration_le[i];
		sc_buf_printf(out, "%s_bucket{le=\"%g\"} %lu\n", name,
		              sc_agent_duration_bounds[i], cumulative);
	}
	sc_buf_printf(out, "%s_bucket{le=\"+Inf\"} %lu\n", name, m->duration_count);
	sc_buf_printf(out, "%s_sum %.6f\n", name, m->duration_sum);
	sc_buf_printf(out, "%s_count %lu\n", name, m->duration_count);
}

static void render_actions(const sc_agent_metrics *m, sc_buf *out)
{
	header(out, "sc_apply_actions_total", "counter",
	       "Actions run, by kind and result.");
	for (size_t kind = 0; kind < SC_AGENT_ACTION_KINDS; kind++) {
		for (size_t result = 0; result < SC_AGENT_RESULT_COUNT; result++)
			sc_buf_printf(
			    out,
			    "sc_apply_actions_total{action=\"%s\",result=\"%s\"} %lu\n",
			    sc_action_kind_name((sc_action_kind)kind),
			    sc_agent_result_name((sc_agent_result)result),
			    m->actions[kind][result]);
	}
}

static void render_managed(const sc_agent_metrics *m, sc_buf *out)
{
	header(out, "sc_apply_managed_sandboxes", "gauge",
	       "Sandboxes of the managed sets after the last cycle that listed them "
	       "(as listed, moved by its done actions), by set and state.");
	for (size_t i = 0; i < m->managed.set_count; i++) {
		const sc_agent_set_count *set = &m->managed.sets[i];
		for (size_t state = 0; state < SC_AGENT_STATE_COUNT; state++) {
			sc_buf_puts(out, "sc_apply_managed_sandboxes{set=\"");
			sc_agent_prom_escape(out, set->set);
			sc_buf_printf(out, "\",state=\"%s\"} %lu\n",
			              sc_agent_state_name((sc_agent_state)state),
			              set->count[state]);
		}
	}
}

static void render_gauges(const sc_agent_metrics *m, sc_buf *out)
{
	header(out, "sc_apply_drift_actions", "gauge",
	       "Actions planned by the last cycle that built a plan.");
	sc_buf_printf(out, "sc_apply_drift_actions %zu\n", m->drift);
	header(out, "sc_apply_last_success_timestamp_seconds", "gauge",
	       "Unix time of the last successful cycle; 0 before the first.");
	sc_buf_printf(out, "sc_apply_last_success_timestamp_seconds %.3f\n",
	              m->last_success);
	header(out, "sc_apply_consecutive_failures", "gauge",
	       "Failed cycles since the last successful one.");
	sc_buf_printf(out, "sc_apply_consecutive_failures %lu\n",
	              m->consecutive_failures);
	if (m->leader < 0)
		return;
	header(out, "sc_apply_leader", "gauge",
	       "1 while this agent holds the leader lock and reconciles; 0 while it "
	       "stands by.");
	sc_buf_printf(out, "sc_apply_leader %d\n", m->leader);
}

void sc_agent_metrics_render(sc_agent_metrics *metrics, sc_buf *out)
{
	pthread_mutex_lock(&metrics->lock);
	render_reconcile(metrics, out);
	render_duration(metrics, out);
	render_actions(metrics, out);
	render_managed(metrics, out);
	render_gauges(metrics, out);
	pthread_mutex_unlock(&metrics->lock);
}
