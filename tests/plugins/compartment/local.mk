# SPDX-License-Identifier: MIT
# tests of plugins/compartment: pure rules, handlers on the fake host, concurrent handlers.
if HAVE_CMOCKA
if BUILD_PLUGIN_COMPARTMENT
check_PROGRAMS += tests/plugins/compartment/test_compartment_rules \
	tests/plugins/compartment/test_compartment_character \
	tests/plugins/compartment/test_compartment_commands \
	tests/plugins/compartment/test_compartment_concurrency \
	tests/plugins/compartment/test_compartment_routes
TESTS += tests/plugins/compartment/test_compartment_rules \
	tests/plugins/compartment/test_compartment_character \
	tests/plugins/compartment/test_compartment_commands \
	tests/plugins/compartment/test_compartment_concurrency \
	tests/plugins/compartment/test_compartment_routes

tests_plugins_compartment_test_compartment_rules_SOURCES = \
	tests/plugins/compartment/test_compartment_rules.c plugins/compartment/compartment_rules.c
tests_plugins_compartment_test_compartment_rules_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	-I$(top_srcdir)/plugins/compartment
tests_plugins_compartment_test_compartment_rules_LDADD = lib/libcoffer_util.la $(CMOCKA_LIBS)

# The REST documents: pure builders (the asset plugin's rules give the kind names).
check_PROGRAMS += tests/plugins/compartment/test_compartment_rest
TESTS += tests/plugins/compartment/test_compartment_rest
tests_plugins_compartment_test_compartment_rest_SOURCES = \
	tests/plugins/compartment/test_compartment_rest.c plugins/compartment/compartment_rest.c \
	plugins/asset/asset_rules.c
tests_plugins_compartment_test_compartment_rest_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	-I$(top_srcdir)/plugins/compartment -I$(top_srcdir)/plugins/asset
tests_plugins_compartment_test_compartment_rest_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS) \
	$(CMOCKA_LIBS)

# The streamed documents against the host's serialisation of the jansson ones (host/http.c).
check_PROGRAMS += tests/plugins/compartment/test_compartment_rest_raw
TESTS += tests/plugins/compartment/test_compartment_rest_raw
tests_plugins_compartment_test_compartment_rest_raw_SOURCES = \
	tests/plugins/compartment/test_compartment_rest_raw.c plugins/compartment/compartment_rest.c \
	plugins/asset/asset_rules.c
tests_plugins_compartment_test_compartment_rest_raw_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(MYSQL_CFLAGS) -I$(top_srcdir)/plugins/compartment -I$(top_srcdir)/plugins/asset \
	-I$(top_srcdir)/host
tests_plugins_compartment_test_compartment_rest_raw_LDADD = host/libcofferhost.la \
	lib/libcoffer_util.la $(JANSSON_LIBS) $(CMOCKA_LIBS)

# The handler tests load plugins/asset and plugins/compartment from the build tree.
COMPARTMENT_FH_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/tests/support
COMPARTMENT_FH_LDADD = tests/support/libfakehost.la lib/libcoffer_util.la $(CMOCKA_LIBS)
COMPARTMENT_FH_DEPS = plugins/compartment/compartment.la plugins/asset/asset.la

tests_plugins_compartment_test_compartment_character_SOURCES = \
	tests/plugins/compartment/test_compartment_character.c \
	tests/plugins/compartment/compartment_fixture.c tests/plugins/compartment/compartment_fixture.h
tests_plugins_compartment_test_compartment_character_CFLAGS = $(COMPARTMENT_FH_CFLAGS)
tests_plugins_compartment_test_compartment_character_LDADD = $(COMPARTMENT_FH_LDADD)
EXTRA_tests_plugins_compartment_test_compartment_character_DEPENDENCIES = $(COMPARTMENT_FH_DEPS)

tests_plugins_compartment_test_compartment_commands_SOURCES = \
	tests/plugins/compartment/test_compartment_commands.c \
	tests/plugins/compartment/compartment_fixture.c tests/plugins/compartment/compartment_fixture.h
tests_plugins_compartment_test_compartment_commands_CFLAGS = $(COMPARTMENT_FH_CFLAGS)
tests_plugins_compartment_test_compartment_commands_LDADD = $(COMPARTMENT_FH_LDADD)
EXTRA_tests_plugins_compartment_test_compartment_commands_DEPENDENCIES = $(COMPARTMENT_FH_DEPS)

# Runs handlers on several threads with the host's own registry and connections (host/).
tests_plugins_compartment_test_compartment_concurrency_SOURCES = \
	tests/plugins/compartment/test_compartment_concurrency.c \
	tests/plugins/compartment/compartment_fixture.c tests/plugins/compartment/compartment_fixture.h
tests_plugins_compartment_test_compartment_concurrency_CFLAGS = $(COMPARTMENT_FH_CFLAGS)
tests_plugins_compartment_test_compartment_concurrency_LDADD = $(COMPARTMENT_FH_LDADD)
EXTRA_tests_plugins_compartment_test_compartment_concurrency_DEPENDENCIES = $(COMPARTMENT_FH_DEPS)

# The REST routes' handlers, driven through the fake host's fh_http.
tests_plugins_compartment_test_compartment_routes_SOURCES = \
	tests/plugins/compartment/test_compartment_routes.c \
	tests/plugins/compartment/compartment_fixture.c tests/plugins/compartment/compartment_fixture.h
tests_plugins_compartment_test_compartment_routes_CFLAGS = $(COMPARTMENT_FH_CFLAGS)
tests_plugins_compartment_test_compartment_routes_LDADD = $(COMPARTMENT_FH_LDADD)
EXTRA_tests_plugins_compartment_test_compartment_routes_DEPENDENCIES = $(COMPARTMENT_FH_DEPS)
endif
endif
