/* SPDX-License-Identifier: MIT */
/* plugins/asset/asset_data.c: the game-data service behind item_templates (docs/item-data.md).
 * When a command needs a template the tenant's table lacks and a data URL is configured, the
 * template is fetched (lib/itemdata.c), stored in the command's own transaction and used;
 * the next command finds the row. "No such template" answers are remembered for a while
 * (a bounded, per-process negative cache); a service that does not answer, or answers
 * garbage, is a transient failure: the handler retries the message later. The outage is
 * logged when it starts and when it ends, not per message. Without a URL nothing here runs. */
#include "asset.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itemdata.h"

#define H asset_host

/* Settings (read in init, constant afterwards). */
static coffer_ctx *data_ctx;
static char *data_url;          /* NULL = no data service: today's behaviour, no HTTP */
static long data_timeout_ms = 3000;
static int64_t data_negative_ttl_ms = 60000;
static size_t data_negative_max = 4096;
static bool curl_ready;

/* Easy handles, reused across commands so connections to the service are kept alive. A
 * worker takes one for a fetch and gives it back: at most one per worker thread exists. */
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static void **pool;
static size_t pool_n, pool_cap;

/* The negative cache: direct-mapped, data_negative_max entries; a collision evicts, which
 * costs one more request, never a wrong answer. */
struct neg {
	char tenant[37];
	uint32_t template_id;
	int64_t until_ms;           /* monotonic; 0 = empty */
};
static pthread_mutex_t neg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct neg *negs;

/* Outage state: logged once when it starts and once when the service answers again. */
static pthread_mutex_t state_mu = PTHREAD_MUTEX_INITIALIZER;
static bool service_down;

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ configuration */

/* DATA_SERVICE_URL when set (even empty), else BASE_SERVICE_URL; --set asset.data_url wins. */
static const char *configured_url(coffer_ctx *ctx)
{
	const char *v = H->config(ctx, "data_url", NULL);
	if (v)
		return v;
	v = getenv("DATA_SERVICE_URL");
	if (v)
		return v;
	return getenv("BASE_SERVICE_URL");
}

int asset_data_init(coffer_ctx *ctx)
{
	data_ctx = ctx;
	const char *url = configured_url(ctx);
	free(data_url);
	data_url = NULL;
	if (url && *url) {
		if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
			COFFER_LOGH(H, ctx, COFFER_LOG_ERROR,
			            "data service URL must start with http:// or https:// url=\"%s\"", url);
			return COFFER_EINVAL;
		}
		if ((data_url = strdup(url)) == NULL)
			return -12;
	}
	int64_t t = H->config_int(ctx, "data_timeout_ms", 3000);
	data_timeout_ms = t >= 100 && t <= 600000 ? (long)t : 3000;
	int64_t ttl = H->config_int(ctx, "data_negative_ttl_ms", 60000);
	data_negative_ttl_ms = ttl >= 0 ? ttl : 60000;
	int64_t max = H->config_int(ctx, "data_negative_max", 4096);
	data_negative_max = max >= 1 && max <= 1000000 ? (size_t)max : 4096;
	return 0;
}

int asset_data_start(coffer_ctx *ctx)
{
	if (data_url == NULL)
		return 0;
	if (itemdata_global_init() != 0) {
		COFFER_LOGH(H, ctx, COFFER_LOG_ERROR, "libcurl initialisation failed");
		return COFFER_EINVAL;
	}
	curl_ready = true;
	negs = calloc(data_negative_max, sizeof *negs);
	if (negs == NULL)
		return -12;
	size_t n = strlen(data_url);
	COFFER_LOGH(H, ctx, COFFER_LOG_INFO,
	            "item templates missing from item_templates come from the data service "
	            "url=%s timeout_ms=%ld negative_ttl_ms=%lld",
	            data_url, data_timeout_ms, (long long)data_negative_ttl_ms);
	if (n == 0 || data_url[n - 1] != '/')
		COFFER_LOGH(H, ctx, COFFER_LOG_WARN,
		            "the data service URL is a prefix: it should end in /api/ url=%s", data_url);
	return 0;
}

void asset_data_fini(void)
{
	pthread_mutex_lock(&pool_mu);
	for (size_t i = 0; i < pool_n; i++)
		itemdata_handle_free(pool[i]);
	free(pool);
	pool = NULL;
	pool_n = pool_cap = 0;
	pthread_mutex_unlock(&pool_mu);
	free(negs);
	negs = NULL;
	if (curl_ready)
		itemdata_global_cleanup();
	curl_ready = false;
	free(data_url);
	data_url = NULL;
	service_down = false;
}

bool asset_data_configured(void) { return data_url != NULL && curl_ready; }

/* ------------------------------------------------------------------ handles, caches */

static void *handle_take(void)
{
	void *h = NULL;
	pthread_mutex_lock(&pool_mu);
	if (pool_n)
		h = pool[--pool_n];
	pthread_mutex_unlock(&pool_mu);
	return h ? h : itemdata_handle_new();
}

static void handle_give(void *h)
{
	pthread_mutex_lock(&pool_mu);
	if (pool_n == pool_cap) {
		size_t cap = pool_cap ? pool_cap * 2 : 8;
		void **np = realloc(pool, cap * sizeof *np);
		if (np == NULL) {
			pthread_mutex_unlock(&pool_mu);
			itemdata_handle_free(h);
			return;
		}
		pool = np;
		pool_cap = cap;
	}
	pool[pool_n++] = h;
	pthread_mutex_unlock(&pool_mu);
}

static size_t neg_index(const char *tenant, uint32_t id)
{
	uint64_t x = 1469598103934665603ull; /* FNV-1a */
	for (const char *p = tenant; *p; p++)
		x = (x ^ (unsigned char)*p) * 1099511628211ull;
	for (int i = 0; i < 4; i++)
		x = (x ^ ((id >> (8 * i)) & 0xff)) * 1099511628211ull;
	return (size_t)(x % data_negative_max);
}

static bool neg_hit(const char *tenant, uint32_t id)
{
	if (negs == NULL || data_negative_ttl_ms == 0)
		return false;
	int64_t now = mono_ms();
	pthread_mutex_lock(&neg_mu);
	const struct neg *e = &negs[neg_index(tenant, id)];
	bool hit = e->until_ms > now && e->template_id == id && strcmp(e->tenant, tenant) == 0;
	pthread_mutex_unlock(&neg_mu);
	return hit;
}

static void neg_add(const char *tenant, uint32_t id)
{
	if (negs == NULL || data_negative_ttl_ms == 0)
		return;
	pthread_mutex_lock(&neg_mu);
	struct neg *e = &negs[neg_index(tenant, id)];
	snprintf(e->tenant, sizeof e->tenant, "%s", tenant);
	e->template_id = id;
	e->until_ms = mono_ms() + data_negative_ttl_ms;
	pthread_mutex_unlock(&neg_mu);
}

/* Record an answer (true) or a failure; log only the transitions. */
static void service_state(bool answered, const struct itemdata_result *r)
{
	pthread_mutex_lock(&state_mu);
	bool was = service_down;
	service_down = !answered;
	pthread_mutex_unlock(&state_mu);
	if (answered && was)
		COFFER_LOGH(H, data_ctx, COFFER_LOG_WARN,
		            "data service answers again url=%s (commands waiting for item templates "
		            "go on)", r->url);
	else if (!answered && !was)
		COFFER_LOGH(H, data_ctx, COFFER_LOG_ERROR,
		            "data service unavailable url=%s error=\"%s\": commands that need an item "
		            "template not in item_templates are retried until it answers",
		            r->url, r->err);
}

/* ------------------------------------------------------------------ the source */

static int found_row(void *ud, const struct coffer_row *row)
{
	(void)row;
	*(bool *)ud = true;
	return 0;
}

static int row_exists(coffer_txn *txn, const char *tenant, uint32_t id, bool *found)
{
	*found = false;
	return H->sql_query(txn,
	                    "SELECT 1 FROM item_templates WHERE tenant_id = ? AND template_id = ?",
	                    COFFER_ARGS(COFFER_S(tenant), COFFER_U(id)), found_row, found);
}

static int store(coffer_txn *txn, const char *tenant, const struct itemdata_row *r)
{
	struct coffer_val v[25];
	size_t k = 0;
#define TXT(s) ((s)[0] ? COFFER_S(s) : COFFER_NULLV)
	v[k++] = COFFER_S(tenant);
	v[k++] = COFFER_U(r->template_id);
	v[k++] = COFFER_U(r->slot_max);
	v[k++] = COFFER_U(r->rechargeable);
	v[k++] = COFFER_U(r->is_cash);
	v[k++] = TXT(r->equip_slot_code);
	v[k++] = TXT(r->equip_slot_name);
	v[k++] = TXT(r->equip_slots);
	for (int i = 0; i < ITEMDATA_NSTATS; i++)
		v[k++] = COFFER_U(r->stats[i]);
	v[k++] = TXT(r->name);
#undef TXT
	return H->sql_exec(txn, ITEMDATA_INSERT_SQL, v, k, NULL);
}

/* The row is known to be missing: ask the service (unless it said "no" a moment ago) and
 * store what it answers. 0 (stored, or missing), or COFFER_ETRANSIENT. */
static int fetch_missing(coffer_txn *txn, const struct coffer_tenant *tenant,
                         uint32_t template_id)
{
	if (neg_hit(tenant->id, template_id))
		return 0;
	struct itemdata_row row;
	struct itemdata_result res;
	void *h = handle_take();
	itemdata_fetch(h, data_url, tenant, template_id, data_timeout_ms, &row, &res);
	if (h)
		handle_give(h);
	switch (res.status) {
	case ITEMDATA_OK:
		service_state(true, &res);
		COFFER_LOGH(H, data_ctx, COFFER_LOG_INFO,
		            "item template fetched from the data service template=%u requests=%u",
		            template_id, res.requests);
		return store(txn, tenant->id, &row);
	case ITEMDATA_MISSING:
		service_state(true, &res);
		neg_add(tenant->id, template_id);
		COFFER_LOGH(H, data_ctx, COFFER_LOG_INFO,
		            "the data service has no item template=%u url=%s status=%ld (remembered "
		            "for %lld ms)", template_id, res.url, res.http_status,
		            (long long)data_negative_ttl_ms);
		return 0;
	case ITEMDATA_INVALID:
		/* It answered, so the service is up; the answer is refused each time it comes. */
		service_state(true, &res);
		COFFER_LOGH(H, data_ctx, COFFER_LOG_ERROR,
		            "data service answer refused url=%s status=%ld reason=\"%s\"; the command "
		            "is retried", res.url, res.http_status, res.err);
		return COFFER_ETRANSIENT;
	default:
		service_state(false, &res);
		COFFER_LOGH(H, data_ctx, COFFER_LOG_DEBUG, "data service unavailable url=%s error=\"%s\"",
		            res.url, res.err);
		return COFFER_ETRANSIENT;
	}
}

int asset_data_ensure(coffer_txn *txn, const struct coffer_tenant *tenant, uint32_t template_id)
{
	if (!asset_data_configured() || tenant == NULL || !itemdata_fetchable(template_id))
		return 0;
	bool found;
	int rc = row_exists(txn, tenant->id, template_id, &found);
	if (rc != 0 || found)
		return rc;
	return fetch_missing(txn, tenant, template_id);
}

int asset_data_template_load(coffer_txn *txn, const struct coffer_tenant *tenant,
                             uint32_t template_id, struct coffer_item_template *out)
{
	int rc;
	if (out == NULL)
		return asset_data_ensure(txn, tenant, template_id);
	if ((rc = asset_sql_template(txn, tenant->id, template_id, out)) != 0 || out->found)
		return rc;
	if (!asset_data_configured() || !itemdata_fetchable(template_id))
		return 0;
	if ((rc = fetch_missing(txn, tenant, template_id)) != 0)
		return rc;
	return asset_sql_template(txn, tenant->id, template_id, out);
}
