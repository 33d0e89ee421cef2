/* SPDX-License-Identifier: MIT */
/* host/health.h: the one readiness state of cofferd, behind /readyz, the
 * coffer_ready gauge and the logs. It is kept by the paths that know it
 * (start-up, each database connection attempt, a database ping on a thread of
 * its own, the Kafka wait, the consumer's rebalances, the signal thread), so
 * that answering costs no query. Every part starts "not ready"; cofferd is
 * ready when all parts are and no signal to stop has arrived. What can heal
 * (the database or the broker not up yet) leaves cofferd running and not
 * ready, with the reason here; what cannot heal stops it (exit 78).
 * Thread-safe: any thread may set a part, any thread may read the state. */
#ifndef COFFER_HOST_HEALTH_H
#define COFFER_HOST_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* The parts, in the order they are checked (the first not ready is reported). */
enum health_part {
	HEALTH_DATABASE,   /* the last connection attempt or ping succeeded */
	HEALTH_MIGRATIONS, /* host and plugin migrations applied */
	HEALTH_KAFKA,      /* the cluster answered (its id is known) */
	HEALTH_CONSUMER,   /* the consumer holds its partition assignment (or consumes nothing) */
	HEALTH_NPARTS,
};

/* Start the ping thread (one connection, a "DO 1" every second) and register
 * the readiness gauges. */
int health_start(const struct db_params *db);
void health_stop(void);

/* Set @p part ready (@p ok) or not, with a printf reason when not (NULL: the
 * part's default, e.g. "starting: migrations not applied yet"). */
void health_set(enum health_part part, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A database connection attempt or ping ended (@p error: the client's message).
 * Failures in a row are counted from the first: the reason reads
 * "database unreachable since 12s, 7 attempts: Can't connect ...". */
void health_db_attempt(bool ok, const char *error);

/* SIGTERM/SIGINT arrived: not ready from now on, whatever the parts say.
 * Async-signal-safe. */
void health_set_stopping(void);

struct health_state {
	bool ready;       /* every part is ready and cofferd is not stopping */
	const char *part; /* the first part not ready ("database", ...; "stopping"), or NULL */
	char reason[320]; /* one line: "ready", or why not (e.g. "stopping: a signal to stop
	                   * arrived", "database unreachable since 12s, 7 attempts: ...") */
	int64_t since_ms; /* CLOCK_MONOTONIC ms when that part last became not ready; 0 when ready */
};

/* A snapshot of the state; returns out->ready. */
bool health_state(struct health_state *out);

/* Ready now? @p why (one line, the reason or "ready") is filled. */
bool health_ready(char *why, size_t cap);

/* The name of a part ("database", "migrations", "kafka", "consumer"). */
const char *health_part_name(enum health_part part);

#endif
