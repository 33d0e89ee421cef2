/* SPDX-License-Identifier: MIT */
/* tests/fuzz/fuzz_intake.c: the host's intake of a consumed message
 * (host/intake.c): the header list, the key, the JSON envelope.
 *
 * Input: header lines "NAME=VALUE" (any bytes but '\n'; a line without '='
 * is a header with a NULL value) up to an empty line, then one line of key
 * bytes, then the payload (the rest; an input without it has no payload). */
#include <stdbool.h>
#include <stdlib.h>

#include "fuzz.h"
#include "intake.h"
#include "util.h"

/* Small enough that the fuzzer reaches the oversize refusal too. */
#define MAX_BYTES 2048

static bool canonical(const char *id)
{
	if (strlen(id) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? id[i] != '-' : !((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	rd_kafka_headers_t *hd = rd_kafka_headers_new(8);
	const void *region = NULL;
	size_t region_len = 0;
	bool has_region = false;
	for (;;) {
		size_t l;
		if (f.n == 0)
			break;
		const uint8_t *s = fz_line(&f, &l);
		if (l == 0)
			break;
		const uint8_t *eq = memchr(s, '=', l);
		if (eq == NULL) {
			rd_kafka_header_add(hd, (const char *)s, (ssize_t)l, NULL, 0);
			if (l == 6 && memcmp(s, "REGION", 6) == 0)
				has_region = false; /* the last REGION has no value */
			continue;
		}
		size_t nl = (size_t)(eq - s);
		rd_kafka_header_add(hd, (const char *)s, (ssize_t)nl, eq + 1, (ssize_t)(l - nl - 1));
		if (nl == 6 && memcmp(s, "REGION", 6) == 0) {
			has_region = true;
			region = eq + 1;
			region_len = l - nl - 1;
		}
	}
	size_t key_len;
	const uint8_t *key = fz_line(&f, &key_len);
	int64_t id = cu_key_decode(key, key_len);
	FZ_CHECK(key_len == 8 ? id >= 0 && id <= UINT32_MAX : id == -1);

	struct intake_headers ih;
	char reason[256];
	intake_read_headers(hd, &ih);
	FZ_CHECK(!ih.has_tenant || canonical(ih.tenant.id));
	FZ_CHECK(!ih.has_event_id || canonical(ih.event_id));
	FZ_CHECK(strlen(ih.tenant.region) < sizeof ih.tenant.region);
	if (intake_check_headers(hd, &ih, reason, sizeof reason)) {
		FZ_CHECK(ih.has_tenant && ih.region_ok);
		/* No NUL in REGION: what is stored is the whole header. */
		if (has_region)
			FZ_CHECK(strlen(ih.tenant.region) == region_len &&
			       memcmp(ih.tenant.region, region, region_len) == 0);
	} else {
		FZ_CHECK(reason[0] != '\0' && strlen(reason) < sizeof reason);
	}

	json_t *json;
	const char *type;
	reason[0] = '\0';
	bool ok = intake_envelope(f.n ? f.p : NULL, f.n, MAX_BYTES, &json, &type, reason,
	                          sizeof reason);
	if (ok)
		FZ_CHECK(json_is_object(json) && type != NULL && reason[0] == '\0');
	else
		FZ_CHECK(type == NULL && reason[0] != '\0' && (f.n <= MAX_BYTES || json == NULL));
	json_decref(json);
	rd_kafka_headers_destroy(hd);
	return 0;
}
