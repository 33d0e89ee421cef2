/* SPDX-License-Identifier: MIT */
/* tests/plugins/compartment/test_compartment_routes.c: the inventory routes' handlers on the
 * fake host (fh_http): POST and DELETE inventory have character CREATED's / DELETED's effects
 * and events, a refused POST writes nothing, GET reads what is there and only the tenant's,
 * DELETE asset is a full DESTROY, invalid path and query values answer 400. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "compartment_fixture.h"

#define INV "/api/characters/{characterId}/inventory"
#define BY_ID INV "/compartments/{compartmentId}"
#define BY_TYPE INV "/compartments"
#define ASSETS BY_ID "/assets"
#define ASSET ASSETS "/{assetId}"

static int req(const char *method, const char *pattern, const char *const *vars,
               const char *const *query, const char *tenant, json_t **body)
{
	int status;
	fh_http(method, pattern, vars, query, tenant, &status, body);
	return status;
}

static int64_t compartments(const char *tenant, uint32_t c)
{
	return fh_scalar("SELECT COUNT(*) FROM compartments WHERE tenant_id = ? AND character_id = ?",
	                 COFFER_ARGS(COFFER_S(tenant), COFFER_U(c)), -1);
}

static void test_post_then_get_then_delete(void **state)
{
	(void)state;
	char cs[16];
	uint32_t c = cf_next_character();
	snprintf(cs, sizeof cs, "%u", c);
	const char *v[] = {"characterId", cs, NULL};
	json_t *body;
	assert_int_equal(req("POST", INV, v, NULL, FH_TENANT, &body), 200);
	assert_int_equal(json_array_size(json_object_get(body, "included")), 5);
	json_decref(body);
	assert_int_equal(compartments(FH_TENANT, c), 5);
	assert_int_equal(fh_count(), 6); /* compartment CREATED x5, inventory CREATED */
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(fh_event(i)->topic_var, CF_COMP);
	assert_string_equal(fh_event(5)->topic_var, CF_INV);
	assert_string_equal(fh_event(5)->tenant.id, FH_TENANT);
	fh_clear();

	/* RP-5: a second POST is a 500 that writes and emits nothing */
	assert_int_equal(req("POST", INV, v, NULL, FH_TENANT, &body), 500);
	assert_null(body);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(compartments(FH_TENANT, c), 5);

	/* the other tenant reads nothing of it */
	assert_int_equal(req("GET", INV, v, NULL, FH_TENANT2, &body), 200);
	assert_null(json_object_get(body, "included"));
	json_decref(body);

	struct cf_inv inv = {.tenant = FH_TENANT, .character = c};
	uint32_t a = 0;
	{
		/* the use compartment's id, for cf_put */
		json_t *doc;
		assert_int_equal(req("GET", INV, v, NULL, FH_TENANT, &doc), 200);
		json_t *inc = json_object_get(doc, "included");
		for (int t = 1; t <= 5; t++)
			snprintf(inv.comp[t], 37, "%s", json_string_value(json_object_get(json_array_get(inc, (size_t)t - 1), "id")));
		json_decref(doc);
		a = cf_put(&inv, 2, 3, 2000000, 7);
	}
	const char *vq[] = {"characterId", cs, NULL};
	const char *q[] = {"type", "2", NULL};
	assert_int_equal(req("GET", BY_TYPE, vq, q, FH_TENANT, &body), 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(body, "data"), "id")), inv.comp[2]);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(
	                 json_object_get(body, "included"), 0), "attributes"), "slot")), 3);
	json_decref(body);
	assert_int_equal(req("GET", BY_TYPE, vq, q, FH_TENANT2, &body), 404);

	fh_clear();
	char as[16];
	snprintf(as, sizeof as, "%u", a);
	const char *va[] = {"characterId", cs, "compartmentId", inv.comp[2], "assetId", as, NULL};
	assert_int_equal(req("DELETE", ASSET, va, NULL, FH_TENANT2, &body), 500); /* not T2's */
	assert_int_equal(cf_count_assets(&inv), 1);
	assert_int_equal(req("DELETE", ASSET, va, NULL, FH_TENANT, &body), 204);
	assert_null(body);
	assert_int_equal(fh_count(), 1);
	json_t *ev = fh_event(0)->value;
	assert_string_equal(json_string_value(json_object_get(ev, "type")), "DELETED");
	assert_int_equal(json_integer_value(json_object_get(ev, "assetId")), a);
	assert_int_equal(json_integer_value(json_object_get(ev, "slot")), 3);
	assert_int_equal(cf_count_assets(&inv), 0);
	fh_clear();

	assert_int_equal(req("DELETE", INV, v, NULL, FH_TENANT, &body), 200);
	assert_null(body);
	assert_int_equal(compartments(FH_TENANT, c), 0);
	assert_int_equal(fh_count(), 6); /* compartment DELETED x5, inventory DELETED */
}

static void test_bad_values_answer_400_and_change_nothing(void **state)
{
	(void)state;
	const char *bad[] = {"x", "", "1.0", "0x1", " 1", "1 ", "99999999999999999999", NULL};
	json_t *body;
	for (int i = 0; bad[i]; i++) {
		const char *v[] = {"characterId", bad[i], "compartmentId", CF_NIL, "assetId", "1", NULL};
		assert_int_equal(req("GET", INV, v, NULL, NULL, &body), 400);
		assert_int_equal(req("POST", INV, v, NULL, NULL, &body), 400);
		assert_int_equal(req("DELETE", INV, v, NULL, NULL, &body), 400);
		assert_int_equal(req("GET", BY_ID, v, NULL, NULL, &body), 400);
		assert_int_equal(req("GET", ASSETS, v, NULL, NULL, &body), 400);
		assert_int_equal(req("DELETE", ASSET, v, NULL, NULL, &body), 400);
		const char *w[] = {"characterId", "1", "compartmentId", bad[i], "assetId", "1", NULL};
		assert_int_equal(req("GET", BY_ID, w, NULL, NULL, &body), 400);
		assert_int_equal(req("DELETE", ASSET, w, NULL, NULL, &body), 400);
		const char *x[] = {"characterId", "1", "compartmentId", CF_NIL, "assetId", bad[i], NULL};
		assert_int_equal(req("DELETE", ASSET, x, NULL, NULL, &body), 400);
		const char *q[] = {"type", bad[i], NULL};
		assert_int_equal(req("GET", BY_TYPE, x, q, NULL, &body), 400);
	}
	const char *v[] = {"characterId", "1", NULL};
	assert_int_equal(req("GET", BY_TYPE, v, NULL, NULL, &body), 400); /* type missing */
	assert_int_equal(fh_count(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_post_then_get_then_delete, cf_reset),
		cmocka_unit_test_setup(test_bad_values_answer_400_and_change_nothing, cf_reset),
	};
	return cmocka_run_group_tests_name("test_compartment_routes", tests, cf_setup, cf_teardown);
}
