#include "spec/private/syntax.h"

#include <string.h>

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool sc_spec_is_dns_label(const char *s, size_t len)
{
	if (len < 1 || len > 63)
		return false;
	if (!is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return false;
	}
	return true;
}

bool sc_spec_is_dns_subdomain(const char *s, size_t len)
{
	size_t start = 0;

	if (len < 1 || len > 253)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (!sc_spec_is_dns_label(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

bool sc_spec_is_label_name(const char *s, size_t len)
{
	if (len < 1 || len > 63)
		return false;
	if (!is_alnum(s[0]) || !is_alnum(s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	}
	return true;
}

bool sc_spec_is_label_key(const char *s)
{
	const char *slash = strchr(s, '/');

	if (!slash)
		return sc_spec_is_label_name(s, strlen(s));
	return sc_spec_is_dns_subdomain(s, (size_t)(slash - s)) &&
	       sc_spec_is_label_name(slash + 1, strlen(slash + 1));
}

bool sc_spec_is_label_value(const char *s)
{
	size_t len = strlen(s);
	return len == 0 || sc_spec_is_label_name(s, len);
}

bool sc_spec_is_env_name(const char *s)
{
	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') ||
	      s[0] == '_'))
		return false;
	for (size_t i = 1; s[i]; i++) {
		if (!is_alnum(s[i]) && s[i] != '_')
			return false;
	}
	return true;
}

/* A decimal number without leading zeros, at most max; advances *s. */
static bool parse_small(const char **s, unsigned max)
{
	const char *p = *s;
	unsigned value = 0;
	size_t digits = 0;

	while (is_digit(*p) && digits < 4) {
		value = value * 10 + (unsigned)(*p - '0');
		p++;
		digits++;
	}
	if (!digits || is_digit(*p) || (digits > 1 && **s == '0') || value > max)
		return false;
	*s = p;
	return true;
}

bool sc_spec_is_ipv4_or_cidr(const char *s)
{
	for (int octet = 0; octet < 4; octet++) {
		if (octet && *s++ != '.')
			return false;
		if (!parse_small(&s, 255))
			return false;
	}
	if (*s == '/') {
		s++;
		if (!parse_small(&s, 32))
			return false;
	}
	return *s == '\0';
}

size_t sc_spec_edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[65];

	if (la > 64 || lb > 64)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diagonal = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t above = row[j];
			size_t best = diagonal + (a[i - 1] != b[j - 1]);
			if (above + 1 < best)
				best = above + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diagonal = above;
		}
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

/* A lower-case copy of s in out (at most 64 characters), for comparisons. */
static void lower(char out[66], const char *s)
{
	size_t i = 0;

	for (; s[i] && i < 65; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
	out[i] = '\0';
}

const char *sc_spec_suggest(const char *word, const char *const *candidates, size_t count)
{
	const char *best = NULL;
	size_t best_distance = 3;
	char low_word[66], low_candidate[66];

	/* Case does not count against a suggestion: TIMEOUT is timeout. */
	lower(low_word, word);
	for (size_t i = 0; i < count; i++) {
		lower(low_candidate, candidates[i]);
		size_t d = sc_spec_edit_distance(low_word, low_candidate, 2);
		if (d < best_distance) {
			best = candidates[i];
			best_distance = d;
		}
	}
	return best;
}
