/* SPDX-License-Identifier: MIT */
/* tests/unit/test_log.c: the log line writer (host/log.c): logfmt quoting and
 * escaping, JSON lines, the fields read from the format, fixed-width times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "log.h"

/* 2026-12-02T12:00:00.123456Z */
#define T0 1796212800123456LL

static char *render(enum log_format f, const struct log_ctx *ctx, bool fields, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static char *render(enum log_format f, const struct log_ctx *ctx, bool fields, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = 0;
	char *line = log_render(f, T0, COFFER_LOG_WARN, "host", ctx, fields, &n, fmt, ap);
	va_end(ap);
	assert_non_null(line);
	assert_int_equal(strlen(line), n);
	assert_true(n > 0 && line[n - 1] == '\n');
	assert_null(memchr(line, '\n', n - 1)); /* one line */
	return line;
}

#define LF(...) render(LOG_FORMAT_LOGFMT, NULL, false, __VA_ARGS__)
#define JS(...) render(LOG_FORMAT_JSON, NULL, false, __VA_ARGS__)

static json_t *parse_line(char *line)
{
	json_error_t e;
	json_t *j = json_loads(line, JSON_REJECT_DUPLICATES, &e);
	if (j == NULL)
		fail_msg("not JSON (%s): %s", e.text, line);
	assert_true(json_is_object(j));
	free(line);
	return j;
}

static const char *jget_str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_string(v))
		fail_msg("member %s is not a string", k);
	return json_string_value(v);
}

static long long jget_int(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v))
		fail_msg("member %s is not an integer", k);
	return (long long)json_integer_value(v);
}

static void test_time_is_fixed_width_milliseconds(void **state)
{
	(void)state;
	char b[LOG_TIME_LEN];
	assert_string_equal(log_time(T0, b), "2026-12-02T12:00:00.123Z");
	assert_string_equal(log_time(1796212800000000LL, b), "2026-12-02T12:00:00.000Z");
	assert_string_equal(log_time(1796212800999999LL, b), "2026-12-02T12:00:00.999Z");
	assert_string_equal(log_time(0, b), "1970-01-01T00:00:00.000Z");
	assert_string_equal(log_time(-1, b), "1969-12-31T23:59:59.999Z");
	for (int64_t us = T0; us < T0 + 3000000; us += 77777)
		assert_int_equal(strlen(log_time(us, b)), 24);
}

static void test_logfmt_message_line_is_today_s_format(void **state)
{
	(void)state;
	char *l = LF("giving up on the message reason=\"%s\"", "bad");
	assert_string_equal(l, "time=2026-12-02T12:00:00.123Z level=warn plugin=host "
	                       "msg=\"giving up on the message reason=\\\"bad\\\"\"\n");
	free(l);
	l = LF("tab\there\rcr \x01 \x7f nl\n back\\slash");
	assert_string_equal(l, "time=2026-12-02T12:00:00.123Z level=warn plugin=host "
	                       "msg=\"tab\\there\\rcr \\u0001 \\u007f nl\\n back\\\\slash\"\n");
	free(l);
}

static void test_logfmt_event_values_are_quoted_when_needed(void **state)
{
	(void)state;
	char *l = LF("event=x plain=%s spaced=%s eq=%s quote=%s empty=%s n=%d", "abc", "a b", "k=v",
	             "say \"hi\"", "", -7);
	assert_string_equal(l, "time=2026-12-02T12:00:00.123Z level=warn plugin=host event=x "
	                       "plain=abc spaced=\"a b\" eq=\"k=v\" quote=\"say \\\"hi\\\"\" empty= n=-7\n");
	free(l);
	/* A value quoted by the format: its conversions escaped inside the quotes. */
	l = LF("event=dead_lettered reason=\"%s\" after=%s", "not JSON: \"x\"\nnext=1", "a\\b");
	assert_string_equal(l, "time=2026-12-02T12:00:00.123Z level=warn plugin=host "
	                       "event=dead_lettered reason=\"not JSON: \\\"x\\\"\\nnext=1\" "
	                       "after=\"a\\\\b\"\n");
	free(l);
	/* A value cannot smuggle in fields: the tenant stays one quoted value. */
	l = LF("event=e who=%s", "x tenant=evil");
	assert_non_null(strstr(l, " who=\"x tenant=evil\"\n"));
	free(l);
}

static void test_logfmt_context_and_invalid_utf8(void **state)
{
	(void)state;
	struct log_ctx c = {"0f8fad5b-d9cb-469f-a165-70867728950e", "COMMAND_TOPIC_PROBE", 3, 42};
	char *l = render(LOG_FORMAT_LOGFMT, &c, false, "event=handled type=%s", "PUT\xff\xc3\xa9");
	assert_string_equal(l, "time=2026-12-02T12:00:00.123Z level=warn plugin=host "
	                       "tenant=0f8fad5b-d9cb-469f-a165-70867728950e topic=COMMAND_TOPIC_PROBE "
	                       "partition=3 offset=42 event=handled type=\"PUT\xef\xbf\xbd\xc3\xa9\"\n");
	free(l);
}

static void test_json_has_the_collector_fields(void **state)
{
	(void)state;
	struct log_ctx c = {"0f8fad5b-d9cb-469f-a165-70867728950e", "COMMAND_TOPIC_PROBE", 3, 42};
	json_t *j = parse_line(render(LOG_FORMAT_JSON, &c, false,
	                              "event=dead_lettered reason=\"%s\" attempts=%d bytes=%zu "
	                              "ratio=%.2f ok=true big=%llu id=%s",
	                              "not JSON: \"x\"", 3, (size_t)17, 0.5, 18446744073709551615ULL,
	                              "007"));
	assert_string_equal(jget_str(j, "ts"), "2026-12-02T12:00:00.123Z");
	assert_string_equal(jget_str(j, "level"), "warn");
	assert_string_equal(jget_str(j, "msg"), "dead_lettered");
	assert_string_equal(jget_str(j, "plugin"), "host");
	assert_string_equal(jget_str(j, "tenant"), "0f8fad5b-d9cb-469f-a165-70867728950e");
	assert_string_equal(jget_str(j, "topic"), "COMMAND_TOPIC_PROBE");
	assert_int_equal(jget_int(j, "partition"), 3);
	assert_int_equal(jget_int(j, "offset"), 42);
	assert_string_equal(jget_str(j, "event"), "dead_lettered");
	assert_string_equal(jget_str(j, "reason"), "not JSON: \"x\"");
	assert_int_equal(jget_int(j, "attempts"), 3);
	assert_int_equal(jget_int(j, "bytes"), 17);
	assert_true(json_is_real(json_object_get(j, "ratio")));
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_string_equal(jget_str(j, "big"), "18446744073709551615"); /* past int64 */
	assert_string_equal(jget_str(j, "id"), "007");                   /* %s stays a string */
	json_decref(j);
}

static void test_json_msg_of_text_and_event_lines(void **state)
{
	(void)state;
	/* Text: msg is the text, its fields are members too. */
	json_t *j = parse_line(JS("plugin init failed plugin=%s rc=%d error=\"%s\": undone", "probe",
	                          -22, "Invalid argument"));
	assert_string_equal(jget_str(j, "msg"),
	                    "plugin init failed plugin=probe rc=-22 error=\"Invalid argument\": undone");
	assert_string_equal(jget_str(j, "plugin"), "probe"); /* the plugin it is about */
	assert_int_equal(jget_int(j, "rc"), -22);
	assert_string_equal(jget_str(j, "error"), "Invalid argument");
	json_decref(j);
	/* An event line with msg=: that is msg. */
	j = parse_line(JS("event=partition_stalled partition=%d msg=\"no progress\"", 0));
	assert_string_equal(jget_str(j, "msg"), "no progress");
	assert_int_equal(jget_int(j, "partition"), 0);
	assert_null(json_object_get(j, "field_msg"));
	json_decref(j);
	/* Words in parentheses, a trailing comma, text without fields. */
	j = parse_line(JS("MOVE failed: slot out of 1..%u (source=%d destination=%d), status=%d, x",
	                  24u, 0, 25, 400));
	assert_int_equal(jget_int(j, "source"), 0);
	assert_int_equal(jget_int(j, "destination"), 25);
	assert_int_equal(jget_int(j, "status"), 400);
	json_decref(j);
	j = parse_line(JS("http: listening on %s", "127.0.0.1:8080"));
	assert_string_equal(jget_str(j, "msg"), "http: listening on 127.0.0.1:8080");
	assert_int_equal(json_object_size(j), 4); /* ts level msg plugin */
	json_decref(j);
	/* Reserved names from a message do not replace ts and level. */
	j = parse_line(JS("event=x ts=%d level=%s", 1, "high"));
	assert_string_equal(jget_str(j, "level"), "warn");
	assert_int_equal(jget_int(j, "field_ts"), 1);
	assert_string_equal(jget_str(j, "field_level"), "high");
	json_decref(j);
}

static void test_json_escapes_everything(void **state)
{
	(void)state;
	char bad[64];
	snprintf(bad, sizeof bad, "a\"b\\c\nd\x01" "e\xff" "f\xed\xa0\x80" "g");
	json_t *j = parse_line(JS("event=x v=%s", bad));
	assert_string_equal(jget_str(j, "v"),
	                    "a\"b\\c\nd\x01" "e\xef\xbf\xbd" "f\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "g");
	json_decref(j);
}

static void test_conversions_print_as_printf(void **state)
{
	(void)state;
	char want[256];
	snprintf(want, sizeof want, "[%5d|%-4s|%.3s|%x|%c|%%|%05.1f|%hhd|%*d|%.*s|%lu]", 42, "ab",
	         "abcdef", 255u, 'q', 3.14159, (char)300, 4, 7, 2, "xyz", 123456789UL);
	json_t *j = parse_line(JS("[%5d|%-4s|%.3s|%x|%c|%%|%05.1f|%hhd|%*d|%.*s|%lu]", 42, "ab",
	                          "abcdef", 255u, 'q', 3.14159, (char)300, 4, 7, 2, "xyz",
	                          123456789UL));
	assert_string_equal(jget_str(j, "msg"), want);
	json_decref(j);
	const char *volatile nul = NULL; /* not a constant: no -Wformat-overflow */
	j = parse_line(JS("v=%s", nul));
	assert_string_equal(jget_str(j, "v"), "(null)");
	json_decref(j);
}

static void test_long_lines_are_cut_and_stay_valid(void **state)
{
	(void)state;
	char *big = malloc(10000);
	memset(big, '"', 9999);
	big[9999] = '\0';
	json_t *j = parse_line(JS("event=x v=\"%s\" after=%d", big, 1));
	assert_true(strlen(jget_str(j, "v")) < 2048);
	json_decref(j);
	char *l = LF("event=x v=\"%s\" after=%d", big, 1);
	size_t n = strlen(l);
	assert_true(n > 2048 && n < 8000);
	assert_string_equal(l + n - 4, "\\\"\"\n"); /* cut inside the value: still closed */
	free(l);
	/* cut right after a conversion: nothing of the literal after it */
	big[2047 - 5] = '\0';
	l = LF("text %sXYZ", big);
	assert_null(strstr(l, "XYZ"));
	assert_null(strstr(l, "\"X"));
	free(l);
	big[2047 - 5] = '"';
	l = LF("text %s", big);
	assert_true(strlen(l) > 2048);
	assert_int_equal(l[strlen(l) - 2], '"'); /* closed */
	free(l);
	free(big);
}

static void test_kafka_levels_and_names(void **state)
{
	(void)state;
	assert_int_equal(log_level_of_syslog(0), COFFER_LOG_ERROR);
	assert_int_equal(log_level_of_syslog(3), COFFER_LOG_ERROR);
	assert_int_equal(log_level_of_syslog(4), COFFER_LOG_WARN);
	assert_int_equal(log_level_of_syslog(5), COFFER_LOG_INFO);
	assert_int_equal(log_level_of_syslog(6), COFFER_LOG_INFO);
	assert_int_equal(log_level_of_syslog(7), COFFER_LOG_DEBUG);
	assert_int_equal(log_parse_format("logfmt"), LOG_FORMAT_LOGFMT);
	assert_int_equal(log_parse_format("json"), LOG_FORMAT_JSON);
	assert_int_equal(log_parse_format("JSON "), -1);
	assert_int_equal(log_parse_format(""), -1);
	assert_int_equal(log_parse_format(NULL), -1);
	/* The shape log_kafka_cb writes: fields, msg from msg=. */
	json_t *j = parse_line(render(LOG_FORMAT_JSON, NULL, true,
	                              "component=librdkafka fac=%s client=%s msg=\"%s\"", "FAIL",
	                              "cofferd#producer-1", "[thrd:x]: Connect \"failed\""));
	assert_string_equal(jget_str(j, "msg"), "[thrd:x]: Connect \"failed\"");
	assert_string_equal(jget_str(j, "component"), "librdkafka");
	assert_string_equal(jget_str(j, "fac"), "FAIL");
	json_decref(j);
	char *l = render(LOG_FORMAT_LOGFMT, NULL, true,
	                 "component=librdkafka fac=%s client=%s msg=\"%s\"", "FAIL",
	                 "cofferd#producer-1", "[thrd:x]: Connect \"failed\"");
	assert_string_equal(l, "time=2026-12-02T12:00:00.123Z level=warn plugin=host "
	                       "component=librdkafka fac=FAIL client=cofferd#producer-1 "
	                       "msg=\"[thrd:x]: Connect \\\"failed\\\"\"\n");
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_is_fixed_width_milliseconds),
		cmocka_unit_test(test_logfmt_message_line_is_today_s_format),
		cmocka_unit_test(test_logfmt_event_values_are_quoted_when_needed),
		cmocka_unit_test(test_logfmt_context_and_invalid_utf8),
		cmocka_unit_test(test_json_has_the_collector_fields),
		cmocka_unit_test(test_json_msg_of_text_and_event_lines),
		cmocka_unit_test(test_json_escapes_everything),
		cmocka_unit_test(test_conversions_print_as_printf),
		cmocka_unit_test(test_long_lines_are_cut_and_stay_valid),
		cmocka_unit_test(test_kafka_levels_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
