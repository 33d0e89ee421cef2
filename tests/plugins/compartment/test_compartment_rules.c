/* SPDX-License-Identifier: MIT */
/* tests/plugins/compartment/test_compartment_rules.c: the pure rules of the compartment plugin
 * (plugins/compartment/compartment_rules.c) without a host: EQUIP position (OP-5, cash -100,
 * PET_EQUIP), the overall / bottom conflict plan (kafka-contract.md#equip-positions, OP-4, example A.1), the MERGE pass
 * order (kafka-contract.md#merge, example A.3), compaction, selection sort (kafka-contract.md#sort), bag bounds and capacity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "compartment_rules.h"

/* ------------------------------------------------------------------ doubles of the service's
 * pure functions, written from the contract (kafka-contract.md#inventory-types-and-templates, kafka-contract.md#next-free-slot) */

static uint32_t classify(uint32_t template_id) { return template_id / 10000u; }

static int16_t free_slot(const struct coffer_asset_list *list, uint32_t capacity)
{
	for (uint32_t s = 1; s <= capacity; s++) {
		bool used = false;
		for (size_t i = 0; i < list->n; i++)
			used |= list->v[i].slot == (int16_t)s;
		if (!used)
			return (int16_t)s;
	}
	return 0;
}

static struct coffer_item_template tpl(bool is_cash, const char *name, const int16_t *slots,
                                       size_t n)
{
	struct coffer_item_template t;
	memset(&t, 0, sizeof t);
	t.found = true;
	t.is_cash = is_cash;
	snprintf(t.equip_slot_name, sizeof t.equip_slot_name, "%s", name);
	for (size_t i = 0; i < n; i++)
		t.equip_slots[i] = slots[i];
	t.n_equip_slots = n;
	return t;
}

/* ------------------------------------------------------------------ bounds, capacity */

static void test_bag_slot_accepts_one_to_capacity_inclusive(void **state)
{
	(void)state;
	assert_true(compartment_rules_bag_slot(1, 24));
	assert_true(compartment_rules_bag_slot(24, 24));
	assert_false(compartment_rules_bag_slot(25, 24));
	assert_false(compartment_rules_bag_slot(0, 24));
	assert_false(compartment_rules_bag_slot(-5, 24));
	assert_false(compartment_rules_bag_slot(INT16_MIN, 24));
}

static void test_capacity_adds_and_saturates_at_ninety_six(void **state)
{
	(void)state;
	assert_int_equal(compartment_rules_capacity(24, 4), 28);
	assert_int_equal(compartment_rules_capacity(24, 0), 24);
	assert_int_equal(compartment_rules_capacity(94, 4), 96);
	assert_int_equal(compartment_rules_capacity(96, 1), 96);
	/* OP-22: the reference wrapped around here and shrank the compartment. */
	assert_int_equal(compartment_rules_capacity(24, UINT32_MAX), 96);
	assert_int_equal(compartment_rules_capacity(UINT32_MAX, UINT32_MAX), UINT32_MAX);
}

/* ------------------------------------------------------------------ equip position */

static void test_equip_position_ignores_destination_of_ordinary_equipment(void **state)
{
	(void)state;
	struct coffer_item_template sword = tpl(false, "WEAPON", (int16_t[]){-11}, 1);
	assert_int_equal(compartment_rules_equip_position(&sword, -5), -11);
	assert_int_equal(compartment_rules_equip_position(&sword, 0), -11);
	assert_int_equal(compartment_rules_equip_position(&sword, -11), -11);
}

static void test_equip_position_takes_ring_destination_among_template_positions(void **state)
{
	(void)state;
	struct coffer_item_template ring = tpl(false, "RING", (int16_t[]){-12, -13, -15, -16}, 4);
	assert_int_equal(compartment_rules_equip_position(&ring, -15), -15);
	assert_int_equal(compartment_rules_equip_position(&ring, -16), -16);
	/* OP-5: anything else falls back to the first position. */
	assert_int_equal(compartment_rules_equip_position(&ring, -14), -12);
	assert_int_equal(compartment_rules_equip_position(&ring, 3), -12);
}

static void test_equip_position_moves_cash_equipment_one_hundred_down(void **state)
{
	(void)state;
	struct coffer_item_template hat = tpl(true, "HAT", (int16_t[]){-1}, 1);
	assert_int_equal(compartment_rules_equip_position(&hat, -1), -101);
	struct coffer_item_template ring = tpl(true, "RING", (int16_t[]){-12, -13, -15, -16}, 4);
	assert_int_equal(compartment_rules_equip_position(&ring, -113), -113);
	assert_int_equal(compartment_rules_equip_position(&ring, -13), -112);
}

static void test_equip_position_puts_cash_pet_equipment_where_asked(void **state)
{
	(void)state;
	struct coffer_item_template none = tpl(true, "", NULL, 0);
	struct coffer_item_template named = tpl(true, "PET_EQUIP", NULL, 0);
	assert_int_equal(compartment_rules_equip_position(&none, -114), -114);
	assert_int_equal(compartment_rules_equip_position(&named, -23), -23);
	assert_int_equal(compartment_rules_equip_position(&none, 3), 0);
	assert_int_equal(compartment_rules_equip_position(&none, 0), 0);
	/* The temporary slot of a swap is never a position (kafka-contract.md#slots). */
	assert_int_equal(compartment_rules_equip_position(&none, COFFER_SLOT_TEMP), 0);
}

static void test_equip_position_fails_without_positions(void **state)
{
	(void)state;
	struct coffer_item_template missing;
	memset(&missing, 0, sizeof missing); /* no template row: every value a default */
	assert_int_equal(compartment_rules_equip_position(&missing, -5), 0);
	/* Not cash: PET_EQUIP has no destination rule, the empty list fails (OP-36). */
	struct coffer_item_template plain = tpl(false, "", NULL, 0);
	assert_int_equal(compartment_rules_equip_position(&plain, -14), 0);
	/* A positive entry is not an equip position. */
	struct coffer_item_template junk = tpl(false, "HAT", (int16_t[]){7}, 1);
	assert_int_equal(compartment_rules_equip_position(&junk, 7), 0);
}

static void test_equip_family_pairs_top_with_pants_in_each_family(void **state)
{
	(void)state;
	int16_t top = 0, pants = 0;
	assert_true(compartment_rules_equip_family(-6, &top, &pants));
	assert_int_equal(top, -5);
	assert_int_equal(pants, -6);
	assert_true(compartment_rules_equip_family(-105, &top, &pants));
	assert_int_equal(top, -105);
	assert_int_equal(pants, -106);
	assert_false(compartment_rules_equip_family(-11, &top, &pants));
	assert_false(compartment_rules_equip_family(-7, &top, &pants));
}

/* ------------------------------------------------------------------ equip plan */

struct fixture_list {
	struct coffer_asset v[64];
	struct coffer_asset_list list;
};

static void put(struct fixture_list *f, uint32_t id, int16_t slot, uint32_t template_id)
{
	struct coffer_asset *a = &f->v[f->list.n++];
	memset(a, 0, sizeof *a);
	a->id = id;
	a->slot = slot;
	a->template_id = template_id;
	f->list.v = f->v;
}

static void fill(struct fixture_list *f, int16_t from, int16_t to)
{
	for (int16_t s = from; s <= to; s++)
		put(f, 1000u + (uint32_t)s, s, 4000000);
}

/* example A.1 before the command. */
static void a1(struct fixture_list *f)
{
	memset(f, 0, sizeof *f);
	put(f, 12, -5, 1040002);
	put(f, 13, -6, 1060002);
	put(f, 1, 1, 1302000);
	put(f, 2, 2, 1302000);
	put(f, 11, 3, 1050000);
	put(f, 4, 4, 1302000);
}

static void test_equip_plan_moves_pants_out_for_an_overall(void **state)
{
	(void)state;
	struct fixture_list f;
	a1(&f);
	struct compartment_equip_plan p;
	assert_true(compartment_rules_equip_plan(&f.list, 4, -5, 24, classify, free_slot, &p));
	assert_true(p.displaces);
	assert_int_equal(f.v[p.displaced].id, 12);
	assert_int_equal(f.v[p.displaced].slot, 3); /* the top took the overall's slot */
	assert_int_equal(f.v[4].slot, -5);
	assert_true(p.conflict);
	assert_int_equal(f.v[p.conflict_index].id, 13);
	assert_int_equal(p.conflict_from, -6);
	assert_int_equal(p.conflict_to, 5);
}

static void test_equip_plan_fails_when_pants_have_nowhere_to_go(void **state)
{
	(void)state;
	struct fixture_list f;
	a1(&f);
	fill(&f, 5, 24);
	struct compartment_equip_plan p;
	assert_false(compartment_rules_equip_plan(&f.list, 4, -5, 24, classify, free_slot, &p));
}

static void test_equip_plan_gives_pants_the_source_slot_when_nothing_swapped_in(void **state)
{
	(void)state;
	struct fixture_list f;
	memset(&f, 0, sizeof f);
	put(&f, 13, -6, 1060002);
	fill(&f, 1, 2);
	put(&f, 11, 3, 1050000);
	fill(&f, 4, 24);
	struct compartment_equip_plan p;
	assert_true(compartment_rules_equip_plan(&f.list, 3, -5, 24, classify, free_slot, &p));
	assert_false(p.displaces);
	assert_true(p.conflict);
	assert_int_equal(p.conflict_to, 3);
}

static void test_equip_plan_needs_no_free_slot_for_an_overall_without_pants(void **state)
{
	(void)state;
	struct fixture_list f;
	memset(&f, 0, sizeof f);
	put(&f, 12, -5, 1040002);
	fill(&f, 1, 2);
	put(&f, 11, 3, 1050000);
	fill(&f, 4, 24);
	struct compartment_equip_plan p;
	/* OP-4: the reference searched before looking at the pants and failed here. */
	assert_true(compartment_rules_equip_plan(&f.list, 3, -5, 24, classify, free_slot, &p));
	assert_true(p.displaces);
	assert_false(p.conflict);
}

static void test_equip_plan_moves_an_overall_out_for_a_bottom(void **state)
{
	(void)state;
	struct fixture_list f;
	memset(&f, 0, sizeof f);
	put(&f, 11, -5, 1050000);
	put(&f, 21, 1, 1060002);
	struct compartment_equip_plan p;
	assert_true(compartment_rules_equip_plan(&f.list, 1, -6, 24, classify, free_slot, &p));
	assert_false(p.displaces);
	assert_true(p.conflict);
	assert_int_equal(f.v[p.conflict_index].id, 11);
	assert_int_equal(p.conflict_from, -5);
	assert_int_equal(p.conflict_to, 1);
}

static void test_equip_plan_keeps_a_top_for_a_bottom(void **state)
{
	(void)state;
	struct fixture_list f;
	memset(&f, 0, sizeof f);
	put(&f, 12, -5, 1040002);
	put(&f, 21, 1, 1060002);
	struct compartment_equip_plan p;
	assert_true(compartment_rules_equip_plan(&f.list, 1, -6, 24, classify, free_slot, &p));
	assert_false(p.conflict);
}

static void test_equip_plan_applies_the_rule_inside_the_cash_family(void **state)
{
	(void)state;
	struct fixture_list f;
	memset(&f, 0, sizeof f);
	put(&f, 31, -106, 1060100);
	put(&f, 13, -6, 1060002);
	put(&f, 30, 1, 1050100);
	struct compartment_equip_plan p;
	assert_true(compartment_rules_equip_plan(&f.list, 2, -105, 24, classify, free_slot, &p));
	assert_true(p.conflict);
	assert_int_equal(f.v[p.conflict_index].id, 31); /* cash pants, not the ordinary ones */
	assert_int_equal(p.conflict_from, -106);
	assert_int_equal(p.conflict_to, 1);
	/* An ordinary overall leaves cash pants alone (OP-4). */
	memset(&f, 0, sizeof f);
	put(&f, 31, -106, 1060100);
	put(&f, 11, 1, 1050000);
	assert_true(compartment_rules_equip_plan(&f.list, 1, -5, 24, classify, free_slot, &p));
	assert_false(p.conflict);
}

static void test_equip_plan_has_no_conflict_outside_top_and_pants(void **state)
{
	(void)state;
	struct fixture_list f;
	memset(&f, 0, sizeof f);
	put(&f, 13, -6, 1060002);
	put(&f, 11, 1, 1050000);
	fill(&f, 2, 24);
	struct compartment_equip_plan p;
	/* An overall whose data says it is worn elsewhere does not push anything. */
	assert_true(compartment_rules_equip_plan(&f.list, 1, -11, 24, classify, free_slot, &p));
	assert_false(p.conflict);
	assert_false(p.displaces);
}

/* ------------------------------------------------------------------ merge pass */

/* A bag of (template, quantity) merged with the arithmetic of kafka-contract.md#stacking-and-merging, slot max 100, and the
 * order of the callback calls recorded. */
struct merge_bag {
	uint32_t tpl[16], qty[16];
	size_t n;
	char calls[256];
	size_t ncalls;
};

static int merge_cb(void *ud, size_t i, size_t j)
{
	struct merge_bag *b = ud;
	char buf[16];
	snprintf(buf, sizeof buf, "%zu%zu ", i, j);
	strcat(b->calls, buf);
	b->ncalls++;
	if (b->tpl[i] != b->tpl[j] || b->qty[i] >= 100)
		return COMPARTMENT_MERGE_NONE;
	uint32_t total = b->qty[i] + b->qty[j];
	if (total <= 100) {
		b->qty[i] = total;
		memmove(&b->tpl[j], &b->tpl[j + 1], (b->n - j - 1) * sizeof b->tpl[0]);
		memmove(&b->qty[j], &b->qty[j + 1], (b->n - j - 1) * sizeof b->qty[0]);
		b->n--;
		return COMPARTMENT_MERGE_FULL;
	}
	b->qty[i] = 100;
	b->qty[j] = total - 100;
	return COMPARTMENT_MERGE_PARTIAL;
}

static void test_merge_pass_follows_appendix_a3(void **state)
{
	(void)state;
	struct merge_bag b = {.tpl = {2000001, 2000000, 2000001, 2000000},
	                      .qty = {10, 40, 95, 30},
	                      .n = 4};
	assert_int_equal(compartment_rules_merge_pass(b.n, merge_cb, &b), 0);
	/* 0-2 partial, 0-2 again (full now), 1-3 full: index 3 gone, 2-? nothing left. */
	assert_string_equal(b.calls, "01 02 02 03 12 13 ");
	assert_int_equal(b.n, 3);
	assert_int_equal(b.qty[0], 100);
	assert_int_equal(b.qty[1], 70);
	assert_int_equal(b.qty[2], 5);
}

static void test_merge_pass_examines_the_next_source_at_the_same_index(void **state)
{
	(void)state;
	struct merge_bag b = {.tpl = {7, 7, 7, 7}, .qty = {10, 10, 10, 10}, .n = 4};
	assert_int_equal(compartment_rules_merge_pass(b.n, merge_cb, &b), 0);
	assert_string_equal(b.calls, "01 01 01 ");
	assert_int_equal(b.n, 1);
	assert_int_equal(b.qty[0], 40);
}

static int failing_cb(void *ud, size_t i, size_t j)
{
	(void)i;
	(void)j;
	int *calls = ud;
	return ++*calls == 2 ? COFFER_ETRANSIENT : COMPARTMENT_MERGE_NONE;
}

static void test_merge_pass_stops_at_the_first_error(void **state)
{
	(void)state;
	int calls = 0;
	assert_int_equal(compartment_rules_merge_pass(5, failing_cb, &calls), COFFER_ETRANSIENT);
	assert_int_equal(calls, 2);
}

static int stuck_cb(void *ud, size_t i, size_t j)
{
	(void)i;
	(void)j;
	int *calls = ud;
	++*calls;
	return COMPARTMENT_MERGE_PARTIAL;
}

static void test_merge_pass_never_loops_on_a_pair_that_stays_partial(void **state)
{
	(void)state;
	int calls = 0;
	assert_int_equal(compartment_rules_merge_pass(3, stuck_cb, &calls), 0);
	/* Each of the pairs 01, 02, 12 examined twice. */
	assert_int_equal(calls, 6);
}

/* ------------------------------------------------------------------ compaction, sort */

static void test_compact_moves_each_asset_to_its_rank_in_slot_order(void **state)
{
	(void)state;
	struct compartment_move m[8];
	int16_t a3[] = {1, 3, 4};
	assert_int_equal(compartment_rules_compact(a3, 3, m), 2);
	assert_int_equal(m[0].index, 1);
	assert_int_equal(m[0].from, 3);
	assert_int_equal(m[0].to, 2);
	assert_int_equal(m[1].index, 2);
	assert_int_equal(m[1].from, 4);
	assert_int_equal(m[1].to, 3);
	int16_t gaps[] = {2, 5, 24};
	assert_int_equal(compartment_rules_compact(gaps, 3, m), 3);
	assert_int_equal(m[0].to, 1);
	assert_int_equal(m[2].from, 24);
	assert_int_equal(m[2].to, 3);
	int16_t packed[] = {1, 2, 3};
	assert_int_equal(compartment_rules_compact(packed, 3, m), 0);
	assert_int_equal(compartment_rules_compact(NULL, 0, m), 0);
}

static void test_sort_selects_the_smallest_template_lowest_position_first(void **state)
{
	(void)state;
	struct compartment_swap s[8];
	uint32_t a3[] = {2000001, 2000000, 2000001};
	assert_int_equal(compartment_rules_sort(a3, 3, s), 1);
	assert_int_equal(s[0].to, 1);
	assert_int_equal(s[0].from, 2);
	assert_int_equal(a3[0], 2000000);
	/* Not stable: [B, B', A] becomes [A, B', B] with one exchange (kafka-contract.md#sort). */
	uint32_t bba[] = {2, 2, 1};
	assert_int_equal(compartment_rules_sort(bba, 3, s), 1);
	assert_int_equal(s[0].to, 1);
	assert_int_equal(s[0].from, 3);
	uint32_t rev[] = {4, 3, 2, 1};
	assert_int_equal(compartment_rules_sort(rev, 4, s), 2);
	assert_int_equal(s[0].to, 1);
	assert_int_equal(s[0].from, 4);
	assert_int_equal(s[1].to, 2);
	assert_int_equal(s[1].from, 3);
	uint32_t same[] = {5, 5, 5};
	assert_int_equal(compartment_rules_sort(same, 3, s), 0);
	assert_int_equal(compartment_rules_sort(same, 1, s), 0);
	assert_int_equal(compartment_rules_sort(NULL, 0, s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bag_slot_accepts_one_to_capacity_inclusive),
		cmocka_unit_test(test_capacity_adds_and_saturates_at_ninety_six),
		cmocka_unit_test(test_equip_position_ignores_destination_of_ordinary_equipment),
		cmocka_unit_test(test_equip_position_takes_ring_destination_among_template_positions),
		cmocka_unit_test(test_equip_position_moves_cash_equipment_one_hundred_down),
		cmocka_unit_test(test_equip_position_puts_cash_pet_equipment_where_asked),
		cmocka_unit_test(test_equip_position_fails_without_positions),
		cmocka_unit_test(test_equip_family_pairs_top_with_pants_in_each_family),
		cmocka_unit_test(test_equip_plan_moves_pants_out_for_an_overall),
		cmocka_unit_test(test_equip_plan_fails_when_pants_have_nowhere_to_go),
		cmocka_unit_test(test_equip_plan_gives_pants_the_source_slot_when_nothing_swapped_in),
		cmocka_unit_test(test_equip_plan_needs_no_free_slot_for_an_overall_without_pants),
		cmocka_unit_test(test_equip_plan_moves_an_overall_out_for_a_bottom),
		cmocka_unit_test(test_equip_plan_keeps_a_top_for_a_bottom),
		cmocka_unit_test(test_equip_plan_applies_the_rule_inside_the_cash_family),
		cmocka_unit_test(test_equip_plan_has_no_conflict_outside_top_and_pants),
		cmocka_unit_test(test_merge_pass_follows_appendix_a3),
		cmocka_unit_test(test_merge_pass_examines_the_next_source_at_the_same_index),
		cmocka_unit_test(test_merge_pass_stops_at_the_first_error),
		cmocka_unit_test(test_merge_pass_never_loops_on_a_pair_that_stays_partial),
		cmocka_unit_test(test_compact_moves_each_asset_to_its_rank_in_slot_order),
		cmocka_unit_test(test_sort_selects_the_smallest_template_lowest_position_first),
	};
	return cmocka_run_group_tests_name("test_compartment_rules", tests, NULL, NULL);
}
