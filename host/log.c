/* SPDX-License-Identifier: MIT */
/* host/log.c: the log line writer (stderr, one write per line so threads never interleave). */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util.h"

static enum coffer_log_level level_max = COFFER_LOG_INFO;
static _Thread_local const struct log_ctx *cur;

static const char *const names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum coffer_log_level level) { level_max = level; }
enum coffer_log_level log_get_level(void) { return level_max; }
void log_set_ctx(const struct log_ctx *c) { cur = c; }

int log_parse_level(const char *s)
{
	static const struct { const char *n; int l; } tab[] = {
		{"error", COFFER_LOG_ERROR}, {"err", COFFER_LOG_ERROR}, {"fatal", COFFER_LOG_ERROR},
		{"panic", COFFER_LOG_ERROR}, {"warn", COFFER_LOG_WARN}, {"warning", COFFER_LOG_WARN},
		{"info", COFFER_LOG_INFO}, {"debug", COFFER_LOG_DEBUG}, {"trace", COFFER_LOG_DEBUG},
	};
	for (size_t i = 0; s && i < sizeof tab / sizeof tab[0]; i++)
		if (strcasecmp(s, tab[i].n) == 0)
			return tab[i].l;
	return -1;
}

/* Append @p s quoted for logfmt. */
static size_t put_quoted(char *buf, size_t pos, size_t cap, const char *s)
{
	if (pos < cap)
		buf[pos++] = '"';
	for (; *s && pos + 2 < cap; s++) {
		if (*s == '"' || *s == '\\') {
			buf[pos++] = '\\';
			buf[pos++] = *s;
		} else if (*s == '\n') {
			buf[pos++] = '\\';
			buf[pos++] = 'n';
		} else {
			buf[pos++] = *s;
		}
	}
	if (pos < cap)
		buf[pos++] = '"';
	return pos;
}

void log_vline(enum coffer_log_level level, const char *plugin, const char *fmt, va_list ap)
{
	if (level > level_max)
		return;
	char text[2048], line[4096], ts[CU_TIME_LEN];
	vsnprintf(text, sizeof text, fmt, ap);
	size_t cap = sizeof line - 1;
	int n = snprintf(line, cap, "time=%s level=%s plugin=%s", cu_time_format(cu_now_us(), ts),
	                 names[level], plugin ? plugin : "host");
	size_t pos = (size_t)n;
	if (cur != NULL) {
		if (cur->tenant && *cur->tenant)
			pos += (size_t)snprintf(line + pos, cap - pos, " tenant=%s", cur->tenant);
		if (cur->topic)
			pos += (size_t)snprintf(line + pos, cap - pos, " topic=%s partition=%d offset=%lld",
			                        cur->topic, (int)cur->partition, (long long)cur->offset);
	}
	if (pos < cap - 8) {
		if (strncmp(text, "event=", 6) == 0) {
			pos += (size_t)snprintf(line + pos, cap - pos, " %s", text);
		} else {
			memcpy(line + pos, " msg=", 5);
			pos = put_quoted(line, pos + 5, cap, text);
		}
	}
	if (pos > cap)
		pos = cap;
	line[pos++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, pos);
	(void)w;
}

void log_line(enum coffer_log_level level, const char *plugin, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vline(level, plugin, fmt, ap);
	va_end(ap);
}
