/* SPDX-License-Identifier: MIT */
/* tests/fuzz/fuzz_ctl.c: cofferctl's parsers (ctl/ctlparse.c): --version
 * MAJOR.MINOR, the digit-only numbers of --key/--count/--timeout, --header and
 * --header-hex arguments, the key taken from a message's JSON, and the UTF-8
 * test of what watch prints as text.
 * Input: a version line, a number line, a header-argument line (a leading 'X'
 * makes it --header-hex), then a JSON message (the rest). */
#include <inttypes.h>
#include <stdlib.h>

#include "ctlparse.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	char line[256];

	/* Every input, as bytes, through the UTF-8 test (it must not read past the end). */
	(void)ctl_printable_utf8(data, size);

	uint8_t major[2], minor[2];
	if (ctl_parse_version(fz_cstr(&f, line, sizeof line), major, minor) == 0) {
		char back[32];
		uint8_t m2[2], n2[2];
		snprintf(back, sizeof back, "%u.%u", major[0] << 8 | major[1], minor[0] << 8 | minor[1]);
		FZ_CHECK(ctl_parse_version(back, m2, n2) == 0);
		FZ_CHECK(memcmp(m2, major, 2) == 0 && memcmp(n2, minor, 2) == 0);
	}

	uint64_t v;
	fz_cstr(&f, line, sizeof line);
	static const uint64_t maxes[] = {UINT16_MAX, INT32_MAX, UINT32_MAX, UINT64_MAX};
	for (size_t i = 0; i < sizeof maxes / sizeof maxes[0]; i++) {
		if (ctl_parse_u64(line, maxes[i], &v)) {
			char back[32];
			FZ_CHECK(v <= maxes[i] && line[0] >= '0' && line[0] <= '9');
			snprintf(back, sizeof back, "%" PRIu64, v);
			uint64_t v2;
			FZ_CHECK(ctl_parse_u64(back, maxes[i], &v2) && v2 == v);
		}
	}

	fz_cstr(&f, line, sizeof line);
	bool hex = line[0] == 'X';
	const char *arg = hex ? line + 1 : line;
	if (ctl_header_arg(arg, hex) == CTL_HEADER_OK) {
		const char *eq = strchr(arg, '=');
		FZ_CHECK(eq != NULL && eq != arg);
		if (hex) {
			unsigned char out[sizeof line / 2 + 1];
			size_t n = ctl_hex_decode(eq + 1, out);
			FZ_CHECK(n * 2 == strlen(eq + 1));
			for (size_t k = 0; k < n; k++) {
				char two[3];
				snprintf(two, sizeof two, "%02x", out[k]);
				FZ_CHECK(strncasecmp(two, eq + 1 + 2 * k, 2) == 0);
			}
		}
	}

	json_error_t err;
	json_t *msg = json_loadb((const char *)f.p, f.n, 0, &err);
	uint32_t id;
	if (msg != NULL) {
		(void)ctl_key_from_json(msg, &id);
		json_decref(msg);
	}
	return 0;
}
