/* SPDX-License-Identifier: MIT */
/* tests/plugins/compartment/test_compartment_commands.c: the COMMAND_TOPIC_COMPARTMENT types of
 * the compartment plugin on the fake host (kafka-contract.md#equip, 9.2, 9.3, 9.9, 9.12, 9.13):
 * success with the exact events in order (example A.1, A.2, A.3), every business failure (DONE,
 * no change, no event), bad input (REJECT), the FEATURE_DISABLED refusal, and tenant isolation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compartment_fixture.h"

/* A command that must fail as a business failure: DONE, no event, no change (kafka-contract.md#processing-model). */
static void expect_no_effect(const struct cf_inv *inv, int type, const char *name,
                             const char *body)
{
	int64_t before = cf_state(inv->tenant);
	fh_clear();
	assert_int_equal(cf_cmd(inv, type, name, body), COFFER_DONE);
	if (fh_count() != 0)
		fh_dump();
	assert_int_equal(fh_count(), 0);
	assert_int_equal(cf_state(inv->tenant), before);
}

/* A command that is bad input: REJECT with a reason, no event, no change. */
static void expect_reject(const struct cf_inv *inv, int type, const char *name, const char *body)
{
	int64_t before = cf_state(inv->tenant);
	fh_clear();
	assert_int_equal(cf_cmd(inv, type, name, body), COFFER_REJECT);
	assert_true(strlen(fh_reason()) > 0);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(cf_state(inv->tenant), before);
}

static void inventory(struct cf_inv *inv)
{
	cf_inventory(FH_TENANT, cf_next_character(), inv);
}

/* ------------------------------------------------------------------ EQUIP (kafka-contract.md#equip) */

/* example A.1: bag 1, 2, 4 occupied, overall in 3, top at -5, pants at -6. */
struct a1 {
	struct cf_inv inv;
	uint32_t overall, top, pants;
};

static void a1_setup(struct a1 *f)
{
	inventory(&f->inv);
	cf_put(&f->inv, 1, 1, 1302000, 1);
	cf_put(&f->inv, 1, 2, 1302000, 1);
	f->overall = cf_put(&f->inv, 1, 3, 1050000, 1);
	cf_put(&f->inv, 1, 4, 1302000, 1);
	f->top = cf_put(&f->inv, 1, -5, 1040002, 1);
	f->pants = cf_put(&f->inv, 1, -6, 1060002, 1);
}

static void test_equip_overall_swaps_top_and_moves_pants_out_as_in_a1(void **state)
{
	(void)state;
	struct a1 f;
	a1_setup(&f);
	assert_int_equal(cf_cmd(&f.inv, 1, "EQUIP", "{\"source\":3,\"destination\":-5}"), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	cf_expect_moved(&f.inv, 0, 1, f.overall, 1050000, -5, 3);
	cf_expect_moved(&f.inv, 1, 1, f.pants, 1060002, 5, -6);
	assert_int_equal(cf_slot(FH_TENANT, f.overall), -5);
	assert_int_equal(cf_slot(FH_TENANT, f.top), 3);
	assert_int_equal(cf_slot(FH_TENANT, f.pants), 5);
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM assets WHERE tenant_id = ? AND slot = ?",
	                           COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_I(COFFER_SLOT_TEMP)), -1),
	                 0);
}

static void test_equip_overall_with_a_full_bag_and_pants_changes_nothing(void **state)
{
	(void)state;
	struct a1 f;
	a1_setup(&f);
	cf_fill(&f.inv, 1, 5, 24);
	/* OP-3: all or nothing, not even the MOVED of the overall. */
	expect_no_effect(&f.inv, 1, "EQUIP", "{\"source\":3,\"destination\":-5}");
	assert_int_equal(cf_slot(FH_TENANT, f.overall), 3);
}

static void test_equip_overall_without_pants_needs_no_free_slot(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	cf_fill(&inv, 1, 1, 2);
	uint32_t overall = cf_put(&inv, 1, 3, 1050000, 1);
	cf_fill(&inv, 1, 4, 24);
	uint32_t top = cf_put(&inv, 1, -5, 1040002, 1);
	/* OP-4: the reference failed here because it searched a free slot first. */
	assert_int_equal(cf_cmd(&inv, 1, "EQUIP", "{\"source\":3,\"destination\":-5}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_moved(&inv, 0, 1, overall, 1050000, -5, 3);
	assert_int_equal(cf_slot(FH_TENANT, top), 3);
}

static void test_equip_overall_pushes_pants_into_the_slot_it_left(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	cf_fill(&inv, 1, 1, 2);
	uint32_t overall = cf_put(&inv, 1, 3, 1050000, 1);
	cf_fill(&inv, 1, 4, 24);
	uint32_t pants = cf_put(&inv, 1, -6, 1060002, 1);
	assert_int_equal(cf_cmd(&inv, 1, "EQUIP", "{\"source\":3,\"destination\":-5}"), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	cf_expect_moved(&inv, 0, 1, overall, 1050000, -5, 3);
	cf_expect_moved(&inv, 1, 1, pants, 1060002, 3, -6);
}

static void test_equip_bottom_moves_a_worn_overall_out(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t overall = cf_put(&inv, 1, -5, 1050000, 1);
	uint32_t pants = cf_put(&inv, 1, 1, 1060002, 1);
	cf_put(&inv, 1, 2, 1302000, 1);
	assert_int_equal(cf_cmd(&inv, 1, "EQUIP", "{\"source\":1,\"destination\":-6}"), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	cf_expect_moved(&inv, 0, 1, pants, 1060002, -6, 1);
	cf_expect_moved(&inv, 1, 1, overall, 1050000, 1, -5);
	assert_int_equal(cf_slot(FH_TENANT, overall), 1);
}

static void test_equip_bottom_keeps_a_worn_top(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t top = cf_put(&inv, 1, -5, 1040002, 1);
	uint32_t old = cf_put(&inv, 1, -6, 1060002, 1);
	uint32_t pants = cf_put(&inv, 1, 4, 1060002, 1);
	assert_int_equal(cf_cmd(&inv, 1, "EQUIP", "{\"source\":4,\"destination\":-6}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_moved(&inv, 0, 1, pants, 1060002, -6, 4);
	assert_int_equal(cf_slot(FH_TENANT, top), -5);
	assert_int_equal(cf_slot(FH_TENANT, old), 4);
}

static void test_equip_weapon_ignores_destination_and_swaps_the_worn_one(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t sword = cf_put(&inv, 1, 4, 1302000, 1);
	uint32_t worn = cf_put(&inv, 1, -11, 1302001, 1);
	assert_int_equal(cf_cmd(&inv, 1, "EQUIP", "{\"source\":4,\"destination\":-5}"), COFFER_DONE);
	/* kafka-contract.md#asset-status-events: one MOVED for the mover; the client swaps the other one itself. */
	assert_int_equal(fh_count(), 1);
	cf_expect_moved(&inv, 0, 1, sword, 1302000, -11, 4);
	assert_int_equal(cf_slot(FH_TENANT, sword), -11);
	assert_int_equal(cf_slot(FH_TENANT, worn), 4);
}

static void test_equip_ring_goes_to_the_requested_ring_position(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t first = cf_put(&inv, 1, 1, 1112000, 1);
	uint32_t second = cf_put(&inv, 1, 2, 1112000, 1);
	assert_int_equal(cf_cmd(&inv, 1, "EQUIP", "{\"source\":1,\"destination\":-15}"), COFFER_DONE);
	cf_expect_moved(&inv, 0, 1, first, 1112000, -15, 1);
	/* OP-5: a destination that is not a ring position falls back to the first one. */
	assert_int_equal(cf_cmd(&inv, 1, "EQUIP", "{\"source\":2,\"destination\":-9}"), COFFER_DONE);
	cf_expect_moved(&inv, 1, 1, second, 1112000, -12, 2);
	assert_int_equal(fh_count(), 2);
	assert_int_equal(cf_slot(FH_TENANT, first), -15);
}

static void test_equip_cash_hat_is_worn_one_hundred_down(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t hat = cf_put(&inv, 1, 6, 1002140, 1);
	assert_int_equal(cf_cmd(&inv, 1, "EQUIP", "{\"source\":6,\"destination\":-1}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_moved(&inv, 0, 1, hat, 1002140, -101, 6);
}

static void test_equip_cash_overall_pushes_only_cash_pants(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t overall = cf_put(&inv, 1, 2, 1050100, 1);
	uint32_t cash_pants = cf_put(&inv, 1, -106, 1060100, 1);
	uint32_t pants = cf_put(&inv, 1, -6, 1060002, 1);
	cf_put(&inv, 1, 1, 1302000, 1);
	assert_int_equal(cf_cmd(&inv, 1, "EQUIP", "{\"source\":2,\"destination\":-5}"), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	cf_expect_moved(&inv, 0, 1, overall, 1050100, -105, 2);
	cf_expect_moved(&inv, 1, 1, cash_pants, 1060100, 2, -106);
	assert_int_equal(cf_slot(FH_TENANT, pants), -6);
}

static void test_equip_cash_pet_equipment_goes_where_the_client_asks(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t item = cf_put(&inv, 1, 3, 1802000, 1);
	expect_no_effect(&inv, 1, "EQUIP", "{\"source\":3,\"destination\":5}");
	expect_no_effect(&inv, 1, "EQUIP", "{\"source\":3,\"destination\":-32768}");
	assert_int_equal(cf_cmd(&inv, 1, "EQUIP", "{\"source\":3,\"destination\":-114}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_moved(&inv, 0, 1, item, 1802000, -114, 3);
}

static void test_equip_works_on_the_equip_compartment_whatever_inventory_type_says(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t sword = cf_put(&inv, 1, 4, 1302000, 1);
	cf_put(&inv, 4, 4, 4000000, 1);
	assert_int_equal(cf_cmd(&inv, 4, "EQUIP", "{\"source\":4,\"destination\":-11}"), COFFER_DONE);
	cf_expect_moved(&inv, 0, 1, sword, 1302000, -11, 4);
	uint32_t other = cf_put(&inv, 1, 5, 1302001, 1);
	assert_int_equal(cf_cmd(&inv, 0, "EQUIP", "{\"source\":5,\"destination\":-11}"), COFFER_DONE);
	cf_expect_moved(&inv, 1, 1, other, 1302001, -11, 5);
}

static void test_equip_business_failures_change_nothing(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	cf_put(&inv, 1, 5, 1009999, 1); /* no template row: cannot be worn (OP-36) */
	cf_put(&inv, 1, 6, 2000000, 1); /* a template without positions */
	expect_no_effect(&inv, 1, "EQUIP", "{\"source\":1,\"destination\":-11}");
	expect_no_effect(&inv, 1, "EQUIP", "{\"source\":5,\"destination\":-1}");
	expect_no_effect(&inv, 1, "EQUIP", "{\"source\":6,\"destination\":-1}");
	struct cf_inv none = {.tenant = FH_TENANT, .character = cf_next_character()};
	expect_no_effect(&none, 1, "EQUIP", "{\"source\":1,\"destination\":-11}");
}

static void test_equip_rejects_bad_input(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	cf_put(&inv, 1, 1, 1302000, 1);
	cf_put(&inv, 1, -11, 1302001, 1);
	expect_reject(&inv, 1, "EQUIP", "{\"source\":0,\"destination\":-11}");
	expect_reject(&inv, 1, "EQUIP", "{\"source\":-11,\"destination\":-11}");
	expect_reject(&inv, 1, "EQUIP", "{\"destination\":-11}");
	expect_reject(&inv, 1, "EQUIP", "{\"source\":40000,\"destination\":-11}");
	expect_reject(&inv, 1, "EQUIP", "{\"source\":\"1\",\"destination\":-11}");
	expect_reject(&inv, 1, "EQUIP", "{\"source\":1.0,\"destination\":-11}");
	expect_reject(&inv, 1, "EQUIP", "[]");
	struct cf_inv zero = {.tenant = FH_TENANT, .character = 0};
	expect_reject(&zero, 1, "EQUIP", "{\"source\":1,\"destination\":-11}");
}

/* ------------------------------------------------------------------ UNEQUIP (kafka-contract.md#unequip) */

static void test_unequip_honours_a_free_destination_up_to_the_capacity(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t top = cf_put(&inv, 1, -5, 1040002, 1);
	/* OP-16: the reference never used the last slot as asked. */
	assert_int_equal(cf_cmd(&inv, 1, "UNEQUIP", "{\"source\":-5,\"destination\":24}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_moved(&inv, 0, 1, top, 1040002, 24, -5);
	assert_int_equal(cf_slot(FH_TENANT, top), 24);
}

static void test_unequip_takes_the_next_free_slot_otherwise(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	cf_put(&inv, 1, 1, 1302000, 1);
	cf_put(&inv, 1, 3, 1302000, 1);
	uint32_t hat = cf_put(&inv, 1, -101, 1002140, 1);
	uint32_t top = cf_put(&inv, 1, -5, 1040002, 1);
	uint32_t ring = cf_put(&inv, 1, -12, 1112000, 1);
	assert_int_equal(cf_cmd(&inv, 2, "UNEQUIP", "{\"source\":-101,\"destination\":1}"),
	                 COFFER_DONE);
	cf_expect_moved(&inv, 0, 1, hat, 1002140, 2, -101);
	assert_int_equal(cf_cmd(&inv, 1, "UNEQUIP", "{\"source\":-5,\"destination\":25}"),
	                 COFFER_DONE);
	cf_expect_moved(&inv, 1, 1, top, 1040002, 4, -5);
	assert_int_equal(cf_cmd(&inv, 1, "UNEQUIP", "{\"source\":-12,\"destination\":0}"),
	                 COFFER_DONE);
	cf_expect_moved(&inv, 2, 1, ring, 1112000, 5, -12);
	assert_int_equal(fh_count(), 3);
}

static void test_unequip_business_failures_change_nothing(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	cf_put(&inv, 1, -5, 1040002, 1);
	expect_no_effect(&inv, 1, "UNEQUIP", "{\"source\":-6,\"destination\":3}");
	cf_fill(&inv, 1, 1, 24);
	expect_no_effect(&inv, 1, "UNEQUIP", "{\"source\":-5,\"destination\":3}");
	struct cf_inv none = {.tenant = FH_TENANT, .character = cf_next_character()};
	expect_no_effect(&none, 1, "UNEQUIP", "{\"source\":-5,\"destination\":3}");
}

static void test_unequip_rejects_bad_input(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	cf_put(&inv, 1, -5, 1040002, 1);
	cf_put(&inv, 1, 2, 1040002, 1);
	expect_reject(&inv, 1, "UNEQUIP", "{\"source\":0,\"destination\":3}");
	expect_reject(&inv, 1, "UNEQUIP", "{\"source\":2,\"destination\":3}");
	expect_reject(&inv, 1, "UNEQUIP", "{\"source\":-5,\"destination\":-40000}");
	expect_reject(&inv, 1, "UNEQUIP", "{\"source\":-5,\"destination\":true}");
}

/* ------------------------------------------------------------------ MOVE (kafka-contract.md#move) */

/* Prepared statements the fake host's connection has executed, this read included. */
static int64_t executes(void)
{
	return fh_scalar("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE "
	                 "VARIABLE_NAME = 'COM_STMT_EXECUTE'",
	                 NULL, 0, -1);
}

/* Statements per command (plugins/asset/README.md): the lock and both slots in one
 * statement, then the writes only. */
static void test_move_costs_one_read_and_its_writes(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	cf_put(&inv, 2, 2, 2000000, 7);
	cf_put(&inv, 2, 5, 2000001, 7);
	int64_t before = executes();
	assert_int_equal(cf_cmd(&inv, 2, "MOVE", "{\"source\":2,\"destination\":9}"), COFFER_DONE);
	assert_int_equal(executes() - before - 1, 2); /* lock+read, UPDATE */
	before = executes();
	assert_int_equal(cf_cmd(&inv, 2, "MOVE", "{\"source\":9,\"destination\":5}"), COFFER_DONE);
	assert_int_equal(executes() - before - 1, 4); /* lock+read, three UPDATEs (temp slot) */
	assert_int_equal(fh_count(), 2);
}

static void test_move_to_an_empty_slot_emits_one_moved(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t a = cf_put(&inv, 2, 2, 2000000, 7);
	assert_int_equal(cf_cmd(&inv, 2, "MOVE", "{\"source\":2,\"destination\":9}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_moved(&inv, 0, 2, a, 2000000, 9, 2);
	assert_int_equal(cf_slot(FH_TENANT, a), 9);
}

static void test_move_onto_another_item_swaps_with_one_event(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t a = cf_put(&inv, 4, 1, 4000000, 3);
	uint32_t b = cf_put(&inv, 4, 24, 4000001, 9);
	assert_int_equal(cf_cmd(&inv, 4, "MOVE", "{\"source\":1,\"destination\":24}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_moved(&inv, 0, 4, a, 4000000, 24, 1);
	assert_int_equal(cf_slot(FH_TENANT, a), 24);
	assert_int_equal(cf_slot(FH_TENANT, b), 1);
	assert_int_equal(cf_qty(FH_TENANT, b), 9);
}

static void test_move_partial_merge_follows_a2(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t a21 = cf_put(&inv, 2, 2, 2000000, 80);
	uint32_t a22 = cf_put(&inv, 2, 5, 2000000, 60);
	assert_int_equal(cf_cmd(&inv, 2, "MOVE", "{\"source\":2,\"destination\":5}"), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	cf_expect_quantity(&inv, 0, 2, a22, 2000000, 5, 100);
	cf_expect_quantity(&inv, 1, 2, a21, 2000000, 2, 40);
	assert_int_equal(cf_qty(FH_TENANT, a22), 100);
	assert_int_equal(cf_qty(FH_TENANT, a21), 40);
	assert_int_equal(cf_slot(FH_TENANT, a21), 2);
}

static void test_move_full_merge_deletes_the_source(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t a = cf_put(&inv, 3, 1, 3010000, 30);
	uint32_t b = cf_put(&inv, 3, 2, 3010000, 20);
	assert_int_equal(cf_cmd(&inv, 3, "MOVE", "{\"source\":1,\"destination\":2}"), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	cf_expect_quantity(&inv, 0, 3, b, 3010000, 2, 50);
	cf_expect_deleted(&inv, 1, 3, a, 3010000, 1);
	assert_int_equal(cf_slot(FH_TENANT, a), CF_GONE);
	assert_int_equal(cf_qty(FH_TENANT, b), 50);
}

static void test_move_merges_up_to_the_template_slot_max(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t a = cf_put(&inv, 2, 1, 2000002, 6); /* slot max 10 */
	uint32_t b = cf_put(&inv, 2, 2, 2000002, 7);
	assert_int_equal(cf_cmd(&inv, 2, "MOVE", "{\"source\":1,\"destination\":2}"), COFFER_DONE);
	cf_expect_quantity(&inv, 0, 2, b, 2000002, 2, 10);
	cf_expect_quantity(&inv, 1, 2, a, 2000002, 1, 3);
	assert_int_equal(fh_count(), 2);
}

static void test_move_swaps_instead_of_merging_when_the_condition_fails(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	/* kafka-contract.md#rechargeables: rechargeables in USE never merge. */
	uint32_t star = cf_put_rechargeable(&inv, 2, 1, 2070000, 10, 5);
	uint32_t star2 = cf_put_rechargeable(&inv, 2, 2, 2070000, 10, 0);
	assert_int_equal(cf_cmd(&inv, 2, "MOVE", "{\"source\":1,\"destination\":2}"), COFFER_DONE);
	cf_expect_moved(&inv, 0, 2, star, 2070000, 2, 1);
	assert_int_equal(cf_qty(FH_TENANT, star2), 10);
	/* A full destination (quantity at the slot max) does not take more. */
	uint32_t full = cf_put(&inv, 4, 1, 4000000, 100);
	uint32_t some = cf_put(&inv, 4, 2, 4000000, 5);
	assert_int_equal(cf_cmd(&inv, 4, "MOVE", "{\"source\":2,\"destination\":1}"), COFFER_DONE);
	cf_expect_moved(&inv, 1, 4, some, 4000000, 1, 2);
	assert_int_equal(cf_slot(FH_TENANT, full), 2);
	/* EQUIP never merges; different templates never merge. */
	uint32_t s1 = cf_put(&inv, 1, 1, 1302000, 1);
	cf_put(&inv, 1, 2, 1302000, 1);
	assert_int_equal(cf_cmd(&inv, 1, "MOVE", "{\"source\":1,\"destination\":2}"), COFFER_DONE);
	cf_expect_moved(&inv, 2, 1, s1, 1302000, 2, 1);
	uint32_t p = cf_put(&inv, 2, 5, 2000000, 5);
	cf_put(&inv, 2, 6, 2000001, 5);
	assert_int_equal(cf_cmd(&inv, 2, "MOVE", "{\"source\":5,\"destination\":6}"), COFFER_DONE);
	cf_expect_moved(&inv, 3, 2, p, 2000000, 6, 5);
	/* Cash items have a slot max of 1. */
	uint32_t c1 = cf_put(&inv, 5, 1, 5010000, 1);
	cf_put(&inv, 5, 2, 5010000, 1);
	assert_int_equal(cf_cmd(&inv, 5, "MOVE", "{\"source\":1,\"destination\":2}"), COFFER_DONE);
	cf_expect_moved(&inv, 4, 5, c1, 5010000, 2, 1);
	assert_int_equal(fh_count(), 5);
}

static void test_move_onto_itself_does_nothing(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t a = cf_put(&inv, 2, 3, 2000000, 20);
	/* OP-15: the reference merged the stack with itself and lost it. */
	expect_no_effect(&inv, 2, "MOVE", "{\"source\":3,\"destination\":3}");
	assert_int_equal(cf_qty(FH_TENANT, a), 20);
}

static void test_move_business_failures_change_nothing(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	cf_put(&inv, 2, 3, 2000000, 20);
	cf_put(&inv, 1, -5, 1040002, 1);
	cf_put(&inv, 1, 1, 1040002, 1);
	expect_no_effect(&inv, 2, "MOVE", "{\"source\":4,\"destination\":5}");
	/* OP-16: both slots in 1..capacity. */
	expect_no_effect(&inv, 2, "MOVE", "{\"source\":3,\"destination\":25}");
	expect_no_effect(&inv, 1, "MOVE", "{\"source\":-5,\"destination\":2}");
	expect_no_effect(&inv, 1, "MOVE", "{\"source\":1,\"destination\":-5}");
	struct cf_inv none = {.tenant = FH_TENANT, .character = cf_next_character()};
	expect_no_effect(&none, 2, "MOVE", "{\"source\":3,\"destination\":4}");
}

static void test_move_rejects_bad_input(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	cf_put(&inv, 2, 3, 2000000, 20);
	expect_reject(&inv, 2, "MOVE", "{\"source\":0,\"destination\":4}");
	expect_reject(&inv, 2, "MOVE", "{\"source\":3}");
	expect_reject(&inv, 2, "MOVE", "{\"source\":3,\"destination\":32768}");
	expect_reject(&inv, 0, "MOVE", "{\"source\":3,\"destination\":4}");
	expect_reject(&inv, 6, "MOVE", "{\"source\":3,\"destination\":4}");
	expect_reject(&inv, 256, "MOVE", "{\"source\":3,\"destination\":4}");
	expect_reject(&inv, 2, "MOVE", "\"x\"");
	struct cf_inv zero = {.tenant = FH_TENANT, .character = 0};
	expect_reject(&zero, 2, "MOVE", "{\"source\":3,\"destination\":4}");
	assert_int_equal(cf_send(CF_CMD, FH_TENANT,
	                         "{\"transactionId\":\"\",\"characterId\":%u,\"inventoryType\":2,"
	                         "\"type\":\"MOVE\",\"body\":{\"source\":3,\"destination\":4}}",
	                         inv.character),
	                 COFFER_REJECT);
}

/* ------------------------------------------------------------------ INCREASE_CAPACITY (kafka-contract.md#increase_capacity) */

static void test_increase_capacity_stores_and_emits_capacity_changed(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	assert_int_equal(cf_cmd(&inv, 4, "INCREASE_CAPACITY", "{\"amount\":4}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_compartment(&inv, 0, 4, "CAPACITY_CHANGED", "{\"type\":4,\"capacity\":28}");
	assert_int_equal(cf_capacity(&inv, 4), 28);
	assert_int_equal(cf_capacity(&inv, 2), 24);
}

static void test_increase_capacity_saturates_at_ninety_six_and_always_emits(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	assert_int_equal(cf_cmd(&inv, 2, "INCREASE_CAPACITY", "{\"amount\":0}"), COFFER_DONE);
	cf_expect_compartment(&inv, 0, 2, "CAPACITY_CHANGED", "{\"type\":2,\"capacity\":24}");
	assert_int_equal(cf_cmd(&inv, 2, "INCREASE_CAPACITY", "{\"amount\":70}"), COFFER_DONE);
	cf_expect_compartment(&inv, 1, 2, "CAPACITY_CHANGED", "{\"type\":2,\"capacity\":94}");
	assert_int_equal(cf_cmd(&inv, 2, "INCREASE_CAPACITY", "{\"amount\":4}"), COFFER_DONE);
	cf_expect_compartment(&inv, 2, 2, "CAPACITY_CHANGED", "{\"type\":2,\"capacity\":96}");
	assert_int_equal(cf_cmd(&inv, 2, "INCREASE_CAPACITY", "{\"amount\":1}"), COFFER_DONE);
	cf_expect_compartment(&inv, 3, 2, "CAPACITY_CHANGED", "{\"type\":2,\"capacity\":96}");
	/* OP-22: no 32-bit wrap-around. */
	assert_int_equal(cf_cmd(&inv, 3, "INCREASE_CAPACITY", "{\"amount\":4294967295}"),
	                 COFFER_DONE);
	cf_expect_compartment(&inv, 4, 3, "CAPACITY_CHANGED", "{\"type\":3,\"capacity\":96}");
	/* A missing amount is 0 (kafka-contract.md#json-as-read). */
	assert_int_equal(cf_cmd(&inv, 5, "INCREASE_CAPACITY", "{}"), COFFER_DONE);
	cf_expect_compartment(&inv, 5, 5, "CAPACITY_CHANGED", "{\"type\":5,\"capacity\":24}");
	assert_int_equal(fh_count(), 6);
	assert_int_equal(cf_capacity(&inv, 2), 96);
	assert_int_equal(cf_capacity(&inv, 3), 96);
}

static void test_increase_capacity_grows_the_bag_moves_may_use(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t a = cf_put(&inv, 4, 1, 4000000, 1);
	expect_no_effect(&inv, 4, "MOVE", "{\"source\":1,\"destination\":30}");
	assert_int_equal(cf_cmd(&inv, 4, "INCREASE_CAPACITY", "{\"amount\":8}"), COFFER_DONE);
	assert_int_equal(cf_cmd(&inv, 4, "MOVE", "{\"source\":1,\"destination\":30}"), COFFER_DONE);
	cf_expect_moved(&inv, 1, 4, a, 4000000, 30, 1);
}

static void test_increase_capacity_failures(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	struct cf_inv none = {.tenant = FH_TENANT, .character = cf_next_character()};
	expect_no_effect(&none, 2, "INCREASE_CAPACITY", "{\"amount\":4}");
	expect_reject(&inv, 2, "INCREASE_CAPACITY", "{\"amount\":-1}");
	expect_reject(&inv, 2, "INCREASE_CAPACITY", "{\"amount\":4294967296}");
	expect_reject(&inv, 2, "INCREASE_CAPACITY", "{\"amount\":\"4\"}");
	expect_reject(&inv, 0, "INCREASE_CAPACITY", "{\"amount\":4}");
	assert_int_equal(cf_capacity(&inv, 2), 24);
}

/* ------------------------------------------------------------------ MERGE and SORT */

static void test_merge_then_sort_follow_a3(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t a31 = cf_put(&inv, 2, 1, 2000001, 10);
	uint32_t a32 = cf_put(&inv, 2, 3, 2000000, 40);
	uint32_t a33 = cf_put(&inv, 2, 4, 2000001, 95);
	uint32_t a34 = cf_put(&inv, 2, 7, 2000000, 30);
	assert_int_equal(cf_cmd(&inv, 2, "MERGE", "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 7);
	cf_expect_quantity(&inv, 0, 2, a31, 2000001, 1, 100);
	cf_expect_quantity(&inv, 1, 2, a33, 2000001, 4, 5);
	cf_expect_quantity(&inv, 2, 2, a32, 2000000, 3, 70);
	cf_expect_deleted(&inv, 3, 2, a34, 2000000, 7);
	cf_expect_moved(&inv, 4, 2, a32, 2000000, 2, 3);
	cf_expect_moved(&inv, 5, 2, a33, 2000001, 3, 4);
	cf_expect_compartment(&inv, 6, 2, "MERGE_COMPLETE", "{\"type\":2}");
	assert_int_equal(cf_slot(FH_TENANT, a31), 1);
	assert_int_equal(cf_slot(FH_TENANT, a32), 2);
	assert_int_equal(cf_slot(FH_TENANT, a33), 3);
	assert_int_equal(cf_slot(FH_TENANT, a34), CF_GONE);
	assert_int_equal(cf_qty(FH_TENANT, a32), 70);

	fh_clear();
	assert_int_equal(cf_cmd(&inv, 2, "SORT", "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	cf_expect_moved(&inv, 0, 2, a32, 2000000, 1, 2);
	cf_expect_compartment(&inv, 1, 2, "SORT_COMPLETE", "{\"type\":2}");
	assert_int_equal(cf_slot(FH_TENANT, a32), 1);
	assert_int_equal(cf_slot(FH_TENANT, a31), 2);
	assert_int_equal(cf_slot(FH_TENANT, a33), 3);
}

static void test_merge_in_the_equip_compartment_only_compacts_the_bag(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t worn = cf_put(&inv, 1, -5, 1040002, 1);
	uint32_t s1 = cf_put(&inv, 1, 2, 1302000, 1);
	uint32_t s2 = cf_put(&inv, 1, 5, 1302000, 1);
	assert_int_equal(cf_cmd(&inv, 1, "MERGE", "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 3);
	cf_expect_moved(&inv, 0, 1, s1, 1302000, 1, 2);
	cf_expect_moved(&inv, 1, 1, s2, 1302000, 2, 5);
	cf_expect_compartment(&inv, 2, 1, "MERGE_COMPLETE", "{\"type\":1}");
	assert_int_equal(cf_slot(FH_TENANT, worn), -5);
}

static void test_merge_leaves_unmergeable_stacks_apart(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t s1 = cf_put_rechargeable(&inv, 2, 1, 2070000, 10, 1);
	uint32_t s2 = cf_put_rechargeable(&inv, 2, 2, 2070000, 10, 1);
	cf_put(&inv, 5, 1, 5010000, 1);
	cf_put(&inv, 5, 2, 5010000, 1);
	assert_int_equal(cf_cmd(&inv, 2, "MERGE", "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_compartment(&inv, 0, 2, "MERGE_COMPLETE", "{\"type\":2}");
	assert_int_equal(cf_qty(FH_TENANT, s1), 10);
	assert_int_equal(cf_qty(FH_TENANT, s2), 10);
	int64_t before = cf_state(FH_TENANT);
	assert_int_equal(cf_cmd(&inv, 5, "MERGE", "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	cf_expect_compartment(&inv, 1, 5, "MERGE_COMPLETE", "{\"type\":5}");
	assert_int_equal(cf_state(FH_TENANT), before);
}

static void test_merge_of_an_empty_compartment_emits_only_merge_complete(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	assert_int_equal(cf_cmd(&inv, 3, "MERGE", "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_compartment(&inv, 0, 3, "MERGE_COMPLETE", "{\"type\":3}");
}

static void test_merge_merges_many_stacks_into_the_first(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t a = cf_put(&inv, 4, 2, 4000000, 10);
	uint32_t b = cf_put(&inv, 4, 4, 4000000, 20);
	uint32_t c = cf_put(&inv, 4, 9, 4000000, 30);
	assert_int_equal(cf_cmd(&inv, 4, "MERGE", "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 6);
	cf_expect_quantity(&inv, 0, 4, a, 4000000, 2, 30);
	cf_expect_deleted(&inv, 1, 4, b, 4000000, 4);
	cf_expect_quantity(&inv, 2, 4, a, 4000000, 2, 60);
	cf_expect_deleted(&inv, 3, 4, c, 4000000, 9);
	cf_expect_moved(&inv, 4, 4, a, 4000000, 1, 2);
	cf_expect_compartment(&inv, 5, 4, "MERGE_COMPLETE", "{\"type\":4}");
	assert_int_equal(cf_qty(FH_TENANT, a), 60);
}

static void test_sort_is_not_stable_for_equal_templates(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t b = cf_put(&inv, 4, 1, 4000001, 1);
	uint32_t b2 = cf_put(&inv, 4, 2, 4000001, 2);
	uint32_t a = cf_put(&inv, 4, 3, 4000000, 3);
	assert_int_equal(cf_cmd(&inv, 4, "SORT", "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	cf_expect_moved(&inv, 0, 4, a, 4000000, 1, 3);
	cf_expect_compartment(&inv, 1, 4, "SORT_COMPLETE", "{\"type\":4}");
	assert_int_equal(cf_slot(FH_TENANT, a), 1);
	assert_int_equal(cf_slot(FH_TENANT, b2), 2);
	assert_int_equal(cf_slot(FH_TENANT, b), 3);
}

static void test_sort_compacts_then_sorts_and_never_merges(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t x = cf_put(&inv, 2, 3, 2000001, 5);
	uint32_t y = cf_put(&inv, 2, 6, 2000000, 5);
	uint32_t z = cf_put(&inv, 2, 9, 2000000, 5);
	assert_int_equal(cf_cmd(&inv, 2, "SORT", "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 6);
	cf_expect_moved(&inv, 0, 2, x, 2000001, 1, 3);
	cf_expect_moved(&inv, 1, 2, y, 2000000, 2, 6);
	cf_expect_moved(&inv, 2, 2, z, 2000000, 3, 9);
	cf_expect_moved(&inv, 3, 2, y, 2000000, 1, 2);
	cf_expect_moved(&inv, 4, 2, z, 2000000, 2, 3);
	cf_expect_compartment(&inv, 5, 2, "SORT_COMPLETE", "{\"type\":2}");
	assert_int_equal(cf_slot(FH_TENANT, y), 1);
	assert_int_equal(cf_slot(FH_TENANT, z), 2);
	assert_int_equal(cf_slot(FH_TENANT, x), 3);
	assert_int_equal(cf_qty(FH_TENANT, y), 5);
}

static void test_sort_leaves_worn_items_alone(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	uint32_t worn = cf_put(&inv, 1, -11, 1302001, 1);
	uint32_t top = cf_put(&inv, 1, 1, 1040002, 1);
	uint32_t sword = cf_put(&inv, 1, 2, 1302000, 1);
	assert_int_equal(cf_cmd(&inv, 1, "SORT", "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_compartment(&inv, 0, 1, "SORT_COMPLETE", "{\"type\":1}");
	assert_int_equal(cf_slot(FH_TENANT, worn), -11);
	assert_int_equal(cf_slot(FH_TENANT, top), 1);
	assert_int_equal(cf_slot(FH_TENANT, sword), 2);
}

static void test_merge_and_sort_failures(void **state)
{
	(void)state;
	struct cf_inv inv;
	inventory(&inv);
	cf_put(&inv, 2, 3, 2000000, 5);
	struct cf_inv none = {.tenant = FH_TENANT, .character = cf_next_character()};
	expect_no_effect(&none, 2, "MERGE", "{}");
	expect_no_effect(&none, 2, "SORT", "{}");
	expect_reject(&inv, 0, "MERGE", "{}");
	expect_reject(&inv, 7, "SORT", "{}");
	expect_reject(&inv, 2, "MERGE", "[]");
	expect_reject(&inv, 2, "SORT", "5");
}

/* ------------------------------------------------------------------ feature switch, tenants */

static const struct {
	const char *type, *body;
} commands[] = {
	{"EQUIP", "{\"source\":1,\"destination\":-11}"},
	{"UNEQUIP", "{\"source\":-5,\"destination\":3}"},
	{"MOVE", "{\"source\":1,\"destination\":2}"},
	{"INCREASE_CAPACITY", "{\"amount\":4}"},
	{"MERGE", "{}"},
	{"SORT", "{}"},
};

static void test_disabled_tenant_gets_feature_disabled_for_every_type(void **state)
{
	(void)state;
	struct cf_inv inv, other;
	inventory(&inv);
	cf_inventory(FH_TENANT2, inv.character, &other);
	cf_put(&inv, 1, 1, 1302000, 1);
	cf_put(&inv, 1, -5, 1040002, 1);
	cf_put(&inv, 2, 1, 2000000, 5);
	cf_put(&inv, 2, 3, 2000000, 5);
	uint32_t theirs = cf_put(&other, 2, 1, 2000000, 5);
	fh_set_enabled("compartment", FH_TENANT, false);
	int64_t before = cf_state(FH_TENANT);
	char want[512];
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"" CF_TX "\",\"characterId\":%u,\"compartmentId\":\"" CF_NIL
	         "\",\"type\":\"ERROR\",\"body\":{\"errorCode\":\"FEATURE_DISABLED\","
	         "\"transactionId\":\"" CF_TX "\"}}",
	         inv.character);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		assert_int_equal(cf_cmd(&inv, 2, commands[i].type, commands[i].body), COFFER_DONE);
		assert_int_equal(fh_count(), i + 1);
		cf_expect_event(i, CF_COMP, inv.character, FH_TENANT, want);
	}
	assert_int_equal(cf_state(FH_TENANT), before);
	/* An undecodable envelope is still bad input, switch or not. (The refusal does not know
	 * the bodies: a body of the wrong shape is answered with FEATURE_DISABLED.) */
	expect_reject(&inv, 2, "MOVE", "[]");
	assert_int_equal(cf_send(CF_CMD, FH_TENANT,
	                         "{\"transactionId\":\"" CF_TX "\",\"characterId\":\"%u\","
	                         "\"inventoryType\":2,\"type\":\"SORT\",\"body\":{}}",
	                         inv.character),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	/* The other tenant is on. */
	fh_clear();
	assert_int_equal(cf_cmd(&other, 2, "MOVE", "{\"source\":1,\"destination\":2}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	cf_expect_moved(&other, 0, 2, theirs, 2000000, 2, 1);
	fh_set_enabled("compartment", FH_TENANT, true);
}

static void test_commands_touch_only_their_own_tenant(void **state)
{
	(void)state;
	struct cf_inv one, two;
	uint32_t ch = cf_next_character();
	cf_inventory(FH_TENANT, ch, &one);
	cf_inventory(FH_TENANT2, ch, &two);
	for (int k = 0; k < 2; k++) {
		const struct cf_inv *inv = k ? &two : &one;
		cf_put(inv, 1, 1, 1302000, 1);
		cf_put(inv, 1, -5, 1040002, 1);
		cf_put(inv, 2, 1, 2000000, 5);
		cf_put(inv, 2, 4, 2000000, 5);
		cf_put(inv, 2, 6, 2000001, 5);
	}
	int64_t other = cf_state(FH_TENANT2);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		assert_int_equal(cf_cmd(&one, commands[i].type[0] == 'E' || commands[i].type[0] == 'U'
		                                  ? 1
		                                  : 2,
		                        commands[i].type, commands[i].body),
		                 COFFER_DONE);
	/* Each type did something, all in tenant 1, none in tenant 2. */
	assert_non_null(fh_find(CF_ASSET, "MOVED", 0));
	assert_non_null(fh_find(CF_COMP, "CAPACITY_CHANGED", 0));
	assert_non_null(fh_find(CF_COMP, "MERGE_COMPLETE", 0));
	assert_non_null(fh_find(CF_COMP, "SORT_COMPLETE", 0));
	assert_true(fh_count() >= 8);
	for (size_t i = 0; i < fh_count(); i++) {
		assert_string_equal(fh_event(i)->tenant.id, FH_TENANT);
		const char *cid = json_string_value(json_object_get(fh_event(i)->value, "compartmentId"));
		assert_true(strcmp(cid, one.comp[1]) == 0 || strcmp(cid, one.comp[2]) == 0);
	}
	assert_int_equal(cf_state(FH_TENANT2), other);
	assert_int_equal(cf_capacity(&two, 2), 24);
	assert_int_equal(cf_capacity(&one, 2), 28);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, cf_reset)
		T(test_equip_overall_swaps_top_and_moves_pants_out_as_in_a1),
		T(test_equip_overall_with_a_full_bag_and_pants_changes_nothing),
		T(test_equip_overall_without_pants_needs_no_free_slot),
		T(test_equip_overall_pushes_pants_into_the_slot_it_left),
		T(test_equip_bottom_moves_a_worn_overall_out),
		T(test_equip_bottom_keeps_a_worn_top),
		T(test_equip_weapon_ignores_destination_and_swaps_the_worn_one),
		T(test_equip_ring_goes_to_the_requested_ring_position),
		T(test_equip_cash_hat_is_worn_one_hundred_down),
		T(test_equip_cash_overall_pushes_only_cash_pants),
		T(test_equip_cash_pet_equipment_goes_where_the_client_asks),
		T(test_equip_works_on_the_equip_compartment_whatever_inventory_type_says),
		T(test_equip_business_failures_change_nothing),
		T(test_equip_rejects_bad_input),
		T(test_unequip_honours_a_free_destination_up_to_the_capacity),
		T(test_unequip_takes_the_next_free_slot_otherwise),
		T(test_unequip_business_failures_change_nothing),
		T(test_unequip_rejects_bad_input),
		T(test_move_costs_one_read_and_its_writes),
		T(test_move_to_an_empty_slot_emits_one_moved),
		T(test_move_onto_another_item_swaps_with_one_event),
		T(test_move_partial_merge_follows_a2),
		T(test_move_full_merge_deletes_the_source),
		T(test_move_merges_up_to_the_template_slot_max),
		T(test_move_swaps_instead_of_merging_when_the_condition_fails),
		T(test_move_onto_itself_does_nothing),
		T(test_move_business_failures_change_nothing),
		T(test_move_rejects_bad_input),
		T(test_increase_capacity_stores_and_emits_capacity_changed),
		T(test_increase_capacity_saturates_at_ninety_six_and_always_emits),
		T(test_increase_capacity_grows_the_bag_moves_may_use),
		T(test_increase_capacity_failures),
		T(test_merge_then_sort_follow_a3),
		T(test_merge_in_the_equip_compartment_only_compacts_the_bag),
		T(test_merge_leaves_unmergeable_stacks_apart),
		T(test_merge_of_an_empty_compartment_emits_only_merge_complete),
		T(test_merge_merges_many_stacks_into_the_first),
		T(test_sort_is_not_stable_for_equal_templates),
		T(test_sort_compacts_then_sorts_and_never_merges),
		T(test_sort_leaves_worn_items_alone),
		T(test_merge_and_sort_failures),
		T(test_disabled_tenant_gets_feature_disabled_for_every_type),
		T(test_commands_touch_only_their_own_tenant),
#undef T
	};
	return cmocka_run_group_tests_name("test_compartment_commands", tests, cf_setup, cf_teardown);
}
