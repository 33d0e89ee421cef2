/* SPDX-License-Identifier: MIT */
/* tests/plugins/asset/test_asset_commands.c: the asset plugin's handlers on the fake host:
 * CREATE_ASSET, DESTROY, RECHARGE, ACCEPT, RELEASE (COMMAND_TOPIC_COMPARTMENT), equipable
 * UPDATED, and the FEATURE_DISABLED refusal. Each test starts from empty tables. */
#include "asset_fixtures.h"

#define CMD "COMMAND_TOPIC_COMPARTMENT"
#define ASSET_TOPIC "EVENT_TOPIC_ASSET_STATUS"
#define COMP_TOPIC "EVENT_TOPIC_COMPARTMENT_STATUS"
#define CHAR 1001u

static char buf[2048];

/* A compartment command with envelope T1, character 1001. */
static int send_cmd(unsigned type, const char *cmd_type, const char *body)
{
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":%u,\"inventoryType\":%u,"
	         "\"type\":\"%s\",\"body\":%s}",
	         CHAR, type, cmd_type, body);
	return fh_send(CMD, buf, NULL);
}

static int group_setup(void **state)
{
	(void)state;
	return fh_setup((const char *[]){"asset", NULL});
}

static int group_teardown(void **state)
{
	(void)state;
	fh_teardown();
	return 0;
}

static void template_row(uint32_t id, unsigned slot_max, const char *name)
{
	assert_int_equal(fh_exec("INSERT INTO item_templates (tenant_id, template_id, slot_max, name) "
	                         "VALUES (?, ?, ?, ?)",
	                         COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(id), COFFER_U(slot_max),
	                                     COFFER_S(name))),
	                 0);
}

static int setup_clean(void **state)
{
	(void)state;
	fh_clear();
	fh_set_enabled("asset", FH_TENANT, true);
	fh_set_enabled("asset", FH_TENANT2, true);
	if (fh_exec("DELETE FROM assets", NULL, 0) || fh_exec("DELETE FROM compartments", NULL, 0) ||
	    fh_exec("DELETE FROM item_templates", NULL, 0) || fh_exec("DELETE FROM cash_items", NULL, 0))
		return -1;
	template_row(2000000, 100, "Red Potion");
	template_row(4000000, 200, "Snail Shell");
	template_row(5000000, 0, "Brown Kitty");
	/* A sword with base stats and scroll slots (kafka-contract.md#item-templates). */
	return fh_exec("INSERT INTO item_templates (tenant_id, template_id, equip_slot_code, "
	               "equip_slot_name, equip_slots, inc_str, inc_pad, inc_speed, upgrade_slots, name) "
	               "VALUES (?, 1302000, 'Wp', 'WEAPON', '-11', 1, 17, 3, 7, 'Sword')",
	               COFFER_ARGS(COFFER_S(FH_TENANT)));
}

/* ================================================================== CREATE_ASSET */

static void test_create_asset_places_consumable_in_next_free_slot(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	fx_fill(cid, 1, 4);
	fx_asset(cid, 6, 2000001, "consumable", 3);
	assert_int_equal(send_cmd(2, "CREATE_ASSET",
	                          "{\"templateId\":2000000,\"quantity\":50,\"expiration\":\"" ZERO_TIME
	                          "\",\"ownerId\":0,\"flag\":0,\"rechargeable\":0}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	const struct fh_event *e = fh_event(0);
	assert_string_equal(e->topic_var, ASSET_TOPIC);
	assert_int_equal(e->key, CHAR);
	assert_string_equal(e->tenant.id, FH_TENANT);
	uint32_t id = (uint32_t)fh_scalar("SELECT id FROM assets WHERE compartment_id = ? AND slot = 5",
	                                  COFFER_ARGS(COFFER_S(cid)), 0);
	assert_true(id > 0);
	char want[1024];
	/* The example of kafka-contract.md#asset-status-events, field by field and in order. */
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	         "\"assetId\":%u,\"templateId\":2000000,\"slot\":5,\"type\":\"CREATED\",\"body\":{"
	         "\"referenceId\":%u,\"referenceType\":\"consumable\",\"referenceData\":{\"ownerId\":0,"
	         "\"quantity\":50,\"flag\":0,\"rechargeable\":0},\"expiration\":\"" ZERO_TIME "\"}}",
	         cid, id, id);
	assert_event_json(e, want);
	assert_int_equal(fx_col("reference_id", id), id);
	assert_int_equal(fx_col("quantity", id), 50);
	assert_int_equal(fh_scalar("SELECT expiration IS NULL FROM assets WHERE id = ?",
	                           COFFER_ARGS(COFFER_U(id)), -1),
	                 1);
	assert_int_equal(fh_scalar("SELECT created_at = ? FROM assets WHERE id = ?",
	                           COFFER_ARGS(COFFER_T(fh_now()), COFFER_U(id)), -1),
	                 1);
}

static void test_create_asset_stores_command_fields_of_a_stackable(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	assert_int_equal(send_cmd(2, "CREATE_ASSET",
	                          "{\"templateId\":2070000,\"quantity\":500,\"expiration\":"
	                          "\"2025-06-01T02:00:00.25+02:00\",\"ownerId\":77,\"flag\":3,"
	                          "\"rechargeable\":9007199254740993}"),
	                 COFFER_DONE);
	const struct fh_event *e = fh_find(ASSET_TOPIC, "CREATED", 0);
	assert_non_null(e);
	assert_json_int(e->value, "slot", 1);
	assert_json_str(e->value, "body.referenceType", "consumable");
	assert_json_int(e->value, "body.referenceData.ownerId", 77);
	assert_json_int(e->value, "body.referenceData.quantity", 500);
	assert_json_int(e->value, "body.referenceData.flag", 3);
	/* uint64 beyond 2^53 with full precision (kafka-contract.md#json-as-written). */
	assert_json_int(e->value, "body.referenceData.rechargeable", 9007199254740993LL);
	/* Normalised to UTC and microseconds (OP-37). */
	assert_json_str(e->value, "body.expiration", "2025-06-01T00:00:00.25Z");
	uint32_t id = (uint32_t)json_integer_value(json_object_get(e->value, "assetId"));
	assert_int_equal(fx_col("rechargeable", id), 9007199254740993LL);
	assert_int_equal(fx_col("owner_id", id), 77);
}

static void test_create_asset_never_merges_into_an_existing_stack(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	uint32_t old = fx_asset(cid, 1, 2000000, "consumable", 10);
	assert_int_equal(send_cmd(2, "CREATE_ASSET", "{\"templateId\":2000000,\"quantity\":150}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_json_int(fh_event(0)->value, "slot", 2);
	assert_json_int(fh_event(0)->value, "body.referenceData.quantity", 150);
	assert_int_equal(fx_col("quantity", old), 10);
	assert_int_equal(fx_count_assets(cid), 2);
}

static void test_create_asset_copies_equipment_stats_from_template(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 1, 24, cid);
	fx_asset(cid, -11, 1302000, "equipable", 1);
	assert_int_equal(send_cmd(1, "CREATE_ASSET",
	                          "{\"templateId\":1302000,\"quantity\":0,\"expiration\":"
	                          "\"2025-06-01T00:00:00Z\",\"ownerId\":5,\"flag\":4,\"rechargeable\":2}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	const json_t *v = fh_event(0)->value;
	assert_json_int(v, "slot", 1);
	assert_json_str(v, "body.referenceType", "equipable");
	assert_json_keys(v, "body.referenceData",
	                 "ownerId,strength,dexterity,intelligence,luck,hp,mp,weaponAttack,magicAttack,"
	                 "weaponDefense,magicDefense,accuracy,avoidability,hands,speed,jump,slots,"
	                 "locked,spikes,karmaUsed,cold,canBeTraded,levelType,level,experience,"
	                 "hammersApplied,expiration");
	assert_json_int(v, "body.referenceData.ownerId", 0);
	assert_json_int(v, "body.referenceData.strength", 1);
	assert_json_int(v, "body.referenceData.weaponAttack", 17);
	assert_json_int(v, "body.referenceData.speed", 3);
	assert_json_int(v, "body.referenceData.slots", 7);
	assert_json_int(v, "body.referenceData.dexterity", 0);
	assert_json_bool(v, "body.referenceData.canBeTraded", false);
	assert_json_str(v, "body.referenceData.expiration", ZERO_TIME);
	assert_json_str(v, "body.expiration", "2025-06-01T00:00:00Z");
	uint32_t id = (uint32_t)json_integer_value(json_object_get(v, "assetId"));
	assert_json_int(v, "body.referenceId", id);
	/* quantity, ownerId, flag and rechargeable of the command are ignored for equipment. */
	assert_int_equal(fx_col("quantity", id), 1);
	assert_int_equal(fx_col("owner_id", id), 0);
	assert_int_equal(fx_col("flag", id), 0);
	assert_int_equal(fx_col("rechargeable", id), 0);
	assert_int_equal(fx_col("upgrade_slots", id), 7);
}

static void test_create_asset_fails_for_unknown_equipment_template(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 1, 24, cid);
	assert_int_equal(send_cmd(1, "CREATE_ASSET", "{\"templateId\":1040002}"), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(fx_count_assets(cid), 0);
}

static void test_create_asset_builds_a_pet_with_defaults(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 5, 24, cid);
	assert_int_equal(send_cmd(5, "CREATE_ASSET",
	                          "{\"templateId\":5000000,\"quantity\":3,\"ownerId\":9,\"flag\":2}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	const json_t *v = fh_event(0)->value;
	uint32_t id = (uint32_t)json_integer_value(json_object_get(v, "assetId"));
	char want[1024];
	snprintf(want, sizeof want,
	         "{\"referenceId\":%u,\"referenceType\":\"pet\",\"referenceData\":{\"ownerId\":1001,"
	         "\"cashId\":\"0\",\"flag\":0,\"purchasedBy\":0,\"name\":\"Brown Kitty\",\"level\":1,"
	         "\"closeness\":0,\"fullness\":100,\"slot\":-1},\"expiration\":\"" ZERO_TIME "\"}",
	         id);
	char *got = json_dumps(json_object_get(v, "body"), JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(got, want);
	free(got);
	assert_int_equal(fx_col("pet_fullness", id), 100);
	assert_int_equal(fx_col("quantity", id), 1);
}

static void test_create_asset_builds_a_non_pet_cash_item(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 5, 24, cid);
	assert_int_equal(send_cmd(5, "CREATE_ASSET",
	                          "{\"templateId\":5210000,\"quantity\":2,\"ownerId\":9,\"flag\":1}"),
	                 COFFER_DONE);
	const json_t *v = fh_event(0)->value;
	assert_json_str(v, "body.referenceType", "cash");
	assert_json_keys(v, "body.referenceData", "ownerId,cashId,quantity,flag,purchasedBy");
	assert_json_int(v, "body.referenceData.ownerId", 0);
	assert_json_str(v, "body.referenceData.cashId", "0");
	assert_json_int(v, "body.referenceData.quantity", 2);
	assert_json_int(v, "body.referenceData.flag", 1);
}

static void test_create_asset_setup_and_etc_hide_rechargeable(void **state)
{
	(void)state;
	char use[37], etc[37];
	fx_compartment(NULL, CHAR, 3, 24, use);
	fx_compartment(NULL, CHAR, 4, 24, etc);
	assert_int_equal(send_cmd(3, "CREATE_ASSET", "{\"templateId\":3010000,\"quantity\":1,"
	                                             "\"rechargeable\":4}"),
	                 COFFER_DONE);
	assert_int_equal(send_cmd(4, "CREATE_ASSET", "{\"templateId\":4000000,\"quantity\":7}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_json_str(fh_event(0)->value, "body.referenceType", "setup");
	assert_json_keys(fh_event(0)->value, "body.referenceData", "ownerId,quantity,flag");
	assert_json_str(fh_event(1)->value, "body.referenceType", "etc");
	assert_json_keys(fh_event(1)->value, "body.referenceData", "ownerId,quantity,flag");
	assert_int_equal(fh_scalar("SELECT rechargeable FROM assets WHERE compartment_id = ?",
	                           COFFER_ARGS(COFFER_S(use)), -1),
	                 4);
}

static void test_create_asset_fails_when_inventory_is_full(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	fx_fill(cid, 1, 24);
	assert_int_equal(send_cmd(4, "CREATE_ASSET", "{\"templateId\":4000000,\"quantity\":1}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(fx_count_assets(cid), 24);
}

static void test_create_asset_uses_a_raised_capacity(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 25, cid);
	fx_fill(cid, 1, 24);
	assert_int_equal(send_cmd(4, "CREATE_ASSET", "{\"templateId\":4000000,\"quantity\":1}"),
	                 COFFER_DONE);
	assert_json_int(fh_event(0)->value, "slot", 25);
}

static void test_create_asset_without_compartment_does_nothing(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(FH_TENANT2, CHAR, 4, 24, cid); /* another tenant's */
	assert_int_equal(send_cmd(4, "CREATE_ASSET", "{\"templateId\":4000000,\"quantity\":1}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(fx_count_assets(cid), 0);
}

static void test_create_asset_rejects_template_of_another_type(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	/* OP-20: the reference put an etc into USE. */
	assert_int_equal(send_cmd(2, "CREATE_ASSET", "{\"templateId\":4000000,\"quantity\":1}"),
	                 COFFER_REJECT);
	assert_non_null(strstr(fh_reason(), "templateId"));
	assert_int_equal(send_cmd(2, "CREATE_ASSET", "{\"templateId\":7000000,\"quantity\":1}"),
	                 COFFER_REJECT);
	assert_int_equal(send_cmd(2, "CREATE_ASSET", "{\"quantity\":1}"), COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(fx_count_assets(cid), 0);
}

static void test_create_asset_rejects_zero_quantity_for_stackables_only(void **state)
{
	(void)state;
	char use[37], eq[37];
	fx_compartment(NULL, CHAR, 2, 24, use);
	fx_compartment(NULL, CHAR, 1, 24, eq);
	assert_int_equal(send_cmd(2, "CREATE_ASSET", "{\"templateId\":2000000,\"quantity\":0}"),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(send_cmd(1, "CREATE_ASSET", "{\"templateId\":1302000}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
}

static void test_create_asset_rejects_undecodable_and_invalid_envelopes(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	assert_int_equal(send_cmd(2, "CREATE_ASSET", "{\"templateId\":2000000,\"quantity\":-1}"),
	                 COFFER_REJECT);
	assert_int_equal(send_cmd(2, "CREATE_ASSET", "{\"templateId\":2000000,\"quantity\":1.0}"),
	                 COFFER_REJECT);
	assert_int_equal(send_cmd(2, "CREATE_ASSET",
	                          "{\"templateId\":2000000,\"quantity\":1,\"expiration\":\"\"}"),
	                 COFFER_REJECT);
	assert_int_equal(send_cmd(2, "CREATE_ASSET", "[]"), COFFER_REJECT);
	/* A DATETIME column cannot hold year 500. */
	assert_int_equal(send_cmd(2, "CREATE_ASSET", "{\"templateId\":2000000,\"quantity\":1,"
	                                             "\"expiration\":\"0500-01-01T00:00:00Z\"}"),
	                 COFFER_REJECT);
	assert_int_equal(send_cmd(0, "CREATE_ASSET", "{\"templateId\":2000000,\"quantity\":1}"),
	                 COFFER_REJECT);
	assert_int_equal(send_cmd(6, "CREATE_ASSET", "{\"templateId\":2000000,\"quantity\":1}"),
	                 COFFER_REJECT);
	assert_int_equal(fh_send(CMD,
	                         "{\"transactionId\":\"" T1 "\",\"characterId\":0,\"inventoryType\":2,"
	                         "\"type\":\"CREATE_ASSET\",\"body\":{\"templateId\":2000000,"
	                         "\"quantity\":1}}",
	                         NULL),
	                 COFFER_REJECT);
	assert_non_null(strstr(fh_reason(), "characterId"));
	assert_int_equal(fh_send(CMD,
	                         "{\"transactionId\":\"\",\"characterId\":1001,\"inventoryType\":2,"
	                         "\"type\":\"CREATE_ASSET\",\"body\":{\"templateId\":2000000,"
	                         "\"quantity\":1}}",
	                         NULL),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(fx_count_assets(cid), 0);
}

/* ================================================================== DESTROY */

static void test_destroy_reduces_quantity_and_emits_quantity_changed(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	uint32_t id = fx_asset(cid, 4, 4000000, "etc", 10);
	assert_int_equal(send_cmd(4, "DESTROY", "{\"slot\":4,\"quantity\":3,\"removeAll\":false}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_int_equal(fh_event(0)->key, CHAR);
	char want[512];
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	         "\"assetId\":%u,\"templateId\":4000000,\"slot\":4,\"type\":\"QUANTITY_CHANGED\","
	         "\"body\":{\"quantity\":7}}",
	         cid, id);
	assert_event_json(fh_event(0), want);
	assert_int_equal(fx_col("quantity", id), 7);
}

static void test_destroy_everything_deletes_and_emits_deleted(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	uint32_t a = fx_asset(cid, 1, 4000000, "etc", 10);
	uint32_t b = fx_asset(cid, 2, 4000000, "etc", 10);
	uint32_t c = fx_asset(cid, 3, 4000000, "etc", 10);
	uint32_t other = fx_asset(cid, 9, 4000000, "etc", 10);
	assert_int_equal(send_cmd(4, "DESTROY", "{\"slot\":1,\"quantity\":3,\"removeAll\":true}"),
	                 COFFER_DONE);
	assert_int_equal(send_cmd(4, "DESTROY", "{\"slot\":2,\"quantity\":0}"), COFFER_DONE);
	assert_int_equal(send_cmd(4, "DESTROY", "{\"slot\":3,\"quantity\":11}"), COFFER_DONE);
	assert_int_equal(fh_count(), 3);
	char want[512];
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	         "\"assetId\":%u,\"templateId\":4000000,\"slot\":1,\"type\":\"DELETED\",\"body\":{}}",
	         cid, a);
	assert_event_json(fh_event(0), want);
	assert_json_int(fh_event(1)->value, "assetId", b);
	assert_json_str(fh_event(1)->value, "type", "DELETED");
	assert_json_int(fh_event(2)->value, "assetId", c);
	assert_json_int(fh_event(2)->value, "slot", 3);
	assert_json_str(fh_event(2)->value, "type", "DELETED");
	/* removeAll touches only the slot (OP-13). */
	assert_int_equal(fx_count_assets(cid), 1);
	assert_int_equal(fx_col("quantity", other), 10);
}

static void test_destroy_deletes_non_stackables_of_every_kind(void **state)
{
	(void)state;
	char eq[37], cash[37];
	fx_compartment(NULL, CHAR, 1, 24, eq);
	fx_compartment(NULL, CHAR, 5, 24, cash);
	uint32_t sword = fx_asset(eq, -11, 1302000, "equipable", 1);
	uint32_t pet = fx_asset(cash, 2, 5000000, "pet", 1);
	assert_int_equal(send_cmd(1, "DESTROY", "{\"slot\":-11,\"quantity\":1}"), COFFER_DONE);
	assert_int_equal(send_cmd(5, "DESTROY", "{\"slot\":2,\"quantity\":1}"), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_json_int(fh_event(0)->value, "assetId", sword);
	assert_json_int(fh_event(0)->value, "slot", -11);
	assert_json_str(fh_event(1)->value, "type", "DELETED");
	assert_json_int(fh_event(1)->value, "assetId", pet);
	assert_int_equal(fx_count_assets(eq) + fx_count_assets(cash), 0);
}

static void test_destroy_of_empty_slot_does_nothing(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	fx_asset(cid, 1, 4000000, "etc", 10);
	assert_int_equal(send_cmd(4, "DESTROY", "{\"slot\":2,\"quantity\":1}"), COFFER_DONE);
	assert_int_equal(send_cmd(3, "DESTROY", "{\"slot\":1,\"quantity\":1}"), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(fx_count_assets(cid), 1);
}

static void test_destroy_rejects_slot_zero_and_bad_fields(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	fx_asset(cid, 1, 4000000, "etc", 10);
	assert_int_equal(send_cmd(4, "DESTROY", "{\"slot\":0,\"quantity\":1}"), COFFER_REJECT);
	assert_int_equal(send_cmd(4, "DESTROY", "{\"slot\":1,\"removeAll\":1}"), COFFER_REJECT);
	assert_int_equal(send_cmd(4, "DESTROY", "{\"slot\":40000}"), COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(fx_count_assets(cid), 1);
}

/* ================================================================== RECHARGE */

static void test_recharge_adds_to_a_use_stack(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	uint32_t id = fx_asset(cid, 6, 2070000, "consumable", 100);
	assert_int_equal(send_cmd(2, "RECHARGE", "{\"slot\":6,\"quantity\":200}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	char want[512];
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	         "\"assetId\":%u,\"templateId\":2070000,\"slot\":6,\"type\":\"QUANTITY_CHANGED\","
	         "\"body\":{\"quantity\":300}}",
	         cid, id);
	assert_event_json(fh_event(0), want);
	assert_int_equal(fh_event(0)->key, CHAR);
	assert_int_equal(fx_col("quantity", id), 300);
}

static void test_recharge_saturates_and_ignores_slot_max(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	uint32_t id = fx_asset(cid, 1, 2000000, "consumable", 4294967000u);
	assert_int_equal(send_cmd(2, "RECHARGE", "{\"slot\":1,\"quantity\":1000}"), COFFER_DONE);
	assert_json_int(fh_event(0)->value, "body.quantity", 4294967295LL);
	assert_int_equal(fx_col("quantity", id), 4294967295LL);
}

static void test_recharge_outside_use_does_nothing(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	uint32_t id = fx_asset(cid, 1, 4000000, "etc", 5);
	assert_int_equal(send_cmd(4, "RECHARGE", "{\"slot\":1,\"quantity\":10}"), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(fx_col("quantity", id), 5);
}

static void test_recharge_of_empty_or_non_stackable_slot_does_nothing(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	uint32_t id = fx_asset(cid, 1, 1302000, "equipable", 1);
	assert_int_equal(send_cmd(2, "RECHARGE", "{\"slot\":1,\"quantity\":10}"), COFFER_DONE);
	assert_int_equal(send_cmd(2, "RECHARGE", "{\"slot\":2,\"quantity\":10}"), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(fx_col("quantity", id), 1);
	assert_int_equal(send_cmd(2, "RECHARGE", "{\"slot\":0,\"quantity\":10}"), COFFER_REJECT);
}

/* ================================================================== ACCEPT */

static void cash_item(uint32_t id, uint32_t template_id, int64_t cash_id, uint32_t quantity)
{
	assert_int_equal(fh_exec("INSERT INTO cash_items (tenant_id, id, template_id, cash_id, "
	                         "quantity, flag, purchased_by) VALUES (?, ?, ?, ?, ?, 2, 4242)",
	                         COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(id), COFFER_U(template_id),
	                                     COFFER_I(cash_id), COFFER_U(quantity))),
	                 0);
}

static int send_txn_cmd(const char *env_t, const char *body_t, unsigned character, unsigned type,
                        const char *cmd_type, const char *field, uint32_t value)
{
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"%s\",\"characterId\":%u,\"inventoryType\":%u,\"type\":\"%s\","
	         "\"body\":{\"transactionId\":\"%s\",\"%s\":%u}}",
	         env_t, character, type, cmd_type, body_t, field, value);
	return fh_send(CMD, buf, NULL);
}

static void test_accept_inserts_cash_asset_and_emits_only_accepted(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 5, 24, cid);
	fx_fill(cid, 1, 2);
	cash_item(55, 5000000, 8400123456789LL, 3);
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 5, "ACCEPT", "referenceId", 55), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	const struct fh_event *e = fh_event(0);
	assert_string_equal(e->topic_var, COMP_TOPIC);
	assert_int_equal(e->key, CHAR);
	char want[512];
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	         "\"type\":\"ACCEPTED\",\"body\":{\"transactionId\":\"" T1 "\"}}",
	         cid);
	assert_event_json(e, want);
	uint32_t id = (uint32_t)fh_scalar("SELECT id FROM assets WHERE compartment_id = ? AND slot = 3",
	                                  COFFER_ARGS(COFFER_S(cid)), 0);
	assert_true(id > 0);
	/* A pet template accepted into CASH stays kind cash (OP-25). */
	assert_int_equal(fh_scalar("SELECT kind = 'cash' FROM assets WHERE id = ?",
	                           COFFER_ARGS(COFFER_U(id)), -1),
	                 1);
	assert_int_equal(fx_col("reference_id", id), 55);
	assert_int_equal(fx_col("template_id", id), 5000000);
	assert_int_equal(fx_col("cash_id", id), 8400123456789LL);
	assert_int_equal(fx_col("quantity", id), 3);
	assert_int_equal(fx_col("flag", id), 2);
	assert_int_equal(fx_col("purchased_by", id), 4242);
	assert_int_equal(fx_col("owner_id", id), 0);
	assert_int_equal(fh_scalar("SELECT expiration IS NULL FROM assets WHERE id = ?",
	                           COFFER_ARGS(COFFER_U(id)), -1),
	                 1);
}

static void test_accept_into_equip_makes_cash_equipable_of_quantity_one(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 1, 24, cid);
	cash_item(56, 1002140, 77, 4);
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 1, "ACCEPT", "referenceId", 56), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_json_str(fh_event(0)->value, "type", "ACCEPTED");
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM assets WHERE compartment_id = ? AND slot = 1 "
	                           "AND kind = 'cash-equipable' AND quantity = 1 AND reference_id = 56 "
	                           "AND cash_id = 77",
	                           COFFER_ARGS(COFFER_S(cid)), -1),
	                 1);
}

static void test_accept_takes_body_transaction_id_when_envelope_is_nil(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 5, 24, cid);
	cash_item(55, 5210000, 1, 1);
	assert_int_equal(send_txn_cmd(NIL, T2, CHAR, 5, "ACCEPT", "referenceId", 55), COFFER_DONE);
	assert_json_str(fh_event(0)->value, "transactionId", T2);
	assert_json_str(fh_event(0)->value, "body.transactionId", T2);
	/* Without the envelope's field at all, too. */
	fh_clear();
	assert_int_equal(fh_send(CMD,
	                         "{\"characterId\":1001,\"inventoryType\":5,\"type\":\"RELEASE\","
	                         "\"body\":{\"transactionId\":\"" T2 "\",\"assetId\":55}}",
	                         NULL),
	                 COFFER_DONE);
	assert_json_str(fh_event(0)->value, "type", "RELEASED");
	assert_json_str(fh_event(0)->value, "transactionId", T2);
}

static void assert_error_event(const char *code, const char *cid, const char *t)
{
	assert_int_equal(fh_count(), 1);
	const struct fh_event *e = fh_event(0);
	assert_string_equal(e->topic_var, COMP_TOPIC);
	assert_int_equal(e->key, CHAR);
	char want[512];
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"%s\",\"characterId\":1001,\"compartmentId\":\"%s\","
	         "\"type\":\"ERROR\",\"body\":{\"errorCode\":\"%s\",\"transactionId\":\"%s\"}}",
	         t, cid, code, t);
	assert_event_json(e, want);
}

static void test_accept_without_compartment_answers_error_with_nil_compartment(void **state)
{
	(void)state;
	cash_item(55, 5210000, 1, 1);
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 5, "ACCEPT", "referenceId", 55), COFFER_DONE);
	assert_error_event("ACCEPT_COMMAND_FAILED", NIL, T1);
}

static void test_accept_into_full_compartment_answers_error(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 5, 24, cid);
	fx_fill(cid, 1, 24);
	cash_item(55, 5210000, 1, 1);
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 5, "ACCEPT", "referenceId", 55), COFFER_DONE);
	assert_error_event("ACCEPT_COMMAND_FAILED", cid, T1);
	assert_int_equal(fx_count_assets(cid), 24);
}

static void test_accept_of_unknown_cash_item_answers_error(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 5, 24, cid);
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 5, "ACCEPT", "referenceId", 99), COFFER_DONE);
	assert_error_event("ACCEPT_COMMAND_FAILED", cid, T1);
	assert_int_equal(fx_count_assets(cid), 0);
	fh_clear();
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 5, "ACCEPT", "referenceId", 0), COFFER_DONE);
	assert_error_event("ACCEPT_COMMAND_FAILED", cid, T1);
}

static void test_accept_with_invalid_envelope_answers_error_not_reject(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 5, 24, cid);
	cash_item(55, 5210000, 1, 1);
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 9, "ACCEPT", "referenceId", 55), COFFER_DONE);
	assert_error_event("ACCEPT_COMMAND_FAILED", NIL, T1);
	fh_clear();
	assert_int_equal(send_txn_cmd(T1, T1, 0, 5, "ACCEPT", "referenceId", 55), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_json_int(fh_event(0)->value, "characterId", 0);
	assert_json_str(fh_event(0)->value, "compartmentId", NIL);
	assert_int_equal(fx_count_assets(cid), 0);
}

static void test_accept_rejects_undecodable_message(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 5, 24, cid);
	assert_int_equal(send_cmd(5, "ACCEPT", "{\"transactionId\":\"" T1 "\",\"referenceId\":\"55\"}"),
	                 COFFER_REJECT);
	assert_int_equal(send_cmd(5, "ACCEPT", "{\"transactionId\":\"nope\",\"referenceId\":55}"),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
}

/* ================================================================== RELEASE */

static void test_release_deletes_asset_matched_by_reference_id(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 5, 24, cid);
	uint32_t keep = fx_asset_ref(cid, 2, 5210000, "cash", 1, 56);
	uint32_t gone = fx_asset_ref(cid, 3, 5210000, "cash", 1, 55);
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 5, "RELEASE", "assetId", 55), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	char want[512];
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	         "\"type\":\"RELEASED\",\"body\":{\"transactionId\":\"" T1 "\"}}",
	         cid);
	assert_event_json(fh_event(0), want);
	assert_int_equal(fh_event(0)->key, CHAR);
	assert_int_equal(fx_col("id", gone), -1);
	assert_int_equal(fx_col("id", keep), keep);
}

static void test_release_takes_first_match_in_slot_order(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 5, 24, cid);
	uint32_t later = fx_asset_ref(cid, 7, 5210000, "cash", 1, 55);
	uint32_t first = fx_asset_ref(cid, 2, 5210000, "cash", 1, 55);
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 5, "RELEASE", "assetId", 55), COFFER_DONE);
	assert_int_equal(fx_col("id", first), -1);
	assert_int_equal(fx_col("id", later), later);
}

static void test_release_matches_reference_id_not_asset_id(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 5, 24, cid);
	uint32_t id = fx_asset_ref(cid, 2, 5210000, "cash", 1, 4000000000u);
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 5, "RELEASE", "assetId", id), COFFER_DONE);
	assert_error_event("RELEASE_COMMAND_FAILED", cid, T1);
	assert_int_equal(fx_col("id", id), id);
}

static void test_release_without_compartment_or_valid_envelope_answers_error(void **state)
{
	(void)state;
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 5, "RELEASE", "assetId", 55), COFFER_DONE);
	assert_error_event("RELEASE_COMMAND_FAILED", NIL, T1);
	fh_clear();
	assert_int_equal(send_txn_cmd(T1, T1, CHAR, 0, "RELEASE", "assetId", 55), COFFER_DONE);
	assert_error_event("RELEASE_COMMAND_FAILED", NIL, T1);
	fh_clear();
	assert_int_equal(send_cmd(5, "RELEASE", "{\"assetId\":-5}"), COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
}

/* ================================================================== equipable UPDATED */

static const char updated_body[] =
	"{\"strength\":2,\"dexterity\":3,\"intelligence\":4,\"luck\":5,\"hp\":6,\"mp\":7,"
	"\"weaponAttack\":19,\"magicAttack\":8,\"weaponDefense\":9,\"magicDefense\":10,"
	"\"accuracy\":11,\"avoidability\":12,\"hands\":13,\"speed\":14,\"jump\":15,\"slots\":6,"
	"\"ownerName\":\"%s\",\"locked\":true,\"spikes\":false,\"karmaUsed\":true,\"cold\":false,"
	"\"canBeTraded\":true,\"levelType\":1,\"level\":2,\"experience\":300,\"hammersApplied\":2,"
	"\"expiration\":\"2030-01-01T00:00:00Z\"}";

static int send_updated(uint32_t id, const char *owner)
{
	char body[1024];
	snprintf(body, sizeof body, updated_body, owner);
	snprintf(buf, sizeof buf, "{\"id\":%u,\"type\":\"UPDATED\",\"body\":%s}", id, body);
	return fh_send("EVENT_TOPIC_EQUIPABLE_STATUS", buf, NULL);
}

static void test_equipable_updated_applies_stats_and_relays_updated(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, 2002, 1, 24, cid);
	uint32_t id = fx_asset(cid, -11, 1302000, "equipable", 1);
	assert_int_equal(fh_exec("UPDATE assets SET expiration = '2026-02-03 04:05:06.5' WHERE id = ?",
	                         COFFER_ARGS(COFFER_U(id))),
	                 0);
	assert_int_equal(send_updated(id, "Alice"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	const struct fh_event *e = fh_event(0);
	assert_string_equal(e->topic_var, ASSET_TOPIC);
	assert_int_equal(e->key, 2002);
	/* A fresh transaction id: the topic has none (kafka-contract.md#equipable-updated step 5). */
	const char *t = json_string_value(json_object_get(e->value, "transactionId"));
	assert_non_null(t);
	assert_int_equal(strlen(t), 36);
	assert_string_not_equal(t, NIL);
	char want[2048];
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"%s\",\"characterId\":2002,\"compartmentId\":\"%s\","
	         "\"assetId\":%u,\"templateId\":1302000,\"slot\":-11,\"type\":\"UPDATED\",\"body\":{"
	         "\"referenceId\":%u,\"referenceType\":\"equipable\",\"referenceData\":{\"ownerId\":0,"
	         "\"strength\":2,\"dexterity\":3,\"intelligence\":4,\"luck\":5,\"hp\":6,\"mp\":7,"
	         "\"weaponAttack\":19,\"magicAttack\":8,\"weaponDefense\":9,\"magicDefense\":10,"
	         "\"accuracy\":11,\"avoidability\":12,\"hands\":13,\"speed\":14,\"jump\":15,"
	         "\"slots\":6,\"locked\":true,\"spikes\":false,\"karmaUsed\":true,\"cold\":false,"
	         "\"canBeTraded\":true,\"levelType\":1,\"level\":2,\"experience\":300,"
	         "\"hammersApplied\":2,\"expiration\":\"" ZERO_TIME "\"},"
	         "\"expiration\":\"2026-02-03T04:05:06.5Z\"}}",
	         t, cid, id, id);
	assert_event_json(e, want);
	assert_int_equal(fx_col("weapon_attack", id), 19);
	assert_int_equal(fx_col("upgrade_slots", id), 6);
	assert_int_equal(fx_col("hammers_applied", id), 2);
	assert_int_equal(fh_scalar("SELECT owner_name = 'Alice' FROM assets WHERE id = ?",
	                           COFFER_ARGS(COFFER_U(id)), -1),
	                 1);
	/* The body's expiration is not applied (OP-29). */
	assert_int_equal(fh_scalar("SELECT expiration = '2026-02-03 04:05:06.5' FROM assets WHERE id = ?",
	                           COFFER_ARGS(COFFER_U(id)), -1),
	                 1);
}

static void test_equipable_updated_truncates_long_owner_name(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, 2002, 1, 24, cid);
	uint32_t id = fx_asset(cid, 3, 1302000, "equipable", 1);
	assert_int_equal(send_updated(id, "0123456789012345678901234567890123456789"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_int_equal(fh_scalar("SELECT CHAR_LENGTH(owner_name) FROM assets WHERE id = ?",
	                           COFFER_ARGS(COFFER_U(id)), -1),
	                 32);
}

static void test_equipable_updated_for_unknown_or_non_equipable_does_nothing(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, 2002, 1, 24, cid);
	uint32_t cash = fx_asset_ref(cid, 3, 1002140, "cash-equipable", 1, 777);
	assert_int_equal(send_updated(777, "x"), COFFER_DONE);
	assert_int_equal(send_updated(123456, "x"), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(fx_col("strength", cash), 0);
}

static void test_equipable_updated_rejects_id_zero_and_bad_fields(void **state)
{
	(void)state;
	assert_int_equal(send_updated(0, "x"), COFFER_REJECT);
	assert_int_equal(fh_send("EVENT_TOPIC_EQUIPABLE_STATUS",
	                         "{\"id\":5,\"type\":\"UPDATED\",\"body\":{\"strength\":70000}}", NULL),
	                 COFFER_REJECT);
	assert_int_equal(fh_send("EVENT_TOPIC_EQUIPABLE_STATUS",
	                         "{\"id\":5,\"type\":\"UPDATED\",\"body\":{\"expiration\":\"\"}}", NULL),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
}

static void test_equipable_created_and_deleted_are_not_handled(void **state)
{
	(void)state;
	assert_int_equal(fh_send("EVENT_TOPIC_EQUIPABLE_STATUS", "{\"id\":5,\"type\":\"CREATED\"}", NULL),
	                 FH_NO_HANDLER);
	assert_int_equal(fh_send("EVENT_TOPIC_EQUIPABLE_STATUS", "{\"id\":5,\"type\":\"DELETED\"}", NULL),
	                 FH_NO_HANDLER);
}

/* ================================================================== feature switch */

static void test_disabled_tenant_gets_feature_disabled_error_and_no_change(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(FH_TENANT2, CHAR, 4, 24, cid);
	fh_set_enabled("asset", FH_TENANT2, false);
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":1001,\"inventoryType\":4,"
	         "\"type\":\"CREATE_ASSET\",\"body\":{\"templateId\":4000000,\"quantity\":1}}");
	assert_int_equal(fh_send(CMD, buf, FH_TENANT2), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	const struct fh_event *e = fh_event(0);
	assert_string_equal(e->topic_var, COMP_TOPIC);
	assert_string_equal(e->tenant.id, FH_TENANT2);
	assert_int_equal(e->key, CHAR);
	assert_event_json(e, "{\"transactionId\":\"" T1 "\",\"characterId\":1001,\"compartmentId\":\"" NIL
	                     "\",\"type\":\"ERROR\",\"body\":{\"errorCode\":\"FEATURE_DISABLED\","
	                     "\"transactionId\":\"" T1 "\"}}");
	assert_int_equal(fx_count_assets(cid), 0);
	/* The tenant that is on is served as usual. */
	fh_clear();
	char mine[37];
	fx_compartment(NULL, CHAR, 4, 24, mine);
	assert_int_equal(fh_send(CMD, buf, FH_TENANT), COFFER_DONE);
	assert_json_str(fh_event(0)->value, "type", "CREATED");
}

static void test_disabled_refusal_uses_body_transaction_id_for_release(void **state)
{
	(void)state;
	fh_set_enabled("asset", FH_TENANT2, false);
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"" NIL "\",\"characterId\":1001,\"inventoryType\":5,"
	         "\"type\":\"RELEASE\",\"body\":{\"transactionId\":\"" T2 "\",\"assetId\":1}}");
	assert_int_equal(fh_send(CMD, buf, FH_TENANT2), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_json_str(fh_event(0)->value, "transactionId", T2);
	assert_json_str(fh_event(0)->value, "body.errorCode", "FEATURE_DISABLED");
	assert_json_str(fh_event(0)->value, "body.transactionId", T2);
	/* DESTROY has no body transaction id: the envelope's nil stays. */
	fh_clear();
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"" NIL "\",\"characterId\":1001,\"inventoryType\":5,"
	         "\"type\":\"DESTROY\",\"body\":{\"transactionId\":\"" T2 "\",\"slot\":1}}");
	assert_int_equal(fh_send(CMD, buf, FH_TENANT2), COFFER_DONE);
	assert_json_str(fh_event(0)->value, "transactionId", NIL);
	fh_clear();
	assert_int_equal(fh_send(CMD, "{\"characterId\":\"x\",\"type\":\"DESTROY\"}", FH_TENANT2),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
}

#define T(f) cmocka_unit_test_setup(f, setup_clean)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_asset_places_consumable_in_next_free_slot),
		T(test_create_asset_stores_command_fields_of_a_stackable),
		T(test_create_asset_never_merges_into_an_existing_stack),
		T(test_create_asset_copies_equipment_stats_from_template),
		T(test_create_asset_fails_for_unknown_equipment_template),
		T(test_create_asset_builds_a_pet_with_defaults),
		T(test_create_asset_builds_a_non_pet_cash_item),
		T(test_create_asset_setup_and_etc_hide_rechargeable),
		T(test_create_asset_fails_when_inventory_is_full),
		T(test_create_asset_uses_a_raised_capacity),
		T(test_create_asset_without_compartment_does_nothing),
		T(test_create_asset_rejects_template_of_another_type),
		T(test_create_asset_rejects_zero_quantity_for_stackables_only),
		T(test_create_asset_rejects_undecodable_and_invalid_envelopes),
		T(test_destroy_reduces_quantity_and_emits_quantity_changed),
		T(test_destroy_everything_deletes_and_emits_deleted),
		T(test_destroy_deletes_non_stackables_of_every_kind),
		T(test_destroy_of_empty_slot_does_nothing),
		T(test_destroy_rejects_slot_zero_and_bad_fields),
		T(test_recharge_adds_to_a_use_stack),
		T(test_recharge_saturates_and_ignores_slot_max),
		T(test_recharge_outside_use_does_nothing),
		T(test_recharge_of_empty_or_non_stackable_slot_does_nothing),
		T(test_accept_inserts_cash_asset_and_emits_only_accepted),
		T(test_accept_into_equip_makes_cash_equipable_of_quantity_one),
		T(test_accept_takes_body_transaction_id_when_envelope_is_nil),
		T(test_accept_without_compartment_answers_error_with_nil_compartment),
		T(test_accept_into_full_compartment_answers_error),
		T(test_accept_of_unknown_cash_item_answers_error),
		T(test_accept_with_invalid_envelope_answers_error_not_reject),
		T(test_accept_rejects_undecodable_message),
		T(test_release_deletes_asset_matched_by_reference_id),
		T(test_release_takes_first_match_in_slot_order),
		T(test_release_matches_reference_id_not_asset_id),
		T(test_release_without_compartment_or_valid_envelope_answers_error),
		T(test_equipable_updated_applies_stats_and_relays_updated),
		T(test_equipable_updated_truncates_long_owner_name),
		T(test_equipable_updated_for_unknown_or_non_equipable_does_nothing),
		T(test_equipable_updated_rejects_id_zero_and_bad_fields),
		T(test_equipable_created_and_deleted_are_not_handled),
		T(test_disabled_tenant_gets_feature_disabled_error_and_no_change),
		T(test_disabled_refusal_uses_body_transaction_id_for_release),
	};
	return cmocka_run_group_tests_name("test_asset_commands", tests, group_setup, group_teardown);
}
