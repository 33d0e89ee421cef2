/* SPDX-License-Identifier: MIT */
/* tests/fuzz/fuzz_router.c: the HTTP front of the host (host/router.c): path
 * cleaning, route lookup over the plugins' route patterns, and the four tenant
 * headers of a request.
 * Input: a method line, a path line (raw, with percent escapes), then four
 * header lines TENANT_ID, REGION, MAJOR_VERSION, MINOR_VERSION (an "\x01" line
 * stands for an absent header). */
#include <stdlib.h>

#include "fuzz.h"
#include "router.h"
#include "util.h"

/* The shapes the plugins and the host register (docs/rest.md, docs/http.md). */
static const char *const routes[][2] = {
	{"GET", "/api/characters/{characterId}/inventory"},
	{"POST", "/api/characters/{characterId}/inventory"},
	{"DELETE", "/api/characters/{characterId}/inventory"},
	{"GET", "/api/characters/{characterId}/inventory/compartments/{compartmentId}"},
	{"GET", "/api/characters/{characterId}/inventory/compartments"},
	{"GET", "/api/characters/{characterId}/inventory/compartments/{compartmentId}/assets/{assetId}"},
	{"GET", "/api/characters/{characterId}/inventory/compartments/{compartmentId}/assets"},
	{"GET", "/api/drops/{id}"},
	{"GET", "/api/drops"},
	{"GET", "/api/worlds/{worldId}/channels/{channelId}/maps/{mapId}/drops"},
	{"GET", "/api/assets/{assetId}"},
	{"GET", "/metrics"},
	{"GET", "/healthz"},
	{"GET", "/readyz"},
};

static struct router r;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (router_add(&r, routes[i][0], routes[i][1], (void *)routes[i][1]) != 0)
			abort();
	return 0;
}

static const char *header(struct fz *f, char *buf, size_t cap)
{
	fz_cstr(f, buf, cap);
	return strcmp(buf, "\x01") == 0 ? NULL : buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	char method[16];
	fz_cstr(&f, method, sizeof method);
	size_t pl;
	const uint8_t *pp = fz_line(&f, &pl);
	char *path = malloc(pl + 1);
	if (path == NULL)
		return 0;
	memcpy(path, pp, pl);
	path[pl] = '\0';

	/* Cleaning is idempotent, and a clean path starts with '/'. */
	char clean[512], again[512];
	size_t n = router_clean(path, clean, sizeof clean);
	if (n > 0) {
		FZ_CHECK(n == strlen(clean) && clean[0] == '/');
		FZ_CHECK(router_clean(clean, again, sizeof again) == n && strcmp(clean, again) == 0);
		FZ_CHECK(strstr(clean, "//") == NULL && strstr(clean, "/./") == NULL &&
		         strstr(clean, "/../") == NULL);
	}

	struct router_match *m = malloc(sizeof *m);
	if (m != NULL) {
		enum router_answer a = router_lookup(&r, method, path, m);
		if (a == ROUTER_MATCH) {
			FZ_CHECK(m->route != NULL && m->nvars == m->route->nnames);
			for (size_t i = 0; i < m->nvars; i++)
				FZ_CHECK(m->vars[i].value != NULL && m->vars[i].value[0] != '\0' &&
				         strchr(m->vars[i].value, '/') == NULL);
		} else if (a == ROUTER_REDIRECT) {
			FZ_CHECK(m->location[0] == '/');
		}
		free(m);
	}

	char h[4][128];
	const char *v[4];
	for (int i = 0; i < 4; i++)
		v[i] = header(&f, h[i], sizeof h[i]);
	struct coffer_tenant t = {0};
	int bad = router_tenant_headers(v[0], v[1], v[2], v[3], &t);
	FZ_CHECK(bad >= 0 && bad <= 4);
	if (bad == 0) {
		FZ_CHECK(cu_uuid_parse(t.id, strlen(t.id), NULL));
		FZ_CHECK(t.region[0] != '\0' && strcmp(t.region, v[1]) == 0);
	}
	free(path);
	return 0;
}
