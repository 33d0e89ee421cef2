#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Periodic tasks (docs/plugin-guide.md#threads): probe_expire deletes rows
# whose value is "expire", one per call, and emits EXPIRED for each with the
# tenant headers stored on that row (not those of any message), a fresh
# EVENT_ID, no trace headers, and the id as key. Other rows stay.
. "$(dirname "$0")/lib.sh"
it_init
coffer_start a
T=$(uuid)
U=$(uuid)
TP=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01

send COMMAND_TOPIC_PROBE PUT '{"body":{"id":5,"value":"expire"}}' --tenant "$T" --region eu \
	--version 7.3 --key 5 --header "traceparent=$TP"
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":5,"value":"expire"}}' --tenant "$U" --region us \
	--version 1.1 --key 5
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":6,"value":"keep"}}' --tenant "$T" --region eu --key 6

watch_all EVENT_TOPIC_PROBE_STATUS 5 10000 >"$IT_W/events"
check "the task deletes both expiring rows" \
	wait_until 5 '[[ $(sql "SELECT COUNT(*) FROM probe_items WHERE value = '"'expire'"'") == 0 ]]'
check_eq "the other row stays" "$(probe_count "$T" 6)" 1

exp() { jq -c --arg t "$1" 'select(.value.type == "EXPIRED" and .headers.TENANT_ID == $t)' "$IT_W/events"; }
check_eq "two EXPIRED events" "$(jq -s 'map(select(.value.type == "EXPIRED")) | length' "$IT_W/events")" 2
E=$(exp "$T")
check_eq "T's EXPIRED: value" "$(jq -c '.value' <<<"$E")" '{"type":"EXPIRED","id":5}'
check_eq "T's EXPIRED: the row's tenant headers, EVENT_ID, no traceparent" \
	"$(jq -c '.headers | [keys_unsorted, .TENANT_ID, .REGION, .MAJOR_VERSION, .MINOR_VERSION]' <<<"$E")" \
	"[[\"TENANT_ID\",\"REGION\",\"MAJOR_VERSION\",\"MINOR_VERSION\",\"EVENT_ID\"],\"$T\",\"eu\",7,3]"
check_eq "T's EXPIRED: key 5" "$(jq -c '.key' <<<"$E")" 5
PUT_EID=$(jq -r --arg t "$T" 'select(.value.type == "PUT_DONE" and .value.id == 5 and .headers.TENANT_ID == $t) | .headers.EVENT_ID' "$IT_W/events")
check "T's EXPIRED has its own EVENT_ID" test -n "$PUT_EID" -a "$(jq -r '.headers.EVENT_ID' <<<"$E")" != "$PUT_EID"
check "T's EXPIRED follows its PUT_DONE in the partition" \
	test "$(jq -r '.offset' <<<"$E")" -gt "$(jq -r --arg t "$T" 'select(.value.type == "PUT_DONE" and .value.id == 5 and .headers.TENANT_ID == $t) | .offset' "$IT_W/events")"
E=$(exp "$U")
check_eq "U's EXPIRED carries U's region and version" \
	"$(jq -c '[.value.id, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION]' <<<"$E")" '[5,"us",1,1]'
check_eq "the outbox is drained" "$(sql 'SELECT COUNT(*) FROM coffer_outbox')" 0
it_finish
