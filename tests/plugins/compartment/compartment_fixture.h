/* SPDX-License-Identifier: MIT */
/* tests/plugins/compartment/compartment_fixture.h: fixtures and event assertions shared by the
 * compartment handler tests (fake host with the asset and compartment plugins loaded). */
#ifndef COMPARTMENT_FIXTURE_H
#define COMPARTMENT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coffer/svc/asset.h>

#include "fake_host.h"

#define CF_CMD "COMMAND_TOPIC_COMPARTMENT"
#define CF_CHR "EVENT_TOPIC_CHARACTER_STATUS"
#define CF_ASSET "EVENT_TOPIC_ASSET_STATUS"
#define CF_COMP "EVENT_TOPIC_COMPARTMENT_STATUS"
#define CF_INV "EVENT_TOPIC_INVENTORY_STATUS"
/* The transaction id every command of cf_cmd carries. */
#define CF_TX "6c1e2f0a-3a51-4e39-9a43-2f4f6a1b9d01"
#define CF_NIL "00000000-0000-0000-0000-000000000000"
/* cf_slot / cf_qty of an asset that does not exist. */
#define CF_GONE (-99999)

/* A character's inventory made by character CREATED. */
struct cf_inv {
	const char *tenant;
	uint32_t character;
	char comp[6][37]; /* compartment id by inventory type 1..5 */
};

/* fh_setup with asset + compartment, and the item templates of the tests for both tenants. */
int cf_setup(void **state);
int cf_teardown(void **state);
/* Per test: events cleared, compartment on for both tenants. */
int cf_reset(void **state);

/* A character id no earlier test used. */
uint32_t cf_next_character(void);
/* character CREATED for @p tenant (DONE asserted), compartment ids kept, events cleared. */
void cf_inventory(const char *tenant, uint32_t character, struct cf_inv *out);
/* Insert an asset row of the kind its template makes (kafka-contract.md#asset-kinds) into compartment @p type; returns
 * its id. */
uint32_t cf_put(const struct cf_inv *inv, uint8_t type, int16_t slot, uint32_t template_id,
                uint32_t quantity);
uint32_t cf_put_rechargeable(const struct cf_inv *inv, uint8_t type, int16_t slot,
                             uint32_t template_id, uint32_t quantity, uint64_t rechargeable);
/* Fill every empty bag slot of compartment @p type from @p from to @p to with etc items. */
void cf_fill(const struct cf_inv *inv, uint8_t type, int16_t from, int16_t to);

/* Send a printf-built message; the fake host's outcome. */
int cf_send(const char *topic, const char *tenant, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A COMMAND_TOPIC_COMPARTMENT command with transactionId CF_TX for @p inv's character. */
int cf_cmd(const struct cf_inv *inv, int inventory_type, const char *type, const char *body);

int64_t cf_slot(const char *tenant, uint32_t asset);
int64_t cf_qty(const char *tenant, uint32_t asset);
int64_t cf_capacity(const struct cf_inv *inv, uint8_t type);
int64_t cf_count_assets(const struct cf_inv *inv);
/* A fingerprint of every compartment and asset row of @p tenant. */
int64_t cf_state(const char *tenant);

/* Event @p i exactly: topic, key, tenant and the compact JSON text (field order included). */
void cf_expect_event(size_t i, const char *topic, uint32_t key, const char *tenant,
                     const char *json);
/* Asset events of a command of cf_cmd (transactionId CF_TX), exact text. */
void cf_expect_moved(const struct cf_inv *inv, size_t i, uint8_t type, uint32_t asset,
                     uint32_t template_id, int16_t slot, int16_t old_slot);
void cf_expect_quantity(const struct cf_inv *inv, size_t i, uint8_t type, uint32_t asset,
                        uint32_t template_id, int16_t slot, uint32_t quantity);
void cf_expect_deleted(const struct cf_inv *inv, size_t i, uint8_t type, uint32_t asset,
                       uint32_t template_id, int16_t slot);
/* A compartment event of a command of cf_cmd with the body text @p body. */
void cf_expect_compartment(const struct cf_inv *inv, size_t i, uint8_t type, const char *name,
                           const char *body);

#endif
