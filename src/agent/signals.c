#include "agent/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/timeutil.h"

/* How often the signal thread looks at the quit flag and the grace deadline. */
#define SC_AGENT_SIGNAL_TICK_MS 100

static void watched_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

void sc_agent_signals_block(void)
{
	sigset_t set;
	watched_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void wake(sc_agent_signals *signals)
{
	char byte = 1;
	while (write(signals->pipe[1], &byte, 1) < 0 && errno == EINTR)
		;
}

static void on_stop(sc_agent_signals *signals, int sig, int64_t *deadline)
{
	int stops = atomic_fetch_add(&signals->stops, 1) + 1;

	if (stops == 1) {
		/* Logged before the loop wakes: it comes before "agent stopped". */
		sc_agent_log_event(
		    signals->log, SC_AGENT_INFO, "stop requested",
		    SC_AGENT_STR("signal", sig == SIGINT ? "SIGINT" : "SIGTERM"),
		    SC_AGENT_INT("grace_ms", signals->grace_ms), SC_AGENT_END);
		*deadline = sc_time_monotonic_ms() + signals->grace_ms;
	} else {
		*deadline = sc_time_monotonic_ms(); /* a second stop: do not wait */
	}
	wake(signals);
}

static void *signal_thread(void *arg)
{
	sc_agent_signals *signals = arg;
	int64_t deadline = 0;
	sigset_t set;

	watched_set(&set);
	while (!atomic_load(&signals->quit)) {
		struct timespec tick = {0, SC_AGENT_SIGNAL_TICK_MS * 1000000L};
		int sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGHUP) {
			atomic_store(&signals->reload, true);
			wake(signals);
		} else if (sig == SIGTERM || sig == SIGINT) {
			on_stop(signals, sig, &deadline);
		}
		if (deadline && sc_time_monotonic_ms() >= deadline &&
		    atomic_load(&signals->busy) && !atomic_load(&signals->quit)) {
			deadline = 0;
			if (signals->expired)
				signals->expired(signals->expired_ctx);
		}
	}
	return NULL;
}

static int make_pipe(sc_agent_signals *signals, sc_diag *diag)
{
	if (pipe(signals->pipe) < 0)
		return sc_diag_error(diag, NULL, 0, 0, "cannot make the signal pipe: %s",
		                     strerror(errno));
	for (int i = 0; i < 2; i++) {
		fcntl(signals->pipe[i], F_SETFL,
		      fcntl(signals->pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(signals->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

int sc_agent_signals_start(sc_agent_signals *signals, long grace_ms,
                           sc_agent_expired_fn expired, void *expired_ctx,
                           sc_agent_log *log, sc_diag *diag)
{
	sigset_t set;
	struct sigaction ignore;

	memset(signals, 0, sizeof(*signals));
	signals->pipe[0] = signals->pipe[1] = -1;
	signals->grace_ms = grace_ms < 0 ? 0 : grace_ms;
	signals->expired = expired;
	signals->expired_ctx = expired_ctx;
	signals->log = log;
	if (make_pipe(signals, diag))
		return -1;
	watched_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, &signals->old_mask);
	memset(&ignore, 0, sizeof(ignore));
	ignore.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ignore, &signals->old_pipe);
	int err = pthread_create(&signals->thread, NULL, signal_thread, signals);
	if (err) {
		pthread_sigmask(SIG_SETMASK, &signals->old_mask, NULL);
		sigaction(SIGPIPE, &signals->old_pipe, NULL);
		sc_agent_signals_stop(signals);
		return sc_diag_error(diag, NULL, 0, 0,
		                     "cannot start the signal thread: %s", strerror(err));
	}
	signals->started = true;
	return 0;
}

/* Takes the signals that came after the thread ended: unblocked, they would kill. */
static void discard_pending(void)
{
	sigset_t set;
	struct timespec zero = {0, 0};

	watched_set(&set);
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
}

void sc_agent_signals_stop(sc_agent_signals *signals)
{
	if (signals->started) {
		atomic_store(&signals->quit, true);
		pthread_join(signals->thread, NULL);
		signals->started = false;
		discard_pending();
		pthread_sigmask(SIG_SETMASK, &signals->old_mask, NULL);
		sigaction(SIGPIPE, &signals->old_pipe, NULL);
	}
	for (int i = 0; i < 2; i++) {
		if (signals->pipe[i] >= 0)
			close(signals->pipe[i]);
		signals->pipe[i] = -1;
	}
}

int sc_agent_signals_fd(const sc_agent_signals *signals)
{
	return signals->pipe[0];
}

void sc_agent_signals_drain(sc_agent_signals *signals)
{
	char bytes[64];
	while (read(signals->pipe[0], bytes, sizeof(bytes)) > 0)
		;
}

bool sc_agent_signals_stopping(const sc_agent_signals *signals)
{
	return atomic_load(&signals->stops) > 0;
}

void sc_agent_signals_set_busy(sc_agent_signals *signals, bool busy)
{
	atomic_store(&signals->busy, busy);
}

bool sc_agent_signals_take_reload(sc_agent_signals *signals)
{
	return atomic_exchange(&signals->reload, false);
}
