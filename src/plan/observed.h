/*
 * The observed sandboxes as the plan and its callers read them: each
 * sandbox id once. Lists of several sets overlap when a server ignores the
 * filter, and a page boundary may repeat a sandbox that moved.
 */
#ifndef SC_PLAN_OBSERVED_H
#define SC_PLAN_OBSERVED_H

#include "api/sandbox.h"

/* Keeps the first of each sandbox id, in list order; frees the others. */
void sc_plan_drop_repeats(sc_sandbox_list *list);

#endif
