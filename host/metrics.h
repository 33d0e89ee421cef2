/* SPDX-License-Identifier: MIT */
/* host/metrics.h: counters, histograms and gauges for /metrics.
 *
 * A counter or histogram series is a range of slots. Each thread that counts
 * owns a shard (an array with one slot per series value), registered once on its
 * first use and handed back when the thread exits; only its owner writes it
 * (relaxed atomic load + store: no lock, no read-modify-write contention). A
 * scrape adds the shards up under the registry lock: a value being written
 * while it is read is either the old or the new one, never torn.
 *
 * Series are registered at start (slow path, locked) and their slot numbers
 * kept by the caller; the hot path only adds to slots. Gauges are plain atomic
 * values set by whoever knows them, or collector callbacks run at scrape time.
 *
 * Built with --disable-metrics (COFFER_NO_METRICS), every hot-path call below
 * compiles to nothing; /metrics then only shows the gauges. */
#ifndef COFFER_HOST_METRICS_H
#define COFFER_HOST_METRICS_H

#include "config.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define METRICS_SLOTS 16384
#define METRICS_MAX_BUCKETS 16

/* ------------------------------------------------------------------ core */

struct metrics_shard {
	_Atomic uint64_t v[METRICS_SLOTS];
	struct metrics_shard *next;
	bool live;
};

extern _Thread_local struct metrics_shard *metrics_tls;
struct metrics_shard *metrics_shard_register(void);

static inline void metrics_add(uint32_t slot, uint64_t n)
{
#ifndef COFFER_NO_METRICS
	struct metrics_shard *s = metrics_tls;
	if (s == NULL)
		s = metrics_shard_register();
	uint64_t v = atomic_load_explicit(&s->v[slot], memory_order_relaxed);
	atomic_store_explicit(&s->v[slot], v + n, memory_order_relaxed);
#else
	(void)slot;
	(void)n;
#endif
}

/* A family: one metric name with a fixed list of label names. */
enum metrics_kind { METRICS_COUNTER, METRICS_HISTOGRAM, METRICS_GAUGE };
struct metrics_family;

/* @p labels: comma-separated label names ("" for none). */
struct metrics_family *metrics_counter(const char *name, const char *help, const char *labels);
/* @p bounds: the upper bounds (increasing), in the unit of observations;
 * @p unit_per_base: observation units per base unit (1e9 for nanoseconds
 * observed into a _seconds histogram, 1 for counts). */
struct metrics_family *metrics_histogram(const char *name, const char *help, const char *labels,
                                         const double *bounds, size_t nbounds,
                                         double unit_per_base);

/* The series of @p f for @p values (one per label name; NULL when none): its
 * first slot. The same values give the same series. A counter series is one
 * slot; a histogram series is nbounds + 2 slots (buckets, +Inf, sum). */
uint32_t metrics_series(struct metrics_family *f, const char *const *values);

/* Histogram: observe @p v (in the family's unit) into the series at @p base. */
struct metrics_hist_ref {
	uint32_t base;
	const double *bounds;
	size_t nbounds;
};
struct metrics_hist_ref metrics_hist_series(struct metrics_family *f, const char *const *values);
static inline void metrics_observe(const struct metrics_hist_ref *h, double v)
{
#ifndef COFFER_NO_METRICS
	size_t i = 0;
	while (i < h->nbounds && v > h->bounds[i])
		i++;
	metrics_add(h->base + (uint32_t)i, 1);
	metrics_add(h->base + (uint32_t)h->nbounds + 1, v > 0 ? (uint64_t)v : 0);
#else
	(void)h;
	(void)v;
#endif
}

/* A gauge family whose samples a callback writes at scrape time. */
struct metrics_out;
typedef void (*metrics_collect_fn)(struct metrics_out *o, void *ud);
void metrics_gauge_fn(const char *name, const char *help, const char *labels,
                      metrics_collect_fn fn, void *ud);
/* Inside a collector: one sample (@p values as for metrics_series). */
void metrics_sample(struct metrics_out *o, const char *const *values, double v);

/* The whole exposition (text format 0.0.4), malloc'd; *len its length. */
char *metrics_render(size_t *len);

/* Monotonic nanoseconds (for durations). */
int64_t metrics_now_ns(void);

/* ------------------------------------------------------------------ coffer's metrics */

/* Register the host's families (before any thread counts). */
void metrics_init(void);

enum metrics_outcome {
	MO_DONE, MO_REJECTED, MO_DEAD_LETTERED, MO_REDELIVERY_SKIPPED, MO_DUPLICATE_EVENT,
	MO_FEATURE_OFF, MO_IGNORED, MO_COUNT
};

/* Series of the (topic variable, message type) pairs plugins handle, and of
 * "unknown" types per topic: at bus start, before the workers run. */
void metrics_msg_register(const char *topic_var, const char *type);
/* The pair's index, for the two calls below (a pair not registered counts as
 * (topic_var, "unknown"), or as ("other", "unknown")). Lock-free. */
int metrics_msg_index(const char *topic_var, const char *type);
void metrics_message(int idx, enum metrics_outcome o);
void metrics_handler_seconds(int idx, int64_t ns);

enum metrics_txn_mode { MT_OPTIMISTIC, MT_CAREFUL };
void metrics_txn(enum metrics_txn_mode m, bool committed, int64_t ns);
void metrics_careful_rerun(void);
void metrics_batch_size(size_t n);
void metrics_rebalance(bool assign);

void metrics_published(bool ok);
void metrics_outbox_state(long rows, int64_t oldest_us, bool have_lock);

enum metrics_db_class { MD_TRANSIENT, MD_DUPLICATE, MD_OTHER };
void metrics_db_error(enum metrics_db_class c);
void metrics_db_connected(bool reconnect);
void metrics_db_disconnected(void);

void metrics_task_register(size_t idx, const char *plugin, const char *task);
void metrics_task(size_t idx, bool ok, int64_t ns);
void metrics_features(size_t on, size_t off);

/* HTTP requests: (route pattern, status). */
void metrics_http(const char *method, const char *pattern, int status, int64_t ns);

/* The consumer's statistics (librdkafka stats JSON): per-partition lag. */
void metrics_kafka_stats(const char *json, size_t len);
/* Forget the lag of partitions no longer assigned. */
void metrics_lag_clear(void);

#endif
