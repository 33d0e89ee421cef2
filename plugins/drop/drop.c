/* SPDX-License-Identifier: MIT */
/* plugins/drop/drop.c: the drop plugin's table of contents — map drops
 * (docs/kafka-contract.md#map-drops): COMMAND_TOPIC_DROP in, EVENT_TOPIC_DROP_STATUS out, expiry — and the
 * inventory half of the contract (kafka-contract.md#pick-up-flow, drop_inventory.c): compartment DROP
 * and the pick-up on drop RESERVED, through the asset plugin's "asset" service.
 * It provides the read service "drop" v1 (kafka-contract.md#the-drop-read-service, drop_svc.c).
 *
 * init looks the service up, reads the settings of kafka-contract.md#drop-settings (they apply until the next
 * start) and registers every handler and the periodic task; all of them receive the
 * one struct drop as user data. */
#include <coffer/plugin.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "drop.h"

static void drop_cfg_read(struct drop *d)
{
	const struct coffer_host *h = d->host;
	struct drop_cfg_raw raw = {
		.interval_ms = h->config_int(d->ctx, "expiration_interval_ms", DROP_DEF_INTERVAL_MS),
		.duration_ms = h->config_int(d->ctx, "expiration_duration_ms", DROP_DEF_DURATION_MS),
		.grace_ms = h->config_int(d->ctx, "reservation_grace_ms", DROP_DEF_GRACE_MS),
		.window_ms = h->config_int(d->ctx, "ownership_window_ms", DROP_DEF_WINDOW_MS),
		.retention_ms = h->config_int(d->ctx, "pickup_marker_retention_ms", DROP_DEF_RETENTION_MS),
		.batch = h->config_int(d->ctx, "sweep_batch", DROP_DEF_BATCH),
		.expire_all_on_shutdown = drop_cfg_bool(h->config(d->ctx, "expire_all_on_shutdown", "false")),
	};
	drop_cfg_sanitise(&raw, &d->cfg);
}

/* The handlers of COMMAND_TOPIC_DROP, in the order of kafka-contract.md#drop-commands. */
static const struct {
	const char *type;
	coffer_handler_fn fn;
	bool completes; /* runs also when drop is off for the tenant (DP-29) */
} drop_commands[] = {
	{"SPAWN", drop_on_spawn, false},
	{"SPAWN_FROM_CHARACTER", drop_on_spawn_from_character, true},
	{"REQUEST_RESERVATION", drop_on_request_reservation, false},
	{"CANCEL_RESERVATION", drop_on_cancel_reservation, false},
	{"REQUEST_PICK_UP", drop_on_request_pick_up, true},
};

/* The last asset service entry the inventory half calls; an older, smaller table lacks it. */
#define DROP_ASSET_SVC_NEEDS                                                                 \
	(offsetof(struct coffer_svc_asset, asset_blank) +                                        \
	 sizeof(((struct coffer_svc_asset *)0)->asset_blank))

/* The plugin's state, set once by init for fini: the ABI gives fini only the
 * opaque ctx, and a plugin is loaded once per process. Everything else reaches
 * the state through its user data. */
static struct drop *drop_state;

static void drop_free(struct drop *d)
{
	if (d == NULL)
		return;
	drop_sweep_free(d->sweep);
	free(d);
}

static int drop_init(coffer_ctx *ctx, const struct coffer_host *host)
{
	struct drop *d = calloc(1, sizeof *d);
	if (d == NULL)
		return -ENOMEM;
	d->ctx = ctx;
	d->host = host;
	d->asset = host->lookup(ctx, COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION);
	if (d->asset == NULL || d->asset->size < DROP_ASSET_SVC_NEEDS) {
		COFFER_LOG_ERR(ctx, "service %s v%d missing or too old", COFFER_SVC_ASSET_NAME,
		               COFFER_SVC_ASSET_VERSION);
		drop_free(d);
		return COFFER_ENOTFOUND;
	}
	d->sweep = drop_sweep_new();
	if (d->sweep == NULL) {
		drop_free(d);
		return -ENOMEM;
	}
	drop_cfg_read(d);
	if (d->cfg.expire_all_on_shutdown)
		/* stop() gets no transaction in ABI 1.0, so the reference's shutdown
		 * expiry cannot be done atomically with its EXPIRED events (kafka-contract.md#shutdown-and-start). */
		COFFER_LOG_WRN(ctx, "expire_all_on_shutdown is not supported by this host; drops are kept");

	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof drop_commands / sizeof drop_commands[0]; i++)
		rc = host->on_message(ctx, DROP_COMMAND_TOPIC, drop_commands[i].type, drop_commands[i].fn,
		                      d);
	/* The contract has no error event for a tenant without drops (kafka-contract.md#drop-commands):
	 * the switch stops new work without an answer. Two commands complete what another
	 * transaction already committed, so the switch cannot stop them without losing or
	 * doubling an item (DP-29): SPAWN_FROM_CHARACTER (the item already left the
	 * character) and REQUEST_PICK_UP (the picker was already credited). Their "refusal"
	 * is the handler itself. */
	for (size_t i = 0; rc == 0 && i < sizeof drop_commands / sizeof drop_commands[0]; i++)
		if (drop_commands[i].completes)
			rc = host->on_disabled(ctx, DROP_COMMAND_TOPIC, drop_commands[i].type,
			                       drop_commands[i].fn, d);
	/* The compartment DROP is a drop-plugin command (kafka-contract.md#plugins-and-handlers), so the drop switch
	 * decides it and a tenant without drops gets the compartment FEATURE_DISABLED answer
	 * every compartment command gets from its own plugin (kafka-contract.md#compartment-status-events). RESERVED is an event: no
	 * one to answer, so no refusal (a tenant without drops has no reservations anyway). */
	if (rc == 0)
		rc = host->on_message(ctx, DROP_COMPARTMENT_TOPIC, "DROP", drop_on_compartment_drop, d);
	if (rc == 0)
		rc = host->on_disabled(ctx, DROP_COMPARTMENT_TOPIC, "DROP", d->asset->refuse_disabled,
		                       NULL);
	if (rc == 0)
		rc = host->on_message(ctx, DROP_EVENT_TOPIC, "RESERVED", drop_on_drop_reserved, d);
	/* The topics it emits to (it also consumes both: declared for --list-plugins). */
	if (rc == 0)
		rc = host->emits(ctx, DROP_EVENT_TOPIC);
	if (rc == 0)
		rc = host->emits(ctx, DROP_COMMAND_TOPIC);
	if (rc == 0)
		rc = host->every(ctx, DROP_TASK_EXPIRE, (unsigned)d->cfg.interval_ms, drop_sweep_expired, d);
	/* The read interface of kafka-contract.md#the-drop-read-service, last: the table is usable as soon as it is published. */
	if (rc == 0) {
		drop_svc_bind(d);
		rc = host->provide(ctx, COFFER_SVC_DROP_NAME, COFFER_SVC_DROP_VERSION, &drop_api_v1);
	}
	if (rc == 0)
		rc = drop_rest_register(d);
	if (rc != 0) {
		drop_svc_bind(NULL);
		drop_free(d);
		return rc;
	}
	drop_state = d;
	return 0;
}

static void drop_fini(coffer_ctx *ctx)
{
	if (drop_state != NULL && drop_state->ctx == ctx) {
		drop_svc_bind(NULL);
		drop_free(drop_state);
		drop_state = NULL;
	}
}

COFFER_PLUGIN(
	.name = "drop",
	.version = "1.0.0",
	.summary = "Map drops: spawn, reservation, pick-up, ownership and expiry",
	.requires = COFFER_NEEDS({COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION}),
	.provides = COFFER_PROVIDES({COFFER_SVC_DROP_NAME, COFFER_SVC_DROP_VERSION}),
	.init = drop_init,
	.fini = drop_fini,
);
