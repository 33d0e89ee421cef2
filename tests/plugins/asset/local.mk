# SPDX-License-Identifier: MIT
# tests/plugins/asset: pure rules, the handlers on the fake host, and the shared service
# driven through a test-only plugin (svcprobe) that calls every service entry from handlers.
if BUILD_PLUGIN_ASSET
check_PROGRAMS += tests/plugins/asset/test_asset_rules tests/plugins/asset/test_asset_commands \
	tests/plugins/asset/test_asset_service
TESTS += tests/plugins/asset/test_asset_rules tests/plugins/asset/test_asset_commands \
	tests/plugins/asset/test_asset_service

tests_plugins_asset_test_asset_rules_SOURCES = tests/plugins/asset/test_asset_rules.c \
	plugins/asset/asset_rules.c
tests_plugins_asset_test_asset_rules_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/plugins/asset
tests_plugins_asset_test_asset_rules_LDADD = lib/libcoffer_util.la $(CMOCKA_LIBS)

tests_plugins_asset_test_asset_commands_SOURCES = tests/plugins/asset/test_asset_commands.c \
	tests/plugins/asset/asset_fixtures.h
tests_plugins_asset_test_asset_commands_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/tests/support
tests_plugins_asset_test_asset_commands_LDADD = tests/support/libfakehost.la lib/libcoffer_util.la $(CMOCKA_LIBS)
EXTRA_tests_plugins_asset_test_asset_commands_DEPENDENCIES = plugins/asset/asset.la

# The test plugin lives beside its test; test_asset_service loads it by path.
check_LTLIBRARIES += tests/plugins/asset/svcprobe.la
tests_plugins_asset_svcprobe_la_SOURCES = tests/plugins/asset/svcprobe.c
tests_plugins_asset_svcprobe_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_plugins_asset_svcprobe_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_plugins_asset_svcprobe_la_LIBADD = lib/libcoffer_util.la $(JANSSON_LIBS)

tests_plugins_asset_test_asset_service_SOURCES = tests/plugins/asset/test_asset_service.c \
	tests/plugins/asset/asset_fixtures.h
tests_plugins_asset_test_asset_service_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/tests/support
tests_plugins_asset_test_asset_service_LDADD = tests/support/libfakehost.la lib/libcoffer_util.la $(CMOCKA_LIBS)
EXTRA_tests_plugins_asset_test_asset_service_DEPENDENCIES = plugins/asset/asset.la \
	tests/plugins/asset/svcprobe.la
endif
