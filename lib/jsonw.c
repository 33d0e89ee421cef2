/* SPDX-License-Identifier: MIT */
/* lib/jsonw.c: the streaming JSON writer of jsonw.h. One growing buffer; strings are escaped
 * as jansson's dump does (\" \\ \b \f \n \r \t, other control characters \u00XX in upper-case
 * hex) and then as Go's encoder does (<, >, & in lower-case hex, U+2028/9), in one pass. */
#include "jsonw.h"

#include <stdlib.h>
#include <string.h>

#define JW_DEFAULT_HINT 4096

void jw_init(struct jw *w, size_t hint)
{
	*w = (struct jw){0};
	w->cap = hint ? hint : JW_DEFAULT_HINT;
	w->buf = malloc(w->cap);
	if (w->buf == NULL) {
		w->cap = 0;
		w->oom = true;
	}
}

void jw_free(struct jw *w)
{
	free(w->buf);
	*w = (struct jw){0};
}

char *jw_finish(struct jw *w, size_t *len)
{
	char *out = NULL;
	if (!w->oom && (w->len < w->cap || (w->buf = realloc(w->buf, w->cap = w->len + 1)))) {
		w->buf[w->len] = '\0';
		out = w->buf;
		*len = w->len;
		w->buf = NULL;
	}
	jw_free(w);
	return out;
}

/* Room for @p n more bytes (and the final NUL). */
static bool room(struct jw *w, size_t n)
{
	if (w->oom)
		return false;
	if (w->len + n < w->cap)
		return true;
	size_t cap = w->cap ? w->cap : JW_DEFAULT_HINT;
	while (w->len + n >= cap)
		cap *= 2;
	char *b = realloc(w->buf, cap);
	if (b == NULL) {
		w->oom = true;
		return false;
	}
	w->buf = b;
	w->cap = cap;
	return true;
}

static void put(struct jw *w, const char *s, size_t n)
{
	if (room(w, n)) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
	}
}

static void put1(struct jw *w, char c)
{
	if (room(w, 1))
		w->buf[w->len++] = c;
}

/* The ',' before a value or key that follows another at the same level. */
static void sep(struct jw *w)
{
	if (w->comma)
		put1(w, ',');
}

void jw_obj(struct jw *w)
{
	sep(w);
	put1(w, '{');
	w->comma = false;
}

void jw_obj_end(struct jw *w)
{
	put1(w, '}');
	w->comma = true;
}

void jw_arr(struct jw *w)
{
	sep(w);
	put1(w, '[');
	w->comma = false;
}

void jw_arr_end(struct jw *w)
{
	put1(w, ']');
	w->comma = true;
}

void jw_key(struct jw *w, const char *key)
{
	size_t n = strlen(key);
	sep(w);
	if (room(w, n + 3)) {
		char *p = w->buf + w->len;
		*p++ = '"';
		memcpy(p, key, n);
		p += n;
		*p++ = '"';
		*p++ = ':';
		w->len += n + 3;
	}
	w->comma = false;
}

/* @p v in decimal, optionally between quotes. */
static void put_int(struct jw *w, int64_t v, bool quoted)
{
	char tmp[24];
	size_t i = sizeof tmp;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (quoted)
		tmp[--i] = '"';
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	if (quoted)
		tmp[--i] = '"';
	sep(w);
	put(w, tmp + i, sizeof tmp - i);
	w->comma = true;
}

void jw_int(struct jw *w, int64_t v) { put_int(w, v, false); }

void jw_int_str(struct jw *w, int64_t v) { put_int(w, v, true); }

void jw_bool(struct jw *w, bool v)
{
	sep(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
	w->comma = true;
}

void jw_null(struct jw *w)
{
	sep(w);
	put(w, "null", 4);
	w->comma = true;
}

/* jansson's utf8_check_first / utf8_check_full: the length of the sequence at @p s, 0 when
 * it is not valid (a stray continuation byte, overlong, a surrogate, above U+10FFFF). */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char u = s[0];
	size_t n;
	uint32_t v;
	if (u < 0x80)
		return 1;
	if (u >= 0xC2 && u <= 0xDF) {
		n = 2;
		v = u & 0x1F;
	} else if (u >= 0xE0 && u <= 0xEF) {
		n = 3;
		v = u & 0x0F;
	} else if (u >= 0xF0 && u <= 0xF4) {
		n = 4;
		v = u & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF) /* also stops at the NUL */
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (n == 3 && v < 0x800) ||
	    (n == 4 && v < 0x10000))
		return 0;
	return n;
}

bool jw_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_seq(p);
		if (n == 0)
			return false;
		p += n;
	}
	return true;
}

/* A string already known to be valid UTF-8. */
static void put_str(struct jw *w, const char *s)
{
	static const char hex_up[] = "0123456789ABCDEF", hex_lo[] = "0123456789abcdef";
	size_t n = strlen(s);
	sep(w);
	/* Worst case 6 bytes out per byte in, plus the quotes. */
	if (!room(w, n * 6 + 2))
		return;
	char *o = w->buf + w->len;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' &&
		    c != 0xE2) {
			*o++ = (char)c;
			continue;
		}
		switch (c) {
		case '"': *o++ = '\\'; *o++ = '"'; break;
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\b': *o++ = '\\'; *o++ = 'b'; break;
		case '\f': *o++ = '\\'; *o++ = 'f'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		case '<':
		case '>':
		case '&':
			memcpy(o, "\\u00", 4);
			o[4] = hex_lo[c >> 4];
			o[5] = hex_lo[c & 15];
			o += 6;
			break;
		case 0xE2:
			/* valid UTF-8 (checked above), so s[i + 1] and s[i + 2] exist */
			if ((unsigned char)s[i + 1] == 0x80 &&
			    ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
				memcpy(o, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
				o += 6;
				i += 2;
			} else {
				*o++ = (char)c;
			}
			break;
		default: /* the other control characters */
			memcpy(o, "\\u00", 4);
			o[4] = hex_up[c >> 4];
			o[5] = hex_up[c & 15];
			o += 6;
			break;
		}
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
	w->comma = true;
}

bool jw_str(struct jw *w, const char *s)
{
	if (s == NULL || !jw_utf8_valid(s))
		return false;
	put_str(w, s);
	return true;
}

void jw_kint(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void jw_kbool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

void jw_knull(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_null(w);
}

void jw_kstr(struct jw *w, const char *key, const char *s)
{
	if (s == NULL || !jw_utf8_valid(s))
		return;
	jw_key(w, key);
	put_str(w, s);
}

void jw_kobj(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_obj(w);
}

void jw_karr(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_arr(w);
}
