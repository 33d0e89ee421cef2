/* SPDX-License-Identifier: MIT */
/* tests/plugins/drop/test_drop_commands.c: every command of COMMAND_TOPIC_DROP on
 * the fake host (kafka-contract.md#json-as-read, kafka-contract.md#drop-ids, kafka-contract.md#drop-commands, kafka-contract.md#drop-status-events): the happy paths with their exact
 * events, each refusal, each discard, and the id allocation. */
#include "drop_test.h"

/* The SPAWN_FROM_CHARACTER of worked example A3 (kafka-contract.md#worked-examples). */
static const char *const A3 =
	"{\"transactionId\":\"5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"worldId\":0,\"channelId\":1,"
	"\"mapId\":100000000,\"type\":\"SPAWN_FROM_CHARACTER\",\"body\":{\"itemId\":1302000,"
	"\"equipmentId\":5021,\"quantity\":1,\"mesos\":0,\"dropType\":2,\"x\":-120,\"y\":275,"
	"\"ownerId\":12345,\"ownerPartyId\":0,\"dropperId\":12345,\"dropperX\":-120,\"dropperY\":275,"
	"\"playerDrop\":true,\"mod\":0,\"strength\":1,\"dexterity\":0,\"intelligence\":0,\"luck\":0,"
	"\"hp\":0,\"mp\":0,\"weaponAttack\":19,\"magicAttack\":0,\"weaponDefense\":0,"
	"\"magicDefense\":0,\"accuracy\":0,\"avoidability\":0,\"hands\":0,\"speed\":0,\"jump\":0,"
	"\"slots\":5}}";

static const char *const SWORD_STATS =
	"\"strength\":1,\"dexterity\":0,\"intelligence\":0,\"luck\":0,\"hp\":0,\"mp\":0,"
	"\"weaponAttack\":19,\"magicAttack\":0,\"weaponDefense\":0,\"magicDefense\":0,"
	"\"accuracy\":0,\"avoidability\":0,\"hands\":0,\"speed\":0,\"jump\":0,\"slots\":5";

/* ------------------------------------------------------------------ registration */

/* The five drop commands, plus the inventory half (compartment DROP, drop RESERVED), which
 * rejects these empty messages (characterId 0, dropId 0) instead of not handling them. */
static void test_drop_handles_the_five_commands_and_the_inventory_half(void **state)
{
	(void)state;
	assert_int_equal(dt_send("CONSUME", TXN_A, "{\"dropId\":1}"), FH_NO_HANDLER);
	assert_int_equal(fh_send(EVT, "{\"type\":\"CREATED\",\"body\":{}}", NULL), FH_NO_HANDLER);
	assert_int_equal(fh_send(EVT, "{\"type\":\"RESERVED\",\"body\":{}}", NULL), COFFER_REJECT);
	assert_int_equal(fh_send("COMMAND_TOPIC_COMPARTMENT", "{\"type\":\"DROP\",\"body\":{}}", NULL),
	                 COFFER_REJECT);
	assert_int_equal(fh_send("COMMAND_TOPIC_COMPARTMENT", "{\"type\":\"MOVE\",\"body\":{}}", NULL),
	                 FH_NO_HANDLER);
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, -1), COFFER_DONE);
	assert_int_equal(dt_target("CANCEL_RESERVATION", TXN_B, ID1, 10), COFFER_DONE);
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_B, ID1, 10), COFFER_DONE);
	assert_int_equal(dt_send("SPAWN_FROM_CHARACTER", TXN_A, "{\"mesos\":5}"), COFFER_DONE);
	assert_int_equal(fh_count(), 5);
}

static void test_drop_does_nothing_for_a_tenant_without_the_feature(void **state)
{
	(void)state;
	fh_set_enabled("drop", FH_TENANT, false);
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(dt_target("CANCEL_RESERVATION", TXN_B, ID1, 10), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_drops(NULL), 0);
}

/* ------------------------------------------------------------------ spawns */

static void test_drop_on_spawn_creates_an_available_item_drop_and_announces_it(void **state)
{
	(void)state;
	fh_set_now(T0 + 250000);
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL,
	                "{\"transactionId\":\"" TXN_A "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"CREATED\",\"body\":{"
	                "\"itemId\":2000000,\"quantity\":5,\"meso\":0,\"type\":0,\"x\":10,\"y\":20,"
	                "\"ownerId\":10,\"ownerPartyId\":0,\"dropTime\":\"2025-03-01T12:00:00.25Z\","
	                "\"dropperUniqueId\":3000042,\"dropperX\":5,\"dropperY\":6,"
	                "\"playerDrop\":false}}");
	const struct fh_event *e = fh_event(0);
	assert_string_equal(e->tenant.region, "GMS");
	assert_int_equal(e->tenant.major, 83);
	assert_int_equal(e->tenant.minor, 1);
	assert_int_equal(dt_col("status = 'AVAILABLE'", ID1), 1);
	assert_int_equal(dt_col("reserved_by", ID1), 0);
	assert_int_equal(dt_col("reserved_at IS NULL", ID1), 1);
	assert_int_equal(dt_col("pet_slot", ID1), -1);
	assert_int_equal(dt_col("equipment_id", ID1), 0);
	assert_int_equal(dt_col("drop_time = '2025-03-01 12:00:00.250000'", ID1), 1);
	assert_int_equal(dt_col("transaction_id = '" TXN_A "'", ID1), 1);
	assert_int_equal(dt_col("tenant_region = 'GMS' AND tenant_major = 83 AND tenant_minor = 1", ID1),
	                 1);
	assert_int_equal(dt_last_id(NULL), ID1);
}

static void test_drop_spawns_examples_a_and_c_with_their_exact_events(void **state)
{
	(void)state;
	fh_set_now(T0 + 123456);
	assert_int_equal(fh_send(CMD, A3, NULL), COFFER_DONE);
	fh_set_now(T0 + 300 * SEC); /* 12:05:00 */
	assert_int_equal(
		dt_send("SPAWN", TXN_A,
	            "{\"itemId\":0,\"quantity\":0,\"mesos\":250,\"dropType\":0,\"x\":310,\"y\":155,"
	            "\"ownerId\":12345,\"ownerPartyId\":0,\"dropperId\":3000042,\"dropperX\":305,"
	            "\"dropperY\":150,\"playerDrop\":false,\"mod\":0}"),
		COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	dt_assert_event(
		0, ID1, NULL,
		"{\"transactionId\":\"5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"worldId\":0,\"channelId\":1,"
		"\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"CREATED\",\"body\":{\"itemId\":1302000,"
		"\"quantity\":1,\"meso\":0,\"type\":2,\"x\":-120,\"y\":275,\"ownerId\":12345,"
		"\"ownerPartyId\":0,\"dropTime\":\"2025-03-01T12:00:00.123456Z\",\"dropperUniqueId\":12345,"
		"\"dropperX\":-120,\"dropperY\":275,\"playerDrop\":true}}");
	dt_assert_event(1, ID2, NULL,
	                "{\"transactionId\":\"" TXN_A "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":1000000002,\"type\":\"CREATED\",\"body\":{"
	                "\"itemId\":0,\"quantity\":0,\"meso\":250,\"type\":0,\"x\":310,\"y\":155,"
	                "\"ownerId\":12345,\"ownerPartyId\":0,\"dropTime\":\"2025-03-01T12:05:00Z\","
	                "\"dropperUniqueId\":3000042,\"dropperX\":305,\"dropperY\":150,"
	                "\"playerDrop\":false}}");
	assert_int_equal(dt_col("equipment_id", ID1), 5021);
	assert_int_equal(dt_col("weapon_attack", ID1), 19);
	assert_int_equal(dt_col("slots", ID1), 5);
	assert_int_equal(dt_col("strength", ID1), 1);
}

static void test_drop_example_b_reserves_and_picks_up_the_sword(void **state)
{
	(void)state;
	fh_set_now(T0 + 123456);
	assert_int_equal(fh_send(CMD, A3, NULL), COFFER_DONE);
	fh_clear();
	fh_set_now(T0 + 4623456);
	assert_int_equal(
		dt_send("REQUEST_RESERVATION", TXN_B,
	            "{\"dropId\":1000000001,\"characterId\":12346,\"partyId\":0,\"characterX\":-110,"
	            "\"characterY\":275,\"petSlot\":-1}"),
		COFFER_DONE);
	char expect[2048];
	snprintf(expect, sizeof expect,
	         "{\"transactionId\":\"" TXN_B "\",\"worldId\":0,\"channelId\":1,\"mapId\":100000000,"
	         "\"dropId\":1000000001,\"type\":\"RESERVED\",\"body\":{\"characterId\":12346,"
	         "\"itemId\":1302000,\"equipmentId\":5021,\"quantity\":1,\"meso\":0,%s}}",
	         SWORD_STATS);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL, expect);
	assert_int_equal(dt_col("reserved_at = '2025-03-01 12:00:04.623456'", ID1), 1);
	assert_int_equal(dt_col("reserved_by", ID1), 12346);
	fh_clear();
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_B, ID1, 12346), COFFER_DONE);
	snprintf(expect, sizeof expect,
	         "{\"transactionId\":\"" TXN_B "\",\"worldId\":0,\"channelId\":1,\"mapId\":100000000,"
	         "\"dropId\":1000000001,\"type\":\"PICKED_UP\",\"body\":{\"characterId\":12346,"
	         "\"itemId\":1302000,\"equipmentId\":5021,\"quantity\":1,\"meso\":0,\"petSlot\":-1,%s}}",
	         SWORD_STATS);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL, expect);
	assert_int_equal(dt_drops(NULL), 0);
}

static void test_drop_on_spawn_marks_equipment_with_its_own_id_and_ignores_body_equipment_id(void **state)
{
	(void)state;
	assert_int_equal(
		dt_send("SPAWN", TXN_A,
	            "{\"itemId\":1302000,\"equipmentId\":777,\"quantity\":3,\"weaponAttack\":17,"
	            "\"slots\":7}"),
		COFFER_DONE);
	assert_int_equal(dt_col("equipment_id", ID1), ID1);
	assert_int_equal(dt_col("quantity", ID1), 1);
	assert_int_equal(dt_col("weapon_attack", ID1), 17);
	assert_int_equal(dt_col("slots", ID1), 7);
	assert_int_equal(dt_body_int(0, "quantity"), 1);
}

static void test_drop_on_spawn_from_character_uses_the_drop_id_when_equipment_id_is_zero(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN_FROM_CHARACTER", TXN_A,
	                         "{\"itemId\":1302000,\"equipmentId\":0,\"quantity\":1,\"playerDrop\":true}"),
	                 COFFER_DONE);
	assert_int_equal(dt_col("equipment_id", ID1), ID1);
}

static void test_drop_on_spawn_from_character_zeroes_equipment_id_and_stats_of_items(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN_FROM_CHARACTER", TXN_A,
	                         "{\"itemId\":2000000,\"equipmentId\":5021,\"quantity\":4,"
	                         "\"strength\":9,\"playerDrop\":true}"),
	                 COFFER_DONE);
	assert_int_equal(dt_col("equipment_id", ID1), 0);
	assert_int_equal(dt_col("strength", ID1), 0);
	assert_int_equal(dt_col("quantity", ID1), 4);
	fh_clear();
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, -1), COFFER_DONE);
	dt_assert_event(0, ID1, NULL,
	                "{\"transactionId\":\"" TXN_B "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"RESERVED\",\"body\":{"
	                "\"characterId\":10,\"itemId\":2000000,\"equipmentId\":0,\"quantity\":4,"
	                "\"meso\":0," ZERO_STATS "}}");
}

static void test_drop_on_spawn_zeroes_quantity_of_meso_drops(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN", TXN_A, "{\"mesos\":99,\"quantity\":12,\"strength\":3}"),
	                 COFFER_DONE);
	assert_int_equal(dt_body_int(0, "quantity"), 0);
	assert_int_equal(dt_body_int(0, "meso"), 99);
	assert_int_equal(dt_col("strength", ID1), 0);
}

static void test_drop_on_spawn_takes_defaults_for_null_and_ignores_unknown_fields(void **state)
{
	(void)state;
	/* Field names are case-sensitive: "ItemId" is unknown, so this is a meso drop. */
	assert_int_equal(dt_send("SPAWN", NULL,
	                         "{\"ItemId\":2000000,\"mesos\":5,\"ownerId\":null,\"x\":null,"
	                         "\"foo\":\"bar\",\"playerDrop\":null}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_string_equal(dt_str(0, "transactionId"), NIL);
	assert_int_equal(dt_body_int(0, "itemId"), 0);
	assert_int_equal(dt_body_int(0, "meso"), 5);
	assert_int_equal(dt_body_int(0, "ownerId"), 0);
}

static void test_drop_on_spawn_writes_an_uppercase_transaction_id_lowercase(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN", "3B2F8E10-7C4D-4A2B-B1E3-5D6C7B8A9F00", "{\"mesos\":5}"),
	                 COFFER_DONE);
	assert_string_equal(dt_str(0, "transactionId"), TXN_A);
	assert_int_equal(dt_col("transaction_id = '" TXN_A "'", ID1), 1);
}

/* Spawns that must be discarded: REJECT, nothing stored, no event, no id used. */
static void test_drop_on_spawn_discards_invalid_spawns(void **state)
{
	(void)state;
	static const char *const bodies[] = {
		"{\"itemId\":0,\"mesos\":0}",
		"{\"itemId\":2000000,\"quantity\":1,\"mesos\":10}",
		"{\"itemId\":2000000,\"quantity\":0}",
		"{\"itemId\":6000000,\"quantity\":1}",
		"{\"itemId\":999999,\"quantity\":1}",
		"{\"itemId\":-1,\"quantity\":1}",
		"{\"itemId\":4294967296,\"quantity\":1}",
		"{\"itemId\":2000000,\"quantity\":1.5}",
		"{\"itemId\":2000000,\"quantity\":1e2}",
		"{\"mesos\":\"10\"}",
		"{\"mesos\":10,\"x\":32768}",
		"{\"mesos\":10,\"y\":-32769}",
		"{\"mesos\":10,\"dropType\":256}",
		"{\"mesos\":10,\"playerDrop\":1}",
		"{\"mesos\":10,\"mod\":256}",
		"{\"mesos\":10,\"ownerId\":-1}",
		"{\"mesos\":10,\"dropperX\":40000}",
		"{\"itemId\":1302000,\"strength\":65536}",
		"{\"itemId\":1302000,\"slots\":-1}",
		"\"mesos\"",
		"[1]",
		"{}",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		assert_int_equal(dt_send("SPAWN", TXN_A, bodies[i]), COFFER_REJECT);
		assert_true(fh_reason()[0] != '\0');
	}
	/* The envelope: location out of range, transactionId not canonical. */
	assert_int_equal(fh_send(CMD,
	                         "{\"worldId\":256,\"channelId\":1,\"mapId\":1,\"type\":\"SPAWN\","
	                         "\"body\":{\"mesos\":1}}",
	                         NULL),
	                 COFFER_REJECT);
	assert_int_equal(fh_send(CMD,
	                         "{\"worldId\":0,\"channelId\":1,\"mapId\":-1,\"type\":\"SPAWN\","
	                         "\"body\":{\"mesos\":1}}",
	                         NULL),
	                 COFFER_REJECT);
	assert_int_equal(dt_send("SPAWN", "", "{\"mesos\":1}"), COFFER_REJECT);
	assert_int_equal(dt_send("SPAWN", "3b2f8e107c4d4a2bb1e35d6c7b8a9f00", "{\"mesos\":1}"),
	                 COFFER_REJECT);
	assert_int_equal(dt_send("SPAWN", "{3b2f8e10-7c4d-4a2b-b1e3-5d6c7b8a9f00}", "{\"mesos\":1}"),
	                 COFFER_REJECT);
	assert_int_equal(fh_send(CMD, "{\"transactionId\":5,\"type\":\"SPAWN\",\"body\":{\"mesos\":1}}",
	                         NULL),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_drops(NULL), 0);
	assert_int_equal(dt_last_id(NULL), -1);
	/* Nothing was used up: the next valid spawn is the tenant's first id. */
	assert_int_equal(dt_send("SPAWN", TXN_A, "{\"mesos\":1}"), COFFER_DONE);
	assert_int_equal(fh_event(0)->key, ID1);
}

/* ------------------------------------------------------------------ ids (kafka-contract.md#drop-ids) */

static void test_drop_ids_count_per_tenant_from_1000000001(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(dt_send_at(FH_TENANT2, "SPAWN", TXN_A, 0, 1, MAP, "{\"mesos\":1}"), COFFER_DONE);
	assert_int_equal(fh_count(), 3);
	assert_int_equal(fh_event(0)->key, ID1);
	assert_int_equal(fh_event(1)->key, ID2);
	assert_int_equal(fh_event(2)->key, ID1);
	assert_string_equal(fh_event(2)->tenant.id, FH_TENANT2);
	assert_int_equal(dt_body_int(2, "meso"), 1);
	assert_int_equal(dt_last_id(NULL), ID2);
	assert_int_equal(dt_last_id(FH_TENANT2), ID1);
}

static void test_drop_ids_wrap_after_2000000000(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE); /* creates the sequence */
	fh_exec("DELETE FROM drop_drops", NULL, 0);
	fh_exec("UPDATE drop_id_sequence SET last_id = 1999999999", NULL, 0);
	fh_clear();
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(fh_event(0)->key, 2000000000u);
	assert_int_equal(fh_event(1)->key, ID1);
	assert_int_equal(dt_body_int(1, "quantity"), 1);
	assert_int_equal(dt_last_id(NULL), ID1);
}

static void test_drop_ids_skip_ids_of_live_drops(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	/* Back to the start, as after a wrap-around with old drops still lying. */
	fh_exec("UPDATE drop_id_sequence SET last_id = 1000000000", NULL, 0);
	fh_exec("DELETE FROM drop_drops WHERE id = 1000000002", NULL, 0);
	fh_clear();
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 9, 0), COFFER_DONE);
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 8, 0), COFFER_DONE);
	assert_int_equal(fh_event(0)->key, ID2);
	assert_int_equal(fh_event(1)->key, 1000000004u);
	assert_int_equal(dt_col("quantity", ID1), 1); /* the live drop was not overwritten */
	assert_int_equal(dt_col("quantity", 1000000004u), 8);
	assert_int_equal(dt_last_id(NULL), 1000000004u);
}

static void test_drop_ids_skip_live_ids_across_the_wrap(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE); /* 1000000001 stays */
	fh_exec("UPDATE drop_id_sequence SET last_id = 2000000000", NULL, 0);
	fh_clear();
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(fh_event(0)->key, ID2);
}

static void test_drop_spawn_removes_the_pick_up_marker_left_under_its_id(void **state)
{
	(void)state;
	static const char *const ins =
		"INSERT INTO drop_pickups (tenant_id, drop_id, transaction_id, character_id, picked_at)"
		" VALUES (?, ?, '" TXN_B "', 10, '2025-03-01 11:00:00')";
	assert_int_equal(fh_exec(ins, COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(ID1))), 0);
	assert_int_equal(fh_exec(ins, COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(ID2))), 0);
	assert_int_equal(fh_exec(ins, COFFER_ARGS(COFFER_S(FH_TENANT2), COFFER_U(ID1))), 0);
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	static const char *const q =
		"SELECT COUNT(*) FROM drop_pickups WHERE tenant_id = ? AND drop_id = ?";
	assert_int_equal(fh_scalar(q, COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(ID1)), -1), 0);
	assert_int_equal(fh_scalar(q, COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(ID2)), -1), 1);
	assert_int_equal(fh_scalar(q, COFFER_ARGS(COFFER_S(FH_TENANT2), COFFER_U(ID1)), -1), 1);
}

/* ------------------------------------------------------------------ REQUEST_RESERVATION */

static void test_drop_on_reserve_grants_the_owner_and_stores_the_reservation(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
	fh_clear();
	fh_set_now(T0 + 2 * SEC);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, 2), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL,
	                "{\"transactionId\":\"" TXN_B "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"RESERVED\",\"body\":{"
	                "\"characterId\":10,\"itemId\":2000000,\"equipmentId\":0,\"quantity\":5,"
	                "\"meso\":0," ZERO_STATS "}}");
	assert_int_equal(dt_col("status = 'RESERVED'", ID1), 1);
	assert_int_equal(dt_col("reserved_by", ID1), 10);
	assert_int_equal(dt_col("pet_slot", ID1), 2);
	assert_int_equal(dt_col("reserved_at = '2025-03-01 12:00:02'", ID1), 1);
	assert_int_equal(dt_col("drop_time = '2025-03-01 12:00:00'", ID1), 1);
}

static void test_drop_on_reserve_refuses_stranger_within_ownership_window(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
	fh_clear();
	fh_set_now(T0 + 15 * SEC - 1);
	assert_int_equal(dt_reserve(TXN_C, ID1, 11, -1), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL,
	                "{\"transactionId\":\"" TXN_C "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"RESERVATION_FAILURE\","
	                "\"body\":{\"characterId\":11}}");
	assert_int_equal(dt_col("status = 'AVAILABLE'", ID1), 1);
}

static void test_drop_on_reserve_lets_the_owner_party_in_within_the_window(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN", TXN_A,
	                         "{\"itemId\":2000000,\"quantity\":1,\"ownerId\":10,\"ownerPartyId\":77}"),
	                 COFFER_DONE);
	fh_clear();
	fh_set_now(T0 + SEC);
	assert_int_equal(dt_send("REQUEST_RESERVATION", TXN_B,
	                         "{\"dropId\":1000000001,\"characterId\":11,\"partyId\":78}"),
	                 COFFER_DONE);
	assert_string_equal(dt_type(0), "RESERVATION_FAILURE");
	assert_int_equal(dt_send("REQUEST_RESERVATION", TXN_B,
	                         "{\"dropId\":1000000001,\"characterId\":11,\"partyId\":77}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_string_equal(dt_type(1), "RESERVED");
	assert_int_equal(dt_body_int(1, "characterId"), 11);
	/* No petSlot in the request: the character itself. */
	assert_int_equal(dt_col("pet_slot", ID1), -1);
}

static void test_drop_on_reserve_frees_player_drops_and_unowned_drops_at_once(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN_FROM_CHARACTER", TXN_A,
	                         "{\"itemId\":2000000,\"quantity\":1,\"ownerId\":10,\"dropperId\":10,"
	                         "\"dropType\":2,\"playerDrop\":true}"),
	                 COFFER_DONE);
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	fh_clear();
	assert_int_equal(dt_reserve(TXN_B, ID1, 11, -1), COFFER_DONE);
	assert_int_equal(dt_reserve(TXN_B, ID2, 11, -1), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_string_equal(dt_type(0), "RESERVED");
	assert_string_equal(dt_type(1), "RESERVED");
}

static void test_drop_on_reserve_answers_a_drop_id_of_zero_with_a_failure(void **state)
{
	(void)state;
	assert_int_equal(dt_reserve(TXN_B, 0, 10, -1), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, 0, NULL,
	                "{\"transactionId\":\"" TXN_B "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":0,\"type\":\"RESERVATION_FAILURE\","
	                "\"body\":{\"characterId\":10}}");
}

static void test_drop_on_reserve_refuses_another_channel_and_keeps_the_drop(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	fh_clear();
	assert_int_equal(dt_send_at(NULL, "REQUEST_RESERVATION", TXN_B, 0, 2, MAP,
	                            "{\"dropId\":1000000001,\"characterId\":10}"),
	                 COFFER_DONE);
	assert_int_equal(dt_send_at(NULL, "REQUEST_RESERVATION", TXN_B, 1, 1, MAP,
	                            "{\"dropId\":1000000001,\"characterId\":10}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	dt_assert_event(0, ID1, NULL,
	                "{\"transactionId\":\"" TXN_B "\",\"worldId\":0,\"channelId\":2,"
	                "\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"RESERVATION_FAILURE\","
	                "\"body\":{\"characterId\":10}}");
	assert_string_equal(dt_type(1), "RESERVATION_FAILURE");
	assert_int_equal(dt_col("status = 'AVAILABLE'", ID1), 1);
}

static void test_drop_on_reserve_refuses_a_second_character_and_stays_silent_for_the_holder(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, 0), COFFER_DONE);
	fh_clear();
	fh_set_now(T0 + 100 * SEC);
	assert_int_equal(dt_reserve(TXN_C, ID1, 10, 1), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_reserve(TXN_C, ID1, 12, -1), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL,
	                "{\"transactionId\":\"" TXN_C "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"RESERVATION_FAILURE\","
	                "\"body\":{\"characterId\":12}}");
	assert_int_equal(dt_col("pet_slot", ID1), 0);
	assert_int_equal(dt_col("reserved_by", ID1), 10);
	assert_int_equal(dt_col("reserved_at = '2025-03-01 12:00:00'", ID1), 1);
}

static void test_drop_on_reserve_echoes_a_missing_transaction_id_as_nil(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	fh_clear();
	assert_int_equal(dt_send("REQUEST_RESERVATION", NULL, "{\"dropId\":1000000001,\"characterId\":10}"),
	                 COFFER_DONE);
	assert_string_equal(dt_type(0), "RESERVED");
	assert_string_equal(dt_str(0, "transactionId"), NIL);
}

static void test_drop_on_reserve_discards_bad_requests(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	fh_clear();
	static const char *const bodies[] = {
		"{\"dropId\":1000000001,\"characterId\":0}",
		"{\"dropId\":1000000001}",
		"{\"dropId\":1000000001,\"characterId\":10,\"petSlot\":128}",
		"{\"dropId\":1000000001,\"characterId\":10,\"petSlot\":-129}",
		"{\"dropId\":1000000001,\"characterId\":10,\"petSlot\":\"1\"}",
		"{\"dropId\":1000000001,\"characterId\":10,\"partyId\":-1}",
		"{\"dropId\":1000000001,\"characterId\":10,\"characterX\":32768}",
		"{\"dropId\":1000000001,\"characterId\":10,\"characterY\":1.0}",
		"{\"dropId\":\"1000000001\",\"characterId\":10}",
		"{\"dropId\":1000000001,\"characterId\":-10}",
		"7",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		assert_int_equal(dt_send("REQUEST_RESERVATION", TXN_B, bodies[i]), COFFER_REJECT);
	assert_int_equal(dt_send("REQUEST_RESERVATION", "junk", "{\"dropId\":1000000001,\"characterId\":10}"),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_col("status = 'AVAILABLE'", ID1), 1);
}

/* ------------------------------------------------------------------ CANCEL_RESERVATION */

static void test_drop_on_cancel_releases_the_holders_reservation(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	fh_set_now(T0 + 3 * SEC);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, 1), COFFER_DONE);
	fh_clear();
	assert_int_equal(dt_target("CANCEL_RESERVATION", TXN_B, ID1, 10), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL,
	                "{\"transactionId\":\"" TXN_B "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"RESERVATION_FAILURE\","
	                "\"body\":{\"characterId\":10}}");
	assert_int_equal(dt_col("status = 'AVAILABLE'", ID1), 1);
	assert_int_equal(dt_col("reserved_by", ID1), 0);
	assert_int_equal(dt_col("reserved_at IS NULL", ID1), 1);
	assert_int_equal(dt_col("pet_slot", ID1), -1);
	assert_int_equal(dt_col("drop_time = '2025-03-01 12:00:00'", ID1), 1);
	/* Available again, for anyone. */
	fh_clear();
	assert_int_equal(dt_reserve(TXN_C, ID1, 12, -1), COFFER_DONE);
	assert_string_equal(dt_type(0), "RESERVED");
}

static void test_drop_on_cancel_answers_but_changes_nothing_otherwise(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, 1), COFFER_DONE);
	fh_clear();
	/* Another character, another map, an AVAILABLE drop, an unknown drop, dropId 0. */
	assert_int_equal(dt_target("CANCEL_RESERVATION", TXN_C, ID1, 12), COFFER_DONE);
	assert_int_equal(dt_send_at(NULL, "CANCEL_RESERVATION", TXN_C, 0, 1, 100000001,
	                            "{\"dropId\":1000000001,\"characterId\":10}"),
	                 COFFER_DONE);
	assert_int_equal(dt_target("CANCEL_RESERVATION", TXN_C, ID2, 10), COFFER_DONE);
	assert_int_equal(dt_target("CANCEL_RESERVATION", TXN_C, 1999999999u, 10), COFFER_DONE);
	assert_int_equal(dt_target("CANCEL_RESERVATION", NULL, 0, 10), COFFER_DONE);
	assert_int_equal(fh_count(), 5);
	dt_assert_event(1, ID1, NULL,
	                "{\"transactionId\":\"" TXN_C "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000001,\"dropId\":1000000001,\"type\":\"RESERVATION_FAILURE\","
	                "\"body\":{\"characterId\":10}}");
	dt_assert_event(3, 1999999999u, NULL,
	                "{\"transactionId\":\"" TXN_C "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":1999999999,\"type\":\"RESERVATION_FAILURE\","
	                "\"body\":{\"characterId\":10}}");
	dt_assert_event(4, 0, NULL,
	                "{\"transactionId\":\"" NIL "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":0,\"type\":\"RESERVATION_FAILURE\","
	                "\"body\":{\"characterId\":10}}");
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(dt_type(i), "RESERVATION_FAILURE");
	assert_int_equal(dt_body_int(0, "characterId"), 12);
	assert_int_equal(dt_col("reserved_by", ID1), 10);
	assert_int_equal(dt_col("pet_slot", ID1), 1);
	assert_int_equal(dt_col("status = 'AVAILABLE'", ID2), 1);
}

static void test_drop_on_cancel_discards_bad_requests(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, 1), COFFER_DONE);
	fh_clear();
	assert_int_equal(dt_target("CANCEL_RESERVATION", TXN_B, ID1, 0), COFFER_REJECT);
	assert_int_equal(dt_send("CANCEL_RESERVATION", TXN_B, "{\"dropId\":1000000001,\"characterId\":true}"),
	                 COFFER_REJECT);
	assert_int_equal(dt_send("CANCEL_RESERVATION", TXN_B, "{\"dropId\":-5,\"characterId\":10}"),
	                 COFFER_REJECT);
	assert_int_equal(dt_send("CANCEL_RESERVATION", "", "{\"dropId\":1000000001,\"characterId\":10}"),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_col("reserved_by", ID1), 10);
}

/* ------------------------------------------------------------------ REQUEST_PICK_UP */

static void test_drop_on_pick_up_by_the_holder_removes_the_drop_with_its_pet_slot(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN", TXN_A, "{\"mesos\":250,\"ownerId\":12345}"), COFFER_DONE);
	assert_int_equal(dt_reserve(TXN_B, ID1, 12345, 0), COFFER_DONE);
	fh_clear();
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_B, ID1, 12345), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL,
	                "{\"transactionId\":\"" TXN_B "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"PICKED_UP\",\"body\":{"
	                "\"characterId\":12345,\"itemId\":0,\"equipmentId\":0,\"quantity\":0,"
	                "\"meso\":250,\"petSlot\":0," ZERO_STATS "}}");
	assert_int_equal(dt_drops(NULL), 0);
	/* The pick-up is no credit: no marker is written by this side. */
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM drop_pickups", NULL, 0, -1), 0);
}

static void test_drop_on_pick_up_by_another_character_removes_the_drop_with_pet_slot_minus_one(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 3, 0), COFFER_DONE);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, 2), COFFER_DONE);
	fh_clear();
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_C, ID1, 11), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL,
	                "{\"transactionId\":\"" TXN_C "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"PICKED_UP\",\"body\":{"
	                "\"characterId\":11,\"itemId\":2000000,\"equipmentId\":0,\"quantity\":3,"
	                "\"meso\":0,\"petSlot\":-1," ZERO_STATS "}}");
	assert_int_equal(dt_drops(NULL), 0);
}

static void test_drop_on_pick_up_ignores_unknown_drops_and_other_maps(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 3, 0), COFFER_DONE);
	fh_clear();
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_C, ID2, 11), COFFER_DONE);
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_C, 0, 11), COFFER_DONE);
	assert_int_equal(dt_send_at(FH_TENANT2, "REQUEST_PICK_UP", TXN_C, 0, 1, MAP,
	                            "{\"dropId\":1000000001,\"characterId\":11}"),
	                 COFFER_DONE);
	assert_int_equal(dt_send_at(NULL, "REQUEST_PICK_UP", TXN_C, 0, 1, 100000001,
	                            "{\"dropId\":1000000001,\"characterId\":11}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_drops(NULL), 1);
}

static void test_drop_on_pick_up_discards_bad_requests(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 3, 0), COFFER_DONE);
	fh_clear();
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_C, ID1, 0), COFFER_REJECT);
	assert_int_equal(dt_send("REQUEST_PICK_UP", TXN_C, "{\"dropId\":1000000001}"), COFFER_REJECT);
	assert_int_equal(dt_send("REQUEST_PICK_UP", TXN_C, "{\"dropId\":1000000001,\"characterId\":4294967296}"),
	                 COFFER_REJECT);
	assert_int_equal(dt_send("REQUEST_PICK_UP", TXN_C, "null"), COFFER_REJECT); /* body: no fields */
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_drops(NULL), 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, dt_clean)
	const struct CMUnitTest tests[] = {
		T(test_drop_handles_the_five_commands_and_the_inventory_half),
		T(test_drop_does_nothing_for_a_tenant_without_the_feature),
		T(test_drop_on_spawn_creates_an_available_item_drop_and_announces_it),
		T(test_drop_spawns_examples_a_and_c_with_their_exact_events),
		T(test_drop_example_b_reserves_and_picks_up_the_sword),
		T(test_drop_on_spawn_marks_equipment_with_its_own_id_and_ignores_body_equipment_id),
		T(test_drop_on_spawn_from_character_uses_the_drop_id_when_equipment_id_is_zero),
		T(test_drop_on_spawn_from_character_zeroes_equipment_id_and_stats_of_items),
		T(test_drop_on_spawn_zeroes_quantity_of_meso_drops),
		T(test_drop_on_spawn_takes_defaults_for_null_and_ignores_unknown_fields),
		T(test_drop_on_spawn_writes_an_uppercase_transaction_id_lowercase),
		T(test_drop_on_spawn_discards_invalid_spawns),
		T(test_drop_ids_count_per_tenant_from_1000000001),
		T(test_drop_ids_wrap_after_2000000000),
		T(test_drop_ids_skip_ids_of_live_drops),
		T(test_drop_ids_skip_live_ids_across_the_wrap),
		T(test_drop_spawn_removes_the_pick_up_marker_left_under_its_id),
		T(test_drop_on_reserve_grants_the_owner_and_stores_the_reservation),
		T(test_drop_on_reserve_refuses_stranger_within_ownership_window),
		T(test_drop_on_reserve_lets_the_owner_party_in_within_the_window),
		T(test_drop_on_reserve_frees_player_drops_and_unowned_drops_at_once),
		T(test_drop_on_reserve_answers_a_drop_id_of_zero_with_a_failure),
		T(test_drop_on_reserve_refuses_another_channel_and_keeps_the_drop),
		T(test_drop_on_reserve_refuses_a_second_character_and_stays_silent_for_the_holder),
		T(test_drop_on_reserve_echoes_a_missing_transaction_id_as_nil),
		T(test_drop_on_reserve_discards_bad_requests),
		T(test_drop_on_cancel_releases_the_holders_reservation),
		T(test_drop_on_cancel_answers_but_changes_nothing_otherwise),
		T(test_drop_on_cancel_discards_bad_requests),
		T(test_drop_on_pick_up_by_the_holder_removes_the_drop_with_its_pet_slot),
		T(test_drop_on_pick_up_by_another_character_removes_the_drop_with_pet_slot_minus_one),
		T(test_drop_on_pick_up_ignores_unknown_drops_and_other_maps),
		T(test_drop_on_pick_up_discards_bad_requests),
	};
#undef T
	return cmocka_run_group_tests_name("test_drop_commands", tests, dt_setup, dt_teardown);
}
