#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The command line: --version, --help (the rule of topic variables instead of
# a list; any variable's option is accepted and names its topic), --list-plugins (probe with its (topic, type)
# pairs, task and service), plugin settings from --set and COFFER_<PLUGIN>_<KEY>
# (the option wins), bad usage (status 2), and a required plugin that fails
# stopping the start-up (status 1, before any database or Kafka is touched).
. "$(dirname "$0")/lib.sh"
it_init nodb
H=$abs_top_srcdir/include/coffer/plugin.h
MAJ=$(sed -n 's/^#define COFFER_ABI_MAJOR \([0-9]*\).*/\1/p' "$H")
MIN=$(sed -n 's/^#define COFFER_ABI_MINOR \([0-9]*\).*/\1/p' "$H")
# Nothing below may reach a database or a broker.
export DB_HOST=192.0.2.1 DB_PORT=9 DB_SOCKET= BOOTSTRAP_SERVERS=192.0.2.1:9

say "--version"
out=$("$COFFERD" --version); rc=$?
check_eq "--version exits 0" "$rc" 0
check "--version names the version and the plugin ABI $MAJ.$MIN ($out)" \
	grep -qE "^cofferd [0-9]+\.[0-9]+\.[0-9]+ \(plugin ABI $MAJ\.$MIN\b" <<<"$out"

say "--help"
"$COFFERD" --help >"$IT_W/help"; rc=$?
check_eq "--help exits 0" "$rc" 0
# The host keeps no list of topics: --help states the rule, and every topic
# variable (those the plugins name, a third-party one, the dead letters) has
# its option --var-in-lower-case-with-dashes, as --topic VAR=NAME does.
check "--help states the rule of topic variables" grep -qE -- '^ +--VAR-IN-LOWER-CASE NAME ' "$IT_W/help"
check "--help names --topic VAR=NAME" grep -qE -- '^ +--topic VAR=NAME ' "$IT_W/help"
check_eq "--help lists no game topic" "$(grep -cE 'COMPARTMENT|ASSET_STATUS|_DROP_STATUS' "$IT_W/help")" 0
vars=$( { "$COFFERD" --plugin-dir "$abs_top_builddir/plugins" --plugin-dir "$PROBE_DIR" --list-plugins 2>/dev/null |
	sed -nE 's/^  (handles|emits): ([A-Z0-9_]+).*/\2/p'; echo DEAD_LETTER_TOPIC; echo EVENT_TOPIC_THIRD_PARTY_STATUS; } | sort -u)
check "the plugins name topic variables" eval '(($(wc -l <<<"$vars") >= 8))'
for var in $vars; do
	opt=--$(tr 'A-Z_' 'a-z-' <<<"$var")
	"$COFFERD" "$opt=custom.$var" --plugin-dir "$PROBE_DIR" --list-plugins >/dev/null 2>&1
	check_eq "$opt=NAME is accepted" "$?" 0
	"$COFFERD" "$opt" "custom.$var" --plugin-dir "$PROBE_DIR" --list-plugins >/dev/null 2>&1
	check_eq "$opt NAME is accepted" "$?" 0
done
"$COFFERD" --command-topic-probe=custom.p --plugin-dir "$PROBE_DIR" --list-plugins >"$IT_W/list" 2>/dev/null
check "--command-topic-probe=NAME names COMMAND_TOPIC_PROBE's topic" \
	grep -qx '  handles: COMMAND_TOPIC_PROBE PUT (refusal when disabled) (topic custom.p)' "$IT_W/list"
"$COFFERD" --plugin-dir "$PROBE_DIR" --event-topic-probe-status custom.e --list-plugins >"$IT_W/list" 2>/dev/null
check "--event-topic-probe-status NAME names EVENT_TOPIC_PROBE_STATUS's topic" \
	grep -qx '  handles: EVENT_TOPIC_PROBE_STATUS BUMP (topic custom.e)' "$IT_W/list"
EVENT_TOPIC_PROBE_STATUS=env.e "$COFFERD" --plugin-dir "$PROBE_DIR" --list-plugins >"$IT_W/list" 2>/dev/null
check "so does the environment variable" grep -qx '  handles: EVENT_TOPIC_PROBE_STATUS BUMP (topic env.e)' "$IT_W/list"
EVENT_TOPIC_PROBE_STATUS=env.e "$COFFERD" --plugin-dir "$PROBE_DIR" --topic EVENT_TOPIC_PROBE_STATUS=opt.e \
	--list-plugins >"$IT_W/list" 2>/dev/null
check "--topic wins over the environment" grep -qx '  handles: EVENT_TOPIC_PROBE_STATUS BUMP (topic opt.e)' "$IT_W/list"
"$COFFERD" --db-password --command-topic-probe --plugin-dir "$PROBE_DIR" --list-plugins >"$IT_W/list" 2>/dev/null
check "an option's value spelled like a topic option stays a value" \
	grep -qx '  handles: COMMAND_TOPIC_PROBE PUT (refusal when disabled)' "$IT_W/list"
"$COFFERD" --plugin-dir "$PROBE_DIR" --list-plugins --command-topic-probe >/dev/null 2>"$IT_W/err"
check_eq "a topic option without a name exits 2" "$?" 2
check "and says what it needs" grep -q 'needs a topic name (the real topic of COMMAND_TOPIC_PROBE)' "$IT_W/err"
"$COFFERD" --command-topic-Probe x --plugin-dir "$PROBE_DIR" --list-plugins >/dev/null 2>&1
check_eq "not in lower case: an unknown option (exit 2)" "$?" 2
for opt in --bootstrap-servers --group-id --kafka-prop --embedded-kafka --embedded-kafka-file \
	--partitions --topic --db-host --db-port --db-user --db-password --db-name --db-socket \
	--migrate-only --sql-dir --plugin-dir --list-plugins --set --keep-plugins --features-default \
	--features-refresh-ms --workers --batch --drain-timeout-ms --log-level; do
	check "--help lists $opt" grep -q -- " $opt\b" "$IT_W/help"
done
"$COFFERD" --no-such-option >/dev/null 2>&1
check_eq "an unknown option exits 2" "$?" 2
"$COFFERD" --set nodot=1 --list-plugins >/dev/null 2>&1
check_eq "a malformed --set exits 2" "$?" 2

say "--list-plugins"
"$COFFERD" --plugin-dir "$PROBE_DIR" --list-plugins >"$IT_W/list" 2>"$IT_W/list.err"; rc=$?
check_eq "--list-plugins exits 0" "$rc" 0
check "it lists probe with its version and ABI" grep -qE "^probe 1\.0\.0 \(abi $MAJ\.$MIN\)$" "$IT_W/list"
check "probe handles COMMAND_TOPIC_PROBE PUT, with a refusal" \
	grep -qx '  handles: COMMAND_TOPIC_PROBE PUT (refusal when disabled)' "$IT_W/list"
check "probe handles EVENT_TOPIC_PROBE_STATUS BUMP" grep -qx '  handles: EVENT_TOPIC_PROBE_STATUS BUMP' "$IT_W/list"
check_eq "exactly these two pairs" "$(grep -c '^  handles:' "$IT_W/list")" 2
check "its task, at the default interval" grep -qx '  task: probe_expire every 200 ms' "$IT_W/list"
check "its service" grep -qx '  provides: probe/1' "$IT_W/list"

say "plugin settings"
"$COFFERD" --plugin-dir "$PROBE_DIR" --set probe.expire_interval_ms=1234 --list-plugins >"$IT_W/list" 2>/dev/null
check "--set probe.expire_interval_ms reaches the plugin" grep -qx '  task: probe_expire every 1234 ms' "$IT_W/list"
COFFER_PROBE_EXPIRE_INTERVAL_MS=777 "$COFFERD" --plugin-dir "$PROBE_DIR" --list-plugins >"$IT_W/list" 2>/dev/null
check "so does COFFER_PROBE_EXPIRE_INTERVAL_MS" grep -qx '  task: probe_expire every 777 ms' "$IT_W/list"
COFFER_PROBE_EXPIRE_INTERVAL_MS=777 "$COFFERD" --plugin-dir "$PROBE_DIR" --set probe.expire_interval_ms=1234 \
	--list-plugins >"$IT_W/list" 2>/dev/null
check "the option wins over the environment" grep -qx '  task: probe_expire every 1234 ms' "$IT_W/list"

say "a required plugin that fails stops the start-up"
BAD=$abs_top_builddir/tests/unit/plugins/.libs/bad_dup_required.so
if [[ -f $BAD ]]; then
	"$COFFERD" --plugin-dir "$PROBE_DIR" --plugin-dir "$BAD" >"$IT_W/bad.out" 2>"$IT_W/bad.log"; rc=$?
	check_eq "cofferd exits 1" "$rc" 1
	check "the log names the pair and both plugins" \
		grep -q 'duplicate claim topic=COMMAND_TOPIC_PROBE type=PUT plugin=bad_dup_required owner=probe' "$IT_W/bad.log"
	check "the log says the start-up failed" grep -q 'start-up failed' "$IT_W/bad.log"
	check_eq "no migration was attempted" "$(grep -c 'migration' "$IT_W/bad.log")" 0
	"$COFFERD" --plugin-dir "$PROBE_DIR" --plugin-dir "$BAD" --list-plugins >"$IT_W/bad.out" 2>/dev/null; rc=$?
	check_eq "--list-plugins exits 1 too" "$rc" 1
	check "and marks it" grep -q '^bad_dup_required .*\[init failed\]' "$IT_W/bad.out"
else
	say "skipped: $BAD not built (needs cmocka)"
fi
it_finish
