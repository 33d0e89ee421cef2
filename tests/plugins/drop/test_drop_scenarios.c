/* SPDX-License-Identifier: MIT */
/* tests/plugins/drop/test_drop_scenarios.c: the conformance scenarios of kafka-contract.md#worked-examples.
 *
 * One tenant, map (0, 1, 100000000), fresh sequence, default settings (window
 * 15 s, duration 180 s, grace 60 s). Rows that continue "after N" replay the
 * steps of row N from an empty tenant first. Each test is named after its row.
 * Row 22 (a command without a valid TENANT_ID) is the host's bus's job: the fake
 * host hands every message a tenant, so it cannot be expressed here. */
#include "drop_test.h"

#define TASK "drop_expiration_task"
#define AT(s) fh_set_now(T0 + (int64_t)((s) * 1e6 + 0.5))

/* Row 1: SPAWN item 2000000 x5, owner 10, t=0. */
static void row1(void)
{
	AT(0);
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
}

/* Row 9: after 1, RESERVE char 10 petSlot 1 at t=1, then petSlot -1. */
static void row9(void)
{
	row1();
	AT(1);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, 1), COFFER_DONE);
	assert_int_equal(dt_reserve(TXN_C, ID1, 10, -1), COFFER_DONE);
}

/* Event @p i is @p type for (dropId, characterId). */
static void assert_ev(size_t i, const char *type, uint32_t drop, uint32_t character)
{
	assert_string_equal(dt_type(i), type);
	assert_int_equal(fh_event(i)->key, drop);
	const struct fh_event *e = fh_event(i);
	assert_int_equal(json_integer_value(json_object_get(e->value, "dropId")), drop);
	if (character)
		assert_int_equal(dt_body_int(i, "characterId"), character);
}

static void test_scenario_01_spawn_creates_the_first_drop(void **state)
{
	(void)state;
	row1();
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "CREATED", ID1, 0);
	assert_int_equal(dt_body_int(0, "quantity"), 5);
	assert_int_equal(dt_body_int(0, "ownerId"), 10);
}

static void test_scenario_02_spawn_of_nothing_is_discarded(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN", TXN_A, "{\"itemId\":0,\"mesos\":0}"), COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_drops(NULL), 0);
}

static void test_scenario_03_spawn_of_item_and_meso_is_discarded(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN", TXN_A, "{\"itemId\":2000000,\"quantity\":1,\"mesos\":10}"),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_drops(NULL), 0);
}

static void test_scenario_04_spawn_of_zero_items_is_discarded(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN", TXN_A, "{\"itemId\":2000000,\"quantity\":0}"), COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_drops(NULL), 0);
}

static void test_scenario_05_equipment_spawn_is_one_piece_marked_with_its_id(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN", TXN_A, "{\"itemId\":1302000,\"quantity\":7}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "CREATED", ID1, 0);
	assert_int_equal(dt_body_int(0, "quantity"), 1);
	fh_clear();
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, -1), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL,
	                "{\"transactionId\":\"" TXN_B "\",\"worldId\":0,\"channelId\":1,"
	                "\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"RESERVED\",\"body\":{"
	                "\"characterId\":10,\"itemId\":1302000,\"equipmentId\":1000000001,"
	                "\"quantity\":1,\"meso\":0," ZERO_STATS "}}");
}

static void test_scenario_06_reserving_an_unknown_drop_fails(void **state)
{
	(void)state;
	assert_int_equal(dt_reserve(TXN_B, 1999999999u, 10, -1), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "RESERVATION_FAILURE", 1999999999u, 10);
}

static void test_scenario_07_stranger_fails_within_the_window(void **state)
{
	(void)state;
	row1();
	fh_clear();
	AT(5);
	assert_int_equal(dt_reserve(TXN_B, ID1, 11, -1), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "RESERVATION_FAILURE", ID1, 11);
	assert_int_equal(dt_col("status = 'AVAILABLE'", ID1), 1);
}

static void test_scenario_08_stranger_succeeds_when_the_window_is_over(void **state)
{
	(void)state;
	row1();
	fh_clear();
	AT(15.000000);
	assert_int_equal(dt_reserve(TXN_B, ID1, 11, -1), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "RESERVED", ID1, 11);
}

static void test_scenario_09_holder_repeating_the_request_gets_nothing(void **state)
{
	(void)state;
	row9();
	/* Row 1's CREATED, then RESERVED once: the repeated request is silent. */
	assert_int_equal(fh_count(), 2);
	assert_ev(1, "RESERVED", ID1, 10);
	assert_int_equal(dt_col("pet_slot", ID1), 1);
}

static void test_scenario_10_second_character_fails_on_a_reserved_drop(void **state)
{
	(void)state;
	row9();
	fh_clear();
	assert_int_equal(dt_reserve(TXN_C, ID1, 12, -1), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "RESERVATION_FAILURE", ID1, 12);
}

static void test_scenario_11_cancel_by_another_character_fails_and_keeps_the_reservation(void **state)
{
	(void)state;
	row9();
	fh_clear();
	assert_int_equal(dt_target("CANCEL_RESERVATION", TXN_C, ID1, 12), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "RESERVATION_FAILURE", ID1, 12);
	assert_int_equal(dt_col("status = 'RESERVED'", ID1), 1);
	assert_int_equal(dt_col("reserved_by", ID1), 10);
}

static void test_scenario_12_cancel_by_the_holder_makes_the_drop_available(void **state)
{
	(void)state;
	row9();
	fh_clear();
	assert_int_equal(dt_target("CANCEL_RESERVATION", TXN_C, ID1, 10), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "RESERVATION_FAILURE", ID1, 10);
	assert_int_equal(dt_col("status = 'AVAILABLE'", ID1), 1);
	assert_int_equal(dt_col("pet_slot", ID1), -1);
}

static void test_scenario_13_pick_up_by_the_holder_reports_its_pet_slot(void **state)
{
	(void)state;
	row9();
	fh_clear();
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_B, ID1, 10), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "PICKED_UP", ID1, 10);
	assert_int_equal(dt_body_int(0, "petSlot"), 1);
	assert_int_equal(dt_drops(NULL), 0);
}

static void test_scenario_14_second_pick_up_announces_nothing(void **state)
{
	(void)state;
	row9();
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_B, ID1, 10), COFFER_DONE);
	fh_clear();
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_B, ID1, 10), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
}

static void test_scenario_15_pick_up_of_an_available_drop_by_anyone(void **state)
{
	(void)state;
	row1();
	fh_clear();
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_B, ID1, 77), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "PICKED_UP", ID1, 77);
	assert_int_equal(dt_body_int(0, "petSlot"), -1);
}

static void test_scenario_16_sweep_after_the_duration_expires_with_the_creation_id(void **state)
{
	(void)state;
	row1();
	const char *created_txn = dt_str(0, "transactionId");
	assert_string_equal(created_txn, TXN_A);
	AT(180.000001);
	assert_int_equal(fh_run_task(TASK), 1);
	assert_int_equal(fh_count(), 2);
	assert_ev(1, "EXPIRED", ID1, 0);
	assert_string_equal(dt_str(1, "transactionId"), TXN_A);
	assert_int_equal(json_object_size(json_object_get(fh_event(1)->value, "body")), 0);
}

static void test_scenario_17_sweep_at_exactly_the_duration_expires_nothing(void **state)
{
	(void)state;
	row1();
	fh_clear();
	AT(180);
	assert_int_equal(fh_run_task(TASK), 0);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_drops(NULL), 1);
}

static void test_scenario_18_reserved_drop_expires_after_its_grace(void **state)
{
	(void)state;
	row1();
	AT(170);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, -1), COFFER_DONE);
	fh_clear();
	AT(181);
	assert_int_equal(fh_run_task(TASK), 0);
	assert_int_equal(fh_count(), 0);
	AT(230.000001);
	assert_int_equal(fh_run_task(TASK), 1);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "EXPIRED", ID1, 0);
}

static void test_scenario_19_cancelled_drop_expires_from_its_drop_time(void **state)
{
	(void)state;
	row1();
	fh_clear();
	AT(170);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, -1), COFFER_DONE);
	AT(200);
	assert_int_equal(dt_target("CANCEL_RESERVATION", TXN_B, ID1, 10), COFFER_DONE);
	AT(201);
	assert_int_equal(fh_run_task(TASK), 1);
	assert_int_equal(fh_count(), 3);
	assert_ev(0, "RESERVED", ID1, 10);
	assert_ev(1, "RESERVATION_FAILURE", ID1, 10);
	assert_ev(2, "EXPIRED", ID1, 0);
}

static void test_scenario_20_another_tenant_cannot_reserve_the_drop(void **state)
{
	(void)state;
	row1();
	fh_clear();
	assert_int_equal(dt_send_at(FH_TENANT2, "REQUEST_RESERVATION", TXN_B, 0, 1, MAP,
	                            "{\"dropId\":1000000001,\"characterId\":10}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "RESERVATION_FAILURE", ID1, 10);
	assert_string_equal(fh_event(0)->tenant.id, FH_TENANT2);
	assert_int_equal(dt_col("status = 'AVAILABLE'", ID1), 1);
	assert_int_equal(dt_col("reserved_by", ID1), 0);
}

static void test_scenario_21_reserving_from_another_map_fails(void **state)
{
	(void)state;
	row1();
	fh_clear();
	assert_int_equal(dt_send_at(NULL, "REQUEST_RESERVATION", TXN_B, 0, 1, 100000001,
	                            "{\"dropId\":1000000001,\"characterId\":10}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "RESERVATION_FAILURE", ID1, 10);
	assert_int_equal(json_integer_value(json_object_get(fh_event(0)->value, "mapId")), 100000001);
	assert_int_equal(dt_col("status = 'AVAILABLE'", ID1), 1);
}

static void test_scenario_23_spawn_with_an_empty_transaction_id_is_discarded(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN", "", "{\"itemId\":2000000,\"quantity\":5}"), COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_drops(NULL), 0);
}

static void test_scenario_24_spawn_without_transaction_id_carries_the_nil_uuid(void **state)
{
	(void)state;
	assert_int_equal(dt_send("SPAWN", NULL, "{\"itemId\":2000000,\"quantity\":5}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, "CREATED", ID1, 0);
	assert_string_equal(dt_str(0, "transactionId"), NIL);
	assert_int_equal(dt_col("transaction_id = '" NIL "'", ID1), 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, dt_clean)
	const struct CMUnitTest tests[] = {
		T(test_scenario_01_spawn_creates_the_first_drop),
		T(test_scenario_02_spawn_of_nothing_is_discarded),
		T(test_scenario_03_spawn_of_item_and_meso_is_discarded),
		T(test_scenario_04_spawn_of_zero_items_is_discarded),
		T(test_scenario_05_equipment_spawn_is_one_piece_marked_with_its_id),
		T(test_scenario_06_reserving_an_unknown_drop_fails),
		T(test_scenario_07_stranger_fails_within_the_window),
		T(test_scenario_08_stranger_succeeds_when_the_window_is_over),
		T(test_scenario_09_holder_repeating_the_request_gets_nothing),
		T(test_scenario_10_second_character_fails_on_a_reserved_drop),
		T(test_scenario_11_cancel_by_another_character_fails_and_keeps_the_reservation),
		T(test_scenario_12_cancel_by_the_holder_makes_the_drop_available),
		T(test_scenario_13_pick_up_by_the_holder_reports_its_pet_slot),
		T(test_scenario_14_second_pick_up_announces_nothing),
		T(test_scenario_15_pick_up_of_an_available_drop_by_anyone),
		T(test_scenario_16_sweep_after_the_duration_expires_with_the_creation_id),
		T(test_scenario_17_sweep_at_exactly_the_duration_expires_nothing),
		T(test_scenario_18_reserved_drop_expires_after_its_grace),
		T(test_scenario_19_cancelled_drop_expires_from_its_drop_time),
		T(test_scenario_20_another_tenant_cannot_reserve_the_drop),
		T(test_scenario_21_reserving_from_another_map_fails),
		T(test_scenario_23_spawn_with_an_empty_transaction_id_is_discarded),
		T(test_scenario_24_spawn_without_transaction_id_carries_the_nil_uuid),
	};
#undef T
	return cmocka_run_group_tests_name("test_drop_scenarios", tests, dt_setup, dt_teardown);
}
