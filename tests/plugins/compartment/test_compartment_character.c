/* SPDX-License-Identifier: MIT */
/* tests/plugins/compartment/test_compartment_character.c: EVENT_TOPIC_CHARACTER_STATUS on the
 * fake host (kafka-contract.md#character-events): CREATED makes five compartments with their events in type order,
 * DELETED removes every asset and compartment in a fixed order, bad input is dead-lettered, and
 * two tenants with the same character id never see each other's rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compartment_fixture.h"
#include "util.h"

static int created(const char *tenant, uint32_t character)
{
	return cf_send(CF_CHR, tenant,
	               "{\"characterId\":%u,\"type\":\"CREATED\",\"worldId\":0,"
	               "\"body\":{\"name\":\"Alice\"}}",
	               character);
}

static int deleted(const char *tenant, uint32_t character)
{
	return cf_send(CF_CHR, tenant,
	               "{\"characterId\":%u,\"type\":\"DELETED\",\"worldId\":0,\"body\":{}}", character);
}

static int64_t compartments(const char *tenant, uint32_t character)
{
	return fh_scalar("SELECT COUNT(*) FROM compartments WHERE tenant_id = ? AND character_id = ?",
	                 COFFER_ARGS(COFFER_S(tenant), COFFER_U(character)), -1);
}

/* The transaction id of event @p i; a v4 UUID minted by the handler. */
static const char *event_tx(size_t i)
{
	const char *t = json_string_value(json_object_get(fh_event(i)->value, "transactionId"));
	assert_non_null(t);
	char canon[37];
	assert_true(cu_uuid_parse(t, strlen(t), canon));
	assert_string_equal(canon, t);
	assert_int_equal(t[14], '4');
	assert_string_not_equal(t, CF_NIL);
	return t;
}

/* ------------------------------------------------------------------ CREATED */

static void test_created_makes_five_compartments_then_inventory_created(void **state)
{
	(void)state;
	uint32_t ch = cf_next_character();
	assert_int_equal(created(FH_TENANT, ch), COFFER_DONE);
	assert_int_equal(fh_count(), 6);
	const char *t = event_tx(0);
	char want[512];
	for (int type = 1; type <= 5; type++) {
		const char *id =
			json_string_value(json_object_get(fh_event((size_t)type - 1)->value, "compartmentId"));
		assert_non_null(id);
		snprintf(want, sizeof want,
		         "{\"transactionId\":\"%s\",\"characterId\":%u,\"compartmentId\":\"%s\","
		         "\"type\":\"CREATED\",\"body\":{\"type\":%d,\"capacity\":24}}",
		         t, ch, id, type);
		cf_expect_event((size_t)type - 1, CF_COMP, ch, FH_TENANT, want);
		/* The row behind the event: its id, type and the initial capacity. */
		assert_int_equal(fh_scalar("SELECT COUNT(*) FROM compartments WHERE tenant_id = ? AND "
		                           "id = ? AND character_id = ? AND inventory_type = ? AND "
		                           "capacity = 24",
		                           COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_S(id), COFFER_U(ch),
		                                       COFFER_I(type)),
		                           -1),
		                 1);
	}
	snprintf(want, sizeof want, "{\"characterId\":%u,\"type\":\"CREATED\",\"body\":{}}", ch);
	cf_expect_event(5, CF_INV, ch, FH_TENANT, want);
	assert_int_equal(compartments(FH_TENANT, ch), 5);
}

static void test_created_mints_a_new_transaction_id_per_message(void **state)
{
	(void)state;
	uint32_t a = cf_next_character(), b = cf_next_character();
	assert_int_equal(created(FH_TENANT, a), COFFER_DONE);
	assert_int_equal(created(FH_TENANT, b), COFFER_DONE);
	assert_int_equal(fh_count(), 12);
	assert_string_equal(event_tx(0), event_tx(4));
	assert_string_not_equal(event_tx(0), event_tx(6));
}

static void test_created_again_changes_nothing_when_any_compartment_exists(void **state)
{
	(void)state;
	struct cf_inv inv;
	cf_inventory(FH_TENANT, cf_next_character(), &inv);
	/* OP-23: one compartment left is enough to count as existing. */
	assert_int_equal(fh_exec("DELETE FROM compartments WHERE tenant_id = ? AND character_id = ? "
	                         "AND inventory_type <> 4",
	                         COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(inv.character))),
	                 0);
	int64_t before = cf_state(FH_TENANT);
	assert_int_equal(created(FH_TENANT, inv.character), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(cf_state(FH_TENANT), before);
	assert_int_equal(compartments(FH_TENANT, inv.character), 1);
}

static void test_created_rejects_character_zero_and_undecodable_input(void **state)
{
	(void)state;
	int64_t before = cf_state(FH_TENANT);
	assert_int_equal(created(FH_TENANT, 0), COFFER_REJECT);
	assert_true(strlen(fh_reason()) > 0);
	assert_int_equal(cf_send(CF_CHR, FH_TENANT,
	                         "{\"characterId\":\"1001\",\"type\":\"CREATED\",\"body\":{}}"),
	                 COFFER_REJECT);
	assert_int_equal(cf_send(CF_CHR, FH_TENANT,
	                         "{\"characterId\":1001,\"type\":\"CREATED\",\"body\":[]}"),
	                 COFFER_REJECT);
	assert_int_equal(cf_send(CF_CHR, FH_TENANT,
	                         "{\"characterId\":1001,\"type\":\"CREATED\",\"body\":{\"name\":7}}"),
	                 COFFER_REJECT);
	assert_int_equal(cf_send(CF_CHR, FH_TENANT,
	                         "{\"characterId\":1001,\"type\":\"CREATED\",\"worldId\":256,"
	                         "\"body\":{}}"),
	                 COFFER_REJECT);
	assert_int_equal(cf_send(CF_CHR, FH_TENANT,
	                         "{\"characterId\":4294967296,\"type\":\"CREATED\",\"body\":{}}"),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(cf_state(FH_TENANT), before);
}

static void test_created_accepts_missing_fields_besides_the_character(void **state)
{
	(void)state;
	uint32_t ch = cf_next_character();
	/* kafka-contract.md#json-as-read: missing fields take their zero value; name and worldId are not used. */
	assert_int_equal(cf_send(CF_CHR, FH_TENANT, "{\"characterId\":%u,\"type\":\"CREATED\"}", ch),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 6);
	assert_int_equal(compartments(FH_TENANT, ch), 5);
}

static void test_other_character_status_types_are_not_handled(void **state)
{
	(void)state;
	assert_int_equal(cf_send(CF_CHR, FH_TENANT,
	                         "{\"characterId\":77,\"type\":\"LOGIN\",\"worldId\":0,\"body\":{}}"),
	                 FH_NO_HANDLER);
	assert_int_equal(fh_count(), 0);
}

/* ------------------------------------------------------------------ DELETED */

static void test_deleted_removes_everything_in_type_then_slot_order(void **state)
{
	(void)state;
	struct cf_inv inv;
	cf_inventory(FH_TENANT, cf_next_character(), &inv);
	uint32_t bag_sword = cf_put(&inv, 1, 2, 1302000, 1);
	uint32_t worn_top = cf_put(&inv, 1, -5, 1040002, 1);
	uint32_t worn_weapon = cf_put(&inv, 1, -11, 1302001, 1);
	uint32_t potion = cf_put(&inv, 2, 7, 2000000, 30);
	uint32_t etc = cf_put(&inv, 4, 1, 4000000, 5);
	/* OP-13: cash and pet rows are deleted too. */
	uint32_t pet = cf_put(&inv, 5, 3, 5000000, 1);
	uint32_t cash = cf_put(&inv, 5, 1, 5010000, 2);

	assert_int_equal(deleted(FH_TENANT, inv.character), COFFER_DONE);
	assert_int_equal(fh_count(), 7 + 5 + 1);
	const char *t = event_tx(0);
	char want[512];
	size_t i = 0;
	const struct {
		uint8_t type;
		uint32_t asset, template_id;
		int16_t slot;
	} order[] = {
		{1, worn_weapon, 1302001, -11}, {1, worn_top, 1040002, -5}, {1, bag_sword, 1302000, 2},
		{2, potion, 2000000, 7},        {4, etc, 4000000, 1},       {5, cash, 5010000, 1},
		{5, pet, 5000000, 3},
	};
	size_t k = 0;
	for (uint8_t type = 1; type <= 5; type++) {
		for (; k < sizeof order / sizeof order[0] && order[k].type == type; k++) {
			snprintf(want, sizeof want,
			         "{\"transactionId\":\"%s\",\"characterId\":%u,\"compartmentId\":\"%s\","
			         "\"assetId\":%u,\"templateId\":%u,\"slot\":%d,\"type\":\"DELETED\","
			         "\"body\":{}}",
			         t, inv.character, inv.comp[type], order[k].asset, order[k].template_id,
			         order[k].slot);
			cf_expect_event(i++, CF_ASSET, inv.character, FH_TENANT, want);
		}
		snprintf(want, sizeof want,
		         "{\"transactionId\":\"%s\",\"characterId\":%u,\"compartmentId\":\"%s\","
		         "\"type\":\"DELETED\",\"body\":{}}",
		         t, inv.character, inv.comp[type]);
		cf_expect_event(i++, CF_COMP, inv.character, FH_TENANT, want);
	}
	snprintf(want, sizeof want, "{\"characterId\":%u,\"type\":\"DELETED\",\"body\":{}}",
	         inv.character);
	cf_expect_event(i++, CF_INV, inv.character, FH_TENANT, want);
	assert_int_equal(compartments(FH_TENANT, inv.character), 0);
	assert_int_equal(cf_slot(FH_TENANT, pet), CF_GONE);
	assert_int_equal(cf_slot(FH_TENANT, worn_top), CF_GONE);
	assert_int_equal(cf_count_assets(&inv), 0);
}

static void test_deleted_without_inventory_still_emits_inventory_deleted(void **state)
{
	(void)state;
	uint32_t ch = cf_next_character();
	int64_t before = cf_state(FH_TENANT);
	assert_int_equal(deleted(FH_TENANT, ch), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	char want[128];
	snprintf(want, sizeof want, "{\"characterId\":%u,\"type\":\"DELETED\",\"body\":{}}", ch);
	cf_expect_event(0, CF_INV, ch, FH_TENANT, want);
	assert_int_equal(cf_state(FH_TENANT), before);
}

static void test_deleted_rejects_character_zero_and_undecodable_input(void **state)
{
	(void)state;
	int64_t before = cf_state(FH_TENANT);
	assert_int_equal(deleted(FH_TENANT, 0), COFFER_REJECT);
	assert_int_equal(cf_send(CF_CHR, FH_TENANT,
	                         "{\"characterId\":-4,\"type\":\"DELETED\",\"body\":{}}"),
	                 COFFER_REJECT);
	assert_int_equal(cf_send(CF_CHR, FH_TENANT,
	                         "{\"characterId\":12,\"type\":\"DELETED\",\"body\":\"x\"}"),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(cf_state(FH_TENANT), before);
}

static void test_created_after_deleted_makes_a_fresh_inventory(void **state)
{
	(void)state;
	struct cf_inv inv, again;
	uint32_t ch = cf_next_character();
	cf_inventory(FH_TENANT, ch, &inv);
	assert_int_equal(deleted(FH_TENANT, ch), COFFER_DONE);
	cf_inventory(FH_TENANT, ch, &again);
	assert_int_equal(compartments(FH_TENANT, ch), 5);
	assert_string_not_equal(inv.comp[1], again.comp[1]);
}

/* ------------------------------------------------------------------ tenants */

static void test_tenants_with_the_same_character_id_are_separate(void **state)
{
	(void)state;
	uint32_t ch = cf_next_character();
	struct cf_inv one, two;
	cf_inventory(FH_TENANT2, ch, &two);
	/* Tenant 2's rows do not make tenant 1's inventory "exist" (OP-23 is per tenant). */
	cf_inventory(FH_TENANT, ch, &one);
	assert_int_equal(compartments(FH_TENANT, ch), 5);
	assert_int_equal(compartments(FH_TENANT2, ch), 5);
	uint32_t mine = cf_put(&one, 2, 1, 2000000, 5);
	uint32_t theirs = cf_put(&two, 2, 1, 2000000, 5);
	int64_t other = cf_state(FH_TENANT2);

	assert_int_equal(deleted(FH_TENANT, ch), COFFER_DONE);
	for (size_t i = 0; i < fh_count(); i++)
		assert_string_equal(fh_event(i)->tenant.id, FH_TENANT);
	assert_non_null(fh_find(CF_ASSET, "DELETED", 0));
	assert_null(fh_find(CF_ASSET, "DELETED", 1));
	assert_int_equal(cf_slot(FH_TENANT, mine), CF_GONE);
	assert_int_equal(cf_slot(FH_TENANT2, theirs), 1);
	assert_int_equal(compartments(FH_TENANT, ch), 0);
	assert_int_equal(compartments(FH_TENANT2, ch), 5);
	assert_int_equal(cf_state(FH_TENANT2), other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_created_makes_five_compartments_then_inventory_created,
		                       cf_reset),
		cmocka_unit_test_setup(test_created_mints_a_new_transaction_id_per_message, cf_reset),
		cmocka_unit_test_setup(test_created_again_changes_nothing_when_any_compartment_exists,
		                       cf_reset),
		cmocka_unit_test_setup(test_created_rejects_character_zero_and_undecodable_input,
		                       cf_reset),
		cmocka_unit_test_setup(test_created_accepts_missing_fields_besides_the_character,
		                       cf_reset),
		cmocka_unit_test_setup(test_other_character_status_types_are_not_handled, cf_reset),
		cmocka_unit_test_setup(test_deleted_removes_everything_in_type_then_slot_order, cf_reset),
		cmocka_unit_test_setup(test_deleted_without_inventory_still_emits_inventory_deleted,
		                       cf_reset),
		cmocka_unit_test_setup(test_deleted_rejects_character_zero_and_undecodable_input,
		                       cf_reset),
		cmocka_unit_test_setup(test_created_after_deleted_makes_a_fresh_inventory, cf_reset),
		cmocka_unit_test_setup(test_tenants_with_the_same_character_id_are_separate, cf_reset),
	};
	return cmocka_run_group_tests_name("test_compartment_character", tests, cf_setup,
	                                   cf_teardown);
}
