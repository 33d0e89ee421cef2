/* SPDX-License-Identifier: MIT */
/* host/bus.c: the consumer thread, the workers, and the life of one message.
 *
 * The consumer thread polls, records each offset as in flight for its
 * partition and queues the message on the worker chosen by a hash of (topic,
 * partition, key): one key is handled by one worker in offset order, different
 * keys in parallel. A worker takes what is queued (up to --batch messages) and
 * handles it in one transaction, each message atomic on its own: its
 * processed-marker (cluster id, topic, partition, offset), its EVENT_ID marker,
 * its row changes and its outbox rows commit together or not at all. Offsets
 * are committed only up to the first message whose transaction has not
 * committed.
 *
 * Round trips are what a batch costs, so it first runs optimistically: one
 * multi-row INSERT IGNORE for the markers of the whole batch, no savepoints,
 * and the outbox rows of every message in one INSERT before the commit. When
 * that guess is wrong (a marker already existed: a redelivery; or a handler
 * rejected its message, which must be undone alone) the batch rolls back and
 * runs again the careful way: a marker per message and a savepoint before each
 * handler. Both ways commit the same rows. */
#include "bus.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <coffer/err.h>

#include "embedded.h"
#include "health.h"
#include "intake.h"
#include "kafka.h"
#include "log.h"
#include "offsets.h"
#include "metrics.h"
#include "outbox.h"
#include "registry.h"
#include "util.h"
#include "xalloc.h"

#define QUEUE_CAP 2048
/* A message that fails this often while the database answers is dead-lettered:
 * it must not hold its partition forever. Lost connections retry without limit, and
 * so does a handler's RETRY when none of its statements failed: the handler waits on
 * something outside the database (the game-data service of the asset plugin) and the
 * message is good; it is applied once that answers. */
#define MAX_ATTEMPTS 8
/* Processed-markers per multi-row INSERT: 6 binds each, under db.c's 256-bind limit. */
#define MARKER_CHUNK 40
/* handle_one in the optimistic mode: the batch must run again the careful way. */
#define NEED_CAREFUL 1

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ offsets */

/* What may be committed: host/offsets.c (the first unfinished message holds it back). */
static struct offsets offs;
static rd_kafka_t *rk;

static void add_commit_point(void *ud, const char *topic, int32_t partition, int64_t next)
{
	rd_kafka_topic_partition_list_add(ud, topic, partition)->offset = next;
}

static void commit_offsets(bool sync)
{
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);
	offsets_commit_points(&offs, sync, add_commit_point, l);
	if (l->cnt > 0) {
		rd_kafka_resp_err_t err = rd_kafka_commit(rk, l, sync ? 0 : 1);
		if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
			LOG_WRN("offset commit failed error=\"%s\"", rd_kafka_err2str(err));
	}
	rd_kafka_topic_partition_list_destroy(l);
}

/* ------------------------------------------------------------------ workers */

enum kind { K_SKIP, K_DEAD, K_HANDLE };
enum result { R_NONE, R_DONE, R_DUP, R_DUP_EVENT, R_DEAD, R_REJECT, R_DISABLED, R_SKIP };

struct job {
	rd_kafka_message_t *m;
	struct toppar *tp;
	const char *topic_var;
	/* filled by prepare() */
	enum kind kind;
	enum result result;
	char reason[256];
	json_t *json;
	const struct handler *h;
	struct coffer_tenant tenant;
	bool has_tenant;
	char event_id[37];
	bool has_event_id;
	const void *trace[2];
	size_t trace_len[2];
	struct coffer_msg msg;
	int64_t now;
	size_t events;
	bool rejected;      /* a handler rejected it in an earlier run of the batch (logged) */
	bool waits_outside; /* its last RETRY came with no failed statement */
	int midx;           /* metrics: its (topic, type) series */
};

struct worker {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *q;
	size_t head, n;
	bool quit;
	struct db_conn *db;
	struct coffer_txn txn;
	struct outbox_stage stage;
	unsigned idx;
};

static struct bus_cfg cfg;
static struct worker *workers;
static unsigned nstarted; /* workers whose thread runs */
static bool began;        /* bus_start ran: bus_join has something to release */
static char cluster_id[128];
/* An embedded cluster another cofferd hosts (its id read from EMBEDDED_ID_TOPIC):
 * it dies with that process, and the next one on the same port is another cluster
 * with its own offsets. After every broker went down the next message may come from
 * it, and our markers name the old one, so before dispatching we read the id again:
 * a new one ends this process with EXIT_CLUSTER_REPLACED (docs/embedded-kafka.md
 * "Joining an embedded cluster"). */
static bool joined_embedded;
static bool brokers_lost;     /* every broker went down since the id was last read */
static bool cluster_replaced; /* set once: bus_run ends */
static rd_kafka_t *idc;       /* reads EMBEDDED_ID_TOPIC */
static char bootstrap[1024];
static void consumer_err_cb(rd_kafka_t *k, int err, const char *reason, void *opaque);

const char *bus_cluster_id(void) { return cluster_id; }

static bool is_command_topic(const char *var) { return strncmp(var, "COMMAND_TOPIC_", 14) == 0; }

static void prepare(struct job *j)
{
	rd_kafka_message_t *m = j->m;
	j->now = cu_now_us();
	j->result = R_NONE;
	j->events = 0;
	j->rejected = false;
	rd_kafka_headers_t *hd = NULL;
	rd_kafka_message_headers(m, &hd);
	struct intake_headers ih;
	intake_read_headers(hd, &ih);
	j->tenant = ih.tenant;
	j->has_tenant = ih.has_tenant;
	memcpy(j->event_id, ih.event_id, sizeof j->event_id);
	j->has_event_id = ih.has_event_id;
	for (int i = 0; i < 2; i++) {
		j->trace[i] = ih.trace[i];
		j->trace_len[i] = ih.trace_len[i];
	}

	const char *type;
	j->kind = K_DEAD;
	j->midx = metrics_msg_index(j->topic_var, NULL);
	if (!intake_envelope(m->payload, m->len, cfg.max_message_bytes, &j->json, &type, j->reason,
	                    sizeof j->reason))
		return;
	j->h = reg_find(j->topic_var, type);
	if (j->h != NULL)
		j->midx = metrics_msg_index(j->topic_var, type);
	if (j->h == NULL) {
		if (!is_command_topic(j->topic_var)) {
			j->kind = K_SKIP; /* events nobody handles are normal traffic */
			return;
		}
		snprintf(j->reason, sizeof j->reason, "no plugin handles type %.64s on %s", type,
		         j->topic_var);
		return;
	}
	if (!intake_check_headers(hd, &ih, j->reason, sizeof j->reason))
		return;
	j->kind = K_HANDLE;
	j->msg = (struct coffer_msg){
		.topic_var = j->topic_var,
		.topic = rd_kafka_topic_name(m->rkt),
		.partition = m->partition,
		.offset = m->offset,
		.key = m->key,
		.key_len = m->key_len,
		.type = type,
		.json = j->json,
		.tenant = &j->tenant,
		.event_id = j->has_event_id ? j->event_id : NULL,
		.now_us = j->now,
	};
}

static int insert_marker(struct worker *w, struct job *j, uint64_t *affected)
{
	struct coffer_exec_result r = {0};
	int rc = db_exec(w->db,
	                 "INSERT IGNORE INTO coffer_processed (cluster_id, topic, kpartition, koffset, "
	                 "tenant_id, processed_at) VALUES (?, ?, ?, ?, ?, ?)",
	                 COFFER_ARGS(COFFER_S(cluster_id), COFFER_S(rd_kafka_topic_name(j->m->rkt)),
	                             COFFER_I(j->m->partition), COFFER_I(j->m->offset),
	                             COFFER_S(j->has_tenant ? j->tenant.id : ""), COFFER_T(j->now)),
	                 &r);
	*affected = r.affected;
	return rc;
}

static char marker_sqls[MARKER_CHUNK + 1][1024];
static pthread_once_t marker_once = PTHREAD_ONCE_INIT;

static void build_marker_sql(void)
{
	for (size_t k = 1; k <= MARKER_CHUNK; k++) {
		int n = snprintf(marker_sqls[k], sizeof marker_sqls[k],
		                 "INSERT IGNORE INTO coffer_processed (cluster_id, topic, kpartition, "
		                 "koffset, tenant_id, processed_at) VALUES ");
		for (size_t i = 0; i < k; i++)
			n += snprintf(marker_sqls[k] + n, sizeof marker_sqls[k] - (size_t)n,
			              "%s(?,?,?,?,?,?)", i ? "," : "");
	}
}

/* The markers of every job of the batch (skipped ones have none) in as few
 * statements as possible. *all_fresh: every row was new, so no job of the batch
 * was processed before. */
static int insert_markers(struct worker *w, struct job *js, size_t n, bool *all_fresh)
{
	pthread_once(&marker_once, build_marker_sql);
	struct coffer_val args[MARKER_CHUNK * 6];
	size_t k = 0, want = 0;
	uint64_t got = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && js[i].kind != K_SKIP) {
			struct job *j = &js[i];
			struct coffer_val *a = &args[k++ * 6];
			a[0] = COFFER_S(cluster_id);
			a[1] = COFFER_S(rd_kafka_topic_name(j->m->rkt));
			a[2] = COFFER_I(j->m->partition);
			a[3] = COFFER_I(j->m->offset);
			a[4] = COFFER_S(j->has_tenant ? j->tenant.id : "");
			a[5] = COFFER_T(j->now);
			want++;
		}
		if (k == MARKER_CHUNK || (i == n && k > 0)) {
			struct coffer_exec_result r = {0};
			int rc = db_exec(w->db, marker_sqls[k], args, k * 6, &r);
			if (rc)
				return rc;
			got += r.affected;
			k = 0;
		}
	}
	*all_fresh = got == want;
	return 0;
}

/* The part of one message inside the batch transaction. 0, NEED_CAREFUL (only
 * when @p careful is false), or an error that rolls back the whole batch
 * (transient, or a handler's RETRY). Careful: insert the marker here and put a
 * savepoint before the handler; otherwise the marker is in (insert_markers) and
 * a rejection sends the batch back to run carefully. */
static int handle_one(struct worker *w, struct job *j, bool careful)
{
	j->result = R_NONE;
	j->events = 0;
	j->waits_outside = false;
	int rc;
	if (careful) {
		uint64_t fresh;
		rc = insert_marker(w, j, &fresh);
		if (rc)
			return rc;
		if (!fresh) {
			j->result = R_DUP;
			return 0;
		}
	}
	if (j->kind == K_DEAD) {
		rc = outbox_write_dead_letter(w->db, j->m, j->has_tenant ? j->tenant.id : "", j->reason,
		                              j->now);
		j->result = R_DEAD;
		return rc;
	}
	if (j->has_event_id) {
		struct coffer_exec_result r = {0};
		rc = db_exec(w->db,
		             "INSERT IGNORE INTO coffer_event_seen (tenant_id, event_id, seen_at) "
		             "VALUES (?, ?, ?)",
		             COFFER_ARGS(COFFER_S(j->tenant.id), COFFER_S(j->event_id), COFFER_T(j->now)),
		             &r);
		if (rc)
			return rc;
		if (r.affected == 0) {
			j->result = R_DUP_EVENT;
			return 0;
		}
	}
	const struct handler *h = j->h;
	bool on = reg_enabled(h->owner->desc->name, j->tenant.id);
	coffer_handler_fn fn = on ? h->fn : h->refuse;
	void *ud = on ? h->ud : h->refuse_ud;
	if (!on)
		j->result = R_DISABLED;
	if (fn == NULL)
		return 0;
	if (careful && (rc = db_savepoint(w->db)) != 0)
		return rc;
	txn_init(&w->txn, w->db, j->now, h->owner->ctx, &j->msg);
	/* Rejected in a run that was rolled back: the handler runs again, behind its
	 * savepoint, because its answer may have depended on that run's state (a
	 * deadlock, a feature switched off since); only the log line is not repeated. */
	w->txn.quiet_reject = j->rejected;
	w->txn.traceparent = j->trace[0];
	w->txn.traceparent_len = j->trace_len[0];
	w->txn.tracestate = j->trace[1];
	w->txn.tracestate_len = j->trace_len[1];
	int64_t t0 = metrics_now_ns();
	enum coffer_outcome o = fn(h->owner->ctx, &w->txn, &j->msg, ud);
	metrics_handler_seconds(j->midx, metrics_now_ns() - t0);
	switch (o) {
	case COFFER_DONE:
		rc = outbox_stage_events(&w->stage, &w->txn, j->now);
		j->events = w->txn.nev;
		if (j->result != R_DISABLED)
			j->result = R_DONE;
		break;
	case COFFER_REJECT:
		snprintf(j->reason, sizeof j->reason, "%s",
		         w->txn.reason[0] ? w->txn.reason : "rejected by the plugin");
		if (!careful) {
			/* No savepoint to undo it alone: the batch runs again, carefully. */
			j->rejected = true;
			rc = NEED_CAREFUL;
			break;
		}
		rc = db_rollback_savepoint(w->db);
		if (rc == 0)
			rc = outbox_write_dead_letter(w->db, j->m, j->tenant.id, j->reason, j->now);
		j->result = R_REJECT;
		break;
	default:
		j->waits_outside = !w->txn.sql_failed;
		rc = COFFER_ETRANSIENT;
		break;
	}
	txn_clear_events(&w->txn);
	return rc;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void set_log_ctx(struct log_ctx *lc, const struct job *j)
{
	*lc = (struct log_ctx){.tenant = j->has_tenant ? j->tenant.id : NULL,
	                       .topic = rd_kafka_topic_name(j->m->rkt),
	                       .partition = j->m->partition,
	                       .offset = j->m->offset};
	log_set_ctx(lc);
}

/* The last resort for a message that keeps failing: its marker and a dead-letter
 * copy in a transaction of their own. */
static int dead_letter_alone(struct worker *w, struct job *j)
{
	uint64_t fresh = 0;
	int rc = db_begin(w->db);
	if (rc == 0)
		rc = insert_marker(w, j, &fresh);
	if (rc == 0 && fresh)
		rc = outbox_write_dead_letter(w->db, j->m, j->has_tenant ? j->tenant.id : "", j->reason,
		                              j->now);
	if (rc == 0)
		rc = db_commit(w->db);
	if (rc != 0) {
		db_rollback(w->db);
		return rc;
	}
	j->result = fresh ? R_DEAD : R_DUP;
	return 0;
}

/* Handle @p n jobs in one transaction; retry (smaller) on transient failure.
 * Returns false when stopping interrupted it (jobs not finished). */
static bool run_batch(struct worker *w, struct job *js, size_t n)
{
	unsigned backoff = 50;
	int attempts = 0;
	bool careful = false;
	struct log_ctx lc;
	for (;;) {
		if (db_ensure(w->db, cfg.stopping) != 0)
			return false;
		outbox_stage_clear(&w->stage);
		int64_t t0 = metrics_now_ns();
		int rc = db_begin(w->db);
		if (rc == 0 && !careful) {
			bool all_fresh = false;
			rc = insert_markers(w, js, n, &all_fresh);
			if (rc == 0 && !all_fresh)
				rc = NEED_CAREFUL;
		}
		size_t i = 0;
		for (; rc == 0 && i < n; i++) {
			if (js[i].kind == K_SKIP) {
				js[i].result = R_SKIP;
				continue;
			}
			set_log_ctx(&lc, &js[i]);
			rc = handle_one(w, &js[i], careful);
		}
		if (rc == 0)
			rc = outbox_stage_flush(w->db, &w->stage);
		if (rc == 0)
			rc = db_commit(w->db);
		log_set_ctx(NULL);
		if (rc == 0) {
			metrics_txn(careful ? MT_CAREFUL : MT_OPTIMISTIC, true, metrics_now_ns() - t0);
			return true;
		}
		outbox_stage_clear(&w->stage);
		db_rollback(w->db);
		metrics_txn(careful ? MT_CAREFUL : MT_OPTIMISTIC, false, metrics_now_ns() - t0);
		if (rc == NEED_CAREFUL) {
			/* Not a failure: the same batch again, a marker and a savepoint per message. */
			metrics_careful_rerun();
			careful = true;
			continue;
		}
		if (n > 1) {
			/* Isolate the message that failed: one transaction each from now on. */
			for (size_t k = 0; k < n; k++)
				if (!run_batch(w, &js[k], 1))
					return false;
			return true;
		}
		set_log_ctx(&lc, &js[0]);
		bool outside = rc == COFFER_ETRANSIENT && js[0].waits_outside;
		const char *why = outside ? "the handler waits for a service outside the database"
		                  : rc == COFFER_ETRANSIENT ? db_error(w->db)
		                                            : coffer_strerror(rc);
		if (!outside && ++attempts >= MAX_ATTEMPTS && db_connected(w->db)) {
			snprintf(js[0].reason, sizeof js[0].reason, "not applied after %d attempts: %s",
			         attempts, why);
			if (dead_letter_alone(w, &js[0]) == 0) {
				LOG_ERR("giving up on the message reason=\"%s\"", js[0].reason);
				log_set_ctx(NULL);
				return true;
			}
		}
		/* A wait outside is the plugin's to log (once per outage), not once per retry. */
		if (outside)
			LOG_DBG("message not applied, will retry error=\"%s\" retry_ms=%u", why, backoff);
		else
			LOG_WRN("message not applied, will retry attempt=%d errno=%u error=\"%s\" retry_ms=%u",
			        attempts, db_errno(w->db), why, backoff);
		log_set_ctx(NULL);
		if (*cfg.stopping)
			return false;
		sleep_ms(backoff);
		backoff = backoff * 2 > 5000 ? 5000 : backoff * 2;
	}
}

static const enum metrics_outcome outcome_of[] = {
	[R_NONE] = MO_DONE, [R_DONE] = MO_DONE, [R_DUP] = MO_REDELIVERY_SKIPPED,
	[R_DUP_EVENT] = MO_DUPLICATE_EVENT, [R_DEAD] = MO_DEAD_LETTERED, [R_REJECT] = MO_REJECTED,
	[R_DISABLED] = MO_FEATURE_OFF, [R_SKIP] = MO_IGNORED,
};

static void report(struct job *j)
{
	struct log_ctx lc;
	metrics_message(j->midx, outcome_of[j->result]);
	set_log_ctx(&lc, j);
	switch (j->result) {
	case R_DEAD:
		LOG_WRN("event=dead_lettered reason=\"%s\"", j->reason);
		break;
	case R_REJECT:
		LOG_WRN("event=dead_lettered reason=\"%s\"", j->reason);
		break;
	case R_DUP:
		LOG_INF("event=skipped reason=\"already processed\"");
		break;
	case R_DUP_EVENT:
		LOG_INF("event=skipped reason=\"duplicate EVENT_ID\" event_id=%s", j->event_id);
		break;
	case R_DISABLED:
		LOG_INF("event=feature_disabled plugin=%s type=%s", j->h->owner->desc->name, j->msg.type);
		break;
	case R_SKIP:
		LOG_DBG("event=ignored reason=\"type not handled on an event topic\"");
		break;
	default:
		LOG_DBG("event=handled type=%s events=%zu", j->msg.type, j->events);
		break;
	}
	log_set_ctx(NULL);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned batch = cfg.batch ? cfg.batch : 1;
	struct job *js = xcalloc(batch, sizeof *js);
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->n == 0 && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->n == 0 && w->quit) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		size_t n = 0;
		while (n < batch && w->n > 0) {
			js[n++] = w->q[w->head];
			w->head = (w->head + 1) % QUEUE_CAP;
			w->n--;
		}
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);

		metrics_batch_size(n);
		for (size_t i = 0; i < n; i++)
			prepare(&js[i]);
		bool ok = run_batch(w, js, n);
		bool kick = false;
		for (size_t i = 0; i < n; i++) {
			if (ok) {
				report(&js[i]);
				kick |= js[i].events > 0 || js[i].result == R_DEAD || js[i].result == R_REJECT;
			}
			/* Destroy first: once the last offset is finished the consumer may close. */
			int64_t offset = js[i].m->offset;
			json_decref(js[i].json);
			rd_kafka_message_destroy(js[i].m);
			offsets_finish(&offs, js[i].tp, offset, ok);
		}
		if (kick)
			outbox_kick();
	}
	free(js);
	txn_free(&w->txn);
	outbox_stage_free(&w->stage);
	return NULL;
}

static void enqueue(struct worker *w, struct job j)
{
	pthread_mutex_lock(&w->mu);
	while (w->n == QUEUE_CAP)
		pthread_cond_wait(&w->cv, &w->mu);
	w->q[(w->head + w->n) % QUEUE_CAP] = j;
	w->n++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* ------------------------------------------------------------------ consumer */

struct topicmap {
	const char *real;
	const char *var;
};
static struct topicmap *tmap;
static size_t ntmap;
static bool ready_logged;

static const char *var_of(const char *real)
{
	for (size_t i = 0; i < ntmap; i++)
		if (strcmp(tmap[i].real, real) == 0)
			return tmap[i].var;
	return NULL;
}

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

static void dispatch(rd_kafka_message_t *m)
{
	const char *real = rd_kafka_topic_name(m->rkt);
	const char *var = var_of(real);
	struct toppar *tp = offsets_track(&offs, real, m->partition, m->offset);
	uint64_t h = hash_bytes(1469598103934665603ull, real, strlen(real));
	h = hash_bytes(h, &m->partition, sizeof m->partition);
	if (m->key)
		h = hash_bytes(h, m->key, m->key_len);
	struct job j = {.m = m, .tp = tp, .topic_var = var ? var : real};
	enqueue(&workers[h % cfg.workers], j);
}

static void rebalance_cb(rd_kafka_t *k, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		rd_kafka_assign(k, parts);
		metrics_rebalance(true);
		health_set(HEALTH_CONSUMER, true, NULL);
		LOG_INF("event=partitions_assigned count=%d", parts->cnt);
		if (!ready_logged) {
			ready_logged = true;
			LOG_INF("event=ready cluster_id=%s workers=%u", cluster_id, cfg.workers);
		}
	} else {
		/* Finish what was handed out and commit it before giving partitions away (not
		 * to a cluster that may have replaced the one these offsets belong to). */
		metrics_rebalance(false);
		health_set(HEALTH_CONSUMER, false,
		           "the consumer holds no partition assignment: partitions revoked, the group is "
		           "rebalancing");
		metrics_lag_clear();
		offsets_wait_idle(&offs);
		if (!brokers_lost)
			commit_offsets(true);
		offsets_forget(&offs);
		rd_kafka_assign(k, NULL);
		LOG_INF("event=partitions_revoked count=%d", parts->cnt);
	}
}

/* ---- metrics: consumer lag from librdkafka's statistics (host/metrics.c) ---- */
#ifndef COFFER_NO_METRICS
static int stats_cb(rd_kafka_t *k, char *json, size_t len, void *opaque)
{
	metrics_kafka_stats(json, len);
	return 0; /* librdkafka frees json */
}
#endif

static void metrics_setup(rd_kafka_conf_t *conf)
{
#ifndef COFFER_NO_METRICS
	char v[32], err[256];
	size_t n = sizeof v;
	if (rd_kafka_conf_get(conf, "statistics.interval.ms", v, &n) == RD_KAFKA_CONF_OK &&
	    strcmp(v, "0") == 0)
		rd_kafka_conf_set(conf, "statistics.interval.ms", "1000", err, sizeof err);
	rd_kafka_conf_set_stats_cb(conf, stats_cb);
#endif
	metrics_init();
	for (size_t i = 0; i < reg_handler_count(); i++) {
		metrics_msg_register(reg_handler(i)->topic_var, reg_handler(i)->type);
		metrics_msg_register(reg_handler(i)->topic_var, "unknown");
	}
}
/* ---- end metrics ---- */

int bus_start(const struct bus_cfg *c)
{
	cfg = *c;
	if (cfg.workers == 0)
		cfg.workers = 1;
	if (cfg.max_message_bytes == 0)
		cfg.max_message_bytes = 1024 * 1024;
	if (cfg.stall_warn_ms == 0)
		cfg.stall_warn_ms = 30000;
	offsets_init(&offs);
	began = true;
	health_set(HEALTH_KAFKA, false,
	           "starting: no partition assignment yet: connecting to the Kafka cluster");
	health_set(HEALTH_CONSUMER, false, NULL);
	char err[512];
	rd_kafka_conf_set_rebalance_cb(cfg.consumer_conf, rebalance_cb);
	rd_kafka_conf_set_error_cb(cfg.consumer_conf, consumer_err_cb);
	size_t bsn = sizeof bootstrap;
	if (rd_kafka_conf_get(cfg.consumer_conf, "bootstrap.servers", bootstrap, &bsn) != RD_KAFKA_CONF_OK)
		bootstrap[0] = '\0';
	metrics_setup(cfg.consumer_conf);
	rk = cu_kafka_new(RD_KAFKA_CONSUMER, cfg.consumer_conf, log_kafka_cb, err, sizeof err);
	if (rk == NULL) {
		LOG_ERR("cannot create consumer error=\"%s\"", err);
		rd_kafka_conf_destroy(cfg.consumer_conf); /* ours either way */
		return COFFER_EINVAL;
	}
	rd_kafka_poll_set_consumer(rk);
	if (cfg.cluster_id)
		snprintf(cluster_id, sizeof cluster_id, "%s", cfg.cluster_id);
	/* The broker may not be up yet: wait, logging at the start and then at most once
	 * a minute, with the count; the readiness state says why meanwhile. */
	int64_t wait_from = mono_ms(), logged = 0;
	for (int attempt = 0; cluster_id[0] == '\0'; attempt++) {
		char *id = rd_kafka_clusterid(rk, 2000);
		if (id) {
			snprintf(cluster_id, sizeof cluster_id, "%s", id);
			rd_kafka_mem_free(rk, id);
			if (attempt > 0)
				LOG_INF("event=kafka_connected attempts=%d waited_ms=%lld", attempt + 1,
				        (long long)(mono_ms() - wait_from));
		} else if (*cfg.stopping) {
			return COFFER_ETRANSIENT;
		} else {
			int64_t now = mono_ms();
			health_set(HEALTH_KAFKA, false,
			           "starting: no partition assignment yet: Kafka cluster unreachable since "
			           "%llds, %d attempts",
			           (long long)(now - wait_from) / 1000, attempt + 1);
			if (attempt == 0 || now - logged >= 60000) {
				LOG_WRN("waiting for the Kafka cluster (no cluster id yet%s) attempts=%d "
				        "waited_ms=%lld",
				        attempt == 0 ? "; retrying, logged again at most once a minute" : "",
				        attempt + 1, (long long)(now - wait_from));
				logged = now;
			}
		}
	}
	health_set(HEALTH_KAFKA, true, NULL);
	/* A mock cluster started by a cofferd publishes its real id on EMBEDDED_ID_TOPIC. */
	if (cfg.cluster_id == NULL && strncmp(cluster_id, "mockCluster", 11) == 0) {
		char id[sizeof cluster_id];
		if (bootstrap[0] != '\0' &&
		    embedded_read_id(&idc, bootstrap, "coffer-bus-cluster-id", id, sizeof id) == 0) {
			snprintf(cluster_id, sizeof cluster_id, "%s", id);
			joined_embedded = true;
		} else {
			LOG_WRN("a mock cluster without %s: its id may repeat across runs", EMBEDDED_ID_TOPIC);
		}
	}
	/* Subscribe to each topic some plugin handles. */
	rd_kafka_topic_partition_list_t *subs = rd_kafka_topic_partition_list_new(8);
	for (size_t i = 0; i < reg_handler_count(); i++) {
		const char *var = reg_handler(i)->topic_var;
		const char *real = reg_topic(var);
		const char *known = var_of(real);
		if (known && strcmp(known, var) != 0) {
			LOG_ERR("two topic variables name one topic topic=%s vars=%s,%s", real, known, var);
			rd_kafka_topic_partition_list_destroy(subs);
			return COFFER_EINVAL;
		}
		if (known)
			continue;
		tmap = xreallocarray(tmap, ntmap + 1, sizeof *tmap);
		tmap[ntmap++] = (struct topicmap){real, var};
		rd_kafka_topic_partition_list_add(subs, real, RD_KAFKA_PARTITION_UA);
	}
	if (subs->cnt == 0) {
		LOG_WRN("no plugin handles any message: nothing to consume");
		health_set(HEALTH_CONSUMER, true, NULL); /* nothing to be assigned: ready without it */
	} else {
		rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, subs);
		if (e) {
			LOG_ERR("subscribe failed error=\"%s\"", rd_kafka_err2str(e));
			rd_kafka_topic_partition_list_destroy(subs);
			return COFFER_EINVAL;
		}
	}
	rd_kafka_topic_partition_list_destroy(subs);
	workers = xcalloc(cfg.workers, sizeof *workers);
	for (unsigned i = 0; i < cfg.workers; i++) {
		struct worker *w = &workers[i];
		w->idx = i;
		w->q = xcalloc(QUEUE_CAP, sizeof *w->q);
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cv, NULL);
		char label[32];
		snprintf(label, sizeof label, "worker%u", i);
		w->db = db_new(&cfg.db, label);
		int e = pthread_create(&w->th, NULL, worker_main, w);
		if (e != 0) {
			db_free(w->db);
			free(w->q);
			return -e;
		}
		nstarted++;
	}
	LOG_INF("event=consumer_started topics=%zu cluster_id=%s", ntmap, cluster_id);
	return 0;
}

/* ------------------------------------------------------------------ stalled partitions */

/* A partition with lag (the broker has offsets beyond ours) whose position has
 * not moved for --stall-warn-ms is logged (event=partition_stalled), then again
 * at most once a minute, and once more when it moves again. A message the
 * consumer cannot read (too large for a fetch) shows up here instead of as
 * silence. */
struct stall {
	char *topic;
	int32_t partition;
	int64_t pos;        /* position at the last check (RD_KAFKA_OFFSET_INVALID: none yet) */
	int64_t since_ms;   /* when pos last changed */
	int64_t warned_ms;  /* last warning, 0 = none in this episode */
	int64_t asked_ms;   /* last watermark query to the broker */
	bool seen;
};
static struct stall *stalls;
static size_t nstalls;

static struct stall *stall_get(const char *topic, int32_t partition)
{
	for (size_t i = 0; i < nstalls; i++)
		if (stalls[i].partition == partition && strcmp(stalls[i].topic, topic) == 0)
			return &stalls[i];
	stalls = xreallocarray(stalls, nstalls + 1, sizeof *stalls);
	stalls[nstalls] = (struct stall){.topic = xstrdup(topic), .partition = partition,
	                                 .pos = RD_KAFKA_OFFSET_INVALID, .since_ms = mono_ms()};
	return &stalls[nstalls++];
}

static void stalls_free(void)
{
	for (size_t i = 0; i < nstalls; i++)
		free(stalls[i].topic);
	free(stalls);
	stalls = NULL;
	nstalls = 0;
}

static void check_stalls(int64_t now)
{
	rd_kafka_topic_partition_list_t *parts = NULL;
	if (rd_kafka_assignment(rk, &parts) != RD_KAFKA_RESP_ERR_NO_ERROR || parts == NULL)
		return;
	rd_kafka_position(rk, parts);
	for (int i = 0; i < parts->cnt; i++) {
		rd_kafka_topic_partition_t *tp = &parts->elems[i];
		struct stall *st = stall_get(tp->topic, tp->partition);
		if (st == NULL)
			continue;
		int64_t lo = RD_KAFKA_OFFSET_INVALID, hi = RD_KAFKA_OFFSET_INVALID;
		rd_kafka_get_watermark_offsets(rk, tp->topic, tp->partition, &lo, &hi);
		if (tp->offset != st->pos) {
			if (st->warned_ms)
				LOG_INF("event=partition_progressing topic=%s partition=%d position=%lld "
				        "stalled_ms=%lld",
				        tp->topic, (int)tp->partition, (long long)tp->offset,
				        (long long)(now - st->since_ms));
			st->pos = tp->offset;
			st->since_ms = now;
			st->warned_ms = 0;
			continue;
		}
		if (now - st->since_ms < cfg.stall_warn_ms)
			continue;
		/* Still for a while: ask the broker (the cached watermark comes with fetch
		 * responses, which stop when a fetch fails), at most once per period. */
		if (now - st->asked_ms >= cfg.stall_warn_ms) {
			st->asked_ms = now;
			int64_t qlo, qhi;
			if (rd_kafka_query_watermark_offsets(rk, tp->topic, tp->partition, &qlo, &qhi, 500) ==
			    RD_KAFKA_RESP_ERR_NO_ERROR) {
				lo = qlo;
				hi = qhi;
			}
		}
		if (hi < 0)
			continue;
		int64_t base = st->pos;
		if (base < 0) {
			/* Nothing consumed since the assignment: from the committed offset, if any. */
			rd_kafka_topic_partition_list_t *one = rd_kafka_topic_partition_list_new(1);
			rd_kafka_topic_partition_list_add(one, tp->topic, tp->partition);
			if (rd_kafka_committed(rk, one, 1000) == RD_KAFKA_RESP_ERR_NO_ERROR)
				base = one->elems[0].offset;
			rd_kafka_topic_partition_list_destroy(one);
			if (base < 0)
				base = lo;
		}
		if (base < 0 || hi <= base)
			continue; /* no lag: idle, not stalled */
		if (st->warned_ms == 0 || now - st->warned_ms >= 60000) {
			LOG_WRN("event=partition_stalled topic=%s partition=%d position=%lld "
			        "high_watermark=%lld lag=%lld stalled_ms=%lld msg=\"no progress while the "
			        "partition has lag (a message too large to fetch? see --max-message-bytes)\"",
			        tp->topic, (int)tp->partition, (long long)base, (long long)hi,
			        (long long)(hi - base), (long long)(now - st->since_ms));
			st->warned_ms = now;
		}
	}
	rd_kafka_topic_partition_list_destroy(parts);
}

/* Served by rd_kafka_consumer_poll, so in bus_run's thread. Errors are logged as
 * librdkafka would without this callback, as warnings: they are transient. */
static void consumer_err_cb(rd_kafka_t *k, int err, const char *reason, void *opaque)
{
	(void)k;
	(void)opaque;
	LOG_WRN("consumer: kafka error=%s reason=\"%s\"", rd_kafka_err2name((rd_kafka_resp_err_t)err),
	        reason);
	if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && joined_embedded)
		brokers_lost = true;
}

/* After brokers_lost, before the next message: is the embedded cluster still the one
 * we joined? Returns false when it was replaced (the message must not be handled). */
static bool same_cluster(void)
{
	char id[sizeof cluster_id];
	for (int attempt = 0; !*cfg.stopping; attempt++) {
		int rc = embedded_read_id(&idc, bootstrap, "coffer-bus-cluster-id", id, sizeof id);
		if (rc == 0 && strcmp(id, cluster_id) == 0) {
			brokers_lost = false;
			LOG_INF("event=embedded_cluster_back cluster_id=%s", cluster_id);
			return true;
		}
		if (rc == 0 || rc == 1 || attempt >= 30) {
			LOG_WRN("event=embedded_cluster_replaced cluster_id=%s new_cluster_id=%s msg=\"the "
			        "embedded Kafka this cofferd joined was replaced (its host restarted): "
			        "exiting with status %d to start again on the new cluster\"",
			        cluster_id, rc == 0 ? id : "-", EXIT_CLUSTER_REPLACED);
			cluster_replaced = true;
			return false;
		}
	}
	return false;
}

int bus_run(void)
{
	int64_t last_commit = mono_ms(), last_stall_check = last_commit;
	while (!*cfg.stopping) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
		if (m != NULL && !m->err && brokers_lost && !same_cluster()) {
			rd_kafka_message_destroy(m);
			break;
		}
		if (m != NULL) {
			if (m->err) {
				if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
					LOG_WRN("consumer error=\"%s\"", rd_kafka_message_errstr(m));
				rd_kafka_message_destroy(m);
			} else {
				dispatch(m);
			}
		}
		if (mono_ms() - last_commit >= 100) {
			commit_offsets(false);
			last_commit = mono_ms();
		}
		int64_t every = cfg.stall_warn_ms / 4 < 1000 ? cfg.stall_warn_ms / 4 : 1000;
		if (mono_ms() - last_stall_check >= every) {
			last_stall_check = mono_ms();
			check_stalls(last_stall_check);
		}
	}
	stalls_free();
	/* Stop: in-flight messages finish, their offsets are committed, then we leave the group. */
	LOG_INF("event=stopping inflight=%ld", offsets_inflight(&offs));
	offsets_wait_idle(&offs);
	if (idc) {
		rd_kafka_destroy_flags(idc, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
		idc = NULL;
	}
	if (cluster_replaced) {
		/* The offsets belong to the dead cluster, the group to the new one: nothing
		 * is committed and the group is not left. The consumer is not destroyed
		 * either: librdkafka's destroy waited up to a minute here for its main
		 * thread, busy rejoining the new cluster (the soak caught a joined cofferd
		 * in it). The process exits soon; rk keeps the handle reachable. */
		return EXIT_CLUSTER_REPLACED;
	}
	commit_offsets(true);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	rk = NULL;
	return 0;
}

void bus_join(void)
{
	if (!began)
		return;
	began = false;
	if (idc != NULL) { /* bus_run never ran */
		rd_kafka_destroy_flags(idc, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
		idc = NULL;
	}
	if (rk != NULL && !cluster_replaced) {
		/* bus_start failed or bus_run never ran: nothing was consumed, nothing to commit. */
		rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
		rk = NULL;
	}
	for (unsigned i = 0; i < nstarted; i++) {
		struct worker *w = &workers[i];
		pthread_mutex_lock(&w->mu);
		w->quit = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
		db_free(w->db);
		free(w->q);
	}
	free(workers);
	workers = NULL;
	nstarted = 0;
	offsets_forget(&offs);
	free(tmap);
	tmap = NULL;
	ntmap = 0;
}
