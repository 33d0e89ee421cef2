# SPDX-License-Identifier: MIT
# Fuzz targets (docs/testing.md "Fuzzing"). Each tests/fuzz/fuzz_*.c defines
# LLVMFuzzerTestOneInput and is built twice:
#   tests/fuzz/fuzz_<target>    a libFuzzer binary, only by `make fuzz` in a tree
#                               configured with --enable-fuzzing (clang; contrib/fuzz)
#   tests/fuzz/replay_<target>  the same code with tests/fuzz/replay.c as main, by
#                               `make check` with any compiler: tests/fuzz/replay.sh
#                               runs it over tests/fuzz/regressions/<target>/ (every
#                               crash found, kept) and tests/fuzz/corpus/<target>/.
# Included after tests/bench/local.mk (which sets EXTRA_PROGRAMS). contrib/fuzz
# and replay.sh read the target list from fuzz_targets.
fuzz_targets = intake util_json util_text itemdata ctl router plugin_asset plugin_compartment plugin_reservation plugin_drop
TESTS += tests/fuzz/replay.sh
EXTRA_DIST += tests/fuzz/replay.sh tests/fuzz/fuzz.h tests/fuzz/corpus tests/fuzz/regressions
fuzz_replay_programs =
fuzz_programs =

fuzz_replay_programs += tests/fuzz/replay_intake
tests_fuzz_replay_intake_SOURCES = tests/fuzz/fuzz_intake.c host/intake.c host/intake.h tests/fuzz/replay.c
tests_fuzz_replay_intake_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS)
tests_fuzz_replay_intake_LDADD = lib/libcoffer_util.la $(RDKAFKA_LIBS) $(JANSSON_LIBS)
fuzz_programs += tests/fuzz/fuzz_intake
tests_fuzz_fuzz_intake_SOURCES = tests/fuzz/fuzz_intake.c host/intake.c host/intake.h
tests_fuzz_fuzz_intake_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS)
tests_fuzz_fuzz_intake_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_intake_LDADD = lib/libcoffer_util.la $(RDKAFKA_LIBS) $(JANSSON_LIBS)

fuzz_replay_programs += tests/fuzz/replay_util_json
tests_fuzz_replay_util_json_SOURCES = tests/fuzz/fuzz_util_json.c tests/fuzz/replay.c
tests_fuzz_replay_util_json_CFLAGS = $(AM_CFLAGS)
tests_fuzz_replay_util_json_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)
fuzz_programs += tests/fuzz/fuzz_util_json
tests_fuzz_fuzz_util_json_SOURCES = tests/fuzz/fuzz_util_json.c
tests_fuzz_fuzz_util_json_CFLAGS = $(AM_CFLAGS)
tests_fuzz_fuzz_util_json_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_util_json_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)

fuzz_replay_programs += tests/fuzz/replay_util_text
tests_fuzz_replay_util_text_SOURCES = tests/fuzz/fuzz_util_text.c tests/fuzz/replay.c
tests_fuzz_replay_util_text_CFLAGS = $(AM_CFLAGS)
tests_fuzz_replay_util_text_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)
fuzz_programs += tests/fuzz/fuzz_util_text
tests_fuzz_fuzz_util_text_SOURCES = tests/fuzz/fuzz_util_text.c
tests_fuzz_fuzz_util_text_CFLAGS = $(AM_CFLAGS)
tests_fuzz_fuzz_util_text_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_util_text_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)

fuzz_replay_programs += tests/fuzz/replay_itemdata
tests_fuzz_replay_itemdata_SOURCES = tests/fuzz/fuzz_itemdata.c tests/fuzz/replay.c
tests_fuzz_replay_itemdata_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS)
tests_fuzz_replay_itemdata_LDADD = lib/libcoffer_itemdata.la lib/libcoffer_util.la $(CURL_LIBS) $(JANSSON_LIBS)
fuzz_programs += tests/fuzz/fuzz_itemdata
tests_fuzz_fuzz_itemdata_SOURCES = tests/fuzz/fuzz_itemdata.c
tests_fuzz_fuzz_itemdata_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS)
tests_fuzz_fuzz_itemdata_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_itemdata_LDADD = lib/libcoffer_itemdata.la lib/libcoffer_util.la $(CURL_LIBS) $(JANSSON_LIBS)

fuzz_replay_programs += tests/fuzz/replay_ctl
tests_fuzz_replay_ctl_SOURCES = tests/fuzz/fuzz_ctl.c ctl/ctlparse.c ctl/ctlparse.h tests/fuzz/replay.c
tests_fuzz_replay_ctl_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/ctl
tests_fuzz_replay_ctl_LDADD = $(JANSSON_LIBS)
fuzz_programs += tests/fuzz/fuzz_ctl
tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz_ctl.c ctl/ctlparse.c ctl/ctlparse.h
tests_fuzz_fuzz_ctl_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/ctl
tests_fuzz_fuzz_ctl_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_ctl_LDADD = $(JANSSON_LIBS)

fuzz_replay_programs += tests/fuzz/replay_router
tests_fuzz_replay_router_SOURCES = tests/fuzz/fuzz_router.c host/router.c host/router.h tests/fuzz/replay.c
tests_fuzz_replay_router_CFLAGS = $(AM_CFLAGS)
tests_fuzz_replay_router_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)
fuzz_programs += tests/fuzz/fuzz_router
tests_fuzz_fuzz_router_SOURCES = tests/fuzz/fuzz_router.c host/router.c host/router.h
tests_fuzz_fuzz_router_CFLAGS = $(AM_CFLAGS)
tests_fuzz_fuzz_router_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_router_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)

fuzz_replay_programs += tests/fuzz/replay_plugin_asset
tests_fuzz_replay_plugin_asset_SOURCES = tests/fuzz/fuzz_plugin.c tests/fuzz/replay.c
tests_fuzz_replay_plugin_asset_CFLAGS = $(AM_CFLAGS) -DFUZZ_PLUGIN='"asset"'
tests_fuzz_replay_plugin_asset_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)
fuzz_programs += tests/fuzz/fuzz_plugin_asset
tests_fuzz_fuzz_plugin_asset_SOURCES = tests/fuzz/fuzz_plugin.c
tests_fuzz_fuzz_plugin_asset_CFLAGS = $(AM_CFLAGS) -DFUZZ_PLUGIN='"asset"'
tests_fuzz_fuzz_plugin_asset_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_plugin_asset_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)

fuzz_replay_programs += tests/fuzz/replay_plugin_compartment
tests_fuzz_replay_plugin_compartment_SOURCES = tests/fuzz/fuzz_plugin.c tests/fuzz/replay.c
tests_fuzz_replay_plugin_compartment_CFLAGS = $(AM_CFLAGS) -DFUZZ_PLUGIN='"compartment"'
tests_fuzz_replay_plugin_compartment_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)
fuzz_programs += tests/fuzz/fuzz_plugin_compartment
tests_fuzz_fuzz_plugin_compartment_SOURCES = tests/fuzz/fuzz_plugin.c
tests_fuzz_fuzz_plugin_compartment_CFLAGS = $(AM_CFLAGS) -DFUZZ_PLUGIN='"compartment"'
tests_fuzz_fuzz_plugin_compartment_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_plugin_compartment_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)

fuzz_replay_programs += tests/fuzz/replay_plugin_reservation
tests_fuzz_replay_plugin_reservation_SOURCES = tests/fuzz/fuzz_plugin.c tests/fuzz/replay.c
tests_fuzz_replay_plugin_reservation_CFLAGS = $(AM_CFLAGS) -DFUZZ_PLUGIN='"reservation"'
tests_fuzz_replay_plugin_reservation_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)
fuzz_programs += tests/fuzz/fuzz_plugin_reservation
tests_fuzz_fuzz_plugin_reservation_SOURCES = tests/fuzz/fuzz_plugin.c
tests_fuzz_fuzz_plugin_reservation_CFLAGS = $(AM_CFLAGS) -DFUZZ_PLUGIN='"reservation"'
tests_fuzz_fuzz_plugin_reservation_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_plugin_reservation_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)

fuzz_replay_programs += tests/fuzz/replay_plugin_drop
tests_fuzz_replay_plugin_drop_SOURCES = tests/fuzz/fuzz_plugin.c tests/fuzz/replay.c
tests_fuzz_replay_plugin_drop_CFLAGS = $(AM_CFLAGS) -DFUZZ_PLUGIN='"drop"'
tests_fuzz_replay_plugin_drop_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)
fuzz_programs += tests/fuzz/fuzz_plugin_drop
tests_fuzz_fuzz_plugin_drop_SOURCES = tests/fuzz/fuzz_plugin.c
tests_fuzz_fuzz_plugin_drop_CFLAGS = $(AM_CFLAGS) -DFUZZ_PLUGIN='"drop"'
tests_fuzz_fuzz_plugin_drop_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_plugin_drop_LDADD = lib/libcoffer_util.la $(JANSSON_LIBS)

check_PROGRAMS += $(fuzz_replay_programs)
EXTRA_PROGRAMS += $(fuzz_programs)
CLEANFILES += $(fuzz_programs)

if FUZZ
fuzz: $(fuzz_programs) all
else
fuzz:
	@echo "make fuzz: this tree is not configured for fuzzing; run contrib/fuzz, or configure with CC=clang --enable-fuzzing" >&2; exit 1
endif
.PHONY: fuzz
