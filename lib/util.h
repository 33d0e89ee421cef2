/* SPDX-License-Identifier: MIT */
/* lib/util.h: small pure helpers shared by the host, the plugins and cofferctl
 * (linked statically as libcoffer_util; never installed). Strict JSON field
 * readers with the decoding rules of docs/kafka-contract.md#json-as-read, RFC 3339
 * time, canonical UUIDs, the 8-byte message keys. */
#ifndef COFFER_UTIL_H
#define COFFER_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* "0001-01-01T00:00:00Z", the zero time of the Go services, in Unix microseconds. */
#define CU_ZERO_TIME_US (-62135596800000000LL)
/* "9999-12-31T23:59:59.999999Z", the last instant cu_time_parse accepts. */
#define CU_MAX_TIME_US 253402300799999999LL
#define CU_NIL_UUID "00000000-0000-0000-0000-000000000000"
/* Longest RFC 3339 text cu_time_format writes, with the NUL. */
#define CU_TIME_LEN 32

/* ---- strict JSON decoding ---- */

/* A decoder keeps the first error; every reader returns a zero value after it. */
struct cu_dec {
	bool bad;
	char err[192];
};

/* Missing or null fields give the zero value (0, false, "", nil UUID, zero time);
 * a wrong JSON type, a fraction/exponent, a value out of range, a non-canonical
 * UUID, a bad timestamp mark the decoder bad with a message naming the field. */
int64_t cu_int(struct cu_dec *d, const json_t *o, const char *name, int64_t min, int64_t max);
static inline uint8_t cu_u8(struct cu_dec *d, const json_t *o, const char *n)
{
	return (uint8_t)cu_int(d, o, n, 0, UINT8_MAX);
}
static inline int8_t cu_i8(struct cu_dec *d, const json_t *o, const char *n)
{
	return (int8_t)cu_int(d, o, n, INT8_MIN, INT8_MAX);
}
static inline uint16_t cu_u16(struct cu_dec *d, const json_t *o, const char *n)
{
	return (uint16_t)cu_int(d, o, n, 0, UINT16_MAX);
}
static inline int16_t cu_i16(struct cu_dec *d, const json_t *o, const char *n)
{
	return (int16_t)cu_int(d, o, n, INT16_MIN, INT16_MAX);
}
static inline uint32_t cu_u32(struct cu_dec *d, const json_t *o, const char *n)
{
	return (uint32_t)cu_int(d, o, n, 0, UINT32_MAX);
}
/* uint64: jansson holds at most INT64_MAX; larger numbers fail to parse at all. */
uint64_t cu_u64(struct cu_dec *d, const json_t *o, const char *name);
/* Like cu_int but a missing/null field gives @p def (e.g. petSlot -1). */
int64_t cu_int_def(struct cu_dec *d, const json_t *o, const char *name, int64_t min,
                   int64_t max, int64_t def);
bool cu_bool(struct cu_dec *d, const json_t *o, const char *name);
/* Borrowed from @p o; "" when missing. */
const char *cu_str(struct cu_dec *d, const json_t *o, const char *name);
/* Canonical lowercase UUID into @p out; nil UUID when missing; "" or junk is bad. */
void cu_uuid(struct cu_dec *d, const json_t *o, const char *name, char out[37]);
/* RFC 3339 with any offset, as UTC microseconds; zero time when missing. */
int64_t cu_time(struct cu_dec *d, const json_t *o, const char *name);
/* An object field; NULL when missing/null (readers treat NULL as all fields
 * missing); bad if not an object. */
const json_t *cu_obj(struct cu_dec *d, const json_t *o, const char *name);
/* An array field; NULL when missing/null; bad if not an array. */
const json_t *cu_arr(struct cu_dec *d, const json_t *o, const char *name);
/* Mark @p d bad with a formatted message (first error wins). */
void cu_fail(struct cu_dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- time ---- */

/* Write @p us (Unix microseconds, UTC) as RFC 3339 with Z, fraction only when
 * non-zero and without trailing zeros. Returns @p out. */
char *cu_time_format(int64_t us, char out[CU_TIME_LEN]);
/* Parse RFC 3339 (any offset, up to 9 fractional digits, truncated to micro-
 * seconds), within CU_ZERO_TIME_US..CU_MAX_TIME_US once in UTC (years 1..9999:
 * what DATETIME stores and cu_time_format writes back). Returns 0 and sets *us,
 * or -1. */
int cu_time_parse(const char *s, size_t n, int64_t *us);
/* The same for a UTC date and time given as numbers (Y 0..9999), without the text:
 * cu_time_parse of "YYYY-MM-DDTHH:MM:SSZ" made from them. */
int cu_time_from_fields(unsigned Y, unsigned M, unsigned D, unsigned h, unsigned mi,
                        unsigned sec, int64_t *us);
/* Wall clock, UTC microseconds. */
int64_t cu_now_us(void);
/* A JSON string of cu_time_format(us). */
json_t *cu_json_time(int64_t us);
/* The REST documents' timestamp: cu_json_time(@p us) when @p present, else Go's
 * zero time "0001-01-01T00:00:00Z" (a NULL column, no time). */
json_t *cu_json_time_or_zero(bool present, int64_t us);

/* ---- ids and keys ---- */

/* Whether @p s (length @p n) is a canonical 8-4-4-4-12 UUID (hex of any case);
 * if so and @p out is not NULL, writes it lowercase with a NUL. */
bool cu_uuid_parse(const char *s, size_t n, char out[37]);
/* A random v4 UUID, lowercase. */
void cu_uuid_new(char out[37]);
/* The Go services' 8-byte key: @p id little-endian, then four zero bytes. */
void cu_key_encode(uint32_t id, uint8_t out[8]);
/* The id of an 8-byte key; -1 if the key is not 8 bytes. */
int64_t cu_key_decode(const void *key, size_t n);

/* ---- REST path, query and header values (HTTP routes) ---- */

/* The integer rule of the Go services' path and query values: optional '+' or
 * '-', then one or more decimal digits and nothing else, within int64. 0 and
 * *out set, or -1 (answer 400). Truncate to the target width with a cast:
 * (uint32_t)v, (uint8_t)v ("-1" -> 4294967295 as u32, "256" -> 0 as u8). */
int cu_parse_int(const char *s, int64_t *out);
/* cu_parse_int, truncated (two's complement) to 8, 16 or 32 bits. */
int cu_parse_u8(const char *s, uint8_t *out);
int cu_parse_u16(const char *s, uint16_t *out);
int cu_parse_u32(const char *s, uint32_t *out);
/* A UUID in any of the forms Go's uuid.Parse accepts, any letter case: canonical
 * 8-4-4-4-12, 32 hex digits, {canonical}, urn:uuid:canonical. Writes the
 * canonical lowercase form to @p out; false otherwise (answer 400). */
bool cu_uuid_parse_lenient(const char *s, char out[37]);

/* ---- small helpers ---- */

/* Big-endian 2-byte header value; 0 unless exactly 2 bytes (how the Go services read it). */
uint16_t cu_be16(const void *p, size_t n);

#endif
