/*
 * How spec loading grows with the number of documents:
 *   bench_specs DOCUMENTS
 * generates one multi-document YAML text and times sc_spec_load_text.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/buf.h"
#include "measure.h"
#include "spec/spec.h"

int main(int argc, char **argv)
{
	size_t count = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
	sc_buf text = SC_BUF_INIT;

	for (size_t i = 0; i < count; i++)
		sc_buf_printf(&text,
		              "---\napiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n"
		              "  name: spec-%zu\n  set: bench\n  labels: {team: bench, tier: t%zu}\n"
		              "spec:\n  template: code-interpreter\n  replicas: 2\n  timeout: 1800\n"
		              "  renewBefore: 600\n  envVars:\n    LOG_LEVEL: info\n"
		              "    HOME_DIR: ${HOME:-/root}\n  network:\n"
		              "    allowOut: [203.0.113.0/24]\n  volumeMounts:\n"
		              "    - {name: data, path: /data}\n",
		              i, i % 7);
	sc_spec_list specs = {0};
	sc_diag diag = SC_DIAG_INIT;
	sc_spec_load_options options = {0};
	double cpu = bench_cpu_seconds(), wall = bench_wall_seconds();
	int result = sc_spec_load_text(&specs, "bench.yaml", text.data, text.len, &options, &diag);
	cpu = bench_cpu_seconds() - cpu;
	wall = bench_wall_seconds() - wall;
	printf("documents=%zu loaded=%zu result=%d bytes=%zu load_cpu_ms=%.1f load_wall_ms=%.1f "
	       "peak_rss_mib=%.1f\n",
	       count, specs.count, result, text.len, cpu * 1000, wall * 1000, bench_peak_rss_mib());
	sc_spec_list_release(&specs);
	sc_diag_release(&diag);
	sc_buf_release(&text);
	return result ? 1 : 0;
}
