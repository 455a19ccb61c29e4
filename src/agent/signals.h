/*
 * Signals for the agent, with no work in any handler: SIGTERM, SIGINT and
 * SIGHUP are blocked in every thread (the mask is set before the HTTP
 * server or libcurl start theirs) and taken by one signal thread with
 * sigtimedwait(). It sets flags and writes a byte to a pipe (self-pipe),
 * so the loop's wait between cycles wakes at once. It also keeps the
 * grace period: when a stop was asked for and the loop has not finished
 * grace_ms later (or a second stop signal comes), it calls expired once.
 * SIGPIPE is ignored while the signals run.
 *
 * Ownership: sc_agent_signals_start() makes the pipe and the thread;
 * sc_agent_signals_stop() ends the thread, closes the pipe and restores
 * the signal mask and SIGPIPE disposition.
 *
 * The grace period only cuts a running cycle: the loop marks its cycles
 * with sc_agent_signals_set_busy(); between cycles a stop needs no timer,
 * the loop wakes and ends by itself.
 */
#ifndef SC_AGENT_SIGNALS_H
#define SC_AGENT_SIGNALS_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "agent/log.h"
#include "common/diag.h"

typedef void (*sc_agent_expired_fn)(void *ctx);

typedef struct sc_agent_signals {
	int pipe[2]; /* the thread writes, the loop polls pipe[0] */
	pthread_t thread;
	bool started;
	sigset_t old_mask;
	struct sigaction old_pipe;
	atomic_bool quit;   /* tells the thread to end */
	atomic_int stops;   /* SIGTERM and SIGINT received */
	atomic_bool reload; /* SIGHUP received and not yet taken */
	atomic_bool busy;   /* the loop is running a cycle */
	long grace_ms;
	sc_agent_expired_fn expired;
	void *expired_ctx;
	sc_agent_log *log; /* borrowed; may be NULL */
} sc_agent_signals;

/* Blocks the signals in the calling thread and starts the signal thread. */
/*
 * Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (and the threads
 * it makes later): call it first, so a signal during start-up waits for
 * the signal thread instead of ending the process (SIGHUP's default).
 */
void sc_agent_signals_block(void);

int sc_agent_signals_start(sc_agent_signals *signals, long grace_ms,
                           sc_agent_expired_fn expired, void *expired_ctx,
                           sc_agent_log *log, sc_diag *diag);
void sc_agent_signals_stop(sc_agent_signals *signals);

/* The descriptor that turns readable when a signal came; drain it with _drain(). */
int sc_agent_signals_fd(const sc_agent_signals *signals);
void sc_agent_signals_drain(sc_agent_signals *signals);

bool sc_agent_signals_stopping(const sc_agent_signals *signals);
/* Marks whether the loop is inside a cycle (the grace period only cuts a cycle). */
void sc_agent_signals_set_busy(sc_agent_signals *signals, bool busy);

/* Whether a SIGHUP came since the last call. */
bool sc_agent_signals_take_reload(sc_agent_signals *signals);

#endif
