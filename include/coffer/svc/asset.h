/* SPDX-License-Identifier: MIT */
/* coffer/svc/asset.h: the shared inventory service "asset", version 1 (kafka-contract.md#plugins-and-handlers).
 *
 * Locking protocol: every handler that touches a compartment or its assets follows it.
 *  1. Decode and validate first (cmd_decode, then the body); nothing is read or written
 *     before the message is known to be good, so REJECT never needs a rollback of work.
 *  2. Lock the compartment row FOR UPDATE before the first read of its assets or of
 *     their reservations: compartment_lock (tenant, character, type), with type 1 for
 *     EQUIP/UNEQUIP, the command's type otherwise, the template's type for a pick-up.
 *     That row is the lock for everything inside the compartment (kafka-contract.md#inventory-tables, kafka-contract.md#locking).
 *  3. Hold exactly one compartment. Only character DELETED holds several, taken with
 *     compartment_list(for_update = true), which locks them in ascending type.
 *  4. When only an asset is known (equipable UPDATED), read it plainly, lock its
 *     compartment with compartment_lock_id, then read it again (asset_get) and decide
 *     on the second read only.
 *  5. Decide on the locked state; validate everything that can fail (free slot,
 *     quantities, template) before the first write when the command has a failure event,
 *     so that event goes out alone (kafka-contract.md#processing-model point 3). Otherwise a business failure returns
 *     COFFER_DONE with nothing written: the host commits an empty transaction.
 *  6. Emit events in the order the contract lists them, interleaved with the writes: emit
 *     only appends to the outbox of this transaction, so an abort discards them.
 *  7. Any COFFER_ETRANSIENT or COFFER_EDB from these functions: return COFFER_RETRY at
 *     once (coffer_asset_outcome); the host rolls back and redelivers.
 *  8. Never call NOW(): every time comes from host->now(txn); every statement filters on
 *     the tenant (lowercase, 36 characters: msg->tenant->id).
 *  9. Reservations are rows of the reservation plugin keyed by asset id; they follow
 *     the asset through moves and go with it on delete (ON DELETE CASCADE). */
#ifndef COFFER_SVC_ASSET_H
#define COFFER_SVC_ASSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include <coffer/err.h>
#include <coffer/host.h>
#include <coffer/msg.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Look it up in init: host->lookup(ctx, COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION),
 *  with .requires = COFFER_NEEDS({"asset", 1}) in the descriptor. */
#define COFFER_SVC_ASSET_NAME "asset"
#define COFFER_SVC_ASSET_VERSION 1

/* Inventory (compartment) types, kafka-contract.md#inventory-types-and-templates. */
#define COFFER_INV_EQUIP 1
#define COFFER_INV_USE 2
#define COFFER_INV_SETUP 3
#define COFFER_INV_ETC 4
#define COFFER_INV_CASH 5

/** The temporary slot of a swap (kafka-contract.md#slots); never left behind, never in an event. */
#define COFFER_SLOT_TEMP (-32768)
/** Capacity of a new compartment and the INCREASE_CAPACITY ceiling (kafka-contract.md#compartments-and-capacity). */
#define COFFER_CAPACITY_INITIAL 24u
#define COFFER_CAPACITY_MAX 96u
/** Reservation lifetime (kafka-contract.md#reservations), microseconds. */
#define COFFER_RESERVATION_TTL_US 30000000LL
/** Topics this service emits on. */
#define COFFER_TOPIC_ASSET_STATUS "EVENT_TOPIC_ASSET_STATUS"
#define COFFER_TOPIC_COMPARTMENT_STATUS "EVENT_TOPIC_COMPARTMENT_STATUS"
#define COFFER_TOPIC_INVENTORY_STATUS "EVENT_TOPIC_INVENTORY_STATUS"
#define COFFER_TOPIC_COMPARTMENT_COMMAND "COMMAND_TOPIC_COMPARTMENT"

/** Asset kinds (kafka-contract.md#asset-kinds); kind_name gives the wire `referenceType`. */
enum coffer_asset_kind {
	COFFER_KIND_NONE = 0,      /**< not a kind (invalid template type) */
	COFFER_KIND_EQUIPABLE,     /**< "equipable" */
	COFFER_KIND_CASH_EQUIPABLE,/**< "cash-equipable" */
	COFFER_KIND_CONSUMABLE,    /**< "consumable" */
	COFFER_KIND_SETUP,         /**< "setup" */
	COFFER_KIND_ETC,           /**< "etc" */
	COFFER_KIND_CASH,          /**< "cash" */
	COFFER_KIND_PET,           /**< "pet" */
};

#define COFFER_EQUIP_NSTATS 16

/** The sixteen equipment statistics, in the wire order of kafka-contract.md#inline-equipment-statistics / kafka-contract.md#referencedata.
 *  `slots` is the column upgrade_slots. Read them by name, or all sixteen in this order
 *  through `v` (the same storage: a loop over `v` is defined, one from `&strength` is not). */
struct coffer_equip_stats {
	union {
		struct {
			uint16_t strength, dexterity, intelligence, luck, hp, mp;
			uint16_t weapon_attack, magic_attack, weapon_defense, magic_defense;
			uint16_t accuracy, avoidability, hands, speed, jump, slots;
		};
		uint16_t v[COFFER_EQUIP_NSTATS];
	};
};
#ifndef __cplusplus
/* The layout of service version 1: sixteen uint16_t, no padding, `slots` last. */
_Static_assert(sizeof(struct coffer_equip_stats) == COFFER_EQUIP_NSTATS * sizeof(uint16_t),
               "struct coffer_equip_stats is sixteen uint16_t");
_Static_assert(offsetof(struct coffer_equip_stats, slots) ==
                   (COFFER_EQUIP_NSTATS - 1) * sizeof(uint16_t),
               "struct coffer_equip_stats: slots is the sixteenth");
#endif

/** One row of `assets` (kafka-contract.md#inventory-tables). Frozen for service version 1 (callers allocate it). */
struct coffer_asset {
	uint32_t id;                 /**< assetId; 0 before asset_insert */
	char compartment_id[37];
	int16_t slot;
	uint32_t template_id;
	enum coffer_asset_kind kind;
	uint32_t reference_id;       /**< 0 on insert means "the new asset id" (kafka-contract.md#asset-kinds) */
	int64_t expiration_us;       /**< UTC microseconds; COFFER_ASSET_NO_EXPIRY when none (NULL) */
	uint32_t quantity;           /**< stored quantity; qty() is 1 for non-stackables */
	uint32_t owner_id;
	uint16_t flag;
	uint64_t rechargeable;
	int64_t cash_id;
	uint32_t purchased_by;
	struct coffer_equip_stats stats;
	char owner_name[129];        /**< VARCHAR(32), UTF-8 */
	bool locked, spikes, karma_used, cold, can_be_traded;
	uint8_t level_type, level;
	uint32_t experience, hammers_applied;
	char pet_name[129];          /**< VARCHAR(32), UTF-8 */
	uint8_t pet_level;
	uint16_t pet_closeness;
	uint8_t pet_fullness;
	int8_t pet_slot;
	int64_t created_at_us;       /**< set by asset_insert from host->now(txn) */
};

/** "No expiration": the Go zero time 0001-01-01T00:00:00Z in Unix microseconds. */
#define COFFER_ASSET_NO_EXPIRY (-62135596800000000LL)

/** Assets of one compartment in ascending slot order (negative slots first). */
struct coffer_asset_list {
	struct coffer_asset *v;      /**< owned: release with asset_list_free */
	size_t n;
};

/** One row of `compartments` (kafka-contract.md#inventory-tables). */
struct coffer_compartment {
	char id[37];
	uint32_t character_id;
	uint8_t type;                /**< 1..5 */
	uint32_t capacity;
};

/** One item template with the defaults of kafka-contract.md#item-templates applied. Frozen for version 1. */
struct coffer_item_template {
	uint32_t template_id;
	bool found;                  /**< a row exists; false = every value below is a default */
	uint32_t slot_max;           /**< effective: 1 for types 1 and 5; row value, 100 when 0/missing */
	bool rechargeable;
	bool is_cash;
	char equip_slot_code[33];    /**< "" when NULL */
	char equip_slot_name[65];    /**< "" when NULL (PET_EQUIP rule of kafka-contract.md#equip-positions / #equip applies) */
	int16_t equip_slots[16];     /**< parsed `equip_slots`, first = default, as stored (no -100) */
	size_t n_equip_slots;        /**< 0 when NULL/empty: cannot be equipped */
	struct coffer_equip_stats stats; /**< inc_* and upgrade_slots (as stats.slots) */
	char name[257];              /**< "" when NULL */
};

/** The decoded envelope of a COMMAND_TOPIC_COMPARTMENT message (kafka-contract.md#compartment-command-envelope). */
struct coffer_compartment_cmd {
	char transaction_id[37];     /**< effective transaction id T (kafka-contract.md#compartment-command-envelope), lowercase */
	uint32_t character_id;
	uint8_t inventory_type;
	const char *type;            /**< msg->type, borrowed */
	const json_t *body;          /**< borrowed from msg->json; NULL when missing or null */
	char err[192];               /**< why, when cmd_decode does not return COFFER_CMD_OK */
};

/** cmd_decode flags. */
#define COFFER_CMD_BODY_TXN 1u   /**< T falls back to body.transactionId (REQUEST_RESERVE, CONSUME,
                                      CANCEL_RESERVATION, ACCEPT, RELEASE); also decodes it */
#define COFFER_CMD_ANY_TYPE 2u   /**< do not validate inventoryType (EQUIP, UNEQUIP) */

/** cmd_decode results. */
enum coffer_cmd_status {
	COFFER_CMD_OK = 0,           /**< decoded and the envelope is valid (kafka-contract.md#common-command-rules) */
	COFFER_CMD_UNDECODABLE = 1,  /**< kafka-contract.md#json-as-read: REJECT with cmd.err, for every type */
	COFFER_CMD_INVALID = 2,      /**< decoded but characterId == 0 or inventoryType not 1..5:
	                                  REJECT, except ACCEPT/RELEASE (ERROR with the nil
	                                  compartment id). T and characterId are filled. */
};

/** Who an event is about: the envelope every asset and compartment event starts with.
 *  Strings are borrowed for the call. transaction_id NULL: the nil UUID. compartment_id
 *  NULL: the asset's own compartment_id (asset events), the nil UUID (compartment events).
 *  The event key is character_id. */
struct coffer_evctx {
	const char *transaction_id;
	uint32_t character_id;
	const char *compartment_id;
};

/**
 * The service table. Every function taking a txn runs inside the caller's transaction
 * and returns 0, COFFER_ENOTFOUND (the thing asked for does not exist: a business
 * outcome), COFFER_EDUP (unique key: slot taken, compartment exists), or
 * COFFER_ETRANSIENT / COFFER_EDB (return COFFER_RETRY). They never log business
 * outcomes (the handler does); the host logs SQL errors. `tenant` is the message's
 * tenant id (msg->tenant->id). Entries are only ever appended.
 */
struct coffer_svc_asset {
	size_t size;                 /**< sizeof(struct coffer_svc_asset) of the provider */

	/* ---- commands ---- */

	/** Decode the envelope of @p msg (kafka-contract.md#compartment-command-envelope, kafka-contract.md#json-as-read) and validate it (kafka-contract.md#common-command-rules); see flags and
	 *  enum coffer_cmd_status. The body is only checked to be an object (or missing). */
	enum coffer_cmd_status (*cmd_decode)(const struct coffer_msg *msg, unsigned flags,
	                                     struct coffer_compartment_cmd *out);

	/** The refusal for a disabled tenant (kafka-contract.md#compartment-status-events): register it for every COMMAND_TOPIC_COMPARTMENT
	 *  type you handle: host->on_disabled(ctx, topic, type, svc->refuse_disabled, NULL).
	 *  Emits one compartment ERROR FEATURE_DISABLED (T per type, nil compartment id, key
	 *  characterId) and returns COFFER_DONE; REJECT when the envelope is undecodable. */
	coffer_handler_fn refuse_disabled;

	/* ---- compartments ---- */

	/** SELECT ... FOR UPDATE the compartment (tenant, character, type). ENOTFOUND if none. */
	int (*compartment_lock)(coffer_txn *txn, const char *tenant, uint32_t character_id,
	                        uint8_t type, struct coffer_compartment *out);
	/** The same by compartment id (equipable UPDATED). ENOTFOUND if none. */
	int (*compartment_lock_id)(coffer_txn *txn, const char *tenant, const char *compartment_id,
	                           struct coffer_compartment *out);
	/** All compartments of a character in ascending type (at most 5) into @p out, count in
	 *  @p n; with @p for_update they are locked in that order (character DELETED). */
	int (*compartment_list)(coffer_txn *txn, const char *tenant, uint32_t character_id,
	                        bool for_update, struct coffer_compartment out[5], size_t *n);
	/** Insert a compartment with a new UUID v4; fills @p out. EDUP when (character, type)
	 *  exists (a concurrent CREATED: return COFFER_RETRY, the retry sees the rows). */
	int (*compartment_create)(coffer_txn *txn, const char *tenant, uint32_t character_id,
	                          uint8_t type, uint32_t capacity, struct coffer_compartment *out);
	/** Store a new capacity (the caller clamps to COFFER_CAPACITY_MAX). */
	int (*compartment_set_capacity)(coffer_txn *txn, const char *tenant,
	                                const char *compartment_id, uint32_t capacity);
	/** Delete the compartment row; its assets must be deleted first (no cascade, kafka-contract.md#inventory-tables). */
	int (*compartment_delete)(coffer_txn *txn, const char *tenant, const char *compartment_id);

	/* ---- asset reads (after the compartment lock) ---- */

	/** Every asset of the compartment in ascending slot into @p out (empty list: n = 0,
	 *  v may be NULL). Free with asset_list_free, also after an error. */
	int (*asset_list)(coffer_txn *txn, const char *tenant, const char *compartment_id,
	                  struct coffer_asset_list *out);
	void (*asset_list_free)(struct coffer_asset_list *list);
	/** The asset in @p slot of the compartment. ENOTFOUND if the slot is empty. */
	int (*asset_at)(coffer_txn *txn, const char *tenant, const char *compartment_id,
	                int16_t slot, struct coffer_asset *out);
	/** The asset with id @p asset_id. ENOTFOUND if none. */
	int (*asset_get)(coffer_txn *txn, const char *tenant, uint32_t asset_id,
	                 struct coffer_asset *out);
	/** The first asset in ascending slot of the compartment whose reference_id is
	 *  @p reference_id (any kind; RELEASE). ENOTFOUND if none. */
	int (*asset_by_reference)(coffer_txn *txn, const char *tenant, const char *compartment_id,
	                          uint32_t reference_id, struct coffer_asset *out);
	/** Next free slot (kafka-contract.md#next-free-slot) of @p c on the current state into @p slot; ENOTFOUND = full. */
	int (*next_free_slot)(coffer_txn *txn, const char *tenant, const struct coffer_compartment *c,
	                      int16_t *slot);
	/** Reserved quantity of an asset (kafka-contract.md#reservations): the sum of its active reservations, asked of the
	 *  "reservation" service (below) looked up at call time; 0 when no plugin provides it. */
	int (*reserved_quantity)(coffer_txn *txn, const char *tenant, uint32_t asset_id,
	                         uint64_t *out);

	/* ---- templates (kafka-contract.md#item-templates) ---- */

	/** Template @p template_id with the kafka-contract.md#item-templates defaults; 0 also when no row (out->found false). */
	int (*template_get)(coffer_txn *txn, const char *tenant, uint32_t template_id,
	                    struct coffer_item_template *out);
	/** Slot max of a template (kafka-contract.md#stacking-and-merging): 1 for types 1 and 5, else the row's, 100 when 0/none. */
	int (*slot_max)(coffer_txn *txn, const char *tenant, uint32_t template_id, uint32_t *out);
	/** Build (not insert) the asset CREATE_ASSET makes for @p template_id (kafka-contract.md#create_asset table):
	 *  kind by template, quantity 1, no expiration, owner 0, flag 0, rechargeable 0;
	 *  equipable: stats from the template (ENOTFOUND when it has no row); pet: owner =
	 *  @p character_id, name = template name, level 1, fullness 100, slot -1. EINVAL when
	 *  the template's type is not 1..5. The caller then sets quantity, owner, flag, ... */
	int (*asset_from_template)(coffer_txn *txn, const char *tenant, uint32_t template_id,
	                           uint32_t character_id, struct coffer_asset *out);

	/* ---- asset writes (no events: emit them yourself, in the contract's order) ---- */

	/** Insert @p a (compartment_id, slot, template_id, kind and values as set); sets a->id,
	 *  a->created_at_us and, when a->reference_id is 0, reference_id = id. EDUP when the
	 *  slot is taken. owner_name and pet_name are stored cut to their 32 characters. */
	int (*asset_insert)(coffer_txn *txn, const char *tenant, struct coffer_asset *a);
	/** Delete an asset (its reservations go with it). ENOTFOUND if none. */
	int (*asset_delete)(coffer_txn *txn, const char *tenant, uint32_t asset_id);
	/** Set the slot of an asset; EDUP when @p slot is taken (use asset_swap). */
	int (*asset_move)(coffer_txn *txn, const char *tenant, uint32_t asset_id, int16_t slot);
	/** Move asset @p asset_id from @p from to @p to; when an asset B is at @p to it is parked
	 *  in COFFER_SLOT_TEMP and put into @p from afterwards (kafka-contract.md#asset-status-events: one MOVED, for the mover
	 *  only, which the caller emits). @p displaced (may be NULL) gets B's id or 0. */
	int (*asset_swap)(coffer_txn *txn, const char *tenant, const char *compartment_id,
	                  uint32_t asset_id, int16_t from, int16_t to, uint32_t *displaced);
	/** Set the stored quantity of an asset. */
	int (*asset_set_quantity)(coffer_txn *txn, const char *tenant, uint32_t asset_id,
	                          uint32_t quantity);

	/* ---- merging (kafka-contract.md#stacking-and-merging) ---- */

	/** Whether S (@p src) can merge into D (@p dst) in a compartment of type @p ctype: all six
	 *  rules, reservations included. Sets *ok and, when ok, *slot_max (may be NULL). */
	int (*merge_check)(coffer_txn *txn, const char *tenant, uint8_t ctype,
	                   const struct coffer_asset *src, const struct coffer_asset *dst, bool *ok,
	                   uint32_t *slot_max);
	/** Apply the merge effect with its events (QUANTITY_CHANGED D; then DELETED S or
	 *  QUANTITY_CHANGED S) at the assets' current slots; updates quantities in @p src and
	 *  @p dst; *src_deleted (may be NULL) tells whether S is gone. Call merge_check first. */
	int (*merge_apply)(coffer_txn *txn, const char *tenant, const struct coffer_evctx *ev,
	                   struct coffer_asset *src, struct coffer_asset *dst, uint32_t slot_max,
	                   bool *src_deleted);

	/* ---- events (key = characterId; tenant = the message's) ---- */

	/** asset CREATED at a->slot: body referenceId, referenceType, referenceData, expiration. */
	int (*emit_asset_created)(coffer_txn *txn, const struct coffer_evctx *ev,
	                          const struct coffer_asset *a);
	/** asset UPDATED at a->slot, same body as CREATED. */
	int (*emit_asset_updated)(coffer_txn *txn, const struct coffer_evctx *ev,
	                          const struct coffer_asset *a);
	/** asset DELETED at a->slot, body {}. */
	int (*emit_asset_deleted)(coffer_txn *txn, const struct coffer_evctx *ev,
	                          const struct coffer_asset *a);
	/** asset MOVED: slot = @p slot (after), body {oldSlot: @p old_slot (before)} (OP-1). */
	int (*emit_asset_moved)(coffer_txn *txn, const struct coffer_evctx *ev,
	                        const struct coffer_asset *a, int16_t slot, int16_t old_slot);
	/** asset QUANTITY_CHANGED at a->slot, body {quantity: @p quantity}. */
	int (*emit_asset_quantity)(coffer_txn *txn, const struct coffer_evctx *ev,
	                           const struct coffer_asset *a, uint32_t quantity);
	/** compartment event @p type with @p body (stolen; NULL = {}): any shape not below. */
	int (*emit_compartment)(coffer_txn *txn, const struct coffer_evctx *ev, const char *type,
	                        json_t *body);
	/** compartment CREATED {type, capacity}. */
	int (*emit_compartment_created)(coffer_txn *txn, const struct coffer_evctx *ev,
	                                uint8_t type, uint32_t capacity);
	/** compartment CAPACITY_CHANGED {type, capacity}. */
	int (*emit_compartment_capacity)(coffer_txn *txn, const struct coffer_evctx *ev,
	                                 uint8_t type, uint32_t capacity);
	/** compartment @p type_name ("MERGE_COMPLETE" or "SORT_COMPLETE") {type}. */
	int (*emit_compartment_complete)(coffer_txn *txn, const struct coffer_evctx *ev,
	                                 const char *type_name, uint8_t type);
	/** compartment RESERVED {transactionId, itemId, slot, quantity}. */
	int (*emit_compartment_reserved)(coffer_txn *txn, const struct coffer_evctx *ev,
	                                 uint32_t item_id, int16_t slot, uint32_t quantity);
	/** compartment RESERVATION_CANCELLED {itemId, slot, quantity}. */
	int (*emit_compartment_cancelled)(coffer_txn *txn, const struct coffer_evctx *ev,
	                                  uint32_t item_id, int16_t slot, uint32_t quantity);
	/** compartment @p type_name ("ACCEPTED", "RELEASED") {transactionId}. */
	int (*emit_compartment_txn)(coffer_txn *txn, const struct coffer_evctx *ev,
	                            const char *type_name);
	/** compartment ERROR {errorCode: @p code, transactionId}. */
	int (*emit_compartment_error)(coffer_txn *txn, const struct coffer_evctx *ev,
	                              const char *code);
	/** inventory @p type_name ("CREATED", "DELETED") {characterId, type, body {}}. */
	int (*emit_inventory)(coffer_txn *txn, uint32_t character_id, const char *type_name);
	/** The referenceData object of @p a for its kind (kafka-contract.md#referencedata); a new reference. */
	json_t *(*reference_data)(const struct coffer_asset *a);

	/* ---- pure rules (no txn) ---- */

	/** floor(template / 1 000 000) when 1..5, else 0 (kafka-contract.md#inventory-types-and-templates). */
	uint8_t (*template_type)(uint32_t template_id);
	/** floor(template / 10 000) (kafka-contract.md#inventory-types-and-templates: 105 overall, 106 bottom, 500 pet). */
	uint32_t (*classification)(uint32_t template_id);
	/** The kind CREATE_ASSET / pick-up makes for a template; NONE for an invalid type. */
	enum coffer_asset_kind (*kind_for_template)(uint32_t template_id);
	/** The wire referenceType ("equipable", ...); "" for NONE. */
	const char *(*kind_name)(enum coffer_asset_kind kind);
	/** Inverse of kind_name (n bytes of @p s); NONE when unknown. */
	enum coffer_asset_kind (*kind_parse)(const char *s, size_t n);
	/** consumable, setup, etc and cash (kafka-contract.md#stacking-and-merging). */
	bool (*kind_stackable)(enum coffer_asset_kind kind);
	/** qty(): the stored quantity for stackables, 1 otherwise (kafka-contract.md#asset-kinds). */
	uint32_t (*asset_qty)(const struct coffer_asset *a);
	/** Smallest free slot 1..capacity of @p list (kafka-contract.md#next-free-slot, negative slots ignored); 0 = full. */
	int16_t (*first_free_slot)(const struct coffer_asset_list *list, uint32_t capacity);
	/** Zero @p a and set the column defaults of kafka-contract.md#inventory-tables (quantity 1, pet_slot -1, no expiry)
	 *  for @p template_id and @p kind. */
	void (*asset_blank)(struct coffer_asset *a, uint32_t template_id, enum coffer_asset_kind kind);

	/* ---- appended later in version 1: test with COFFER_SVC_ASSET_HAS ---- */

	/** template_get that can ask the game-data service (docs/item-data.md): when the
	 *  tenant's item_templates has no row and a data URL is configured, the template is
	 *  fetched (with @p tenant's four headers) and stored in @p txn first; a template the
	 *  service does not know gives found = false, as without a data service. @p out may be
	 *  NULL: only make sure the row is there, e.g. before compartment_lock when the command
	 *  names the template, so that no row lock is held while waiting on HTTP. The other
	 *  template readers (template_get, slot_max, merge_check, asset_from_template) read the
	 *  table only: call this first on every path that needs a template.
	 *  @return 0, COFFER_ETRANSIENT when the service did not answer or answered garbage
	 *          (return COFFER_RETRY: the message waits for the service), or a SQL error. */
	int (*template_load)(coffer_txn *txn, const struct coffer_tenant *tenant,
	                     uint32_t template_id, struct coffer_item_template *out);

	/* ---- appended: plain reads for the REST routes (no lock; in a GET's snapshot) ---- */

	/** The compartment @p compartment_id of @p tenant, read without locking. ENOTFOUND if
	 *  none. Check svc->size >= COFFER_SVC_ASSET_HAS_SIZE(compartment_get) before calling. */
	int (*compartment_get)(coffer_txn *txn, const char *tenant, const char *compartment_id,
	                       struct coffer_compartment *out);
	/** Every asset of every compartment of the character, in one statement: grouped by
	 *  compartment_id (ascending id, not type) and in ascending slot within each. Free with
	 *  asset_list_free, also after an error. Read without locking. */
	int (*asset_list_character)(coffer_txn *txn, const char *tenant, uint32_t character_id,
	                            struct coffer_asset_list *out);

	/* ---- appended: fewer statements per command (check COFFER_SVC_ASSET_HAS first) ---- */

	/** compartment_lock and asset_at of two slots in one statement: locks the compartment
	 *  (and the rows read); *found_a / *found_b say whether @p slot_a / @p slot_b are occupied
	 *  (then *a / *b hold the asset). ENOTFOUND when there is no such compartment. */
	int (*compartment_lock_pair)(coffer_txn *txn, const char *tenant, uint32_t character_id,
	                             uint8_t type, struct coffer_compartment *out, int16_t slot_a,
	                             struct coffer_asset *a, bool *found_a, int16_t slot_b,
	                             struct coffer_asset *b, bool *found_b);
	/** asset_swap when the caller already read, under the compartment lock, who occupies
	 *  @p to: @p occupant (0 = nobody) moves to @p from. No read. */
	int (*asset_swap_known)(coffer_txn *txn, const char *tenant, uint32_t asset_id,
	                        int16_t from, int16_t to, uint32_t occupant);
};

/** Whether the asset service table @p s has the appended entry @p member. */
#define COFFER_SVC_ASSET_HAS(s, member)                                                    \
	(offsetof(struct coffer_svc_asset, member) < (s)->size && (s)->member != NULL)


/** The table size a provider needs to have entry @p member (compare with svc->size). */
#define COFFER_SVC_ASSET_HAS_SIZE(member) \
	(offsetof(struct coffer_svc_asset, member) + sizeof(((struct coffer_svc_asset *)0)->member))

/** The outcome for a service return code that is neither 0 nor a business code. */
static inline enum coffer_outcome coffer_asset_outcome(int rc)
{
	(void)rc; /* ETRANSIENT and EDB alike: retry (the host logged the SQL error) */
	return COFFER_RETRY;
}

/* ------------------------------------------------------------------------------------- */

/**
 * Service "reservation", version 1: what asset asks of the reservation plugin, which owns
 * the `reservations` table (kafka-contract.md#inventory-tables). The reservation plugin provides it
 * (.provides = COFFER_PROVIDES({"reservation", 1}); host->provide(ctx, "reservation", 1, &api)).
 * asset looks it up at call time (it initialises before the reservation plugin, so it
 * cannot in init) and treats a missing service as "no reservations exist", which is
 * true when the reservation plugin is not loaded. Entries are only ever appended.
 */
#define COFFER_SVC_RESERVATION_NAME "reservation"
#define COFFER_SVC_RESERVATION_VERSION 1

struct coffer_svc_reservation {
	size_t size;
	/** Sum of the quantities of the active reservations (expires_at > host->now(txn)) of
	 *  @p asset_id into @p out; 0 when none. Runs after the caller's compartment lock. */
	int (*reserved_quantity)(coffer_txn *txn, const char *tenant, uint32_t asset_id,
	                         uint64_t *out);
};

/**
 * Service "cashitem", version 1 (kafka-contract.md#inventory-tables): the cash-shop item lookup ACCEPT uses. asset looks
 * it up at call time; while no plugin provides it, asset reads its own `cash_items` table.
 */
#define COFFER_SVC_CASHITEM_NAME "cashitem"
#define COFFER_SVC_CASHITEM_VERSION 1

struct coffer_cash_item {
	uint32_t template_id;
	int64_t cash_id;
	uint32_t quantity;
	uint16_t flag;
	uint32_t purchased_by;
};

struct coffer_svc_cashitem {
	size_t size;
	/** The cash-shop item @p id; ENOTFOUND when none. */
	int (*get)(coffer_txn *txn, const char *tenant, uint32_t id, struct coffer_cash_item *out);
};

#ifdef __cplusplus
}
#endif
#endif
