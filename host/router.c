/* SPDX-License-Identifier: MIT */
/* host/router.c: see router.h. A table of (method, pattern) scanned in order;
 * a service has a dozen routes, so a scan is cheaper than anything clever. */
#include "router.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xalloc.h"

static bool var_name_valid(const char *s, size_t n)
{
	if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

bool router_pattern_valid(const char *p)
{
	if (p == NULL || p[0] != '/' || strlen(p) > ROUTER_MAX_PATH)
		return false;
	size_t vars = 0;
	const char *s = p + 1;
	for (;;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0)
			return false; /* empty segment or trailing '/' */
		if (s[0] == '{') {
			if (n < 3 || s[n - 1] != '}' || !var_name_valid(s + 1, n - 2))
				return false;
			if (++vars > ROUTER_MAX_VARS)
				return false;
		} else {
			if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
				return false;
			for (size_t i = 0; i < n; i++)
				if (s[i] == '{' || s[i] == '}' || s[i] == '?' || s[i] == '#' || s[i] == '%')
					return false;
		}
		if (e == NULL)
			return true;
		s = e + 1;
	}
}

/* Two patterns that match the same paths ("{a}" and "{b}" are alike). */
static bool same_shape(const char *a, const char *b)
{
	for (;;) {
		const char *ea = strchr(a, '/'), *eb = strchr(b, '/');
		size_t na = ea ? (size_t)(ea - a) : strlen(a), nb = eb ? (size_t)(eb - b) : strlen(b);
		bool va = na && a[0] == '{', vb = nb && b[0] == '{';
		if (va != vb || (!va && (na != nb || memcmp(a, b, na) != 0)))
			return false;
		if (!ea || !eb)
			return !ea && !eb;
		a = ea + 1;
		b = eb + 1;
	}
}

static bool method_valid(const char *m)
{
	if (m == NULL || *m == '\0')
		return false;
	for (; *m; m++)
		if (!(*m >= 'A' && *m <= 'Z'))
			return false;
	return true;
}

int router_add(struct router *r, const char *method, const char *pattern, void *ud)
{
	if (!method_valid(method) || !router_pattern_valid(pattern))
		return -EINVAL;
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->r[i].method, method) == 0 && same_shape(r->r[i].pattern, pattern))
			return -EEXIST;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		r->r = xreallocarray(r->r, cap, sizeof *r->r);
		r->cap = cap;
	}
	struct router_route *rt = &r->r[r->n++];
	*rt = (struct router_route){.method = xstrdup(method), .pattern = xstrdup(pattern), .ud = ud};
	for (const char *s = strchr(pattern, '{'); s; s = strchr(s + 1, '{'))
		rt->names[rt->nnames++] = xstrndup(s + 1, (size_t)(strchr(s, '}') - s - 1));
	return 0;
}

void router_free(struct router *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->r[i].method);
		free(r->r[i].pattern);
		for (size_t k = 0; k < r->r[i].nnames; k++)
			free(r->r[i].names[k]);
	}
	free(r->r);
	*r = (struct router){0};
}

size_t router_clean(const char *path, char *out, size_t cap)
{
	size_t n = strlen(path);
	if (cap < 2)
		return 0;
	size_t w = 0, dotdot = 1;
	out[w++] = '/';
	size_t r = 0;
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			}
		} else {
			if (w != 1) {
				if (w + 1 >= cap)
					return 0;
				out[w++] = '/';
			}
			for (; r < n && path[r] != '/'; r++) {
				if (w + 1 >= cap)
					return 0;
				out[w++] = path[r];
			}
		}
	}
	/* path.Clean drops a trailing '/'; mux puts it back. */
	if (n > 0 && path[n - 1] == '/' && w > 1) {
		if (w + 1 >= cap)
			return 0;
		out[w++] = '/';
	}
	out[w] = '\0';
	return w;
}

/* Match @p path (a copy in m->buf, split in place) against @p pattern. */
static bool match(const struct router_route *rt, const char *path, struct router_match *m)
{
	const char *pattern = rt->pattern;
	size_t len = strlen(path);
	if (len > ROUTER_MAX_PATH)
		return false;
	memcpy(m->buf, path, len + 1);
	m->nvars = 0;
	const char *p = pattern + 1;
	char *s = m->buf + 1;
	for (;;) {
		const char *pe = strchr(p, '/');
		char *se = strchr(s, '/');
		size_t pn = pe ? (size_t)(pe - p) : strlen(p);
		size_t sn = se ? (size_t)(se - s) : strlen(s);
		if (sn == 0)
			return false;
		if (p[0] == '{') {
			m->vars[m->nvars].name = rt->names[m->nvars];
			m->vars[m->nvars].value = s;
			m->nvars++;
		} else if (pn != sn || memcmp(p, s, pn) != 0) {
			return false;
		}
		if (!pe || !se)
			return !pe && !se;
		*se = '\0';
		p = pe + 1;
		s = se + 1;
	}
}

enum router_answer router_lookup(const struct router *r, const char *method, const char *path,
                                 struct router_match *m)
{
	m->route = NULL;
	m->nvars = 0;
	size_t cl = router_clean(path, m->location, sizeof m->location);
	if (cl == 0)
		return ROUTER_NOT_FOUND; /* longer than any route */
	if (strcmp(m->location, path) != 0)
		return ROUTER_REDIRECT;
	bool path_known = false;
	for (size_t i = 0; i < r->n; i++) {
		if (!match(&r->r[i], path, m))
			continue;
		path_known = true;
		if (strcmp(r->r[i].method, method) == 0) {
			m->route = &r->r[i];
			return ROUTER_MATCH;
		}
	}
	m->nvars = 0;
	if (path_known)
		return ROUTER_METHOD;
	size_t n = strlen(path);
	if (n > 1 && path[n - 1] == '/') {
		memcpy(m->location, path, n - 1);
		m->location[n - 1] = '\0';
		char tmp[ROUTER_MAX_PATH + 2];
		memcpy(tmp, m->location, n);
		for (size_t i = 0; i < r->n; i++) {
			if (match(&r->r[i], tmp, m)) {
				m->nvars = 0;
				return ROUTER_REDIRECT;
			}
		}
	}
	m->nvars = 0;
	return ROUTER_NOT_FOUND;
}

int router_tenant_headers(const char *tenant_id, const char *region, const char *major,
                          const char *minor, struct coffer_tenant *t)
{
	if (tenant_id == NULL || !cu_uuid_parse_lenient(tenant_id, t->id))
		return 1;
	if (region == NULL || *region == '\0' || strlen(region) >= sizeof t->region)
		return 2;
	snprintf(t->region, sizeof t->region, "%s", region);
	if (major == NULL || cu_parse_u16(major, &t->major) != 0)
		return 3;
	if (minor == NULL || cu_parse_u16(minor, &t->minor) != 0)
		return 4;
	return 0;
}
