/* host/ready.h: the readiness state of cofferd, for a health endpoint (/readyz)
 * and for logs. Every part starts "not ready"; cofferd is ready when all are.
 * Thread-safe: any thread may set a part, any thread may read the state. */
#ifndef COFFER_HOST_READY_H
#define COFFER_HOST_READY_H

#include <stdbool.h>
#include <stdint.h>

enum ready_part {
	READY_DATABASE,   /* a connection succeeded (and the last attempt did) */
	READY_MIGRATIONS, /* host and plugin migrations applied */
	READY_KAFKA,      /* the cluster answered (its id is known) */
	READY_CONSUMER,   /* the consumer group assigned partitions */
	READY_NPARTS,
};

/* Set @p part ready (@p ok) or not, with a printf reason when not (NULL = "starting"). */
void ready_set(enum ready_part part, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* cofferd is stopping: not ready any more, whatever the parts say. */
void ready_stopping(void);

struct host_ready {
	bool ready;            /* every part is ready and cofferd is not stopping */
	const char *part;      /* the first part not ready ("database", "kafka", ...), or NULL */
	char reason[256];      /* why it is not ready, e.g. "database unreachable since 12s, 7
	                        * attempts: Can't connect ..."; "" when ready */
	int64_t since_ms;      /* CLOCK_MONOTONIC ms when that part last changed */
};

/* A snapshot of the state; returns out->ready. */
bool host_ready_state(struct host_ready *out);

/* The name of a part ("database", "migrations", "kafka", "consumer"). */
const char *ready_part_name(enum ready_part part);

#endif
