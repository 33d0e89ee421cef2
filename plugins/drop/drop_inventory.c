/* SPDX-License-Identifier: MIT */
/* plugins/drop/drop_inventory.c: the inventory half of the drops contract — a character
 * drops something from its inventory (COMMAND_TOPIC_COMPARTMENT DROP, kafka-contract.md#drop-compartment,
 * kafka-contract.md#drop-from-inventory-flow) and a reserved drop is credited to the reserving character
 * (EVENT_TOPIC_DROP_STATUS RESERVED, kafka-contract.md#pick-up-on-drop-reserved, kafka-contract.md#pick-up-flow).
 *
 * Compartments and assets belong to the asset plugin; everything here reaches them through
 * its "asset" service v1 and follows that header's locking protocol: decode, lock the
 * compartment row, decide on the locked state, then write and emit. The pick-up has a
 * failure answer (CANCEL_RESERVATION) that must go out alone, and ABI 1.0 offers no
 * savepoint, so the pick-up plans everything that can fail (compartment, free slot,
 * template) before its first write; after that only a database error can stop it, and
 * that is a RETRY that rolls everything back. The pick-up markers (drop_pickups,
 * kafka-contract.md#drop-tables) make a credit happen once per (tenant, dropId) whatever the redelivery. */
#include "drop.h"

#include <string.h>

#include "util.h"

/* A business failure: one INFO line, nothing written. */
#define DROP_FAIL(host, ctx, ...) COFFER_LOGH((host), (ctx), COFFER_LOG_INFO, __VA_ARGS__)

/* Append a command for the drop side (the host takes @p cmd) keyed by @p key. */
static enum coffer_outcome emit_drop_cmd(const struct drop *d, coffer_txn *txn, uint32_t key,
                                         json_t *cmd)
{
	if (cmd == NULL)
		return COFFER_RETRY; /* out of memory */
	return d->host->emit(txn, NULL, DROP_COMMAND_TOPIC, key, cmd) == 0 ? COFFER_DONE
	                                                                   : COFFER_RETRY;
}

/* ------------------------------------------------------------------ compartment DROP */

enum coffer_outcome drop_on_compartment_drop(coffer_ctx *ctx, coffer_txn *txn,
                                             const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	struct drop *d = ud;
	const struct coffer_host *host = d->host;
	const struct coffer_svc_asset *S = d->asset;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	/* DROP has no failure event, so an invalid envelope is bad input like an undecodable one. */
	if (S->cmd_decode(msg, 0, &cmd) != COFFER_CMD_OK)
		return host->reject(txn, "DROP: %s", cmd.err);
	struct cu_dec dec = {0};
	struct drop_loc loc;
	loc.world = cu_u8(&dec, cmd.body, "worldId");
	loc.channel = cu_u8(&dec, cmd.body, "channelId");
	loc.map = cu_u32(&dec, cmd.body, "mapId");
	int16_t source = cu_i16(&dec, cmd.body, "source");
	int16_t quantity = cu_i16(&dec, cmd.body, "quantity");
	int16_t x = cu_i16(&dec, cmd.body, "x");
	int16_t y = cu_i16(&dec, cmd.body, "y");
	if (dec.bad)
		return host->reject(txn, "DROP: %s", dec.err);
	if (quantity < 1)
		return host->reject(txn, "DROP: quantity %d is not positive", quantity);
	if (source < 1) /* OP-16: worn items cannot be dropped from their position */
		return host->reject(txn, "DROP: source %d is not a bag slot", source);

	struct coffer_compartment comp;
	int rc = S->compartment_lock(txn, tenant, cmd.character_id, cmd.inventory_type, &comp);
	if (rc == COFFER_ENOTFOUND) {
		DROP_FAIL(host, d->ctx, "DROP failed: no compartment character=%u type=%u",
		          cmd.character_id, (unsigned)cmd.inventory_type);
		return COFFER_DONE;
	}
	if (rc != 0)
		return coffer_asset_outcome(rc);
	struct coffer_asset a;
	rc = S->asset_at(txn, tenant, comp.id, source, &a);
	if (rc == COFFER_ENOTFOUND) {
		DROP_FAIL(host, d->ctx, "DROP failed: slot empty character=%u type=%u slot=%d",
		          cmd.character_id, (unsigned)cmd.inventory_type, source);
		return COFFER_DONE;
	}
	if (rc != 0)
		return coffer_asset_outcome(rc);
	uint64_t reserved = 0;
	if ((rc = S->reserved_quantity(txn, tenant, a.id, &reserved)) != 0)
		return coffer_asset_outcome(rc);
	uint32_t total = S->asset_qty(&a);
	enum drop_take_verdict verdict = drop_rules_take(total, reserved, (uint32_t)quantity);
	if (verdict == DROP_TAKE_REFUSE) {
		DROP_FAIL(host, d->ctx,
		          "DROP failed: not enough character=%u slot=%d quantity=%d total=%u "
		          "reserved=%llu",
		          cmd.character_id, source, quantity, total, (unsigned long long)reserved);
		return COFFER_DONE;
	}

	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, comp.id};
	if (verdict == DROP_TAKE_DELETE) {
		rc = S->asset_delete(txn, tenant, a.id);
		if (rc == 0)
			rc = S->emit_asset_deleted(txn, &ev, &a);
	} else {
		uint32_t left = total - (uint32_t)quantity;
		rc = S->asset_set_quantity(txn, tenant, a.id, left);
		if (rc == 0)
			rc = S->emit_asset_quantity(txn, &ev, &a, left);
	}
	if (rc != 0)
		return coffer_asset_outcome(rc);

	/* The item exists only as this command until the drop side creates the drop
	 * (kafka-contract.md#processing-model point 6); both leave with this transaction's outbox, in this order. */
	struct drop_row r;
	drop_rules_spawn_of_asset(&a, cmd.inventory_type, (uint32_t)quantity, cmd.character_id, x, y,
	                          &r);
	memcpy(r.txn_id, cmd.transaction_id, sizeof r.txn_id);
	r.loc = loc;
	/* Keyed by mapId: no drop id exists yet (kafka-contract.md#keys). */
	return emit_drop_cmd(d, txn, loc.map, drop_cmd_spawn_from_character(&r));
}

/* ------------------------------------------------------------------ pick-up on RESERVED */

/* The decoded RESERVED event (kafka-contract.md#drop-reserved-as-the-inventory-reads-it). */
struct pickup {
	char txn_id[37];         /* T: the event's, or a new one when nil (OP-28) */
	struct drop_loc loc;
	uint32_t drop_id;
	uint32_t character;
	uint32_t item_id;
	uint32_t equipment_id;
	uint32_t quantity;
	struct coffer_equip_stats stats;
	bool has_stats;          /* at least one of the sixteen keys is present (kafka-contract.md#equipment-pick-up step 4) */
};

static void decode_pickup(struct cu_dec *dec, const struct coffer_msg *msg, struct pickup *p)
{
	memset(p, 0, sizeof *p);
	cu_uuid(dec, msg->json, "transactionId", p->txn_id);
	p->loc.world = cu_u8(dec, msg->json, "worldId");
	p->loc.channel = cu_u8(dec, msg->json, "channelId");
	p->loc.map = cu_u32(dec, msg->json, "mapId");
	p->drop_id = cu_u32(dec, msg->json, "dropId");
	const json_t *body = cu_obj(dec, msg->json, "body");
	p->character = cu_u32(dec, body, "characterId");
	p->item_id = cu_u32(dec, body, "itemId");
	p->equipment_id = cu_u32(dec, body, "equipmentId");
	p->quantity = cu_u32(dec, body, "quantity");
	(void)cu_u32(dec, body, "meso"); /* validated; meso drops are not ours (kafka-contract.md#meso) */
	uint16_t stats[DROP_NSTATS];
	for (int i = 0; i < DROP_NSTATS; i++) {
		stats[i] = cu_u16(dec, body, drop_stat_json[i]);
		/* A null value reads as missing (kafka-contract.md#json-as-read), so it does not count as given. */
		const json_t *v = body ? json_object_get(body, drop_stat_json[i]) : NULL;
		if (v != NULL && !json_is_null(v))
			p->has_stats = true;
	}
	drop_rules_stats_from_array(stats, &p->stats);
}

/* The result of planning a credit: CREDIT_FAIL means nothing was written. */
enum credit {
	CREDIT_OK = 0,
	CREDIT_FAIL = 1,
};

/* kafka-contract.md#equipment-pick-up: equipment, a new equipable from the inline statistics. Returns CREDIT_OK with its
 * events emitted, CREDIT_FAIL with nothing written, or a service error code (< 0). */
static int credit_equipment(const struct drop *d, coffer_txn *txn, const char *tenant,
                            const struct pickup *p)
{
	const struct coffer_host *host = d->host;
	const struct coffer_svc_asset *S = d->asset;
	if (S->template_type(p->item_id) != COFFER_INV_EQUIP) {
		DROP_FAIL(host, d->ctx, "pick-up failed: equipment drop with itemId=%u dropId=%u",
		          p->item_id, p->drop_id);
		return CREDIT_FAIL;
	}
	struct coffer_compartment comp;
	int rc = S->compartment_lock(txn, tenant, p->character, COFFER_INV_EQUIP, &comp);
	if (rc == COFFER_ENOTFOUND) {
		DROP_FAIL(host, d->ctx, "pick-up failed: no compartment character=%u type=1 dropId=%u",
		          p->character, p->drop_id);
		return CREDIT_FAIL;
	}
	if (rc != 0)
		return rc;
	int16_t slot;
	rc = S->next_free_slot(txn, tenant, &comp, &slot);
	if (rc == COFFER_ENOTFOUND) {
		DROP_FAIL(host, d->ctx, "pick-up failed: inventory full character=%u type=1 dropId=%u",
		          p->character, p->drop_id);
		return CREDIT_FAIL;
	}
	if (rc != 0)
		return rc;
	struct coffer_asset a;
	if (p->has_stats) {
		S->asset_blank(&a, p->item_id, COFFER_KIND_EQUIPABLE);
		a.stats = p->stats;
	} else {
		/* A producer that sends no statistics: the template's values (kafka-contract.md#equipment-statistics-travel-inline). */
		rc = S->asset_from_template(txn, tenant, p->item_id, p->character, &a);
		if (rc == COFFER_ENOTFOUND || rc == COFFER_EINVAL) {
			DROP_FAIL(host, d->ctx, "pick-up failed: unknown template=%u dropId=%u",
			          p->item_id, p->drop_id);
			return CREDIT_FAIL;
		}
		if (rc != 0)
			return rc;
	}
	memcpy(a.compartment_id, comp.id, sizeof a.compartment_id);
	a.slot = slot;
	a.reference_id = 0; /* a fresh equipment id: the new asset's own (OP-27) */

	struct coffer_evctx ev = {p->txn_id, p->character, comp.id};
	rc = S->asset_insert(txn, tenant, &a);
	if (rc == 0)
		rc = S->emit_asset_created(txn, &ev, &a);
	return rc;
}

/* kafka-contract.md#item-pick-up: an item, stacked onto the first stack with room, the rest in the next free slot. */
static int credit_item(const struct drop *d, coffer_txn *txn, const char *tenant,
                       const struct pickup *p)
{
	const struct coffer_host *host = d->host;
	const struct coffer_svc_asset *S = d->asset;
	uint8_t type = S->template_type(p->item_id);
	if (type == 0) {
		DROP_FAIL(host, d->ctx, "pick-up failed: itemId=%u has no inventory type dropId=%u",
		          p->item_id, p->drop_id);
		return CREDIT_FAIL;
	}
	struct coffer_compartment comp;
	int rc = S->compartment_lock(txn, tenant, p->character, type, &comp);
	if (rc == COFFER_ENOTFOUND) {
		DROP_FAIL(host, d->ctx, "pick-up failed: no compartment character=%u type=%u dropId=%u",
		          p->character, (unsigned)type, p->drop_id);
		return CREDIT_FAIL;
	}
	if (rc != 0)
		return rc;
	uint32_t max;
	if ((rc = S->slot_max(txn, tenant, p->item_id, &max)) != 0)
		return rc;
	struct coffer_asset_list list = {0};
	if ((rc = S->asset_list(txn, tenant, comp.id, &list)) != 0)
		goto done;
	uint32_t q = p->quantity ? p->quantity : 1; /* OP-32 */
	struct drop_stack_plan plan;
	drop_rules_stack_plan(&list, p->item_id, q, max, S->kind_stackable, &plan);

	/* Everything that can fail is settled before the first write: filling D never frees
	 * or takes a slot, so the free slot of the list is the one the new asset gets. */
	struct coffer_asset n;
	if (plan.create) {
		int16_t slot = S->first_free_slot(&list, comp.capacity);
		if (slot == 0) {
			DROP_FAIL(host, d->ctx,
			          "pick-up failed: inventory full character=%u type=%u dropId=%u",
			          p->character, (unsigned)type, p->drop_id);
			rc = CREDIT_FAIL;
			goto done;
		}
		rc = S->asset_from_template(txn, tenant, p->item_id, p->character, &n);
		if (rc == COFFER_ENOTFOUND || rc == COFFER_EINVAL) {
			DROP_FAIL(host, d->ctx, "pick-up failed: unknown template=%u dropId=%u",
			          p->item_id, p->drop_id);
			rc = CREDIT_FAIL;
			goto done;
		}
		if (rc != 0)
			goto done;
		memcpy(n.compartment_id, comp.id, sizeof n.compartment_id);
		n.slot = slot;
		if (S->kind_stackable(n.kind))
			n.quantity = plan.create_qty;
	}

	struct coffer_evctx ev = {p->txn_id, p->character, comp.id};
	if (plan.fill) {
		const struct coffer_asset *dst = &list.v[plan.fill_index];
		rc = S->asset_set_quantity(txn, tenant, dst->id, plan.fill_to);
		if (rc == 0)
			rc = S->emit_asset_quantity(txn, &ev, dst, plan.fill_to);
		if (rc != 0)
			goto done;
	}
	if (plan.create) {
		rc = S->asset_insert(txn, tenant, &n);
		if (rc == 0)
			rc = S->emit_asset_created(txn, &ev, &n);
	}
done:
	S->asset_list_free(&list);
	return rc;
}

enum coffer_outcome drop_on_drop_reserved(coffer_ctx *ctx, coffer_txn *txn,
                                          const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	struct drop *d = ud;
	const struct coffer_host *host = d->host;
	const char *tenant = msg->tenant->id;
	struct cu_dec dec = {0};
	struct pickup p;
	decode_pickup(&dec, msg, &p);
	if (dec.bad)
		return host->reject(txn, "RESERVED: %s", dec.err);
	/* Nobody could be answered about drop 0 or for character 0 (kafka-contract.md#pick-up-on-drop-reserved checks). */
	if (p.drop_id == 0 || p.character == 0)
		return host->reject(txn, "RESERVED with dropId=%u characterId=%u", p.drop_id,
		                    p.character);

	/* kafka-contract.md#pick-up-on-drop-reserved step 1: a drop already credited changes nothing and gets no second answer. */
	bool credited;
	int rc = drop_sql_pickup_exists(d, txn, tenant, p.drop_id, &credited);
	if (rc != 0)
		return COFFER_RETRY;
	if (credited) {
		COFFER_LOG_DBG(d->ctx, "RESERVED of a drop already credited dropId=%u characterId=%u",
		               p.drop_id, p.character);
		return COFFER_DONE;
	}
	if (p.equipment_id == 0 && p.item_id == 0)
		return COFFER_DONE; /* a meso drop: the character plugin's (kafka-contract.md#meso) */
	/* OP-28: one id correlates the whole pick-up; a nil one is replaced once. */
	if (strcmp(p.txn_id, CU_NIL_UUID) == 0)
		host->uuid(p.txn_id);

	/* The template id is the event's: its row (slot max, or the statistics of equipment that
	 * travels without them) is fetched from the data service, when missing, before the
	 * compartment lock. */
	const struct coffer_svc_asset *S = d->asset;
	uint8_t itype = S->template_type(p.item_id);
	bool needs = (itype >= COFFER_INV_USE && itype <= COFFER_INV_ETC) ||
	             (itype == COFFER_INV_EQUIP && !(p.equipment_id > 0 && p.has_stats));
	if (needs && COFFER_SVC_ASSET_HAS(S, template_load) &&
	    (rc = S->template_load(txn, msg->tenant, p.item_id, NULL)) != 0)
		return coffer_asset_outcome(rc);

	rc = p.equipment_id > 0 ? credit_equipment(d, txn, tenant, &p)
	                        : credit_item(d, txn, tenant, &p);
	if (rc == CREDIT_FAIL)
		/* Nothing was written: the cancel goes out alone and the drop can be reserved
		 * again, by anyone (no marker). */
		return emit_drop_cmd(d, txn, p.drop_id,
		                     drop_cmd_answer(p.txn_id, &p.loc, "CANCEL_RESERVATION", p.drop_id,
		                                     p.character));
	if (rc != 0)
		return coffer_asset_outcome(rc);
	/* A concurrent delivery that credited first makes this insert fail: the retry then
	 * finds its marker and does nothing. */
	rc = drop_sql_pickup_store(d, txn, tenant, p.drop_id, p.txn_id, p.character,
	                           host->now(txn));
	if (rc != 0)
		return COFFER_RETRY;
	return emit_drop_cmd(d, txn, p.drop_id,
	                     drop_cmd_answer(p.txn_id, &p.loc, "REQUEST_PICK_UP", p.drop_id,
	                                     p.character));
}
