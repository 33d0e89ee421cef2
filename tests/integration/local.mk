# SPDX-License-Identifier: MIT
# Integration tests: shell scripts that start cofferd (embedded Kafka, the probe
# test plugin) on a fresh database and drive it with cofferctl, kcat and SQL.
# Each is self-contained (tests/integration/lib.sh); exit 77 = skipped. They
# reuse the MariaDB server of the environment (DEVDB_DIR, DB_HOST...) or start
# their own.
integration_tests = \
	tests/integration/cli.sh \
	tests/integration/tenant_headers.sh \
	tests/integration/dead_letters.sh \
	tests/integration/features.sh \
	tests/integration/features_sighup.sh \
	tests/integration/features_default_off.sh \
	tests/integration/event_id_dedup.sh \
	tests/integration/redelivery_marker.sh \
	tests/integration/restart_new_cluster.sh \
	tests/integration/outbox_crash.sh \
	tests/integration/outbox_drain_on_exit.sh \
	tests/integration/outbox_drain_inflight.sh \
	tests/integration/outbox_lock_per_database.sh \
	tests/integration/periodic_task.sh \
	tests/integration/embedded_port.sh \
	tests/integration/embedded_crash.sh \
	tests/integration/embedded_rejoin.sh \
	tests/integration/soak.sh \
	tests/integration/concurrency.sh \
	tests/integration/batch_isolation.sh \
	tests/integration/startup_sigterm.sh \
	tests/integration/db_outage.sh \
	tests/integration/fail_fast.sh \
	tests/integration/log_format.sh \
	tests/integration/plugin_path.sh \
	tests/integration/oversize.sh \
	tests/integration/readyz.sh \
	tests/integration/metrics.sh \
	tests/integration/consumer_lag.sh \
	tests/integration/http_routing.sh \
	tests/integration/http_txn.sh \
	tests/integration/session_timeout.sh \
	tests/integration/hello_example.sh \
	tests/integration/bad_input.sh
TESTS += $(integration_tests)
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = abs_top_builddir='$(abs_top_builddir)' abs_top_srcdir='$(abs_top_srcdir)'; \
	: "$${TSAN_OPTIONS=suppressions=$(abs_top_srcdir)/tests/tsan.supp}"; export TSAN_OPTIONS; \
	export abs_top_builddir abs_top_srcdir;
EXTRA_DIST += tests/tsan.supp $(integration_tests) tests/integration/lib.sh tests/integration/obs_lib.sh tests/integration/prom.py \
	tests/integration/bad_input_gen.py
include tests/integration/inventory.mk
include tests/integration/rest.mk
include tests/integration/drop.mk
include tests/integration/item_data.mk
