/* SPDX-License-Identifier: MIT */
/* plugins/asset/asset_sql.c: every statement on the asset plugin's tables (compartments,
 * assets, item_templates, cash_items) and the mapping of their rows to the service structs.
 * Every statement binds and filters on the tenant; times come from host->now(txn). */
#include "asset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define H asset_host

/* ------------------------------------------------------------------ helpers */

static void copy_str(const struct coffer_val *v, char *out, size_t size)
{
	size_t n = v->t == COFFER_V_STR ? v->v.s.n : 0;
	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(out, v->v.s.p, n);
	out[n] = '\0';
}

static uint16_t u16(const struct coffer_val *v) { return (uint16_t)coffer_val_u64(v); }
static uint32_t u32(const struct coffer_val *v) { return (uint32_t)coffer_val_u64(v); }

/* A query expected to find at most one row: the row callback sets *found. */
struct one {
	bool found;
	void *out;
};

/* ------------------------------------------------------------------ compartments */

#define COMPARTMENT_COLS "id, character_id, inventory_type, capacity"

static int compartment_row(void *ud, const struct coffer_row *row)
{
	struct one *o = ud;
	struct coffer_compartment *c = o->out;
	copy_str(&row->col[0], c->id, sizeof c->id);
	c->character_id = u32(&row->col[1]);
	c->type = (uint8_t)coffer_val_u64(&row->col[2]);
	c->capacity = u32(&row->col[3]);
	o->found = true;
	return 0;
}

int asset_sql_compartment_lock(coffer_txn *txn, const char *tenant, uint32_t character_id,
                               uint8_t type, struct coffer_compartment *out)
{
	struct one o = {false, out};
	int rc = H->sql_query(txn,
	                      "SELECT " COMPARTMENT_COLS " FROM compartments WHERE tenant_id = ? "
	                      "AND character_id = ? AND inventory_type = ? FOR UPDATE",
	                      COFFER_ARGS(COFFER_S(tenant), COFFER_U(character_id), COFFER_U(type)),
	                      compartment_row, &o);
	if (rc != 0)
		return rc;
	return o.found ? 0 : COFFER_ENOTFOUND;
}

int asset_sql_compartment_lock_id(coffer_txn *txn, const char *tenant, const char *id,
                                  struct coffer_compartment *out)
{
	struct one o = {false, out};
	int rc = H->sql_query(txn,
	                      "SELECT " COMPARTMENT_COLS " FROM compartments WHERE tenant_id = ? "
	                      "AND id = ? FOR UPDATE",
	                      COFFER_ARGS(COFFER_S(tenant), COFFER_S(id)), compartment_row, &o);
	if (rc != 0)
		return rc;
	return o.found ? 0 : COFFER_ENOTFOUND;
}

int asset_sql_compartment_get(coffer_txn *txn, const char *tenant, const char *id,
                              struct coffer_compartment *out)
{
	struct one o = {false, out};
	int rc = H->sql_query(txn,
	                      "SELECT " COMPARTMENT_COLS " FROM compartments WHERE tenant_id = ? "
	                      "AND id = ?",
	                      COFFER_ARGS(COFFER_S(tenant), COFFER_S(id)), compartment_row, &o);
	if (rc != 0)
		return rc;
	return o.found ? 0 : COFFER_ENOTFOUND;
}

struct comp_list {
	struct coffer_compartment *v;
	size_t n;
};

static int compartment_list_row(void *ud, const struct coffer_row *row)
{
	struct comp_list *l = ud;
	if (l->n >= 5)
		return 0;
	struct one o = {false, &l->v[l->n++]};
	return compartment_row(&o, row);
}

int asset_sql_compartment_list(coffer_txn *txn, const char *tenant, uint32_t character_id,
                               bool for_update, struct coffer_compartment out[5], size_t *n)
{
	struct comp_list l = {out, 0};
	/* FOR UPDATE with ORDER BY locks in the order rows are read: ascending type (kafka-contract.md#locking). */
	int rc = H->sql_query(txn,
	                      for_update ? "SELECT " COMPARTMENT_COLS " FROM compartments WHERE "
	                                   "tenant_id = ? AND character_id = ? ORDER BY "
	                                   "inventory_type FOR UPDATE"
	                                 : "SELECT " COMPARTMENT_COLS " FROM compartments WHERE "
	                                   "tenant_id = ? AND character_id = ? ORDER BY inventory_type",
	                      COFFER_ARGS(COFFER_S(tenant), COFFER_U(character_id)),
	                      compartment_list_row, &l);
	*n = rc == 0 ? l.n : 0;
	return rc;
}

int asset_sql_compartment_create(coffer_txn *txn, const char *tenant, uint32_t character_id,
                                 uint8_t type, uint32_t capacity, struct coffer_compartment *out)
{
	struct coffer_compartment c = {.character_id = character_id, .type = type,
	                               .capacity = capacity};
	H->uuid(c.id);
	int rc = H->sql_exec(txn,
	                     "INSERT INTO compartments (tenant_id, id, character_id, inventory_type, "
	                     "capacity) VALUES (?, ?, ?, ?, ?)",
	                     COFFER_ARGS(COFFER_S(tenant), COFFER_S(c.id), COFFER_U(character_id),
	                                 COFFER_U(type), COFFER_U(capacity)),
	                     NULL);
	if (rc == 0 && out)
		*out = c;
	return rc;
}

int asset_sql_compartment_set_capacity(coffer_txn *txn, const char *tenant, const char *id,
                                       uint32_t capacity)
{
	return H->sql_exec(txn, "UPDATE compartments SET capacity = ? WHERE tenant_id = ? AND id = ?",
	                   COFFER_ARGS(COFFER_U(capacity), COFFER_S(tenant), COFFER_S(id)), NULL);
}

int asset_sql_compartment_delete(coffer_txn *txn, const char *tenant, const char *id)
{
	struct coffer_exec_result r = {0};
	int rc = H->sql_exec(txn, "DELETE FROM compartments WHERE tenant_id = ? AND id = ?",
	                     COFFER_ARGS(COFFER_S(tenant), COFFER_S(id)), &r);
	if (rc == 0 && r.affected == 0)
		return COFFER_ENOTFOUND;
	return rc;
}

/* ------------------------------------------------------------------ assets */

/* Writes by id name the primary key (FORCE INDEX (PRIMARY); a single-table DELETE takes no
 * hint, so it is written in the multi-table form). On fresh statistics the optimiser picks
 * ix_assets_reference for "tenant_id = ? AND id = ?" (its tenant_id prefix, then the id at
 * its end): a range over the tenant's rows, which an UPDATE locks as it scans, so two
 * workers on unrelated characters deadlocked (EXPLAIN on an empty table shows it). */

/* The column order asset_row reads and asset_sql_insert writes (after tenant_id). */
#define ASSET_COLS "id, " ASSET_COLS_REST
/* Every column after id: no other table the plugin joins has them, so they need no prefix. */
#define ASSET_COLS_REST                                                                        \
	"compartment_id, slot, template_id, kind, reference_id, expiration, quantity, "      \
	"owner_id, flag, rechargeable, cash_id, purchased_by, strength, dexterity, "            \
	"intelligence, luck, hp, mp, weapon_attack, magic_attack, weapon_defense, "             \
	"magic_defense, accuracy, avoidability, hands, speed, jump, upgrade_slots, owner_name, " \
	"locked, spikes, karma_used, cold, can_be_traded, level_type, level, experience, "      \
	"hammers_applied, pet_name, pet_level, pet_closeness, pet_fullness, pet_slot, created_at"
#define ASSET_NCOLS 45

static void asset_row(const struct coffer_row *row, struct coffer_asset *a)
{
	const struct coffer_val *c = row->col;
	memset(a, 0, sizeof *a);
	a->id = u32(&c[0]);
	copy_str(&c[1], a->compartment_id, sizeof a->compartment_id);
	a->slot = (int16_t)coffer_val_i64(&c[2]);
	a->template_id = u32(&c[3]);
	a->kind = c[4].t == COFFER_V_STR ? asset_rules_kind_parse(c[4].v.s.p, c[4].v.s.n)
	                                 : COFFER_KIND_NONE;
	a->reference_id = u32(&c[5]);
	a->expiration_us = c[6].t == COFFER_V_TIME ? c[6].v.i : COFFER_ASSET_NO_EXPIRY;
	a->quantity = u32(&c[7]);
	a->owner_id = u32(&c[8]);
	a->flag = u16(&c[9]);
	a->rechargeable = coffer_val_u64(&c[10]);
	a->cash_id = coffer_val_i64(&c[11]);
	a->purchased_by = u32(&c[12]);
	/* struct coffer_equip_stats: its sixteen in column order, as stats.v. */
	for (int i = 0; i < COFFER_EQUIP_NSTATS; i++)
		a->stats.v[i] = u16(&c[13 + i]);
	copy_str(&c[29], a->owner_name, sizeof a->owner_name);
	a->locked = coffer_val_i64(&c[30]) != 0;
	a->spikes = coffer_val_i64(&c[31]) != 0;
	a->karma_used = coffer_val_i64(&c[32]) != 0;
	a->cold = coffer_val_i64(&c[33]) != 0;
	a->can_be_traded = coffer_val_i64(&c[34]) != 0;
	a->level_type = (uint8_t)coffer_val_u64(&c[35]);
	a->level = (uint8_t)coffer_val_u64(&c[36]);
	a->experience = u32(&c[37]);
	a->hammers_applied = u32(&c[38]);
	copy_str(&c[39], a->pet_name, sizeof a->pet_name);
	a->pet_level = (uint8_t)coffer_val_u64(&c[40]);
	a->pet_closeness = u16(&c[41]);
	a->pet_fullness = (uint8_t)coffer_val_u64(&c[42]);
	a->pet_slot = (int8_t)coffer_val_i64(&c[43]);
	a->created_at_us = coffer_val_i64(&c[44]);
}

static int asset_one_row(void *ud, const struct coffer_row *row)
{
	struct one *o = ud;
	if (row->ncols < ASSET_NCOLS)
		return COFFER_EDB;
	asset_row(row, o->out);
	o->found = true;
	return 1; /* the first row is the answer */
}

static int asset_query_one(coffer_txn *txn, const char *sql, const struct coffer_val *args,
                           size_t nargs, struct coffer_asset *out)
{
	struct one o = {false, out};
	int rc = H->sql_query(txn, sql, args, nargs, asset_one_row, &o);
	if (rc == COFFER_ESTOP)
		rc = 0;
	if (rc != 0)
		return rc;
	return o.found ? 0 : COFFER_ENOTFOUND;
}

static int asset_list_row(void *ud, const struct coffer_row *row)
{
	struct coffer_asset_list *l = ud;
	if (row->ncols < ASSET_NCOLS)
		return COFFER_EDB;
	/* The capacity is twice the last power of two reached (16 at first): grow on each
	 * power of two. One compartment holds at most a few hundred rows. */
	if ((l->n & (l->n - 1)) == 0) {
		size_t cap = l->n ? l->n * 2 : 16;
		struct coffer_asset *v = realloc(l->v, cap * sizeof *v);
		if (v == NULL)
			return -12; /* -ENOMEM */
		l->v = v;
	}
	asset_row(row, &l->v[l->n++]);
	return 0;
}

int asset_sql_list_character(coffer_txn *txn, const char *tenant, uint32_t character_id,
                             struct coffer_asset_list *out)
{
	out->v = NULL;
	out->n = 0;
	return H->sql_query(txn,
	                    "SELECT " ASSET_COLS " FROM assets WHERE tenant_id = ? AND compartment_id "
	                    "IN (SELECT id FROM compartments WHERE tenant_id = ? AND character_id = ?) "
	                    "ORDER BY compartment_id, slot",
	                    COFFER_ARGS(COFFER_S(tenant), COFFER_S(tenant), COFFER_U(character_id)),
	                    asset_list_row, out);
}

int asset_sql_list(coffer_txn *txn, const char *tenant, const char *compartment_id,
                   struct coffer_asset_list *out)
{
	out->v = NULL;
	out->n = 0;
	return H->sql_query(txn,
	                    "SELECT " ASSET_COLS " FROM assets WHERE tenant_id = ? AND "
	                    "compartment_id = ? ORDER BY slot",
	                    COFFER_ARGS(COFFER_S(tenant), COFFER_S(compartment_id)), asset_list_row,
	                    out);
}

void asset_sql_list_free(struct coffer_asset_list *list)
{
	if (list == NULL)
		return;
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

int asset_sql_at(coffer_txn *txn, const char *tenant, const char *compartment_id, int16_t slot,
                 struct coffer_asset *out)
{
	return asset_query_one(txn,
	                       "SELECT " ASSET_COLS " FROM assets WHERE tenant_id = ? AND "
	                       "compartment_id = ? AND slot = ?",
	                       COFFER_ARGS(COFFER_S(tenant), COFFER_S(compartment_id), COFFER_I(slot)),
	                       out);
}

int asset_sql_get(coffer_txn *txn, const char *tenant, uint32_t id, struct coffer_asset *out)
{
	return asset_query_one(txn,
	                       "SELECT " ASSET_COLS " FROM assets WHERE tenant_id = ? AND id = ?",
	                       COFFER_ARGS(COFFER_S(tenant), COFFER_U(id)), out);
}

int asset_sql_by_reference(coffer_txn *txn, const char *tenant, const char *compartment_id,
                           uint32_t reference_id, struct coffer_asset *out)
{
	return asset_query_one(txn,
	                       "SELECT " ASSET_COLS " FROM assets WHERE tenant_id = ? AND "
	                       "compartment_id = ? AND reference_id = ? ORDER BY slot LIMIT 1",
	                       COFFER_ARGS(COFFER_S(tenant), COFFER_S(compartment_id),
	                                   COFFER_U(reference_id)),
	                       out);
}

int asset_sql_equipable_by_reference(coffer_txn *txn, const char *tenant, uint32_t reference_id,
                                     struct coffer_asset *out)
{
	return asset_query_one(txn,
	                       "SELECT " ASSET_COLS " FROM assets WHERE tenant_id = ? AND "
	                       "kind = 'equipable' AND reference_id = ? ORDER BY id LIMIT 1",
	                       COFFER_ARGS(COFFER_S(tenant), COFFER_U(reference_id)), out);
}

struct slots {
	int16_t *v;
	size_t n, max;
};

static int slot_row(void *ud, const struct coffer_row *row)
{
	struct slots *s = ud;
	if (s->n < s->max)
		s->v[s->n++] = (int16_t)coffer_val_i64(&row->col[0]);
	return 0;
}

int asset_sql_bag_slots(coffer_txn *txn, const char *tenant, const char *compartment_id,
                        uint32_t capacity, int16_t *slots, size_t max, size_t *n)
{
	struct slots s = {slots, 0, max};
	int rc = H->sql_query(txn,
	                      "SELECT slot FROM assets WHERE tenant_id = ? AND compartment_id = ? "
	                      "AND slot >= 1 AND slot <= ? ORDER BY slot",
	                      COFFER_ARGS(COFFER_S(tenant), COFFER_S(compartment_id),
	                                  COFFER_U(capacity)),
	                      slot_row, &s);
	*n = s.n;
	return rc;
}

/* The compartment (locked) and the assets in two of its slots, in one statement. Both are
 * point lookups on unique keys (the index hints keep them so: on fresh statistics the
 * optimiser may scan instead, and a locking read locks what it scans): under READ COMMITTED
 * the statement locks the compartment row and the asset rows found, nothing else. A range
 * (all slots of the compartment) would also lock the first row past it, another
 * compartment's, and deadlock with that compartment's writer: measured with
 * tests/bench/raw-baseline.c, so the bag reads after the lock stay plain reads. */
struct lock_pair {
	struct coffer_compartment *c;
	int16_t slot[2];
	struct coffer_asset *a[2];
	bool found[2];
	bool comp;
};

static int lock_pair_row(void *ud, const struct coffer_row *row)
{
	struct lock_pair *l = ud;
	if (row->ncols < 4 + ASSET_NCOLS)
		return COFFER_EDB;
	if (!l->comp) {
		struct one o = {false, l->c};
		compartment_row(&o, row);
		l->comp = true;
	}
	if (row->col[4].t == COFFER_V_NULL)
		return 0; /* neither slot is occupied */
	struct coffer_row sub = {row->ncols - 4, row->col + 4};
	struct coffer_asset x;
	asset_row(&sub, &x);
	for (int i = 0; i < 2; i++)
		if (x.slot == l->slot[i] && !l->found[i]) {
			*l->a[i] = x;
			l->found[i] = true;
		}
	return 0;
}

int asset_sql_compartment_lock_pair(coffer_txn *txn, const char *tenant, uint32_t character_id,
                                    uint8_t type, struct coffer_compartment *out, int16_t slot_a,
                                    struct coffer_asset *a, bool *found_a, int16_t slot_b,
                                    struct coffer_asset *b, bool *found_b)
{
	struct lock_pair l = {out, {slot_a, slot_b}, {a, b}, {false, false}, false};
	int rc = H->sql_query(txn,
	                      "SELECT c.id, c.character_id, c.inventory_type, c.capacity, a.id, "
	                      ASSET_COLS_REST " FROM compartments c FORCE INDEX "
	                      "(uq_compartments_owner) LEFT JOIN assets a FORCE INDEX (uq_assets_slot) "
	                      "ON a.tenant_id = c.tenant_id AND a.compartment_id = c.id AND a.slot IN "
	                      "(?, ?) WHERE c.tenant_id = ? AND c.character_id = ? AND "
	                      "c.inventory_type = ? FOR UPDATE",
	                      COFFER_ARGS(COFFER_I(slot_a), COFFER_I(slot_b), COFFER_S(tenant),
	                                  COFFER_U(character_id), COFFER_U(type)),
	                      lock_pair_row, &l);
	*found_a = l.found[0];
	*found_b = l.found[1];
	if (rc != 0)
		return rc;
	return l.comp ? 0 : COFFER_ENOTFOUND;
}

int asset_sql_insert(coffer_txn *txn, const char *tenant, struct coffer_asset *a)
{
	struct coffer_val v[ASSET_NCOLS];
	size_t k = 0;
	int64_t now = H->now(txn);
	/* VARCHAR(32) under STRICT mode: an over-long name would fail the insert for good. */
	char owner_name[sizeof a->owner_name], pet_name[sizeof a->pet_name];
	asset_rules_utf8_prefix(a->owner_name, strnlen(a->owner_name, sizeof a->owner_name),
	                        ASSET_NAME_CHARS, owner_name, sizeof owner_name);
	asset_rules_utf8_prefix(a->pet_name, strnlen(a->pet_name, sizeof a->pet_name),
	                        ASSET_NAME_CHARS, pet_name, sizeof pet_name);
	v[k++] = COFFER_S(tenant);
	v[k++] = COFFER_S(a->compartment_id);
	v[k++] = COFFER_I(a->slot);
	v[k++] = COFFER_U(a->template_id);
	v[k++] = COFFER_S(asset_rules_kind_name(a->kind));
	v[k++] = COFFER_U(a->reference_id);
	v[k++] = a->expiration_us == COFFER_ASSET_NO_EXPIRY ? COFFER_NULLV : COFFER_T(a->expiration_us);
	v[k++] = COFFER_U(a->quantity);
	v[k++] = COFFER_U(a->owner_id);
	v[k++] = COFFER_U(a->flag);
	v[k++] = COFFER_U(a->rechargeable);
	v[k++] = COFFER_I(a->cash_id);
	v[k++] = COFFER_U(a->purchased_by);
	for (int i = 0; i < COFFER_EQUIP_NSTATS; i++)
		v[k++] = COFFER_U(a->stats.v[i]);
	v[k++] = COFFER_S(owner_name);
	v[k++] = COFFER_I(a->locked);
	v[k++] = COFFER_I(a->spikes);
	v[k++] = COFFER_I(a->karma_used);
	v[k++] = COFFER_I(a->cold);
	v[k++] = COFFER_I(a->can_be_traded);
	v[k++] = COFFER_U(a->level_type);
	v[k++] = COFFER_U(a->level);
	v[k++] = COFFER_U(a->experience);
	v[k++] = COFFER_U(a->hammers_applied);
	v[k++] = COFFER_S(pet_name);
	v[k++] = COFFER_U(a->pet_level);
	v[k++] = COFFER_U(a->pet_closeness);
	v[k++] = COFFER_U(a->pet_fullness);
	v[k++] = COFFER_I(a->pet_slot);
	v[k++] = COFFER_T(now);
	struct coffer_exec_result r = {0};
	/* "tenant_id, " replaces "id, " at the head of ASSET_COLS. */
	int rc = H->sql_exec(txn,
	                     "INSERT INTO assets (tenant_id, compartment_id, slot, template_id, kind, "
	                     "reference_id, expiration, quantity, owner_id, flag, rechargeable, cash_id, "
	                     "purchased_by, strength, dexterity, intelligence, luck, hp, mp, "
	                     "weapon_attack, magic_attack, weapon_defense, magic_defense, accuracy, "
	                     "avoidability, hands, speed, jump, upgrade_slots, owner_name, locked, "
	                     "spikes, karma_used, cold, can_be_traded, level_type, level, experience, "
	                     "hammers_applied, pet_name, pet_level, pet_closeness, pet_fullness, "
	                     "pet_slot, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?)",
	                     v, k, &r);
	if (rc != 0)
		return rc;
	a->id = (uint32_t)r.insert_id;
	a->created_at_us = now;
	if (a->reference_id == 0) {
		/* kafka-contract.md#inventory-tables: reference_id = id in the same transaction, for
		 * the kinds that use the id. A second statement: see README.md, "Statements per
		 * command", for why it stays. */
		rc = H->sql_exec(txn,
		                 "UPDATE assets FORCE INDEX (PRIMARY) SET reference_id = id WHERE "
		                 "tenant_id = ? AND id = ?",
		                 COFFER_ARGS(COFFER_S(tenant), COFFER_U(a->id)), NULL);
		if (rc == 0)
			a->reference_id = a->id;
	}
	return rc;
}

int asset_sql_delete(coffer_txn *txn, const char *tenant, uint32_t id)
{
	struct coffer_exec_result r = {0};
	int rc = H->sql_exec(txn,
	                     "DELETE assets FROM assets FORCE INDEX (PRIMARY) WHERE tenant_id = ? "
	                     "AND id = ?",
	                     COFFER_ARGS(COFFER_S(tenant), COFFER_U(id)), &r);
	if (rc == 0 && r.affected == 0)
		return COFFER_ENOTFOUND;
	return rc;
}

int asset_sql_move(coffer_txn *txn, const char *tenant, uint32_t id, int16_t slot)
{
	return H->sql_exec(txn,
	                   "UPDATE assets FORCE INDEX (PRIMARY) SET slot = ? WHERE tenant_id = ? AND "
	                   "id = ?",
	                   COFFER_ARGS(COFFER_I(slot), COFFER_S(tenant), COFFER_U(id)), NULL);
}

int asset_sql_set_quantity(coffer_txn *txn, const char *tenant, uint32_t id, uint32_t quantity)
{
	return H->sql_exec(txn,
	                   "UPDATE assets FORCE INDEX (PRIMARY) SET quantity = ? WHERE tenant_id = ? "
	                   "AND id = ?",
	                   COFFER_ARGS(COFFER_U(quantity), COFFER_S(tenant), COFFER_U(id)), NULL);
}

int asset_sql_update_equipment(coffer_txn *txn, const char *tenant, const struct coffer_asset *a)
{
	struct coffer_val v[30];
	size_t k = 0;
	for (int i = 0; i < COFFER_EQUIP_NSTATS; i++)
		v[k++] = COFFER_U(a->stats.v[i]);
	v[k++] = COFFER_S(a->owner_name);
	v[k++] = COFFER_I(a->locked);
	v[k++] = COFFER_I(a->spikes);
	v[k++] = COFFER_I(a->karma_used);
	v[k++] = COFFER_I(a->cold);
	v[k++] = COFFER_I(a->can_be_traded);
	v[k++] = COFFER_U(a->level_type);
	v[k++] = COFFER_U(a->level);
	v[k++] = COFFER_U(a->experience);
	v[k++] = COFFER_U(a->hammers_applied);
	v[k++] = COFFER_S(tenant);
	v[k++] = COFFER_U(a->id);
	return H->sql_exec(txn,
	                   "UPDATE assets FORCE INDEX (PRIMARY) SET strength = ?, dexterity = ?, "
	                   "intelligence = ?, luck = ?, "
	                   "hp = ?, mp = ?, weapon_attack = ?, magic_attack = ?, weapon_defense = ?, "
	                   "magic_defense = ?, accuracy = ?, avoidability = ?, hands = ?, speed = ?, "
	                   "jump = ?, upgrade_slots = ?, owner_name = ?, locked = ?, spikes = ?, "
	                   "karma_used = ?, cold = ?, can_be_traded = ?, level_type = ?, level = ?, "
	                   "experience = ?, hammers_applied = ? WHERE tenant_id = ? AND id = ?",
	                   v, k, NULL);
}

/* ------------------------------------------------------------------ templates, cash items */

static int template_row(void *ud, const struct coffer_row *row)
{
	struct one *o = ud;
	struct coffer_item_template *t = o->out;
	const struct coffer_val *c = row->col;
	t->found = true;
	t->slot_max = u32(&c[0]); /* raw here; the caller applies the defaults */
	t->rechargeable = coffer_val_i64(&c[1]) != 0;
	t->is_cash = coffer_val_i64(&c[2]) != 0;
	copy_str(&c[3], t->equip_slot_code, sizeof t->equip_slot_code);
	copy_str(&c[4], t->equip_slot_name, sizeof t->equip_slot_name);
	t->n_equip_slots = c[5].t == COFFER_V_STR
	                       ? asset_rules_parse_slots(c[5].v.s.p, c[5].v.s.n, t->equip_slots, 16)
	                       : 0;
	for (int i = 0; i < COFFER_EQUIP_NSTATS; i++)
		t->stats.v[i] = u16(&c[6 + i]);
	copy_str(&c[22], t->name, sizeof t->name);
	o->found = true;
	return 0;
}

int asset_sql_template(coffer_txn *txn, const char *tenant, uint32_t template_id,
                       struct coffer_item_template *out)
{
	memset(out, 0, sizeof *out);
	out->template_id = template_id;
	struct one o = {false, out};
	/* inc_* in the order of struct coffer_equip_stats; upgrade_slots is its `slots`. */
	int rc = H->sql_query(txn,
	                      "SELECT slot_max, rechargeable, is_cash, equip_slot_code, "
	                      "equip_slot_name, equip_slots, inc_str, inc_dex, inc_int, inc_luk, "
	                      "inc_hp, inc_mp, inc_pad, inc_mad, inc_pdd, inc_mdd, inc_acc, inc_eva, "
	                      "inc_hands, inc_speed, inc_jump, upgrade_slots, name FROM item_templates "
	                      "WHERE tenant_id = ? AND template_id = ?",
	                      COFFER_ARGS(COFFER_S(tenant), COFFER_U(template_id)), template_row, &o);
	out->slot_max = asset_rules_slot_max(asset_rules_template_type(template_id), out->slot_max);
	return rc;
}

static int cash_row(void *ud, const struct coffer_row *row)
{
	struct one *o = ud;
	struct coffer_cash_item *ci = o->out;
	ci->template_id = u32(&row->col[0]);
	ci->cash_id = coffer_val_i64(&row->col[1]);
	ci->quantity = u32(&row->col[2]);
	ci->flag = u16(&row->col[3]);
	ci->purchased_by = u32(&row->col[4]);
	o->found = true;
	return 0;
}

int asset_sql_cash_item(coffer_txn *txn, const char *tenant, uint32_t id,
                        struct coffer_cash_item *out)
{
	memset(out, 0, sizeof *out);
	struct one o = {false, out};
	int rc = H->sql_query(txn,
	                      "SELECT template_id, cash_id, quantity, flag, purchased_by FROM "
	                      "cash_items WHERE tenant_id = ? AND id = ?",
	                      COFFER_ARGS(COFFER_S(tenant), COFFER_U(id)), cash_row, &o);
	if (rc != 0)
		return rc;
	return o.found ? 0 : COFFER_ENOTFOUND;
}
