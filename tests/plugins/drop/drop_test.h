/* SPDX-License-Identifier: MIT */
/* tests/plugins/drop/drop_test.h: helpers shared by the drop plugin's fake-host tests.
 *
 * Commands are written as JSON text in the contract's envelope; events are compared
 * as their compact text (jansson keeps the emitted field order), together with
 * their key and tenant headers. Each test starts from empty drop tables, no
 * recorded events and the clock at T0. */
#ifndef DROP_TEST_H
#define DROP_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"

#define T0 1740830400000000LL /* 2025-03-01T12:00:00Z, the fake host's default clock */
#define SEC 1000000LL
#define CMD "COMMAND_TOPIC_DROP"
#define EVT "EVENT_TOPIC_DROP_STATUS"
#define MAP 100000000u
#define TXN_A "3b2f8e10-7c4d-4a2b-b1e3-5d6c7b8a9f00"
#define TXN_B "9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
#define TXN_C "aa11bb22-cc33-4d44-8e55-ff6677889900"
#define NIL "00000000-0000-0000-0000-000000000000"
#define ID1 1000000001u
#define ID2 1000000002u
#define ZERO_STATS                                                                    \
	"\"strength\":0,\"dexterity\":0,\"intelligence\":0,\"luck\":0,\"hp\":0,\"mp\":0," \
	"\"weaponAttack\":0,\"magicAttack\":0,\"weaponDefense\":0,\"magicDefense\":0,"    \
	"\"accuracy\":0,\"avoidability\":0,\"hands\":0,\"speed\":0,\"jump\":0,\"slots\":0"

static inline int dt_setup(void **state)
{
	(void)state;
	return fh_setup((const char *[]){"asset", "drop", NULL});
}

static inline int dt_teardown(void **state)
{
	(void)state;
	fh_teardown();
	return 0;
}

/* Per test: empty tables, no events, the clock at T0, every tenant on. */
static inline int dt_clean(void **state)
{
	(void)state;
	fh_clear();
	fh_set_now(T0);
	fh_set_enabled("drop", FH_TENANT, true);
	fh_set_enabled("drop", FH_TENANT2, true);
	if (fh_exec("DELETE FROM drop_drops", NULL, 0) != 0 ||
	    fh_exec("DELETE FROM drop_id_sequence", NULL, 0) != 0 ||
	    fh_exec("DELETE FROM drop_pickups", NULL, 0) != 0)
		return -1;
	return 0;
}

/* Send a command of @p type at (0, 1, @p map) with @p body (JSON object text);
 * @p txn NULL leaves the transactionId out. */
static inline int dt_send_at(const char *tenant, const char *type, const char *txn, uint8_t world,
                             uint8_t channel, uint32_t map, const char *body)
{
	char buf[4096];
	char txnpart[80] = "";
	if (txn)
		snprintf(txnpart, sizeof txnpart, "\"transactionId\":\"%s\",", txn);
	snprintf(buf, sizeof buf, "{%s\"worldId\":%u,\"channelId\":%u,\"mapId\":%u,\"type\":\"%s\",\"body\":%s}",
	         txnpart, world, channel, map, type, body);
	return fh_send(CMD, buf, tenant);
}

static inline int dt_send(const char *type, const char *txn, const char *body)
{
	return dt_send_at(NULL, type, txn, 0, 1, MAP, body);
}

/* SPAWN of an item stack with an owner, as scenario 1. */
static inline int dt_spawn_item(const char *txn, uint32_t item, uint32_t qty, uint32_t owner)
{
	char body[512];
	snprintf(body, sizeof body,
	         "{\"itemId\":%u,\"quantity\":%u,\"mesos\":0,\"dropType\":0,\"x\":10,\"y\":20,"
	         "\"ownerId\":%u,\"ownerPartyId\":0,\"dropperId\":3000042,\"dropperX\":5,"
	         "\"dropperY\":6,\"playerDrop\":false,\"mod\":0}",
	         item, qty, owner);
	return dt_send("SPAWN", txn, body);
}

static inline int dt_reserve(const char *txn, uint32_t drop, uint32_t character, int pet_slot)
{
	char body[256];
	snprintf(body, sizeof body,
	         "{\"dropId\":%u,\"characterId\":%u,\"partyId\":0,\"characterX\":0,\"characterY\":0,"
	         "\"petSlot\":%d}",
	         drop, character, pet_slot);
	return dt_send("REQUEST_RESERVATION", txn, body);
}

static inline int dt_target(const char *type, const char *txn, uint32_t drop, uint32_t character)
{
	char body[128];
	snprintf(body, sizeof body, "{\"dropId\":%u,\"characterId\":%u}", drop, character);
	return dt_send(type, txn, body);
}

/* Compact text of a recorded event (static buffer). */
static inline const char *dt_text(const struct fh_event *e)
{
	static char buf[4096];
	char *s = json_dumps(e->value, JSON_COMPACT | JSON_PRESERVE_ORDER);
	snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
	free(s);
	return buf;
}

/* Event @p i: on the status topic, keyed @p key, of @p tenant (GMS 83.1), with
 * exactly the text @p json. */
static inline void dt_assert_event(size_t i, uint32_t key, const char *tenant, const char *json)
{
	const struct fh_event *e = fh_event(i);
	assert_non_null(e);
	assert_string_equal(e->topic_var, EVT);
	assert_int_equal(e->key, key);
	assert_string_equal(e->tenant.id, tenant ? tenant : FH_TENANT);
	assert_string_equal(dt_text(e), json);
}

/* The type field of event @p i. */
static inline const char *dt_type(size_t i)
{
	const struct fh_event *e = fh_event(i);
	return e ? json_string_value(json_object_get(e->value, "type")) : "(none)";
}

/* An integer field of event @p i's body. */
static inline int64_t dt_body_int(size_t i, const char *name)
{
	const struct fh_event *e = fh_event(i);
	assert_non_null(e);
	json_t *v = json_object_get(json_object_get(e->value, "body"), name);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static inline const char *dt_str(size_t i, const char *name)
{
	const struct fh_event *e = fh_event(i);
	assert_non_null(e);
	const char *s = json_string_value(json_object_get(e->value, name));
	assert_non_null(s);
	return s;
}

/* Number of drops of @p tenant (NULL: FH_TENANT). */
static inline int64_t dt_drops(const char *tenant)
{
	return fh_scalar("SELECT COUNT(*) FROM drop_drops WHERE tenant_id = ?",
	                 COFFER_ARGS(COFFER_S(tenant ? tenant : FH_TENANT)), -1);
}

/* An integer column of the drop (FH_TENANT, @p id); -99 when absent. */
static inline int64_t dt_col(const char *expr, uint32_t id)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT %s FROM drop_drops WHERE tenant_id = ? AND id = ?", expr);
	return fh_scalar(sql, COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(id)), -99);
}

static inline int64_t dt_last_id(const char *tenant)
{
	return fh_scalar("SELECT last_id FROM drop_id_sequence WHERE tenant_id = ?",
	                 COFFER_ARGS(COFFER_S(tenant ? tenant : FH_TENANT)), -1);
}

#endif
