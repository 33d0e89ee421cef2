# SPDX-License-Identifier: MIT
# Tests: cmocka unit tests, plugin tests on the fake host, integration scripts.

# The test plugin proving the host's promises (integration tests load it).
check_LTLIBRARIES += tests/fixtures/probe.la
tests_fixtures_probe_la_SOURCES = tests/fixtures/probe.c
tests_fixtures_probe_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_fixtures_probe_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_fixtures_probe_la_LIBADD = lib/libcoffer_util.la $(JANSSON_LIBS)
if HAVE_CMOCKA
check_LTLIBRARIES += tests/support/libfakehost.la
tests_support_libfakehost_la_SOURCES = tests/support/fake_host.c tests/support/fake_host.h
tests_support_libfakehost_la_CFLAGS = $(AM_CFLAGS) $(MYSQL_CFLAGS) $(CMOCKA_CFLAGS)
tests_support_libfakehost_la_LIBADD = host/libcofferhost.la
tests_support_libfakehost_la_LDFLAGS = -rpath /nowhere -static

TEST_LDADD = $(CMOCKA_LIBS)
# Each test binary gets a private MariaDB unless the run already has one.
LOG_COMPILER = $(SHELL) $(top_srcdir)/tests/run-with-db

check_PROGRAMS += tests/unit/test_util
tests_unit_test_util_SOURCES = tests/unit/test_util.c
tests_unit_test_util_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_util_LDADD = lib/libcoffer_util.la $(TEST_LDADD)
TESTS += tests/unit/test_util

check_PROGRAMS += tests/unit/test_db
tests_unit_test_db_SOURCES = tests/unit/test_db.c
tests_unit_test_db_CFLAGS = $(AM_CFLAGS) $(MYSQL_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_db_LDADD = host/libcofferhost.la $(TEST_LDADD)
TESTS += tests/unit/test_db

include tests/unit/local.mk
include tests/unit/itemdata.mk
include tests/plugins/asset/local.mk
include tests/plugins/compartment/local.mk
include tests/plugins/reservation/local.mk
include tests/plugins/drop/local.mk
endif

include tests/integration/local.mk
include tests/man/local.mk

# Each event= name logs at one level; every librdkafka client is made by cu_kafka_new.
TESTS += tests/log_levels.sh
EXTRA_DIST += tests/log_levels.sh

# What `make check` needs from the tarball (make distcheck runs the suite from it):
# the per-test MariaDB wrapper, the private server script, the probe's migration.
EXTRA_DIST += tests/run-with-db contrib/devdb tests/sql/probe/0001_probe.sql
# The example plugin (tests/integration/hello_example.sh builds it), the
# developer scripts and the documentation, so the tarball is the whole project.
EXTRA_DIST += contrib/examples/hello/hello.c contrib/build contrib/check contrib/demo \
	contrib/bench contrib/bench-http contrib/distcheck contrib/fuzz contrib/soak contrib/install-deps contrib/scenario/demo.txt \
	contrib/grafana/coffer.json tests/fuzz/make-corpus \
	docs/architecture.md docs/configuration.md docs/embedded-kafka.md docs/http.md docs/soak.md \
	docs/observability.md docs/rest.md docs/testing.md

# The repository cites only what it contains (docs/, no outside reference
# material) and every tracked source has its SPDX line (contrib/spdx-headers).
TESTS += tests/repo_refs.sh
EXTRA_DIST += tests/repo_refs.sh contrib/spdx-headers
EXTRA_DIST += docs/kafka-contract.md docs/plugin-guide.md docs/operations.md
# The sample /etc/default/cofferd names every variable cofferd reads (docs/packaging.md).
TESTS += tests/pkg_envfile.sh
EXTRA_DIST += tests/pkg_envfile.sh
