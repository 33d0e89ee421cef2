/* SPDX-License-Identifier: MIT */
/* plugins/drop/drop_rest.c: the drop routes of the REST API (docs/rest.md): the drops lying in
 * a map and one drop by id, read through this plugin's own read service (drop_svc.c) in the
 * host's read-only snapshot. GET /api/drops/{id} is served (RP-8): 200, 404 when the caller's
 * tenant has no such drop, 400 for an id that is not an integer. */
#include "drop.h"
#include "drop_rest.h"

#include <stdio.h>

#include "util.h"

/* ================================================================== documents */

json_t *drest_drop(const struct coffer_drop *d)
{
	char id[16];
	snprintf(id, sizeof id, "%u", d->id);
	json_t *a = json_object();
	json_object_set_new(a, "worldId", json_integer(d->world_id));
	json_object_set_new(a, "channelId", json_integer(d->channel_id));
	json_object_set_new(a, "mapId", json_integer(d->map_id));
	json_object_set_new(a, "itemId", json_integer(d->item_id));
	json_object_set_new(a, "equipmentId", json_integer(d->equipment_id));
	json_object_set_new(a, "quantity", json_integer(d->quantity));
	json_object_set_new(a, "meso", json_integer(d->meso));
	json_object_set_new(a, "type", json_integer(d->drop_type));
	json_object_set_new(a, "x", json_integer(d->x));
	json_object_set_new(a, "y", json_integer(d->y));
	json_object_set_new(a, "ownerId", json_integer(d->owner_id));
	json_object_set_new(a, "ownerPartyId", json_integer(d->owner_party_id));
	json_object_set_new(a, "dropTime", cu_json_time(d->drop_time_us));
	json_object_set_new(a, "dropperId", json_integer(d->dropper_id));
	json_object_set_new(a, "dropperX", json_integer(d->dropper_x));
	json_object_set_new(a, "dropperY", json_integer(d->dropper_y));
	json_object_set_new(a, "characterDrop", json_boolean(d->player_drop));
	json_object_set_new(a, "mod", json_integer(0));
	return json_pack("{s:s, s:s, s:o}", "type", "drops", "id", id, "attributes", a);
}

json_t *drest_list_doc(const struct coffer_drop_list *l)
{
	json_t *data = json_array();
	for (size_t i = 0; l && i < l->n; i++)
		json_array_append_new(data, drest_drop(&l->v[i]));
	return json_pack("{s:o}", "data", data);
}

json_t *drest_one_doc(const struct coffer_drop *d)
{
	return json_pack("{s:o}", "data", drest_drop(d));
}

/* ================================================================== handlers */

static enum coffer_outcome answer(const struct drop *d, struct coffer_http_resp *resp, int status,
                                  const char *why, const char *value)
{
	COFFER_LOGH(d->host, d->ctx, COFFER_LOG_INFO, "%d: %s %s", status, why,
	            value ? value : "(missing)");
	resp->status = status;
	resp->body = NULL;
	return COFFER_REJECT;
}

static bool var_int(const struct coffer_http_req *req, const char *name, int64_t *out)
{
	return (cu_parse_int(coffer_http_var(req, name), out) == 0);
}

/* GET /api/worlds/{worldId}/channels/{channelId}/maps/{mapId}/drops */
static enum coffer_outcome on_get_map_drops(coffer_ctx *ctx, coffer_txn *txn,
                                            const struct coffer_http_req *req,
                                            struct coffer_http_resp *resp, void *ud)
{
	(void)ctx;
	const struct drop *d = ud;
	static const char *const names[3] = {"worldId", "channelId", "mapId"};
	int64_t v[3];
	for (int i = 0; i < 3; i++)
		if (!var_int(req, names[i], &v[i]))
			return answer(d, resp, 400, names[i], coffer_http_var(req, names[i]));
	struct coffer_drop_list l = {0};
	/* Truncated to the widths, two's complement (worldId 256 is world 0). */
	int rc = drop_api_v1.list_in_map(txn, req->tenant->id, (uint8_t)v[0], (uint8_t)v[1],
	                                 (uint32_t)v[2], &l);
	if (rc == 0) {
		resp->status = 200;
		resp->body = drest_list_doc(&l);
	}
	drop_api_v1.list_free(&l);
	return rc ? COFFER_RETRY : COFFER_DONE;
}

/* GET /api/drops/{id} */
static enum coffer_outcome on_get_drop(coffer_ctx *ctx, coffer_txn *txn,
                                       const struct coffer_http_req *req,
                                       struct coffer_http_resp *resp, void *ud)
{
	(void)ctx;
	const struct drop *d = ud;
	int64_t id;
	if (!var_int(req, "id", &id))
		return answer(d, resp, 400, "drop id is not valid:", coffer_http_var(req, "id"));
	struct coffer_drop r;
	int rc = drop_api_v1.get(txn, req->tenant->id, (uint32_t)id, &r);
	if (rc == COFFER_ENOTFOUND)
		return answer(d, resp, 404, "no such drop:", coffer_http_var(req, "id"));
	if (rc != 0)
		return COFFER_RETRY;
	resp->status = 200;
	resp->body = drest_one_doc(&r);
	return COFFER_DONE;
}

int drop_rest_register(struct drop *d)
{
	const struct coffer_host *h = d->host;
	if (!COFFER_HOST_HAS(h, on_http))
		return 0; /* a 1.0 host: no REST API */
	int rc = h->on_http(d->ctx, "GET",
	                    "/api/worlds/{worldId}/channels/{channelId}/maps/{mapId}/drops",
	                    on_get_map_drops, d);
	if (rc == 0)
		rc = h->on_http(d->ctx, "GET", "/api/drops/{id}", on_get_drop, d);
	return rc;
}
