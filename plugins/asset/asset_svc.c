/* SPDX-License-Identifier: MIT */
/* plugins/asset/asset_svc.c: the "asset" service v1 (include/coffer/svc/asset.h): the composite
 * functions (envelope decoding, free slot, reserved quantity, template-built assets, swap,
 * merge) and the published table binding them with the statements and event builders. */
#include "asset.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

#define H asset_host

/* ------------------------------------------------------------------ commands */

enum coffer_cmd_status asset_svc_cmd_decode(const struct coffer_msg *msg, unsigned flags,
                                            struct coffer_compartment_cmd *out)
{
	memset(out, 0, sizeof *out);
	struct cu_dec d = {0};
	const json_t *j = msg->json;
	char env_tid[37], body_tid[37];
	cu_uuid(&d, j, "transactionId", env_tid);
	out->character_id = cu_u32(&d, j, "characterId");
	out->inventory_type = cu_u8(&d, j, "inventoryType");
	out->body = cu_obj(&d, j, "body");
	memcpy(body_tid, CU_NIL_UUID, 37);
	if (flags & COFFER_CMD_BODY_TXN)
		cu_uuid(&d, out->body, "transactionId", body_tid);
	out->type = msg->type;
	if (d.bad) {
		snprintf(out->err, sizeof out->err, "%s", d.err);
		return COFFER_CMD_UNDECODABLE;
	}
	/* kafka-contract.md#compartment-command-envelope: older producers filled only the body's copy. */
	bool env_nil = strcmp(env_tid, CU_NIL_UUID) == 0;
	memcpy(out->transaction_id, env_nil ? body_tid : env_tid, 37);
	if (out->character_id == 0) {
		snprintf(out->err, sizeof out->err, "characterId is 0");
		return COFFER_CMD_INVALID;
	}
	if (!(flags & COFFER_CMD_ANY_TYPE) &&
	    (out->inventory_type < COFFER_INV_EQUIP || out->inventory_type > COFFER_INV_CASH)) {
		snprintf(out->err, sizeof out->err, "inventoryType %u not in 1..5",
		         (unsigned)out->inventory_type);
		return COFFER_CMD_INVALID;
	}
	return COFFER_CMD_OK;
}

/* ------------------------------------------------------------------ reads */

int asset_svc_next_free_slot(coffer_txn *txn, const char *tenant,
                             const struct coffer_compartment *c, int16_t *slot)
{
	int16_t slots[COFFER_CAPACITY_MAX * 4];
	size_t n = 0;
	uint32_t cap = c->capacity > sizeof slots / sizeof slots[0] ? sizeof slots / sizeof slots[0]
	                                                             : c->capacity;
	int rc = asset_sql_bag_slots(txn, tenant, c->id, cap, slots, sizeof slots / sizeof slots[0],
	                             &n);
	if (rc != 0)
		return rc;
	*slot = asset_rules_free_slot(slots, n, cap);
	return *slot ? 0 : COFFER_ENOTFOUND;
}

static int svc_reserved_quantity(coffer_txn *txn, const char *tenant, uint32_t asset_id,
                                 uint64_t *out)
{
	*out = 0;
	/* Looked up per call: the reservation plugin initialises after asset, and without it
	 * no reservation can exist. */
	const struct coffer_svc_reservation *r =
		H->lookup(H->txn_ctx(txn), COFFER_SVC_RESERVATION_NAME, COFFER_SVC_RESERVATION_VERSION);
	if (r == NULL || r->size < offsetof(struct coffer_svc_reservation, reserved_quantity) +
	                               sizeof r->reserved_quantity ||
	    r->reserved_quantity == NULL)
		return 0;
	return r->reserved_quantity(txn, tenant, asset_id, out);
}

static int svc_slot_max(coffer_txn *txn, const char *tenant, uint32_t template_id, uint32_t *out)
{
	uint8_t type = asset_rules_template_type(template_id);
	if (type < COFFER_INV_USE || type > COFFER_INV_ETC) {
		*out = 1; /* no row needed: types 1 and 5 never stack beyond 1 */
		return 0;
	}
	struct coffer_item_template t;
	int rc = asset_sql_template(txn, tenant, template_id, &t);
	*out = t.slot_max;
	return rc;
}

int asset_svc_from_template(coffer_txn *txn, const char *tenant, uint32_t template_id,
                            uint32_t character_id, struct coffer_asset *out)
{
	enum coffer_asset_kind kind = asset_rules_kind_for_template(template_id);
	asset_rules_blank(out, template_id, kind);
	if (kind == COFFER_KIND_NONE)
		return COFFER_EINVAL;
	if (kind != COFFER_KIND_EQUIPABLE && kind != COFFER_KIND_PET)
		return 0;
	struct coffer_item_template t;
	int rc = asset_sql_template(txn, tenant, template_id, &t);
	if (rc != 0)
		return rc;
	if (kind == COFFER_KIND_EQUIPABLE) {
		/* kafka-contract.md#item-templates: the equipables service could not build an unknown template either. */
		if (!t.found)
			return COFFER_ENOTFOUND;
		out->stats = t.stats;
		return 0;
	}
	/* Pet defaults of kafka-contract.md#create_asset (OP-20). */
	out->owner_id = character_id;
	asset_rules_utf8_prefix(t.name, strlen(t.name), ASSET_NAME_CHARS, out->pet_name,
	                        sizeof out->pet_name);
	out->pet_level = 1;
	out->pet_closeness = 0;
	out->pet_fullness = 100;
	out->pet_slot = -1;
	return 0;
}

int asset_svc_cash_item(coffer_txn *txn, const char *tenant, uint32_t id,
                        struct coffer_cash_item *out)
{
	/* A cash-shop plugin takes over when it provides the service (kafka-contract.md#inventory-tables). */
	const struct coffer_svc_cashitem *c =
		H->lookup(H->txn_ctx(txn), COFFER_SVC_CASHITEM_NAME, COFFER_SVC_CASHITEM_VERSION);
	if (c && c->get)
		return c->get(txn, tenant, id, out);
	return asset_sql_cash_item(txn, tenant, id, out);
}

/* ------------------------------------------------------------------ writes */

/* Move @p asset_id from @p from to @p to, whose occupant (0: none) the caller has read under
 * the compartment lock. */
static int svc_swap_known(coffer_txn *txn, const char *tenant, uint32_t asset_id, int16_t from,
                          int16_t to, uint32_t occupant)
{
	if (from == to)
		return 0;
	int rc;
	/* The unique slot key forbids two rows in one slot even for a moment
	 * (kafka-contract.md#slots). */
	if (occupant && (rc = asset_sql_move(txn, tenant, occupant, COFFER_SLOT_TEMP)) != 0)
		return rc;
	if ((rc = asset_sql_move(txn, tenant, asset_id, to)) != 0)
		return rc;
	if (occupant && (rc = asset_sql_move(txn, tenant, occupant, from)) != 0)
		return rc;
	return 0;
}

static int svc_swap(coffer_txn *txn, const char *tenant, const char *compartment_id,
                    uint32_t asset_id, int16_t from, int16_t to, uint32_t *displaced)
{
	if (displaced)
		*displaced = 0;
	if (from == to)
		return 0;
	struct coffer_asset b;
	int rc = asset_sql_at(txn, tenant, compartment_id, to, &b);
	bool occupied = rc == 0;
	if (rc != 0 && rc != COFFER_ENOTFOUND)
		return rc;
	if ((rc = svc_swap_known(txn, tenant, asset_id, from, to, occupied ? b.id : 0)) != 0)
		return rc;
	if (occupied && displaced)
		*displaced = b.id;
	return 0;
}

/* ------------------------------------------------------------------ merging */

static int svc_merge_check(coffer_txn *txn, const char *tenant, uint8_t ctype,
                           const struct coffer_asset *src, const struct coffer_asset *dst, bool *ok,
                           uint32_t *slot_max)
{
	*ok = false;
	/* The cheap rules first; reservations and the template only when they can matter. */
	if (!asset_rules_can_merge(ctype, src, dst, 0, 0, UINT32_MAX))
		return 0;
	uint32_t max;
	int rc = svc_slot_max(txn, tenant, dst->template_id, &max);
	if (rc != 0)
		return rc;
	if (dst->quantity >= max)
		return 0;
	uint64_t rs = 0, rd = 0;
	if ((rc = svc_reserved_quantity(txn, tenant, src->id, &rs)) != 0 ||
	    (rc = svc_reserved_quantity(txn, tenant, dst->id, &rd)) != 0)
		return rc;
	*ok = asset_rules_can_merge(ctype, src, dst, rs, rd, max);
	if (*ok && slot_max)
		*slot_max = max;
	return 0;
}

static int svc_merge_apply(coffer_txn *txn, const char *tenant, const struct coffer_evctx *ev,
                           struct coffer_asset *src, struct coffer_asset *dst, uint32_t slot_max,
                           bool *src_deleted)
{
	uint32_t nd, ns;
	bool gone = asset_rules_merge_effect(src->quantity, dst->quantity, slot_max, &nd, &ns);
	int rc = asset_sql_set_quantity(txn, tenant, dst->id, nd);
	if (rc == 0)
		rc = asset_ev_quantity(txn, ev, dst, nd);
	if (rc != 0)
		return rc;
	dst->quantity = nd;
	if (gone) {
		rc = asset_sql_delete(txn, tenant, src->id);
		if (rc == 0)
			rc = asset_ev_deleted(txn, ev, src);
	} else {
		rc = asset_sql_set_quantity(txn, tenant, src->id, ns);
		if (rc == 0)
			rc = asset_ev_quantity(txn, ev, src, ns);
	}
	if (rc != 0)
		return rc;
	src->quantity = ns;
	if (src_deleted)
		*src_deleted = gone;
	return 0;
}

/* ------------------------------------------------------------------ the table */

static int svc_template_get(coffer_txn *txn, const char *tenant, uint32_t template_id,
                            struct coffer_item_template *out)
{
	return asset_sql_template(txn, tenant, template_id, out);
}

static int svc_asset_move(coffer_txn *txn, const char *tenant, uint32_t asset_id, int16_t slot)
{
	return asset_sql_move(txn, tenant, asset_id, slot);
}

const struct coffer_svc_asset asset_api_v1 = {
	.size = sizeof(struct coffer_svc_asset),
	.cmd_decode = asset_svc_cmd_decode,
	.refuse_disabled = asset_ev_refuse_disabled,
	.compartment_lock = asset_sql_compartment_lock,
	.compartment_lock_id = asset_sql_compartment_lock_id,
	.compartment_list = asset_sql_compartment_list,
	.compartment_create = asset_sql_compartment_create,
	.compartment_set_capacity = asset_sql_compartment_set_capacity,
	.compartment_delete = asset_sql_compartment_delete,
	.asset_list = asset_sql_list,
	.asset_list_free = asset_sql_list_free,
	.asset_at = asset_sql_at,
	.asset_get = asset_sql_get,
	.asset_by_reference = asset_sql_by_reference,
	.next_free_slot = asset_svc_next_free_slot,
	.reserved_quantity = svc_reserved_quantity,
	.template_get = svc_template_get,
	.slot_max = svc_slot_max,
	.asset_from_template = asset_svc_from_template,
	.asset_insert = asset_sql_insert,
	.asset_delete = asset_sql_delete,
	.asset_move = svc_asset_move,
	.asset_swap = svc_swap,
	.asset_set_quantity = asset_sql_set_quantity,
	.merge_check = svc_merge_check,
	.merge_apply = svc_merge_apply,
	.emit_asset_created = asset_ev_created,
	.emit_asset_updated = asset_ev_updated,
	.emit_asset_deleted = asset_ev_deleted,
	.emit_asset_moved = asset_ev_moved,
	.emit_asset_quantity = asset_ev_quantity,
	.emit_compartment = asset_ev_compartment,
	.emit_compartment_created = asset_ev_compartment_created,
	.emit_compartment_capacity = asset_ev_compartment_capacity,
	.emit_compartment_complete = asset_ev_compartment_complete,
	.emit_compartment_reserved = asset_ev_compartment_reserved,
	.emit_compartment_cancelled = asset_ev_compartment_cancelled,
	.emit_compartment_txn = asset_ev_compartment_txn,
	.emit_compartment_error = asset_ev_compartment_error,
	.emit_inventory = asset_ev_inventory,
	.reference_data = asset_ev_reference_data,
	.template_type = asset_rules_template_type,
	.classification = asset_rules_classification,
	.kind_for_template = asset_rules_kind_for_template,
	.kind_name = asset_rules_kind_name,
	.kind_parse = asset_rules_kind_parse,
	.kind_stackable = asset_rules_stackable,
	.asset_qty = asset_rules_qty,
	.first_free_slot = asset_rules_free_slot_list,
	.asset_blank = asset_rules_blank,
	.template_load = asset_data_template_load,
	.compartment_get = asset_sql_compartment_get,
	.asset_list_character = asset_sql_list_character,
	.compartment_lock_pair = asset_sql_compartment_lock_pair,
	.asset_swap_known = svc_swap_known,
};
