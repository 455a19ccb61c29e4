/*
 * get with -f: a row per spec, ready against desired, like `kubectl get
 * deploy`, specs with none present included; the same in -o json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "support/cli_run.h"

static const char *write_spec(const test_sandboxd *sd, const char *file, const char *name,
                              int replicas)
{
	static char paths[4][4200];
	static int slot;
	char *path = paths[slot++ % 4];
	char text[512];
	snprintf(path, 4200, "%s/%s", sd->dir, file);
	snprintf(text, sizeof(text),
	         "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	         "metadata: {name: %s, set: team}\nspec: {replicas: %d, timeout: 600}\n",
	         name, replicas);
	if (test_write_file(path, text))
		TEST_FAILURE("cannot write %s", path);
	return path;
}

TEST(get_shows_ready_against_desired_per_spec)
{
	test_sandboxd sd;
	test_run run;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *a = write_spec(&sd, "a.yaml", "alpha", 2);
	CHECK_INT(test_run_apply(&sd, (const char *[]){"apply", "-f", a, NULL}, NULL, NULL, &run), 0);
	CHECK_INT(run.exit_code, 0);
	test_run_release(&run);
	const char *b = write_spec(&sd, "b.yaml", "beta", 3);

	CHECK_INT(test_run_apply(&sd, (const char *[]){"get", "-f", a, "-f", b, NULL}, NULL, NULL,
	                         &run),
	          0);
	CHECK_INT(run.exit_code, 0);
	CHECK(strstr(run.out, "READY") != NULL);
	CHECK(strstr(run.out, "team/alpha  2/2") != NULL);
	CHECK(strstr(run.out, "team/beta   0/3") != NULL);
	test_run_release(&run);

	CHECK_INT(test_run_apply(&sd, (const char *[]){"get", "-f", a, "-f", b, "-o", "json", NULL},
	                         NULL, NULL, &run),
	          0);
	CHECK(strstr(run.out, "\"name\":\"beta\",\"desired\":3,\"wantedState\":\"running\","
	                      "\"present\":0,\"current\":0,\"ready\":0") != NULL);
	CHECK(strstr(run.out, "\"name\":\"alpha\",\"desired\":2,\"wantedState\":\"running\","
	                      "\"present\":2,\"current\":2,\"ready\":2") != NULL);
	test_run_release(&run);
	test_sandboxd_release(&sd);
}

int main(void)
{
	RUN(get_shows_ready_against_desired_per_spec);
	return test_summary();
}
