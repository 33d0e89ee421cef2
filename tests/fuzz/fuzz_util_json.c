/* SPDX-License-Identifier: MIT */
/* tests/fuzz/fuzz_util_json.c: lib/util.c's strict JSON field readers (cu_int,
 * cu_u64, cu_bool, cu_str, cu_uuid, cu_time, cu_obj, cu_arr, ...), the decoding
 * rules every plugin's commands go through. The input is a JSON document; each
 * reader runs over each field of it (and of its objects, one level down), and
 * over names that are not there. */
#include <stdlib.h>

#include "fuzz.h"
#include "util.h"

static void read_all(const json_t *o, const char *name)
{
	struct cu_dec d = {0};
	int64_t i = cu_int(&d, o, name, INT32_MIN, INT32_MAX);
	FZ_CHECK(d.bad ? i == 0 : (i >= INT32_MIN && i <= INT32_MAX));
	FZ_CHECK(d.bad == (d.err[0] != '\0') && strlen(d.err) < sizeof d.err);

	/* After the first error every reader gives its zero value, and the message stays. */
	struct cu_dec e = {0};
	uint8_t u8 = cu_u8(&e, o, name);
	int8_t i8 = cu_i8(&e, o, name);
	uint16_t u16 = cu_u16(&e, o, name);
	int16_t i16 = cu_i16(&e, o, name);
	uint32_t u32 = cu_u32(&e, o, name);
	uint64_t u64 = cu_u64(&e, o, name);
	int64_t def = cu_int_def(&e, o, name, -1, 1000, -1);
	bool b = cu_bool(&e, o, name);
	const char *s = cu_str(&e, o, name);
	char id[37];
	cu_uuid(&e, o, name, id);
	int64_t t = cu_time(&e, o, name);
	const json_t *sub = cu_obj(&e, o, name);
	const json_t *arr = cu_arr(&e, o, name);
	FZ_CHECK(s != NULL);
	FZ_CHECK(strlen(id) == 36 || (e.bad && id[0] == '\0') || e.bad);
	if (!e.bad) {
		/* Every reader accepted the field: it is missing or null. */
		FZ_CHECK(u8 == 0 && i8 == 0 && u16 == 0 && i16 == 0 && u32 == 0 && u64 == 0);
		FZ_CHECK(def == -1 && !b && s[0] == '\0' && strcmp(id, CU_NIL_UUID) == 0);
		FZ_CHECK(t == CU_ZERO_TIME_US && sub == NULL && arr == NULL);
	} else {
		FZ_CHECK(e.err[0] != '\0');
		char first[sizeof e.err];
		memcpy(first, e.err, sizeof first);
		FZ_CHECK(cu_int(&e, o, name, 0, 1) == 0 && strcmp(first, e.err) == 0);
		FZ_CHECK(cu_str(&e, o, name)[0] == '\0' && cu_obj(&e, o, name) == NULL);
	}

	/* Each reader alone: what it returns obeys its own rule. */
	struct cu_dec a = {0};
	cu_uuid(&a, o, name, id);
	if (!a.bad)
		FZ_CHECK(cu_uuid_parse(id, 36, NULL));
	a = (struct cu_dec){0};
	t = cu_time(&a, o, name);
	if (!a.bad && t != CU_ZERO_TIME_US) {
		char txt[CU_TIME_LEN];
		int64_t t2;
		cu_time_format(t, txt);
		FZ_CHECK(cu_time_parse(txt, strlen(txt), &t2) == 0 && t2 == t);
	}
	a = (struct cu_dec){0};
	u64 = cu_u64(&a, o, name);
	FZ_CHECK(!a.bad || u64 == 0);
	a = (struct cu_dec){0};
	s = cu_str(&a, o, name);
	FZ_CHECK(s != NULL && (!a.bad || s[0] == '\0'));
	a = (struct cu_dec){0};
	sub = cu_obj(&a, o, name);
	FZ_CHECK(sub == NULL || json_is_object(sub));
	a = (struct cu_dec){0};
	arr = cu_arr(&a, o, name);
	FZ_CHECK(arr == NULL || json_is_array(arr));
}

static void walk(const json_t *o, int depth)
{
	const char *k;
	json_t *v;
	read_all(o, "type");
	read_all(o, "no such field");
	json_object_foreach((json_t *)o, k, v) {
		read_all(o, k);
		if (depth == 0 && json_is_object(v))
			walk(v, 1);
	}
	/* NULL stands for a missing object: every field is missing. */
	read_all(NULL, "body");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *j = json_loadb((const char *)data, size, 0, &err);
	if (j == NULL)
		return 0;
	if (json_is_object(j))
		walk(j, 0);
	json_decref(j);
	return 0;
}
