/* SPDX-License-Identifier: MIT */
/* tests/plugins/drop/dropsvcprobe.c: a test-only plugin that uses the "drop" service the way
 * a channel plugin would: it looks the service up in init and calls it from handlers on
 * COMMAND_TOPIC_DROPPROBE, so test_drop_service checks the service inside a real handler
 * transaction on the fake host. What the service hands back is reported as one event on
 * EVENT_TOPIC_DROPPROBE (key = the number of drops, or the drop id):
 *   LIST {worldId, channelId, mapId}  -> {"type":"LIST","rc":...,"drops":[drop...]}
 *   GET {dropId}                      -> {"type":"GET","rc":...,"drop":drop|null}
 *   VERSIONS                          -> {"type":"VERSIONS","v1":bool,"v2":bool}: what the
 *                                        lookups of versions 1 and 2 answered in init.
 * rc is "OK", "ENOTFOUND" or the number. */
#include <coffer/plugin.h>
#include <coffer/svc/drop.h>
#include <string.h>

#include "util.h"

#define PROBE_EVT "EVENT_TOPIC_DROPPROBE"

static const struct coffer_host *host;
static const struct coffer_svc_drop *svc;
static bool have_v2;

static json_t *rc_json(int rc)
{
	return rc == 0 ? json_string("OK")
	       : rc == COFFER_ENOTFOUND ? json_string("ENOTFOUND")
	                                : json_integer(rc);
}

/* Every field of the record, in the order of struct coffer_drop. */
static json_t *drop_json(const struct coffer_drop *d)
{
	const struct coffer_equip_stats *s = &d->stats;
	json_t *stats = json_pack(
		"{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "strength",
		s->strength, "dexterity", s->dexterity, "intelligence", s->intelligence, "luck", s->luck,
		"hp", s->hp, "mp", s->mp, "weaponAttack", s->weapon_attack, "magicAttack",
		s->magic_attack, "weaponDefense", s->weapon_defense, "magicDefense", s->magic_defense,
		"accuracy", s->accuracy, "avoidability", s->avoidability, "hands", s->hands, "speed",
		s->speed, "jump", s->jump, "slots", s->slots);
	return json_pack("{s:I,s:i,s:i,s:I,s:I,s:I,s:I,s:I,s:i,s:i,s:i,s:I,s:I,s:I,s:I,s:i,s:i,"
	                 "s:b,s:s,s:o}",
	                 "id", (json_int_t)d->id, "worldId", d->world_id, "channelId", d->channel_id,
	                 "mapId", (json_int_t)d->map_id, "itemId", (json_int_t)d->item_id,
	                 "equipmentId", (json_int_t)d->equipment_id, "quantity",
	                 (json_int_t)d->quantity, "meso", (json_int_t)d->meso, "dropType",
	                 d->drop_type, "x", d->x, "y", d->y, "ownerId", (json_int_t)d->owner_id,
	                 "ownerPartyId", (json_int_t)d->owner_party_id, "dropTime",
	                 (json_int_t)d->drop_time_us, "dropperId", (json_int_t)d->dropper_id,
	                 "dropperX", d->dropper_x, "dropperY", d->dropper_y, "playerDrop",
	                 d->player_drop, "status", coffer_drop_status_name(d->status), "stats", stats);
}

static enum coffer_outcome report(coffer_txn *txn, uint32_t key, json_t *ev)
{
	int rc = host->emit(txn, NULL, PROBE_EVT, key, ev);
	return rc == 0 ? COFFER_DONE : COFFER_RETRY;
}

static enum coffer_outcome probe_on_list(coffer_ctx *ctx, coffer_txn *txn,
                                         const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	(void)ud;
	struct cu_dec d = {0};
	uint8_t world = cu_u8(&d, msg->json, "worldId");
	uint8_t channel = cu_u8(&d, msg->json, "channelId");
	uint32_t map = cu_u32(&d, msg->json, "mapId");
	if (d.bad)
		return host->reject(txn, "%s", d.err);
	struct coffer_drop_list l;
	int rc = svc->list_in_map(txn, msg->tenant->id, world, channel, map, &l);
	json_t *drops = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(drops, drop_json(&l.v[i]));
	size_t n = l.n;
	svc->list_free(&l);
	if (rc != 0 && rc != COFFER_ENOTFOUND) {
		json_decref(drops);
		return COFFER_RETRY;
	}
	return report(txn, (uint32_t)n,
	              json_pack("{s:s,s:o,s:o}", "type", "LIST", "rc", rc_json(rc), "drops", drops));
}

static enum coffer_outcome probe_on_get(coffer_ctx *ctx, coffer_txn *txn,
                                        const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	(void)ud;
	struct cu_dec d = {0};
	uint32_t id = cu_u32(&d, msg->json, "dropId");
	if (d.bad)
		return host->reject(txn, "%s", d.err);
	struct coffer_drop drop;
	memset(&drop, 0xa5, sizeof drop); /* the service must overwrite it in every case */
	int rc = svc->get(txn, msg->tenant->id, id, &drop);
	if (rc != 0 && rc != COFFER_ENOTFOUND)
		return COFFER_RETRY;
	json_t *body = rc == 0 ? drop_json(&drop) : json_null();
	/* ENOTFOUND leaves a zeroed record: report whether it is. */
	bool zeroed = true;
	for (size_t i = 0; i < sizeof drop; i++)
		zeroed &= ((const unsigned char *)&drop)[i] == 0;
	return report(txn, id,
	              json_pack("{s:s,s:o,s:o,s:b}", "type", "GET", "rc", rc_json(rc), "drop", body,
	                        "zeroed", zeroed));
}

static enum coffer_outcome probe_on_versions(coffer_ctx *ctx, coffer_txn *txn,
                                             const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	(void)msg;
	(void)ud;
	return report(txn, 0,
	              json_pack("{s:s,s:b,s:b}", "type", "VERSIONS", "v1", svc != NULL, "v2", have_v2));
}

static int probe_init(coffer_ctx *ctx, const struct coffer_host *h)
{
	host = h;
	svc = h->lookup(ctx, COFFER_SVC_DROP_NAME, COFFER_SVC_DROP_VERSION);
	if (svc == NULL || svc->size < COFFER_SVC_DROP_HAS_SIZE(get))
		return COFFER_ENOTFOUND;
	/* A plugin written for a later version of the service must be refused it. */
	have_v2 = h->lookup(ctx, COFFER_SVC_DROP_NAME, COFFER_SVC_DROP_VERSION + 1) != NULL;
	int rc = h->on_message(ctx, "COMMAND_TOPIC_DROPPROBE", "LIST", probe_on_list, NULL);
	if (rc == 0)
		rc = h->on_message(ctx, "COMMAND_TOPIC_DROPPROBE", "GET", probe_on_get, NULL);
	if (rc == 0)
		rc = h->on_message(ctx, "COMMAND_TOPIC_DROPPROBE", "VERSIONS", probe_on_versions, NULL);
	return rc;
}

COFFER_PLUGIN(.name = "dropsvcprobe", .version = "0.0.0", .summary = "drop service test driver",
              .requires = COFFER_NEEDS({COFFER_SVC_DROP_NAME, COFFER_SVC_DROP_VERSION}),
              .init = probe_init);
