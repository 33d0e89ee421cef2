/* SPDX-License-Identifier: MIT */
/* plugins/asset/asset_rules.c: the pure rules of the inventory model (kafka-contract.md#the-inventory-model): template
 * type and kind, slot max, free-slot search, merge condition and effect, DESTROY and RECHARGE
 * arithmetic. No host calls, so the unit tests link this file alone. */
#include "asset_rules.h"

#include <string.h>

static const char *const kind_names[] = {
	[COFFER_KIND_NONE] = "",
	[COFFER_KIND_EQUIPABLE] = "equipable",
	[COFFER_KIND_CASH_EQUIPABLE] = "cash-equipable",
	[COFFER_KIND_CONSUMABLE] = "consumable",
	[COFFER_KIND_SETUP] = "setup",
	[COFFER_KIND_ETC] = "etc",
	[COFFER_KIND_CASH] = "cash",
	[COFFER_KIND_PET] = "pet",
};

uint8_t asset_rules_template_type(uint32_t template_id)
{
	uint32_t t = template_id / 1000000u;
	return t >= 1 && t <= 5 ? (uint8_t)t : 0;
}

uint32_t asset_rules_classification(uint32_t template_id) { return template_id / 10000u; }

enum coffer_asset_kind asset_rules_kind_for_template(uint32_t template_id)
{
	switch (asset_rules_template_type(template_id)) {
	case COFFER_INV_EQUIP: return COFFER_KIND_EQUIPABLE;
	case COFFER_INV_USE: return COFFER_KIND_CONSUMABLE;
	case COFFER_INV_SETUP: return COFFER_KIND_SETUP;
	case COFFER_INV_ETC: return COFFER_KIND_ETC;
	case COFFER_INV_CASH:
		/* Only CREATE_ASSET and pick-up come here; ACCEPT always makes cash kinds (OP-25). */
		return asset_rules_classification(template_id) == 500 ? COFFER_KIND_PET : COFFER_KIND_CASH;
	default: return COFFER_KIND_NONE;
	}
}

const char *asset_rules_kind_name(enum coffer_asset_kind kind)
{
	if ((unsigned)kind >= sizeof kind_names / sizeof kind_names[0])
		return "";
	return kind_names[kind];
}

enum coffer_asset_kind asset_rules_kind_parse(const char *s, size_t n)
{
	for (unsigned k = COFFER_KIND_EQUIPABLE; k <= COFFER_KIND_PET; k++)
		if (strlen(kind_names[k]) == n && memcmp(kind_names[k], s, n) == 0)
			return (enum coffer_asset_kind)k;
	return COFFER_KIND_NONE;
}

bool asset_rules_stackable(enum coffer_asset_kind kind)
{
	return kind == COFFER_KIND_CONSUMABLE || kind == COFFER_KIND_SETUP || kind == COFFER_KIND_ETC ||
	       kind == COFFER_KIND_CASH;
}

uint32_t asset_rules_qty(const struct coffer_asset *a)
{
	return asset_rules_stackable(a->kind) ? a->quantity : 1;
}

uint32_t asset_rules_slot_max(uint8_t type, uint32_t raw)
{
	if (type >= COFFER_INV_USE && type <= COFFER_INV_ETC)
		return raw ? raw : 100; /* OP-21: the game client's default */
	return 1;
}

int16_t asset_rules_free_slot(const int16_t *slots, size_t n, uint32_t capacity)
{
	/* A bitmap over every positive slot value: the input need not be sorted or distinct. */
	uint8_t used[32768 / 8];
	memset(used, 0, sizeof used);
	for (size_t i = 0; i < n; i++)
		if (slots[i] >= 1)
			used[slots[i] / 8] |= (uint8_t)(1u << (slots[i] % 8));
	uint32_t cap = capacity > 32767 ? 32767 : capacity;
	for (uint32_t s = 1; s <= cap; s++)
		if (!(used[s / 8] & (1u << (s % 8))))
			return (int16_t)s;
	return 0;
}

int16_t asset_rules_free_slot_list(const struct coffer_asset_list *list, uint32_t capacity)
{
	int16_t slots[512];
	size_t n = 0;
	/* The list is in ascending slot order, so only the bag part matters and it is short. */
	for (size_t i = 0; list && i < list->n && n < sizeof slots / sizeof slots[0]; i++)
		if (list->v[i].slot >= 1)
			slots[n++] = list->v[i].slot;
	return asset_rules_free_slot(slots, n, capacity);
}

bool asset_rules_can_merge(uint8_t ctype, const struct coffer_asset *src,
                           const struct coffer_asset *dst, uint64_t src_reserved,
                           uint64_t dst_reserved, uint32_t slot_max)
{
	if (ctype == COFFER_INV_EQUIP)
		return false;
	if (src->id == dst->id || src->template_id != dst->template_id)
		return false;
	if (ctype == COFFER_INV_USE && (src->rechargeable > 0 || dst->rechargeable > 0))
		return false;
	if (src_reserved > 0 || dst_reserved > 0)
		return false;
	if (!asset_rules_stackable(src->kind) || !asset_rules_stackable(dst->kind))
		return false;
	return dst->quantity < slot_max;
}

bool asset_rules_merge_effect(uint32_t qty_src, uint32_t qty_dst, uint32_t slot_max,
                              uint32_t *new_dst, uint32_t *new_src)
{
	uint64_t total = (uint64_t)qty_src + qty_dst;
	if (total <= slot_max) {
		*new_dst = (uint32_t)total;
		*new_src = 0;
		return true;
	}
	/* qty_dst < slot_max here (merge condition 6), so total - max < qty_src fits. */
	*new_dst = slot_max;
	*new_src = (uint32_t)(total - slot_max);
	return false;
}

bool asset_rules_destroy(const struct coffer_asset *a, uint32_t n, uint32_t *left)
{
	if (!asset_rules_stackable(a->kind) || n == 0 || a->quantity <= n) {
		*left = 0;
		return true;
	}
	*left = a->quantity - n;
	return false;
}

uint32_t asset_rules_recharge(uint32_t quantity, uint32_t add)
{
	uint64_t q = (uint64_t)quantity + add;
	return q > UINT32_MAX ? UINT32_MAX : (uint32_t)q;
}

bool asset_rules_expiration_ok(int64_t us)
{
	return us == COFFER_ASSET_NO_EXPIRY || (us >= ASSET_TIME_MIN_US && us <= ASSET_TIME_MAX_US);
}

size_t asset_rules_parse_slots(const char *s, size_t n, int16_t *out, size_t max)
{
	size_t k = 0, i = 0;
	while (i < n && k < max) {
		while (i < n && (s[i] == ' ' || s[i] == ','))
			i++;
		bool neg = false;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			neg = s[i++] == '-';
		long v = 0;
		size_t digits = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 6) {
			v = v * 10 + (s[i++] - '0');
			digits++;
		}
		bool junk = digits == 0;
		while (i < n && s[i] != ',') {
			junk |= s[i] != ' ';
			i++;
		}
		v = neg ? -v : v;
		if (!junk && v != 0 && v >= INT16_MIN + 1 && v <= INT16_MAX)
			out[k++] = (int16_t)v;
	}
	return k;
}

void asset_rules_utf8_prefix(const char *s, size_t n, size_t chars, char *out, size_t outsz)
{
	size_t i = 0, c = 0;
	while (i < n && c < chars) {
		unsigned char b = (unsigned char)s[i];
		size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
		if (i + len > n || i + len >= outsz)
			break;
		i += len;
		c++;
	}
	if (outsz == 0)
		return;
	if (i >= outsz)
		i = outsz - 1;
	memcpy(out, s, i);
	out[i] = '\0';
}

void asset_rules_blank(struct coffer_asset *a, uint32_t template_id, enum coffer_asset_kind kind)
{
	memset(a, 0, sizeof *a);
	a->template_id = template_id;
	a->kind = kind;
	a->expiration_us = COFFER_ASSET_NO_EXPIRY;
	a->quantity = 1;
	a->pet_slot = -1;
}
