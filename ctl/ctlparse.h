/* SPDX-License-Identifier: MIT */
/* ctl/ctlparse.h: cofferctl's parsers of its own arguments and of what it reads
 * back from Kafka, as pure functions (the fuzzer and the unit tests call them). */
#ifndef COFFERCTL_PARSE_H
#define COFFERCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* Decimal digits only, at most @p max: strtoull alone would take "-1", " 7" and "0x10". */
bool ctl_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* "MAJOR.MINOR" (0-65535 each) as the two big-endian 2-byte header values; 0 or -1. */
int ctl_parse_version(const char *s, uint8_t major[2], uint8_t minor[2]);
/* The Go services' key choice for a message of unknown type: characterId, then
 * body.dropId (not 0), then mapId. false when none is a uint32. */
bool ctl_key_from_json(const json_t *msg, uint32_t *id);
/* Well-formed UTF-8 without control characters (what watch prints as text). */
bool ctl_printable_utf8(const uint8_t *s, size_t n);

enum ctl_header_arg {
	CTL_HEADER_OK = 0,
	CTL_HEADER_NO_NAME,  /* no '=' or nothing before it */
	CTL_HEADER_BAD_HEX,  /* --header-hex: not an even number of hex digits */
};
/* Check a --header / --header-hex (@p hex) argument NAME=VALUE. */
enum ctl_header_arg ctl_header_arg(const char *arg, bool hex);
/* Decode the hex digits of @p hex (checked by ctl_header_arg) into @p out
 * (strlen(hex) / 2 bytes). Returns the number of bytes. */
size_t ctl_hex_decode(const char *hex, unsigned char *out);

#endif
