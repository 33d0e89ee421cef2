/* SPDX-License-Identifier: MIT */
/* lib/jsonw.h: a small streaming JSON writer (writing only: parsing is jansson's job) for
 * documents too large to build as a jansson tree on a hot path. Its output is byte for byte
 * what the host's json_t path gives for the same values: jansson's compact form
 * (json_dumps JSON_COMPACT, keys in the order written) followed by the host's Go-style
 * escaping (http_go_escape: <, >, & as \u003c \u003e \u0026, U+2028/9 as \u2028/9), done in
 * the same pass. docs/rest.md "Pre-serialised documents" says why and where it is used.
 *
 * Commas are placed by the writer; the caller only nests begin/end pairs correctly. Keys are
 * written as given: they must be plain ASCII needing no escape (the documents' own names).
 * A string value that is not valid UTF-8 cannot be represented by jansson either: the k*
 * helpers then leave the key out, as json_object_set_new(o, k, json_string(bad)) does. */
#ifndef COFFER_LIB_JSONW_H
#define COFFER_LIB_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jw {
	char *buf;
	size_t len, cap;
	bool comma; /* a value was completed at this level: the next key or value needs a ',' */
	bool oom;
};

/* An empty writer with @p hint bytes reserved (0: a default). */
void jw_init(struct jw *w, size_t hint);
/* The document, NUL-terminated (not counted in *len), for the caller to free(); NULL after
 * an allocation failure. The writer is left empty either way. */
char *jw_finish(struct jw *w, size_t *len);
void jw_free(struct jw *w);

void jw_obj(struct jw *w);     /* { */
void jw_obj_end(struct jw *w); /* } */
void jw_arr(struct jw *w);     /* [ */
void jw_arr_end(struct jw *w); /* ] */
void jw_key(struct jw *w, const char *key);
void jw_int(struct jw *w, int64_t v);
/* @p v in decimal as a JSON string ("42"): ids the callers read as strings. */
void jw_int_str(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* A string value; false (nothing written) when @p s is NULL or not valid UTF-8. */
bool jw_str(struct jw *w, const char *s);

/* key: value pairs. */
void jw_kint(struct jw *w, const char *key, int64_t v);
void jw_kbool(struct jw *w, const char *key, bool v);
void jw_knull(struct jw *w, const char *key);
void jw_kstr(struct jw *w, const char *key, const char *s); /* left out like jw_str */
void jw_kobj(struct jw *w, const char *key);                 /* key: { */
void jw_karr(struct jw *w, const char *key);                 /* key: [ */

/* Whether @p s (NUL-terminated) is valid UTF-8 as jansson's json_string() accepts it. */
bool jw_utf8_valid(const char *s);

#endif
