#include "api/decode.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/private/page_json.h"
#include "common/buf.h"
#include "common/mem.h"
#include "common/text.h"
#include "common/timeutil.h"

/* The longest piece of a server's error text we repeat. */
#define ERROR_TEXT_MAX 200

/*
 * The first member named name, as cJSON_GetObjectItemCaseSensitive finds
 * it (the walk ends at an item without a name: an array's), comparing
 * first bytes before whole names: a sandbox has some twenty members and
 * each of a page's sandboxes is asked for ten. A member that is absent or
 * JSON null counts as absent.
 */
static const cJSON *member(const cJSON *object, const char *name)
{
	const cJSON *item = object ? object->child : NULL;

	while (item && item->string &&
	       (item->string[0] != name[0] || strcmp(item->string, name)))
		item = item->next;
	if (!item || !item->string || cJSON_IsNull(item))
		return NULL;
	return item;
}

/*
 * Where a decoded sandbox keeps its strings and arrays: its list's arena
 * (sandbox.h), or one malloc each when arena is NULL (a sandbox decoded
 * alone).
 */
typedef struct keeper {
	sc_sandbox_arena *arena;
} keeper;

/* len bytes of text and a NUL; shared, in an arena, when share is set. */
static char *keep_text(const keeper *k, const char *text, size_t len, bool share)
{
	if (!k->arena)
		return sc_strndup(text, len);
	return share ? sc_sandbox_arena_intern(k->arena, text, len)
	             : sc_sandbox_arena_copy(k->arena, text, len);
}

/* count elements and a zeroed one after them; in an arena, NULL when count is 0. */
static void *keep_array(const keeper *k, size_t count, size_t size)
{
	if (!k->arena)
		return sc_calloc(count + 1, size);
	return count ? sc_sandbox_arena_alloc(k->arena, count + 1, size) : NULL;
}

/*
 * A copy of a server's string with every unsafe character as '?'
 * (common/text.h): statuses and templates end up on a terminal, and a
 * broken or hostile server must not be able to send it escape sequences.
 */
static char *printable_copy(const keeper *k, const char *text, bool share)
{
	size_t len = strlen(text);
	char *copy, *kept;

	if (sc_text_is_printable(text, len))
		return keep_text(k, text, len, share);
	copy = sc_strndup(text, len);
	sc_text_make_printable(copy);
	kept = keep_text(k, copy, strlen(copy), share);
	free(copy);
	return kept;
}

/* At most max bytes of a server's text, made printable; malloc'd. */
static char *printable_prefix(const char *text, size_t max)
{
	sc_buf out = SC_BUF_INIT;
	sc_text_put_printable(&out, text, max, '?');
	return sc_buf_detach(&out);
}

static int string_member_of(const cJSON *object, const char *name, const cJSON **out,
                            sc_diag *diag)
{
	*out = member(object, name);
	if (*out && !cJSON_IsString(*out))
		return sc_diag_error(diag, NULL, 0, 0, "response: '%s' must be a string",
		                     name);
	return 0;
}

/* A short word many sandboxes repeat (a status, a template): shared. */
static int optional_word(const keeper *k, const cJSON *object, const char *name,
                         char **out, sc_diag *diag)
{
	const cJSON *item;

	if (string_member_of(object, name, &item, diag))
		return -1;
	if (!item)
		return 0;
	if (!k->arena)
		free(*out);
	*out = printable_copy(k, item->valuestring, true);
	return 0;
}

/* The nextToken of a list body (malloc'd). */
static int optional_string(const cJSON *object, const char *name, char **out,
                           sc_diag *diag)
{
	const cJSON *item;

	if (string_member_of(object, name, &item, diag))
		return -1;
	if (!item)
		return 0;
	free(*out);
	*out = printable_copy(&(keeper){NULL}, item->valuestring, false);
	return 0;
}

static int optional_time(const cJSON *object, const char *name, int64_t *out,
                         sc_diag *diag)
{
	const cJSON *item;

	if (string_member_of(object, name, &item, diag))
		return -1;
	if (!item || !item->valuestring[0])
		return 0;
	if (sc_time_parse_rfc3339(item->valuestring, out)) {
		char *quoted = printable_prefix(item->valuestring, 40);
		sc_diag_error(diag, NULL, 0, 0,
		              "response: '%s' is not an RFC 3339 time: \"%s\"", name,
		              quoted);
		free(quoted);
		return -1;
	}
	return 0;
}

/* Whether a label key or value can be kept exactly as the server sent it. */
static bool label_text_ok(const char *text)
{
	return sc_text_is_printable(text, strlen(text));
}

/* A sandbox with more labels than this sorts them in a buffer of their own. */
#define LABELS_ON_STACK 32

/* One label as sent, and its place among the labels. */
typedef struct label {
	const char *key;
	const char *value;
	size_t order;
} label;

static int compare_labels(const void *pa, const void *pb)
{
	const label *a = pa, *b = pb;
	int cmp = strcmp(a->key, b->key);

	return cmp ? cmp : (a->order > b->order) - (a->order < b->order);
}

/*
 * Sorts labels by key, then as sent. Servers send them sorted more often
 * than not: a few are sorted by insertion in one pass, many by qsort.
 */
static void sort_labels(label *labels, size_t count)
{
	if (count > LABELS_ON_STACK) {
		qsort(labels, count, sizeof(*labels), compare_labels);
		return;
	}
	for (size_t i = 1; i < count; i++) {
		label moving = labels[i];
		size_t at = i;
		while (at && compare_labels(&labels[at - 1], &moving) > 0) {
			labels[at] = labels[at - 1];
			at--;
		}
		labels[at] = moving;
	}
}

/*
 * Label values that differ from sandbox to sandbox (a salt, a hash, a
 * token): kept as they are, not looked up in the arena's shared table.
 */
static bool value_is_unique(const char *key)
{
	return !strcmp(key, SC_LABEL_SALT) || !strcmp(key, SC_LABEL_HASH) ||
	       !strcmp(key, SC_LABEL_PARTS) || !strcmp(key, SC_LABEL_CREATE_TOKEN);
}

/*
 * The whole labels of labels[0..count), sorted by key, into out: a key
 * sent twice with different values is left out (*dropped counts it).
 */
static void keep_labels(const keeper *k, label *labels, size_t count, sc_kv *out,
                        size_t *dropped)
{
	size_t kept = 0;

	sort_labels(labels, count);
	for (size_t i = 0, end; i < count; i = end) {
		bool same = true;
		for (end = i + 1; end < count && !strcmp(labels[end].key, labels[i].key); end++)
			same = same && !strcmp(labels[end].value, labels[i].value);
		if (same)
			labels[kept++] = labels[i];
		else
			(*dropped)++;
	}
	if (!kept)
		return;
	out->pairs = k->arena ? sc_sandbox_arena_alloc(k->arena, kept, sizeof(*out->pairs))
	                      : sc_calloc(kept, sizeof(*out->pairs));
	out->count = out->alloc = kept;
	for (size_t i = 0; i < kept; i++) {
		const char *key = labels[i].key, *value = labels[i].value;
		out->pairs[i].key = keep_text(k, key, strlen(key), true);
		out->pairs[i].value =
		    keep_text(k, value, strlen(value), !value_is_unique(key));
	}
}

/*
 * The labels, kept only where they are whole: a label whose key or value
 * holds a NUL, a control or bidi character or bytes that are not UTF-8,
 * or a key sent twice with different values, is left out (ownership is
 * read from the labels, and such a label is never taken as anyone's).
 * *dropped counts what was left out.
 */
static int decode_metadata(const keeper *k, const cJSON *object, sc_kv *out,
                           size_t *dropped, sc_diag *diag)
{
	const cJSON *metadata = member(object, "metadata");
	const cJSON *pair;
	label on_stack[LABELS_ON_STACK], *labels = on_stack;
	size_t count = 0, size = 0;

	*dropped = 0;
	if (!metadata)
		return 0;
	if (!cJSON_IsObject(metadata))
		return sc_diag_error(diag, NULL, 0, 0,
		                     "response: 'metadata' must be an object");
	cJSON_ArrayForEach(pair, metadata)
	{
		if (!cJSON_IsString(pair)) {
			char *key = printable_prefix(pair->string, 63);
			sc_diag_error(diag, NULL, 0, 0,
			              "response: metadata '%s' must be a string", key);
			free(key);
			return -1;
		}
		size++;
	}
	if (size > LABELS_ON_STACK)
		labels = sc_calloc(size, sizeof(*labels));
	cJSON_ArrayForEach(pair, metadata)
	{
		if (!label_text_ok(pair->string) || !label_text_ok(pair->valuestring)) {
			(*dropped)++;
			continue;
		}
		labels[count] = (label){pair->string, pair->valuestring, count};
		count++;
	}
	keep_labels(k, labels, count, out, dropped);
	if (labels != on_stack)
		free(labels);
	return 0;
}

/* The phase word: "status", else "state". */
static int decode_status(const keeper *k, const cJSON *object, sc_sandbox *out,
                         sc_diag *diag)
{
	if (optional_word(k, object, "state", &out->status, diag) ||
	    optional_word(k, object, "status", &out->status, diag))
		return -1;
	out->phase = sc_phase_from_status(out->status);
	return 0;
}

/* ---- what the server reports of the fields that cannot change in place ---- */

static bool read_strings(const keeper *k, const cJSON *array, sc_strlist *out)
{
	const cJSON *item;

	if (!cJSON_IsArray(array))
		return false;
	cJSON_ArrayForEach(item, array)
	{
		if (!cJSON_IsString(item))
			return false;
	}
	out->items = keep_array(k, (size_t)cJSON_GetArraySize(array), sizeof(*out->items));
	cJSON_ArrayForEach(item, array)
		out->items[out->count++] = printable_copy(k, item->valuestring, true);
	return true;
}

static void read_network(const keeper *k, const cJSON *network, sc_sandbox_reported *out)
{
	const cJSON *pub = member(network, "allowPublicTraffic");
	const cJSON *internet = member(network, "allowInternetAccess");

	if (!cJSON_IsObject(network) || !cJSON_IsBool(pub) || !cJSON_IsBool(internet))
		return;
	out->network.allow_public_traffic = cJSON_IsTrue(pub);
	out->network.allow_internet_access = cJSON_IsTrue(internet);
	out->network_reported =
	    read_strings(k, member(network, "allowOut"), &out->network.allow_out) &&
	    read_strings(k, member(network, "denyOut"), &out->network.deny_out);
}

static void read_mounts(const keeper *k, const cJSON *mounts, sc_sandbox_reported *out)
{
	const cJSON *item;

	if (!cJSON_IsArray(mounts))
		return;
	out->mounts = keep_array(k, (size_t)cJSON_GetArraySize(mounts), sizeof(*out->mounts));
	cJSON_ArrayForEach(item, mounts)
	{
		const cJSON *name = member(item, "name"), *path = member(item, "path");
		if (!cJSON_IsString(name) || !cJSON_IsString(path))
			return;
		out->mounts[out->mount_count].name = printable_copy(k, name->valuestring, true);
		out->mounts[out->mount_count++].path =
		    printable_copy(k, path->valuestring, true);
	}
	out->mounts_reported = true;
}

static void read_lifecycle(const cJSON *lifecycle, sc_sandbox_reported *out)
{
	const cJSON *on_timeout = member(lifecycle, "onTimeout");
	const cJSON *auto_resume = member(lifecycle, "autoResume");

	if (!cJSON_IsObject(lifecycle) || !cJSON_IsString(on_timeout) ||
	    !cJSON_IsBool(auto_resume))
		return;
	out->auto_pause = !strcmp(on_timeout->valuestring, "pause");
	out->auto_resume = cJSON_IsTrue(auto_resume);
	out->lifecycle_reported = true;
}

static sc_heartbeat read_heartbeat(const cJSON *object)
{
	/* Absent and null differ here: null is "none yet", absent "not shown". */
	const cJSON *heartbeat = cJSON_GetObjectItemCaseSensitive(object, "lastHeartbeat");
	const cJSON *status = member(heartbeat, "status");
	static const char *const words[] = {"starting", "healthy", "error"};

	if (!heartbeat)
		return SC_HEARTBEAT_UNREPORTED;
	if (cJSON_IsNull(heartbeat))
		return SC_HEARTBEAT_NONE;
	for (int i = 0; cJSON_IsString(status) && i < 3; i++) {
		if (!strcmp(status->valuestring, words[i]))
			return (sc_heartbeat)(SC_HEARTBEAT_STARTING + i);
	}
	return SC_HEARTBEAT_OTHER;
}

static void decode_reported(const keeper *k, const cJSON *object, sc_sandbox_reported *out)
{
	read_network(k, member(object, "network"), out);
	read_mounts(k, member(object, "volumeMounts"), out);
	read_lifecycle(member(object, "lifecycle"), out);
}

/* What decoding one sandbox noticed that is not an error. */
typedef struct object_notes {
	bool id_plain;         /* the id may become a URL (sc_api_id_plain) */
	size_t labels_dropped; /* labels left out (decode_metadata) */
} object_notes;

static int decode_id(const keeper *k, const cJSON *object, sc_sandbox *out,
                     object_notes *notes, sc_diag *diag)
{
	const cJSON *id = member(object, "sandboxID");

	if (id && !cJSON_IsString(id))
		return sc_diag_error(diag, NULL, 0, 0,
		                     "response: 'sandboxID' must be a string");
	if (!id || !id->valuestring[0])
		return sc_diag_error(diag, NULL, 0, 0,
		                     "response: a sandbox has no 'sandboxID'");
	notes->id_plain = sc_api_id_plain(id->valuestring);
	/* A plain id is printable already; any other is kept only to be named. */
	if (notes->id_plain) {
		out->id = keep_text(k, id->valuestring, strlen(id->valuestring), false);
	} else {
		char *named = printable_prefix(id->valuestring, 64);
		out->id = keep_text(k, named, strlen(named), false);
		free(named);
	}
	return 0;
}

static int decode_object(const keeper *k, const cJSON *object, sc_sandbox *out,
                         object_notes *notes, sc_diag *diag)
{
	if (!cJSON_IsObject(object))
		return sc_diag_error(diag, NULL, 0, 0,
		                     "response: a sandbox must be an object");
	out->in_arena = k->arena != NULL;
	if (decode_id(k, object, out, notes, diag) ||
	    optional_word(k, object, "templateID", &out->template_id, diag) ||
	    decode_status(k, object, out, diag) ||
	    decode_metadata(k, object, &out->metadata, &notes->labels_dropped, diag) ||
	    optional_time(object, "startedAt", &out->started_at, diag) ||
	    optional_time(object, "endAt", &out->end_at, diag))
		return -1;
	decode_reported(k, object, &out->reported);
	out->last_heartbeat = read_heartbeat(object);
	return 0;
}

#define NOT_PLAIN_ID                                                                     \
	"is not a plain token ('.', '..', or holding '/', a control character or bytes " \
	"that are not UTF-8)"

int sc_api_decode_sandbox(sc_sandbox *out, const char *text, size_t len, sc_diag *diag)
{
	sc_api_page_json pool = SC_API_PAGE_JSON_INIT;
	const cJSON *root = sc_api_page_json_parse(&pool, text, len);
	object_notes notes = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	if (!root) {
		sc_api_page_json_release(&pool);
		return sc_diag_error(diag, NULL, 0, 0, "response: not valid JSON");
	}
	rc = decode_object(&(keeper){NULL}, root, out, &notes, diag);
	if (!rc && !notes.id_plain)
		rc =
		    sc_diag_error(diag, NULL, 0, 0,
		                  "response: the sandbox id '%s' " NOT_PLAIN_ID, out->id);
	if (rc)
		sc_sandbox_release(out);
	sc_api_page_json_release(&pool);
	return rc;
}

/* The array of a list body, bare or wrapped; the wrapper's token too. */
static const cJSON *list_items(const cJSON *root, char **next_token, sc_diag *diag)
{
	const cJSON *items;

	if (cJSON_IsArray(root))
		return root;
	if (!cJSON_IsObject(root)) {
		sc_diag_error(diag, NULL, 0, 0,
		              "response: a list must be an array or an object");
		return NULL;
	}
	items = member(root, "sandboxes");
	if (!items)
		items = member(root, "items");
	if (!items || !cJSON_IsArray(items)) {
		sc_diag_error(
		    diag, NULL, 0, 0,
		    "response: a list object needs a 'sandboxes' or 'items' array");
		return NULL;
	}
	if (optional_string(root, "nextToken", next_token, diag))
		return NULL;
	return items;
}

/* A page names at most this many odd sandboxes one by one, then counts the rest. */
#define PAGE_WARNINGS_MAX 5

/* Warns about what a listed sandbox could not keep; false when it must be skipped. */
static bool keep_listed(const sc_sandbox *sandbox, const object_notes *notes,
                        size_t *warned, sc_diag *diag)
{
	if (notes->id_plain && !notes->labels_dropped)
		return true;
	if ((*warned)++ >= PAGE_WARNINGS_MAX)
		return notes->id_plain;
	if (!notes->id_plain)
		sc_diag_warning(diag, NULL, 0, 0,
		                "response: skipped sandbox '%s': its id " NOT_PLAIN_ID,
		                sandbox->id);
	else
		sc_diag_warning(
		    diag, NULL, 0, 0,
		    "response: sandbox '%s': ignored %zu label%s holding a NUL, a "
		    "control character or bytes that are not UTF-8, or sent twice",
		    sandbox->id, notes->labels_dropped,
		    notes->labels_dropped == 1 ? "" : "s");
	return notes->id_plain;
}

int sc_api_decode_page(sc_sandbox_list *out, char **next_token, const char *text,
                       size_t len, size_t max_items, sc_diag *diag)
{
	sc_api_page_json pool = SC_API_PAGE_JSON_INIT;
	const cJSON *root = sc_api_page_json_parse(&pool, text, len);
	const cJSON *items, *item;
	keeper k = {NULL};
	size_t first = out->count, warned = 0;
	int count, rc = -1;

	*next_token = NULL;
	if (!root) {
		sc_api_page_json_release(&pool);
		return sc_diag_error(diag, NULL, 0, 0, "response: not valid JSON");
	}
	items = list_items(root, next_token, diag);
	if (!items)
		goto fail;
	count = cJSON_GetArraySize(items);
	if (count < 0 || (size_t)count > max_items) {
		sc_diag_error(
		    diag, NULL, 0, 0,
		    "response: a page of %d sandboxes, more than the %zu the list may "
		    "still hold",
		    count, max_items);
		rc = SC_API_PAGE_TOO_LARGE;
		goto fail;
	}
	if (count)
		k.arena = sc_sandbox_list_arena(out);
	SC_GROW(out->items, out->count + (size_t)count, out->alloc);
	cJSON_ArrayForEach(item, items)
	{
		sc_sandbox *sandbox = sc_sandbox_list_push(out);
		object_notes notes = {0};
		if (decode_object(&k, item, sandbox, &notes, diag))
			goto fail;
		if (!keep_listed(sandbox, &notes, &warned, diag))
			sc_sandbox_release(&out->items[--out->count]);
	}
	if (warned > PAGE_WARNINGS_MAX)
		sc_diag_warning(
		    diag, NULL, 0, 0,
		    "response: %zu more sandbox%s with an id or labels that are not "
		    "plain text",
		    warned - PAGE_WARNINGS_MAX,
		    warned - PAGE_WARNINGS_MAX == 1 ? "" : "es");
	if (*next_token && !(*next_token)[0]) {
		free(*next_token);
		*next_token = NULL;
	}
	sc_api_page_json_release(&pool);
	return 0;
fail:
	while (out->count > first)
		sc_sandbox_release(&out->items[--out->count]);
	free(*next_token);
	*next_token = NULL;
	sc_api_page_json_release(&pool);
	return rc;
}

int sc_api_decode_list(sc_sandbox_list *out, char **next_token, const char *text,
                       size_t len, sc_diag *diag)
{
	return sc_api_decode_page(out, next_token, text, len, SIZE_MAX, diag);
}

/* Appends at most ERROR_TEXT_MAX bytes of text, each unsafe character as a space. */
static void put_clean(sc_buf *out, const char *text, size_t len)
{
	sc_text_put_printable(out, text, len > ERROR_TEXT_MAX ? ERROR_TEXT_MAX : len,
	                      ' ');
}

static const char *string_member(const cJSON *object, const char *name)
{
	const cJSON *item = member(object, name);

	return cJSON_IsString(item) && item->valuestring[0] ? item->valuestring : NULL;
}

/* {"code","message"} and {"error":{"code","details"|"message"},"request_id"}. */
static bool put_json_error(sc_buf *out, const cJSON *root)
{
	const char *message = string_member(root, "message");
	const cJSON *error = member(root, "error");
	const char *code = NULL, *details = NULL;
	const char *request_id = string_member(root, "request_id");

	if (cJSON_IsString(error) && error->valuestring[0])
		details = error->valuestring;
	if (cJSON_IsObject(error)) {
		code = string_member(error, "code");
		details = string_member(error, "details");
		if (!details)
			details = string_member(error, "message");
	}
	if (!message && !details && !code)
		return false;
	if (code) {
		put_clean(out, code, strlen(code));
		if (message || details)
			sc_buf_puts(out, ": ");
	}
	if (message)
		put_clean(out, message, strlen(message));
	else if (details)
		put_clean(out, details, strlen(details));
	if (request_id) {
		sc_buf_puts(out, " (request ");
		put_clean(out, request_id, 64);
		sc_buf_putc(out, ')');
	}
	return true;
}

char *sc_api_error_message(long status, const char *text, size_t len)
{
	sc_buf out = SC_BUF_INIT;
	sc_api_page_json pool = SC_API_PAGE_JSON_INIT;
	const cJSON *root = sc_api_page_json_parse(&pool, text, len);

	sc_buf_printf(&out, "HTTP %ld", status);
	if (root && cJSON_IsObject(root)) {
		size_t mark = out.len;
		sc_buf_puts(&out, ": ");
		if (!put_json_error(&out, root)) {
			out.len = mark;
			out.data[mark] = '\0';
		}
	} else if (text && len) {
		size_t line = 0;
		while (line < len && text[line] != '\n' && text[line] != '\r')
			line++;
		if (line) {
			sc_buf_puts(&out, ": ");
			put_clean(&out, text, line);
		}
	}
	sc_api_page_json_release(&pool);
	return sc_buf_detach(&out);
}
