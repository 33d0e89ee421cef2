# SPDX-License-Identifier: MIT
# The game-data document -> item_templates row mapping (lib/itemdata.c); no database needed.
check_PROGRAMS += tests/unit/test_itemdata
TESTS += tests/unit/test_itemdata
tests_unit_test_itemdata_SOURCES = tests/unit/test_itemdata.c
tests_unit_test_itemdata_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_itemdata_LDADD = lib/libcoffer_itemdata.la $(JANSSON_LIBS) $(CURL_LIBS) $(TEST_LDADD)
