#include "sandboxd/private/rolling.h"

#include <stdio.h>
#include <string.h>

#include "common/json_string.h"
#include "sandboxd/private/json.h"

static const char *const phase_names[] = {
    [SD_ROLLING_IDLE] = "idle",
    [SD_ROLLING_RUNNING] = "running",
    [SD_ROLLING_COMPLETED] = "completed",
    [SD_ROLLING_CANCELLED] = "cancelled",
};

/* When every warm sandbox is replaced, had nothing stopped it. */
static int64_t natural_end(const sd_rolling *rolling)
{
	return rolling->started_at + (int64_t)SD_POOL_WARM * SD_ROLLING_STEP_MS;
}

sd_rolling_phase sd_rolling_phase_at(const sd_rolling *rolling, int64_t now)
{
	if (!rolling->started)
		return SD_ROLLING_IDLE;
	if (rolling->cancelled)
		return SD_ROLLING_CANCELLED;
	return now >= natural_end(rolling) ? SD_ROLLING_COMPLETED : SD_ROLLING_RUNNING;
}

const char *sd_rolling_phase_name(sd_rolling_phase phase)
{
	return phase_names[phase];
}

int sd_rolling_start(sd_rolling *rolling, const char *template_id, int64_t now)
{
	if (sd_rolling_phase_at(rolling, now) == SD_ROLLING_RUNNING)
		return -1;
	memset(rolling, 0, sizeof(*rolling));
	rolling->started = true;
	rolling->started_at = now;
	snprintf(rolling->template_id, sizeof(rolling->template_id), "%s", template_id);
	return 0;
}

int sd_rolling_cancel(sd_rolling *rolling, int64_t now)
{
	if (sd_rolling_phase_at(rolling, now) != SD_ROLLING_RUNNING)
		return -1;
	rolling->cancelled = true;
	rolling->cancelled_at = now;
	return 0;
}

/* When the update stopped moving: completed, cancelled, or not yet (now). */
static int64_t stopped_at(const sd_rolling *rolling, int64_t now)
{
	if (rolling->cancelled)
		return rolling->cancelled_at;
	return now < natural_end(rolling) ? now : natural_end(rolling);
}

/* A duration the way Go prints one of whole seconds: "0s", "27s", "1m30s", "2h0m5s". */
static void write_duration(sc_buf *out, int64_t ms)
{
	long long s = ms / 1000;
	if (s >= 3600)
		sc_buf_printf(out, "\"%lldh%lldm%llds\"", s / 3600, s / 60 % 60, s % 60);
	else if (s >= 60)
		sc_buf_printf(out, "\"%lldm%llds\"", s / 60, s % 60);
	else
		sc_buf_printf(out, "\"%llds\"", s);
}

void sd_rolling_write_json(sc_buf *out, const sd_rolling *rolling, int64_t now)
{
	sd_rolling_phase phase = sd_rolling_phase_at(rolling, now);
	int updated = 0;
	int64_t end = 0;

	if (phase != SD_ROLLING_IDLE) {
		end = stopped_at(rolling, now);
		updated = (int)((end - rolling->started_at) / SD_ROLLING_STEP_MS);
		if (updated > SD_POOL_WARM)
			updated = SD_POOL_WARM;
	}
	sc_buf_printf(out,
	              "{\"phase\":\"%s\",\"progress\":%d,\"warm_total\":%d,"
	              "\"warm_updated\":%d,\"started_at\":",
	              phase_names[phase], updated * 100 / SD_POOL_WARM, SD_POOL_WARM,
	              updated);
	if (phase == SD_ROLLING_IDLE) {
		sc_buf_puts(out, "null,\"completed_at\":null,\"duration\":\"0s\","
		                 "\"templateId\":null}");
		return;
	}
	sd_json_time(out, rolling->started_at);
	sc_buf_puts(out, ",\"completed_at\":");
	if (phase == SD_ROLLING_RUNNING)
		sc_buf_puts(out, "null");
	else
		sd_json_time(out, end);
	sc_buf_puts(out, ",\"duration\":");
	write_duration(out, end - rolling->started_at);
	sc_buf_puts(out, ",\"templateId\":");
	sc_json_quote(out, rolling->template_id);
	sc_buf_putc(out, '}');
}
