/* host/health.c: readiness (see health.h) and the gauges that describe the
 * process: coffer_ready, coffer_db_up, coffer_plugin_info, coffer_build_info. */
#include "config.h"

#include "health.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "metrics.h"
#include "registry.h"

/* A ping that has not answered after this long counts as a database that does not
 * answer (a server that stopped without closing the connection). */
#define PING_STALL_MS 2500
#define PING_EVERY_MS 1000

static atomic_bool migrated, assigned, stopping, db_up, quit;
static _Atomic int64_t ping_started_ms; /* 0 when no ping is in flight */
static pthread_t thread;
static bool started;
static struct db_conn *conn;
static char db_err[256];
static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void health_set_migrated(void) { atomic_store(&migrated, true); }
void health_set_assigned(bool held) { atomic_store(&assigned, held); }
void health_set_stopping(void) { atomic_store(&stopping, true); }

static bool db_answers(void)
{
	int64_t t = atomic_load(&ping_started_ms);
	if (t != 0 && mono_ms() - t > PING_STALL_MS)
		return false;
	return atomic_load(&db_up);
}

bool health_ready(char *why, size_t cap)
{
	if (atomic_load(&stopping)) {
		snprintf(why, cap, "stopping: a signal to stop arrived");
	} else if (!db_answers()) {
		pthread_mutex_lock(&err_lock);
		snprintf(why, cap, "database unreachable%s%s", db_err[0] ? ": " : "", db_err);
		pthread_mutex_unlock(&err_lock);
	} else if (!atomic_load(&migrated)) {
		snprintf(why, cap, "starting: migrations not applied yet");
	} else if (!atomic_load(&assigned)) {
		snprintf(why, cap, "starting: the consumer holds no partition assignment yet");
	} else {
		snprintf(why, cap, "ready");
		return true;
	}
	return false;
}

static void *ping_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&quit)) {
		atomic_store(&ping_started_ms, mono_ms());
		int rc = db_ensure(conn, NULL);
		if (rc == 0)
			rc = db_query(conn, "DO 1");
		atomic_store(&ping_started_ms, 0);
		bool was = atomic_load(&db_up);
		atomic_store(&db_up, rc == 0);
		if (rc != 0) {
			pthread_mutex_lock(&err_lock);
			/* One line: the client's message may hold a newline. */
			snprintf(db_err, sizeof db_err, "%s", db_error(conn));
			for (char *p = db_err; *p; p++)
				if (*p == '\n' || *p == '\r')
					*p = ' ';
			pthread_mutex_unlock(&err_lock);
		}
		if (was != (rc == 0))
			LOG_INF("event=readiness_db db_up=%s", rc == 0 ? "true" : "false");
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
