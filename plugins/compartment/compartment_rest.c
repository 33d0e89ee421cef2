/* plugins/compartment/compartment_rest.c: the inventory routes of the REST API (docs/rest.md
 * §3-§8) and their documents. The builders at the top are pure (row structs in, jansson out);
 * the handlers below parse the path, read through the asset service and answer. GET handlers
 * run in the host's read-only snapshot, so one document never mixes two states of a
 * compartment; POST and DELETE run the character lifecycle's own code (compartment_character.c)
 * in a read-write transaction, with the same events as character CREATED / DELETED. */
#include "compartment.h"
#include "compartment_rest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

/* Today's flattened keys (docs/rest.md "two generations"): none of them is a seed key, and
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

/* ================================================================== handlers */

/* Answer @p status with an empty body after one INFO line naming the bad value; nothing was
 * written, so the rollback REJECT asks for is a no-op. */
static enum coffer_outcome answer(const struct compartment *c, struct coffer_http_resp *resp,
                                  int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static enum coffer_outcome answer(const struct compartment *c, struct coffer_http_resp *resp,
                                  int status, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	COFFER_LOGH(c->host, c->ctx, COFFER_LOG_INFO, "%d: %s", status, line);
	resp->status = status;
	resp->body = NULL;
	return COFFER_REJECT;
}

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
		resp->body = crest_inventory_doc(id, character_id, inv.comps, inv.lists, inv.n,
		                                 &c->rest);
	}
	inventory_free(S, &inv);
	return rc ? coffer_asset_outcome(rc) : COFFER_DONE;
}

/* GET /api/characters/{characterId}/inventory (§3) */
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

/* POST /api/characters/{characterId}/inventory (§4): character CREATED's effects; an existing
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

/* DELETE /api/characters/{characterId}/inventory (§5): character DELETED's effects; 200 with an
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
		resp->body = crest_compartment_doc(comp, &l, &c->rest);
	}
	S->asset_list_free(&l);
	return rc ? coffer_asset_outcome(rc) : COFFER_DONE;
}

/* GET /api/characters/{characterId}/inventory/compartments/{compartmentId} (§6). The
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

/* GET /api/characters/{characterId}/inventory/compartments?type=T (§7). */
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

/* GET /api/characters/{characterId}/inventory/compartments/{compartmentId}/assets (§8): an
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
		resp->body = crest_assets_doc(&l, &c->rest);
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
	/* Today's flattened asset keys next to the seed's (docs/rest.md): on unless set off. */
	const char *f = h->config(c->ctx, "rest_flattened", "on");
	c->rest.flattened = !(strcmp(f, "off") == 0 || strcmp(f, "false") == 0 || strcmp(f, "0") == 0);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof routes / sizeof routes[0]; i++)
		rc = h->on_http(c->ctx, routes[i].method, routes[i].pattern, routes[i].fn, c);
	return rc;
}
