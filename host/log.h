/* SPDX-License-Identifier: MIT */
/* host/log.h: one line per event, key=value fields, with the current message's context. */
#ifndef COFFER_HOST_LOG_H
#define COFFER_HOST_LOG_H

#include <stdarg.h>
#include <stdint.h>

#include <coffer/host.h>

/* What the current thread is handling; fields that are NULL / < 0 are left out. */
struct log_ctx {
	const char *tenant;
	const char *topic;
	int32_t partition;
	int64_t offset;
};

void log_set_level(enum coffer_log_level level);
enum coffer_log_level log_get_level(void);
/* Parse "error", "warn", "info", "debug" (or their Go/logrus spellings). -1 if unknown. */
int log_parse_level(const char *s);

/* Set the thread's message context (borrowed until reset with NULL). */
void log_set_ctx(const struct log_ctx *c);

/* One line: time level plugin [tenant topic partition offset] then either the
 * text as msg="..." or, when it starts with "event=", the text as raw fields. */
void log_line(enum coffer_log_level level, const char *plugin, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vline(enum coffer_log_level level, const char *plugin, const char *fmt, va_list ap);

#define LOG_ERR(...) log_line(COFFER_LOG_ERROR, "host", __VA_ARGS__)
#define LOG_WRN(...) log_line(COFFER_LOG_WARN, "host", __VA_ARGS__)
#define LOG_INF(...) log_line(COFFER_LOG_INFO, "host", __VA_ARGS__)
#define LOG_DBG(...) log_line(COFFER_LOG_DEBUG, "host", __VA_ARGS__)

#endif
