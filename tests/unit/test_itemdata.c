/* SPDX-License-Identifier: MIT */
/* tests/unit/test_itemdata.c: the mapping of the game-data service's documents onto
 * item_templates rows (lib/itemdata.c): the service's example documents, and answers that
 * must be refused (wrong type, wrong field types, out of range) without touching the row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "itemdata.h"

static json_t *doc(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	assert_non_null(j);
	return j;
}

static const char consumable[] =
	"{\"data\": {\"type\": \"consumables\", \"id\": \"2070000\", \"attributes\": {"
	"\"tradeBlock\": false, \"price\": 500, \"unitPrice\": 0.5, \"slotMax\": 800, \"reqLevel\": 0,"
	"\"spec\": {}, \"monsterSummons\": [], \"morphs\": {}, \"skills\": [], \"rewards\": [],"
	"\"left\": -3, \"rechargeable\": true}}}";

static const char statistics[] =
	"{\"data\": {\"type\": \"statistics\", \"id\": \"1302000\","
	"\"attributes\": {\"strength\": 0, \"dexterity\": 0, \"intelligence\": 0, \"luck\": 0, \"hp\": 0, "
	"\"mp\": 0, \"weaponAttack\": 17, \"magicAttack\": 0, \"weaponDefense\": 0, \"magicDefense\": 0, "
	"\"accuracy\": 0, \"avoidability\": 0, \"speed\": 0, \"jump\": 0, \"slots\": 7, \"cash\": false, "
	"\"price\": 1},"
	"\"relationships\": {\"slots\": {\"links\": {\"related\": \"/api/statistics/1302000/slots\"},"
	"\"data\": [{\"type\": \"slots\", \"id\": \"WEAPON\"}]}}},"
	"\"included\": [{\"type\": \"slots\", \"id\": \"WEAPON\", \"attributes\": {\"name\": \"WEAPON\", "
	"\"WZ\": \"Wp\", \"slot\": -11}}]}";

static void test_stackables(void **state)
{
	(void)state;
	struct itemdata_row r;
	char err[256];
	json_t *j = doc(consumable);
	assert_int_equal(itemdata_map_stackable(j, 2070000, &r, err, sizeof err), 0);
	assert_int_equal(r.template_id, 2070000);
	assert_int_equal(r.slot_max, 800);
	assert_true(r.rechargeable);
	assert_false(r.is_cash);
	assert_string_equal(r.equip_slots, "");
	for (int i = 0; i < ITEMDATA_NSTATS; i++)
		assert_int_equal(r.stats[i], 0); /* increase* attributes are not inc_* columns */
	json_decref(j);

	j = doc("{\"data\": {\"type\": \"setups\", \"id\": \"3010000\", \"attributes\": {"
	        "\"price\": 1, \"slotMax\": 1, \"recoveryHP\": 50}}}");
	assert_int_equal(itemdata_map_stackable(j, 3010000, &r, err, sizeof err), 0);
	assert_int_equal(r.slot_max, 1);
	json_decref(j);
	/* missing slotMax: the lenient decoder's 0 (the table's "not given") */
	j = doc("{\"data\": {\"type\": \"etcs\", \"id\": \"4000000\", \"attributes\": {}}}");
	assert_int_equal(itemdata_map_stackable(j, 4000000, &r, err, sizeof err), 0);
	assert_int_equal(r.slot_max, 0);
	json_decref(j);
}

static void test_equipment(void **state)
{
	(void)state;
	struct itemdata_row r = {0};
	char err[256];
	json_t *j = doc(statistics);
	assert_int_equal(itemdata_map_statistics(j, 1302000, &r, err, sizeof err), 0);
	assert_int_equal(r.stats[6], 17);  /* inc_pad */
	assert_int_equal(r.stats[15], 7);  /* upgrade_slots */
	assert_int_equal(r.stats[12], 0);  /* inc_hands: nothing supplies it */
	assert_false(r.is_cash);
	json_decref(j);
	j = doc("{\"data\": [{\"type\": \"slots\", \"id\": \"WEAPON\", \"attributes\": {\"name\": "
	        "\"WEAPON\", \"WZ\": \"Wp\", \"slot\": -11}}]}");
	assert_int_equal(itemdata_map_slots(j, &r, err, sizeof err), 0);
	assert_string_equal(r.equip_slot_code, "Wp");
	assert_string_equal(r.equip_slot_name, "WEAPON");
	assert_string_equal(r.equip_slots, "-11");
	json_decref(j);
}

static void test_ring_and_pet_equip(void **state)
{
	(void)state;
	struct itemdata_row r = {0};
	char err[256];
	/* after a restart the service lists -12 four times: positions come from the code */
	json_t *j = doc("{\"data\": ["
	                "{\"type\": \"slots\", \"id\": \"RING\", \"attributes\": {\"name\": \"RING\", \"WZ\": \"Ri\", \"slot\": -12}},"
	                "{\"type\": \"slots\", \"id\": \"RING\", \"attributes\": {\"name\": \"RING\", \"WZ\": \"Ri\", \"slot\": -12}}]}");
	assert_int_equal(itemdata_map_slots(j, &r, err, sizeof err), 0);
	assert_string_equal(r.equip_slots, "-12,-13,-15,-16");
	json_decref(j);
	j = doc("{\"data\": [{\"type\": \"slots\", \"id\": \"PET_EQUIP\", \"attributes\": {\"name\": "
	        "\"PET_EQUIP\", \"WZ\": \"\", \"slot\": 0}}]}");
	assert_int_equal(itemdata_map_slots(j, &r, err, sizeof err), 0);
	assert_string_equal(r.equip_slot_name, "PET_EQUIP");
	assert_string_equal(r.equip_slots, ""); /* NULL: position 0 is not a position */
	json_decref(j);
}

/* Each bad document is refused, with a reason, and the row keeps what it had. */
static void refused(int (*fn)(const char *, struct itemdata_row *, char *), const char *text,
                    const char *reason)
{
	struct itemdata_row r;
	memset(&r, 0x5a, sizeof r);
	struct itemdata_row before = r;
	char err[256] = "";
	assert_int_equal(fn(text, &r, err), -1);
	assert_non_null(strstr(err, reason));
	assert_memory_equal(&r, &before, sizeof r);
}

static int stack(const char *t, struct itemdata_row *r, char *err)
{
	json_error_t e;
	json_t *j = json_loads(t, JSON_DECODE_ANY, &e);
	int rc = itemdata_map_stackable(j, 2000000, r, err, 256);
	json_decref(j);
	return rc;
}

static int stats(const char *t, struct itemdata_row *r, char *err)
{
	json_error_t e;
	json_t *j = json_loads(t, JSON_DECODE_ANY, &e);
	int rc = itemdata_map_statistics(j, 1302000, r, err, 256);
	json_decref(j);
	return rc;
}

static int slots(const char *t, struct itemdata_row *r, char *err)
{
	json_error_t e;
	json_t *j = json_loads(t, JSON_DECODE_ANY, &e);
	int rc = itemdata_map_slots(j, r, err, 256);
	json_decref(j);
	return rc;
}

static void test_refused(void **state)
{
	(void)state;
	refused(stack, "[1]", "not a JSON object");
	refused(stack, "{}", "\"data\" is missing");
	refused(stack, "{\"data\": []}", "not a resource object");
	refused(stack, "{\"data\": {\"type\": \"etcs\", \"id\": \"2000000\", \"attributes\": {}}}",
	        "resource type is \"etcs\", not \"consumables\"");
	refused(stack, "{\"data\": {\"type\": \"consumables\", \"id\": \"2000001\", \"attributes\": {}}}",
	        "resource id is not \"2000000\"");
	refused(stack, "{\"data\": {\"type\": \"consumables\", \"id\": 2000000, \"attributes\": {}}}",
	        "resource id");
	refused(stack, "{\"data\": {\"type\": \"consumables\", \"id\": \"2000000\"}}", "attributes");
	refused(stack, "{\"data\": {\"type\": \"consumables\", \"id\": \"2000000\", \"attributes\": {\"slotMax\": \"100\"}}}",
	        "slotMax is not an integer");
	refused(stack, "{\"data\": {\"type\": \"consumables\", \"id\": \"2000000\", \"attributes\": {\"slotMax\": 1.5}}}",
	        "slotMax is not an integer");
	refused(stack, "{\"data\": {\"type\": \"consumables\", \"id\": \"2000000\", \"attributes\": {\"slotMax\": -1}}}",
	        "out of range");
	refused(stack, "{\"data\": {\"type\": \"consumables\", \"id\": \"2000000\", \"attributes\": {\"slotMax\": 4294967296}}}",
	        "out of range");
	refused(stack, "{\"data\": {\"type\": \"consumables\", \"id\": \"2000000\", \"attributes\": {\"rechargeable\": 1}}}",
	        "rechargeable is not a boolean");
	refused(stats, "{\"data\": {\"type\": \"statistics\", \"id\": \"1302000\", \"attributes\": {\"weaponAttack\": 65536}}}",
	        "weaponAttack = 65536 is out of range 0..65535");
	refused(stats, "{\"data\": {\"type\": \"statistics\", \"id\": \"1302000\", \"attributes\": {\"cash\": \"no\"}}}",
	        "cash is not a boolean");
	refused(stats, "{\"data\": {\"type\": \"statistics\", \"id\": \"1302000\", \"attributes\": {\"slots\": -1}}}",
	        "slots = -1 is out of range");
	refused(stats, "{\"data\": {\"type\": \"pets\", \"id\": \"1302000\", \"attributes\": {}}}",
	        "not \"statistics\"");
	refused(slots, "{\"data\": []}", "empty");
	refused(slots, "{\"data\": {}}", "not a list");
	refused(slots, "{\"data\": [{\"type\": \"slot\", \"id\": \"HAT\", \"attributes\": {}}]}", "not \"slots\"");
	refused(slots, "{\"data\": [{\"type\": \"slots\", \"id\": \"HAT\", \"attributes\": {\"name\": \"HAT\", \"WZ\": \"Cp\", \"slot\": 40000}}]}",
	        "slot = 40000 is out of range");
	refused(slots, "{\"data\": [{\"type\": \"slots\", \"id\": \"HAT\", \"attributes\": {\"name\": \"HAT\", \"WZ\": \"CpCpCpCpCp\", \"slot\": -1}}]}",
	        "WZ is longer than 8 bytes");
	refused(slots, "{\"data\": [{\"type\": \"slots\", \"id\": \"HAT\", \"attributes\": {\"name\": \"HAT\", \"WZ\": \"Cp\", \"slot\": -1}},"
	               "{\"type\": \"slots\", \"id\": \"X\", \"attributes\": {\"name\": \"TOP\", \"WZ\": \"Ma\", \"slot\": -5}}]}",
	        "differ");
	refused(slots, "{\"data\": [{\"type\": \"slots\", \"id\": \"HAT\", \"attributes\": {\"name\": 3}}]}",
	        "name is not a string");
}

static void test_importer_rows(void **state)
{
	(void)state;
	struct itemdata_row r;
	char err[256];
	json_t *j = doc("{\"template_id\": 1112000, \"equip_slot_code\": \"Ri\", \"equip_slot_name\": "
	                "\"RING\", \"equip_slots\": \"-12,-13,-15,-16\", \"inc_luk\": 1, \"is_cash\": 0, "
	                "\"name\": null}");
	assert_int_equal(itemdata_row_from_json(j, &r, err, sizeof err), 0);
	assert_int_equal(r.stats[3], 1);
	json_t *back = itemdata_row_to_json(&r);
	assert_true(json_is_null(json_object_get(back, "name")));
	assert_string_equal(json_string_value(json_object_get(back, "equip_slots")), "-12,-13,-15,-16");
	struct itemdata_row r2;
	assert_int_equal(itemdata_row_from_json(back, &r2, err, sizeof err), 0);
	assert_memory_equal(&r, &r2, sizeof r);
	json_decref(back);
	json_decref(j);
	const char *bad[] = {
		"{\"slot_max\": 1}", "{\"template_id\": 6000000}", "{\"template_id\": 2000000, \"colour\": 1}",
		"{\"template_id\": 2000000, \"slot_max\": -1}", "{\"template_id\": 1000000, \"equip_slots\": \"-1,x\"}",
		"{\"template_id\": 1000000, \"equip_slots\": \"5\"}", "{\"template_id\": 1000000, \"is_cash\": 2}",
		"{\"template_id\": 1000000, \"equip_slot_name\": \"A_NAME_LONGER_THAN_16\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		j = doc(bad[i]);
		assert_int_equal(itemdata_row_from_json(j, &r, err, sizeof err), -1);
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stackables),
		cmocka_unit_test(test_equipment),
		cmocka_unit_test(test_ring_and_pet_equip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_importer_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
