/* SPDX-License-Identifier: MIT */
/* plugins/drop/drop.h: declarations shared by the drop plugin's own files.
 *
 * Nothing here is exported: the plugin is built with -fvisibility=hidden and
 * exports only coffer_plugin_entry. The rules (drop_rules.c) and the event
 * builders (drop_events.c) make no host calls, so the unit tests link them alone. */
#ifndef COFFER_PLUGIN_DROP_H
#define COFFER_PLUGIN_DROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include <coffer/plugin.h>
#include <coffer/svc/asset.h>
#include <coffer/svc/drop.h>

/* ------------------------------------------------------------------ constants */

#define DROP_COMMAND_TOPIC "COMMAND_TOPIC_DROP"
#define DROP_EVENT_TOPIC "EVENT_TOPIC_DROP_STATUS"
#define DROP_TASK_EXPIRE "drop_expiration_task"
/* The inventory half (drop_inventory.c) consumes COMMAND_TOPIC_COMPARTMENT DROP and
 * EVENT_TOPIC_DROP_STATUS RESERVED, and produces on DROP_COMMAND_TOPIC. */
#define DROP_COMPARTMENT_TOPIC COFFER_TOPIC_COMPARTMENT_COMMAND

/* Drop ids of a tenant (kafka-contract.md#drop-ids). */
#define DROP_ID_MIN 1000000001u
#define DROP_ID_MAX 2000000000u
#define DROP_ID_COUNT (DROP_ID_MAX - DROP_ID_MIN + 1u)
/* drop_id_sequence.last_id of a tenant that never spawned. */
#define DROP_ID_SEQ_START 1000000000u

/* Characters of drop_drops.tenant_region (kafka-contract.md#drop-tables). */
#define DROP_REGION_MAX 32

/* Number of inline equipment statistics (kafka-contract.md#inline-equipment-statistics). */
#define DROP_NSTATS 16

/* Settings of kafka-contract.md#drop-settings with their defaults. */
#define DROP_DEF_INTERVAL_MS 10000
#define DROP_DEF_DURATION_MS 180000
#define DROP_DEF_GRACE_MS 60000
#define DROP_DEF_WINDOW_MS 15000
#define DROP_DEF_BATCH 500
#define DROP_DEF_RETENTION_MS 86400000
/* Upper bound of sweep_batch: the candidate array of one batch lives in memory. */
#define DROP_MAX_BATCH 10000
/* Batches one tick of the sweep works through before leaving the rest to the next tick. */
#define DROP_SWEEP_TICK_BATCHES 4

/* ------------------------------------------------------------------ data */

/* kafka-contract.md#drop-envelopes location: a drop is addressed by (worldId, channelId, mapId). */
struct drop_loc {
	uint8_t world;
	uint8_t channel;
	uint32_t map;
};

enum drop_status {
	DROP_AVAILABLE = 0,
	DROP_RESERVED = 1,
};

/* What a drop is, by item id and meso (kafka-contract.md#drop-kinds). */
enum drop_kind {
	DROP_KIND_INVALID = 0,
	DROP_KIND_MESO,
	DROP_KIND_EQUIPMENT,
	DROP_KIND_ITEM,
};

/* One row of drop_drops (kafka-contract.md#the-drop-record, kafka-contract.md#drop-tables). */
struct drop_row {
	struct coffer_tenant tenant;
	uint32_t id;
	char txn_id[37];
	struct drop_loc loc;
	uint32_t item_id;
	uint32_t equipment_id;
	uint32_t quantity;
	uint32_t meso;
	uint8_t drop_type;
	int16_t x, y;
	uint32_t owner_id;
	uint32_t owner_party_id;
	int64_t drop_time_us;
	uint32_t dropper_id;
	int16_t dropper_x, dropper_y;
	bool player_drop;
	enum drop_status status;
	uint32_t reserved_by;
	bool has_reserved_at;
	int64_t reserved_at_us;
	int8_t pet_slot;
	uint16_t stats[DROP_NSTATS];
};

/* The plugin's settings (kafka-contract.md#drop-settings), times in microseconds. */
struct drop_cfg {
	int64_t interval_ms;
	int64_t duration_us;
	int64_t grace_us;
	int64_t window_us;
	int64_t retention_us;
	unsigned batch;
	bool expire_all_on_shutdown;
};

/* Raw values as read from the host (milliseconds), before drop_cfg_sanitise. */
struct drop_cfg_raw {
	int64_t interval_ms, duration_ms, grace_ms, window_ms, retention_ms, batch;
	bool expire_all_on_shutdown;
};

/* ------------------------------------------------------------------ rules (drop_rules.c) */

/* JSON and column names of the 16 statistics, in wire order. */
extern const char *const drop_stat_json[DROP_NSTATS];

/* floor(itemId / 1000000) when it is 1..5 (equip, use, setup, etc, cash), else 0. */
unsigned drop_inventory_type(uint32_t item_id);

/* The kind of a spawn body (before normalisation); DROP_KIND_INVALID with a
 * reason when kafka-contract.md#spawn says discard. Checks meso/item exclusivity and the item's
 * inventory type; the quantity rule is drop_spawn_normalise's. */
enum drop_kind drop_kind_of(uint32_t item_id, uint32_t meso, const char **why);

/* Validate and normalise a decoded spawn (kafka-contract.md#spawn step 1) in @p r: item, meso,
 * quantity, stats, equipment_id (body value, already 0 for SPAWN). Returns the
 * kind, or DROP_KIND_INVALID with @p why set (discard). */
enum drop_kind drop_spawn_normalise(struct drop_row *r, const char **why);

/* Whether a REGION header value fits drop_drops.tenant_region: valid UTF-8 of at
 * most DROP_REGION_MAX characters. A spawn whose region does not is discarded
 * (the insert could never succeed, so retrying would never end). */
bool drop_region_fits(const char *region);

/* The equipmentId stored for a new drop of @p kind with id @p drop_id (kafka-contract.md#equipmentid):
 * @p body_value for an equipment SPAWN_FROM_CHARACTER when non-zero, the drop id
 * for other equipment drops, 0 for everything else. */
uint32_t drop_equipment_id(enum drop_kind kind, bool from_character, uint32_t body_value,
                           uint32_t drop_id);

/* Whether an equipment drop carries nothing but zero statistics (DP-21). */
bool drop_stats_all_zero(const uint16_t stats[DROP_NSTATS]);

/* kafka-contract.md#ownership: may character @p character of party @p party reserve an AVAILABLE drop now? */
bool drop_may_reserve(const struct drop_row *r, uint32_t character, uint32_t party,
                      int64_t now_us, int64_t window_us);

bool drop_loc_eq(const struct drop_loc *a, const struct drop_loc *b);

/* Outcome of REQUEST_RESERVATION on a locked drop (kafka-contract.md#request_reservation). */
enum drop_reserve_verdict {
	DROP_RESERVE_GRANT,   /* reserve, emit RESERVED */
	DROP_RESERVE_REFUSE,  /* emit RESERVATION_FAILURE */
	DROP_RESERVE_SILENT,  /* the holder asked again: nothing */
};
/* @p r NULL = no such drop (unknown id, other tenant, removed, dropId 0). */
enum drop_reserve_verdict drop_decide_reserve(const struct drop_row *r, const struct drop_loc *cmd,
                                              uint32_t character, uint32_t party, int64_t now_us,
                                              int64_t window_us);

/* CANCEL_RESERVATION (kafka-contract.md#cancel_reservation-drop): whether the reservation is released (a failure
 * event is emitted in every case). */
bool drop_decide_cancel(const struct drop_row *r, const struct drop_loc *cmd, uint32_t character);

/* Outcome of REQUEST_PICK_UP on a locked drop (kafka-contract.md#request_pick_up). */
enum drop_pickup_verdict {
	DROP_PICKUP_NONE,     /* unknown drop or location mismatch: log only */
	DROP_PICKUP_HOLDER,   /* RESERVED by the picker: delete, PICKED_UP with stored petSlot */
	DROP_PICKUP_OTHER,    /* AVAILABLE or held by another: delete, warn, petSlot -1 */
};
enum drop_pickup_verdict drop_decide_pickup(const struct drop_row *r, const struct drop_loc *cmd,
                                            uint32_t character);

/* kafka-contract.md#drop-expiry due condition, strict on both bounds. */
bool drop_is_due(const struct drop_row *r, int64_t now_us, int64_t duration_us, int64_t grace_us);

/* kafka-contract.md#drop-ids steps 1-2: the id after @p last (wrapping after DROP_ID_MAX, and to
 * DROP_ID_MIN when @p last is below the range). */
uint32_t drop_id_next(uint32_t last);

/* Try one candidate id: 0 = the id is now ours (the drop row was inserted),
 * 1 = a live drop of the tenant has it, < 0 = error (returned as is). */
typedef int (*drop_id_try_fn)(void *ud, uint32_t candidate);

/* kafka-contract.md#drop-ids steps 1-3: offer ids after @p last to @p try_id until one is taken,
 * at most @p max_attempts of them. Returns 0 and the id in @p *out, the error
 * of @p try_id, or COFFER_ENOTFOUND when every attempted id was in use. */
int drop_id_allocate(uint32_t last, uint32_t max_attempts, drop_id_try_fn try_id, void *ud,
                     uint32_t *out);

/* Apply the kafka-contract.md#drop-settings defaults and bounds. */
void drop_cfg_sanitise(const struct drop_cfg_raw *raw, struct drop_cfg *out);

/* Whether a setting text means true ("true", "1", "yes", "on"). */
bool drop_cfg_bool(const char *v);

/* ------------------------------------------------------------------ inventory rules (drop_rules.c) */

/* What a compartment DROP does with the asset (kafka-contract.md#drop-compartment steps 2-3). */
enum drop_take_verdict {
	DROP_TAKE_REFUSE,  /* quantity above the available (unreserved) quantity: fails */
	DROP_TAKE_DELETE,  /* the whole asset: delete it, asset DELETED */
	DROP_TAKE_REDUCE,  /* part of a stack: asset QUANTITY_CHANGED with total - quantity */
};
/* @p total = qty(A), @p reserved = its active reserved quantity, @p quantity >= 1. */
enum drop_take_verdict drop_rules_take(uint32_t total, uint64_t reserved, uint32_t quantity);

/* The SPAWN_FROM_CHARACTER a DROP of @p quantity from asset @p a sends (kafka-contract.md#drop-compartment step 3):
 * envelope fields (txn_id, loc) are left to the caller. Command inventoryType 1: quantity 1,
 * equipmentId = referenceId, the asset's statistics; other types: the dropped quantity,
 * equipmentId 0, statistics 0. */
void drop_rules_spawn_of_asset(const struct coffer_asset *a, uint8_t inventory_type,
                               uint32_t quantity, uint32_t character, int16_t x, int16_t y,
                               struct drop_row *out);

/* Statistics between the asset's struct and the drop's wire-ordered array (kafka-contract.md#inline-equipment-statistics). */
void drop_rules_stats_to_array(const struct coffer_equip_stats *s, uint16_t out[DROP_NSTATS]);
void drop_rules_stats_from_array(const uint16_t in[DROP_NSTATS], struct coffer_equip_stats *out);

/* The stacking part of an item pick-up (kafka-contract.md#item-pick-up steps 4-6) on the locked list. */
struct drop_stack_plan {
	bool fill;           /* a stack D with room exists */
	size_t fill_index;   /* its index in the list */
	uint32_t fill_to;    /* D's new quantity */
	bool create;         /* one new asset is needed (in the next free slot) */
	uint32_t create_qty; /* its quantity (may exceed the slot max, OP-32) */
};
/* D = the first asset (list order = ascending slot) of @p template_id whose kind is
 * stackable (@p stackable: the asset service's kind_stackable) and whose quantity is below
 * @p max; @p q >= 1. */
void drop_rules_stack_plan(const struct coffer_asset_list *list, uint32_t template_id, uint32_t q,
                           uint32_t max, bool (*stackable)(enum coffer_asset_kind),
                           struct drop_stack_plan *out);

/* ------------------------------------------------------------------ events (drop_events.c) */

/* Events of kafka-contract.md#drop-status-events, fields in the contract's order; new references. */
json_t *drop_ev_created(const struct drop_row *r);
json_t *drop_ev_expired(const struct drop_row *r);
json_t *drop_ev_reserved(const char *txn_id, const struct drop_row *r, uint32_t character);
json_t *drop_ev_picked_up(const char *txn_id, const struct drop_row *r, uint32_t character,
                          int8_t pet_slot);
json_t *drop_ev_failure(const char *txn_id, const struct drop_loc *loc, uint32_t drop_id,
                        uint32_t character);

/* Commands the inventory half sends on COMMAND_TOPIC_DROP (kafka-contract.md#drop-commands-the-inventory-sends), fields in
 * the contract's order. SPAWN_FROM_CHARACTER takes its envelope (txn_id, loc) and body from
 * @p r; the answers to RESERVED (REQUEST_PICK_UP, CANCEL_RESERVATION) carry only
 * {dropId, characterId}. */
json_t *drop_cmd_spawn_from_character(const struct drop_row *r);
json_t *drop_cmd_answer(const char *txn_id, const struct drop_loc *loc, const char *type,
                        uint32_t drop_id, uint32_t character);

/* ------------------------------------------------------------------ plugin state */

struct drop_sweep;

/* Handed as user data to every handler and task: no plugin globals. */
struct drop {
	coffer_ctx *ctx;
	const struct coffer_host *host;
	struct drop_cfg cfg;
	struct drop_sweep *sweep;
	const struct coffer_svc_asset *asset; /* the "asset" service v1, looked up in init */
};

/* ------------------------------------------------------------------ handlers (drop_handlers.c) */

enum coffer_outcome drop_on_spawn(coffer_ctx *ctx, coffer_txn *txn, const struct coffer_msg *msg,
                                  void *ud);
enum coffer_outcome drop_on_spawn_from_character(coffer_ctx *ctx, coffer_txn *txn,
                                                 const struct coffer_msg *msg, void *ud);
enum coffer_outcome drop_on_request_reservation(coffer_ctx *ctx, coffer_txn *txn,
                                                const struct coffer_msg *msg, void *ud);
enum coffer_outcome drop_on_cancel_reservation(coffer_ctx *ctx, coffer_txn *txn,
                                               const struct coffer_msg *msg, void *ud);
enum coffer_outcome drop_on_request_pick_up(coffer_ctx *ctx, coffer_txn *txn,
                                            const struct coffer_msg *msg, void *ud);

/* ------------------------------------------------------------------ inventory (drop_inventory.c) */

/* COMMAND_TOPIC_COMPARTMENT DROP (kafka-contract.md#drop-compartment, kafka-contract.md#drop-from-inventory-flow). */
enum coffer_outcome drop_on_compartment_drop(coffer_ctx *ctx, coffer_txn *txn,
                                             const struct coffer_msg *msg, void *ud);
/* EVENT_TOPIC_DROP_STATUS RESERVED: the pick-up (kafka-contract.md#pick-up-on-drop-reserved). */
enum coffer_outcome drop_on_drop_reserved(coffer_ctx *ctx, coffer_txn *txn,
                                          const struct coffer_msg *msg, void *ud);

/* ------------------------------------------------------------------ sweep (drop_sweep.c) */

struct drop_sweep *drop_sweep_new(void);
void drop_sweep_free(struct drop_sweep *s);
int drop_sweep_expired(coffer_ctx *ctx, coffer_txn *txn, int64_t now_us, void *ud);

/* ------------------------------------------------------------------ service (drop_svc.c) */

/* The "drop" service v1 (include/coffer/svc/drop.h, kafka-contract.md#the-drop-read-service), published by init. */
extern const struct coffer_svc_drop drop_api_v1;
/* Give the service the plugin state it reads with (init), or take it away (NULL: fini). */
void drop_svc_bind(const struct drop *d);

/* drop_rest.c: the drop routes (docs/rest.md), registered when the host has on_http. */
int drop_rest_register(struct drop *d);

/* ------------------------------------------------------------------ SQL (drop_sql.c) */

/* All return 0, COFFER_EDUP where noted, or the host's COFFER_ETRANSIENT / COFFER_EDB. */

/* Lock the drop (tenant, id) FOR UPDATE (or FOR UPDATE SKIP LOCKED with
 * @p skip_locked) and read it; *found false when absent (or locked elsewhere). */
int drop_sql_lock(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id,
                  bool skip_locked, struct drop_row *out, bool *found);
/* Read the drop (tenant, id) without locking it; *found false when absent. */
int drop_sql_get(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id,
                 struct drop_row *out, bool *found);
/* Called with each row of drop_sql_list_in_map (borrowed for the call); non-zero stops
 * the iteration and is returned (a negative value as is, a positive one as COFFER_ESTOP). */
typedef int (*drop_row_fn)(void *ud, const struct drop_row *r);
/* Every drop of the tenant at @p loc, AVAILABLE and RESERVED, in ascending id, without locking. */
int drop_sql_list_in_map(const struct drop *d, coffer_txn *txn, const char *tenant,
                         const struct drop_loc *loc, drop_row_fn fn, void *ud);
/* Lock the tenant's sequence row, creating it on first use; its last_id in *last. */
int drop_sql_seq_lock(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t *last);
int drop_sql_seq_set(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t last);
/* Insert a new drop; COFFER_EDUP when the tenant has a live drop with that id. */
int drop_sql_insert(const struct drop *d, coffer_txn *txn, const struct drop_row *r);
/* Delete the pick-up marker a former drop with this id may have left. */
int drop_sql_pickup_forget(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id);
/* Whether the tenant has a pick-up marker for drop @p id (kafka-contract.md#pick-up-on-drop-reserved). */
int drop_sql_pickup_exists(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id,
                           bool *exists);
/* Store the marker of a credited drop; COFFER_EDUP when a concurrent credit stored it first. */
int drop_sql_pickup_store(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id,
                          const char *txn_id, uint32_t character, int64_t now_us);
int drop_sql_reserve(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id,
                     uint32_t character, int64_t now_us, int8_t pet_slot);
int drop_sql_release(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id);
int drop_sql_delete(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id);

/* A due candidate of the sweep selection (kafka-contract.md#drop-tables). */
struct drop_key {
	int64_t drop_time_us;
	char tenant[37];
	uint32_t id;
};
/* Up to @p limit due drops in (drop_time, tenant_id, id) order after @p after
 * (NULL: from the start), appended to @p out; their number in *n. */
int drop_sql_due(const struct drop *d, coffer_txn *txn, int64_t cut_drop_us,
                 int64_t cut_reserved_us, const struct drop_key *after, unsigned limit,
                 struct drop_key *out, size_t *n);
/* Tenants having pick-up markers older than @p cut_us (at most @p limit, after
 * tenant @p after or from the start when NULL). */
int drop_sql_marker_tenants(const struct drop *d, coffer_txn *txn, int64_t cut_us,
                            const char *after, unsigned limit, char (*out)[37], size_t *n);
/* Delete up to @p limit of the tenant's markers older than @p cut_us; the number in *deleted. */
int drop_sql_markers_prune(const struct drop *d, coffer_txn *txn, const char *tenant,
                           int64_t cut_us, unsigned limit, uint64_t *deleted);

#endif
