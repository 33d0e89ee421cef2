/* SPDX-License-Identifier: MIT */
/* tests/plugins/reservation/rsvprobe.c: a test-only plugin that calls the asset service from a
 * handler, where a transaction exists, and reports the result as an event: the merge condition
 * of kafka-contract.md#stacking-and-merging (rule 4 reads reservations through the "reservation" service; example A.5 while the
 * compartment plugin's MOVE is not built) and asset's reserved_quantity (the path asset itself
 * takes to reach the reservation plugin). Loaded by path by test_reservation_commands.
 *
 * COMMAND_TOPIC_RSVPROBE MERGE_CHECK {characterId, inventoryType, source, destination}
 *   -> EVENT_TOPIC_RSVPROBE {"type":"MERGE_CHECK","ok":bool}
 * COMMAND_TOPIC_RSVPROBE RESERVED_QUANTITY {characterId, inventoryType, slot}
 *   -> EVENT_TOPIC_RSVPROBE {"type":"RESERVED_QUANTITY","quantity":n} */
#include <coffer/plugin.h>
#include <coffer/svc/asset.h>

static const struct coffer_host *host;
static const struct coffer_svc_asset *svc;

/* The locked compartment and the asset in @p slot; non-zero when either is missing. */
static int probe_asset(coffer_txn *txn, const struct coffer_msg *msg, int16_t slot,
                       struct coffer_asset *a)
{
	const json_t *j = msg->json;
	uint32_t character = (uint32_t)json_integer_value(json_object_get(j, "characterId"));
	uint8_t type = (uint8_t)json_integer_value(json_object_get(j, "inventoryType"));
	struct coffer_compartment c;
	int rc = svc->compartment_lock(txn, msg->tenant->id, character, type, &c);
	if (rc == 0)
		rc = svc->asset_at(txn, msg->tenant->id, c.id, slot, a);
	return rc;
}

static int16_t field(const struct coffer_msg *msg, const char *name)
{
	return (int16_t)json_integer_value(json_object_get(msg->json, name));
}

static enum coffer_outcome probe_on_merge_check(coffer_ctx *ctx, coffer_txn *txn,
                                                const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	(void)ud;
	struct coffer_asset s, d;
	if (probe_asset(txn, msg, field(msg, "source"), &s) != 0 ||
	    probe_asset(txn, msg, field(msg, "destination"), &d) != 0)
		return host->reject(txn, "probe: missing compartment or asset");
	bool ok = false;
	uint8_t type = (uint8_t)json_integer_value(json_object_get(msg->json, "inventoryType"));
	if (svc->merge_check(txn, msg->tenant->id, type, &s, &d, &ok, NULL) != 0)
		return COFFER_RETRY;
	host->emit(txn, NULL, "EVENT_TOPIC_RSVPROBE", 0,
	           json_pack("{s:s,s:b}", "type", "MERGE_CHECK", "ok", ok));
	return COFFER_DONE;
}

static enum coffer_outcome probe_on_reserved_quantity(coffer_ctx *ctx, coffer_txn *txn,
                                                      const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	(void)ud;
	struct coffer_asset a;
	if (probe_asset(txn, msg, field(msg, "slot"), &a) != 0)
		return host->reject(txn, "probe: missing compartment or asset");
	uint64_t q = 0;
	if (svc->reserved_quantity(txn, msg->tenant->id, a.id, &q) != 0)
		return COFFER_RETRY;
	host->emit(txn, NULL, "EVENT_TOPIC_RSVPROBE", 0,
	           json_pack("{s:s,s:I}", "type", "RESERVED_QUANTITY", "quantity", (json_int_t)q));
	return COFFER_DONE;
}

static int probe_init(coffer_ctx *ctx, const struct coffer_host *h)
{
	host = h;
	svc = h->lookup(ctx, COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION);
	if (svc == NULL)
		return COFFER_ENOTFOUND;
	int rc = h->on_message(ctx, "COMMAND_TOPIC_RSVPROBE", "MERGE_CHECK", probe_on_merge_check,
	                       NULL);
	if (rc == 0)
		rc = h->on_message(ctx, "COMMAND_TOPIC_RSVPROBE", "RESERVED_QUANTITY",
		                   probe_on_reserved_quantity, NULL);
	return rc;
}

COFFER_PLUGIN(
	.name = "rsvprobe",
	.version = "0.0.1",
	.summary = "test probe of the asset service for the reservation tests",
	.requires = COFFER_NEEDS({COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION},
	                         {COFFER_SVC_RESERVATION_NAME, COFFER_SVC_RESERVATION_VERSION}),
	.init = probe_init,
);
