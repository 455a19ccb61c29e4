#include "sandboxd/private/settings.h"

#include <math.h>
#include <string.h>

#include "common/mem.h"
#include "sandboxd/private/json.h"

static const char *const kind_names[SD_FAULT_KIND_COUNT] = {
    "5xx", "429", "drop", "lost-create", "truncate", "slow", "wrong-types",
};

void sd_settings_defaults(sd_settings *settings)
{
	memset(settings, 0, sizeof(*settings));
	settings->fault_kinds = SD_FAULT_5XX;
	settings->slow_ms = 5000;
	settings->seed = 1;
}


static int kind_bit(const char *name, size_t len, unsigned *out)
{
	for (unsigned i = 0; i < SD_FAULT_KIND_COUNT; i++) {
		if (strlen(kind_names[i]) == len && !strncmp(name, kind_names[i], len)) {
			*out = 1u << i;
			return 0;
		}
	}
	return -1;
}

int sd_fault_kinds_parse(const char *list, unsigned *out, sc_diag *diag)
{
	unsigned kinds = 0;
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ", ");
		unsigned bit;
		if (len && kind_bit(p, len, &bit))
			return sc_diag_error(
			    diag, NULL, 0, 0,
			    "faultKinds: unknown kind '%.*s' (expected 5xx, 429, "
			    "drop, lost-create, truncate, slow, wrong-types)",
			    (int)len, p);
		if (len)
			kinds |= bit;
		p += len;
		p += strspn(p, ", ");
	}
	if (!kinds)
		return sc_diag_error(diag, NULL, 0, 0, "faultKinds: the list is empty");
	*out = kinds;
	return 0;
}

void sd_settings_write_json(sc_buf *out, const sd_settings *s)
{
	sc_buf_printf(out, "{\"faultRate\":%g,\"faultKinds\":[", s->fault_rate);
	int first = 1;
	for (unsigned i = 0; i < SD_FAULT_KIND_COUNT; i++) {
		if (!(s->fault_kinds & (1u << i)))
			continue;
		sc_buf_printf(out, "%s\"%s\"", first ? "" : ",", kind_names[i]);
		first = 0;
	}
	sc_buf_printf(out,
	              "],\"latencyMs\":%d,\"slowMs\":%d,\"rateLimit\":%g,"
	              "\"maxSandboxes\":%ld,\"ignoreMetadataFilter\":%s,"
	              "\"startDelayMs\":%d,\"logRequests\":%s,\"seed\":%llu}",
	              s->latency_ms, s->slow_ms, s->rate_limit, s->max_sandboxes,
	              s->ignore_metadata_filter ? "true" : "false", s->start_delay_ms,
	              s->log_requests ? "true" : "false", (unsigned long long)s->seed);
}

static int number_in(const cJSON *item, double lo, double hi, bool integer, double *out)
{
	if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble) ||
	    item->valuedouble < lo || item->valuedouble > hi)
		return -1;
	if (integer && floor(item->valuedouble) != item->valuedouble)
		return -1;
	*out = item->valuedouble;
	return 0;
}

static int apply_kinds(sd_settings *s, const cJSON *item, sc_diag *diag)
{
	if (cJSON_IsString(item))
		return sd_fault_kinds_parse(item->valuestring, &s->fault_kinds, diag);
	if (!cJSON_IsArray(item))
		return sc_diag_error(diag, NULL, 0, 0,
		                     "faultKinds: must be an array of strings");
	sc_buf list = SC_BUF_INIT;
	const cJSON *kind;
	cJSON_ArrayForEach(kind, item)
	{
		if (!cJSON_IsString(kind)) {
			sc_buf_release(&list);
			return sc_diag_error(diag, NULL, 0, 0,
			                     "faultKinds: must be an array of strings");
		}
		sc_buf_printf(&list, "%s,", kind->valuestring);
	}
	int rc = sd_fault_kinds_parse(sc_buf_cstr(&list), &s->fault_kinds, diag);
	sc_buf_release(&list);
	return rc;
}

static int *delay_field(sd_settings *s, const char *name)
{
	if (!strcmp(name, "latencyMs"))
		return &s->latency_ms;
	if (!strcmp(name, "slowMs"))
		return &s->slow_ms;
	if (!strcmp(name, "startDelayMs"))
		return &s->start_delay_ms;
	return NULL;
}

static int apply_one(sd_settings *s, const cJSON *item, sc_diag *diag)
{
	const char *name = item->string;
	double v;

	if (!strcmp(name, "faultKinds"))
		return apply_kinds(s, item, diag);
	if (!strcmp(name, "ignoreMetadataFilter") || !strcmp(name, "logRequests")) {
		if (!cJSON_IsBool(item))
			return sc_diag_error(diag, NULL, 0, 0, "%s: must be a boolean",
			                     name);
		if (!strcmp(name, "logRequests"))
			s->log_requests = cJSON_IsTrue(item);
		else
			s->ignore_metadata_filter = cJSON_IsTrue(item);
		return 0;
	}
	if (!strcmp(name, "faultRate")) {
		if (number_in(item, 0, 1, false, &v))
			return sc_diag_error(diag, NULL, 0, 0,
			                     "faultRate: must be a number from 0 to 1");
		s->fault_rate = v;
	} else if (!strcmp(name, "rateLimit")) {
		if (number_in(item, 0, 1e9, false, &v))
			return sc_diag_error(diag, NULL, 0, 0,
			                     "rateLimit: must be a number >= 0");
		s->rate_limit = v;
	} else if (delay_field(s, name)) {
		if (number_in(item, 0, 600000, true, &v))
			return sc_diag_error(diag, NULL, 0, 0,
			                     "%s: must be an integer from 0 to 600000",
			                     name);
		*delay_field(s, name) = (int)v;
	} else if (!strcmp(name, "maxSandboxes")) {
		if (number_in(item, 0, 1e9, true, &v))
			return sc_diag_error(diag, NULL, 0, 0,
			                     "maxSandboxes: must be an integer >= 0");
		s->max_sandboxes = (long)v;
	} else if (!strcmp(name, "seed")) {
		if (number_in(item, 0, 9007199254740992.0, true, &v))
			return sc_diag_error(diag, NULL, 0, 0,
			                     "seed: must be an integer >= 0");
		s->seed = (uint64_t)v;
	} else {
		return sc_diag_error(diag, NULL, 0, 0, "unknown setting '%s'", name);
	}
	return 0;
}

int sd_settings_apply_json(sd_settings *settings, const cJSON *object, sc_diag *diag)
{
	sd_settings next = *settings;
	const cJSON *item;

	if (!cJSON_IsObject(object))
		return sc_diag_error(diag, NULL, 0, 0, "the body must be a JSON object");
	cJSON_ArrayForEach(item, object)
	{
		if (apply_one(&next, item, diag))
			return -1;
	}
	*settings = next;
	return 0;
}
