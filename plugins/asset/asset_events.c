/* SPDX-License-Identifier: MIT */
/* plugins/asset/asset_events.c: the event builders of kafka-contract.md#asset-status-events (asset), kafka-contract.md#compartment-status-events
 * (compartment) and kafka-contract.md#inventory-status-events (inventory), fields in the contract's order, keyed by characterId, and the
 * FEATURE_DISABLED refusal every compartment-command plugin registers. */
#include "asset.h"

#include <string.h>

#include "util.h"

#define H asset_host

static const char *or_nil(const char *s) { return s && s[0] ? s : CU_NIL_UUID; }

/* jansson integers are signed 64-bit; a uint64 above INT64_MAX cannot be decoded from a
 * command (cu_u64), so only a hand-written row could hold one: write the largest we can. */
static json_t *json_u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* cashId is the one number written as a JSON string (kafka-contract.md#json-as-written). */
static json_t *json_cash_id(int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	return json_string(buf);
}

static int emit(coffer_txn *txn, const char *topic, uint32_t key, json_t *v)
{
	if (v == NULL)
		return -12; /* -ENOMEM */
	int rc = H->emit(txn, NULL, topic, key, v);
	return rc ? COFFER_EDB : 0;
}

/* ------------------------------------------------------------------ referenceData */

/* The equipable fields of kafka-contract.md#referencedata after ownerId/cashId; @p zero writes the cash-equipable form. */
static void equip_fields(json_t *o, const struct coffer_asset *a, bool zero)
{
	static const char *const names[16] = {
		"strength",      "dexterity",    "intelligence",  "luck",     "hp",       "mp",
		"weaponAttack",  "magicAttack",  "weaponDefense", "magicDefense", "accuracy",
		"avoidability",  "hands",        "speed",         "jump",     "slots"};
	for (int i = 0; i < COFFER_EQUIP_NSTATS; i++)
		json_object_set_new(o, names[i], json_integer(zero ? 0 : a->stats.v[i]));
	json_object_set_new(o, "locked", json_boolean(!zero && a->locked));
	json_object_set_new(o, "spikes", json_boolean(!zero && a->spikes));
	json_object_set_new(o, "karmaUsed", json_boolean(!zero && a->karma_used));
	json_object_set_new(o, "cold", json_boolean(!zero && a->cold));
	json_object_set_new(o, "canBeTraded", json_boolean(!zero && a->can_be_traded));
	json_object_set_new(o, "levelType", json_integer(zero ? 0 : a->level_type));
	json_object_set_new(o, "level", json_integer(zero ? 0 : a->level));
	json_object_set_new(o, "experience", json_integer(zero ? 0 : a->experience));
	json_object_set_new(o, "hammersApplied", json_integer(zero ? 0 : a->hammers_applied));
	/* The real expiry is body.expiration; this one is always the zero time (kafka-contract.md#referencedata). */
	json_object_set_new(o, "expiration", cu_json_time(CU_ZERO_TIME_US));
}

json_t *asset_ev_reference_data(const struct coffer_asset *a)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	switch (a->kind) {
	case COFFER_KIND_EQUIPABLE:
		json_object_set_new(o, "ownerId", json_integer(0)); /* OP-26 */
		equip_fields(o, a, false);
		break;
	case COFFER_KIND_CASH_EQUIPABLE:
		json_object_set_new(o, "cashId", json_cash_id(a->cash_id));
		json_object_set_new(o, "ownerId", json_integer(0));
		equip_fields(o, a, true);
		break;
	case COFFER_KIND_CONSUMABLE:
		json_object_set_new(o, "ownerId", json_integer(a->owner_id));
		json_object_set_new(o, "quantity", json_integer(a->quantity));
		json_object_set_new(o, "flag", json_integer(a->flag));
		json_object_set_new(o, "rechargeable", json_u64(a->rechargeable));
		break;
	case COFFER_KIND_SETUP:
	case COFFER_KIND_ETC:
		json_object_set_new(o, "ownerId", json_integer(a->owner_id));
		json_object_set_new(o, "quantity", json_integer(a->quantity));
		json_object_set_new(o, "flag", json_integer(a->flag));
		break;
	case COFFER_KIND_CASH:
		json_object_set_new(o, "ownerId", json_integer(0)); /* OP-26 */
		json_object_set_new(o, "cashId", json_cash_id(a->cash_id));
		json_object_set_new(o, "quantity", json_integer(a->quantity));
		json_object_set_new(o, "flag", json_integer(a->flag));
		json_object_set_new(o, "purchasedBy", json_integer(a->purchased_by));
		break;
	case COFFER_KIND_PET:
		json_object_set_new(o, "ownerId", json_integer(a->owner_id));
		json_object_set_new(o, "cashId", json_cash_id(a->cash_id));
		json_object_set_new(o, "flag", json_integer(a->flag));
		json_object_set_new(o, "purchasedBy", json_integer(a->purchased_by));
		json_object_set_new(o, "name", json_string(a->pet_name));
		json_object_set_new(o, "level", json_integer(a->pet_level));
		json_object_set_new(o, "closeness", json_integer(a->pet_closeness));
		json_object_set_new(o, "fullness", json_integer(a->pet_fullness));
		json_object_set_new(o, "slot", json_integer(a->pet_slot));
		break;
	default:
		break;
	}
	return o;
}

/* ------------------------------------------------------------------ asset events */

static int asset_event(coffer_txn *txn, const struct coffer_evctx *ev, const struct coffer_asset *a,
                       int16_t slot, const char *type, json_t *body)
{
	json_t *o = json_object();
	if (o == NULL || body == NULL) {
		json_decref(o);
		json_decref(body);
		return -12;
	}
	json_object_set_new(o, "transactionId", json_string(or_nil(ev->transaction_id)));
	json_object_set_new(o, "characterId", json_integer(ev->character_id));
	json_object_set_new(o, "compartmentId",
	                    json_string(or_nil(ev->compartment_id ? ev->compartment_id
	                                                          : a->compartment_id)));
	json_object_set_new(o, "assetId", json_integer(a->id));
	json_object_set_new(o, "templateId", json_integer(a->template_id));
	json_object_set_new(o, "slot", json_integer(slot));
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "body", body);
	return emit(txn, COFFER_TOPIC_ASSET_STATUS, ev->character_id, o);
}

static json_t *created_body(const struct coffer_asset *a)
{
	json_t *b = json_object();
	if (b == NULL)
		return NULL;
	json_object_set_new(b, "referenceId", json_integer(a->reference_id));
	json_object_set_new(b, "referenceType", json_string(asset_rules_kind_name(a->kind)));
	json_object_set_new(b, "referenceData", asset_ev_reference_data(a));
	json_object_set_new(b, "expiration", cu_json_time(a->expiration_us));
	return b;
}

int asset_ev_created(coffer_txn *txn, const struct coffer_evctx *ev, const struct coffer_asset *a)
{
	return asset_event(txn, ev, a, a->slot, "CREATED", created_body(a));
}

int asset_ev_updated(coffer_txn *txn, const struct coffer_evctx *ev, const struct coffer_asset *a)
{
	return asset_event(txn, ev, a, a->slot, "UPDATED", created_body(a));
}

int asset_ev_deleted(coffer_txn *txn, const struct coffer_evctx *ev, const struct coffer_asset *a)
{
	return asset_event(txn, ev, a, a->slot, "DELETED", json_object());
}

int asset_ev_moved(coffer_txn *txn, const struct coffer_evctx *ev, const struct coffer_asset *a,
                   int16_t slot, int16_t old_slot)
{
	return asset_event(txn, ev, a, slot, "MOVED", json_pack("{s:i}", "oldSlot", (int)old_slot));
}

int asset_ev_quantity(coffer_txn *txn, const struct coffer_evctx *ev,
                      const struct coffer_asset *a, uint32_t quantity)
{
	return asset_event(txn, ev, a, a->slot, "QUANTITY_CHANGED",
	                   json_pack("{s:I}", "quantity", (json_int_t)quantity));
}

/* ------------------------------------------------------------------ compartment events */

int asset_ev_compartment(coffer_txn *txn, const struct coffer_evctx *ev, const char *type,
                         json_t *body)
{
	json_t *o = json_object();
	if (body == NULL)
		body = json_object();
	if (o == NULL || body == NULL) {
		json_decref(o);
		json_decref(body);
		return -12;
	}
	json_object_set_new(o, "transactionId", json_string(or_nil(ev->transaction_id)));
	json_object_set_new(o, "characterId", json_integer(ev->character_id));
	json_object_set_new(o, "compartmentId", json_string(or_nil(ev->compartment_id)));
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "body", body);
	return emit(txn, COFFER_TOPIC_COMPARTMENT_STATUS, ev->character_id, o);
}

int asset_ev_compartment_created(coffer_txn *txn, const struct coffer_evctx *ev, uint8_t type,
                                 uint32_t capacity)
{
	return asset_ev_compartment(txn, ev, "CREATED",
	                            json_pack("{s:i,s:I}", "type", (int)type, "capacity",
	                                      (json_int_t)capacity));
}

int asset_ev_compartment_capacity(coffer_txn *txn, const struct coffer_evctx *ev, uint8_t type,
                                  uint32_t capacity)
{
	return asset_ev_compartment(txn, ev, "CAPACITY_CHANGED",
	                            json_pack("{s:i,s:I}", "type", (int)type, "capacity",
	                                      (json_int_t)capacity));
}

int asset_ev_compartment_complete(coffer_txn *txn, const struct coffer_evctx *ev,
                                  const char *type_name, uint8_t type)
{
	return asset_ev_compartment(txn, ev, type_name, json_pack("{s:i}", "type", (int)type));
}

int asset_ev_compartment_reserved(coffer_txn *txn, const struct coffer_evctx *ev, uint32_t item_id,
                                  int16_t slot, uint32_t quantity)
{
	return asset_ev_compartment(txn, ev, "RESERVED",
	                            json_pack("{s:s,s:I,s:i,s:I}", "transactionId",
	                                      or_nil(ev->transaction_id), "itemId", (json_int_t)item_id,
	                                      "slot", (int)slot, "quantity", (json_int_t)quantity));
}

int asset_ev_compartment_cancelled(coffer_txn *txn, const struct coffer_evctx *ev,
                                   uint32_t item_id, int16_t slot, uint32_t quantity)
{
	return asset_ev_compartment(txn, ev, "RESERVATION_CANCELLED",
	                            json_pack("{s:I,s:i,s:I}", "itemId", (json_int_t)item_id, "slot",
	                                      (int)slot, "quantity", (json_int_t)quantity));
}

int asset_ev_compartment_txn(coffer_txn *txn, const struct coffer_evctx *ev, const char *type_name)
{
	return asset_ev_compartment(txn, ev, type_name,
	                            json_pack("{s:s}", "transactionId", or_nil(ev->transaction_id)));
}

int asset_ev_compartment_error(coffer_txn *txn, const struct coffer_evctx *ev, const char *code)
{
	return asset_ev_compartment(txn, ev, "ERROR",
	                            json_pack("{s:s,s:s}", "errorCode", code, "transactionId",
	                                      or_nil(ev->transaction_id)));
}

/* ------------------------------------------------------------------ inventory events */

int asset_ev_inventory(coffer_txn *txn, uint32_t character_id, const char *type_name)
{
	json_t *o = json_pack("{s:I,s:s,s:{}}", "characterId", (json_int_t)character_id, "type",
	                      type_name, "body");
	return emit(txn, COFFER_TOPIC_INVENTORY_STATUS, character_id, o);
}

/* ------------------------------------------------------------------ FEATURE_DISABLED */

/* The five types whose effective transaction id may come from the body (kafka-contract.md#compartment-command-envelope). */
static bool body_txn_type(const char *type)
{
	static const char *const types[] = {"REQUEST_RESERVE", "CONSUME", "CANCEL_RESERVATION",
	                                    "ACCEPT", "RELEASE"};
	for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(type, types[i]) == 0)
			return true;
	return false;
}

enum coffer_outcome asset_ev_refuse_disabled(coffer_ctx *ctx, coffer_txn *txn,
                                             const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	(void)ud;
	struct coffer_compartment_cmd cmd;
	unsigned flags = COFFER_CMD_ANY_TYPE | (body_txn_type(msg->type) ? COFFER_CMD_BODY_TXN : 0);
	/* Only undecodable input is refused as such; the switch answers everything else (kafka-contract.md#compartment-status-events). */
	if (asset_svc_cmd_decode(msg, flags, &cmd) == COFFER_CMD_UNDECODABLE)
		return H->reject(txn, "%s", cmd.err);
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, NULL};
	int rc = asset_ev_compartment_error(txn, &ev, "FEATURE_DISABLED");
	return rc ? coffer_asset_outcome(rc) : COFFER_DONE;
}
