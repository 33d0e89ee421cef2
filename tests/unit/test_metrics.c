/* SPDX-License-Identifier: MIT */
/* tests/unit/test_metrics.c: host/metrics.c: counts of many threads (alive or
 * exited) fold into one value, histograms are cumulative with _sum/_count,
 * label values are escaped, and the exposition parses with the Prometheus
 * client's strict text parser (when python3-prometheus-client is installed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"

static uint32_t slot_a;
static struct metrics_hist_ref hist;

static void *counting(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		metrics_add(slot_a, 1);
		metrics_observe(&hist, i < 500 ? 2 : 20); /* half in le=5, half in le=50 */
	}
	return NULL;
}

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static void *counting_then_waiting(void *arg)
{
	(void)arg;
	metrics_add(slot_a, 7);
	pthread_mutex_lock(&gate); /* stays alive until the test has scraped */
	pthread_mutex_unlock(&gate);
	return NULL;
}

static char *render(void)
{
	size_t len;
	char *s = metrics_render(&len);
	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	return s;
}

static void test_fold_and_format(void **state)
{
	(void)state;
#ifdef COFFER_NO_METRICS
	skip(); /* --disable-metrics: nothing is counted */
#endif
	struct metrics_family *c = metrics_counter("t_things_total", "Things \\ counted\nhere.", "kind");
	slot_a = metrics_series(c, (const char *[]){"a\"b\\c\nd"});
	assert_int_equal(metrics_series(c, (const char *[]){"a\"b\\c\nd"}), slot_a);
	static const double bounds[] = {5, 50};
	hist = metrics_hist_series(metrics_histogram("t_size", "Sizes.", "", bounds, 2, 1), NULL);

	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, counting, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	pthread_t live;
	pthread_mutex_lock(&gate);
	pthread_create(&live, NULL, counting_then_waiting, NULL);
	metrics_add(slot_a, 3); /* this thread too */
	/* wait until the live thread has counted (its shard is registered) */
	for (int i = 0; i < 200; i++) {
		char *s = render();
		bool seen = strstr(s, "} 4010\n") != NULL;
		free(s);
		if (seen)
			break;
		usleep(10000);
	}
	char *s = render();
	assert_non_null(strstr(s, "# HELP t_things_total Things \\\\ counted\\nhere.\n"));
	assert_non_null(strstr(s, "# TYPE t_things_total counter\n"));
	assert_non_null(strstr(s, "t_things_total{kind=\"a\\\"b\\\\c\\nd\"} 4010\n"));
	assert_non_null(strstr(s, "# TYPE t_size histogram\n"));
	assert_non_null(strstr(s, "t_size_bucket{le=\"5\"} 2000\n"));
	assert_non_null(strstr(s, "t_size_bucket{le=\"50\"} 4000\n"));
	assert_non_null(strstr(s, "t_size_bucket{le=\"+Inf\"} 4000\n"));
	assert_non_null(strstr(s, "t_size_sum 44000\n"));
	assert_non_null(strstr(s, "t_size_count 4000\n"));
	pthread_mutex_unlock(&gate);
	pthread_join(live, NULL);
	free(s);
	s = render();
	assert_non_null(strstr(s, "} 4010\n")); /* the exited thread's count stays */
	free(s);
}

static void test_host_families_parse(void **state)
{
	(void)state;
#ifdef COFFER_NO_METRICS
	skip();
#endif
	metrics_init();
	metrics_msg_register("COMMAND_TOPIC_PROBE", "PUT");
	int idx = metrics_msg_index("COMMAND_TOPIC_PROBE", "PUT");
	assert_true(idx >= 0);
	metrics_message(idx, MO_DONE);
	metrics_message(idx, MO_DONE);
	metrics_handler_seconds(idx, 3000000); /* 3 ms */
	/* an unknown type counts under the topic's "unknown", else under other/unknown */
	assert_int_equal(metrics_msg_index("NOPE", "X"), metrics_msg_index("other", "unknown"));
	static const char stats[] = "{\"topics\":{\"t\":{\"partitions\":{"
	                    "\"0\":{\"partition\":0,\"desired\":true,\"hi_offset\":10,\"lo_offset\":0,"
	                    "\"committed_offset\":4},"
	                    "\"-1\":{\"partition\":-1,\"desired\":false,\"hi_offset\":-1}}}}}";
	metrics_kafka_stats(stats, strlen(stats));
	char *s = render();
	assert_non_null(strstr(s, "coffer_messages_total{topic=\"COMMAND_TOPIC_PROBE\",type=\"PUT\","
	                          "outcome=\"done\"} 2\n"));
	assert_non_null(strstr(s, "coffer_consumer_lag{topic=\"t\",partition=\"0\"} 6\n"));
	assert_non_null(strstr(s, "coffer_handler_duration_seconds_bucket{topic=\"COMMAND_TOPIC_PROBE\","
	                          "type=\"PUT\",le=\"0.005\"} 1\n"));
	if (access("/usr/bin/python3", X_OK) != 0 ||
	    system("/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null") != 0) {
		free(s);
		skip();
	}
	char path[] = "/tmp/test_metrics.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
	char cmd[512];
	snprintf(cmd, sizeof cmd,
	         "/usr/bin/python3 -c 'import sys\n"
	         "from prometheus_client.parser import text_string_to_metric_families as p\n"
	         "fams = list(p(open(sys.argv[1]).read()))\n"
	         "assert any(f.name == \"coffer_messages\" and f.type == \"counter\" for f in fams)\n"
	         "' %s",
	         path);
	int rc = system(cmd);
	unlink(path);
	free(s);
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_and_format),
		cmocka_unit_test(test_host_families_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
