/*
 * A change as a person reads it: one line per field, the old value, an
 * arrow, the new one. Secrets are never values here (see sc_change): a
 * sensitive change only says that it changed.
 */
#include "plan/private/internal.h"

#include <string.h>

#include "common/buf.h"

#define ARROW " \xE2\x86\x92 " /* " → " */

/* The path without its "spec.", "metadata." or "status." prefix: "template",
 * "labels.team". */
static const char *short_path(const char *path)
{
	static const char *const prefixes[] = {"spec.", "metadata.", "status."};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t len = strlen(prefixes[i]);
		if (!strncmp(path, prefixes[i], len))
			return path + len;
	}
	return path;
}

static void put_value(sc_buf *out, const sc_change *change, const char *value)
{
	if (change->quoted)
		sc_buf_printf(out, "\"%s\"", value);
	else
		sc_buf_puts(out, value);
	if (change->seconds)
		sc_buf_puts(out, " s");
}

static void put_old(sc_buf *out, const sc_change *change)
{
	if (change->old_unknown || !change->old_value) {
		sc_buf_puts(out, "(not recorded)");
		return;
	}
	put_value(out, change, change->old_value);
	if (change->old_at_create)
		sc_buf_puts(out, " (at create)");
}

static void put_new(sc_buf *out, const sc_change *change)
{
	put_value(out, change, change->new_value ? change->new_value : "");
	if (change->defaulted)
		sc_buf_puts(out, " (default)");
}

static void put_sensitive(sc_buf *out, const sc_change *change)
{
	switch (change->kind) {
	case SC_CHANGE_SET:
		sc_buf_puts(out, "(sensitive value)");
		return;
	case SC_CHANGE_MODIFIED:
		sc_buf_puts(out, "(sensitive value changed)");
		return;
	case SC_CHANGE_ADDED:
		sc_buf_puts(out, "(added, sensitive value)");
		return;
	case SC_CHANGE_REMOVED:
		sc_buf_puts(out, "(removed)");
		return;
	}
}

char *sc_change_describe(const sc_change *change)
{
	sc_buf line = SC_BUF_INIT;

	/* "timeout 300 s (default)": what a create sets reads as a setting, not a change. */
	sc_buf_printf(&line, "%s%s ", short_path(change->path),
	              change->kind == SC_CHANGE_SET && !change->note ? "" : ":");
	if (change->note) {
		sc_buf_puts(&line, change->note);
		return sc_buf_detach(&line);
	}
	if (change->sensitive) {
		put_sensitive(&line, change);
		return sc_buf_detach(&line);
	}
	switch (change->kind) {
	case SC_CHANGE_SET:
		put_new(&line, change);
		break;
	case SC_CHANGE_MODIFIED:
		put_old(&line, change);
		sc_buf_puts(&line, ARROW);
		put_new(&line, change);
		break;
	case SC_CHANGE_ADDED:
		sc_buf_puts(&line, "(none)" ARROW);
		put_new(&line, change);
		break;
	case SC_CHANGE_REMOVED:
		put_old(&line, change);
		sc_buf_puts(&line, ARROW "(none)");
		break;
	}
	return sc_buf_detach(&line);
}
