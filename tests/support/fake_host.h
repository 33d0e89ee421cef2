/* SPDX-License-Identifier: MIT */
/* tests/support/fake_host.h: run plugins without Kafka, against the private MariaDB.
 *
 * The real host registry and host table (host/registry.c) and the real SQL code
 * (host/db.c) are used; only the bus is replaced: fh_send hands a message to its
 * handler inside a transaction, commits or rolls back by the outcome, and records
 * the events of a committed message instead of writing them to the outbox.
 *
 * Needs DB_HOST/DB_PORT/DB_USER/DB_PASSWORD (or DB_SOCKET) of a devdb server;
 * each fh_setup creates a fresh database and applies the migrations. */
#ifndef COFFER_FAKE_HOST_H
#define COFFER_FAKE_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include <coffer/plugin.h>

#define FH_TENANT "11111111-1111-4111-8111-111111111111"
#define FH_TENANT2 "22222222-2222-4222-8222-222222222222"
/* fh_send result when no plugin handles the (topic, type). */
#define FH_NO_HANDLER 99

struct fh_event {
	const char *topic_var;
	uint32_t key;
	struct coffer_tenant tenant;
	json_t *value;   /* borrowed from the fake host */
	char event_id[37];
};

/* Create a fresh database, apply migrations of "host" and of @p plugins
 * (NULL-terminated names; also loaded from the build tree and initialised). */
int fh_setup(const char *const *plugins);
void fh_teardown(void);

/* Handle one message (JSON text with a "type") under tenant @p tenant
 * (NULL = FH_TENANT, region GMS, version 83.1). Returns the outcome,
 * FH_NO_HANDLER, or -1 when @p json is not a JSON object. */
int fh_send(const char *topic_var, const char *json, const char *tenant);
/* Same, from a jansson object (borrowed). */
int fh_send_json(const char *topic_var, json_t *msg, const char *tenant);

/* Answer one HTTP request the way the host's server does once it has matched the route:
 * the route registered for (@p method, @p pattern) runs in a read-only snapshot (GET) or a
 * read-write transaction (POST, DELETE) under tenant @p tenant (NULL = FH_TENANT); committed
 * events are recorded as for fh_send. @p vars and @p query are NULL-terminated name, value,
 * name, value, ... lists (NULL = none). Sets *status (500 after 5 retries) and *body (the
 * caller's reference, NULL for an empty body). Returns the outcome, or FH_NO_HANDLER. */
int fh_http(const char *method, const char *pattern, const char *const *vars,
            const char *const *query, const char *tenant, int *status, json_t **body);

/* Run the periodic task @p name until it reports no more work (max 1000 calls).
 * Returns the number of calls that reported work, or < 0 on error. */
int fh_run_task(const char *name);

/* Events recorded since the last fh_clear, in emit order across topics. */
size_t fh_count(void);
const struct fh_event *fh_event(size_t i);
/* Events of one topic with one "type": index among them, NULL if absent. */
const struct fh_event *fh_find(const char *topic_var, const char *type, size_t nth);
void fh_clear(void);
/* Print recorded events to stderr (debugging a failing test). */
void fh_dump(void);

/* The clock handed to handlers and tasks (default: a fixed 2025-03-01T12:00:00Z). */
void fh_set_now(int64_t us);
int64_t fh_now(void);
/* --set plugin.key=value */
void fh_set(const char *assignment);
/* Feature switch of @p plugin for @p tenant (default: all on). */
void fh_set_enabled(const char *plugin, const char *tenant, bool on);

/* Rejection reason of the last REJECT ("" if none). */
const char *fh_reason(void);

/* SQL for assertions: the first column of the first row as an integer (or @p def). */
int64_t fh_scalar(const char *sql, const struct coffer_val *args, size_t nargs, int64_t def);
/* Run a statement outside any handler (fixtures: templates, rows). 0 on success. */
int fh_exec(const char *sql, const struct coffer_val *args, size_t nargs);

/* The host table, for code under test that needs it directly. */
const struct coffer_host *fh_host(void);

#endif
