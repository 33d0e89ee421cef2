/* SPDX-License-Identifier: MIT */
/* ctl/ctlparse.c: see ctlparse.h. */
#include "ctlparse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool ctl_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*out = v;
	return true;
}

/* Anything else in a header is shown as hex, so a binary header can never
 * garble the output line. */
bool ctl_printable_utf8(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t c = s[i];
		size_t len;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			c &= 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			c &= 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			c &= 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF, C1 controls. */
		if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0xd800 && c <= 0xdfff) || (c >= 0x80 && c <= 0x9f))
			return false;
		i += len;
	}
	return true;
}

static bool json_u32(const json_t *v, bool zero_ok, uint32_t *id)
{
	json_int_t n;

	if (!json_is_integer(v))
		return false;
	n = json_integer_value(v);
	if (n < (zero_ok ? 0 : 1) || n > UINT32_MAX)
		return false;
	*id = (uint32_t)n;
	return true;
}

/* Inventory messages carry characterId, drop commands body.dropId, spawns only mapId. */
bool ctl_key_from_json(const json_t *msg, uint32_t *id)
{
	return json_u32(json_object_get(msg, "characterId"), true, id) ||
	       json_u32(json_object_get(json_object_get(msg, "body"), "dropId"), false, id) ||
	       json_u32(json_object_get(msg, "mapId"), true, id);
}

int ctl_parse_version(const char *s, uint8_t major[2], uint8_t minor[2])
{
	char buf[32];
	char *dot;
	uint64_t ma, mi;

	if (strlen(s) >= sizeof buf)
		return -1;
	strcpy(buf, s);
	dot = strchr(buf, '.');
	if (dot == NULL)
		return -1;
	*dot = '\0';
	if (!ctl_parse_u64(buf, UINT16_MAX, &ma) || !ctl_parse_u64(dot + 1, UINT16_MAX, &mi))
		return -1;
	major[0] = (uint8_t)(ma >> 8);
	major[1] = (uint8_t)ma;
	minor[0] = (uint8_t)(mi >> 8);
	minor[1] = (uint8_t)mi;
	return 0;
}


enum ctl_header_arg ctl_header_arg(const char *arg, bool hex)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || arg[0] == '=')
		return CTL_HEADER_NO_NAME;
	if (hex && (strlen(eq + 1) % 2 != 0 ||
	            strspn(eq + 1, "0123456789abcdefABCDEF") != strlen(eq + 1)))
		return CTL_HEADER_BAD_HEX;
	return CTL_HEADER_OK;
}

size_t ctl_hex_decode(const char *hex, unsigned char *out)
{
	size_t n = strlen(hex) / 2;

	for (size_t k = 0; k < n; k++) {
		char two[3] = {hex[2 * k], hex[2 * k + 1], '\0'};

		out[k] = (unsigned char)strtoul(two, NULL, 16);
	}
	return n;
}
