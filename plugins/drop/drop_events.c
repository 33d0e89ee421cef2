/* SPDX-License-Identifier: MIT */
/* plugins/drop/drop_events.c: the JSON of the five drop status events (kafka-contract.md#drop-envelopes, kafka-contract.md#drop-status-events)
 * and of the three commands the inventory half sends (kafka-contract.md#drop-commands-the-inventory-sends).
 *
 * Fields are added in the contract's order (jansson keeps insertion order and the
 * host serialises compactly), so two implementations' streams compare byte for
 * byte. Pure JSON building, no host calls: the unit tests check the exact text. */
#include "drop.h"

#include "util.h"

static void put_int(json_t *o, const char *name, json_int_t v)
{
	json_object_set_new(o, name, json_integer(v));
}

/* The event envelope up to "type"; the caller adds "body". */
static json_t *envelope(const char *txn_id, const struct drop_loc *loc, uint32_t drop_id,
                        const char *type)
{
	json_t *o = json_object();
	json_object_set_new(o, "transactionId", json_string(txn_id));
	put_int(o, "worldId", loc->world);
	put_int(o, "channelId", loc->channel);
	put_int(o, "mapId", loc->map);
	put_int(o, "dropId", drop_id);
	json_object_set_new(o, "type", json_string(type));
	return o;
}

/* The base fields shared by RESERVED and PICKED_UP, after characterId. */
static void put_contents(json_t *b, const struct drop_row *r)
{
	put_int(b, "itemId", r->item_id);
	put_int(b, "equipmentId", r->equipment_id);
	put_int(b, "quantity", r->quantity);
	put_int(b, "meso", r->meso);
}

/* [EXT] kafka-contract.md#inline-equipment-statistics: always present, after the base fields. */
static void put_stats(json_t *b, const struct drop_row *r)
{
	for (int i = 0; i < DROP_NSTATS; i++)
		put_int(b, drop_stat_json[i], r->stats[i]);
}

json_t *drop_ev_created(const struct drop_row *r)
{
	json_t *o = envelope(r->txn_id, &r->loc, r->id, "CREATED");
	json_t *b = json_object();
	put_int(b, "itemId", r->item_id);
	put_int(b, "quantity", r->quantity);
	put_int(b, "meso", r->meso);
	put_int(b, "type", r->drop_type);
	put_int(b, "x", r->x);
	put_int(b, "y", r->y);
	put_int(b, "ownerId", r->owner_id);
	put_int(b, "ownerPartyId", r->owner_party_id);
	json_object_set_new(b, "dropTime", cu_json_time(r->drop_time_us));
	put_int(b, "dropperUniqueId", r->dropper_id);
	put_int(b, "dropperX", r->dropper_x);
	put_int(b, "dropperY", r->dropper_y);
	json_object_set_new(b, "playerDrop", json_boolean(r->player_drop));
	json_object_set_new(o, "body", b);
	return o;
}

json_t *drop_ev_expired(const struct drop_row *r)
{
	json_t *o = envelope(r->txn_id, &r->loc, r->id, "EXPIRED");
	json_object_set_new(o, "body", json_object());
	return o;
}

json_t *drop_ev_reserved(const char *txn_id, const struct drop_row *r, uint32_t character)
{
	json_t *o = envelope(txn_id, &r->loc, r->id, "RESERVED");
	json_t *b = json_object();
	put_int(b, "characterId", character);
	put_contents(b, r);
	put_stats(b, r);
	json_object_set_new(o, "body", b);
	return o;
}

json_t *drop_ev_picked_up(const char *txn_id, const struct drop_row *r, uint32_t character,
                          int8_t pet_slot)
{
	json_t *o = envelope(txn_id, &r->loc, r->id, "PICKED_UP");
	json_t *b = json_object();
	put_int(b, "characterId", character);
	put_contents(b, r);
	put_int(b, "petSlot", pet_slot);
	put_stats(b, r);
	json_object_set_new(o, "body", b);
	return o;
}

json_t *drop_ev_failure(const char *txn_id, const struct drop_loc *loc, uint32_t drop_id,
                        uint32_t character)
{
	json_t *o = envelope(txn_id, loc, drop_id, "RESERVATION_FAILURE");
	json_t *b = json_object();
	put_int(b, "characterId", character);
	json_object_set_new(o, "body", b);
	return o;
}

/* ------------------------------------------------------------------ commands of the inventory half */

/* The command envelope up to "type" (kafka-contract.md#drop-commands-the-inventory-sends): no dropId. */
static json_t *cmd_envelope(const char *txn_id, const struct drop_loc *loc, const char *type)
{
	json_t *o = json_object();
	json_object_set_new(o, "transactionId", json_string(txn_id));
	put_int(o, "worldId", loc->world);
	put_int(o, "channelId", loc->channel);
	put_int(o, "mapId", loc->map);
	json_object_set_new(o, "type", json_string(type));
	return o;
}

json_t *drop_cmd_spawn_from_character(const struct drop_row *r)
{
	json_t *o = cmd_envelope(r->txn_id, &r->loc, "SPAWN_FROM_CHARACTER");
	json_t *b = json_object();
	put_int(b, "itemId", r->item_id);
	put_int(b, "equipmentId", r->equipment_id);
	put_int(b, "quantity", r->quantity);
	put_int(b, "mesos", r->meso);
	put_int(b, "dropType", r->drop_type);
	put_int(b, "x", r->x);
	put_int(b, "y", r->y);
	put_int(b, "ownerId", r->owner_id);
	put_int(b, "ownerPartyId", r->owner_party_id);
	put_int(b, "dropperId", r->dropper_id);
	put_int(b, "dropperX", r->dropper_x);
	put_int(b, "dropperY", r->dropper_y);
	json_object_set_new(b, "playerDrop", json_boolean(r->player_drop));
	put_int(b, "mod", 0); /* written as 0 as the drop command's shape lists it (kafka-contract.md#drop-commands-the-inventory-sends) */
	put_stats(b, r);
	json_object_set_new(o, "body", b);
	return o;
}

json_t *drop_cmd_answer(const char *txn_id, const struct drop_loc *loc, const char *type,
                        uint32_t drop_id, uint32_t character)
{
	json_t *o = cmd_envelope(txn_id, loc, type);
	json_t *b = json_object();
	put_int(b, "dropId", drop_id);
	put_int(b, "characterId", character);
	json_object_set_new(o, "body", b);
	return o;
}
