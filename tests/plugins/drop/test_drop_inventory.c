/* SPDX-License-Identifier: MIT */
/* tests/plugins/drop/test_drop_inventory.c: the inventory half of the drop plugin on the fake
 * host — compartment DROP (kafka-contract.md#drop-compartment, kafka-contract.md#drop-from-inventory-flow) and the pick-up on drop RESERVED
 * (kafka-contract.md#pick-up-on-drop-reserved, kafka-contract.md#pick-up-flow), with the asset, compartment and reservation plugins
 * loaded as in production. Compartments, assets, reservations and templates go in as rows;
 * events are compared as their whole compact text with topic and key, in emit order. The
 * worked examples A and B of kafka-contract.md#worked-examples run end to end: the commands the inventory
 * half emits are fed to the drop side and the other way round. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"

#define T0 1740830400000000LL /* 2025-03-01T12:00:00Z */
#define CT "COMMAND_TOPIC_COMPARTMENT"
#define DCMD "COMMAND_TOPIC_DROP"
#define DEVT "EVENT_TOPIC_DROP_STATUS"
#define AST "EVENT_TOPIC_ASSET_STATUS"
#define CST "EVENT_TOPIC_COMPARTMENT_STATUS"
#define NIL "00000000-0000-0000-0000-000000000000"
#define ZT "0001-01-01T00:00:00Z"
#define MAP 100000000u
#define CHR 1001u
#define TD "6c1e2f0a-3a51-4e39-9a43-2f4f6a1b9d04"
#define TR "0f6b1c7e-86f5-4a59-8f1c-3d1de2a0aa11"
#define DROP_ID 7781u
#define ZERO_STATS                                                                    \
	"\"strength\":0,\"dexterity\":0,\"intelligence\":0,\"luck\":0,\"hp\":0,\"mp\":0," \
	"\"weaponAttack\":0,\"magicAttack\":0,\"weaponDefense\":0,\"magicDefense\":0,"    \
	"\"accuracy\":0,\"avoidability\":0,\"hands\":0,\"speed\":0,\"jump\":0,\"slots\":0"
#define SWORD_STATS                                                                    \
	"\"strength\":1,\"dexterity\":0,\"intelligence\":0,\"luck\":0,\"hp\":0,\"mp\":0,"  \
	"\"weaponAttack\":19,\"magicAttack\":0,\"weaponDefense\":0,\"magicDefense\":0,"    \
	"\"accuracy\":0,\"avoidability\":0,\"hands\":0,\"speed\":0,\"jump\":0,\"slots\":5"
#define EQUIP_TAIL                                                                     \
	"\"locked\":false,\"spikes\":false,\"karmaUsed\":false,\"cold\":false,"            \
	"\"canBeTraded\":false,\"levelType\":0,\"level\":0,\"experience\":0,"              \
	"\"hammersApplied\":0,\"expiration\":\"" ZT "\""

/* ------------------------------------------------------------------ fixtures */

static int setup(void **state)
{
	(void)state;
	return fh_setup((const char *[]){"asset", "compartment", "reservation", "drop", NULL});
}

static int teardown(void **state)
{
	(void)state;
	fh_teardown();
	return 0;
}

static int clean(void **state)
{
	(void)state;
	fh_clear();
	fh_set_now(T0);
	const char *plugins[] = {"asset", "compartment", "reservation", "drop"};
	for (size_t i = 0; i < 4; i++) {
		fh_set_enabled(plugins[i], FH_TENANT, true);
		fh_set_enabled(plugins[i], FH_TENANT2, true);
	}
	const char *tables[] = {"reservations", "assets", "compartments", "item_templates",
	                        "drop_drops", "drop_id_sequence", "drop_pickups"};
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "DELETE FROM %s", tables[i]);
		if (fh_exec(sql, NULL, 0) != 0)
			return -1;
	}
	return 0;
}

/* A compartment id that tells character and type apart. */
static void cid_of(char out[37], uint32_t character, unsigned type)
{
	snprintf(out, 37, "c0000000-0000-4000-8000-%04x%08x", type, character);
}

static void compartment_id(const char *tenant, const char *id, uint32_t character, unsigned type,
                           unsigned capacity)
{
	assert_int_equal(fh_exec("INSERT INTO compartments (tenant_id, id, character_id, "
	                         "inventory_type, capacity) VALUES (?, ?, ?, ?, ?)",
	                         COFFER_ARGS(COFFER_S(tenant), COFFER_S(id), COFFER_U(character),
	                                     COFFER_U(type), COFFER_U(capacity))),
	                 0);
}

static void compartment(uint32_t character, unsigned type, unsigned capacity, char out[37])
{
	cid_of(out, character, type);
	compartment_id(FH_TENANT, out, character, type, capacity);
}

/* Insert an asset; @p id 0 = auto-increment; reference_id = its id. Returns the id. */
static uint32_t asset_id(uint32_t id, const char *cid, int slot, uint32_t tpl, const char *kind,
                         uint32_t qty)
{
	assert_int_equal(fh_exec("INSERT INTO assets (id, tenant_id, compartment_id, slot, "
	                         "template_id, kind, reference_id, quantity, created_at) VALUES "
	                         "(NULLIF(?, 0), ?, ?, ?, ?, ?, 0, ?, '2025-01-01')",
	                         COFFER_ARGS(COFFER_U(id), COFFER_S(FH_TENANT), COFFER_S(cid),
	                                     COFFER_I(slot), COFFER_U(tpl), COFFER_S(kind),
	                                     COFFER_U(qty))),
	                 0);
	int64_t got = fh_scalar("SELECT id FROM assets WHERE compartment_id = ? AND slot = ?",
	                        COFFER_ARGS(COFFER_S(cid), COFFER_I(slot)), 0);
	assert_true(got > 0);
	assert_int_equal(
		fh_exec("UPDATE assets SET reference_id = id WHERE id = ?", COFFER_ARGS(COFFER_I(got))),
		0);
	return (uint32_t)got;
}

static uint32_t asset(const char *cid, int slot, uint32_t tpl, const char *kind, uint32_t qty)
{
	return asset_id(0, cid, slot, tpl, kind, qty);
}

/* Slots first..last filled with etc 4000001 x1. */
static void fill(const char *cid, int first, int last)
{
	for (int s = first; s <= last; s++)
		asset(cid, s, 4000001, "etc", 1);
}

static int64_t col(const char *c, uint32_t id)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT %s FROM assets WHERE id = ?", c);
	return fh_scalar(sql, COFFER_ARGS(COFFER_U(id)), -1);
}

static int64_t count_assets(const char *cid)
{
	return fh_scalar("SELECT COUNT(*) FROM assets WHERE compartment_id = ?",
	                 COFFER_ARGS(COFFER_S(cid)), -1);
}

static int64_t markers(void)
{
	return fh_scalar("SELECT COUNT(*) FROM drop_pickups", NULL, 0, -1);
}

/* A checksum of every asset row: "nothing changed" compares two of them. */
static int64_t assets_digest(void)
{
	return fh_scalar("SELECT COALESCE(SUM(id * 7 + slot * 131 + quantity * 1009 + "
	                 "strength * 3 + upgrade_slots * 11), 0) + COUNT(*) * 1000003 FROM assets",
	                 NULL, 0, -1);
}

static void reservation(uint32_t asset, uint32_t qty, int64_t expires_us)
{
	assert_int_equal(fh_exec("INSERT INTO reservations (tenant_id, asset_id, transaction_id, "
	                         "character_id, inventory_type, item_id, quantity, expires_at) "
	                         "VALUES (?, ?, ?, ?, 2, 2000000, ?, ?)",
	                         COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(asset),
	                                     COFFER_S("5b1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b"),
	                                     COFFER_U(CHR), COFFER_U(qty), COFFER_T(expires_us))),
	                 0);
}

/* ------------------------------------------------------------------ messages */

static int send_drop(const char *tenant, const char *txn, uint32_t character, unsigned type,
                     int source, int quantity)
{
	char buf[512];
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"%s\",\"characterId\":%u,\"inventoryType\":%u,\"type\":\"DROP\","
	         "\"body\":{\"worldId\":0,\"channelId\":1,\"mapId\":%u,\"source\":%d,\"quantity\":%d,"
	         "\"x\":120,\"y\":-30}}",
	         txn, character, type, MAP, source, quantity);
	return fh_send(CT, buf, tenant);
}

/* A RESERVED as the drop side writes it; @p stats NULL leaves the sixteen fields out. */
static int send_reserved(const char *tenant, const char *txn, uint32_t drop, uint32_t character,
                         uint32_t item, uint32_t equipment, uint32_t qty, uint32_t meso,
                         const char *stats)
{
	char buf[1024], txnpart[80] = "";
	if (txn)
		snprintf(txnpart, sizeof txnpart, "\"transactionId\":\"%s\",", txn);
	snprintf(buf, sizeof buf,
	         "{%s\"worldId\":0,\"channelId\":1,\"mapId\":%u,\"dropId\":%u,\"type\":\"RESERVED\","
	         "\"body\":{\"characterId\":%u,\"itemId\":%u,\"equipmentId\":%u,\"quantity\":%u,"
	         "\"meso\":%u%s%s}}",
	         txnpart, MAP, drop, character, item, equipment, qty, meso, stats ? "," : "",
	         stats ? stats : "");
	return fh_send(DEVT, buf, tenant);
}

static const char *text_of(const json_t *v)
{
	static char buf[4096];
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
	free(s);
	return buf;
}

/* Event @p i is on @p topic, keyed @p key, of @p tenant (NULL: FH_TENANT), with text @p json. */
static void assert_ev(size_t i, const char *topic, uint32_t key, const char *tenant,
                      const char *json)
{
	const struct fh_event *e = fh_event(i);
	assert_non_null(e);
	assert_string_equal(e->topic_var, topic);
	assert_int_equal(e->key, key);
	assert_string_equal(e->tenant.id, tenant ? tenant : FH_TENANT);
	assert_string_equal(text_of(e->value), json);
}

static void assert_evf(size_t i, const char *topic, uint32_t key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void assert_evf(size_t i, const char *topic, uint32_t key, const char *fmt, ...)
{
	char want[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	assert_ev(i, topic, key, NULL, want);
}

/* Hand recorded event @p i to its consumer on the same topic (the bus, without Kafka). */
static int forward(size_t i)
{
	const struct fh_event *e = fh_event(i);
	assert_non_null(e);
	json_t *copy = json_deep_copy(e->value);
	char tenant[37];
	memcpy(tenant, e->tenant.id, sizeof tenant);
	char topic[64];
	snprintf(topic, sizeof topic, "%s", e->topic_var);
	int rc = fh_send_json(topic, copy, tenant);
	json_decref(copy);
	return rc;
}

static const char *answer(const char *type, const char *txn, uint32_t drop, uint32_t character)
{
	static char buf[512];
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"%s\",\"worldId\":0,\"channelId\":1,\"mapId\":%u,\"type\":\"%s\","
	         "\"body\":{\"dropId\":%u,\"characterId\":%u}}",
	         txn, MAP, type, drop, character);
	return buf;
}

/* ------------------------------------------------------------------ compartment DROP */

static void test_drop_of_part_of_a_stack_reduces_it_and_spawns_the_dropped_quantity(void **state)
{
	(void)state;
	char use[37];
	compartment(CHR, 2, 24, use);
	uint32_t a = asset(use, 4, 2000000, "consumable", 50);

	assert_int_equal(send_drop(NULL, TD, CHR, 2, 4, 10), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_evf(0, AST, CHR,
	           "{\"transactionId\":\"" TD "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	           "\"assetId\":%u,\"templateId\":2000000,\"slot\":4,\"type\":\"QUANTITY_CHANGED\","
	           "\"body\":{\"quantity\":40}}",
	           use, a);
	/* kafka-contract.md#drop-commands-the-inventory-sends's example, keyed by mapId. */
	assert_ev(1, DCMD, MAP, NULL,
	          "{\"transactionId\":\"" TD "\",\"worldId\":0,\"channelId\":1,\"mapId\":100000000,"
	          "\"type\":\"SPAWN_FROM_CHARACTER\",\"body\":{\"itemId\":2000000,\"equipmentId\":0,"
	          "\"quantity\":10,\"mesos\":0,\"dropType\":2,\"x\":120,\"y\":-30,\"ownerId\":1001,"
	          "\"ownerPartyId\":0,\"dropperId\":1001,\"dropperX\":120,\"dropperY\":-30,"
	          "\"playerDrop\":true,\"mod\":0," ZERO_STATS "}}");
	assert_int_equal(col("quantity", a), 40);
	assert_int_equal(col("slot", a), 4);

	/* The drop side accepts what the inventory sent: a drop of 10 lies on the map. */
	assert_int_equal(forward(1), COFFER_DONE);
	assert_int_equal(fh_count(), 3);
	const struct fh_event *c = fh_event(2);
	assert_string_equal(c->topic_var, DEVT);
	assert_string_equal(json_string_value(json_object_get(c->value, "type")), "CREATED");
	assert_int_equal(fh_scalar("SELECT quantity FROM drop_drops WHERE tenant_id = ? AND item_id = "
	                           "2000000 AND owner_id = 1001 AND player_drop = 1",
	                           COFFER_ARGS(COFFER_S(FH_TENANT)), -1),
	                 10);
}

static void test_drop_of_a_whole_stack_deletes_it(void **state)
{
	(void)state;
	char etc[37];
	compartment(CHR, 4, 24, etc);
	uint32_t a = asset(etc, 7, 4000000, "etc", 12);

	assert_int_equal(send_drop(NULL, TD, CHR, 4, 7, 12), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_evf(0, AST, CHR,
	           "{\"transactionId\":\"" TD "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	           "\"assetId\":%u,\"templateId\":4000000,\"slot\":7,\"type\":\"DELETED\",\"body\":{}}",
	           etc, a);
	assert_ev(1, DCMD, MAP, NULL,
	          "{\"transactionId\":\"" TD "\",\"worldId\":0,\"channelId\":1,\"mapId\":100000000,"
	          "\"type\":\"SPAWN_FROM_CHARACTER\",\"body\":{\"itemId\":4000000,\"equipmentId\":0,"
	          "\"quantity\":12,\"mesos\":0,\"dropType\":2,\"x\":120,\"y\":-30,\"ownerId\":1001,"
	          "\"ownerPartyId\":0,\"dropperId\":1001,\"dropperX\":120,\"dropperY\":-30,"
	          "\"playerDrop\":true,\"mod\":0," ZERO_STATS "}}");
	assert_int_equal(count_assets(etc), 0);
}

/* kafka-contract.md#worked-examples A1-A4 and kafka-contract.md#worked-examples B1-B4, with the inventory half in the loop. */
static void test_drop_examples_a_and_b_run_end_to_end_with_statistics_preserved(void **state)
{
	(void)state;
	const char *tenant = "6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b";
	const char *cid = "c0ffee00-1234-4abc-8def-0123456789ab";
	compartment_id(tenant, cid, 12345, 1, 24);
	assert_int_equal(fh_exec("INSERT INTO assets (id, tenant_id, compartment_id, slot, template_id, "
	                         "kind, reference_id, quantity, strength, weapon_attack, upgrade_slots, "
	                         "created_at) VALUES (5021, ?, ?, 3, 1302000, 'equipable', 5021, 1, 1, "
	                         "19, 5, '2025-01-01')",
	                         COFFER_ARGS(COFFER_S(tenant), COFFER_S(cid))),
	                 0);
	char cid2[37];
	cid_of(cid2, 12346, 1);
	compartment_id(tenant, cid2, 12346, 1, 24);

	/* A1 -> A2, A3 */
	assert_int_equal(
		fh_send(CT,
		        "{\"transactionId\":\"5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"characterId\":12345,"
		        "\"inventoryType\":1,\"type\":\"DROP\",\"body\":{\"worldId\":0,\"channelId\":1,"
		        "\"mapId\":100000000,\"source\":3,\"quantity\":1,\"x\":-120,\"y\":275}}",
		        tenant),
		COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_ev(0, AST, 12345, tenant,
	          "{\"transactionId\":\"5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"characterId\":12345,"
	          "\"compartmentId\":\"c0ffee00-1234-4abc-8def-0123456789ab\",\"assetId\":5021,"
	          "\"templateId\":1302000,\"slot\":3,\"type\":\"DELETED\",\"body\":{}}");
	assert_ev(1, DCMD, 100000000, tenant,
	          "{\"transactionId\":\"5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"worldId\":0,"
	          "\"channelId\":1,\"mapId\":100000000,\"type\":\"SPAWN_FROM_CHARACTER\",\"body\":{"
	          "\"itemId\":1302000,\"equipmentId\":5021,\"quantity\":1,\"mesos\":0,\"dropType\":2,"
	          "\"x\":-120,\"y\":275,\"ownerId\":12345,\"ownerPartyId\":0,\"dropperId\":12345,"
	          "\"dropperX\":-120,\"dropperY\":275,\"playerDrop\":true,\"mod\":0," SWORD_STATS "}}");
	assert_int_equal(count_assets(cid), 0);

	/* A3 -> A4 */
	fh_set_now(T0 + 123456);
	assert_int_equal(forward(1), COFFER_DONE);
	assert_int_equal(fh_count(), 3);
	assert_ev(2, DEVT, 1000000001, tenant,
	          "{\"transactionId\":\"5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"worldId\":0,"
	          "\"channelId\":1,\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"CREATED\","
	          "\"body\":{\"itemId\":1302000,\"quantity\":1,\"meso\":0,\"type\":2,\"x\":-120,"
	          "\"y\":275,\"ownerId\":12345,\"ownerPartyId\":0,\"dropTime\":"
	          "\"2025-03-01T12:00:00.123456Z\",\"dropperUniqueId\":12345,\"dropperX\":-120,"
	          "\"dropperY\":275,\"playerDrop\":true}}");

	/* B1 -> B2 */
	fh_set_now(T0 + 4623456);
	assert_int_equal(
		fh_send(DCMD,
		        "{\"transactionId\":\"9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d\",\"worldId\":0,"
		        "\"channelId\":1,\"mapId\":100000000,\"type\":\"REQUEST_RESERVATION\",\"body\":{"
		        "\"dropId\":1000000001,\"characterId\":12346,\"partyId\":0,\"characterX\":-110,"
		        "\"characterY\":275,\"petSlot\":-1}}",
		        tenant),
		COFFER_DONE);
	assert_int_equal(fh_count(), 4);
	assert_ev(3, DEVT, 1000000001, tenant,
	          "{\"transactionId\":\"9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d\",\"worldId\":0,"
	          "\"channelId\":1,\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"RESERVED\","
	          "\"body\":{\"characterId\":12346,\"itemId\":1302000,\"equipmentId\":5021,"
	          "\"quantity\":1,\"meso\":0," SWORD_STATS "}}");

	/* B2 -> asset CREATED, B3 */
	assert_int_equal(forward(3), COFFER_DONE);
	assert_int_equal(fh_count(), 6);
	int64_t nid = fh_scalar("SELECT id FROM assets WHERE compartment_id = ? AND slot = 1",
	                        COFFER_ARGS(COFFER_S(cid2)), 0);
	assert_true(nid > 5021); /* a fresh id, not the dropped one (OP-27) */
	char want[2048];
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d\",\"characterId\":12346,"
	         "\"compartmentId\":\"%s\",\"assetId\":%lld,\"templateId\":1302000,\"slot\":1,"
	         "\"type\":\"CREATED\",\"body\":{\"referenceId\":%lld,\"referenceType\":\"equipable\","
	         "\"referenceData\":{\"ownerId\":0," SWORD_STATS "," EQUIP_TAIL "},\"expiration\":\"" ZT
	         "\"}}",
	         cid2, (long long)nid, (long long)nid);
	assert_ev(4, AST, 12346, tenant, want);
	assert_ev(5, DCMD, 1000000001, tenant,
	          "{\"transactionId\":\"9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d\",\"worldId\":0,"
	          "\"channelId\":1,\"mapId\":100000000,\"type\":\"REQUEST_PICK_UP\",\"body\":{"
	          "\"dropId\":1000000001,\"characterId\":12346}}");
	assert_int_equal(col("reference_id", (uint32_t)nid), nid);
	assert_int_equal(col("strength", (uint32_t)nid), 1);
	assert_int_equal(col("weapon_attack", (uint32_t)nid), 19);
	assert_int_equal(col("upgrade_slots", (uint32_t)nid), 5);
	assert_int_equal(col("kind = 'equipable'", (uint32_t)nid), 1);

	/* B3 -> B4 */
	assert_int_equal(forward(5), COFFER_DONE);
	assert_int_equal(fh_count(), 7);
	assert_ev(6, DEVT, 1000000001, tenant,
	          "{\"transactionId\":\"9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d\",\"worldId\":0,"
	          "\"channelId\":1,\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"PICKED_UP\","
	          "\"body\":{\"characterId\":12346,\"itemId\":1302000,\"equipmentId\":5021,"
	          "\"quantity\":1,\"meso\":0,\"petSlot\":-1," SWORD_STATS "}}");
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM drop_drops", NULL, 0, -1), 0);
	/* The marker of the credit stays until the id is reused or the retention prunes it. */
	assert_int_equal(fh_scalar("SELECT character_id FROM drop_pickups WHERE tenant_id = ? AND "
	                           "drop_id = 1000000001 AND transaction_id = "
	                           "'9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d' AND picked_at = ?",
	                           COFFER_ARGS(COFFER_S(tenant), COFFER_T(T0 + 4623456)), -1),
	                 12346);
}

static void test_drop_respects_quantities_reserved_for_pending_trades(void **state)
{
	(void)state;
	char use[37];
	compartment(CHR, 2, 24, use);
	uint32_t a = asset(use, 4, 2000000, "consumable", 10);
	reservation(a, 3, T0 + 30 * 1000000LL);
	int64_t before = assets_digest();

	/* More than the 7 unreserved, and the whole 10: both fail without a trace. */
	assert_int_equal(send_drop(NULL, TD, CHR, 2, 4, 8), COFFER_DONE);
	assert_int_equal(send_drop(NULL, TD, CHR, 2, 4, 10), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(assets_digest(), before);

	/* All 7 unreserved: the stack stays with the 3 reserved (OP-12), not removed. */
	assert_int_equal(send_drop(NULL, TD, CHR, 2, 4, 7), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_evf(0, AST, CHR,
	           "{\"transactionId\":\"" TD "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	           "\"assetId\":%u,\"templateId\":2000000,\"slot\":4,\"type\":\"QUANTITY_CHANGED\","
	           "\"body\":{\"quantity\":3}}",
	           use, a);
	assert_string_equal(json_string_value(json_object_get(fh_event(1)->value, "type")),
	                    "SPAWN_FROM_CHARACTER");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(fh_event(1)->value, "body"), "quantity")),
	                 7);
	assert_int_equal(col("quantity", a), 3);
}

static void test_drop_ignores_expired_reservations(void **state)
{
	(void)state;
	char use[37];
	compartment(CHR, 2, 24, use);
	uint32_t a = asset(use, 4, 2000000, "consumable", 10);
	reservation(a, 3, T0); /* expires_at == Now: no longer active (kafka-contract.md#inventory-tables) */

	assert_int_equal(send_drop(NULL, TD, CHR, 2, 4, 10), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_string_equal(json_string_value(json_object_get(fh_event(0)->value, "type")), "DELETED");
	assert_int_equal(count_assets(use), 0);
}

static void test_drop_fails_without_event_on_empty_slot_unknown_compartment_or_too_many(void **state)
{
	(void)state;
	char use[37], eq[37];
	compartment(CHR, 2, 24, use);
	compartment(CHR, 1, 24, eq);
	asset(use, 4, 2000000, "consumable", 5);
	asset(eq, 2, 1302000, "equipable", 1);
	int64_t before = assets_digest();

	assert_int_equal(send_drop(NULL, TD, CHR, 2, 5, 1), COFFER_DONE);  /* empty slot */
	assert_int_equal(send_drop(NULL, TD, CHR, 2, 4, 6), COFFER_DONE);  /* 6 of 5 */
	assert_int_equal(send_drop(NULL, TD, CHR, 1, 2, 2), COFFER_DONE);  /* 2 of one sword */
	assert_int_equal(send_drop(NULL, TD, CHR, 3, 4, 1), COFFER_DONE);  /* no SETUP compartment */
	assert_int_equal(send_drop(NULL, TD, 4242, 2, 4, 1), COFFER_DONE); /* unknown character */
	/* Another tenant's character 1001 has no inventory: the rows are FH_TENANT's. */
	assert_int_equal(send_drop(FH_TENANT2, TD, CHR, 2, 4, 1), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(assets_digest(), before);
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM drop_drops", NULL, 0, -1), 0);
}

static void test_drop_rejects_bad_input(void **state)
{
	(void)state;
	char use[37];
	compartment(CHR, 2, 24, use);
	asset(use, 4, 2000000, "consumable", 5);
	int64_t before = assets_digest();

	assert_int_equal(send_drop(NULL, TD, CHR, 2, 4, 0), COFFER_REJECT);
	assert_int_equal(send_drop(NULL, TD, CHR, 2, 4, -1), COFFER_REJECT);
	assert_int_equal(send_drop(NULL, TD, CHR, 2, 4, 40000), COFFER_REJECT); /* not an int16 */
	assert_int_equal(send_drop(NULL, TD, CHR, 2, 0, 1), COFFER_REJECT);
	assert_int_equal(send_drop(NULL, TD, CHR, 1, -11, 1), COFFER_REJECT);  /* worn (OP-16) */
	assert_int_equal(send_drop(NULL, TD, 0, 2, 4, 1), COFFER_REJECT);
	assert_int_equal(send_drop(NULL, TD, CHR, 6, 4, 1), COFFER_REJECT);
	assert_int_equal(send_drop(NULL, TD, CHR, 0, 4, 1), COFFER_REJECT);
	assert_int_equal(fh_send(CT,
	                         "{\"transactionId\":\"" TD "\",\"characterId\":1001,\"inventoryType\":2,"
	                         "\"type\":\"DROP\",\"body\":{\"mapId\":-1,\"source\":4,\"quantity\":1}}",
	                         NULL),
	                 COFFER_REJECT);
	assert_int_equal(fh_send(CT,
	                         "{\"transactionId\":\"\",\"characterId\":1001,\"inventoryType\":2,"
	                         "\"type\":\"DROP\",\"body\":{\"source\":4,\"quantity\":1}}",
	                         NULL),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(assets_digest(), before);
}

static void test_drop_for_a_tenant_without_drops_answers_feature_disabled(void **state)
{
	(void)state;
	char use[37];
	compartment(CHR, 2, 24, use);
	uint32_t a = asset(use, 4, 2000000, "consumable", 5);
	fh_set_enabled("drop", FH_TENANT, false);

	assert_int_equal(send_drop(NULL, TD, CHR, 2, 4, 1), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, CST, CHR, NULL,
	          "{\"transactionId\":\"" TD "\",\"characterId\":1001,\"compartmentId\":\"" NIL "\","
	          "\"type\":\"ERROR\",\"body\":{\"errorCode\":\"FEATURE_DISABLED\",\"transactionId\":\"" TD
	          "\"}}");
	assert_int_equal(col("quantity", a), 5);
}

static void test_drop_follows_the_drop_switch_not_the_compartment_switch(void **state)
{
	(void)state;
	char use[37];
	compartment(CHR, 2, 24, use);
	uint32_t a = asset(use, 4, 2000000, "consumable", 5);
	fh_set_enabled("compartment", FH_TENANT, false);

	assert_int_equal(send_drop(NULL, TD, CHR, 2, 4, 2), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_string_equal(fh_event(0)->topic_var, AST);
	assert_string_equal(fh_event(1)->topic_var, DCMD);
	assert_int_equal(col("quantity", a), 3);
}

/* ------------------------------------------------------------------ pick-up on RESERVED */

static void test_pick_up_stacks_onto_the_first_stack_with_room(void **state)
{
	(void)state;
	char etc[37];
	compartment(CHR, 4, 24, etc);
	uint32_t full = asset(etc, 1, 4000000, "etc", 100);
	uint32_t d = asset(etc, 2, 4000000, "etc", 50);
	uint32_t later = asset(etc, 5, 4000000, "etc", 30);

	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 4000000, 0, 10, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_evf(0, AST, CHR,
	           "{\"transactionId\":\"" TR "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	           "\"assetId\":%u,\"templateId\":4000000,\"slot\":2,\"type\":\"QUANTITY_CHANGED\","
	           "\"body\":{\"quantity\":60}}",
	           etc, d);
	assert_ev(1, DCMD, DROP_ID, NULL, answer("REQUEST_PICK_UP", TR, DROP_ID, CHR));
	assert_int_equal(col("quantity", full), 100);
	assert_int_equal(col("quantity", d), 60);
	assert_int_equal(col("quantity", later), 30);
	assert_int_equal(count_assets(etc), 3);
	assert_int_equal(fh_scalar("SELECT character_id FROM drop_pickups WHERE tenant_id = ? AND "
	                           "drop_id = ? AND transaction_id = ?",
	                           COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(DROP_ID), COFFER_S(TR)),
	                           -1),
	                 CHR);
}

/* docs/kafka-contract.md#inventory-examples A.4. */
static void test_pick_up_overflow_fills_the_stack_and_puts_the_rest_in_the_next_free_slot(
	void **state)
{
	(void)state;
	char etc[37];
	compartment(CHR, 4, 24, etc);
	fill(etc, 1, 1);
	uint32_t a41 = asset(etc, 2, 4000000, "etc", 95);
	fill(etc, 3, 4);
	asset(etc, 5, 4000000, "etc", 100);
	fill(etc, 6, 6);

	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 4000000, 0, 10, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 3);
	assert_evf(0, AST, CHR,
	           "{\"transactionId\":\"" TR "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	           "\"assetId\":%u,\"templateId\":4000000,\"slot\":2,\"type\":\"QUANTITY_CHANGED\","
	           "\"body\":{\"quantity\":100}}",
	           etc, a41);
	int64_t n = fh_scalar("SELECT id FROM assets WHERE compartment_id = ? AND slot = 7",
	                      COFFER_ARGS(COFFER_S(etc)), 0);
	assert_true(n > 0);
	assert_evf(1, AST, CHR,
	           "{\"transactionId\":\"" TR "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	           "\"assetId\":%lld,\"templateId\":4000000,\"slot\":7,\"type\":\"CREATED\","
	           "\"body\":{\"referenceId\":%lld,\"referenceType\":\"etc\",\"referenceData\":{"
	           "\"ownerId\":0,\"quantity\":5,\"flag\":0},\"expiration\":\"" ZT "\"}}",
	           etc, (long long)n, (long long)n);
	assert_ev(2, DCMD, DROP_ID, NULL, answer("REQUEST_PICK_UP", TR, DROP_ID, CHR));
	assert_int_equal(col("quantity", a41), 100);
	assert_int_equal(col("quantity", (uint32_t)n), 5);
}

static void test_pick_up_without_a_stack_creates_one_in_the_lowest_free_slot(void **state)
{
	(void)state;
	char use[37];
	compartment(CHR, 2, 24, use);
	fill(use, 1, 1); /* 4000001 is another template, however it got here */
	asset(use, 3, 2000000, "consumable", 100); /* full: not a candidate */

	/* quantity 0 counts as 1 (OP-32) */
	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 2000000, 0, 0, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	int64_t n = fh_scalar("SELECT id FROM assets WHERE compartment_id = ? AND slot = 2",
	                      COFFER_ARGS(COFFER_S(use)), 0);
	assert_true(n > 0);
	assert_evf(0, AST, CHR,
	           "{\"transactionId\":\"" TR "\",\"characterId\":1001,\"compartmentId\":\"%s\","
	           "\"assetId\":%lld,\"templateId\":2000000,\"slot\":2,\"type\":\"CREATED\","
	           "\"body\":{\"referenceId\":%lld,\"referenceType\":\"consumable\",\"referenceData\":{"
	           "\"ownerId\":0,\"quantity\":1,\"flag\":0,\"rechargeable\":0},\"expiration\":\"" ZT
	           "\"}}",
	           use, (long long)n, (long long)n);
	assert_ev(1, DCMD, DROP_ID, NULL, answer("REQUEST_PICK_UP", TR, DROP_ID, CHR));
	assert_int_equal(col("quantity", (uint32_t)n), 1);
	assert_int_equal(markers(), 1);
}

static void test_pick_up_on_a_full_inventory_cancels_and_changes_nothing(void **state)
{
	(void)state;
	char etc[37], eq[37];
	compartment(CHR, 4, 24, etc);
	compartment(CHR, 1, 4, eq);
	fill(etc, 1, 1);
	uint32_t a41 = asset(etc, 2, 4000000, "etc", 95);
	fill(etc, 3, 24);
	fill(eq, 1, 4);
	int64_t before = assets_digest();

	/* The first stack could take 5 of the 10; the overflow has no slot: nothing at all. */
	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 4000000, 0, 10, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, DCMD, DROP_ID, NULL, answer("CANCEL_RESERVATION", TR, DROP_ID, CHR));
	assert_int_equal(col("quantity", a41), 95);

	/* Equipment with a full bag (B3'). */
	assert_int_equal(
		send_reserved(NULL, TR, DROP_ID + 1, CHR, 1302000, 5021, 1, 0, SWORD_STATS),
		COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_ev(1, DCMD, DROP_ID + 1, NULL, answer("CANCEL_RESERVATION", TR, DROP_ID + 1, CHR));
	assert_int_equal(assets_digest(), before);
	assert_int_equal(markers(), 0);
}

static void test_pick_up_repeated_reserved_credits_once(void **state)
{
	(void)state;
	char etc[37];
	compartment(CHR, 4, 24, etc);
	uint32_t d = asset(etc, 2, 4000000, "etc", 50);

	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 4000000, 0, 10, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	fh_clear();
	/* The same event again (a second publication), and once more under another id. */
	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 4000000, 0, 10, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(send_reserved(NULL, "aa11bb22-cc33-4d44-8e55-ff6677889900", DROP_ID, CHR,
	                               4000000, 0, 10, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(col("quantity", d), 60);
	assert_int_equal(count_assets(etc), 1);
	assert_int_equal(markers(), 1);

	/* The same drop id in another tenant is another drop. */
	char etc2[37];
	cid_of(etc2, CHR, 4);
	etc2[0] = 'd';
	compartment_id(FH_TENANT2, etc2, CHR, 4, 24);
	assert_int_equal(send_reserved(FH_TENANT2, TR, DROP_ID, CHR, 4000000, 0, 10, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_ev(1, DCMD, DROP_ID, FH_TENANT2, answer("REQUEST_PICK_UP", TR, DROP_ID, CHR));
}

static void test_pick_up_after_a_cancel_can_credit_the_drop_later(void **state)
{
	(void)state;
	char etc[37];
	compartment(CHR, 4, 2, etc);
	fill(etc, 1, 2);

	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 4000000, 0, 3, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_ev(0, DCMD, DROP_ID, NULL, answer("CANCEL_RESERVATION", TR, DROP_ID, CHR));
	assert_int_equal(markers(), 0);

	/* Room again: the drop, reserved anew, is credited (no marker after a failure). */
	assert_int_equal(fh_exec("DELETE FROM assets WHERE compartment_id = ? AND slot = 2",
	                         COFFER_ARGS(COFFER_S(etc))),
	                 0);
	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 4000000, 0, 3, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 3);
	assert_string_equal(json_string_value(json_object_get(fh_event(1)->value, "type")), "CREATED");
	assert_ev(2, DCMD, DROP_ID, NULL, answer("REQUEST_PICK_UP", TR, DROP_ID, CHR));
	assert_int_equal(markers(), 1);
}

static void test_pick_up_for_an_unknown_character_cancels(void **state)
{
	(void)state;
	char etc[37];
	compartment(CHR, 4, 24, etc);
	int64_t before = assets_digest();

	assert_int_equal(send_reserved(NULL, TR, DROP_ID, 4242, 4000000, 0, 1, 0, ZERO_STATS),
	                 COFFER_DONE);
	/* Character 1001 has an inventory only in FH_TENANT. */
	assert_int_equal(send_reserved(FH_TENANT2, TR, DROP_ID, CHR, 4000000, 0, 1, 0, ZERO_STATS),
	                 COFFER_DONE);
	/* An equipment drop for a character with no EQUIP compartment. */
	assert_int_equal(send_reserved(NULL, TR, DROP_ID + 1, CHR, 1302000, 5021, 1, 0, SWORD_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 3);
	assert_ev(0, DCMD, DROP_ID, NULL, answer("CANCEL_RESERVATION", TR, DROP_ID, 4242));
	assert_ev(1, DCMD, DROP_ID, FH_TENANT2, answer("CANCEL_RESERVATION", TR, DROP_ID, CHR));
	assert_ev(2, DCMD, DROP_ID + 1, NULL, answer("CANCEL_RESERVATION", TR, DROP_ID + 1, CHR));
	assert_int_equal(assets_digest(), before);
	assert_int_equal(markers(), 0);
}

static void test_pick_up_of_a_wrong_item_type_cancels(void **state)
{
	(void)state;
	char use[37], eq[37];
	compartment(CHR, 2, 24, use);
	compartment(CHR, 1, 24, eq);
	int64_t before = assets_digest();

	/* equipmentId on a USE item, and an item id of no inventory type (OP-6). */
	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 2000000, 77, 1, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(send_reserved(NULL, TR, DROP_ID + 1, CHR, 9000000, 0, 1, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	assert_ev(0, DCMD, DROP_ID, NULL, answer("CANCEL_RESERVATION", TR, DROP_ID, CHR));
	assert_ev(1, DCMD, DROP_ID + 1, NULL, answer("CANCEL_RESERVATION", TR, DROP_ID + 1, CHR));
	assert_int_equal(assets_digest(), before);
	assert_int_equal(markers(), 0);
}

static void test_pick_up_of_equipment_without_statistics_uses_the_template(void **state)
{
	(void)state;
	char eq[37];
	compartment(CHR, 1, 24, eq);
	assert_int_equal(fh_exec("INSERT INTO item_templates (tenant_id, template_id, inc_str, "
	                         "inc_pad, upgrade_slots) VALUES (?, 1302000, 3, 17, 7)",
	                         COFFER_ARGS(COFFER_S(FH_TENANT))),
	                 0);

	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 1302000, 5021, 1, 0, NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	int64_t n = fh_scalar("SELECT id FROM assets WHERE compartment_id = ? AND slot = 1",
	                      COFFER_ARGS(COFFER_S(eq)), 0);
	assert_true(n > 0);
	assert_int_equal(col("strength", (uint32_t)n), 3);
	assert_int_equal(col("weapon_attack", (uint32_t)n), 17);
	assert_int_equal(col("upgrade_slots", (uint32_t)n), 7);
	assert_ev(1, DCMD, DROP_ID, NULL, answer("REQUEST_PICK_UP", TR, DROP_ID, CHR));

	/* Statistics keys present with 0 are statistics of 0, not "none" (kafka-contract.md#equipment-pick-up step 4). */
	assert_int_equal(send_reserved(NULL, TR, DROP_ID + 1, CHR, 1302000, 5022, 1, 0, "\"slots\":0"),
	                 COFFER_DONE);
	int64_t m = fh_scalar("SELECT id FROM assets WHERE compartment_id = ? AND slot = 2",
	                      COFFER_ARGS(COFFER_S(eq)), 0);
	assert_true(m > 0);
	assert_int_equal(col("strength", (uint32_t)m), 0);
	assert_int_equal(col("upgrade_slots", (uint32_t)m), 0);

	/* No statistics and no template row: nothing to build it from. */
	assert_int_equal(send_reserved(NULL, TR, DROP_ID + 2, CHR, 1302001, 5023, 1, 0, NULL),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 5);
	assert_ev(4, DCMD, DROP_ID + 2, NULL, answer("CANCEL_RESERVATION", TR, DROP_ID + 2, CHR));
	assert_int_equal(count_assets(eq), 2);
}

static void test_pick_up_ignores_meso_drops(void **state)
{
	(void)state;
	char etc[37];
	compartment(CHR, 4, 24, etc);
	int64_t before = assets_digest();

	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 0, 0, 0, 250, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(assets_digest(), before);
	assert_int_equal(markers(), 0);
}

static void test_pick_up_with_a_nil_transaction_id_uses_one_new_id_throughout(void **state)
{
	(void)state;
	char etc[37];
	compartment(CHR, 4, 24, etc);
	asset(etc, 1, 4000000, "etc", 1);

	assert_int_equal(send_reserved(NULL, NULL, DROP_ID, CHR, 4000000, 0, 2, 0, ZERO_STATS),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	const char *t0 = json_string_value(json_object_get(fh_event(0)->value, "transactionId"));
	const char *t1 = json_string_value(json_object_get(fh_event(1)->value, "transactionId"));
	assert_non_null(t0);
	assert_non_null(t1);
	assert_int_equal(strlen(t0), 36);
	assert_string_not_equal(t0, NIL);
	assert_string_equal(t0, t1);
	assert_ev(1, DCMD, DROP_ID, NULL, answer("REQUEST_PICK_UP", t1, DROP_ID, CHR));
}

static void test_pick_up_rejects_what_nobody_could_be_answered_about(void **state)
{
	(void)state;
	char etc[37];
	compartment(CHR, 4, 24, etc);
	int64_t before = assets_digest();

	assert_int_equal(send_reserved(NULL, TR, DROP_ID, 0, 4000000, 0, 1, 0, ZERO_STATS),
	                 COFFER_REJECT);
	assert_int_equal(send_reserved(NULL, TR, 0, CHR, 4000000, 0, 1, 0, ZERO_STATS),
	                 COFFER_REJECT);
	assert_int_equal(send_reserved(NULL, TR, DROP_ID, CHR, 4000000, 0, 1, 0, "\"slots\":70000"),
	                 COFFER_REJECT);
	assert_int_equal(fh_send(DEVT,
	                         "{\"transactionId\":\"" TR "\",\"dropId\":7781,\"type\":\"RESERVED\","
	                         "\"body\":{\"characterId\":1001,\"itemId\":\"4000000\"}}",
	                         NULL),
	                 COFFER_REJECT);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(assets_digest(), before);
	assert_int_equal(markers(), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, clean)
	const struct CMUnitTest tests[] = {
		T(test_drop_of_part_of_a_stack_reduces_it_and_spawns_the_dropped_quantity),
		T(test_drop_of_a_whole_stack_deletes_it),
		T(test_drop_examples_a_and_b_run_end_to_end_with_statistics_preserved),
		T(test_drop_respects_quantities_reserved_for_pending_trades),
		T(test_drop_ignores_expired_reservations),
		T(test_drop_fails_without_event_on_empty_slot_unknown_compartment_or_too_many),
		T(test_drop_rejects_bad_input),
		T(test_drop_for_a_tenant_without_drops_answers_feature_disabled),
		T(test_drop_follows_the_drop_switch_not_the_compartment_switch),
		T(test_pick_up_stacks_onto_the_first_stack_with_room),
		T(test_pick_up_overflow_fills_the_stack_and_puts_the_rest_in_the_next_free_slot),
		T(test_pick_up_without_a_stack_creates_one_in_the_lowest_free_slot),
		T(test_pick_up_on_a_full_inventory_cancels_and_changes_nothing),
		T(test_pick_up_repeated_reserved_credits_once),
		T(test_pick_up_after_a_cancel_can_credit_the_drop_later),
		T(test_pick_up_for_an_unknown_character_cancels),
		T(test_pick_up_of_a_wrong_item_type_cancels),
		T(test_pick_up_of_equipment_without_statistics_uses_the_template),
		T(test_pick_up_ignores_meso_drops),
		T(test_pick_up_with_a_nil_transaction_id_uses_one_new_id_throughout),
		T(test_pick_up_rejects_what_nobody_could_be_answered_about),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
