/* SPDX-License-Identifier: MIT */
/* lib/itemdata.c: item templates from the game-data service: the strict mapping of its
 * documents onto item_templates rows and the fetch over libcurl (docs/item-data.md). */
#include "itemdata.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

const char *const itemdata_stat_columns[ITEMDATA_NSTATS] = {
	"inc_str", "inc_dex", "inc_int", "inc_luk", "inc_hp",    "inc_mp",    "inc_pad",   "inc_mad",
	"inc_pdd", "inc_mdd", "inc_acc", "inc_eva", "inc_hands", "inc_speed", "inc_jump",
	"upgrade_slots",
};

/* The statistics attribute feeding each stat column; NULL = nothing supplies it (hands). */
static const char *const stat_attrs[ITEMDATA_NSTATS] = {
	"strength",      "dexterity",    "intelligence", "luck",     "hp",       "mp",
	"weaponAttack",  "magicAttack",  "weaponDefense", "magicDefense", "accuracy",
	"avoidability",  NULL,           "speed",        "jump",     "slots",
};

uint8_t itemdata_type(uint32_t template_id)
{
	uint32_t t = template_id / 1000000u;
	return t >= 1 && t <= 5 ? (uint8_t)t : 0;
}

bool itemdata_fetchable(uint32_t template_id)
{
	uint8_t t = itemdata_type(template_id);
	return t >= 1 && t <= 4;
}

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t n, const char *fmt, ...)
{
	if (err && n) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ------------------------------------------------------------------ islot table */

static const struct {
	const char *code, *name, *positions;
} islots[] = {
	{"Cp", "HAT", "-1"},          {"HrCp", "SPECIAL_HAT", "-1"},
	{"Af", "FACE_ACCESSORY", "-2"}, {"Ay", "EYE_ACCESSORY", "-3"},
	{"Ae", "EARRINGS", "-4"},     {"Ma", "TOP", "-5"},
	{"MaPn", "OVERALL", "-5"},    {"Pn", "PANTS", "-6"},
	{"So", "SHOES", "-7"},        {"GlGw", "GLOVES", "-8"},
	{"Gv", "CASH_GLOVES", "-8"},  {"Sr", "CAPE", "-9"},
	{"Si", "SHIELD", "-10"},      {"Wp", "WEAPON", "-11"},
	{"WpSi", "WEAPON_2", "-11"},  {"WpSp", "LOW_WEAPON", "-11"},
	{"Ri", "RING", "-12,-13,-15,-16"}, {"Pe", "PENDANT", "-17"},
	{"Tm", "TAMED_MOB", "-18"},   {"Sd", "SADDLE", "-19"},
	{"Me", "MEDAL", "-49"},       {"Be", "BELT", "-50"},
};

const char *itemdata_islot_positions(const char *code, const char **name)
{
	for (size_t i = 0; i < sizeof islots / sizeof islots[0]; i++)
		if (strcmp(islots[i].code, code) == 0) {
			if (name)
				*name = islots[i].name;
			return islots[i].positions;
		}
	if (name)
		*name = "PET_EQUIP";
	return NULL;
}

/* ------------------------------------------------------------------ JSON:API helpers */

/* The resource object of a single-resource document of @p type whose id is @p id. */
static const json_t *single(const json_t *doc, const char *type, uint32_t id, char *err, size_t n)
{
	if (!json_is_object(doc)) {
		fail(err, n, "the document is not a JSON object");
		return NULL;
	}
	const json_t *data = json_object_get(doc, "data");
	if (!json_is_object(data)) {
		fail(err, n, "\"data\" is %s, not a resource object", data ? "not an object" : "missing");
		return NULL;
	}
	const json_t *t = json_object_get(data, "type");
	if (!json_is_string(t) || strcmp(json_string_value(t), type) != 0) {
		fail(err, n, "resource type is %s%s%s, not \"%s\"", json_is_string(t) ? "\"" : "",
		     json_is_string(t) ? json_string_value(t) : "not a string",
		     json_is_string(t) ? "\"" : "", type);
		return NULL;
	}
	const json_t *i = json_object_get(data, "id");
	char want[16];
	snprintf(want, sizeof want, "%" PRIu32, id);
	if (!json_is_string(i) || strcmp(json_string_value(i), want) != 0) {
		fail(err, n, "resource id is not \"%s\"", want);
		return NULL;
	}
	const json_t *a = json_object_get(data, "attributes");
	if (!json_is_object(a)) {
		fail(err, n, "\"attributes\" is missing or not an object");
		return NULL;
	}
	return a;
}

/* An integer attribute in [min, max]; missing or null = 0 (the lenient decoder's zero). */
static int attr_int(const json_t *attrs, const char *name, int64_t min, int64_t max, int64_t *out,
                    char *err, size_t n)
{
	const json_t *v = json_object_get(attrs, name);
	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return fail(err, n, "attribute %s is not an integer", name);
	json_int_t x = json_integer_value(v);
	if (x < min || x > max)
		return fail(err, n, "attribute %s = %" JSON_INTEGER_FORMAT " is out of range %" PRId64
		                    "..%" PRId64, name, x, min, max);
	*out = x;
	return 0;
}

static int attr_bool(const json_t *attrs, const char *name, bool *out, char *err, size_t n)
{
	const json_t *v = json_object_get(attrs, name);
	*out = false;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return fail(err, n, "attribute %s is not a boolean", name);
	*out = json_is_true(v);
	return 0;
}

/* A string attribute copied into @p out (size includes the NUL); longer is out of range. */
static int attr_str(const json_t *attrs, const char *name, char *out, size_t size, char *err,
                    size_t n)
{
	const json_t *v = json_object_get(attrs, name);
	out[0] = '\0';
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fail(err, n, "attribute %s is not a string", name);
	size_t len = json_string_length(v);
	if (len >= size)
		return fail(err, n, "attribute %s is longer than %zu bytes", name, size - 1);
	if (memchr(json_string_value(v), '\0', len))
		return fail(err, n, "attribute %s holds a NUL", name);
	memcpy(out, json_string_value(v), len + 1);
	return 0;
}

/* ------------------------------------------------------------------ mapping */

int itemdata_map_stackable(const json_t *doc, uint32_t id, struct itemdata_row *row, char *err,
                           size_t errsz)
{
	static const char *const names[] = {NULL, NULL, "consumables", "setups", "etcs"};
	uint8_t type = itemdata_type(id);
	if (type < 2 || type > 4)
		return fail(err, errsz, "template %" PRIu32 " is not of type 2..4", id);
	const json_t *a = single(doc, names[type], id, err, errsz);
	if (a == NULL)
		return -1;
	int64_t v;
	bool b = false;
	if (attr_int(a, "slotMax", 0, UINT32_MAX, &v, err, errsz) != 0)
		return -1;
	if (type == 2 && attr_bool(a, "rechargeable", &b, err, errsz) != 0)
		return -1;
	memset(row, 0, sizeof *row);
	row->template_id = id;
	row->slot_max = (uint32_t)v;
	row->rechargeable = b;
	return 0;
}

int itemdata_map_statistics(const json_t *doc, uint32_t id, struct itemdata_row *row, char *err,
                            size_t errsz)
{
	if (itemdata_type(id) != 1)
		return fail(err, errsz, "template %" PRIu32 " is not equipment", id);
	const json_t *a = single(doc, "statistics", id, err, errsz);
	if (a == NULL)
		return -1;
	uint16_t stats[ITEMDATA_NSTATS] = {0};
	for (int i = 0; i < ITEMDATA_NSTATS; i++) {
		int64_t v;
		if (stat_attrs[i] && attr_int(a, stat_attrs[i], 0, UINT16_MAX, &v, err, errsz) != 0)
			return -1;
		stats[i] = stat_attrs[i] ? (uint16_t)v : 0;
	}
	int64_t price;
	bool cash;
	if (attr_int(a, "price", 0, UINT32_MAX, &price, err, errsz) != 0 ||
	    attr_bool(a, "cash", &cash, err, errsz) != 0)
		return -1;
	row->template_id = id;
	row->is_cash = cash;
	memcpy(row->stats, stats, sizeof stats);
	return 0;
}

int itemdata_map_slots(const json_t *doc, struct itemdata_row *row, char *err, size_t errsz)
{
	if (!json_is_object(doc))
		return fail(err, errsz, "the document is not a JSON object");
	const json_t *data = json_object_get(doc, "data");
	if (!json_is_array(data))
		return fail(err, errsz, "\"data\" is %s, not a list", data ? "not an array" : "missing");
	size_t n = json_array_size(data);
	if (n == 0)
		return fail(err, errsz, "the slot list is empty");
	char code[9] = "", name[17] = "";
	int16_t seen[64];
	size_t nseen = 0;
	for (size_t i = 0; i < n; i++) {
		const json_t *e = json_array_get(data, i);
		if (!json_is_object(e))
			return fail(err, errsz, "slot %zu is not an object", i);
		const json_t *t = json_object_get(e, "type");
		if (!json_is_string(t) || strcmp(json_string_value(t), "slots") != 0)
			return fail(err, errsz, "slot %zu: resource type is not \"slots\"", i);
		if (!json_is_string(json_object_get(e, "id")))
			return fail(err, errsz, "slot %zu: id is not a string", i);
		const json_t *a = json_object_get(e, "attributes");
		if (!json_is_object(a))
			return fail(err, errsz, "slot %zu: \"attributes\" is missing or not an object", i);
		char c[9], nm[17];
		int64_t pos;
		if (attr_str(a, "WZ", c, sizeof c, err, errsz) != 0 ||
		    attr_str(a, "name", nm, sizeof nm, err, errsz) != 0 ||
		    attr_int(a, "slot", INT16_MIN, INT16_MAX, &pos, err, errsz) != 0)
			return -1;
		if (i == 0) {
			memcpy(code, c, sizeof code);
			memcpy(name, nm, sizeof name);
		} else if (strcmp(code, c) != 0 || strcmp(name, nm) != 0) {
			return fail(err, errsz, "slot %zu: WZ/name differ from the first element's", i);
		}
		bool dup = pos == 0;
		for (size_t k = 0; k < nseen && !dup; k++)
			dup = seen[k] == pos;
		if (!dup && nseen < sizeof seen / sizeof seen[0])
			seen[nseen++] = (int16_t)pos;
	}
	if (name[0] == '\0')
		return fail(err, errsz, "slot name is empty");
	memcpy(row->equip_slot_code, code, sizeof code);
	memcpy(row->equip_slot_name, name, sizeof name);
	row->equip_slots[0] = '\0';
	/* Positions from the islot code where it is known (the served list loses ring positions
	 * after a restart of the service); else the served positions; PET_EQUIP has none. */
	const char *p = itemdata_islot_positions(code, NULL);
	if (p) {
		snprintf(row->equip_slots, sizeof row->equip_slots, "%s", p);
	} else if (strcmp(name, "PET_EQUIP") != 0) {
		size_t off = 0;
		for (size_t k = 0; k < nseen; k++) {
			int w = snprintf(row->equip_slots + off, sizeof row->equip_slots - off, "%s%d",
			                 k ? "," : "", seen[k]);
			if (w < 0 || (size_t)w >= sizeof row->equip_slots - off)
				return fail(err, errsz, "too many slot positions");
			off += (size_t)w;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ importer JSON rows */

static int json_uint(const json_t *v, const char *name, uint64_t max, uint64_t *out, char *err,
                     size_t n)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
		return fail(err, n, "%s is not an integer in 0..%" PRIu64, name, max);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int json_flag(const json_t *v, const char *name, bool *out, char *err, size_t n)
{
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
		*out = json_integer_value(v) == 1;
		return 0;
	}
	return fail(err, n, "%s is not a boolean (or 0/1)", name);
}

static int json_text(const json_t *v, const char *name, char *out, size_t size, char *err,
                     size_t n)
{
	out[0] = '\0';
	if (json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fail(err, n, "%s is not a string or null", name);
	size_t len = json_string_length(v);
	if (len >= size || memchr(json_string_value(v), '\0', len))
		return fail(err, n, "%s is longer than %zu bytes", name, size - 1);
	memcpy(out, json_string_value(v), len + 1);
	return 0;
}

/* Whether @p s is a comma-separated list of equip positions (-1..-199). */
static bool positions_ok(const char *s)
{
	if (*s == '\0')
		return true;
	for (;;) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s || v > -1 || v < -199 || *s != '-')
			return false;
		if (*end == '\0')
			return true;
		if (*end != ',')
			return false;
		s = end + 1;
	}
}

int itemdata_row_from_json(const json_t *obj, struct itemdata_row *row, char *err, size_t errsz)
{
	if (!json_is_object(obj))
		return fail(err, errsz, "a template is not a JSON object");
	struct itemdata_row r = {0};
	bool have_id = false;
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		uint64_t u;
		int rc = 0;
		if (strcmp(key, "template_id") == 0) {
			rc = json_uint(v, key, UINT32_MAX, &u, err, errsz);
			r.template_id = (uint32_t)u;
			have_id = rc == 0;
		} else if (strcmp(key, "slot_max") == 0) {
			rc = json_uint(v, key, UINT32_MAX, &u, err, errsz);
			r.slot_max = (uint32_t)u;
		} else if (strcmp(key, "rechargeable") == 0) {
			rc = json_flag(v, key, &r.rechargeable, err, errsz);
		} else if (strcmp(key, "is_cash") == 0) {
			rc = json_flag(v, key, &r.is_cash, err, errsz);
		} else if (strcmp(key, "equip_slot_code") == 0) {
			rc = json_text(v, key, r.equip_slot_code, sizeof r.equip_slot_code, err, errsz);
		} else if (strcmp(key, "equip_slot_name") == 0) {
			rc = json_text(v, key, r.equip_slot_name, sizeof r.equip_slot_name, err, errsz);
		} else if (strcmp(key, "equip_slots") == 0) {
			rc = json_text(v, key, r.equip_slots, sizeof r.equip_slots, err, errsz);
			if (rc == 0 && !positions_ok(r.equip_slots))
				rc = fail(err, errsz, "equip_slots \"%s\" is not a list of positions",
				          r.equip_slots);
		} else if (strcmp(key, "name") == 0) {
			rc = json_text(v, key, r.name, sizeof r.name, err, errsz);
		} else {
			int i = 0;
			while (i < ITEMDATA_NSTATS && strcmp(key, itemdata_stat_columns[i]) != 0)
				i++;
			if (i == ITEMDATA_NSTATS)
				return fail(err, errsz, "unknown column \"%s\"", key);
			rc = json_uint(v, key, UINT16_MAX, &u, err, errsz);
			r.stats[i] = (uint16_t)u;
		}
		if (rc != 0)
			return -1;
	}
	if (!have_id || itemdata_type(r.template_id) == 0)
		return fail(err, errsz, "template_id is missing or not of an inventory type 1..5");
	*row = r;
	return 0;
}

json_t *itemdata_row_to_json(const struct itemdata_row *row)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
#define NUL_OR(s) ((s)[0] ? json_string(s) : json_null())
	json_object_set_new(o, "template_id", json_integer(row->template_id));
	json_object_set_new(o, "slot_max", json_integer(row->slot_max));
	json_object_set_new(o, "rechargeable", json_boolean(row->rechargeable));
	json_object_set_new(o, "is_cash", json_boolean(row->is_cash));
	json_object_set_new(o, "equip_slot_code", NUL_OR(row->equip_slot_code));
	json_object_set_new(o, "equip_slot_name", NUL_OR(row->equip_slot_name));
	json_object_set_new(o, "equip_slots", NUL_OR(row->equip_slots));
	for (int i = 0; i < ITEMDATA_NSTATS; i++)
		json_object_set_new(o, itemdata_stat_columns[i], json_integer(row->stats[i]));
	json_object_set_new(o, "name", NUL_OR(row->name));
#undef NUL_OR
	return o;
}

/* ------------------------------------------------------------------ fetch */

/* Answers larger than this are not item documents. */
#define MAX_BODY (1u << 20)

struct body {
	char *p;
	size_t n;
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct body *b = ud;
	size_t len = size * nmemb;
	if (b->n + len > MAX_BODY) {
		b->too_big = true;
		return 0; /* aborts the transfer */
	}
	char *np = realloc(b->p, b->n + len + 1);
	if (np == NULL)
		return 0;
	memcpy(np + b->n, ptr, len);
	b->p = np;
	b->n += len;
	b->p[b->n] = '\0';
	return len;
}

int itemdata_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void itemdata_global_cleanup(void) { curl_global_cleanup(); }

void *itemdata_handle_new(void) { return curl_easy_init(); }

void itemdata_handle_free(void *handle)
{
	if (handle)
		curl_easy_cleanup(handle);
}

/* What a status means on an endpoint. Equipment's "not found" is a 500 at the reference
 * commit (404 in later versions): both mean missing there; on the stackables only 404 does. */
static enum itemdata_status classify(long status, bool equipment)
{
	if (status == 200 || status == 202)
		return ITEMDATA_OK;
	if (status == 404 || (equipment && status == 500))
		return ITEMDATA_MISSING;
	if (status >= 500)
		return ITEMDATA_UNAVAILABLE;
	return ITEMDATA_INVALID; /* 400 (headers refused), 3xx left over, 401, 403, ... */
}

/* One GET of base + path; on OK *doc is the parsed document (a new reference). */
static enum itemdata_status get(CURL *h, const char *base, const char *path,
                                const struct coffer_tenant *tenant, long timeout_ms,
                                bool equipment, json_t **doc, struct itemdata_result *res)
{
	*doc = NULL;
	snprintf(res->url, sizeof res->url, "%s%s", base, path);
	char hv[4][128];
	snprintf(hv[0], sizeof hv[0], "TENANT_ID: %s", tenant->id);
	snprintf(hv[1], sizeof hv[1], "REGION: %s", tenant->region);
	snprintf(hv[2], sizeof hv[2], "MAJOR_VERSION: %u", (unsigned)tenant->major);
	snprintf(hv[3], sizeof hv[3], "MINOR_VERSION: %u", (unsigned)tenant->minor);
	struct curl_slist *hdrs = NULL, *tmp;
	for (int i = 0; i < 4; i++) {
		if ((tmp = curl_slist_append(hdrs, hv[i])) == NULL)
			goto oom;
		hdrs = tmp;
	}
	if ((tmp = curl_slist_append(hdrs, "Content-Type: application/json; charset=utf-8")) == NULL ||
	    (hdrs = tmp, (tmp = curl_slist_append(hdrs, "Accept: application/json")) == NULL))
		goto oom;
	hdrs = tmp;

	struct body b = {0};
	curl_easy_reset(h); /* keeps the connection cache: the point of reusing the handle */
	curl_easy_setopt(h, CURLOPT_URL, res->url);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* worker threads: no SIGALRM for timeouts */
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "coffer-itemdata/1");
	res->requests++;
	CURLcode cc = curl_easy_perform(h);
	curl_slist_free_all(hdrs);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	res->http_status = status;
	enum itemdata_status st;
	if (cc != CURLE_OK) {
		st = b.too_big ? ITEMDATA_INVALID : ITEMDATA_UNAVAILABLE;
		snprintf(res->err, sizeof res->err, "%s",
		         b.too_big ? "answer larger than 1 MiB" : curl_easy_strerror(cc));
	} else if ((st = classify(status, equipment)) != ITEMDATA_OK) {
		if (st != ITEMDATA_MISSING)
			snprintf(res->err, sizeof res->err, "HTTP status %ld", status);
	} else {
		json_error_t je;
		*doc = b.p ? json_loadb(b.p, b.n, JSON_REJECT_DUPLICATES, &je) : NULL;
		if (*doc == NULL) {
			st = ITEMDATA_INVALID;
			snprintf(res->err, sizeof res->err, "not JSON: %s",
			         b.p ? je.text : "empty body");
		}
	}
	free(b.p);
	return st;
oom:
	curl_slist_free_all(hdrs);
	snprintf(res->err, sizeof res->err, "out of memory");
	return ITEMDATA_UNAVAILABLE;
}

void itemdata_fetch(void *handle, const char *base, const struct coffer_tenant *tenant,
                    uint32_t id, long timeout_ms, struct itemdata_row *row,
                    struct itemdata_result *res)
{
	static const char *const paths[] = {NULL, NULL, "data/consumables/", "data/setups/",
	                                    "data/etcs/"};
	memset(res, 0, sizeof *res);
	CURL *h = handle;
	uint8_t type = itemdata_type(id);
	if (h == NULL || type < 1 || type > 4) {
		res->status = ITEMDATA_INVALID;
		snprintf(res->err, sizeof res->err, "%s",
		         h ? "template type has no data endpoint" : "no HTTP handle");
		return;
	}
	struct itemdata_row r = {0};
	char path[64];
	json_t *doc;
	if (type != 1) {
		snprintf(path, sizeof path, "%s%" PRIu32, paths[type], id);
		res->status = get(h, base, path, tenant, timeout_ms, false, &doc, res);
		if (res->status == ITEMDATA_OK &&
		    itemdata_map_stackable(doc, id, &r, res->err, sizeof res->err) != 0)
			res->status = ITEMDATA_INVALID;
		json_decref(doc);
	} else {
		snprintf(path, sizeof path, "data/equipment/%" PRIu32, id);
		res->status = get(h, base, path, tenant, timeout_ms, true, &doc, res);
		if (res->status == ITEMDATA_OK &&
		    itemdata_map_statistics(doc, id, &r, res->err, sizeof res->err) != 0)
			res->status = ITEMDATA_INVALID;
		json_decref(doc);
		if (res->status == ITEMDATA_OK) {
			snprintf(path, sizeof path, "data/equipment/%" PRIu32 "/slots", id);
			res->status = get(h, base, path, tenant, timeout_ms, true, &doc, res);
			if (res->status == ITEMDATA_OK &&
			    itemdata_map_slots(doc, &r, res->err, sizeof res->err) != 0)
				res->status = ITEMDATA_INVALID;
			json_decref(doc);
		}
	}
	if (res->status == ITEMDATA_OK)
		*row = r;
}
