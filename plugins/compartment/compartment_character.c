/* SPDX-License-Identifier: MIT */
/* plugins/compartment/compartment_character.c: the character lifecycle on
 * EVENT_TOPIC_CHARACTER_STATUS (kafka-contract.md#character-events): CREATED makes the five compartments of a new
 * character, DELETED removes every asset and compartment of one, each with its events in a
 * fixed order (OP-23). The topic carries no transaction id: both mint one per message. */
#include "compartment.h"

#include "util.h"

#define FAIL(rc) coffer_asset_outcome(rc)

/* kafka-contract.md#character-status-events: characterId, worldId (ignored) and body; CREATED's body.name is ignored but still has
 * to be a string for the message to be decodable (kafka-contract.md#json-as-read). */
static bool decode(const struct compartment *c, coffer_txn *txn, const struct coffer_msg *msg,
                   bool created, uint32_t *character_id)
{
	struct cu_dec d = {0};
	*character_id = cu_u32(&d, msg->json, "characterId");
	(void)cu_u8(&d, msg->json, "worldId");
	const json_t *body = cu_obj(&d, msg->json, "body");
	if (created)
		(void)cu_str(&d, body, "name");
	if (d.bad) {
		c->host->reject(txn, "character %s: %s", msg->type, d.err);
		return false;
	}
	if (*character_id == 0) {
		c->host->reject(txn, "character %s: characterId is 0", msg->type);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ CREATED */

/* Steps 2-4 of kafka-contract.md#character-created, shared with POST inventory (compartment_rest.c): the five compartments,
 * their CREATED events, then inventory CREATED. *existed tells that the character already had
 * a compartment (OP-23: then nothing is written). */
int compartment_inventory_create(const struct compartment *c, coffer_txn *txn, const char *tenant,
                                 uint32_t character_id, bool *existed)
{
	const struct coffer_svc_asset *S = c->svc;
	/* OP-23: any compartment at all means the inventory exists. No lock is needed (kafka-contract.md#locking): a
	 * concurrent CREATED loses on the unique key below, retries and then stops here. */
	struct coffer_compartment existing[5];
	size_t n;
	*existed = false;
	int rc = S->compartment_list(txn, tenant, character_id, false, existing, &n);
	if (rc != 0)
		return rc;
	if (n > 0) {
		*existed = true;
		return 0;
	}

	char t[37];
	c->host->uuid(t);
	for (uint8_t type = COFFER_INV_EQUIP; type <= COFFER_INV_CASH; type++) {
		struct coffer_compartment comp;
		rc = S->compartment_create(txn, tenant, character_id, type, COFFER_CAPACITY_INITIAL,
		                           &comp);
		if (rc != 0)
			return rc; /* EDUP included: the retry sees the winner's rows */
		struct coffer_evctx ev = {t, character_id, comp.id};
		if ((rc = S->emit_compartment_created(txn, &ev, type, comp.capacity)) != 0)
			return rc;
	}
	return S->emit_inventory(txn, character_id, "CREATED");
}

enum coffer_outcome compartment_on_character_created(coffer_ctx *ctx, coffer_txn *txn,
                                                     const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	uint32_t character_id;
	if (!decode(c, txn, msg, true, &character_id))
		return COFFER_REJECT;
	bool existed;
	int rc = compartment_inventory_create(c, txn, msg->tenant->id, character_id, &existed);
	if (rc != 0)
		return FAIL(rc);
	if (existed)
		return compartment_fail(c, "character CREATED: inventory exists character=%u",
		                        character_id);
	return COFFER_DONE;
}

/* ------------------------------------------------------------------ DELETED */

static int delete_compartment(const struct compartment *c, coffer_txn *txn, const char *tenant,
                              const struct coffer_evctx *ev)
{
	const struct coffer_svc_asset *S = c->svc;
	struct coffer_asset_list list = {0};
	int rc = S->asset_list(txn, tenant, ev->compartment_id, &list);
	/* Ascending slot: worn items first (kafka-contract.md#character-deleted). Reservations go with their asset. */
	for (size_t i = 0; rc == 0 && i < list.n; i++) {
		rc = S->asset_delete(txn, tenant, list.v[i].id);
		if (rc == 0)
			rc = S->emit_asset_deleted(txn, ev, &list.v[i]);
	}
	S->asset_list_free(&list);
	if (rc == 0)
		rc = S->compartment_delete(txn, tenant, ev->compartment_id);
	if (rc == 0)
		rc = S->emit_compartment(txn, ev, "DELETED", NULL);
	return rc;
}

/* Steps 1-3 of kafka-contract.md#character-deleted, shared with DELETE inventory (compartment_rest.c): every asset and
 * compartment with their DELETED events, then inventory DELETED (also for no compartment). */
int compartment_inventory_delete(const struct compartment *c, coffer_txn *txn, const char *tenant,
                                 uint32_t character_id)
{
	const struct coffer_svc_asset *S = c->svc;
	char t[37];
	c->host->uuid(t);
	/* The only handler holding several compartments: locked in ascending type (kafka-contract.md#locking). */
	struct coffer_compartment comps[5];
	size_t n;
	int rc = S->compartment_list(txn, tenant, character_id, true, comps, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct coffer_evctx ev = {t, character_id, comps[i].id};
		rc = delete_compartment(c, txn, tenant, &ev);
	}
	/* Emitted even when the character had no compartment (reference behaviour, kafka-contract.md#character-deleted). */
	if (rc == 0)
		rc = S->emit_inventory(txn, character_id, "DELETED");
	return rc;
}

enum coffer_outcome compartment_on_character_deleted(coffer_ctx *ctx, coffer_txn *txn,
                                                     const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	uint32_t character_id;
	if (!decode(c, txn, msg, false, &character_id))
		return COFFER_REJECT;
	int rc = compartment_inventory_delete(c, txn, msg->tenant->id, character_id);
	return rc ? FAIL(rc) : COFFER_DONE;
}
