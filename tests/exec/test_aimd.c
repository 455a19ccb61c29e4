/* The adaptive window (AIMD), on a made-up clock and made-up answers. */
#include "exec/private/aimd.h"
#include "harness.h"

/* Sends n requests at now; the tickets go to out (may be NULL). */
static void send_n(sc_exec_aimd *aimd, unsigned n, int64_t now, uint64_t *out)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t ticket = sc_exec_aimd_sent(aimd, now);
		if (out)
			out[i] = ticket;
	}
}

TEST(starts_at_the_ceiling_and_stays_there_without_throttling)
{
	sc_exec_aimd aimd;
	uint64_t tickets[64];
	sc_exec_aimd_init(&aimd, 64);
	CHECK_INT(sc_exec_aimd_limit(&aimd), 64);
	for (int round = 0; round < 10; round++) {
		send_n(&aimd, 64, 1000, tickets);
		CHECK_INT(sc_exec_aimd_wait(&aimd, 1000), 0);
		for (int i = 0; i < 64; i++)
			sc_exec_aimd_answered(&aimd, tickets[i], SC_AIMD_SUCCESS, 20, 1000);
	}
	CHECK_INT(sc_exec_aimd_limit(&aimd), 64);
	CHECK_INT(aimd.cuts, 0);
}

TEST(a_throttled_answer_halves_what_was_in_flight_once_per_round)
{
	sc_exec_aimd aimd;
	uint64_t tickets[16], later[8];
	sc_exec_aimd_init(&aimd, 16);
	send_n(&aimd, 16, 0, tickets);
	sc_exec_aimd_answered(&aimd, tickets[0], SC_AIMD_THROTTLED, 20, 20);
	CHECK_INT(sc_exec_aimd_limit(&aimd), 8);
	/* The rest of that round was sent before the cut: no second cut for them. */
	for (int i = 1; i < 16; i++)
		sc_exec_aimd_answered(&aimd, tickets[i], SC_AIMD_THROTTLED, 20, 20);
	CHECK_INT(sc_exec_aimd_limit(&aimd), 8);
	CHECK_INT(aimd.cuts, 1);
	CHECK_INT(aimd.throttled, 16);
	/* A request sent after the cut and throttled too: halve again. */
	send_n(&aimd, 8, 100, later);
	sc_exec_aimd_answered(&aimd, later[0], SC_AIMD_THROTTLED, 20, 120);
	CHECK_INT(sc_exec_aimd_limit(&aimd), 4);
	CHECK_INT(aimd.cuts, 2);
}

TEST(a_cut_starts_from_the_requests_in_flight_not_an_unused_window)
{
	sc_exec_aimd aimd;
	uint64_t tickets[2];
	sc_exec_aimd_init(&aimd, 64);
	send_n(&aimd, 2, 0, tickets);
	sc_exec_aimd_answered(&aimd, tickets[0], SC_AIMD_THROTTLED, 10, 10);
	CHECK_INT(sc_exec_aimd_limit(&aimd), 1);
}

TEST(successes_raise_it_again_linearly_to_the_ceiling)
{
	sc_exec_aimd aimd;
	uint64_t tickets[32];
	sc_exec_aimd_init(&aimd, 32);
	send_n(&aimd, 32, 0, tickets);
	sc_exec_aimd_answered(&aimd, tickets[0], SC_AIMD_THROTTLED, 10, 10);
	CHECK_INT(sc_exec_aimd_limit(&aimd), 16);
	unsigned previous = sc_exec_aimd_limit(&aimd), steps_up = 0;
	unsigned answered = 1;
	/* Each success adds the same step: the limit rises one at a time, never jumps. */
	for (int i = 0; i < 2000; i++) {
		uint64_t ticket = answered < 32 ? tickets[answered++] : sc_exec_aimd_sent(&aimd, 0);
		sc_exec_aimd_answered(&aimd, ticket, SC_AIMD_SUCCESS, 10, 10);
		unsigned now = sc_exec_aimd_limit(&aimd);
		CHECK(now >= previous && now <= previous + 1);
		steps_up += now > previous;
		previous = now;
	}
	CHECK_INT(sc_exec_aimd_limit(&aimd), 32);
	CHECK_INT(steps_up, 16);
	CHECK_INT(aimd.cuts, 1);
}

TEST(neutral_answers_change_nothing)
{
	sc_exec_aimd aimd;
	uint64_t tickets[8];
	sc_exec_aimd_init(&aimd, 8);
	send_n(&aimd, 8, 0, tickets);
	sc_exec_aimd_answered(&aimd, tickets[0], SC_AIMD_THROTTLED, 10, 10);
	unsigned limit = sc_exec_aimd_limit(&aimd);
	for (int i = 1; i < 8; i++)
		sc_exec_aimd_answered(&aimd, tickets[i], SC_AIMD_NEUTRAL, 10, 10);
	CHECK_INT(sc_exec_aimd_limit(&aimd), limit);
}

TEST(below_one_in_flight_requests_are_spaced_out)
{
	sc_exec_aimd aimd;
	sc_exec_aimd_init(&aimd, 4);
	/* Throttled again and again, one at a time, each answered in 10 ms. */
	int64_t now = 0;
	for (int i = 0; i < 6; i++) {
		uint64_t ticket = sc_exec_aimd_sent(&aimd, now);
		now += 10;
		sc_exec_aimd_answered(&aimd, ticket, SC_AIMD_THROTTLED, 10, now);
	}
	CHECK_INT(sc_exec_aimd_limit(&aimd), 1);
	CHECK(aimd.window < 0.1);
	/* Once the last spacing has passed, one request may go; the next waits 10 ms / window. */
	now += sc_exec_aimd_wait(&aimd, now);
	CHECK_INT(sc_exec_aimd_wait(&aimd, now), 0);
	sc_exec_aimd_sent(&aimd, now);
	long wait = sc_exec_aimd_wait(&aimd, now);
	CHECK(wait >= 100);
	CHECK(wait <= 2000);
	CHECK_INT(sc_exec_aimd_wait(&aimd, now + wait), 0);
}

TEST(the_spacing_is_bounded)
{
	sc_exec_aimd aimd;
	sc_exec_aimd_init(&aimd, 2);
	int64_t now = 0;
	for (int i = 0; i < 200; i++) {
		uint64_t ticket = sc_exec_aimd_sent(&aimd, now);
		sc_exec_aimd_answered(&aimd, ticket, SC_AIMD_THROTTLED, 50, now);
		now += 5000;
	}
	sc_exec_aimd_sent(&aimd, now);
	CHECK(sc_exec_aimd_wait(&aimd, now) <= 2000);
	CHECK(aimd.window > 0);
}

/* A service taking 20 requests a second, each answered in 20 ms, then a 429. */
static void settle_at_20_per_second(sc_exec_aimd *aimd, int64_t *now)
{
	sc_exec_aimd_init(aimd, 64);
	for (int i = 0; i < 40; i++) {
		uint64_t ticket = sc_exec_aimd_sent(aimd, *now);
		*now += 20;
		sc_exec_aimd_answered(aimd, ticket, SC_AIMD_SUCCESS, 20, *now);
		*now += 30;
	}
	uint64_t ticket = sc_exec_aimd_sent(aimd, *now);
	*now += 20;
	sc_exec_aimd_answered(aimd, ticket, SC_AIMD_THROTTLED, 20, *now);
}

TEST(a_cut_lands_below_the_rate_the_service_accepted)
{
	sc_exec_aimd aimd;
	int64_t now = 1000;
	settle_at_20_per_second(&aimd, &now);
	/* 20 a second at 20 ms each is a window of 0.4: half of it is one request per 100 ms. */
	CHECK_INT(aimd.cuts, 1);
	CHECK_INT(sc_exec_aimd_limit(&aimd), 1);
	CHECK(aimd.window > 0.1 && aimd.window < 0.3);
	sc_exec_aimd_sent(&aimd, now);
	long wait = sc_exec_aimd_wait(&aimd, now);
	CHECK(wait >= 60 && wait <= 200);
}

TEST(a_slow_service_is_climbed_back_to_within_seconds)
{
	sc_exec_aimd aimd;
	int64_t now = 1000, cut_at;
	settle_at_20_per_second(&aimd, &now);
	double cut_from = aimd.window / 0.5;
	cut_at = now;
	/* Every request succeeds now, sent as soon as the spacing allows. */
	while (aimd.window < cut_from && now - cut_at < 60000) {
		now += sc_exec_aimd_wait(&aimd, now);
		uint64_t ticket = sc_exec_aimd_sent(&aimd, now);
		now += 20;
		sc_exec_aimd_answered(&aimd, ticket, SC_AIMD_SUCCESS, 20, now);
	}
	CHECK(aimd.window >= cut_from);
	/* About 3 s of successes at the rate of the cut, not 160 of them (16 s at 10 a second). */
	CHECK(now - cut_at < 8000);
}

int main(void)
{
	RUN(starts_at_the_ceiling_and_stays_there_without_throttling);
	RUN(a_throttled_answer_halves_what_was_in_flight_once_per_round);
	RUN(a_cut_starts_from_the_requests_in_flight_not_an_unused_window);
	RUN(successes_raise_it_again_linearly_to_the_ceiling);
	RUN(neutral_answers_change_nothing);
	RUN(below_one_in_flight_requests_are_spaced_out);
	RUN(the_spacing_is_bounded);
	RUN(a_cut_lands_below_the_rate_the_service_accepted);
	RUN(a_slow_service_is_climbed_back_to_within_seconds);
	return test_summary();
}
