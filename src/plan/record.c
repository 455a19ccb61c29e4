/*
 * What a sandbox records of its spec at create, in labels, and reading it
 * back. Labels cannot change in place, so a recorded value is the spec's
 * as it was at create: good for an old value in a diff and for protect
 * once no spec names the sandbox, never proof of the present.
 */
#include "plan/private/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#define LABEL_VALUE_MAX 63

/*
 * A Kubernetes label value that is not empty: 1..63 of [A-Za-z0-9._-],
 * alphanumeric at both ends. An empty value is never sent: a service may
 * drop or refuse it, and an absent label says enough.
 */
static bool fits_label(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > LABEL_VALUE_MAX || !isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}

static void record(sc_kv *out, const char *key, const char *value)
{
	if (value && fits_label(value))
		sc_kv_set(out, key, value);
}

void sc_plan_record_labels(sc_kv *out, const sc_spec *spec)
{
	char timeout[16];
	sc_buf names = SC_BUF_INIT;

	snprintf(timeout, sizeof(timeout), "%u", spec->timeout);
	record(out, SC_LABEL_TIMEOUT, timeout);
	record(out, SC_LABEL_PROTECT, spec->protect ? "true" : "false");
	record(out, SC_LABEL_TEMPLATE, spec->template_id ? spec->template_id : "base");
	/* sc_kv is sorted by key: the names come out sorted. */
	for (size_t i = 0; i < spec->env.count; i++)
		sc_buf_printf(&names, "%s%s", i ? "." : "", spec->env.pairs[i].key);
	record(out, SC_LABEL_ENV_NAMES, sc_buf_cstr(&names));
	sc_buf_release(&names);
}

bool sc_plan_recorded_seconds(const sc_sandbox *sandbox, const char *key, unsigned *out)
{
	const char *text = sc_kv_get(&sandbox->metadata, key);
	char *end;
	unsigned long value;

	if (!text || !isdigit((unsigned char)text[0]))
		return false;
	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno || *end || value > 86400)
		return false;
	*out = (unsigned)value;
	return true;
}

void sc_plan_action_labels(sc_kv *out, const sc_action *action)
{
	for (size_t i = 0; i < action->labels.count; i++)
		sc_kv_set(out, action->labels.pairs[i].key, action->labels.pairs[i].value);
}
