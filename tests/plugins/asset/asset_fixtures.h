/* SPDX-License-Identifier: MIT */
/* tests/plugins/asset/asset_fixtures.h: rows and event checks shared by the asset plugin's
 * fake-host tests. Rows go in with fh_exec (compartments belong to character CREATED, which
 * is not asset's). Header-only: each test program includes it once. */
#ifndef ASSET_FIXTURES_H
#define ASSET_FIXTURES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"

#define NIL "00000000-0000-0000-0000-000000000000"
#define T1 "6c1e2f0a-3a51-4e39-9a43-2f4f6a1b9d01"
#define T2 "6c1e2f0a-3a51-4e39-9a43-2f4f6a1b9d02"
#define ZERO_TIME "0001-01-01T00:00:00Z"

/* A compartment id that tells its character and type apart. */
static inline void fx_cid(char out[37], uint32_t character, unsigned type)
{
	snprintf(out, 37, "c0000000-0000-4000-8000-%04x%08x", type, character);
}

/* Insert the compartment (character, type) of @p tenant (NULL = FH_TENANT); @p out its id. */
static inline void fx_compartment(const char *tenant, uint32_t character, unsigned type,
                                  unsigned capacity, char out[37])
{
	fx_cid(out, character, type);
	assert_int_equal(fh_exec("INSERT INTO compartments (tenant_id, id, character_id, "
	                         "inventory_type, capacity) VALUES (?, ?, ?, ?, ?)",
	                         COFFER_ARGS(COFFER_S(tenant ? tenant : FH_TENANT), COFFER_S(out),
	                                     COFFER_U(character), COFFER_U(type), COFFER_U(capacity))),
	                 0);
}

/* Insert an asset (reference_id = its id unless @p reference is non-zero); returns its id. */
static inline uint32_t fx_asset_ref(const char *cid, int slot, uint32_t template_id,
                                    const char *kind, uint32_t quantity, uint32_t reference)
{
	assert_int_equal(fh_exec("INSERT INTO assets (tenant_id, compartment_id, slot, template_id, "
	                         "kind, reference_id, quantity, created_at) VALUES (?, ?, ?, ?, ?, ?, "
	                         "?, '2025-01-01')",
	                         COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_S(cid), COFFER_I(slot),
	                                     COFFER_U(template_id), COFFER_S(kind), COFFER_U(reference),
	                                     COFFER_U(quantity))),
	                 0);
	int64_t id = fh_scalar("SELECT id FROM assets WHERE compartment_id = ? AND slot = ?",
	                       COFFER_ARGS(COFFER_S(cid), COFFER_I(slot)), 0);
	assert_true(id > 0);
	if (reference == 0)
		assert_int_equal(fh_exec("UPDATE assets SET reference_id = id WHERE id = ?",
		                         COFFER_ARGS(COFFER_I(id))),
		                 0);
	return (uint32_t)id;
}

static inline uint32_t fx_asset(const char *cid, int slot, uint32_t template_id, const char *kind,
                                uint32_t quantity)
{
	return fx_asset_ref(cid, slot, template_id, kind, quantity, 0);
}

/* Fill slots first..last with etc 4000001 x1 (blockers). */
static inline void fx_fill(const char *cid, int first, int last)
{
	for (int s = first; s <= last; s++)
		fx_asset(cid, s, 4000001, "etc", 1);
}

static inline int64_t fx_col(const char *col, uint32_t asset_id)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT %s FROM assets WHERE id = ?", col);
	return fh_scalar(sql, COFFER_ARGS(COFFER_U(asset_id)), -1);
}

static inline int64_t fx_count_assets(const char *cid)
{
	return fh_scalar("SELECT COUNT(*) FROM assets WHERE compartment_id = ?",
	                 COFFER_ARGS(COFFER_S(cid)), -1);
}

/* ---- JSON checks ---- */

static inline const json_t *fx_get(const json_t *o, const char *path)
{
	/* "body.referenceData.quantity" */
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	const json_t *cur = o;
	for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
		cur = json_object_get(cur, tok);
	return cur;
}

#define assert_json_int(o, path, want)                                                          \
	do {                                                                                         \
		const json_t *v_ = fx_get((o), (path));                                                  \
		if (!json_is_integer(v_))                                                                \
			fail_msg("%s is not an integer", (path));                                            \
		assert_int_equal(json_integer_value(v_), (want));                                        \
	} while (0)

#define assert_json_str(o, path, want)                                                          \
	do {                                                                                         \
		const json_t *v_ = fx_get((o), (path));                                                  \
		if (!json_is_string(v_))                                                                 \
			fail_msg("%s is not a string", (path));                                             \
		assert_string_equal(json_string_value(v_), (want));                                      \
	} while (0)

#define assert_json_bool(o, path, want)                                                         \
	do {                                                                                         \
		const json_t *v_ = fx_get((o), (path));                                                  \
		if (!json_is_boolean(v_))                                                                \
			fail_msg("%s is not a boolean", (path));                                             \
		assert_int_equal(json_is_true(v_), (want));                                              \
	} while (0)

/* The keys of object @p path, in order, joined by ','. */
static inline void assert_json_keys(const json_t *o, const char *path, const char *want)
{
	const json_t *obj = path ? fx_get(o, path) : o;
	if (!json_is_object(obj))
		fail_msg("%s is not an object", path ? path : "(root)");
	char got[1024] = "";
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)obj, k, v)
	{
		(void)v;
		if (got[0])
			strncat(got, ",", sizeof got - strlen(got) - 1);
		strncat(got, k, sizeof got - strlen(got) - 1);
	}
	assert_string_equal(got, want);
}

/* The compact JSON of an event, for whole-value comparisons. */
static inline void assert_event_json(const struct fh_event *e, const char *want)
{
	assert_non_null(e);
	char *s = json_dumps(e->value, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_non_null(s);
	if (strcmp(s, want) != 0) {
		fprintf(stderr, "got:  %s\nwant: %s\n", s, want);
		free(s);
		fail();
	}
	free(s);
}

#endif
