# SPDX-License-Identifier: MIT
# Host unit tests (included from tests/local.mk inside `if HAVE_CMOCKA`).
#
# The loader fixtures are tiny plugins that are wrong on purpose. They are
# built into tests/unit/plugins/, not tests/fixtures/: the integration tests
# load every plugin of tests/fixtures/.libs and must see only probe there.
loader_fixtures = \
	tests/unit/plugins/bad_magic.la \
	tests/unit/plugins/bad_major.la \
	tests/unit/plugins/bad_minor.la \
	tests/unit/plugins/bad_noentry.la \
	tests/unit/plugins/bad_noinit.la \
	tests/unit/plugins/bad_init.la \
	tests/unit/plugins/bad_dup.la \
	tests/unit/plugins/bad_dup_required.la \
	tests/unit/plugins/old_minor.la \
	tests/unit/plugins/needs_probe.la \
	tests/unit/plugins/needs_missing.la \
	tests/unit/plugins/needs_newer.la \
	tests/unit/plugins/needs_bad_init.la
check_LTLIBRARIES += $(loader_fixtures)

tests_unit_plugins_bad_magic_la_SOURCES = tests/fixtures/bad_magic.c
tests_unit_plugins_bad_magic_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_bad_magic_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_unit_plugins_bad_major_la_SOURCES = tests/fixtures/bad_major.c
tests_unit_plugins_bad_major_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_bad_major_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_unit_plugins_bad_minor_la_SOURCES = tests/fixtures/bad_minor.c
tests_unit_plugins_bad_minor_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_bad_minor_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
# Not a plugin: its only export has another name, so no export filter.
tests_unit_plugins_bad_noentry_la_SOURCES = tests/fixtures/bad_noentry.c
tests_unit_plugins_bad_noentry_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_bad_noentry_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_unit_plugins_bad_noinit_la_SOURCES = tests/fixtures/bad_noinit.c
tests_unit_plugins_bad_noinit_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_bad_noinit_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_unit_plugins_bad_init_la_SOURCES = tests/fixtures/bad_init.c
tests_unit_plugins_bad_init_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_bad_init_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_unit_plugins_bad_dup_la_SOURCES = tests/fixtures/bad_dup.c
tests_unit_plugins_bad_dup_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_bad_dup_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_unit_plugins_bad_dup_required_la_SOURCES = tests/fixtures/bad_dup.c
tests_unit_plugins_bad_dup_required_la_CFLAGS = $(PLUGIN_CFLAGS) -DBAD_DUP_REQUIRED
tests_unit_plugins_bad_dup_required_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_unit_plugins_old_minor_la_SOURCES = tests/fixtures/old_minor.c
tests_unit_plugins_old_minor_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_old_minor_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_unit_plugins_needs_probe_la_SOURCES = tests/fixtures/needs_probe.c
tests_unit_plugins_needs_probe_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_needs_probe_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_unit_plugins_needs_missing_la_SOURCES = tests/fixtures/needs_missing.c
tests_unit_plugins_needs_missing_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_needs_missing_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_unit_plugins_needs_newer_la_SOURCES = tests/fixtures/needs_newer.c
tests_unit_plugins_needs_newer_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_needs_newer_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_unit_plugins_needs_bad_init_la_SOURCES = tests/fixtures/needs_bad_init.c
tests_unit_plugins_needs_bad_init_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_unit_plugins_needs_bad_init_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)

# The loader: ABI checks, init order and rollback, duplicate claims, and a
# descriptor check of every real plugin built so far.
check_PROGRAMS += tests/unit/test_loader
TESTS += tests/unit/test_loader
tests_unit_test_loader_SOURCES = tests/unit/test_loader.c
tests_unit_test_loader_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_loader_LDADD = host/libcofferhost.la $(TEST_LDADD)
EXTRA_tests_unit_test_loader_DEPENDENCIES = $(loader_fixtures) tests/fixtures/probe.la

# Strict numeric settings (host/opts.c) and the readiness state (host/health.c).
check_PROGRAMS += tests/unit/test_opts
TESTS += tests/unit/test_opts
tests_unit_test_opts_SOURCES = tests/unit/test_opts.c
tests_unit_test_opts_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_opts_LDADD = host/libcofferhost.la $(TEST_LDADD)
# The offset rule: commit only up to the first message that has not committed.
check_PROGRAMS += tests/unit/test_offsets
TESTS += tests/unit/test_offsets
tests_unit_test_offsets_SOURCES = tests/unit/test_offsets.c
tests_unit_test_offsets_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_offsets_LDADD = host/libcofferhost.la $(TEST_LDADD)
# The metrics registry: per-thread shards, folding, the text exposition.
check_PROGRAMS += tests/unit/test_metrics
TESTS += tests/unit/test_metrics
tests_unit_test_metrics_SOURCES = tests/unit/test_metrics.c
tests_unit_test_metrics_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_metrics_LDADD = host/libcofferhost.la $(TEST_LDADD)
# The HTTP route table, Go escaping, the REST value helpers (pure functions).
check_PROGRAMS += tests/unit/test_router
TESTS += tests/unit/test_router
tests_unit_test_router_SOURCES = tests/unit/test_router.c
tests_unit_test_router_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_router_LDADD = host/libcofferhost.la $(TEST_LDADD)
# The log line writer: logfmt quoting, JSON lines, fields from the format (host/log.c).
check_PROGRAMS += tests/unit/test_log
TESTS += tests/unit/test_log
tests_unit_test_log_SOURCES = tests/unit/test_log.c
tests_unit_test_log_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_log_LDADD = host/libcofferhost.la $(TEST_LDADD)
