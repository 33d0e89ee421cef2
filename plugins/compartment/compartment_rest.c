/* SPDX-License-Identifier: MIT */
/* plugins/compartment/compartment_rest.c: the inventory routes of the REST API (docs/rest.md#routes) and their documents. The builders at the top are pure (row structs in, jansson out);
 * the handlers below parse the path, read through the asset service and answer. GET handlers
 * run in the host's read-only snapshot, so one document never mixes two states of a
 * compartment; POST and DELETE run the character lifecycle's own code (compartment_character.c)
 * in a read-write transaction, with the same events as character CREATED / DELETED. */
#include "compartment.h"
#include "compartment_rest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "util.h"

/* ================================================================== documents */

/* jansson integers are signed 64-bit; a larger uint64 can only come from a hand-written row. */
static json_t *json_u64(uint64_t v) { return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v); }

/* cashId is the one number the callers read as a JSON string. */
static json_t *json_cash_id(int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	return json_string(buf);
}

static const char *const stat_names[16] = {
	"strength",     "dexterity",   "intelligence",  "luck",         "hp",       "mp",
	"weaponAttack", "magicAttack", "weaponDefense", "magicDefense", "accuracy", "avoidability",
	"hands",        "speed",       "jump",          "slots"};

/* The sixteen statistics, `slots` last, from the row (RP-3: cash-equipable too). */
static void put_stats(json_t *o, const struct coffer_asset *a)
{
	for (int i = 0; i < COFFER_EQUIP_NSTATS; i++)
		json_object_set_new(o, stat_names[i], json_integer(a->stats.v[i]));
}

/* The equipable referenceData after ownerId: statistics, flags, level, experience. */
static void put_equipable(json_t *o, const struct coffer_asset *a)
{
	json_object_set_new(o, "ownerId", json_integer(a->owner_id)); /* RP-2 */
	put_stats(o, a);
	json_object_set_new(o, "locked", json_boolean(a->locked));
	json_object_set_new(o, "spikes", json_boolean(a->spikes));
	json_object_set_new(o, "karmaUsed", json_boolean(a->karma_used));
	json_object_set_new(o, "cold", json_boolean(a->cold));
	json_object_set_new(o, "canBeTraded", json_boolean(a->can_be_traded));
	json_object_set_new(o, "levelType", json_integer(a->level_type));
	json_object_set_new(o, "level", json_integer(a->level));
	json_object_set_new(o, "experience", json_integer(a->experience));
	json_object_set_new(o, "hammersApplied", json_integer(a->hammers_applied));
}

json_t *crest_reference_data(const struct coffer_asset *a)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	switch (a->kind) {
	case COFFER_KIND_EQUIPABLE:
		put_equipable(o, a);
		break;
	case COFFER_KIND_CASH_EQUIPABLE:
		json_object_set_new(o, "cashId", json_cash_id(a->cash_id));
		put_equipable(o, a);
		break;
	case COFFER_KIND_CONSUMABLE:
	case COFFER_KIND_SETUP:
	case COFFER_KIND_ETC:
		json_object_set_new(o, "ownerId", json_integer(a->owner_id));
		json_object_set_new(o, "quantity", json_integer(a->quantity));
		json_object_set_new(o, "flag", json_integer(a->flag));
		if (a->kind == COFFER_KIND_CONSUMABLE)
			json_object_set_new(o, "rechargeable", json_u64(a->rechargeable));
		break;
	case COFFER_KIND_CASH:
		json_object_set_new(o, "ownerId", json_integer(a->owner_id)); /* RP-2 */
		json_object_set_new(o, "cashId", json_cash_id(a->cash_id));
		json_object_set_new(o, "quantity", json_integer(a->quantity));
		json_object_set_new(o, "flag", json_integer(a->flag));
		json_object_set_new(o, "purchasedBy", json_integer(a->purchased_by));
		break;
	case COFFER_KIND_PET:
		json_object_set_new(o, "ownerId", json_integer(a->owner_id));
		json_object_set_new(o, "cashId", json_cash_id(a->cash_id));
		json_object_set_new(o, "flag", json_integer(a->flag));
		json_object_set_new(o, "purchasedBy", json_integer(a->purchased_by));
		json_object_set_new(o, "name", json_string(a->pet_name));
		json_object_set_new(o, "level", json_integer(a->pet_level));
		json_object_set_new(o, "closeness", json_integer(a->pet_closeness));
		json_object_set_new(o, "fullness", json_integer(a->pet_fullness));
		json_object_set_new(o, "slot", json_integer(a->pet_slot));
		break;
	default:
		break;
	}
	return o;
}

static bool stackable(enum coffer_asset_kind k)
{
	return k == COFFER_KIND_CONSUMABLE || k == COFFER_KIND_SETUP || k == COFFER_KIND_ETC ||
	       k == COFFER_KIND_CASH;
}

/* Today's flattened keys (docs/rest.md#assets-the-classic-shape-and-todays-keys-in-one-object): none of them is a classic key, and
 * both generations of callers ignore keys they do not know, so one object serves both. */
static void put_flattened(json_t *o, const struct coffer_asset *a)
{
	json_object_set_new(o, "createdAt", cu_json_time(a->created_at_us));
	json_object_set_new(o, "quantity", json_integer(stackable(a->kind) ? a->quantity : 1));
	json_object_set_new(o, "ownerId", json_integer(a->owner_id));
	json_object_set_new(o, "owner", json_string(a->owner_name));
	json_object_set_new(o, "flag", json_integer(a->flag));
	json_object_set_new(o, "rechargeable", json_u64(a->rechargeable));
	put_stats(o, a);
	json_object_set_new(o, "levelType", json_integer(a->level_type));
	json_object_set_new(o, "level", json_integer(a->level));
	json_object_set_new(o, "experience", json_integer(a->experience));
	json_object_set_new(o, "hammersApplied", json_integer(a->hammers_applied));
	json_object_set_new(o, "equippedSince", json_null()); /* not recorded */
	json_object_set_new(o, "cashId", json_cash_id(a->cash_id));
	json_object_set_new(o, "commodityId", json_integer(0)); /* not recorded */
	json_object_set_new(o, "purchaseBy", json_integer(a->purchased_by));
	json_object_set_new(o, "petId", json_integer(a->kind == COFFER_KIND_PET ? a->reference_id : 0));
}

json_t *crest_asset(const struct coffer_asset *a, const struct crest_opts *o)
{
	char id[16];
	snprintf(id, sizeof id, "%u", a->id);
	json_t *attr = json_object();
	json_object_set_new(attr, "slot", json_integer(a->slot));
	json_object_set_new(attr, "templateId", json_integer(a->template_id));
	json_object_set_new(attr, "expiration", cu_json_time(a->expiration_us));
	json_object_set_new(attr, "referenceId", json_integer(a->reference_id));
	json_object_set_new(attr, "referenceType", json_string(o->kind_name(a->kind)));
	json_object_set_new(attr, "referenceData", crest_reference_data(a));
	if (o->flattened)
		put_flattened(attr, a);
	return json_pack("{s:s, s:s, s:o}", "type", "assets", "id", id, "attributes", attr);
}

/* {"links":{"related":..,"self":..},"data":[{"type":T,"id":I}...]} of a to-many relation. */
static json_t *relationship(const char *parent_type, const char *parent_id, const char *name,
                            json_t *data)
{
	char related[160], self[160];
	snprintf(related, sizeof related, "/api/%s/%s/%s", parent_type, parent_id, name);
	snprintf(self, sizeof self, "/api/%s/%s/relationships/%s", parent_type, parent_id, name);
	return json_pack("{s:{s:s, s:s}, s:o}", "links", "related", related, "self", self, "data",
	                 data);
}

static json_t *ref(const char *type, const char *id) { return json_pack("{s:s, s:s}", "type", type, "id", id); }

json_t *crest_compartment(const struct coffer_compartment *c, const struct coffer_asset_list *assets)
{
	json_t *data = json_array();
	for (size_t i = 0; assets && i < assets->n; i++) {
		char id[16];
		snprintf(id, sizeof id, "%u", assets->v[i].id);
		json_array_append_new(data, ref("assets", id));
	}
	return json_pack("{s:s, s:s, s:{s:i, s:I}, s:{s:o}}", "type", "compartments", "id", c->id,
	                 "attributes", "type", (int)c->type, "capacity", (json_int_t)c->capacity,
	                 "relationships", "assets", relationship("compartments", c->id, "assets", data));
}

static void append_assets(json_t *arr, const struct coffer_asset_list *l, const struct crest_opts *o)
{
	for (size_t i = 0; l && i < l->n; i++)
		json_array_append_new(arr, crest_asset(&l->v[i], o));
}

/* {"data": data} plus "included" when it has anything. */
static json_t *document(json_t *data, json_t *included)
{
	json_t *doc = json_pack("{s:o}", "data", data);
	if (included != NULL && json_array_size(included) > 0)
		json_object_set(doc, "included", included);
	json_decref(included);
	return doc;
}

json_t *crest_inventory_doc(const char *inventory_id, uint32_t character_id,
                            const struct coffer_compartment *comps,
                            const struct coffer_asset_list *lists, size_t n,
                            const struct crest_opts *o)
{
	json_t *rel = json_array();
	json_t *included = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(rel, ref("compartments", comps[i].id));
		json_array_append_new(included, crest_compartment(&comps[i], lists ? &lists[i] : NULL));
	}
	for (size_t i = 0; lists && i < n; i++)
		append_assets(included, &lists[i], o);
	json_t *data = json_pack("{s:s, s:s, s:{s:I}, s:{s:o}}", "type", "inventories", "id",
	                         inventory_id, "attributes", "characterId", (json_int_t)character_id,
	                         "relationships", "compartments",
	                         relationship("inventories", inventory_id, "compartments", rel));
	return document(data, included);
}

json_t *crest_compartment_doc(const struct coffer_compartment *c,
                              const struct coffer_asset_list *assets, const struct crest_opts *o)
{
	json_t *included = json_array();
	append_assets(included, assets, o);
	return document(crest_compartment(c, assets), included);
}

json_t *crest_assets_doc(const struct coffer_asset_list *assets, const struct crest_opts *o)
{
	json_t *data = json_array();
	append_assets(data, assets, o);
	return json_pack("{s:o}", "data", data);
}

/* ================================================================== the same documents, streamed
 *
 * The handlers answer with these: the same bytes as the builders above after the host's
 * serialisation (jansson compact form, Go's escaping), written straight into one buffer with
 * lib/jsonw.h instead of a tree of some 2,000 jansson values per inventory. Every key, in the
 * same order, as above; tests/plugins/compartment/test_compartment_rest_raw.c compares both
 * on the same rows. A change to one set of builders is made to the other. */

static void w_time(struct jw *w, const char *key, int64_t us)
{
	char buf[CU_TIME_LEN];
	jw_kstr(w, key, cu_time_format(us, buf));
}

static void w_cash_id(struct jw *w, int64_t v)
{
	jw_key(w, "cashId");
	jw_int_str(w, v);
}

static int64_t clamp_u64(uint64_t v) { return v > INT64_MAX ? INT64_MAX : (int64_t)v; }

static void w_stats(struct jw *w, const struct coffer_asset *a)
{
	const uint16_t *st = &a->stats.strength;
	for (int i = 0; i < 16; i++)
		jw_kint(w, stat_names[i], st[i]);
}

static void w_equipable(struct jw *w, const struct coffer_asset *a)
{
	jw_kint(w, "ownerId", a->owner_id);
	w_stats(w, a);
	jw_kbool(w, "locked", a->locked);
	jw_kbool(w, "spikes", a->spikes);
	jw_kbool(w, "karmaUsed", a->karma_used);
	jw_kbool(w, "cold", a->cold);
	jw_kbool(w, "canBeTraded", a->can_be_traded);
	jw_kint(w, "levelType", a->level_type);
	jw_kint(w, "level", a->level);
	jw_kint(w, "experience", a->experience);
	jw_kint(w, "hammersApplied", a->hammers_applied);
}

static void w_reference_data(struct jw *w, const struct coffer_asset *a)
{
	jw_kobj(w, "referenceData");
	switch (a->kind) {
	case COFFER_KIND_EQUIPABLE:
		w_equipable(w, a);
		break;
	case COFFER_KIND_CASH_EQUIPABLE:
		w_cash_id(w, a->cash_id);
		w_equipable(w, a);
		break;
	case COFFER_KIND_CONSUMABLE:
	case COFFER_KIND_SETUP:
	case COFFER_KIND_ETC:
		jw_kint(w, "ownerId", a->owner_id);
		jw_kint(w, "quantity", a->quantity);
		jw_kint(w, "flag", a->flag);
		if (a->kind == COFFER_KIND_CONSUMABLE)
			jw_kint(w, "rechargeable", clamp_u64(a->rechargeable));
		break;
	case COFFER_KIND_CASH:
		jw_kint(w, "ownerId", a->owner_id);
		w_cash_id(w, a->cash_id);
		jw_kint(w, "quantity", a->quantity);
		jw_kint(w, "flag", a->flag);
		jw_kint(w, "purchasedBy", a->purchased_by);
		break;
	case COFFER_KIND_PET:
		jw_kint(w, "ownerId", a->owner_id);
		w_cash_id(w, a->cash_id);
		jw_kint(w, "flag", a->flag);
		jw_kint(w, "purchasedBy", a->purchased_by);
		jw_kstr(w, "name", a->pet_name);
		jw_kint(w, "level", a->pet_level);
		jw_kint(w, "closeness", a->pet_closeness);
		jw_kint(w, "fullness", a->pet_fullness);
		jw_kint(w, "slot", a->pet_slot);
		break;
	default:
		break;
	}
	jw_obj_end(w);
}

static void w_flattened(struct jw *w, const struct coffer_asset *a)
{
	w_time(w, "createdAt", a->created_at_us);
	jw_kint(w, "quantity", stackable(a->kind) ? a->quantity : 1);
	jw_kint(w, "ownerId", a->owner_id);
	jw_kstr(w, "owner", a->owner_name);
	jw_kint(w, "flag", a->flag);
	jw_kint(w, "rechargeable", clamp_u64(a->rechargeable));
	w_stats(w, a);
	jw_kint(w, "levelType", a->level_type);
	jw_kint(w, "level", a->level);
	jw_kint(w, "experience", a->experience);
	jw_kint(w, "hammersApplied", a->hammers_applied);
	jw_knull(w, "equippedSince");
	w_cash_id(w, a->cash_id);
	jw_kint(w, "commodityId", 0);
	jw_kint(w, "purchaseBy", a->purchased_by);
	jw_kint(w, "petId", a->kind == COFFER_KIND_PET ? a->reference_id : 0);
}

static void w_asset(struct jw *w, const struct coffer_asset *a, const struct crest_opts *o)
{
	const char *kind = o->kind_name(a->kind);
	if (kind == NULL || !jw_utf8_valid(kind))
		return; /* crest_asset's json_pack fails: the asset is left out */
	jw_obj(w);
	jw_kstr(w, "type", "assets");
	jw_key(w, "id");
	jw_int_str(w, a->id);
	jw_kobj(w, "attributes");
	jw_kint(w, "slot", a->slot);
	jw_kint(w, "templateId", a->template_id);
	w_time(w, "expiration", a->expiration_us);
	jw_kint(w, "referenceId", a->reference_id);
	jw_kstr(w, "referenceType", kind);
	w_reference_data(w, a);
	if (o->flattened)
		w_flattened(w, a);
	jw_obj_end(w);
	jw_obj_end(w);
}

static void w_assets(struct jw *w, const struct coffer_asset_list *l, const struct crest_opts *o)
{
	for (size_t i = 0; l && i < l->n; i++)
		w_asset(w, &l->v[i], o);
}

static void w_links(struct jw *w, const char *parent_type, const char *parent_id,
                    const char *name)
{
	char related[160], self[160];
	snprintf(related, sizeof related, "/api/%s/%s/%s", parent_type, parent_id, name);
	snprintf(self, sizeof self, "/api/%s/%s/relationships/%s", parent_type, parent_id, name);
	jw_kobj(w, "links");
	jw_kstr(w, "related", related);
	jw_kstr(w, "self", self);
	jw_obj_end(w);
}

static void w_ref(struct jw *w, const char *type, const char *id)
{
	jw_obj(w);
	jw_kstr(w, "type", type);
	jw_kstr(w, "id", id);
	jw_obj_end(w);
}

static void w_compartment(struct jw *w, const struct coffer_compartment *c,
                          const struct coffer_asset_list *assets)
{
	jw_obj(w);
	jw_kstr(w, "type", "compartments");
	jw_kstr(w, "id", c->id);
	jw_kobj(w, "attributes");
	jw_kint(w, "type", (int)c->type);
	jw_kint(w, "capacity", (json_int_t)c->capacity);
	jw_obj_end(w);
	jw_kobj(w, "relationships");
	jw_kobj(w, "assets");
	w_links(w, "compartments", c->id, "assets");
	jw_karr(w, "data");
	for (size_t i = 0; assets && i < assets->n; i++) {
		jw_obj(w);
		jw_kstr(w, "type", "assets");
		jw_key(w, "id");
		jw_int_str(w, assets->v[i].id);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
}

static size_t count_assets(const struct coffer_asset_list *lists, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; lists && i < n; i++)
		k += lists[i].n;
	return k;
}

/* About what one asset takes (a flattened equipable is some 900 bytes): one allocation. */
#define ASSET_HINT 1024

char *crest_inventory_raw(const char *inventory_id, uint32_t character_id,
                          const struct coffer_compartment *comps,
                          const struct coffer_asset_list *lists, size_t n,
                          const struct crest_opts *o, size_t *len)
{
	struct jw w;
	jw_init(&w, 2048 + 512 * n + ASSET_HINT * count_assets(lists, n));
	jw_obj(&w);
	jw_kobj(&w, "data");
	jw_kstr(&w, "type", "inventories");
	jw_kstr(&w, "id", inventory_id);
	jw_kobj(&w, "attributes");
	jw_kint(&w, "characterId", (json_int_t)character_id);
	jw_obj_end(&w);
	jw_kobj(&w, "relationships");
	jw_kobj(&w, "compartments");
	w_links(&w, "inventories", inventory_id, "compartments");
	jw_karr(&w, "data");
	for (size_t i = 0; i < n; i++)
		w_ref(&w, "compartments", comps[i].id);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_obj_end(&w);
	if (n > 0) { /* every compartment is included, so `included` is empty only when n is 0 */
		jw_karr(&w, "included");
		for (size_t i = 0; i < n; i++)
			w_compartment(&w, &comps[i], lists ? &lists[i] : NULL);
		for (size_t i = 0; lists && i < n; i++)
			w_assets(&w, &lists[i], o);
		jw_arr_end(&w);
	}
	jw_obj_end(&w);
	return jw_finish(&w, len);
}

char *crest_compartment_raw(const struct coffer_compartment *c,
                            const struct coffer_asset_list *assets, const struct crest_opts *o,
                            size_t *len)
{
	struct jw w;
	jw_init(&w, 2048 + ASSET_HINT * (assets ? assets->n : 0));
	jw_obj(&w);
	jw_key(&w, "data");
	w_compartment(&w, c, assets);
	if (assets && assets->n > 0) {
		size_t mark = w.len;
		jw_karr(&w, "included");
		size_t start = w.len;
		w_assets(&w, assets, o);
		if (w.len == start) /* every asset left out: `included` would be empty */
			w.len = mark;
		else
			jw_arr_end(&w);
		w.comma = true;
	}
	jw_obj_end(&w);
	return jw_finish(&w, len);
}

char *crest_assets_raw(const struct coffer_asset_list *assets, const struct crest_opts *o,
                       size_t *len)
{
	struct jw w;
	jw_init(&w, 64 + ASSET_HINT * (assets ? assets->n : 0));
	jw_obj(&w);
	jw_karr(&w, "data");
	w_assets(&w, assets, o);
	jw_arr_end(&w);
	jw_obj_end(&w);
	return jw_finish(&w, len);
}

/* ================================================================== handlers */

static enum coffer_outcome answered(struct coffer_http_resp *resp, int status)
{
	resp->status = status;
	resp->body = NULL;
	return COFFER_REJECT;
}

/* Answer @p status with an empty body after one INFO line naming the bad value; nothing was
 * written, so the rollback REJECT asks for is a no-op. A macro, so that the host sees the
 * format itself (its key=value fields). */
#define answer(c, resp, status, fmt, ...)                                                    \
	(COFFER_LOGH((c)->host, (c)->ctx, COFFER_LOG_INFO, "%d: " fmt, (status), __VA_ARGS__),   \
	 answered((resp), (status)))

static bool var_u32(const struct coffer_http_req *req, const char *name, uint32_t *out)
{
	int64_t v;
	if (!(cu_parse_int(coffer_http_var(req, name), &v) == 0))
		return false;
	*out = (uint32_t)v; /* truncated to the width, two's complement */
	return true;
}

static bool var_uuid(const struct coffer_http_req *req, const char *name, char out[37])
{
	return cu_uuid_parse_lenient(coffer_http_var(req, name), out);
}

#define BAD_VAR(name)                                                                        \
	answer(c, resp, 400, "%s %s: %s %s is not valid", req->method, req->path, name,         \
	       coffer_http_var(req, name) ? coffer_http_var(req, name) : "(missing)")

/* The compartments of a character and their assets, in the snapshot: two statements, the
 * compartments, then all their assets at once (grouped by compartment). lists[i] are views
 * into all.v; only all is freed. */
struct inventory {
	struct coffer_compartment comps[5];
	struct coffer_asset_list lists[5];
	struct coffer_asset_list all;
	size_t n;
};

static void inventory_free(const struct coffer_svc_asset *S, struct inventory *inv)
{
	S->asset_list_free(&inv->all);
}

static int inventory_read(const struct coffer_svc_asset *S, coffer_txn *txn, const char *tenant,
                          uint32_t character_id, struct inventory *inv)
{
	memset(inv, 0, sizeof *inv);
	int rc = S->compartment_list(txn, tenant, character_id, false, inv->comps, &inv->n);
	if (rc != 0 || inv->n == 0)
		return rc;
	if ((rc = S->asset_list_character(txn, tenant, character_id, &inv->all)) != 0)
		return rc;
	for (size_t j = 0; j < inv->all.n;) {
		size_t k = j;
		while (k < inv->all.n &&
		       strcmp(inv->all.v[k].compartment_id, inv->all.v[j].compartment_id) == 0)
			k++;
		for (size_t i = 0; i < inv->n; i++)
			if (strcmp(inv->comps[i].id, inv->all.v[j].compartment_id) == 0)
				inv->lists[i] = (struct coffer_asset_list){&inv->all.v[j], k - j};
		j = k;
	}
	return 0;
}

static enum coffer_outcome inventory_answer(const struct compartment *c, coffer_txn *txn,
                                            const char *tenant, uint32_t character_id,
                                            struct coffer_http_resp *resp)
{
	const struct coffer_svc_asset *S = c->svc;
	struct inventory inv;
	int rc = inventory_read(S, txn, tenant, character_id, &inv);
	if (rc == 0) {
		char id[37];
		c->host->uuid(id); /* a fresh inventory id in every answer, as the reference does */
		resp->status = 200;
		resp->raw = crest_inventory_raw(id, character_id, inv.comps, inv.lists, inv.n,
		                                &c->rest, &resp->raw_len);
		if (resp->raw == NULL)
			rc = COFFER_ETRANSIENT; /* out of memory: the host retries, then answers 500 */
	}
	inventory_free(S, &inv);
	return rc ? coffer_asset_outcome(rc) : COFFER_DONE;
}

/* GET /api/characters/{characterId}/inventory (kafka-contract.md#compartment-command-envelope) */
static enum coffer_outcome on_get_inventory(coffer_ctx *ctx, coffer_txn *txn,
                                            const struct coffer_http_req *req,
                                            struct coffer_http_resp *resp, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	uint32_t character_id;
	if (!var_u32(req, "characterId", &character_id))
		return BAD_VAR("characterId");
	return inventory_answer(c, txn, req->tenant->id, character_id, resp);
}

/* POST /api/characters/{characterId}/inventory (kafka-contract.md#asset-status-events): character CREATED's effects; an existing
 * compartment of any type is an error (RP-5). */
static enum coffer_outcome on_post_inventory(coffer_ctx *ctx, coffer_txn *txn,
                                             const struct coffer_http_req *req,
                                             struct coffer_http_resp *resp, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	uint32_t character_id;
	if (!var_u32(req, "characterId", &character_id))
		return BAD_VAR("characterId");
	bool existed = false;
	int rc = compartment_inventory_create(c, txn, req->tenant->id, character_id, &existed);
	if (rc != 0)
		return coffer_asset_outcome(rc);
	if (existed)
		return answer(c, resp, 500, "POST inventory: inventory exists character=%u",
		              character_id);
	return inventory_answer(c, txn, req->tenant->id, character_id, resp);
}

/* DELETE /api/characters/{characterId}/inventory (kafka-contract.md#the-inventory-model): character DELETED's effects; 200 with an
 * empty body, also when there was nothing to delete. */
static enum coffer_outcome on_delete_inventory(coffer_ctx *ctx, coffer_txn *txn,
                                               const struct coffer_http_req *req,
                                               struct coffer_http_resp *resp, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	uint32_t character_id;
	if (!var_u32(req, "characterId", &character_id))
		return BAD_VAR("characterId");
	int rc = compartment_inventory_delete(c, txn, req->tenant->id, character_id);
	if (rc != 0)
		return coffer_asset_outcome(rc);
	resp->status = 200;
	resp->body = NULL;
	return COFFER_DONE;
}

static enum coffer_outcome compartment_answer(const struct compartment *c, coffer_txn *txn,
                                              const char *tenant,
                                              const struct coffer_compartment *comp,
                                              struct coffer_http_resp *resp)
{
	const struct coffer_svc_asset *S = c->svc;
	struct coffer_asset_list l = {0};
	int rc = S->asset_list(txn, tenant, comp->id, &l);
	if (rc == 0) {
		resp->status = 200;
		resp->raw = crest_compartment_raw(comp, &l, &c->rest, &resp->raw_len);
		if (resp->raw == NULL)
			rc = COFFER_ETRANSIENT;
	}
	S->asset_list_free(&l);
	return rc ? coffer_asset_outcome(rc) : COFFER_DONE;
}

/* GET /api/characters/{characterId}/inventory/compartments/{compartmentId} (kafka-contract.md#item-templates). The
 * character is parsed but not checked against the compartment (RP-6, as the reference). */
static enum coffer_outcome on_get_compartment(coffer_ctx *ctx, coffer_txn *txn,
                                              const struct coffer_http_req *req,
                                              struct coffer_http_resp *resp, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	uint32_t character_id;
	char id[37];
	if (!var_u32(req, "characterId", &character_id))
		return BAD_VAR("characterId");
	if (!var_uuid(req, "compartmentId", id))
		return BAD_VAR("compartmentId");
	struct coffer_compartment comp;
	int rc = c->svc->compartment_get(txn, req->tenant->id, id, &comp);
	if (rc == COFFER_ENOTFOUND)
		return answer(c, resp, 404, "GET compartment: no compartment %s", id);
	if (rc != 0)
		return coffer_asset_outcome(rc);
	return compartment_answer(c, txn, req->tenant->id, &comp, resp);
}

/* GET /api/characters/{characterId}/inventory/compartments?type=T (kafka-contract.md#inventory-tables). */
static enum coffer_outcome on_get_compartment_by_type(coffer_ctx *ctx, coffer_txn *txn,
                                                      const struct coffer_http_req *req,
                                                      struct coffer_http_resp *resp, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	uint32_t character_id;
	if (!var_u32(req, "characterId", &character_id))
		return BAD_VAR("characterId");
	const char *q = coffer_http_query(req, "type");
	int64_t v;
	if (!(cu_parse_int(q, &v) == 0))
		return answer(c, resp, 400, "GET compartment: type %s is not valid", q ? q : "(missing)");
	int8_t type = (int8_t)v;
	struct coffer_compartment comps[5];
	size_t n = 0;
	int rc = c->svc->compartment_list(txn, req->tenant->id, character_id, false, comps, &n);
	if (rc != 0)
		return coffer_asset_outcome(rc);
	for (size_t i = 0; i < n; i++)
		if ((int)comps[i].type == (int)type)
			return compartment_answer(c, txn, req->tenant->id, &comps[i], resp);
	return answer(c, resp, 404, "GET compartment: character %u has no compartment of type %d",
	              character_id, (int)type);
}

/* GET /api/characters/{characterId}/inventory/compartments/{compartmentId}/assets (kafka-contract.md#locking): an
 * unknown compartment lists nothing. */
static enum coffer_outcome on_get_assets(coffer_ctx *ctx, coffer_txn *txn,
                                         const struct coffer_http_req *req,
                                         struct coffer_http_resp *resp, void *ud)
{
	(void)ctx;
	const struct compartment *c = ud;
	const struct coffer_svc_asset *S = c->svc;
	uint32_t character_id;
	char id[37];
	if (!var_u32(req, "characterId", &character_id))
		return BAD_VAR("characterId");
	if (!var_uuid(req, "compartmentId", id))
		return BAD_VAR("compartmentId");
	struct coffer_asset_list l = {0};
	int rc = S->asset_list(txn, req->tenant->id, id, &l);
	if (rc == 0) {
		resp->status = 200;
		resp->raw = crest_assets_raw(&l, &c->rest, &resp->raw_len);
		if (resp->raw == NULL)
			rc = COFFER_ETRANSIENT;
	}
	S->asset_list_free(&l);
	return rc ? coffer_asset_outcome(rc) : COFFER_DONE;
}

#define INVENTORY "/api/characters/{characterId}/inventory"

static const struct {
	const char *method, *pattern;
	coffer_route_fn fn;
} routes[] = {
	{"GET", INVENTORY, on_get_inventory},
	{"POST", INVENTORY, on_post_inventory},
	{"DELETE", INVENTORY, on_delete_inventory},
	{"GET", INVENTORY "/compartments", on_get_compartment_by_type},
	{"GET", INVENTORY "/compartments/{compartmentId}", on_get_compartment},
	{"GET", INVENTORY "/compartments/{compartmentId}/assets", on_get_assets},
};

int compartment_rest_register(struct compartment *c)
{
	const struct coffer_host *h = c->host;
	if (!COFFER_HOST_HAS(h, on_http)) {
		COFFER_LOGH(h, c->ctx, COFFER_LOG_INFO, "host without HTTP routes: no REST API");
		return 0;
	}
	if (c->svc->size < COFFER_SVC_ASSET_HAS_SIZE(asset_list_character)) {
		COFFER_LOGH(h, c->ctx, COFFER_LOG_WARN, "asset service too old for the REST API");
		return 0;
	}
	c->rest.kind_name = c->svc->kind_name;
	/* Today's flattened asset keys next to the classic ones (docs/rest.md): on unless set off. */
	const char *f = h->config(c->ctx, "rest_flattened", "on");
	c->rest.flattened = !(strcmp(f, "off") == 0 || strcmp(f, "false") == 0 || strcmp(f, "0") == 0);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof routes / sizeof routes[0]; i++)
		rc = h->on_http(c->ctx, routes[i].method, routes[i].pattern, routes[i].fn, c);
	return rc;
}
