/* SPDX-License-Identifier: MIT */
/* plugins/reservation/reservation_sweep.c: the periodic task reservation_expiry
 * (kafka-contract.md#reservation-expiry): delete reservations whose expires_at <= Now, without events.
 *
 * Every rule already treats an expired row as absent (kafka-contract.md#reservations), so the sweep only keeps the
 * table small and its timing never changes an outcome. Each call is one host transaction: it
 * selects one batch of due rows FOR UPDATE SKIP LOCKED across tenants (rows a command holds,
 * or another process's sweep, are passed over), deletes those of tenants for which the plugin
 * is on, and commits. The host calls again at once with the same Now while the call returns
 * > 0 (a full batch: more may be due). A keyset position kept between the calls of one tick
 * makes each call move past the rows of the batch before, so rows left in place (tenant off,
 * locked) are not offered again in that tick and the tick ends. After RSV_SWEEP_TICK_BATCHES
 * batches the rest waits for the next tick, keeping the shared task thread free. */
#include "reservation.h"

#include <errno.h>
#include <stdlib.h>

#define H reservation_host

int reservation_sweep_init(struct reservation *r)
{
	r->sweep.cand = calloc(r->batch, sizeof *r->sweep.cand);
	return r->sweep.cand ? 0 : -ENOMEM;
}

void reservation_sweep_free(struct reservation *r)
{
	free(r->sweep.cand);
	r->sweep.cand = NULL;
}

/* The tick is over (done, capped or failed): the next call starts a new one. */
static int tick_end(struct rsv_sweep *s, int rc)
{
	s->active = false;
	return rc;
}

int reservation_sweep_expired(coffer_ctx *ctx, coffer_txn *txn, int64_t now_us, void *ud)
{
	struct reservation *r = ud;
	struct rsv_sweep *s = &r->sweep;
	if (!s->active || s->now_us != now_us) {
		s->active = true;
		s->now_us = now_us;
		s->batches = 0;
		s->have_last = false;
	}
	size_t n = 0;
	int rc = reservation_sql_due(txn, now_us, s->have_last ? &s->last : NULL, r->batch, s->cand,
	                             &n);
	if (rc != 0)
		return tick_end(s, rc);
	s->batches++;
	size_t deleted = 0;
	for (size_t i = 0; i < n; i++) {
		const struct rsv_key *k = &s->cand[i];
		s->last = *k;
		s->have_last = true;
		/* A tenant whose feature is off keeps its rows until it is on again; expired
		 * rows are inert meanwhile. */
		if (!H->enabled(ctx, k->tenant))
			continue;
		bool gone = false;
		if ((rc = reservation_sql_delete_due(txn, k, now_us, &gone)) != 0)
			return tick_end(s, rc);
		deleted += gone;
	}
	if (deleted > 0)
		COFFER_LOGH(H, ctx, COFFER_LOG_DEBUG, "expired reservations deleted=%zu", deleted);
	if (n < r->batch || s->batches >= RSV_SWEEP_TICK_BATCHES)
		return tick_end(s, 0);
	return 1;
}
