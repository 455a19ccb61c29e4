/*
 * Staleness: whether a sandbox was made from another version of its spec,
 * and a reason that says what changed as far as the sandbox lets anyone
 * see. envVars are in the hash only: a reason never names their values.
 */
#include "plan/internal.h"

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

static bool is_own_label(const char *key)
{
	return !strncmp(key, "sc-apply/", strlen("sc-apply/"));
}

static void add_key(sc_buf *keys, size_t *count, const char *key)
{
	if (*count < REASON_MAX_KEYS)
		sc_buf_printf(keys, "%s%s", *count ? ", " : "", key);
	else if (*count == REASON_MAX_KEYS)
		sc_buf_puts(keys, ", ...");
	(*count)++;
}

/*
 * Walks the spec's labels and the sandbox's user labels (its metadata
 * without sc-apply/ keys), both sorted, and names each key that was
 * added, removed or changed.
 */
static size_t diff_labels(sc_buf *keys, const sc_kv *want, const sc_kv *have)
{
	size_t i = 0, j = 0, count = 0;

	while (i < want->count || j < have->count) {
		if (j < have->count && is_own_label(have->pairs[j].key)) {
			j++;
			continue;
		}
		int cmp = i == want->count ? 1
		          : j == have->count
		              ? -1
		              : strcmp(want->pairs[i].key, have->pairs[j].key);
		if (cmp < 0) {
			add_key(keys, &count, want->pairs[i++].key);
		} else if (cmp > 0) {
			add_key(keys, &count, have->pairs[j++].key);
		} else {
			if (strcmp(want->pairs[i].value, have->pairs[j].value))
				add_key(keys, &count, want->pairs[i].key);
			i++;
			j++;
		}
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
	const char *have = sc_kv_get(&sandbox->metadata, SC_LABEL_PARTS);
	const char *salt = sc_kv_get(&sandbox->metadata, SC_LABEL_SALT);
	char want[SC_SPEC_PARTS_LEN + 1];
	size_t count = 0, at = 0;

	if (!have || !salt || strlen(have) != SC_SPEC_PARTS_LEN)
		return 0;
	sc_spec_hash_parts(want, spec, salt);
	for (int part = 0; part < SC_SPEC_PART_COUNT; part++) {
		if (part == SC_SPEC_PART_ENV)
			continue;  /* no part of its own: see spec.h */
		if (memcmp(want + at, have + at, 8))
			sc_buf_printf(names, "%s%s", count++ ? ", " : "",
			              sc_spec_part_name((sc_spec_part)part));
		at += 9;
	}
	if (!count)
		sc_buf_printf(names, "%s (changed)", sc_spec_part_name(SC_SPEC_PART_ENV)), count++;
	return count;
}

char *sc_plan_replace_reason(const sc_spec *spec, const sc_sandbox *sandbox)
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
	if (diff_labels(&keys, &spec->labels, &sandbox->metadata))
		sc_buf_printf(&reason, "; labels changed: %s", sc_buf_cstr(&keys));
	if (template_differs(spec, sandbox))
		sc_buf_printf(&reason, "; template '%s', spec says '%s'",
		              sandbox->template_id, spec->template_id);
	sc_buf_release(&keys);
	return sc_buf_detach(&reason);
}
