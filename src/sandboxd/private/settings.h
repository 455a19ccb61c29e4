/*
 * The behaviour a test can change: faults, latency, limits. Set from the
 * command line at start and by POST /_admin/config at run time, with the
 * same names (--fault-rate is faultRate).
 *
 * Ownership: plain values, no pointers.
 */
#ifndef SD_SETTINGS_H
#define SD_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/diag.h"

/* What a fault is (--fault-kinds), as bits. */
enum {
	SD_FAULT_5XX = 1 << 0,
	SD_FAULT_429 = 1 << 1,
	SD_FAULT_DROP = 1 << 2,
	SD_FAULT_LOST_CREATE = 1 << 3,
	SD_FAULT_TRUNCATE = 1 << 4,
	SD_FAULT_SLOW = 1 << 5,
	SD_FAULT_WRONG_TYPES = 1 << 6,  /* performed, then a JSON body of the wrong types */
};
#define SD_FAULT_KIND_COUNT 7

typedef struct sd_settings {
	double fault_rate;    /* 0..1 of API requests fail */
	unsigned fault_kinds; /* SD_FAULT_* bits; default 5xx */
	int latency_ms;       /* added to every API response */
	int slow_ms;          /* the delay of a "slow" fault; default 5000 */
	double rate_limit;    /* API requests per second; 0: none */
	long max_sandboxes;   /* 429 on a create past it; 0: none */
	bool ignore_metadata_filter;
	int start_delay_ms; /* how long a new sandbox stays "starting" */
	bool log_requests;
	uint64_t seed; /* of the fault generator */
} sd_settings;

void sd_settings_defaults(sd_settings *settings);
/* "5xx,429,drop": a comma list of kinds into bits. */
int sd_fault_kinds_parse(const char *list, unsigned *out, sc_diag *diag);

void sd_settings_write_json(sc_buf *out, const sd_settings *settings);
/* Applies a JSON object of the same names; nothing changes on an error. */
int sd_settings_apply_json(sd_settings *settings, const cJSON *object, sc_diag *diag);

#endif
