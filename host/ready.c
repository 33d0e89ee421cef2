/* host/ready.c: the readiness state (see ready.h). What can heal (the database
 * or the broker not up yet) leaves cofferd running and not ready, with the
 * reason here, instead of failing; what cannot heal stops it (exit 78). */
#include "ready.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const part_names[READY_NPARTS] = {"database", "migrations", "kafka",
                                                     "consumer"};

static struct {
	pthread_mutex_t lock;
	bool ok[READY_NPARTS];
	char why[READY_NPARTS][240];
	int64_t since_ms[READY_NPARTS];
	bool stopping;
} R = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *ready_part_name(enum ready_part part)
{
	return part >= 0 && part < READY_NPARTS ? part_names[part] : "?";
}

void ready_set(enum ready_part part, bool ok, const char *fmt, ...)
{
	if (part < 0 || part >= READY_NPARTS)
		return;
	char why[240] = "";
	if (!ok) {
		if (fmt) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(why, sizeof why, fmt, ap);
			va_end(ap);
		} else {
			snprintf(why, sizeof why, "starting");
		}
	}
	pthread_mutex_lock(&R.lock);
	if (R.ok[part] != ok)
		R.since_ms[part] = mono_ms();
	R.ok[part] = ok;
	memcpy(R.why[part], why, sizeof why);
	pthread_mutex_unlock(&R.lock);
}

void ready_stopping(void)
{
	pthread_mutex_lock(&R.lock);
	R.stopping = true;
	pthread_mutex_unlock(&R.lock);
}

bool host_ready_state(struct host_ready *out)
{
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&R.lock);
	out->ready = !R.stopping;
	for (int i = 0; i < READY_NPARTS && out->ready; i++) {
		if (!R.ok[i]) {
			out->ready = false;
			out->part = part_names[i];
			out->since_ms = R.since_ms[i];
			snprintf(out->reason, sizeof out->reason, "%s: %s", part_names[i],
			         R.why[i][0] ? R.why[i] : "starting");
		}
	}
	if (R.stopping) {
		out->part = "stopping";
		snprintf(out->reason, sizeof out->reason, "stopping");
	}
	pthread_mutex_unlock(&R.lock);
	return out->ready;
}
