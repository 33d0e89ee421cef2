/* SPDX-License-Identifier: MIT */
/* plugins/drop/drop_svc.c: the read service "drop" v1 (include/coffer/svc/drop.h,
 * kafka-contract.md#the-drop-read-service) that other plugins use to show the drops of a map: list in map and get by id, both
 * plain reads in the caller's transaction, scoped by the caller's tenant. The statements
 * and the row mapping are drop_sql.c's; this file turns rows into the public record and
 * owns the list's memory. */
#include "drop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The service functions receive only the caller's transaction (a service table has no
 * user data), so they reach the plugin's host through this pointer. init sets it before
 * publishing the table and fini clears it; in between it never changes. */
static const struct drop *svc_drop;

void drop_svc_bind(const struct drop *d)
{
	svc_drop = d;
}

/* The public record of a row: every kafka-contract.md#the-drop-record field a reader needs, not the reservation's details
 * (holder, time, pet slot) nor the tenant headers and transaction id, which are bookkeeping. */
static void svc_record(const struct drop_row *r, struct coffer_drop *out)
{
	memset(out, 0, sizeof *out);
	out->id = r->id;
	out->world_id = r->loc.world;
	out->channel_id = r->loc.channel;
	out->map_id = r->loc.map;
	out->item_id = r->item_id;
	out->equipment_id = r->equipment_id;
	out->quantity = r->quantity;
	out->meso = r->meso;
	out->drop_type = r->drop_type;
	out->x = r->x;
	out->y = r->y;
	out->owner_id = r->owner_id;
	out->owner_party_id = r->owner_party_id;
	out->drop_time_us = r->drop_time_us;
	out->dropper_id = r->dropper_id;
	out->dropper_x = r->dropper_x;
	out->dropper_y = r->dropper_y;
	out->player_drop = r->player_drop;
	out->status = r->status == DROP_RESERVED ? COFFER_DROP_RESERVED : COFFER_DROP_AVAILABLE;
	drop_rules_stats_from_array(r->stats, &out->stats);
}

static void svc_list_free(struct coffer_drop_list *list)
{
	if (list == NULL)
		return;
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

/* The list under construction: the array grows by doubling as rows arrive. */
struct list_build {
	struct coffer_drop_list *out;
	size_t cap;
};

static int list_take(void *ud, const struct drop_row *r)
{
	struct list_build *b = ud;
	struct coffer_drop_list *l = b->out;
	if (l->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct coffer_drop *v = realloc(l->v, cap * sizeof *v);
		if (v == NULL)
			return -ENOMEM;
		l->v = v;
		b->cap = cap;
	}
	svc_record(r, &l->v[l->n++]);
	return 0;
}

static int svc_list_in_map(coffer_txn *txn, const char *tenant, uint8_t world_id,
                           uint8_t channel_id, uint32_t map_id, struct coffer_drop_list *out)
{
	if (out == NULL)
		return COFFER_EINVAL;
	out->v = NULL;
	out->n = 0;
	if (txn == NULL || tenant == NULL)
		return COFFER_EINVAL;
	if (svc_drop == NULL)
		return COFFER_ESTATE;
	struct drop_loc loc = {.world = world_id, .channel = channel_id, .map = map_id};
	struct list_build b = {.out = out};
	int rc = drop_sql_list_in_map(svc_drop, txn, tenant, &loc, list_take, &b);
	if (rc != 0)
		/* The caller retries the whole message: a part of the map is no answer. */
		svc_list_free(out);
	return rc;
}

static int svc_get(coffer_txn *txn, const char *tenant, uint32_t drop_id, struct coffer_drop *out)
{
	if (out == NULL)
		return COFFER_EINVAL;
	memset(out, 0, sizeof *out);
	if (txn == NULL || tenant == NULL)
		return COFFER_EINVAL;
	if (svc_drop == NULL)
		return COFFER_ESTATE;
	struct drop_row r;
	bool found = false;
	int rc = drop_sql_get(svc_drop, txn, tenant, drop_id, &r, &found);
	if (rc != 0)
		return rc;
	if (!found)
		return COFFER_ENOTFOUND;
	svc_record(&r, out);
	return 0;
}

const struct coffer_svc_drop drop_api_v1 = {
	.size = sizeof(struct coffer_svc_drop),
	.list_in_map = svc_list_in_map,
	.list_free = svc_list_free,
	.get = svc_get,
};
