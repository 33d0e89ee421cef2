/* SPDX-License-Identifier: MIT */
/* tests/unit/test_opts.c: numeric settings are parsed strictly (host/opts.c) and
 * the readiness state reports the first part not ready (host/health.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "opts.h"
#include "health.h"

static void test_parse_accepts_plain_decimal(void **state)
{
	(void)state;
	long long v = 0;
	assert_true(opt_parse_ll("0", 0, 10, &v));
	assert_int_equal(v, 0);
	assert_true(opt_parse_ll("1024", 1, 1024, &v));
	assert_int_equal(v, 1024);
	assert_true(opt_parse_ll("-5", -10, 10, &v));
	assert_int_equal(v, -5);
	assert_true(opt_parse_ll("9223372036854775807", INT64_MIN, INT64_MAX, &v));
	assert_true(v == INT64_MAX);
}

static void test_parse_refuses_guesses(void **state)
{
	(void)state;
	static const char *const bad[] = {"", "x", " 4", "4 ", "4x", "0x10", "+4", "1e3", "-",
	                                  "--1", "99999999999999999999", "4.0"};
	long long v = 42;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(opt_parse_ll(bad[i], INT64_MIN, INT64_MAX, &v));
		assert_int_equal(v, 42); /* untouched */
	}
	assert_false(opt_parse_ll(NULL, 0, 1, &v));
}

static void test_parse_range(void **state)
{
	(void)state;
	long long v;
	assert_false(opt_parse_ll("0", 1, 10, &v));
	assert_false(opt_parse_ll("11", 1, 10, &v));
	assert_false(opt_parse_ll("-1", 0, 10, &v)); /* no '-' where negatives are not allowed */
	unsigned u = 7;
	assert_int_equal(opt_uint("--batch", "0", 1, 4096, &u), -1);
	assert_int_equal(u, 7);
	assert_int_equal(opt_uint("--batch", "32", 1, 4096, &u), 0);
	assert_int_equal(u, 32);
}

static void test_env(void **state)
{
	(void)state;
	unsigned u = 0;
	unsetenv("COFFER_TEST_OPTS_N");
	assert_int_equal(opt_env_uint("COFFER_TEST_OPTS_N", 5, 1, 9, &u), 0);
	assert_int_equal(u, 5);
	setenv("COFFER_TEST_OPTS_N", "abc", 1);
	assert_int_equal(opt_env_uint("COFFER_TEST_OPTS_N", 5, 1, 9, &u), -1);
	setenv("COFFER_TEST_OPTS_N", "8", 1);
	assert_int_equal(opt_env_uint("COFFER_TEST_OPTS_N", 5, 1, 9, &u), 0);
	assert_int_equal(u, 8);
}

static void test_ready_state(void **state)
{
	(void)state;
	struct health_state st;
	char why[320];
	assert_false(health_state(&st));
	assert_string_equal(st.part, "database");
	assert_string_equal(st.reason, "database unreachable: not connected yet");
	/* Failed attempts in a row are counted, the last error is the reason. */
	health_db_attempt(false, "Can't connect\nto server");
	health_db_attempt(false, "Can't connect to server");
	assert_false(health_state(&st));
	assert_string_equal(st.reason, "database unreachable since 0s, 2 attempts: Can't connect to server");
	assert_true(st.since_ms > 0);
	health_db_attempt(true, NULL);
	assert_false(health_state(&st));
	assert_string_equal(st.part, "migrations");
	assert_string_equal(st.reason, "starting: migrations not applied yet");
	health_set(HEALTH_MIGRATIONS, true, NULL);
	assert_false(health_state(&st));
	assert_string_equal(st.part, "kafka");
	health_set(HEALTH_KAFKA, false, "Kafka cluster unreachable since %ds, %d attempts", 3, 2);
	assert_false(health_ready(why, sizeof why));
	assert_string_equal(why, "Kafka cluster unreachable since 3s, 2 attempts");
	health_set(HEALTH_KAFKA, true, NULL);
	assert_false(health_state(&st));
	assert_string_equal(st.part, "consumer");
	assert_non_null(strstr(st.reason, "assignment"));
	health_set(HEALTH_CONSUMER, true, NULL);
	assert_true(health_state(&st));
	assert_null(st.part);
	assert_string_equal(st.reason, "ready");
	assert_true(health_ready(why, sizeof why));
	assert_string_equal(why, "ready");
	/* A failure after being ready starts a new count. */
	health_db_attempt(false, "gone");
	assert_false(health_state(&st));
	assert_string_equal(st.reason, "database unreachable since 0s, 1 attempt: gone");
	health_db_attempt(true, NULL);
	assert_true(health_state(&st));
	health_set_stopping();
	assert_false(health_state(&st));
	assert_string_equal(st.part, "stopping");
	assert_string_equal(st.reason, "stopping: a signal to stop arrived");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_accepts_plain_decimal),
		cmocka_unit_test(test_parse_refuses_guesses),
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_ready_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
