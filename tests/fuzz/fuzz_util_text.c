/* SPDX-License-Identifier: MIT */
/* tests/fuzz/fuzz_util_text.c: lib/util.c's readers of text from outside
 * (headers, REST paths and queries): RFC 3339, canonical and lenient UUIDs, the
 * integer rule of path and query values, 8-byte keys, 2-byte versions. The whole
 * input is the text (with its length; and cut at a NUL as a C string). */
#include <inttypes.h>
#include <stdlib.h>

#include "fuzz.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *z = malloc(size + 1);
	if (z == NULL)
		return 0;
	memcpy(z, data, size);
	z[size] = '\0';

	int64_t us;
	if (cu_time_parse(s, size, &us) == 0) {
		/* What is parsed formats back to a time that parses to the same instant. */
		char out[CU_TIME_LEN], again[CU_TIME_LEN];
		cu_time_format(us, out);
		int64_t us2;
		FZ_CHECK(strlen(out) < CU_TIME_LEN);
		FZ_CHECK(cu_time_parse(out, strlen(out), &us2) == 0 && us2 == us);
		FZ_CHECK(strcmp(cu_time_format(us2, again), out) == 0);
	}

	char id[37];
	if (cu_uuid_parse(s, size, id)) {
		FZ_CHECK(size == 36 && strlen(id) == 36);
		char id2[37];
		FZ_CHECK(cu_uuid_parse(id, 36, id2) && strcmp(id, id2) == 0);
		FZ_CHECK(cu_uuid_parse_lenient(z, id2) && strcmp(id, id2) == 0);
	}
	if (cu_uuid_parse_lenient(z, id)) {
		FZ_CHECK(strlen(id) == 36 && cu_uuid_parse(id, 36, NULL));
	}

	int64_t v;
	if (cu_parse_int(z, &v) == 0) {
		char back[32];
		int64_t v2;
		snprintf(back, sizeof back, "%" PRId64, v);
		FZ_CHECK(cu_parse_int(back, &v2) == 0 && v2 == v);
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		FZ_CHECK(cu_parse_u8(z, &u8) == 0 && u8 == (uint8_t)v);
		FZ_CHECK(cu_parse_u16(z, &u16) == 0 && u16 == (uint16_t)v);
		FZ_CHECK(cu_parse_u32(z, &u32) == 0 && u32 == (uint32_t)v);
	} else {
		uint32_t u32;
		FZ_CHECK(cu_parse_u32(z, &u32) != 0);
	}

	int64_t k = cu_key_decode(data, size);
	if (size == 8) {
		uint8_t enc[8];
		FZ_CHECK(k >= 0 && k <= UINT32_MAX);
		cu_key_encode((uint32_t)k, enc);
		FZ_CHECK(memcmp(enc, data, 4) == 0);
	} else {
		FZ_CHECK(k == -1);
	}
	uint16_t be = cu_be16(data, size);
	FZ_CHECK(size == 2 ? be == (uint16_t)(data[0] << 8 | data[1]) : be == 0);
	free(z);
	return 0;
}
