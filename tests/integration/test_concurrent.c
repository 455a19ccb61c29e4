/*
 * Two applies of one set at once on one host, no flags: they serialize on
 * the set's default lock, so the second plans from what the first left and
 * the set ends with exactly its replicas (without the lock both list an
 * empty set and both create).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "support/cli_run.h"

TEST(two_applies_at_once_make_exactly_the_replicas)
{
	test_sandboxd sd;
	test_response response;
	char spec[4200], url[256], url_env[300], out_a[4300], err_a[4300];
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	snprintf(spec, sizeof(spec), "%s/race.yaml", sd.dir);
	CHECK_INT(test_write_file(spec, "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	                                "metadata: {name: race, set: racers}\n"
	                                "spec: {replicas: 3, timeout: 600}\n"),
	          0);
	/* Slow answers: both runs are listing before either has created. */
	snprintf(url, sizeof(url), "%s/_admin/config", sd.root_url);
	CHECK_INT(test_http(&sd, "POST", url, TEST_API_KEY, "{\"latencyMs\":300}", &response), 0);
	test_response_release(&response);

	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", sd.base_url);
	snprintf(out_a, sizeof(out_a), "%s/a.out", sd.dir);
	snprintf(err_a, sizeof(err_a), "%s/a.err", sd.dir);
	const char *argv[] = {SC_APPLY_BIN, "apply", "-f", spec, NULL};
	const char *env[] = {url_env, "SEACLOUD_API_KEY=" TEST_API_KEY, NULL};
	test_process first;
	CHECK_INT(test_process_start(&first, argv, env, NULL, out_a, err_a), 0);
	test_run second;
	CHECK_INT(test_run_apply(&sd, (const char *[]){"apply", "-f", spec, NULL}, NULL, NULL,
	                         &second),
	          0);
	CHECK_INT(test_process_wait(&first, 120000), 0);
	CHECK_INT(first.exit_status, 0);
	CHECK_INT(second.exit_code, 0);
	test_run_release(&second);

	test_sandbox *all;
	int count = test_list_all(&sd, &all);
	CHECK_INT(test_count(all, count, "racers", "race", NULL), 3);
	if (count >= 0)
		free(all);
	test_sandboxd_release(&sd);
}

int main(void)
{
	RUN(two_applies_at_once_make_exactly_the_replicas);
	return test_summary();
}
