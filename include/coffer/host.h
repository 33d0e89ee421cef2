/* SPDX-License-Identifier: MIT */
/* coffer/host.h: the table of host functions handed to a plugin's init. */
#ifndef COFFER_HOST_H
#define COFFER_HOST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>

#include <coffer/err.h>
#include <coffer/msg.h>
#include <coffer/sql.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Threads and lifetimes (ABI 1.1 writes down what 1.0 left implicit):
 *
 * - init, start, reconfigure, stop and fini run on the host's main thread
 *   (reconfigure on the task thread, after SIGHUP), never at the same time as
 *   each other. Message handlers run on worker threads (several at once, for
 *   different keys); periodic tasks on the one task thread; route handlers
 *   (on_http) on the HTTP threads (several at once). Handlers, tasks and routes
 *   run only between start and stop.
 * - A handler may run more than once for one message: a batch is rolled back
 *   and run again (a redelivery, a rejection in the batch, a lost connection),
 *   and a route handler is rerun on COFFER_RETRY. Everything it does must go
 *   through its transaction (sql_exec, sql_query, emit): no effect outside it
 *   (no file, no socket, no global state that a rerun would repeat).
 * - Safe from any thread, at any time after init: log, config, config_int,
 *   enabled, lookup, uuid. The txn entries (now, sql_exec, sql_query, emit,
 *   reject, txn_ctx) only with the txn the host handed to the running callback,
 *   on that callback's thread. The registration entries (on_message,
 *   on_disabled, every, provide, on_http, emits) only inside init.
 * - @c ud is the plugin's: the host stores the pointer, never reads or frees
 *   it, and passes it to every call until fini; free it in fini (or later).
 * - A @c lookup result is the provider's static table: valid until the
 *   provider's fini, which runs after every plugin that requires it (.requires)
 *   has had its fini. Look services up in init and keep the pointer.
 */

/** The plugin's handle. One per loaded plugin; valid from init to fini. */
typedef struct coffer_ctx coffer_ctx;
/** An open database transaction, owned by the host. Valid until the callback returns. */
typedef struct coffer_txn coffer_txn;

/** Log levels, lowest is most severe. */
enum coffer_log_level {
	COFFER_LOG_ERROR = 0,
	COFFER_LOG_WARN = 1,
	COFFER_LOG_INFO = 2,
	COFFER_LOG_DEBUG = 3,
};

/**
 * A message handler. Runs inside @p txn, which the host has already opened;
 * the host commits on COFFER_DONE, rolls back on COFFER_RETRY, and rolls back
 * and dead-letters on COFFER_REJECT (call host->reject to give the reason).
 * Runs on a worker thread; several handlers run at once for different keys.
 * May run more than once for one message (see above): no effect outside @p txn.
 */
typedef enum coffer_outcome (*coffer_handler_fn)(coffer_ctx *ctx, coffer_txn *txn,
                                                  const struct coffer_msg *msg, void *ud);

/**
 * A periodic task. Runs in its own host-opened transaction, committed when it
 * returns >= 0. Return > 0 when work is left (the host calls again at once, in a
 * new transaction, with the same @p now_us), 0 when done, < 0 on error (rolled back;
 * COFFER_ETRANSIENT is retried at the next tick without an error log).
 */
typedef int (*coffer_task_fn)(coffer_ctx *ctx, coffer_txn *txn, int64_t now_us, void *ud);

/* ---- ABI 1.1: HTTP routes ---- */

/** One name/value pair of a request: a path variable or a query parameter. */
struct coffer_http_param {
	const char *name;
	const char *value;   /**< percent-decoded, NUL-terminated */
};

/**
 * An HTTP request as a route handler sees it. The host has already matched the
 * route and method and validated the four tenant headers; plugins never see raw
 * HTTP. Everything is borrowed until the handler returns.
 */
struct coffer_http_req {
	const char *method;                    /**< "GET", "POST" or "DELETE" */
	const char *pattern;                   /**< the registered pattern, e.g. "/api/drops/{id}" */
	const char *path;                      /**< the request path, without the query */
	const struct coffer_tenant *tenant;    /**< validated tenant headers (id lowercase) */
	const struct coffer_http_param *vars;  /**< path variables, in pattern order */
	size_t nvars;
	const struct coffer_http_param *query; /**< query parameters, in request order */
	size_t nquery;
	int64_t now_us;                        /**< host clock for this request, UTC microseconds */
};

/**
 * What a route handler answers. @c status starts at 200 and @c body at NULL
 * (an empty body). The host takes the reference to @c body and serialises it
 * (Content-Type application/json, Go-style escaping of <, >, &, U+2028/9).
 */
struct coffer_http_resp {
	int status;
	json_t *body;
	/** Or a pre-serialised body (start NULL): @c raw_len bytes from malloc(), already
	 *  compact and Go-escaped; the host frees it and ignores @c body when it is set. */
	char *raw;
	size_t raw_len;
};

/**
 * A route handler. Runs on an HTTP thread inside @p txn: for GET a read-only,
 * consistent snapshot (a reader never sees half of a command); for POST and
 * DELETE a read-write transaction with the outbox, exactly like a message
 * handler (emit works; the tenant for emit is @p req->tenant). The host commits
 * on COFFER_DONE and answers @p resp; on COFFER_RETRY it rolls back and runs the
 * handler again a few times, then answers 500; on COFFER_REJECT it rolls back
 * and answers @p resp (set its status to the 4xx/5xx the contract gives; the
 * body is usually NULL). May run more than once per request; no effect outside
 * the transaction.
 */
typedef enum coffer_outcome (*coffer_route_fn)(coffer_ctx *ctx, coffer_txn *txn,
                                                const struct coffer_http_req *req,
                                                struct coffer_http_resp *resp, void *ud);

/** The value of path variable @p name, or NULL. */
static inline const char *coffer_http_var(const struct coffer_http_req *req, const char *name)
{
	for (size_t i = 0; i < req->nvars; i++)
		if (strcmp(req->vars[i].name, name) == 0)
			return req->vars[i].value;
	return NULL;
}

/** The first value of query parameter @p name, or NULL when absent. */
static inline const char *coffer_http_query(const struct coffer_http_req *req, const char *name)
{
	for (size_t i = 0; i < req->nquery; i++)
		if (strcmp(req->query[i].name, name) == 0)
			return req->query[i].value;
	return NULL;
}

/**
 * The host table. Entries are only ever appended: test an entry added after
 * your declared minimum ABI minor with COFFER_HOST_HAS before calling it.
 */
struct coffer_host {
	size_t size;            /**< sizeof(struct coffer_host) of the host */
	uint16_t abi_major;
	uint16_t abi_minor;

	/* ---- logging ---- */

	/**
	 * Log one line. The host adds time, level, plugin, and (on a worker) the
	 * tenant, topic, partition and offset of the current message. No newline.
	 * Write fields in @p fmt itself, as key=%d or key=\"%s\" (not inside a %s
	 * argument): the host reads them from the format, for the JSON log format
	 * too (docs/observability.md "Logs").
	 */
	void (*log)(coffer_ctx *ctx, enum coffer_log_level level, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

	/* ---- registration: init only ---- */

	/**
	 * Handle messages of @p type on the logical topic @p topic_var
	 * (COMMAND_TOPIC_* or EVENT_TOPIC_*). Both strings are copied.
	 * @return 0, COFFER_EEXIST when another plugin (named in a log line) claims
	 *         the pair, COFFER_ESTATE outside init, COFFER_EINVAL on a bad name.
	 */
	int (*on_message)(coffer_ctx *ctx, const char *topic_var, const char *type,
	                  coffer_handler_fn fn, void *ud);

	/**
	 * Register the refusal for a pair this plugin handles: called instead of the
	 * handler, in a transaction, when the plugin is off for the message's tenant
	 * (e.g. to emit an ERROR FEATURE_DISABLED). Without one the message is only logged.
	 * @return 0, COFFER_ENOTFOUND when the plugin has not registered the pair.
	 */
	int (*on_disabled)(coffer_ctx *ctx, const char *topic_var, const char *type,
	                   coffer_handler_fn fn, void *ud);

	/**
	 * Run @p fn every @p interval_ms (see coffer_task_fn). Tasks of all plugins
	 * share one host thread; keep each call short.
	 */
	int (*every)(coffer_ctx *ctx, const char *name, unsigned interval_ms,
	             coffer_task_fn fn, void *ud);

	/**
	 * Publish @p api (a const struct that starts with its size) as service
	 * @p name at @p version. The name must be listed in the descriptor's
	 * .provides. @p api must outlive the plugin (a static const struct).
	 */
	int (*provide)(coffer_ctx *ctx, const char *name, unsigned version, const void *api);

	/**
	 * Look up a service provided by an already initialised plugin.
	 * @return the api struct, or NULL when missing or older than @p min_version.
	 */
	const void *(*lookup)(coffer_ctx *ctx, const char *name, unsigned min_version);

	/* ---- configuration and state ---- */

	/**
	 * The value of setting "<plugin>.<key>" (--set, then COFFER_<PLUGIN>_<KEY>),
	 * or @p def when unset. The string lives as long as the host.
	 */
	const char *(*config)(coffer_ctx *ctx, const char *key, const char *def);

	/** Like config, parsed as an integer; @p def when unset or not a number (logged). */
	int64_t (*config_int)(coffer_ctx *ctx, const char *key, int64_t def);

	/**
	 * Whether this plugin is on for @p tenant_id (lowercase UUID), per the
	 * tenant-feature table (refreshed within seconds of a change).
	 */
	bool (*enabled)(coffer_ctx *ctx, const char *tenant_id);

	/** The host clock for @p txn (the message's or the tick's Now), UTC microseconds. */
	int64_t (*now)(coffer_txn *txn);

	/* ---- inside a transaction ---- */

	/**
	 * Run one prepared statement (cached per connection) with @p nargs binds.
	 * @p res may be NULL.
	 * @return 0, COFFER_EDUP on a unique-key violation, COFFER_ETRANSIENT on
	 *         deadlock / lock wait timeout / lost connection (return COFFER_RETRY),
	 *         COFFER_EDB otherwise (logged by the host with the SQL error).
	 */
	int (*sql_exec)(coffer_txn *txn, const char *sql, const struct coffer_val *args,
	                size_t nargs, struct coffer_exec_result *res);

	/**
	 * Run one prepared SELECT and call @p fn for each row (values borrowed for
	 * the call). The whole result is read before the first call, so @p fn may run
	 * further statements in the same transaction. @return as sql_exec; a non-zero
	 * return of @p fn stops the iteration and is returned (positive values as
	 * COFFER_ESTOP).
	 */
	int (*sql_query)(coffer_txn *txn, const char *sql, const struct coffer_val *args,
	                 size_t nargs, coffer_row_fn fn, void *ud);

	/**
	 * Append an event to the outbox of @p txn, published after commit in the
	 * order of emit calls. Headers: the four of @p tenant, a new EVENT_ID, and
	 * the causing message's traceparent/tracestate. Key: @p key as the 8-byte
	 * little-endian form. The host takes the reference to @p value (even on error).
	 * @p tenant NULL means the tenant of the message being handled.
	 */
	int (*emit)(coffer_txn *txn, const struct coffer_tenant *tenant, const char *topic_var,
	            uint32_t key, json_t *value);

	/**
	 * Log the reason a message is bad input (one WARN line) and record it for the
	 * dead-letter copy. @return COFFER_REJECT, for `return host->reject(...)`.
	 */
	enum coffer_outcome (*reject)(coffer_txn *txn, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

	/** A new random UUID v4 in lowercase text (37 bytes with the NUL). */
	void (*uuid)(char out[37]);

	/** The plugin owning @p txn's handler (for logging from shared service code). */
	coffer_ctx *(*txn_ctx)(coffer_txn *txn);

	/* ---- ABI 1.1 (test with COFFER_HOST_HAS) ---- */

	/**
	 * Init only. Answer @p method ("GET", "POST" or "DELETE") on @p pattern, a
	 * path of literal segments and "{name}" segments (one or more characters
	 * other than '/'), e.g. "/api/characters/{characterId}/inventory". Both
	 * strings are copied. Routing, 404/405/301, the tenant headers (a bad one
	 * is answered 400 by the host), limits and serialisation are the host's.
	 * When the plugin is off for the request's tenant (enabled() false) the
	 * host answers 404 with an empty body and the handler is not called.
	 * Path variables arrive percent-decoded but unchecked: validate them with
	 * the integer and UUID rules of the REST contract and answer 400 (set
	 * resp->status, return COFFER_REJECT). emit inside a GET is refused.
	 * @return 0, COFFER_EEXIST when the (method, pattern) is taken (logged with
	 *         both plugins), COFFER_EINVAL on a bad pattern, COFFER_ESTATE outside init.
	 */
	int (*on_http)(coffer_ctx *ctx, const char *method, const char *pattern,
	               coffer_route_fn fn, void *ud);

	/**
	 * Init only. Declare a logical topic this plugin emits to without consuming
	 * it (the embedded Kafka creates it; --list-plugins shows it). Declaring a
	 * topic it also consumes, or one twice, is harmless.
	 * @return 0, COFFER_EINVAL on a bad name, COFFER_ESTATE outside init.
	 */
	int (*emits)(coffer_ctx *ctx, const char *topic_var);
};

/** Whether the host table has @p member (appended after the plugin was built). */
#define COFFER_HOST_HAS(host, member) \
	(offsetof(struct coffer_host, member) < (host)->size && (host)->member != NULL)

#ifdef __cplusplus
}
#endif
#endif
