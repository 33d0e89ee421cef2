/* SPDX-License-Identifier: MIT */
/* host/offsets.h: which consumed offsets may be committed.
 *
 * The rule: per partition, commit only up to the first message whose
 * transaction has not committed. Messages of one partition finish out of order
 * (different keys run on different workers); a message that finished without
 * committing (it will be fetched again after a restart or revocation) holds the
 * commit point back for good, so everything after it is redelivered and skipped
 * by its processed-marker. All functions are thread-safe. */
#ifndef COFFER_HOST_OFFSETS_H
#define COFFER_HOST_OFFSETS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct toppar;

struct offsets {
	pthread_mutex_t lock;
	pthread_cond_t idle;
	struct toppar **tps;
	size_t ntps;
	long inflight;
};

void offsets_init(struct offsets *o);
/* Forget every partition (after a revocation, or at the end). Nothing in flight. */
void offsets_forget(struct offsets *o);

/* Record @p offset of (@p topic, @p partition) as in flight; offsets of one
 * partition arrive in increasing order. Returns the partition's handle for
 * offsets_finish, valid until offsets_forget. */
struct toppar *offsets_track(struct offsets *o, const char *topic, int32_t partition,
                             int64_t offset);

/* @p offset finished; @p ok: its effects committed, or it needed none. */
void offsets_finish(struct offsets *o, struct toppar *tp, int64_t offset, bool ok);

/* Call @p fn for each partition whose commit point (the next offset to consume)
 * moved since the last call, or for every partition with one when @p all (a
 * synchronous commit resends everything: a failed asynchronous commit must not
 * leave its offset behind). Returns the number of calls. @p fn runs under the lock. */
size_t offsets_commit_points(struct offsets *o, bool all,
                             void (*fn)(void *ud, const char *topic, int32_t partition,
                                        int64_t next),
                             void *ud);

/* Messages tracked and not finished. */
long offsets_inflight(struct offsets *o);
/* Block until no message is in flight. */
void offsets_wait_idle(struct offsets *o);

#endif
