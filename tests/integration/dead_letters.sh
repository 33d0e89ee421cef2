#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bad input is dead-lettered, and consumption goes on (docs/architecture.md
# #transactions). Each kind of bad message on a command topic lands on the
# dead-letter topic with its original payload, key and headers plus
# DEAD_LETTER_REASON / _TOPIC / _PARTITION / _OFFSET; it changes nothing in
# probe_items; the good message after them is applied. A type nobody handles
# on an EVENT topic is skipped quietly. One partition per topic, so offsets
# are the send order.
. "$(dirname "$0")/lib.sh"
it_init
require_tools kcat
coffer_start a --partitions 1

T=$(uuid)
BAD_TENANT=${T:0:35}

# offset: payload sent, reason expected (a substring), how it is sent
kcat_send COMMAND_TOPIC_PROBE k0 'this is {not JSON' -H "TENANT_ID=$T"                  # 0
kcat_send COMMAND_TOPIC_PROBE k1 '[1,2,3]' -H "TENANT_ID=$T"                            # 1
kcat_send COMMAND_TOPIC_PROBE k2 '{"body":{"id":1,"value":"x"}}' -H "TENANT_ID=$T"      # 2
send COMMAND_TOPIC_PROBE NOPE '{"body":{"id":1,"value":"x"}}' --tenant "$T" --key 1     # 3
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"x"}}' --region eu --key 1        # 4
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"x"}}' --header "TENANT_ID=$BAD_TENANT" --key 1 # 5
send COMMAND_TOPIC_PROBE PUT '{"body":{"value":"x"}}' --tenant "$T" --region eu --version 1.2 --key 1 # 6
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":"x","value":"x"}}' --tenant "$T" --key 1   # 7
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"good"}}' --tenant "$T" --key 1  # 8: good

# The commands and the events below are on two topics: two workers may handle
# them in either order, and a BUMP before the PUT would find no row. So the
# events go out once the good PUT (behind the eight bad ones) is applied.
check "the good PUT after eight bad ones is applied" wait_until 10 '[[ $(probe_count "$T" 1) != none ]]'
check "the nine commands have their markers" wait_markers 9 COMMAND_TOPIC_PROBE
check_eq "eight dead letters committed" "$(dead_letters)" 8
# An event of a type no plugin handles, then a BUMP behind it in the same partition.
send EVENT_TOPIC_PROBE_STATUS NOPE '{"body":{"id":1}}' --tenant "$T" --key 1
send EVENT_TOPIC_PROBE_STATUS BUMP '{"body":{"id":1}}' --tenant "$T" --key 1
check "the BUMP behind the unknown event type is applied (count 2)" wait_count "$T" 1 2
check_eq "probe_items holds that one row only" "$(probe_rows)" 1
check_eq "its value is the good PUT's" "$(sql "SELECT value FROM probe_items WHERE tenant_id = '$T'")" good
# The BUMP is behind the NOPE (one key, one partition, offset order): handled.
check_eq "still eight dead letters: none for the unknown event type" "$(dead_letters)" 8

check "the outbox is published" wait_outbox_empty
watch_end DEAD_LETTER_TOPIC >"$IT_W/dl"
check_eq "eight dead letters on the topic" "$(wc -l <"$IT_W/dl")" 8

dl() { jq -c "select(.headers.DEAD_LETTER_OFFSET == \"$1\")" "$IT_W/dl"; }
dl_header() { jq -r --arg h "$2" '.headers[$h] // "(absent)"' <<<"$(dl "$1")"; }
expect_dead() {
	local off=$1 reason=$2 desc=$3 d
	d=$(dl "$off")
	say "offset $off: $desc"
	if [[ -z $d ]]; then
		fail "offset $off ($desc) was not dead-lettered"
		return
	fi
	local r
	r=$(dl_header "$off" DEAD_LETTER_REASON)
	check "DEAD_LETTER_REASON says '$reason' ($r)" grep -qF -- "$reason" <<<"$r"
	check_eq "DEAD_LETTER_TOPIC" "$(dl_header "$off" DEAD_LETTER_TOPIC)" COMMAND_TOPIC_PROBE
	check_eq "DEAD_LETTER_PARTITION" "$(dl_header "$off" DEAD_LETTER_PARTITION)" 0
}
expect_payload() {
	check_eq "the original payload" "$(jq -c '.value' <<<"$(dl "$1")")" "$2"
}

expect_dead 0 "not JSON" "not JSON"
expect_payload 0 '"this is {not JSON"'
check_eq "the original key" "$(jq -c '.key' <<<"$(dl 0)")" '"6b30"'
check_eq "the original TENANT_ID header" "$(dl_header 0 TENANT_ID)" "$T"
expect_dead 1 "not a JSON object" "a JSON array"
expect_payload 1 '[1,2,3]'
expect_dead 2 "type" "no type field"
expect_payload 2 '{"body":{"id":1,"value":"x"}}'
expect_dead 3 "no plugin handles type NOPE" "a type no plugin handles on a command topic"
expect_payload 3 '{"body":{"id":1,"value":"x"},"type":"NOPE"}'
check_eq "the original 8-byte key" "$(jq -c '.key' <<<"$(dl 3)")" 1
expect_dead 4 "TENANT_ID" "no TENANT_ID"
check_eq "the other original headers are kept" "$(dl_header 4 REGION)" eu
expect_dead 5 "TENANT_ID" "TENANT_ID of 35 characters"
check_eq "the bad TENANT_ID is kept as sent" "$(dl_header 5 TENANT_ID)" "$BAD_TENANT"
expect_dead 6 "id" "plugin reject: body.id missing"
expect_payload 6 '{"body":{"value":"x"},"type":"PUT"}'
check_eq "the tenant headers are kept (version stays 2-byte binary)" \
	"$(jq -c '[.headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION]' <<<"$(dl 6)")" \
	"[\"$T\",\"eu\",1,2]"
expect_dead 7 "id" "plugin reject: body.id is a string"
check_eq "no dead letter for the good PUT" "$(dl 8)" ""
# One log line says why: the two plugin rejections are logged once each, even
# when the batch they were in ran a second time to undo them alone.
check_eq "each plugin rejection is logged once" "$(grep -c 'rejected: ' "${CLOG[a]}")" 2
check_eq "the dead-letter copies are not events: no EVENT_ID added" \
	"$(jq -s 'map(select(.headers.EVENT_ID)) | length' "$IT_W/dl")" 0
check_eq "each of the nine commands has a processed-marker (redelivery skips them)" \
	"$(sql "SELECT COUNT(*) FROM coffer_processed WHERE topic = 'COMMAND_TOPIC_PROBE'")" 9
check_eq "the outbox is drained" "$(sql 'SELECT COUNT(*) FROM coffer_outbox')" 0
check "each dead letter is logged with its reason" test "$(log_count 'event=dead_lettered reason=')" -ge 8
it_finish
