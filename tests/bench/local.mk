# The benchmark: built with `make bench` (not part of make check); contrib/bench runs it.
EXTRA_PROGRAMS = tests/bench/coffer-bench
tests_bench_coffer_bench_SOURCES = tests/bench/coffer-bench.c
tests_bench_coffer_bench_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS)
tests_bench_coffer_bench_LDADD = lib/libcoffer_util.la $(RDKAFKA_LIBS) $(JANSSON_LIBS) $(UUID_LIBS)
CLEANFILES += tests/bench/coffer-bench
bench: tests/bench/coffer-bench
.PHONY: bench
