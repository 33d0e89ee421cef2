/* SPDX-License-Identifier: MIT */
/* tests/support/fake_host.c: the bus-less host used by plugin tests (see fake_host.h). */
#include "fake_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "registry.h"
#include "util.h"

#define FH_DEFAULT_NOW 1740830400000000LL /* 2025-03-01T12:00:00Z */

struct recorded {
	struct fh_event e;
	char *topic;
};

static struct db_conn *db;
static char dbname[64];
static struct recorded *rec;
static size_t nrec, caprec;
static int64_t now_us = FH_DEFAULT_NOW;
static char reason[256];
static struct coffer_txn txn;

struct feature {
	char plugin[64], tenant[37];
	bool on;
};
static struct feature features[64];
static size_t nfeatures;

static bool fh_enabled_cb(const char *plugin, const char *tenant)
{
	for (size_t i = 0; i < nfeatures; i++)
		if (strcmp(features[i].plugin, plugin) == 0 && strcmp(features[i].tenant, tenant) == 0)
			return features[i].on;
	return true;
}

void fh_set_enabled(const char *plugin, const char *tenant, bool on)
{
	for (size_t i = 0; i < nfeatures; i++) {
		if (strcmp(features[i].plugin, plugin) == 0 && strcmp(features[i].tenant, tenant) == 0) {
			features[i].on = on;
			return;
		}
	}
	if (nfeatures < 64) {
		snprintf(features[nfeatures].plugin, 64, "%s", plugin);
		snprintf(features[nfeatures].tenant, 37, "%s", tenant);
		features[nfeatures++].on = on;
	}
}

const struct coffer_host *fh_host(void) { return reg_host(); }
void fh_set_now(int64_t us) { now_us = us; }
int64_t fh_now(void) { return now_us; }
void fh_set(const char *a) { reg_set_config(a); }
const char *fh_reason(void) { return reason; }

int fh_setup(const char *const *plugins)
{
	struct db_params p;
	db_params_from_env(&p);
	if (getenv("DB_HOST") == NULL && getenv("DB_SOCKET") == NULL) {
		fprintf(stderr, "fake_host: DB_HOST/DB_SOCKET not set (start contrib/devdb)\n");
		return -1;
	}
	if (getenv("FH_VERBOSE") == NULL)
		log_set_level(COFFER_LOG_ERROR);
	p.name = NULL;
	db = db_new(&p, "fake");
	if (db_ensure(db, NULL) != 0) {
		fprintf(stderr, "fake_host: cannot connect: %s\n", db_error(db));
		return -1;
	}
	snprintf(dbname, sizeof dbname, "fh_%d_%08x", (int)getpid(), (unsigned)random());
	char sql[256];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", dbname);
	if (db_query(db, sql) != 0)
		return -1;
	db_free(db);
	p.name = dbname;
	db = db_new(&p, "fake");
	if (db_ensure(db, NULL) != 0)
		return -1;
	const char *dirs[] = {COFFER_SOURCE_DIR "/sql", COFFER_SOURCE_DIR "/tests/sql", NULL};
	if (db_migrate(db, dirs, "host", now_us) != 0)
		return -1;
	reg_set_enabled_fn(fh_enabled_cb);
	for (size_t i = 0; plugins && plugins[i]; i++) {
		char path[4096];
		snprintf(path, sizeof path, COFFER_BUILD_DIR "/plugins/%s/.libs/%s.so", plugins[i],
		         plugins[i]);
		if (access(path, R_OK) != 0)
			snprintf(path, sizeof path, COFFER_BUILD_DIR "/tests/fixtures/.libs/%s.so",
			         plugins[i]);
		if (reg_load_file(path) != 0) {
			fprintf(stderr, "fake_host: cannot load %s\n", path);
			return -1;
		}
	}
	if (reg_init_all() != 0)
		return -1;
	for (size_t i = 0; i < reg_plugin_count(); i++) {
		if (db_migrate(db, dirs, reg_plugin(i)->desc->name, now_us) != 0)
			return -1;
	}
	reg_start_all();
	return 0;
}

void fh_teardown(void)
{
	fh_clear();
	free(rec);
	rec = NULL;
	caprec = 0;
	txn_free(&txn);
	reg_stop_all();
	reg_fini_all(false);
	if (db) {
		char sql[256];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", dbname);
		db_query(db, sql);
		db_free(db);
		db = NULL;
	}
	nfeatures = 0;
	now_us = FH_DEFAULT_NOW;
}

static void record_events(void)
{
	for (size_t i = 0; i < txn.nev; i++) {
		if (nrec == caprec) {
			caprec = caprec ? caprec * 2 : 64;
			rec = realloc(rec, caprec * sizeof *rec);
		}
		struct txn_event *e = &txn.ev[i];
		struct recorded *r = &rec[nrec++];
		r->topic = strdup(e->topic_var);
		r->e.topic_var = r->topic;
		r->e.key = e->key;
		r->e.tenant = e->tenant;
		r->e.value = json_incref(e->value);
		memcpy(r->e.event_id, e->event_id, 37);
	}
}

int fh_send_json(const char *topic_var, json_t *msg, const char *tenant_id)
{
	if (!json_is_object(msg))
		return -1;
	const char *type = json_string_value(json_object_get(msg, "type"));
	reason[0] = '\0';
	const struct handler *h = type ? reg_find(topic_var, type) : NULL;
	if (h == NULL)
		return FH_NO_HANDLER;
	struct coffer_tenant tenant = {.region = "GMS", .major = 83, .minor = 1};
	snprintf(tenant.id, sizeof tenant.id, "%s", tenant_id ? tenant_id : FH_TENANT);
	static int64_t offset;
	struct coffer_msg m = {.topic_var = topic_var, .topic = topic_var, .partition = 0,
	                       .offset = offset++, .type = type, .json = msg, .tenant = &tenant,
	                       .now_us = now_us};
	bool on = reg_enabled(h->owner->desc->name, tenant.id);
	coffer_handler_fn fn = on ? h->fn : h->refuse;
	void *ud = on ? h->ud : h->refuse_ud;
	for (int attempt = 0; attempt < 5; attempt++) {
		txn_init(&txn, db, now_us, h->owner->ctx, &m);
		if (fn == NULL)
			return COFFER_DONE; /* off, no refusal: logged and nothing else */
		if (db_begin(db) != 0)
			return -1;
		enum coffer_outcome o = fn(h->owner->ctx, &txn, &m, ud);
		if (o == COFFER_DONE) {
			if (db_commit(db) != 0) {
				txn_clear_events(&txn);
				continue;
			}
			record_events();
			txn_clear_events(&txn);
			return o;
		}
		db_rollback(db);
		snprintf(reason, sizeof reason, "%s", txn.reason);
		txn_clear_events(&txn);
		if (o != COFFER_RETRY)
			return o;
		db_ensure(db, NULL);
	}
	return COFFER_RETRY;
}

int fh_send(const char *topic_var, const char *json, const char *tenant)
{
	json_error_t err;
	json_t *msg = json_loads(json, 0, &err);
	if (msg == NULL) {
		fprintf(stderr, "fake_host: bad JSON in test: %s\n", err.text);
		return -1;
	}
	int rc = fh_send_json(topic_var, msg, tenant);
	json_decref(msg);
	return rc;
}

static size_t params(const char *const *kv, struct coffer_http_param *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; kv && kv[i] && kv[i + 1] && n < max; i += 2)
		out[n++] = (struct coffer_http_param){kv[i], kv[i + 1]};
	return n;
}

int fh_http(const char *method, const char *pattern, const char *const *vars,
            const char *const *query, const char *tenant_id, int *status, json_t **body)
{
	*status = 500;
	*body = NULL;
	reason[0] = '\0';
	const struct route *rt = NULL;
	for (size_t i = 0; i < reg_route_count() && rt == NULL; i++) {
		const struct route *r = reg_route(i);
		if (strcmp(r->method, method) == 0 && strcmp(r->pattern, pattern) == 0)
			rt = r;
	}
	if (rt == NULL)
		return FH_NO_HANDLER;
	struct coffer_tenant tenant = {.region = "GMS", .major = 83, .minor = 1};
	snprintf(tenant.id, sizeof tenant.id, "%s", tenant_id ? tenant_id : FH_TENANT);
	struct coffer_http_param pv[16], pq[16];
	struct coffer_http_req req = {.method = rt->method, .pattern = rt->pattern, .path = pattern,
	                              .tenant = &tenant, .vars = pv, .nvars = params(vars, pv, 16),
	                              .query = pq, .nquery = params(query, pq, 16), .now_us = now_us};
	bool write = strcmp(method, "GET") != 0;
	for (int attempt = 0; attempt < 5; attempt++) {
		txn_init(&txn, db, now_us, rt->owner->ctx, NULL);
		txn.tenant = &tenant;
		txn.read_only = !write;
		if ((write ? db_begin(db) : db_begin_snapshot(db)) != 0)
			return -1;
		struct coffer_http_resp resp = {.status = 200, .body = NULL, .raw = NULL};
		enum coffer_outcome o = rt->fn(rt->owner->ctx, &txn, &req, &resp, rt->ud);
		if (resp.raw != NULL) { /* a pre-serialised body: parsed back for the tests */
			json_decref(resp.body);
			json_error_t err;
			resp.body = json_loadb(resp.raw, resp.raw_len, 0, &err);
			if (resp.body == NULL)
				fprintf(stderr, "fake_host: a route's raw body is not JSON: %s\n", err.text);
			free(resp.raw);
		}
		if (o == COFFER_DONE && db_commit(db) == 0) {
			record_events();
			txn_clear_events(&txn);
			*status = resp.status;
			*body = resp.body;
			return o;
		}
		db_rollback(db);
		snprintf(reason, sizeof reason, "%s", txn.reason);
		txn_clear_events(&txn);
		if (o == COFFER_REJECT) {
			*status = resp.status;
			*body = resp.body;
			return o;
		}
		json_decref(resp.body);
		db_ensure(db, NULL);
	}
	return COFFER_RETRY;
}

int fh_run_task(const char *name)
{
	for (size_t i = 0; i < reg_task_count(); i++) {
		struct task *t = reg_task(i);
		if (strcmp(t->name, name) != 0)
			continue;
		int worked = 0;
		for (int n = 0; n < 1000; n++) {
			txn_init(&txn, db, now_us, t->owner->ctx, NULL);
			if (db_begin(db) != 0)
				return -1;
			int r = t->fn(t->owner->ctx, &txn, now_us, t->ud);
			if (r < 0) {
				db_rollback(db);
				txn_clear_events(&txn);
				return r;
			}
			if (db_commit(db) != 0)
				return -1;
			record_events();
			txn_clear_events(&txn);
			if (r == 0)
				return worked;
			worked++;
		}
		return worked;
	}
	fprintf(stderr, "fake_host: no task %s\n", name);
	return -1;
}

size_t fh_count(void) { return nrec; }
const struct fh_event *fh_event(size_t i) { return i < nrec ? &rec[i].e : NULL; }

const struct fh_event *fh_find(const char *topic_var, const char *type, size_t nth)
{
	for (size_t i = 0; i < nrec; i++) {
		const char *t = json_string_value(json_object_get(rec[i].e.value, "type"));
		if (strcmp(rec[i].e.topic_var, topic_var) == 0 && t && strcmp(t, type) == 0 && nth-- == 0)
			return &rec[i].e;
	}
	return NULL;
}

void fh_clear(void)
{
	for (size_t i = 0; i < nrec; i++) {
		free(rec[i].topic);
		json_decref(rec[i].e.value);
	}
	nrec = 0;
}

void fh_dump(void)
{
	for (size_t i = 0; i < nrec; i++) {
		char *s = json_dumps(rec[i].e.value, JSON_COMPACT);
		fprintf(stderr, "  [%zu] %s key=%u %s\n", i, rec[i].e.topic_var, rec[i].e.key, s);
		free(s);
	}
}

static int first_int(void *ud, const struct coffer_row *row)
{
	if (row->ncols > 0 && row->col[0].t != COFFER_V_NULL) {
		if (row->col[0].t == COFFER_V_STR)
			*(int64_t *)ud = strtoll(row->col[0].v.s.p, NULL, 10);
		else
			*(int64_t *)ud = coffer_val_i64(&row->col[0]);
	}
	return 1;
}

int64_t fh_scalar(const char *sql, const struct coffer_val *args, size_t nargs, int64_t def)
{
	int64_t v = def;
	int rc = db_select(db, sql, args, nargs, first_int, &v);
	if (rc != 0 && rc != COFFER_ESTOP)
		fprintf(stderr, "fake_host: %s: %s\n", sql, db_error(db));
	return v;
}

int fh_exec(const char *sql, const struct coffer_val *args, size_t nargs)
{
	int rc = db_exec(db, sql, args, nargs, NULL);
	if (rc != 0)
		fprintf(stderr, "fake_host: %s: %s\n", sql, db_error(db));
	return rc;
}
