/* SPDX-License-Identifier: MIT */
/* host/db.c: one MySQL connection with its prepared-statement cache, typed
 * binds and rows, transactions, error classification and migrations.
 * Every value reaches the server through a bind; plain text queries are only
 * used for transaction control and migration files. */
#include "db.h"

#include <stdatomic.h>
#include <dirent.h>
#include <errno.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <coffer/err.h>

#include "log.h"
#include "health.h"
#include "metrics.h"
#include "opts.h"
#include "util.h"
#include "xalloc.h"

#define STMT_CACHE 256  /* power of two */
#define MAX_COLS 64

struct stmt_slot {
	char *sql;
	uint64_t hash;
	MYSQL_STMT *stmt;
	int busy;           /* rows of it are being read (a row callback runs) */
};

struct db_conn {
	struct db_params p;
	char label[32];
	MYSQL *my;
	bool up;
	struct stmt_slot cache[STMT_CACHE];
	unsigned last_errno;
	char last_error[512];
	int depth;          /* db_select calls in progress (row callbacks may run SQL) */
	bool broken;        /* lost while depth > 0: disconnect when the outermost returns */
	bool aborted;       /* the server rolled the transaction back (deadlock, lock wait) */
	bool rr_session;    /* the session default is REPEATABLE READ (db_begin_snapshot) */
	bool counted;       /* metrics: counted as an open connection */
	bool ever;          /* metrics: was connected before (the next connect is a reconnect) */
};

/* ------------------------------------------------------------------ setup */

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

void db_params_from_env(struct db_params *p)
{
	p->bad = false;
	p->host = env_or("DB_HOST", "127.0.0.1");
	/* Checked strictly; main reports a bad value (naming DB_PORT) and exits 78. */
	long long port = 3306;
	const char *ps = env_or("DB_PORT", "3306");
	if (!opt_parse_ll(ps, 1, 65535, &port))
		p->bad = true;
	p->port = (unsigned)port;
	p->user = env_or("DB_USER", "coffer");
	p->password = env_or("DB_PASSWORD", "");
	p->name = env_or("DB_NAME", "coffer");
	p->socket = getenv("DB_SOCKET") && *getenv("DB_SOCKET") ? getenv("DB_SOCKET") : NULL;
}

struct db_conn *db_new(const struct db_params *p, const char *label)
{
	struct db_conn *c = xcalloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->p = *p;
	snprintf(c->label, sizeof c->label, "%s", label ? label : "db");
	return c;
}

static void cache_clear(struct db_conn *c)
{
	for (size_t i = 0; i < STMT_CACHE; i++) {
		if (c->cache[i].stmt)
			mysql_stmt_close(c->cache[i].stmt);
		free(c->cache[i].sql);
		c->cache[i] = (struct stmt_slot){0};
	}
}

static void disconnect(struct db_conn *c)
{
	c->broken = false;
	c->aborted = false;
	if (c->counted)
		metrics_db_disconnected();
	c->counted = false;
	cache_clear(c);
	if (c->my)
		mysql_close(c->my);
	c->my = NULL;
	c->up = false;
}

void db_free(struct db_conn *c)
{
	if (c == NULL)
		return;
	disconnect(c);
	free(c);
}

bool db_connected(const struct db_conn *c) { return c->up; }
const char *db_error(const struct db_conn *c) { return c->last_error; }
unsigned db_errno(const struct db_conn *c) { return c->last_errno; }

static int connect_once(struct db_conn *c)
{
	disconnect(c);
	c->my = mysql_init(NULL);
	if (c->my == NULL)
		return -ENOMEM;
	unsigned timeout = 5, io_timeout = 120;
	my_bool off = 0;
	mysql_options(c->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	/* A server that vanishes without a reset must not hang a worker forever; above
	 * innodb_lock_wait_timeout (50 s) so a lock wait is never mistaken for it. */
	mysql_options(c->my, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
	mysql_options(c->my, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
	mysql_options(c->my, MYSQL_OPT_RECONNECT, &off);
	mysql_options(c->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	const char *host = c->p.host;
	const char *sock = c->p.socket;
	if (sock == NULL && host && host[0] == '/') {
		sock = host;
		host = "localhost";
	}
	if (!mysql_real_connect(c->my, sock ? "localhost" : host, c->p.user, c->p.password,
	                        c->p.name, sock ? 0 : c->p.port, sock, 0)) {
		c->last_errno = mysql_errno(c->my);
		snprintf(c->last_error, sizeof c->last_error, "%s", mysql_error(c->my));
		mysql_close(c->my);
		c->my = NULL;
		return COFFER_ETRANSIENT;
	}
	/* One clock (ours), one isolation: row locks order conflicting commands. */
	if (mysql_query(c->my, "SET SESSION time_zone = '+00:00', "
	                       "SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', "
	                       "autocommit = 1") ||
	    mysql_query(c->my, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")) {
		c->last_errno = mysql_errno(c->my);
		snprintf(c->last_error, sizeof c->last_error, "%s", mysql_error(c->my));
		mysql_close(c->my);
		c->my = NULL;
		return COFFER_ETRANSIENT;
	}
	c->up = true;
	c->rr_session = false;
	metrics_db_connected(c->ever);
	c->counted = c->ever = true;
	return 0;
}

/* Connection errors that waiting does not heal: the credentials, the database
 * name or the grants are wrong. The setting to fix, for the log line. */
static const char *connect_error_setting(unsigned err)
{
	switch (err) {
	case ER_ACCESS_DENIED_ERROR:             /* 1045: wrong user or password */
	case 1698:                               /* ER_ACCESS_DENIED_NO_PASSWORD_ERROR */
	case ER_NOT_SUPPORTED_AUTH_MODE:         /* 1251: the server wants another auth plugin */
	case CR_AUTH_PLUGIN_CANNOT_LOAD:         /* 2059 */
		return "DB_USER/DB_PASSWORD (--db-user/--db-password)";
	case ER_DBACCESS_DENIED_ERROR:           /* 1044: the user may not use that database */
		return "DB_USER/DB_NAME (--db-user/--db-name)";
	case ER_BAD_DB_ERROR:                    /* 1049: no such database */
		return "DB_NAME (--db-name)";
	case ER_HOST_NOT_PRIVILEGED:             /* 1130: this host may not connect */
		return "DB_HOST/DB_USER (--db-host/--db-user)";
	default:
		return NULL;
	}
}

const char *db_fatal_setting(const struct db_conn *c) { return connect_error_setting(c->last_errno); }

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Log a connection that keeps failing at the first attempt and then at most once
 * a minute (with the count), so a long outage does not flood the log. */
#define DB_RETRY_LOG_MS 60000

static int ensure(struct db_conn *c, const atomic_bool *stop, bool fail_fast)
{
	if (c->up)
		return 0;
	unsigned delay_ms = 100;
	int64_t first_ms = mono_ms(), logged_ms = 0;
	for (int attempt = 0;; attempt++) {
		if (connect_once(c) == 0) {
			if (attempt > 0)
				LOG_INF("event=db_connected conn=%s attempts=%d waited_ms=%lld", c->label,
				        attempt + 1, (long long)(mono_ms() - first_ms));
			health_db_attempt(true, NULL);
			return 0;
		}
		const char *setting = connect_error_setting(c->last_errno);
		if (setting && fail_fast) {
			LOG_ERR("configuration error: the database refuses this login setting=\"%s\" "
			        "errno=%u error=\"%s\": not retrying",
			        setting, c->last_errno, c->last_error);
			health_set(HEALTH_DATABASE, false, "database refuses the login (%s): %s", setting,
			           c->last_error);
			return COFFER_EINVAL;
		}
		/* The readiness state counts failures in a row, across connections. */
		health_db_attempt(false, c->last_error);
		if (stop == NULL || *stop)
			return COFFER_ETRANSIENT;
		int64_t now = mono_ms();
		if (attempt == 0 || now - logged_ms >= DB_RETRY_LOG_MS) {
			if (attempt == 0)
				LOG_WRN("database unreachable conn=%s errno=%u error=\"%s\" attempts=%d "
				        "waited_ms=%lld retry_ms=%u (retrying; logged again at most once a "
				        "minute)",
				        c->label, c->last_errno, c->last_error, attempt + 1,
				        (long long)(now - first_ms), delay_ms);
			else
				LOG_WRN("database unreachable conn=%s errno=%u error=\"%s\" attempts=%d "
				        "waited_ms=%lld retry_ms=%u",
				        c->label, c->last_errno, c->last_error, attempt + 1,
				        (long long)(now - first_ms), delay_ms);
			logged_ms = now;
		} else {
			LOG_DBG("event=db_retry conn=%s attempts=%d errno=%u", c->label, attempt + 1,
			        c->last_errno);
		}
		struct timespec ts = {delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		delay_ms = delay_ms * 2 > 5000 ? 5000 : delay_ms * 2;
	}
}

int db_ensure(struct db_conn *c, const atomic_bool *stop) { return ensure(c, stop, false); }

int db_ensure_first(struct db_conn *c, const atomic_bool *stop) { return ensure(c, stop, true); }

/* ------------------------------------------------------------------ errors */

/* The connection is gone. Statements of an outer db_select may still be on the
 * stack (a row callback ran SQL): close them only when it returns. */
static void lost(struct db_conn *c)
{
	if (c->depth > 0) {
		c->up = false;
		c->broken = true;
	} else {
		disconnect(c);
	}
}

static int classify(struct db_conn *c, unsigned err, const char *msg)
{
	c->last_errno = err;
	snprintf(c->last_error, sizeof c->last_error, "%s", msg ? msg : "");
	switch (err) {
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		/* After a deadlock the server has rolled the whole transaction back and later
		 * statements would autocommit: refuse them until ROLLBACK / a new BEGIN. */
		c->aborted = true;
		metrics_db_error(MD_TRANSIENT);
		return COFFER_ETRANSIENT;
	case ER_DUP_ENTRY:
	case ER_DUP_ENTRY_WITH_KEY_NAME:
		metrics_db_error(MD_DUPLICATE);
		return COFFER_EDUP;
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
	case 4031: /* ER_CLIENT_INTERACTION_TIMEOUT */
	case CR_COMMANDS_OUT_OF_SYNC:
		lost(c);
		metrics_db_error(MD_TRANSIENT);
		return COFFER_ETRANSIENT;
	default:
		if (err >= 2000 && err < 3000) { /* any other client-side failure: start afresh */
			lost(c);
			metrics_db_error(MD_TRANSIENT);
			return COFFER_ETRANSIENT;
		}
		metrics_db_error(MD_OTHER);
		return COFFER_EDB;
	}
}

static int my_fail(struct db_conn *c) { return classify(c, mysql_errno(c->my), mysql_error(c->my)); }

static int stmt_fail(struct db_conn *c, MYSQL_STMT *st)
{
	return classify(c, mysql_stmt_errno(st), mysql_stmt_error(st));
}

int db_query(struct db_conn *c, const char *sql)
{
	if (!c->up || c->aborted)
		return COFFER_ETRANSIENT;
	if (mysql_query(c->my, sql))
		return my_fail(c);
	MYSQL_RES *r = mysql_store_result(c->my);
	if (r)
		mysql_free_result(r);
	return 0;
}

int db_begin(struct db_conn *c)
{
	c->aborted = false;
	/* A connection that serves snapshots too: this transaction reads committed. */
	if (c->rr_session) {
		int rc = db_query(c, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
		if (rc == 0 && (rc = db_query(c, "START TRANSACTION")) != 0)
			c->rr_session = false; /* the next snapshot sets REPEATABLE READ again */
		return rc;
	}
	return db_query(c, "START TRANSACTION");
}

int db_begin_snapshot(struct db_conn *c)
{
	c->aborted = false;
	/* One snapshot for the whole transaction needs REPEATABLE READ. The session reads
	 * committed after connecting; the first snapshot makes REPEATABLE READ its default
	 * instead (db_begin asks for READ COMMITTED per transaction from then on), which
	 * saves a round trip on every snapshot of a connection that serves GETs. */
	if (!c->rr_session) {
		/* both: the session default, and over a pending per-transaction level */
		int rc = db_query(c, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
		if (rc == 0)
			rc = db_query(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
		if (rc)
			return rc;
		c->rr_session = true;
	}
	return db_query(c, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
}

int db_commit(struct db_conn *c) { return db_query(c, "COMMIT"); }

int db_rollback(struct db_conn *c)
{
	c->aborted = false;
	return c->up ? db_query(c, "ROLLBACK") : 0;
}
int db_savepoint(struct db_conn *c) { return db_query(c, "SAVEPOINT msg"); }
int db_rollback_savepoint(struct db_conn *c) { return db_query(c, "ROLLBACK TO SAVEPOINT msg"); }

/* ------------------------------------------------------------------ statements */

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The cached statement for @p sql, prepared on first use. *slot is NULL when the
 * statement could not be cached (its cache slot is being read by an outer call,
 * or it is that very statement): the caller closes it after use. */
static int prepare(struct db_conn *c, const char *sql, MYSQL_STMT **out, struct stmt_slot **slot)
{
	*slot = NULL;
	if (!c->up || c->aborted)
		return COFFER_ETRANSIENT;
	uint64_t h = fnv1a(sql);
	size_t i = (size_t)h & (STMT_CACHE - 1);
	for (size_t n = 0; n < STMT_CACHE; n++, i = (i + 1) & (STMT_CACHE - 1)) {
		struct stmt_slot *s = &c->cache[i];
		if (s->stmt == NULL)
			break;
		if (s->hash == h && strcmp(s->sql, sql) == 0) {
			if (s->busy)
				break; /* nested run of the same text: a private statement */
			*out = s->stmt;
			*slot = s;
			return 0;
		}
	}
	MYSQL_STMT *st = mysql_stmt_init(c->my);
	if (st == NULL)
		return my_fail(c);
	if (mysql_stmt_prepare(st, sql, strlen(sql))) {
		int rc = stmt_fail(c, st);
		mysql_stmt_close(st);
		if (rc == COFFER_EDB)
			LOG_ERR("prepare failed conn=%s errno=%u error=\"%s\" sql=\"%.200s\"", c->label,
			        c->last_errno, c->last_error, sql);
		return rc;
	}
	*out = st;
	/* Cache it in its probe slot, evicting what is there unless that is being read. */
	struct stmt_slot *s = &c->cache[i];
	if (s->busy)
		return 0;
	if (s->stmt) {
		mysql_stmt_close(s->stmt);
		free(s->sql);
	}
	s->sql = xstrdup(sql);
	s->hash = h;
	s->stmt = st;
	s->busy = 0;
	*slot = s;
	return 0;
}

static void to_mysql_time(int64_t us, MYSQL_TIME *t)
{
	char buf[CU_TIME_LEN];
	cu_time_format(us, buf); /* reuse the calendar code: YYYY-MM-DDTHH:MM:SS[.f]Z */
	memset(t, 0, sizeof *t);
	int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	t->second_part = (unsigned long)(us - secs * 1000000);
	t->year = (unsigned)atoi(buf);
	t->month = (unsigned)atoi(buf + 5);
	t->day = (unsigned)atoi(buf + 8);
	t->hour = (unsigned)atoi(buf + 11);
	t->minute = (unsigned)atoi(buf + 14);
	t->second = (unsigned)atoi(buf + 17);
	t->time_type = MYSQL_TIMESTAMP_DATETIME;
}

static int64_t from_mysql_time(const MYSQL_TIME *t)
{
	int64_t us = 0;
	if (cu_time_from_fields(t->year, t->month, t->day, t->hour, t->minute, t->second, &us) != 0)
		return 0; /* a zero or impossible date */
	return us + (int64_t)t->second_part;
}

static int bind_args(struct db_conn *c, MYSQL_STMT *st, const struct coffer_val *args,
                     size_t nargs, MYSQL_BIND *b, MYSQL_TIME *times)
{
	if (mysql_stmt_param_count(st) != nargs) {
		c->last_errno = 0;
		snprintf(c->last_error, sizeof c->last_error, "statement has %lu parameters, %zu given",
		         mysql_stmt_param_count(st), nargs);
		LOG_ERR("bad bind count conn=%s error=\"%s\"", c->label, c->last_error);
		return COFFER_EINVAL;
	}
	memset(b, 0, nargs * sizeof *b);
	for (size_t i = 0; i < nargs; i++) {
		const struct coffer_val *v = &args[i];
		switch (v->t) {
		case COFFER_V_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case COFFER_V_I64:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&v->v.i;
			break;
		case COFFER_V_U64:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&v->v.u;
			b[i].is_unsigned = 1;
			break;
		case COFFER_V_F64:
			b[i].buffer_type = MYSQL_TYPE_DOUBLE;
			b[i].buffer = (void *)&v->v.f;
			break;
		case COFFER_V_STR:
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)(v->v.s.p ? v->v.s.p : "");
			b[i].buffer_length = v->v.s.n;
			break;
		case COFFER_V_TIME:
			to_mysql_time(v->v.i, &times[i]);
			b[i].buffer_type = MYSQL_TYPE_DATETIME;
			b[i].buffer = &times[i];
			break;
		}
	}
	if (nargs && mysql_stmt_bind_param(st, b))
		return stmt_fail(c, st);
	return 0;
}

#define MAX_ARGS 256

static int run(struct db_conn *c, const char *sql, const struct coffer_val *args, size_t nargs,
               MYSQL_STMT **out, struct stmt_slot **slot)
{
	if (nargs > MAX_ARGS)
		return COFFER_EINVAL;
	MYSQL_STMT *st = NULL;
	int rc = prepare(c, sql, &st, slot);
	if (rc)
		return rc;
	*out = st;
	MYSQL_BIND b[nargs ? nargs : 1];
	MYSQL_TIME times[nargs ? nargs : 1];
	rc = bind_args(c, st, args, nargs, b, times);
	if (rc)
		return rc;
	if (mysql_stmt_execute(st)) {
		rc = stmt_fail(c, st);
		if (rc == COFFER_EDB)
			LOG_ERR("statement failed conn=%s errno=%u error=\"%s\" sql=\"%.200s\"", c->label,
			        c->last_errno, c->last_error, sql);
		return rc;
	}
	*out = st;
	return 0;
}

/* Close a statement that is not in the cache. */
static void release(MYSQL_STMT *st, const struct stmt_slot *slot)
{
	if (st != NULL && slot == NULL)
		mysql_stmt_close(st);
}

int db_exec(struct db_conn *c, const char *sql, const struct coffer_val *args, size_t nargs,
            struct coffer_exec_result *res)
{
	MYSQL_STMT *st = NULL;
	struct stmt_slot *slot = NULL;
	int rc = run(c, sql, args, nargs, &st, &slot);
	if (rc == 0) {
		if (res) {
			my_ulonglong a = mysql_stmt_affected_rows(st);
			res->affected = a == (my_ulonglong)-1 ? 0 : a;
			res->insert_id = mysql_stmt_insert_id(st);
		}
		/* A statement that returned rows anyway (misuse): drain them. */
		if (mysql_stmt_field_count(st))
			mysql_stmt_free_result(st);
	}
	release(st, slot);
	return rc;
}

int db_select(struct db_conn *c, const char *sql, const struct coffer_val *args, size_t nargs,
              coffer_row_fn fn, void *ud)
{
	MYSQL_STMT *st = NULL;
	struct stmt_slot *slot = NULL;
	int rc = run(c, sql, args, nargs, &st, &slot);
	if (rc) {
		release(st, slot);
		return rc;
	}
	unsigned ncols = mysql_stmt_field_count(st);
	if (ncols == 0 || ncols > MAX_COLS) {
		if (ncols)
			mysql_stmt_free_result(st);
		release(st, slot);
		return ncols ? COFFER_EINVAL : 0;
	}
	my_bool on = 1;
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	if (mysql_stmt_store_result(st)) {
		rc = stmt_fail(c, st);
		release(st, slot);
		return rc;
	}
	/* The whole result is on our side now: row callbacks may run SQL on this connection. */
	c->depth++;
	if (slot)
		slot->busy++;
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	MYSQL_FIELD *f = mysql_fetch_fields(meta);
	MYSQL_BIND b[MAX_COLS];
	struct coffer_val vals[MAX_COLS];
	my_bool isnull[MAX_COLS];
	unsigned long len[MAX_COLS];
	union {
		long long i;
		double d;
		MYSQL_TIME t;
	} num[MAX_COLS];
	char *bufs[MAX_COLS] = {0};
	memset(b, 0, sizeof b);
	for (unsigned i = 0; i < ncols; i++) {
		b[i].is_null = &isnull[i];
		b[i].length = &len[i];
		switch (f[i].type) {
		case MYSQL_TYPE_TINY:
		case MYSQL_TYPE_SHORT:
		case MYSQL_TYPE_INT24:
		case MYSQL_TYPE_LONG:
		case MYSQL_TYPE_LONGLONG:
		case MYSQL_TYPE_YEAR:
		case MYSQL_TYPE_BIT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = &num[i].i;
			b[i].is_unsigned = (f[i].flags & UNSIGNED_FLAG) != 0;
			vals[i].t = b[i].is_unsigned ? COFFER_V_U64 : COFFER_V_I64;
			break;
		case MYSQL_TYPE_FLOAT:
		case MYSQL_TYPE_DOUBLE:
			b[i].buffer_type = MYSQL_TYPE_DOUBLE;
			b[i].buffer = &num[i].d;
			vals[i].t = COFFER_V_F64;
			break;
		case MYSQL_TYPE_DATETIME:
		case MYSQL_TYPE_TIMESTAMP:
		case MYSQL_TYPE_DATE:
			b[i].buffer_type = MYSQL_TYPE_DATETIME;
			b[i].buffer = &num[i].t;
			vals[i].t = COFFER_V_TIME;
			break;
		default: {
			size_t cap = f[i].max_length + 1;
			bufs[i] = xmalloc(cap);
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = bufs[i];
			b[i].buffer_length = cap;
			vals[i].t = COFFER_V_STR;
			break;
		}
		}
	}
	enum coffer_vtype types[MAX_COLS];
	for (unsigned i = 0; i < ncols; i++)
		types[i] = vals[i].t;
	rc = 0;
	if (mysql_stmt_bind_result(st, b)) {
		rc = stmt_fail(c, st);
		goto out;
	}
	for (;;) {
		int fr = mysql_stmt_fetch(st);
		if (fr == MYSQL_NO_DATA)
			break;
		if (fr == 1) {
			rc = stmt_fail(c, st);
			break;
		}
		for (unsigned i = 0; i < ncols; i++) {
			vals[i].t = isnull[i] ? COFFER_V_NULL : types[i];
			switch (vals[i].t) {
			case COFFER_V_I64:
				vals[i].v.i = num[i].i;
				break;
			case COFFER_V_U64:
				vals[i].v.u = (uint64_t)num[i].i;
				break;
			case COFFER_V_F64:
				vals[i].v.f = num[i].d;
				break;
			case COFFER_V_TIME:
				vals[i].v.i = from_mysql_time(&num[i].t);
				break;
			case COFFER_V_STR:
				bufs[i][len[i] < b[i].buffer_length ? len[i] : b[i].buffer_length - 1] = '\0';
				vals[i].v.s.p = bufs[i];
				vals[i].v.s.n = len[i];
				break;
			default: /* NULL: a zero value, never the previous row's */
				memset(&vals[i].v, 0, sizeof vals[i].v);
				break;
			}
		}
		struct coffer_row row = {ncols, vals};
		int r = fn ? fn(ud, &row) : 0;
		if (r != 0) {
			rc = r > 0 ? COFFER_ESTOP : r;
			break;
		}
	}
out:
	mysql_stmt_free_result(st);
	mysql_free_result(meta);
	for (unsigned i = 0; i < ncols; i++)
		free(bufs[i]);
	if (slot)
		slot->busy--;
	release(st, slot);
	if (--c->depth == 0 && c->broken)
		disconnect(c);
	return rc;
}

/* ------------------------------------------------------------------ migrations */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	if (n < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	char *s = xmalloc((size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	} else {
		s[n] = '\0';
	}
	fclose(f);
	return s;
}

/* Run the statements of one file: split at ';' ending a line, skip '--' comment lines. */
static int run_script(struct db_conn *c, const char *path, char *text)
{
	char *stmt = text;
	for (char *p = text;; p++) {
		bool end = *p == '\0';
		if (end || (*p == ';' && (p[1] == '\n' || p[1] == '\r' || p[1] == '\0'))) {
			char save = *p;
			*p = '\0';
			/* strip comment lines and whitespace */
			bool has_sql = false;
			for (char *q = stmt; *q; q++) {
				if (q[0] == '-' && q[1] == '-') {
					while (*q && *q != '\n')
						*q++ = ' ';
					if (!*q)
						break;
				} else if (*q != ' ' && *q != '\n' && *q != '\t' && *q != '\r') {
					has_sql = true;
				}
			}
			if (has_sql && db_query(c, stmt) != 0) {
				LOG_ERR("migration failed file=%s errno=%u error=\"%s\"", path, c->last_errno,
				        c->last_error);
				return COFFER_EDB;
			}
			if (end || save == '\0')
				break;
			stmt = p + 1;
		}
	}
	return 0;
}

struct applied {
	int n;
	int versions[1024];
};

static int collect_version(void *ud, const struct coffer_row *row)
{
	struct applied *a = ud;
	if (a->n < 1024)
		a->versions[a->n++] = (int)coffer_val_i64(&row->col[0]);
	return 0;
}

int db_migrate(struct db_conn *c, const char *const *dirs, const char *component, int64_t now_us)
{
	char path[4096];
	DIR *d = NULL;
	for (size_t i = 0; dirs && dirs[i] && d == NULL; i++) {
		snprintf(path, sizeof path, "%s/%s", dirs[i], component);
		d = opendir(path);
	}
	if (d == NULL)
		return 0; /* a component without migrations */
	char *names[1024];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < 1024) {
		size_t l = strlen(e->d_name);
		if (l > 9 && strcmp(e->d_name + l - 4, ".sql") == 0 && e->d_name[0] >= '0' &&
		    e->d_name[0] <= '9')
			names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], cmp_str);

	int rc = db_query(c, "CREATE TABLE IF NOT EXISTS coffer_migrations ("
	                     " component VARCHAR(64) NOT NULL,"
	                     " version INT NOT NULL,"
	                     " name VARCHAR(255) NOT NULL,"
	                     " applied_at DATETIME(6) NOT NULL,"
	                     " PRIMARY KEY (component, version)) ENGINE=InnoDB");
	struct applied *ap = xcalloc(1, sizeof *ap);
	if (rc == 0)
		rc = db_select(c, "SELECT version FROM coffer_migrations WHERE component = ?",
		               COFFER_ARGS(COFFER_S(component)), collect_version, ap);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		long long version = 0;
		char num[16];
		size_t nd = strspn(names[i], "0123456789");
		snprintf(num, sizeof num, "%.*s", (int)(nd < sizeof num ? nd : sizeof num - 1), names[i]);
		if (!opt_parse_ll(num, 0, INT32_MAX, &version)) {
			LOG_ERR("bad migration file name file=%s/%s (NNNN_name.sql)", path, names[i]);
			rc = COFFER_EINVAL;
			break;
		}
		bool done = false;
		for (int j = 0; j < ap->n; j++)
			done |= ap->versions[j] == version;
		if (done)
			continue;
		char file[4096 + 256];
		snprintf(file, sizeof file, "%s/%s", path, names[i]);
		char *text = slurp(file);
		if (text == NULL) {
			LOG_ERR("cannot read migration file=%s", file);
			rc = -EIO;
			break;
		}
		/* DDL commits implicitly in MySQL; the record follows each file. */
		rc = run_script(c, file, text);
		free(text);
		if (rc == 0)
			rc = db_exec(c, "INSERT INTO coffer_migrations (component, version, name, applied_at) "
			                "VALUES (?, ?, ?, ?)",
			             COFFER_ARGS(COFFER_S(component), COFFER_I(version), COFFER_S(names[i]),
			                         COFFER_T(now_us)),
			             NULL);
		if (rc == 0)
			LOG_INF("event=migration_applied component=%s file=%s", component, names[i]);
	}
	free(ap);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return rc;
}
