/* SPDX-License-Identifier: MIT */
/* plugins/asset/asset_rest.c: DELETE /api/characters/{characterId}/inventory/compartments/
 * {compartmentId}/assets/{assetId} (docs/rest.md): the whole asset goes with the asset DELETED
 * event of a full DESTROY (asset_destroy_all), whatever its kind (RP-7). The asset is found by
 * (tenant, assetId) only; characterId and compartmentId are copied into the event, as the
 * reference does. No such asset in the tenant answers 500 (not 404), like the reference. */
#include "asset.h"

#include "util.h"

#define H asset_host

static enum coffer_outcome answer(coffer_ctx *ctx, struct coffer_http_resp *resp, int status,
                                  const char *why, const char *value)
{
	COFFER_LOGH(H, ctx, COFFER_LOG_INFO, "%d: DELETE asset: %s %s", status, why,
	            value ? value : "(missing)");
	resp->status = status;
	resp->body = NULL;
	return COFFER_REJECT;
}

static enum coffer_outcome on_delete_asset(coffer_ctx *ctx, coffer_txn *txn,
                                           const struct coffer_http_req *req,
                                           struct coffer_http_resp *resp, void *ud)
{
	(void)ud;
	const char *tenant = req->tenant->id;
	const char *cv = coffer_http_var(req, "characterId");
	const char *pv = coffer_http_var(req, "compartmentId");
	const char *av = coffer_http_var(req, "assetId");
	int64_t character_id, asset_id;
	char compartment_id[37];
	if (!(cu_parse_int(cv, &character_id) == 0))
		return answer(ctx, resp, 400, "characterId is not valid:", cv);
	if (!cu_uuid_parse_lenient(pv, compartment_id))
		return answer(ctx, resp, 400, "compartmentId is not valid:", pv);
	if (!(cu_parse_int(av, &asset_id) == 0))
		return answer(ctx, resp, 400, "assetId is not valid:", av);

	/* Locking protocol point 4: read plainly, lock the asset's compartment, read again. */
	struct coffer_asset a;
	int rc = asset_sql_get(txn, tenant, (uint32_t)asset_id, &a);
	if (rc == 0) {
		struct coffer_compartment c;
		rc = asset_sql_compartment_lock_id(txn, tenant, a.compartment_id, &c);
		if (rc == 0)
			rc = asset_sql_get(txn, tenant, (uint32_t)asset_id, &a);
	}
	if (rc == COFFER_ENOTFOUND)
		return answer(ctx, resp, 500, "no such asset", av);
	if (rc != 0)
		return coffer_asset_outcome(rc);
	char t[37];
	H->uuid(t);
	struct coffer_evctx ev = {t, (uint32_t)character_id, compartment_id};
	if ((rc = asset_destroy_all(txn, tenant, &ev, &a)) != 0)
		return coffer_asset_outcome(rc);
	resp->status = 204;
	resp->body = NULL;
	return COFFER_DONE;
}

int asset_rest_register(coffer_ctx *ctx)
{
	if (!COFFER_HOST_HAS(H, on_http))
		return 0; /* a 1.0 host: no REST API */
	return H->on_http(ctx, "DELETE",
	                  "/api/characters/{characterId}/inventory/compartments/{compartmentId}"
	                  "/assets/{assetId}",
	                  on_delete_asset, NULL);
}
