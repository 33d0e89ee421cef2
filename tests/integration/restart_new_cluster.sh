#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# New messages after a restart of the embedded Kafka are not skipped.
# The embedded Kafka is a new cluster at every start, its offsets begin at 0
# again, so the first PUT of the second run has the (topic, partition,
# offset) of the first run's PUT; markers carry the cluster id, so it is
# applied. SIGTERM stops cofferd with status 0. One partition, so both PUTs
# are at offset 0 of partition 0. Run 1's cluster died with it, so run 2
# publishes run 1's PUT_DONE again (same EVENT_ID) before its own
# (docs/embedded-kafka.md "The embedded Kafka's own death").
. "$(dirname "$0")/lib.sh"
it_init
T=$(uuid)
coffer_start a --partitions 1
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"first"}}' --tenant "$T" --key 1
check "run 1 applies PUT id 1" wait_count "$T" 1 1
E1=$(watch_all EVENT_TOPIC_PROBE_STATUS 1 5000)
check_eq "run 1 publishes PUT_DONE id 1" "$(jq -c '[.value.type, .value.id]' <<<"$E1")" '["PUT_DONE",1]'
coffer_stop a TERM
check_eq "SIGTERM: cofferd exits with status 0" "${CRC[a]}" 0
check "it logged event=stopped" grep -q 'event=stopped' "${CLOG[a]}"

coffer_start b --partitions 1
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":2,"value":"second"}}' --tenant "$T" --key 2
check "run 2 applies PUT id 2 (offset 0 again)" wait_count "$T" 2 1
E2=$(watch_all EVENT_TOPIC_PROBE_STATUS 2 5000)
check_eq "run 2 publishes run 1's PUT_DONE again, then PUT_DONE id 2" \
	"$(jq -s -c 'map([.value.type, .value.id])' <<<"$E2")" '[["PUT_DONE",1],["PUT_DONE",2]]'
check_eq "run 1's event keeps its EVENT_ID" "$(jq -s -r '.[0].headers.EVENT_ID' <<<"$E2")" \
	"$(jq -r '.headers.EVENT_ID' <<<"$E1")"
check_eq "not skipped as already processed" "$(log_count 'already processed' b)" 0
check_eq "two markers at the same topic/partition/offset, with two cluster ids" \
	"$(sql "SELECT COUNT(*), COUNT(DISTINCT cluster_id), COUNT(DISTINCT kpartition, koffset), MAX(koffset) FROM coffer_processed WHERE topic = 'COMMAND_TOPIC_PROBE'")" \
	"$(printf '2\t2\t1\t0')"
check_eq "id 1 was not applied again" "$(probe_count "$T" 1)" 1
it_finish
