/* SPDX-License-Identifier: MIT */
/* host/tasks.c: one thread runs everything timed. Plugin tasks run in a
 * transaction per call with one Now per tick; a task that reports more work is
 * called again at once. The tenant-feature table is small and read whole into
 * a snapshot that message handling consults without touching the database. */
#include "tasks.h"

#include <stdatomic.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <coffer/err.h>

#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "registry.h"
#include "util.h"
#include "xalloc.h"

struct feature {
	char tenant[37];
	char plugin[65];
	bool on;
};

static struct tasks_cfg cfg;
static pthread_t thread;
static bool started; /* the thread runs: tasks_join joins it */
static struct db_conn *db;
static pthread_rwlock_t feat_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct feature *feats;
static size_t nfeats;
static atomic_bool reload_requested;
static struct coffer_txn txn;

bool tenants_enabled(const char *plugin, const char *tenant)
{
	bool on = cfg.features_default;
	pthread_rwlock_rdlock(&feat_lock);
	for (size_t i = 0; i < nfeats; i++) {
		if (strcmp(feats[i].tenant, tenant) == 0 && strcmp(feats[i].plugin, plugin) == 0) {
			on = feats[i].on;
			break;
		}
	}
	pthread_rwlock_unlock(&feat_lock);
	return on;
}

struct feat_buf {
	struct feature *v;
	size_t n, cap;
};

static int collect_feature(void *ud, const struct coffer_row *row)
{
	struct feat_buf *b = ud;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->v = xreallocarray(b->v, b->cap, sizeof *b->v);
	}
	struct feature *f = &b->v[b->n++];
	memset(f, 0, sizeof *f); /* compared with memcmp: no stale bytes after the strings */
	snprintf(f->tenant, sizeof f->tenant, "%.*s", (int)row->col[0].v.s.n, row->col[0].v.s.p);
	snprintf(f->plugin, sizeof f->plugin, "%.*s", (int)row->col[1].v.s.n, row->col[1].v.s.p);
	f->on = coffer_val_i64(&row->col[2]) != 0;
	return 0;
}

static int load_features(void)
{
	if (db_ensure(db, NULL) != 0)
		return COFFER_ETRANSIENT;
	struct feat_buf b = {0};
	int rc = db_select(db, "SELECT tenant_id, plugin, enabled FROM coffer_tenant_features",
	                   COFFER_NOARGS, collect_feature, &b);
	if (rc != 0) {
		free(b.v);
		return rc;
	}
	pthread_rwlock_wrlock(&feat_lock);
	bool changed = b.n != nfeats || (b.n && memcmp(b.v, feats, b.n * sizeof *b.v) != 0);
	free(feats);
	feats = b.v;
	nfeats = b.n;
	pthread_rwlock_unlock(&feat_lock);
	size_t on = 0;
	for (size_t i = 0; i < b.n; i++)
		on += b.v[i].on;
	metrics_features(on, b.n - on);
	if (changed)
		LOG_INF("event=features_loaded rows=%zu default=%s", b.n,
		        cfg.features_default ? "on" : "off");
	return 0;
}

static void prune_markers(int64_t now)
{
	int64_t before = now - cfg.marker_retention_us;
	if (db_ensure(db, NULL) != 0)
		return;
	static const char *const sql[2] = {
		"DELETE FROM coffer_processed WHERE processed_at < ? LIMIT 5000",
		"DELETE FROM coffer_event_seen WHERE seen_at < ? LIMIT 5000",
	};
	/* In chunks, so no long lock; as many as the minute's backlog needs (bounded). */
	for (int t = 0; t < 2; t++) {
		struct coffer_exec_result r = {.affected = 5000};
		for (int i = 0; i < 200 && r.affected == 5000 && !*cfg.stopping; i++)
			if (db_exec(db, sql[t], COFFER_ARGS(COFFER_T(before)), &r) != 0)
				break;
	}
}

/* False when a call failed. */
static bool run_task(struct task *t, int64_t now)
{
	struct log_ctx lc = {.partition = -1};
	for (int calls = 0; calls < 100000 && !*cfg.stopping; calls++) {
		if (db_ensure(db, NULL) != 0)
			return false;
		txn_init(&txn, db, now, t->owner->ctx, NULL);
		int rc = db_begin(db);
		int r = rc == 0 ? t->fn(t->owner->ctx, &txn, now, t->ud) : rc;
		if (r >= 0) {
			rc = outbox_write_events(&txn, now);
			if (rc == 0)
				rc = db_commit(db);
			if (rc != 0)
				r = rc;
		}
		if (r < 0) {
			db_rollback(db);
			txn_clear_events(&txn);
			log_set_ctx(&lc);
			if (r != COFFER_ETRANSIENT)
				log_line(COFFER_LOG_ERROR, t->owner->desc->name, "task failed task=%s rc=%d error=\"%s\"",
				         t->name, r, coffer_strerror(r));
			log_set_ctx(NULL);
			return false;
		}
		if (txn.nev)
			outbox_kick();
		txn_clear_events(&txn);
		if (r == 0)
			return true;
	}
	return true;
}

static void *tasks_main(void *arg)
{
	int64_t next_features = 0, next_prune = 0;
	while (!*cfg.stopping) {
		int64_t now = cu_now_us();
		if (reload_requested) {
			reload_requested = false;
			load_features();
			reg_reconfigure_all();
			next_features = now + (int64_t)cfg.features_refresh_ms * 1000;
		}
		if (now >= next_features) {
			load_features();
			next_features = now + (int64_t)cfg.features_refresh_ms * 1000;
		}
		if (now >= next_prune) {
			prune_markers(now);
			next_prune = now + 60 * 1000000LL;
		}
		for (size_t i = 0; i < reg_task_count() && !*cfg.stopping; i++) {
			struct task *t = reg_task(i);
			if (now >= t->next_us) {
				int64_t t0 = metrics_now_ns();
				bool ok = run_task(t, now);
				metrics_task(i, ok, metrics_now_ns() - t0);
				t->next_us = now + (int64_t)t->interval_ms * 1000;
			}
		}
		struct timespec ts = {0, 50 * 1000000L};
		nanosleep(&ts, NULL);
	}
	(void)arg;
	return NULL;
}

int tasks_start(const struct tasks_cfg *c)
{
	cfg = *c;
	metrics_init();
	for (size_t i = 0; i < reg_task_count(); i++)
		metrics_task_register(i, reg_task(i)->owner->desc->name, reg_task(i)->name);
	db = db_new(&cfg.db, "tasks");
	reg_set_enabled_fn(tenants_enabled);
	/* No message may be handled before the switches are known (default would apply). */
	for (unsigned delay = 100; load_features() != 0; delay = delay < 5000 ? delay * 2 : 5000) {
		if (*cfg.stopping)
			return COFFER_ETRANSIENT;
		LOG_WRN("tenant features not loaded yet error=\"%s\" retry_ms=%u", db_error(db), delay);
		struct timespec ts = {delay / 1000, (long)(delay % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	int e = pthread_create(&thread, NULL, tasks_main, NULL);
	if (e != 0)
		return -e;
	started = true;
	return 0;
}

void tasks_request_reload(void) { reload_requested = true; }

void tasks_join(void)
{
	if (started)
		pthread_join(thread, NULL);
	started = false;
	txn_free(&txn);
	db_free(db);
	db = NULL;
	pthread_rwlock_wrlock(&feat_lock);
	free(feats);
	feats = NULL;
	nfeats = 0;
	pthread_rwlock_unlock(&feat_lock);
}
