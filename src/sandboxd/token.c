#include "sandboxd/private/token.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *encode(const unsigned char *data, size_t len)
{
	char *out = sc_malloc(len * 4 / 3 + 4), *p = out;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)data[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		*p++ = alphabet[(v >> 18) & 63];
		*p++ = alphabet[(v >> 12) & 63];
		if (i + 1 < len)
			*p++ = alphabet[(v >> 6) & 63];
		if (i + 2 < len)
			*p++ = alphabet[v & 63];
	}
	*p = '\0';
	return out;
}

static int decode(const char *text, unsigned char *out, size_t cap, size_t *len)
{
	unsigned acc = 0;
	int bits = 0;
	*len = 0;
	for (; *text; text++) {
		const char *at = strchr(alphabet, *text);
		if (!at || !*text)
			return -1;
		acc = (acc << 6) | (unsigned)(at - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (*len >= cap)
				return -1;
			out[(*len)++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return 0;
}

char *sd_token_encode(int64_t started_at, const char *id)
{
	char plain[128];
	int n = snprintf(plain, sizeof(plain), "p1|%lld|%s", (long long)started_at, id);
	return encode((const unsigned char *)plain, (size_t)n);
}

int sd_token_decode(const char *text, int64_t *started_at, char id[SD_ID_MAX])
{
	unsigned char plain[128];
	size_t len;
	char *end;

	if (!text || strlen(text) > 160 || decode(text, plain, sizeof(plain) - 1, &len))
		return -1;
	plain[len] = '\0';
	if (strncmp((char *)plain, "p1|", 3) || !isdigit(plain[3]))
		return -1;
	long long ms = strtoll((char *)plain + 3, &end, 10);
	if (*end != '|')
		return -1;
	const char *rest = end + 1;
	size_t id_len = strlen(rest);
	if (!id_len || id_len >= SD_ID_MAX ||
	    len != (size_t)(rest - (char *)plain) + id_len)
		return -1;
	for (const char *p = rest; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return -1;
	}
	*started_at = ms;
	memcpy(id, rest, id_len + 1);
	return 0;
}
