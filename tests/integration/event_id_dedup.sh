#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An event published twice is applied once (docs/architecture.md#processed-markers):
# two BUMPs with the same EVENT_ID at different offsets add 1 once,
# and the second is logged as a duplicate EVENT_ID. A BUMP with another
# EVENT_ID, or without one, is applied; the same EVENT_ID under another tenant
# is another event.
. "$(dirname "$0")/lib.sh"
it_init
coffer_start a --partitions 1
T=$(uuid)
U=$(uuid)
E1=$(uuid)
E2=$(uuid)

send COMMAND_TOPIC_PROBE PUT '{"body":{"id":3,"value":"x"}}' --tenant "$T" --key 3
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":3,"value":"x"}}' --tenant "$U" --key 3
check "the rows exist (count 1)" wait_until 10 '[[ $(probe_count "$T" 3)$(probe_count "$U" 3) == 11 ]]'

send EVENT_TOPIC_PROBE_STATUS BUMP '{"body":{"id":3}}' --tenant "$T" --key 3 --event-id "$E1"
send EVENT_TOPIC_PROBE_STATUS BUMP '{"body":{"id":3}}' --tenant "$T" --key 3 --event-id "$E1"
# A marker commits with the message's effects: both copies are handled.
check "both copies are handled (two markers)" wait_markers 2 EVENT_TOPIC_PROBE_STATUS
check_eq "the BUMP published twice counted once" "$(probe_count "$T" 3)" 2
check_eq "one EVENT_ID row for it" \
	"$(sql "SELECT COUNT(*) FROM coffer_event_seen WHERE tenant_id = '$T' AND event_id = '$E1'")" 1
check "the duplicate is logged as such" wait_log "event=skipped reason=\"duplicate EVENT_ID\" event_id=$E1" 1 10
check_eq "exactly one duplicate was skipped" "$(log_count 'reason="duplicate EVENT_ID"')" 1
check_eq "the two copies were at different offsets (both have processed-markers)" \
	"$(sql "SELECT COUNT(DISTINCT koffset) FROM coffer_processed WHERE topic = 'EVENT_TOPIC_PROBE_STATUS'")" 2

send EVENT_TOPIC_PROBE_STATUS BUMP '{"body":{"id":3}}' --tenant "$T" --key 3 --event-id "$E2"
check "a BUMP with another EVENT_ID is applied" wait_count "$T" 3 3
send EVENT_TOPIC_PROBE_STATUS BUMP '{"body":{"id":3}}' --tenant "$T" --key 3
send EVENT_TOPIC_PROBE_STATUS BUMP '{"body":{"id":3}}' --tenant "$T" --key 3
check "BUMPs without EVENT_ID are each applied" wait_count "$T" 3 5
send EVENT_TOPIC_PROBE_STATUS BUMP '{"body":{"id":3}}' --tenant "$U" --key 3 --event-id "$E1"
check "the same EVENT_ID from another tenant is applied" wait_count "$U" 3 2
# U's BUMP is the last of one key and partition (offset order): every BUMP
# before it is handled, its effects committed.
check_eq "six markers on the event topic" "$(markers EVENT_TOPIC_PROBE_STATUS)" 6
check_eq "T's count is final at 5" "$(probe_count "$T" 3)" 5
check_eq "three EVENT_ID rows (E1 and E2 of T, E1 of U)" "$(sql "SELECT COUNT(*) FROM coffer_event_seen")" 3
check_eq "still one duplicate in all" "$(log_count 'reason="duplicate EVENT_ID"')" 1
it_finish
