/* tests/unit/test_util.c: the shared helpers (time format, strict JSON, UUID, keys). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_format_drops_zero_fraction),
		cmocka_unit_test(test_time_parse_converts_offsets_to_utc),
		cmocka_unit_test(test_json_readers_refuse_wrong_types_and_ranges),
		cmocka_unit_test(test_key_is_little_endian_with_four_zero_bytes),
	};
	return cmocka_run_group_tests_name("test_util", tests, NULL, NULL);
}
