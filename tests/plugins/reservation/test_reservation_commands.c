/* SPDX-License-Identifier: MIT */
/* tests/plugins/reservation/test_reservation_commands.c: the reservation plugin's handlers and
 * expiry task on the fake host (kafka-contract.md#reservations, kafka-contract.md#inventory-tables, kafka-contract.md#request_reserve, kafka-contract.md#consume, kafka-contract.md#cancel_reservation-compartment, kafka-contract.md#reservation-expiry, example A.5),
 * with the asset plugin providing compartments, assets and events, and the test plugin rsvprobe
 * asking the asset service's merge condition (kafka-contract.md#stacking-and-merging rule 4) and reserved quantity; with the
 * compartment plugin built, a third group runs example A.5 through a real MOVE.
 *
 * Compartments are rows (their creation belongs to the compartment plugin); assets are made by
 * CREATE_ASSET where the next free slot is the one wanted, else inserted as rows. Events are
 * compared as whole compact JSON texts, so field values and order are both checked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_host.h"
#include "registry.h"

#define TOPIC_CMD "COMMAND_TOPIC_COMPARTMENT"
#define TOPIC_CST "EVENT_TOPIC_COMPARTMENT_STATUS"
#define TOPIC_AST "EVENT_TOPIC_ASSET_STATUS"
#define T1 "6c1e2f0a-3a51-4e39-9a43-2f4f6a1b9d05"
#define T2 "6c1e2f0a-3a51-4e39-9a43-2f4f6a1b9d06"
#define NIL "00000000-0000-0000-0000-000000000000"
#define NOW0 1740830400000000LL /* 2025-03-01T12:00:00Z, the fake host's default */
#define SEC 1000000LL
#define CHR 1001u

/* ------------------------------------------------------------------ fixtures */

static void cid_of(char out[37], uint32_t character, uint8_t type)
{
	snprintf(out, 37, "c0000000-0000-4000-8000-%012u", character * 10u + type);
}

static void compartment(const char *tenant, uint32_t character, uint8_t type)
{
	char cid[37];
	cid_of(cid, character, type);
	assert_int_equal(fh_exec("INSERT INTO compartments (tenant_id, id, character_id, "
	                         "inventory_type, capacity) VALUES (?, ?, ?, ?, 24)",
	                         COFFER_ARGS(COFFER_S(tenant), COFFER_S(cid), COFFER_U(character),
	                                     COFFER_U(type))),
	                 0);
}

/* An asset row at @p slot; returns its id. */
static uint32_t put(const char *tenant, uint32_t character, uint8_t type, int16_t slot,
                    uint32_t template_id, const char *kind, uint32_t quantity)
{
	char cid[37];
	cid_of(cid, character, type);
	assert_int_equal(fh_exec("INSERT INTO assets (tenant_id, compartment_id, slot, template_id, "
	                         "kind, reference_id, quantity, created_at) "
	                         "VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
	                         COFFER_ARGS(COFFER_S(tenant), COFFER_S(cid), COFFER_I(slot),
	                                     COFFER_U(template_id), COFFER_S(kind),
	                                     COFFER_U(quantity), COFFER_T(fh_now()))),
	                 0);
	int64_t id = fh_scalar("SELECT id FROM assets WHERE tenant_id = ? AND compartment_id = ? "
	                       "AND slot = ?",
	                       COFFER_ARGS(COFFER_S(tenant), COFFER_S(cid), COFFER_I(slot)), 0);
	assert_true(id > 0);
	assert_int_equal(fh_exec("UPDATE assets SET reference_id = id WHERE id = ?",
	                         COFFER_ARGS(COFFER_U(id))),
	                 0);
	return (uint32_t)id;
}

static int64_t qty_at(const char *tenant, uint32_t character, uint8_t type, int16_t slot)
{
	char cid[37];
	cid_of(cid, character, type);
	return fh_scalar("SELECT quantity FROM assets WHERE tenant_id = ? AND compartment_id = ? "
	                 "AND slot = ?",
	                 COFFER_ARGS(COFFER_S(tenant), COFFER_S(cid), COFFER_I(slot)), -1);
}

static int64_t rsv_qty(const char *tenant, uint32_t asset_id, const char *txn)
{
	return fh_scalar("SELECT quantity FROM reservations WHERE tenant_id = ? AND asset_id = ? "
	                 "AND transaction_id = ?",
	                 COFFER_ARGS(COFFER_S(tenant), COFFER_U(asset_id), COFFER_S(txn)), -1);
}

static int64_t rsv_count(const char *tenant)
{
	return fh_scalar("SELECT COUNT(*) FROM reservations WHERE tenant_id = ?",
	                 COFFER_ARGS(COFFER_S(tenant)), -1);
}

/* ------------------------------------------------------------------ messages */

static int command(const char *type, const char *env_txn, uint32_t character, unsigned inv,
                   const char *body, const char *tenant)
{
	char buf[4096];
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"%s\",\"characterId\":%u,\"inventoryType\":%u,\"type\":\"%s\","
	         "\"body\":%s}",
	         env_txn, character, inv, type, body);
	return fh_send(TOPIC_CMD, buf, tenant);
}

static int reserve(const char *txn, unsigned inv, const char *items, const char *tenant)
{
	char body[3072];
	snprintf(body, sizeof body, "{\"transactionId\":\"%s\",\"items\":%s}", txn, items);
	return command("REQUEST_RESERVE", txn, CHR, inv, body, tenant);
}

static int by_slot(const char *type, const char *txn, unsigned inv, int slot, const char *tenant)
{
	char body[256];
	snprintf(body, sizeof body, "{\"transactionId\":\"%s\",\"slot\":%d}", txn, slot);
	return command(type, txn, CHR, inv, body, tenant);
}

static int consume(const char *txn, unsigned inv, int slot, const char *tenant)
{
	return by_slot("CONSUME", txn, inv, slot, tenant);
}

static int cancel(const char *txn, unsigned inv, int slot, const char *tenant)
{
	return by_slot("CANCEL_RESERVATION", txn, inv, slot, tenant);
}

static int probe(const char *type, unsigned inv, const char *fields, const char *tenant)
{
	char buf[512];
	snprintf(buf, sizeof buf, "{\"type\":\"%s\",\"characterId\":%u,\"inventoryType\":%u,%s}",
	         type, CHR, inv, fields);
	return fh_send("COMMAND_TOPIC_RSVPROBE", buf, tenant);
}

/* The merge condition of S (slot @p src) into D (slot @p dst), asked of the asset service. */
static bool merge_ok(unsigned inv, int src, int dst)
{
	char f[64];
	snprintf(f, sizeof f, "\"source\":%d,\"destination\":%d", src, dst);
	size_t before = fh_count();
	assert_int_equal(probe("MERGE_CHECK", inv, f, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), before + 1);
	return json_is_true(json_object_get(fh_event(before)->value, "ok"));
}

static int64_t probe_reserved(unsigned inv, int slot, const char *tenant)
{
	char f[32];
	snprintf(f, sizeof f, "\"slot\":%d", slot);
	size_t before = fh_count();
	assert_int_equal(probe("RESERVED_QUANTITY", inv, f, tenant), COFFER_DONE);
	assert_int_equal(fh_count(), before + 1);
	return json_integer_value(json_object_get(fh_event(before)->value, "quantity"));
}

/* ------------------------------------------------------------------ event assertions */

static void assert_event(size_t i, const char *topic, const char *tenant, const char *text)
{
	const struct fh_event *e = fh_event(i);
	assert_non_null(e);
	assert_string_equal(e->topic_var, topic);
	assert_int_equal(e->key, CHR);
	assert_string_equal(e->tenant.id, tenant);
	char *got = json_dumps(e->value, JSON_COMPACT);
	assert_non_null(got);
	assert_string_equal(got, text);
	free(got);
}

static void assert_reserved(size_t i, const char *tenant, const char *txn, unsigned inv,
                            uint32_t item, int slot, unsigned quantity)
{
	char cid[37], want[512];
	cid_of(cid, CHR, (uint8_t)inv);
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"%s\",\"characterId\":%u,\"compartmentId\":\"%s\","
	         "\"type\":\"RESERVED\",\"body\":{\"transactionId\":\"%s\",\"itemId\":%u,"
	         "\"slot\":%d,\"quantity\":%u}}",
	         txn, CHR, cid, txn, item, slot, quantity);
	assert_event(i, TOPIC_CST, tenant, want);
}

static void assert_asset_event(size_t i, const char *txn, unsigned inv, uint32_t asset,
                               uint32_t template_id, int slot, const char *type,
                               const char *body)
{
	char cid[37], want[512];
	cid_of(cid, CHR, (uint8_t)inv);
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"%s\",\"characterId\":%u,\"compartmentId\":\"%s\","
	         "\"assetId\":%u,\"templateId\":%u,\"slot\":%d,\"type\":\"%s\",\"body\":%s}",
	         txn, CHR, cid, asset, template_id, slot, type, body);
	assert_event(i, TOPIC_AST, FH_TENANT, want);
}

/* ------------------------------------------------------------------ setup */

static const char *const probe_path = COFFER_BUILD_DIR "/tests/plugins/reservation/.libs/rsvprobe.so";

static int group_setup(void **state)
{
	(void)state;
	if (reg_load_file(probe_path) != 0)
		return -1;
	return fh_setup((const char *[]){"asset", "reservation", NULL});
}

/* The sweep group: small batches, a non-default interval, read by init. */
static int group_setup_sweep(void **state)
{
	fh_set("reservation.sweep_batch=2");
	fh_set("reservation.sweep_interval_ms=2500");
	return group_setup(state);
}

static int group_teardown(void **state)
{
	(void)state;
	fh_teardown();
	return 0;
}

/* Every test starts from empty tables of both tenants, at NOW0, everything on. */
static int reset(void **state)
{
	(void)state;
	fh_exec("DELETE FROM reservations", NULL, 0);
	fh_exec("DELETE FROM assets", NULL, 0);
	fh_exec("DELETE FROM compartments", NULL, 0);
	fh_set_now(NOW0);
	fh_set_enabled("reservation", FH_TENANT, true);
	fh_set_enabled("reservation", FH_TENANT2, true);
	fh_clear();
	return 0;
}

/* the examples A: USE slot 4 = 2000000 x5, slot 6 = 2000001 x3. */
static void use_bag(const char *tenant, uint32_t *a4, uint32_t *a6)
{
	compartment(tenant, CHR, 2);
	*a4 = put(tenant, CHR, 2, 4, 2000000, "consumable", 5);
	*a6 = put(tenant, CHR, 2, 6, 2000001, "consumable", 3);
}

/* ------------------------------------------------------------------ REQUEST_RESERVE */

static void test_reserve_emits_one_reserved_per_item_in_list_order(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2,
	                         "[{\"source\":6,\"itemId\":2000001,\"quantity\":1},"
	                         "{\"source\":4,\"itemId\":2000000,\"quantity\":5}]",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_reserved(0, FH_TENANT, T1, 2, 2000001, 6, 1);
	assert_reserved(1, FH_TENANT, T1, 2, 2000000, 4, 5);
	assert_int_equal(rsv_qty(FH_TENANT, a6, T1), 1);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T1), 5);
	/* The row of kafka-contract.md#inventory-tables: character, type, itemId and Now + 30 s. */
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM reservations WHERE tenant_id = ? AND "
	                           "asset_id = ? AND transaction_id = ? AND character_id = ? AND "
	                           "inventory_type = 2 AND item_id = 2000000",
	                           COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(a4), COFFER_S(T1),
	                                       COFFER_U(CHR)),
	                           -1),
	                 1);
	assert_int_equal(fh_scalar("SELECT expires_at FROM reservations WHERE asset_id = ?",
	                           COFFER_ARGS(COFFER_U(a4)), -1),
	                 NOW0 + 30 * SEC);
	/* Reserving changes no asset. */
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 5);
}

static void test_reserve_takes_the_body_transaction_id_when_the_envelope_is_nil(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(command("REQUEST_RESERVE", NIL, CHR, 2,
	                         "{\"transactionId\":\"" T2 "\",\"items\":"
	                         "[{\"source\":4,\"itemId\":2000000,\"quantity\":2}]}",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_reserved(0, FH_TENANT, T2, 2, 2000000, 4, 2);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T2), 2);
	/* The envelope's id wins when it is set. */
	assert_int_equal(command("REQUEST_RESERVE", T1, CHR, 2,
	                         "{\"transactionId\":\"" T2 "\",\"items\":"
	                         "[{\"source\":4,\"itemId\":2000000,\"quantity\":1}]}",
	                         NULL),
	                 COFFER_DONE);
	assert_reserved(1, FH_TENANT, T1, 2, 2000000, 4, 1);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T1), 1);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T2), 2);
}

static void test_reserve_with_a_wrong_item_id_reserves_nothing(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	/* The first item alone would be fine: all or nothing (OP-7). */
	assert_int_equal(reserve(T1, 2,
	                         "[{\"source\":4,\"itemId\":2000000,\"quantity\":1},"
	                         "{\"source\":6,\"itemId\":2000000,\"quantity\":1}]",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_count(FH_TENANT), 0);
}

static void test_reserve_beyond_the_available_quantity_reserves_nothing(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T2, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":3}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	/* 5 - 3 reserved by T2 = 2 available. */
	assert_int_equal(reserve(T1, 2,
	                         "[{\"source\":6,\"itemId\":2000001,\"quantity\":3},"
	                         "{\"source\":4,\"itemId\":2000000,\"quantity\":3}]",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_qty(FH_TENANT, a6, T1), -1);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T1), -1);
	/* The same slot twice counts its running total (9.5 step 2). */
	assert_int_equal(reserve(T1, 2,
	                         "[{\"source\":4,\"itemId\":2000000,\"quantity\":2},"
	                         "{\"source\":4,\"itemId\":2000000,\"quantity\":1}]",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_count(FH_TENANT), 1);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":2}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_reserved(0, FH_TENANT, T1, 2, 2000000, 4, 2);
}

static void test_reserve_of_an_empty_slot_reserves_nothing(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2,
	                         "[{\"source\":4,\"itemId\":2000000,\"quantity\":1},"
	                         "{\"source\":5,\"itemId\":2000000,\"quantity\":1}]",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_count(FH_TENANT), 0);
}

static void test_reserve_with_a_negative_quantity_fails_without_event(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	/* A business failure of step 2, not bad input. */
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":-1}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_count(FH_TENANT), 0);
}

static void test_reserve_in_a_missing_compartment_does_nothing(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 4, "[{\"source\":4,\"itemId\":2000000,\"quantity\":1}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_count(FH_TENANT), 0);
}

static void test_reserve_with_no_items_does_nothing(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[]", NULL), COFFER_DONE);
	assert_int_equal(command("REQUEST_RESERVE", T1, CHR, 2, "{}", NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_count(FH_TENANT), 0);
}

static void test_reserve_of_the_same_slot_twice_adds_up_in_one_row(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2,
	                         "[{\"source\":4,\"itemId\":2000000,\"quantity\":2},"
	                         "{\"source\":4,\"itemId\":2000000,\"quantity\":1}]",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_reserved(0, FH_TENANT, T1, 2, 2000000, 4, 2);
	assert_reserved(1, FH_TENANT, T1, 2, 2000000, 4, 1);
	assert_int_equal(rsv_count(FH_TENANT), 1);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T1), 3);
	/* A later request with the same T adds to it and restarts its 30 s (OP-34). */
	fh_set_now(NOW0 + 10 * SEC);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":2}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T1), 5);
	assert_int_equal(fh_scalar("SELECT expires_at FROM reservations WHERE asset_id = ?",
	                           COFFER_ARGS(COFFER_U(a4)), -1),
	                 NOW0 + 40 * SEC);
}

static void test_reserve_replaces_an_expired_reservation(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":5}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	/* 30 s later the row is still there but counts as absent: all 5 are available again. */
	fh_set_now(NOW0 + 30 * SEC);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":4}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_reserved(0, FH_TENANT, T1, 2, 2000000, 4, 4);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T1), 4);
	assert_int_equal(fh_scalar("SELECT expires_at FROM reservations WHERE asset_id = ?",
	                           COFFER_ARGS(COFFER_U(a4)), -1),
	                 NOW0 + 60 * SEC);
}

static void test_reserve_of_zero_emits_reserved_with_zero(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[{\"source\":6,\"itemId\":2000001,\"quantity\":0}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_reserved(0, FH_TENANT, T1, 2, 2000001, 6, 0);
	assert_int_equal(rsv_qty(FH_TENANT, a6, T1), 0);
}

static void test_reserve_of_equipment_counts_quantity_one(void **state)
{
	(void)state;
	compartment(FH_TENANT, CHR, 1);
	uint32_t sword = put(FH_TENANT, CHR, 1, 3, 1302000, "equipable", 1);
	uint32_t worn = put(FH_TENANT, CHR, 1, -11, 1302001, "equipable", 1);
	/* A worn (negative) slot can be reserved too. */
	assert_int_equal(reserve(T1, 1,
	                         "[{\"source\":3,\"itemId\":1302000,\"quantity\":2}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(reserve(T1, 1,
	                         "[{\"source\":3,\"itemId\":1302000,\"quantity\":1},"
	                         "{\"source\":-11,\"itemId\":1302001,\"quantity\":1}]",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_reserved(0, FH_TENANT, T1, 1, 1302000, 3, 1);
	assert_reserved(1, FH_TENANT, T1, 1, 1302001, -11, 1);
	assert_int_equal(rsv_qty(FH_TENANT, sword, T1), 1);
	assert_int_equal(rsv_qty(FH_TENANT, worn, T1), 1);
	/* Nothing is left for another transaction. */
	assert_int_equal(reserve(T2, 1, "[{\"source\":3,\"itemId\":1302000,\"quantity\":1}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
}

static void assert_rejected(int outcome)
{
	assert_int_equal(outcome, COFFER_REJECT);
	assert_true(fh_reason()[0] != '\0');
}

static void test_reserve_rejects_bad_input(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	/* Checks of kafka-contract.md#request_reserve: a source 0 anywhere refuses the whole message. */
	assert_rejected(reserve(T1, 2,
	                        "[{\"source\":4,\"itemId\":2000000,\"quantity\":1},"
	                        "{\"source\":0,\"itemId\":2000000,\"quantity\":1}]",
	                        NULL));
	assert_rejected(reserve(T1, 2, "[{\"itemId\":2000000,\"quantity\":1}]", NULL));
	/* Widths of kafka-contract.md#compartment-command-envelope: quantity is int16, itemId uint32, source int16. */
	assert_rejected(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":32768}]",
	                        NULL));
	assert_rejected(reserve(T1, 2, "[{\"source\":4,\"itemId\":-1,\"quantity\":1}]", NULL));
	assert_rejected(reserve(T1, 2, "[{\"source\":40000,\"itemId\":2000000,\"quantity\":1}]",
	                        NULL));
	assert_rejected(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":1.0}]",
	                        NULL));
	assert_rejected(reserve(T1, 2, "[{\"source\":\"4\",\"itemId\":2000000,\"quantity\":1}]",
	                        NULL));
	assert_rejected(reserve(T1, 2, "{\"source\":4}", NULL));
	assert_rejected(reserve(T1, 2, "[4]", NULL));
	assert_rejected(reserve(T1, 2, "[null]", NULL));
	/* Envelope of kafka-contract.md#common-command-rules and a bad transaction id. */
	assert_rejected(command("REQUEST_RESERVE", T1, 0, 2,
	                        "{\"items\":[{\"source\":4,\"itemId\":2000000,\"quantity\":1}]}",
	                        NULL));
	assert_rejected(command("REQUEST_RESERVE", T1, CHR, 6,
	                        "{\"items\":[{\"source\":4,\"itemId\":2000000,\"quantity\":1}]}",
	                        NULL));
	assert_rejected(command("REQUEST_RESERVE", T1, CHR, 2,
	                        "{\"transactionId\":\"\",\"items\":[]}", NULL));
	assert_rejected(command("REQUEST_RESERVE", "nope", CHR, 2, "{\"items\":[]}", NULL));
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_count(FH_TENANT), 0);
}

/* ------------------------------------------------------------------ CONSUME */

static void test_consume_subtracts_the_reservation_from_the_stack(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":2}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	fh_set_now(NOW0 + 29 * SEC);
	assert_int_equal(consume(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_asset_event(0, T1, 2, a4, 2000000, 4, "QUANTITY_CHANGED", "{\"quantity\":3}");
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 3);
	assert_int_equal(rsv_count(FH_TENANT), 0);
	/* Consumed: a second CONSUME finds nothing. */
	fh_clear();
	assert_int_equal(consume(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 3);
}

static void test_consume_of_the_whole_stack_deletes_the_asset(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":5}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	assert_int_equal(consume(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_asset_event(0, T1, 2, a4, 2000000, 4, "DELETED", "{}");
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), -1);
	assert_int_equal(rsv_count(FH_TENANT), 0);
}

static void test_consume_keeps_the_other_transactions_reservations(void **state)
{
	(void)state;
	compartment(FH_TENANT, CHR, 2);
	uint32_t a = put(FH_TENANT, CHR, 2, 2, 2000002, "consumable", 3);
	assert_int_equal(reserve(T1, 2, "[{\"source\":2,\"itemId\":2000002,\"quantity\":1}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(reserve(T2, 2, "[{\"source\":2,\"itemId\":2000002,\"quantity\":2}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	/* OP-10: the reference deleted this stack of 3 whole. */
	assert_int_equal(consume(T1, 2, 2, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_asset_event(0, T1, 2, a, 2000002, 2, "QUANTITY_CHANGED", "{\"quantity\":2}");
	assert_int_equal(rsv_qty(FH_TENANT, a, T1), -1);
	assert_int_equal(rsv_qty(FH_TENANT, a, T2), 2);
	/* Then T2 consumes its 2: nothing left, the asset goes. */
	fh_clear();
	assert_int_equal(consume(T2, 2, 2, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_asset_event(0, T2, 2, a, 2000002, 2, "DELETED", "{}");
}

static void test_consume_of_a_zero_reservation_reports_the_unchanged_quantity(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[{\"source\":6,\"itemId\":2000001,\"quantity\":0}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	assert_int_equal(consume(T1, 2, 6, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_asset_event(0, T1, 2, a6, 2000001, 6, "QUANTITY_CHANGED", "{\"quantity\":3}");
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 6), 3);
	assert_int_equal(rsv_count(FH_TENANT), 0);
}

static void test_consume_of_equipment_deletes_it(void **state)
{
	(void)state;
	compartment(FH_TENANT, CHR, 1);
	uint32_t sword = put(FH_TENANT, CHR, 1, 3, 1302000, "equipable", 1);
	/* Even a zero reservation consumes a non-stackable whole (9.6 step 4). */
	assert_int_equal(reserve(T1, 1, "[{\"source\":3,\"itemId\":1302000,\"quantity\":0}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	assert_int_equal(consume(T1, 1, 3, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_asset_event(0, T1, 1, sword, 1302000, 3, "DELETED", "{}");
	assert_int_equal(qty_at(FH_TENANT, CHR, 1, 3), -1);
}

static void test_consume_with_an_unknown_transaction_does_nothing(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T2, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":2}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	/* OP-11: the reference emitted QUANTITY_CHANGED with the unchanged quantity. */
	assert_int_equal(consume(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 5);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T2), 2);
	/* An empty slot and a missing compartment: nothing either. */
	assert_int_equal(consume(T2, 2, 5, NULL), COFFER_DONE);
	assert_int_equal(consume(T2, 3, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T2), 2);
}

static void test_consume_and_cancel_reject_bad_input(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":2}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	static const char *const types[] = {"CONSUME", "CANCEL_RESERVATION"};
	for (size_t i = 0; i < 2; i++) {
		assert_rejected(by_slot(types[i], T1, 2, 0, NULL));
		assert_rejected(command(types[i], T1, CHR, 2, "{\"slot\":40000}", NULL));
		assert_rejected(command(types[i], T1, CHR, 2, "{\"slot\":\"4\"}", NULL));
		assert_rejected(command(types[i], T1, CHR, 2, "{}", NULL));
		assert_rejected(command(types[i], T1, CHR, 2, "[]", NULL));
		assert_rejected(command(types[i], T1, 0, 2, "{\"slot\":4}", NULL));
		assert_rejected(command(types[i], T1, CHR, 0, "{\"slot\":4}", NULL));
		assert_rejected(command(types[i], NIL, CHR, 2,
		                        "{\"transactionId\":\"xyz\",\"slot\":4}", NULL));
	}
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T1), 2);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 5);
}

/* ------------------------------------------------------------------ CANCEL_RESERVATION */

static void test_cancel_removes_the_reservation_and_reports_it(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2,
	                         "[{\"source\":6,\"itemId\":2000001,\"quantity\":2},"
	                         "{\"source\":6,\"itemId\":2000001,\"quantity\":1}]",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(reserve(T2, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":1}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	/* Body with the legacy id only: T comes from the body (kafka-contract.md#compartment-command-envelope). */
	assert_int_equal(command("CANCEL_RESERVATION", NIL, CHR, 2,
	                         "{\"transactionId\":\"" T1 "\",\"slot\":6}", NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	char cid[37], want[512];
	cid_of(cid, CHR, 2);
	/* No transactionId in the body (kafka-contract.md#compartment-status-events); the sum of both entries of OP-34. */
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"%s\",\"characterId\":%u,\"compartmentId\":\"%s\","
	         "\"type\":\"RESERVATION_CANCELLED\",\"body\":{\"itemId\":2000001,\"slot\":6,"
	         "\"quantity\":3}}",
	         T1, CHR, cid);
	assert_event(0, TOPIC_CST, FH_TENANT, want);
	assert_int_equal(rsv_qty(FH_TENANT, a6, T1), -1);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T2), 1);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 6), 3);
	/* Cancelled: the quantity is available again, and a second cancel does nothing. */
	fh_clear();
	assert_int_equal(cancel(T1, 2, 6, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(reserve(T2, 2, "[{\"source\":6,\"itemId\":2000001,\"quantity\":3}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
}

static void test_cancel_with_an_unknown_transaction_does_nothing(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T2, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":2}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	/* OP-11: the reference answered RESERVATION_CANCELLED itemId 0 quantity 0. */
	assert_int_equal(cancel(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(cancel(T2, 2, 6, NULL), COFFER_DONE);
	assert_int_equal(cancel(T2, 2, 7, NULL), COFFER_DONE);
	assert_int_equal(cancel(T2, 5, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T2), 2);
}

/* ------------------------------------------------------------------ example A.5, merging */

static void test_a5_reserved_stack_no_longer_merges_and_consume_deletes_it(void **state)
{
	(void)state;
	compartment(FH_TENANT, CHR, 2);
	/* Slots 1..3 filled, then 2000000 x5 lands in slot 4 and x10 in slot 5 by CREATE_ASSET. */
	static const char *const bodies[] = {
		"{\"templateId\":2000003,\"quantity\":1}", "{\"templateId\":2000004,\"quantity\":1}",
		"{\"templateId\":2000005,\"quantity\":1}", "{\"templateId\":2000000,\"quantity\":5}",
		"{\"templateId\":2000000,\"quantity\":10}"};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(command("CREATE_ASSET", T2, CHR, 2, bodies[i], NULL), COFFER_DONE);
	const struct fh_event *created = fh_event(3);
	assert_non_null(created);
	assert_int_equal(json_integer_value(json_object_get(created->value, "slot")), 4);
	uint32_t a51 = (uint32_t)json_integer_value(json_object_get(created->value, "assetId"));
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 5), 10);
	fh_clear();

	/* Before the reservation slot 4 would merge into slot 5. */
	assert_true(merge_ok(2, 4, 5));
	fh_clear();
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":5}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_reserved(0, FH_TENANT, T1, 2, 2000000, 4, 5);
	/* Merge rule 4 (kafka-contract.md#stacking-and-merging): a MOVE of slot 4 onto the stack now swaps, both ways round. */
	assert_false(merge_ok(2, 4, 5));
	assert_false(merge_ok(2, 5, 4));
	fh_clear();
	fh_set_now(NOW0 + 20 * SEC);
	assert_int_equal(consume(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_asset_event(0, T1, 2, a51, 2000000, 4, "DELETED", "{}");
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), -1);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 5), 10);
}

static void test_a5_merge_is_possible_again_once_the_reservation_expires(void **state)
{
	(void)state;
	compartment(FH_TENANT, CHR, 2);
	put(FH_TENANT, CHR, 2, 4, 2000000, "consumable", 5);
	put(FH_TENANT, CHR, 2, 5, 2000000, "consumable", 10);
	assert_int_equal(reserve(T1, 2, "[{\"source\":5,\"itemId\":2000000,\"quantity\":0}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	/* A zero reservation does not block (rule 4 says quantity > 0). */
	assert_true(merge_ok(2, 4, 5));
	assert_int_equal(reserve(T1, 2, "[{\"source\":5,\"itemId\":2000000,\"quantity\":1}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	fh_set_now(NOW0 + 29 * SEC);
	assert_false(merge_ok(2, 4, 5));
	fh_set_now(NOW0 + 30 * SEC);
	assert_true(merge_ok(2, 4, 5));
}

static void test_asset_service_reserved_quantity_sums_active_reservations(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	use_bag(FH_TENANT2, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":2}]", NULL),
	                 COFFER_DONE);
	fh_set_now(NOW0 + 10 * SEC);
	assert_int_equal(reserve(T2, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":1}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	assert_int_equal(probe_reserved(2, 4, NULL), 3);
	assert_int_equal(probe_reserved(2, 6, NULL), 0);
	assert_int_equal(probe_reserved(2, 4, FH_TENANT2), 0);
	/* T1's expires at +30 s, T2's at +40 s. */
	fh_set_now(NOW0 + 30 * SEC);
	assert_int_equal(probe_reserved(2, 4, NULL), 1);
	fh_set_now(NOW0 + 40 * SEC);
	assert_int_equal(probe_reserved(2, 4, NULL), 0);
}

static void test_reservations_go_with_their_asset(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2,
	                         "[{\"source\":4,\"itemId\":2000000,\"quantity\":1},"
	                         "{\"source\":6,\"itemId\":2000001,\"quantity\":1}]",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(reserve(T2, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":1}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(rsv_count(FH_TENANT), 3);
	/* DESTROY ignores reservations (kafka-contract.md#reservations); the foreign key removes them with the asset. */
	assert_int_equal(command("DESTROY", T2, CHR, 2, "{\"slot\":4,\"quantity\":0}", NULL),
	                 COFFER_DONE);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), -1);
	assert_int_equal(rsv_count(FH_TENANT), 1);
	assert_int_equal(rsv_qty(FH_TENANT, a6, T1), 1);
	/* A new asset in the slot inherits nothing (OP-9). */
	put(FH_TENANT, CHR, 2, 4, 2000000, "consumable", 5);
	fh_clear();
	assert_int_equal(consume(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 5);
}

/* ------------------------------------------------------------------ expiry */

static void test_consume_after_thirty_seconds_has_no_effect(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":5}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	/* OP-8: expired = non-existent, before and after the sweep. */
	fh_set_now(NOW0 + 31 * SEC);
	assert_int_equal(consume(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(cancel(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 5);
	assert_int_equal(rsv_count(FH_TENANT), 1);
	assert_int_equal(fh_run_task("reservation_expiry"), 0);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(rsv_count(FH_TENANT), 0);
	assert_int_equal(consume(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 5);
}

static void test_consume_at_exactly_thirty_seconds_is_too_late(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":5}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	fh_set_now(NOW0 + 30 * SEC - 1);
	assert_int_equal(cancel(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":5}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	/* "active" is expires_at > Now (kafka-contract.md#inventory-tables). */
	fh_set_now(NOW0 + 30 * SEC - 1 + 30 * SEC);
	assert_int_equal(consume(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 5);
}

static void test_sweep_deletes_only_expired_reservations_without_events(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":1}]", NULL),
	                 COFFER_DONE);
	fh_set_now(NOW0 + 20 * SEC);
	assert_int_equal(reserve(T2, 2, "[{\"source\":6,\"itemId\":2000001,\"quantity\":1}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	fh_set_now(NOW0 + 29 * SEC);
	assert_int_equal(fh_run_task("reservation_expiry"), 0);
	assert_int_equal(rsv_count(FH_TENANT), 2);
	fh_set_now(NOW0 + 30 * SEC); /* T1's is due at exactly this Now */
	assert_int_equal(fh_run_task("reservation_expiry"), 0);
	assert_int_equal(rsv_count(FH_TENANT), 1);
	assert_int_equal(rsv_qty(FH_TENANT, a6, T2), 1);
	assert_int_equal(fh_count(), 0);
	/* The survivor still counts. */
	assert_int_equal(cancel(T2, 2, 6, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
}

/* ------------------------------------------------------------------ switch, tenants */

static void test_disabled_tenant_gets_feature_disabled_and_nothing_changes(void **state)
{
	(void)state;
	uint32_t a4, a6;
	use_bag(FH_TENANT, &a4, &a6);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":2}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	fh_set_enabled("reservation", FH_TENANT, false);
	assert_int_equal(reserve(T2, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":1}]", NULL),
	                 COFFER_DONE);
	/* T from the body when the envelope's is nil (kafka-contract.md#compartment-command-envelope). */
	assert_int_equal(command("CONSUME", NIL, CHR, 2, "{\"transactionId\":\"" T1 "\",\"slot\":4}",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(cancel(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 3);
	char want[512];
	const char *txns[] = {T2, T1, T1};
	for (size_t i = 0; i < 3; i++) {
		snprintf(want, sizeof want,
		         "{\"transactionId\":\"%s\",\"characterId\":%u,\"compartmentId\":\"%s\","
		         "\"type\":\"ERROR\",\"body\":{\"errorCode\":\"FEATURE_DISABLED\","
		         "\"transactionId\":\"%s\"}}",
		         txns[i], CHR, NIL, txns[i]);
		assert_event(i, TOPIC_CST, FH_TENANT, want);
	}
	assert_int_equal(rsv_count(FH_TENANT), 1);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T1), 2);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 5);
	/* The other tenant is not affected. */
	uint32_t b4, b6;
	use_bag(FH_TENANT2, &b4, &b6);
	fh_clear();
	assert_int_equal(reserve(T2, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":1}]",
	                         FH_TENANT2),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_reserved(0, FH_TENANT2, T2, 2, 2000000, 4, 1);
	/* Back on: the kept reservation is consumed normally. */
	fh_set_enabled("reservation", FH_TENANT, true);
	fh_clear();
	assert_int_equal(consume(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_asset_event(0, T1, 2, a4, 2000000, 4, "QUANTITY_CHANGED", "{\"quantity\":3}");
}

static void test_tenants_do_not_see_each_others_reservations(void **state)
{
	(void)state;
	uint32_t a4, a6, b4, b6;
	use_bag(FH_TENANT, &a4, &a6);
	use_bag(FH_TENANT2, &b4, &b6);
	/* Same character, type, slot and transaction in both tenants. */
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":5}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	/* Tenant 2's stack is untouched by tenant 1's full reservation... */
	assert_int_equal(reserve(T2, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":5}]",
	                         FH_TENANT2),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_reserved(0, FH_TENANT2, T2, 2, 2000000, 4, 5);
	/* ...and T1 has nothing to consume or cancel in tenant 2. */
	fh_clear();
	assert_int_equal(consume(T1, 2, 4, FH_TENANT2), COFFER_DONE);
	assert_int_equal(cancel(T1, 2, 4, FH_TENANT2), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(qty_at(FH_TENANT2, CHR, 2, 4), 5);
	assert_int_equal(rsv_qty(FH_TENANT, a4, T1), 5);
	assert_int_equal(rsv_qty(FH_TENANT2, b4, T2), 5);
	assert_int_equal(rsv_qty(FH_TENANT2, b4, T1), -1);
}

/* ------------------------------------------------------------------ the sweep group */

static void test_sweep_task_runs_at_the_configured_interval(void **state)
{
	(void)state;
	bool seen = false;
	for (size_t i = 0; i < reg_task_count(); i++) {
		if (strcmp(reg_task(i)->name, "reservation_expiry") == 0) {
			assert_int_equal(reg_task(i)->interval_ms, 2500);
			seen = true;
		}
	}
	assert_true(seen);
}

static void test_sweep_works_in_batches_and_skips_disabled_tenants(void **state)
{
	(void)state;
	compartment(FH_TENANT, CHR, 4);
	compartment(FH_TENANT2, CHR, 4);
	for (int s = 1; s <= 5; s++) {
		put(FH_TENANT, CHR, 4, (int16_t)s, 4000000, "etc", 10);
		put(FH_TENANT2, CHR, 4, (int16_t)s, 4000000, "etc", 10);
	}
	assert_int_equal(reserve(T1, 4,
	                         "[{\"source\":1,\"itemId\":4000000,\"quantity\":1},"
	                         "{\"source\":2,\"itemId\":4000000,\"quantity\":1},"
	                         "{\"source\":3,\"itemId\":4000000,\"quantity\":1},"
	                         "{\"source\":4,\"itemId\":4000000,\"quantity\":1},"
	                         "{\"source\":5,\"itemId\":4000000,\"quantity\":1}]",
	                         NULL),
	                 COFFER_DONE);
	assert_int_equal(reserve(T1, 4,
	                         "[{\"source\":1,\"itemId\":4000000,\"quantity\":1},"
	                         "{\"source\":2,\"itemId\":4000000,\"quantity\":1},"
	                         "{\"source\":3,\"itemId\":4000000,\"quantity\":1}]",
	                         FH_TENANT2),
	                 COFFER_DONE);
	fh_clear();
	fh_set_now(NOW0 + 31 * SEC);
	fh_set_enabled("reservation", FH_TENANT2, false);
	/* 8 due rows in batches of 2: four full batches report more work, the fifth is empty.
	 * Tenant 2's three rows are passed over, and the tick still ends. */
	assert_int_equal(fh_run_task("reservation_expiry"), 4);
	assert_int_equal(rsv_count(FH_TENANT), 0);
	assert_int_equal(rsv_count(FH_TENANT2), 3);
	assert_int_equal(fh_count(), 0);
	fh_set_enabled("reservation", FH_TENANT2, true);
	assert_int_equal(fh_run_task("reservation_expiry"), 1);
	assert_int_equal(rsv_count(FH_TENANT2), 0);
	assert_int_equal(fh_run_task("reservation_expiry"), 0);
}

/* ------------------------------------------------------------------ the MOVE group (A.5) */

#ifdef RSV_TEST_COMPARTMENT
static int move(const char *txn, int src, int dst)
{
	char body[64];
	snprintf(body, sizeof body, "{\"source\":%d,\"destination\":%d}", src, dst);
	return command("MOVE", txn, CHR, 2, body, NULL);
}

static void test_a5_move_onto_a_stack_swaps_while_reserved_and_the_reservation_follows(void **state)
{
	(void)state;
	compartment(FH_TENANT, CHR, 2);
	uint32_t a51 = put(FH_TENANT, CHR, 2, 4, 2000000, "consumable", 5);
	uint32_t a52 = put(FH_TENANT, CHR, 2, 5, 2000000, "consumable", 10);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":5}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	/* Merge rule 4 (kafka-contract.md#stacking-and-merging): a swap, one MOVED for the mover, no merge. */
	assert_int_equal(move(T2, 4, 5), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_asset_event(0, T2, 2, a51, 2000000, 5, "MOVED", "{\"oldSlot\":4}");
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 5), 5);
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 10);
	/* The reservation followed asset 51 to slot 5 (kafka-contract.md#reservations). */
	fh_clear();
	assert_int_equal(consume(T1, 2, 4, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	fh_set_now(NOW0 + 20 * SEC);
	assert_int_equal(consume(T1, 2, 5, NULL), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_asset_event(0, T1, 2, a51, 2000000, 5, "DELETED", "{}");
	assert_int_equal(qty_at(FH_TENANT, CHR, 2, 4), 10);
	assert_int_equal(rsv_count(FH_TENANT), 0);
	(void)a52;
}

static void test_a5_move_merges_again_once_the_reservation_is_cancelled(void **state)
{
	(void)state;
	compartment(FH_TENANT, CHR, 2);
	uint32_t a51 = put(FH_TENANT, CHR, 2, 4, 2000000, "consumable", 5);
	uint32_t a52 = put(FH_TENANT, CHR, 2, 5, 2000000, "consumable", 10);
	assert_int_equal(reserve(T1, 2, "[{\"source\":5,\"itemId\":2000000,\"quantity\":1}]", NULL),
	                 COFFER_DONE);
	assert_int_equal(cancel(T1, 2, 5, NULL), COFFER_DONE);
	fh_clear();
	assert_int_equal(move(T2, 4, 5), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_asset_event(0, T2, 2, a52, 2000000, 5, "QUANTITY_CHANGED", "{\"quantity\":15}");
	assert_asset_event(1, T2, 2, a51, 2000000, 4, "DELETED", "{}");
}

static void test_a5_move_swaps_until_the_reservation_expires(void **state)
{
	(void)state;
	compartment(FH_TENANT, CHR, 2);
	uint32_t a51 = put(FH_TENANT, CHR, 2, 4, 2000000, "consumable", 5);
	uint32_t a52 = put(FH_TENANT, CHR, 2, 5, 2000000, "consumable", 10);
	assert_int_equal(reserve(T1, 2, "[{\"source\":4,\"itemId\":2000000,\"quantity\":2}]", NULL),
	                 COFFER_DONE);
	fh_clear();
	fh_set_now(NOW0 + 29 * SEC);
	assert_int_equal(move(T2, 5, 4), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_asset_event(0, T2, 2, a52, 2000000, 4, "MOVED", "{\"oldSlot\":5}");
	fh_clear();
	/* Expired = non-existent, swept or not: now the stacks merge. */
	fh_set_now(NOW0 + 30 * SEC);
	assert_int_equal(move(T2, 5, 4), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_asset_event(0, T2, 2, a52, 2000000, 4, "QUANTITY_CHANGED", "{\"quantity\":15}");
	assert_asset_event(1, T2, 2, a51, 2000000, 5, "DELETED", "{}");
}

static int group_setup_move(void **state)
{
	(void)state;
	return fh_setup((const char *[]){"asset", "compartment", "reservation", NULL});
}
#endif

int main(void)
{
	const struct CMUnitTest commands[] = {
		cmocka_unit_test_setup(test_reserve_emits_one_reserved_per_item_in_list_order, reset),
		cmocka_unit_test_setup(test_reserve_takes_the_body_transaction_id_when_the_envelope_is_nil,
		                       reset),
		cmocka_unit_test_setup(test_reserve_with_a_wrong_item_id_reserves_nothing, reset),
		cmocka_unit_test_setup(test_reserve_beyond_the_available_quantity_reserves_nothing, reset),
		cmocka_unit_test_setup(test_reserve_of_an_empty_slot_reserves_nothing, reset),
		cmocka_unit_test_setup(test_reserve_with_a_negative_quantity_fails_without_event, reset),
		cmocka_unit_test_setup(test_reserve_in_a_missing_compartment_does_nothing, reset),
		cmocka_unit_test_setup(test_reserve_with_no_items_does_nothing, reset),
		cmocka_unit_test_setup(test_reserve_of_the_same_slot_twice_adds_up_in_one_row, reset),
		cmocka_unit_test_setup(test_reserve_replaces_an_expired_reservation, reset),
		cmocka_unit_test_setup(test_reserve_of_zero_emits_reserved_with_zero, reset),
		cmocka_unit_test_setup(test_reserve_of_equipment_counts_quantity_one, reset),
		cmocka_unit_test_setup(test_reserve_rejects_bad_input, reset),
		cmocka_unit_test_setup(test_consume_subtracts_the_reservation_from_the_stack, reset),
		cmocka_unit_test_setup(test_consume_of_the_whole_stack_deletes_the_asset, reset),
		cmocka_unit_test_setup(test_consume_keeps_the_other_transactions_reservations, reset),
		cmocka_unit_test_setup(test_consume_of_a_zero_reservation_reports_the_unchanged_quantity,
		                       reset),
		cmocka_unit_test_setup(test_consume_of_equipment_deletes_it, reset),
		cmocka_unit_test_setup(test_consume_with_an_unknown_transaction_does_nothing, reset),
		cmocka_unit_test_setup(test_consume_and_cancel_reject_bad_input, reset),
		cmocka_unit_test_setup(test_cancel_removes_the_reservation_and_reports_it, reset),
		cmocka_unit_test_setup(test_cancel_with_an_unknown_transaction_does_nothing, reset),
		cmocka_unit_test_setup(test_a5_reserved_stack_no_longer_merges_and_consume_deletes_it,
		                       reset),
		cmocka_unit_test_setup(test_a5_merge_is_possible_again_once_the_reservation_expires,
		                       reset),
		cmocka_unit_test_setup(test_asset_service_reserved_quantity_sums_active_reservations,
		                       reset),
		cmocka_unit_test_setup(test_reservations_go_with_their_asset, reset),
		cmocka_unit_test_setup(test_consume_after_thirty_seconds_has_no_effect, reset),
		cmocka_unit_test_setup(test_consume_at_exactly_thirty_seconds_is_too_late, reset),
		cmocka_unit_test_setup(test_sweep_deletes_only_expired_reservations_without_events, reset),
		cmocka_unit_test_setup(test_disabled_tenant_gets_feature_disabled_and_nothing_changes,
		                       reset),
		cmocka_unit_test_setup(test_tenants_do_not_see_each_others_reservations, reset),
	};
	const struct CMUnitTest sweep[] = {
		cmocka_unit_test_setup(test_sweep_task_runs_at_the_configured_interval, reset),
		cmocka_unit_test_setup(test_sweep_works_in_batches_and_skips_disabled_tenants, reset),
	};
	int failed = cmocka_run_group_tests_name("test_reservation_commands", commands, group_setup,
	                                         group_teardown);
	failed += cmocka_run_group_tests_name("test_reservation_sweep", sweep, group_setup_sweep,
	                                      group_teardown);
#ifdef RSV_TEST_COMPARTMENT
	const struct CMUnitTest moves[] = {
		cmocka_unit_test_setup(
			test_a5_move_onto_a_stack_swaps_while_reserved_and_the_reservation_follows, reset),
		cmocka_unit_test_setup(test_a5_move_merges_again_once_the_reservation_is_cancelled,
		                       reset),
		cmocka_unit_test_setup(test_a5_move_swaps_until_the_reservation_expires, reset),
	};
	failed += cmocka_run_group_tests_name("test_reservation_move", moves, group_setup_move,
	                                      group_teardown);
#endif
	return failed;
}
