#include "api/private/client_impl.h"

#include <stdlib.h>
#include <string.h>

#include "api/decode.h"
#include "api/hint.h"
#include "api/retry.h"
#include "api/private/seen.h"
#include "common/mem.h"
#include "common/timeutil.h"

/* A server that hands out more pages than this is looping. */
#define MAX_PAGES           100000
#define PAGE_LIMIT          100
#define LIST_BACKOFF_CAP_MS 10000L
/* A page token longer than this is not followed (real ones are short cursors). */
#define TOKEN_MAX 4096
/* A list names at most this many odd sandboxes in warnings, then counts the rest. */
#define LIST_WARNINGS_MAX 10

typedef struct page {
	sc_sandbox_list items;
	char *next_token;
	int64_t date_ms;
	sc_diag warnings; /* what decoding the page noticed */
	bool too_large;   /* the page alone would pass the list's item limit */
	const char *hint; /* the last attempt's sc_api_hint(), static */
} page;

static void page_release(page *p)
{
	sc_sandbox_list_release(&p->items);
	free(p->next_token);
	sc_diag_release(&p->warnings);
	memset(p, 0, sizeof(*p));
}

/*
 * One attempt at one page. Returns 0 with the page filled, 1 when the
 * attempt may be retried (*why says why, malloc'd), -1 on a final error.
 */
static int fetch_once(sc_api_client *client, const char *url, size_t room, page *out,
                      char **why, long *retry_after_ms, long timeout_ms, sc_diag *diag)
{
	sc_api_transfer *transfer = sc_api_transfer_new(client, "GET", url, NULL, NULL);
	const sc_api_response *response = sc_api_transfer_response(transfer);
	sc_diag decode_diag = SC_DIAG_INIT;
	char *body_token = NULL;
	int rc = 1, decoded;

	*retry_after_ms = -1;
	out->hint = NULL;
	if (sc_api_transfer_run(transfer, timeout_ms, diag)) {
		rc = -1;
	} else if (response->transport_failed || response->status != 200) {
		*why = response->transport_failed
		           ? sc_strdup(response->error)
		           : sc_api_error_message(response->status, response->body.data,
		                                  response->body.len);
		*retry_after_ms =
		    sc_api_retry_after_ms(response->retry_after, response->date_ms);
		if (!response->transport_failed)
			out->hint = sc_api_hint(response->status, response->body.data,
			                        response->body.len, false);
		if (!sc_api_response_retryable(response))
			rc = -1;
	} else if ((decoded =
	                sc_api_decode_page(&out->items, &body_token, response->body.data,
	                                   response->body.len, room, &decode_diag))) {
		*why = sc_strdup(decode_diag.count ? decode_diag.entries[0].message
		                                   : "bad body");
		out->hint = sc_api_hint(200, response->body.data, response->body.len, true);
		if (decoded == SC_API_PAGE_TOO_LARGE) {
			out->too_large = true;
			rc = -1;
		}
	} else {
		out->next_token =
		    response->next_token ? sc_strdup(response->next_token) : body_token;
		if (response->next_token)
			free(body_token);
		out->date_ms = response->date_ms;
		sc_diag_take(&out->warnings, &decode_diag);
		rc = 0;
	}
	sc_diag_release(&decode_diag);
	sc_api_transfer_free(transfer);
	*why = sc_api_client_scrub(client, *why);
	return rc;
}

/*
 * One page, retried on what may pass, never past deadline (monotonic ms):
 * a server asking for a wait longer than the time left fails the list
 * now instead of holding a cron run for hours.
 */
static int fetch_page(sc_api_client *client, const char *url, size_t room, page *out,
                      int64_t deadline, sc_diag *diag)
{
	for (unsigned attempt = 1;; attempt++) {
		char *why = NULL;
		long retry_after_ms = -1;
		int64_t left = deadline - sc_time_monotonic_ms();
		if (sc_api_client_stopping(client))
			return sc_diag_error(diag, NULL, 0, 0, "list sandboxes: stopped");
		int rc = left <= 0 ? 1
		                   : fetch_once(client, url, room, out, &why,
		                                &retry_after_ms, (long)left, diag);

		if (rc == 0)
			return 0;
		long wait =
		    rc < 0 ? 0
		           : sc_api_backoff_ms(attempt, client->list_backoff_ms,
		                               LIST_BACKOFF_CAP_MS, retry_after_ms, NULL);
		bool out_of_time = sc_time_monotonic_ms() + wait >= deadline;
		if (out->too_large) {
			sc_diag_error(diag, NULL, 0, 0,
			              "list sandboxes: the server lists more than %zu "
			              "sandboxes, the "
			              "most one list may hold (--max-list-items)",
			              client->max_list_items);
			free(why);
			return -1;
		}
		if (rc < 0 || attempt >= client->list_attempts || out_of_time) {
			sc_diag_error(
			    diag, NULL, 0, 0, "list sandboxes: %s%s",
			    why ? why : "no answer in time",
			    rc < 0 ? ""
			    : out_of_time
			        ? " (giving up: the list's time limit would pass)"
			        : " (giving up after retries)");
			if (out->hint)
				sc_diag_add(diag, SC_DIAG_HINT, NULL, 0, 0, "%s", out->hint);
			free(why);
			return -1;
		}
		free(why);
		sc_api_client_sleep(client, wait);
	}
}

static void move_items(sc_sandbox_list *into, sc_sandbox_list *from)
{
	for (size_t i = 0; i < from->count; i++) {
		sc_sandbox *sandbox = sc_sandbox_list_push(into);
		*sandbox = from->items[i];
		memset(&from->items[i], 0, sizeof(from->items[i]));
	}
	from->count = 0;
}

/* Passes a page's warnings on, the first LIST_WARNINGS_MAX of the list only. */
static void pass_warnings(sc_diag *diag, sc_diag *warnings, size_t *passed, size_t *held)
{
	for (size_t i = 0; i < warnings->count; i++) {
		if (*passed < LIST_WARNINGS_MAX) {
			sc_diag_warning(diag, NULL, 0, 0, "list sandboxes: %s",
			                warnings->entries[i].message);
			(*passed)++;
		} else {
			(*held)++;
		}
	}
	sc_diag_release(warnings);
}

/* Whether the list may follow token: not too long, and not one it followed before. */
static int check_token(const char *token, sc_api_seen *seen, unsigned pages,
                       sc_diag *diag)
{
	size_t len = strlen(token);

	if (len > TOKEN_MAX)
		return sc_diag_error(
		    diag, NULL, 0, 0,
		    "list sandboxes: the server sent a page token of %zu bytes "
		    "(at most %d are followed)",
		    len, TOKEN_MAX);
	if (!sc_api_seen_add(seen, token))
		return sc_diag_error(
		    diag, NULL, 0, 0,
		    "list sandboxes: the server sent an earlier page token again "
		    "after %u pages: its pages go round in a cycle",
		    pages);
	return 0;
}

int sc_api_list(sc_api_client *client, const sc_kv *filter, sc_sandbox_list *out,
                sc_diag *diag)
{
	sc_sandbox_list all = {0};
	sc_api_seen seen = {0};
	char *token = NULL;
	size_t warned = 0, held = 0;
	int rc = -1;
	int64_t deadline = sc_time_monotonic_ms() + client->list_timeout_ms;

	for (unsigned pages = 1; pages <= MAX_PAGES; pages++) {
		page p = {0};
		char *url = sc_api_list_url(client->base_url, filter,
		                            client->filter_style, PAGE_LIMIT, token);
		int fetched = fetch_page(client, url, client->max_list_items - all.count,
		                         &p, deadline, diag);
		free(url);
		if (fetched) {
			page_release(&p);
			goto done;
		}
		move_items(&all, &p.items);
		pass_warnings(diag, &p.warnings, &warned, &held);
		if (p.date_ms)
			all.server_now = p.date_ms;
		free(token);
		token = p.next_token;
		p.next_token = NULL;
		page_release(&p);
		if (!token) {
			rc = 0;
			goto done;
		}
		if (check_token(token, &seen, pages, diag))
			goto done;
	}
	sc_diag_error(diag, NULL, 0, 0, "list sandboxes: more than %d pages", MAX_PAGES);
done:
	if (held)
		sc_diag_warning(diag, NULL, 0, 0,
		                "list sandboxes: %zu more warnings like these", held);
	if (!rc) {
		move_items(out, &all);
		if (all.server_now)
			out->server_now = all.server_now;
	}
	free(token);
	sc_api_seen_release(&seen);
	sc_sandbox_list_release(&all);
	return rc;
}
