/* SPDX-License-Identifier: MIT */
/* plugins/drop/drop_handlers.c: the five commands of COMMAND_TOPIC_DROP (kafka-contract.md#drop-commands).
 *
 * Each handler decodes the whole message first (kafka-contract.md#json-as-read: a wrong type, a range
 * error or a bad transactionId discards it before anything is read), locks
 * what it will decide on (the tenant's id sequence for a spawn, the drop row
 * otherwise), asks drop_rules.c, writes, and emits in the same transaction.
 * Business refusals are COFFER_DONE with the event the contract names (or none);
 * bad input is COFFER_REJECT through host->reject; a database error (the host
 * logged it) is COFFER_RETRY, so the message is handled again from the start.
 * The inventory side of the contract (compartment DROP, pick-up on RESERVED)
 * is in drop_inventory.c. */
#include "drop.h"

#include <string.h>

#include "util.h"

/* The envelope of a command (kafka-contract.md#drop-envelopes). */
struct drop_cmd {
	char txn_id[37];
	struct drop_loc loc;
	const json_t *body; /* NULL when absent: every field then has its default */
};

static void decode_envelope(struct cu_dec *dec, const struct coffer_msg *msg, struct drop_cmd *c)
{
	cu_uuid(dec, msg->json, "transactionId", c->txn_id);
	c->loc.world = cu_u8(dec, msg->json, "worldId");
	c->loc.channel = cu_u8(dec, msg->json, "channelId");
	c->loc.map = cu_u32(dec, msg->json, "mapId");
	c->body = cu_obj(dec, msg->json, "body");
}

/* Append @p ev (the host takes it) keyed by @p key; the tenant is the message's. */
static enum coffer_outcome emit(const struct drop *d, coffer_txn *txn, uint32_t key, json_t *ev)
{
	if (ev == NULL)
		return COFFER_RETRY; /* out of memory */
	return d->host->emit(txn, NULL, DROP_EVENT_TOPIC, key, ev) == 0 ? COFFER_DONE : COFFER_RETRY;
}

/* ------------------------------------------------------------------ spawns */

/* The id allocation's try: insert the drop under the candidate id. */
struct spawn_try {
	const struct drop *d;
	coffer_txn *txn;
	struct drop_row *r;
	enum drop_kind kind;
	bool from_character;
	uint32_t body_equipment_id;
};

static int spawn_try_id(void *ud, uint32_t candidate)
{
	struct spawn_try *t = ud;
	t->r->id = candidate;
	t->r->equipment_id =
		drop_equipment_id(t->kind, t->from_character, t->body_equipment_id, candidate);
	int rc = drop_sql_insert(t->d, t->txn, t->r);
	if (rc == COFFER_EDUP)
		return 1; /* a live drop of this tenant has the id: skip it (kafka-contract.md#drop-ids step 3) */
	return rc;
}

static enum coffer_outcome spawn(struct drop *d, coffer_txn *txn, const struct coffer_msg *msg,
                                 bool from_character)
{
	const struct coffer_host *host = d->host;
	struct cu_dec dec = {0};
	struct drop_cmd c;
	decode_envelope(&dec, msg, &c);
	struct drop_row r;
	memset(&r, 0, sizeof r);
	r.item_id = cu_u32(&dec, c.body, "itemId");
	/* SPAWN has no equipmentId (kafka-contract.md#equipmentid): a value sent anyway is an unknown field. */
	uint32_t body_equipment_id = from_character ? cu_u32(&dec, c.body, "equipmentId") : 0;
	r.quantity = cu_u32(&dec, c.body, "quantity");
	r.meso = cu_u32(&dec, c.body, "mesos");
	r.drop_type = cu_u8(&dec, c.body, "dropType");
	r.x = cu_i16(&dec, c.body, "x");
	r.y = cu_i16(&dec, c.body, "y");
	r.owner_id = cu_u32(&dec, c.body, "ownerId");
	r.owner_party_id = cu_u32(&dec, c.body, "ownerPartyId");
	r.dropper_id = cu_u32(&dec, c.body, "dropperId");
	r.dropper_x = cu_i16(&dec, c.body, "dropperX");
	r.dropper_y = cu_i16(&dec, c.body, "dropperY");
	r.player_drop = cu_bool(&dec, c.body, "playerDrop");
	(void)cu_u8(&dec, c.body, "mod"); /* validated, then ignored (kafka-contract.md#the-drop-record) */
	for (int i = 0; i < DROP_NSTATS; i++)
		r.stats[i] = cu_u16(&dec, c.body, drop_stat_json[i]);
	if (dec.bad)
		return host->reject(txn, "%s", dec.err);
	if (!drop_region_fits(msg->tenant->region))
		return host->reject(txn, "REGION header is not UTF-8 of at most %d characters",
		                    DROP_REGION_MAX);

	const char *why = "";
	r.equipment_id = body_equipment_id;
	enum drop_kind kind = drop_spawn_normalise(&r, &why);
	if (kind == DROP_KIND_INVALID)
		return host->reject(txn, "spawn discarded: %s itemId=%u mesos=%u quantity=%u", why,
		                    r.item_id, r.meso, r.quantity);
	if (kind == DROP_KIND_EQUIPMENT && !from_character && drop_stats_all_zero(r.stats))
		COFFER_LOG_WRN(d->ctx, "equipment SPAWN without statistics itemId=%u mapId=%u", r.item_id,
		               c.loc.map);

	r.tenant = *msg->tenant;
	memcpy(r.txn_id, c.txn_id, sizeof r.txn_id);
	r.loc = c.loc;
	r.drop_time_us = host->now(txn);
	r.status = DROP_AVAILABLE;
	r.reserved_by = 0;
	r.has_reserved_at = false;
	r.pet_slot = -1;

	uint32_t last;
	int rc = drop_sql_seq_lock(d, txn, r.tenant.id, &last);
	if (rc != 0)
		return COFFER_RETRY;
	struct spawn_try t = {.d = d,
	                      .txn = txn,
	                      .r = &r,
	                      .kind = kind,
	                      .from_character = from_character,
	                      .body_equipment_id = body_equipment_id};
	uint32_t id;
	rc = drop_id_allocate(last, DROP_ID_COUNT, spawn_try_id, &t, &id);
	if (rc == COFFER_ENOTFOUND) {
		/* Every id of the range is lying on some map: nothing can be spawned. */
		COFFER_LOG_ERR(d->ctx, "no free drop id last_id=%u", last);
		return COFFER_RETRY;
	}
	if (rc != 0)
		return COFFER_RETRY;
	/* A marker left by an earlier drop with this id must not block the new one's credit. */
	rc = drop_sql_pickup_forget(d, txn, r.tenant.id, id);
	if (rc == 0)
		rc = drop_sql_seq_set(d, txn, r.tenant.id, id);
	if (rc != 0)
		return COFFER_RETRY;
	/* DATETIME(6) stores the bound microseconds exactly, so the text formatted
	 * from r.drop_time_us is what any later read of the row formats. */
	return emit(d, txn, id, drop_ev_created(&r));
}

enum coffer_outcome drop_on_spawn(coffer_ctx *ctx, coffer_txn *txn, const struct coffer_msg *msg,
                                  void *ud)
{
	return spawn(ud, txn, msg, false);
}

enum coffer_outcome drop_on_spawn_from_character(coffer_ctx *ctx, coffer_txn *txn,
                                                 const struct coffer_msg *msg, void *ud)
{
	return spawn(ud, txn, msg, true);
}

/* ------------------------------------------------------------------ reservation, cancel, pick-up */

/* dropId and characterId of the three drop-addressed commands. */
struct drop_target {
	uint32_t drop_id;
	uint32_t character;
};

static void decode_target(struct cu_dec *dec, const json_t *body, struct drop_target *t)
{
	t->drop_id = cu_u32(dec, body, "dropId");
	t->character = cu_u32(dec, body, "characterId");
}

/* The rest of the common start of the three: refuse what did not decode or names no
 * character, then lock the addressed drop (found false: no such drop). COFFER_DONE
 * means go on. */
static enum coffer_outcome lock_target(struct drop *d, coffer_txn *txn,
                                       const struct coffer_msg *msg, const struct cu_dec *dec,
                                       const struct drop_target *t, struct drop_row *r,
                                       bool *found)
{
	if (dec->bad)
		return d->host->reject(txn, "%s", dec->err);
	if (t->character == 0)
		return d->host->reject(txn, "%s with characterId 0 dropId=%u", msg->type, t->drop_id);
	if (drop_sql_lock(d, txn, msg->tenant->id, t->drop_id, false, r, found) != 0)
		return COFFER_RETRY;
	return COFFER_DONE;
}

enum coffer_outcome drop_on_request_reservation(coffer_ctx *ctx, coffer_txn *txn,
                                                const struct coffer_msg *msg, void *ud)
{
	struct drop *d = ud;
	const struct coffer_host *host = d->host;
	struct cu_dec dec = {0};
	struct drop_cmd c;
	struct drop_target t;
	decode_envelope(&dec, msg, &c);
	decode_target(&dec, c.body, &t);
	uint32_t party = cu_u32(&dec, c.body, "partyId");
	(void)cu_i16(&dec, c.body, "characterX"); /* no distance check (DP-20) */
	(void)cu_i16(&dec, c.body, "characterY");
	int8_t pet_slot = (int8_t)cu_int_def(&dec, c.body, "petSlot", INT8_MIN, INT8_MAX, -1);
	struct drop_row r;
	bool found;
	enum coffer_outcome o = lock_target(d, txn, msg, &dec, &t, &r, &found);
	if (o != COFFER_DONE)
		return o;
	int64_t now = host->now(txn);
	switch (drop_decide_reserve(found ? &r : NULL, &c.loc, t.character, party, now,
	                            d->cfg.window_us)) {
	case DROP_RESERVE_SILENT:
		COFFER_LOG_DBG(d->ctx, "reservation repeated by its holder dropId=%u characterId=%u",
		               t.drop_id, t.character);
		return COFFER_DONE;
	case DROP_RESERVE_REFUSE:
		return emit(d, txn, t.drop_id, drop_ev_failure(c.txn_id, &c.loc, t.drop_id, t.character));
	case DROP_RESERVE_GRANT:
		break;
	}
	if (drop_sql_reserve(d, txn, r.tenant.id, r.id, t.character, now, pet_slot) != 0)
		return COFFER_RETRY;
	return emit(d, txn, r.id, drop_ev_reserved(c.txn_id, &r, t.character));
}

enum coffer_outcome drop_on_cancel_reservation(coffer_ctx *ctx, coffer_txn *txn,
                                               const struct coffer_msg *msg, void *ud)
{
	struct drop *d = ud;
	struct cu_dec dec = {0};
	struct drop_cmd c;
	struct drop_target t;
	decode_envelope(&dec, msg, &c);
	decode_target(&dec, c.body, &t);
	struct drop_row r;
	bool found;
	enum coffer_outcome o = lock_target(d, txn, msg, &dec, &t, &r, &found);
	if (o != COFFER_DONE)
		return o;
	if (drop_decide_cancel(found ? &r : NULL, &c.loc, t.character) &&
	    drop_sql_release(d, txn, r.tenant.id, r.id) != 0)
		return COFFER_RETRY;
	/* Answered in every case, so the channel can re-enable the client (kafka-contract.md#cancel_reservation-drop). */
	return emit(d, txn, t.drop_id, drop_ev_failure(c.txn_id, &c.loc, t.drop_id, t.character));
}

enum coffer_outcome drop_on_request_pick_up(coffer_ctx *ctx, coffer_txn *txn,
                                            const struct coffer_msg *msg, void *ud)
{
	struct drop *d = ud;
	const struct coffer_host *host = d->host;
	struct cu_dec dec = {0};
	struct drop_cmd c;
	struct drop_target t;
	decode_envelope(&dec, msg, &c);
	decode_target(&dec, c.body, &t);
	struct drop_row r;
	bool found;
	enum coffer_outcome o = lock_target(d, txn, msg, &dec, &t, &r, &found);
	if (o != COFFER_DONE)
		return o;
	int8_t pet_slot = -1;
	switch (drop_decide_pickup(found ? &r : NULL, &c.loc, t.character)) {
	case DROP_PICKUP_NONE:
		/* Also a redelivered pick-up of a drop already gone: nothing to announce. */
		COFFER_LOG_INF(d->ctx, "pick-up of no drop here dropId=%u characterId=%u found=%d",
		               t.drop_id, t.character, found);
		return COFFER_DONE;
	case DROP_PICKUP_HOLDER:
		pet_slot = r.pet_slot;
		break;
	case DROP_PICKUP_OTHER:
		COFFER_LOG_WRN(d->ctx,
		               "pick-up without the reservation dropId=%u characterId=%u status=%s "
		               "reservedBy=%u",
		               r.id, t.character, r.status == DROP_RESERVED ? "RESERVED" : "AVAILABLE",
		               r.reserved_by);
		break;
	}
	if (drop_sql_delete(d, txn, r.tenant.id, r.id) != 0)
		return COFFER_RETRY;
	return emit(d, txn, r.id, drop_ev_picked_up(c.txn_id, &r, t.character, pet_slot));
}
