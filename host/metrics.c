/* SPDX-License-Identifier: MIT */
/* host/metrics.c: per-thread shards folded at scrape time, the Prometheus text
 * exposition, and the host's own metric families (see docs/observability.md). */
#include "metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "xalloc.h"

/* ------------------------------------------------------------------ registry */

#define MAX_LABELS 4
#define MAX_SERIES 2048

struct series {
	char *values[MAX_LABELS];
	uint32_t slot;
};

struct metrics_family {
	char *name;
	char *help;
	enum metrics_kind kind;
	char *labels[MAX_LABELS];
	size_t nlabels;
	double bounds[METRICS_MAX_BUCKETS];
	size_t nbounds;
	double unit_per_base;
	struct series *series;
	size_t nseries, cap;
	metrics_collect_fn fn;
	void *ud;
	struct metrics_family *next;
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct metrics_family *families, **families_tail = &families;
static uint32_t next_slot;
static struct metrics_shard *shards;      /* live and free ones */
static struct metrics_shard retired;      /* what exited threads counted */
static pthread_key_t shard_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

_Thread_local struct metrics_shard *metrics_tls;

static void shard_retire(void *p)
{
	struct metrics_shard *s = p;
	pthread_mutex_lock(&reg_lock);
	for (uint32_t i = 0; i < next_slot; i++) {
		uint64_t v = atomic_load_explicit(&s->v[i], memory_order_relaxed);
		atomic_store_explicit(&retired.v[i],
		                      atomic_load_explicit(&retired.v[i], memory_order_relaxed) + v,
		                      memory_order_relaxed);
		atomic_store_explicit(&s->v[i], 0, memory_order_relaxed);
	}
	s->live = false;
	pthread_mutex_unlock(&reg_lock);
}

static void make_key(void) { pthread_key_create(&shard_key, shard_retire); }

struct metrics_shard *metrics_shard_register(void)
{
	pthread_once(&key_once, make_key);
	pthread_mutex_lock(&reg_lock);
	struct metrics_shard *s = shards;
	while (s && s->live)
		s = s->next;
	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->next = shards;
		shards = s;
	}
	s->live = true;
	pthread_mutex_unlock(&reg_lock);
	pthread_setspecific(shard_key, s);
	metrics_tls = s;
	return s;
}

static size_t split_labels(const char *labels, char **out)
{
	size_t n = 0;
	if (labels == NULL || *labels == '\0')
		return 0;
	char *copy = xstrdup(labels), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t && n < MAX_LABELS; t = strtok_r(NULL, ",", &save))
		out[n++] = xstrdup(t);
	free(copy);
	return n;
}

static struct metrics_family *family_new(const char *name, const char *help, enum metrics_kind k,
                                         const char *labels)
{
	struct metrics_family *f = xcalloc(1, sizeof *f);
	f->name = xstrdup(name);
	f->help = xstrdup(help);
	f->kind = k;
	f->nlabels = split_labels(labels, f->labels);
	f->unit_per_base = 1;
	pthread_mutex_lock(&reg_lock);
	*families_tail = f;
	families_tail = &f->next;
	pthread_mutex_unlock(&reg_lock);
	return f;
}

struct metrics_family *metrics_counter(const char *name, const char *help, const char *labels)
{
	return family_new(name, help, METRICS_COUNTER, labels);
}

struct metrics_family *metrics_histogram(const char *name, const char *help, const char *labels,
                                         const double *bounds, size_t nbounds, double unit_per_base)
{
	struct metrics_family *f = family_new(name, help, METRICS_HISTOGRAM, labels);
	if (nbounds > METRICS_MAX_BUCKETS)
		nbounds = METRICS_MAX_BUCKETS;
	memcpy(f->bounds, bounds, nbounds * sizeof *bounds);
	f->nbounds = nbounds;
	f->unit_per_base = unit_per_base;
	return f;
}

void metrics_gauge_fn(const char *name, const char *help, const char *labels,
                      metrics_collect_fn fn, void *ud)
{
	struct metrics_family *f = family_new(name, help, METRICS_GAUGE, labels);
	f->fn = fn;
	f->ud = ud;
}

/* A slot past the end of the shard: counts nowhere (a family that outgrew its room). */
#define SLOT_SINK (METRICS_SLOTS - 1)

uint32_t metrics_series(struct metrics_family *f, const char *const *values)
{
	pthread_mutex_lock(&reg_lock);
	for (size_t i = 0; i < f->nseries; i++) {
		bool same = true;
		for (size_t k = 0; k < f->nlabels && same; k++)
			same = strcmp(f->series[i].values[k], values[k] ? values[k] : "") == 0;
		if (same) {
			uint32_t s = f->series[i].slot;
			pthread_mutex_unlock(&reg_lock);
			return s;
		}
	}
	uint32_t width = f->kind == METRICS_HISTOGRAM ? (uint32_t)f->nbounds + 2 : 1;
	if (f->nseries >= MAX_SERIES || next_slot + width >= SLOT_SINK) {
		pthread_mutex_unlock(&reg_lock);
		return SLOT_SINK;
	}
	if (f->nseries == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->series = xreallocarray(f->series, f->cap, sizeof *f->series);
	}
	struct series *s = &f->series[f->nseries++];
	memset(s, 0, sizeof *s);
	for (size_t k = 0; k < f->nlabels; k++)
		s->values[k] = xstrdup(values[k] ? values[k] : "");
	s->slot = next_slot;
	next_slot += width;
	pthread_mutex_unlock(&reg_lock);
	return s->slot;
}

struct metrics_hist_ref metrics_hist_series(struct metrics_family *f, const char *const *values)
{
	uint32_t base = metrics_series(f, values);
	if (base == SLOT_SINK) /* all observations land in the sink */
		return (struct metrics_hist_ref){SLOT_SINK, f->bounds, 0};
	return (struct metrics_hist_ref){base, f->bounds, f->nbounds};
}

int64_t metrics_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ------------------------------------------------------------------ exposition */

struct metrics_out {
	char *buf;
	size_t len, cap;
	const struct metrics_family *f;
};

static void out_put(struct metrics_out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		while (o->len + n + 1 > o->cap)
			o->cap = o->cap ? o->cap * 2 : 8192;
		o->buf = xreallocarray(o->buf, o->cap, 1);
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void out_str(struct metrics_out *o, const char *s) { out_put(o, s, strlen(s)); }

/* HELP text escapes \ and newline; label values also ". */
static void out_escaped(struct metrics_out *o, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			out_str(o, "\\\\");
		else if (*s == '\n')
			out_str(o, "\\n");
		else if (*s == '"' && quote)
			out_str(o, "\\\"");
		else
			out_put(o, s, 1);
	}
}

static void out_double(struct metrics_out *o, double v)
{
	char b[64];
	if (isinf(v))
		snprintf(b, sizeof b, "%s", v > 0 ? "+Inf" : "-Inf");
	else if (isnan(v))
		snprintf(b, sizeof b, "NaN");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(b, sizeof b, "%.0f", v);
	else
		snprintf(b, sizeof b, "%.10g", v);
	out_str(o, b);
}

static void out_u64(struct metrics_out *o, uint64_t v)
{
	char b[32];
	snprintf(b, sizeof b, "%llu", (unsigned long long)v);
	out_str(o, b);
}

/* name{labels[,extra]} */
static void out_name(struct metrics_out *o, const struct metrics_family *f, const char *suffix,
                     char *const *values, const char *extra_name, const char *extra_value)
{
	out_str(o, f->name);
	out_str(o, suffix);
	if (f->nlabels == 0 && extra_name == NULL)
		return;
	out_str(o, "{");
	for (size_t k = 0; k < f->nlabels; k++) {
		if (k)
			out_str(o, ",");
		out_str(o, f->labels[k]);
		out_str(o, "=\"");
		out_escaped(o, values[k], true);
		out_str(o, "\"");
	}
	if (extra_name) {
		if (f->nlabels)
			out_str(o, ",");
		out_str(o, extra_name);
		out_str(o, "=\"");
		out_str(o, extra_value);
		out_str(o, "\"");
	}
	out_str(o, "}");
}

void metrics_sample(struct metrics_out *o, const char *const *values, double v)
{
	out_name(o, o->f, "", (char *const *)values, NULL, NULL);
	out_str(o, " ");
	out_double(o, v);
	out_str(o, "\n");
}

static uint64_t slot_sum(uint32_t slot)
{
	uint64_t v = atomic_load_explicit(&retired.v[slot], memory_order_relaxed);
	for (struct metrics_shard *s = shards; s; s = s->next)
		v += atomic_load_explicit(&s->v[slot], memory_order_relaxed);
	return v;
}

char *metrics_render(size_t *len)
{
	struct metrics_out o = {0};
	out_str(&o, "");
	/* Collectors take only their own locks, never this one. */
	pthread_mutex_lock(&reg_lock);
	for (struct metrics_family *f = families; f; f = f->next) {
		static const char *const kinds[] = {"counter", "histogram", "gauge"};
		out_str(&o, "# HELP ");
		out_str(&o, f->name);
		out_str(&o, " ");
		out_escaped(&o, f->help, false);
		out_str(&o, "\n# TYPE ");
		out_str(&o, f->name);
		out_str(&o, " ");
		out_str(&o, kinds[f->kind]);
		out_str(&o, "\n");
		o.f = f;
		if (f->kind == METRICS_GAUGE) {
			f->fn(&o, f->ud);
			continue;
		}
		for (size_t i = 0; i < f->nseries; i++) {
			const struct series *s = &f->series[i];
			if (f->kind == METRICS_COUNTER) {
				out_name(&o, f, "", s->values, NULL, NULL);
				out_str(&o, " ");
				out_u64(&o, slot_sum(s->slot));
				out_str(&o, "\n");
				continue;
			}
			uint64_t cum = 0;
			for (size_t b = 0; b <= f->nbounds; b++) {
				cum += slot_sum(s->slot + (uint32_t)b);
				char le[64];
				if (b == f->nbounds) {
					snprintf(le, sizeof le, "+Inf");
				} else {
					double bound = f->bounds[b] / f->unit_per_base;
					snprintf(le, sizeof le, "%.6g", bound);
				}
				out_name(&o, f, "_bucket", s->values, "le", le);
				out_str(&o, " ");
				out_u64(&o, cum);
				out_str(&o, "\n");
			}
			out_name(&o, f, "_sum", s->values, NULL, NULL);
			out_str(&o, " ");
			out_double(&o, (double)slot_sum(s->slot + (uint32_t)f->nbounds + 1) / f->unit_per_base);
			out_str(&o, "\n");
			out_name(&o, f, "_count", s->values, NULL, NULL);
			out_str(&o, " ");
			out_u64(&o, cum);
			out_str(&o, "\n");
		}
	}
	pthread_mutex_unlock(&reg_lock);
	*len = o.len;
	return o.buf;
}

/* ------------------------------------------------------------------ coffer's families */

static const char *const outcome_names[MO_COUNT] = {
	"done", "rejected", "dead_lettered", "redelivery_skipped", "duplicate_event",
	"feature_off", "ignored",
};

/* Seconds buckets, observed in nanoseconds. */
static const double sec_bounds[] = {
	0.0005e9, 0.001e9, 0.0025e9, 0.005e9, 0.01e9, 0.025e9, 0.05e9,
	0.1e9,    0.25e9,  0.5e9,    1e9,     2.5e9,  5e9,     10e9,
};
#define NSEC (sizeof sec_bounds / sizeof sec_bounds[0])
static const double batch_bounds[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};

static struct metrics_family *f_msgs, *f_handler, *f_tasks, *f_task_sec, *f_http, *f_http_sec;

#define MAX_PAIRS 512
struct pair {
	char *topic, *type;
	uint64_t hash;
	uint32_t slot[MO_COUNT];
	struct metrics_hist_ref hist;
};
static struct pair pairs[MAX_PAIRS];
static size_t npairs;
static int pair_index[1024]; /* open addressing over pairs, -1 empty */

static struct {
	struct metrics_hist_ref txn[2];
	uint32_t commits[2], rollbacks[2], careful, assign, revoke;
	struct metrics_hist_ref batch;
	uint32_t published, publish_errors;
	uint32_t db_err[3], db_reconnects, db_connects;
} S;

static _Atomic long g_outbox_rows;
static _Atomic int64_t g_outbox_oldest_us;
static _Atomic int g_outbox_lock = -1;
static _Atomic long g_db_open;
static _Atomic long g_feat_on, g_feat_off;

#define MAX_TASKS 64
static uint32_t task_slot[MAX_TASKS][2];
static struct metrics_hist_ref task_hist[MAX_TASKS];

static uint64_t hash_pair(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ull;
	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (; *b; b++)
		h = (h ^ (unsigned char)*b) * 1099511628211ull;
	return h;
}

static int pair_find(const char *topic, const char *type)
{
	uint64_t h = hash_pair(topic, type);
	for (size_t i = h & 1023, n = 0; n < 1024; n++, i = (i + 1) & 1023) {
		int k = pair_index[i];
		if (k < 0)
			return -1;
		if (pairs[k].hash == h && strcmp(pairs[k].topic, topic) == 0 &&
		    strcmp(pairs[k].type, type) == 0)
			return k;
	}
	return -1;
}

void metrics_msg_register(const char *topic_var, const char *type)
{
	if (pair_find(topic_var, type) >= 0 || npairs >= MAX_PAIRS)
		return;
	struct pair *p = &pairs[npairs];
	p->topic = xstrdup(topic_var);
	p->type = xstrdup(type);
	p->hash = hash_pair(topic_var, type);
	for (int o = 0; o < MO_COUNT; o++)
		p->slot[o] = metrics_series(f_msgs, (const char *[]){topic_var, type, outcome_names[o]});
	p->hist = metrics_hist_series(f_handler, (const char *[]){topic_var, type});
	size_t i = p->hash & 1023;
	while (pair_index[i] >= 0)
		i = (i + 1) & 1023;
	pair_index[i] = (int)npairs++;
}

int metrics_msg_index(const char *topic_var, const char *type)
{
	int k = type ? pair_find(topic_var, type) : -1;
	if (k < 0)
		k = pair_find(topic_var, "unknown");
	if (k < 0)
		k = pair_find("other", "unknown");
	return k;
}

void metrics_message(int idx, enum metrics_outcome o)
{
	if (idx >= 0)
		metrics_add(pairs[idx].slot[o], 1);
}

void metrics_handler_seconds(int idx, int64_t ns)
{
	if (idx >= 0)
		metrics_observe(&pairs[idx].hist, (double)ns);
}

void metrics_txn(enum metrics_txn_mode m, bool committed, int64_t ns)
{
	metrics_add(committed ? S.commits[m] : S.rollbacks[m], 1);
	metrics_observe(&S.txn[m], (double)ns);
}

void metrics_careful_rerun(void) { metrics_add(S.careful, 1); }
void metrics_batch_size(size_t n) { metrics_observe(&S.batch, (double)n); }
void metrics_rebalance(bool assign) { metrics_add(assign ? S.assign : S.revoke, 1); }
void metrics_published(bool ok) { metrics_add(ok ? S.published : S.publish_errors, 1); }
void metrics_db_error(enum metrics_db_class c) { metrics_add(S.db_err[c], 1); }

void metrics_db_connected(bool reconnect)
{
	atomic_fetch_add(&g_db_open, 1);
	metrics_add(S.db_connects, 1);
	if (reconnect)
		metrics_add(S.db_reconnects, 1);
}

void metrics_db_disconnected(void) { atomic_fetch_sub(&g_db_open, 1); }

void metrics_outbox_state(long rows, int64_t oldest_us, bool have_lock)
{
	atomic_store_explicit(&g_outbox_rows, rows, memory_order_relaxed);
	atomic_store_explicit(&g_outbox_oldest_us, rows > 0 ? oldest_us : 0, memory_order_relaxed);
	atomic_store_explicit(&g_outbox_lock, have_lock ? 1 : 0, memory_order_relaxed);
}

void metrics_task_register(size_t idx, const char *plugin, const char *task)
{
	if (idx >= MAX_TASKS)
		return;
	task_slot[idx][0] = metrics_series(f_tasks, (const char *[]){plugin, task, "ok"});
	task_slot[idx][1] = metrics_series(f_tasks, (const char *[]){plugin, task, "error"});
	task_hist[idx] = metrics_hist_series(f_task_sec, (const char *[]){plugin, task});
}

void metrics_task(size_t idx, bool ok, int64_t ns)
{
	if (idx >= MAX_TASKS)
		return;
	metrics_add(task_slot[idx][ok ? 0 : 1], 1);
	metrics_observe(&task_hist[idx], (double)ns);
}

void metrics_features(size_t on, size_t off)
{
	atomic_store(&g_feat_on, (long)on);
	atomic_store(&g_feat_off, (long)off);
}

/* HTTP: a small per-thread cache in front of the locked series lookup. */
#ifndef COFFER_NO_METRICS
struct http_key {
	const char *method, *pattern;
	int status;
	uint32_t slot;
	struct metrics_hist_ref hist;
};
static _Thread_local struct http_key http_cache[32];
static _Thread_local size_t http_ncache;
#endif

void metrics_http(const char *method, const char *pattern, int status, int64_t ns)
{
#ifndef COFFER_NO_METRICS
	if (pattern == NULL)
		pattern = "unmatched";
	struct http_key *k = NULL;
	for (size_t i = 0; i < http_ncache; i++)
		if (http_cache[i].method == method && http_cache[i].pattern == pattern &&
		    http_cache[i].status == status)
			k = &http_cache[i];
	struct http_key tmp;
	if (k == NULL) {
		char code[8];
		snprintf(code, sizeof code, "%d", status);
		k = http_ncache < 32 ? &http_cache[http_ncache++] : &tmp;
		k->method = method;
		k->pattern = pattern;
		k->status = status;
		k->slot = metrics_series(f_http, (const char *[]){method, pattern, code});
		k->hist = metrics_hist_series(f_http_sec, (const char *[]){method, pattern});
	}
	metrics_add(k->slot, 1);
	metrics_observe(&k->hist, (double)ns);
#else
	(void)method, (void)pattern, (void)status, (void)ns;
#endif
}

/* ------------------------------------------------------------------ consumer lag */

#define MAX_PARTS 1024
struct lag {
	char topic[128];
	int32_t partition;
	int64_t lag;
};
static pthread_mutex_t lag_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lag lags[MAX_PARTS];
static size_t nlags;

void metrics_kafka_stats(const char *json, size_t len)
{
	json_error_t err;
	json_t *root = json_loadb(json, len, 0, &err);
	if (root == NULL)
		return;
	struct lag *fresh = xcalloc(MAX_PARTS, sizeof *fresh);
	size_t n = 0;
	const char *tname;
	json_t *t;
	json_object_foreach(json_object_get(root, "topics"), tname, t) {
		const char *pname;
		json_t *p;
		json_object_foreach(json_object_get(t, "partitions"), pname, p) {
			json_int_t part = json_integer_value(json_object_get(p, "partition"));
			if (part < 0 || !json_is_true(json_object_get(p, "desired")) || n >= MAX_PARTS)
				continue;
			json_int_t hi = json_integer_value(json_object_get(p, "hi_offset"));
			json_int_t lo = json_integer_value(json_object_get(p, "lo_offset"));
			json_int_t committed = json_integer_value(json_object_get(p, "committed_offset"));
			if (hi < 0)
				continue; /* not fetched yet: unknown */
			json_int_t lag = committed >= 0 ? hi - committed : (lo >= 0 ? hi - lo : hi);
			struct lag *l = &fresh[n++];
			snprintf(l->topic, sizeof l->topic, "%s", tname);
			l->partition = (int32_t)part;
			l->lag = lag < 0 ? 0 : lag;
		}
	}
	json_decref(root);
	pthread_mutex_lock(&lag_lock);
	memcpy(lags, fresh, n * sizeof *fresh);
	nlags = n;
	pthread_mutex_unlock(&lag_lock);
	free(fresh);
}

void metrics_lag_clear(void)
{
	pthread_mutex_lock(&lag_lock);
	nlags = 0;
	pthread_mutex_unlock(&lag_lock);
}

static void collect_lag(struct metrics_out *o, void *ud)
{
	(void)ud;
	pthread_mutex_lock(&lag_lock);
	for (size_t i = 0; i < nlags; i++) {
		char part[16];
		snprintf(part, sizeof part, "%d", (int)lags[i].partition);
		metrics_sample(o, (const char *[]){lags[i].topic, part}, (double)lags[i].lag);
	}
	pthread_mutex_unlock(&lag_lock);
}

static void collect_outbox_rows(struct metrics_out *o, void *ud)
{
	(void)ud;
	metrics_sample(o, NULL, (double)atomic_load(&g_outbox_rows));
}

static void collect_outbox_age(struct metrics_out *o, void *ud)
{
	(void)ud;
	int64_t oldest = atomic_load(&g_outbox_oldest_us);
	double age = 0;
	if (oldest > 0 && atomic_load(&g_outbox_rows) > 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
		age = now > oldest ? (double)(now - oldest) / 1e6 : 0;
	}
	metrics_sample(o, NULL, age);
}

static void collect_outbox_lock(struct metrics_out *o, void *ud)
{
	(void)ud;
	int v = atomic_load(&g_outbox_lock);
	metrics_sample(o, NULL, v < 0 ? 0 : v);
}

static void collect_db_open(struct metrics_out *o, void *ud)
{
	(void)ud;
	metrics_sample(o, NULL, (double)atomic_load(&g_db_open));
}

static void collect_features(struct metrics_out *o, void *ud)
{
	(void)ud;
	metrics_sample(o, (const char *[]){"true"}, (double)atomic_load(&g_feat_on));
	metrics_sample(o, (const char *[]){"false"}, (double)atomic_load(&g_feat_off));
}

void metrics_init(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	memset(pair_index, 0xff, sizeof pair_index);
	f_msgs = metrics_counter("coffer_messages_total",
	                         "Messages consumed, by topic variable, message type and outcome.",
	                         "topic,type,outcome");
	f_handler = metrics_histogram("coffer_handler_duration_seconds",
	                              "Time in a plugin's message handler (each run of it).",
	                              "topic,type", sec_bounds, NSEC, 1e9);
	struct metrics_family *txn = metrics_histogram(
		"coffer_transaction_duration_seconds",
		"Time of one batch transaction attempt, BEGIN to COMMIT or ROLLBACK.", "mode", sec_bounds,
		NSEC, 1e9);
	struct metrics_family *commits = metrics_counter(
		"coffer_transaction_commits_total", "Batch transactions committed.", "mode");
	struct metrics_family *rollbacks = metrics_counter(
		"coffer_transaction_rollbacks_total", "Batch transactions rolled back.", "mode");
	static const char *const modes[2] = {"optimistic", "careful"};
	for (int m = 0; m < 2; m++) {
		S.txn[m] = metrics_hist_series(txn, (const char *[]){modes[m]});
		S.commits[m] = metrics_series(commits, (const char *[]){modes[m]});
		S.rollbacks[m] = metrics_series(rollbacks, (const char *[]){modes[m]});
	}
	S.careful = metrics_series(
		metrics_counter("coffer_careful_reruns_total",
		                "Batches run again the careful way (a redelivery or a rejection inside).",
		                ""),
		NULL);
	S.batch = metrics_hist_series(metrics_histogram("coffer_batch_size",
	                                                "Messages per batch taken by a worker.", "",
	                                                batch_bounds, 9, 1),
	                              NULL);
	struct metrics_family *reb = metrics_counter("coffer_consumer_rebalances_total",
	                                             "Consumer group rebalances, by kind.", "kind");
	S.assign = metrics_series(reb, (const char *[]){"assign"});
	S.revoke = metrics_series(reb, (const char *[]){"revoke"});
	metrics_gauge_fn("coffer_consumer_lag",
	                 "Messages behind per assigned partition: high watermark minus committed offset "
	                 "(librdkafka statistics, refreshed every second).",
	                 "topic,partition", collect_lag, NULL);
	metrics_gauge_fn("coffer_outbox_backlog_rows",
	                 "Rows in coffer_outbox not yet published (refreshed by the publisher about "
	                 "once a second).",
	                 "", collect_outbox_rows, NULL);
	metrics_gauge_fn("coffer_outbox_oldest_age_seconds",
	                 "Age of the oldest row in coffer_outbox (0 when empty).", "",
	                 collect_outbox_age, NULL);
	metrics_gauge_fn("coffer_outbox_publisher_active",
	                 "1 when this process holds the outbox lock and publishes.", "",
	                 collect_outbox_lock, NULL);
	S.published = metrics_series(
		metrics_counter("coffer_events_published_total",
		                "Outbox rows acknowledged by the broker (events and dead letters).", ""),
		NULL);
	S.publish_errors = metrics_series(
		metrics_counter("coffer_publish_errors_total",
		                "Outbox rows the producer failed to deliver (retried later).", ""),
		NULL);
	struct metrics_family *dberr = metrics_counter(
		"coffer_db_errors_total", "Database errors, by class.", "class");
	static const char *const classes[3] = {"transient", "duplicate", "other"};
	for (int c = 0; c < 3; c++)
		S.db_err[c] = metrics_series(dberr, (const char *[]){classes[c]});
	S.db_connects = metrics_series(metrics_counter("coffer_db_connects_total",
	                                               "Database connections established.", ""),
	                               NULL);
	S.db_reconnects = metrics_series(
		metrics_counter("coffer_db_reconnects_total",
		                "Database connections established again after one was lost.", ""),
		NULL);
	metrics_gauge_fn("coffer_db_connections_open", "Database connections currently open.", "",
	                 collect_db_open, NULL);
	f_tasks = metrics_counter("coffer_tasks_total", "Periodic task runs, by plugin, task, result.",
	                          "plugin,task,result");
	f_task_sec = metrics_histogram("coffer_task_duration_seconds",
	                               "Time of one periodic task run (all its calls).",
	                               "plugin,task", sec_bounds, NSEC, 1e9);
	metrics_gauge_fn("coffer_tenant_feature_rows",
	                 "Rows of coffer_tenant_features in the loaded snapshot, by enabled.", "enabled",
	                 collect_features, NULL);
	f_http = metrics_counter("coffer_http_requests_total",
	                         "HTTP requests, by method, route pattern and status.",
	                         "method,route,status");
	f_http_sec = metrics_histogram("coffer_http_request_duration_seconds",
	                               "Time to answer an HTTP request, by method and route pattern.",
	                               "method,route", sec_bounds, NSEC, 1e9);
	metrics_msg_register("other", "unknown");
}
