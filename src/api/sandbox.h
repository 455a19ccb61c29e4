/*
 * A sandbox as the service reports it: the observed state.
 *
 * Ownership: an sc_sandbox_list owns its sandboxes and their strings;
 * sc_sandbox_list_release() frees them. A const sc_sandbox * handed out
 * elsewhere (a plan's action) is borrowed from a list that must outlive it.
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
	bool mounts_reported;
	sc_mount *mounts;     /* volumeMounts */
	size_t mount_count;
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
	sc_kv metadata;
	int64_t started_at; /* Unix ms; 0 when unknown */
	int64_t end_at;     /* Unix ms when the TTL runs out; 0 when unknown */
	sc_sandbox_reported reported;
	sc_heartbeat last_heartbeat;
} sc_sandbox;

typedef struct sc_sandbox_list {
	sc_sandbox *items;
	size_t count;
	size_t alloc;
	int64_t server_now; /* Unix ms from the Date header of the list; 0 when absent */
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

#endif
