#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --embedded-kafka=PORT: the embedded cluster also answers on 127.0.0.1:PORT,
# so any client (cofferctl, kcat) reaches it there; the bootstrap file says
# that address; a second cofferd asking for the same port fails to start.
. "$(dirname "$0")/lib.sh"
it_init
require_tools kcat
P=$(free_port)
coffer_start a "--embedded-kafka=$P"
B=127.0.0.1:$P
check_eq "the bootstrap file names 127.0.0.1:$P" "$(bootstrap a)" "$B"
check "the log names it" grep -q "event=embedded_kafka bootstrap=$B " "${CLOG[a]}"
check "embedded kafka: line on stdout" grep -qx "embedded kafka: $B" "$IT_W/a.out"
T=$(uuid)

"$COFFERCTL" --bootstrap "$B" send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"ctl"}}' --tenant "$T" --key 1
check_eq "cofferctl send through port $P" "$?" 0
check "the PUT is applied" wait_count "$T" 1 1
printf '%s' '{"type":"PUT","body":{"id":2,"value":"kcat"}}' |
	kcat -P -b "$B" -t COMMAND_TOPIC_PROBE -k 2 -H "TENANT_ID=$T" -X message.timeout.ms=10000 2>/dev/null
check_eq "kcat produce through port $P" "$?" 0
check "kcat's PUT is applied" wait_count "$T" 2 1
check "kcat -L lists the topics through port $P" \
	grep -q 'topic "COMMAND_TOPIC_PROBE"' <(kcat -L -b "$B" -m 5 2>/dev/null)
check_eq "kcat consumes the events through port $P" \
	"$(timeout 15 kcat -C -b "$B" -t EVENT_TOPIC_PROBE_STATUS -o beginning -c 2 -q -f '%s\n' 2>/dev/null | jq -s -c 'map(.id) | sort')" '[1,2]'
check_eq "cofferctl watch through port $P" \
	"$("$COFFERCTL" --bootstrap "$B" watch EVENT_TOPIC_PROBE_STATUS --from-beginning --count 2 --timeout-ms 5000 2>/dev/null | jq -s -c 'map(.value.value) | sort')" \
	'["ctl","kcat"]'

"$COFFERD" "--embedded-kafka=$P" --plugin-dir "$PROBE_DIR" --sql-dir "$abs_top_srcdir/sql" \
	--sql-dir "$abs_top_srcdir/tests/sql" >"$IT_W/c.out" 2>"$IT_W/c.log" &
C=$!
wait_until 15 '! kill -0 $C 2>/dev/null' || { kill -9 "$C" 2>/dev/null; fail "a second cofferd on port $P is still running"; }
wait "$C" 2>/dev/null; rc=$?
check "a second cofferd on the same port fails (status $rc)" test "$rc" -ne 0
check "and says it cannot listen" grep -q "cannot listen port=$P" "$IT_W/c.log"
it_finish
