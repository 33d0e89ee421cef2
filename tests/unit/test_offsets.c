/* SPDX-License-Identifier: MIT */
/* tests/unit/test_offsets.c: the offset rule of host/offsets.c — commit only up
 * to the first message whose transaction has not committed — under out-of-order
 * completion, a message that failed (redelivered later), and revocation. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "offsets.h"

struct point {
	char topic[32];
	int32_t partition;
	int64_t next;
};

struct points {
	struct point p[16];
	size_t n;
};

static void collect(void *ud, const char *topic, int32_t partition, int64_t next)
{
	struct points *ps = ud;
	assert_true(ps->n < 16);
	snprintf(ps->p[ps->n].topic, sizeof ps->p[ps->n].topic, "%s", topic);
	ps->p[ps->n].partition = partition;
	ps->p[ps->n].next = next;
	ps->n++;
}

/* The commit point of (topic, partition) reported now, or -1 when none is. */
static int64_t point_of(struct offsets *o, bool all, const char *topic, int32_t partition)
{
	struct points ps = {0};
	offsets_commit_points(o, all, collect, &ps);
	for (size_t i = 0; i < ps.n; i++)
		if (ps.p[i].partition == partition && strcmp(ps.p[i].topic, topic) == 0)
			return ps.p[i].next;
	return -1;
}

static int setup(void **state)
{
	static struct offsets o;
	offsets_init(&o);
	*state = &o;
	return 0;
}

static int teardown(void **state)
{
	offsets_forget(*state);
	return 0;
}

static void test_nothing_to_commit_before_a_message_finishes(void **state)
{
	struct offsets *o = *state;
	offsets_track(o, "t", 0, 10);
	assert_int_equal(offsets_inflight(o), 1);
	assert_int_equal(point_of(o, true, "t", 0), -1);
}

static void test_out_of_order_completion_commits_up_to_the_first_unfinished(void **state)
{
	struct offsets *o = *state;
	struct toppar *tp = NULL;
	for (int64_t off = 10; off < 15; off++)
		tp = offsets_track(o, "t", 0, off);
	/* 12 and 13 finish first: 10 is still open, nothing may be committed. */
	offsets_finish(o, tp, 12, true);
	offsets_finish(o, tp, 13, true);
	assert_int_equal(point_of(o, false, "t", 0), -1);
	/* 10 finishes: 11 is the first open one. */
	offsets_finish(o, tp, 10, true);
	assert_int_equal(point_of(o, false, "t", 0), 11);
	/* Unchanged since the last report: not reported again unless all are asked for. */
	assert_int_equal(point_of(o, false, "t", 0), -1);
	assert_int_equal(point_of(o, true, "t", 0), 11);
	/* 11 finishes: 12 and 13 were done already, so the point jumps to 14. */
	offsets_finish(o, tp, 11, true);
	assert_int_equal(point_of(o, false, "t", 0), 14);
	offsets_finish(o, tp, 14, true);
	assert_int_equal(point_of(o, false, "t", 0), 15);
	assert_int_equal(offsets_inflight(o), 0);
}

static void test_a_message_that_did_not_commit_holds_the_point_back(void **state)
{
	struct offsets *o = *state;
	struct toppar *tp = NULL;
	for (int64_t off = 0; off < 4; off++)
		tp = offsets_track(o, "t", 0, off);
	offsets_finish(o, tp, 0, true);
	offsets_finish(o, tp, 1, false); /* stopped before its transaction committed */
	offsets_finish(o, tp, 2, true);
	offsets_finish(o, tp, 3, true);
	assert_int_equal(offsets_inflight(o), 0);
	/* Offset 1 must be delivered again (its marker decides), so the point stays at 1. */
	assert_int_equal(point_of(o, true, "t", 0), 1);
}

static void test_redelivery_after_revocation_starts_from_the_point(void **state)
{
	struct offsets *o = *state;
	struct toppar *tp = offsets_track(o, "t", 0, 5);
	offsets_track(o, "t", 0, 6);
	offsets_finish(o, tp, 6, true);
	offsets_finish(o, tp, 5, false);
	/* The first message of the partition did not commit: nothing may be committed
	 * (the group keeps the offset committed before, 5). */
	assert_int_equal(point_of(o, true, "t", 0), -1);
	/* Revocation: everything is forgotten; the next owner consumes from 5 again. */
	offsets_forget(o);
	assert_int_equal(point_of(o, true, "t", 0), -1);
	tp = offsets_track(o, "t", 0, 5);
	offsets_track(o, "t", 0, 6);
	offsets_finish(o, tp, 5, true);
	offsets_finish(o, tp, 6, true);
	assert_int_equal(point_of(o, false, "t", 0), 7);
}

static void test_partitions_and_topics_are_independent(void **state)
{
	struct offsets *o = *state;
	struct toppar *a = offsets_track(o, "a", 0, 100);
	struct toppar *b = offsets_track(o, "a", 1, 7);
	struct toppar *c = offsets_track(o, "b", 0, 3);
	offsets_track(o, "a", 0, 101);
	offsets_finish(o, b, 7, true);
	offsets_finish(o, c, 3, false);
	offsets_finish(o, a, 101, true);
	struct points ps = {0};
	assert_int_equal(offsets_commit_points(o, true, collect, &ps), 1);
	assert_string_equal(ps.p[0].topic, "a");
	assert_int_equal(ps.p[0].partition, 1);
	assert_int_equal(ps.p[0].next, 8);
	offsets_finish(o, a, 100, true);
	assert_int_equal(point_of(o, false, "a", 0), 102);
}

static void test_gaps_in_offsets_are_allowed(void **state)
{
	/* Compacted topics and transaction markers leave gaps: the point follows the offsets seen. */
	struct offsets *o = *state;
	struct toppar *tp = offsets_track(o, "t", 0, 10);
	offsets_track(o, "t", 0, 20);
	offsets_finish(o, tp, 20, true);
	offsets_finish(o, tp, 10, true);
	assert_int_equal(point_of(o, false, "t", 0), 21);
}

static void test_many_offsets_grow_and_compact_the_window(void **state)
{
	struct offsets *o = *state;
	struct toppar *tp = NULL;
	int64_t next = 0;
	/* Keep a window of 300 open while 5000 pass: exercises growth and compaction. */
	for (int64_t off = 0; off < 5000; off++) {
		tp = offsets_track(o, "t", 3, off);
		if (off >= 300) {
			offsets_finish(o, tp, off - 300, true);
			next = off - 300 + 1;
		}
	}
	assert_int_equal(point_of(o, false, "t", 3), next);
	for (int64_t off = 4999; off >= 4700; off--)
		offsets_finish(o, tp, off, true);
	assert_int_equal(point_of(o, false, "t", 3), 5000);
	assert_int_equal(offsets_inflight(o), 0);
}

struct finisher {
	struct offsets *o;
	struct toppar *tp;
	int64_t from, to;
};

static void *finish_range(void *arg)
{
	struct finisher *f = arg;
	for (int64_t off = f->to - 1; off >= f->from; off--)
		offsets_finish(f->o, f->tp, off, true);
	return NULL;
}

static void test_wait_idle_returns_when_workers_finish(void **state)
{
	struct offsets *o = *state;
	struct toppar *tp = NULL;
	for (int64_t off = 0; off < 1000; off++)
		tp = offsets_track(o, "t", 0, off);
	struct finisher f[2] = {{o, tp, 0, 500}, {o, tp, 500, 1000}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, finish_range, &f[i]), 0);
	offsets_wait_idle(o);
	assert_int_equal(offsets_inflight(o), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(point_of(o, true, "t", 0), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nothing_to_commit_before_a_message_finishes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order_completion_commits_up_to_the_first_unfinished, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_message_that_did_not_commit_holds_the_point_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redelivery_after_revocation_starts_from_the_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partitions_and_topics_are_independent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gaps_in_offsets_are_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_offsets_grow_and_compact_the_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_idle_returns_when_workers_finish, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
