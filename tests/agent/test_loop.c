/*
 * The agent's loop with a fake cycle: the first cycle at once, SIGHUP
 * wakes the wait, SIGTERM stops after the running cycle, the grace
 * period, backoff while cycles fail and recovery after, and the HTTP
 * endpoints (/metrics, /healthz, /readyz) as the loop runs.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "support/sandboxd.h"

#include "agent/agent.h"
#include "agent/server.h"
#include "common/timeutil.h"

typedef struct fake {
	unsigned long calls;
	int64_t at[16];          /* monotonic ms of each call */
	const char *fail;        /* per call: 'f' fails, anything else succeeds */
	bool planned;            /* the failing cycles got as far as a plan */
	unsigned long hup_until; /* send SIGHUP on calls before this */
	unsigned long term_at;   /* send SIGTERM on this call (0: never) */
	long sleep_after_term_ms;
	bool saw_stopping;
	bool expired;
	/* HTTP checks made from inside cycles */
	long readyz[4], healthz[4], missing[4], post[4];
	char *metrics[4];
} fake;

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts))
		;
}

static void fake_cycle(void *ctx, sc_agent *agent, unsigned long number,
                       sc_agent_report *out)
{
	fake *f = ctx;
	if (f->calls < 16)
		f->at[f->calls] = sc_time_monotonic_ms();
	f->calls++;
	CHECK_INT(number, f->calls);
	out->ok = !(f->fail && number <= strlen(f->fail) && f->fail[number - 1] == 'f');
	out->planned = f->planned;
	if (number < f->hup_until)
		kill(getpid(), SIGHUP);
	if (number == f->term_at) {
		kill(getpid(), SIGTERM);
		if (f->sleep_after_term_ms) {
			sleep_ms(f->sleep_after_term_ms);
			f->saw_stopping = sc_agent_stopping(agent);
		}
	}
}

static void on_expired(void *ctx)
{
	((fake *)ctx)->expired = true;
}

static sc_agent_config config_for(fake *f, long interval_ms)
{
	return (sc_agent_config){
	    .interval_ms = interval_ms,
	    .grace_ms = 5000,
	    .cycle = fake_cycle,
	    .cycle_ctx = f,
	    .grace_expired = on_expired,
	    .grace_ctx = f,
	};
}

TEST(sighup_runs_a_cycle_at_once_and_sigterm_stops_cleanly)
{
	fake f = {.hup_until = 3, .term_at = 3};
	sc_agent_config config = config_for(&f, 60000);
	sc_diag diag = SC_DIAG_INIT;

	int64_t start = sc_time_monotonic_ms();
	CHECK_INT(sc_agent_run(&config, &diag), 0);
	int64_t took = sc_time_monotonic_ms() - start;
	/* Three cycles despite a 60 s interval: two SIGHUPs, then a stop. */
	CHECK_INT(f.calls, 3);
	CHECK(took < 3000);
	CHECK(!f.expired);
	CHECK_INT(diag.count, 0);
	sc_diag_release(&diag);
}

TEST(a_stop_during_a_cycle_lets_it_finish_and_runs_no_more)
{
	fake f = {.term_at = 1, .sleep_after_term_ms = 400};
	sc_agent_config config = config_for(&f, 10);
	sc_diag diag = SC_DIAG_INIT;

	CHECK_INT(sc_agent_run(&config, &diag), 0);
	CHECK_INT(f.calls, 1);
	CHECK(f.saw_stopping);
	CHECK(!f.expired);
	sc_diag_release(&diag);
}

static void *term_later(void *arg)
{
	(void)arg;
	sleep_ms(300);
	kill(getpid(), SIGTERM);
	return NULL;
}

TEST(a_stop_between_cycles_ends_at_once_and_never_calls_expired)
{
	fake f = {0};
	sc_agent_config config = config_for(&f, 60000);
	config.grace_ms = 0;
	sc_diag diag = SC_DIAG_INIT;
	pthread_t thread;

	/* Blocked here too, so that the signal goes to the agent's signal thread. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	pthread_create(&thread, NULL, term_later, NULL);
	int64_t start = sc_time_monotonic_ms();
	CHECK_INT(sc_agent_run(&config, &diag), 0);
	CHECK(sc_time_monotonic_ms() - start < 2000);
	pthread_join(thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	CHECK_INT(f.calls, 1);
	CHECK(!f.expired);
	sc_diag_release(&diag);
}

TEST(a_cycle_outliving_the_grace_period_calls_expired)
{
	fake f = {.term_at = 1, .sleep_after_term_ms = 700};
	sc_agent_config config = config_for(&f, 10);
	config.grace_ms = 100;
	sc_diag diag = SC_DIAG_INIT;

	CHECK_INT(sc_agent_run(&config, &diag), 0);
	CHECK_INT(f.calls, 1);
	CHECK(f.expired);
	sc_diag_release(&diag);
}

/* Whether a gap between cycles is delay, give or take the scheduler. */
static void check_gap(const fake *f, int index, long delay)
{
	long gap = (long)(f->at[index] - f->at[index - 1]);
	if (gap < delay - 5 || gap > delay + 300)
		TEST_FAILURE("gap before cycle %d is %ld ms, expected about %ld",
		             index + 1, gap, delay);
}

TEST(failures_back_off_exponentially_and_a_success_recovers)
{
	fake f = {.fail = "fffss"};
	sc_agent_config config = config_for(&f, 50);
	config.max_cycles = 6;
	sc_diag diag = SC_DIAG_INIT;

	CHECK_INT(sc_agent_run(&config, &diag), 0);
	CHECK_INT(f.calls, 6);
	check_gap(&f, 1, 100);
	check_gap(&f, 2, 200);
	check_gap(&f, 3, 400);
	check_gap(&f, 4, 50);
	check_gap(&f, 5, 50);
	sc_diag_release(&diag);
}

/* A cycle whose plan ran but an action failed keeps the interval: no sandbox waits ten. */
TEST(failed_actions_do_not_back_off)
{
	fake f = {.fail = "fff", .planned = true};
	sc_agent_config config = config_for(&f, 50);
	config.max_cycles = 4;
	sc_diag diag = SC_DIAG_INIT;

	CHECK_INT(sc_agent_run(&config, &diag), 0);
	CHECK_INT(f.calls, 4);
	check_gap(&f, 1, 50);
	check_gap(&f, 2, 50);
	check_gap(&f, 3, 50);
	sc_diag_release(&diag);
}

static long fetch(const char *address, const char *method, const char *path, char **body)
{
	char url[256];
	test_response response;
	snprintf(url, sizeof(url), "http://%s%s", address, path);
	if (test_http(NULL, method, url, NULL, NULL, &response))
		return -1;
	long status = response.status;
	if (body)
		*body = strdup(response.body ? response.body : "");
	test_response_release(&response);
	return status;
}

static void http_cycle(void *ctx, sc_agent *agent, unsigned long number,
                       sc_agent_report *out)
{
	fake *f = ctx;
	const char *address = sc_agent_metrics_address(agent);
	size_t i = f->calls++;
	if (i >= 4 || !address)
		return;
	f->readyz[i] = fetch(address, "GET", "/readyz", NULL);
	f->healthz[i] = fetch(address, "GET", "/healthz", NULL);
	f->missing[i] = fetch(address, "GET", "/nope", NULL);
	f->post[i] = fetch(address, "POST", "/metrics", NULL);
	fetch(address, "GET", "/metrics", &f->metrics[i]);
	out->ok = number >= 2;
	out->observed = true;
	sc_agent_report_set(out, "team-ml")->count[SC_AGENT_STATE_RUNNING] = number;
	out->actions[SC_ACTION_CREATE][SC_AGENT_RESULT_DONE] = 1;
}

TEST(endpoints_answer_while_the_loop_runs)
{
	fake f = {0};
	sc_agent_config config = config_for(&f, 10);
	config.cycle = http_cycle;
	config.listen = "127.0.0.1:0";
	config.max_cycles = 3;
	sc_diag diag = SC_DIAG_INIT;

	CHECK_INT(sc_agent_run(&config, &diag), 0);
	CHECK_INT(f.calls, 3);
	CHECK_INT(f.readyz[0], 503);
	CHECK_INT(f.readyz[1], 503);
	CHECK_INT(f.readyz[2], 200);
	CHECK_INT(f.healthz[0], 200);
	CHECK_INT(f.missing[0], 404);
	CHECK_INT(f.post[0], 405);
	CHECK_CONTAINS(f.metrics[0], "sc_apply_reconcile_total{result=\"success\"} 0\n");
	CHECK_CONTAINS(f.metrics[2], "sc_apply_reconcile_total{result=\"success\"} 1\n");
	CHECK_CONTAINS(f.metrics[2], "sc_apply_reconcile_total{result=\"failure\"} 1\n");
	CHECK_CONTAINS(
	    f.metrics[2],
	    "sc_apply_managed_sandboxes{set=\"team-ml\",state=\"running\"} 2\n");
	CHECK_CONTAINS(f.metrics[2],
	               "sc_apply_actions_total{action=\"create\",result=\"done\"} 2\n");
	for (int i = 0; i < 4; i++)
		free(f.metrics[i]);
	sc_diag_release(&diag);
}

TEST(a_bad_or_busy_listen_address_fails_to_start)
{
	fake f = {0};
	sc_agent_config config = config_for(&f, 10);
	sc_diag diag = SC_DIAG_INIT;

	config.listen = "nonsense";
	CHECK_INT(sc_agent_run(&config, &diag), -1);
	CHECK_INT(f.calls, 0);
	CHECK(diag.count == 1);
	if (diag.count)
		CHECK_CONTAINS(diag.entries[0].message, "--listen-metrics");
	sc_diag_release(&diag);

	sc_agent_metrics metrics;
	sc_agent_server *server = NULL;
	sc_agent_metrics_init(&metrics);
	CHECK_INT(sc_agent_server_start(&server, "127.0.0.1:0", &metrics, &diag), 0);
	if (server) {
		char busy[128];
		snprintf(busy, sizeof(busy), "%s", sc_agent_server_address(server));
		config.listen = busy;
		CHECK_INT(sc_agent_run(&config, &diag), -1);
		CHECK(diag.count == 1);
		sc_diag_release(&diag);
	}
	sc_agent_server_free(server);
	sc_agent_metrics_release(&metrics);

	config.listen = "127.0.0.1:99999";
	CHECK_INT(sc_agent_run(&config, &diag), -1);
	sc_diag_release(&diag);
	config.listen = "[::1]:x";
	CHECK_INT(sc_agent_run(&config, &diag), -1);
	sc_diag_release(&diag);
	config.listen = NULL;
	config.interval_ms = 0;
	CHECK_INT(sc_agent_run(&config, &diag), -1);
	sc_diag_release(&diag);
	CHECK_INT(f.calls, 0);
}

TEST(listen_addresses_parse)
{
	struct sockaddr_storage addr;
	socklen_t len;
	sc_diag diag = SC_DIAG_INIT;

	CHECK_INT(sc_agent_parse_listen("127.0.0.1:9100", &addr, &len, &diag), 0);
	CHECK_INT(addr.ss_family, AF_INET);
	CHECK_INT(sc_agent_parse_listen("[::1]:9100", &addr, &len, &diag), 0);
	CHECK_INT(addr.ss_family, AF_INET6);
	CHECK_INT(sc_agent_parse_listen("localhost:0", &addr, &len, &diag), 0);
	CHECK_INT(diag.count, 0);
	CHECK_INT(sc_agent_parse_listen("9100", &addr, &len, &diag), -1);
	/* The address is always named (common/address.h): one rule for every listener. */
	CHECK_INT(sc_agent_parse_listen(":0", &addr, &len, &diag), -1);
	CHECK_INT(sc_agent_parse_listen("::1:9100", &addr, &len, &diag), -1);
	CHECK_INT(sc_agent_parse_listen("127.0.0.1:", &addr, &len, &diag), -1);
	CHECK_INT(sc_agent_parse_listen("127.0.0.1:65536", &addr, &len, &diag), -1);
	sc_diag_release(&diag);
}

int main(void)
{
	RUN(sighup_runs_a_cycle_at_once_and_sigterm_stops_cleanly);
	RUN(a_stop_during_a_cycle_lets_it_finish_and_runs_no_more);
	RUN(a_stop_between_cycles_ends_at_once_and_never_calls_expired);
	RUN(a_cycle_outliving_the_grace_period_calls_expired);
	RUN(failures_back_off_exponentially_and_a_success_recovers);
	RUN(failed_actions_do_not_back_off);
	RUN(endpoints_answer_while_the_loop_runs);
	RUN(a_bad_or_busy_listen_address_fails_to_start);
	RUN(listen_addresses_parse);
	return test_summary();
}
