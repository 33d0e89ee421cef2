/* SPDX-License-Identifier: MIT */
/* coffer/svc/drop.h: the read service "drop", version 1 (kafka-contract.md#the-drop-read-service): the drops lying in a
 * map, for the plugin that shows a map to a character entering it (otherwise it only knows the
 * drops whose CREATED it saw while running), and one drop by id.
 *
 * Look it up in init, with .requires = COFFER_NEEDS({"drop", 1}) in the descriptor:
 *
 *     svc = host->lookup(ctx, COFFER_SVC_DROP_NAME, COFFER_SVC_DROP_VERSION);
 *     if (svc == NULL || svc->size < COFFER_SVC_DROP_HAS_SIZE(get))
 *             return COFFER_ENOTFOUND;
 *
 * and call it from a handler or a periodic task, inside its transaction:
 *
 *     struct coffer_drop_list l;
 *     int rc = svc->list_in_map(txn, msg->tenant->id, world, channel, map, &l);
 *     for (size_t i = 0; rc == 0 && i < l.n; i++)
 *             show(&l.v[i]);
 *     svc->list_free(&l);              (also after an error: it is then empty)
 *     if (rc != 0)
 *             return COFFER_RETRY;     (COFFER_ETRANSIENT, COFFER_EDB, -ENOMEM)
 *
 * The reads do not lock: each statement sees what was committed when it ran (READ COMMITTED)
 * plus the caller's own uncommitted writes. A drop can therefore be reserved, picked up or
 * expired just after it was listed; the drop events tell the rest. The reads answer whatever
 * the drop plugin's feature switch of the tenant says (reading changes nothing; a tenant
 * without drops simply has none, or keeps the ones lying there when drops were switched off).
 * Only the drops of @p tenant are ever returned. Entries of the table are only ever appended. */
#ifndef COFFER_SVC_DROP_H
#define COFFER_SVC_DROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coffer/err.h>
#include <coffer/host.h>
#include <coffer/svc/asset.h> /* struct coffer_equip_stats: the same sixteen, same order */

#ifdef __cplusplus
extern "C" {
#endif

#define COFFER_SVC_DROP_NAME "drop"
#define COFFER_SVC_DROP_VERSION 1

/** A drop's state (kafka-contract.md#drop-states); a removed drop has no row and is "not found". */
enum coffer_drop_status {
	COFFER_DROP_AVAILABLE = 0,
	COFFER_DROP_RESERVED = 1,
};

/** One drop (kafka-contract.md#the-drop-record). Frozen for service version 1: callers allocate it and index the
 *  list with its size. Times are UTC microseconds since the Unix epoch. */
struct coffer_drop {
	uint32_t id;                 /**< dropId, 1000000001..2000000000, unique per tenant */
	uint8_t world_id;            /**< location (immutable) */
	uint8_t channel_id;
	uint32_t map_id;
	uint32_t item_id;            /**< 0 for a meso drop */
	uint32_t equipment_id;       /**< non-zero exactly on equipment drops; opaque (kafka-contract.md#equipmentid) */
	uint32_t quantity;
	uint32_t meso;
	uint8_t drop_type;           /**< opaque pass-through (kafka-contract.md#droptype) */
	int16_t x, y;                /**< landing position */
	uint32_t owner_id;           /**< character with pickup priority; 0 = none */
	uint32_t owner_party_id;     /**< party with pickup priority; 0 = none */
	int64_t drop_time_us;        /**< when it was spawned: ownership window and expiry */
	uint32_t dropper_id;         /**< object id of what dropped it ("dropperUniqueId") */
	int16_t dropper_x, dropper_y;/**< origin of the drop animation */
	bool player_drop;            /**< a character dropped it ("characterDrop") */
	enum coffer_drop_status status;
	struct coffer_equip_stats stats; /**< inline statistics (kafka-contract.md#inline-equipment-statistics); zeros unless equipment */
};

/** Drops in ascending id. */
struct coffer_drop_list {
	struct coffer_drop *v;       /**< owned: release with list_free; NULL when n is 0 */
	size_t n;
};

/**
 * The service table. Both reads run inside the caller's transaction (@p txn of a handler or
 * a periodic task) and return 0, COFFER_ENOTFOUND (get only: no such drop of the tenant),
 * COFFER_EINVAL (a NULL argument), COFFER_ESTATE (called after the drop plugin's fini), or
 * COFFER_ETRANSIENT / COFFER_EDB (the host logged the SQL error; return COFFER_RETRY).
 * `tenant` is the tenant id in lowercase (msg->tenant->id).
 */
struct coffer_svc_drop {
	size_t size;                 /**< sizeof(struct coffer_svc_drop) of the provider */

	/** Every drop of @p tenant at (@p world_id, @p channel_id, @p map_id), AVAILABLE and
	 *  RESERVED alike, in ascending id into @p out (none: n = 0, v = NULL, and 0 returned).
	 *  Also -ENOMEM. On any error @p out is empty. Free with list_free in every case. */
	int (*list_in_map)(coffer_txn *txn, const char *tenant, uint8_t world_id,
	                   uint8_t channel_id, uint32_t map_id, struct coffer_drop_list *out);
	/** Release @p list and leave it empty (calling it twice, or on an empty list, is fine). */
	void (*list_free)(struct coffer_drop_list *list);
	/** The drop @p drop_id of @p tenant into @p out; COFFER_ENOTFOUND (out zeroed) when it has
	 *  none by that id (never spawned, picked up, expired, or another tenant's). */
	int (*get)(coffer_txn *txn, const char *tenant, uint32_t drop_id, struct coffer_drop *out);
};

/** The table size a provider needs to have entry @p member (compare with svc->size). */
#define COFFER_SVC_DROP_HAS_SIZE(member) \
	(offsetof(struct coffer_svc_drop, member) + sizeof(((struct coffer_svc_drop *)0)->member))

/** "AVAILABLE" or "RESERVED", as docs/kafka-contract.md#the-drop-record writes the status. */
static inline const char *coffer_drop_status_name(enum coffer_drop_status s)
{
	return s == COFFER_DROP_RESERVED ? "RESERVED" : "AVAILABLE";
}

#ifdef __cplusplus
}
#endif
#endif
