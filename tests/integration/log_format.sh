#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Log formats (docs/observability.md "Logs"). cofferd a runs with --log-format
# json: every line of its stderr is one JSON object with ts (fixed-width RFC
# 3339 UTC), level and msg, and the fields are members of the right type: a
# handled message (tenant, topic, partition, offset), a dead letter (WARN, its
# reason), and a line of librdkafka's own (a configuration warning, component
# librdkafka, fac CONFWARN: deterministic, the producer ignores a consumer
# property; and its debug lines of debug=broker, written from its own threads). cofferd b runs with the default format (logfmt): every line parses
# as logfmt, a value holding blanks and quotes (the Kafka client name) is quoted
# and escaped, and so is a dead letter's reason holding quotes.
. "$(dirname "$0")/lib.sh"
it_init
require_tools kcat python3

T=$(uuid)
# jqt FILTER [ARGS...]: true when jq -e says so (its output dropped).
jqt() { jq -e "$@" >/dev/null; }
# ---------------------------------------------------------------- JSON
coffer_start a --partitions 1 --log-format json --log-level debug \
	--kafka-prop enable.auto.commit=false --kafka-prop debug=broker
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"x"}}' --tenant "$T" --key 1
# A duplicate key: the reason holds double quotes.
kcat_send COMMAND_TOPIC_PROBE k1 '{"type":"PUT","body":{"id":1,"id":2}}' -H "TENANT_ID=$T"
# The plugin rejects this one (its own WARN line, then the host's dead letter).
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":"x","value":"x"}}' --tenant "$T" --key 1
check "the three commands are handled" wait_markers 3 COMMAND_TOPIC_PROBE
jl() { jq -c "$1" "${CLOG[a]}" 2>/dev/null | grep -c . || true; }
check "the two dead letters are logged" \
	wait_until 10 '(($(jl "select(.event == \"dead_lettered\")") >= 2))'
coffer_stop a TERM
check_eq "cofferd a stops with status 0" "${CRC[a]}" 0

say "every line of a's stderr is a JSON object with ts, level and msg"
bad=$(jq -R -c 'try (fromjson | if type == "object"
		and (.ts | type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"))
		and (.level | IN("error", "warn", "info", "debug"))
		and (.msg | type == "string" and length > 0)
		and (.plugin | type == "string")
		then empty else . end) catch .' "${CLOG[a]}")
check_eq "lines that are not (first shown)" "$(head -n1 <<<"$bad")" ""
check "a logged more than a few lines ($(wc -l <"${CLOG[a]}"))" test "$(wc -l <"${CLOG[a]}")" -ge 10
check_eq "no line in librdkafka's own format (%N|...)" "$(grep -cE '^%[0-7]\|' "${CLOG[a]}")" 0

first() { jq -c "select($1)" "${CLOG[a]}" | head -n1; }
h=$(first '.event == "handled"')
say "handled: $h"
check "a handled message: the message's context, typed" \
	jqt --arg t "$T" '.level == "debug" and .tenant == $t and .topic == "COMMAND_TOPIC_PROBE"
		and .partition == 0 and .offset == 0 and .type == "PUT" and .events == 1
		and .plugin == "host" and .msg == "handled"' <<<"$h"
d=$(first '.event == "dead_lettered"')
say "dead letter: $d"
check "the dead letter: WARN, its context and reason" \
	jqt --arg t "$T" '.level == "warn" and .tenant == $t and .topic == "COMMAND_TOPIC_PROBE"
		and .partition == 0 and .offset == 1
		and (.reason | startswith("not JSON: duplicate object key")) and (.reason | contains("\"id\""))' <<<"$d"
r=$(first '.event == "ready"')
check "event=ready: workers is a number" jqt '.workers == 2 and (.cluster_id | type == "string")' <<<"$r"
k=$(first '.component == "librdkafka" and .fac == "CONFWARN"')
say "librdkafka: $k"
check "librdkafka's warning in our format and level" \
	jqt '.level == "warn" and .fac == "CONFWARN" and (.client | startswith("cofferd#producer"))
		and (.msg | contains("enable.auto.commit"))' <<<"$k"
b=$(first '.component == "librdkafka" and .level == "debug" and (.msg | startswith("[thrd:") and (startswith("[thrd:app]") | not))')
say "librdkafka on its own thread: $b"
check "librdkafka's debug lines (debug=broker), logged from its broker threads" test -n "$b"
p=$(first '.plugin == "probe" and (.msg | startswith("rejected: "))')
say "the plugin's rejection: $p"
check "the plugin's own line names it, with the message's context" \
	jqt --arg t "$T" '.level == "warn" and .tenant == $t and .offset == 2' <<<"$p"
check_eq "both dead letters are WARN lines" \
	"$(jl 'select(.event == "dead_lettered" and .level == "warn")')" 2

# ---------------------------------------------------------------- logfmt (default)
coffer_start b --partitions 1 --kafka-prop 'client.id=log "test" client' \
	--kafka-prop enable.auto.commit=false
kcat_send COMMAND_TOPIC_PROBE k1 '{"type":"PUT","body":{"id":1,"id":2}}' -H "TENANT_ID=$T"
check "b handles the command (its cluster's first marker)" wait_markers 4 COMMAND_TOPIC_PROBE
check "b logs the dead letter" wait_log 'event=dead_lettered' 1 10 b
coffer_stop b TERM
check_eq "cofferd b stops with status 0" "${CRC[b]}" 0

# A strict logfmt reader: key=value pairs, a value bare (no blank, '"' or '=')
# or "quoted" with \" \\ \n \r \t \uXXXX escapes. Prints the lines it cannot
# read, then each line as a JSON object (for the checks below).
python3 - "${CLOG[b]}" >"$IT_W/b.jsonl" 2>"$IT_W/b.bad" <<'EOF'
import json, re, sys
pair = re.compile(r' ?([A-Za-z_][A-Za-z0-9_.-]*)=(?:"((?:[^"\\\x00-\x1f]|\\["\\nrt]|\\u[0-9a-f]{4})*)"|([^\s"=\\]*))')
esc = {'"': '"', '\\': '\\', 'n': '\n', 'r': '\r', 't': '\t'}
def unq(s):
    return re.sub(r'\\(u[0-9a-f]{4}|.)', lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) > 1 else esc[m.group(1)], s)
for line in open(sys.argv[1], encoding='utf-8'):
    line = line.rstrip('\n')
    pos, rec = 0, {}
    while pos < len(line):
        m = pair.match(line, pos)
        if not m or (pos > 0 and line[pos] != ' '):
            break
        rec.setdefault(m.group(1), unq(m.group(2)) if m.group(2) is not None else m.group(3))
        pos = m.end()
    if pos != len(line) or not all(k in rec for k in ('time', 'level', 'plugin')):
        print(line, file=sys.stderr)
    else:
        print(json.dumps(rec))
EOF
check_eq "every line of b's stderr is logfmt with time, level, plugin (first bad line shown)" \
	"$(head -n1 "$IT_W/b.bad")" ""
check "b logged more than a few lines" test "$(wc -l <"$IT_W/b.jsonl")" -ge 10
check "logfmt times are fixed width too" \
	jqt -s 'all(.[]; .time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"))' "$IT_W/b.jsonl"
check "the client name with blanks and quotes is one quoted value" \
	grep -qF 'component=librdkafka fac=CONFWARN client="log \"test\" client#producer' "${CLOG[b]}"
check "... and reads back whole" \
	jqt -s 'any(.[]; .component == "librdkafka" and (.client | startswith("log \"test\" client#producer")))' "$IT_W/b.jsonl"
check "the reason holding quotes is escaped" \
	grep -qE 'event=dead_lettered reason="not JSON: duplicate object key[^"]*\\"id\\"' "${CLOG[b]}"
check "the dead letter is one WARN line with its context" \
	jqt -s --arg t "$T" 'any(.[]; .event == "dead_lettered" and .level == "warn" and .tenant == $t
		and .topic == "COMMAND_TOPIC_PROBE" and .partition == "0" and .offset == "0")' "$IT_W/b.jsonl"

say "configuration check"
"$COFFERD" --log-format xml >"$IT_W/bad.out" 2>"$IT_W/bad.err"
check_eq "an unknown --log-format: exit 78" "$?" 78
check_eq "... with one line naming it" "$(cat "$IT_W/bad.err")" \
	"cofferd: bad --log-format value 'xml': want logfmt or json"
LOG_FORMAT=yaml "$COFFERD" >"$IT_W/bad.out" 2>"$IT_W/bad.err"
check_eq "an unknown LOG_FORMAT: exit 78" "$?" 78
check_eq "... naming the variable" "$(cat "$IT_W/bad.err")" \
	"cofferd: bad environment variable LOG_FORMAT value 'yaml': want logfmt or json"
check "--help names --log-format" grep -q -- '--log-format FORMAT *logfmt|json' <("$COFFERD" --help)
it_finish
