/* SPDX-License-Identifier: MIT */
/* tests/unit/test_util.c: the shared helpers (time format, strict JSON, UUID, keys). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util.h"

static void test_time_format_drops_zero_fraction(void **state)
{
	char b[CU_TIME_LEN];
	assert_string_equal(cu_time_format(1740830400000000LL, b), "2025-03-01T12:00:00Z");
	assert_string_equal(cu_time_format(1740830400250000LL, b), "2025-03-01T12:00:00.25Z");
	assert_string_equal(cu_time_format(1740830400123456LL, b), "2025-03-01T12:00:00.123456Z");
	assert_string_equal(cu_time_format(CU_ZERO_TIME_US, b), "0001-01-01T00:00:00Z");
}

/* The printf-free formatter against its definition, over a wide spread of instants. */
static void test_time_format_is_the_printf_form(void **state)
{
	(void)state;
	char b[CU_TIME_LEN], want[64];
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		/* years -1000..10999: the snprintf fallback outside 0..9999 */
		int64_t us = (int64_t)(x % 378000000000000000ULL) - 93700000000000000LL;
		if (i % 3 == 0)
			us -= us % 1000000; /* whole seconds too */
		int64_t secs = us / 1000000 - (us % 1000000 < 0);
		int64_t frac = us - secs * 1000000;
		int64_t back = 0;
		cu_time_format(us, b);
		/* rebuilt with printf from the fields the formatter printed */
		long long Y;
		unsigned M, D, h, mi, sec;
		assert_int_equal(sscanf(b, "%lld-%u-%uT%u:%u:%u", &Y, &M, &D, &h, &mi, &sec), 6);
		int n = snprintf(want, sizeof want, "%04lld-%02u-%02uT%02u:%02u:%02u", Y, M, D, h, mi, sec);
		if (frac != 0) {
			char f[8];
			snprintf(f, sizeof f, "%06lld", (long long)frac);
			int len = 6;
			while (len > 0 && f[len - 1] == '0')
				len--;
			n += snprintf(want + n, sizeof want - (size_t)n, ".%.*s", len, f);
		}
		snprintf(want + n, sizeof want - (size_t)n, "Z");
		assert_string_equal(b, want);
		if (Y >= 1 && Y <= 9999) { /* what cu_time_parse accepts */
			assert_int_equal(cu_time_parse(b, strlen(b), &back), 0);
			assert_int_equal(back, us);
			assert_int_equal(cu_time_from_fields((unsigned)Y, M, D, h, mi, sec, &back), 0);
			assert_int_equal(back, us - frac);
		}
	}
}

static void test_time_from_fields_refuses_what_parse_refuses(void **state)
{
	(void)state;
	int64_t us = 1;
	assert_int_equal(cu_time_from_fields(0, 0, 0, 0, 0, 0, &us), -1); /* MySQL's zero date */
	assert_int_equal(cu_time_from_fields(2025, 2, 29, 0, 0, 0, &us), -1);
	assert_int_equal(cu_time_from_fields(10000, 1, 1, 0, 0, 0, &us), -1);
	assert_int_equal(cu_time_from_fields(2025, 13, 1, 0, 0, 0, &us), -1);
	assert_int_equal(cu_time_from_fields(2025, 1, 1, 24, 0, 0, &us), -1);
	assert_int_equal(cu_time_from_fields(1, 1, 1, 0, 0, 0, &us), 0);
	assert_int_equal(us, CU_ZERO_TIME_US);
	assert_int_equal(cu_time_from_fields(2024, 2, 29, 23, 59, 60, &us), 0); /* leap second */
	int64_t p;
	assert_int_equal(cu_time_parse("2024-02-29T23:59:60Z", 20, &p), 0);
	assert_int_equal(us, p);
}

static void test_time_parse_converts_offsets_to_utc(void **state)
{
	int64_t us;
	assert_int_equal(cu_time_parse("2025-03-01T14:00:00.5+02:00", 27, &us), 0);
	assert_int_equal(us, 1740830400500000LL);
	assert_int_equal(cu_time_parse("0001-01-01T00:00:00Z", 20, &us), 0);
	assert_int_equal(us, CU_ZERO_TIME_US);
	assert_int_equal(cu_time_parse("2025-02-29T00:00:00Z", 20, &us), -1);
	assert_int_equal(cu_time_parse("", 0, &us), -1);
	assert_int_equal(cu_time_parse("2025-03-01 12:00:00Z", 20, &us), -1);
}

/* Found by fuzzing (tests/fuzz/regressions/util_text/): an offset moved the time past
 * year 9999 in UTC, which could be neither stored nor formatted back. */
static void test_time_parse_keeps_years_1_to_9999_in_utc(void **state)
{
	int64_t us;
	char b[CU_TIME_LEN];
	assert_int_equal(cu_time_parse("9999-12-31T23:59:59.999999Z", 27, &us), 0);
	assert_int_equal(us, CU_MAX_TIME_US);
	assert_string_equal(cu_time_format(us, b), "9999-12-31T23:59:59.999999Z");
	assert_int_equal(cu_time_parse("9999-12-31T23:59:59.92024-02:00", 31, &us), -1);
	assert_int_equal(cu_time_parse("9999-12-31T22:59:59+01:00", 25, &us), 0);
	assert_int_equal(cu_time_parse("0001-01-01T00:00:00+00:01", 25, &us), -1);
	assert_int_equal(cu_time_parse("0001-01-01T00:00:00-00:01", 25, &us), 0);
	assert_int_equal(cu_time_parse("0000-06-01T00:00:00Z", 20, &us), -1);
}

static void test_json_readers_refuse_wrong_types_and_ranges(void **state)
{
	json_t *o = json_loads("{\"a\":300,\"b\":1.0,\"c\":-1,\"d\":\"x\",\"u\":\"6C1E2F0A-3A51-4E39-9A43-2F4F6A1B9D01\"}", 0, NULL);
	struct cu_dec d = {0};
	assert_int_equal(cu_u16(&d, o, "a"), 300);
	assert_int_equal(cu_u32(&d, o, "missing"), 0);
	assert_false(d.bad);
	char u[37];
	cu_uuid(&d, o, "u", u);
	assert_string_equal(u, "6c1e2f0a-3a51-4e39-9a43-2f4f6a1b9d01");
	cu_u8(&d, o, "a");
	assert_true(d.bad);
	d = (struct cu_dec){0};
	cu_u32(&d, o, "b");
	assert_true(d.bad);
	d = (struct cu_dec){0};
	cu_u32(&d, o, "c");
	assert_true(d.bad);
	d = (struct cu_dec){0};
	cu_uuid(&d, o, "d", u);
	assert_true(d.bad);
	assert_string_equal(u, CU_NIL_UUID);
	json_decref(o);
}

static void test_key_is_little_endian_with_four_zero_bytes(void **state)
{
	uint8_t k[8];
	cu_key_encode(1001, k);
	const uint8_t want[8] = {0xE9, 0x03, 0, 0, 0, 0, 0, 0};
	assert_memory_equal(k, want, 8);
	assert_int_equal(cu_key_decode(k, 8), 1001);
	assert_int_equal(cu_key_decode(k, 4), -1);
	const uint8_t v[2] = {0x00, 0x53};
	assert_int_equal(cu_be16(v, 2), 83);
	assert_int_equal(cu_be16(v, 1), 0);
}

/* The REST integer rule: sign, digits, nothing else, signed 64 bits; the caller truncates. */
static void test_rest_integers_follow_the_strtoll_subset(void **state)
{
	(void)state;
	int64_t v;
	assert_true((cu_parse_int("42", &v) == 0) && v == 42);
	assert_true((cu_parse_int("+7", &v) == 0) && v == 7);
	assert_true((cu_parse_int("-1", &v) == 0) && (uint32_t)v == 4294967295u);
	assert_true((cu_parse_int("256", &v) == 0) && (uint8_t)v == 0);
	assert_true((cu_parse_int("257", &v) == 0) && (int8_t)v == 1);
	assert_true((cu_parse_int("9223372036854775807", &v) == 0) && v == INT64_MAX);
	assert_true((cu_parse_int("-9223372036854775808", &v) == 0) && v == INT64_MIN);
	assert_false((cu_parse_int("9223372036854775808", &v) == 0));
	assert_false((cu_parse_int("-9223372036854775809", &v) == 0));
	const char *bad[] = {"", "+", "-", " 1", "1 ", "1a", "0x10", "1.0", "1e3", "--1", NULL};
	for (int i = 0; bad[i]; i++)
		assert_false((cu_parse_int(bad[i], &v) == 0));
	assert_false((cu_parse_int(NULL, &v) == 0));
}

static void test_lenient_uuid_takes_go_forms(void **state)
{
	(void)state;
	const char *canon = "6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b";
	const char *good[] = {"6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b",
	                      "6A3F1C2E-8B4D-4E7A-9F10-2C3D4E5F6A7B",
	                      "6a3f1c2e8b4d4e7a9f102c3d4e5f6a7b",
	                      "{6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b}",
	                      "urn:uuid:6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b",
	                      "URN:UUID:6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b", NULL};
	char out[37];
	for (int i = 0; good[i]; i++) {
		assert_true(cu_uuid_parse_lenient(good[i], out));
		assert_string_equal(out, canon);
	}
	const char *bad[] = {"", "x", "6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7", "6a3f1c2e_8b4d-4e7a-9f10-2c3d4e5f6a7b",
	                     "{6a3f1c2e8b4d4e7a9f102c3d4e5f6a7b}", "6a3f1c2e8b4d4e7a9f102c3d4e5f6a7g",
	                     "urn:uuid:6a3f1c2e8b4d4e7a9f102c3d4e5f6a7b", NULL};
	for (int i = 0; bad[i]; i++)
		assert_false(cu_uuid_parse_lenient(bad[i], out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_format_drops_zero_fraction),
		cmocka_unit_test(test_time_format_is_the_printf_form),
		cmocka_unit_test(test_time_from_fields_refuses_what_parse_refuses),
		cmocka_unit_test(test_time_parse_converts_offsets_to_utc),
		cmocka_unit_test(test_time_parse_keeps_years_1_to_9999_in_utc),
		cmocka_unit_test(test_json_readers_refuse_wrong_types_and_ranges),
		cmocka_unit_test(test_key_is_little_endian_with_four_zero_bytes),
		cmocka_unit_test(test_rest_integers_follow_the_strtoll_subset),
		cmocka_unit_test(test_lenient_uuid_takes_go_forms),
	};
	return cmocka_run_group_tests_name("test_util", tests, NULL, NULL);
}
