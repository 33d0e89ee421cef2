/* host/health.h: the readiness state behind /healthz and /readyz, kept by the
 * paths that know it (start-up, the consumer's rebalances, a database ping on a
 * thread of its own, the signal thread), so that answering costs no query. */
#ifndef COFFER_HOST_HEALTH_H
#define COFFER_HOST_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

/* Start the ping thread (one connection, a "DO 1" every second) and register
 * the readiness gauges. */
int health_start(const struct db_params *db);
void health_stop(void);

void health_set_migrated(void);
void health_set_assigned(bool held);
/* SIGTERM/SIGINT arrived: not ready from now on. Async-signal-safe. */
void health_set_stopping(void);

/* Ready now? When not, @p why (a one-line reason) is filled. */
bool health_ready(char *why, size_t cap);

#endif
