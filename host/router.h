/* SPDX-License-Identifier: MIT */
/* host/router.h: the HTTP route table as pure functions (no sockets, no MHD), so
 * the rules are unit-tested: path cleaning, {name} patterns, and the answer for a
 * (method, path) the way gorilla/mux gives it (docs/http.md). */
#ifndef COFFER_HOST_ROUTER_H
#define COFFER_HOST_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include <coffer/msg.h>

#define ROUTER_MAX_VARS 16
#define ROUTER_MAX_PATH 8192

struct router_route {
	char *method;
	char *pattern;
	void *ud;
	char *names[ROUTER_MAX_VARS]; /* of the {name} segments, in order */
	size_t nnames;
};

struct router {
	struct router_route *r;
	size_t n, cap;
};

enum router_answer {
	ROUTER_MATCH,     /* m->route and m->vars are set */
	ROUTER_METHOD,    /* a route has this path, none has this method: 405 */
	ROUTER_REDIRECT,  /* 301 to m->location (the query is the caller's to append) */
	ROUTER_NOT_FOUND, /* 404 */
};

struct router_var {
	const char *name;  /* the pattern's, borrowed from the router */
	char *value;       /* raw (still percent-encoded), in m->buf */
};

struct router_match {
	const struct router_route *route;
	struct router_var vars[ROUTER_MAX_VARS];
	size_t nvars;
	char location[ROUTER_MAX_PATH + 2];
	char buf[ROUTER_MAX_PATH + 1];
};

/* Whether @p pattern is "/" followed by segments, each a non-empty literal
 * (no '{', '}', '?', '#') or "{name}" with name [A-Za-z_][A-Za-z0-9_]*, no empty
 * segment, no trailing '/', at most ROUTER_MAX_VARS variables, no "." or "..". */
bool router_pattern_valid(const char *pattern);

/* 0, -EEXIST (same method and pattern, or the same path shape with other names),
 * -EINVAL (bad pattern or method). Strings are copied. */
int router_add(struct router *r, const char *method, const char *pattern, void *ud);
void router_free(struct router *r);

/* Go's path.Clean for a URL path, keeping one trailing '/' (gorilla/mux
 * cleanPath): "" -> "/", "a" -> "/a", "//a/./b/../c/" -> "/a/c/". Returns the
 * length written, or 0 when it does not fit in @p cap (with the NUL). */
size_t router_clean(const char *path, char *out, size_t cap);

/* Answer @p method on the raw path @p path (without the query). */
enum router_answer router_lookup(const struct router *r, const char *method, const char *path,
                                 struct router_match *m);

/* docs/rest.md#tenant-headers, for the four request headers (NULL = absent): TENANT_ID
 * any form cu_uuid_parse_lenient takes, REGION non-empty and shorter than
 * t->region, MAJOR_VERSION and MINOR_VERSION integers truncated to 16 bits.
 * 0 with @p t filled, or the 1-based index of the first bad header (400). */
int router_tenant_headers(const char *tenant_id, const char *region, const char *major,
                          const char *minor, struct coffer_tenant *t);

#endif
