/*
 * The steps of executing a run that src/reconcile/ shares between its
 * files: the plan's options, and carrying rollouts through (rollout.c).
 */
#ifndef SC_RECONCILE_ROLLOUT_H
#define SC_RECONCILE_ROLLOUT_H

#include <stdint.h>

#include "reconcile/reconcile.h"

/* The plan options of the run's configuration and sets. */
sc_plan_options sc_reconcile_plan_options(const sc_reconcile *run);

/*
 * After run->plan ran: while a rollout is progressing and every action so
 * far is done, waits for readiness, lists again, plans and runs the next
 * wave, appending each wave's actions (with their results) to run->plan
 * and keeping each spec's latest progress in run->plan.rollouts. Bounded
 * by the run's --timeout counted from started_ms (monotonic), the stop
 * hook and progressDeadline. Each rollout that did not complete is an
 * error in run->diag naming what failed; returns -1 then, else 0.
 */
int sc_reconcile_rollout(sc_reconcile *run, int64_t started_ms);

#endif
