/* get: the sandboxes sc-apply manages in a set, and whether each matches its spec. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/json_writer.h"
#include "cli/private/run.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "plan/plan.h"

/* One row of the listing; strings borrowed from the session. */
typedef struct get_row {
	const sc_sandbox *sandbox;
	const char *set;
	const char *name;
	const char *sync;   /* "current", "stale", "no spec", or "-" without -f */
	long ttl_left;      /* seconds; -1 unknown or paused */
} get_row;

static const char *sync_word(const sc_session *session, const sc_sandbox *sandbox,
                             const char *set, const char *name)
{
	if (!session->options->path_count)
		return "-";
	const sc_spec *spec = sc_spec_list_find(&session->run.specs, set, name ? name : "");
	if (!spec)
		return "no spec";
	return sc_plan_is_stale(spec, sandbox) ? "stale" : "current";
}

static int compare_rows(const void *a, const void *b)
{
	const get_row *x = a, *y = b;
	int by_set = strcmp(x->set, y->set);
	if (by_set)
		return by_set;
	int by_name = strcmp(x->name, y->name);
	return by_name ? by_name : strcmp(x->sandbox->id, y->sandbox->id);
}

/* The managed sandboxes, re-checked against the sets, sorted. */
static get_row *collect_rows(const sc_session *session, size_t *count)
{
	const sc_sandbox_list *observed = &session->run.observed;
	get_row *rows = sc_calloc(observed->count, sizeof(*rows));
	int64_t now = sc_session_now(session);

	*count = 0;
	for (size_t i = 0; i < observed->count; i++) {
		const sc_sandbox *sandbox = &observed->items[i];
		const char *set = sc_reconcile_owner(&session->run, sandbox);
		if (!set || sandbox->phase == SC_PHASE_GONE)
			continue;
		const char *name = sc_kv_get(&sandbox->metadata, SC_LABEL_NAME);
		get_row *row = &rows[(*count)++];
		row->sandbox = sandbox;
		row->set = set;
		row->name = name ? name : "?";
		row->sync = sync_word(session, sandbox, set, name);
		row->ttl_left = sandbox->phase == SC_PHASE_READY && sandbox->end_at
		                        ? (long)((sandbox->end_at - now) / 1000)
		                        : -1;
	}
	qsort(rows, *count, sizeof(*rows), compare_rows);
	return rows;
}

static void format_ttl(char out[32], long seconds)
{
	if (seconds < 0)
		snprintf(out, 32, "-");
	else if (seconds >= 3600)
		snprintf(out, 32, "%ldh%02ldm", seconds / 3600, seconds % 3600 / 60);
	else
		snprintf(out, 32, "%ldm%02lds", seconds / 60, seconds % 60);
}

/* With -f: a row per spec, present against desired (specs with none present too). */
static void print_spec_table(const sc_session *session, const sc_spec_status *specs,
                             size_t count)
{
	int name_width = 4;
	const sc_term *term = &session->term;

	for (size_t i = 0; i < count; i++) {
		int name = (int)(strlen(specs[i].spec->set) + 1 + strlen(specs[i].spec->name));
		name_width = name > name_width ? name : name_width;
	}
	printf("%s%-*s  %-9s  %-10s  %-8s  %s%s\n", sc_term_on(term, SC_TERM_BOLD), name_width,
	       "SPEC", "READY", "UP-TO-DATE", "WANTED", "TTL", sc_term_off(term));
	for (size_t i = 0; i < count; i++) {
		const sc_spec *spec = specs[i].spec;
		char ready[32], ttl[32];
		snprintf(ready, sizeof(ready), "%u/%u", specs[i].ready, spec->replicas);
		format_ttl(ttl, specs[i].ttl_left);
		printf("%s/%s%*s  %-9s  %-10u  %-8s  %s\n", spec->set, spec->name,
		       name_width - (int)(strlen(spec->set) + 1 + strlen(spec->name)), "", ready,
		       specs[i].current, spec->state == SC_SPEC_PAUSED ? "paused" : "running", ttl);
	}
	printf("\n");
}

static void print_table(const sc_session *session, const get_row *rows, size_t count)
{
	int name_width = 4, id_width = 7, template_width = 8;
	const sc_term *term = &session->term;

	for (size_t i = 0; i < count; i++) {
		int name = (int)(strlen(rows[i].set) + 1 + strlen(rows[i].name));
		int id = (int)strlen(rows[i].sandbox->id);
		int tpl = rows[i].sandbox->template_id ? (int)strlen(rows[i].sandbox->template_id) : 1;
		name_width = name > name_width ? name : name_width;
		id_width = id > id_width ? id : id_width;
		template_width = tpl > template_width ? tpl : template_width;
	}
	printf("%s%-*s  %-*s  %-8s  %-7s  %-*s  %s%s\n", sc_term_on(term, SC_TERM_BOLD),
	       name_width, "NAME", id_width, "SANDBOX", "STATE", "TTL", template_width,
	       "TEMPLATE", "SPEC", sc_term_off(term));
	for (size_t i = 0; i < count; i++) {
		char ttl[32];
		const sc_sandbox *sandbox = rows[i].sandbox;
		format_ttl(ttl, rows[i].ttl_left);
		printf("%s/%s%*s  %-*s  %-8s  %-7s  %-*s  %s\n", rows[i].set, rows[i].name,
		       name_width - (int)(strlen(rows[i].set) + 1 + strlen(rows[i].name)), "",
		       id_width, sandbox->id,
		       sandbox->phase == SC_PHASE_UNKNOWN && sandbox->status ? sandbox->status
		                                                            : sc_phase_name(sandbox->phase),
		       ttl, template_width, sandbox->template_id ? sandbox->template_id : "-",
		       rows[i].sync);
	}
	if (!count)
		printf("(no sandboxes)\n");
}

static void write_json_specs(sc_json *json, const sc_reconcile *run)
{
	size_t count;
	sc_spec_status *specs = sc_reconcile_spec_status(run, &count);

	sc_json_key(json, "specs");
	sc_json_array_begin(json);
	for (size_t i = 0; i < count; i++) {
		const sc_spec *spec = specs[i].spec;
		sc_json_object_begin(json);
		sc_json_field_string(json, "set", spec->set);
		sc_json_field_string(json, "name", spec->name);
		sc_json_field_int(json, "desired", spec->replicas);
		sc_json_field_string(json, "wantedState",
		                     spec->state == SC_SPEC_PAUSED ? "paused" : "running");
		sc_json_field_int(json, "present", specs[i].present);
		sc_json_field_int(json, "current", specs[i].current);
		sc_json_field_int(json, "ready", specs[i].ready);
		sc_json_key(json, "ttlSeconds");
		if (specs[i].ttl_left >= 0)
			sc_json_int(json, specs[i].ttl_left);
		else
			sc_json_null(json);
		sc_json_object_end(json);
	}
	sc_json_array_end(json);
	free(specs);
}

static void print_json(const sc_session *session, const get_row *rows, size_t count)
{
	sc_json json;
	char time[32];

	sc_json_init(&json);
	sc_json_object_begin(&json);
	sc_json_field_string(&json, "formatVersion", "1");
	sc_json_field_string(&json, "command", "get");
	sc_time_format_rfc3339(time, sc_session_now(session));
	sc_json_field_string(&json, "serverTime", time);
	if (session->options->path_count)
		write_json_specs(&json, &session->run);
	sc_json_key(&json, "sandboxes");
	sc_json_array_begin(&json);
	for (size_t i = 0; i < count; i++) {
		const sc_sandbox *sandbox = rows[i].sandbox;
		sc_json_object_begin(&json);
		sc_json_field_string(&json, "set", rows[i].set);
		sc_json_field_string(&json, "name", rows[i].name);
		sc_json_field_string(&json, "sandboxID", sandbox->id);
		sc_json_field_string(&json, "state", sc_phase_name(sandbox->phase));
		sc_json_field_string(&json, "status", sandbox->status);
		sc_json_field_string(&json, "templateID", sandbox->template_id);
		sc_json_key(&json, "ttlSeconds");
		if (rows[i].ttl_left >= 0)
			sc_json_int(&json, rows[i].ttl_left);
		else
			sc_json_null(&json);
		sc_json_field_string(&json, "spec", rows[i].sync);
		sc_json_object_end(&json);
	}
	sc_json_array_end(&json);
	sc_json_object_end(&json);
	printf("%s\n", sc_buf_cstr(&json.buf));
	sc_json_release(&json);
}

static int get(const sc_cli_options *options)
{
	sc_session session;

	sc_session_init(&session, options);
	if (sc_reconcile_prepare(&session.run, SC_RECONCILE_OBSERVE)) {
		int result = sc_cli_fail_early(&session);
		sc_session_release(&session);
		return result;
	}
	size_t count;
	get_row *rows = collect_rows(&session, &count);
	if (options->output == SC_OUTPUT_JSON)
		print_json(&session, rows, count);
	else {
		if (options->path_count) {
			size_t spec_count;
			sc_spec_status *specs = sc_reconcile_spec_status(&session.run, &spec_count);
			print_spec_table(&session, specs, spec_count);
			free(specs);
		}
		print_table(&session, rows, count);
	}
	free(rows);
	sc_session_flush_diag(&session);
	sc_session_release(&session);
	return SC_EXIT_OK;
}

const sc_cli_command sc_cmd_get = {
    .name = "get",
    .run = get,
    .usage = "sc-apply get [-f PATH... | --set SET] [-o table|json]",
    .summary = "list the sandboxes of a set",
    .help = "Lists the sandboxes sc-apply manages in the sets of the specs (or --set),\n"
            "with their state, TTL left, and whether they match their spec. With -f,\n"
            "a row per spec first: READY is ready/desired (ready: matching the spec and\n"
            "in its state), UP-TO-DATE how many match the spec, specs with none too.\n",
    .takes = SC_OPTS_GENERAL | SC_OPTS_INPUT | SC_OPT(SC_OPT_TIMEOUT) | SC_OPTS_CONNECTION |
             SC_OPTS_OUTPUT,
    .needs = SC_NEEDS_SPECS_OR_SET,
    .outputs = "table json",
};
