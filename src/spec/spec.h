/*
 * Specs: the desired state, read from YAML (see docs/design.md).
 *
 * Ownership: an sc_spec_list owns its specs and everything in them; a
 * const sc_spec * handed out by anything else is borrowed from a list.
 * sc_spec_list_release() frees it all; a zeroed list is empty.
 * envVars values are secrets: nothing outside src/api/ (the create body)
 * and the hash may copy them anywhere a user could see.
 */
#ifndef SC_SPEC_SPEC_H
#define SC_SPEC_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/kv.h"

typedef enum { SC_SPEC_RUNNING, SC_SPEC_PAUSED } sc_spec_state;
typedef enum { SC_REPLACE_CREATE_FIRST, SC_REPLACE_DELETE_FIRST } sc_replace_order;
/*
 * spec.readiness: when a sandbox counts as ready. RUNNING: its status is
 * running. HEARTBEAT: running and the last heartbeat its workload sent
 * (POST /sandboxes/:id/heartbeat) is healthy; a heartbeat "error" means
 * it failed. A server that shows no heartbeats leaves such a spec ungated
 * (ready = running), said in a warning.
 */
typedef enum { SC_READINESS_RUNNING, SC_READINESS_HEARTBEAT } sc_readiness;

/*
 * spec.rollout, in the words and meanings of a Kubernetes Deployment's
 * RollingUpdate: a replace of stale replicas proceeds in waves; at most
 * replicas + max_surge sandboxes of the spec exist at once, at least
 * replicas - max_unavailable of them are ready, and a new sandbox that is
 * not ready progress_deadline seconds after its wave began (or reports
 * heartbeat error) stops the rollout. Without it (present false) every
 * stale replica is replaced at once.
 */
typedef struct sc_rollout_spec {
	bool present;                /* the document has spec.rollout */
	unsigned max_surge;          /* default 1 */
	unsigned max_unavailable;    /* default 0; not both 0 */
	unsigned progress_deadline;  /* seconds, default 600 */
	bool max_surge_percent;      /* max_surge is a percentage of replicas (rounded up) */
	bool max_unavailable_percent; /* max_unavailable is one (rounded down) */
} sc_rollout_spec;

/* Where something was written: file (or "<stdin>"), 1-based line and column. */
typedef struct sc_source {
	char *file;
	unsigned line;
	unsigned column;
} sc_source;

typedef struct sc_strlist {
	char **items;
	size_t count;
} sc_strlist;

typedef struct sc_network {
	bool allow_public_traffic;   /* default true */
	bool allow_internet_access;  /* default true */
	sc_strlist allow_out;        /* IPv4 addresses or CIDRs, as written */
	sc_strlist deny_out;
} sc_network;

typedef struct sc_mount {
	char *name;
	char *path;                  /* absolute */
} sc_mount;

typedef struct sc_spec {
	char *name;                  /* metadata.name, DNS-1123 label */
	char *set;                   /* metadata.set, or the --set default */
	sc_kv labels;                /* metadata.labels */
	char *template_id;           /* default "base" */
	unsigned replicas;           /* 0..1000, default 1 */
	sc_spec_state state;         /* default running */
	unsigned timeout;            /* TTL seconds 1..86400, default 300 */
	unsigned renew_before;       /* seconds, < timeout; default timeout / 2 */
	bool wait_ready;             /* default true */
	bool auto_pause;             /* default false */
	bool auto_resume;            /* default false */
	bool protect;                /* default false */
	sc_replace_order replace;    /* spec.replace: create-first | delete-first */
	sc_readiness readiness;      /* spec.readiness: running | heartbeat */
	sc_rollout_spec rollout;     /* spec.rollout */
	sc_kv env;                   /* envVars after ${} expansion: SECRET values */
	sc_network network;
	sc_mount *mounts;
	size_t mount_count;
	sc_source where;             /* start of the document */
	/* Which fields the file left out, so that a plan can say "(default)". */
	bool template_defaulted;
	bool timeout_defaulted;
	bool renew_before_defaulted;
} sc_spec;

typedef struct sc_spec_list {
	sc_spec *items;
	size_t count;
	size_t alloc;
} sc_spec_list;

/* Looks a variable up for ${} expansion; NULL when unset. */
typedef const char *(*sc_spec_lookup_fn)(void *ctx, const char *name);

typedef struct sc_spec_load_options {
	const char *default_set;     /* --set: the set of documents with no metadata.set */
	sc_spec_lookup_fn lookup;    /* NULL: getenv */
	void *lookup_ctx;
} sc_spec_load_options;

/*
 * Loads every spec named by paths: files, directories (their *.yaml and
 * *.yml, sorted by name, not recursive) and "-" (standard input). Appends
 * to out. Reports every error it finds, with its place, into diag and
 * returns -1 when there was any; out then holds what did load, which the
 * caller must not act on.
 */
int sc_spec_load_paths(sc_spec_list *out, const char *const *paths,
                       size_t path_count, const sc_spec_load_options *options,
                       sc_diag *diag);

/* The same for one YAML text; file names it in messages. */
int sc_spec_load_text(sc_spec_list *out, const char *file, const char *text,
                      size_t len, const sc_spec_load_options *options,
                      sc_diag *diag);

void sc_spec_list_release(sc_spec_list *list);

/*
 * text (malloc'd, taken) with every envVars value of spec replaced, in each
 * form a server may echo it (raw, JSON-escaped, percent-encoded); the
 * result is malloc'd. spec may be NULL.
 */
char *sc_spec_scrub(char *text, const sc_spec *spec);

/* What sc_spec_write_yaml() writes in place of each envVars value. */
#define SC_SPEC_SECRET_MARK "(secret: not shown)"

/*
 * Appends specs to out as YAML, a document ("---") per spec, with every
 * default written out: what a spec file would say to get these specs.
 * Strings are quoted and their $ doubled, so it loads back as the same
 * specs, except envVars values: secrets, each written as
 * SC_SPEC_SECRET_MARK. Returns 0, or -1 with an error in diag.
 */
int sc_spec_write_yaml(sc_buf *out, const sc_spec_list *specs, sc_diag *diag);

/* Frees what one spec owns and zeroes it (a list's items are freed by the list). */
void sc_spec_release(sc_spec *spec);

/* The spec named name in set, borrowed, or NULL. */
const sc_spec *sc_spec_list_find(const sc_spec_list *list, const char *set,
                                 const char *name);

/*
 * The hash of every field that cannot change in place (template, labels,
 * envVars, network, volumeMounts, autoPause, autoResume), salted with
 * salt, as SC_SPEC_HASH_HEX lowercase hex digits and a NUL. It is a label
 * value, so it is short; it never lets anyone test guesses of a secret
 * without the salt of one sandbox at a time.
 */
#define SC_SPEC_HASH_HEX 32
void sc_spec_hash(char out[SC_SPEC_HASH_HEX + 1], const sc_spec *spec,
                  const char *salt);

/*
 * The same fields in groups, each hashed on its own (salted, 8 hex digits,
 * joined by '.'), for the sc-apply/parts label: a replace can then say
 * which group changed without naming any value. envVars has no part of its
 * own (a hash of the secrets alone would let anyone who reads labels test
 * guesses of them): when the full hash differs and no part does, what
 * changed is envVars, and a replace says "envVars (changed)".
 */
typedef enum {
	SC_SPEC_PART_TEMPLATE,
	SC_SPEC_PART_LABELS,
	SC_SPEC_PART_ENV,
	SC_SPEC_PART_NETWORK,
	SC_SPEC_PART_MOUNTS,
	SC_SPEC_PART_LIFECYCLE,
} sc_spec_part;
#define SC_SPEC_PART_COUNT 6
#define SC_SPEC_PARTS_LEN ((SC_SPEC_PART_COUNT - 1) * 9 - 1)
void sc_spec_hash_parts(char out[SC_SPEC_PARTS_LEN + 1], const sc_spec *spec,
                        const char *salt);
const char *sc_spec_part_name(sc_spec_part part);

#endif
