/* SPDX-License-Identifier: MIT */
/* host/health.c: the readiness state (see health.h) and the gauges that describe the
 * process: coffer_ready, coffer_db_up, coffer_plugin_info, coffer_build_info. */
#include "config.h"

#include "health.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "metrics.h"
#include "registry.h"
#include "sdnotify.h"

/* A ping that has not answered after this long counts as a database that does not
 * answer (a server that stopped without closing the connection). */
#define PING_STALL_MS 2500
#define PING_EVERY_MS 1000

static const char *const part_names[HEALTH_NPARTS] = {"database", "migrations", "kafka",
                                                      "consumer"};
/* The reason of a part nobody has said anything about yet. */
static const char *const part_default[HEALTH_NPARTS] = {
	"database unreachable: not connected yet",
	"starting: migrations not applied yet",
	"starting: no partition assignment yet: connecting to the Kafka cluster",
	"starting: the consumer holds no partition assignment yet",
};

static struct {
	pthread_mutex_t lock;
	bool ok[HEALTH_NPARTS];
	char why[HEALTH_NPARTS][240]; /* "" = the part's default */
	int64_t since_ms[HEALTH_NPARTS];
	int db_attempts; /* failed database attempts in a row (0: why[] is the whole reason) */
} R = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Atomics: set from the signal thread, read without the lock. */
static atomic_bool stopping, quit;
static _Atomic int64_t stopping_ms;
static _Atomic int64_t ping_started_ms; /* 0 when no ping is in flight */
static pthread_t thread;
static bool started;
static struct db_conn *conn;

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *health_part_name(enum health_part part)
{
	return part >= 0 && part < HEALTH_NPARTS ? part_names[part] : "?";
}

/* One line: a client's message may hold a newline. */
static void one_line(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
	for (char *p = dst; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

/* Under R.lock: @p part becomes @p ok. */
static void set_locked(enum health_part part, bool ok, int64_t now)
{
	if (R.ok[part] != ok || R.since_ms[part] == 0)
		R.since_ms[part] = now;
	R.ok[part] = ok;
}

/* Tell systemd (sdnotify.h) what changed: READY=1 the first time the state is
 * ready, else STATUS= with the reason when the failing part or readiness changed,
 * and at most once a second while the reason itself changes (a database outage's
 * attempt count). Called after every setter, outside R.lock. */
static void notify_changed(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static bool sent_ready, was_ready;
	static const char *last_part;
	static char last_reason[320];
	static int64_t last_ms;
	struct health_state st;
	health_state(&st);
	int64_t now = mono_ms();
	pthread_mutex_lock(&lock);
	bool changed = st.ready != was_ready || st.part != last_part;
	bool differs = strcmp(st.reason, last_reason) != 0;
	if (changed || (differs && now - last_ms >= 1000)) {
		char msg[400];
		if (st.ready && !sent_ready) {
			snprintf(msg, sizeof msg, "READY=1\nSTATUS=ready");
			sent_ready = true;
		} else {
			snprintf(msg, sizeof msg, "STATUS=%s", st.reason);
		}
		sdn_send(msg);
		was_ready = st.ready;
		last_part = st.part;
		snprintf(last_reason, sizeof last_reason, "%s", st.reason);
		last_ms = now;
	}
	pthread_mutex_unlock(&lock);
}

void health_set(enum health_part part, bool ok, const char *fmt, ...)
{
	if (part < 0 || part >= HEALTH_NPARTS)
		return;
	char why[240] = "";
	if (!ok && fmt) {
		char raw[240];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(raw, sizeof raw, fmt, ap);
		va_end(ap);
		one_line(why, sizeof why, raw);
	}
	int64_t now = mono_ms();
	pthread_mutex_lock(&R.lock);
	set_locked(part, ok, now);
	memcpy(R.why[part], why, sizeof why);
	if (part == HEALTH_DATABASE)
		R.db_attempts = 0;
	pthread_mutex_unlock(&R.lock);
	notify_changed();
}

void health_db_attempt(bool ok, const char *error)
{
	int64_t now = mono_ms();
	pthread_mutex_lock(&R.lock);
	if (ok) {
		set_locked(HEALTH_DATABASE, true, now);
		R.why[HEALTH_DATABASE][0] = '\0';
		R.db_attempts = 0;
	} else {
		if (R.ok[HEALTH_DATABASE] || R.db_attempts == 0)
			R.since_ms[HEALTH_DATABASE] = now; /* the outage starts here */
		R.ok[HEALTH_DATABASE] = false;
		R.db_attempts++;
		one_line(R.why[HEALTH_DATABASE], sizeof R.why[HEALTH_DATABASE], error);
	}
	pthread_mutex_unlock(&R.lock);
	notify_changed();
}

void health_set_stopping(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* async-signal-safe */
	atomic_store(&stopping_ms, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	atomic_store(&stopping, true);
}

/* A ping in flight for longer than PING_STALL_MS: since when, else 0. */
static int64_t ping_stalled_since(int64_t now)
{
	int64_t t = atomic_load(&ping_started_ms);
	return t != 0 && now - t > PING_STALL_MS ? t : 0;
}

bool health_state(struct health_state *out)
{
	memset(out, 0, sizeof *out);
	int64_t now = mono_ms();
	if (atomic_load(&stopping)) {
		out->part = "stopping";
		out->since_ms = atomic_load(&stopping_ms);
		snprintf(out->reason, sizeof out->reason, "stopping: a signal to stop arrived");
		return false;
	}
	pthread_mutex_lock(&R.lock);
	for (int i = 0; i < HEALTH_NPARTS; i++) {
		int64_t stalled = i == HEALTH_DATABASE && R.ok[i] ? ping_stalled_since(now) : 0;
		if (R.ok[i] && stalled == 0)
			continue;
		out->part = part_names[i];
		if (stalled) {
			out->since_ms = stalled;
			snprintf(out->reason, sizeof out->reason,
			         "database unreachable since %llds: a ping has not answered",
			         (long long)(now - stalled) / 1000);
		} else if (i == HEALTH_DATABASE && R.db_attempts > 0) {
			out->since_ms = R.since_ms[i];
			snprintf(out->reason, sizeof out->reason,
			         "database unreachable since %llds, %d attempt%s: %s",
			         (long long)(now - R.since_ms[i]) / 1000, R.db_attempts,
			         R.db_attempts == 1 ? "" : "s",
			         R.why[HEALTH_DATABASE][0] ? R.why[HEALTH_DATABASE] : "no answer");
		} else {
			out->since_ms = R.since_ms[i];
			snprintf(out->reason, sizeof out->reason, "%s",
			         R.why[i][0] ? R.why[i] : part_default[i]);
		}
		break;
	}
	pthread_mutex_unlock(&R.lock);
	if (out->part == NULL) {
		out->ready = true;
		snprintf(out->reason, sizeof out->reason, "ready");
	}
	return out->ready;
}

bool health_ready(char *why, size_t cap)
{
	struct health_state st;
	bool ok = health_state(&st);
	if (cap > 0)
		snprintf(why, cap, "%s", st.reason);
	return ok;
}

/* The database answers: its part is ready and no ping hangs. */
static bool db_answers(void)
{
	pthread_mutex_lock(&R.lock);
	bool ok = R.ok[HEALTH_DATABASE];
	pthread_mutex_unlock(&R.lock);
	return ok && ping_stalled_since(mono_ms()) == 0;
}

/* One ping: 0 when the database answered. A failed connection attempt is
 * reported by db_ensure itself; the query's outcome is reported here. A ping
 * that fails on a connection made earlier is tried once more on a new one: that
 * connection may have died in an outage that is over (another connection may
 * have reported the database back already). */
static int ping_once(void)
{
	bool was_connected = db_connected(conn);
	if (db_ensure(conn, NULL) != 0)
		return -1;
	int rc = db_query(conn, "DO 1");
	if (rc != 0 && was_connected && !db_connected(conn)) {
		if (db_ensure(conn, NULL) != 0)
			return -1;
		rc = db_query(conn, "DO 1");
	}
	health_db_attempt(rc == 0, rc == 0 ? NULL : db_error(conn));
	return rc;
}

static void *ping_main(void *arg)
{
	(void)arg;
	bool was = db_answers();
	while (!atomic_load(&quit)) {
		atomic_store(&ping_started_ms, mono_ms());
		bool up = ping_once() == 0;
		atomic_store(&ping_started_ms, 0);
		if (was != up && up)
			LOG_INF("event=readiness_db db_up=true");
		else if (was != up)
			LOG_INF("event=readiness_db db_up=false");
		was = up;
		for (int i = 0; i < PING_EVERY_MS / 50 && !atomic_load(&quit); i++) {
			struct timespec ts = {0, 50 * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

static void collect_ready(struct metrics_out *o, void *ud)
{
	(void)ud;
	char why[320];
	metrics_sample(o, NULL, health_ready(why, sizeof why) ? 1 : 0);
}

static void collect_db_up(struct metrics_out *o, void *ud)
{
	(void)ud;
	metrics_sample(o, NULL, db_answers() ? 1 : 0);
}

static void collect_plugins(struct metrics_out *o, void *ud)
{
	(void)ud;
	for (size_t i = 0; i < reg_plugin_count(); i++) {
		struct plugin *p = reg_plugin(i);
		if (!p->inited)
			continue;
		const char *v = p->desc->version ? p->desc->version : "";
		metrics_sample(o, (const char *[]){p->desc->name, v}, 1);
	}
}

static void collect_build(struct metrics_out *o, void *ud)
{
	(void)ud;
#ifdef COFFER_NO_METRICS
	const char *m = "false";
#else
	const char *m = "true";
#endif
	metrics_sample(o, (const char *[]){PACKAGE_VERSION, m}, 1);
}

int health_start(const struct db_params *db)
{
	metrics_init();
	metrics_gauge_fn("coffer_build_info", "The cofferd build: version, and whether counting is on.",
	                 "version,metrics", collect_build, NULL);
	metrics_gauge_fn("coffer_ready", "1 when /readyz answers 200.", "", collect_ready, NULL);
	metrics_gauge_fn("coffer_db_up", "1 when the database answered the last ping (every second).",
	                 "", collect_db_up, NULL);
	metrics_gauge_fn("coffer_plugin_info", "Plugins loaded and initialised, by name and version.",
	                 "plugin,version", collect_plugins, NULL);
	conn = db_new(db, "health");
	if (pthread_create(&thread, NULL, ping_main, NULL) != 0)
		return -1;
	started = true;
	return 0;
}

void health_stop(void)
{
	if (!started)
		return;
	atomic_store(&quit, true);
	pthread_join(thread, NULL);
	db_free(conn);
	started = false;
}
