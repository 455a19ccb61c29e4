/*
 * A template the service does not know: the first create's 404 stops the
 * spec's other creates (not sent), and the failure names the spec's
 * file:line, so a typo is found where it was made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "support/cli_run.h"

TEST(a_missing_template_stops_the_specs_creates_and_names_its_place)
{
	test_sandboxd sd;
	test_run run;
	char path[4200];
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	snprintf(path, sizeof(path), "%s/typo.yaml", sd.dir);
	CHECK_INT(test_write_file(path, "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	                                "metadata: {name: ok, set: team}\n"
	                                "spec: {replicas: 1, timeout: 600}\n"
	                                "---\n"
	                                "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	                                "metadata: {name: typo, set: team}\n"
	                                "spec: {template: code-interpeter, replicas: 4, timeout: 600}\n"),
	          0);
	test_stats_reset(&sd);
	CHECK_INT(test_run_apply(&sd, (const char *[]){"apply", "-f", path, "--parallel", "1", NULL},
	                         NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 1);
	char where[4300];
	snprintf(where, sizeof(where), "spec 'team/typo' at %s:6", path);
	if (!strstr(run.out, where) && !strstr(run.err, where))
		TEST_FAILURE("no \"%s\" in: %s%s", where, run.out, run.err);
	CHECK(strstr(run.out, "code-interpeter") != NULL || strstr(run.err, "code-interpeter"));
	/* One create for the good spec, one refused create for the typo: no more. */
	CHECK_INT(test_stats_writes(&sd), 2);
	test_run_release(&run);

	test_sandbox *all;
	int count = test_list_all(&sd, &all);
	CHECK_INT(count, 1);
	if (count >= 0)
		free(all);
	test_sandboxd_release(&sd);
}

int main(void)
{
	RUN(a_missing_template_stops_the_specs_creates_and_names_its_place);
	return test_summary();
}
