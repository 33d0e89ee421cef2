#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Per-tenant feature switches at run time, without a restart (docs/architecture.md#tenancy).
# `cofferctl feature set T probe off`: within 5 s a PUT for T is
# answered by ERROR FEATURE_DISABLED and changes nothing, a BUMP (no refusal
# registered) changes nothing and emits nothing, another tenant is unaffected;
# back on: within 5 s T's PUT is applied again.
. "$(dirname "$0")/lib.sh"
it_init
coffer_start a
T=$(uuid)
U=$(uuid)

send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"v1"}}' --tenant "$T" --region eu --version 4.2 --key 1
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"v1"}}' --tenant "$U" --key 1
check "both tenants' first PUT is applied" wait_until 10 '[[ $(probe_count "$T" 1)$(probe_count "$U" 1) == 11 ]]'

# Switch off, and time how long until cofferd has the new state.
loads=$(log_count 'event=features_loaded')
t0=${EPOCHREALTIME/[.,]/}
ctl feature set "$T" probe off || fail "cofferctl feature set $T probe off failed"
check "cofferd reloads the switches" wait_log 'event=features_loaded' $((loads + 1)) 30
say "switch seen after $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms"

send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"off"}}' --tenant "$T" --region eu --version 4.2 --key 1
send EVENT_TOPIC_PROBE_STATUS BUMP '{"body":{"id":1}}' --tenant "$T" --key 1
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"u2"}}' --tenant "$U" --key 1
check "another tenant is unaffected: U's PUT is applied" wait_count "$U" 1 2
watch_all EVENT_TOPIC_PROBE_STATUS 4 10000 >"$IT_W/events"
E=$(jq -c 'select(.value.type == "ERROR")' "$IT_W/events")
check_eq "T's PUT is answered by ERROR FEATURE_DISABLED" "$(jq -c '.value' <<<"$E")" \
	'{"type":"ERROR","errorCode":"FEATURE_DISABLED"}'
check_eq "the ERROR carries T's tenant headers" \
	"$(jq -c '[.headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION]' <<<"$E")" \
	"[\"$T\",\"eu\",4,2]"
check "the BUMP while off is logged as refused" wait_log 'event=feature_disabled plugin=probe type=BUMP' 1 5
check_eq "T's row did not change (PUT and BUMP while off)" \
	"$(sql "SELECT count, value FROM probe_items WHERE tenant_id = '$T' AND id = 1")" "$(printf '1\tv1')"
check_eq "T got no PUT_DONE while off" \
	"$(jq -s --arg t "$T" 'map(select(.value.type == "PUT_DONE" and .headers.TENANT_ID == $t)) | length' "$IT_W/events")" 1

loads=$(log_count 'event=features_loaded')
t0=${EPOCHREALTIME/[.,]/}
ctl feature set "$T" probe on || fail "cofferctl feature set $T probe on failed"
check "cofferd reloads the switches" wait_log 'event=features_loaded' $((loads + 1)) 30
say "switch seen after $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms"
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"on"}}' --tenant "$T" --key 1
check "back on: T's PUT is applied" wait_count "$T" 1 2
check_eq "with its value" "$(sql "SELECT value FROM probe_items WHERE tenant_id = '$T'")" on
check_eq "no dead letters" "$(dead_letters)" 0
it_finish
