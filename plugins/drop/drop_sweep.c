/* SPDX-License-Identifier: MIT */
/* plugins/drop/drop_sweep.c: the periodic task drop_expiration_task (kafka-contract.md#drop-expiry, kafka-contract.md#drop-tables).
 *
 * One tick expires due drops, then prunes old pick-up markers. The host calls
 * the task again at once, in a new transaction and with the same Now, while it
 * returns > 0, so each call does one unit of work and commits it: one drop
 * (lock FOR UPDATE SKIP LOCKED, re-check, delete, EXPIRED), or one batch of one
 * tenant's markers. Candidates are read in batches without locks and walked
 * with a keyset position kept in struct drop_sweep between the calls of a
 * tick, so rows left alone (tenant off, locked by a command or by another
 * process's sweep, no longer due) are not offered twice in a tick. After
 * DROP_SWEEP_TICK_BATCHES batches the rest waits for the next tick, which keeps
 * the shared task thread free. Several processes may sweep at once: a row is
 * only ever changed under its lock, after the due condition held on the locked row. */
#include "drop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum sweep_phase {
	PHASE_EXPIRE,
	PHASE_PRUNE,
};

struct drop_sweep {
	bool active;                 /* a tick is in progress */
	int64_t now_us;              /* its Now */
	enum sweep_phase phase;
	unsigned batches;            /* selections made in this phase of the tick */

	struct drop_key *cand;       /* the current batch of due candidates */
	size_t ncand, pos;
	bool exhausted;              /* the last selection returned less than a batch */
	bool have_last;
	struct drop_key last;        /* keyset position: the last candidate taken */

	char (*tenants)[37];         /* tenants with old markers, current batch */
	size_t ntenants, tpos;
	bool tenants_exhausted;
	char last_tenant[37];
};

struct drop_sweep *drop_sweep_new(void)
{
	return calloc(1, sizeof(struct drop_sweep));
}

void drop_sweep_free(struct drop_sweep *s)
{
	if (s == NULL)
		return;
	free(s->cand);
	free(s->tenants);
	free(s);
}

static void sweep_reset(struct drop_sweep *s, int64_t now_us)
{
	s->active = true;
	s->now_us = now_us;
	s->phase = PHASE_EXPIRE;
	s->batches = 0;
	s->ncand = s->pos = 0;
	s->exhausted = false;
	s->have_last = false;
	s->ntenants = s->tpos = 0;
	s->tenants_exhausted = false;
	s->last_tenant[0] = '\0';
}

/* The tick is over (or failed): the next call starts a new one. */
static int sweep_end(struct drop_sweep *s, int rc)
{
	s->active = false;
	return rc;
}

static int sweep_grow(struct drop_sweep *s, unsigned batch)
{
	/* The batch size may change on SIGHUP: size the arrays at each tick. */
	void *c = realloc(s->cand, batch * sizeof *s->cand);
	if (c == NULL)
		return -ENOMEM;
	s->cand = c;
	void *t = realloc(s->tenants, batch * sizeof *s->tenants);
	if (t == NULL)
		return -ENOMEM;
	s->tenants = t;
	return 0;
}

/* One expiry: 1 when a row was handled (commit now), 0 when the phase is over,
 * < 0 on error. */
static int expire_one(struct drop *d, coffer_txn *txn, struct drop_sweep *s)
{
	const struct coffer_host *host = d->host;
	const struct drop_cfg *cfg = &d->cfg;
	for (;;) {
		if (s->pos == s->ncand) {
			if (s->exhausted || s->batches >= DROP_SWEEP_TICK_BATCHES)
				return 0;
			int rc = drop_sql_due(d, txn, s->now_us - cfg->duration_us, s->now_us - cfg->grace_us,
			                      s->have_last ? &s->last : NULL, cfg->batch, s->cand, &s->ncand);
			if (rc != 0)
				return rc;
			s->batches++;
			s->pos = 0;
			s->exhausted = s->ncand < cfg->batch;
			if (s->ncand == 0)
				return 0;
		}
		const struct drop_key *k = &s->cand[s->pos++];
		s->last = *k;
		s->have_last = true;
		if (!host->enabled(d->ctx, k->tenant))
			continue; /* the tenant's drops wait until the feature is on again */
		struct drop_row r;
		bool found;
		int rc = drop_sql_lock(d, txn, k->tenant, k->id, true, &r, &found);
		if (rc != 0)
			return rc;
		if (!found)
			continue; /* gone, or a command / another sweeper holds it */
		if (!drop_is_due(&r, s->now_us, cfg->duration_us, cfg->grace_us))
			return 1; /* changed since the selection (reserved again): commit to unlock */
		rc = drop_sql_delete(d, txn, r.tenant.id, r.id);
		if (rc != 0)
			return rc;
		rc = host->emit(txn, &r.tenant, DROP_EVENT_TOPIC, r.id, drop_ev_expired(&r));
		if (rc != 0)
			return rc;
		COFFER_LOG_DBG(d->ctx, "drop expired tenant=%s dropId=%u", r.tenant.id, r.id);
		return 1;
	}
}

/* One batch of one tenant's old pick-up markers: 1 when work was done, 0 when
 * over. Every statement counts against the tick's cap. */
static int prune_some(struct drop *d, coffer_txn *txn, struct drop_sweep *s)
{
	const struct coffer_host *host = d->host;
	const struct drop_cfg *cfg = &d->cfg;
	int64_t cut = s->now_us - cfg->retention_us;
	for (;;) {
		if (s->batches >= DROP_SWEEP_TICK_BATCHES)
			return 0;
		if (s->tpos == s->ntenants) {
			if (s->tenants_exhausted)
				return 0;
			int rc = drop_sql_marker_tenants(d, txn, cut, s->last_tenant, cfg->batch, s->tenants,
			                                 &s->ntenants);
			if (rc != 0)
				return rc;
			s->batches++;
			s->tpos = 0;
			s->tenants_exhausted = s->ntenants < cfg->batch;
			continue;
		}
		const char *tenant = s->tenants[s->tpos];
		if (!host->enabled(d->ctx, tenant)) {
			/* Markers are the inventory side's state: they stay while the tenant is off. */
			memcpy(s->last_tenant, tenant, sizeof s->last_tenant);
			s->tpos++;
			continue;
		}
		uint64_t deleted = 0;
		int rc = drop_sql_markers_prune(d, txn, tenant, cut, cfg->batch, &deleted);
		if (rc != 0)
			return rc;
		s->batches++;
		if (deleted < cfg->batch) {
			/* This tenant is done; a full batch means it may have more. */
			memcpy(s->last_tenant, tenant, sizeof s->last_tenant);
			s->tpos++;
		}
		if (deleted > 0)
			return 1;
	}
}

int drop_sweep_expired(coffer_ctx *ctx, coffer_txn *txn, int64_t now_us, void *ud)
{
	struct drop *d = ud;
	struct drop_sweep *s = d->sweep;
	if (!s->active || s->now_us != now_us) {
		sweep_reset(s, now_us);
		int rc = sweep_grow(s, d->cfg.batch);
		if (rc != 0)
			return sweep_end(s, rc);
	}
	int rc;
	if (s->phase == PHASE_EXPIRE) {
		rc = expire_one(d, txn, s);
		if (rc != 0)
			return rc < 0 ? sweep_end(s, rc) : rc;
		s->phase = PHASE_PRUNE;
		s->batches = 0;
	}
	rc = prune_some(d, txn, s);
	if (rc != 0)
		return rc < 0 ? sweep_end(s, rc) : rc;
	return sweep_end(s, 0);
}
