/* SPDX-License-Identifier: MIT */
/* host/http.h: the HTTP server (libmicrohttpd, its own thread pool). Plugins'
 * routes (host->on_http) get the tenant headers checked, a transaction and JSON
 * serialisation; host routes (health, metrics) get none of that. docs/http.md
 * describes the rules. */
#ifndef COFFER_HOST_HTTP_H
#define COFFER_HOST_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "db.h"

struct http_cfg {
	const char *listen;          /* "ADDR:PORT", "[V6]:PORT" or "PORT"; port 0 = any */
	unsigned threads;            /* pool size */
	unsigned conn_limit;         /* concurrent connections, also the accept backlog bound */
	unsigned timeout_s;          /* per connection, without progress: closed */
	size_t max_body;             /* request body bytes (never read, only bounded): 413 */
	size_t max_url;              /* request target bytes: 414 */
	const char *port_file;       /* write the bound "ADDR:PORT" here (tests), or NULL */
	struct db_params db;
	const atomic_bool *stopping;
};

/* Parse --http-listen / REST_PORT into @p addr (ADDR or V6 without brackets, at
 * most @p cap bytes) and @p port. 0, or -1 with a reason in @p err. */
int http_parse_listen(const char *s, char *addr, size_t cap, unsigned *port, char *err,
                      size_t errcap);

/* Build the route table (plugin routes and host routes), bind, start the pool,
 * log "http: listening on ADDR:PORT". 0 or -1 (logged). */
int http_start(const struct http_cfg *cfg);
/* Stop accepting, finish the requests in progress, join the pool. */
void http_stop(void);

/* The server starts before the migrations and stops after the outbox drain, so
 * that /healthz, /readyz and /metrics answer all along; plugin routes answer 503
 * (empty body, application/json) until http_open_plugin_routes and again from
 * the signal to stop (cfg->stopping) or http_close_plugin_routes, which waits for
 * the plugin requests in progress (their events reach the outbox before the
 * drain). Thread-safe. */
void http_open_plugin_routes(void);
void http_close_plugin_routes(void);
/* The bound port, 0 when not running. */
unsigned http_port(void);

/* ---- host routes: /healthz, /readyz, /metrics ----
 *
 * A host route needs no tenant headers and runs no transaction or plugin: @p fn
 * is called on an HTTP thread (several at once: it must be thread-safe) and fills
 * @p resp. Register before http_start (from main, on the main thread). 404, 405,
 * 301 and limits apply as for plugin routes; the body is sent as written with
 * its own Content-Type, and a HEAD of a GET host route is not answered
 * specially (405, like every route). */
struct http_host_resp {
	int status;                /* starts at 200 */
	const char *content_type;  /* starts at "text/plain; charset=utf-8"; NULL = none */
	char *body;                /* malloc'd, taken by the server; NULL = empty */
	size_t len;
};
typedef void (*http_host_fn)(const char *method, const char *path, struct http_host_resp *resp,
                             void *ud);
/* 0, -EEXIST (taken, also by a plugin's route), -EINVAL (bad method or path). */
int http_host_route(const char *method, const char *path, http_host_fn fn, void *ud);
/* Set @p resp's status and a printf-formatted body. */
void http_host_text(struct http_host_resp *resp, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Go's encoding/json escaping over jansson's compact output: <, >, & become
 * \u003c, \u003e, \u0026 and U+2028/9 \u2028/9. Returns a malloc'd copy. */
char *http_go_escape(const char *json, size_t *len);

/* A route's document as it goes on the wire: the bytes of http_go_escape over
 * json_dumps(@p body, JSON_COMPACT | JSON_ENCODE_ANY), in one pass. Returns a
 * malloc'd, NUL-terminated string (*len without the NUL), NULL on failure. */
char *http_serialise(const json_t *body, size_t *len);

#endif
