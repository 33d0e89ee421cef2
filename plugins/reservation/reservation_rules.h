/* SPDX-License-Identifier: MIT */
/* plugins/reservation/reservation_rules.h: the reservation plugin's pure rules (no host, no SQL,
 * no service calls), linked alone into tests/plugins/reservation/test_reservation_rules. */
#ifndef COFFER_PLUGIN_RESERVATION_RULES_H
#define COFFER_PLUGIN_RESERVATION_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Settings (plugins/reservation/README.md) with their defaults and bounds. */
#define RSV_DEF_SWEEP_INTERVAL_MS 1000
#define RSV_MAX_SWEEP_INTERVAL_MS 3600000
#define RSV_DEF_SWEEP_BATCH 200
#define RSV_MAX_SWEEP_BATCH 10000

/* One asset of the locked compartment as REQUEST_RESERVE sees it. */
struct rsv_stock {
	int16_t slot;
	uint32_t asset_id;
	uint32_t template_id;
	uint32_t qty;          /* qty(): stored quantity, 1 for non-stackables (kafka-contract.md#asset-kinds) */
	uint64_t reserved;     /* sum of its active reservations (kafka-contract.md#reservations), every transaction */
	uint64_t planned;      /* running amount of this request (kafka-contract.md#request_reserve step 2); plan sets it */
	bool used;             /* an item of the request names it */
};

/* One entry of REQUEST_RESERVE's items, decoded. */
struct rsv_item {
	int16_t source;
	uint32_t item_id;
	int16_t quantity;      /* int16 on the wire; negative decodes but fails the plan */
	size_t stock;          /* index into the stock array, set by reservation_rules_resolve */
	bool found;            /* an asset is at source */
};

/* Why a request cannot be reserved (kafka-contract.md#request_reserve step 2), per item in list order. */
enum rsv_verdict {
	RSV_OK = 0,
	RSV_NO_ASSET,          /* no asset at source */
	RSV_WRONG_ITEM,        /* the asset's template is not itemId */
	RSV_NEGATIVE,          /* quantity < 0 */
	RSV_NOT_ENOUGH,        /* available minus planned is less than quantity */
};

/* A short text for logs ("no asset", ...). */
const char *reservation_rules_verdict_name(enum rsv_verdict v);

/* Sort @p stock by ascending slot (the lookups below search it). */
void reservation_rules_sort(struct rsv_stock *stock, size_t n);

/* Find each item's asset by slot in the sorted @p stock: sets items[i].found and .stock and
 * marks the named stocks used (their reserved quantity must be read before planning). */
void reservation_rules_resolve(struct rsv_stock *stock, size_t nstock, struct rsv_item *items,
                               size_t nitems);

/* kafka-contract.md#request_reserve step 2: validate every item in list order against its asset, keeping a running planned
 * amount per asset (OP-34: one slot may appear several times). Returns RSV_OK when every item
 * can be reserved, else the first failure and its index in @p bad. Nothing is reserved on a
 * failure; stock[].planned holds the amounts of the request when RSV_OK. */
enum rsv_verdict reservation_rules_plan(struct rsv_stock *stock, size_t nstock,
                                        const struct rsv_item *items, size_t nitems, size_t *bad);

/* kafka-contract.md#consume step 4 (OP-10): after consuming @p reserved of an asset with quantity @p qty, whether the
 * asset is deleted (not stackable, or nothing left); otherwise *left is its new quantity. */
bool reservation_rules_consume(bool stackable, uint32_t qty, uint32_t reserved, uint32_t *left);

/* The sweep interval from the setting: @p ms below 1 gives the default, above the bound the
 * bound. */
unsigned reservation_rules_interval(int64_t ms);
/* The sweep batch size from the setting, the same way. */
unsigned reservation_rules_batch(int64_t n);

#endif
