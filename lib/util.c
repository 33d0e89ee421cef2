/* SPDX-License-Identifier: MIT */
/* lib/util.c: strict JSON field readers, RFC 3339 time, UUIDs and keys (see util.h). */
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <uuid/uuid.h>

/* ------------------------------------------------------------------ JSON */

void cu_fail(struct cu_dec *d, const char *fmt, ...)
{
	if (d->bad)
		return;
	d->bad = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->err, sizeof d->err, fmt, ap);
	va_end(ap);
}

static const json_t *field(struct cu_dec *d, const json_t *o, const char *name)
{
	if (d->bad || o == NULL || !json_is_object(o))
		return NULL;
	const json_t *v = json_object_get(o, name);
	return v == NULL || json_is_null(v) ? NULL : v;
}

int64_t cu_int_def(struct cu_dec *d, const json_t *o, const char *name, int64_t min,
                   int64_t max, int64_t def)
{
	const json_t *v = field(d, o, name);
	if (v == NULL)
		return d->bad ? 0 : def;
	if (!json_is_integer(v)) {
		cu_fail(d, "field %s: expected an integer", name);
		return 0;
	}
	json_int_t x = json_integer_value(v);
	if (x < min || x > max) {
		cu_fail(d, "field %s: %lld out of range %lld..%lld", name, (long long)x,
		        (long long)min, (long long)max);
		return 0;
	}
	return x;
}

int64_t cu_int(struct cu_dec *d, const json_t *o, const char *name, int64_t min, int64_t max)
{
	return cu_int_def(d, o, name, min, max, 0);
}

uint64_t cu_u64(struct cu_dec *d, const json_t *o, const char *name)
{
	return (uint64_t)cu_int(d, o, name, 0, INT64_MAX);
}

bool cu_bool(struct cu_dec *d, const json_t *o, const char *name)
{
	const json_t *v = field(d, o, name);
	if (v == NULL)
		return false;
	if (!json_is_boolean(v)) {
		cu_fail(d, "field %s: expected a boolean", name);
		return false;
	}
	return json_is_true(v);
}

const char *cu_str(struct cu_dec *d, const json_t *o, const char *name)
{
	const json_t *v = field(d, o, name);
	if (v == NULL)
		return "";
	if (!json_is_string(v)) {
		cu_fail(d, "field %s: expected a string", name);
		return "";
	}
	return json_string_value(v);
}

void cu_uuid(struct cu_dec *d, const json_t *o, const char *name, char out[37])
{
	strcpy(out, CU_NIL_UUID);
	const json_t *v = field(d, o, name);
	if (v == NULL)
		return;
	if (!json_is_string(v) ||
	    !cu_uuid_parse(json_string_value(v), json_string_length(v), out)) {
		strcpy(out, CU_NIL_UUID);
		cu_fail(d, "field %s: expected a canonical UUID string", name);
	}
}

int64_t cu_time(struct cu_dec *d, const json_t *o, const char *name)
{
	const json_t *v = field(d, o, name);
	if (v == NULL)
		return CU_ZERO_TIME_US;
	int64_t us;
	if (!json_is_string(v) ||
	    cu_time_parse(json_string_value(v), json_string_length(v), &us) != 0) {
		cu_fail(d, "field %s: expected an RFC 3339 timestamp", name);
		return CU_ZERO_TIME_US;
	}
	return us;
}

const json_t *cu_obj(struct cu_dec *d, const json_t *o, const char *name)
{
	const json_t *v = field(d, o, name);
	if (v != NULL && !json_is_object(v)) {
		cu_fail(d, "field %s: expected an object", name);
		return NULL;
	}
	return v;
}

const json_t *cu_arr(struct cu_dec *d, const json_t *o, const char *name)
{
	const json_t *v = field(d, o, name);
	if (v == NULL)
		return NULL;
	if (!json_is_array(v)) {
		cu_fail(d, "field %s: expected an array", name);
		return NULL;
	}
	return v;
}

/* ------------------------------------------------------------------ time */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static char *two(char *o, unsigned v)
{
	o[0] = (char)('0' + v / 10);
	o[1] = (char)('0' + v % 10);
	return o + 2;
}

char *cu_time_format(int64_t us, char out[CU_TIME_LEN])
{
	int64_t secs = floor_div(us, 1000000);
	int64_t frac = us - secs * 1000000;
	int64_t days = floor_div(secs, 86400);
	int64_t sod = secs - days * 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	char *o = out;
	if (y >= 0 && y <= 9999) { /* every real time: no printf on the hot path */
		o = two(o, (unsigned)(y / 100));
		o = two(o, (unsigned)(y % 100));
	} else {
		o += snprintf(o, CU_TIME_LEN, "%04lld", (long long)y);
	}
	*o++ = '-';
	o = two(o, m);
	*o++ = '-';
	o = two(o, d);
	*o++ = 'T';
	o = two(o, (unsigned)(sod / 3600));
	*o++ = ':';
	o = two(o, (unsigned)(sod / 60 % 60));
	*o++ = ':';
	o = two(o, (unsigned)(sod % 60));
	if (frac != 0) { /* the fraction without its trailing zeros */
		char f[6];
		for (int i = 5; i >= 0; i--, frac /= 10)
			f[i] = (char)('0' + frac % 10);
		int len = 6;
		while (len > 0 && f[len - 1] == '0')
			len--;
		*o++ = '.';
		memcpy(o, f, (size_t)len);
		o += len;
	}
	*o++ = 'Z';
	*o = '\0';
	return out;
}

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static bool fields_valid(int Y, int M, int D, int h, int mi, int sec)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || mi > 59 || sec > 60)
		return false;
	bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
	return !(M == 2 && D == 29 && !leap);
}

int cu_time_from_fields(unsigned Y, unsigned M, unsigned D, unsigned h, unsigned mi,
                        unsigned sec, int64_t *us)
{
	if (Y > 9999 || M > 99 || D > 99 || h > 99 || mi > 99 || sec > 99 ||
	    !fields_valid((int)Y, (int)M, (int)D, (int)h, (int)mi, (int)sec))
		return -1;
	if (sec == 60)
		sec = 59; /* as cu_time_parse */
	*us = (days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 + sec) * 1000000;
	return 0;
}

int cu_time_parse(const char *s, size_t n, int64_t *us)
{
	int Y, M, D, h, mi, sec;
	if (n < 20 || digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) || s[7] != '-' ||
	    digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	if (!fields_valid(Y, M, D, h, mi, sec))
		return -1;
	size_t i = 19;
	int64_t frac = 0;
	if (i < n && s[i] == '.') {
		i++;
		int nd = 0;
		while (i < n && isdigit((unsigned char)s[i])) {
			if (nd < 6)
				frac = frac * 10 + (s[i] - '0');
			nd++;
			i++;
		}
		if (nd == 0)
			return -1;
		for (; nd < 6; nd++)
			frac *= 10;
	}
	int64_t off = 0;
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
		int oh, om;
		if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
		i += 6;
	} else {
		return -1;
	}
	if (i != n)
		return -1;
	if (sec == 60)
		sec = 59; /* leap second: clamp, as MySQL cannot store it */
	int64_t t = days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 + mi * 60 + sec - off;
	int64_t v = t * 1000000 + frac;
	/* An offset can move a time out of years 1..9999 in UTC: it could not be stored
	 * (DATETIME) nor written back as RFC 3339 (cu_time_format). */
	if (v < CU_ZERO_TIME_US || v > CU_MAX_TIME_US)
		return -1;
	*us = v;
	return 0;
}

int64_t cu_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

json_t *cu_json_time(int64_t us)
{
	char buf[CU_TIME_LEN];
	return json_string(cu_time_format(us, buf));
}

/* ------------------------------------------------------------------ ids */

bool cu_uuid_parse(const char *s, size_t n, char out[37])
{
	if (s == NULL || n != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	if (out != NULL) {
		for (size_t i = 0; i < 36; i++)
			out[i] = (char)tolower((unsigned char)s[i]);
		out[36] = '\0';
	}
	return true;
}

void cu_uuid_new(char out[37])
{
	uuid_t u;
	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}

void cu_key_encode(uint32_t id, uint8_t out[8])
{
	out[0] = (uint8_t)id;
	out[1] = (uint8_t)(id >> 8);
	out[2] = (uint8_t)(id >> 16);
	out[3] = (uint8_t)(id >> 24);
	out[4] = out[5] = out[6] = out[7] = 0;
}

int64_t cu_key_decode(const void *key, size_t n)
{
	if (key == NULL || n != 8)
		return -1;
	const uint8_t *k = key;
	return (int64_t)((uint32_t)k[0] | (uint32_t)k[1] << 8 | (uint32_t)k[2] << 16 |
	                 (uint32_t)k[3] << 24);
}

uint16_t cu_be16(const void *p, size_t n)
{
	if (p == NULL || n != 2)
		return 0;
	const uint8_t *b = p;
	return (uint16_t)(b[0] << 8 | b[1]);
}

json_t *cu_json_time_or_zero(bool present, int64_t us)
{
	return cu_json_time(present ? us : CU_ZERO_TIME_US);
}

int cu_parse_int(const char *s, int64_t *out)
{
	if (s == NULL)
		return -1;
	bool neg = false;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (*s == '\0')
		return -1;
	uint64_t v = 0;
	const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		unsigned d = (unsigned)(*s - '0');
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int cu_parse_u8(const char *s, uint8_t *out)
{
	int64_t v;
	if (cu_parse_int(s, &v) != 0)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

int cu_parse_u16(const char *s, uint16_t *out)
{
	int64_t v;
	if (cu_parse_int(s, &v) != 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int cu_parse_u32(const char *s, uint32_t *out)
{
	int64_t v;
	if (cu_parse_int(s, &v) != 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

bool cu_uuid_parse_lenient(const char *s, char out[37])
{
	if (s == NULL)
		return false;
	size_t n = strlen(s);
	if (n == 36 + 9 && strncasecmp(s, "urn:uuid:", 9) == 0)
		return cu_uuid_parse(s + 9, 36, out);
	if (n == 38 && s[0] == '{' && s[37] == '}')
		return cu_uuid_parse(s + 1, 36, out);
	if (n == 36)
		return cu_uuid_parse(s, 36, out);
	if (n != 32)
		return false;
	for (size_t i = 0, j = 0; i < 32; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		if (j == 8 || j == 13 || j == 18 || j == 23)
			out[j++] = '-';
		out[j++] = (char)tolower((unsigned char)s[i]);
	}
	out[36] = '\0';
	return true;
}
