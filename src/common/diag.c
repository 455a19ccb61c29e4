#include "common/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"

void sc_diag_init(sc_diag *diag)
{
	memset(diag, 0, sizeof(*diag));
}

void sc_diag_release(sc_diag *diag)
{
	if (!diag)
		return;
	for (size_t i = 0; i < diag->count; i++) {
		free(diag->entries[i].file);
		free(diag->entries[i].message);
	}
	free(diag->entries);
	sc_diag_init(diag);
}

int sc_diag_addv(sc_diag *diag, sc_diag_level level, const char *file,
                 unsigned line, unsigned column, const char *fmt, va_list ap)
{
	int result = level == SC_DIAG_ERROR ? -1 : 0;

	if (!diag)
		return result;
	SC_GROW(diag->entries, diag->count + 1, diag->alloc);
	sc_diag_entry *entry = &diag->entries[diag->count++];
	entry->level = level;
	entry->file = file ? sc_strdup(file) : NULL;
	entry->line = line;
	entry->column = column;
	entry->message = sc_vasprintf(fmt, ap);
	return result;
}

int sc_diag_add(sc_diag *diag, sc_diag_level level, const char *file,
                unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int result = sc_diag_addv(diag, level, file, line, column, fmt, ap);
	va_end(ap);
	return result;
}


int sc_diag_error(sc_diag *diag, const char *file, unsigned line,
                  unsigned column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int result = sc_diag_addv(diag, SC_DIAG_ERROR, file, line, column, fmt, ap);
	va_end(ap);
	return result;
}

int sc_diag_warning(sc_diag *diag, const char *file, unsigned line,
                    unsigned column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int result = sc_diag_addv(diag, SC_DIAG_WARNING, file, line, column, fmt, ap);
	va_end(ap);
	return result;
}

size_t sc_diag_error_count(const sc_diag *diag)
{
	size_t errors = 0;
	for (size_t i = 0; i < diag->count; i++)
		errors += diag->entries[i].level == SC_DIAG_ERROR;
	return errors;
}

void sc_diag_take(sc_diag *into, sc_diag *from)
{
	for (size_t i = 0; i < from->count; i++) {
		SC_GROW(into->entries, into->count + 1, into->alloc);
		into->entries[into->count++] = from->entries[i];
	}
	free(from->entries);
	sc_diag_init(from);
}

static const char *level_word(sc_diag_level level)
{
	switch (level) {
	case SC_DIAG_ERROR:
		return "error";
	case SC_DIAG_WARNING:
		return "warning";
	case SC_DIAG_NOTE:
		return "note";
	case SC_DIAG_HINT:
		return "hint";
	}
	return "error";
}

char *sc_diag_format(const sc_diag_entry *entry)
{
	sc_buf out = SC_BUF_INIT;

	if (entry->file) {
		sc_buf_puts(&out, entry->file);
		if (entry->line) {
			sc_buf_printf(&out, ":%u", entry->line);
			if (entry->column)
				sc_buf_printf(&out, ":%u", entry->column);
		}
		sc_buf_puts(&out, ": ");
	}
	sc_buf_printf(&out, "%s: %s", level_word(entry->level), entry->message);
	return sc_buf_detach(&out);
}
