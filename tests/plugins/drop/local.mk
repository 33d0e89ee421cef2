# SPDX-License-Identifier: MIT
# tests of plugins/drop: pure rules (no database), handlers/sweep on the fake host, and the
# read service "drop" driven through a test-only plugin (dropsvcprobe) that calls it from handlers.
if HAVE_CMOCKA
if BUILD_PLUGIN_DROP
DROP_TESTS = tests/plugins/drop/test_drop_rules tests/plugins/drop/test_drop_commands \
	tests/plugins/drop/test_drop_expiry tests/plugins/drop/test_drop_scenarios \
	tests/plugins/drop/test_drop_inventory tests/plugins/drop/test_drop_service
check_PROGRAMS += $(DROP_TESTS)
TESTS += $(DROP_TESTS)
EXTRA_DIST += tests/plugins/drop/drop_test.h

tests_plugins_drop_test_drop_rules_SOURCES = tests/plugins/drop/test_drop_rules.c \
	plugins/drop/drop_rules.c plugins/drop/drop_events.c
tests_plugins_drop_test_drop_rules_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/plugins/drop
tests_plugins_drop_test_drop_rules_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/plugins/drop/test_drop_rest
TESTS += tests/plugins/drop/test_drop_rest
tests_plugins_drop_test_drop_rest_SOURCES = tests/plugins/drop/test_drop_rest.c plugins/drop/drop_rest.c
tests_plugins_drop_test_drop_rest_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/plugins/drop
tests_plugins_drop_test_drop_rest_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS) $(CMOCKA_LIBS)

DROP_FH_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/tests/support
DROP_FH_LDADD = tests/support/libfakehost.la $(CMOCKA_LIBS)

tests_plugins_drop_test_drop_commands_SOURCES = tests/plugins/drop/test_drop_commands.c
tests_plugins_drop_test_drop_commands_CFLAGS = $(DROP_FH_CFLAGS)
tests_plugins_drop_test_drop_commands_LDADD = $(DROP_FH_LDADD)
EXTRA_tests_plugins_drop_test_drop_commands_DEPENDENCIES = plugins/drop/drop.la

tests_plugins_drop_test_drop_expiry_SOURCES = tests/plugins/drop/test_drop_expiry.c
tests_plugins_drop_test_drop_expiry_CFLAGS = $(DROP_FH_CFLAGS)
tests_plugins_drop_test_drop_expiry_LDADD = $(DROP_FH_LDADD)
EXTRA_tests_plugins_drop_test_drop_expiry_DEPENDENCIES = plugins/drop/drop.la

tests_plugins_drop_test_drop_scenarios_SOURCES = tests/plugins/drop/test_drop_scenarios.c
tests_plugins_drop_test_drop_scenarios_CFLAGS = $(DROP_FH_CFLAGS)
tests_plugins_drop_test_drop_scenarios_LDADD = $(DROP_FH_LDADD)
EXTRA_tests_plugins_drop_test_drop_scenarios_DEPENDENCIES = plugins/drop/drop.la

# The inventory half runs with the plugins it meets in production (asset, compartment,
# reservation), so their builds are dependencies too.
tests_plugins_drop_test_drop_inventory_SOURCES = tests/plugins/drop/test_drop_inventory.c
tests_plugins_drop_test_drop_inventory_CFLAGS = $(DROP_FH_CFLAGS)
tests_plugins_drop_test_drop_inventory_LDADD = $(DROP_FH_LDADD) $(JANSSON_LIBS)
EXTRA_tests_plugins_drop_test_drop_inventory_DEPENDENCIES = plugins/drop/drop.la \
	plugins/asset/asset.la plugins/compartment/compartment.la plugins/reservation/reservation.la

# The test plugin lives beside its test; test_drop_service loads it by path.
check_LTLIBRARIES += tests/plugins/drop/dropsvcprobe.la
tests_plugins_drop_dropsvcprobe_la_SOURCES = tests/plugins/drop/dropsvcprobe.c
tests_plugins_drop_dropsvcprobe_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_plugins_drop_dropsvcprobe_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_plugins_drop_dropsvcprobe_la_LIBADD = lib/libcoffer_util.la $(JANSSON_LIBS)

tests_plugins_drop_test_drop_service_SOURCES = tests/plugins/drop/test_drop_service.c
tests_plugins_drop_test_drop_service_CFLAGS = $(DROP_FH_CFLAGS)
tests_plugins_drop_test_drop_service_LDADD = $(DROP_FH_LDADD) $(JANSSON_LIBS)
EXTRA_tests_plugins_drop_test_drop_service_DEPENDENCIES = plugins/drop/drop.la \
	plugins/asset/asset.la tests/plugins/drop/dropsvcprobe.la
endif
endif
