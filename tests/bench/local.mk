# SPDX-License-Identifier: MIT
# The benchmark: built with `make bench` (not part of make check); contrib/bench runs it.
EXTRA_PROGRAMS = tests/bench/coffer-bench
tests_bench_coffer_bench_SOURCES = tests/bench/coffer-bench.c
tests_bench_coffer_bench_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS)
tests_bench_coffer_bench_LDADD = lib/libcoffer_util.la lib/libcoffer_kafka.la $(RDKAFKA_LIBS) $(JANSSON_LIBS) $(UUID_LIBS)
CLEANFILES += tests/bench/coffer-bench
bench: tests/bench/coffer-bench
.PHONY: bench

# The paced HTTP client of contrib/bench-http (latency at a fixed rate).
EXTRA_PROGRAMS += tests/bench/http-paced
tests_bench_http_paced_SOURCES = tests/bench/http-paced.c
tests_bench_http_paced_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS)
tests_bench_http_paced_LDADD = $(CURL_LIBS)
CLEANFILES += tests/bench/http-paced
bench: tests/bench/http-paced

# The raw-SQL baseline contrib/bench compares cofferd with (the same SQL, no coffer).
EXTRA_PROGRAMS += tests/bench/raw-baseline
tests_bench_raw_baseline_SOURCES = tests/bench/raw-baseline.c
tests_bench_raw_baseline_CFLAGS = $(AM_CFLAGS) $(MYSQL_CFLAGS)
tests_bench_raw_baseline_LDADD = $(MYSQL_LIBS) -lpthread
CLEANFILES += tests/bench/raw-baseline
bench: tests/bench/raw-baseline
