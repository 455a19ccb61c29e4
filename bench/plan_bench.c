/*
 * How the plan's cost grows with the number of observed sandboxes:
 *   bench_plan OBSERVED [SPECS]
 * builds SPECS specs (default 100) and OBSERVED managed sandboxes that
 * match them (plus a tenth that drift: stale hash, paused, expiring),
 * then times sc_plan_build alone. Prints one line of key=value pairs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "measure.h"
#include "plan/plan.h"

static void make_specs(sc_spec_list *specs, size_t count, size_t replicas)
{
	specs->items = sc_calloc(count, sizeof(sc_spec));
	specs->count = specs->alloc = count;
	for (size_t i = 0; i < count; i++) {
		sc_spec *spec = &specs->items[i];
		spec->name = sc_asprintf("spec-%zu", i);
		spec->set = sc_strdup("bench");
		spec->template_id = sc_strdup("base");
		spec->replicas = (unsigned)replicas;
		spec->timeout = 3600;
		spec->renew_before = 600;
		spec->wait_ready = true;
		spec->network.allow_public_traffic = true;
		spec->network.allow_internet_access = true;
		sc_kv_set(&spec->labels, "team", "bench");
		sc_kv_set(&spec->env, "LOG_LEVEL", "info");
	}
}

static void make_observed(sc_sandbox_list *observed, const sc_spec_list *specs, size_t count,
                          int64_t now)
{
	for (size_t i = 0; i < count; i++) {
		const sc_spec *spec = &specs->items[i % specs->count];
		sc_sandbox *sandbox = sc_sandbox_list_push(observed);
		char salt[33], hash[SC_SPEC_HASH_HEX + 1];
		snprintf(salt, sizeof(salt), "%032zx", i);
		sc_spec_hash(hash, spec, salt);
		if (i % 10 == 3)
			hash[0] = hash[0] == '0' ? '1' : '0';  /* drifted: replace */
		sandbox->id = sc_asprintf("sandbox_%08zx", i);
		sandbox->template_id = sc_strdup("tpl-base-7f3a9c");
		sandbox->status = sc_strdup(i % 10 == 5 ? "paused" : "running");
		sandbox->phase = i % 10 == 5 ? SC_PHASE_PAUSED : SC_PHASE_READY;
		sandbox->started_at = now - (int64_t)i * 1000;
		sandbox->end_at = now + (i % 10 == 7 ? 60 : 3000) * 1000LL;
		sc_kv_set(&sandbox->metadata, SC_LABEL_SET, spec->set);
		sc_kv_set(&sandbox->metadata, SC_LABEL_NAME, spec->name);
		sc_kv_set(&sandbox->metadata, SC_LABEL_SALT, salt);
		sc_kv_set(&sandbox->metadata, SC_LABEL_HASH, hash);
		sc_kv_set(&sandbox->metadata, "team", "bench");
	}
}

int main(int argc, char **argv)
{
	size_t observed_count = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	size_t spec_count = argc > 2 ? strtoul(argv[2], NULL, 10) : 100;
	int64_t now = 1781081750000LL;
	sc_spec_list specs = {0};
	sc_sandbox_list observed = {0};
	sc_plan plan = {0};
	sc_diag diag = SC_DIAG_INIT;
	const char *sets[] = {"bench"};

	make_specs(&specs, spec_count, (observed_count + spec_count - 1) / spec_count);
	make_observed(&observed, &specs, observed_count, now);
	double rss_before = bench_peak_rss_mib();
	sc_plan_options options = {.max_delete = -1, .sets = sets, .set_count = 1};
	double cpu = bench_cpu_seconds(), wall = bench_wall_seconds();
	int result = sc_plan_build(&plan, &specs, &observed, now, &options, &diag);
	cpu = bench_cpu_seconds() - cpu;
	wall = bench_wall_seconds() - wall;
	printf("observed=%zu specs=%zu actions=%zu result=%d plan_cpu_ms=%.1f plan_wall_ms=%.1f "
	       "peak_rss_mib=%.1f rss_before_plan_mib=%.1f\n",
	       observed_count, spec_count, plan.count, result, cpu * 1000, wall * 1000,
	       bench_peak_rss_mib(), rss_before);
	sc_plan_release(&plan);
	sc_sandbox_list_release(&observed);
	sc_spec_list_release(&specs);
	sc_diag_release(&diag);
	return result ? 1 : 0;
}
