/* SPDX-License-Identifier: MIT */
/* tests/plugins/reservation/test_reservation_rules.c: the pure rules of the reservation plugin:
 * all-or-nothing planning of REQUEST_RESERVE (kafka-contract.md#request_reserve, OP-7, OP-34), CONSUME arithmetic
 * (kafka-contract.md#consume, OP-10), sweep settings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "reservation_rules.h"

/* USE compartment of the examples A: slot 4 = 2000000 x5, slot 6 = 2000001 x3, slot 9 = 2000000 x1. */
static void stock3(struct rsv_stock s[3])
{
	/* Deliberately out of slot order: the handler sorts before resolving. */
	s[0] = (struct rsv_stock){.slot = 9, .asset_id = 53, .template_id = 2000000, .qty = 1};
	s[1] = (struct rsv_stock){.slot = 4, .asset_id = 51, .template_id = 2000000, .qty = 5};
	s[2] = (struct rsv_stock){.slot = 6, .asset_id = 52, .template_id = 2000001, .qty = 3};
	reservation_rules_sort(s, 3);
}

static enum rsv_verdict plan(struct rsv_stock *s, size_t ns, struct rsv_item *it, size_t n,
                             size_t *bad)
{
	reservation_rules_resolve(s, ns, it, n);
	return reservation_rules_plan(s, ns, it, n, bad);
}

static void test_rules_sort_orders_stock_by_slot(void **state)
{
	(void)state;
	struct rsv_stock s[3];
	stock3(s);
	assert_int_equal(s[0].slot, 4);
	assert_int_equal(s[1].slot, 6);
	assert_int_equal(s[2].slot, 9);
}

static void test_rules_resolve_finds_assets_by_slot_and_marks_them_used(void **state)
{
	(void)state;
	struct rsv_stock s[3];
	stock3(s);
	struct rsv_item it[3] = {{.source = 6}, {.source = 5}, {.source = 4}};
	reservation_rules_resolve(s, 3, it, 3);
	assert_true(it[0].found);
	assert_int_equal(s[it[0].stock].asset_id, 52);
	assert_false(it[1].found);
	assert_true(it[2].found);
	assert_int_equal(s[it[2].stock].asset_id, 51);
	assert_true(s[0].used);   /* slot 4 */
	assert_true(s[1].used);   /* slot 6 */
	assert_false(s[2].used);  /* slot 9: named by no item */
}

static void test_rules_plan_accepts_every_item_and_records_planned_amounts(void **state)
{
	(void)state;
	struct rsv_stock s[3];
	stock3(s);
	struct rsv_item it[2] = {{.source = 4, .item_id = 2000000, .quantity = 5},
	                         {.source = 6, .item_id = 2000001, .quantity = 1}};
	size_t bad = 99;
	assert_int_equal(plan(s, 3, it, 2, &bad), RSV_OK);
	assert_int_equal(bad, 99);
	assert_int_equal(s[0].planned, 5);
	assert_int_equal(s[1].planned, 1);
	assert_int_equal(s[2].planned, 0);
}

static void test_rules_plan_refuses_when_a_later_item_fails(void **state)
{
	(void)state;
	struct rsv_stock s[3];
	stock3(s);
	struct rsv_item it[3] = {{.source = 4, .item_id = 2000000, .quantity = 1},
	                         {.source = 6, .item_id = 2000001, .quantity = 1},
	                         {.source = 6, .item_id = 2000000, .quantity = 1}};
	size_t bad = 99;
	assert_int_equal(plan(s, 3, it, 3, &bad), RSV_WRONG_ITEM);
	assert_int_equal(bad, 2);
}

static void test_rules_plan_refuses_an_empty_slot(void **state)
{
	(void)state;
	struct rsv_stock s[3];
	stock3(s);
	struct rsv_item it[2] = {{.source = 4, .item_id = 2000000, .quantity = 1},
	                         {.source = -5, .item_id = 2000000, .quantity = 1}};
	size_t bad = 99;
	assert_int_equal(plan(s, 3, it, 2, &bad), RSV_NO_ASSET);
	assert_int_equal(bad, 1);
}

static void test_rules_plan_checks_template_before_quantity(void **state)
{
	(void)state;
	struct rsv_stock s[3];
	stock3(s);
	struct rsv_item it[1] = {{.source = 4, .item_id = 2000001, .quantity = -1}};
	size_t bad = 99;
	assert_int_equal(plan(s, 3, it, 1, &bad), RSV_WRONG_ITEM);
	it[0].item_id = 2000000;
	assert_int_equal(plan(s, 3, it, 1, &bad), RSV_NEGATIVE);
	assert_int_equal(bad, 0);
}

static void test_rules_plan_counts_the_same_slot_twice_against_its_quantity(void **state)
{
	(void)state;
	struct rsv_stock s[3];
	stock3(s);
	/* OP-34: 3 + 2 = 5 fits a stack of 5, a third item does not. */
	struct rsv_item it[3] = {{.source = 4, .item_id = 2000000, .quantity = 3},
	                         {.source = 4, .item_id = 2000000, .quantity = 2},
	                         {.source = 4, .item_id = 2000000, .quantity = 1}};
	size_t bad = 99;
	assert_int_equal(plan(s, 3, it, 2, &bad), RSV_OK);
	assert_int_equal(s[0].planned, 5);
	assert_int_equal(plan(s, 3, it, 3, &bad), RSV_NOT_ENOUGH);
	assert_int_equal(bad, 2);
}

static void test_rules_plan_subtracts_existing_reservations(void **state)
{
	(void)state;
	struct rsv_stock s[3];
	stock3(s);
	s[0].reserved = 3; /* slot 4: 5 - 3 = 2 available */
	struct rsv_item it[1] = {{.source = 4, .item_id = 2000000, .quantity = 3}};
	size_t bad = 99;
	assert_int_equal(plan(s, 3, it, 1, &bad), RSV_NOT_ENOUGH);
	it[0].quantity = 2;
	assert_int_equal(plan(s, 3, it, 1, &bad), RSV_OK);
}

static void test_rules_plan_accepts_zero_quantity_of_a_fully_reserved_asset(void **state)
{
	(void)state;
	struct rsv_stock s[3];
	stock3(s);
	s[0].reserved = 5;
	struct rsv_item it[1] = {{.source = 4, .item_id = 2000000, .quantity = 0}};
	assert_int_equal(plan(s, 3, it, 1, NULL), RSV_OK);
	it[0].quantity = 1;
	assert_int_equal(plan(s, 3, it, 1, NULL), RSV_NOT_ENOUGH);
}

static void test_rules_plan_refuses_even_zero_when_more_is_reserved_than_held(void **state)
{
	(void)state;
	struct rsv_stock s[3];
	stock3(s);
	s[0].reserved = 7; /* DESTROY shrank the stack below its reservations */
	struct rsv_item it[1] = {{.source = 4, .item_id = 2000000, .quantity = 0}};
	assert_int_equal(plan(s, 3, it, 1, NULL), RSV_NOT_ENOUGH);
}

static void test_rules_plan_resets_planned_amounts_between_calls(void **state)
{
	(void)state;
	struct rsv_stock s[3];
	stock3(s);
	struct rsv_item it[1] = {{.source = 4, .item_id = 2000000, .quantity = 5}};
	assert_int_equal(plan(s, 3, it, 1, NULL), RSV_OK);
	assert_int_equal(plan(s, 3, it, 1, NULL), RSV_OK);
	assert_int_equal(s[0].planned, 5);
}

static void test_rules_consume_subtracts_only_this_reservation(void **state)
{
	(void)state;
	uint32_t left = 99;
	/* OP-10: a stack of 3, 1 reserved here (2 by another transaction) keeps 2. */
	assert_false(reservation_rules_consume(true, 3, 1, &left));
	assert_int_equal(left, 2);
	/* A stack of 5 fully reserved and consumed is deleted, not left at 0. */
	assert_true(reservation_rules_consume(true, 5, 5, &left));
	assert_int_equal(left, 0);
	assert_true(reservation_rules_consume(true, 2, 5, &left));
	/* A zero reservation leaves the quantity as it is. */
	assert_false(reservation_rules_consume(true, 5, 0, &left));
	assert_int_equal(left, 5);
	/* Not stackable: always deleted. */
	assert_true(reservation_rules_consume(false, 1, 0, &left));
}

static void test_rules_sweep_settings_fall_back_and_clamp(void **state)
{
	(void)state;
	assert_int_equal(reservation_rules_interval(0), RSV_DEF_SWEEP_INTERVAL_MS);
	assert_int_equal(reservation_rules_interval(-5), RSV_DEF_SWEEP_INTERVAL_MS);
	assert_int_equal(reservation_rules_interval(250), 250);
	assert_int_equal(reservation_rules_interval(1LL << 40), RSV_MAX_SWEEP_INTERVAL_MS);
	assert_int_equal(reservation_rules_batch(0), RSV_DEF_SWEEP_BATCH);
	assert_int_equal(reservation_rules_batch(7), 7);
	assert_int_equal(reservation_rules_batch(1000000), RSV_MAX_SWEEP_BATCH);
}

static void test_rules_verdicts_have_names(void **state)
{
	(void)state;
	assert_string_equal(reservation_rules_verdict_name(RSV_NOT_ENOUGH),
	                    "not enough available quantity");
	assert_string_equal(reservation_rules_verdict_name(RSV_NO_ASSET), "no asset in slot");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_sort_orders_stock_by_slot),
		cmocka_unit_test(test_rules_resolve_finds_assets_by_slot_and_marks_them_used),
		cmocka_unit_test(test_rules_plan_accepts_every_item_and_records_planned_amounts),
		cmocka_unit_test(test_rules_plan_refuses_when_a_later_item_fails),
		cmocka_unit_test(test_rules_plan_refuses_an_empty_slot),
		cmocka_unit_test(test_rules_plan_checks_template_before_quantity),
		cmocka_unit_test(test_rules_plan_counts_the_same_slot_twice_against_its_quantity),
		cmocka_unit_test(test_rules_plan_subtracts_existing_reservations),
		cmocka_unit_test(test_rules_plan_accepts_zero_quantity_of_a_fully_reserved_asset),
		cmocka_unit_test(test_rules_plan_refuses_even_zero_when_more_is_reserved_than_held),
		cmocka_unit_test(test_rules_plan_resets_planned_amounts_between_calls),
		cmocka_unit_test(test_rules_consume_subtracts_only_this_reservation),
		cmocka_unit_test(test_rules_sweep_settings_fall_back_and_clamp),
		cmocka_unit_test(test_rules_verdicts_have_names),
	};
	return cmocka_run_group_tests_name("test_reservation_rules", tests, NULL, NULL);
}
