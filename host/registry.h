/* host/registry.h: loaded plugins and what they registered; the host table; transactions. */
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
	const struct coffer_msg *msg;        /* NULL for periodic tasks */
	const char *traceparent, *tracestate;
	size_t traceparent_len, tracestate_len;
	struct txn_event *ev;
	size_t nev, cap;
	char reason[256];
	bool quiet_reject;                   /* a rejection was logged already: do not log it again */
};

/* Loading. A plugin file is refused (logged, COFFER_EABI) on wrong magic/major/newer minor. */
int reg_load_file(const char *path);
/* Load every "*.so" of @p dir and of its "<sub>/.libs/" folders (a build tree). */
int reg_load_dir(const char *dir);
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

#endif
