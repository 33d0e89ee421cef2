/* SPDX-License-Identifier: MIT */
/* plugins/reservation/reservation_handlers.c: one function per COMMAND_TOPIC_COMPARTMENT type
 * the reservation plugin handles: REQUEST_RESERVE (kafka-contract.md#request_reserve), CONSUME (kafka-contract.md#consume) and
 * CANCEL_RESERVATION (kafka-contract.md#cancel_reservation-compartment).
 *
 * Each follows the locking protocol of include/coffer/svc/asset.h: decode and validate the
 * whole message first (REJECT needs no rollback), lock the compartment row, decide on the
 * locked state, then write and emit in the contract's order. Business failures end COFFER_DONE
 * with nothing written and one log line; any other service or SQL code ends COFFER_RETRY.
 * The effective transaction id T is the envelope's, or the body's when that one is nil
 * (kafka-contract.md#compartment-command-envelope): cmd_decode with COFFER_CMD_BODY_TXN. */
#include "reservation.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define H reservation_host
#define A reservation_asset

/* The outcome of a failed service or SQL call: the host rolls back and redelivers. */
#define FAIL(rc) coffer_asset_outcome(rc)

/* A business failure: logged, nothing written, no event (kafka-contract.md#processing-model). */
#define FAILS(ctx, ...) (COFFER_LOGH(H, ctx, COFFER_LOG_INFO, __VA_ARGS__), COFFER_DONE)

static enum coffer_outcome decode_or_reject(coffer_txn *txn, const struct coffer_msg *msg,
                                            struct coffer_compartment_cmd *cmd)
{
	enum coffer_cmd_status st = A->cmd_decode(msg, COFFER_CMD_BODY_TXN, cmd);
	if (st != COFFER_CMD_OK)
		return H->reject(txn, "%s: %s", msg->type, cmd->err);
	return COFFER_DONE;
}

/* ------------------------------------------------------------------ REQUEST_RESERVE */

/* Decode body.items into @p *out (count in @p *n): every entry an object whose fields fit their
 * widths (kafka-contract.md#compartment-command-envelope, kafka-contract.md#json-as-read) and whose source is not 0 (kafka-contract.md#request_reserve checks). REJECT (reason recorded) or
 * COFFER_DONE; on COFFER_DONE the caller frees *out. */
static enum coffer_outcome decode_items(coffer_txn *txn, const json_t *body,
                                        struct rsv_item **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct cu_dec d = {0};
	const json_t *arr = cu_arr(&d, body, "items");
	if (d.bad)
		return H->reject(txn, "REQUEST_RESERVE: %s", d.err);
	size_t count = arr ? json_array_size(arr) : 0;
	if (count == 0)
		return COFFER_DONE;
	struct rsv_item *items = calloc(count, sizeof *items);
	if (items == NULL)
		return COFFER_RETRY; /* out of memory: nothing done yet, try again */
	for (size_t i = 0; i < count; i++) {
		const json_t *e = json_array_get(arr, i);
		/* A null entry would read as all zeroes, whose source 0 is refused below anyway. */
		if (!json_is_object(e)) {
			free(items);
			return H->reject(txn, "REQUEST_RESERVE: items[%zu] is not an object", i);
		}
		items[i].source = cu_i16(&d, e, "source");
		items[i].item_id = cu_u32(&d, e, "itemId");
		items[i].quantity = cu_i16(&d, e, "quantity");
		if (d.bad) {
			free(items);
			return H->reject(txn, "REQUEST_RESERVE: items[%zu]: %s", i, d.err);
		}
		if (items[i].source == 0) {
			free(items);
			return H->reject(txn, "REQUEST_RESERVE: items[%zu].source is 0", i);
		}
	}
	*out = items;
	*n = count;
	return COFFER_DONE;
}

/* Steps 2 and 3 of kafka-contract.md#request_reserve on the locked compartment @p c. */
static enum coffer_outcome reserve_items(coffer_ctx *ctx, coffer_txn *txn, const char *tenant,
                                         const struct coffer_compartment_cmd *cmd,
                                         const struct coffer_compartment *c,
                                         struct rsv_item *items, size_t nitems)
{
	struct coffer_asset_list list = {NULL, 0};
	int rc = A->asset_list(txn, tenant, c->id, &list);
	if (rc != 0) {
		A->asset_list_free(&list);
		return FAIL(rc);
	}
	size_t nstock = list.n;
	struct rsv_stock *stock = calloc(nstock ? nstock : 1, sizeof *stock);
	if (stock == NULL) {
		A->asset_list_free(&list);
		return COFFER_RETRY;
	}
	for (size_t k = 0; k < nstock; k++) {
		stock[k].slot = list.v[k].slot;
		stock[k].asset_id = list.v[k].id;
		stock[k].template_id = list.v[k].template_id;
		stock[k].qty = A->asset_qty(&list.v[k]);
	}
	A->asset_list_free(&list);
	reservation_rules_sort(stock, nstock);
	reservation_rules_resolve(stock, nstock, items, nitems);

	int64_t now = H->now(txn);
	/* Reserved quantities of the named assets only, read locked so the sweep leaves the rows
	 * this decision counted alone until commit. */
	for (size_t k = 0; k < nstock; k++) {
		if (!stock[k].used)
			continue;
		rc = reservation_sql_reserved(txn, tenant, stock[k].asset_id, now, true,
		                              &stock[k].reserved);
		if (rc != 0) {
			free(stock);
			return FAIL(rc);
		}
	}
	size_t bad = 0;
	enum rsv_verdict v = reservation_rules_plan(stock, nstock, items, nitems, &bad);
	if (v != RSV_OK) {
		/* All or nothing (OP-7): one failing item reserves nothing. */
		free(stock);
		return FAILS(ctx,
		             "REQUEST_RESERVE failed: %s character=%u type=%u item=%zu slot=%d "
		             "itemId=%u quantity=%d",
		             reservation_rules_verdict_name(v), cmd->character_id, (unsigned)c->type,
		             bad, items[bad].source, items[bad].item_id, items[bad].quantity);
	}

	struct coffer_evctx ev = {cmd->transaction_id, cmd->character_id, c->id};
	int64_t expires = now + COFFER_RESERVATION_TTL_US;
	for (size_t i = 0; i < nitems && rc == 0; i++) {
		const struct rsv_item *it = &items[i];
		/* quantity >= 0 here: the plan refused negative ones. */
		uint32_t q = (uint32_t)it->quantity;
		rc = reservation_sql_add(txn, tenant, stock[it->stock].asset_id, cmd->transaction_id,
		                         cmd->character_id, c->type, it->item_id, q, now, expires);
		if (rc == 0)
			rc = A->emit_compartment_reserved(txn, &ev, it->item_id, it->source, q);
	}
	free(stock);
	return rc ? FAIL(rc) : COFFER_DONE;
}

enum coffer_outcome reservation_on_request_reserve(coffer_ctx *ctx, coffer_txn *txn,
                                                   const struct coffer_msg *msg, void *ud)
{
	(void)ud;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	if (decode_or_reject(txn, msg, &cmd) != COFFER_DONE)
		return COFFER_REJECT;
	struct rsv_item *items;
	size_t n;
	enum coffer_outcome o = decode_items(txn, cmd.body, &items, &n);
	if (o != COFFER_DONE)
		return o;
	if (n == 0) {
		COFFER_LOGH(H, ctx, COFFER_LOG_DEBUG, "REQUEST_RESERVE: no items character=%u",
		            cmd.character_id);
		return COFFER_DONE;
	}
	struct coffer_compartment c;
	int rc = A->compartment_lock(txn, tenant, cmd.character_id, cmd.inventory_type, &c);
	if (rc == COFFER_ENOTFOUND)
		o = FAILS(ctx, "REQUEST_RESERVE failed: no compartment character=%u type=%u",
		          cmd.character_id, (unsigned)cmd.inventory_type);
	else if (rc != 0)
		o = FAIL(rc);
	else
		o = reserve_items(ctx, txn, tenant, &cmd, &c, items, n);
	free(items);
	return o;
}

/* ------------------------------------------------------------------ CONSUME, CANCEL_RESERVATION */

/* What CONSUME and CANCEL_RESERVATION share: decode the envelope and body.slot (REJECT on bad
 * input or slot 0), lock the compartment, A = the asset at slot, R = its active reservation of
 * T (steps 1 and 2 of kafka-contract.md#consume / kafka-contract.md#cancel_reservation-compartment). Returns COFFER_DONE with @p *found set when all three exist;
 * COFFER_DONE with *found false when the command fails without effect (logged; OP-11); else the
 * outcome to return. */
static enum coffer_outcome locate(coffer_ctx *ctx, coffer_txn *txn, const struct coffer_msg *msg,
                                  struct coffer_compartment_cmd *cmd, struct coffer_compartment *c,
                                  struct coffer_asset *a, struct rsv_row *r, bool *found)
{
	const char *tenant = msg->tenant->id;
	*found = false;
	if (decode_or_reject(txn, msg, cmd) != COFFER_DONE)
		return COFFER_REJECT;
	struct cu_dec d = {0};
	int16_t slot = cu_i16(&d, cmd->body, "slot");
	if (d.bad)
		return H->reject(txn, "%s: %s", msg->type, d.err);
	if (slot == 0)
		return H->reject(txn, "%s: slot 0", msg->type);

	/* The lock and the asset in one statement when the asset service offers it. */
	bool pair = COFFER_SVC_ASSET_HAS(A, compartment_lock_pair), have = false;
	struct coffer_asset same;
	int rc = pair ? A->compartment_lock_pair(txn, tenant, cmd->character_id, cmd->inventory_type,
	                                         c, slot, a, &have, slot, &same, &have)
	              : A->compartment_lock(txn, tenant, cmd->character_id, cmd->inventory_type, c);
	if (rc == COFFER_ENOTFOUND)
		return FAILS(ctx, "%s failed: no compartment character=%u type=%u", msg->type,
		             cmd->character_id, (unsigned)cmd->inventory_type);
	if (rc != 0)
		return FAIL(rc);
	rc = pair ? (have ? 0 : COFFER_ENOTFOUND) : A->asset_at(txn, tenant, c->id, slot, a);
	if (rc == COFFER_ENOTFOUND)
		return FAILS(ctx, "%s failed: slot empty character=%u type=%u slot=%d", msg->type,
		             cmd->character_id, (unsigned)c->type, slot);
	if (rc != 0)
		return FAIL(rc);
	/* Never made, expired, consumed or cancelled all read as "none" (kafka-contract.md#consume step 2). */
	rc = reservation_sql_active(txn, tenant, a->id, cmd->transaction_id, H->now(txn), r);
	if (rc == COFFER_ENOTFOUND)
		return FAILS(ctx, "%s failed: no active reservation character=%u type=%u slot=%d "
		             "assetId=%u transactionId=%s",
		             msg->type, cmd->character_id, (unsigned)c->type, slot, a->id,
		             cmd->transaction_id);
	if (rc != 0)
		return FAIL(rc);
	*found = true;
	return COFFER_DONE;
}

enum coffer_outcome reservation_on_consume(coffer_ctx *ctx, coffer_txn *txn,
                                           const struct coffer_msg *msg, void *ud)
{
	(void)ud;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	struct coffer_compartment c;
	struct coffer_asset a;
	struct rsv_row r;
	bool found;
	enum coffer_outcome o = locate(ctx, txn, msg, &cmd, &c, &a, &r, &found);
	if (o != COFFER_DONE || !found)
		return o;
	int rc = reservation_sql_delete(txn, tenant, a.id, cmd.transaction_id);
	if (rc != 0)
		return FAIL(rc);
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, c.id};
	uint32_t left;
	/* Subtract this reservation only; the other transactions' stay on the asset (OP-10). */
	if (reservation_rules_consume(A->kind_stackable(a.kind), A->asset_qty(&a), r.quantity,
	                              &left)) {
		/* The asset's other reservations go with it (ON DELETE CASCADE). */
		if ((rc = A->asset_delete(txn, tenant, a.id)) == 0)
			rc = A->emit_asset_deleted(txn, &ev, &a);
	} else {
		/* Emitted even when R.quantity is 0 and nothing changed (kafka-contract.md#consume step 4). */
		if ((rc = A->asset_set_quantity(txn, tenant, a.id, left)) == 0)
			rc = A->emit_asset_quantity(txn, &ev, &a, left);
	}
	return rc ? FAIL(rc) : COFFER_DONE;
}

enum coffer_outcome reservation_on_cancel_reservation(coffer_ctx *ctx, coffer_txn *txn,
                                                      const struct coffer_msg *msg, void *ud)
{
	(void)ud;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	struct coffer_compartment c;
	struct coffer_asset a;
	struct rsv_row r;
	bool found;
	enum coffer_outcome o = locate(ctx, txn, msg, &cmd, &c, &a, &r, &found);
	if (o != COFFER_DONE || !found)
		return o;
	int rc = reservation_sql_delete(txn, tenant, a.id, cmd.transaction_id);
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, c.id};
	/* The body has no transactionId (kafka-contract.md#compartment-status-events); slot is the command's, where the asset is. */
	if (rc == 0)
		rc = A->emit_compartment_cancelled(txn, &ev, r.item_id, a.slot, r.quantity);
	return rc ? FAIL(rc) : COFFER_DONE;
}
