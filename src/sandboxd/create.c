#include "sandboxd/private/create.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

static const char *const rejected[][2] = {
    {"timeoutMs", "not accepted in a create request; timeout is in seconds"},
    {"secure", "not accepted in a create request"},
    {"mcp", "not accepted in a create request"},
    {"volume_mounts", "not accepted; use volumeMounts"},
};

static int fail(sc_buf *error, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail(sc_buf *error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sc_buf_reset(error);
	sc_buf_vprintf(error, fmt, ap);
	va_end(ap);
	return -1;
}

static const cJSON *field(const cJSON *object, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(object, name);
}

static int parse_bool(const cJSON *object, const char *name, const char *path, bool *out,
                      sc_buf *error)
{
	const cJSON *item = field(object, name);
	if (!item || cJSON_IsNull(item))
		return 0;
	if (!cJSON_IsBool(item))
		return fail(error, "%s: must be a boolean", path);
	*out = cJSON_IsTrue(item);
	return 0;
}

static int parse_timeout(const cJSON *body, long *out, sc_buf *error)
{
	const cJSON *item = field(body, "timeout");
	*out = SD_DEFAULT_TIMEOUT_S;
	if (!item || cJSON_IsNull(item))
		return 0;
	if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble) ||
	    floor(item->valuedouble) != item->valuedouble || item->valuedouble < 1 ||
	    item->valuedouble > SD_MAX_TIMEOUT_S)
		return fail(error,
		            "timeout: must be an integer number of seconds from 1 to %d",
		            SD_MAX_TIMEOUT_S);
	*out = (long)item->valuedouble;
	return 0;
}

/* An object whose values are all strings; values are never quoted back. */
static int parse_string_map(const cJSON *body, const char *name, const cJSON **out,
                            unsigned *count, sc_buf *error)
{
	const cJSON *item = field(body, name), *pair;
	unsigned n = 0;
	if (!item || cJSON_IsNull(item))
		return 0;
	if (!cJSON_IsObject(item))
		return fail(error, "%s: must be an object of strings", name);
	cJSON_ArrayForEach(pair, item)
	{
		if (!cJSON_IsString(pair))
			return fail(error, "%s.%s: must be a string", name, pair->string);
		if (!*pair->string)
			return fail(error, "%s: keys must not be empty", name);
		n++;
	}
	if (out)
		*out = item;
	if (count)
		*count = n;
	return 0;
}

static int parse_octet(const char **p, long max)
{
	if (!isdigit((unsigned char)**p))
		return -1;
	long value = 0;
	int digits = 0;
	/* "01" is refused, as inet_pton refuses it: a leading zero reads as octal elsewhere. */
	if (**p == '0' && isdigit((unsigned char)(*p)[1]))
		return -1;
	while (isdigit((unsigned char)**p)) {
		value = value * 10 + (**p - '0');
		(*p)++;
		if (++digits > 3 || value > max)
			return -1;
	}
	return 0;
}

bool sd_cidr_valid(const char *text)
{
	const char *p = text;
	for (int i = 0; i < 4; i++) {
		if (parse_octet(&p, 255))
			return false;
		if (i < 3 && *p++ != '.')
			return false;
	}
	if (*p == '/') {
		p++;
		if (parse_octet(&p, 32))
			return false;
	}
	return *p == '\0';
}

static int parse_cidrs(const cJSON *network, const char *name, const cJSON **out,
                       sc_buf *error)
{
	const cJSON *item = field(network, name), *entry;
	int i = 0;
	if (!item || cJSON_IsNull(item))
		return 0;
	if (!cJSON_IsArray(item))
		return fail(error,
		            "network.%s: must be an array of IPv4 addresses or CIDRs",
		            name);
	cJSON_ArrayForEach(entry, item)
	{
		if (!cJSON_IsString(entry))
			return fail(error, "network.%s[%d]: must be a string", name, i);
		if (!sd_cidr_valid(entry->valuestring))
			return fail(
			    error,
			    "network.%s[%d]: invalid IPv4 address or CIDR \"%.64s\" "
			    "(expected a.b.c.d or a.b.c.d/0-32)",
			    name, i, entry->valuestring);
		i++;
	}
	*out = item;
	return 0;
}

static int parse_network(const cJSON *body, sd_new_sandbox *out, sc_buf *error)
{
	const cJSON *network = field(body, "network");
	if (!network || cJSON_IsNull(network))
		return 0;
	if (!cJSON_IsObject(network))
		return fail(error, "network: must be an object");
	if (parse_bool(network, "allowPublicTraffic", "network.allowPublicTraffic",
	               &out->allow_public_traffic, error) ||
	    parse_bool(network, "allowInternetAccess", "network.allowInternetAccess",
	               &out->allow_internet, error) ||
	    parse_cidrs(network, "allowOut", &out->allow_out, error) ||
	    parse_cidrs(network, "denyOut", &out->deny_out, error))
		return -1;
	return 0;
}

static int parse_mounts(const cJSON *body, const cJSON **out, sc_buf *error)
{
	const cJSON *item = field(body, "volumeMounts"), *mount;
	int i = 0;
	if (!item || cJSON_IsNull(item))
		return 0;
	if (!cJSON_IsArray(item))
		return fail(error,
		            "volumeMounts: must be an array of {\"name\",\"path\"}");
	cJSON_ArrayForEach(mount, item)
	{
		const cJSON *name = field(mount, "name"), *path = field(mount, "path");
		if (!cJSON_IsObject(mount))
			return fail(error, "volumeMounts[%d]: must be an object", i);
		if (!cJSON_IsString(name) || !*name->valuestring)
			return fail(error,
			            "volumeMounts[%d].name: must be a non-empty string",
			            i);
		if (!cJSON_IsString(path))
			return fail(error, "volumeMounts[%d].path: must be a string", i);
		if (path->valuestring[0] != '/')
			return fail(error,
			            "volumeMounts[%d].path: must be an absolute path, "
			            "got \"%.128s\"",
			            i, path->valuestring);
		i++;
	}
	*out = item;
	return 0;
}

static int parse_auto_resume(const cJSON *body, bool *out, sc_buf *error)
{
	const cJSON *item = field(body, "autoResume");
	if (cJSON_IsObject(item))
		return parse_bool(item, "enabled", "autoResume.enabled", out, error);
	return parse_bool(body, "autoResume", "autoResume", out, error);
}

static int parse_template(const cJSON *body, const char **out, sc_buf *error)
{
	const cJSON *item = field(body, "templateID");
	if (!item || cJSON_IsNull(item))
		return 0;
	if (!cJSON_IsString(item))
		return fail(error, "templateID: must be a string");
	*out = item->valuestring;
	return 0;
}

int sd_create_parse(sd_new_sandbox *out, const cJSON *body, sc_buf *error)
{
	memset(out, 0, sizeof(*out));
	out->allow_internet = true;
	out->allow_public_traffic = true;
	if (!cJSON_IsObject(body))
		return fail(error, "body: must be a JSON object");
	for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		if (field(body, rejected[i][0]))
			return fail(error, "%s: %s", rejected[i][0], rejected[i][1]);
	}
	if (parse_template(body, &out->template_name, error) ||
	    parse_timeout(body, &out->timeout_s, error) ||
	    parse_bool(body, "waitReady", "waitReady", &out->wait_ready, error) ||
	    parse_string_map(body, "metadata", &out->metadata, NULL, error) ||
	    parse_string_map(body, "envVars", NULL, &out->env_count, error) ||
	    parse_bool(body, "autoPause", "autoPause", &out->auto_pause, error) ||
	    parse_auto_resume(body, &out->auto_resume, error) ||
	    parse_bool(body, "allowInternetAccess", "allowInternetAccess",
	               &out->allow_internet, error) ||
	    parse_network(body, out, error) ||
	    parse_mounts(body, &out->volume_mounts, error))
		return -1;
	return 0;
}

static void copy_strings(sd_strings *out, const cJSON *array)
{
	const cJSON *item;
	size_t n = (size_t)cJSON_GetArraySize(array), i = 0;
	if (!array || !n)
		return;
	out->items = sc_calloc(n, sizeof(char *));
	cJSON_ArrayForEach(item, array) out->items[i++] = sc_strdup(item->valuestring);
	out->count = i;
}

void sd_create_fill(sd_sandbox *sandbox, const sd_new_sandbox *request)
{
	const cJSON *item;

	if (request->metadata) {
		cJSON_ArrayForEach(item, request->metadata)
		    sc_kv_set(&sandbox->metadata, item->string, item->valuestring);
	}
	sandbox->env_count = request->env_count;
	sandbox->auto_pause = request->auto_pause;
	sandbox->auto_resume = request->auto_resume;
	sandbox->allow_internet = request->allow_internet;
	sandbox->allow_public_traffic = request->allow_public_traffic;
	copy_strings(&sandbox->allow_out, request->allow_out);
	copy_strings(&sandbox->deny_out, request->deny_out);
	size_t n = (size_t)cJSON_GetArraySize(request->volume_mounts), i = 0;
	if (request->volume_mounts && n) {
		sandbox->mounts = sc_calloc(n, sizeof(sd_mount));
		cJSON_ArrayForEach(item, request->volume_mounts)
		{
			sandbox->mounts[i].name =
			    sc_strdup(field(item, "name")->valuestring);
			sandbox->mounts[i].path =
			    sc_strdup(field(item, "path")->valuestring);
			i++;
		}
		sandbox->mount_count = i;
	}
}
