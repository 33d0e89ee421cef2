/* SPDX-License-Identifier: MIT */
/* plugins/reservation/reservation.h: declarations shared by the reservation plugin's files.
 * Everything here has hidden visibility (the plugin exports only coffer_plugin_entry). */
#ifndef COFFER_PLUGIN_RESERVATION_H
#define COFFER_PLUGIN_RESERVATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coffer/plugin.h>
#include <coffer/svc/asset.h>

#include "reservation_rules.h"

/* The name of the expiry task (host->every, fh_run_task). */
#define RSV_TASK_SWEEP "reservation_expiry"
/* Batches one tick of the sweep works through before leaving the rest to the next tick, so a
 * large backlog does not hold the host's shared task thread. */
#define RSV_SWEEP_TICK_BATCHES 16

/* Set once in init before anything can run, never changed afterwards: the host table and the
 * asset service (the reservation service entry gets no ctx, so it reaches them here). */
extern const struct coffer_host *reservation_host;
extern const struct coffer_svc_asset *reservation_asset;
/* The published "reservation" service v1 (reservation.c). */
extern const struct coffer_svc_reservation reservation_api_v1;

/* The key of a reservation row and its due time: the sweep's keyset position. */
struct rsv_key {
	char tenant[37];
	uint32_t asset_id;
	char txn[37];
	int64_t expires_us;
};

/* One reservation row as CONSUME / CANCEL_RESERVATION need it. */
struct rsv_row {
	uint32_t item_id;
	uint32_t quantity;
	int64_t expires_us;
};

/* The state of the expiry task between the calls of one tick (only the host's task thread
 * touches it). */
struct rsv_sweep {
	bool active;           /* a tick is in progress */
	int64_t now_us;        /* its Now */
	unsigned batches;      /* batches taken in this tick */
	bool have_last;
	struct rsv_key last;   /* keyset position: the last row looked at */
	struct rsv_key *cand;  /* one batch */
};

/* The plugin's state: user data of the task. */
struct reservation {
	coffer_ctx *ctx;
	unsigned interval_ms;
	unsigned batch;
	struct rsv_sweep sweep;
};

/* ---- reservation_sql.c: statements (they return codes; callers log) ---- */

/* Sum of the active reservations of an asset at @p now_us; @p lock reads them FOR UPDATE. */
int reservation_sql_reserved(coffer_txn *txn, const char *tenant, uint32_t asset_id,
                             int64_t now_us, bool lock, uint64_t *out);
/* Add @p quantity to the active reservation (asset, txn) or create it; an expired row is
 * replaced. Its expiry becomes @p expires_us. */
int reservation_sql_add(coffer_txn *txn, const char *tenant, uint32_t asset_id,
                        const char *txn_id, uint32_t character_id, uint8_t inventory_type,
                        uint32_t item_id, uint32_t quantity, int64_t now_us, int64_t expires_us);
/* The active reservation (asset, txn), locked. COFFER_ENOTFOUND when none. */
int reservation_sql_active(coffer_txn *txn, const char *tenant, uint32_t asset_id,
                           const char *txn_id, int64_t now_us, struct rsv_row *out);
/* Delete the reservation (asset, txn). */
int reservation_sql_delete(coffer_txn *txn, const char *tenant, uint32_t asset_id,
                           const char *txn_id);
/* Up to @p max due rows (expires_at <= @p now_us) after @p after (NULL: from the start) in
 * (expires_at, key) order, locked FOR UPDATE SKIP LOCKED, across tenants. */
int reservation_sql_due(coffer_txn *txn, int64_t now_us, const struct rsv_key *after,
                        unsigned max, struct rsv_key *out, size_t *n);
/* Delete one due row (still due at @p now_us); *deleted tells whether it was. */
int reservation_sql_delete_due(coffer_txn *txn, const struct rsv_key *k, int64_t now_us,
                               bool *deleted);

/* ---- reservation_handlers.c ---- */

enum coffer_outcome reservation_on_request_reserve(coffer_ctx *ctx, coffer_txn *txn,
                                                   const struct coffer_msg *msg, void *ud);
enum coffer_outcome reservation_on_consume(coffer_ctx *ctx, coffer_txn *txn,
                                           const struct coffer_msg *msg, void *ud);
enum coffer_outcome reservation_on_cancel_reservation(coffer_ctx *ctx, coffer_txn *txn,
                                                      const struct coffer_msg *msg, void *ud);

/* ---- reservation_sweep.c ---- */

int reservation_sweep_init(struct reservation *r);
void reservation_sweep_free(struct reservation *r);
int reservation_sweep_expired(coffer_ctx *ctx, coffer_txn *txn, int64_t now_us, void *ud);

#endif
