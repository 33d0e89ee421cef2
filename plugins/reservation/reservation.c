/* SPDX-License-Identifier: MIT */
/* plugins/reservation/reservation.c: the reservation plugin's table of contents
 * (kafka-contract.md#reservations, kafka-contract.md#inventory-tables, kafka-contract.md#request_reserve, kafka-contract.md#consume, kafka-contract.md#cancel_reservation-compartment, kafka-contract.md#reservation-expiry).
 *
 * It owns the `reservations` table (sql/reservation/), handles REQUEST_RESERVE, CONSUME and
 * CANCEL_RESERVATION on COMMAND_TOPIC_COMPARTMENT with the asset service's FEATURE_DISABLED
 * refusal, runs the expiry sweep every reservation.sweep_interval_ms, and provides the
 * "reservation" service v1 through which asset asks for reserved quantities (merge rule 4 of
 * kafka-contract.md#stacking-and-merging, DROP). Compartments, assets and the events come from the "asset" service. */
#include "reservation.h"

#include <errno.h>
#include <stdlib.h>

const struct coffer_host *reservation_host;
const struct coffer_svc_asset *reservation_asset;

/* ------------------------------------------------------------------ the service */

static int svc_reserved_quantity(coffer_txn *txn, const char *tenant, uint32_t asset_id,
                                 uint64_t *out)
{
	/* A plain read: the caller holds the asset's compartment lock, which orders every
	 * command touching these rows; only the sweep works without it, on expired rows. */
	return reservation_sql_reserved(txn, tenant, asset_id, reservation_host->now(txn), false,
	                                out);
}

const struct coffer_svc_reservation reservation_api_v1 = {
	.size = sizeof(struct coffer_svc_reservation),
	.reserved_quantity = svc_reserved_quantity,
};

/* ------------------------------------------------------------------ init, fini */

static const struct {
	const char *type;
	coffer_handler_fn fn;
} reservation_commands[] = {
	{"REQUEST_RESERVE", reservation_on_request_reserve},
	{"CONSUME", reservation_on_consume},
	{"CANCEL_RESERVATION", reservation_on_cancel_reservation},
};

/* Whether the asset service has @p member (entries are only appended; a provider built from an
 * older header may lack the later ones). */
#define ASSET_HAS(svc, member)                                                             \
	(offsetof(struct coffer_svc_asset, member) + sizeof((svc)->member) <= (svc)->size &&   \
	 (svc)->member != NULL)

/* The plugin's state, kept for fini: the ABI gives fini only the opaque ctx, and a plugin is
 * loaded once per process. Handlers and the task reach it through their user data. */
static struct reservation *reservation_state;

static void reservation_free(struct reservation *r)
{
	if (r == NULL)
		return;
	reservation_sweep_free(r);
	free(r);
}

static int reservation_init(coffer_ctx *ctx, const struct coffer_host *host)
{
	reservation_host = host;
	const struct coffer_svc_asset *svc =
		host->lookup(ctx, COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION);
	if (svc == NULL || !ASSET_HAS(svc, asset_blank)) {
		COFFER_LOG_ERR(ctx, "the asset service v%d is missing or incomplete",
		               COFFER_SVC_ASSET_VERSION);
		return COFFER_ENOTFOUND;
	}
	reservation_asset = svc;

	struct reservation *r = calloc(1, sizeof *r);
	if (r == NULL)
		return -ENOMEM;
	r->ctx = ctx;
	int64_t interval = host->config_int(ctx, "sweep_interval_ms", RSV_DEF_SWEEP_INTERVAL_MS);
	int64_t batch = host->config_int(ctx, "sweep_batch", RSV_DEF_SWEEP_BATCH);
	r->interval_ms = reservation_rules_interval(interval);
	r->batch = reservation_rules_batch(batch);
	if (r->interval_ms != interval)
		COFFER_LOG_WRN(ctx, "sweep_interval_ms=%lld out of range, using %u", (long long)interval,
		               r->interval_ms);
	if (r->batch != batch)
		COFFER_LOG_WRN(ctx, "sweep_batch=%lld out of range, using %u", (long long)batch,
		               r->batch);
	int rc = reservation_sweep_init(r);

	if (rc == 0)
		rc = host->provide(ctx, COFFER_SVC_RESERVATION_NAME, COFFER_SVC_RESERVATION_VERSION,
		                   &reservation_api_v1);
	for (size_t i = 0; rc == 0 && i < sizeof reservation_commands / sizeof reservation_commands[0];
	     i++) {
		rc = host->on_message(ctx, COFFER_TOPIC_COMPARTMENT_COMMAND,
		                      reservation_commands[i].type, reservation_commands[i].fn, r);
		/* A tenant without the feature gets the compartment ERROR FEATURE_DISABLED (kafka-contract.md#compartment-status-events). */
		if (rc == 0)
			rc = host->on_disabled(ctx, COFFER_TOPIC_COMPARTMENT_COMMAND,
			                       reservation_commands[i].type, svc->refuse_disabled, NULL);
	}
	/* Its events go out through the asset service, on this topic. */
	if (rc == 0)
		rc = host->emits(ctx, COFFER_TOPIC_ASSET_STATUS);
	if (rc == 0)
		rc = host->every(ctx, RSV_TASK_SWEEP, r->interval_ms, reservation_sweep_expired, r);
	if (rc != 0) {
		reservation_free(r);
		return rc;
	}
	reservation_state = r;
	return 0;
}

static void reservation_fini(coffer_ctx *ctx)
{
	if (reservation_state != NULL && reservation_state->ctx == ctx) {
		reservation_free(reservation_state);
		reservation_state = NULL;
	}
}

COFFER_PLUGIN(
	.name = "reservation",
	.version = "1.0.0",
	.summary = "Inventory reservations: reserve, consume, cancel, 30 s expiry",
	.requires = COFFER_NEEDS({COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION}),
	.provides = COFFER_PROVIDES({COFFER_SVC_RESERVATION_NAME, COFFER_SVC_RESERVATION_VERSION}),
	.init = reservation_init,
	.fini = reservation_fini,
);
