# SPDX-License-Identifier: MIT
# plugins/asset: CREATE_ASSET, DESTROY, RECHARGE, ACCEPT, RELEASE, equipable UPDATED, and the
# shared "asset" service (include/coffer/svc/asset.h) the other inventory plugins use.
coffersvcinclude_HEADERS += include/coffer/svc/asset.h

if BUILD_PLUGIN_ASSET
plugin_LTLIBRARIES += plugins/asset/asset.la
plugins_asset_asset_la_SOURCES = plugins/asset/asset.c plugins/asset/asset.h \
	plugins/asset/asset_handlers.c plugins/asset/asset_svc.c plugins/asset/asset_sql.c \
	plugins/asset/asset_events.c plugins/asset/asset_rules.c plugins/asset/asset_rules.h \
	plugins/asset/asset_data.c \
	plugins/asset/asset_rest.c
plugins_asset_asset_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_asset_asset_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_asset_asset_la_LIBADD = lib/libcoffer_util.la lib/libcoffer_itemdata.la $(JANSSON_LIBS) \
	$(CURL_LIBS) -lpthread
sqlassetdir = $(sqldir)/asset
dist_sqlasset_DATA = sql/asset/0001_create_asset.sql
endif
EXTRA_DIST += plugins/asset/README.md contrib/templates/sample.sql contrib/templates/README.md
