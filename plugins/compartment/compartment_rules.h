/* SPDX-License-Identifier: MIT */
/* plugins/compartment/compartment_rules.h: the pure rules of the compartment plugin (no host
 * calls, no SQL): where EQUIP puts an item and what it pushes out (kafka-contract.md#equip-positions, kafka-contract.md#equip,
 * OP-4, OP-5), the order of the MERGE pass (kafka-contract.md#merge), the compaction and selection-sort plans
 * (kafka-contract.md#compaction, kafka-contract.md#sort), the bag bounds (OP-16) and the capacity arithmetic (kafka-contract.md#increase_capacity, OP-22).
 *
 * What the asset service already offers (classification, free-slot search) is passed in as
 * function pointers with the service's own signatures, so the rules use the service's
 * definitions and the unit tests can run them without it. */
#ifndef COFFER_PLUGIN_COMPARTMENT_RULES_H
#define COFFER_PLUGIN_COMPARTMENT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coffer/svc/asset.h>

/* Positions of the overall / bottom rule (kafka-contract.md#equip-positions) and their cash family (OP-4). */
#define COMPARTMENT_POS_TOP (-5)
#define COMPARTMENT_POS_PANTS (-6)
#define COMPARTMENT_CASH_OFFSET 100
/* Classifications the conflict rule reads (kafka-contract.md#inventory-types-and-templates). */
#define COMPARTMENT_CLASS_OVERALL 105u
#define COMPARTMENT_CLASS_BOTTOM 106u

/* The service's svc->classification and svc->first_free_slot. */
typedef uint32_t (*compartment_classify_fn)(uint32_t template_id);
typedef int16_t (*compartment_free_slot_fn)(const struct coffer_asset_list *list,
                                            uint32_t capacity);

/* Whether @p slot is a bag slot of a compartment of @p capacity (1..capacity, OP-16). */
bool compartment_rules_bag_slot(int16_t slot, uint32_t capacity);

/* INCREASE_CAPACITY (kafka-contract.md#increase_capacity): min(96, capacity + amount) without 32-bit overflow (OP-22);
 * never below @p capacity (kafka-contract.md#compartments-and-capacity: capacity never decreases). */
uint32_t compartment_rules_capacity(uint32_t capacity, uint32_t amount);

/* EQUIP step 2 (kafka-contract.md#equip, kafka-contract.md#equip-positions, OP-5, OP-36): the position @p t is worn at when the client asked
 * for @p destination; 0 when it cannot be worn (no template row, no positions, or a cash
 * PET_EQUIP item with a destination that is not an equip position). */
int16_t compartment_rules_equip_position(const struct coffer_item_template *t,
                                         int16_t destination);

/* The overall / bottom family of position @p p (-5/-6 or -105/-106); false for any other. */
bool compartment_rules_equip_family(int16_t p, int16_t *top, int16_t *pants);

/* What EQUIP steps 3 to 5 do besides moving the item. */
struct compartment_equip_plan {
	bool displaces;        /* an asset B was at the position: it goes to the source slot */
	size_t displaced;      /* B's index in the list */
	bool conflict;         /* step 4 or 5 moves an asset X out */
	size_t conflict_index; /* X's index in the list */
	int16_t conflict_from; /* X's position (pants or top) */
	int16_t conflict_to;   /* the next free slot F */
};

/* Plan EQUIP steps 3 to 5 for the asset at index @p a of @p list (every asset of the EQUIP
 * compartment) worn at @p position. The slots in @p list are updated to the state after
 * step 3 (A at the position, B at A's old slot), on which the free slot is searched (OP-4).
 * @return false when a conflict move is needed and the bag is full: the whole EQUIP fails. */
bool compartment_rules_equip_plan(struct coffer_asset_list *list, size_t a, int16_t position,
                                  uint32_t capacity, compartment_classify_fn classify,
                                  compartment_free_slot_fn free_slot,
                                  struct compartment_equip_plan *out);

/* What a merge callback did with one (destination i, source j) pair. */
enum compartment_merge_step {
	COMPARTMENT_MERGE_NONE = 0,    /* the merge condition does not hold */
	COMPARTMENT_MERGE_PARTIAL = 1, /* merged, the source keeps the rest */
	COMPARTMENT_MERGE_FULL = 2,    /* merged, the source is gone: the callback removed it from
	                                  its list, the items after it moved down one index */
};
/* Examine the pair (destination @p dst, source @p src), indexes in the current list; return an
 * enum compartment_merge_step or a negative error. */
typedef int (*compartment_merge_fn)(void *ud, size_t dst, size_t src);

/* The merge pass of kafka-contract.md#merge step 2 over a list of @p n bag assets in ascending slot order:
 * for i ascending, j from i + 1 ascending, with index j examined again after every merge.
 * @return 0, or the first negative value of @p fn. */
int compartment_rules_merge_pass(size_t n, compartment_merge_fn fn, void *ud);

/* One move of a compaction: the asset at index @p index goes from @p from to @p to. */
struct compartment_move {
	size_t index;
	int16_t from, to;
};

/* Compaction (kafka-contract.md#compaction) of @p n bag slots in ascending order: the asset at index k goes to
 * slot k + 1 when it is not there. Writes at most @p n moves in ascending order of the old
 * slot (each target is empty when its move runs) and returns how many. */
size_t compartment_rules_compact(const int16_t *slots, size_t n, struct compartment_move *out);

/* One exchange of the selection sort: the asset at position @p from (1-based) goes to position
 * @p to, the one there goes to @p from. */
struct compartment_swap {
	int16_t to, from;
};

/* Selection sort of kafka-contract.md#sort step 2 over @p n template ids of bag positions 1..n: for each
 * position i the smallest id of i..n (the lowest position on ties); an exchange when it is
 * not at i. @p templates is sorted in place; writes at most n - 1 exchanges, returns how many. */
size_t compartment_rules_sort(uint32_t *templates, size_t n, struct compartment_swap *out);

#endif
