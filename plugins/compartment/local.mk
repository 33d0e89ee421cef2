# SPDX-License-Identifier: MIT
# plugins/compartment: character inventories (character CREATED/DELETED) and EQUIP, UNEQUIP, MOVE,
# INCREASE_CAPACITY, MERGE, SORT; see plugins/compartment/README.md. Owns no table (uses the
# "asset" service), so it ships no migration.
if BUILD_PLUGIN_COMPARTMENT
plugin_LTLIBRARIES += plugins/compartment/compartment.la
plugins_compartment_compartment_la_SOURCES = plugins/compartment/compartment.c \
	plugins/compartment/compartment.h plugins/compartment/compartment_commands.c \
	plugins/compartment/compartment_character.c plugins/compartment/compartment_rules.c \
	plugins/compartment/compartment_rules.h plugins/compartment/compartment_rest.c \
	plugins/compartment/compartment_rest.h
plugins_compartment_compartment_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_compartment_compartment_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_compartment_compartment_la_LIBADD = lib/libcoffer_util.la $(JANSSON_LIBS)
endif
EXTRA_DIST += plugins/compartment/README.md
