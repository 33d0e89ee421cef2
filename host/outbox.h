/* SPDX-License-Identifier: MIT */
/* host/outbox.h: the outbox table: written inside message transactions, drained
 * to Kafka by one publisher (one per deployment, chosen by a MySQL named lock). */
#ifndef COFFER_HOST_OUTBOX_H
#define COFFER_HOST_OUTBOX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>

#include "db.h"
#include "registry.h"

/* Write the events of @p t (in emit order) to the outbox in @p t's transaction. */
int outbox_write_events(struct coffer_txn *t, int64_t now_us);

/* Events of several messages of one transaction, encoded when each message is
 * done and written together (a multi-row INSERT per 32 rows) just before the
 * commit: one round trip for the batch instead of one per message. Rows keep
 * the order in which they were staged. Dead letters are written at once, so they
 * may get lower ids than the staged events of earlier messages of the batch; they
 * go to their own topic, so the order of every topic, and of every key, is kept. */
struct outbox_stage {
	struct staged *rows;
	size_t n, cap;
};
/* Encode and append the events of @p t (in emit order). 0 or -ENOMEM. */
int outbox_stage_events(struct outbox_stage *s, const struct coffer_txn *t, int64_t now_us);
/* Insert what is staged in @p db's transaction and empty the stage. */
int outbox_stage_flush(struct db_conn *db, struct outbox_stage *s);
/* Drop what is staged (the transaction rolled back). */
void outbox_stage_clear(struct outbox_stage *s);
void outbox_stage_free(struct outbox_stage *s);

/* Room for headers and framing above --max-message-bytes: the producer's
 * message.max.bytes is the limit plus this. */
#define OUTBOX_HEADER_ROOM (64u * 1024u)

/* Write a dead-letter copy of @p m with the original headers plus DEAD_LETTER_REASON,
 * DEAD_LETTER_TOPIC, DEAD_LETTER_PARTITION, DEAD_LETTER_OFFSET. A copy that would
 * be larger than --max-message-bytes keeps the start of the payload only and says
 * so: DEAD_LETTER_TRUNCATED = the original payload length in bytes (and, when the
 * original headers alone were too large, they are left out and
 * DEAD_LETTER_HEADERS_DROPPED = how many). */
int outbox_write_dead_letter(struct db_conn *db, const rd_kafka_message_t *m,
                             const char *tenant_id, const char *reason, int64_t now_us);

/* Encode/decode the header list stored with a row. */
size_t outbox_headers_encode(const char *const *names, const void *const *vals,
                             const size_t *lens, size_t n, unsigned char *out, size_t cap);

struct outbox_cfg {
	struct db_params db;
	rd_kafka_conf_t *producer_conf;   /* taken */
	const atomic_bool *stopping;    /* drain what is left, then return */
	unsigned drain_timeout_ms;        /* after stopping, give up after this */
	unsigned max_message_bytes;       /* dead-letter copies fit in this; 0 = 1 MiB */
	/* The embedded Kafka's own death (host/outbox.c, docs/embedded-kafka.md): */
	const char *embedded_id;          /* this process hosts the embedded cluster: its id */
	long long retention_rows;         /* keep at most this many rows it acknowledged */
	long long retention_ms;           /* for at most this long; either 0 = delete at once */
};

/* Start the publisher thread. cfg->producer_conf is the outbox's from now on, also
 * when this fails; after a failure outbox_join still releases what was made. */
int outbox_start(const struct outbox_cfg *cfg);
/* Something was committed: publish soon. */
void outbox_kick(void);
/* Join the publisher (after *stopping was set). Returns rows left unpublished.
 * Safe when outbox_start was never called or failed. */
long outbox_join(void);

#endif
