/*
 * One sandbox as sc-sandboxd keeps it, and its JSON forms: the API's
 * (list items, detail with timeline) and the journal's (everything needed
 * to restore it). envVars values are never kept: only their count.
 *
 * The last heartbeat (POST /sandboxes/:id/heartbeat, sent by the workload
 * inside) is kept as lastHeartbeat {"status","at"} in every form, null
 * before the first one; a change of its status is a timeline event.
 *
 * Ownership: an sd_sandbox owns every string and array in it;
 * sd_sandbox_free() frees it all (NULL is a no-op). The hash_next field
 * belongs to the store.
 */
#ifndef SD_SANDBOX_H
#define SD_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/kv.h"

#define SD_ID_MAX 64

typedef struct sd_event {
	int64_t at; /* server clock, Unix ms */
	char *
	    event; /* created, paused, resumed, timeout_set, refreshed, expired, killed */
	char *detail;
} sd_event;

/* What a workload reports about itself; NONE before its first heartbeat. */
typedef enum {
	SD_HEARTBEAT_NONE,
	SD_HEARTBEAT_STARTING,
	SD_HEARTBEAT_HEALTHY,
	SD_HEARTBEAT_ERROR,
} sd_heartbeat;

typedef struct sd_mount {
	char *name;
	char *path;
} sd_mount;

typedef struct sd_strings {
	char **items;
	size_t count;
} sd_strings;

typedef struct sd_sandbox {
	char id[SD_ID_MAX]; /* "sandbox_<16 hex>" */
	char *template_id;
	sc_kv metadata;
	bool paused;
	int64_t started_at;     /* server clock, Unix ms */
	int64_t activated_at;   /* last create or resume */
	int64_t end_at;         /* when the TTL runs out (frozen while paused) */
	int64_t paused_left_ms; /* TTL left at the pause */
	int64_t ready_mono_ms;  /* monotonic ms when "starting" ends; 0: ready */
	char envd_token[48];
	int cpu_count, memory_mb, disk_size_mb;
	bool auto_pause, auto_resume;
	bool allow_internet, allow_public_traffic;
	sd_strings allow_out, deny_out;
	sd_mount *mounts;
	size_t mount_count;
	unsigned env_count;
	sd_heartbeat heartbeat;
	int64_t heartbeat_at; /* server clock, Unix ms; 0 with SD_HEARTBEAT_NONE */
	sd_event *events;
	size_t event_count, event_alloc;
	struct sd_sandbox *hash_next;
} sd_sandbox;

typedef enum {
	SD_VIEW_LIST,    /* a list item: no timeline */
	SD_VIEW_DETAIL,  /* GET /sandboxes/:id, create, connect: with timeline */
	SD_VIEW_JOURNAL, /* everything, for the journal */
} sd_view;

sd_sandbox *sd_sandbox_new(void);
void sd_sandbox_free(sd_sandbox *sandbox);

/* Appends a timeline event (strings copied). */
void sd_sandbox_add_event(sd_sandbox *sandbox, int64_t at, const char *event,
                          const char *detail);
/*
 * Records a heartbeat at server time at; a status different from the last
 * one (the first included) adds a "heartbeat" timeline event, a repeated
 * one only moves the time (a workload beating every few seconds must not
 * grow the timeline and the journal without bound).
 */
void sd_sandbox_heartbeat(sd_sandbox *sandbox, sd_heartbeat status, int64_t at);
/* "starting", "healthy", "error"; NULL for SD_HEARTBEAT_NONE. */
const char *sd_heartbeat_name(sd_heartbeat status);
/* The status a word names (exactly, case-sensitive); SD_HEARTBEAT_NONE if none. */
sd_heartbeat sd_heartbeat_from_name(const char *word);

/* "starting", "running" or "paused" at monotonic time mono_now. */
const char *sd_sandbox_status(const sd_sandbox *sandbox, int64_t mono_now);

void sd_sandbox_write_json(sc_buf *out, const sd_sandbox *sandbox, sd_view view,
                           int64_t mono_now);
/* Rebuilds a sandbox from its SD_VIEW_JOURNAL form; NULL if malformed. */
sd_sandbox *sd_sandbox_from_json(const cJSON *object);

void sd_strings_release(sd_strings *strings);

#endif
