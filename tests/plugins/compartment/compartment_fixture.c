/* SPDX-License-Identifier: MIT */
/* tests/plugins/compartment/compartment_fixture.c: fixtures of the compartment handler tests:
 * the item templates, inventories made through character CREATED, asset rows inserted directly,
 * state fingerprints, and exact event assertions (compact JSON text in the contract's field order). */
#include "compartment_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The templates the tests wear, stack and sort (kafka-contract.md#equip-positions, kafka-contract.md#item-templates). */
static const struct {
	uint32_t id;
	uint32_t slot_max;
	int is_cash, rechargeable;
	const char *name;  /* equip_slot_name, NULL = none */
	const char *slots; /* equip_slots, NULL = none */
} templates[] = {
	{1050000, 0, 0, 0, "OVERALL", "-5"},
	{1040002, 0, 0, 0, "TOP", "-5"},
	{1060002, 0, 0, 0, "PANTS", "-6"},
	{1302000, 0, 0, 0, "WEAPON", "-11"},
	{1302001, 0, 0, 0, "WEAPON", "-11"},
	{1112000, 0, 0, 0, "RING", "-12,-13,-15,-16"},
	{1002140, 0, 1, 0, "HAT", "-1"},
	{1050100, 0, 1, 0, "OVERALL", "-5"},
	{1060100, 0, 1, 0, "PANTS", "-6"},
	{1802000, 0, 1, 0, NULL, NULL}, /* cash pet equipment: no islot (PET_EQUIP) */
	{2000001, 100, 0, 0, NULL, NULL},
	{2000002, 10, 0, 0, NULL, NULL},
	{2070000, 100, 0, 1, NULL, NULL},
	/* 2000000, 4000000 and 4000001 have no row: slot max 100 by default (OP-21). */
};

static void cf_templates(const char *tenant)
{
	for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++) {
		int rc = fh_exec("INSERT INTO item_templates (tenant_id, template_id, slot_max, is_cash, "
		                 "rechargeable, equip_slot_name, equip_slots) VALUES (?, ?, ?, ?, ?, ?, ?)",
		                 COFFER_ARGS(COFFER_S(tenant), COFFER_U(templates[i].id),
		                             COFFER_U(templates[i].slot_max), COFFER_I(templates[i].is_cash),
		                             COFFER_I(templates[i].rechargeable),
		                             templates[i].name ? COFFER_S(templates[i].name) : COFFER_NULLV,
		                             templates[i].slots ? COFFER_S(templates[i].slots)
		                                                : COFFER_NULLV));
		assert_int_equal(rc, 0);
	}
}

int cf_setup(void **state)
{
	(void)state;
	if (fh_setup((const char *[]){"asset", "compartment", NULL}) != 0)
		return -1;
	cf_templates(FH_TENANT);
	cf_templates(FH_TENANT2);
	return 0;
}

int cf_teardown(void **state)
{
	(void)state;
	fh_teardown();
	return 0;
}

int cf_reset(void **state)
{
	(void)state;
	fh_clear();
	fh_set_enabled("compartment", FH_TENANT, true);
	fh_set_enabled("compartment", FH_TENANT2, true);
	return 0;
}

uint32_t cf_next_character(void)
{
	static uint32_t next = 1000;
	return ++next;
}

int cf_send(const char *topic, const char *tenant, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return fh_send(topic, buf, tenant);
}

int cf_cmd(const struct cf_inv *inv, int inventory_type, const char *type, const char *body)
{
	return cf_send(CF_CMD, inv->tenant,
	               "{\"transactionId\":\"" CF_TX "\",\"characterId\":%u,\"inventoryType\":%d,"
	               "\"type\":\"%s\",\"body\":%s}",
	               inv->character, inventory_type, type, body);
}

void cf_inventory(const char *tenant, uint32_t character, struct cf_inv *out)
{
	memset(out, 0, sizeof *out);
	out->tenant = tenant;
	out->character = character;
	fh_clear();
	assert_int_equal(cf_send(CF_CHR, tenant,
	                         "{\"characterId\":%u,\"type\":\"CREATED\",\"worldId\":0,"
	                         "\"body\":{\"name\":\"Alice\"}}",
	                         character),
	                 COFFER_DONE);
	for (size_t i = 0; i < 5; i++) {
		const struct fh_event *e = fh_find(CF_COMP, "CREATED", i);
		assert_non_null(e);
		json_t *body = json_object_get(e->value, "body");
		int type = (int)json_integer_value(json_object_get(body, "type"));
		assert_in_range(type, 1, 5);
		snprintf(out->comp[type], 37, "%s",
		         json_string_value(json_object_get(e->value, "compartmentId")));
	}
	fh_clear();
}

static const char *kind_of(uint32_t template_id)
{
	switch (template_id / 1000000u) {
	case 1: return "equipable";
	case 2: return "consumable";
	case 3: return "setup";
	case 4: return "etc";
	default: return template_id / 10000u == 500 ? "pet" : "cash";
	}
}

uint32_t cf_put_rechargeable(const struct cf_inv *inv, uint8_t type, int16_t slot,
                             uint32_t template_id, uint32_t quantity, uint64_t rechargeable)
{
	int rc = fh_exec("INSERT INTO assets (tenant_id, compartment_id, slot, template_id, kind, "
	                 "reference_id, quantity, rechargeable, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, "
	                 "?, ?)",
	                 COFFER_ARGS(COFFER_S(inv->tenant), COFFER_S(inv->comp[type]), COFFER_I(slot),
	                             COFFER_U(template_id), COFFER_S(kind_of(template_id)),
	                             COFFER_U(quantity), COFFER_U(rechargeable), COFFER_T(fh_now())));
	assert_int_equal(rc, 0);
	int64_t id = fh_scalar("SELECT id FROM assets WHERE tenant_id = ? AND compartment_id = ? AND "
	                       "slot = ?",
	                       COFFER_ARGS(COFFER_S(inv->tenant), COFFER_S(inv->comp[type]),
	                                   COFFER_I(slot)),
	                       -1);
	assert_true(id > 0);
	rc = fh_exec("UPDATE assets SET reference_id = id WHERE tenant_id = ? AND id = ?",
	             COFFER_ARGS(COFFER_S(inv->tenant), COFFER_U(id)));
	assert_int_equal(rc, 0);
	return (uint32_t)id;
}

uint32_t cf_put(const struct cf_inv *inv, uint8_t type, int16_t slot, uint32_t template_id,
                uint32_t quantity)
{
	return cf_put_rechargeable(inv, type, slot, template_id, quantity, 0);
}

void cf_fill(const struct cf_inv *inv, uint8_t type, int16_t from, int16_t to)
{
	for (int16_t s = from; s <= to; s++)
		cf_put(inv, type, s, 4000001, 1);
}

int64_t cf_slot(const char *tenant, uint32_t asset)
{
	return fh_scalar("SELECT slot FROM assets WHERE tenant_id = ? AND id = ?",
	                 COFFER_ARGS(COFFER_S(tenant), COFFER_U(asset)), CF_GONE);
}

int64_t cf_qty(const char *tenant, uint32_t asset)
{
	return fh_scalar("SELECT quantity FROM assets WHERE tenant_id = ? AND id = ?",
	                 COFFER_ARGS(COFFER_S(tenant), COFFER_U(asset)), CF_GONE);
}

int64_t cf_capacity(const struct cf_inv *inv, uint8_t type)
{
	return fh_scalar("SELECT capacity FROM compartments WHERE tenant_id = ? AND character_id = ? "
	                 "AND inventory_type = ?",
	                 COFFER_ARGS(COFFER_S(inv->tenant), COFFER_U(inv->character), COFFER_U(type)),
	                 -1);
}

int64_t cf_count_assets(const struct cf_inv *inv)
{
	return fh_scalar("SELECT COUNT(*) FROM assets a JOIN compartments c ON c.tenant_id = "
	                 "a.tenant_id AND c.id = a.compartment_id WHERE a.tenant_id = ? AND "
	                 "c.character_id = ?",
	                 COFFER_ARGS(COFFER_S(inv->tenant), COFFER_U(inv->character)), -1);
}

int64_t cf_state(const char *tenant)
{
	return fh_scalar(
		"SELECT CRC32(CONCAT(COALESCE((SELECT GROUP_CONCAT(CONCAT_WS(':', id, compartment_id, "
		"slot, template_id, quantity) ORDER BY id) FROM assets WHERE tenant_id = ?), ''), '|', "
		"COALESCE((SELECT GROUP_CONCAT(CONCAT_WS(':', id, character_id, inventory_type, capacity) "
		"ORDER BY id) FROM compartments WHERE tenant_id = ?), '')))",
		COFFER_ARGS(COFFER_S(tenant), COFFER_S(tenant)), -1);
}

void cf_expect_event(size_t i, const char *topic, uint32_t key, const char *tenant,
                     const char *json)
{
	const struct fh_event *e = fh_event(i);
	if (e == NULL)
		fh_dump();
	assert_non_null(e);
	assert_string_equal(e->topic_var, topic);
	assert_int_equal(e->key, key);
	assert_string_equal(e->tenant.id, tenant);
	char *text = json_dumps(e->value, JSON_COMPACT);
	if (strcmp(text, json) != 0)
		fh_dump();
	assert_string_equal(text, json);
	free(text);
}

static void expect_asset(const struct cf_inv *inv, size_t i, uint8_t type, uint32_t asset,
                         uint32_t template_id, int16_t slot, const char *name, const char *body)
{
	char want[1024];
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"" CF_TX "\",\"characterId\":%u,\"compartmentId\":\"%s\","
	         "\"assetId\":%u,\"templateId\":%u,\"slot\":%d,\"type\":\"%s\",\"body\":%s}",
	         inv->character, inv->comp[type], asset, template_id, slot, name, body);
	cf_expect_event(i, CF_ASSET, inv->character, inv->tenant, want);
}

void cf_expect_moved(const struct cf_inv *inv, size_t i, uint8_t type, uint32_t asset,
                     uint32_t template_id, int16_t slot, int16_t old_slot)
{
	char body[64];
	snprintf(body, sizeof body, "{\"oldSlot\":%d}", old_slot);
	expect_asset(inv, i, type, asset, template_id, slot, "MOVED", body);
}

void cf_expect_quantity(const struct cf_inv *inv, size_t i, uint8_t type, uint32_t asset,
                        uint32_t template_id, int16_t slot, uint32_t quantity)
{
	char body[64];
	snprintf(body, sizeof body, "{\"quantity\":%u}", quantity);
	expect_asset(inv, i, type, asset, template_id, slot, "QUANTITY_CHANGED", body);
}

void cf_expect_deleted(const struct cf_inv *inv, size_t i, uint8_t type, uint32_t asset,
                       uint32_t template_id, int16_t slot)
{
	expect_asset(inv, i, type, asset, template_id, slot, "DELETED", "{}");
}

void cf_expect_compartment(const struct cf_inv *inv, size_t i, uint8_t type, const char *name,
                           const char *body)
{
	char want[1024];
	snprintf(want, sizeof want,
	         "{\"transactionId\":\"" CF_TX "\",\"characterId\":%u,\"compartmentId\":\"%s\","
	         "\"type\":\"%s\",\"body\":%s}",
	         inv->character, inv->comp[type], name, body);
	cf_expect_event(i, CF_COMP, inv->character, inv->tenant, want);
}
