/* SPDX-License-Identifier: MIT */
/* tests/plugins/drop/test_drop_rules.c: the pure rules of the drop plugin
 * (plugins/drop/drop_rules.c) and the exact JSON of its events (drop_events.c),
 * without a database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drop.h"

#define T0 1740830400000000LL /* 2025-03-01T12:00:00Z */
#define SEC 1000000LL
#define WINDOW (15 * SEC)

static const struct drop_loc LOC = {0, 1, 100000000};

static struct drop_row owned_drop(uint32_t owner, uint32_t party)
{
	struct drop_row r;
	memset(&r, 0, sizeof r);
	r.id = 1000000001;
	r.loc = LOC;
	r.item_id = 2000000;
	r.quantity = 5;
	r.owner_id = owner;
	r.owner_party_id = party;
	r.drop_time_us = T0;
	r.status = DROP_AVAILABLE;
	r.pet_slot = -1;
	return r;
}

/* ------------------------------------------------------------------ kinds and normalisation */

static void test_drop_inventory_type_is_the_millions_digit_when_valid(void **state)
{
	(void)state;
	assert_int_equal(drop_inventory_type(1302000), 1);
	assert_int_equal(drop_inventory_type(2000000), 2);
	assert_int_equal(drop_inventory_type(3010000), 3);
	assert_int_equal(drop_inventory_type(4000000), 4);
	assert_int_equal(drop_inventory_type(5000000), 5);
	assert_int_equal(drop_inventory_type(999999), 0);
	assert_int_equal(drop_inventory_type(6000000), 0);
	assert_int_equal(drop_inventory_type(0), 0);
}

static void test_drop_kind_of_classifies_meso_equipment_and_items(void **state)
{
	(void)state;
	const char *why = NULL;
	assert_int_equal(drop_kind_of(0, 250, &why), DROP_KIND_MESO);
	assert_int_equal(drop_kind_of(1302000, 0, &why), DROP_KIND_EQUIPMENT);
	assert_int_equal(drop_kind_of(2000000, 0, &why), DROP_KIND_ITEM);
	assert_int_equal(drop_kind_of(5000000, 0, &why), DROP_KIND_ITEM);
	assert_null(why);
}

static void test_drop_kind_of_refuses_meso_with_item_nothing_and_bad_types(void **state)
{
	(void)state;
	const char *why = NULL;
	assert_int_equal(drop_kind_of(2000000, 10, &why), DROP_KIND_INVALID);
	assert_non_null(why);
	why = NULL;
	assert_int_equal(drop_kind_of(0, 0, &why), DROP_KIND_INVALID);
	assert_non_null(why);
	why = NULL;
	assert_int_equal(drop_kind_of(6000000, 0, &why), DROP_KIND_INVALID);
	assert_non_null(why);
	why = NULL;
	assert_int_equal(drop_kind_of(999999, 0, &why), DROP_KIND_INVALID);
	assert_non_null(why);
}

static void test_drop_spawn_normalise_zeroes_everything_but_meso_on_meso_drops(void **state)
{
	(void)state;
	struct drop_row r;
	memset(&r, 0, sizeof r);
	r.meso = 250;
	r.quantity = 9;
	r.equipment_id = 7;
	r.stats[0] = 3;
	r.stats[15] = 4;
	const char *why = NULL;
	assert_int_equal(drop_spawn_normalise(&r, &why), DROP_KIND_MESO);
	assert_int_equal(r.meso, 250);
	assert_int_equal(r.item_id, 0);
	assert_int_equal(r.quantity, 0);
	assert_int_equal(r.equipment_id, 0);
	assert_true(drop_stats_all_zero(r.stats));
}

static void test_drop_spawn_normalise_makes_equipment_a_single_piece_keeping_stats(void **state)
{
	(void)state;
	struct drop_row r;
	memset(&r, 0, sizeof r);
	r.item_id = 1302000;
	r.quantity = 7;
	r.stats[0] = 1;
	r.stats[6] = 19;
	r.stats[15] = 5;
	const char *why = NULL;
	assert_int_equal(drop_spawn_normalise(&r, &why), DROP_KIND_EQUIPMENT);
	assert_int_equal(r.quantity, 1);
	assert_int_equal(r.stats[0], 1);
	assert_int_equal(r.stats[6], 19);
	assert_int_equal(r.stats[15], 5);
}

static void test_drop_spawn_normalise_keeps_item_quantity_and_drops_stats(void **state)
{
	(void)state;
	struct drop_row r;
	memset(&r, 0, sizeof r);
	r.item_id = 2000000;
	r.quantity = 5;
	r.equipment_id = 99;
	r.stats[3] = 8;
	const char *why = NULL;
	assert_int_equal(drop_spawn_normalise(&r, &why), DROP_KIND_ITEM);
	assert_int_equal(r.quantity, 5);
	assert_int_equal(r.equipment_id, 0);
	assert_true(drop_stats_all_zero(r.stats));
}

static void test_drop_spawn_normalise_refuses_items_of_quantity_zero(void **state)
{
	(void)state;
	struct drop_row r;
	memset(&r, 0, sizeof r);
	r.item_id = 2000000;
	const char *why = NULL;
	assert_int_equal(drop_spawn_normalise(&r, &why), DROP_KIND_INVALID);
	assert_non_null(why);
}

static void test_drop_equipment_id_follows_section_3_4(void **state)
{
	(void)state;
	assert_int_equal(drop_equipment_id(DROP_KIND_EQUIPMENT, true, 5021, 1000000001), 5021);
	assert_int_equal(drop_equipment_id(DROP_KIND_EQUIPMENT, true, 0, 1000000001), 1000000001);
	assert_int_equal(drop_equipment_id(DROP_KIND_EQUIPMENT, false, 0, 1000000002), 1000000002);
	assert_int_equal(drop_equipment_id(DROP_KIND_EQUIPMENT, false, 77, 1000000002), 1000000002);
	assert_int_equal(drop_equipment_id(DROP_KIND_ITEM, true, 5021, 1000000001), 0);
	assert_int_equal(drop_equipment_id(DROP_KIND_MESO, false, 0, 1000000001), 0);
}

static void test_drop_stats_all_zero_sees_any_statistic(void **state)
{
	(void)state;
	uint16_t s[DROP_NSTATS] = {0};
	assert_true(drop_stats_all_zero(s));
	for (int i = 0; i < DROP_NSTATS; i++) {
		s[i] = 1;
		assert_false(drop_stats_all_zero(s));
		s[i] = 0;
	}
}

static void test_drop_region_fits_accepts_utf8_up_to_32_characters(void **state)
{
	(void)state;
	assert_true(drop_region_fits(""));
	assert_true(drop_region_fits("GMS"));
	assert_true(drop_region_fits("12345678901234567890123456789012"));
	assert_false(drop_region_fits("123456789012345678901234567890123"));
	/* 32 two-byte characters are 64 bytes but 32 characters. */
	char wide[80] = "";
	for (int i = 0; i < 32; i++)
		strcat(wide, "\xc3\xa9");
	assert_true(drop_region_fits(wide));
	strcat(wide, "\xc3\xa9");
	assert_false(drop_region_fits(wide));
	assert_true(drop_region_fits("\xe2\x82\xac\xf0\x9f\x98\x80"));
	assert_false(drop_region_fits("\xff"));
	assert_false(drop_region_fits("\xc3"));
	assert_false(drop_region_fits("\xc0\xaf"));         /* overlong */
	assert_false(drop_region_fits("\xed\xa0\x80"));     /* surrogate */
	assert_false(drop_region_fits("a\x80"));
}

/* ------------------------------------------------------------------ ownership (kafka-contract.md#ownership) */

static void test_drop_may_reserve_lets_the_owner_in_at_once(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(10, 0);
	assert_true(drop_may_reserve(&r, 10, 0, T0, WINDOW));
}

static void test_drop_may_reserve_refuses_stranger_within_ownership_window(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(10, 0);
	assert_false(drop_may_reserve(&r, 11, 0, T0 + 5 * SEC, WINDOW));
	assert_false(drop_may_reserve(&r, 11, 0, T0 + WINDOW - 1, WINDOW));
}

static void test_drop_may_reserve_counts_exactly_the_window_as_over(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(10, 0);
	assert_true(drop_may_reserve(&r, 11, 0, T0 + WINDOW, WINDOW));
}

static void test_drop_may_reserve_lets_the_owner_party_in(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(10, 77);
	assert_true(drop_may_reserve(&r, 11, 77, T0 + SEC, WINDOW));
	assert_false(drop_may_reserve(&r, 11, 78, T0 + SEC, WINDOW));
}

static void test_drop_may_reserve_ignores_party_zero_and_owner_zero(void **state)
{
	(void)state;
	/* A character without party (0) is no member of "no party" (0). */
	struct drop_row r = owned_drop(10, 0);
	assert_false(drop_may_reserve(&r, 11, 0, T0, WINDOW));
	/* Only a party owner: character id 0 is nobody, not the owner. */
	r = owned_drop(0, 77);
	assert_false(drop_may_reserve(&r, 11, 0, T0, WINDOW));
}

static void test_drop_may_reserve_frees_unowned_and_player_drops(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(0, 0);
	assert_true(drop_may_reserve(&r, 11, 0, T0, WINDOW));
	r = owned_drop(10, 0);
	r.player_drop = true;
	assert_true(drop_may_reserve(&r, 11, 0, T0, WINDOW));
}

static void test_drop_may_reserve_with_window_zero_is_free_for_all(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(10, 0);
	assert_true(drop_may_reserve(&r, 11, 0, T0, 0));
}

/* ------------------------------------------------------------------ state machine (kafka-contract.md#drop-commands, kafka-contract.md#drop-states) */

static void test_drop_decide_reserve_refuses_unknown_and_elsewhere(void **state)
{
	(void)state;
	assert_int_equal(drop_decide_reserve(NULL, &LOC, 10, 0, T0, WINDOW), DROP_RESERVE_REFUSE);
	struct drop_row r = owned_drop(0, 0);
	struct drop_loc other = LOC;
	other.map = 100000001;
	assert_int_equal(drop_decide_reserve(&r, &other, 10, 0, T0, WINDOW), DROP_RESERVE_REFUSE);
	other = LOC;
	other.channel = 2;
	assert_int_equal(drop_decide_reserve(&r, &other, 10, 0, T0, WINDOW), DROP_RESERVE_REFUSE);
	other = LOC;
	other.world = 1;
	assert_int_equal(drop_decide_reserve(&r, &other, 10, 0, T0, WINDOW), DROP_RESERVE_REFUSE);
}

static void test_drop_decide_reserve_is_silent_for_the_holder_and_refuses_others(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(0, 0);
	r.status = DROP_RESERVED;
	r.reserved_by = 10;
	assert_int_equal(drop_decide_reserve(&r, &LOC, 10, 0, T0, WINDOW), DROP_RESERVE_SILENT);
	assert_int_equal(drop_decide_reserve(&r, &LOC, 12, 0, T0 + 60 * SEC, WINDOW),
	                 DROP_RESERVE_REFUSE);
}

static void test_drop_decide_reserve_grants_eligible_and_refuses_ineligible(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(10, 0);
	assert_int_equal(drop_decide_reserve(&r, &LOC, 10, 0, T0, WINDOW), DROP_RESERVE_GRANT);
	assert_int_equal(drop_decide_reserve(&r, &LOC, 11, 0, T0, WINDOW), DROP_RESERVE_REFUSE);
	assert_int_equal(drop_decide_reserve(&r, &LOC, 11, 0, T0 + WINDOW, WINDOW), DROP_RESERVE_GRANT);
}

static void test_drop_decide_cancel_releases_only_the_holders_reservation_here(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(0, 0);
	assert_false(drop_decide_cancel(NULL, &LOC, 10));
	assert_false(drop_decide_cancel(&r, &LOC, 10)); /* AVAILABLE */
	r.status = DROP_RESERVED;
	r.reserved_by = 10;
	assert_false(drop_decide_cancel(&r, &LOC, 12));
	struct drop_loc other = LOC;
	other.map = 1;
	assert_false(drop_decide_cancel(&r, &other, 10));
	assert_true(drop_decide_cancel(&r, &LOC, 10));
}

static void test_drop_decide_pickup_distinguishes_holder_other_and_nothing(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(0, 0);
	assert_int_equal(drop_decide_pickup(NULL, &LOC, 10), DROP_PICKUP_NONE);
	struct drop_loc other = LOC;
	other.map = 1;
	assert_int_equal(drop_decide_pickup(&r, &other, 10), DROP_PICKUP_NONE);
	assert_int_equal(drop_decide_pickup(&r, &LOC, 77), DROP_PICKUP_OTHER);
	r.status = DROP_RESERVED;
	r.reserved_by = 10;
	assert_int_equal(drop_decide_pickup(&r, &LOC, 10), DROP_PICKUP_HOLDER);
	assert_int_equal(drop_decide_pickup(&r, &LOC, 11), DROP_PICKUP_OTHER);
}

/* ------------------------------------------------------------------ expiry (kafka-contract.md#drop-expiry) */

#define DURATION (180 * SEC)
#define GRACE (60 * SEC)

static void test_drop_is_due_is_strict_for_available_drops(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(0, 0);
	assert_false(drop_is_due(&r, T0 + DURATION, DURATION, GRACE));
	assert_true(drop_is_due(&r, T0 + DURATION + 1, DURATION, GRACE));
}

static void test_drop_is_due_waits_for_the_grace_of_a_reservation(void **state)
{
	(void)state;
	struct drop_row r = owned_drop(0, 0);
	r.status = DROP_RESERVED;
	r.reserved_by = 10;
	r.has_reserved_at = true;
	r.reserved_at_us = T0 + 170 * SEC;
	assert_false(drop_is_due(&r, T0 + 181 * SEC, DURATION, GRACE));
	assert_false(drop_is_due(&r, T0 + 230 * SEC, DURATION, GRACE));
	assert_true(drop_is_due(&r, T0 + 230 * SEC + 1, DURATION, GRACE));
	/* The grace never shortens the drop's own duration. */
	r.reserved_at_us = T0;
	assert_false(drop_is_due(&r, T0 + DURATION, DURATION, GRACE));
	assert_true(drop_is_due(&r, T0 + DURATION + 1, DURATION, GRACE));
}

/* ------------------------------------------------------------------ ids (kafka-contract.md#drop-ids) */

static void test_drop_id_next_starts_at_the_range_and_wraps(void **state)
{
	(void)state;
	assert_int_equal(drop_id_next(DROP_ID_SEQ_START), 1000000001u);
	assert_int_equal(drop_id_next(1000000001u), 1000000002u);
	assert_int_equal(drop_id_next(1999999999u), 2000000000u);
	assert_int_equal(drop_id_next(2000000000u), 1000000001u);
	assert_int_equal(drop_id_next(0), 1000000001u);
	assert_int_equal(drop_id_next(4000000000u), 1000000001u);
}

/* A fake set of live ids for drop_id_allocate. */
struct live {
	uint32_t ids[8];
	size_t n;
	uint32_t tried[16];
	size_t ntried;
	int fail_at; /* attempt number that returns an error, -1 never */
};

static int live_try(void *ud, uint32_t c)
{
	struct live *l = ud;
	if ((int)l->ntried == l->fail_at)
		return COFFER_ETRANSIENT;
	if (l->ntried < 16)
		l->tried[l->ntried++] = c;
	for (size_t i = 0; i < l->n; i++)
		if (l->ids[i] == c)
			return 1;
	return 0;
}

static void test_drop_id_allocate_takes_the_next_free_id(void **state)
{
	(void)state;
	struct live l = {.fail_at = -1};
	uint32_t id = 0;
	assert_int_equal(drop_id_allocate(DROP_ID_SEQ_START, DROP_ID_COUNT, live_try, &l, &id), 0);
	assert_int_equal(id, 1000000001u);
	assert_int_equal(l.ntried, 1);
}

static void test_drop_id_allocate_skips_live_ids(void **state)
{
	(void)state;
	struct live l = {.ids = {1000000002u, 1000000003u}, .n = 2, .fail_at = -1};
	uint32_t id = 0;
	assert_int_equal(drop_id_allocate(1000000001u, DROP_ID_COUNT, live_try, &l, &id), 0);
	assert_int_equal(id, 1000000004u);
	assert_int_equal(l.ntried, 3);
}

static void test_drop_id_allocate_wraps_and_skips_live_ids_after_the_wrap(void **state)
{
	(void)state;
	struct live l = {.ids = {2000000000u, 1000000001u}, .n = 2, .fail_at = -1};
	uint32_t id = 0;
	assert_int_equal(drop_id_allocate(1999999999u, DROP_ID_COUNT, live_try, &l, &id), 0);
	assert_int_equal(id, 1000000002u);
	assert_int_equal(l.ntried, 3);
	assert_int_equal(l.tried[0], 2000000000u);
	assert_int_equal(l.tried[1], 1000000001u);
	assert_int_equal(l.tried[2], 1000000002u);
}

static void test_drop_id_allocate_reports_exhaustion_and_errors(void **state)
{
	(void)state;
	struct live l = {.ids = {1000000001u, 1000000002u}, .n = 2, .fail_at = -1};
	uint32_t id = 0;
	assert_int_equal(drop_id_allocate(DROP_ID_SEQ_START, 2, live_try, &l, &id), COFFER_ENOTFOUND);
	struct live e = {.ids = {1000000001u}, .n = 1, .fail_at = 1};
	assert_int_equal(drop_id_allocate(DROP_ID_SEQ_START, DROP_ID_COUNT, live_try, &e, &id),
	                 COFFER_ETRANSIENT);
}

/* ------------------------------------------------------------------ settings (kafka-contract.md#drop-settings) */

static void test_drop_cfg_sanitise_gives_the_defaults(void **state)
{
	(void)state;
	struct drop_cfg_raw raw = {0, 0, -1, -1, 0, 0, false};
	struct drop_cfg c;
	drop_cfg_sanitise(&raw, &c);
	assert_int_equal(c.interval_ms, 10000);
	assert_int_equal(c.duration_us, 180000 * 1000LL);
	assert_int_equal(c.grace_us, 60000 * 1000LL);
	assert_int_equal(c.window_us, 15000 * 1000LL);
	assert_int_equal(c.retention_us, 86400000 * 1000LL);
	assert_int_equal(c.batch, 500);
	assert_false(c.expire_all_on_shutdown);
	raw = (struct drop_cfg_raw){-5, -5, -5, -5, -5, -5, false};
	drop_cfg_sanitise(&raw, &c);
	assert_int_equal(c.interval_ms, 10000);
	assert_int_equal(c.duration_us, 180000 * 1000LL);
	assert_int_equal(c.retention_us, 86400000 * 1000LL);
	assert_int_equal(c.batch, 500);
}

static void test_drop_cfg_sanitise_keeps_valid_values_and_zero_grace_and_window(void **state)
{
	(void)state;
	struct drop_cfg_raw raw = {250, 1000, 0, 0, 5000, 2, true};
	struct drop_cfg c;
	drop_cfg_sanitise(&raw, &c);
	assert_int_equal(c.interval_ms, 250);
	assert_int_equal(c.duration_us, 1000 * 1000LL);
	assert_int_equal(c.grace_us, 0);
	assert_int_equal(c.window_us, 0);
	assert_int_equal(c.retention_us, 5000 * 1000LL);
	assert_int_equal(c.batch, 2);
	assert_true(c.expire_all_on_shutdown);
	raw.batch = 1000000;
	drop_cfg_sanitise(&raw, &c);
	assert_int_equal(c.batch, DROP_MAX_BATCH);
}

static void test_drop_cfg_bool_reads_true_words_only(void **state)
{
	(void)state;
	assert_true(drop_cfg_bool("true"));
	assert_true(drop_cfg_bool("1"));
	assert_true(drop_cfg_bool("yes"));
	assert_true(drop_cfg_bool("on"));
	assert_false(drop_cfg_bool("false"));
	assert_false(drop_cfg_bool("0"));
	assert_false(drop_cfg_bool(""));
	assert_false(drop_cfg_bool(NULL));
}

/* ------------------------------------------------------------------ events (kafka-contract.md#drop-status-events) */

static void assert_json(json_t *v, const char *expected)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(s, expected);
	free(s);
	json_decref(v);
}

/* The sword of kafka-contract.md#worked-examples. */
static struct drop_row sword(void)
{
	struct drop_row r;
	memset(&r, 0, sizeof r);
	r.id = 1000000001;
	strcpy(r.txn_id, "5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b");
	r.loc = LOC;
	r.item_id = 1302000;
	r.equipment_id = 5021;
	r.quantity = 1;
	r.drop_type = 2;
	r.x = -120;
	r.y = 275;
	r.owner_id = 12345;
	r.drop_time_us = T0 + 123456;
	r.dropper_id = 12345;
	r.dropper_x = -120;
	r.dropper_y = 275;
	r.player_drop = true;
	r.pet_slot = -1;
	r.stats[0] = 1;
	r.stats[6] = 19;
	r.stats[15] = 5;
	return r;
}

static void test_drop_ev_created_is_the_wire_form_of_example_a4(void **state)
{
	(void)state;
	struct drop_row r = sword();
	assert_json(drop_ev_created(&r),
	            "{\"transactionId\":\"5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"worldId\":0,"
	            "\"channelId\":1,\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"CREATED\","
	            "\"body\":{\"itemId\":1302000,\"quantity\":1,\"meso\":0,\"type\":2,\"x\":-120,"
	            "\"y\":275,\"ownerId\":12345,\"ownerPartyId\":0,"
	            "\"dropTime\":\"2025-03-01T12:00:00.123456Z\",\"dropperUniqueId\":12345,"
	            "\"dropperX\":-120,\"dropperY\":275,\"playerDrop\":true}}");
}

static void test_drop_ev_reserved_is_example_b2(void **state)
{
	(void)state;
	struct drop_row r = sword();
	assert_json(drop_ev_reserved("9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d", &r, 12346),
	            "{\"transactionId\":\"9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d\",\"worldId\":0,"
	            "\"channelId\":1,\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"RESERVED\","
	            "\"body\":{\"characterId\":12346,\"itemId\":1302000,\"equipmentId\":5021,"
	            "\"quantity\":1,\"meso\":0,\"strength\":1,\"dexterity\":0,\"intelligence\":0,"
	            "\"luck\":0,\"hp\":0,\"mp\":0,\"weaponAttack\":19,\"magicAttack\":0,"
	            "\"weaponDefense\":0,\"magicDefense\":0,\"accuracy\":0,\"avoidability\":0,"
	            "\"hands\":0,\"speed\":0,\"jump\":0,\"slots\":5}}");
}

static void test_drop_ev_picked_up_is_example_b4(void **state)
{
	(void)state;
	struct drop_row r = sword();
	assert_json(drop_ev_picked_up("9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d", &r, 12346, -1),
	            "{\"transactionId\":\"9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d\",\"worldId\":0,"
	            "\"channelId\":1,\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"PICKED_UP\","
	            "\"body\":{\"characterId\":12346,\"itemId\":1302000,\"equipmentId\":5021,"
	            "\"quantity\":1,\"meso\":0,\"petSlot\":-1,\"strength\":1,\"dexterity\":0,"
	            "\"intelligence\":0,\"luck\":0,\"hp\":0,\"mp\":0,\"weaponAttack\":19,"
	            "\"magicAttack\":0,\"weaponDefense\":0,\"magicDefense\":0,\"accuracy\":0,"
	            "\"avoidability\":0,\"hands\":0,\"speed\":0,\"jump\":0,\"slots\":5}}");
}

static void test_drop_ev_failure_and_expired_have_their_short_bodies(void **state)
{
	(void)state;
	assert_json(drop_ev_failure("aa11bb22-cc33-4d44-8e55-ff6677889900", &LOC, 1000000002, 12346),
	            "{\"transactionId\":\"aa11bb22-cc33-4d44-8e55-ff6677889900\",\"worldId\":0,"
	            "\"channelId\":1,\"mapId\":100000000,\"dropId\":1000000002,"
	            "\"type\":\"RESERVATION_FAILURE\",\"body\":{\"characterId\":12346}}");
	struct drop_row r = sword();
	assert_json(drop_ev_expired(&r),
	            "{\"transactionId\":\"5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"worldId\":0,"
	            "\"channelId\":1,\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"EXPIRED\","
	            "\"body\":{}}");
}

/* ------------------------------------------------------------------ inventory half */

static void test_drop_rules_take_refuses_reserved_part_and_deletes_only_the_total(void **state)
{
	(void)state;
	assert_int_equal(drop_rules_take(10, 0, 10), DROP_TAKE_DELETE);
	assert_int_equal(drop_rules_take(10, 0, 4), DROP_TAKE_REDUCE);
	assert_int_equal(drop_rules_take(10, 0, 11), DROP_TAKE_REFUSE);
	assert_int_equal(drop_rules_take(10, 3, 7), DROP_TAKE_REDUCE); /* OP-12 */
	assert_int_equal(drop_rules_take(10, 3, 8), DROP_TAKE_REFUSE);
	assert_int_equal(drop_rules_take(10, 3, 10), DROP_TAKE_REFUSE);
	assert_int_equal(drop_rules_take(2, 5, 1), DROP_TAKE_REFUSE);  /* over-reserved */
	assert_int_equal(drop_rules_take(1, 0, 1), DROP_TAKE_DELETE);
	assert_int_equal(drop_rules_take(0, 0, 1), DROP_TAKE_REFUSE);
	assert_int_equal(drop_rules_take(5, 0, 0), DROP_TAKE_REFUSE);
}

static void test_drop_rules_spawn_of_asset_follows_the_table_of_section_9_4(void **state)
{
	(void)state;
	struct coffer_asset a;
	memset(&a, 0, sizeof a);
	a.template_id = 1302000;
	a.reference_id = 5021;
	a.stats.strength = 1;
	a.stats.weapon_attack = 19;
	a.stats.slots = 5;
	struct drop_row r;
	drop_rules_spawn_of_asset(&a, 1, 1, 12345, -120, 275, &r);
	memcpy(r.txn_id, "5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b", 37);
	r.loc = (struct drop_loc){0, 1, 100000000};
	json_t *j = drop_cmd_spawn_from_character(&r);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(
		s, "{\"transactionId\":\"5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"worldId\":0,"
		   "\"channelId\":1,\"mapId\":100000000,\"type\":\"SPAWN_FROM_CHARACTER\",\"body\":{"
		   "\"itemId\":1302000,\"equipmentId\":5021,\"quantity\":1,\"mesos\":0,\"dropType\":2,"
		   "\"x\":-120,\"y\":275,\"ownerId\":12345,\"ownerPartyId\":0,\"dropperId\":12345,"
		   "\"dropperX\":-120,\"dropperY\":275,\"playerDrop\":true,\"mod\":0,\"strength\":1,"
		   "\"dexterity\":0,\"intelligence\":0,\"luck\":0,\"hp\":0,\"mp\":0,\"weaponAttack\":19,"
		   "\"magicAttack\":0,\"weaponDefense\":0,\"magicDefense\":0,\"accuracy\":0,"
		   "\"avoidability\":0,\"hands\":0,\"speed\":0,\"jump\":0,\"slots\":5}}");
	free(s);
	json_decref(j);

	/* Any other type: the dropped quantity, no equipment marker, no statistics. */
	a.template_id = 2000000;
	drop_rules_spawn_of_asset(&a, 2, 7, 1001, 1, 2, &r);
	assert_int_equal(r.equipment_id, 0);
	assert_int_equal(r.quantity, 7);
	assert_true(drop_stats_all_zero(r.stats));
	assert_int_equal(r.drop_type, 2);
	assert_true(r.player_drop);
	assert_int_equal(r.owner_id, 1001);
	assert_int_equal(r.dropper_id, 1001);
	assert_int_equal(r.dropper_x, 1);
	assert_int_equal(r.dropper_y, 2);
}

static void test_drop_rules_stats_round_trip_in_wire_order(void **state)
{
	(void)state;
	uint16_t in[DROP_NSTATS], out[DROP_NSTATS];
	for (int i = 0; i < DROP_NSTATS; i++)
		in[i] = (uint16_t)(100 + i);
	struct coffer_equip_stats s;
	drop_rules_stats_from_array(in, &s);
	assert_int_equal(s.strength, 100);
	assert_int_equal(s.weapon_attack, 106);
	assert_int_equal(s.avoidability, 111);
	assert_int_equal(s.slots, 115);
	drop_rules_stats_to_array(&s, out);
	assert_memory_equal(in, out, sizeof in);
}

static bool stackable_test(enum coffer_asset_kind k)
{
	return k == COFFER_KIND_CONSUMABLE || k == COFFER_KIND_SETUP || k == COFFER_KIND_ETC ||
	       k == COFFER_KIND_CASH;
}

static void test_drop_rules_stack_plan_picks_the_first_stack_with_room(void **state)
{
	(void)state;
	struct coffer_asset v[4];
	memset(v, 0, sizeof v);
	v[0] = (struct coffer_asset){.slot = 1, .template_id = 4000000, .kind = COFFER_KIND_ETC,
	                             .quantity = 100};
	v[1] = (struct coffer_asset){.slot = 2, .template_id = 4000001, .kind = COFFER_KIND_ETC,
	                             .quantity = 1};
	v[2] = (struct coffer_asset){.slot = 3, .template_id = 4000000, .kind = COFFER_KIND_ETC,
	                             .quantity = 95};
	v[3] = (struct coffer_asset){.slot = 4, .template_id = 4000000, .kind = COFFER_KIND_ETC,
	                             .quantity = 10};
	struct coffer_asset_list list = {v, 4};
	struct drop_stack_plan p;

	drop_rules_stack_plan(&list, 4000000, 5, 100, stackable_test, &p);
	assert_true(p.fill);
	assert_int_equal(p.fill_index, 2);
	assert_int_equal(p.fill_to, 100);
	assert_false(p.create);

	drop_rules_stack_plan(&list, 4000000, 10, 100, stackable_test, &p); /* A.4 */
	assert_true(p.fill);
	assert_int_equal(p.fill_index, 2);
	assert_int_equal(p.fill_to, 100);
	assert_true(p.create);
	assert_int_equal(p.create_qty, 5);

	drop_rules_stack_plan(&list, 4000000, 350, 100, stackable_test, &p); /* OP-32: one stack */
	assert_true(p.create);
	assert_int_equal(p.create_qty, 345);

	drop_rules_stack_plan(&list, 4000002, 3, 100, stackable_test, &p);
	assert_false(p.fill);
	assert_true(p.create);
	assert_int_equal(p.create_qty, 3);

	/* Not a stackable kind: never filled. */
	v[3].kind = COFFER_KIND_PET;
	v[2].kind = COFFER_KIND_EQUIPABLE;
	drop_rules_stack_plan(&list, 4000000, 1, 100, stackable_test, &p);
	assert_false(p.fill);
	assert_true(p.create);
	assert_int_equal(p.create_qty, 1);
}

static void test_drop_cmd_answer_has_the_short_body(void **state)
{
	(void)state;
	struct drop_loc loc = {0, 1, 100000000};
	json_t *j = drop_cmd_answer("9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d", &loc, "REQUEST_PICK_UP",
	                            1000000001, 12346);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(s, "{\"transactionId\":\"9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d\","
	                       "\"worldId\":0,\"channelId\":1,\"mapId\":100000000,"
	                       "\"type\":\"REQUEST_PICK_UP\",\"body\":{\"dropId\":1000000001,"
	                       "\"characterId\":12346}}");
	free(s);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_inventory_type_is_the_millions_digit_when_valid),
		cmocka_unit_test(test_drop_kind_of_classifies_meso_equipment_and_items),
		cmocka_unit_test(test_drop_kind_of_refuses_meso_with_item_nothing_and_bad_types),
		cmocka_unit_test(test_drop_spawn_normalise_zeroes_everything_but_meso_on_meso_drops),
		cmocka_unit_test(test_drop_spawn_normalise_makes_equipment_a_single_piece_keeping_stats),
		cmocka_unit_test(test_drop_spawn_normalise_keeps_item_quantity_and_drops_stats),
		cmocka_unit_test(test_drop_spawn_normalise_refuses_items_of_quantity_zero),
		cmocka_unit_test(test_drop_equipment_id_follows_section_3_4),
		cmocka_unit_test(test_drop_stats_all_zero_sees_any_statistic),
		cmocka_unit_test(test_drop_region_fits_accepts_utf8_up_to_32_characters),
		cmocka_unit_test(test_drop_may_reserve_lets_the_owner_in_at_once),
		cmocka_unit_test(test_drop_may_reserve_refuses_stranger_within_ownership_window),
		cmocka_unit_test(test_drop_may_reserve_counts_exactly_the_window_as_over),
		cmocka_unit_test(test_drop_may_reserve_lets_the_owner_party_in),
		cmocka_unit_test(test_drop_may_reserve_ignores_party_zero_and_owner_zero),
		cmocka_unit_test(test_drop_may_reserve_frees_unowned_and_player_drops),
		cmocka_unit_test(test_drop_may_reserve_with_window_zero_is_free_for_all),
		cmocka_unit_test(test_drop_decide_reserve_refuses_unknown_and_elsewhere),
		cmocka_unit_test(test_drop_decide_reserve_is_silent_for_the_holder_and_refuses_others),
		cmocka_unit_test(test_drop_decide_reserve_grants_eligible_and_refuses_ineligible),
		cmocka_unit_test(test_drop_decide_cancel_releases_only_the_holders_reservation_here),
		cmocka_unit_test(test_drop_decide_pickup_distinguishes_holder_other_and_nothing),
		cmocka_unit_test(test_drop_is_due_is_strict_for_available_drops),
		cmocka_unit_test(test_drop_is_due_waits_for_the_grace_of_a_reservation),
		cmocka_unit_test(test_drop_id_next_starts_at_the_range_and_wraps),
		cmocka_unit_test(test_drop_id_allocate_takes_the_next_free_id),
		cmocka_unit_test(test_drop_id_allocate_skips_live_ids),
		cmocka_unit_test(test_drop_id_allocate_wraps_and_skips_live_ids_after_the_wrap),
		cmocka_unit_test(test_drop_id_allocate_reports_exhaustion_and_errors),
		cmocka_unit_test(test_drop_cfg_sanitise_gives_the_defaults),
		cmocka_unit_test(test_drop_cfg_sanitise_keeps_valid_values_and_zero_grace_and_window),
		cmocka_unit_test(test_drop_cfg_bool_reads_true_words_only),
		cmocka_unit_test(test_drop_ev_created_is_the_wire_form_of_example_a4),
		cmocka_unit_test(test_drop_ev_reserved_is_example_b2),
		cmocka_unit_test(test_drop_ev_picked_up_is_example_b4),
		cmocka_unit_test(test_drop_ev_failure_and_expired_have_their_short_bodies),
		cmocka_unit_test(test_drop_rules_take_refuses_reserved_part_and_deletes_only_the_total),
		cmocka_unit_test(test_drop_rules_spawn_of_asset_follows_the_table_of_section_9_4),
		cmocka_unit_test(test_drop_rules_stats_round_trip_in_wire_order),
		cmocka_unit_test(test_drop_rules_stack_plan_picks_the_first_stack_with_room),
		cmocka_unit_test(test_drop_cmd_answer_has_the_short_body),
	};
	return cmocka_run_group_tests_name("test_drop_rules", tests, NULL, NULL);
}
