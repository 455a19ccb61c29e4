/*
 * Field-level diffs: what an action changes, field by field, with the old
 * value where the sandbox shows it (its labels, its templateID, what was
 * recorded at create) and "(not recorded)" where it does not. Which
 * groups of fields changed comes from sc-apply/parts; envVars have no
 * part (see spec.h), so a changed value is told only when nothing else
 * changed, and which one only when its name is the only one.
 */
#include "plan/private/internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"

static bool is_own_label(const char *key)
{
	return !strncmp(key, "sc-apply/", strlen("sc-apply/"));
}

void sc_plan_part_states(sc_plan_part_state out[SC_SPEC_PART_COUNT], const sc_spec *spec,
                         const sc_sandbox *sandbox)
{
	const char *have = sc_kv_get(&sandbox->metadata, SC_LABEL_PARTS);
	const char *salt = sc_kv_get(&sandbox->metadata, SC_LABEL_SALT);
	const char *hash = sc_kv_get(&sandbox->metadata, SC_LABEL_HASH);
	char want[SC_SPEC_PARTS_LEN + 1];
	bool any = false;
	size_t at = 0;

	for (int part = 0; part < SC_SPEC_PART_COUNT; part++)
		out[part] = SC_PART_UNKNOWN;
	if (!have || !salt || strlen(have) != SC_SPEC_PARTS_LEN)
		return;
	sc_spec_hash_parts(want, spec, salt);
	for (int part = 0; part < SC_SPEC_PART_COUNT; part++) {
		if (part == SC_SPEC_PART_ENV)
			continue;
		out[part] =
		    memcmp(want + at, have + at, 8) ? SC_PART_CHANGED : SC_PART_SAME;
		any |= out[part] == SC_PART_CHANGED;
		at += 9;
	}
	if (hash && !any && sc_plan_is_stale(spec, sandbox))
		out[SC_SPEC_PART_ENV] = SC_PART_CHANGED;
}

static void add_value(sc_action *action, sc_change_kind kind, const char *path,
                      const char *old_value, const char *new_value, bool quoted)
{
	sc_change *change = sc_action_add_change(action, kind, path);

	change->old_value = old_value ? sc_strdup(old_value) : NULL;
	change->new_value = new_value ? sc_strdup(new_value) : NULL;
	change->quoted = quoted;
}

/* ---- template ---- */

/* A server id like "tpl-base-7f3a9c" may stand for the spec's alias: it says nothing. */
static bool is_resolved_id(const char *id)
{
	return !strncmp(id, "tpl-", 4);
}

static void diff_template(sc_action *action, sc_plan_part_state state,
                          const sc_spec *spec, const sc_sandbox *sandbox)
{
	const char *recorded = sc_kv_get(&sandbox->metadata, SC_LABEL_TEMPLATE);
	const char *reported =
	    sandbox->template_id && sandbox->template_id[0] ? sandbox->template_id : NULL;
	const char *want = spec->template_id ? spec->template_id : "base";
	const char *old = recorded ? recorded : reported;

	if (state == SC_PART_SAME)
		return;
	if (state == SC_PART_UNKNOWN && !(recorded && strcmp(recorded, want)) &&
	    !(!recorded && reported && !is_resolved_id(reported) &&
	      strcmp(reported, want)))
		return;
	sc_change *change =
	    sc_action_add_change(action, SC_CHANGE_MODIFIED, "spec.template");
	change->quoted = true;
	change->old_unknown = !old;
	change->old_value = old ? sc_strdup(old) : NULL;
	change->new_value = sc_strdup(want);
	change->defaulted = spec->template_defaulted;
}

/* ---- labels: the sandbox shows them all ---- */

static void diff_labels(sc_action *action, const sc_kv *want, const sc_kv *have)
{
	size_t i = 0, j = 0;
	sc_buf path = SC_BUF_INIT;

	while (i < want->count || j < have->count) {
		if (j < have->count && is_own_label(have->pairs[j].key)) {
			j++;
			continue;
		}
		int cmp = i == want->count ? 1
		          : j == have->count
		              ? -1
		              : strcmp(want->pairs[i].key, have->pairs[j].key);
		const sc_kv_pair *pair = cmp <= 0 ? &want->pairs[i] : &have->pairs[j];
		sc_buf_reset(&path);
		sc_buf_printf(&path, "metadata.labels.%s", pair->key);
		if (cmp < 0)
			add_value(action, SC_CHANGE_ADDED, sc_buf_cstr(&path), NULL,
			          pair->value, true);
		else if (cmp > 0)
			add_value(action, SC_CHANGE_REMOVED, sc_buf_cstr(&path),
			          pair->value, NULL, true);
		else if (strcmp(want->pairs[i].value, have->pairs[j].value))
			add_value(action, SC_CHANGE_MODIFIED, sc_buf_cstr(&path),
			          have->pairs[j].value, want->pairs[i].value, true);
		i += cmp <= 0;
		j += cmp >= 0;
	}
	sc_buf_release(&path);
}

/* ---- envVars: names may be recorded, values never ---- */

static void add_env(sc_action *action, sc_change_kind kind, const char *name)
{
	char *path = sc_asprintf("spec.envVars.%s", name);
	sc_change *change = sc_action_add_change(action, kind, path);

	change->sensitive = true;
	free(path);
}

static void add_env_note(sc_action *action, const char *note)
{
	sc_change *change =
	    sc_action_add_change(action, SC_CHANGE_MODIFIED, "spec.envVars");

	change->sensitive = true;
	change->note = sc_strdup(note);
}

/* Whether name is one of the '.'-joined names of recorded. */
static bool recorded_has(const char *recorded, const char *name)
{
	size_t len = strlen(name);

	for (const char *at = recorded; *at;) {
		const char *end = strchr(at, '.');
		size_t n = end ? (size_t)(end - at) : strlen(at);
		if (n == len && !strncmp(at, name, n))
			return true;
		at += n + (end != NULL);
	}
	return false;
}

/* Names added and removed since the create; returns how many. */
static size_t diff_env_names(sc_action *action, const sc_kv *env, const char *recorded)
{
	size_t count = 0;
	sc_buf name = SC_BUF_INIT;

	for (size_t i = 0; i < env->count; i++) {
		if (!recorded_has(recorded, env->pairs[i].key)) {
			add_env(action, SC_CHANGE_ADDED, env->pairs[i].key);
			count++;
		}
	}
	for (const char *at = recorded; *at;) {
		const char *end = strchr(at, '.');
		size_t n = end ? (size_t)(end - at) : strlen(at);
		sc_buf_reset(&name);
		sc_buf_put(&name, at, n);
		if (!sc_kv_get(env, sc_buf_cstr(&name))) {
			add_env(action, SC_CHANGE_REMOVED, sc_buf_cstr(&name));
			count++;
		}
		at += n + (end != NULL);
	}
	sc_buf_release(&name);
	return count;
}

static void diff_env(sc_action *action, sc_plan_part_state state, const sc_spec *spec,
                     const sc_sandbox *sandbox)
{
	const char *recorded = sc_kv_get(&sandbox->metadata, SC_LABEL_ENV_NAMES);

	if (recorded && diff_env_names(action, &spec->env, recorded))
		return;
	if (state != SC_PART_CHANGED)
		return;
	if (!recorded)
		add_env_note(action, "(changed; the names are not recorded)");
	else if (spec->env.count == 1)
		add_env(action, SC_CHANGE_MODIFIED, spec->env.pairs[0].key);
	else
		add_env_note(action, "(a value changed; which one is not recorded)");
}

/* ---- network, volumeMounts, autoPause/autoResume: old values as the server reports them
 * ---- */

static void put_list(sc_buf *out, const sc_strlist *list)
{
	sc_buf_putc(out, '[');
	for (size_t i = 0; i < list->count; i++)
		sc_buf_printf(out, "%s%s", i ? ", " : "", list->items[i]);
	sc_buf_putc(out, ']');
}

static char *network_text(const sc_network *network)
{
	sc_buf out = SC_BUF_INIT;

	sc_buf_printf(&out, "allowPublicTraffic=%s, allowInternetAccess=%s, allowOut=",
	              network->allow_public_traffic ? "true" : "false",
	              network->allow_internet_access ? "true" : "false");
	put_list(&out, &network->allow_out);
	sc_buf_puts(&out, ", denyOut=");
	put_list(&out, &network->deny_out);
	return sc_buf_detach(&out);
}

static char *mounts_text(const sc_mount *mounts, size_t count)
{
	sc_buf out = SC_BUF_INIT;

	sc_buf_putc(&out, '[');
	for (size_t i = 0; i < count; i++)
		sc_buf_printf(&out, "%s%s:%s", i ? ", " : "", mounts[i].name,
		              mounts[i].path);
	sc_buf_putc(&out, ']');
	return sc_buf_detach(&out);
}

static char *lifecycle_text(bool auto_pause, bool auto_resume)
{
	return sc_asprintf("autoPause=%s, autoResume=%s", auto_pause ? "true" : "false",
	                   auto_resume ? "true" : "false");
}

/*
 * A group shown whole: a change when its part changed, or, without a
 * parts label, when what the server reports differs. Takes old_text
 * (NULL when not reported) and new_text.
 */
static void diff_group(sc_action *action, const char *path, sc_plan_part_state state,
                       char *old_text, char *new_text)
{
	bool show = state == SC_PART_CHANGED ||
	            (state == SC_PART_UNKNOWN && old_text && strcmp(old_text, new_text));

	if (!show) {
		free(old_text);
		free(new_text);
		return;
	}
	sc_change *change = sc_action_add_change(action, SC_CHANGE_MODIFIED, path);
	change->old_unknown = !old_text;
	change->old_value = old_text;
	change->new_value = new_text;
}

static void diff_groups(sc_action *action, const sc_plan_part_state *state,
                        const sc_spec *spec, const sc_sandbox_reported *have)
{
	diff_group(action, "spec.network", state[SC_SPEC_PART_NETWORK],
	           have->network_reported ? network_text(&have->network) : NULL,
	           network_text(&spec->network));
	diff_group(action, "spec.volumeMounts", state[SC_SPEC_PART_MOUNTS],
	           have->mounts_reported ? mounts_text(have->mounts, have->mount_count)
	                                 : NULL,
	           mounts_text(spec->mounts, spec->mount_count));
	diff_group(action, "spec.lifecycle", state[SC_SPEC_PART_LIFECYCLE],
	           have->lifecycle_reported
	               ? lifecycle_text(have->auto_pause, have->auto_resume)
	               : NULL,
	           lifecycle_text(spec->auto_pause, spec->auto_resume));
}

void sc_plan_diff_replace(sc_action *action, const sc_spec *spec,
                          const sc_sandbox *sandbox)
{
	sc_plan_part_state state[SC_SPEC_PART_COUNT];
	unsigned timeout;

	sc_plan_part_states(state, spec, sandbox);
	diff_template(action, state[SC_SPEC_PART_TEMPLATE], spec, sandbox);
	diff_labels(action, &spec->labels, &sandbox->metadata);
	diff_env(action, state[SC_SPEC_PART_ENV], spec, sandbox);
	diff_groups(action, state, spec, &sandbox->reported);
	if (sc_plan_recorded_seconds(sandbox, SC_LABEL_TIMEOUT, &timeout) &&
	    timeout != spec->timeout)
		sc_plan_timeout_change(action, spec,
		                       sandbox); /* the new one gets the spec's */
}

static void add_set_seconds(sc_action *action, const char *path, unsigned value,
                            bool defaulted)
{
	sc_change *change = sc_action_add_change(action, SC_CHANGE_SET, path);

	change->new_value = sc_asprintf("%u", value);
	change->seconds = true;
	change->defaulted = defaulted;
}

void sc_plan_diff_create(sc_action *action, const sc_spec *spec)
{
	sc_change *change = sc_action_add_change(action, SC_CHANGE_SET, "spec.template");

	change->new_value = sc_strdup(spec->template_id ? spec->template_id : "base");
	change->quoted = true;
	change->defaulted = spec->template_defaulted;
	add_set_seconds(action, "spec.timeout", spec->timeout, spec->timeout_defaulted);
	add_set_seconds(action, "spec.renewBefore", spec->renew_before,
	                spec->renew_before_defaulted);
}
