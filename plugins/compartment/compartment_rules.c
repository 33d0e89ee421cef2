/* SPDX-License-Identifier: MIT */
/* plugins/compartment/compartment_rules.c: the pure rules of the compartment plugin (see
 * compartment_rules.h): EQUIP position and conflict plan, MERGE pass order, compaction and
 * selection-sort plans, bag bounds and capacity. No host calls, so the unit tests link this
 * file alone; the few service definitions it needs arrive as function pointers. */
#include "compartment_rules.h"

#include <string.h>

bool compartment_rules_bag_slot(int16_t slot, uint32_t capacity)
{
	return slot >= 1 && (uint32_t)slot <= capacity;
}

uint32_t compartment_rules_capacity(uint32_t capacity, uint32_t amount)
{
	uint64_t want = (uint64_t)capacity + amount;
	if (want > COFFER_CAPACITY_MAX)
		want = COFFER_CAPACITY_MAX;
	/* A row above the ceiling cannot come from this module; keep it rather than shrink it. */
	return want < capacity ? capacity : (uint32_t)want;
}

/* kafka-contract.md#equip-positions: no islot mapping (NULL column) or an unknown one both mean PET_EQUIP. */
static bool pet_equip_name(const char *name)
{
	return name[0] == '\0' || strcmp(name, "PET_EQUIP") == 0;
}

/* An equip position is negative; the temporary slot of a swap is never one (kafka-contract.md#slots). */
static bool equip_position(int32_t p)
{
	return p < 0 && p > COFFER_SLOT_TEMP;
}

int16_t compartment_rules_equip_position(const struct coffer_item_template *t,
                                         int16_t destination)
{
	if (t->is_cash && pet_equip_name(t->equip_slot_name))
		return equip_position(destination) ? destination : 0;
	int16_t first = 0;
	size_t n = t->n_equip_slots < 16 ? t->n_equip_slots : 16;
	for (size_t i = 0; i < n; i++) {
		int32_t p = t->equip_slots[i] - (t->is_cash ? COMPARTMENT_CASH_OFFSET : 0);
		if (!equip_position(p))
			continue;
		/* OP-5: the client's choice counts only among the template's own positions. */
		if (p == destination)
			return destination;
		if (first == 0)
			first = (int16_t)p;
	}
	return first;
}

bool compartment_rules_equip_family(int16_t p, int16_t *top, int16_t *pants)
{
	for (int cash = 0; cash <= 1; cash++) {
		int16_t t = (int16_t)(COMPARTMENT_POS_TOP - cash * COMPARTMENT_CASH_OFFSET);
		int16_t b = (int16_t)(COMPARTMENT_POS_PANTS - cash * COMPARTMENT_CASH_OFFSET);
		if (p == t || p == b) {
			*top = t;
			*pants = b;
			return true;
		}
	}
	return false;
}

static bool find_slot(const struct coffer_asset_list *list, int16_t slot, size_t *index)
{
	for (size_t i = 0; i < list->n; i++) {
		if (list->v[i].slot == slot) {
			*index = i;
			return true;
		}
	}
	return false;
}

bool compartment_rules_equip_plan(struct coffer_asset_list *list, size_t a, int16_t position,
                                  uint32_t capacity, compartment_classify_fn classify,
                                  compartment_free_slot_fn free_slot,
                                  struct compartment_equip_plan *out)
{
	memset(out, 0, sizeof *out);
	int16_t source = list->v[a].slot;
	/* Step 3 on the copy: the swap the handler is about to write. */
	out->displaces = find_slot(list, position, &out->displaced);
	list->v[a].slot = position;
	if (out->displaces)
		list->v[out->displaced].slot = source;

	int16_t top, pants;
	if (!compartment_rules_equip_family(position, &top, &pants))
		return true;
	uint32_t cls = classify(list->v[a].template_id);
	size_t x;
	/* kafka-contract.md#equip-positions names the positions: an overall worn at top, a bottom worn at pants. Asking for
	 * the position too keeps A itself out of X whatever the template data says. */
	if (cls == COMPARTMENT_CLASS_OVERALL && position == top && find_slot(list, pants, &x))
		out->conflict_from = pants;
	else if (cls == COMPARTMENT_CLASS_BOTTOM && position == pants && find_slot(list, top, &x) &&
	         classify(list->v[x].template_id) == COMPARTMENT_CLASS_OVERALL)
		out->conflict_from = top;
	else
		return true;
	/* OP-4: searched only now that something must move, on the state after step 3. */
	int16_t f = free_slot(list, capacity);
	if (f == 0)
		return false;
	out->conflict = true;
	out->conflict_index = x;
	out->conflict_to = f;
	return true;
}

int compartment_rules_merge_pass(size_t n, compartment_merge_fn fn, void *ud)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i + 1;
		bool partial = false;
		while (j < n) {
			int r = fn(ud, i, j);
			if (r < 0)
				return r;
			/* A second partial merge of one pair would mean the destination did not fill up
			 * (a broken slot max): move on rather than loop for ever. */
			if (r == COMPARTMENT_MERGE_NONE || (r == COMPARTMENT_MERGE_PARTIAL && partial)) {
				j++;
				partial = false;
				continue;
			}
			/* After a full merge index j holds the next asset; after a partial one the
			 * destination is full and the same source no longer qualifies. Either way j is
			 * examined again on the new state, as kafka-contract.md#merge says. */
			partial = r == COMPARTMENT_MERGE_PARTIAL;
			if (r == COMPARTMENT_MERGE_FULL)
				n--;
		}
	}
	return 0;
}

size_t compartment_rules_compact(const int16_t *slots, size_t n, struct compartment_move *out)
{
	size_t m = 0;
	for (size_t k = 0; k < n; k++) {
		int16_t target = (int16_t)(k + 1);
		if (slots[k] == target)
			continue;
		out[m].index = k;
		out[m].from = slots[k];
		out[m].to = target;
		m++;
	}
	return m;
}

size_t compartment_rules_sort(uint32_t *templates, size_t n, struct compartment_swap *out)
{
	size_t m = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		size_t best = i;
		/* Strictly smaller only: the lowest position wins ties (kafka-contract.md#sort, not stable). */
		for (size_t k = i + 1; k < n; k++)
			if (templates[k] < templates[best])
				best = k;
		if (best == i)
			continue;
		uint32_t t = templates[i];
		templates[i] = templates[best];
		templates[best] = t;
		out[m].to = (int16_t)(i + 1);
		out[m].from = (int16_t)(best + 1);
		m++;
	}
	return m;
}
