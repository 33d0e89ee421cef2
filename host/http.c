/* SPDX-License-Identifier: MIT */
/* host/http.c: the HTTP server. libmicrohttpd parses HTTP and runs a pool of
 * --http-threads threads (not the Kafka workers); each pool thread keeps its own
 * database connection, connected on first use and again after a loss. One
 * request is answered like this (docs/http.md):
 *
 *   limits (414 URL, 413 body) -> route table (301 clean path / trailing slash,
 *   405 method, 404) -> host route: its function; plugin route: the four tenant
 *   headers (400) -> the plugin's switch for the tenant (404) -> the handler in a
 *   transaction (GET: read-only snapshot; POST/DELETE: read-write with the
 *   outbox), RETRY rerun up to HTTP_ATTEMPTS times then 500, REJECT rolled back
 *   -> the document, serialised with Go's escaping, Content-Type application/json.
 *
 * Request bodies are never read, only counted and bounded. */
#include "http.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <microhttpd.h>

#include <coffer/err.h>

#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "registry.h"
#include "router.h"
#include "util.h"
#include "xalloc.h"

#define HTTP_ATTEMPTS 3
#define MAX_QUERY 64
#define MAX_HOST_ROUTES 32

static const char not_found_body[] = "404 page not found\n";
#define TEXT_PLAIN "text/plain; charset=utf-8"
#define APP_JSON "application/json"

struct host_route {
	char *method;
	char *path;
	http_host_fn fn;
	void *ud;
};

/* What a router entry points to. */
struct target {
	const struct route *plugin;      /* or NULL */
	const struct host_route *host;
};

static struct host_route host_routes[MAX_HOST_ROUTES];
static size_t nhost_routes;
static struct router table;
static struct target *targets;
static struct http_cfg cfg;
static struct MHD_Daemon *daemon_;
static unsigned bound_port;
static pthread_key_t thread_key;
static bool key_made;

/* Plugin routes run only between http_open_plugin_routes (migrations applied,
 * the publisher and the tasks started) and the signal to stop; outside that
 * window they answer 503 (the host routes answer all along). Requests in
 * progress are counted so that closing waits for them. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static enum { GATE_STARTING, GATE_OPEN, GATE_CLOSED } gate_state;
static unsigned gate_inflight;

/* NULL when the plugin route may run (then gate_leave after it), else why not. */
static const char *gate_enter(void)
{
	const char *why = NULL;
	pthread_mutex_lock(&gate_lock);
	if (gate_state == GATE_STARTING)
		why = "starting";
	else if (gate_state == GATE_CLOSED || (cfg.stopping && atomic_load(cfg.stopping)))
		why = "stopping";
	else
		gate_inflight++;
	pthread_mutex_unlock(&gate_lock);
	return why;
}

static void gate_leave(void)
{
	pthread_mutex_lock(&gate_lock);
	if (--gate_inflight == 0)
		pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

void http_open_plugin_routes(void)
{
	pthread_mutex_lock(&gate_lock);
	if (gate_state == GATE_STARTING)
		gate_state = GATE_OPEN;
	pthread_mutex_unlock(&gate_lock);
}

void http_close_plugin_routes(void)
{
	pthread_mutex_lock(&gate_lock);
	gate_state = GATE_CLOSED;
	while (gate_inflight > 0)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
}

/* One per pool thread, made on its first request, freed when it exits. */
struct http_thread {
	struct db_conn *db;
	struct coffer_txn txn;
	struct router_match m;
};

/* One per request: made by the URI callback, freed when MHD is done with it. */
struct hreq {
	int64_t start_us;
	char *uri;          /* the raw request target; NULL when longer than --http-max-url */
	bool too_long;
	bool started;
	bool too_big;
	size_t body;
	int status;
	char method[16];
	const char *m_method, *m_route; /* metrics: the matched route's (stable strings) */
};

/* ------------------------------------------------------------------ options */

int http_parse_listen(const char *s, char *addr, size_t cap, unsigned *port, char *err,
                      size_t errcap)
{
	const char *p;
	if (s == NULL || *s == '\0') {
		snprintf(err, errcap, "empty address");
		return -1;
	}
	if (s[0] == '[') {
		const char *e = strchr(s, ']');
		if (e == NULL || e[1] != ':' || (size_t)(e - s - 1) >= cap) {
			snprintf(err, errcap, "expected [IPV6]:PORT");
			return -1;
		}
		snprintf(addr, cap, "%.*s", (int)(e - s - 1), s + 1);
		p = e + 2;
	} else if ((p = strrchr(s, ':')) != NULL) {
		if ((size_t)(p - s) >= cap || p == s) {
			snprintf(err, errcap, "expected ADDR:PORT");
			return -1;
		}
		snprintf(addr, cap, "%.*s", (int)(p - s), s);
		p++;
	} else {
		snprintf(addr, cap, "127.0.0.1");
		p = s;
	}
	int64_t v;
	if (cu_parse_int(p, &v) != 0 || *p == '+' || *p == '-' || v < 0 || v > 65535) {
		snprintf(err, errcap, "port '%s' is not 0..65535", p);
		return -1;
	}
	*port = (unsigned)v;
	return 0;
}

/* ------------------------------------------------------------------ host routes */

int http_host_route(const char *method, const char *path, http_host_fn fn, void *ud)
{
	if (fn == NULL || nhost_routes == MAX_HOST_ROUTES)
		return -EINVAL;
	struct router one = {0};
	int rc = router_add(&one, method, path, NULL);
	for (size_t i = 0; rc == 0 && i < nhost_routes; i++)
		if (strcmp(host_routes[i].method, method) == 0 && strcmp(host_routes[i].path, path) == 0)
			rc = -EEXIST;
	router_free(&one);
	if (rc)
		return rc;
	host_routes[nhost_routes++] =
		(struct host_route){.method = xstrdup(method), .path = xstrdup(path), .fn = fn, .ud = ud};
	return 0;
}

void http_host_text(struct http_host_resp *resp, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(resp->body);
	resp->body = NULL;
	int n = vasprintf(&resp->body, fmt, ap);
	va_end(ap);
	resp->len = n > 0 ? (size_t)n : 0;
	if (n < 0)
		resp->body = NULL;
	resp->status = status;
}

/* ------------------------------------------------------------------ serialising */

char *http_go_escape(const char *js, size_t *len)
{
	size_t n = strlen(js), extra = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)js[i];
		if (c == '<' || c == '>' || c == '&')
			extra += 5;
		else if (c == 0xE2 && i + 2 < n && (unsigned char)js[i + 1] == 0x80 &&
		         ((unsigned char)js[i + 2] == 0xA8 || (unsigned char)js[i + 2] == 0xA9))
			extra += 3;
	}
	char *out = xmalloc(n + extra + 1);
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)js[i];
		if (c == '<' || c == '>' || c == '&') {
			w += (size_t)sprintf(out + w, "\\u00%02x", c);
		} else if (c == 0xE2 && i + 2 < n && (unsigned char)js[i + 1] == 0x80 &&
		           ((unsigned char)js[i + 2] == 0xA8 || (unsigned char)js[i + 2] == 0xA9)) {
			w += (size_t)sprintf(out + w, "\\u%s", (unsigned char)js[i + 2] == 0xA8 ? "2028" : "2029");
			i += 2;
		} else {
			out[w++] = (char)c;
		}
	}
	out[w] = '\0';
	*len = w;
	return out;
}

/* ------------------------------------------------------------------ answering */

static enum MHD_Result answer(struct MHD_Connection *c, struct hreq *r, int status,
                              const char *ctype, char *body, size_t len, const char *location)
{
	struct MHD_Response *resp =
		body ? MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE)
		     : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	if (ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (location)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
	r->status = status;
	enum MHD_Result rc = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* json_dump_callback's sink: one growing buffer, Go's escaping applied on the way in (the
 * same bytes as http_go_escape on json_dumps' output, without the second copy). jansson hands
 * over whole code points, so U+2028/9 is never split across two calls. */
struct go_sink {
	char *b;
	size_t len, cap;
};

static int go_sink_put(const char *s, size_t n, void *data)
{
	struct go_sink *k = data;
	if (k->len + n * 6 + 1 > k->cap) {
		size_t cap = k->cap ? k->cap : 4096;
		while (k->len + n * 6 + 1 > cap)
			cap *= 2;
		char *b = realloc(k->b, cap);
		if (b == NULL)
			return -1;
		k->b = b;
		k->cap = cap;
	}
	char *o = k->b + k->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '<' || c == '>' || c == '&') {
			static const char hex[] = "0123456789abcdef";
			memcpy(o, "\\u00", 4);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			o += 6;
		} else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		           ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
			memcpy(o, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
			o += 6;
			i += 2;
		} else {
			*o++ = (char)c;
		}
	}
	k->len = (size_t)(o - k->b);
	return 0;
}

char *http_serialise(const json_t *body, size_t *len)
{
	struct go_sink k = {0};
	if (json_dump_callback(body, go_sink_put, &k, JSON_COMPACT | JSON_ENCODE_ANY) != 0 ||
	    k.b == NULL) {
		free(k.b);
		return NULL;
	}
	k.b[k.len] = '\0'; /* go_sink_put keeps a byte for it */
	*len = k.len;
	return k.b;
}

static enum MHD_Result answer_json(struct MHD_Connection *c, struct hreq *r, int status,
                                   json_t *body)
{
	if (body == NULL)
		return answer(c, r, status, APP_JSON, NULL, 0, NULL);
	size_t len = 0;
	char *out = http_serialise(body, &len);
	json_decref(body);
	if (out == NULL) {
		LOG_ERR("http: a route's document could not be serialised");
		return answer(c, r, 500, APP_JSON, NULL, 0, NULL);
	}
	return answer(c, r, status, APP_JSON, out, len, NULL);
}

/* ------------------------------------------------------------------ plugin routes */

static void thread_free(void *p)
{
	struct http_thread *t = p;
	txn_free(&t->txn);
	db_free(t->db);
	free(t);
}

static struct http_thread *thread_state(void)
{
	struct http_thread *t = pthread_getspecific(thread_key);
	if (t == NULL) {
		t = xcalloc(1, sizeof *t);
		t->db = db_new(&cfg.db, "http");
		pthread_setspecific(thread_key, t);
	}
	return t;
}

/* docs/rest.md#tenant-headers: 0, or the 1-based index of the first bad header. */
static int tenant_headers(struct MHD_Connection *c, struct coffer_tenant *t)
{
	return router_tenant_headers(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "TENANT_ID"),
	                             MHD_lookup_connection_value(c, MHD_HEADER_KIND, "REGION"),
	                             MHD_lookup_connection_value(c, MHD_HEADER_KIND, "MAJOR_VERSION"),
	                             MHD_lookup_connection_value(c, MHD_HEADER_KIND, "MINOR_VERSION"),
	                             t);
}

struct query {
	struct coffer_http_param p[MAX_QUERY];
	size_t n;
};

static enum MHD_Result take_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
	struct query *q = cls;
	if (q->n < MAX_QUERY)
		q->p[q->n++] = (struct coffer_http_param){key, value ? value : ""};
	return MHD_YES;
}

static const char *const header_names[] = {"TENANT_ID", "REGION", "MAJOR_VERSION",
                                           "MINOR_VERSION"};

static enum MHD_Result run_route(struct MHD_Connection *c, struct hreq *r, const struct route *rt,
                                 struct router_match *m, const char *method, const char *path)
{
	struct coffer_tenant t = {0};
	int bad = tenant_headers(c, &t);
	if (bad) {
		LOG_DBG("event=http_bad_tenant header=%s path=\"%s\"", header_names[bad - 1],
		        rt->pattern);
		return answer(c, r, 400, APP_JSON, NULL, 0, NULL);
	}
	const char *plugin = rt->owner->desc->name;
	if (!reg_enabled(plugin, t.id)) {
		LOG_DBG("event=http_feature_disabled plugin=%s tenant=%s pattern=\"%s\"", plugin, t.id,
		        rt->pattern);
		return answer(c, r, 404, APP_JSON, NULL, 0, NULL);
	}
	struct coffer_http_param vars[ROUTER_MAX_VARS];
	for (size_t i = 0; i < m->nvars; i++) {
		char *v = m->vars[i].value; /* in m->buf: decoded in place */
		size_t n = MHD_http_unescape(v);
		v[n] = '\0';
		if (strlen(v) != n) {
			LOG_DBG("event=http_bad_var name=%s reason=\"NUL byte\"", m->vars[i].name);
			return answer(c, r, 400, APP_JSON, NULL, 0, NULL);
		}
		vars[i] = (struct coffer_http_param){m->vars[i].name, v};
	}
	struct query q = {.n = 0};
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, take_query, &q);

	struct http_thread *th = thread_state();
	if (th == NULL)
		return answer(c, r, 500, APP_JSON, NULL, 0, NULL);
	bool write = strcmp(method, "GET") != 0;
	struct coffer_http_req req = {.method = rt->method, .pattern = rt->pattern, .path = path,
	                              .tenant = &t, .vars = vars, .nvars = m->nvars,
	                              .query = q.p, .nquery = q.n};
	struct log_ctx lc = {.tenant = t.id, .partition = -1, .offset = -1};
	log_set_ctx(&lc);
	int status = 500;
	json_t *body = NULL;
	char *raw = NULL; /* a pre-serialised body instead of @c body */
	size_t raw_len = 0;
	for (int attempt = 0; attempt < HTTP_ATTEMPTS; attempt++) {
		if (attempt > 0) {
			struct timespec ts = {0, 5000000L * attempt};
			nanosleep(&ts, NULL);
		}
		if (db_ensure(th->db, NULL) != 0) {
			LOG_WRN("http: database unreachable error=\"%s\" attempt=%d", db_error(th->db),
			        attempt + 1);
			continue;
		}
		int rc = write ? db_begin(th->db) : db_begin_snapshot(th->db);
		if (rc != 0) {
			db_rollback(th->db);
			continue;
		}
		int64_t now = cu_now_us();
		txn_init(&th->txn, th->db, now, rt->owner->ctx, NULL);
		th->txn.tenant = &t;
		th->txn.read_only = !write;
		req.now_us = now;
		struct coffer_http_resp resp = {.status = 200, .body = NULL, .raw = NULL};
		enum coffer_outcome o = rt->fn(rt->owner->ctx, &th->txn, &req, &resp, rt->ud);
		if (resp.raw != NULL) { /* the raw body wins */
			json_decref(resp.body);
			resp.body = NULL;
		}
		if (o == COFFER_DONE) {
			rc = th->txn.nev ? outbox_write_events(&th->txn, now) : 0;
			if (rc == 0)
				rc = db_commit(th->db);
			if (rc == 0) {
				if (th->txn.nev)
					outbox_kick();
				txn_clear_events(&th->txn);
				status = resp.status;
				body = resp.body;
				raw = resp.raw;
				raw_len = resp.raw_len;
				break;
			}
			LOG_WRN("http: commit failed error=\"%s\" attempt=%d", db_error(th->db), attempt + 1);
		}
		db_rollback(th->db);
		txn_clear_events(&th->txn);
		if (o == COFFER_REJECT) {
			status = resp.status;
			if (status < 400 || status > 599) {
				LOG_ERR("http: a route rejected with status=%d, answered 500 plugin=%s "
				        "pattern=\"%s\"", status, plugin, rt->pattern);
				status = 500;
			}
			body = resp.body;
			raw = resp.raw;
			raw_len = resp.raw_len;
			break;
		}
		json_decref(resp.body);
		free(resp.raw);
		if (o == COFFER_RETRY && attempt + 1 == HTTP_ATTEMPTS)
			LOG_WRN("http: route kept asking for a retry, answered 500 plugin=%s pattern=\"%s\" "
			        "attempts=%d", plugin, rt->pattern, HTTP_ATTEMPTS);
	}
	log_set_ctx(NULL);
	if (status < 100 || status > 599) {
		LOG_ERR("http: bad status=%d from plugin=%s, answered 500", status, plugin);
		json_decref(body);
		free(raw);
		status = 500;
		body = NULL;
		raw = NULL;
	}
	if (raw != NULL)
		return answer(c, r, status, APP_JSON, raw, raw_len, NULL);
	return answer_json(c, r, status, body);
}

/* ------------------------------------------------------------------ MHD callbacks */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct hreq *r = xcalloc(1, sizeof *r);
	r->start_us = cu_now_us();
	if (strlen(uri) > cfg.max_url)
		r->too_long = true;
	else
		r->uri = xstrdup(uri);
	return r;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct hreq *r = *con_cls;
	if (r == NULL)
		return;
	/* metrics (host/metrics.c): by route pattern, never the raw path */
	metrics_http(r->m_method ? r->m_method : "other", r->m_route, r->status,
	             (cu_now_us() - r->start_us) * 1000);
	if (log_get_level() >= COFFER_LOG_DEBUG) {
		char path[201];
		size_t j = 0;
		const char *s = r->uri ? r->uri : "(too long)";
		for (; *s && *s != '?' && j < sizeof path - 1; s++)
			path[j++] = (*s < 0x21 || *s > 0x7e || *s == '"' || *s == '\\') ? '?' : *s;
		path[j] = '\0';
		if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
			LOG_DBG("event=http_request method=%s path=\"%s\" status=%d duration_us=%lld",
			        r->method[0] ? r->method : "-", path, r->status,
			        (long long)(cu_now_us() - r->start_us));
		else
			LOG_DBG("event=http_request method=%s path=\"%s\" status=%d duration_us=%lld "
			        "aborted=true",
			        r->method[0] ? r->method : "-", path, r->status,
			        (long long)(cu_now_us() - r->start_us));
	}
	free(r->uri);
	free(r);
	*con_cls = NULL;
}

static enum MHD_Result dispatch(struct MHD_Connection *c, struct hreq *r, const char *method)
{
	struct http_thread *th = thread_state();
	if (th == NULL)
		return MHD_NO;
	const char *raw = r->uri;
	size_t plen = strcspn(raw, "?#");
	const char *query = raw[plen] == '?' ? raw + plen : "";
	char *path = xstrndup(raw, plen);
	struct router_match *m = &th->m;
	enum MHD_Result rc;
	switch (router_lookup(&table, method, path, m)) {
	case ROUTER_REDIRECT: {
		size_t n = strlen(m->location) + strlen(query) + 1;
		char *loc = xmalloc(n);
		snprintf(loc, n, "%s%s", m->location, query);
		rc = answer(c, r, 301, NULL, NULL, 0, loc);
		free(loc);
		break;
	}
	case ROUTER_METHOD:
		rc = answer(c, r, 405, NULL, NULL, 0, NULL);
		break;
	case ROUTER_NOT_FOUND:
		rc = answer(c, r, 404, TEXT_PLAIN, xstrdup(not_found_body), sizeof not_found_body - 1,
		            NULL);
		break;
	case ROUTER_MATCH:
	default: {
		const struct target *tg = m->route->ud;
		r->m_method = m->route->method;
		r->m_route = m->route->pattern;
		if (tg->plugin) {
			const char *why = gate_enter();
			if (why == NULL) {
				rc = run_route(c, r, tg->plugin, m, method, path);
				gate_leave();
			} else {
				LOG_DBG("event=http_not_serving pattern=\"%s\" reason=%s", tg->plugin->pattern,
				        why);
				rc = answer(c, r, 503, APP_JSON, NULL, 0, NULL);
			}
		} else {
			struct http_host_resp hr = {.status = 200, .content_type = TEXT_PLAIN};
			tg->host->fn(method, path, &hr, tg->host->ud);
			rc = answer(c, r, hr.status, hr.content_type, hr.body, hr.len, NULL);
		}
		break;
	}
	}
	free(path);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	struct hreq *r = *con_cls;
	if (r == NULL)
		return MHD_NO;
	if (!r->started) {
		r->started = true;
		snprintf(r->method, sizeof r->method, "%s", method);
		if (r->too_long)
			return answer(c, r, 414, TEXT_PLAIN, NULL, 0, NULL);
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t n;
		if (cl && cu_parse_int(cl, &n) == 0 && (n < 0 || (uint64_t)n > cfg.max_body))
			return answer(c, r, 413, TEXT_PLAIN, NULL, 0, NULL);
		return MHD_YES; /* the body, if any, comes next; answered at the last call */
	}
	if (*upload_data_size > 0) {
		/* Counted, never kept. Over the limit the rest is still read (up to a hard
		 * cap) so the client reads its 413 instead of a reset connection. */
		r->body += *upload_data_size;
		*upload_data_size = 0;
		r->too_big |= r->body > cfg.max_body;
		if (r->body > cfg.max_body * 4 + 65536)
			return MHD_NO;
		return MHD_YES;
	}
	if (r->too_big)
		return answer(c, r, 413, TEXT_PLAIN, NULL, 0, NULL);
	return dispatch(c, r, method);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	LOG_DBG("http: libmicrohttpd: %s", buf);
}

/* ------------------------------------------------------------------ start, stop */

static int build_table(void)
{
	size_t n = reg_route_count() + nhost_routes;
	targets = xcalloc(n ? n : 1, sizeof *targets);
	size_t k = 0;
	for (size_t i = 0; i < nhost_routes; i++, k++) {
		targets[k].host = &host_routes[i];
		if (router_add(&table, host_routes[i].method, host_routes[i].path, &targets[k]) != 0) {
			LOG_ERR("http: host route refused method=%s path=%s", host_routes[i].method,
			        host_routes[i].path);
			return -1;
		}
	}
	for (size_t i = 0; i < reg_route_count(); i++, k++) {
		const struct route *rt = reg_route(i);
		targets[k].plugin = rt;
		if (router_add(&table, rt->method, rt->pattern, &targets[k]) != 0) {
			LOG_ERR("http: route of plugin=%s clashes with a host route method=%s pattern=\"%s\"",
			        rt->owner->desc->name, rt->method, rt->pattern);
			return -1;
		}
	}
	return 0;
}

int http_start(const struct http_cfg *c)
{
	cfg = *c;
	char addr[256], err[128];
	unsigned port;
	if (http_parse_listen(cfg.listen, addr, sizeof addr, &port, err, sizeof err) != 0) {
		LOG_ERR("http: bad listen address value=\"%s\" error=\"%s\"", cfg.listen, err);
		return -1;
	}
	if (build_table() != 0)
		return -1;
	if (!key_made) {
		pthread_key_create(&thread_key, thread_free);
		key_made = true;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char ps[8];
	snprintf(ps, sizeof ps, "%u", port);
	int gai = getaddrinfo(addr, ps, &hints, &ai);
	if (gai != 0) {
		LOG_ERR("http: cannot resolve listen address addr=%s error=\"%s\"", addr,
		        gai_strerror(gai));
		return -1;
	}
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* The header buffer: a URL up to --http-max-url and ordinary headers fit; a
	 * longer request line or header block is refused by MHD itself (414 / 431). */
	size_t mem = cfg.max_url + 16384 > 32768 ? cfg.max_url + 16384 : 32768;
	daemon_ = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, NULL,
		/* first: messages about the options after it go through our log too */
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, ai->ai_addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg.threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg.conn_limit,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg.timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, mem,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_END);
	freeaddrinfo(ai);
	if (daemon_ == NULL) {
		LOG_ERR("http: cannot listen addr=%s port=%u error=\"%s\"", addr, port,
		        errno ? strerror(errno) : "libmicrohttpd refused the options");
		return -1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	bound_port = di ? di->port : port;
	char shown[300];
	snprintf(shown, sizeof shown, strchr(addr, ':') ? "[%s]:%u" : "%s:%u", addr, bound_port);
	LOG_INF("http: listening on %s", shown);
	if (cfg.port_file) {
		char tmp[4096];
		snprintf(tmp, sizeof tmp, "%s.tmp", cfg.port_file);
		FILE *f = fopen(tmp, "w");
		if (f == NULL || fprintf(f, "%s\n", shown) < 0 || fclose(f) != 0 ||
		    rename(tmp, cfg.port_file) != 0) {
			LOG_ERR("http: cannot write file=%s error=\"%s\"", cfg.port_file, strerror(errno));
			http_stop();
			return -1;
		}
	}
	return 0;
}

void http_stop(void)
{
	http_close_plugin_routes();
	if (daemon_) {
		MHD_stop_daemon(daemon_);
		daemon_ = NULL;
	}
	bound_port = 0;
	router_free(&table);
	free(targets);
	targets = NULL;
	for (size_t i = 0; i < nhost_routes; i++) {
		free(host_routes[i].method);
		free(host_routes[i].path);
	}
	nhost_routes = 0;
}

unsigned http_port(void) { return bound_port; }
