/* SPDX-License-Identifier: MIT */
/* plugins/drop/drop_sql.c: every statement of the drop plugin and the mapping of
 * drop_drops rows (kafka-contract.md#drop-tables).
 *
 * Statements are constant texts (the host prepares and caches them per
 * connection) with typed binds; every one filters by tenant except the sweep's
 * cross-tenant selections, whose rows are then locked and handled one tenant
 * at a time. Times are bound from the host clock, never NOW(). The functions
 * only return codes; the handler or task that decides the outcome logs. */
#include "drop.h"

#include <stdio.h>
#include <string.h>

#define STAT_COLUMNS                                                                   \
	"strength, dexterity, intelligence, luck, hp, mp, weapon_attack, magic_attack, "   \
	"weapon_defense, magic_defense, accuracy, avoidability, hands, speed, jump, slots"

#define ROW_COLUMNS                                                                    \
	"tenant_id, id, tenant_region, tenant_major, tenant_minor, transaction_id, "       \
	"world_id, channel_id, map_id, item_id, equipment_id, quantity, meso, drop_type, " \
	"x, y, owner_id, owner_party_id, drop_time, dropper_id, dropper_x, dropper_y, "    \
	"player_drop, status, reserved_by, reserved_at, pet_slot, " STAT_COLUMNS
#define ROW_NCOLS (27 + DROP_NSTATS)

static void copy_str(char *dst, size_t cap, const struct coffer_val *v)
{
	if (v->t != COFFER_V_STR) {
		dst[0] = '\0';
		return;
	}
	size_t n = v->v.s.n < cap - 1 ? v->v.s.n : cap - 1;
	memcpy(dst, v->v.s.p, n);
	dst[n] = '\0';
}

static uint32_t u32(const struct coffer_val *v) { return (uint32_t)coffer_val_u64(v); }
static int64_t i64(const struct coffer_val *v) { return coffer_val_i64(v); }

struct row_out {
	struct drop_row *r;
	bool found;
};

/* One drop_drops row selected with ROW_COLUMNS into @p r. */
static int decode_row(const struct coffer_row *row, struct drop_row *r)
{
	if (row->ncols < ROW_NCOLS)
		return COFFER_EDB;
	const struct coffer_val *c = row->col;
	memset(r, 0, sizeof *r);
	copy_str(r->tenant.id, sizeof r->tenant.id, &c[0]);
	r->id = u32(&c[1]);
	copy_str(r->tenant.region, sizeof r->tenant.region, &c[2]);
	r->tenant.major = (uint16_t)u32(&c[3]);
	r->tenant.minor = (uint16_t)u32(&c[4]);
	copy_str(r->txn_id, sizeof r->txn_id, &c[5]);
	r->loc.world = (uint8_t)u32(&c[6]);
	r->loc.channel = (uint8_t)u32(&c[7]);
	r->loc.map = u32(&c[8]);
	r->item_id = u32(&c[9]);
	r->equipment_id = u32(&c[10]);
	r->quantity = u32(&c[11]);
	r->meso = u32(&c[12]);
	r->drop_type = (uint8_t)u32(&c[13]);
	r->x = (int16_t)i64(&c[14]);
	r->y = (int16_t)i64(&c[15]);
	r->owner_id = u32(&c[16]);
	r->owner_party_id = u32(&c[17]);
	r->drop_time_us = i64(&c[18]);
	r->dropper_id = u32(&c[19]);
	r->dropper_x = (int16_t)i64(&c[20]);
	r->dropper_y = (int16_t)i64(&c[21]);
	r->player_drop = i64(&c[22]) != 0;
	char status[16];
	copy_str(status, sizeof status, &c[23]);
	r->status = strcmp(status, "RESERVED") == 0 ? DROP_RESERVED : DROP_AVAILABLE;
	r->reserved_by = u32(&c[24]);
	r->has_reserved_at = c[25].t == COFFER_V_TIME;
	r->reserved_at_us = r->has_reserved_at ? c[25].v.i : 0;
	r->pet_slot = (int8_t)i64(&c[26]);
	for (int i = 0; i < DROP_NSTATS; i++)
		r->stats[i] = (uint16_t)u32(&c[27 + i]);
	return 0;
}

static int take_row(void *ud, const struct coffer_row *row)
{
	struct row_out *o = ud;
	int rc = decode_row(row, o->r);
	if (rc != 0)
		return rc;
	o->found = true;
	return 1;
}

/* sql_query returns COFFER_ESTOP when a callback stopped the iteration. */
static int query_rc(int rc) { return rc == COFFER_ESTOP ? 0 : rc; }

int drop_sql_lock(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id,
                  bool skip_locked, struct drop_row *out, bool *found)
{
	static const char *const sql_wait =
		"SELECT " ROW_COLUMNS " FROM drop_drops WHERE tenant_id = ? AND id = ? FOR UPDATE";
	static const char *const sql_skip = "SELECT " ROW_COLUMNS
	                                    " FROM drop_drops WHERE tenant_id = ? AND id = ?"
	                                    " FOR UPDATE SKIP LOCKED";
	struct row_out o = {.r = out};
	*found = false;
	if (id == 0)
		return 0; /* 0 is never a drop id: no need to ask */
	int rc = d->host->sql_query(txn, skip_locked ? sql_skip : sql_wait,
	                            COFFER_ARGS(COFFER_S(tenant), COFFER_U(id)), take_row, &o);
	*found = o.found;
	return query_rc(rc);
}

/* ------------------------------------------------------------------ reads of the service */

int drop_sql_get(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id,
                 struct drop_row *out, bool *found)
{
	/* A plain read: the service only looks, and must not make a reader wait for a
	 * reservation in progress or hold a drop's lock until the reader's commit. */
	static const char *const sql =
		"SELECT " ROW_COLUMNS " FROM drop_drops WHERE tenant_id = ? AND id = ?";
	struct row_out o = {.r = out};
	*found = false;
	if (id == 0)
		return 0;
	int rc = d->host->sql_query(txn, sql, COFFER_ARGS(COFFER_S(tenant), COFFER_U(id)), take_row,
	                            &o);
	*found = o.found;
	return query_rc(rc);
}

struct each_out {
	drop_row_fn fn;
	void *ud;
};

static int take_each(void *ud, const struct coffer_row *row)
{
	struct each_out *o = ud;
	struct drop_row r;
	int rc = decode_row(row, &r);
	return rc != 0 ? rc : o->fn(o->ud, &r);
}

int drop_sql_list_in_map(const struct drop *d, coffer_txn *txn, const char *tenant,
                         const struct drop_loc *loc, drop_row_fn fn, void *ud)
{
	/* ix_drop_map holds (tenant, world, channel, map) and, as every InnoDB secondary
	 * key, the primary key's id after them: the rows come in id order from the index. */
	static const char *const sql =
		"SELECT " ROW_COLUMNS " FROM drop_drops WHERE tenant_id = ? AND world_id = ?"
		" AND channel_id = ? AND map_id = ? ORDER BY id";
	struct each_out o = {.fn = fn, .ud = ud};
	return d->host->sql_query(txn, sql,
	                          COFFER_ARGS(COFFER_S(tenant), COFFER_U(loc->world),
	                                      COFFER_U(loc->channel), COFFER_U(loc->map)),
	                          take_each, &o);
}

static int take_u32(void *ud, const struct coffer_row *row)
{
	uint32_t *v = ud;
	*v = row->ncols > 0 ? (uint32_t)coffer_val_u64(&row->col[0]) : 0;
	return 1;
}

int drop_sql_seq_lock(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t *last)
{
	static const char *const sql_lock =
		"SELECT last_id FROM drop_id_sequence WHERE tenant_id = ? FOR UPDATE";
	/* Two first spawns of a tenant may race to create the row; the loser's
	 * insert waits for the winner's lock and then changes nothing. */
	static const char *const sql_create =
		"INSERT INTO drop_id_sequence (tenant_id, last_id) VALUES (?, ?) "
		"ON DUPLICATE KEY UPDATE last_id = last_id";
	uint32_t v = 0;
	bool have = false;
	for (int pass = 0; pass < 2 && !have; pass++) {
		v = 0;
		int rc = d->host->sql_query(txn, sql_lock, COFFER_ARGS(COFFER_S(tenant)), take_u32, &v);
		if (rc != COFFER_ESTOP && rc != 0)
			return rc;
		have = rc == COFFER_ESTOP;
		if (!have && pass == 0) {
			rc = d->host->sql_exec(txn, sql_create,
			                       COFFER_ARGS(COFFER_S(tenant), COFFER_U(DROP_ID_SEQ_START)), NULL);
			if (rc != 0)
				return rc;
		}
	}
	if (!have)
		return COFFER_EDB;
	*last = v;
	return 0;
}

int drop_sql_seq_set(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t last)
{
	return d->host->sql_exec(txn, "UPDATE drop_id_sequence SET last_id = ? WHERE tenant_id = ?",
	                         COFFER_ARGS(COFFER_U(last), COFFER_S(tenant)), NULL);
}

int drop_sql_insert(const struct drop *d, coffer_txn *txn, const struct drop_row *r)
{
	static const char *const sql =
		"INSERT INTO drop_drops (" ROW_COLUMNS ") VALUES ("
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct coffer_val a[ROW_NCOLS];
	size_t n = 0;
	a[n++] = COFFER_S(r->tenant.id);
	a[n++] = COFFER_U(r->id);
	a[n++] = COFFER_S(r->tenant.region);
	a[n++] = COFFER_U(r->tenant.major);
	a[n++] = COFFER_U(r->tenant.minor);
	a[n++] = COFFER_S(r->txn_id);
	a[n++] = COFFER_U(r->loc.world);
	a[n++] = COFFER_U(r->loc.channel);
	a[n++] = COFFER_U(r->loc.map);
	a[n++] = COFFER_U(r->item_id);
	a[n++] = COFFER_U(r->equipment_id);
	a[n++] = COFFER_U(r->quantity);
	a[n++] = COFFER_U(r->meso);
	a[n++] = COFFER_U(r->drop_type);
	a[n++] = COFFER_I(r->x);
	a[n++] = COFFER_I(r->y);
	a[n++] = COFFER_U(r->owner_id);
	a[n++] = COFFER_U(r->owner_party_id);
	a[n++] = COFFER_T(r->drop_time_us);
	a[n++] = COFFER_U(r->dropper_id);
	a[n++] = COFFER_I(r->dropper_x);
	a[n++] = COFFER_I(r->dropper_y);
	a[n++] = COFFER_I(r->player_drop ? 1 : 0);
	a[n++] = COFFER_S(r->status == DROP_RESERVED ? "RESERVED" : "AVAILABLE");
	a[n++] = COFFER_U(r->reserved_by);
	a[n++] = r->has_reserved_at ? COFFER_T(r->reserved_at_us) : COFFER_NULLV;
	a[n++] = COFFER_I(r->pet_slot);
	for (int i = 0; i < DROP_NSTATS; i++)
		a[n++] = COFFER_U(r->stats[i]);
	return d->host->sql_exec(txn, sql, a, n, NULL);
}

int drop_sql_pickup_forget(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id)
{
	return d->host->sql_exec(txn, "DELETE FROM drop_pickups WHERE tenant_id = ? AND drop_id = ?",
	                         COFFER_ARGS(COFFER_S(tenant), COFFER_U(id)), NULL);
}

static int take_exists(void *ud, const struct coffer_row *row)
{
	(void)row;
	*(bool *)ud = true;
	return 1;
}

int drop_sql_pickup_exists(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id,
                           bool *exists)
{
	*exists = false;
	int rc = d->host->sql_query(txn,
	                            "SELECT 1 FROM drop_pickups WHERE tenant_id = ? AND drop_id = ?",
	                            COFFER_ARGS(COFFER_S(tenant), COFFER_U(id)), take_exists, exists);
	return query_rc(rc);
}

int drop_sql_pickup_store(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id,
                          const char *txn_id, uint32_t character, int64_t now_us)
{
	return d->host->sql_exec(txn,
	                         "INSERT INTO drop_pickups (tenant_id, drop_id, transaction_id, "
	                         "character_id, picked_at) VALUES (?, ?, ?, ?, ?)",
	                         COFFER_ARGS(COFFER_S(tenant), COFFER_U(id), COFFER_S(txn_id),
	                                     COFFER_U(character), COFFER_T(now_us)),
	                         NULL);
}

int drop_sql_reserve(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id,
                     uint32_t character, int64_t now_us, int8_t pet_slot)
{
	return d->host->sql_exec(txn,
	                         "UPDATE drop_drops FORCE INDEX (PRIMARY) SET status = 'RESERVED', "
	                         "reserved_by = ?, "
	                         "reserved_at = ?, pet_slot = ? WHERE tenant_id = ? AND id = ?",
	                         COFFER_ARGS(COFFER_U(character), COFFER_T(now_us), COFFER_I(pet_slot),
	                                     COFFER_S(tenant), COFFER_U(id)),
	                         NULL);
}

int drop_sql_release(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id)
{
	/* drop_time stays: a drop whose expiry passed meanwhile goes at the next sweep. */
	return d->host->sql_exec(txn,
	                         "UPDATE drop_drops FORCE INDEX (PRIMARY) SET status = 'AVAILABLE', "
	                         "reserved_by = 0, "
	                         "reserved_at = NULL, pet_slot = -1 WHERE tenant_id = ? AND id = ?",
	                         COFFER_ARGS(COFFER_S(tenant), COFFER_U(id)), NULL);
}

int drop_sql_delete(const struct drop *d, coffer_txn *txn, const char *tenant, uint32_t id)
{
	return d->host->sql_exec(txn,
	                         "DELETE drop_drops FROM drop_drops FORCE INDEX (PRIMARY) WHERE "
	                         "tenant_id = ? AND id = ?",
	                         COFFER_ARGS(COFFER_S(tenant), COFFER_U(id)), NULL);
}

/* ------------------------------------------------------------------ sweep selections */

struct keys_out {
	struct drop_key *k;
	size_t n;
};

static int take_key(void *ud, const struct coffer_row *row)
{
	struct keys_out *o = ud;
	struct drop_key *k = &o->k[o->n++];
	copy_str(k->tenant, sizeof k->tenant, &row->col[0]);
	k->id = u32(&row->col[1]);
	k->drop_time_us = i64(&row->col[2]);
	return 0;
}

int drop_sql_due(const struct drop *d, coffer_txn *txn, int64_t cut_drop_us,
                 int64_t cut_reserved_us, const struct drop_key *after, unsigned limit,
                 struct drop_key *out, size_t *n)
{
	/* The selection of kafka-contract.md#drop-tables, plus a keyset position so that rows skipped in this
	 * tick (tenant off, locked elsewhere) are not offered again. Not locking:
	 * each row is locked and re-checked on its own afterwards. */
	static const char *const sql_first =
		"SELECT tenant_id, id, drop_time FROM drop_drops"
		" WHERE drop_time < ? AND (status = 'AVAILABLE' OR reserved_at < ?)"
		" ORDER BY drop_time, tenant_id, id LIMIT ?";
	static const char *const sql_next =
		"SELECT tenant_id, id, drop_time FROM drop_drops"
		" WHERE drop_time < ? AND (status = 'AVAILABLE' OR reserved_at < ?)"
		" AND (drop_time > ? OR (drop_time = ? AND (tenant_id > ?"
		" OR (tenant_id = ? AND id > ?))))"
		" ORDER BY drop_time, tenant_id, id LIMIT ?";
	struct keys_out o = {.k = out};
	int rc;
	if (after == NULL)
		rc = d->host->sql_query(txn, sql_first,
		                        COFFER_ARGS(COFFER_T(cut_drop_us), COFFER_T(cut_reserved_us),
		                                    COFFER_U(limit)),
		                        take_key, &o);
	else
		rc = d->host->sql_query(
			txn, sql_next,
			COFFER_ARGS(COFFER_T(cut_drop_us), COFFER_T(cut_reserved_us),
		                COFFER_T(after->drop_time_us), COFFER_T(after->drop_time_us),
		                COFFER_S(after->tenant), COFFER_S(after->tenant), COFFER_U(after->id),
		                COFFER_U(limit)),
			take_key, &o);
	*n = o.n;
	return query_rc(rc);
}

struct tenants_out {
	char (*t)[37];
	size_t n;
};

static int take_tenant(void *ud, const struct coffer_row *row)
{
	struct tenants_out *o = ud;
	copy_str(o->t[o->n++], 37, &row->col[0]);
	return 0;
}

int drop_sql_marker_tenants(const struct drop *d, coffer_txn *txn, int64_t cut_us,
                            const char *after, unsigned limit, char (*out)[37], size_t *n)
{
	static const char *const sql =
		"SELECT DISTINCT tenant_id FROM drop_pickups WHERE picked_at < ? AND tenant_id > ?"
		" ORDER BY tenant_id LIMIT ?";
	struct tenants_out o = {.t = out};
	int rc = d->host->sql_query(
		txn, sql, COFFER_ARGS(COFFER_T(cut_us), COFFER_S(after ? after : ""), COFFER_U(limit)),
		take_tenant, &o);
	*n = o.n;
	return query_rc(rc);
}

int drop_sql_markers_prune(const struct drop *d, coffer_txn *txn, const char *tenant,
                           int64_t cut_us, unsigned limit, uint64_t *deleted)
{
	struct coffer_exec_result res = {0};
	int rc = d->host->sql_exec(txn,
	                           "DELETE FROM drop_pickups WHERE tenant_id = ? AND picked_at < ?"
	                           " ORDER BY picked_at LIMIT ?",
	                           COFFER_ARGS(COFFER_S(tenant), COFFER_T(cut_us), COFFER_U(limit)),
	                           &res);
	*deleted = res.affected;
	return rc;
}
