/*
 * Staleness: whether a sandbox was made from another version of its spec,
 * and a reason that says what changed as far as the sandbox lets anyone
 * see. envVars are in the hash only: a reason never names their values.
 */
#include "plan/private/internal.h"

#include <string.h>

#include "common/buf.h"
#include "common/mem.h"

/* How many changed label keys a reason names before "...". */
#define REASON_MAX_KEYS 5

bool sc_plan_is_stale(const sc_spec *spec, const sc_sandbox *sandbox)
{
	const char *salt = sc_kv_get(&sandbox->metadata, SC_LABEL_SALT);
	const char *hash = sc_kv_get(&sandbox->metadata, SC_LABEL_HASH);
	char want[SC_SPEC_HASH_HEX + 1];

	if (!salt || !hash)
		return true;
	sc_spec_hash(want, spec, salt);
	return strcmp(want, hash) != 0;
}

static void add_key(sc_buf *keys, size_t *count, const char *key)
{
	if (*count < REASON_MAX_KEYS)
		sc_buf_printf(keys, "%s%s", *count ? ", " : "", key);
	else if (*count == REASON_MAX_KEYS)
		sc_buf_puts(keys, ", ...");
	(*count)++;
}

/* Names each label key the action's changes add, remove or change. */
static size_t changed_label_keys(sc_buf *keys, const sc_action *action)
{
	static const char prefix[] = "metadata.labels.";
	size_t count = 0;

	for (size_t i = 0; i < action->change_count; i++) {
		const char *path = action->changes[i].path;
		if (!strncmp(path, prefix, sizeof(prefix) - 1))
			add_key(keys, &count, path + sizeof(prefix) - 1);
	}
	return count;
}

/*
 * Whether the sandbox's template visibly differs from the spec's. The
 * server may report an alias ("tpl-base-7f3a" for "base"), so a "tpl-"
 * name or an unreported one says nothing.
 */
static bool template_differs(const sc_spec *spec, const sc_sandbox *sandbox)
{
	const char *have = sandbox->template_id;

	if (!spec->template_id || !have || !have[0] || !strncmp(have, "tpl-", 4))
		return false;
	return strcmp(have, spec->template_id) != 0;
}

/*
 * Names the groups of fields whose sc-apply/parts hash differs ("template,
 * network"); when none does, the full hash can only differ by envVars,
 * which shows as "envVars (changed)", never as a value. Returns 0 when the
 * sandbox has no usable parts label.
 */
static size_t diff_parts(sc_buf *names, const sc_spec *spec, const sc_sandbox *sandbox)
{
	sc_plan_part_state state[SC_SPEC_PART_COUNT];
	size_t count = 0;

	sc_plan_part_states(state, spec, sandbox);
	if (state[SC_SPEC_PART_TEMPLATE] == SC_PART_UNKNOWN)
		return 0;
	for (int part = 0; part < SC_SPEC_PART_COUNT; part++) {
		if (part != SC_SPEC_PART_ENV && state[part] == SC_PART_CHANGED)
			sc_buf_printf(names, "%s%s", count++ ? ", " : "",
			              sc_spec_part_name((sc_spec_part)part));
	}
	if (!count)
		sc_buf_printf(names, "%s (changed)", sc_spec_part_name(SC_SPEC_PART_ENV)),
		    count++;
	return count;
}

char *sc_plan_replace_reason(const sc_action *action, const sc_spec *spec,
                             const sc_sandbox *sandbox)
{
	sc_buf reason = SC_BUF_INIT, keys = SC_BUF_INIT, parts = SC_BUF_INIT;

	if (!sc_kv_get(&sandbox->metadata, SC_LABEL_SALT))
		sc_buf_puts(&reason, "spec hash unknown (no " SC_LABEL_SALT " label)");
	else if (!sc_kv_get(&sandbox->metadata, SC_LABEL_HASH))
		sc_buf_puts(&reason, "spec hash unknown (no " SC_LABEL_HASH " label)");
	else if (diff_parts(&parts, spec, sandbox))
		sc_buf_printf(&reason, "spec changed: %s", sc_buf_cstr(&parts));
	else
		sc_buf_puts(&reason, "spec changed (hash differs)");
	sc_buf_release(&parts);
	if (changed_label_keys(&keys, action))
		sc_buf_printf(&reason, "; labels changed: %s", sc_buf_cstr(&keys));
	if (template_differs(spec, sandbox))
		sc_buf_printf(&reason, "; template '%s', spec says '%s'",
		              sandbox->template_id, spec->template_id);
	sc_buf_release(&keys);
	return sc_buf_detach(&reason);
}
