/*
 * Saved plans: `plan --out FILE` writes the plan with everything it was
 * decided on; `apply --plan FILE` carries out exactly that plan, or
 * refuses it whole when anything it was decided on has changed since: the
 * specs (a salted digest of the expanded specs), the options, the sets, a
 * set's membership, or any sandbox of those sets. Then nothing is written.
 *
 * The plan is rebuilt from the current listing at the saved server time
 * with the saved options: the plan is a pure function of (specs, observed,
 * now), so equal inputs give the saved actions, which is checked too.
 *
 * The file holds no secret value: reasons never carry one, and the specs
 * appear only as a salted SHA-256.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/json_writer.h"
#include "common/mem.h"
#include "common/random.h"
#include "common/text.h"
#include "reconcile/private/digest.h"
#include "reconcile/reconcile.h"

#define PLAN_FILE_KIND "sc-apply-plan"
#define PLAN_FILE_MAX_BYTES (256L << 20)

/* The sandboxes a plan is decided on: each live one of the run's sets. */
static bool is_member(const sc_reconcile *run, const sc_sandbox *sandbox)
{
	return sandbox->phase != SC_PHASE_GONE && sc_reconcile_owner(run, sandbox) && sandbox->id;
}

static int compare_ids(const void *a, const void *b)
{
	const sc_sandbox *x = *(const sc_sandbox *const *)a;
	const sc_sandbox *y = *(const sc_sandbox *const *)b;
	return strcmp(x->id, y->id);
}

/* The members, sorted by id; a malloc'd array of borrowed pointers. */
static const sc_sandbox **members_by_id(const sc_reconcile *run, size_t *count)
{
	const sc_sandbox **members = sc_calloc(run->observed.count + 1, sizeof(*members));
	*count = 0;
	for (size_t i = 0; i < run->observed.count; i++) {
		if (is_member(run, &run->observed.items[i]))
			members[(*count)++] = &run->observed.items[i];
	}
	qsort(members, *count, sizeof(*members), compare_ids);
	return members;
}

static void write_options(sc_json *json, const sc_reconcile_config *config)
{
	sc_json_key(json, "options");
	sc_json_object_begin(json);
	sc_json_field_bool(json, "prune", config->prune);
	sc_json_field_bool(json, "allowEmpty", config->allow_empty);
	sc_json_field_bool(json, "force", config->force);
	sc_json_field_int(json, "maxDelete", config->max_delete);
	sc_json_object_end(json);
}

static void write_observed(sc_json *json, const sc_reconcile *run)
{
	size_t count;
	const sc_sandbox **members = members_by_id(run, &count);
	char digest[SC_DIGEST_HEX + 1];

	sc_json_key(json, "observed");
	sc_json_array_begin(json);
	for (size_t i = 0; i < count; i++) {
		const sc_sandbox *sandbox = members[i];
		sc_reconcile_sandbox_digest(digest, sandbox);
		sc_json_object_begin(json);
		sc_json_field_string(json, "sandboxID", sandbox->id);
		sc_json_field_string(json, "set", sc_kv_get(&sandbox->metadata, SC_LABEL_SET));
		sc_json_field_string(json, "name", sc_kv_get(&sandbox->metadata, SC_LABEL_NAME));
		sc_json_field_string(json, "status", sandbox->status);
		sc_json_field_int(json, "endAt", sandbox->end_at);
		sc_json_field_string(json, "digest", digest);
		sc_json_object_end(json);
	}
	sc_json_array_end(json);
	free(members);
}

static void write_actions(sc_json *json, const sc_plan *plan)
{
	sc_json_key(json, "actions");
	sc_json_array_begin(json);
	for (size_t i = 0; i < plan->count; i++) {
		const sc_action *action = &plan->actions[i];
		sc_json_object_begin(json);
		sc_json_field_string(json, "action", sc_action_kind_name(action->kind));
		sc_json_field_string(json, "set", action->set);
		sc_json_field_string(json, "name", action->name);
		sc_json_field_string(json, "sandboxID", action->sandbox ? action->sandbox->id : NULL);
		sc_json_field_string(json, "reason", action->reason);
		sc_json_object_end(json);
	}
	sc_json_array_end(json);
}

/* Writes text to path through a temporary file beside it: never half a plan. */
static int write_file(sc_reconcile *run, const char *path, const sc_buf *text)
{
	char *temp = sc_asprintf("%s.XXXXXX", path);
	int fd = mkstemp(temp);
	int err = 0;

	if (fd < 0) {
		err = errno;
	} else {
		ssize_t wrote = write(fd, text->data, text->len);
		if (wrote != (ssize_t)text->len || fsync(fd))
			err = wrote < 0 ? errno : EIO;
		if (close(fd) && !err)
			err = errno;
		if (!err && rename(temp, path))
			err = errno;
		if (err)
			unlink(temp);
	}
	free(temp);
	if (err)
		return sc_diag_error(&run->diag, NULL, 0, 0, "cannot write the plan to '%s': %s", path,
		                     strerror(err));
	return 0;
}

int sc_reconcile_save_plan(sc_reconcile *run, const char *path)
{
	char salt[33], digest[SC_DIGEST_HEX + 1];
	sc_json json;

	if (!run->planned || run->refused)
		return sc_diag_error(&run->diag, NULL, 0, 0, "no plan to save");
	sc_random_hex(salt, 16);
	sc_reconcile_specs_digest(digest, &run->specs, salt);
	sc_json_init(&json);
	sc_json_object_begin(&json);
	sc_json_field_string(&json, "formatVersion", "1");
	sc_json_field_string(&json, "kind", PLAN_FILE_KIND);
	sc_json_field_int(&json, "serverTime", sc_reconcile_now(run));
	sc_json_key(&json, "specs");
	sc_json_object_begin(&json);
	sc_json_field_int(&json, "count", (int64_t)run->specs.count);
	sc_json_field_string(&json, "salt", salt);
	sc_json_field_string(&json, "digest", digest);
	sc_json_object_end(&json);
	write_options(&json, run->config);
	sc_json_key(&json, "sets");
	sc_json_array_begin(&json);
	for (size_t i = 0; i < run->set_count; i++)
		sc_json_string(&json, run->sets[i]);
	sc_json_array_end(&json);
	write_observed(&json, run);
	write_actions(&json, &run->plan);
	sc_json_object_end(&json);
	sc_buf_putc(&json.buf, '\n');
	int result = write_file(run, path, &json.buf);
	sc_json_release(&json);
	return result;
}

/* The file's text, if it is a regular file of a sane size; malloc'd. */
static char *read_plan_text(sc_reconcile *run, const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *text = NULL;

	if (fd < 0) {
		sc_diag_error(&run->diag, NULL, 0, 0, "cannot read the plan '%s': %s", path,
		              strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st)) {
		sc_diag_error(&run->diag, NULL, 0, 0, "cannot read the plan '%s': %s", path,
		              strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > PLAN_FILE_MAX_BYTES) {
		sc_diag_error(&run->diag, NULL, 0, 0, "cannot read the plan '%s': %s", path,
		              S_ISREG(st.st_mode) ? "too large" : "not a regular file");
		close(fd);
		return NULL;
	}
	text = sc_malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		sc_diag_error(&run->diag, NULL, 0, 0, "cannot read the plan '%s': short read", path);
		free(text);
		return NULL;
	}
	text[got] = '\0';
	return text;
}

static const char *string_of(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static bool number_of(const cJSON *object, const char *key, double *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	if (!cJSON_IsNumber(item))
		return false;
	*out = item->valuedouble;
	return true;
}

static bool bool_of(const cJSON *object, const char *key, bool *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	if (!cJSON_IsBool(item))
		return false;
	*out = cJSON_IsTrue(item);
	return true;
}

/* The saved options against this run's: a saved plan runs with the flags it was made with. */
static int check_options(sc_reconcile *run, const cJSON *options, const char *path)
{
	const sc_reconcile_config *config = run->config;
	bool prune, allow_empty, force;
	double max_delete;

	if (!bool_of(options, "prune", &prune) || !bool_of(options, "allowEmpty", &allow_empty) ||
	    !bool_of(options, "force", &force) || !number_of(options, "maxDelete", &max_delete))
		return sc_diag_error(&run->diag, NULL, 0, 0, "the plan '%s' is malformed: options",
		                     path);
	const char *differs = prune != config->prune                ? "--prune"
	                      : allow_empty != config->allow_empty  ? "--allow-empty"
	                      : force != config->force              ? "--force"
	                      : max_delete != (double)config->max_delete ? "--max-delete"
	                                                            : NULL;
	if (differs)
		return sc_diag_error(&run->diag, NULL, 0, 0,
		                     "the plan '%s' was made with other safety options (%s differs): "
		                     "apply it with the flags it was planned with",
		                     path, differs);
	return 0;
}

static int check_specs(sc_reconcile *run, const cJSON *specs, const char *path)
{
	const char *salt = string_of(specs, "salt");
	const char *saved = string_of(specs, "digest");
	char digest[SC_DIGEST_HEX + 1];

	if (!salt || !saved)
		return sc_diag_error(&run->diag, NULL, 0, 0, "the plan '%s' is malformed: specs", path);
	sc_reconcile_specs_digest(digest, &run->specs, salt);
	if (strcmp(digest, saved))
		return sc_diag_error(&run->diag, NULL, 0, 0,
		                     "the specs changed since the plan '%s' was made: make a new plan",
		                     path);
	return 0;
}

static int check_sets(sc_reconcile *run, const cJSON *sets, const char *path)
{
	size_t count = 0;
	const cJSON *set;

	cJSON_ArrayForEach(set, sets)
	{
		if (!cJSON_IsString(set) || !sc_reconcile_owns_set(run, set->valuestring))
			return sc_diag_error(&run->diag, NULL, 0, 0,
			                     "the sets changed since the plan '%s' was made", path);
		count++;
	}
	if (!cJSON_IsArray(sets) || count != run->set_count)
		return sc_diag_error(&run->diag, NULL, 0, 0,
		                     "the sets changed since the plan '%s' was made", path);
	return 0;
}

/* Each member now against the saved ones, both sorted by id: the first difference fails. */
static int check_observed(sc_reconcile *run, const cJSON *observed, const char *path)
{
	size_t count, at = 0;
	const sc_sandbox **members = members_by_id(run, &count);
	const cJSON *saved = cJSON_IsArray(observed) ? observed->child : NULL;
	char digest[SC_DIGEST_HEX + 1];
	int result = 0;

	for (; !result && (saved || at < count); saved = saved ? saved->next : NULL) {
		const char *id = saved ? string_of(saved, "sandboxID") : NULL;
		const char *was = saved ? string_of(saved, "digest") : NULL;
		if (saved && (!id || !was)) {
			result = sc_diag_error(&run->diag, NULL, 0, 0,
			                       "the plan '%s' is malformed: observed", path);
			break;
		}
		int order = !saved ? 1 : at == count ? -1 : strcmp(id, members[at]->id);
		if (order < 0) {
			result = sc_diag_error(&run->diag, NULL, 0, 0,
			                       "sandbox '%s' is gone since the plan '%s' was made: "
			                       "make a new plan",
			                       id, path);
		} else if (order > 0) {
			result = sc_diag_error(&run->diag, NULL, 0, 0,
			                       "sandbox '%s' appeared in set '%s' since the plan '%s' was "
			                       "made: make a new plan",
			                       members[at]->id, sc_reconcile_owner(run, members[at]), path);
		} else {
			sc_reconcile_sandbox_digest(digest, members[at]);
			if (strcmp(digest, was))
				result = sc_diag_error(&run->diag, NULL, 0, 0,
				                       "sandbox '%s' changed since the plan '%s' was made: "
				                       "make a new plan",
				                       id, path);
			at++;
		}
		if (!saved && !result)
			break;
	}
	free(members);
	return result;
}

/* The rebuilt plan must be the saved one, action for action. */
static int check_actions(sc_reconcile *run, const cJSON *actions, const char *path)
{
	const cJSON *saved = cJSON_IsArray(actions) ? actions->child : NULL;
	size_t i = 0;

	for (; saved && i < run->plan.count; saved = saved->next, i++) {
		const sc_action *action = &run->plan.actions[i];
		const char *kind = string_of(saved, "action");
		const char *set = string_of(saved, "set");
		const char *name = string_of(saved, "name");
		const char *id = string_of(saved, "sandboxID");
		const char *now_id = action->sandbox ? action->sandbox->id : NULL;
		if (!kind || !set || !name || strcmp(kind, sc_action_kind_name(action->kind)) ||
		    strcmp(set, action->set) || strcmp(name, action->name) || !id != !now_id ||
		    (id && strcmp(id, now_id)))
			break;
	}
	if (saved || i != run->plan.count)
		return sc_diag_error(&run->diag, NULL, 0, 0,
		                     "the plan '%s' does not match what its inputs give now: "
		                     "make a new plan",
		                     path);
	return 0;
}

static int check_header(sc_reconcile *run, const cJSON *root, const char *path,
                        int64_t *server_time)
{
	const char *version = string_of(root, "formatVersion");
	const char *kind = string_of(root, "kind");
	double time;

	if (!version || !kind || strcmp(kind, PLAN_FILE_KIND))
		return sc_diag_error(&run->diag, NULL, 0, 0, "'%s' is not a plan saved by sc-apply",
		                     path);
	if (strcmp(version, "1"))
		return sc_diag_error(&run->diag, NULL, 0, 0,
		                     "the plan '%s' has formatVersion \"%s\"; this sc-apply reads \"1\"",
		                     path, version);
	/* A whole number of milliseconds an int64_t holds, past the epoch. */
	if (!number_of(root, "serverTime", &time) || !(time > 0 && time < 0x1p63) ||
	    time != (double)(int64_t)time)
		return sc_diag_error(&run->diag, NULL, 0, 0, "the plan '%s' is malformed: serverTime",
		                     path);
	*server_time = (int64_t)time;
	return 0;
}

int sc_reconcile_prepare_saved(sc_reconcile *run, const char *path)
{
	char *text = read_plan_text(run, path);
	cJSON *root = NULL;
	int64_t server_time = 0;
	int result = -1;

	if (!text)
		return -1;
	root = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsObject(root)) {
		sc_diag_error(&run->diag, NULL, 0, 0, "the plan '%s' is not valid JSON", path);
		goto done;
	}
	if (check_header(run, root, path, &server_time) ||
	    check_options(run, cJSON_GetObjectItemCaseSensitive(root, "options"), path) ||
	    sc_reconcile_load_specs(run) ||
	    check_specs(run, cJSON_GetObjectItemCaseSensitive(root, "specs"), path) ||
	    check_sets(run, cJSON_GetObjectItemCaseSensitive(root, "sets"), path) ||
	    sc_reconcile_lock(run) || sc_reconcile_connect(run) || sc_reconcile_observe(run) ||
	    check_observed(run, cJSON_GetObjectItemCaseSensitive(root, "observed"), path))
		goto done;
	/* Made before now on this server's clock, or it was not made by a plan here. */
	if (server_time > sc_reconcile_now(run)) {
		sc_diag_error(&run->diag, NULL, 0, 0,
		              "the plan '%s' is dated after the server's time now: make a new plan",
		              path);
		goto done;
	}
	run->observed.server_now = server_time;
	if (sc_reconcile_plan_apply(run))
		goto done;
	if (check_actions(run, cJSON_GetObjectItemCaseSensitive(root, "actions"), path)) {
		run->refused = true;
		goto done;
	}
	run->from_saved_plan = true;
	result = 0;
done:
	cJSON_Delete(root);
	return result;
}
