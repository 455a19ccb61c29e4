/*
 * A sandbox as the service reports it: the observed state.
 *
 * Ownership: an sc_sandbox_list owns its sandboxes and their strings;
 * sc_sandbox_list_release() frees them. A sandbox decoded from a list page
 * keeps its strings, label arrays and reported arrays in the list's arena
 * (in_arena): they are freed with the list, never one by one, so such a
 * sandbox's metadata is read-only. Strings the arena holds once per list
 * (label keys, and the values, template ids and statuses that repeat from
 * sandbox to sandbox) are shared between its sandboxes. A sandbox built by
 * hand or decoded alone owns each string (malloc'd). A const sc_sandbox *
 * handed out elsewhere (a plan's action) is borrowed from a list that must
 * outlive it.
 */
#ifndef SC_API_SANDBOX_H
#define SC_API_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/kv.h"
#include "spec/spec.h"

/* The labels sc-apply owns on the sandboxes it creates. */
#define SC_LABEL_SET          "sc-apply/set"
#define SC_LABEL_NAME         "sc-apply/name"
#define SC_LABEL_HASH         "sc-apply/hash"
#define SC_LABEL_PARTS        "sc-apply/parts" /* per-group hashes: what a replace changes */
#define SC_LABEL_SALT         "sc-apply/salt"
#define SC_LABEL_CREATE_TOKEN "sc-apply/create-token"

/* What a status word means (docs/seacloud-api.md, "States"), case-insensitively. */
typedef enum {
	SC_PHASE_READY,    /* running | active | ready */
	SC_PHASE_PAUSED,   /* paused | stopped | pausing */
	SC_PHASE_STARTING, /* starting | creating | pending | resuming */
	SC_PHASE_GONE,     /* deleted | destroying | killed | failed | error | expired */
	SC_PHASE_UNKNOWN,  /* any other word: not ready, reported, never fatal */
} sc_phase;

/*
 * What the server reports of fields that cannot change in place, kept to
 * show as old values in a plan. Each *_reported is false when the server
 * did not send the field, or sent it in a form not understood (never an
 * error: nothing is decided on these).
 */
typedef struct sc_sandbox_reported {
	sc_mount *mounts;     /* volumeMounts */
	size_t mount_count;
	bool mounts_reported;
	bool lifecycle_reported;
	bool auto_pause;      /* lifecycle.onTimeout == "pause" */
	bool auto_resume;     /* lifecycle.autoResume */
	bool network_reported;
	sc_network network;
} sc_sandbox_reported;

/*
 * lastHeartbeat.status: what the workload inside last reported
 * (docs/seacloud-api.md, "Beyond the page"). UNREPORTED: the server sent
 * no lastHeartbeat field at all (it does not show heartbeats); NONE: null.
 */
typedef enum {
	SC_HEARTBEAT_UNREPORTED,
	SC_HEARTBEAT_NONE,
	SC_HEARTBEAT_STARTING,
	SC_HEARTBEAT_HEALTHY,
	SC_HEARTBEAT_ERROR,
	SC_HEARTBEAT_OTHER, /* an object without a status word we know */
} sc_heartbeat;

typedef struct sc_sandbox {
	char *id;          /* sandboxID */
	char *template_id; /* templateID as the server reports it (may differ from the
	                      spec's) */
	char *status;      /* the word as sent: status, else state */
	sc_phase phase;
	bool in_arena;      /* its strings and arrays belong to its list's arena */
	sc_kv metadata;
	int64_t started_at; /* Unix ms; 0 when unknown */
	int64_t end_at;     /* Unix ms when the TTL runs out; 0 when unknown */
	sc_sandbox_reported reported;
	sc_heartbeat last_heartbeat;
} sc_sandbox;

/* Where a list's decoded sandboxes keep their strings (sandbox.c). */
typedef struct sc_sandbox_arena sc_sandbox_arena;

typedef struct sc_sandbox_list {
	sc_sandbox *items;
	size_t count;
	size_t alloc;
	int64_t server_now; /* Unix ms from the Date header of the list; 0 when absent */
	sc_sandbox_arena *arena; /* NULL until a sandbox is decoded into the list */
} sc_sandbox_list;

/*
 * Whether a server's sandbox id may be acted on, that is, put in a URL:
 * 1..SC_SANDBOX_ID_MAX bytes of printable UTF-8 (common/text.h: no NUL,
 * no control or bidi character), no '/', and not "." or ".." (which a
 * URL path would resolve to the collection itself).
 */
#define SC_SANDBOX_ID_MAX 256
bool sc_api_id_plain(const char *id);

sc_phase sc_phase_from_status(const char *word);
const char *sc_phase_name(sc_phase phase);

void sc_sandbox_release(sc_sandbox *sandbox);
void sc_sandbox_list_release(sc_sandbox_list *list);
/* Appends a zeroed sandbox and returns it (borrowed; moves on the next push). */
sc_sandbox *sc_sandbox_list_push(sc_sandbox_list *list);

/*
 * Moves every sandbox of from to the end of into, and the strings they
 * hold with them; from is left empty. A pointer to one of from's
 * sandboxes does not follow it.
 */
void sc_sandbox_list_take(sc_sandbox_list *into, sc_sandbox_list *from);

/* The list's arena, made on first use (borrowed: the list owns it). */
sc_sandbox_arena *sc_sandbox_list_arena(sc_sandbox_list *list);

/* len bytes of text and a NUL, copied into arena (its lifetime). */
char *sc_sandbox_arena_copy(sc_sandbox_arena *arena, const char *text, size_t len);
/* The same, shared (never written to): the arena keeps one copy of each distinct text. */
char *sc_sandbox_arena_intern(sc_sandbox_arena *arena, const char *text, size_t len);
/* count zeroed elements of size bytes, aligned for any pointer or integer. */
void *sc_sandbox_arena_alloc(sc_sandbox_arena *arena, size_t count, size_t size);

#endif
