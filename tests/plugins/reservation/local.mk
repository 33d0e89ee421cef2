# SPDX-License-Identifier: MIT
# tests of plugins/reservation: the pure rules, and the handlers and expiry task on the fake host
# with the asset plugin and the test plugin rsvprobe (asks the asset service's merge condition and
# reserved quantity from inside a transaction; loaded by path).
if BUILD_PLUGIN_RESERVATION
if BUILD_PLUGIN_ASSET
check_PROGRAMS += tests/plugins/reservation/test_reservation_rules \
	tests/plugins/reservation/test_reservation_commands
TESTS += tests/plugins/reservation/test_reservation_rules \
	tests/plugins/reservation/test_reservation_commands

tests_plugins_reservation_test_reservation_rules_SOURCES = \
	tests/plugins/reservation/test_reservation_rules.c plugins/reservation/reservation_rules.c
tests_plugins_reservation_test_reservation_rules_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	-I$(top_srcdir)/plugins/reservation
tests_plugins_reservation_test_reservation_rules_LDADD = lib/libcoffer_util.la $(CMOCKA_LIBS)

check_LTLIBRARIES += tests/plugins/reservation/rsvprobe.la
tests_plugins_reservation_rsvprobe_la_SOURCES = tests/plugins/reservation/rsvprobe.c
tests_plugins_reservation_rsvprobe_la_CFLAGS = $(PLUGIN_CFLAGS)
tests_plugins_reservation_rsvprobe_la_LDFLAGS = $(CHECK_PLUGIN_LDFLAGS)
tests_plugins_reservation_rsvprobe_la_LIBADD = $(JANSSON_LIBS)

tests_plugins_reservation_test_reservation_commands_SOURCES = \
	tests/plugins/reservation/test_reservation_commands.c
tests_plugins_reservation_test_reservation_commands_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(MYSQL_CFLAGS) -I$(top_srcdir)/tests/support
tests_plugins_reservation_test_reservation_commands_LDADD = tests/support/libfakehost.la \
	lib/libcoffer_util.la $(CMOCKA_LIBS)
EXTRA_tests_plugins_reservation_test_reservation_commands_DEPENDENCIES = \
	plugins/reservation/reservation.la plugins/asset/asset.la \
	tests/plugins/reservation/rsvprobe.la
# example A.5 through a real MOVE when the compartment plugin is built.
if BUILD_PLUGIN_COMPARTMENT
tests_plugins_reservation_test_reservation_commands_CFLAGS += -DRSV_TEST_COMPARTMENT=1
EXTRA_tests_plugins_reservation_test_reservation_commands_DEPENDENCIES += \
	plugins/compartment/compartment.la
endif
endif
endif
