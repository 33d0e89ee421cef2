/* SPDX-License-Identifier: MIT */
/* host/log.h: one line per event, logfmt (key=value) or JSON, with the current
 * message's context. docs/observability.md "Logs" describes both formats. */
#ifndef COFFER_HOST_LOG_H
#define COFFER_HOST_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coffer/host.h>

/* What the current thread is handling; fields that are NULL / < 0 are left out. */
struct log_ctx {
	const char *tenant;
	const char *topic;
	int32_t partition;
	int64_t offset;
};

enum log_format {
	LOG_FORMAT_LOGFMT = 0, /* time=... level=... plugin=... then the fields or msg="..." */
	LOG_FORMAT_JSON = 1,   /* one JSON object a line: ts, level, msg, plugin, ..., the fields */
};

void log_set_level(enum coffer_log_level level);
enum coffer_log_level log_get_level(void);
/* Parse "error", "warn", "info", "debug" (or their Go/logrus spellings). -1 if unknown. */
int log_parse_level(const char *s);
/* Parse "logfmt" or "json". -1 if unknown. */
int log_parse_format(const char *s);
/* Set before the first thread starts (read by every thread, librdkafka's too). */
void log_set_format(enum log_format f);
enum log_format log_get_format(void);
/* Our level for a syslog level 0..7 (what librdkafka logs with). */
enum coffer_log_level log_level_of_syslog(int level);

/* Set the thread's message context (borrowed until reset with NULL). */
void log_set_ctx(const struct log_ctx *c);

/*
 * One line: time, level, plugin, [tenant topic partition offset], then the text.
 * The format's literal `key=` words followed by a value (a conversion, literal
 * text, or a "quoted" part) are the line's fields: in logfmt a text that starts
 * with "event=" is written as those fields (each value quoted and escaped when it
 * needs it), any other text as msg="..."; in JSON msg is the text and every field
 * is a member too, a number where the format says %d/%u/%f (or a literal number
 * or true/false), else a string.
 */
void log_line(enum coffer_log_level level, const char *plugin, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vline(enum coffer_log_level level, const char *plugin, const char *fmt, va_list ap);

/* librdkafka's log callback (lib/kafka.h cu_kafka_new): component=librdkafka fac=
 * client= msg=, at our level for its syslog level. Safe from any thread. */
struct rd_kafka_s;
void log_kafka_cb(const struct rd_kafka_s *rk, int level, const char *fac, const char *buf);

/*
 * The line log_vline would write, built without writing it (for the tests): the
 * format @p f, the instant @p us, the context @p ctx (NULL: none); @p fields
 * makes the text fields even when it does not start with "event=". Returns a
 * malloc'd line ending in '\n' and its length in *len, NULL when out of memory.
 */
char *log_render(enum log_format f, int64_t us, enum coffer_log_level level, const char *plugin,
                 const struct log_ctx *ctx, bool fields, size_t *len, const char *fmt, va_list ap);

/* Longest log_time text with the NUL; log_time writes always 24 characters
 * (YYYY-MM-DDTHH:MM:SS.mmmZ) for the years 0..9999. */
#define LOG_TIME_LEN 32
char *log_time(int64_t us, char out[LOG_TIME_LEN]);

#define LOG_ERR(...) log_line(COFFER_LOG_ERROR, "host", __VA_ARGS__)
#define LOG_WRN(...) log_line(COFFER_LOG_WARN, "host", __VA_ARGS__)
#define LOG_INF(...) log_line(COFFER_LOG_INFO, "host", __VA_ARGS__)
#define LOG_DBG(...) log_line(COFFER_LOG_DEBUG, "host", __VA_ARGS__)

#endif
