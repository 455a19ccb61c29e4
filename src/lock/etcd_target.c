/*
 * What an etcd lock URL names: etcd://HOST:PORT[,HOST:PORT...]/KEY[?ttl=N].
 * Strict, since it decides who may write: a host is a name or an IPv4
 * address ([A-Za-z0-9.-]) or a bracketed IPv6 one, a port 1..65535, the
 * key printable URL characters, the only query the lease's TTL.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "lock/private/etcd.h"

static bool host_ok(const char *host, size_t len)
{
	if (!len)
		return false;
	if (host[0] == '[') {
		if (len < 3 || host[len - 1] != ']')
			return false;
		for (size_t i = 1; i + 1 < len; i++) {
			if (!isxdigit((unsigned char)host[i]) && !strchr(":.", host[i]))
				return false;
		}
		return true;
	}
	for (size_t i = 0; i < len; i++) {
		if (!isalnum((unsigned char)host[i]) && !strchr(".-", host[i]))
			return false;
	}
	return true;
}

/* Adds "http://HOST:PORT" for the len bytes at text, or fails naming them. */
static int add_endpoint(sc_etcd_target *target, const char *where, const char *text,
                        size_t len, sc_diag *diag)
{
	const char *colon = NULL;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == ':')
			colon = text + i;
	}
	size_t host_len = colon ? (size_t)(colon - text) : 0;
	const char *port = colon ? colon + 1 : NULL;
	size_t port_len = colon ? len - host_len - 1 : 0;
	long number = 0;
	bool port_ok = port_len > 0 && port_len <= 5;

	for (size_t i = 0; port_ok && i < port_len; i++) {
		port_ok = isdigit((unsigned char)port[i]);
		number = number * 10 + (port[i] - '0');
	}
	if (!colon || !host_ok(text, host_len) || !port_ok || number < 1 ||
	    number > 65535)
		return sc_diag_error(
		    diag, NULL, 0, 0,
		    "lock '%s': '%.*s' is not HOST:PORT (etcd://HOST:PORT"
		    "[,HOST:PORT...]/KEY)",
		    where, (int)len, text);
	target->endpoints = sc_realloc(target->endpoints,
	                               (target->count + 1) * sizeof(*target->endpoints));
	target->endpoints[target->count++] = sc_asprintf("http://%.*s", (int)len, text);
	return 0;
}

static int parse_hosts(sc_etcd_target *target, const char *where, const char *hosts,
                       size_t len, sc_diag *diag)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && hosts[i] != ',')
			continue;
		if (add_endpoint(target, where, hosts + start, i - start, diag))
			return -1;
		start = i + 1;
	}
	return 0;
}

/* A key is printable URL text without '%', '?' or '#', and not empty. */
static int parse_key(sc_etcd_target *target, const char *where, const char *key,
                     size_t len, sc_diag *diag)
{
	if (!len)
		return sc_diag_error(diag, NULL, 0, 0,
		                     "lock '%s': no key (etcd://HOST:PORT/KEY)", where);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)key[i];
		if (c <= 0x20 || c >= 0x7f || strchr("%#\"\\<>^`{|}", c))
			return sc_diag_error(
			    diag, NULL, 0, 0,
			    "lock '%s': the key may hold only letters, digits "
			    "and -._~/:@!$&'()*+,;=",
			    where);
	}
	target->key = sc_strndup(key, len);
	return 0;
}

static int parse_query(sc_etcd_target *target, const char *where, const char *query,
                       sc_diag *diag)
{
	char *end = NULL;

	if (strncmp(query, "ttl=", 4))
		return sc_diag_error(
		    diag, NULL, 0, 0,
		    "lock '%s': unknown option '%s' (the only one is ttl=SECONDS)", where,
		    query);
	long ttl = strtol(query + 4, &end, 10);
	if (!isdigit((unsigned char)query[4]) || *end || ttl < SC_ETCD_TTL_MIN_S ||
	    ttl > SC_ETCD_TTL_MAX_S)
		return sc_diag_error(
		    diag, NULL, 0, 0, "lock '%s': ttl must be %d to %d seconds, got '%s'",
		    where, SC_ETCD_TTL_MIN_S, SC_ETCD_TTL_MAX_S, query + 4);
	target->ttl_s = ttl;
	return 0;
}

int sc_etcd_target_parse(sc_etcd_target *out, const char *where, sc_diag *diag)
{
	static const char scheme[] = "etcd://";
	const char *rest = where + strlen(scheme);

	memset(out, 0, sizeof(*out));
	out->ttl_s = SC_ETCD_TTL_DEFAULT_S;
	if (strncmp(where, scheme, strlen(scheme)))
		return sc_diag_error(diag, NULL, 0, 0, "lock '%s': not an etcd:// URL",
		                     where);
	const char *slash = strchr(rest, '/');
	const char *query = strchr(rest, '?');
	if (!slash || (query && query < slash)) {
		sc_diag_error(diag, NULL, 0, 0,
		              "lock '%s': no key (etcd://HOST:PORT/KEY)", where);
		return -1;
	}
	const char *key = slash + 1;
	size_t key_len = query ? (size_t)(query - key) : strlen(key);
	if (parse_hosts(out, where, rest, (size_t)(slash - rest), diag) ||
	    parse_key(out, where, key, key_len, diag) ||
	    (query && parse_query(out, where, query + 1, diag))) {
		sc_etcd_target_release(out);
		return -1;
	}
	return 0;
}

void sc_etcd_target_release(sc_etcd_target *target)
{
	for (size_t i = 0; i < target->count; i++)
		free(target->endpoints[i]);
	free(target->endpoints);
	free(target->key);
	memset(target, 0, sizeof(*target));
}
