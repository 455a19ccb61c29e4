#include "common/address.h"

#include <netdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

/* Splits text into a malloc'd host and a borrowed port; -1 when it is not ADDR:PORT. */
static int split(const char *text, char **host, const char **port)
{
	const char *colon;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || close == text + 1 || close[1] != ':')
			return -1;
		*host = sc_strndup(text + 1, (size_t)(close - text - 1));
		*port = close + 2;
		return 0;
	}
	colon = strrchr(text, ':');
	if (!colon || colon == text || memchr(text, ':', (size_t)(colon - text)))
		return -1;
	*host = sc_strndup(text, (size_t)(colon - text));
	*port = colon + 1;
	return 0;
}

static bool valid_port(const char *port)
{
	size_t len = strlen(port);
	return len && len <= 5 && strspn(port, "0123456789") == len && atol(port) <= 65535;
}

int sc_address_parse(struct sockaddr_storage *out, socklen_t *out_len, const char *text,
                     const char *option, sc_diag *diag)
{
	char *host = NULL;
	const char *port = NULL;
	struct addrinfo hints, *found = NULL;

	if (!text || split(text, &host, &port) || !valid_port(port)) {
		free(host);
		return sc_diag_error(diag, NULL, 0, 0,
		                     "%s: must be ADDR:PORT (e.g. 127.0.0.1:9090, 0.0.0.0:9090 for "
		                     "every interface, [::1]:9090), got \"%s\"",
		                     option, text ? text : "");
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	int err = getaddrinfo(host, port, &hints, &found);
	if (err || !found || found->ai_addrlen > sizeof(*out)) {
		sc_diag_error(diag, NULL, 0, 0, "%s: cannot resolve '%s': %s", option, host,
		              err ? gai_strerror(err) : "no address");
		if (found)
			freeaddrinfo(found);
		free(host);
		return -1;
	}
	memcpy(out, found->ai_addr, found->ai_addrlen);
	*out_len = found->ai_addrlen;
	freeaddrinfo(found);
	free(host);
	return 0;
}
