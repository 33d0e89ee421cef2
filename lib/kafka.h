/* SPDX-License-Identifier: MIT */
/* lib/kafka.h: every librdkafka client of coffer is created here, so that none
 * prints librdkafka's own log format: its lines go to a log callback. */
#ifndef COFFER_LIB_KAFKA_H
#define COFFER_LIB_KAFKA_H

#include <stddef.h>

#include <librdkafka/rdkafka.h>

/* librdkafka's log callback type (rd_kafka_conf_set_log_cb); called from its threads. */
typedef void cu_kafka_log_fn(const rd_kafka_t *rk, int level, const char *fac, const char *buf);

/*
 * rd_kafka_new with @p log as the log callback (cofferd: log_kafka_cb, its own
 * format and levels; NULL: cu_kafka_log_stderr). Takes @p conf like rd_kafka_new:
 * on success the client owns it, on failure the caller still does.
 */
rd_kafka_t *cu_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, cu_kafka_log_fn *log,
                         char *err, size_t errlen);

/* The command-line tools' sink: one line on stderr,
 * "PROGRAM: librdkafka LEVEL FAC CLIENT: MESSAGE" (levels error, warn, info, debug). */
void cu_kafka_log_stderr(const rd_kafka_t *rk, int level, const char *fac, const char *buf);

#endif
