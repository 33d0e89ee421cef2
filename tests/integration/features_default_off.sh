#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --features-default off: a tenant without a row in coffer_tenant_features has
# every plugin off (its PUT is refused with ERROR FEATURE_DISABLED and changes
# nothing) until `cofferctl feature set T probe on`, seen within 5 s.
. "$(dirname "$0")/lib.sh"
it_init
coffer_start a --features-default off
T=$(uuid)
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"a"}}' --tenant "$T" --key 1
check "a tenant without a row is off" wait_log 'event=feature_disabled plugin=probe type=PUT' 1 10
check_eq "its PUT changed nothing" "$(probe_count "$T" 1)" none
check_eq "it was answered by ERROR FEATURE_DISABLED" \
	"$(watch_all EVENT_TOPIC_PROBE_STATUS 1 5000 | jq -c '[.value.type, .value.errorCode, .headers.TENANT_ID]')" \
	"[\"ERROR\",\"FEATURE_DISABLED\",\"$T\"]"
loads=$(log_count 'event=features_loaded')
ctl feature set "$T" probe on || fail "cofferctl feature set $T probe on failed"
check "the switch is seen" wait_log 'event=features_loaded' $((loads + 1)) 30
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"b"}}' --tenant "$T" --key 1
check "switched on, its PUT is applied" wait_count "$T" 1 1
it_finish
