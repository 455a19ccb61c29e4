/*
 * A real 3-member etcd cluster for a test: the Debian etcd binary, every
 * member on 127.0.0.1 with free client and peer ports, a data directory
 * of its own under a temporary directory, --initial-cluster on loopback
 * only, short heartbeats so that a lost member or lease is noticed fast.
 * Only the members a test started are ever signalled.
 */
#ifndef SC_TEST_ETCD_H
#define SC_TEST_ETCD_H

#include <stdbool.h>

#include "support/process.h"

#define TEST_ETCD_MEMBERS 3

typedef struct test_etcd {
	test_process members[TEST_ETCD_MEMBERS];
	int client_port[TEST_ETCD_MEMBERS];
	int peer_port[TEST_ETCD_MEMBERS];
	char *dir;
	/* "127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3": the hosts of an etcd:// URL. */
	char hosts[128];
} test_etcd;

/* The etcd binary ($SC_TEST_ETCD_BIN, else etcd on PATH), or NULL when not installed. */
const char *test_etcd_binary(void);

/*
 * What a test program does without etcd: says so and returns 77 (ctest:
 * skipped), or 1 (failed) when $SC_TEST_REQUIRE_ETCD is set, as
 * scripts/test sets it, so that CI never skips these tests silently.
 */
int test_etcd_missing(void);

/* Starts the cluster and waits until every member answers; 0 on success. */
int test_etcd_start(test_etcd *out);
/* SIGKILLs member i (its data directory stays). */
void test_etcd_kill_member(test_etcd *etcd, int i);
/* SIGKILLs every member. */
void test_etcd_kill_all(test_etcd *etcd);
/* Kills what still runs and removes the directory. */
void test_etcd_release(test_etcd *etcd);

/* "etcd://HOSTS/KEY?ttl=TTL", malloc'd. */
char *test_etcd_url(const test_etcd *etcd, const char *key, int ttl_s);
/* What etcd holds at key (linearizable read), malloc'd; NULL when absent or on an error.
 */
char *test_etcd_get(const test_etcd *etcd, const char *key);
/* Deletes key; 0 on success. */
int test_etcd_delete(const test_etcd *etcd, const char *key);

#endif
