/* SPDX-License-Identifier: MIT */
/* host/outbox.c: rows of coffer_outbox in, Kafka messages out.
 *
 * Writers append inside the message's transaction, so an event exists exactly
 * when the change that caused it committed. One publisher per deployment (the
 * holder of the MySQL named lock "coffer_outbox") reads the table in id order,
 * produces with an idempotent producer, waits for the acknowledgements and
 * deletes what was delivered. A crash between acknowledgement and delete
 * publishes again; consumers de-duplicate on EVENT_ID.
 *
 * The embedded Kafka (librdkafka's mock cluster, host/embedded.c) lives in the
 * memory of the cofferd that hosts it: what it acknowledged dies with that
 * process, read by a consumer or not. So when the cluster the publisher produces
 * to is an embedded one, an acknowledged row is not deleted but moved to
 * coffer_outbox_delivered, tagged with the identity of the cluster instance that
 * acknowledged it ("embedded-<uuid>", new at every start of a host, published by
 * the host on its __coffer_cluster_id topic), and kept for a window
 * (--set outbox.embedded_retention_rows / _ms). A row tagged with another
 * instance than the current one was acknowledged by a cluster that is gone: the
 * publisher produces it again (same id, EVENT_ID, key, headers; the partitioner
 * maps the key to the same partition) merged in id order with the pending rows,
 * so it goes out before every newer event and per key order holds; then it is
 * tagged with the current instance and follows the window. Rows tagged with the
 * current instance are pruned by the window (chunked DELETEs, at most once a
 * second).
 *
 * Which instance is current: the publisher of the cofferd that hosts the
 * cluster knows it (embedded_cluster_id). Any other publisher (the lock holder
 * of a group whose host is another process, on --bootstrap-servers) reads it
 * from the cluster it produces to: librdkafka's mock names itself mockCluster...
 * and the host's id is on __coffer_cluster_id; read at the start, then again
 * every second and after any failed delivery. A round is tagged with the
 * identity read before it; when the cluster was replaced in between, the rows
 * acknowledged by the new one carry the old tag and are published once more when
 * the change is seen: a duplicate (EVENT_ID dedups), never a loss. A real
 * cluster replicates what it acknowledged: its rows are deleted at once, as
 * before. */
#include "outbox.h"

#include <stdatomic.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <coffer/err.h>

#include "kafka.h"
#include "embedded.h"
#include "log.h"
#include "metrics.h"
#include "util.h"
#include "xalloc.h"

#define BATCH 500
#define DELETE_CHUNK 32
/* Rows per outbox INSERT: 7 binds each, under db.c's 256-bind limit. */
#define INSERT_CHUNK 32

/* ------------------------------------------------------------------ headers */

static unsigned char *put(unsigned char *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

size_t outbox_headers_encode(const char *const *names, const void *const *vals,
                             const size_t *lens, size_t n, unsigned char *out, size_t cap)
{
	size_t need = 0;
	for (size_t i = 0; i < n; i++)
		need += 2 + strlen(names[i]) + 4 + lens[i];
	if (need > cap)
		return 0;
	unsigned char *p = out;
	for (size_t i = 0; i < n; i++) {
		uint16_t nl = (uint16_t)strlen(names[i]);
		uint32_t vl = (uint32_t)lens[i];
		p = put(p, &nl, 2);
		p = put(p, names[i], nl);
		p = put(p, &vl, 4);
		p = put(p, vals[i], vl);
	}
	return (size_t)(p - out);
}

static rd_kafka_headers_t *headers_decode(const unsigned char *p, size_t n)
{
	rd_kafka_headers_t *h = rd_kafka_headers_new(8);
	const unsigned char *end = p + n;
	while (p + 6 <= end) {
		uint16_t nl;
		uint32_t vl;
		memcpy(&nl, p, 2);
		if (p + 2 + nl + 4 > end)
			break;
		const char *name = (const char *)p + 2;
		memcpy(&vl, p + 2 + nl, 4);
		const unsigned char *v = p + 2 + nl + 4;
		if (v + vl > end)
			break;
		rd_kafka_header_add(h, name, nl, v, vl);
		p = v + vl;
	}
	return h;
}

/* ------------------------------------------------------------------ writers */

struct encoded {
	char topic[256];
	uint8_t key[8];
	unsigned char *hdr;
	size_t hdr_len;
	char *payload;
};

static int encode_event(const struct coffer_txn *t, const struct txn_event *e, struct encoded *out)
{
	snprintf(out->topic, sizeof out->topic, "%s", reg_topic(e->topic_var));
	cu_key_encode(e->key, out->key);
	uint8_t maj[2] = {(uint8_t)(e->tenant.major >> 8), (uint8_t)e->tenant.major};
	uint8_t min[2] = {(uint8_t)(e->tenant.minor >> 8), (uint8_t)e->tenant.minor};
	const char *names[7] = {"TENANT_ID", "REGION", "MAJOR_VERSION", "MINOR_VERSION", "EVENT_ID"};
	const void *vals[7] = {e->tenant.id, e->tenant.region, maj, min, e->event_id};
	size_t lens[7] = {strlen(e->tenant.id), strlen(e->tenant.region), 2, 2, 36};
	size_t n = 5;
	if (t->traceparent) {
		names[n] = "traceparent";
		vals[n] = t->traceparent;
		lens[n++] = t->traceparent_len;
	}
	if (t->tracestate) {
		names[n] = "tracestate";
		vals[n] = t->tracestate;
		lens[n++] = t->tracestate_len;
	}
	size_t cap = 0;
	for (size_t i = 0; i < n; i++)
		cap += 6 + strlen(names[i]) + lens[i];
	out->hdr = xmalloc(cap);
	out->hdr_len = outbox_headers_encode(names, vals, lens, n, out->hdr, cap);
	out->payload = json_dumps(e->value, JSON_COMPACT);
	return out->payload && out->hdr_len ? 0 : -ENOMEM;
}

static char insert_sqls[INSERT_CHUNK + 1][1024];
static char delete_sqlbuf[512];
/* The embedded cluster's rows: move to coffer_outbox_delivered, tag again, delete there. */
static char move_sqlbuf[1024], retag_sqlbuf[512], delete_delivered_sqlbuf[512];
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

/* @p prefix, then "(?,?,...)" with DELETE_CHUNK marks, then @p suffix. */
static void in_list_sql(char *buf, size_t cap, const char *prefix, const char *suffix)
{
	int n = snprintf(buf, cap, "%s(", prefix);
	for (int i = 0; i < DELETE_CHUNK; i++)
		n += snprintf(buf + n, cap - (size_t)n, "%s?", i ? "," : "");
	snprintf(buf + n, cap - (size_t)n, ")%s", suffix);
}

/* Multi-row INSERT for 1..INSERT_CHUNK rows and the chunked DELETE, built once. */
static void build_sql(void)
{
	for (size_t k = 1; k <= INSERT_CHUNK; k++) {
		int n = snprintf(insert_sqls[k], sizeof insert_sqls[k],
		                 "INSERT INTO coffer_outbox (event_id, tenant_id, topic, msg_key, "
		                 "headers, payload, created_at) VALUES ");
		for (size_t i = 0; i < k; i++)
			n += snprintf(insert_sqls[k] + n, sizeof insert_sqls[k] - (size_t)n,
			              "%s(?,?,?,?,?,?,?)", i ? "," : "");
	}
	in_list_sql(delete_sqlbuf, sizeof delete_sqlbuf, "DELETE FROM coffer_outbox WHERE id IN ", "");
	in_list_sql(move_sqlbuf, sizeof move_sqlbuf,
	            "INSERT INTO coffer_outbox_delivered (id, event_id, tenant_id, topic, msg_key, "
	            "headers, payload, created_at, cluster_id, delivered_at) SELECT id, event_id, "
	            "tenant_id, topic, msg_key, headers, payload, created_at, ?, ? FROM coffer_outbox "
	            "WHERE id IN ",
	            " ON DUPLICATE KEY UPDATE cluster_id = VALUES(cluster_id), "
	            "delivered_at = VALUES(delivered_at)");
	in_list_sql(retag_sqlbuf, sizeof retag_sqlbuf,
	            "UPDATE coffer_outbox_delivered SET cluster_id = ?, delivered_at = ? WHERE id IN ", "");
	in_list_sql(delete_delivered_sqlbuf, sizeof delete_delivered_sqlbuf,
	            "DELETE FROM coffer_outbox_delivered WHERE id IN ", "");
}

static const char *insert_sql(size_t rows)
{
	pthread_once(&sql_once, build_sql);
	return insert_sqls[rows];
}

static const char *delete_sql(void)
{
	pthread_once(&sql_once, build_sql);
	return delete_sqlbuf;
}

static const char *move_sql(void)
{
	pthread_once(&sql_once, build_sql);
	return move_sqlbuf;
}

static const char *retag_sql(void)
{
	pthread_once(&sql_once, build_sql);
	return retag_sqlbuf;
}

static const char *delete_delivered_sql(void)
{
	pthread_once(&sql_once, build_sql);
	return delete_delivered_sqlbuf;
}

/* One encoded outbox row waiting in a stage. */
struct staged {
	char event_id[37];
	char tenant_id[37];
	int64_t now_us;
	struct encoded enc;
};

static void staged_release(struct staged *r)
{
	free(r->enc.payload);
	free(r->enc.hdr);
	r->enc.payload = NULL;
	r->enc.hdr = NULL;
}

void outbox_stage_clear(struct outbox_stage *s)
{
	for (size_t i = 0; i < s->n; i++)
		staged_release(&s->rows[i]);
	s->n = 0;
}

void outbox_stage_free(struct outbox_stage *s)
{
	outbox_stage_clear(s);
	free(s->rows);
	s->rows = NULL;
	s->cap = 0;
}

int outbox_stage_events(struct outbox_stage *s, const struct coffer_txn *t, int64_t now_us)
{
	for (size_t i = 0; i < t->nev; i++) {
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 64;
			s->rows = xreallocarray(s->rows, cap, sizeof *s->rows);
			s->cap = cap;
		}
		const struct txn_event *e = &t->ev[i];
		struct staged *r = &s->rows[s->n];
		*r = (struct staged){.now_us = now_us};
		memcpy(r->event_id, e->event_id, sizeof r->event_id);
		memcpy(r->tenant_id, e->tenant.id, sizeof r->tenant_id);
		int rc = encode_event(t, e, &r->enc);
		if (rc != 0) {
			staged_release(r);
			return rc;
		}
		s->n++;
	}
	return 0;
}

int outbox_stage_flush(struct db_conn *db, struct outbox_stage *s)
{
	int rc = 0;
	for (size_t base = 0; rc == 0 && base < s->n; base += INSERT_CHUNK) {
		size_t k = s->n - base < INSERT_CHUNK ? s->n - base : INSERT_CHUNK;
		struct coffer_val args[INSERT_CHUNK * 7];
		for (size_t i = 0; i < k; i++) {
			const struct staged *r = &s->rows[base + i];
			struct coffer_val *a = &args[i * 7];
			a[0] = COFFER_B(r->event_id, 36);
			a[1] = COFFER_S(r->tenant_id);
			a[2] = COFFER_S(r->enc.topic);
			a[3] = COFFER_B(r->enc.key, 8);
			a[4] = COFFER_B(r->enc.hdr, r->enc.hdr_len);
			a[5] = COFFER_S(r->enc.payload);
			a[6] = COFFER_T(r->now_us);
		}
		rc = db_exec(db, insert_sql(k), args, k * 7, NULL);
	}
	outbox_stage_clear(s);
	return rc;
}

int outbox_write_events(struct coffer_txn *t, int64_t now_us)
{
	struct outbox_stage s = {0};
	int rc = outbox_stage_events(&s, t, now_us);
	if (rc == 0)
		rc = outbox_stage_flush(t->db, &s);
	outbox_stage_free(&s);
	return rc;
}

/* The limit dead-letter copies are sized to (--max-message-bytes), minus room for
 * Kafka's record framing, so that the copy of a message as large as the limit
 * still fits a broker whose message.max.bytes is the limit. */
static unsigned dl_limit = 1024 * 1024;
#define DL_FRAMING 1024

static size_t dl_budget(void)
{
	return dl_limit > 4 * DL_FRAMING ? dl_limit - DL_FRAMING : dl_limit / 2;
}

int outbox_write_dead_letter(struct db_conn *db, const rd_kafka_message_t *m,
                             const char *tenant_id, const char *reason, int64_t now_us)
{
	rd_kafka_headers_t *orig = NULL;
	rd_kafka_message_headers(m, &orig);
	size_t cnt = orig ? rd_kafka_header_cnt(orig) : 0;
	if (cnt > 58)
		cnt = 58;
	const char *names[64];
	const void *vals[64];
	size_t lens[64];
	size_t n = 0, orig_bytes = 0;
	for (size_t i = 0; i < cnt; i++) {
		const char *name;
		const void *v;
		size_t l;
		if (rd_kafka_header_get_all(orig, i, &name, &v, &l) == RD_KAFKA_RESP_ERR_NO_ERROR) {
			names[n] = name;
			vals[n] = v ? v : "";
			lens[n] = v ? l : 0;
			orig_bytes += 6 + strlen(name) + lens[n++];
		}
	}
	size_t budget = dl_budget();
	const void *key = m->key;
	size_t key_len = m->key ? m->key_len : 0;
	char dropped[24] = "", key_dropped[24] = "", truncated[24] = "";
	if (key_len > budget / 4) {
		snprintf(key_dropped, sizeof key_dropped, "%zu", key_len);
		key = NULL;
		key_len = 0;
	}
	if (orig_bytes > budget / 4) {
		snprintf(dropped, sizeof dropped, "%zu", n);
		n = 0;
	}
	char part[16], off[24];
	snprintf(part, sizeof part, "%d", (int)m->partition);
	snprintf(off, sizeof off, "%lld", (long long)m->offset);
	const char *topic = rd_kafka_topic_name(m->rkt);
	const char *extra[4][2] = {{"DEAD_LETTER_REASON", reason},
	                           {"DEAD_LETTER_TOPIC", topic},
	                           {"DEAD_LETTER_PARTITION", part},
	                           {"DEAD_LETTER_OFFSET", off}};
	for (size_t i = 0; i < 4; i++) {
		names[n] = extra[i][0];
		vals[n] = extra[i][1];
		lens[n++] = strlen(extra[i][1]);
	}
	if (dropped[0]) {
		names[n] = "DEAD_LETTER_HEADERS_DROPPED";
		vals[n] = dropped;
		lens[n++] = strlen(dropped);
	}
	if (key_dropped[0]) {
		names[n] = "DEAD_LETTER_KEY_DROPPED";
		vals[n] = key_dropped;
		lens[n++] = strlen(key_dropped);
	}
	size_t cap = 64 + 6 + sizeof "DEAD_LETTER_TRUNCATED" + sizeof truncated;
	for (size_t i = 0; i < n; i++)
		cap += 6 + strlen(names[i]) + lens[i];
	/* A copy that would not fit keeps the start of the payload and says so. */
	size_t payload_len = m->payload ? m->len : 0, original_len = payload_len;
	if (cap + key_len + payload_len > budget) {
		snprintf(truncated, sizeof truncated, "%zu", payload_len);
		payload_len = budget > cap + key_len ? budget - cap - key_len : 0;
		names[n] = "DEAD_LETTER_TRUNCATED";
		vals[n] = truncated;
		lens[n++] = strlen(truncated);
	}
	unsigned char *hdr = xmalloc(cap);
	size_t hl = outbox_headers_encode(names, vals, lens, n, hdr, cap);
	if (truncated[0] && dropped[0])
		LOG_WRN("event=dead_letter_truncated payload_bytes=%zu kept_bytes=%zu limit=%u "
		        "headers=dropped", original_len, payload_len, dl_limit);
	else if (truncated[0])
		LOG_WRN("event=dead_letter_truncated payload_bytes=%zu kept_bytes=%zu limit=%u",
		        original_len, payload_len, dl_limit);
	char id[37];
	cu_uuid_new(id);
	int rc = db_exec(db,
	                 "INSERT INTO coffer_outbox (event_id, tenant_id, topic, msg_key, headers, "
	                 "payload, created_at) VALUES (?,?,?,?,?,?,?)",
	                 COFFER_ARGS(COFFER_B(id, 36), COFFER_S(tenant_id ? tenant_id : ""),
	                             COFFER_S(reg_topic("DEAD_LETTER_TOPIC")),
	                             key ? COFFER_B(key, key_len) : COFFER_NULLV,
	                             COFFER_B(hdr, hl), COFFER_B(m->payload ? m->payload : "", payload_len),
	                             COFFER_T(now_us)),
	                 NULL);
	free(hdr);
	return rc;
}

/* ------------------------------------------------------------------ publisher */

struct row {
	uint64_t id;
	bool replay;      /* read from coffer_outbox_delivered: delivered to a cluster that is gone */
	bool done;
	bool failed;
	bool too_large;   /* the producer or the broker refused it as too large: permanent */
	bool stub;        /* its stand-in was produced (opaque of that delivery) */
	bool gave_up;     /* even the stand-in was refused as too large: deleted, logged */
	size_t bytes;     /* key + headers + payload, for the log */
};

/* Too large is permanent: the same row would fail every round, block the rows
 * behind it and slow everything with the back-off. */
static bool size_error(rd_kafka_resp_err_t err)
{
	return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
	       err == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE ||
	       err == RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE;
}

static struct {
	struct outbox_cfg cfg;
	pthread_t thread;
	bool started;                  /* the thread runs: outbox_join joins it */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool kicked;
	long left;
	rd_kafka_t *rk;
	struct db_conn *db;
	struct row rows[BATCH];
	size_t nrows;
	size_t outstanding;
	bool have_lock;
	atomic_bool stop;              /* set by outbox_join, after every writer stopped */
	int64_t deadline_ms;             /* while stopping: give up publishing after this */
	rd_kafka_conf_t *conf;           /* a copy, to recreate the producer after a fatal error */
	/* The embedded cluster's death (the comment at the top). */
	char ident[128];                 /* the current cluster instance; "" = a real cluster */
	bool ident_known;                /* ident was read (or is fixed: we host the cluster) */
	bool ident_fixed;
	int64_t ident_next_ms;           /* read it again from then */
	bool replay;                     /* rows of other instances may wait */
	bool broker_lost;                /* every broker went down (error_cb, publisher thread) */
	rd_kafka_t *idc;                 /* a consumer that reads __coffer_cluster_id */
	int64_t prune_next_ms;
} P = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

void outbox_kick(void)
{
	pthread_mutex_lock(&P.lock);
	P.kicked = true;
	pthread_cond_signal(&P.cond);
	pthread_mutex_unlock(&P.lock);
}

/* Served by rd_kafka_poll, so in the publisher's thread. Errors are logged as librdkafka
 * would without this callback. Every broker down on an embedded cluster that another
 * process hosts: that process may have died, and librdkafka would deliver what it holds
 * to the next instance on the same port before the rows of the dead one are published
 * again, out of order per key. So the publisher drops what is queued (the rows stay in
 * the outbox) and publishes nothing until it has read the instance anew. */
static void err_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	(void)rk;
	(void)opaque;
	LOG_WRN("publisher: kafka error=%s reason=\"%s\"", rd_kafka_err2name((rd_kafka_resp_err_t)err),
	        reason);
	if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && !P.ident_fixed && P.ident[0])
		P.broker_lost = true;
}

/* After broker_lost: purge the producer's queue and in-flight requests (their rows
 * fail, stay in the outbox and go out again) and forget the instance. */
static void on_broker_lost(void)
{
	if (!P.broker_lost)
		return;
	P.broker_lost = false;
	rd_kafka_purge(P.rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
	P.ident_known = false;
	P.ident_next_ms = 0;
	LOG_WRN("publisher: every broker of the embedded cluster %s is down: queued events "
	        "dropped (they stay in the outbox), publishing waits for the cluster",
	        P.ident);
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct row *r = m->_private;
	if (r == NULL)
		return;
	metrics_published(!m->err);
	if (m->err && size_error(m->err) && r->stub) {
		r->gave_up = true;
		LOG_ERR("event=publish_gave_up id=%llu bytes=%zu error=\"%s\" msg=\"even "
		        "its truncated stand-in is too large; the row is deleted\"",
		        (unsigned long long)r->id, r->bytes, rd_kafka_err2str(m->err));
	} else if (m->err && size_error(m->err)) {
		r->too_large = true;
	} else if (m->err) {
		r->failed = true;
		LOG_WRN("publish failed topic=%s error=\"%s\": will retry", rd_kafka_topic_name(m->rkt),
		        rd_kafka_err2str(m->err));
	} else {
		r->done = true;
	}
	P.outstanding--;
}

struct produce_ctx {
	size_t produced;
};

/* What is kept of a row that cannot be published: the start of its payload. */
#define STUB_PAYLOAD 4096

/* The stand-in for row @p r, which is too large for the producer or the broker:
 * on DEAD_LETTER_TOPIC, with its key, its headers (when they are small), the first
 * STUB_PAYLOAD bytes of its payload and COFFER_PUBLISH_ERROR (what happened),
 * COFFER_PUBLISH_TOPIC (where it was going), DEAD_LETTER_TRUNCATED (the payload's
 * length). The row is deleted once the stand-in is acknowledged. */
static void produce_stub(struct row *r, const char *topic, const void *kp, size_t kl,
                         const unsigned char *hdr, size_t hl, const void *pl, size_t pll,
                         const char *why)
{
	rd_kafka_headers_t *h = hl <= 16384 ? headers_decode(hdr, hl) : rd_kafka_headers_new(4);
	rd_kafka_header_remove(h, "DEAD_LETTER_TRUNCATED");
	char msg[512], len[24];
	snprintf(msg, sizeof msg, "too large to publish: %zu bytes (%s)", r->bytes, why);
	snprintf(len, sizeof len, "%zu", pll);
	rd_kafka_header_add(h, "COFFER_PUBLISH_ERROR", -1, msg, -1);
	rd_kafka_header_add(h, "COFFER_PUBLISH_TOPIC", -1, topic, -1);
	rd_kafka_header_add(h, "DEAD_LETTER_TRUNCATED", -1, len, -1);
	const char *dlt = reg_topic("DEAD_LETTER_TOPIC");
	LOG_WRN("event=publish_too_large id=%llu topic=%s bytes=%zu error=\"%s\" action=\"a "
	        "truncated stand-in goes to %s; the row is deleted then\"",
	        (unsigned long long)r->id, topic, r->bytes, why, dlt);
	r->stub = true;
	r->too_large = false;
	for (;;) {
		rd_kafka_resp_err_t err = rd_kafka_producev(
			P.rk, RD_KAFKA_V_TOPIC(dlt), RD_KAFKA_V_KEY(kp, kl),
			RD_KAFKA_V_VALUE((void *)pl, pll < STUB_PAYLOAD ? pll : STUB_PAYLOAD),
			RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(h),
			RD_KAFKA_V_OPAQUE(r), RD_KAFKA_V_END);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			P.outstanding++;
			return;
		}
		if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			rd_kafka_poll(P.rk, 10);
			continue;
		}
		rd_kafka_headers_destroy(h);
		if (size_error(err)) {
			r->gave_up = true;
			LOG_ERR("event=publish_gave_up id=%llu bytes=%zu error=\"%s\" "
			        "msg=\"even its truncated stand-in is too large; the row is deleted\"",
			        (unsigned long long)r->id, r->bytes, rd_kafka_err2str(err));
		} else {
			r->failed = true;
			LOG_ERR("produce failed topic=%s error=\"%s\"", dlt, rd_kafka_err2str(err));
		}
		return;
	}
}

/* A row the broker refused as too large, read again by id for its stand-in. */
static int stub_row(void *ud, const struct coffer_row *row)
{
	struct row *r = ud;
	char topic[256];
	snprintf(topic, sizeof topic, "%.*s", (int)row->col[0].v.s.n, row->col[0].v.s.p);
	const struct coffer_val *key = &row->col[1], *hdr = &row->col[2], *pl = &row->col[3];
	produce_stub(r, topic, key->t == COFFER_V_STR ? key->v.s.p : NULL,
	             key->t == COFFER_V_STR ? key->v.s.n : 0, (const unsigned char *)hdr->v.s.p,
	             hdr->v.s.n, pl->v.s.p, pl->v.s.n, "refused by the broker");
	return 0;
}

static int produce_row(void *ud, const struct coffer_row *row)
{
	struct produce_ctx *pc = ud;
	if (P.nrows == BATCH)
		return 1;
	struct row *r = &P.rows[P.nrows++];
	*r = (struct row){.id = coffer_val_u64(&row->col[0]),
	                  .replay = row->ncols > 5 && coffer_val_i64(&row->col[5]) != 0};
	char topic[256];
	snprintf(topic, sizeof topic, "%.*s", (int)row->col[1].v.s.n, row->col[1].v.s.p);
	const struct coffer_val *key = &row->col[2], *hdr = &row->col[3], *pl = &row->col[4];
	rd_kafka_headers_t *h = headers_decode((const unsigned char *)hdr->v.s.p, hdr->v.s.n);
	const void *kp = key->t == COFFER_V_STR ? key->v.s.p : NULL;
	size_t kl = key->t == COFFER_V_STR ? key->v.s.n : 0;
	r->bytes = kl + hdr->v.s.n + pl->v.s.n;
	for (;;) {
		rd_kafka_resp_err_t err = rd_kafka_producev(
			P.rk, RD_KAFKA_V_TOPIC(topic),
			RD_KAFKA_V_KEY(kp, kl),
			RD_KAFKA_V_VALUE((void *)pl->v.s.p, pl->v.s.n), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_OPAQUE(r), RD_KAFKA_V_END);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			P.outstanding++;
			pc->produced++;
			break;
		}
		if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			rd_kafka_poll(P.rk, 10);
			continue;
		}
		metrics_published(false);
		rd_kafka_headers_destroy(h);
		if (size_error(err)) {
			produce_stub(r, topic, kp, kl, (const unsigned char *)hdr->v.s.p, hdr->v.s.n,
			             pl->v.s.p, pl->v.s.n, rd_kafka_err2str(err));
			break;
		}
		LOG_ERR("produce failed topic=%s error=\"%s\"", topic, rd_kafka_err2str(err));
		r->failed = true;
		break;
	}
	return 0;
}

/* What a row of the round becomes (the comment at the top). */
enum settle { S_KEEP, S_DELETE, S_MOVE, S_RETAG, S_DELETE_REPLAYED };

static enum settle settle_of(const struct row *r, bool retain)
{
	if (r->gave_up)
		return r->replay ? S_DELETE_REPLAYED : S_DELETE;
	if (!r->done)
		return S_KEEP;
	if (r->replay)
		return S_RETAG; /* only read while retaining */
	return retain ? S_MOVE : S_DELETE;
}

/* Run @p sql for the rows whose settle is @p what, DELETE_CHUNK ids at a time after
 * @p nlead leading arguments; padding repeats an id, which is harmless. */
static int settle_rows(const char *sql, enum settle what, bool retain,
                       const struct coffer_val *lead, size_t nlead)
{
	struct coffer_val args[2 + DELETE_CHUNK];
	for (size_t j = 0; j < nlead; j++)
		args[j] = lead[j];
	struct coffer_val *ids = args + nlead;
	size_t k = 0;
	int rc = 0;
	for (size_t i = 0; i <= P.nrows && rc == 0; i++) {
		if (i < P.nrows && settle_of(&P.rows[i], retain) == what)
			ids[k++] = COFFER_U(P.rows[i].id);
		if (k == DELETE_CHUNK || (i == P.nrows && k > 0)) {
			for (size_t j = k; j < DELETE_CHUNK; j++)
				ids[j] = ids[0];
			rc = db_exec(P.db, sql, args, nlead + DELETE_CHUNK, NULL);
			k = 0;
		}
	}
	return rc;
}

/* Delete what a real cluster acknowledged; keep what an embedded one did, tagged
 * with @p tag (the instance the round was produced to). One transaction, so a
 * row is in exactly one of the two tables. */
static int settle_round(const char *tag, bool retain)
{
	if (!retain)
		return settle_rows(delete_sql(), S_DELETE, false, NULL, 0);
	struct coffer_val lead[2] = {COFFER_S(tag), COFFER_T(cu_now_us())};
	int rc = db_begin(P.db);
	if (rc == 0)
		rc = settle_rows(move_sql(), S_MOVE, true, lead, 2);
	if (rc == 0)
		rc = settle_rows(delete_sql(), S_MOVE, true, NULL, 0);
	if (rc == 0)
		rc = settle_rows(delete_sql(), S_DELETE, true, NULL, 0);
	if (rc == 0)
		rc = settle_rows(retag_sql(), S_RETAG, true, lead, 2);
	if (rc == 0)
		rc = settle_rows(delete_delivered_sql(), S_DELETE_REPLAYED, true, NULL, 0);
	if (rc == 0)
		rc = db_commit(P.db);
	else if (db_connected(P.db))
		db_rollback(P.db);
	return rc;
}

static int count_left(void *ud, const struct coffer_row *row)
{
	*(long *)ud = (long)coffer_val_i64(&row->col[0]);
	return 0;
}

static int got_lock(void *ud, const struct coffer_row *row)
{
	*(bool *)ud = coffer_val_i64(&row->col[0]) == 1;
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An idempotent producer that hit a fatal error produces nothing more: replace it.
 * Rows not acknowledged stay in the outbox and go out again (EVENT_ID dedups). */
static void renew_producer_if_fatal(void)
{
	char err[512];
	if (rd_kafka_fatal_error(P.rk, err, sizeof err) == RD_KAFKA_RESP_ERR_NO_ERROR)
		return;
	LOG_ERR("producer fatal error=\"%s\": creating a new producer", err);
	P.ident_next_ms = 0; /* e.g. a new embedded cluster that does not know our producer id */
	rd_kafka_purge(P.rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
	rd_kafka_poll(P.rk, 0);
	rd_kafka_destroy(P.rk);
	P.outstanding = 0;
	P.rk = cu_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_dup(P.conf), log_kafka_cb, err, sizeof err);
	if (P.rk == NULL) {
		LOG_ERR("cannot create producer error=\"%s\"", err);
		abort();
	}
}

/* ---- the embedded cluster's instance (the comment at the top) ---- */

/* Whether rows acknowledged now are kept: an embedded cluster, a window. */
static bool retaining(const char *tag)
{
	return tag[0] != '\0' && P.cfg.retention_rows > 0 && P.cfg.retention_ms > 0;
}

/* Read the host's id from __coffer_cluster_id of the cluster at our bootstrap
 * list (embedded_read_id). 0 found, 1 the topic is empty or missing, -1 not known now. */
static int read_id_topic(char *out, size_t cap)
{
	char bs[1024];
	size_t n = sizeof bs;
	if (rd_kafka_conf_get(P.conf, "bootstrap.servers", bs, &n) != RD_KAFKA_CONF_OK)
		return -1;
	return embedded_read_id(&P.idc, bs, "coffer-outbox-cluster-id", out, cap);
}

/* The instance the producer reaches now: "" for a real cluster. 0, or -1 when the
 * cluster cannot be asked now. */
static int read_ident(char *out, size_t cap)
{
	char *cid = rd_kafka_clusterid(P.rk, 1000);
	if (cid == NULL)
		return -1;
	int rc = 0;
	if (strncmp(cid, "mockCluster", 11) != 0) {
		out[0] = '\0';
	} else {
		rc = read_id_topic(out, cap);
		if (rc == 1) {
			/* A mock cluster no cofferd started: its own id, which may repeat. */
			static bool warned;
			if (!warned)
				LOG_WRN("outbox: a mock cluster without %s: its id may repeat across runs, "
				        "so events it acknowledged may not be published again after its death",
				        EMBEDDED_ID_TOPIC);
			warned = true;
			snprintf(out, cap, "%s", cid);
			rc = 0;
		}
	}
	rd_kafka_mem_free(P.rk, cid);
	return rc;
}

/* Learn the current instance: fixed when we host it, else read from the cluster
 * at the start, every second and after a failed delivery (ident_next_ms = 0). */
static void refresh_ident(void)
{
	if (P.ident_fixed || (P.ident_known && mono_ms() < P.ident_next_ms))
		return;
	char id[sizeof P.ident];
	int rc = read_ident(id, sizeof id);
	P.ident_next_ms = mono_ms() + 1000;
	if (rc != 0)
		return; /* not known now: keep what we had */
	if (P.ident_known && strcmp(id, P.ident) == 0)
		return;
	snprintf(P.ident, sizeof P.ident, "%s", id);
	P.ident_known = true;
	P.replay = true;
	LOG_INF("event=outbox_cluster cluster_id=%s embedded=%s retention_rows=%lld retention_ms=%lld",
	        id[0] ? id : "-", id[0] ? "yes" : "no", (long long)P.cfg.retention_rows,
	        (long long)P.cfg.retention_ms);
}

/* Rows delivered to other instances than @p tag: how many (-1 on error). */
static long count_replay(const char *tag)
{
	long n = -1;
	if (db_select(P.db, "SELECT COUNT(*) FROM coffer_outbox_delivered WHERE cluster_id <> ?",
	              COFFER_ARGS(COFFER_S(tag)), count_left, &n) != 0)
		return -1;
	return n;
}

static int read_edge(void *ud, const struct coffer_row *row)
{
	*(uint64_t *)ud = coffer_val_u64(&row->col[0]);
	return 0;
}

#define PRUNE_CHUNK 1000
#define PRUNE_CHUNKS 20

/* The window, at most once a second: rows of the current instance older than
 * retention_ms, or beyond the newest retention_rows, in chunks of PRUNE_CHUNK
 * (at most PRUNE_CHUNKS of each a time; the rest next second). */
static void prune(const char *tag)
{
	if (!retaining(tag) || mono_ms() < P.prune_next_ms || !db_connected(P.db))
		return;
	P.prune_next_ms = mono_ms() + 1000;
	struct coffer_exec_result res = {0};
	int64_t cutoff = cu_now_us() - P.cfg.retention_ms * 1000;
	for (int i = 0; i < PRUNE_CHUNKS; i++) {
		if (db_exec(P.db, "DELETE FROM coffer_outbox_delivered WHERE cluster_id = ? AND "
		                  "delivered_at < ? ORDER BY delivered_at LIMIT 1000",
		            COFFER_ARGS(COFFER_S(tag), COFFER_T(cutoff)), &res) != 0 ||
		    res.affected < PRUNE_CHUNK)
			break;
	}
	uint64_t edge = 0;
	if (db_select(P.db, "SELECT id FROM coffer_outbox_delivered WHERE cluster_id = ? "
	                    "ORDER BY id DESC LIMIT 1 OFFSET ?",
	              COFFER_ARGS(COFFER_S(tag), COFFER_I(P.cfg.retention_rows)), read_edge, &edge) != 0 ||
	    edge == 0)
		return;
	for (int i = 0; i < PRUNE_CHUNKS; i++) {
		if (db_exec(P.db, "DELETE FROM coffer_outbox_delivered WHERE cluster_id = ? AND id <= ? "
		                  "ORDER BY id LIMIT 1000",
		            COFFER_ARGS(COFFER_S(tag), COFFER_U(edge)), &res) != 0 ||
		    res.affected < PRUNE_CHUNK)
			break;
	}
}
/* ---- end of the embedded cluster's instance ---- */

/* One round: returns rows published, 0 when idle, < 0 on error. */
static int publish_round(void)
{
	if (db_ensure(P.db, NULL) != 0) {
		P.have_lock = false;
		return COFFER_ETRANSIENT;
	}
	if (!P.have_lock) {
		/* The lock's name is part of the contract with operators and tests
		 * (tests/integration/lib.sh OUTBOX_LOCK): change both together. */
		bool ok = false;
		if (db_select(P.db, "SELECT GET_LOCK(CONCAT('coffer_outbox.', DATABASE()), 0)", COFFER_NOARGS, got_lock, &ok) !=
		    0)
			return COFFER_ETRANSIENT;
		if (!ok)
			return 0; /* another cofferd publishes */
		P.have_lock = true;
		P.replay = true; /* another publisher may have left rows of a dead instance */
		LOG_INF("event=publisher_active");
	}
	rd_kafka_poll(P.rk, 0); /* error events: broker_lost */
	on_broker_lost();
	refresh_ident();
	if (!P.ident_known) {
		/* The cluster does not answer: nothing can be published; idle if nothing waits
		 * (a drain at exit then ends at once). */
		long waiting = -1;
		db_select(P.db, "SELECT COUNT(*) FROM (SELECT 1 FROM coffer_outbox LIMIT 1) w",
		          COFFER_NOARGS, count_left, &waiting);
		return waiting == 0 ? 0 : COFFER_ETRANSIENT;
	}
	char tag[sizeof P.ident];
	snprintf(tag, sizeof tag, "%s", P.ident);
	bool retain = retaining(tag);
	prune(tag);
	if (P.replay && retain) {
		long n = count_replay(tag);
		if (n == 0)
			P.replay = false;
		else if (n > 0)
			LOG_INF("event=outbox_republish rows=%ld cluster_id=%s msg=\"delivered to an "
			        "embedded cluster that is gone, published again before newer events\"",
			        n, tag);
	}
	bool replaying = P.replay && retain;
	P.nrows = 0;
	struct produce_ctx pc = {0};
	int rc = replaying
		? db_select(P.db,
		            "(SELECT id, topic, msg_key, headers, payload, 0 AS src FROM coffer_outbox "
		            "ORDER BY id LIMIT 500) UNION ALL (SELECT id, topic, msg_key, headers, "
		            "payload, 1 FROM coffer_outbox_delivered WHERE cluster_id <> ? ORDER BY id "
		            "LIMIT 500) ORDER BY id LIMIT 500",
		            COFFER_ARGS(COFFER_S(tag)), produce_row, &pc)
		: db_select(P.db,
		            "SELECT id, topic, msg_key, headers, payload, 0 FROM coffer_outbox "
		            "ORDER BY id LIMIT 500",
		            COFFER_NOARGS, produce_row, &pc);
	if (rc != 0 && rc != COFFER_ESTOP) {
		if (!db_connected(P.db))
			P.have_lock = false;
		/* Wait for what was produced before giving up the round. */
	}
	if (replaying && rc == 0 && P.nrows < BATCH) {
		/* Nothing of another instance was among the first rows of both tables: done. */
		bool any = false;
		for (size_t i = 0; i < P.nrows; i++)
			any |= P.rows[i].replay;
		if (!any)
			P.replay = false;
	}
	while (P.outstanding > 0 && !(P.stop && mono_ms() > P.deadline_ms)) {
		rd_kafka_poll(P.rk, 50);
		on_broker_lost();
	}
	/* Rows the broker refused as too large: their stand-ins, in this round. */
	bool stubs = false;
	for (size_t i = 0; i < P.nrows && db_connected(P.db); i++) {
		if (!P.rows[i].too_large)
			continue;
		stubs = true;
		if (db_select(P.db, P.rows[i].replay
		                        ? "SELECT topic, msg_key, headers, payload FROM "
		                          "coffer_outbox_delivered WHERE id = ?"
		                        : "SELECT topic, msg_key, headers, payload FROM coffer_outbox "
		                          "WHERE id = ?",
		              COFFER_ARGS(COFFER_U(P.rows[i].id)), stub_row, &P.rows[i]) != 0)
			P.rows[i].failed = true;
	}
	while (stubs && P.outstanding > 0 && !(P.stop && mono_ms() > P.deadline_ms))
		rd_kafka_poll(P.rk, 50);
	if (P.nrows == 0)
		return 0;
	int drc = settle_round(tag, retain);
	if (drc != 0) {
		if (!db_connected(P.db))
			P.have_lock = false;
		return drc;
	}
	size_t failed = 0;
	for (size_t i = 0; i < P.nrows; i++)
		failed += !P.rows[i].done && !P.rows[i].gave_up;
	if (failed) {
		P.ident_next_ms = 0; /* the cluster may have been replaced: ask again */
		return COFFER_ETRANSIENT;
	}
	return (int)P.nrows;
}

/* ---- metrics: the backlog and the age of its oldest row, cached for /metrics ---- */
struct backlog {
	long rows;
	int64_t oldest_us;
};

static int read_backlog(void *ud, const struct coffer_row *row)
{
	struct backlog *b = ud;
	b->rows = (long)coffer_val_i64(&row->col[0]);
	b->oldest_us = row->col[1].t == COFFER_V_TIME ? row->col[1].v.i : 0;
	return 0;
}

/* At most once a second: one COUNT/MIN on the publisher's connection. */
static void refresh_backlog(void)
{
	static int64_t next_ms;
	if (mono_ms() < next_ms || !db_connected(P.db))
		return;
	next_ms = mono_ms() + 1000;
	struct backlog b = {0};
	if (db_select(P.db, "SELECT COUNT(*), MIN(created_at) FROM coffer_outbox", COFFER_NOARGS,
	              read_backlog, &b) == 0)
		metrics_outbox_state(b.rows, b.oldest_us, P.have_lock);
}
/* ---- end metrics ---- */

static void pause_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void *publisher_main(void *arg)
{
	unsigned backoff = 0;
	for (;;) {
		bool stopping = P.stop;
		int n = publish_round();
		renew_producer_if_fatal();
		refresh_backlog();
		if (stopping) {
			/* Drain: every writer has stopped; all that committed must leave. */
			if (n == 0 || mono_ms() > P.deadline_ms)
				break;
			if (n < 0 && !db_connected(P.db)) {
				/* Nothing can leave without the database, and nothing is lost by
				 * leaving: the rows are committed and the next start publishes them. */
				LOG_WRN("outbox not drained: database unreachable; published at the next start");
				break;
			}
			if (n < 0)
				pause_ms(50); /* the broker refused: do not spin until the deadline */
			continue;
		}
		if (n == BATCH)
			continue;
		if (n < 0)
			backoff = backoff ? (backoff * 2 > 2000 ? 2000 : backoff * 2) : 50;
		else
			backoff = 0;
		pthread_mutex_lock(&P.lock);
		if (!P.kicked || backoff) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			unsigned wait_ms = backoff ? backoff : 200;
			ts.tv_nsec += (long)wait_ms * 1000000L;
			ts.tv_sec += ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&P.cond, &P.lock, &ts);
		}
		P.kicked = false;
		pthread_mutex_unlock(&P.lock);
	}
	long left = 0;
	if (db_connected(P.db))
		db_select(P.db, "SELECT COUNT(*) FROM coffer_outbox", COFFER_NOARGS, count_left, &left);
	P.left = left;
	int64_t left_ms = P.deadline_ms - mono_ms();
	rd_kafka_flush(P.rk, left_ms > 0 ? (int)left_ms : 0);
	(void)arg;
	return NULL;
}

int outbox_start(const struct outbox_cfg *cfg)
{
	P.cfg = *cfg;
	if (cfg->embedded_id) {
		snprintf(P.ident, sizeof P.ident, "%s", cfg->embedded_id);
		P.ident_known = P.ident_fixed = true;
		LOG_INF("event=outbox_cluster cluster_id=%s embedded=yes host=yes retention_rows=%lld "
		        "retention_ms=%lld",
		        P.ident, (long long)cfg->retention_rows, (long long)cfg->retention_ms);
	}
	if (cfg->max_message_bytes)
		dl_limit = cfg->max_message_bytes;
	char err[512];
	rd_kafka_conf_set_dr_msg_cb(cfg->producer_conf, dr_cb);
	rd_kafka_conf_set_error_cb(cfg->producer_conf, err_cb);
	P.conf = rd_kafka_conf_dup(cfg->producer_conf);
	P.rk = cu_kafka_new(RD_KAFKA_PRODUCER, cfg->producer_conf, log_kafka_cb, err, sizeof err);
	if (P.rk == NULL) {
		LOG_ERR("cannot create producer error=\"%s\"", err);
		rd_kafka_conf_destroy(cfg->producer_conf); /* ours either way */
		return COFFER_EINVAL;
	}
	P.db = db_new(&cfg->db, "publisher");
	int e = pthread_create(&P.thread, NULL, publisher_main, NULL);
	if (e != 0)
		return -e;
	P.started = true;
	return 0;
}

long outbox_join(void)
{
	/* The deadline is written before the (sequentially consistent) store to
	 * P.stop: a publisher that sees stop also sees the deadline. */
	P.deadline_ms = mono_ms() + P.cfg.drain_timeout_ms;
	P.stop = true;
	if (P.started) {
		outbox_kick();
		pthread_join(P.thread, NULL);
		P.started = false;
	}
	if (P.idc) {
		rd_kafka_destroy_flags(P.idc, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
		P.idc = NULL;
	}
	if (P.rk)
		rd_kafka_destroy(P.rk);
	if (P.conf)
		rd_kafka_conf_destroy(P.conf);
	db_free(P.db);
	P.rk = NULL;
	P.conf = NULL;
	P.db = NULL;
	return P.left;
}
