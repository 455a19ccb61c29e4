#include "sandboxd/private/sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/timeutil.h"
#include "sandboxd/private/json.h"

#define SD_ENVD_VERSION "0.2.4"
#define SD_ROUTER_URL   "https://sandbox-router.sandboxd.local/9000-"

sd_sandbox *sd_sandbox_new(void)
{
	return sc_calloc(1, sizeof(sd_sandbox));
}

void sd_strings_release(sd_strings *strings)
{
	for (size_t i = 0; i < strings->count; i++)
		free(strings->items[i]);
	free(strings->items);
	strings->items = NULL;
	strings->count = 0;
}

void sd_sandbox_free(sd_sandbox *sandbox)
{
	if (!sandbox)
		return;
	free(sandbox->template_id);
	sc_kv_release(&sandbox->metadata);
	sd_strings_release(&sandbox->allow_out);
	sd_strings_release(&sandbox->deny_out);
	for (size_t i = 0; i < sandbox->mount_count; i++) {
		free(sandbox->mounts[i].name);
		free(sandbox->mounts[i].path);
	}
	free(sandbox->mounts);
	for (size_t i = 0; i < sandbox->event_count; i++) {
		free(sandbox->events[i].event);
		free(sandbox->events[i].detail);
	}
	free(sandbox->events);
	free(sandbox);
}

void sd_sandbox_add_event(sd_sandbox *sandbox, int64_t at, const char *event,
                          const char *detail)
{
	SC_GROW(sandbox->events, sandbox->event_count + 1, sandbox->event_alloc);
	sd_event *e = &sandbox->events[sandbox->event_count++];
	e->at = at;
	e->event = sc_strdup(event);
	e->detail = sc_strdup(detail ? detail : "");
}

static const char *const heartbeat_names[] = {
    [SD_HEARTBEAT_NONE] = NULL,
    [SD_HEARTBEAT_STARTING] = "starting",
    [SD_HEARTBEAT_HEALTHY] = "healthy",
    [SD_HEARTBEAT_ERROR] = "error",
};

const char *sd_heartbeat_name(sd_heartbeat status)
{
	return heartbeat_names[status];
}

sd_heartbeat sd_heartbeat_from_name(const char *word)
{
	for (int i = SD_HEARTBEAT_STARTING; word && i <= SD_HEARTBEAT_ERROR; i++) {
		if (!strcmp(word, heartbeat_names[i]))
			return (sd_heartbeat)i;
	}
	return SD_HEARTBEAT_NONE;
}

void sd_sandbox_heartbeat(sd_sandbox *sandbox, sd_heartbeat status, int64_t at)
{
	if (status != sandbox->heartbeat)
		sd_sandbox_add_event(sandbox, at, "heartbeat", heartbeat_names[status]);
	sandbox->heartbeat = status;
	sandbox->heartbeat_at = at;
}

const char *sd_sandbox_status(const sd_sandbox *sandbox, int64_t mono_now)
{
	if (sandbox->paused)
		return "paused";
	if (sandbox->ready_mono_ms && mono_now < sandbox->ready_mono_ms)
		return "starting";
	return "running";
}

static void write_strings(sc_buf *out, const sd_strings *strings)
{
	sc_buf_putc(out, '[');
	for (size_t i = 0; i < strings->count; i++) {
		if (i)
			sc_buf_putc(out, ',');
		sc_json_quote(out, strings->items[i]);
	}
	sc_buf_putc(out, ']');
}

static void write_mounts(sc_buf *out, const sd_sandbox *sandbox)
{
	sc_buf_putc(out, '[');
	for (size_t i = 0; i < sandbox->mount_count; i++) {
		if (i)
			sc_buf_putc(out, ',');
		sc_buf_puts(out, "{\"name\":");
		sc_json_quote(out, sandbox->mounts[i].name);
		sc_buf_puts(out, ",\"path\":");
		sc_json_quote(out, sandbox->mounts[i].path);
		sc_buf_putc(out, '}');
	}
	sc_buf_putc(out, ']');
}

static void write_timeline(sc_buf *out, const sd_sandbox *sandbox)
{
	sc_buf_putc(out, '[');
	for (size_t i = 0; i < sandbox->event_count; i++) {
		const sd_event *e = &sandbox->events[i];
		if (i)
			sc_buf_putc(out, ',');
		sc_buf_puts(out, "{\"at\":");
		sd_json_time(out, e->at);
		sc_buf_puts(out, ",\"event\":");
		sc_json_quote(out, e->event);
		sc_buf_puts(out, ",\"detail\":");
		sc_json_quote(out, e->detail);
		sc_buf_putc(out, '}');
	}
	sc_buf_putc(out, ']');
}

static void write_heartbeat(sc_buf *out, const sd_sandbox *sandbox)
{
	if (sandbox->heartbeat == SD_HEARTBEAT_NONE) {
		sc_buf_puts(out, "null");
		return;
	}
	sc_buf_printf(out, "{\"status\":\"%s\",\"at\":",
	              heartbeat_names[sandbox->heartbeat]);
	sd_json_time(out, sandbox->heartbeat_at);
	sc_buf_putc(out, '}');
}

static void write_network(sc_buf *out, const sd_sandbox *sandbox)
{
	sc_buf_puts(out, "{\"allowPublicTraffic\":");
	sd_json_bool(out, sandbox->allow_public_traffic);
	sc_buf_puts(out, ",\"allowInternetAccess\":");
	sd_json_bool(out, sandbox->allow_internet);
	sc_buf_puts(out, ",\"allowOut\":");
	write_strings(out, &sandbox->allow_out);
	sc_buf_puts(out, ",\"denyOut\":");
	write_strings(out, &sandbox->deny_out);
	sc_buf_putc(out, '}');
}

void sd_sandbox_write_json(sc_buf *out, const sd_sandbox *sandbox, sd_view view,
                           int64_t mono_now)
{
	const char *status = view == SD_VIEW_JOURNAL
	                         ? (sandbox->paused ? "paused" : "running")
	                         : sd_sandbox_status(sandbox, mono_now);

	sc_buf_puts(out, "{\"sandboxID\":");
	sc_json_quote(out, sandbox->id);
	sc_buf_puts(out, ",\"templateID\":");
	sc_json_quote(out, sandbox->template_id);
	sc_buf_puts(out, ",\"metadata\":");
	sd_json_kv(out, &sandbox->metadata);
	sc_buf_printf(out, ",\"state\":\"%s\",\"status\":\"%s\"",
	              sandbox->paused ? "paused" : "running", status);
	sc_buf_puts(out, ",\"startedAt\":");
	sd_json_time(out, sandbox->started_at);
	sc_buf_puts(out, ",\"activatedAt\":");
	sd_json_time(out, sandbox->activated_at);
	sc_buf_puts(out, ",\"endAt\":");
	sd_json_time(out, sandbox->end_at);
	sc_buf_printf(out, ",\"envdUrl\":\"" SD_ROUTER_URL "%s\"", sandbox->id);
	sc_buf_puts(out, ",\"envdAccessToken\":");
	sc_json_quote(out, sandbox->envd_token);
	sc_buf_printf(out,
	              ",\"envdVersion\":\"" SD_ENVD_VERSION "\",\"cpuCount\":%d,"
	              "\"memoryMB\":%d,\"diskSizeMB\":%d",
	              sandbox->cpu_count, sandbox->memory_mb, sandbox->disk_size_mb);
	sc_buf_puts(out, ",\"volumeMounts\":");
	write_mounts(out, sandbox);
	sc_buf_printf(out, ",\"lifecycle\":{\"onTimeout\":\"%s\",\"autoResume\":%s}",
	              sandbox->auto_pause ? "pause" : "kill",
	              sandbox->auto_resume ? "true" : "false");
	sc_buf_puts(out, ",\"allowInternetAccess\":");
	sd_json_bool(out, sandbox->allow_internet);
	sc_buf_puts(out, ",\"network\":");
	write_network(out, sandbox);
	sc_buf_puts(out, ",\"lastHeartbeat\":");
	write_heartbeat(out, sandbox);
	if (view != SD_VIEW_LIST) {
		sc_buf_puts(out, ",\"timeline\":");
		write_timeline(out, sandbox);
	}
	if (view == SD_VIEW_JOURNAL) {
		sc_buf_printf(out, ",\"_pausedLeftMs\":%lld,\"_envCount\":%u",
		              (long long)sandbox->paused_left_ms, sandbox->env_count);
	}
	sc_buf_putc(out, '}');
}

/* Reading the journal form back. */

static const char *get_string(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static int get_time(const cJSON *object, const char *key, int64_t *out)
{
	return sc_time_parse_rfc3339(get_string(object, key), out);
}

static int get_int(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	return cJSON_IsNumber(item) ? item->valueint : 0;
}

static bool get_bool(const cJSON *object, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(object, key));
}

static void read_strings(sd_strings *out, const cJSON *array)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, array)
	{
		if (!cJSON_IsString(item))
			continue;
		out->items = sc_realloc(out->items, (out->count + 1) * sizeof(char *));
		out->items[out->count++] = sc_strdup(item->valuestring);
	}
}

static void read_mounts(sd_sandbox *sandbox, const cJSON *array)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, array)
	{
		const char *name = get_string(item, "name"),
		           *path = get_string(item, "path");
		if (!name || !path)
			continue;
		sandbox->mounts = sc_realloc(sandbox->mounts, (sandbox->mount_count + 1) *
		                                                  sizeof(sd_mount));
		sandbox->mounts[sandbox->mount_count].name = sc_strdup(name);
		sandbox->mounts[sandbox->mount_count++].path = sc_strdup(path);
	}
}

static void read_timeline(sd_sandbox *sandbox, const cJSON *array)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, array)
	{
		int64_t at;
		if (get_time(item, "at", &at) || !get_string(item, "event"))
			continue;
		sd_sandbox_add_event(sandbox, at, get_string(item, "event"),
		                     get_string(item, "detail"));
	}
}

/* A lastHeartbeat that does not read back is dropped, not the sandbox. */
static void read_heartbeat(sd_sandbox *sandbox, const cJSON *object)
{
	sd_heartbeat status = sd_heartbeat_from_name(get_string(object, "status"));
	int64_t at;

	if (status == SD_HEARTBEAT_NONE || get_time(object, "at", &at))
		return;
	sandbox->heartbeat = status;
	sandbox->heartbeat_at = at;
}

static void read_metadata(sd_sandbox *sandbox, const cJSON *object)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, object)
	{
		if (cJSON_IsString(item))
			sc_kv_set(&sandbox->metadata, item->string, item->valuestring);
	}
}

sd_sandbox *sd_sandbox_from_json(const cJSON *object)
{
	const char *id = get_string(object, "sandboxID");
	const char *template_id = get_string(object, "templateID");
	const char *state = get_string(object, "state");
	const char *token = get_string(object, "envdAccessToken");
	const cJSON *lifecycle = cJSON_GetObjectItemCaseSensitive(object, "lifecycle");
	const cJSON *network = cJSON_GetObjectItemCaseSensitive(object, "network");
	const cJSON *left = cJSON_GetObjectItemCaseSensitive(object, "_pausedLeftMs");

	if (!id || strlen(id) >= SD_ID_MAX || !template_id || !state)
		return NULL;
	sd_sandbox *sandbox = sd_sandbox_new();
	snprintf(sandbox->id, sizeof(sandbox->id), "%s", id);
	snprintf(sandbox->envd_token, sizeof(sandbox->envd_token), "%s",
	         token ? token : "");
	sandbox->template_id = sc_strdup(template_id);
	sandbox->paused = !strcmp(state, "paused");
	if (get_time(object, "startedAt", &sandbox->started_at) ||
	    get_time(object, "activatedAt", &sandbox->activated_at) ||
	    get_time(object, "endAt", &sandbox->end_at)) {
		sd_sandbox_free(sandbox);
		return NULL;
	}
	sandbox->paused_left_ms = cJSON_IsNumber(left) ? (int64_t)left->valuedouble : 0;
	sandbox->env_count = (unsigned)get_int(object, "_envCount");
	sandbox->cpu_count = get_int(object, "cpuCount");
	sandbox->memory_mb = get_int(object, "memoryMB");
	sandbox->disk_size_mb = get_int(object, "diskSizeMB");
	sandbox->auto_pause = !strcmp(get_string(lifecycle, "onTimeout")
	                                  ? get_string(lifecycle, "onTimeout")
	                                  : "kill",
	                              "pause");
	sandbox->auto_resume = get_bool(lifecycle, "autoResume");
	sandbox->allow_internet = get_bool(object, "allowInternetAccess");
	sandbox->allow_public_traffic = get_bool(network, "allowPublicTraffic");
	read_strings(&sandbox->allow_out,
	             cJSON_GetObjectItemCaseSensitive(network, "allowOut"));
	read_strings(&sandbox->deny_out,
	             cJSON_GetObjectItemCaseSensitive(network, "denyOut"));
	read_mounts(sandbox, cJSON_GetObjectItemCaseSensitive(object, "volumeMounts"));
	read_metadata(sandbox, cJSON_GetObjectItemCaseSensitive(object, "metadata"));
	read_timeline(sandbox, cJSON_GetObjectItemCaseSensitive(object, "timeline"));
	read_heartbeat(sandbox, cJSON_GetObjectItemCaseSensitive(object, "lastHeartbeat"));
	return sandbox;
}
