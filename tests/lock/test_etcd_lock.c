/*
 * The etcd lock against a real 3-member cluster on loopback: one holder
 * at a time (the other is told who holds it), the key under a lease that
 * ends on release, a member lost changes nothing, the whole cluster lost
 * or the key deleted makes the lock invalid for good (fencing), and URLs
 * are checked strictly. Skipped (exit 77) when etcd is not installed.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "lock/lock.h"
#include "support/etcd.h"

static test_etcd etcd;

static char *messages(sc_diag *diag)
{
	static char text[8192];
	text[0] = '\0';
	for (size_t i = 0; i < diag->count; i++) {
		strncat(text, diag->entries[i].message, sizeof(text) - strlen(text) - 2);
		strcat(text, "\n");
	}
	return text;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static sc_lock *take(const char *url, const char *holder, sc_diag *diag)
{
	sc_lock_options options = {.holder = holder};
	sc_lock *lock = NULL;
	sc_lock_acquire(&lock, url, &options, diag);
	return lock;
}

/* Polls until the lock is no longer valid; false if it stays valid for timeout_ms. */
static bool wait_invalid(sc_lock *lock, long timeout_ms)
{
	for (long waited = 0; waited < timeout_ms; waited += 50) {
		if (!sc_lock_valid(lock, NULL))
			return true;
		sleep_ms(50);
	}
	return false;
}

TEST(urls_are_checked_strictly)
{
	static const struct {
		const char *url, *message;
	} cases[] = {
	    {"etcd://127.0.0.1:2379", "no key"},
	    {"etcd://127.0.0.1:2379/", "no key"},
	    {"etcd://127.0.0.1/k", "'127.0.0.1' is not HOST:PORT"},
	    {"etcd://127.0.0.1:99999/k", "is not HOST:PORT"},
	    {"etcd://a b:1/k", "is not HOST:PORT"},
	    {"etcd://127.0.0.1:1,/k", "'' is not HOST:PORT"},
	    {"etcd://127.0.0.1:1/k%00", "the key may hold only"},
	    {"etcd://127.0.0.1:1/k?ttl=1", "ttl must be 2 to 300 seconds, got '1'"},
	    {"etcd://127.0.0.1:1/k?ttl=3x", "ttl must be 2 to 300 seconds"},
	    {"etcd://127.0.0.1:1/k?wait=3", "unknown option 'wait=3'"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sc_diag diag = SC_DIAG_INIT;
		sc_lock *lock = NULL;
		CHECK_INT(sc_lock_acquire(&lock, cases[i].url, NULL, &diag), -1);
		CHECK(lock == NULL);
		CHECK_CONTAINS(messages(&diag), cases[i].message);
		CHECK_CONTAINS(messages(&diag), "lock 'etcd://");
		sc_diag_release(&diag);
	}
	CHECK(sc_lock_is_lease("etcd://h:1/k"));
	CHECK(!sc_lock_is_lease("/tmp/x.lock"));
	CHECK(!sc_lock_is_lease(NULL));
}

TEST(one_holder_at_a_time_and_the_other_is_told_who)
{
	sc_diag diag = SC_DIAG_INIT;
	char *url = test_etcd_url(&etcd, "sc-test/one", 3);

	sc_lock *first = take(url, "holder one\x1b[31m", &diag);
	CHECK(first != NULL);
	CHECK_INT(diag.count, 0);
	CHECK(sc_lock_valid(first, NULL));
	char *value = test_etcd_get(&etcd, "sc-test/one");
	CHECK_STR(value, "holder one?[31m");
	free(value);

	sc_lock *second = take(url, "holder two", &diag);
	CHECK(second == NULL);
	CHECK_CONTAINS(messages(&diag), "another sc-apply run holds the lock");
	CHECK_CONTAINS(messages(&diag), "(holder one?[31m)");
	sc_diag_release(&diag);

	/* Held over several TTLs: the keep-alive renews it. */
	sleep_ms(5000);
	CHECK(sc_lock_valid(first, &diag));
	CHECK_INT(diag.count, 0);
	second = take(url, "holder two", &diag);
	CHECK(second == NULL);
	sc_diag_release(&diag);

	/* Released: the key goes with the lease, at once, and the next takes it. */
	CHECK_INT(sc_lock_release(first, &diag), 0);
	value = test_etcd_get(&etcd, "sc-test/one");
	CHECK(value == NULL);
	free(value);
	second = take(url, "holder two", &diag);
	CHECK(second != NULL);
	CHECK(sc_lock_valid(second, NULL));
	sc_lock_free(second);
	sc_lock_free(first);
	sc_diag_release(&diag);
	free(url);
}

TEST(a_waiter_takes_the_lock_when_the_holder_lets_go)
{
	sc_diag diag = SC_DIAG_INIT;
	char *url = test_etcd_url(&etcd, "sc-test/wait", 2);
	sc_lock *first = take(url, "first", &diag);
	CHECK(first != NULL);

	/* A waiter whose wait outlasts its lease's TTL keeps the lease alive while it
	 * waits. */
	sc_lock_options options = {.holder = "second", .wait_ms = 1500};
	sc_lock *second = NULL;
	CHECK_INT(sc_lock_acquire(&second, url, &options, &diag), -1);
	CHECK_CONTAINS(messages(&diag), "still holds the lock");
	sc_diag_release(&diag);
	sc_lock_free(first);
	options.wait_ms = 10000;
	CHECK_INT(sc_lock_acquire(&second, url, &options, &diag), 0);
	CHECK(sc_lock_valid(second, NULL));
	sc_lock_free(second);
	sc_diag_release(&diag);
	free(url);
}

TEST(a_deleted_key_is_a_lost_lock_for_good)
{
	sc_diag diag = SC_DIAG_INIT;
	char *url = test_etcd_url(&etcd, "sc-test/deleted", 2);
	sc_lock *lock = take(url, "me", &diag);
	CHECK(lock != NULL);

	CHECK_INT(test_etcd_delete(&etcd, "sc-test/deleted"), 0);
	CHECK(wait_invalid(lock, 5000));
	CHECK(!sc_lock_valid(lock, &diag));
	CHECK_CONTAINS(messages(&diag),
	               "the lease is lost: the key 'sc-test/deleted' was deleted");
	sc_diag_release(&diag);
	/* Another may take it now; this one never becomes valid again. */
	sc_lock *other = take(url, "other", &diag);
	CHECK(other != NULL);
	sleep_ms(1500);
	CHECK(!sc_lock_valid(lock, NULL));
	sc_lock_free(other);
	sc_lock_free(lock);
	sc_diag_release(&diag);
	free(url);
}

TEST(one_member_lost_changes_nothing)
{
	sc_diag diag = SC_DIAG_INIT;
	char *url = test_etcd_url(&etcd, "sc-test/member", 3);
	sc_lock *lock = take(url, "me", &diag);
	CHECK(lock != NULL);

	/* The first member of the URL: the one every call tries first. */
	test_etcd_kill_member(&etcd, 0);
	sleep_ms(5000);
	CHECK(sc_lock_valid(lock, &diag));
	CHECK_INT(diag.count, 0);
	sc_lock *other = take(url, "other", &diag);
	CHECK(other == NULL);
	CHECK_CONTAINS(messages(&diag), "(me)");
	sc_diag_release(&diag);
	sc_lock_free(lock);
	sc_diag_release(&diag);
	free(url);
}

TEST(the_whole_cluster_lost_makes_the_lock_invalid_for_good)
{
	sc_diag diag = SC_DIAG_INIT;
	char *url = test_etcd_url(&etcd, "sc-test/down", 2);
	sc_lock *lock = take(url, "me", &diag);
	CHECK(lock != NULL);
	CHECK(sc_lock_valid(lock, NULL));

	test_etcd_kill_all(&etcd);
	CHECK(wait_invalid(lock, 10000));
	/* After the TTL, lost, and says why. */
	sleep_ms(2500);
	CHECK(!sc_lock_valid(lock, &diag));
	CHECK_CONTAINS(messages(&diag), "lock 'etcd://");
	CHECK_CONTAINS(messages(&diag), "the lease is lost: no keep-alive confirmed for");
	CHECK_CONTAINS(messages(&diag), "last error: etcd /v3/lease/keepalive:");
	sc_diag_release(&diag);
	sc_lock *other = take(url, "other", &diag);
	CHECK(other == NULL);
	CHECK_CONTAINS(messages(&diag), "etcd /v3/lease/grant:");
	sc_lock_free(lock);
	sc_diag_release(&diag);
	free(url);
}

int main(void)
{
	if (!test_etcd_binary())
		return test_etcd_missing();
	if (test_etcd_start(&etcd)) {
		printf("the etcd cluster did not start\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(urls_are_checked_strictly);
	RUN(one_holder_at_a_time_and_the_other_is_told_who);
	RUN(a_waiter_takes_the_lock_when_the_holder_lets_go);
	RUN(a_deleted_key_is_a_lost_lock_for_good);
	RUN(one_member_lost_changes_nothing);
	RUN(the_whole_cluster_lost_makes_the_lock_invalid_for_good);
	test_etcd_release(&etcd);
	return test_summary();
}
