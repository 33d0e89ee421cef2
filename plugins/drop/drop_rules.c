/* SPDX-License-Identifier: MIT */
/* plugins/drop/drop_rules.c: the pure rules of the map-drops contract.
 *
 * Spawn validation and normalisation (kafka-contract.md#drop-kinds, kafka-contract.md#equipmentid, kafka-contract.md#spawn), who may
 * reserve (kafka-contract.md#ownership), the decisions of the state machine (kafka-contract.md#request_reservation to #request_pick_up, kafka-contract.md#drop-states), the due
 * condition of the expiry (kafka-contract.md#drop-expiry), drop id allocation with wrap-around and
 * skipping of live ids (kafka-contract.md#drop-ids), the settings' defaults (kafka-contract.md#drop-settings), and the decisions of
 * the inventory half: how much of an asset a DROP takes (kafka-contract.md#drop-compartment), the
 * SPAWN_FROM_CHARACTER it sends, and the stacking plan of an item pick-up (kafka-contract.md#item-pick-up).
 * No host calls and no SQL here: the handlers lock and read the row, ask these
 * functions, and write what they decided; the unit tests call them directly. */
#include "drop.h"

#include <string.h>

const char *const drop_stat_json[DROP_NSTATS] = {
	"strength",      "dexterity",     "intelligence", "luck",
	"hp",            "mp",            "weaponAttack", "magicAttack",
	"weaponDefense", "magicDefense",  "accuracy",     "avoidability",
	"hands",         "speed",         "jump",         "slots",
};

/* ------------------------------------------------------------------ spawn */

unsigned drop_inventory_type(uint32_t item_id)
{
	unsigned t = item_id / 1000000u;
	return t >= 1 && t <= 5 ? t : 0;
}

enum drop_kind drop_kind_of(uint32_t item_id, uint32_t meso, const char **why)
{
	if (meso > 0 && item_id > 0) {
		*why = "both mesos and itemId are set";
		return DROP_KIND_INVALID;
	}
	if (meso == 0 && item_id == 0) {
		*why = "neither mesos nor itemId is set";
		return DROP_KIND_INVALID;
	}
	if (item_id == 0)
		return DROP_KIND_MESO;
	switch (drop_inventory_type(item_id)) {
	case 0:
		*why = "itemId has no valid inventory type";
		return DROP_KIND_INVALID;
	case 1:
		return DROP_KIND_EQUIPMENT;
	default:
		return DROP_KIND_ITEM;
	}
}

enum drop_kind drop_spawn_normalise(struct drop_row *r, const char **why)
{
	enum drop_kind k = drop_kind_of(r->item_id, r->meso, why);
	switch (k) {
	case DROP_KIND_MESO:
		r->item_id = 0;
		r->quantity = 0;
		r->equipment_id = 0;
		memset(r->stats, 0, sizeof r->stats);
		break;
	case DROP_KIND_EQUIPMENT:
		/* Equipment never stacks: the body's quantity is not trusted. */
		r->quantity = 1;
		break;
	case DROP_KIND_ITEM:
		if (r->quantity == 0) {
			*why = "item drop with quantity 0";
			return DROP_KIND_INVALID;
		}
		r->equipment_id = 0;
		memset(r->stats, 0, sizeof r->stats);
		break;
	case DROP_KIND_INVALID:
		break;
	}
	return k;
}

uint32_t drop_equipment_id(enum drop_kind kind, bool from_character, uint32_t body_value,
                           uint32_t drop_id)
{
	if (kind != DROP_KIND_EQUIPMENT)
		return 0;
	if (from_character && body_value != 0)
		return body_value;
	/* No external equipment record exists: the drop's own id is the marker. */
	return drop_id;
}

bool drop_stats_all_zero(const uint16_t stats[DROP_NSTATS])
{
	for (int i = 0; i < DROP_NSTATS; i++)
		if (stats[i] != 0)
			return false;
	return true;
}

bool drop_region_fits(const char *region)
{
	/* VARCHAR(32) counts characters; the column's character set needs valid UTF-8. */
	const unsigned char *p = (const unsigned char *)region;
	unsigned chars = 0;
	while (*p) {
		unsigned len = 0;
		if (*p < 0x80)
			len = 1;
		else if ((*p & 0xE0) == 0xC0)
			len = 2;
		else if ((*p & 0xF0) == 0xE0)
			len = 3;
		else if ((*p & 0xF8) == 0xF0)
			len = 4;
		if (len == 0 || (len == 2 && *p < 0xC2) || (len == 4 && *p > 0xF4))
			return false;
		uint32_t cp = len == 1 ? *p : *p & (0x7Fu >> len);
		for (unsigned i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3Fu);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += len;
		if (++chars > DROP_REGION_MAX)
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------ ownership, state machine */

bool drop_may_reserve(const struct drop_row *r, uint32_t character, uint32_t party,
                      int64_t now_us, int64_t window_us)
{
	if (r->player_drop)
		return true;
	if (r->owner_id == 0 && r->owner_party_id == 0)
		return true;
	/* Exactly the window's length counts as over. */
	if (now_us - r->drop_time_us >= window_us)
		return true;
	if (r->owner_id != 0 && r->owner_id == character)
		return true;
	if (r->owner_party_id != 0 && r->owner_party_id == party)
		return true;
	return false;
}

bool drop_loc_eq(const struct drop_loc *a, const struct drop_loc *b)
{
	return a->world == b->world && a->channel == b->channel && a->map == b->map;
}

enum drop_reserve_verdict drop_decide_reserve(const struct drop_row *r, const struct drop_loc *cmd,
                                              uint32_t character, uint32_t party, int64_t now_us,
                                              int64_t window_us)
{
	if (r == NULL || !drop_loc_eq(&r->loc, cmd))
		return DROP_RESERVE_REFUSE;
	if (r->status == DROP_RESERVED)
		/* A second RESERVED would make the inventory credit the drop twice. */
		return r->reserved_by == character ? DROP_RESERVE_SILENT : DROP_RESERVE_REFUSE;
	return drop_may_reserve(r, character, party, now_us, window_us) ? DROP_RESERVE_GRANT
	                                                                : DROP_RESERVE_REFUSE;
}

bool drop_decide_cancel(const struct drop_row *r, const struct drop_loc *cmd, uint32_t character)
{
	return r != NULL && drop_loc_eq(&r->loc, cmd) && r->status == DROP_RESERVED &&
	       r->reserved_by == character;
}

enum drop_pickup_verdict drop_decide_pickup(const struct drop_row *r, const struct drop_loc *cmd,
                                            uint32_t character)
{
	if (r == NULL || !drop_loc_eq(&r->loc, cmd))
		return DROP_PICKUP_NONE;
	if (r->status == DROP_RESERVED && r->reserved_by == character)
		return DROP_PICKUP_HOLDER;
	/* The sender already credited the drop: refusing would leave a duplicate on the map. */
	return DROP_PICKUP_OTHER;
}

bool drop_is_due(const struct drop_row *r, int64_t now_us, int64_t duration_us, int64_t grace_us)
{
	if (!(r->drop_time_us + duration_us < now_us))
		return false;
	if (r->status == DROP_AVAILABLE)
		return true;
	/* RESERVED: a slow pick-up keeps the grace period; a lost one is bounded by it. */
	return r->has_reserved_at && r->reserved_at_us + grace_us < now_us;
}

/* ------------------------------------------------------------------ ids */

uint32_t drop_id_next(uint32_t last)
{
	if (last < DROP_ID_MIN - 1u || last >= DROP_ID_MAX)
		return DROP_ID_MIN;
	return last + 1u;
}

int drop_id_allocate(uint32_t last, uint32_t max_attempts, drop_id_try_fn try_id, void *ud,
                     uint32_t *out)
{
	uint32_t c = last;
	for (uint32_t n = 0; n < max_attempts; n++) {
		c = drop_id_next(c);
		int rc = try_id(ud, c);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			*out = c;
			return 0;
		}
	}
	return COFFER_ENOTFOUND;
}

/* ------------------------------------------------------------------ settings */

/* Milliseconds to microseconds, clamped to a century so that sums with times cannot overflow. */
static int64_t ms_to_us(int64_t ms)
{
	const int64_t century_ms = 100LL * 366 * 86400 * 1000;
	return (ms > century_ms ? century_ms : ms) * 1000;
}

void drop_cfg_sanitise(const struct drop_cfg_raw *raw, struct drop_cfg *out)
{
	/* Zero or negative duration/interval/batch/retention mean "the default" (kafka-contract.md#drop-expiry):
	 * 0 would expire everything at once or spin. A zero grace or window is a
	 * meaningful choice (no grace, no priority); only negative values are replaced. */
	out->interval_ms = raw->interval_ms > 0 ? raw->interval_ms : DROP_DEF_INTERVAL_MS;
	if (out->interval_ms > UINT32_MAX)
		out->interval_ms = UINT32_MAX;
	out->duration_us = ms_to_us(raw->duration_ms > 0 ? raw->duration_ms : DROP_DEF_DURATION_MS);
	out->grace_us = ms_to_us(raw->grace_ms >= 0 ? raw->grace_ms : DROP_DEF_GRACE_MS);
	out->window_us = ms_to_us(raw->window_ms >= 0 ? raw->window_ms : DROP_DEF_WINDOW_MS);
	out->retention_us = ms_to_us(raw->retention_ms > 0 ? raw->retention_ms : DROP_DEF_RETENTION_MS);
	if (raw->batch <= 0)
		out->batch = DROP_DEF_BATCH;
	else if (raw->batch > DROP_MAX_BATCH)
		out->batch = DROP_MAX_BATCH;
	else
		out->batch = (unsigned)raw->batch;
	out->expire_all_on_shutdown = raw->expire_all_on_shutdown;
}

bool drop_cfg_bool(const char *v)
{
	if (v == NULL)
		return false;
	return strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0 ||
	       strcmp(v, "on") == 0;
}

/* ------------------------------------------------------------------ inventory half */

enum drop_take_verdict drop_rules_take(uint32_t total, uint64_t reserved, uint32_t quantity)
{
	/* A reservation larger than the asset (it can outlive a quantity change) leaves nothing. */
	uint64_t available = reserved >= total ? 0 : total - reserved;
	if (quantity == 0 || quantity > available)
		return DROP_TAKE_REFUSE;
	/* OP-12: whole removal only when the quantity is the total, not merely the unreserved part. */
	return quantity == total ? DROP_TAKE_DELETE : DROP_TAKE_REDUCE;
}

void drop_rules_stats_to_array(const struct coffer_equip_stats *s, uint16_t out[DROP_NSTATS])
{
	const uint16_t v[DROP_NSTATS] = {
		s->strength,      s->dexterity,      s->intelligence,  s->luck,
		s->hp,            s->mp,             s->weapon_attack, s->magic_attack,
		s->weapon_defense, s->magic_defense, s->accuracy,      s->avoidability,
		s->hands,         s->speed,          s->jump,          s->slots,
	};
	memcpy(out, v, sizeof v);
}

void drop_rules_stats_from_array(const uint16_t in[DROP_NSTATS], struct coffer_equip_stats *out)
{
	*out = (struct coffer_equip_stats){
		.strength = in[0],       .dexterity = in[1],      .intelligence = in[2],
		.luck = in[3],           .hp = in[4],             .mp = in[5],
		.weapon_attack = in[6],  .magic_attack = in[7],   .weapon_defense = in[8],
		.magic_defense = in[9],  .accuracy = in[10],      .avoidability = in[11],
		.hands = in[12],         .speed = in[13],         .jump = in[14],
		.slots = in[15],
	};
}

void drop_rules_spawn_of_asset(const struct coffer_asset *a, uint8_t inventory_type,
                               uint32_t quantity, uint32_t character, int16_t x, int16_t y,
                               struct drop_row *out)
{
	memset(out, 0, sizeof *out);
	out->item_id = a->template_id;
	/* kafka-contract.md#drop-compartment keys the table on the command's inventoryType: whatever lies in the EQUIP
	 * compartment travels as one piece with its statistics (cash-equipable included, OP-38). */
	bool equip = inventory_type == 1;
	out->equipment_id = equip ? a->reference_id : 0;
	out->quantity = equip ? 1 : quantity;
	out->meso = 0;
	out->drop_type = 2; /* character drops are free for all (kafka-contract.md#droptype) */
	out->x = x;
	out->y = y;
	out->owner_id = character;
	out->owner_party_id = 0;
	out->dropper_id = character;
	out->dropper_x = x;
	out->dropper_y = y;
	out->player_drop = true;
	if (equip)
		drop_rules_stats_to_array(&a->stats, out->stats);
}

void drop_rules_stack_plan(const struct coffer_asset_list *list, uint32_t template_id, uint32_t q,
                           uint32_t max, bool (*stackable)(enum coffer_asset_kind),
                           struct drop_stack_plan *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < list->n; i++) {
		const struct coffer_asset *a = &list->v[i];
		/* kafka-contract.md#item-pick-up: reservations, rechargeable, owner, flag, expiry are not looked at. */
		if (a->template_id != template_id || !stackable(a->kind) || a->quantity >= max)
			continue;
		uint64_t sum = (uint64_t)a->quantity + q;
		out->fill = true;
		out->fill_index = i;
		if (sum <= max) {
			out->fill_to = (uint32_t)sum;
		} else {
			out->fill_to = max;
			out->create = true;
			out->create_qty = (uint32_t)(sum - max); /* < q, so it fits */
		}
		return;
	}
	out->create = true;
	out->create_qty = q;
}
