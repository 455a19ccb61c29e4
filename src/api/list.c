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

/* What one page said besides its sandboxes (decoded straight into the list). */
typedef struct page {
	char *next_token;
	int64_t date_ms;
	sc_diag warnings; /* what decoding the page noticed */
	bool too_large;   /* the page alone would pass the list's item limit */
} page;

static void page_release(page *p)
{
	free(p->next_token);
	sc_diag_release(&p->warnings);
	memset(p, 0, sizeof(*p));
}

/*
 * One list in progress: one filter's pages, one after the other. Several
 * run at once on the client's multi handle (sc_api_list_many), each
 * with its own retries, time limit, cycle check and item limit.
 */
typedef enum { LIST_WAITING, LIST_RUNNING, LIST_DONE, LIST_FAILED } list_state;

typedef struct lister {
	sc_api_client *client;
	const sc_kv *filter;
	list_state state;
	sc_sandbox_list all;
	sc_api_seen seen;
	char *token;               /* the page to ask for next; NULL: the first */
	unsigned pages;            /* pages taken */
	unsigned attempt;          /* of the page asked for, from 1 */
	int64_t deadline;          /* monotonic ms */
	int64_t wake_at;           /* a waiting list's next attempt starts then */
	sc_api_transfer *transfer; /* the attempt in flight */
	size_t warned, held;       /* warnings passed on, and held back */
	sc_diag diag;              /* what the list says, passed on in filter order */
} lister;

/* What a failed attempt leaves: why (malloc'd), and what the server asked. */
typedef struct failure {
	int rc; /* 1: may be retried; -1: final */
	char *why;
	long retry_after_ms;
	bool too_large; /* the page alone would pass the list's item limit */
	const char *hint; /* what to check when this was the last attempt (sc_api_hint), static */
} failure;

/*
 * A page that came back 200, decoded into the list. Returns 0 with p
 * filled, else fills f.
 */
static int take_body(lister *l, const sc_api_response *response, page *p, failure *f)
{
	sc_diag decode_diag = SC_DIAG_INIT;
	char *body_token = NULL;
	int decoded = sc_api_decode_page(&l->all, &body_token, response->body.data,
	                                 response->body.len,
	                                 l->client->max_list_items - l->all.count,
	                                 &decode_diag);

	if (decoded) {
		f->why = sc_strdup(decode_diag.count ? decode_diag.entries[0].message
		                                     : "bad body");
		f->too_large = decoded == SC_API_PAGE_TOO_LARGE;
		f->rc = f->too_large ? -1 : 1;
		f->hint = sc_api_hint(200, response->body.data, response->body.len, true);
		sc_diag_release(&decode_diag);
		return -1;
	}
	p->next_token = response->next_token ? sc_strdup(response->next_token) : body_token;
	if (response->next_token)
		free(body_token);
	p->date_ms = response->date_ms;
	sc_diag_take(&p->warnings, &decode_diag);
	return 0;
}

/* What an attempt that finished brought: 0 with the page, else f filled. */
static int take_response(lister *l, page *p, failure *f)
{
	const sc_api_response *response = sc_api_transfer_response(l->transfer);

	if (!response->transport_failed && response->status == 200)
		return take_body(l, response, p, f);
	f->why = response->transport_failed
	             ? sc_strdup(response->error)
	             : sc_api_error_message(response->status, response->body.data,
	                                    response->body.len);
	f->retry_after_ms = sc_api_retry_after_ms(response->retry_after, response->date_ms);
	f->rc = sc_api_response_retryable(response) ? 1 : -1;
	if (!response->transport_failed)
		f->hint = sc_api_hint(response->status, response->body.data, response->body.len,
		                      false);
	return -1;
}

static void list_fail(lister *l)
{
	l->state = LIST_FAILED;
}

/*
 * After a failed attempt: another one later, or the list fails. A server
 * asking for a wait longer than the time left fails the list now instead
 * of holding a cron run for hours.
 */
static void attempt_failed(lister *l, failure *f)
{
	sc_api_client *client = l->client;
	long wait = f->rc < 0 ? 0
	                      : sc_api_backoff_ms(l->attempt, client->list_backoff_ms,
	                                          LIST_BACKOFF_CAP_MS, f->retry_after_ms,
	                                          NULL);
	bool out_of_time = sc_time_monotonic_ms() + wait >= l->deadline;

	f->why = sc_api_client_scrub(client, f->why);
	if (f->too_large) {
		sc_diag_error(&l->diag, NULL, 0, 0,
		              "list sandboxes: the server lists more than %zu sandboxes, the "
		              "most one list may hold (--max-list-items)",
		              client->max_list_items);
		list_fail(l);
	} else if (f->rc < 0 || l->attempt >= client->list_attempts || out_of_time) {
		sc_diag_error(&l->diag, NULL, 0, 0, "list sandboxes: %s%s",
		              f->why ? f->why : "no answer in time",
		              f->rc < 0     ? ""
		              : out_of_time ? " (giving up: the list's time limit would pass)"
		                            : " (giving up after retries)");
		if (f->hint)
			sc_diag_add(&l->diag, SC_DIAG_HINT, NULL, 0, 0, "%s", f->hint);
		list_fail(l);
	} else {
		l->attempt++;
		l->wake_at = sc_time_monotonic_ms() + wait;
		l->state = LIST_WAITING;
	}
	free(f->why);
	f->why = NULL;
}

/* Starts the next attempt at the list's page, if time and the caller allow. */
static void attempt_start(lister *l)
{
	sc_api_client *client = l->client;
	int64_t left = l->deadline - sc_time_monotonic_ms();
	failure f = {.rc = 1, .retry_after_ms = -1};
	char *url;

	if (sc_api_client_stopping(client)) {
		sc_diag_error(&l->diag, NULL, 0, 0, "list sandboxes: stopped");
		list_fail(l);
		return;
	}
	if (left <= 0) {
		attempt_failed(l, &f);
		return;
	}
	url = sc_api_list_url(client->base_url, l->filter, client->filter_style, PAGE_LIMIT,
	                      l->token);
	l->transfer = sc_api_transfer_new(client, "GET", url, NULL, NULL);
	free(url);
	if (sc_api_transfer_start(l->transfer, (long)left, &l->diag)) {
		sc_api_transfer_free(l->transfer);
		l->transfer = NULL;
		f.rc = -1;
		attempt_failed(l, &f);
		return;
	}
	l->state = LIST_RUNNING;
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

/* A page came back whole: on to the next one, or the list is done. */
static void page_taken(lister *l, page *p)
{
	pass_warnings(&l->diag, &p->warnings, &l->warned, &l->held);
	if (p->date_ms)
		l->all.server_now = p->date_ms;
	free(l->token);
	l->token = p->next_token;
	p->next_token = NULL;
	l->pages++;
	l->attempt = 1;
	l->state = LIST_WAITING;
	l->wake_at = 0;
	if (!l->token)
		l->state = LIST_DONE;
	else if (check_token(l->token, &l->seen, l->pages, &l->diag))
		list_fail(l);
	else if (l->pages >= MAX_PAGES) {
		sc_diag_error(&l->diag, NULL, 0, 0, "list sandboxes: more than %d pages",
		              MAX_PAGES);
		list_fail(l);
	}
}

/* The attempt in flight finished: take its page, or decide on a retry. */
static void attempt_finished(lister *l)
{
	page p = {0};
	failure f = {.retry_after_ms = -1};

	if (take_response(l, &p, &f))
		attempt_failed(l, &f);
	else
		page_taken(l, &p);
	page_release(&p);
	sc_api_transfer_free(l->transfer);
	l->transfer = NULL;
}

static void lister_init(lister *l, sc_api_client *client, const sc_kv *filter)
{
	memset(l, 0, sizeof(*l));
	l->client = client;
	l->filter = filter;
	l->attempt = 1;
	l->state = LIST_WAITING;
	l->deadline = sc_time_monotonic_ms() + client->list_timeout_ms;
}

static void lister_release(lister *l)
{
	sc_api_transfer_free(l->transfer);
	free(l->token);
	sc_api_seen_release(&l->seen);
	sc_sandbox_list_release(&l->all);
	sc_diag_release(&l->diag);
}

/* At most this many lists run at once; a waiting list looks for a stop this often. */
#define LISTS_AT_ONCE 8
#define LIST_SLICE_MS 100

static bool lister_active(const lister *l)
{
	return l->state == LIST_WAITING || l->state == LIST_RUNNING;
}

/* Starts what is due; the time until the next one is due (at most a slice). */
static long start_due(lister *lists, size_t count)
{
	int64_t now = sc_time_monotonic_ms();
	long wait = LIST_SLICE_MS;

	for (size_t i = 0; i < count; i++) {
		lister *l = &lists[i];
		if (l->state == LIST_WAITING && (l->wake_at <= now ||
		                                 sc_api_client_stopping(l->client)))
			attempt_start(l);
		if (l->state == LIST_WAITING && l->wake_at - now < wait)
			wait = (long)(l->wake_at - now);
	}
	return wait < 0 ? 0 : wait;
}

/* Drives the transfers in flight (or sleeps) for at most wait ms. */
static void drive(sc_api_client *client, lister *lists, size_t count, long wait)
{
	const sc_api_transfer *watch = NULL;
	sc_diag drive_diag = SC_DIAG_INIT;

	for (size_t i = 0; i < count && !watch; i++) {
		if (lists[i].state == LIST_RUNNING)
			watch = lists[i].transfer;
	}
	if (!watch) {
		sc_api_client_sleep(client, wait);
		return;
	}
	if (sc_api_client_drive(client, wait, watch, &drive_diag)) {
		/* libcurl itself failed: nothing in flight will finish. */
		for (size_t i = 0; i < count; i++) {
			lister *l = &lists[i];
			if (l->state != LIST_RUNNING)
				continue;
			failure f = {.rc = -1, .why = sc_strdup(drive_diag.entries[0].message)};
			sc_api_transfer_free(l->transfer);
			l->transfer = NULL;
			attempt_failed(l, &f);
		}
	}
	sc_diag_release(&drive_diag);
	for (size_t i = 0; i < count; i++) {
		if (lists[i].state == LIST_RUNNING && lists[i].transfer->finished)
			attempt_finished(&lists[i]);
	}
}

/* Runs lists[0..count) to their end, LISTS_AT_ONCE at a time, in order. */
static void run_lists(sc_api_client *client, lister *lists, size_t count)
{
	size_t begun = 0, active = 0;

	for (;;) {
		active = 0;
		for (size_t i = 0; i < begun; i++)
			active += lister_active(&lists[i]);
		for (; begun < count && active < LISTS_AT_ONCE; begun++, active++)
			lists[begun].deadline =
			    sc_time_monotonic_ms() + client->list_timeout_ms;
		long wait = start_due(lists, begun);
		bool any = false;
		for (size_t i = 0; i < begun; i++)
			any = any || lister_active(&lists[i]);
		if (!any && begun == count)
			return;
		if (any)
			drive(client, lists, begun, wait);
	}
}

int sc_api_list_many(sc_api_client *client, const sc_kv *const *filters, size_t count,
                     sc_sandbox_list *out, bool *failed, sc_diag *diag)
{
	lister *lists = sc_calloc(count + 1, sizeof(*lists));
	int64_t server_now = 0;
	int rc = 0;

	for (size_t i = 0; i < count; i++)
		lister_init(&lists[i], client, filters[i]);
	run_lists(client, lists, count);
	for (size_t i = 0; i < count; i++) {
		if (failed)
			failed[i] = lists[i].state != LIST_DONE;
		if (lists[i].state != LIST_DONE)
			rc = -1;
	}
	for (size_t i = 0; i < count; i++) {
		lister *l = &lists[i];
		int64_t date = l->all.server_now;
		if (!rc) {
			sc_sandbox_list_take(out, &l->all);
			/* The earliest Date of the lists: a renewal is never missed. */
			if (date && (!server_now || date < server_now))
				server_now = date;
		}
		if (l->held)
			sc_diag_warning(&l->diag, NULL, 0, 0,
			                "list sandboxes: %zu more warnings like these", l->held);
		sc_diag_take(diag, &l->diag);
		lister_release(l);
	}
	if (server_now)
		out->server_now = server_now;
	free(lists);
	return rc;
}

int sc_api_list(sc_api_client *client, const sc_kv *filter, sc_sandbox_list *out,
                sc_diag *diag)
{
	return sc_api_list_many(client, &filter, 1, out, NULL, diag);
}
