/*
 * What sc-apply's connections look like from outside: a converge of many
 * sandboxes opens a few connections and reuses them (sc-sandboxd counts
 * the connections it accepted; -v says which request opened one), and a
 * --ca-file that cannot be read stops the run before any request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "support/cli_run.h"

static const char *write_spec(const test_sandboxd *sd, int replicas)
{
	static char path[4200];
	char text[512];
	snprintf(path, sizeof(path), "%s/conn.yaml", sd->dir);
	snprintf(text, sizeof(text),
	         "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	         "metadata: {name: web, set: conn}\nspec: {replicas: %d, timeout: 600}\n",
	         replicas);
	if (test_write_file(path, text))
		TEST_FAILURE("cannot write %s", path);
	return path;
}

static size_t count_text(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *at = strstr(text, needle); at; at = strstr(at + 1, needle))
		n++;
	return n;
}

TEST(a_converge_of_many_opens_a_few_connections)
{
	test_sandboxd sd;
	test_run run;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, 50);
	CHECK_INT(test_stats_reset(&sd), 0);
	CHECK_INT(test_run_apply(&sd, (const char *[]){"apply", "-f", spec, "--parallel", "4",
	                                               "-v", NULL},
	                         NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 0);
	/* 50 creates and a list; the stats request comes on a connection of its own. */
	long connections = test_stats_number(&sd, "connections") - 1;
	CHECK(connections >= 1);
	CHECK(connections <= 4 + 2);
	size_t opened = count_text(run.err, "new connection");
	CHECK(opened >= 1);
	CHECK(opened <= 4 + 2);
	CHECK_INT(count_text(run.err, "/sandboxes -> 201"), 50);
	test_run_release(&run);

	/* Converged: nothing more is created, and again few connections. */
	CHECK_INT(test_run_apply(&sd, (const char *[]){"apply", "-f", spec, NULL}, NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 0);
	test_run_release(&run);
	test_sandbox *all = NULL;
	CHECK_INT(test_count(all, test_list_all(&sd, &all), "conn", "web", NULL), 50);
	free(all);
	test_sandboxd_release(&sd);
}

TEST(a_ca_file_that_cannot_be_read_stops_the_run)
{
	test_sandboxd sd;
	test_run run;
	char missing[4200];
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, 2);
	snprintf(missing, sizeof(missing), "%s/no-such-ca.pem", sd.dir);
	CHECK_INT(test_stats_reset(&sd), 0);
	CHECK_INT(test_run_apply(&sd, (const char *[]){"apply", "-f", spec, "--ca-file", missing,
	                                               NULL},
	                         NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "cannot read CA file '");
	CHECK_CONTAINS(run.err, "no-such-ca.pem': No such file or directory");
	test_run_release(&run);
	/* A directory is not a CA file either. */
	CHECK_INT(test_run_apply(&sd, (const char *[]){"apply", "-f", spec, "--ca-file", sd.dir,
	                                               NULL},
	                         NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "not a regular file");
	test_run_release(&run);
	CHECK_INT(test_stats_number(&sd, "total"), 0);
	test_sandboxd_release(&sd);
}

TEST(a_readable_ca_file_is_taken)
{
	test_sandboxd sd;
	test_run run;
	char ca[4200];
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, 2);
	snprintf(ca, sizeof(ca), "%s/ca.pem", sd.dir);
	CHECK_INT(test_write_file(ca, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), 0);
	/* Over plain HTTP there is nothing to verify: the run goes on. */
	CHECK_INT(test_run_apply(&sd, (const char *[]){"apply", "-f", spec, "--ca-file", ca, NULL},
	                         NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 0);
	test_run_release(&run);
	test_sandboxd_release(&sd);
}

int main(void)
{
	RUN(a_converge_of_many_opens_a_few_connections);
	RUN(a_ca_file_that_cannot_be_read_stops_the_run);
	RUN(a_readable_ca_file_is_taken);
	return test_summary();
}
