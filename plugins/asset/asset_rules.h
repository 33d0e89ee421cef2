/* SPDX-License-Identifier: MIT */
/* plugins/asset/asset_rules.h: the pure inventory rules (no host, no SQL), shared by the
 * service and the handlers and unit-tested directly (tests/plugins/asset/test_asset_rules.c). */
#ifndef ASSET_RULES_H
#define ASSET_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coffer/svc/asset.h>

/* Earliest and latest instants a DATETIME(6) column holds (1000-01-01 .. 9999-12-31). */
#define ASSET_TIME_MIN_US (-30610224000LL * 1000000LL)
#define ASSET_TIME_MAX_US (253402300799LL * 1000000LL + 999999LL)
/* VARCHAR(32) of owner_name and pet_name, in characters. */
#define ASSET_NAME_CHARS 32

uint8_t asset_rules_template_type(uint32_t template_id);
uint32_t asset_rules_classification(uint32_t template_id);
enum coffer_asset_kind asset_rules_kind_for_template(uint32_t template_id);
const char *asset_rules_kind_name(enum coffer_asset_kind kind);
enum coffer_asset_kind asset_rules_kind_parse(const char *s, size_t n);
bool asset_rules_stackable(enum coffer_asset_kind kind);
uint32_t asset_rules_qty(const struct coffer_asset *a);

/* Slot max of kafka-contract.md#stacking-and-merging / kafka-contract.md#item-templates for a template of @p type whose row holds @p raw (0 = none). */
uint32_t asset_rules_slot_max(uint8_t type, uint32_t raw);

/* Smallest s in 1..capacity not in @p slots (any order, negatives ignored); 0 when full. */
int16_t asset_rules_free_slot(const int16_t *slots, size_t n, uint32_t capacity);
int16_t asset_rules_free_slot_list(const struct coffer_asset_list *list, uint32_t capacity);

/* Merge condition of kafka-contract.md#stacking-and-merging with the reserved quantities already known. */
bool asset_rules_can_merge(uint8_t ctype, const struct coffer_asset *src,
                           const struct coffer_asset *dst, uint64_t src_reserved,
                           uint64_t dst_reserved, uint32_t slot_max);
/* Merge effect of kafka-contract.md#stacking-and-merging: new quantities of D and S; true when S is used up (deleted). */
bool asset_rules_merge_effect(uint32_t qty_src, uint32_t qty_dst, uint32_t slot_max,
                              uint32_t *new_dst, uint32_t *new_src);

/* DESTROY (kafka-contract.md#destroy): whether the asset goes entirely; otherwise *left is what remains.
 * @p n == 0 means "everything". */
bool asset_rules_destroy(const struct coffer_asset *a, uint32_t n, uint32_t *left);
/* RECHARGE (kafka-contract.md#recharge): quantity + add, saturating at UINT32_MAX. */
uint32_t asset_rules_recharge(uint32_t quantity, uint32_t add);

/* Whether an expiration can be stored: the zero time (none) or a DATETIME(6) instant. */
bool asset_rules_expiration_ok(int64_t us);

/* Parse "-12,-13,-15,-16" into @p out (at most @p max); junk entries are skipped. */
size_t asset_rules_parse_slots(const char *s, size_t n, int16_t *out, size_t max);

/* Copy at most @p chars UTF-8 characters of @p s (n bytes) into @p out (size @p outsz). */
void asset_rules_utf8_prefix(const char *s, size_t n, size_t chars, char *out, size_t outsz);

/* Zero @p a and set the column defaults of kafka-contract.md#inventory-tables. */
void asset_rules_blank(struct coffer_asset *a, uint32_t template_id, enum coffer_asset_kind kind);

#endif
