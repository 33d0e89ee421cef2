/* SPDX-License-Identifier: MIT */
/* tests/plugins/asset/test_asset_rules.c: the pure rules of plugins/asset/asset_rules.c
 * (template type and kind, slot max, next free slot, merge condition and effect, DESTROY
 * and RECHARGE arithmetic, parsing helpers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "asset_rules.h"

static struct coffer_asset stack(uint32_t id, uint32_t template_id, uint32_t qty)
{
	struct coffer_asset a;
	asset_rules_blank(&a, template_id, asset_rules_kind_for_template(template_id));
	a.id = id;
	a.quantity = qty;
	return a;
}

/* ---- template type and kind ---- */

static void test_template_type_is_millions_digit_within_1_to_5(void **state)
{
	(void)state;
	assert_int_equal(asset_rules_template_type(1002140), 1);
	assert_int_equal(asset_rules_template_type(2000000), 2);
	assert_int_equal(asset_rules_template_type(3010000), 3);
	assert_int_equal(asset_rules_template_type(4000000), 4);
	assert_int_equal(asset_rules_template_type(5000000), 5);
	assert_int_equal(asset_rules_template_type(5999999), 5);
	assert_int_equal(asset_rules_template_type(0), 0);
	assert_int_equal(asset_rules_template_type(999999), 0);
	assert_int_equal(asset_rules_template_type(6000000), 0);
	assert_int_equal(asset_rules_template_type(UINT32_MAX), 0);
}

static void test_classification_is_template_over_ten_thousand(void **state)
{
	(void)state;
	assert_int_equal(asset_rules_classification(1050000), 105);
	assert_int_equal(asset_rules_classification(1060002), 106);
	assert_int_equal(asset_rules_classification(5000000), 500);
	assert_int_equal(asset_rules_classification(2070000), 207);
}

static void test_kind_for_template_follows_type_and_pet_classification(void **state)
{
	(void)state;
	assert_int_equal(asset_rules_kind_for_template(1302000), COFFER_KIND_EQUIPABLE);
	assert_int_equal(asset_rules_kind_for_template(2000000), COFFER_KIND_CONSUMABLE);
	assert_int_equal(asset_rules_kind_for_template(2070000), COFFER_KIND_CONSUMABLE);
	assert_int_equal(asset_rules_kind_for_template(3010000), COFFER_KIND_SETUP);
	assert_int_equal(asset_rules_kind_for_template(4000000), COFFER_KIND_ETC);
	assert_int_equal(asset_rules_kind_for_template(5000000), COFFER_KIND_PET);
	assert_int_equal(asset_rules_kind_for_template(5009999), COFFER_KIND_PET);
	assert_int_equal(asset_rules_kind_for_template(5010000), COFFER_KIND_CASH);
	assert_int_equal(asset_rules_kind_for_template(4999999), COFFER_KIND_ETC);
	assert_int_equal(asset_rules_kind_for_template(7000000), COFFER_KIND_NONE);
	assert_int_equal(asset_rules_kind_for_template(999999), COFFER_KIND_NONE);
}

static void test_reference_type_by_template_is_the_wire_name(void **state)
{
	(void)state;
	assert_string_equal(asset_rules_kind_name(asset_rules_kind_for_template(1040002)), "equipable");
	assert_string_equal(asset_rules_kind_name(asset_rules_kind_for_template(2000001)), "consumable");
	assert_string_equal(asset_rules_kind_name(asset_rules_kind_for_template(3010000)), "setup");
	assert_string_equal(asset_rules_kind_name(asset_rules_kind_for_template(4000001)), "etc");
	assert_string_equal(asset_rules_kind_name(asset_rules_kind_for_template(5000000)), "pet");
	assert_string_equal(asset_rules_kind_name(asset_rules_kind_for_template(5210000)), "cash");
	assert_string_equal(asset_rules_kind_name(COFFER_KIND_CASH_EQUIPABLE), "cash-equipable");
	assert_string_equal(asset_rules_kind_name(COFFER_KIND_NONE), "");
	assert_string_equal(asset_rules_kind_name((enum coffer_asset_kind)99), "");
}

static void test_kind_parse_inverts_kind_name_and_refuses_unknown(void **state)
{
	(void)state;
	for (int k = COFFER_KIND_EQUIPABLE; k <= COFFER_KIND_PET; k++) {
		const char *n = asset_rules_kind_name((enum coffer_asset_kind)k);
		assert_int_equal(asset_rules_kind_parse(n, strlen(n)), k);
	}
	assert_int_equal(asset_rules_kind_parse("cash-equipables", 4), COFFER_KIND_CASH);
	assert_int_equal(asset_rules_kind_parse("Cash", 4), COFFER_KIND_NONE);
	assert_int_equal(asset_rules_kind_parse("", 0), COFFER_KIND_NONE);
}

static void test_stackable_kinds_are_consumable_setup_etc_cash(void **state)
{
	(void)state;
	assert_true(asset_rules_stackable(COFFER_KIND_CONSUMABLE));
	assert_true(asset_rules_stackable(COFFER_KIND_SETUP));
	assert_true(asset_rules_stackable(COFFER_KIND_ETC));
	assert_true(asset_rules_stackable(COFFER_KIND_CASH));
	assert_false(asset_rules_stackable(COFFER_KIND_EQUIPABLE));
	assert_false(asset_rules_stackable(COFFER_KIND_CASH_EQUIPABLE));
	assert_false(asset_rules_stackable(COFFER_KIND_PET));
	assert_false(asset_rules_stackable(COFFER_KIND_NONE));
}

static void test_qty_is_one_for_non_stackables_whatever_is_stored(void **state)
{
	(void)state;
	struct coffer_asset a = stack(1, 1302000, 7);
	assert_int_equal(asset_rules_qty(&a), 1);
	a = stack(2, 4000000, 7);
	assert_int_equal(asset_rules_qty(&a), 7);
}

static void test_slot_max_defaults_to_100_and_is_1_for_equip_and_cash(void **state)
{
	(void)state;
	assert_int_equal(asset_rules_slot_max(2, 0), 100);
	assert_int_equal(asset_rules_slot_max(3, 0), 100);
	assert_int_equal(asset_rules_slot_max(4, 0), 100);
	assert_int_equal(asset_rules_slot_max(2, 200), 200);
	assert_int_equal(asset_rules_slot_max(4, 1), 1);
	assert_int_equal(asset_rules_slot_max(1, 200), 1);
	assert_int_equal(asset_rules_slot_max(5, 200), 1);
	assert_int_equal(asset_rules_slot_max(0, 0), 1);
}

/* ---- next free slot ---- */

static void test_free_slot_is_smallest_unoccupied_bag_slot(void **state)
{
	(void)state;
	assert_int_equal(asset_rules_free_slot(NULL, 0, 24), 1);
	assert_int_equal(asset_rules_free_slot((int16_t[]){1, 2, 4}, 3, 24), 3);
	assert_int_equal(asset_rules_free_slot((int16_t[]){4, 2, 1, 3}, 4, 24), 5);
	assert_int_equal(asset_rules_free_slot((int16_t[]){2, 3}, 2, 24), 1);
}

static void test_free_slot_ignores_worn_and_temporary_slots(void **state)
{
	(void)state;
	assert_int_equal(asset_rules_free_slot((int16_t[]){-5, -6, COFFER_SLOT_TEMP, 1}, 4, 24), 2);
}

static void test_free_slot_reports_full_as_zero(void **state)
{
	(void)state;
	int16_t s[24];
	for (int i = 0; i < 24; i++)
		s[i] = (int16_t)(i + 1);
	assert_int_equal(asset_rules_free_slot(s, 24, 24), 0);
	assert_int_equal(asset_rules_free_slot(s, 24, 25), 25);
	assert_int_equal(asset_rules_free_slot(s, 23, 24), 24);
	assert_int_equal(asset_rules_free_slot(NULL, 0, 0), 0);
}

static void test_free_slot_never_goes_beyond_capacity(void **state)
{
	(void)state;
	assert_int_equal(asset_rules_free_slot((int16_t[]){1, 2}, 2, 2), 0);
	assert_int_equal(asset_rules_free_slot((int16_t[]){30}, 1, 24), 1);
	assert_int_equal(asset_rules_free_slot((int16_t[]){32767}, 1, 32767), 1);
}

static void test_free_slot_of_a_list_uses_its_bag_assets(void **state)
{
	(void)state;
	struct coffer_asset v[3] = {stack(1, 1302000, 1), stack(2, 1302000, 1), stack(3, 1302000, 1)};
	v[0].slot = -11;
	v[1].slot = 1;
	v[2].slot = 3;
	struct coffer_asset_list l = {v, 3};
	assert_int_equal(asset_rules_free_slot_list(&l, 24), 2);
	struct coffer_asset_list empty = {NULL, 0};
	assert_int_equal(asset_rules_free_slot_list(&empty, 24), 1);
}

/* ---- merging ---- */

static void test_merge_allowed_for_same_template_stacks_below_max(void **state)
{
	(void)state;
	struct coffer_asset s = stack(1, 2000000, 80), d = stack(2, 2000000, 60);
	assert_true(asset_rules_can_merge(2, &s, &d, 0, 0, 100));
}

static void test_merge_refused_in_equip_compartment(void **state)
{
	(void)state;
	struct coffer_asset s = stack(1, 2000000, 1), d = stack(2, 2000000, 1);
	assert_false(asset_rules_can_merge(1, &s, &d, 0, 0, 100));
}

static void test_merge_refused_for_different_templates_or_same_asset(void **state)
{
	(void)state;
	struct coffer_asset s = stack(1, 2000000, 1), d = stack(2, 2000001, 1);
	assert_false(asset_rules_can_merge(2, &s, &d, 0, 0, 100));
	assert_false(asset_rules_can_merge(2, &s, &s, 0, 0, 100));
}

static void test_merge_refused_for_rechargeables_in_use_only(void **state)
{
	(void)state;
	struct coffer_asset s = stack(1, 2070000, 10), d = stack(2, 2070000, 10);
	s.rechargeable = 1;
	assert_false(asset_rules_can_merge(2, &s, &d, 0, 0, 100));
	s.rechargeable = 0;
	d.rechargeable = 5;
	assert_false(asset_rules_can_merge(2, &s, &d, 0, 0, 100));
	/* In ETC the rechargeable column is not a merge rule. */
	struct coffer_asset es = stack(3, 4000000, 1), ed = stack(4, 4000000, 1);
	es.rechargeable = 9;
	assert_true(asset_rules_can_merge(4, &es, &ed, 0, 0, 100));
}

static void test_merge_refused_when_either_side_is_reserved(void **state)
{
	(void)state;
	struct coffer_asset s = stack(1, 2000000, 5), d = stack(2, 2000000, 5);
	assert_false(asset_rules_can_merge(2, &s, &d, 1, 0, 100));
	assert_false(asset_rules_can_merge(2, &s, &d, 0, 3, 100));
}

static void test_merge_refused_for_non_stackable_kinds(void **state)
{
	(void)state;
	struct coffer_asset s = stack(1, 5000000, 1), d = stack(2, 5000000, 1);
	assert_int_equal(s.kind, COFFER_KIND_PET);
	assert_false(asset_rules_can_merge(5, &s, &d, 0, 0, 100));
	s.kind = d.kind = COFFER_KIND_CASH;
	assert_true(asset_rules_can_merge(5, &s, &d, 0, 0, 2));
}

static void test_merge_refused_when_destination_is_full(void **state)
{
	(void)state;
	struct coffer_asset s = stack(1, 4000000, 5), d = stack(2, 4000000, 100);
	assert_false(asset_rules_can_merge(4, &s, &d, 0, 0, 100));
	d.quantity = 99;
	assert_true(asset_rules_can_merge(4, &s, &d, 0, 0, 100));
	/* Cash stacks have slot max 1: a cash asset never merges. */
	struct coffer_asset cs = stack(3, 5210000, 1), cd = stack(4, 5210000, 1);
	assert_false(asset_rules_can_merge(5, &cs, &cd, 0, 0, 1));
}

static void test_merge_effect_within_max_uses_up_source(void **state)
{
	(void)state;
	uint32_t nd = 0, ns = 99;
	assert_true(asset_rules_merge_effect(30, 40, 100, &nd, &ns));
	assert_int_equal(nd, 70);
	assert_int_equal(ns, 0);
	assert_true(asset_rules_merge_effect(60, 40, 100, &nd, &ns));
	assert_int_equal(nd, 100);
}

static void test_merge_effect_over_max_fills_destination_and_keeps_rest(void **state)
{
	(void)state;
	uint32_t nd = 0, ns = 0;
	/* example A.2: 80 onto 60 with max 100. */
	assert_false(asset_rules_merge_effect(80, 60, 100, &nd, &ns));
	assert_int_equal(nd, 100);
	assert_int_equal(ns, 40);
	assert_false(asset_rules_merge_effect(UINT32_MAX, 99, 100, &nd, &ns));
	assert_int_equal(nd, 100);
	assert_int_equal(ns, UINT32_MAX - 1);
}

/* ---- DESTROY, RECHARGE ---- */

static void test_destroy_reduces_a_stack_by_n(void **state)
{
	(void)state;
	struct coffer_asset a = stack(1, 4000000, 10);
	uint32_t left = 0;
	assert_false(asset_rules_destroy(&a, 3, &left));
	assert_int_equal(left, 7);
}

static void test_destroy_removes_when_everything_or_more_is_asked(void **state)
{
	(void)state;
	struct coffer_asset a = stack(1, 4000000, 10);
	uint32_t left = 5;
	assert_true(asset_rules_destroy(&a, 0, &left));
	assert_int_equal(left, 0);
	assert_true(asset_rules_destroy(&a, 10, &left));
	assert_true(asset_rules_destroy(&a, 11, &left));
	struct coffer_asset e = stack(2, 1302000, 5);
	assert_true(asset_rules_destroy(&e, 1, &left));
}

static void test_recharge_adds_and_saturates(void **state)
{
	(void)state;
	assert_int_equal(asset_rules_recharge(100, 200), 300);
	assert_int_equal(asset_rules_recharge(UINT32_MAX - 1, 5), UINT32_MAX);
	assert_int_equal(asset_rules_recharge(7, 0), 7);
}

/* ---- helpers ---- */

static void test_expiration_must_be_none_or_a_datetime_instant(void **state)
{
	(void)state;
	assert_true(asset_rules_expiration_ok(COFFER_ASSET_NO_EXPIRY));
	assert_true(asset_rules_expiration_ok(0));
	assert_true(asset_rules_expiration_ok(ASSET_TIME_MIN_US));
	assert_true(asset_rules_expiration_ok(ASSET_TIME_MAX_US));
	assert_false(asset_rules_expiration_ok(ASSET_TIME_MIN_US - 1));
	assert_false(asset_rules_expiration_ok(ASSET_TIME_MAX_US + 1));
	assert_false(asset_rules_expiration_ok(COFFER_ASSET_NO_EXPIRY + 1));
}

static void test_parse_slots_reads_a_comma_list_and_skips_junk(void **state)
{
	(void)state;
	int16_t s[16];
	const char *rings = "-12,-13,-15,-16";
	assert_int_equal(asset_rules_parse_slots(rings, strlen(rings), s, 16), 4);
	assert_int_equal(s[0], -12);
	assert_int_equal(s[3], -16);
	const char *odd = " -5 , x1, -7,,0,99999999";
	assert_int_equal(asset_rules_parse_slots(odd, strlen(odd), s, 16), 2);
	assert_int_equal(s[0], -5);
	assert_int_equal(s[1], -7);
	assert_int_equal(asset_rules_parse_slots("", 0, s, 16), 0);
	assert_int_equal(asset_rules_parse_slots(rings, strlen(rings), s, 2), 2);
}

static void test_utf8_prefix_counts_characters_not_bytes(void **state)
{
	(void)state;
	char out[16];
	asset_rules_utf8_prefix("abcdef", 6, 3, out, sizeof out);
	assert_string_equal(out, "abc");
	asset_rules_utf8_prefix("\xc3\xa9\xc3\xa9\xc3\xa9", 6, 2, out, sizeof out);
	assert_string_equal(out, "\xc3\xa9\xc3\xa9");
	asset_rules_utf8_prefix("ab", 2, 32, out, sizeof out);
	assert_string_equal(out, "ab");
	/* Never a cut character when the buffer is the limit. */
	asset_rules_utf8_prefix("a\xc3\xa9", 3, 32, out, 3);
	assert_string_equal(out, "a");
}

static void test_blank_asset_has_column_defaults(void **state)
{
	(void)state;
	struct coffer_asset a;
	memset(&a, 0x5a, sizeof a);
	asset_rules_blank(&a, 2000000, COFFER_KIND_CONSUMABLE);
	assert_int_equal(a.id, 0);
	assert_int_equal(a.template_id, 2000000);
	assert_int_equal(a.kind, COFFER_KIND_CONSUMABLE);
	assert_int_equal(a.quantity, 1);
	assert_int_equal(a.pet_slot, -1);
	assert_true(a.expiration_us == COFFER_ASSET_NO_EXPIRY);
	assert_int_equal(a.reference_id, 0);
	assert_string_equal(a.owner_name, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_type_is_millions_digit_within_1_to_5),
		cmocka_unit_test(test_classification_is_template_over_ten_thousand),
		cmocka_unit_test(test_kind_for_template_follows_type_and_pet_classification),
		cmocka_unit_test(test_reference_type_by_template_is_the_wire_name),
		cmocka_unit_test(test_kind_parse_inverts_kind_name_and_refuses_unknown),
		cmocka_unit_test(test_stackable_kinds_are_consumable_setup_etc_cash),
		cmocka_unit_test(test_qty_is_one_for_non_stackables_whatever_is_stored),
		cmocka_unit_test(test_slot_max_defaults_to_100_and_is_1_for_equip_and_cash),
		cmocka_unit_test(test_free_slot_is_smallest_unoccupied_bag_slot),
		cmocka_unit_test(test_free_slot_ignores_worn_and_temporary_slots),
		cmocka_unit_test(test_free_slot_reports_full_as_zero),
		cmocka_unit_test(test_free_slot_never_goes_beyond_capacity),
		cmocka_unit_test(test_free_slot_of_a_list_uses_its_bag_assets),
		cmocka_unit_test(test_merge_allowed_for_same_template_stacks_below_max),
		cmocka_unit_test(test_merge_refused_in_equip_compartment),
		cmocka_unit_test(test_merge_refused_for_different_templates_or_same_asset),
		cmocka_unit_test(test_merge_refused_for_rechargeables_in_use_only),
		cmocka_unit_test(test_merge_refused_when_either_side_is_reserved),
		cmocka_unit_test(test_merge_refused_for_non_stackable_kinds),
		cmocka_unit_test(test_merge_refused_when_destination_is_full),
		cmocka_unit_test(test_merge_effect_within_max_uses_up_source),
		cmocka_unit_test(test_merge_effect_over_max_fills_destination_and_keeps_rest),
		cmocka_unit_test(test_destroy_reduces_a_stack_by_n),
		cmocka_unit_test(test_destroy_removes_when_everything_or_more_is_asked),
		cmocka_unit_test(test_recharge_adds_and_saturates),
		cmocka_unit_test(test_expiration_must_be_none_or_a_datetime_instant),
		cmocka_unit_test(test_parse_slots_reads_a_comma_list_and_skips_junk),
		cmocka_unit_test(test_utf8_prefix_counts_characters_not_bytes),
		cmocka_unit_test(test_blank_asset_has_column_defaults),
	};
	return cmocka_run_group_tests_name("test_asset_rules", tests, NULL, NULL);
}
