#include "api/decode.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"
#include "common/text.h"
#include "common/timeutil.h"

/* The longest piece of a server's error text we repeat. */
#define ERROR_TEXT_MAX 200

static cJSON *parse(const char *text, size_t len)
{
	if (!text || !len)
		return NULL;
	return cJSON_ParseWithLength(text, len);
}

/* A member that is absent or JSON null counts as absent. */
static const cJSON *member(const cJSON *object, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, name);

	if (!item || cJSON_IsNull(item))
		return NULL;
	return item;
}

/*
 * A copy of a server's string with control characters as '?': ids,
 * statuses and labels end up on a terminal, and a broken or hostile
 * server must not be able to send it escape sequences.
 */
static char *printable_copy(const char *text)
{
	char *copy = sc_strdup(text);
	sc_text_make_printable(copy);
	return copy;
}

static int optional_string(const cJSON *object, const char *name, char **out,
                           sc_diag *diag)
{
	const cJSON *item = member(object, name);

	if (!item)
		return 0;
	if (!cJSON_IsString(item))
		return sc_diag_error(diag, NULL, 0, 0, "response: '%s' must be a string",
		                     name);
	free(*out);
	*out = printable_copy(item->valuestring);
	return 0;
}

static int optional_time(const cJSON *object, const char *name, int64_t *out,
                         sc_diag *diag)
{
	const cJSON *item = member(object, name);

	if (!item)
		return 0;
	if (!cJSON_IsString(item))
		return sc_diag_error(diag, NULL, 0, 0, "response: '%s' must be a string",
		                     name);
	if (!item->valuestring[0])
		return 0;
	if (sc_time_parse_rfc3339(item->valuestring, out))
		return sc_diag_error(diag, NULL, 0, 0,
		                     "response: '%s' is not an RFC 3339 time: \"%.40s\"",
		                     name, item->valuestring);
	return 0;
}

static int decode_metadata(const cJSON *object, sc_kv *out, sc_diag *diag)
{
	const cJSON *metadata = member(object, "metadata");
	const cJSON *pair;

	if (!metadata)
		return 0;
	if (!cJSON_IsObject(metadata))
		return sc_diag_error(diag, NULL, 0, 0,
		                     "response: 'metadata' must be an object");
	cJSON_ArrayForEach(pair, metadata)
	{
		if (!cJSON_IsString(pair))
			return sc_diag_error(
			    diag, NULL, 0, 0,
			    "response: metadata '%.63s' must be a string", pair->string);
		char *key = printable_copy(pair->string);
		char *value = printable_copy(pair->valuestring);
		sc_kv_set(out, key, value);
		free(key);
		free(value);
	}
	return 0;
}

/* The phase word: "status", else "state". */
static int decode_status(const cJSON *object, sc_sandbox *out, sc_diag *diag)
{
	if (optional_string(object, "state", &out->status, diag) ||
	    optional_string(object, "status", &out->status, diag))
		return -1;
	out->phase = sc_phase_from_status(out->status);
	return 0;
}

/* ---- what the server reports of the fields that cannot change in place ---- */

static bool read_strings(const cJSON *array, sc_strlist *out)
{
	const cJSON *item;

	if (!cJSON_IsArray(array))
		return false;
	cJSON_ArrayForEach(item, array)
	{
		if (!cJSON_IsString(item))
			return false;
	}
	out->items = sc_calloc((size_t)cJSON_GetArraySize(array) + 1, sizeof(*out->items));
	cJSON_ArrayForEach(item, array)
		out->items[out->count++] = printable_copy(item->valuestring);
	return true;
}

static void read_network(const cJSON *network, sc_sandbox_reported *out)
{
	const cJSON *pub = member(network, "allowPublicTraffic");
	const cJSON *internet = member(network, "allowInternetAccess");

	if (!cJSON_IsObject(network) || !cJSON_IsBool(pub) || !cJSON_IsBool(internet))
		return;
	out->network.allow_public_traffic = cJSON_IsTrue(pub);
	out->network.allow_internet_access = cJSON_IsTrue(internet);
	out->network_reported = read_strings(member(network, "allowOut"), &out->network.allow_out) &&
	                        read_strings(member(network, "denyOut"), &out->network.deny_out);
}

static void read_mounts(const cJSON *mounts, sc_sandbox_reported *out)
{
	const cJSON *item;

	if (!cJSON_IsArray(mounts))
		return;
	out->mounts = sc_calloc((size_t)cJSON_GetArraySize(mounts) + 1, sizeof(*out->mounts));
	cJSON_ArrayForEach(item, mounts)
	{
		const cJSON *name = member(item, "name"), *path = member(item, "path");
		if (!cJSON_IsString(name) || !cJSON_IsString(path))
			return;
		out->mounts[out->mount_count].name = printable_copy(name->valuestring);
		out->mounts[out->mount_count++].path = printable_copy(path->valuestring);
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

static void decode_reported(const cJSON *object, sc_sandbox_reported *out)
{
	read_network(member(object, "network"), out);
	read_mounts(member(object, "volumeMounts"), out);
	read_lifecycle(member(object, "lifecycle"), out);
}

static int decode_object(const cJSON *object, sc_sandbox *out, sc_diag *diag)
{
	if (!cJSON_IsObject(object))
		return sc_diag_error(diag, NULL, 0, 0,
		                     "response: a sandbox must be an object");
	if (optional_string(object, "sandboxID", &out->id, diag))
		return -1;
	if (!out->id || !out->id[0])
		return sc_diag_error(diag, NULL, 0, 0,
		                     "response: a sandbox has no 'sandboxID'");
	if (optional_string(object, "templateID", &out->template_id, diag) ||
	    decode_status(object, out, diag) ||
	    decode_metadata(object, &out->metadata, diag) ||
	    optional_time(object, "startedAt", &out->started_at, diag) ||
	    optional_time(object, "endAt", &out->end_at, diag))
		return -1;
	decode_reported(object, &out->reported);
	return 0;
}

int sc_api_decode_sandbox(sc_sandbox *out, const char *text, size_t len, sc_diag *diag)
{
	cJSON *root = parse(text, len);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!root)
		return sc_diag_error(diag, NULL, 0, 0, "response: not valid JSON");
	rc = decode_object(root, out, diag);
	if (rc)
		sc_sandbox_release(out);
	cJSON_Delete(root);
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

int sc_api_decode_list(sc_sandbox_list *out, char **next_token, const char *text,
                       size_t len, sc_diag *diag)
{
	cJSON *root = parse(text, len);
	const cJSON *items, *item;
	size_t first = out->count;

	*next_token = NULL;
	if (!root)
		return sc_diag_error(diag, NULL, 0, 0, "response: not valid JSON");
	items = list_items(root, next_token, diag);
	if (!items)
		goto fail;
	cJSON_ArrayForEach(item, items)
	{
		sc_sandbox *sandbox = sc_sandbox_list_push(out);
		if (decode_object(item, sandbox, diag))
			goto fail;
	}
	if (*next_token && !(*next_token)[0]) {
		free(*next_token);
		*next_token = NULL;
	}
	cJSON_Delete(root);
	return 0;
fail:
	while (out->count > first)
		sc_sandbox_release(&out->items[--out->count]);
	free(*next_token);
	*next_token = NULL;
	cJSON_Delete(root);
	return -1;
}

/* Appends text up to ERROR_TEXT_MAX bytes, control characters as spaces. */
static void put_clean(sc_buf *out, const char *text, size_t len)
{
	if (len > ERROR_TEXT_MAX)
		len = ERROR_TEXT_MAX;
	for (size_t i = 0; i < len && text[i]; i++) {
		unsigned char c = (unsigned char)text[i];
		sc_buf_putc(out, sc_text_is_control(c) ? ' ' : (char)c);
	}
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
	cJSON *root = parse(text, len);

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
	cJSON_Delete(root);
	return sc_buf_detach(&out);
}
