/* SPDX-License-Identifier: MIT */
/* plugins/compartment/compartment_commands.c: one handler per COMMAND_TOPIC_COMPARTMENT type of
 * the compartment plugin: EQUIP (kafka-contract.md#equip), UNEQUIP (kafka-contract.md#unequip), MOVE (kafka-contract.md#move), INCREASE_CAPACITY (kafka-contract.md#increase_capacity),
 * MERGE (kafka-contract.md#merge) and SORT (kafka-contract.md#sort). Each follows the locking protocol of the asset service header:
 * decode and validate (REJECT), lock the compartment row, decide on the locked state, and only
 * then write and emit, so a business failure returns DONE with nothing written. */
#include "compartment.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util.h"

/* The outcome of a service call that failed for a reason other than a business one. */
#define FAIL(rc) coffer_asset_outcome(rc)

/* Decode the envelope (kafka-contract.md#compartment-command-envelope, kafka-contract.md#common-command-rules); REJECT with the reason unless it is good. None of these six
 * types has a failure event, so an invalid envelope is bad input too. */
static bool decode(const struct compartment *c, coffer_txn *txn, const struct coffer_msg *msg,
                   unsigned flags, struct coffer_compartment_cmd *cmd)
{
	if (c->svc->cmd_decode(msg, flags, cmd) == COFFER_CMD_OK)
		return true;
	c->host->reject(txn, "%s: %s", msg->type, cmd->err);
	return false;
}

/* The index of the asset in @p slot of @p list, or -1. */
static ssize_t list_find(const struct coffer_asset_list *list, int16_t slot)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->v[i].slot == slot)
			return (ssize_t)i;
	return -1;
}

/* Make sure the template row of a possible merge of @p a into @p b exists (fetched from the
 * data service when missing): same template, of a stackable type (2..4). */
static int compartment_need_template(const struct coffer_svc_asset *S, coffer_txn *txn,
                                     const struct coffer_msg *msg, const struct coffer_asset *a,
                                     const struct coffer_asset *b)
{
	uint8_t type = S->template_type(b->template_id);
	if (a->template_id != b->template_id || type < COFFER_INV_USE || type > COFFER_INV_ETC ||
	    !COFFER_SVC_ASSET_HAS(S, template_load))
		return 0;
	return S->template_load(txn, msg->tenant, b->template_id, NULL);
}

/* ------------------------------------------------------------------ EQUIP */

enum coffer_outcome compartment_on_equip(coffer_ctx *ctx, coffer_txn *txn,
                                         const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	const struct coffer_svc_asset *S = c->svc;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	/* kafka-contract.md#compartment-command-envelope: EQUIP always works on type 1, whatever inventoryType says. */
	if (!decode(c, txn, msg, COFFER_CMD_ANY_TYPE, &cmd))
		return COFFER_REJECT;
	struct cu_dec d = {0};
	int16_t source = cu_i16(&d, cmd.body, "source");
	int16_t destination = cu_i16(&d, cmd.body, "destination");
	if (d.bad)
		return c->host->reject(txn, "EQUIP: %s", d.err);
	if (source < 1)
		return c->host->reject(txn, "EQUIP: source %d is not a bag slot", source);

	struct coffer_compartment comp;
	int rc = S->compartment_lock(txn, tenant, cmd.character_id, COFFER_INV_EQUIP, &comp);
	if (rc == COFFER_ENOTFOUND)
		return compartment_fail(c, "EQUIP failed: no compartment character=%u", cmd.character_id);
	if (rc != 0)
		return FAIL(rc);
	/* One read of the whole compartment: the conflict rule needs the state after the swap,
	 * planned before the first write because a full bag fails the whole EQUIP (OP-3). */
	struct coffer_asset_list list = {0};
	enum coffer_outcome out = COFFER_DONE;
	if ((rc = S->asset_list(txn, tenant, comp.id, &list)) != 0) {
		out = FAIL(rc);
		goto done;
	}
	/* The wearer is known from the list: the swap needs no read of its own. */
	bool known = COFFER_SVC_ASSET_HAS(S, asset_swap_known);
	ssize_t ai = list_find(&list, source);
	if (ai < 0) {
		out = compartment_fail(c, "EQUIP failed: slot empty character=%u slot=%d",
		                       cmd.character_id, source);
		goto done;
	}
	struct coffer_asset a = list.v[ai];
	struct coffer_item_template t;
	/* The template is known only now (the asset in the source slot): a fetch from the data
	 * service, when the row is missing, happens under the lock, once per template. */
	rc = COFFER_SVC_ASSET_HAS(S, template_load)
	         ? S->template_load(txn, msg->tenant, a.template_id, &t)
	         : S->template_get(txn, tenant, a.template_id, &t);
	if (rc != 0) {
		out = FAIL(rc);
		goto done;
	}
	int16_t position = compartment_rules_equip_position(&t, destination);
	if (position == 0) {
		out = compartment_fail(c, "EQUIP failed: template=%u cannot be worn (destination=%d)",
		                       a.template_id, destination);
		goto done;
	}
	/* Who wears @p position now: read before the plan, which plays the swap on the list. */
	ssize_t bi = list_find(&list, position);
	uint32_t occupant = bi < 0 ? 0 : list.v[bi].id;
	struct compartment_equip_plan plan;
	if (!compartment_rules_equip_plan(&list, (size_t)ai, position, comp.capacity,
	                                  S->classification, S->first_free_slot, &plan)) {
		out = compartment_fail(c, "EQUIP failed: no free slot for the conflicting item "
		                          "character=%u template=%u position=%d",
		                       cmd.character_id, a.template_id, position);
		goto done;
	}

	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, comp.id};
	rc = known ? S->asset_swap_known(txn, tenant, a.id, source, position, occupant)
	           : S->asset_swap(txn, tenant, comp.id, a.id, source, position, NULL);
	if (rc == 0)
		rc = S->emit_asset_moved(txn, &ev, &a, position, source);
	if (rc == 0 && plan.conflict) {
		const struct coffer_asset *x = &list.v[plan.conflict_index];
		rc = S->asset_move(txn, tenant, x->id, plan.conflict_to);
		if (rc == 0)
			rc = S->emit_asset_moved(txn, &ev, x, plan.conflict_to, plan.conflict_from);
	}
	if (rc != 0)
		out = FAIL(rc);
done:
	S->asset_list_free(&list);
	return out;
}

/* ------------------------------------------------------------------ UNEQUIP */

enum coffer_outcome compartment_on_unequip(coffer_ctx *ctx, coffer_txn *txn,
                                           const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	const struct coffer_svc_asset *S = c->svc;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	if (!decode(c, txn, msg, COFFER_CMD_ANY_TYPE, &cmd))
		return COFFER_REJECT;
	struct cu_dec d = {0};
	int16_t source = cu_i16(&d, cmd.body, "source");
	int16_t destination = cu_i16(&d, cmd.body, "destination");
	if (d.bad)
		return c->host->reject(txn, "UNEQUIP: %s", d.err);
	if (source >= 0)
		return c->host->reject(txn, "UNEQUIP: source %d is not an equip position", source);

	struct coffer_compartment comp;
	int rc = S->compartment_lock(txn, tenant, cmd.character_id, COFFER_INV_EQUIP, &comp);
	if (rc == COFFER_ENOTFOUND)
		return compartment_fail(c, "UNEQUIP failed: no compartment character=%u",
		                        cmd.character_id);
	if (rc != 0)
		return FAIL(rc);
	struct coffer_asset a, b;
	rc = S->asset_at(txn, tenant, comp.id, source, &a);
	if (rc == COFFER_ENOTFOUND)
		return compartment_fail(c, "UNEQUIP failed: slot empty character=%u slot=%d",
		                        cmd.character_id, source);
	if (rc != 0)
		return FAIL(rc);
	/* OP-16: the requested slot is honoured up to the capacity itself. */
	int16_t target = 0;
	if (compartment_rules_bag_slot(destination, comp.capacity)) {
		rc = S->asset_at(txn, tenant, comp.id, destination, &b);
		if (rc == COFFER_ENOTFOUND)
			target = destination;
		else if (rc != 0)
			return FAIL(rc);
	}
	if (target == 0) {
		rc = S->next_free_slot(txn, tenant, &comp, &target);
		if (rc == COFFER_ENOTFOUND)
			return compartment_fail(c, "UNEQUIP failed: inventory full character=%u",
			                        cmd.character_id);
		if (rc != 0)
			return FAIL(rc);
	}
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, comp.id};
	rc = S->asset_move(txn, tenant, a.id, target);
	if (rc == 0)
		rc = S->emit_asset_moved(txn, &ev, &a, target, source);
	return rc ? FAIL(rc) : COFFER_DONE;
}

/* ------------------------------------------------------------------ MOVE */

enum coffer_outcome compartment_on_move(coffer_ctx *ctx, coffer_txn *txn,
                                        const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	const struct coffer_svc_asset *S = c->svc;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	if (!decode(c, txn, msg, 0, &cmd))
		return COFFER_REJECT;
	struct cu_dec d = {0};
	int16_t source = cu_i16(&d, cmd.body, "source");
	int16_t destination = cu_i16(&d, cmd.body, "destination");
	if (d.bad)
		return c->host->reject(txn, "MOVE: %s", d.err);
	if (source == 0 || destination == 0)
		return c->host->reject(txn, "MOVE: slot 0 (source=%d destination=%d)", source,
		                       destination);

	struct coffer_compartment comp;
	struct coffer_asset a, b;
	bool have_a = false, occupied = false;
	/* One statement locks the compartment and reads both slots when the asset plugin offers
	 * it (plugins/asset/README.md, "Statements per command"). */
	bool pair = COFFER_SVC_ASSET_HAS(S, compartment_lock_pair) &&
	            COFFER_SVC_ASSET_HAS(S, asset_swap_known);
	int rc = pair ? S->compartment_lock_pair(txn, tenant, cmd.character_id, cmd.inventory_type,
	                                         &comp, source, &a, &have_a, destination, &b,
	                                         &occupied)
	              : S->compartment_lock(txn, tenant, cmd.character_id, cmd.inventory_type, &comp);
	if (rc == COFFER_ENOTFOUND)
		return compartment_fail(c, "MOVE failed: no compartment character=%u type=%u",
		                        cmd.character_id, (unsigned)cmd.inventory_type);
	if (rc != 0)
		return FAIL(rc);
	/* OP-16: bag slots only; worn items move through EQUIP and UNEQUIP. */
	if (!compartment_rules_bag_slot(source, comp.capacity) ||
	    !compartment_rules_bag_slot(destination, comp.capacity))
		return compartment_fail(c, "MOVE failed: slot out of 1..%u (source=%d destination=%d)",
		                        comp.capacity, source, destination);
	/* OP-15: the reference merged a stack with itself here and lost it. */
	if (source == destination)
		return COFFER_DONE;
	if (!pair) {
		rc = S->asset_at(txn, tenant, comp.id, source, &a);
		have_a = rc == 0;
		if (rc != 0 && rc != COFFER_ENOTFOUND)
			return FAIL(rc);
		rc = S->asset_at(txn, tenant, comp.id, destination, &b);
		occupied = rc == 0;
		if (rc != 0 && rc != COFFER_ENOTFOUND)
			return FAIL(rc);
	}
	if (!have_a)
		return compartment_fail(c, "MOVE failed: slot empty character=%u type=%u slot=%d",
		                        cmd.character_id, (unsigned)comp.type, source);

	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, comp.id};
	if (occupied) {
		bool ok;
		uint32_t max;
		/* A merge candidate needs its slot max: the row first (data service, once). */
		if ((rc = compartment_need_template(S, txn, msg, &a, &b)) != 0)
			return FAIL(rc);
		if ((rc = S->merge_check(txn, tenant, comp.type, &a, &b, &ok, &max)) != 0)
			return FAIL(rc);
		if (ok) {
			rc = S->merge_apply(txn, tenant, &ev, &a, &b, max, NULL);
			return rc ? FAIL(rc) : COFFER_DONE;
		}
	}
	rc = pair ? S->asset_swap_known(txn, tenant, a.id, source, destination, occupied ? b.id : 0)
	          : S->asset_swap(txn, tenant, comp.id, a.id, source, destination, NULL);
	if (rc == 0)
		rc = S->emit_asset_moved(txn, &ev, &a, destination, source);
	return rc ? FAIL(rc) : COFFER_DONE;
}

/* ------------------------------------------------------------------ INCREASE_CAPACITY */

enum coffer_outcome compartment_on_increase_capacity(coffer_ctx *ctx, coffer_txn *txn,
                                                     const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	const struct coffer_svc_asset *S = c->svc;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	if (!decode(c, txn, msg, 0, &cmd))
		return COFFER_REJECT;
	struct cu_dec d = {0};
	uint32_t amount = cu_u32(&d, cmd.body, "amount");
	if (d.bad)
		return c->host->reject(txn, "INCREASE_CAPACITY: %s", d.err);

	struct coffer_compartment comp;
	int rc = S->compartment_lock(txn, tenant, cmd.character_id, cmd.inventory_type, &comp);
	if (rc == COFFER_ENOTFOUND)
		return compartment_fail(c, "INCREASE_CAPACITY failed: no compartment character=%u type=%u",
		                        cmd.character_id, (unsigned)cmd.inventory_type);
	if (rc != 0)
		return FAIL(rc);
	uint32_t capacity = compartment_rules_capacity(comp.capacity, amount);
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, comp.id};
	/* kafka-contract.md#increase_capacity: the event goes out even when nothing changed (amount 0, already 96). */
	if (capacity != comp.capacity)
		rc = S->compartment_set_capacity(txn, tenant, comp.id, capacity);
	if (rc == 0)
		rc = S->emit_compartment_capacity(txn, &ev, comp.type, capacity);
	return rc ? FAIL(rc) : COFFER_DONE;
}

/* ------------------------------------------------------------------ MERGE and SORT */

/* The bag of a locked compartment (slot >= 1, ascending), as pointers into its asset list. */
struct bag {
	struct coffer_asset_list list;
	struct coffer_asset **v;
	size_t n;
};

static int bag_load(const struct compartment *c, coffer_txn *txn, const char *tenant,
                    const char *compartment_id, struct bag *bag)
{
	memset(bag, 0, sizeof *bag);
	int rc = c->svc->asset_list(txn, tenant, compartment_id, &bag->list);
	if (rc != 0)
		return rc;
	bag->v = calloc(bag->list.n ? bag->list.n : 1, sizeof *bag->v);
	if (bag->v == NULL)
		return -12; /* -ENOMEM */
	/* The list is in ascending slot order with worn (negative) items first. */
	for (size_t i = 0; i < bag->list.n; i++)
		if (bag->list.v[i].slot >= 1)
			bag->v[bag->n++] = &bag->list.v[i];
	return 0;
}

static void bag_free(const struct compartment *c, struct bag *bag)
{
	c->svc->asset_list_free(&bag->list);
	free(bag->v);
	bag->v = NULL;
	bag->n = 0;
}

/* Compaction (kafka-contract.md#compaction): every bag asset to slot k in its order, one MOVED per asset moved. */
static int bag_compact(const struct compartment *c, coffer_txn *txn, const char *tenant,
                       const struct coffer_evctx *ev, struct bag *bag)
{
	if (bag->n == 0)
		return 0;
	int16_t *slots = calloc(bag->n, sizeof *slots);
	struct compartment_move *moves = calloc(bag->n, sizeof *moves);
	int rc = 0;
	if (slots == NULL || moves == NULL) {
		rc = -12;
		goto out;
	}
	for (size_t k = 0; k < bag->n; k++)
		slots[k] = bag->v[k]->slot;
	size_t m = compartment_rules_compact(slots, bag->n, moves);
	for (size_t k = 0; rc == 0 && k < m; k++) {
		struct coffer_asset *a = bag->v[moves[k].index];
		/* The target is empty (the plan moves in ascending order): a plain move, no swap. */
		rc = c->svc->asset_move(txn, tenant, a->id, moves[k].to);
		if (rc == 0)
			rc = c->svc->emit_asset_moved(txn, ev, a, moves[k].to, moves[k].from);
		a->slot = moves[k].to;
	}
out:
	free(slots);
	free(moves);
	return rc;
}

struct merge_pass {
	const struct compartment *c;
	coffer_txn *txn;
	const char *tenant;
	const struct coffer_evctx *ev;
	uint8_t type;
	struct bag *bag;
};

static int merge_pair(void *ud, size_t dst, size_t src)
{
	struct merge_pass *m = ud;
	struct bag *bag = m->bag;
	bool ok, gone;
	uint32_t max;
	int rc = m->c->svc->merge_check(m->txn, m->tenant, m->type, bag->v[src], bag->v[dst], &ok,
	                                &max);
	if (rc != 0)
		return rc;
	if (!ok)
		return COMPARTMENT_MERGE_NONE;
	/* The events are those of MOVE step 4 with source = S's slot, destination = D's slot. */
	rc = m->c->svc->merge_apply(m->txn, m->tenant, m->ev, bag->v[src], bag->v[dst], max, &gone);
	if (rc != 0)
		return rc;
	if (!gone)
		return COMPARTMENT_MERGE_PARTIAL;
	/* The rebuilt list of kafka-contract.md#merge is this one without S: nothing else changed. */
	memmove(&bag->v[src], &bag->v[src + 1], (bag->n - src - 1) * sizeof *bag->v);
	bag->n--;
	return COMPARTMENT_MERGE_FULL;
}

/* Lock, decode and load the bag shared by MERGE and SORT. DONE with *bag->v set = go on;
 * any other outcome is final (bag already freed). */
static enum coffer_outcome bag_command(const struct compartment *c, coffer_txn *txn,
                                       const struct coffer_msg *msg,
                                       struct coffer_compartment_cmd *cmd,
                                       struct coffer_compartment *comp, struct bag *bag)
{
	memset(bag, 0, sizeof *bag);
	if (!decode(c, txn, msg, 0, cmd))
		return COFFER_REJECT;
	int rc = c->svc->compartment_lock(txn, msg->tenant->id, cmd->character_id,
	                                  cmd->inventory_type, comp);
	if (rc == COFFER_ENOTFOUND)
		return compartment_fail(c, "%s failed: no compartment character=%u type=%u", msg->type,
		                        cmd->character_id, (unsigned)cmd->inventory_type);
	if (rc != 0)
		return FAIL(rc);
	if ((rc = bag_load(c, txn, msg->tenant->id, comp->id, bag)) != 0) {
		bag_free(c, bag);
		return FAIL(rc);
	}
	return COFFER_DONE;
}

enum coffer_outcome compartment_on_merge(coffer_ctx *ctx, coffer_txn *txn,
                                         const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	struct coffer_compartment comp;
	struct bag bag;
	enum coffer_outcome out = bag_command(c, txn, msg, &cmd, &comp, &bag);
	if (out != COFFER_DONE || bag.v == NULL)
		return out;
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, comp.id};
	/* Templates held by two stacks or more are merge candidates: their rows first. */
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < bag.n; i++)
		for (size_t k = i + 1; k < bag.n; k++)
			if (bag.v[k]->template_id == bag.v[i]->template_id) {
				bool first = true; /* once per template: the first pair only */
				for (size_t j = 0; j < i && first; j++)
					first = bag.v[j]->template_id != bag.v[i]->template_id;
				if (first)
					rc = compartment_need_template(c->svc, txn, msg, bag.v[k], bag.v[i]);
				break;
			}
	/* An EQUIP compartment never merges (kafka-contract.md#stacking-and-merging rule 1): merge_check says so for every pair. */
	struct merge_pass m = {c, txn, tenant, &ev, comp.type, &bag};
	if (rc == 0)
		rc = compartment_rules_merge_pass(bag.n, merge_pair, &m);
	if (rc == 0)
		rc = bag_compact(c, txn, tenant, &ev, &bag);
	if (rc == 0)
		rc = c->svc->emit_compartment_complete(txn, &ev, "MERGE_COMPLETE", comp.type);
	bag_free(c, &bag);
	return rc ? FAIL(rc) : COFFER_DONE;
}

enum coffer_outcome compartment_on_sort(coffer_ctx *ctx, coffer_txn *txn,
                                        const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	struct coffer_compartment comp;
	struct bag bag;
	enum coffer_outcome out = bag_command(c, txn, msg, &cmd, &comp, &bag);
	if (out != COFFER_DONE || bag.v == NULL)
		return out;
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, comp.id};
	int rc = bag_compact(c, txn, tenant, &ev, &bag);
	uint32_t *templates = NULL;
	struct compartment_swap *swaps = NULL;
	if (rc == 0 && bag.n > 1) {
		templates = calloc(bag.n, sizeof *templates);
		swaps = calloc(bag.n, sizeof *swaps);
		if (templates == NULL || swaps == NULL)
			rc = -12;
	}
	if (rc == 0 && bag.n > 1) {
		for (size_t k = 0; k < bag.n; k++)
			templates[k] = bag.v[k]->template_id;
		size_t m = compartment_rules_sort(templates, bag.n, swaps);
		for (size_t k = 0; rc == 0 && k < m; k++) {
			/* After compaction position p is slot p. */
			struct coffer_asset **to = &bag.v[swaps[k].to - 1], **from = &bag.v[swaps[k].from - 1];
			struct coffer_asset *a = *from;
			/* asset_swap parks the asset at the target and puts it into the vacated slot:
			 * one MOVED, for the mover only (kafka-contract.md#asset-status-events). */
			rc = c->svc->asset_swap(txn, tenant, comp.id, a->id, swaps[k].from, swaps[k].to, NULL);
			if (rc == 0)
				rc = c->svc->emit_asset_moved(txn, &ev, a, swaps[k].to, swaps[k].from);
			(*to)->slot = swaps[k].from;
			a->slot = swaps[k].to;
			*from = *to;
			*to = a;
		}
	}
	if (rc == 0)
		rc = c->svc->emit_compartment_complete(txn, &ev, "SORT_COMPLETE", comp.type);
	free(templates);
	free(swaps);
	bag_free(c, &bag);
	return rc ? FAIL(rc) : COFFER_DONE;
}
