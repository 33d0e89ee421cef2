/* SPDX-License-Identifier: MIT */
/* lib/kafka.c: the one place coffer's programs create librdkafka clients. */
#include "kafka.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

rd_kafka_t *cu_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, cu_kafka_log_fn *log,
                         char *err, size_t errlen)
{
	rd_kafka_conf_set_log_cb(conf, log ? log : cu_kafka_log_stderr);
	return rd_kafka_new(type, conf, err, errlen);
}

void cu_kafka_log_stderr(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	const char *lvl = level <= 3 ? "error" : level == 4 ? "warn" : level <= 6 ? "info" : "debug";
	char line[2048];
	int n = snprintf(line, sizeof line, "%s: librdkafka %s %s %s: ", program_invocation_short_name,
	                 lvl, fac ? fac : "", rk ? rd_kafka_name(rk) : "");
	if (n < 0)
		return;
	size_t pos = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	/* one line: control characters of the message as '?' */
	for (const char *s = buf ? buf : ""; *s && pos < sizeof line - 1; s++)
		line[pos++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	line[pos++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, pos);
	(void)w;
}
