#include "api/request.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

static int is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

void sc_api_escape(sc_buf *out, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (is_unreserved(*p)) {
			sc_buf_putc(out, (char)*p);
			continue;
		}
		sc_buf_putc(out, '%');
		sc_buf_putc(out, hex[*p >> 4]);
		sc_buf_putc(out, hex[*p & 15]);
	}
}

char *sc_api_base_trim(const char *base_url)
{
	size_t len = strlen(base_url);

	while (len && base_url[len - 1] == '/')
		len--;
	return sc_strndup(base_url, len);
}

char *sc_api_sandbox_url(const char *base, const char *id, const char *suffix)
{
	sc_buf url = SC_BUF_INIT;

	sc_buf_puts(&url, base);
	sc_buf_puts(&url, "/sandboxes");
	if (id) {
		sc_buf_putc(&url, '/');
		sc_api_escape(&url, id);
	}
	if (suffix)
		sc_buf_puts(&url, suffix);
	return sc_buf_detach(&url);
}

/* metadata[k]=v&metadata[k2]=v2& */
static void put_filter_page(sc_buf *url, const sc_kv *filter)
{
	for (size_t i = 0; i < filter->count; i++) {
		sc_buf_puts(url, "metadata[");
		sc_api_escape(url, filter->pairs[i].key);
		sc_buf_puts(url, "]=");
		sc_api_escape(url, filter->pairs[i].value);
		sc_buf_putc(url, '&');
	}
}

/* metadata=<escaped "k=v&k2=v2", each k and v escaped first, as the SDKs do>& */
static void put_filter_e2b(sc_buf *url, const sc_kv *filter)
{
	sc_buf inner = SC_BUF_INIT;

	if (!filter->count)
		return;
	for (size_t i = 0; i < filter->count; i++) {
		if (i)
			sc_buf_putc(&inner, '&');
		sc_api_escape(&inner, filter->pairs[i].key);
		sc_buf_putc(&inner, '=');
		sc_api_escape(&inner, filter->pairs[i].value);
	}
	sc_buf_puts(url, "metadata=");
	sc_api_escape(url, sc_buf_cstr(&inner));
	sc_buf_putc(url, '&');
	sc_buf_release(&inner);
}

char *sc_api_list_url(const char *base, const sc_kv *filter, sc_filter_style style,
                      unsigned limit, const char *next_token)
{
	sc_buf url = SC_BUF_INIT;

	sc_buf_puts(&url, base);
	sc_buf_puts(&url, "/sandboxes?");
	if (filter && style == SC_FILTER_E2B)
		put_filter_e2b(&url, filter);
	else if (filter)
		put_filter_page(&url, filter);
	sc_buf_printf(&url, "limit=%u", limit);
	if (next_token) {
		sc_buf_puts(&url, "&nextToken=");
		sc_api_escape(&url, next_token);
	}
	return sc_buf_detach(&url);
}

static cJSON *kv_object(const sc_kv *kv)
{
	cJSON *object = cJSON_CreateObject();

	for (size_t i = 0; kv && i < kv->count; i++)
		cJSON_AddStringToObject(object, kv->pairs[i].key, kv->pairs[i].value);
	return object;
}

static cJSON *string_array(const sc_strlist *list)
{
	cJSON *array = cJSON_CreateArray();

	for (size_t i = 0; i < list->count; i++)
		cJSON_AddItemToArray(array, cJSON_CreateString(list->items[i]));
	return array;
}

static cJSON *network_object(const sc_network *network)
{
	cJSON *object = cJSON_CreateObject();

	cJSON_AddBoolToObject(object, "allowPublicTraffic",
	                      network->allow_public_traffic);
	cJSON_AddBoolToObject(object, "allowInternetAccess",
	                      network->allow_internet_access);
	cJSON_AddItemToObject(object, "allowOut", string_array(&network->allow_out));
	cJSON_AddItemToObject(object, "denyOut", string_array(&network->deny_out));
	return object;
}

static cJSON *mounts_array(const sc_spec *spec)
{
	cJSON *array = cJSON_CreateArray();

	for (size_t i = 0; i < spec->mount_count; i++) {
		cJSON *mount = cJSON_CreateObject();
		cJSON_AddStringToObject(mount, "name", spec->mounts[i].name);
		cJSON_AddStringToObject(mount, "path", spec->mounts[i].path);
		cJSON_AddItemToArray(array, mount);
	}
	return array;
}

/* cJSON allocates with malloc; hand back a string we own the same way. */
static char *print_and_free(cJSON *root)
{
	char *text = cJSON_PrintUnformatted(root);

	cJSON_Delete(root);
	if (!text)
		return sc_strdup("{}");
	return text;
}

char *sc_api_create_body(const sc_spec *spec, const sc_kv *metadata)
{
	cJSON *root = cJSON_CreateObject();
	const char *template_id = spec->template_id ? spec->template_id : "base";

	cJSON_AddStringToObject(root, "templateID", template_id);
	cJSON_AddNumberToObject(root, "timeout", spec->timeout);
	cJSON_AddBoolToObject(root, "waitReady", spec->wait_ready);
	cJSON_AddItemToObject(root, "metadata", kv_object(metadata));
	cJSON_AddItemToObject(root, "envVars", kv_object(&spec->env));
	cJSON_AddBoolToObject(root, "autoPause", spec->auto_pause);
	cJSON_AddBoolToObject(root, "autoResume", spec->auto_resume);
	cJSON_AddBoolToObject(root, "allowInternetAccess",
	                      spec->network.allow_internet_access);
	cJSON_AddItemToObject(root, "network", network_object(&spec->network));
	cJSON_AddItemToObject(root, "volumeMounts", mounts_array(spec));
	return print_and_free(root);
}

char *sc_api_timeout_body(unsigned timeout)
{
	return sc_asprintf("{\"timeout\":%u}", timeout);
}

void sc_api_secret_free(char *text)
{
	if (!text)
		return;
	volatile char *p = text;
	while (*p)
		*p++ = '\0';
	free(text);
}
