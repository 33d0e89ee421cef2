/* SPDX-License-Identifier: MIT */
/* host/bus.h: the Kafka consumer, the workers and what happens to one message. */
#ifndef COFFER_HOST_BUS_H
#define COFFER_HOST_BUS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <librdkafka/rdkafka.h>

#include "db.h"

struct bus_cfg {
	rd_kafka_conf_t *consumer_conf;   /* taken; group.id etc. already set */
	struct db_params db;
	unsigned workers;
	unsigned batch;                   /* max messages per transaction */
	const atomic_bool *stopping;
	/* Markers' cluster id; NULL = ask the cluster. The embedded Kafka passes its own:
	 * the mock's id derives from a heap address and can repeat across runs. */
	const char *cluster_id;
	unsigned max_message_bytes;       /* larger payloads are dead-lettered (oversize); 0 = 1 MiB */
	unsigned stall_warn_ms;           /* log a partition with lag and no progress this long; 0 = 30 s */
};

/* Subscribe to every topic a plugin handles and start the workers. */
int bus_start(const struct bus_cfg *cfg);
/* The exit status of a cofferd whose embedded cluster (hosted by another cofferd)
 * was replaced: EX_TEMPFAIL, so that a supervisor starts it again. */
#define EXIT_CLUSTER_REPLACED 75
/* Poll until *stopping, or until the embedded cluster joined was replaced:
 * dispatch, commit offsets. Returns when the consumer closed (in-flight messages
 * finished and their offsets committed): 0, or EXIT_CLUSTER_REPLACED (nothing
 * committed to the new cluster). */
int bus_run(void);
/* Join the workers; after bus_run returned, or after bus_start failed (or never ran). */
void bus_join(void);

/* The Kafka cluster id used in processed-markers. */
const char *bus_cluster_id(void);

#endif
