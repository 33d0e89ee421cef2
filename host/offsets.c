/* SPDX-License-Identifier: MIT */
/* host/offsets.c: in-flight offsets per partition and their commit points. */
#include "offsets.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct toppar {
	char *topic;
	int32_t partition;
	int64_t *off;
	bool *done;
	size_t head, n, cap;  /* live entries are [head, n) */
	int64_t commit_next;  /* next offset to consume (first not finished), -1 before any */
	int64_t reported;     /* commit_next last handed to offsets_commit_points */
};

void offsets_init(struct offsets *o)
{
	memset(o, 0, sizeof *o);
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->idle, NULL);
}

void offsets_forget(struct offsets *o)
{
	pthread_mutex_lock(&o->lock);
	for (size_t i = 0; i < o->ntps; i++) {
		free(o->tps[i]->topic);
		free(o->tps[i]->off);
		free(o->tps[i]->done);
		free(o->tps[i]);
	}
	free(o->tps);
	o->tps = NULL;
	o->ntps = 0;
	pthread_mutex_unlock(&o->lock);
}

static struct toppar *toppar_get(struct offsets *o, const char *topic, int32_t partition)
{
	for (size_t i = 0; i < o->ntps; i++)
		if (o->tps[i]->partition == partition && strcmp(o->tps[i]->topic, topic) == 0)
			return o->tps[i];
	o->tps = xreallocarray(o->tps, o->ntps + 1, sizeof *o->tps);
	struct toppar *tp = xcalloc(1, sizeof *tp);
	tp->topic = xstrdup(topic);
	tp->partition = partition;
	tp->commit_next = -1;
	tp->reported = -1;
	o->tps[o->ntps++] = tp;
	return tp;
}

struct toppar *offsets_track(struct offsets *o, const char *topic, int32_t partition,
                             int64_t offset)
{
	pthread_mutex_lock(&o->lock);
	struct toppar *tp = toppar_get(o, topic, partition);
	if (tp->head > 0 && tp->head == tp->n)
		tp->head = tp->n = 0;
	if (tp->n == tp->cap) {
		if (tp->head > tp->cap / 2) {
			memmove(tp->off, tp->off + tp->head, (tp->n - tp->head) * sizeof *tp->off);
			memmove(tp->done, tp->done + tp->head, (tp->n - tp->head) * sizeof *tp->done);
			tp->n -= tp->head;
			tp->head = 0;
		} else {
			tp->cap = tp->cap ? tp->cap * 2 : 256;
			tp->off = xreallocarray(tp->off, tp->cap, sizeof *tp->off);
			tp->done = xreallocarray(tp->done, tp->cap, sizeof *tp->done);
		}
	}
	tp->off[tp->n] = offset;
	tp->done[tp->n++] = false;
	o->inflight++;
	pthread_mutex_unlock(&o->lock);
	return tp;
}

void offsets_finish(struct offsets *o, struct toppar *tp, int64_t offset, bool ok)
{
	pthread_mutex_lock(&o->lock);
	size_t lo = tp->head, hi = tp->n;
	while (lo < hi) { /* offsets are increasing */
		size_t mid = lo + (hi - lo) / 2;
		if (tp->off[mid] < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < tp->n && tp->off[lo] == offset && ok)
		tp->done[lo] = true;
	while (tp->head < tp->n && tp->done[tp->head])
		tp->commit_next = tp->off[tp->head++] + 1;
	o->inflight--;
	if (o->inflight == 0)
		pthread_cond_broadcast(&o->idle);
	pthread_mutex_unlock(&o->lock);
}

size_t offsets_commit_points(struct offsets *o, bool all,
                             void (*fn)(void *ud, const char *topic, int32_t partition,
                                        int64_t next),
                             void *ud)
{
	size_t calls = 0;
	pthread_mutex_lock(&o->lock);
	for (size_t i = 0; i < o->ntps; i++) {
		struct toppar *tp = o->tps[i];
		if (tp->commit_next >= 0 && (all || tp->commit_next != tp->reported)) {
			fn(ud, tp->topic, tp->partition, tp->commit_next);
			tp->reported = tp->commit_next;
			calls++;
		}
	}
	pthread_mutex_unlock(&o->lock);
	return calls;
}

long offsets_inflight(struct offsets *o)
{
	pthread_mutex_lock(&o->lock);
	long n = o->inflight;
	pthread_mutex_unlock(&o->lock);
	return n;
}

void offsets_wait_idle(struct offsets *o)
{
	pthread_mutex_lock(&o->lock);
	while (o->inflight > 0)
		pthread_cond_wait(&o->idle, &o->lock);
	pthread_mutex_unlock(&o->lock);
}
