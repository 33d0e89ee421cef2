/* SPDX-License-Identifier: MIT */
/* plugins/reservation/reservation_sql.c: every statement on the `reservations` table
 * (kafka-contract.md#inventory-tables), the plugin's only table.
 *
 * Constant texts with typed binds (the host prepares and caches them per connection); every
 * statement filters by tenant except the sweep's cross-tenant selection, whose rows are then
 * deleted one key at a time. "Active" is expires_at > Now with Now bound from the host clock,
 * never NOW(). The functions only return codes; the handler or task that decides logs. */
#include "reservation.h"

#include <string.h>

#define H reservation_host

static void copy_str(char *dst, size_t cap, const struct coffer_val *v)
{
	size_t n = 0;
	if (v->t == COFFER_V_STR) {
		n = v->v.s.n < cap - 1 ? v->v.s.n : cap - 1;
		memcpy(dst, v->v.s.p, n);
	}
	dst[n] = '\0';
}

/* ------------------------------------------------------------------ sums */

static int take_u64(void *ud, const struct coffer_row *row)
{
	if (row->ncols < 1)
		return COFFER_EDB;
	*(uint64_t *)ud = coffer_val_u64(&row->col[0]);
	return 0;
}

int reservation_sql_reserved(coffer_txn *txn, const char *tenant, uint32_t asset_id,
                             int64_t now_us, bool lock, uint64_t *out)
{
	/* SUM of INT UNSIGNED is a DECIMAL; the cast gives an integer column. */
	static const char plain[] =
		"SELECT CAST(COALESCE(SUM(quantity), 0) AS UNSIGNED) FROM reservations "
		"WHERE tenant_id = ? AND asset_id = ? AND expires_at > ?";
	/* The locking form keeps the sweep (SKIP LOCKED) off rows a REQUEST_RESERVE counted. */
	static const char locked[] =
		"SELECT CAST(COALESCE(SUM(quantity), 0) AS UNSIGNED) FROM reservations "
		"WHERE tenant_id = ? AND asset_id = ? AND expires_at > ? FOR UPDATE";
	*out = 0;
	return H->sql_query(txn, lock ? locked : plain,
	                    COFFER_ARGS(COFFER_S(tenant), COFFER_U(asset_id), COFFER_T(now_us)),
	                    take_u64, out);
}

/* ------------------------------------------------------------------ one reservation */

int reservation_sql_add(coffer_txn *txn, const char *tenant, uint32_t asset_id,
                        const char *txn_id, uint32_t character_id, uint8_t inventory_type,
                        uint32_t item_id, uint32_t quantity, int64_t now_us, int64_t expires_us)
{
	/* One row per (asset, transaction), quantities add up (OP-34); an expired row counts as
	 * absent (kafka-contract.md#reservations) and is replaced. The assignments run left to right, so quantity is
	 * decided on the old expires_at before it is overwritten. */
	static const char sql[] =
		"INSERT INTO reservations (tenant_id, asset_id, transaction_id, character_id, "
		"inventory_type, item_id, quantity, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
		"ON DUPLICATE KEY UPDATE "
		"quantity = IF(expires_at > ?, quantity + VALUES(quantity), VALUES(quantity)), "
		"character_id = VALUES(character_id), inventory_type = VALUES(inventory_type), "
		"item_id = VALUES(item_id), expires_at = VALUES(expires_at)";
	return H->sql_exec(txn, sql,
	                   COFFER_ARGS(COFFER_S(tenant), COFFER_U(asset_id), COFFER_S(txn_id),
	                               COFFER_U(character_id), COFFER_U(inventory_type),
	                               COFFER_U(item_id), COFFER_U(quantity), COFFER_T(expires_us),
	                               COFFER_T(now_us)),
	                   NULL);
}

struct row_out {
	struct rsv_row *r;
	bool found;
};

static int take_row(void *ud, const struct coffer_row *row)
{
	struct row_out *o = ud;
	if (row->ncols < 3)
		return COFFER_EDB;
	o->r->item_id = (uint32_t)coffer_val_u64(&row->col[0]);
	o->r->quantity = (uint32_t)coffer_val_u64(&row->col[1]);
	o->r->expires_us = coffer_val_i64(&row->col[2]);
	o->found = true;
	return 0;
}

int reservation_sql_active(coffer_txn *txn, const char *tenant, uint32_t asset_id,
                           const char *txn_id, int64_t now_us, struct rsv_row *out)
{
	static const char sql[] =
		"SELECT item_id, quantity, expires_at FROM reservations "
		"WHERE tenant_id = ? AND asset_id = ? AND transaction_id = ? AND expires_at > ? "
		"FOR UPDATE";
	memset(out, 0, sizeof *out);
	struct row_out o = {out, false};
	int rc = H->sql_query(txn, sql,
	                      COFFER_ARGS(COFFER_S(tenant), COFFER_U(asset_id), COFFER_S(txn_id),
	                                  COFFER_T(now_us)),
	                      take_row, &o);
	if (rc != 0)
		return rc;
	return o.found ? 0 : COFFER_ENOTFOUND;
}

int reservation_sql_delete(coffer_txn *txn, const char *tenant, uint32_t asset_id,
                           const char *txn_id)
{
	static const char sql[] =
		"DELETE FROM reservations WHERE tenant_id = ? AND asset_id = ? AND transaction_id = ?";
	return H->sql_exec(txn, sql,
	                   COFFER_ARGS(COFFER_S(tenant), COFFER_U(asset_id), COFFER_S(txn_id)), NULL);
}

/* ------------------------------------------------------------------ the sweep */

struct due_out {
	struct rsv_key *v;
	size_t n, max;
};

static int take_key(void *ud, const struct coffer_row *row)
{
	struct due_out *o = ud;
	if (row->ncols < 4)
		return COFFER_EDB;
	if (o->n == o->max)
		return 0;
	struct rsv_key *k = &o->v[o->n++];
	copy_str(k->tenant, sizeof k->tenant, &row->col[0]);
	k->asset_id = (uint32_t)coffer_val_u64(&row->col[1]);
	copy_str(k->txn, sizeof k->txn, &row->col[2]);
	k->expires_us = coffer_val_i64(&row->col[3]);
	return 0;
}

int reservation_sql_due(coffer_txn *txn, int64_t now_us, const struct rsv_key *after,
                        unsigned max, struct rsv_key *out, size_t *n)
{
	/* (expires_at, primary key) is the order of ix_reservations_due, whose entries carry
	 * the primary key; the keyset walks it once per tick, past rows left alone. */
	static const char first[] =
		"SELECT tenant_id, asset_id, transaction_id, expires_at FROM reservations "
		"WHERE expires_at <= ? "
		"ORDER BY expires_at, tenant_id, asset_id, transaction_id LIMIT ? "
		"FOR UPDATE SKIP LOCKED";
	static const char next[] =
		"SELECT tenant_id, asset_id, transaction_id, expires_at FROM reservations "
		"WHERE expires_at <= ? AND (expires_at > ? OR (expires_at = ? AND (tenant_id > ? OR "
		"(tenant_id = ? AND (asset_id > ? OR (asset_id = ? AND transaction_id > ?)))))) "
		"ORDER BY expires_at, tenant_id, asset_id, transaction_id LIMIT ? "
		"FOR UPDATE SKIP LOCKED";
	struct due_out o = {out, 0, max};
	int rc;
	if (after == NULL)
		rc = H->sql_query(txn, first, COFFER_ARGS(COFFER_T(now_us), COFFER_U(max)), take_key,
		                  &o);
	else
		rc = H->sql_query(txn, next,
		                  COFFER_ARGS(COFFER_T(now_us), COFFER_T(after->expires_us),
		                              COFFER_T(after->expires_us), COFFER_S(after->tenant),
		                              COFFER_S(after->tenant), COFFER_U(after->asset_id),
		                              COFFER_U(after->asset_id), COFFER_S(after->txn),
		                              COFFER_U(max)),
		                  take_key, &o);
	*n = o.n;
	return rc;
}

int reservation_sql_delete_due(coffer_txn *txn, const struct rsv_key *k, int64_t now_us,
                               bool *deleted)
{
	static const char sql[] =
		"DELETE FROM reservations WHERE tenant_id = ? AND asset_id = ? AND transaction_id = ? "
		"AND expires_at <= ?";
	struct coffer_exec_result res = {0, 0};
	int rc = H->sql_exec(txn, sql,
	                     COFFER_ARGS(COFFER_S(k->tenant), COFFER_U(k->asset_id), COFFER_S(k->txn),
	                                 COFFER_T(now_us)),
	                     &res);
	*deleted = rc == 0 && res.affected > 0;
	return rc;
}
