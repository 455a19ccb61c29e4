#include "sandboxd/private/stats.h"

#include <string.h>

static const char *const methods[SD_STATS_METHODS] = {
    "GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "OTHER",
};

void sd_stats_reset(sd_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
}

static unsigned method_index(const char *method)
{
	for (unsigned i = 0; i + 1 < SD_STATS_METHODS; i++) {
		if (!strcmp(method, methods[i]))
			return i;
	}
	return SD_STATS_METHODS - 1;
}

void sd_stats_count(sd_stats *stats, const char *method, sd_route_kind route, int status)
{
	unsigned m = method_index(method);
	stats->total++;
	if (m != 0)
		stats->writes++;
	stats->by_route[m][route]++;
	if (status >= 0 && status < 600)
		stats->by_status[status]++;
}

void sd_stats_write_json(sc_buf *out, const sd_stats *stats)
{
	int first = 1;

	sc_buf_printf(out,
	              "{\"total\":%llu,\"writes\":%llu,\"faults\":%llu,"
	              "\"connections\":%llu,\"byRoute\":{",
	              (unsigned long long)stats->total,
	              (unsigned long long)stats->writes,
	              (unsigned long long)stats->faults,
	              (unsigned long long)stats->connections);
	for (unsigned m = 0; m < SD_STATS_METHODS; m++) {
		for (unsigned r = 0; r < SD_STATS_ROUTES; r++) {
			if (!stats->by_route[m][r])
				continue;
			sc_buf_printf(out, "%s\"%s %s\":%llu", first ? "" : ",",
			              methods[m], sd_route_template((sd_route_kind)r),
			              (unsigned long long)stats->by_route[m][r]);
			first = 0;
		}
	}
	sc_buf_puts(out, "},\"byStatus\":{");
	first = 1;
	for (unsigned s = 0; s < 600; s++) {
		if (!stats->by_status[s])
			continue;
		sc_buf_printf(out, "%s\"%u\":%llu", first ? "" : ",", s,
		              (unsigned long long)stats->by_status[s]);
		first = 0;
	}
	sc_buf_puts(out, "}}");
}

void sd_stats_fault(sd_stats *stats)
{
	stats->faults++;
}

void sd_stats_connection(sd_stats *stats)
{
	stats->connections++;
}
