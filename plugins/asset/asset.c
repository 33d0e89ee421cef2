/* SPDX-License-Identifier: MIT */
/* plugins/asset/asset.c: the asset plugin's table of contents. It publishes the shared
 * "asset" service (include/coffer/svc/asset.h) and handles CREATE_ASSET, DESTROY, RECHARGE,
 * ACCEPT and RELEASE on COMMAND_TOPIC_COMPARTMENT (with the FEATURE_DISABLED refusal) and
 * UPDATED on EVENT_TOPIC_EQUIPABLE_STATUS. It owns compartments, assets, item_templates and
 * cash_items (sql/asset/). */
#include "asset.h"

const struct coffer_host *asset_host;

static const struct {
	const char *type;
	coffer_handler_fn fn;
} commands[] = {
	{"CREATE_ASSET", asset_on_create_asset},
	{"DESTROY", asset_on_destroy},
	{"RECHARGE", asset_on_recharge},
	{"ACCEPT", asset_on_accept},
	{"RELEASE", asset_on_release},
};

static int asset_init(coffer_ctx *ctx, const struct coffer_host *h)
{
	asset_host = h;
	int rc = asset_data_init(ctx);
	if (rc == 0)
		rc = h->provide(ctx, COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION, &asset_api_v1);
	for (size_t i = 0; rc == 0 && i < sizeof commands / sizeof commands[0]; i++) {
		rc = h->on_message(ctx, COFFER_TOPIC_COMPARTMENT_COMMAND, commands[i].type,
		                   commands[i].fn, NULL);
		if (rc == 0)
			rc = h->on_disabled(ctx, COFFER_TOPIC_COMPARTMENT_COMMAND, commands[i].type,
			                    asset_ev_refuse_disabled, NULL);
	}
	/* An event topic: a disabled tenant gets no answer, so no refusal is registered. */
	if (rc == 0)
		rc = h->on_message(ctx, "EVENT_TOPIC_EQUIPABLE_STATUS", "UPDATED",
		                   asset_on_equipable_updated, NULL);
	if (rc == 0)
		rc = asset_rest_register(ctx);
	/* Topics it only emits (its own events and the asset service's, whoever calls it). */
	if (rc == 0)
		rc = h->emits(ctx, COFFER_TOPIC_ASSET_STATUS);
	if (rc == 0)
		rc = h->emits(ctx, COFFER_TOPIC_COMPARTMENT_STATUS);
	if (rc == 0)
		rc = h->emits(ctx, COFFER_TOPIC_INVENTORY_STATUS);
	return rc;
}

static int asset_start(coffer_ctx *ctx) { return asset_data_start(ctx); }

static void asset_fini(coffer_ctx *ctx)
{
	(void)ctx;
	asset_data_fini();
}

COFFER_PLUGIN(
	.name = "asset",
	.version = "1.0.0",
	.summary = "Inventory assets, item templates and the shared asset service",
	.provides = COFFER_PROVIDES({COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION}),
	.init = asset_init,
	.start = asset_start,
	.fini = asset_fini,
);
