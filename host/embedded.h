/* SPDX-License-Identifier: MIT */
/* host/embedded.h: librdkafka's mock cluster as the embedded Kafka. */
#ifndef COFFER_HOST_EMBEDDED_H
#define COFFER_HOST_EMBEDDED_H

#include <stddef.h>

/* Holds the embedded cluster's id: the mock's own id derives from a heap address
 * and repeats across runs (always under ASan). */
#define EMBEDDED_ID_TOPIC "__coffer_cluster_id"

/* Start a one-broker mock cluster on 127.0.0.1, create @p topics with
 * @p partitions each, and, when @p port > 0, accept bootstrap connections on
 * that fixed port too. Returns the bootstrap list to use, or NULL. */
const char *embedded_start(const char *const *topics, size_t ntopics, int partitions, int port);
/* A unique id of this embedded cluster (new at every start). */
const char *embedded_cluster_id(void);
void embedded_stop(void);

struct rd_kafka_s;
/* Read the embedded cluster's id from EMBEDDED_ID_TOPIC of the cluster at
 * @p bootstrap, with the consumer *@p consumer (created on first use, in group
 * @p group, which it never joins; the caller destroys it). 0 found, 1 the topic
 * is empty or missing (a mock cluster no cofferd started), -1 not known now. */
int embedded_read_id(struct rd_kafka_s **consumer, const char *bootstrap, const char *group,
                     char *out, size_t cap);

#endif
