/*
 * The warm pool and its rolling update, as the gateway's /admin routes
 * show them. sc-sandboxd has no real warm pool: it models one of
 * SD_POOL_WARM pre-started sandboxes, and a rolling update that replaces
 * them one by one, one every SD_ROLLING_STEP_MS of the server clock (so an
 * /_admin/clock advance moves it on). The phase is worked out from the
 * clock when asked: idle before the first start, running, then completed
 * once every warm sandbox is replaced, or cancelled.
 *
 * Kept in memory only (a restart is idle again). Locking: the caller
 * holds the store lock. Ownership: plain data, nothing to free.
 */
#ifndef SD_ROLLING_H
#define SD_ROLLING_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"

#define SD_POOL_WARM       10
#define SD_ROLLING_STEP_MS 3000

typedef enum {
	SD_ROLLING_IDLE,
	SD_ROLLING_RUNNING,
	SD_ROLLING_COMPLETED,
	SD_ROLLING_CANCELLED,
} sd_rolling_phase;

typedef struct sd_rolling {
	bool started; /* false: idle */
	bool cancelled;
	int64_t started_at; /* server clock, Unix ms */
	int64_t cancelled_at;
	char template_id[64]; /* the template the pool moves to */
} sd_rolling;

/* The phase at server time now. */
sd_rolling_phase sd_rolling_phase_at(const sd_rolling *rolling, int64_t now);
const char *sd_rolling_phase_name(sd_rolling_phase phase);

/* Starts an update to template_id at now; -1 while one is running. */
int sd_rolling_start(sd_rolling *rolling, const char *template_id, int64_t now);
/* Cancels the running update at now; -1 when none is running. */
int sd_rolling_cancel(sd_rolling *rolling, int64_t now);

/*
 * The status object {"phase","progress","warm_total","warm_updated",
 * "started_at","completed_at","duration","templateId"} at now.
 */
void sd_rolling_write_json(sc_buf *out, const sd_rolling *rolling, int64_t now);

#endif
