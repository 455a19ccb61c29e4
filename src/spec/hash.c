#include "spec/spec.h"

#include <stdint.h>
#include <string.h>

#include "common/sha256.h"

/*
 * The canonical encoding: a version tag, then every field in a fixed
 * order, each string and count as an 8-byte big-endian length or number
 * before its bytes, so no two different specs encode alike. Maps are
 * sc_kv, sorted by key already. Changing anything here changes every
 * hash, replacing every sandbox: bump the tag when you must.
 */
#define HASH_TAG "sc-apply/spec-hash/v1"

static void put_number(sc_sha256 *ctx, uint64_t n)
{
	uint8_t bytes[8];

	for (int i = 7; i >= 0; i--) {
		bytes[i] = (uint8_t)(n & 0xFF);
		n >>= 8;
	}
	sc_sha256_update(ctx, bytes, sizeof(bytes));
}

static void put_string(sc_sha256 *ctx, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	put_number(ctx, len);
	sc_sha256_update(ctx, s ? s : "", len);
}

static void put_kv(sc_sha256 *ctx, const sc_kv *kv)
{
	put_number(ctx, kv->count);
	for (size_t i = 0; i < kv->count; i++) {
		put_string(ctx, kv->pairs[i].key);
		put_string(ctx, kv->pairs[i].value);
	}
}

static void put_list(sc_sha256 *ctx, const sc_strlist *list)
{
	put_number(ctx, list->count);
	for (size_t i = 0; i < list->count; i++)
		put_string(ctx, list->items[i]);
}

/* One group of fields, encoded; the full hash is every group in order. */
static void put_part(sc_sha256 *ctx, const sc_spec *spec, sc_spec_part part)
{
	switch (part) {
	case SC_SPEC_PART_TEMPLATE:
		put_string(ctx, spec->template_id);
		return;
	case SC_SPEC_PART_LABELS:
		put_kv(ctx, &spec->labels);
		return;
	case SC_SPEC_PART_ENV:
		put_kv(ctx, &spec->env);
		return;
	case SC_SPEC_PART_NETWORK:
		put_number(ctx, spec->network.allow_public_traffic);
		put_number(ctx, spec->network.allow_internet_access);
		put_list(ctx, &spec->network.allow_out);
		put_list(ctx, &spec->network.deny_out);
		return;
	case SC_SPEC_PART_MOUNTS:
		put_number(ctx, spec->mount_count);
		for (size_t i = 0; i < spec->mount_count; i++) {
			put_string(ctx, spec->mounts[i].name);
			put_string(ctx, spec->mounts[i].path);
		}
		return;
	case SC_SPEC_PART_LIFECYCLE:
		put_number(ctx, spec->auto_pause);
		put_number(ctx, spec->auto_resume);
		return;
	}
}

void sc_spec_hash(char out[SC_SPEC_HASH_HEX + 1], const sc_spec *spec, const char *salt)
{
	sc_sha256 ctx;
	uint8_t digest[32];

	sc_sha256_init(&ctx);
	put_string(&ctx, HASH_TAG);
	put_string(&ctx, salt);
	for (int part = 0; part < SC_SPEC_PART_COUNT; part++)
		put_part(&ctx, spec, (sc_spec_part)part);
	sc_sha256_final(&ctx, digest);
	sc_hex(out, digest, SC_SPEC_HASH_HEX / 2);
	memset(digest, 0, sizeof(digest));
}

/* Each part as 8 hex digits, salted and tagged apart from the full hash. */
#define PARTS_TAG "sc-apply/spec-parts/v1"
#define PART_HEX 8

void sc_spec_hash_parts(char out[SC_SPEC_PARTS_LEN + 1], const sc_spec *spec,
                        const char *salt)
{
	char *at = out;

	for (int part = 0; part < SC_SPEC_PART_COUNT; part++) {
		sc_sha256 ctx;
		uint8_t digest[32];

		if (part == SC_SPEC_PART_ENV)
			continue;  /* never a hash of the secrets alone */
		sc_sha256_init(&ctx);
		put_string(&ctx, PARTS_TAG);
		put_string(&ctx, salt);
		put_number(&ctx, (uint64_t)part);
		put_part(&ctx, spec, (sc_spec_part)part);
		sc_sha256_final(&ctx, digest);
		sc_hex(at, digest, PART_HEX / 2);
		at[PART_HEX] = '.';
		at += PART_HEX + 1;
		memset(digest, 0, sizeof(digest));
	}
	out[SC_SPEC_PARTS_LEN] = '\0';
}

const char *sc_spec_part_name(sc_spec_part part)
{
	static const char *const names[SC_SPEC_PART_COUNT] = {
		"template", "labels", "envVars", "network", "volumeMounts", "autoPause/autoResume",
	};
	return names[part];
}
