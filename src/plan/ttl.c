/*
 * TTL: after an apply every running sandbox of a running spec has at most
 * timeout seconds left (plus the round trip) and at least renewBefore.
 * A low TTL is renewed; a TTL above the timeout (the timeout was
 * lowered) is shortened; a raised timeout is set at once on a sandbox
 * that still lives by its create's TTL, and by the next renewal on the
 * others. Each is one POST /timeout {timeout}, so a second run finds the
 * TTL in range and writes nothing.
 */
#include "plan/private/internal.h"

#include <stdlib.h>

#include "common/mem.h"

/* The create's recorded timeout, when it differs from the spec's. */
static bool old_timeout(const sc_spec *spec, const sc_sandbox *sandbox, unsigned *out)
{
	return sc_plan_recorded_seconds(sandbox, SC_LABEL_TIMEOUT, out) &&
	       *out != spec->timeout;
}

/* Whether endAt is still startedAt + the create's timeout: never renewed since. */
static bool lives_by_create_ttl(const sc_sandbox *sandbox, unsigned created_timeout)
{
	int64_t create_end;

	if (!sandbox->started_at)
		return false;
	create_end = sandbox->started_at + (int64_t)created_timeout * 1000;
	return sandbox->end_at >= create_end - SC_PLAN_TTL_SLACK_MS &&
	       sandbox->end_at <= create_end + SC_PLAN_TTL_SLACK_MS;
}

sc_ttl_need sc_plan_ttl_check(const sc_spec *spec, const sc_sandbox *sandbox, int64_t now)
{
	int64_t timeout_ms = (int64_t)spec->timeout * 1000;
	unsigned created;

	if (!sandbox->end_at)
		return SC_TTL_UNKNOWN;
	int64_t left_ms = sandbox->end_at - now;
	if (left_ms < (int64_t)spec->renew_before * 1000)
		return SC_TTL_LOW;
	if (left_ms > timeout_ms + SC_PLAN_TTL_SLACK_MS)
		return SC_TTL_ABOVE;
	if (old_timeout(spec, sandbox, &created) && created < spec->timeout &&
	    timeout_ms - (int64_t)created * 1000 > SC_PLAN_TTL_SLACK_MS &&
	    lives_by_create_ttl(sandbox, created))
		return SC_TTL_RAISED;
	return SC_TTL_OK;
}

static long long seconds_left(const sc_sandbox *sandbox, int64_t now)
{
	return (long long)((sandbox->end_at - now) / 1000);
}

static char *low_reason(const sc_spec *spec, const sc_sandbox *sandbox, int64_t now)
{
	const char *defaulted = spec->renew_before_defaulted ? " (default)" : "";
	unsigned created;
	char *reason, *with_timeout;

	if (sandbox->end_at >= now)
		reason = sc_asprintf("TTL %llds left < renewBefore %us%s",
		                     seconds_left(sandbox, now), spec->renew_before,
		                     defaulted);
	else
		reason = sc_asprintf("TTL ran out %llds ago (renewBefore %us%s)",
		                     -seconds_left(sandbox, now), spec->renew_before,
		                     defaulted);
	if (!old_timeout(spec, sandbox, &created))
		return reason;
	with_timeout =
	    sc_asprintf("%s; timeout %u \xE2\x86\x92 %u", reason, created, spec->timeout);
	free(reason);
	return with_timeout;
}

char *sc_plan_ttl_reason(sc_ttl_need need, const sc_spec *spec, const sc_sandbox *sandbox,
                         int64_t now)
{
	unsigned created;

	if (need == SC_TTL_LOW)
		return low_reason(spec, sandbox, now);
	if (old_timeout(spec, sandbox, &created))
		return sc_asprintf("timeout %u \xE2\x86\x92 %u%s: TTL %llds left",
		                   created, spec->timeout,
		                   spec->timeout_defaulted ? " (default)" : "",
		                   seconds_left(sandbox, now));
	return sc_asprintf("TTL %llds left > timeout %us%s", seconds_left(sandbox, now),
	                   spec->timeout, spec->timeout_defaulted ? " (default)" : "");
}

void sc_plan_timeout_change(sc_action *action, const sc_spec *spec,
                            const sc_sandbox *sandbox)
{
	unsigned created;
	bool recorded = sc_plan_recorded_seconds(sandbox, SC_LABEL_TIMEOUT, &created);
	sc_change *change =
	    sc_action_add_change(action, SC_CHANGE_MODIFIED, "spec.timeout");

	change->seconds = true;
	change->old_unknown = !recorded;
	change->old_at_create = recorded;
	change->old_value = recorded ? sc_asprintf("%u", created) : NULL;
	change->new_value = sc_asprintf("%u", spec->timeout);
	change->defaulted = spec->timeout_defaulted;
}

void sc_plan_ttl_changes(sc_action *action, sc_ttl_need need, const sc_spec *spec,
                         const sc_sandbox *sandbox, int64_t now)
{
	unsigned created;
	long long left = seconds_left(sandbox, now);

	if (need != SC_TTL_LOW || old_timeout(spec, sandbox, &created))
		sc_plan_timeout_change(action, spec, sandbox);
	sc_change *ttl = sc_action_add_change(action, SC_CHANGE_MODIFIED, "status.ttl");
	ttl->seconds = true;
	ttl->old_value = sc_asprintf("%lld", left > 0 ? left : 0);
	ttl->new_value = sc_asprintf("%u", spec->timeout);
}
