#include "reconcile/private/digest.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/sha256.h"

/* Each value goes in with its length first, so no two inputs share a stream. */
static void put_string(sc_sha256 *ctx, const char *value)
{
	uint64_t len = value ? strlen(value) + 1 : 0;
	sc_sha256_update(ctx, &len, sizeof(len));
	if (value)
		sc_sha256_update(ctx, value, len - 1);
}

static void put_number(sc_sha256 *ctx, int64_t value)
{
	char text[32];
	snprintf(text, sizeof(text), "%" PRId64, value);
	put_string(ctx, text);
}

static void put_kv(sc_sha256 *ctx, const sc_kv *kv)
{
	put_number(ctx, (int64_t)kv->count);
	for (size_t i = 0; i < kv->count; i++) {
		put_string(ctx, kv->pairs[i].key);
		put_string(ctx, kv->pairs[i].value);
	}
}

static void put_strlist(sc_sha256 *ctx, const sc_strlist *list)
{
	put_number(ctx, (int64_t)list->count);
	for (size_t i = 0; i < list->count; i++)
		put_string(ctx, list->items[i]);
}

/* Every field of a spec; a field added to sc_spec is added here. */
static void put_spec(sc_sha256 *ctx, const sc_spec *spec)
{
	put_string(ctx, spec->set);
	put_string(ctx, spec->name);
	put_kv(ctx, &spec->labels);
	put_string(ctx, spec->template_id);
	put_number(ctx, spec->replicas);
	put_number(ctx, spec->state);
	put_number(ctx, spec->timeout);
	put_number(ctx, spec->renew_before);
	put_number(ctx, spec->wait_ready);
	put_number(ctx, spec->auto_pause);
	put_number(ctx, spec->auto_resume);
	put_number(ctx, spec->protect);
	put_number(ctx, spec->replace);
	put_number(ctx, spec->readiness);
	put_number(ctx, spec->rollout.present);
	put_number(ctx, spec->rollout.max_surge);
	put_number(ctx, spec->rollout.max_surge_percent);
	put_number(ctx, spec->rollout.max_unavailable);
	put_number(ctx, spec->rollout.max_unavailable_percent);
	put_number(ctx, spec->rollout.progress_deadline);
	put_kv(ctx, &spec->env);
	put_number(ctx, spec->network.allow_public_traffic);
	put_number(ctx, spec->network.allow_internet_access);
	put_strlist(ctx, &spec->network.allow_out);
	put_strlist(ctx, &spec->network.deny_out);
	put_number(ctx, (int64_t)spec->mount_count);
	for (size_t i = 0; i < spec->mount_count; i++) {
		put_string(ctx, spec->mounts[i].name);
		put_string(ctx, spec->mounts[i].path);
	}
}

static void finish(char out[SC_DIGEST_HEX + 1], sc_sha256 *ctx)
{
	uint8_t bytes[32];
	sc_sha256_final(ctx, bytes);
	sc_hex(out, bytes, sizeof(bytes));
	out[SC_DIGEST_HEX] = '\0';
}

void sc_reconcile_specs_digest(char out[SC_DIGEST_HEX + 1], const sc_spec_list *specs,
                               const char *salt)
{
	sc_sha256 ctx;
	sc_sha256_init(&ctx);
	put_string(&ctx, salt);
	put_number(&ctx, (int64_t)specs->count);
	for (size_t i = 0; i < specs->count; i++)
		put_spec(&ctx, &specs->items[i]);
	finish(out, &ctx);
}

void sc_reconcile_sandbox_digest(char out[SC_DIGEST_HEX + 1], const sc_sandbox *sandbox)
{
	sc_sha256 ctx;
	sc_sha256_init(&ctx);
	put_string(&ctx, sandbox->id);
	put_string(&ctx, sandbox->template_id);
	put_string(&ctx, sandbox->status);
	put_number(&ctx, sandbox->phase);
	put_kv(&ctx, &sandbox->metadata);
	put_number(&ctx, sandbox->started_at);
	put_number(&ctx, sandbox->end_at);
	finish(out, &ctx);
}
