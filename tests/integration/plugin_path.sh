#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The plugin and migrations search paths (docs/configuration.md "Plugin and
# migrations folders"): --plugin-dir adds folders searched before the default
# (the build tree's plugins/ here), COFFER_PLUGIN_PATH=dir1:dir2 replaces the
# default, a plugin found in an earlier folder shadows the same name later on;
# --sql-dir and COFFER_SQL_PATH do the same for migrations. Missing folders
# (exit 78, one line) are cases of fail_fast.sh.
. "$(dirname "$0")/lib.sh"
it_init
# lib.sh empties both variables for the other tests; here the defaults count.
unset COFFER_PLUGIN_PATH COFFER_SQL_PATH
ASSET_SO=$abs_top_builddir/plugins/asset/.libs/asset.so
[[ -f $ASSET_SO ]] || skip_test "plugins/asset not built (--disable-plugin-asset)"

# plugins_of LISTING: the names of the plugins --list-plugins described.
plugins_of() { sed -n 's/^\([a-z0-9_]*\) [^ ]* (abi .*/\1/p' "$1" | sort | tr '\n' ' '; }
# file_of LISTING PLUGIN: the file that plugin was loaded from.
file_of() { awk -v p="$2" '$1 == p && / \(abi / { f = 1; next } f && /^  file: / { print $2; exit }' "$1"; }
errors_of() { grep -c 'level=error' "$1"; }

say "--plugin-dir adds to the default folder"
"$COFFERD" --plugin-dir "$PROBE_DIR" --list-plugins >"$IT_W/add" 2>"$IT_W/add.err"
check_eq "--list-plugins exits 0" "$?" 0
check "probe is found in the added folder" grep -q "^  file: $PROBE_DIR/.libs/probe.so$" "$IT_W/add"
check "asset is found in the default folder" grep -q "^  file: $ASSET_SO$" "$IT_W/add"
check_eq "no error line" "$(errors_of "$IT_W/add.err")" 0

say "COFFER_PLUGIN_PATH replaces the default folder"
COFFER_PLUGIN_PATH=$PROBE_DIR "$COFFERD" --list-plugins >"$IT_W/repl" 2>"$IT_W/repl.err"
check_eq "--list-plugins exits 0" "$?" 0
check_eq "only probe is loaded" "$(plugins_of "$IT_W/repl")" "probe "
COFFER_PLUGIN_PATH="$PROBE_DIR:$abs_top_builddir/plugins/asset" "$COFFERD" --list-plugins \
	>"$IT_W/two" 2>"$IT_W/two.err"
check_eq "a list of two folders loads both" "$(plugins_of "$IT_W/two")" "asset probe "
COFFER_PLUGIN_PATH="::$PROBE_DIR:" "$COFFERD" --list-plugins >"$IT_W/empty" 2>"$IT_W/empty.err"
check_eq "empty entries are skipped" "$(plugins_of "$IT_W/empty")" "probe "
check_eq "with no error line" "$(errors_of "$IT_W/empty.err")" 0

say "an earlier folder shadows a later one"
mkdir -p "$IT_W/mine"
cp "$ASSET_SO" "$IT_W/mine/asset.so"
"$COFFERD" --plugin-dir "$IT_W/mine" --list-plugins >"$IT_W/sh" 2>"$IT_W/sh.err"
check_eq "--list-plugins exits 0" "$?" 0
check_eq "asset comes from the --plugin-dir folder" "$(file_of "$IT_W/sh" asset)" "$IT_W/mine/asset.so"
check_eq "it is loaded once" "$(grep -c '^asset ' "$IT_W/sh")" 1
check "the default's copy is logged as shadowed" \
	grep -q "event=plugin_shadowed plugin=asset file=$ASSET_SO by=$IT_W/mine/asset.so" "$IT_W/sh.err"
check_eq "no error line" "$(errors_of "$IT_W/sh.err")" 0
COFFER_PLUGIN_PATH="$IT_W/mine:$abs_top_builddir/plugins" "$COFFERD" --plugin-dir "$PROBE_DIR" \
	--list-plugins >"$IT_W/sh2" 2>"$IT_W/sh2.err"
check_eq "within COFFER_PLUGIN_PATH too, the first entry wins" "$(file_of "$IT_W/sh2" asset)" \
	"$IT_W/mine/asset.so"
check_eq "and --plugin-dir comes first" "$(file_of "$IT_W/sh2" probe)" "$PROBE_DIR/.libs/probe.so"
check_eq "no error line" "$(errors_of "$IT_W/sh2.err")" 0
mkdir -p "$IT_W/twice"
cp "$ASSET_SO" "$IT_W/twice/a.so"
cp "$ASSET_SO" "$IT_W/twice/b.so"
COFFER_PLUGIN_PATH= "$COFFERD" --plugin-dir "$IT_W/twice" --list-plugins >"$IT_W/tw" 2>"$IT_W/tw.err"
check "one name twice in one folder is still refused" \
	grep -q "level=error.*plugin refused file=$IT_W/twice/b.so plugin=asset error=.*already loaded from $IT_W/twice/a.so" \
	"$IT_W/tw.err"

say "--sql-dir adds to the default migrations folder"
"$COFFERD" --migrate-only --plugin-dir "$PROBE_DIR" --sql-dir "$abs_top_srcdir/tests/sql" \
	>"$IT_W/mig.out" 2>"$IT_W/mig.err"
check_eq "--migrate-only exits 0" "$?" 0
check_eq "the host's migrations came from the default folder" \
	"$(sql "SELECT COUNT(*) > 0 FROM coffer_migrations WHERE component = 'host'")" 1
check_eq "probe's from the added one" \
	"$(sql "SELECT COUNT(*) > 0 FROM coffer_migrations WHERE component = 'probe'")" 1
COFFER_SQL_PATH=$abs_top_srcdir/tests/sql "$COFFERD" --migrate-only --plugin-dir "$PROBE_DIR" \
	>"$IT_W/mig2.out" 2>"$IT_W/mig2.err"
check_eq "COFFER_SQL_PATH replaces it: without host/ that is exit 78" "$?" 78
check "naming both settings" grep -q "no migrations folder holds the host's migrations setting=--sql-dir,COFFER_SQL_PATH" \
	"$IT_W/mig2.err"
it_finish
