/* SPDX-License-Identifier: MIT */
/* plugins/reservation/reservation_rules.c: the pure rules of the reservation plugin: the
 * all-or-nothing planning of REQUEST_RESERVE (kafka-contract.md#request_reserve, OP-7, OP-34), the arithmetic of
 * CONSUME (kafka-contract.md#consume, OP-10) and the sanitising of the sweep settings. No host calls, so the unit
 * tests link this file alone. */
#include "reservation_rules.h"

#include <stdlib.h>

const char *reservation_rules_verdict_name(enum rsv_verdict v)
{
	switch (v) {
	case RSV_OK: return "ok";
	case RSV_NO_ASSET: return "no asset in slot";
	case RSV_WRONG_ITEM: return "itemId differs from the asset's template";
	case RSV_NEGATIVE: return "negative quantity";
	case RSV_NOT_ENOUGH: return "not enough available quantity";
	}
	return "?";
}

static int by_slot(const void *a, const void *b)
{
	const struct rsv_stock *x = a, *y = b;
	return (x->slot > y->slot) - (x->slot < y->slot);
}

void reservation_rules_sort(struct rsv_stock *stock, size_t n)
{
	if (n > 1)
		qsort(stock, n, sizeof *stock, by_slot);
}

static bool find_slot(const struct rsv_stock *s, size_t n, int16_t slot, size_t *idx)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s[mid].slot == slot) {
			*idx = mid;
			return true;
		}
		if (s[mid].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void reservation_rules_resolve(struct rsv_stock *stock, size_t nstock, struct rsv_item *items,
                               size_t nitems)
{
	for (size_t i = 0; i < nitems; i++) {
		items[i].found = find_slot(stock, nstock, items[i].source, &items[i].stock);
		if (items[i].found)
			stock[items[i].stock].used = true;
	}
}

enum rsv_verdict reservation_rules_plan(struct rsv_stock *stock, size_t nstock,
                                        const struct rsv_item *items, size_t nitems, size_t *bad)
{
	for (size_t k = 0; k < nstock; k++)
		stock[k].planned = 0;
	for (size_t i = 0; i < nitems; i++) {
		const struct rsv_item *it = &items[i];
		enum rsv_verdict v = RSV_OK;
		if (!it->found || it->stock >= nstock) {
			v = RSV_NO_ASSET;
		} else {
			struct rsv_stock *s = &stock[it->stock];
			/* Signed: a DESTROY may have left an asset with more reserved than it holds
			 * (DESTROY ignores reservations, kafka-contract.md#reservations), so "available" can be negative. */
			int64_t left = (int64_t)s->qty - (int64_t)s->reserved - (int64_t)s->planned;
			if (s->template_id != it->item_id)
				v = RSV_WRONG_ITEM;
			else if (it->quantity < 0)
				v = RSV_NEGATIVE;
			else if (left < it->quantity)
				v = RSV_NOT_ENOUGH;
			else
				s->planned += (uint64_t)it->quantity;
		}
		if (v != RSV_OK) {
			if (bad)
				*bad = i;
			return v;
		}
	}
	return RSV_OK;
}

bool reservation_rules_consume(bool stackable, uint32_t qty, uint32_t reserved, uint32_t *left)
{
	if (!stackable || qty <= reserved) {
		*left = 0;
		return true;
	}
	*left = qty - reserved;
	return false;
}

unsigned reservation_rules_interval(int64_t ms)
{
	if (ms < 1)
		return RSV_DEF_SWEEP_INTERVAL_MS;
	return ms > RSV_MAX_SWEEP_INTERVAL_MS ? RSV_MAX_SWEEP_INTERVAL_MS : (unsigned)ms;
}

unsigned reservation_rules_batch(int64_t n)
{
	if (n < 1)
		return RSV_DEF_SWEEP_BATCH;
	return n > RSV_MAX_SWEEP_BATCH ? RSV_MAX_SWEEP_BATCH : (unsigned)n;
}
