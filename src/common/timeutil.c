#include "common/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int parse_digits(const char **p, int count, int *out)
{
	int value = 0;
	for (int i = 0; i < count; i++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		value = value * 10 + (**p - '0');
		(*p)++;
	}
	*out = value;
	return 0;
}

static int expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

int sc_time_parse_rfc3339(const char *text, int64_t *out_ms)
{
	const char *p = text;
	int year, month, day, hour, minute, second, ms = 0;

	if (!text || parse_digits(&p, 4, &year) || expect(&p, '-') ||
	    parse_digits(&p, 2, &month) || expect(&p, '-') ||
	    parse_digits(&p, 2, &day))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (parse_digits(&p, 2, &hour) || expect(&p, ':') ||
	    parse_digits(&p, 2, &minute) || expect(&p, ':') ||
	    parse_digits(&p, 2, &second))
		return -1;
	if (*p == '.') {
		p++;
		int scale = 100, digits = 0;
		while (isdigit((unsigned char)*p)) {
			ms += (*p - '0') * scale;
			scale /= 10;
			p++;
			digits++;
		}
		if (!digits)
			return -1;
	}
	int offset_min = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;
		p++;
		if (parse_digits(&p, 2, &oh) || expect(&p, ':') || parse_digits(&p, 2, &om))
			return -1;
		offset_min = sign * (oh * 60 + om);
	} else {
		return -1;
	}
	if (*p || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
	    minute > 59 || second > 60)
		return -1;
	int64_t days = days_from_civil(year, (unsigned)month, (unsigned)day);
	int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second -
	                  (int64_t)offset_min * 60;
	*out_ms = seconds * 1000 + ms;
	return 0;
}

static void split_utc(int64_t ms, struct tm *tm)
{
	time_t seconds = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	gmtime_r(&seconds, tm);
}

void sc_time_format_rfc3339(char out[32], int64_t ms)
{
	struct tm tm;
	int frac = (int)(((ms % 1000) + 1000) % 1000);

	split_utc(ms, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac)
		snprintf(out + n, 32 - n, ".%03dZ", frac);
	else
		snprintf(out + n, 32 - n, "Z");
}

static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

void sc_time_format_http(char out[32], int64_t ms)
{
	struct tm tm;
	split_utc(ms, &tm);
	snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", day_names[tm.tm_wday],
	         tm.tm_mday, month_names[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
	         tm.tm_min, tm.tm_sec);
}

int sc_time_parse_http(const char *text, int64_t *out_ms)
{
	char wday[4], mon[4];
	int day, year, hour, minute, second, consumed = 0;

	if (!text || sscanf(text, "%3s, %d %3s %d %d:%d:%d GMT%n", wday, &day, mon,
	                    &year, &hour, &minute, &second, &consumed) != 7 ||
	    !consumed)
		return -1;
	/* A server's header is input: out of range is malformed, never overflow. */
	if (year < 1970 || year > 9999 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
	    minute < 0 || minute > 59 || second < 0 || second > 60)
		return -1;
	for (unsigned m = 0; m < 12; m++) {
		if (!strcmp(mon, month_names[m])) {
			int64_t days = days_from_civil(year, m + 1, (unsigned)day);
			*out_ms = (days * 86400 + (int64_t)hour * 3600 + (int64_t)minute * 60 +
			           second) *
			          1000;
			return 0;
		}
	}
	return -1;
}

int64_t sc_time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sc_time_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
