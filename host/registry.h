/* SPDX-License-Identifier: MIT */
/* host/registry.h: the plugins and what they registered. One job per file:
 * loader.c (loading, order, lifecycle), registry.c (registrations), settings.c
 * (settings, topics, tenant switches), hosttab.c (the host table), txn.c
 * (transactions). */
#ifndef COFFER_HOST_REGISTRY_H
#define COFFER_HOST_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coffer/plugin.h>

#include "db.h"

struct plugin {
	char *path;
	void *dl;
	const struct coffer_plugin *desc;
	coffer_ctx *ctx;
	bool inited;
	bool failed;
	size_t entry; /* the search-path entry it was loaded from (reg_load_path) */
};

struct coffer_ctx {
	struct plugin *p;
};

struct handler {
	char *topic_var;
	char *type;
	struct plugin *owner;
	coffer_handler_fn fn;
	void *ud;
	coffer_handler_fn refuse;
	void *refuse_ud;
};

struct task {
	char *name;
	struct plugin *owner;
	unsigned interval_ms;
	coffer_task_fn fn;
	void *ud;
	int64_t next_us;
};

/* An HTTP route (host->on_http). */
struct route {
	char *method;
	char *pattern;
	struct plugin *owner;
	coffer_route_fn fn;
	void *ud;
};

/* A topic a plugin emits to without consuming it (host->emits). */
struct emitted {
	char *topic_var;
	struct plugin *owner;
};

/* An event a handler emitted, kept in its transaction until the outbox write. */
struct txn_event {
	char *topic_var;
	uint32_t key;
	struct coffer_tenant tenant;
	json_t *value;
	char event_id[37];
};

struct coffer_txn {
	struct db_conn *db;
	int64_t now_us;
	coffer_ctx *ctx;                     /* plugin whose handler/task runs */
	const struct coffer_msg *msg;        /* NULL for periodic tasks and routes */
	const struct coffer_tenant *tenant;  /* emit's default tenant: the message's or request's */
	bool read_only;                      /* a GET route's snapshot: emit is refused */
	const char *traceparent, *tracestate;
	size_t traceparent_len, tracestate_len;
	struct txn_event *ev;
	size_t nev, cap;
	char reason[256];
	bool quiet_reject;                   /* a rejection was logged already: do not log it again */
	bool sql_failed;                     /* a statement of the handler failed (not EDUP) */
};

/* Loading. A plugin file is refused (logged, COFFER_EABI) on wrong magic/major/newer minor. */
int reg_load_file(const char *path);
/* Load every "*.so" of @p dir and of its "<sub>/.libs/" folders (a build tree). */
int reg_load_dir(const char *dir);
/* Load a search path in order: each entry a folder (reg_load_dir) or one ".so"
 * file. A plugin whose name an earlier entry already loaded is shadowed: skipped
 * and logged at info. The same name twice within one entry is refused as ever. */
void reg_load_path(const char *const *entries, size_t n);
/* init in dependency order; a failing init is undone; a required plugin's failure
 * (or of one it needs) returns an error. */
int reg_init_all(void);
/* Plugin settings read during init that were not numbers (each logged). */
size_t reg_config_errors(void);
void reg_start_all(void);
void reg_reconfigure_all(void);
void reg_stop_all(void);
/* fini in reverse order, then dlclose unless @p keep. */
void reg_fini_all(bool keep);

size_t reg_plugin_count(void);
struct plugin *reg_plugin(size_t i);           /* in init order after reg_init_all */
size_t reg_handler_count(void);
struct handler *reg_handler(size_t i);
const struct handler *reg_find(const char *topic_var, const char *type);
size_t reg_task_count(void);
struct task *reg_task(size_t i);
size_t reg_route_count(void);
struct route *reg_route(size_t i);
size_t reg_emitted_count(void);
struct emitted *reg_emitted(size_t i);

/* Settings: --set plugin.key=value (wins over COFFER_PLUGIN_KEY). */
int reg_set_config(const char *assignment);
/* Whether a plugin is on for a tenant; answered by the host's tenant table. */
void reg_set_enabled_fn(bool (*fn)(const char *plugin, const char *tenant));
bool reg_enabled(const char *plugin, const char *tenant);

/* Topic variable -> real topic name (env var of that name, --topic, or the name). */
int reg_set_topic(const char *assignment);
const char *reg_topic(const char *topic_var);
bool reg_topic_var_valid(const char *topic_var);

const struct coffer_host *reg_host(void);

/* Transaction helpers. @p t must be zeroed before its first txn_init; its event
 * buffer is reused by later calls and released by txn_free. */
void txn_init(struct coffer_txn *t, struct db_conn *db, int64_t now_us, coffer_ctx *ctx,
              const struct coffer_msg *msg);
void txn_clear_events(struct coffer_txn *t);
void txn_free(struct coffer_txn *t);

/* ---- internal to the files above ---- */

void *reg_grow(void *arr, size_t *cap, size_t need, size_t elem); /* aborts when out of memory */
bool reg_name_valid(const char *s);                                /* [a-z][a-z0-9_]* */
const char *reg_pname(const struct plugin *p);
/* The plugin whose init runs (registration is allowed for it only), or NULL. */
void reg_set_initing(coffer_ctx *ctx);
coffer_ctx *reg_initing(void);
bool reg_provided(const struct plugin *p, const char *svc);
void reg_unregister(struct plugin *p);
void reg_free_all(void);

/* Host-table entries, by the file that owns their job. */
int reg_on_message(coffer_ctx *ctx, const char *topic_var, const char *type, coffer_handler_fn fn,
                   void *ud);
int reg_on_disabled(coffer_ctx *ctx, const char *topic_var, const char *type, coffer_handler_fn fn,
                    void *ud);
int reg_every(coffer_ctx *ctx, const char *name, unsigned interval_ms, coffer_task_fn fn, void *ud);
int reg_provide(coffer_ctx *ctx, const char *name, unsigned version, const void *api);
int reg_on_http(coffer_ctx *ctx, const char *method, const char *pattern, coffer_route_fn fn,
                void *ud);
int reg_emits(coffer_ctx *ctx, const char *topic_var);
const void *reg_lookup(coffer_ctx *ctx, const char *name, unsigned min_version);
const char *reg_config(coffer_ctx *ctx, const char *key, const char *def);
/* The setting @p full ("outbox.embedded_retention_rows"): --set, else the
 * environment variable COFFER_<FULL> (dots as '_', upper case; written to @p env),
 * else NULL. */
const char *reg_setting(const char *full, char *env, size_t cap);
int64_t reg_config_int(coffer_ctx *ctx, const char *key, int64_t def);
int64_t txn_h_now(coffer_txn *txn);
int txn_h_sql_exec(coffer_txn *txn, const char *sql, const struct coffer_val *args, size_t nargs,
                   struct coffer_exec_result *res);
int txn_h_sql_query(coffer_txn *txn, const char *sql, const struct coffer_val *args, size_t nargs,
                    coffer_row_fn fn, void *ud);
int txn_h_emit(coffer_txn *txn, const struct coffer_tenant *tenant, const char *topic_var,
               uint32_t key, json_t *value);
enum coffer_outcome txn_h_reject(coffer_txn *txn, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
coffer_ctx *txn_h_txn_ctx(coffer_txn *txn);

#endif
