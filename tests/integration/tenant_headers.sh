#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tenant headers in, tenant headers out (docs/architecture.md#tenancy).
# A PUT with TENANT_ID, REGION and 2-byte versions is applied with those values,
# and its PUT_DONE event carries exactly the four tenant headers re-encoded
# (versions 2-byte big-endian), a fresh EVENT_ID (not the command's), then
# traceparent/tracestate when the command had them; its key is the id as 8
# bytes little-endian. The tenant id is lowercased; kcat messages without
# version headers (or with versions that are not 2 bytes) are version 0.0, not
# dead letters. docs/architecture.md "Tenant headers": a TENANT_ID given twice
# with different values is dead-lettered (the same value twice, in any letter
# case, is one tenant and passes); a REGION holding a NUL byte is dead-lettered.
. "$(dirname "$0")/lib.sh"
it_init
require_tools kcat
coffer_start a

T=$(uuid)
T_UP=$(uuid)
T_UP=${T_UP^^}
T_UP_LOW=${T_UP,,}
T_KCAT=$(uuid)
T_SHORT=$(uuid)
T_FIRST=$(uuid)
T_LAST=$(uuid)
T_SAME=$(uuid)
T_NUL=$(uuid)
CMD_EID=$(uuid)
TP=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01

send COMMAND_TOPIC_PROBE PUT '{"body":{"id":7,"value":"seven"}}' --tenant "$T" --region eu-west \
	--version 83.1 --key 7 --event-id "$CMD_EID"
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":8,"value":"eight"}}' --tenant "$T" --region eu-west \
	--version 83.1 --key 8 --header "traceparent=$TP" --header tracestate=congo=t61rcWkgMzE
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":9,"value":"nine"}}' --header "TENANT_ID=$T_UP" \
	--region us --version 2.300 --key 9
kcat_send COMMAND_TOPIC_PROBE 10 '{"type":"PUT","body":{"id":10,"value":"kcat"}}' -H "TENANT_ID=$T_KCAT"
kcat_send COMMAND_TOPIC_PROBE 11 '{"type":"PUT","body":{"id":11,"value":"short"}}' \
	-H "TENANT_ID=$T_SHORT" -H REGION=ap -H MAJOR_VERSION=834 -H MINOR_VERSION=7
kcat_send COMMAND_TOPIC_PROBE 12 '{"type":"PUT","body":{"id":12,"value":"twice"}}' \
	-H "TENANT_ID=$T_FIRST" -H "TENANT_ID=$T_LAST"
kcat_send COMMAND_TOPIC_PROBE 13 '{"type":"PUT","body":{"id":13,"value":"same twice"}}' \
	-H "TENANT_ID=$T_SAME" -H "TENANT_ID=${T_SAME^^}"
# "a\0b": 61 00 62.
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":14,"value":"nul"}}' --tenant "$T_NUL" --header-hex REGION=610062 \
	--version 83.1 --key 14
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":15,"value":"last"}}' --tenant "$T" --region eu-west --key 15

watch_all EVENT_TOPIC_PROBE_STATUS 7 15000 >"$IT_W/events"
check_eq "seven PUT_DONE events published" "$(jq -s 'map(select(.value.type == "PUT_DONE")) | length' "$IT_W/events")" 7
ev() { jq -c "select(.value.id == $1)" "$IT_W/events" | head -n1; }

say "PUT 7: --tenant --region eu-west --version 83.1 --event-id"
E=$(ev 7)
check_eq "the event's headers are the four tenant headers then EVENT_ID, nothing else" \
	"$(jq -c '.headers | keys_unsorted' <<<"$E")" \
	'["TENANT_ID","REGION","MAJOR_VERSION","MINOR_VERSION","EVENT_ID"]'
check_eq "TENANT_ID copied" "$(jq -r '.headers.TENANT_ID' <<<"$E")" "$T"
check_eq "REGION copied" "$(jq -r '.headers.REGION' <<<"$E")" eu-west
# cofferctl shows a version header as a number only when it is exactly 2 bytes.
check_eq "MAJOR_VERSION is 83 as 2 bytes" "$(jq -c '.headers.MAJOR_VERSION' <<<"$E")" 83
check_eq "MINOR_VERSION is 1 as 2 bytes" "$(jq -c '.headers.MINOR_VERSION' <<<"$E")" 1
EID=$(jq -r '.headers.EVENT_ID' <<<"$E")
check "EVENT_ID is a lowercase UUID of 36 characters ($EID)" \
	grep -qE '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' <<<"$EID"
check "EVENT_ID is new, not the command's" test "$EID" != "$CMD_EID"
check_eq "the key is id 7" "$(jq -c '.key' <<<"$E")" 7
check_eq "the value is PUT_DONE of id 7" "$(jq -c '.value | [.type, .id, .value]' <<<"$E")" '["PUT_DONE",7,"seven"]'
# The raw bytes, read by another client (kcat -J escapes them as \u00XX).
RAW=$(kcat -C -b "$(bootstrap)" -t EVENT_TOPIC_PROBE_STATUS -o beginning -e -J 2>/dev/null |
	jq -c 'select((.payload | fromjson | .id) == 7)' | head -n1)
check_eq "the key bytes are 07 00 00 00 00 00 00 00 (uint32 LE + 4 zero bytes)" \
	"$(jq -c '.key | explode' <<<"$RAW")" '[7,0,0,0,0,0,0,0]'
hdr_bytes() { jq -c --arg h "$1" '.headers as $a | [range(0; $a | length; 2) | select($a[.] == $h) | $a[. + 1] | explode] | last' <<<"$RAW"; }
check_eq "MAJOR_VERSION bytes are 00 53 (big-endian 83)" "$(hdr_bytes MAJOR_VERSION)" '[0,83]'
check_eq "MINOR_VERSION bytes are 00 01" "$(hdr_bytes MINOR_VERSION)" '[0,1]'
check_eq "the row has the tenant's region and version" \
	"$(sql "SELECT region, major, minor, count FROM probe_items WHERE tenant_id = '$T' AND id = 7")" \
	"$(printf 'eu-west\t83\t1\t1')"
check_eq "the command's EVENT_ID was recorded for de-duplication" \
	"$(sql "SELECT COUNT(*) FROM coffer_event_seen WHERE tenant_id = '$T' AND event_id = '$CMD_EID'")" 1

say "PUT 8: with traceparent and tracestate"
E=$(ev 8)
check_eq "traceparent and tracestate follow EVENT_ID" "$(jq -c '.headers | keys_unsorted' <<<"$E")" \
	'["TENANT_ID","REGION","MAJOR_VERSION","MINOR_VERSION","EVENT_ID","traceparent","tracestate"]'
check_eq "traceparent copied" "$(jq -r '.headers.traceparent' <<<"$E")" "$TP"
check_eq "tracestate copied" "$(jq -r '.headers.tracestate' <<<"$E")" congo=t61rcWkgMzE
check "the two events have different EVENT_IDs" test "$(jq -r '.headers.EVENT_ID' <<<"$E")" != "$EID"

say "PUT 9: TENANT_ID in upper case, version 2.300"
E=$(ev 9)
check_eq "the event's TENANT_ID is lowercased" "$(jq -r '.headers.TENANT_ID' <<<"$E")" "$T_UP_LOW"
check_eq "the row's tenant is lowercased" \
	"$(sql "SELECT COUNT(*) FROM probe_items WHERE tenant_id = '$T_UP_LOW' AND id = 9 AND BINARY tenant_id = '$T_UP_LOW'")" 1
check_eq "MINOR_VERSION 300 survives (2 bytes, big-endian)" "$(jq -c '[.headers.MAJOR_VERSION, .headers.MINOR_VERSION]' <<<"$E")" '[2,300]'

say "PUT 10 from kcat: TENANT_ID only"
E=$(ev 10)
check_eq "processed as version 0.0 with an empty region (row)" \
	"$(sql "SELECT region, major, minor, count FROM probe_items WHERE tenant_id = '$T_KCAT' AND id = 10")" \
	"$(printf '\t0\t0\t1')"
check_eq "its event has MAJOR_VERSION 0, MINOR_VERSION 0 (2 bytes each) and REGION \"\"" \
	"$(jq -c '[.headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION]' <<<"$E")" \
	"[\"$T_KCAT\",\"\",0,0]"

say "PUT 11 from kcat: MAJOR_VERSION of 3 bytes, MINOR_VERSION of 1 byte"
check_eq "versions that are not 2 bytes read as 0" \
	"$(sql "SELECT region, major, minor FROM probe_items WHERE tenant_id = '$T_SHORT' AND id = 11")" \
	"$(printf 'ap\t0\t0')"
E=$(ev 11)
check_eq "its event says 0.0" "$(jq -c '[.headers.MAJOR_VERSION, .headers.MINOR_VERSION]' <<<"$E")" '[0,0]'

check "every message has its processed-marker" \
	wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM coffer_processed") == 9 ]]'
check "the outbox is empty (everything published)" \
	wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 0 ]]'
# Everything is published: the topic read to its end holds every dead letter.
kcat -C -b "$(bootstrap)" -t coffer.dead-letter -o beginning -e -J 2>/dev/null >"$IT_W/dead"
# dl FIRST_KEY_BYTE: the DEAD_LETTER_REASON of the dead letter whose key starts with it.
dl() {
	jq -r --argjson k "$1" 'select(.key | explode | .[0] == $k) | .headers as $a |
		[range(0; $a | length; 2) | select($a[.] == "DEAD_LETTER_REASON") | $a[. + 1]] | first' "$IT_W/dead"
}
check_eq "two messages were dead-lettered" "$(grep -c . "$IT_W/dead")" 2

say "PUT 12 from kcat: TENANT_ID twice, two tenants"
check_eq "not applied for either tenant" "$(sql "SELECT COUNT(*) FROM probe_items WHERE id = 12")" 0
check_eq "no event for it" "$(ev 12)" ""
# kcat's key "12": its first byte is "1" (49).
check_eq "dead-lettered with the reason" "$(dl 49)" "TENANT_ID header given twice with different values"

say "PUT 13 from kcat: the same TENANT_ID twice (lower and upper case)"
check_eq "applied once, for that tenant" \
	"$(sql "SELECT tenant_id, count FROM probe_items WHERE id = 13")" "$(printf '%s\t1' "$T_SAME")"

say "PUT 14: REGION holding a NUL byte"
check_eq "not applied (not stored cut at the NUL)" "$(sql "SELECT COUNT(*) FROM probe_items WHERE id = 14")" 0
check_eq "no event for it" "$(ev 14)" ""
check_eq "dead-lettered with the reason" "$(dl 14)" "REGION header holds a NUL byte"
it_finish
