# SPDX-License-Identifier: MIT
# plugins/drop: map drops (docs/kafka-contract.md#map-drops), and the read service "drop" (include/coffer/svc/drop.h,
# kafka-contract.md#the-drop-read-service) other plugins use; see plugins/drop/README.md.
coffersvcinclude_HEADERS += include/coffer/svc/drop.h

if BUILD_PLUGIN_DROP
plugin_LTLIBRARIES += plugins/drop/drop.la
plugins_drop_drop_la_SOURCES = plugins/drop/drop.c plugins/drop/drop.h \
	plugins/drop/drop_handlers.c plugins/drop/drop_sweep.c plugins/drop/drop_sql.c \
	plugins/drop/drop_rules.c plugins/drop/drop_events.c plugins/drop/drop_inventory.c \
	plugins/drop/drop_svc.c plugins/drop/drop_rest.c plugins/drop/drop_rest.h
plugins_drop_drop_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_drop_drop_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_drop_drop_la_LIBADD = lib/libcoffer_util.la $(JANSSON_LIBS)
sqldropdir = $(sqldir)/drop
dist_sqldrop_DATA = sql/drop/0001_create_drop.sql
EXTRA_DIST += plugins/drop/README.md
endif
