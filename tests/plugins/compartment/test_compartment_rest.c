/* SPDX-License-Identifier: MIT */
/* tests/plugins/compartment/test_compartment_rest.c: the inventory documents of the REST API
 * (docs/rest.md) from row structs: key names and order, JSON types, ordering, `included`,
 * cashId as a string, the zero time, and the flattened keys of today's callers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "asset_rules.h"
#include "compartment.h"
#include "compartment_rest.h"

/* compartment_rest.c's handlers call these; the documents under test do not. */
int compartment_inventory_create(const struct compartment *c, coffer_txn *txn, const char *tenant,
                                 uint32_t character_id, bool *existed)
{
	(void)c, (void)txn, (void)tenant, (void)character_id, (void)existed;
	return COFFER_EDB;
}
int compartment_inventory_delete(const struct compartment *c, coffer_txn *txn, const char *tenant,
                                 uint32_t character_id)
{
	(void)c, (void)txn, (void)tenant, (void)character_id;
	return COFFER_EDB;
}

static const struct crest_opts both = {asset_rules_kind_name, true};
static const struct crest_opts seed = {asset_rules_kind_name, false};
#define KN (&both)
#define C1 "9f2e0000-0000-4000-8000-000000000001"
#define C2 "a71d0000-0000-4000-8000-000000000002"
#define INV "3b0c0000-0000-4000-8000-000000000003"

static char *dump(const json_t *j) { return json_dumps(j, JSON_COMPACT); }

static void assert_dump(const json_t *j, const char *want)
{
	char *s = dump(j);
	assert_non_null(s);
	if (strcmp(s, want) != 0)
		fprintf(stderr, "got  %s\nwant %s\n", s, want);
	assert_string_equal(s, want);
	free(s);
}

/* The keys of @p o joined by ',' equal @p want. */
static void assert_keys(const json_t *o, const char *want)
{
	char buf[2048] = "";
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		if (buf[0])
			strcat(buf, ",");
		strcat(buf, k);
	}
	assert_string_equal(buf, want);
}

static struct coffer_asset equipable(void)
{
	struct coffer_asset a;
	asset_rules_blank(&a, 1040002, COFFER_KIND_EQUIPABLE);
	a.id = 17;
	strcpy(a.compartment_id, C1);
	a.slot = -5;
	a.reference_id = 380;
	a.stats.weapon_defense = 3;
	a.stats.slots = 7;
	a.created_at_us = 1740830400500000LL;
	return a;
}

static struct coffer_asset consumable(void)
{
	struct coffer_asset a;
	asset_rules_blank(&a, 2000000, COFFER_KIND_CONSUMABLE);
	a.id = 18;
	strcpy(a.compartment_id, C2);
	a.slot = 1;
	a.reference_id = 55;
	a.quantity = 5;
	return a;
}

#define EQUIP_REFDATA                                                                           \
	"{\"ownerId\":0,\"strength\":0,\"dexterity\":0,\"intelligence\":0,\"luck\":0,\"hp\":0,"      \
	"\"mp\":0,\"weaponAttack\":0,\"magicAttack\":0,\"weaponDefense\":3,\"magicDefense\":0,"      \
	"\"accuracy\":0,\"avoidability\":0,\"hands\":0,\"speed\":0,\"jump\":0,\"slots\":7,"          \
	"\"locked\":false,\"spikes\":false,\"karmaUsed\":false,\"cold\":false,\"canBeTraded\":false," \
	"\"levelType\":0,\"level\":0,\"experience\":0,\"hammersApplied\":0}"

static void test_reference_data_per_kind_matches_the_examples(void **state)
{
	(void)state;
	struct coffer_asset a = equipable();
	json_t *j = crest_reference_data(&a);
	assert_dump(j, EQUIP_REFDATA);
	json_decref(j);

	a = consumable();
	j = crest_reference_data(&a);
	assert_dump(j, "{\"ownerId\":0,\"quantity\":5,\"flag\":0,\"rechargeable\":0}");
	json_decref(j);

	asset_rules_blank(&a, 5110000, COFFER_KIND_CASH);
	a.cash_id = 123456789;
	a.purchased_by = 1;
	j = crest_reference_data(&a);
	assert_dump(j, "{\"ownerId\":0,\"cashId\":\"123456789\",\"quantity\":1,\"flag\":0,"
	               "\"purchasedBy\":1}");
	json_decref(j);

	asset_rules_blank(&a, 5000000, COFFER_KIND_PET);
	a.owner_id = 1;
	strcpy(a.pet_name, "Brown Kitty");
	a.pet_level = 1;
	a.pet_fullness = 100;
	j = crest_reference_data(&a);
	assert_dump(j, "{\"ownerId\":1,\"cashId\":\"0\",\"flag\":0,\"purchasedBy\":0,"
	               "\"name\":\"Brown Kitty\",\"level\":1,\"closeness\":0,\"fullness\":100,"
	               "\"slot\":-1}");
	json_decref(j);

	/* cash-equipable: cashId first, then the equipable keys from the row (RP-3); a cash id
	 * above 2^53 stays exact because it is a string. */
	asset_rules_blank(&a, 1702000, COFFER_KIND_CASH_EQUIPABLE);
	a.cash_id = 4611686018427387905LL;
	a.stats.slots = 7;
	a.stats.weapon_defense = 3;
	j = crest_reference_data(&a);
	char *s = dump(j);
	char want[1024];
	snprintf(want, sizeof want, "{\"cashId\":\"4611686018427387905\",%s", EQUIP_REFDATA + 1);
	assert_string_equal(s, want);
	free(s);
	json_decref(j);

	asset_rules_blank(&a, 4000000, COFFER_KIND_ETC);
	a.quantity = 3;
	j = crest_reference_data(&a);
	assert_dump(j, "{\"ownerId\":0,\"quantity\":3,\"flag\":0}");
	json_decref(j);
}

static void test_asset_has_seed_keys_then_flattened_keys(void **state)
{
	(void)state;
	struct coffer_asset a = equipable();
	json_t *r = crest_asset(&a, KN);
	assert_keys(r, "type,id,attributes");
	assert_string_equal(json_string_value(json_object_get(r, "type")), "assets");
	assert_string_equal(json_string_value(json_object_get(r, "id")), "17");
	json_t *at = json_object_get(r, "attributes");
	assert_keys(at, "slot,templateId,expiration,referenceId,referenceType,referenceData,"
	                "createdAt,quantity,ownerId,owner,flag,rechargeable,strength,dexterity,"
	                "intelligence,luck,hp,mp,weaponAttack,magicAttack,weaponDefense,magicDefense,"
	                "accuracy,avoidability,hands,speed,jump,slots,levelType,level,experience,"
	                "hammersApplied,equippedSince,cashId,commodityId,purchaseBy,petId");
	assert_int_equal(json_integer_value(json_object_get(at, "slot")), -5);
	assert_string_equal(json_string_value(json_object_get(at, "expiration")),
	                    "0001-01-01T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(at, "createdAt")),
	                    "2025-03-01T12:00:00.5Z");
	assert_string_equal(json_string_value(json_object_get(at, "referenceType")), "equipable");
	assert_true(json_is_string(json_object_get(at, "cashId")));
	assert_true(json_is_null(json_object_get(at, "equippedSince")));
	assert_int_equal(json_integer_value(json_object_get(at, "quantity")), 1);
	assert_int_equal(json_integer_value(json_object_get(at, "weaponDefense")), 3);
	assert_int_equal(json_integer_value(json_object_get(at, "slots")), 7);
	json_decref(r);

	/* A pet's flattened petId is its reference id; a set expiration is RFC 3339 UTC. */
	asset_rules_blank(&a, 5000000, COFFER_KIND_PET);
	a.id = 4000000000u;
	a.reference_id = 99;
	a.expiration_us = 1768472553000000LL; /* 2026-01-15T10:22:33Z */
	r = crest_asset(&a, KN);
	at = json_object_get(r, "attributes");
	assert_string_equal(json_string_value(json_object_get(r, "id")), "4000000000");
	assert_int_equal(json_integer_value(json_object_get(at, "petId")), 99);
	assert_string_equal(json_string_value(json_object_get(at, "expiration")),
	                    "2026-01-15T10:22:33Z");
	json_decref(r);

	/* compartment.rest_flattened off: the classic keys only */
	r = crest_asset(&a, &seed);
	assert_keys(json_object_get(r, "attributes"),
	            "slot,templateId,expiration,referenceId,referenceType,referenceData");
	json_decref(r);
}

static void test_inventory_document_matches_the_example(void **state)
{
	(void)state;
	struct coffer_compartment comps[2] = {{C1, 1, 1, 24}, {C2, 1, 2, 24}};
	struct coffer_asset a17 = equipable(), a18 = consumable();
	struct coffer_asset_list lists[2] = {{&a17, 1}, {&a18, 1}};
	json_t *doc = crest_inventory_doc(INV, 1, comps, lists, 2, KN);
	assert_keys(doc, "data,included");
	json_t *data = json_object_get(doc, "data");
	/* The classic keys of the example, byte for byte (the flattened keys are checked above). */
	assert_dump(data,
	            "{\"type\":\"inventories\",\"id\":\"" INV "\",\"attributes\":{\"characterId\":1},"
	            "\"relationships\":{\"compartments\":{\"links\":{\"related\":\"/api/inventories/" INV
	            "/compartments\",\"self\":\"/api/inventories/" INV "/relationships/compartments\"},"
	            "\"data\":[{\"type\":\"compartments\",\"id\":\"" C1 "\"},{\"type\":\"compartments\","
	            "\"id\":\"" C2 "\"}]}}}");
	json_t *inc = json_object_get(doc, "included");
	assert_int_equal(json_array_size(inc), 4);
	assert_dump(json_array_get(inc, 0),
	            "{\"type\":\"compartments\",\"id\":\"" C1 "\",\"attributes\":{\"type\":1,"
	            "\"capacity\":24},\"relationships\":{\"assets\":{\"links\":{\"related\":"
	            "\"/api/compartments/" C1 "/assets\",\"self\":\"/api/compartments/" C1
	            "/relationships/assets\"},\"data\":[{\"type\":\"assets\",\"id\":\"17\"}]}}}");
	assert_string_equal(json_string_value(json_object_get(json_array_get(inc, 1), "id")), C2);
	/* compartments first, then the first compartment's assets, then the second's */
	assert_string_equal(json_string_value(json_object_get(json_array_get(inc, 2), "id")), "17");
	assert_string_equal(json_string_value(json_object_get(json_array_get(inc, 3), "id")), "18");
	json_t *ra = json_object_get(json_object_get(json_array_get(inc, 2), "attributes"),
	                             "referenceData");
	assert_dump(ra, EQUIP_REFDATA);
	json_decref(doc);
}

static void test_empty_inventory_has_no_included(void **state)
{
	(void)state;
	json_t *doc = crest_inventory_doc(INV, 4294967295u, NULL, NULL, 0, KN);
	assert_keys(doc, "data");
	json_t *rel = json_object_get(json_object_get(json_object_get(doc, "data"), "relationships"),
	                              "compartments");
	assert_true(json_is_array(json_object_get(rel, "data")));
	assert_int_equal(json_array_size(json_object_get(rel, "data")), 0);
	assert_int_equal(json_integer_value(json_object_get(
	                         json_object_get(json_object_get(doc, "data"), "attributes"),
	                         "characterId")),
	                 4294967295LL);
	json_decref(doc);

	/* Five fresh compartments (POST): every compartment included with "data":[]. */
	struct coffer_compartment comps[5];
	struct coffer_asset_list lists[5] = {{0}};
	for (int i = 0; i < 5; i++)
		comps[i] = (struct coffer_compartment){C1, 7, (uint8_t)(i + 1), 24};
	doc = crest_inventory_doc(INV, 7, comps, lists, 5, KN);
	json_t *inc = json_object_get(doc, "included");
	assert_int_equal(json_array_size(inc), 5);
	for (int i = 0; i < 5; i++) {
		json_t *c = json_array_get(inc, (size_t)i);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "attributes"),
		                                                    "type")),
		                 i + 1);
		json_t *d = json_object_get(json_object_get(json_object_get(c, "relationships"),
		                                            "assets"),
		                            "data");
		assert_true(json_is_array(d) && json_array_size(d) == 0);
	}
	json_decref(doc);
}

static void test_compartment_and_assets_documents(void **state)
{
	(void)state;
	struct coffer_compartment c = {C1, 1, 1, 24};
	struct coffer_asset v[2] = {equipable(), equipable()};
	v[1].id = 19;
	v[1].slot = 3;
	struct coffer_asset_list l = {v, 2};
	json_t *doc = crest_compartment_doc(&c, &l, KN);
	assert_keys(doc, "data,included");
	assert_keys(json_object_get(doc, "data"), "type,id,attributes,relationships");
	json_t *inc = json_object_get(doc, "included");
	assert_int_equal(json_array_size(inc), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(inc, 1), "id")), "19");
	json_decref(doc);

	struct coffer_asset_list none = {NULL, 0};
	doc = crest_compartment_doc(&c, &none, KN);
	assert_keys(doc, "data");
	json_decref(doc);

	doc = crest_assets_doc(&l, KN);
	assert_keys(doc, "data");
	assert_int_equal(json_array_size(json_object_get(doc, "data")), 2);
	assert_null(json_object_get(json_array_get(json_object_get(doc, "data"), 0),
	                            "relationships"));
	json_decref(doc);
	doc = crest_assets_doc(&none, KN);
	assert_dump(doc, "{\"data\":[]}");
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_data_per_kind_matches_the_examples),
		cmocka_unit_test(test_asset_has_seed_keys_then_flattened_keys),
		cmocka_unit_test(test_inventory_document_matches_the_example),
		cmocka_unit_test(test_empty_inventory_has_no_included),
		cmocka_unit_test(test_compartment_and_assets_documents),
	};
	return cmocka_run_group_tests_name("test_compartment_rest", tests, NULL, NULL);
}
