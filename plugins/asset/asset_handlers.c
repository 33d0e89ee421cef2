/* SPDX-License-Identifier: MIT */
/* plugins/asset/asset_handlers.c: one function per message type the asset plugin handles:
 * CREATE_ASSET (kafka-contract.md#create_asset), DESTROY (kafka-contract.md#destroy), RECHARGE (kafka-contract.md#recharge), ACCEPT (kafka-contract.md#accept), RELEASE (kafka-contract.md#release) on
 * COMMAND_TOPIC_COMPARTMENT and UPDATED (kafka-contract.md#equipable-updated) on EVENT_TOPIC_EQUIPABLE_STATUS. Each follows the
 * locking protocol of include/coffer/svc/asset.h and decides (and logs) its own outcome. */
#include "asset.h"

#include <string.h>

#include "util.h"

#define H asset_host

/* The outcome of a failed service call: COFFER_RETRY for everything the host may fix. */
#define FAIL(rc) coffer_asset_outcome(rc)

/* Decode the envelope; REJECT with the reason unless it is good. */
static enum coffer_outcome decode_or_reject(coffer_txn *txn, const struct coffer_msg *msg,
                                            unsigned flags, struct coffer_compartment_cmd *cmd)
{
	enum coffer_cmd_status st = asset_svc_cmd_decode(msg, flags, cmd);
	if (st != COFFER_CMD_OK)
		return H->reject(txn, "%s: %s", msg->type, cmd->err);
	return COFFER_DONE;
}

/* ------------------------------------------------------------------ CREATE_ASSET */

enum coffer_outcome asset_on_create_asset(coffer_ctx *ctx, coffer_txn *txn,
                                          const struct coffer_msg *msg, void *ud)
{
	(void)ud;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	if (decode_or_reject(txn, msg, 0, &cmd) != COFFER_DONE)
		return COFFER_REJECT;
	struct cu_dec d = {0};
	uint32_t template_id = cu_u32(&d, cmd.body, "templateId");
	uint32_t quantity = cu_u32(&d, cmd.body, "quantity");
	int64_t expiration = cu_time(&d, cmd.body, "expiration");
	uint32_t owner_id = cu_u32(&d, cmd.body, "ownerId");
	uint16_t flag = cu_u16(&d, cmd.body, "flag");
	uint64_t rechargeable = cu_u64(&d, cmd.body, "rechargeable");
	if (d.bad)
		return H->reject(txn, "CREATE_ASSET: %s", d.err);
	/* Checks (kafka-contract.md#create_asset, OP-20): the template's type must be the command's. */
	uint8_t type = asset_rules_template_type(template_id);
	if (type == 0 || type != cmd.inventory_type)
		return H->reject(txn, "CREATE_ASSET: templateId %u is not of inventoryType %u",
		                 template_id, (unsigned)cmd.inventory_type);
	enum coffer_asset_kind kind = asset_rules_kind_for_template(template_id);
	if (asset_rules_stackable(kind) && quantity < 1)
		return H->reject(txn, "CREATE_ASSET: quantity 0 for stackable templateId %u", template_id);
	/* A DATETIME(6) column cannot hold it; the reference would have stored garbage. */
	if (!asset_rules_expiration_ok(expiration))
		return H->reject(txn, "CREATE_ASSET: expiration out of range");

	/* Equipment is built from its template: fetched (when missing and a data service is
	 * configured) before the lock, so no compartment waits on HTTP. */
	int rc;
	if (kind == COFFER_KIND_EQUIPABLE && (rc = asset_data_ensure(txn, msg->tenant, template_id)) != 0)
		return FAIL(rc);
	struct coffer_compartment c;
	rc = asset_sql_compartment_lock(txn, tenant, cmd.character_id, cmd.inventory_type, &c);
	if (rc == COFFER_ENOTFOUND) {
		COFFER_LOGH(H, ctx, COFFER_LOG_INFO,
		            "CREATE_ASSET failed: no compartment character=%u type=%u", cmd.character_id,
		            (unsigned)cmd.inventory_type);
		return COFFER_DONE;
	}
	if (rc != 0)
		return FAIL(rc);
	int16_t slot;
	rc = asset_svc_next_free_slot(txn, tenant, &c, &slot);
	if (rc == COFFER_ENOTFOUND) {
		COFFER_LOGH(H, ctx, COFFER_LOG_INFO,
		            "CREATE_ASSET failed: inventory full character=%u type=%u template=%u",
		            cmd.character_id, (unsigned)c.type, template_id);
		return COFFER_DONE;
	}
	if (rc != 0)
		return FAIL(rc);
	struct coffer_asset a;
	rc = asset_svc_from_template(txn, tenant, template_id, cmd.character_id, &a);
	if (rc == COFFER_ENOTFOUND) {
		COFFER_LOGH(H, ctx, COFFER_LOG_INFO, "CREATE_ASSET failed: unknown equipment template=%u",
		            template_id);
		return COFFER_DONE;
	}
	if (rc != 0)
		return FAIL(rc);
	/* Which command fields each kind takes: the table of kafka-contract.md#create_asset. */
	a.expiration_us = expiration;
	switch (a.kind) {
	case COFFER_KIND_CONSUMABLE:
	case COFFER_KIND_SETUP:
	case COFFER_KIND_ETC:
		a.quantity = quantity;
		a.owner_id = owner_id;
		a.flag = flag;
		a.rechargeable = rechargeable;
		break;
	case COFFER_KIND_CASH:
		a.quantity = quantity;
		a.flag = flag;
		break;
	default: /* equipable, pet: built from the template alone */
		break;
	}
	memcpy(a.compartment_id, c.id, sizeof a.compartment_id);
	a.slot = slot;
	if ((rc = asset_sql_insert(txn, tenant, &a)) != 0)
		return FAIL(rc);
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, c.id};
	if ((rc = asset_ev_created(txn, &ev, &a)) != 0)
		return FAIL(rc);
	return COFFER_DONE;
}

/* Lock the command's compartment and read the asset in @p slot, in one statement: 0,
 * COFFER_ENOTFOUND (slot empty), LOCK_AT_NO_COMPARTMENT, or a SQL error. */
#define LOCK_AT_NO_COMPARTMENT 1
static int lock_at(coffer_txn *txn, const char *tenant, const struct coffer_compartment_cmd *cmd,
                   struct coffer_compartment *c, int16_t slot, struct coffer_asset *a)
{
	bool found = false;
	struct coffer_asset same;
	int rc = asset_sql_compartment_lock_pair(txn, tenant, cmd->character_id, cmd->inventory_type,
	                                         c, slot, a, &found, slot, &same, &found);
	if (rc == COFFER_ENOTFOUND)
		return LOCK_AT_NO_COMPARTMENT;
	if (rc != 0)
		return rc;
	return found ? 0 : COFFER_ENOTFOUND;
}

/* ------------------------------------------------------------------ DESTROY */

int asset_destroy_all(coffer_txn *txn, const char *tenant, const struct coffer_evctx *ev,
                      const struct coffer_asset *a)
{
	int rc = asset_sql_delete(txn, tenant, a->id);
	return rc ? rc : asset_ev_deleted(txn, ev, a);
}

enum coffer_outcome asset_on_destroy(coffer_ctx *ctx, coffer_txn *txn,
                                     const struct coffer_msg *msg, void *ud)
{
	(void)ud;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	if (decode_or_reject(txn, msg, 0, &cmd) != COFFER_DONE)
		return COFFER_REJECT;
	struct cu_dec d = {0};
	int16_t slot = cu_i16(&d, cmd.body, "slot");
	uint32_t quantity = cu_u32(&d, cmd.body, "quantity");
	bool remove_all = cu_bool(&d, cmd.body, "removeAll");
	if (d.bad)
		return H->reject(txn, "DESTROY: %s", d.err);
	if (slot == 0)
		return H->reject(txn, "DESTROY: slot 0");

	struct coffer_compartment c;
	struct coffer_asset a;
	/* The lock and the asset in one statement (README.md, "Statements per command"). */
	int rc = lock_at(txn, tenant, &cmd, &c, slot, &a);
	if (rc == LOCK_AT_NO_COMPARTMENT) {
		COFFER_LOGH(H, ctx, COFFER_LOG_INFO, "DESTROY failed: no compartment character=%u type=%u",
		            cmd.character_id, (unsigned)cmd.inventory_type);
		return COFFER_DONE;
	}
	if (rc == COFFER_ENOTFOUND) {
		COFFER_LOGH(H, ctx, COFFER_LOG_INFO, "DESTROY failed: slot empty character=%u type=%u slot=%d",
		            cmd.character_id, (unsigned)c.type, slot);
		return COFFER_DONE;
	}
	if (rc != 0)
		return FAIL(rc);
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, c.id};
	uint32_t left;
	/* removeAll and quantity 0 both mean "everything" (kafka-contract.md#destroy). */
	if (asset_rules_destroy(&a, remove_all ? 0 : quantity, &left)) {
		rc = asset_destroy_all(txn, tenant, &ev, &a);
	} else {
		if ((rc = asset_sql_set_quantity(txn, tenant, a.id, left)) == 0)
			rc = asset_ev_quantity(txn, &ev, &a, left);
	}
	return rc ? FAIL(rc) : COFFER_DONE;
}

/* ------------------------------------------------------------------ RECHARGE */

enum coffer_outcome asset_on_recharge(coffer_ctx *ctx, coffer_txn *txn,
                                      const struct coffer_msg *msg, void *ud)
{
	(void)ud;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	if (decode_or_reject(txn, msg, 0, &cmd) != COFFER_DONE)
		return COFFER_REJECT;
	struct cu_dec d = {0};
	int16_t slot = cu_i16(&d, cmd.body, "slot");
	uint32_t quantity = cu_u32(&d, cmd.body, "quantity");
	if (d.bad)
		return H->reject(txn, "RECHARGE: %s", d.err);
	if (slot == 0)
		return H->reject(txn, "RECHARGE: slot 0");
	if (cmd.inventory_type != COFFER_INV_USE) {
		COFFER_LOGH(H, ctx, COFFER_LOG_INFO, "RECHARGE failed: inventoryType %u is not USE",
		            (unsigned)cmd.inventory_type);
		return COFFER_DONE;
	}

	struct coffer_compartment c;
	struct coffer_asset a;
	int rc = lock_at(txn, tenant, &cmd, &c, slot, &a);
	if (rc == LOCK_AT_NO_COMPARTMENT) {
		COFFER_LOGH(H, ctx, COFFER_LOG_INFO, "RECHARGE failed: no compartment character=%u",
		            cmd.character_id);
		return COFFER_DONE;
	}
	if (rc != 0 && rc != COFFER_ENOTFOUND)
		return FAIL(rc);
	if (rc == COFFER_ENOTFOUND || !asset_rules_stackable(a.kind)) {
		COFFER_LOGH(H, ctx, COFFER_LOG_INFO,
		            "RECHARGE failed: no stackable asset character=%u slot=%d", cmd.character_id,
		            slot);
		return COFFER_DONE;
	}
	/* No slot-max cap and no rechargeability check (OP-30). */
	uint32_t q = asset_rules_recharge(a.quantity, quantity);
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, c.id};
	if ((rc = asset_sql_set_quantity(txn, tenant, a.id, q)) == 0)
		rc = asset_ev_quantity(txn, &ev, &a, q);
	return rc ? FAIL(rc) : COFFER_DONE;
}

/* ------------------------------------------------------------------ ACCEPT, RELEASE */

/* The failure answer of ACCEPT / RELEASE (kafka-contract.md#accept): the whole transaction carries only it, because
 * both handlers decide before their first write. */
static enum coffer_outcome answer_error(coffer_ctx *ctx, coffer_txn *txn,
                                        const struct coffer_compartment_cmd *cmd,
                                        const char *compartment_id, const char *code,
                                        const char *why)
{
	COFFER_LOGH(H, ctx, COFFER_LOG_INFO, "%s failed: %s character=%u type=%u", cmd->type, why,
	            cmd->character_id, (unsigned)cmd->inventory_type);
	struct coffer_evctx ev = {cmd->transaction_id, cmd->character_id, compartment_id};
	int rc = asset_ev_compartment_error(txn, &ev, code);
	return rc ? FAIL(rc) : COFFER_DONE;
}

/* The common start of ACCEPT and RELEASE: decode (undecodable: reject), read the
 * u32 body field @p field, answer ERROR @p code for an invalid envelope, lock the
 * compartment (none: ERROR). True: go on with *c locked; false: the handler
 * returns *out. */
static bool cash_cmd_start(coffer_ctx *ctx, coffer_txn *txn, const struct coffer_msg *msg,
                           const char *code, const char *field,
                           struct coffer_compartment_cmd *cmd, uint32_t *value,
                           struct coffer_compartment *c, enum coffer_outcome *out)
{
	enum coffer_cmd_status st = asset_svc_cmd_decode(msg, COFFER_CMD_BODY_TXN, cmd);
	if (st == COFFER_CMD_UNDECODABLE) {
		*out = H->reject(txn, "%s: %s", msg->type, cmd->err);
		return false;
	}
	struct cu_dec d = {0};
	*value = cu_u32(&d, cmd->body, field);
	if (d.bad) {
		*out = H->reject(txn, "%s: %s", msg->type, d.err);
		return false;
	}
	if (st == COFFER_CMD_INVALID) {
		*out = answer_error(ctx, txn, cmd, NULL, code, cmd->err);
		return false;
	}
	int rc = asset_sql_compartment_lock(txn, msg->tenant->id, cmd->character_id,
	                                    cmd->inventory_type, c);
	if (rc == COFFER_ENOTFOUND)
		*out = answer_error(ctx, txn, cmd, NULL, code, "no compartment");
	else if (rc != 0)
		*out = FAIL(rc);
	return rc == 0;
}

enum coffer_outcome asset_on_accept(coffer_ctx *ctx, coffer_txn *txn,
                                    const struct coffer_msg *msg, void *ud)
{
	(void)ud;
	static const char code[] = "ACCEPT_COMMAND_FAILED";
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	struct coffer_compartment c;
	uint32_t reference_id;
	enum coffer_outcome o;
	if (!cash_cmd_start(ctx, txn, msg, code, "referenceId", &cmd, &reference_id, &c, &o))
		return o;
	int rc;
	int16_t slot;
	rc = asset_svc_next_free_slot(txn, tenant, &c, &slot);
	if (rc == COFFER_ENOTFOUND)
		return answer_error(ctx, txn, &cmd, c.id, code, "inventory full");
	if (rc != 0)
		return FAIL(rc);
	struct coffer_cash_item item;
	/* referenceId 0 would read as "use the asset id" on insert: no cash item has id 0. */
	rc = reference_id ? asset_svc_cash_item(txn, tenant, reference_id, &item) : COFFER_ENOTFOUND;
	if (rc == COFFER_ENOTFOUND)
		return answer_error(ctx, txn, &cmd, c.id, code, "unknown cash item");
	if (rc != 0)
		return FAIL(rc);
	struct coffer_asset a;
	/* A pet accepted into CASH stays kind cash (OP-25). */
	asset_rules_blank(&a, item.template_id,
	                  c.type == COFFER_INV_EQUIP ? COFFER_KIND_CASH_EQUIPABLE : COFFER_KIND_CASH);
	memcpy(a.compartment_id, c.id, sizeof a.compartment_id);
	a.slot = slot;
	a.reference_id = reference_id;
	a.quantity = a.kind == COFFER_KIND_CASH_EQUIPABLE ? 1 : item.quantity;
	a.cash_id = item.cash_id;
	a.flag = item.flag;
	a.purchased_by = item.purchased_by;
	if ((rc = asset_sql_insert(txn, tenant, &a)) != 0)
		return FAIL(rc);
	/* No asset CREATED for the accepted asset (OP-25). */
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, c.id};
	rc = asset_ev_compartment_txn(txn, &ev, "ACCEPTED");
	return rc ? FAIL(rc) : COFFER_DONE;
}

enum coffer_outcome asset_on_release(coffer_ctx *ctx, coffer_txn *txn,
                                     const struct coffer_msg *msg, void *ud)
{
	(void)ud;
	static const char code[] = "RELEASE_COMMAND_FAILED";
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	struct coffer_compartment c;
	uint32_t reference_id;
	enum coffer_outcome o;
	if (!cash_cmd_start(ctx, txn, msg, code, "assetId", &cmd, &reference_id, &c, &o))
		return o;
	int rc;
	struct coffer_asset a;
	/* body.assetId is matched against referenceId, not the asset id (kafka-contract.md#release). */
	rc = asset_sql_by_reference(txn, tenant, c.id, reference_id, &a);
	if (rc == COFFER_ENOTFOUND)
		return answer_error(ctx, txn, &cmd, c.id, code, "no asset with that referenceId");
	if (rc != 0)
		return FAIL(rc);
	if ((rc = asset_sql_delete(txn, tenant, a.id)) != 0)
		return FAIL(rc);
	/* No asset DELETED (OP-25). */
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, c.id};
	rc = asset_ev_compartment_txn(txn, &ev, "RELEASED");
	return rc ? FAIL(rc) : COFFER_DONE;
}

/* ------------------------------------------------------------------ equipable UPDATED */

enum coffer_outcome asset_on_equipable_updated(coffer_ctx *ctx, coffer_txn *txn,
                                               const struct coffer_msg *msg, void *ud)
{
	(void)ud;
	const char *tenant = msg->tenant->id;
	struct cu_dec d = {0};
	uint32_t id = cu_u32(&d, msg->json, "id");
	const json_t *b = cu_obj(&d, msg->json, "body");
	/* Decode every body field before anything else, so a bad one rejects the message. */
	struct coffer_asset upd;
	memset(&upd, 0, sizeof upd);
	static const char *const stat_names[16] = {
		"strength",     "dexterity",    "intelligence",  "luck",         "hp",       "mp",
		"weaponAttack", "magicAttack",  "weaponDefense", "magicDefense", "accuracy",
		"avoidability", "hands",        "speed",         "jump",         "slots"};
	for (int i = 0; i < COFFER_EQUIP_NSTATS; i++)
		upd.stats.v[i] = cu_u16(&d, b, stat_names[i]);
	const char *owner_name = cu_str(&d, b, "ownerName");
	upd.locked = cu_bool(&d, b, "locked");
	upd.spikes = cu_bool(&d, b, "spikes");
	upd.karma_used = cu_bool(&d, b, "karmaUsed");
	upd.cold = cu_bool(&d, b, "cold");
	upd.can_be_traded = cu_bool(&d, b, "canBeTraded");
	upd.level_type = cu_u8(&d, b, "levelType");
	upd.level = cu_u8(&d, b, "level");
	upd.experience = cu_u32(&d, b, "experience");
	upd.hammers_applied = cu_u32(&d, b, "hammersApplied");
	(void)cu_time(&d, b, "expiration"); /* checked, never applied (OP-29) */
	if (d.bad)
		return H->reject(txn, "equipable UPDATED: %s", d.err);
	if (id == 0)
		return H->reject(txn, "equipable UPDATED: id 0");

	/* kafka-contract.md#locking: find it plainly, lock its compartment, read it again. */
	struct coffer_asset e;
	int rc = asset_sql_equipable_by_reference(txn, tenant, id, &e);
	if (rc == COFFER_ENOTFOUND) {
		COFFER_LOGH(H, ctx, COFFER_LOG_DEBUG, "equipable UPDATED: no equipable id=%u", id);
		return COFFER_DONE;
	}
	if (rc != 0)
		return FAIL(rc);
	struct coffer_compartment c;
	rc = asset_sql_compartment_lock_id(txn, tenant, e.compartment_id, &c);
	if (rc == 0)
		rc = asset_sql_get(txn, tenant, e.id, &e);
	if (rc == COFFER_ENOTFOUND || (rc == 0 && strcmp(e.compartment_id, c.id) != 0)) {
		/* Gone meanwhile (or moved away, which no flow does): nothing to relay. */
		COFFER_LOGH(H, ctx, COFFER_LOG_DEBUG, "equipable UPDATED: id=%u disappeared", id);
		return COFFER_DONE;
	}
	if (rc != 0)
		return FAIL(rc);
	e.stats = upd.stats;
	/* owner_name is VARCHAR(32) under STRICT mode: keep its first 32 characters. */
	asset_rules_utf8_prefix(owner_name, strlen(owner_name), ASSET_NAME_CHARS, e.owner_name,
	                        sizeof e.owner_name);
	e.locked = upd.locked;
	e.spikes = upd.spikes;
	e.karma_used = upd.karma_used;
	e.cold = upd.cold;
	e.can_be_traded = upd.can_be_traded;
	e.level_type = upd.level_type;
	e.level = upd.level;
	e.experience = upd.experience;
	e.hammers_applied = upd.hammers_applied;
	if ((rc = asset_sql_update_equipment(txn, tenant, &e)) != 0)
		return FAIL(rc);
	char tid[37];
	H->uuid(tid); /* the topic carries no transaction id (kafka-contract.md#equipable-updated step 5) */
	struct coffer_evctx ev = {tid, c.character_id, c.id};
	rc = asset_ev_updated(txn, &ev, &e);
	return rc ? FAIL(rc) : COFFER_DONE;
}
