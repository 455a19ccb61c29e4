#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "lock/lock.h"

char *sc_lock_holder_default(void)
{
	char host[256] = "";
	char since[32];

	if (gethostname(host, sizeof(host) - 1) < 0 || !*host)
		snprintf(host, sizeof(host), "%s", "this host");
	sc_time_format_rfc3339(since, sc_time_now_ms());
	char *text = sc_asprintf("pid %ld on %s, since %s", (long)getpid(), host, since);
	char *printable = sc_lock_holder_printable(text, strlen(text));
	free(text);
	return printable;
}

/*
 * Another user's process may have written anything into its lock file:
 * only printable ASCII reaches a terminal (no escape sequences, no C1
 * controls in UTF-8 clothing, no bidi overrides), and not much of it.
 */
char *sc_lock_holder_printable(const char *raw, size_t len)
{
	sc_buf out = SC_BUF_INIT;

	for (size_t i = 0; i < len && raw[i] && raw[i] != '\n' && raw[i] != '\r'; i++) {
		if (out.len == SC_LOCK_HOLDER_MAX) {
			sc_buf_puts(&out, "...");
			break;
		}
		unsigned char c = (unsigned char)raw[i];
		sc_buf_putc(&out, c >= 0x20 && c < 0x7f ? (char)c : '?');
	}
	while (out.len && out.data[out.len - 1] == ' ')
		out.data[--out.len] = '\0';
	return out.data ? sc_buf_detach(&out) : sc_strdup("");
}
