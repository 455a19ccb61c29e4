/*
 * Hints for answers that say the connection settings are wrong. Each
 * names the setting to check, in its environment and option forms.
 */
#include "api/hint.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#define CHECK_BASE                                                                       \
	"is SEACLOUD_API_BASE_URL (or --api-url) the API's base, e.g. "                   \
	"https://host/api/v1/sandbox?"

/* The body starts, after white space, with '<' and names an HTML document. */
static bool looks_html(const char *body, size_t len)
{
	size_t i = 0;
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	if (i == len || body[i] != '<')
		return false;
	size_t room = len - i < 512 ? len - i : 512;
	for (size_t at = i; at + 5 <= i + room; at++) {
		if (!strncasecmp(body + at, "<html", 5) || !strncasecmp(body + at, "<!doc", 5) ||
		    !strncasecmp(body + at, "<head", 5) || !strncasecmp(body + at, "<body", 5) ||
		    !strncasecmp(body + at, "<titl", 5))
			return true;
	}
	return false;
}

static bool is_json(const char *body, size_t len)
{
	cJSON *root = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	bool ok = root != NULL;
	cJSON_Delete(root);
	return ok;
}

const char *sc_api_hint(long status, const char *body, size_t len, bool expected_json)
{
	if (!body)
		len = 0;
	if (status == 401 || status == 403)
		return "check the API key (SEACLOUD_API_KEY or --api-key-file)";
	bool answered = status == 404 || (status >= 200 && status < 300 && expected_json);
	if (!answered)
		return NULL;
	if (looks_html(body, len))
		return "the server sent an HTML page: " CHECK_BASE;
	if (status == 404)
		return CHECK_BASE;
	if (!is_json(body, len))
		return "the server sent something that is not JSON: " CHECK_BASE;
	return "the server's JSON is not an answer of the API: " CHECK_BASE;
}
