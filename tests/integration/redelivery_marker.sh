#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A redelivered message finds its processed-marker and is skipped.
# Redelivery is simulated by a second cofferd (b) on the first one's embedded
# Kafka and database, in another consumer group that starts from the earliest
# offset: it reads the PUT that a already applied, at the same (cluster id,
# topic, partition, offset), and must skip it: the count stays 1, no second
# PUT_DONE, the log says "already processed". b must also mark with the same
# cluster id as a (the embedded cluster's, published on __coffer_cluster_id).
. "$(dirname "$0")/lib.sh"
it_init
coffer_start a
T=$(uuid)
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"once"}}' --tenant "$T" --key 1
check "a applies the PUT" wait_count "$T" 1 1
check_eq "a publishes one PUT_DONE" \
	"$(watch_all EVENT_TOPIC_PROBE_STATUS 1 5000 | jq -r '.value.type')" PUT_DONE

coffer_start b --no-embedded --bootstrap-servers "$(bootstrap a)" --group-id coffer-replay \
	--kafka-prop auto.offset.reset=earliest
check "b reads the PUT again and skips it as already processed" \
	wait_log 'event=skipped reason="already processed"' 1 10 b
check_eq "b marks with a's cluster id" \
	"$(grep -o 'event=ready cluster_id=[^ ]*' "${CLOG[b]}")" "$(grep -o 'event=ready cluster_id=[^ ]*' "${CLOG[a]}")"
# The log line comes after b's transaction for the message ended: what b did
# with it (nothing) is final now.
check_eq "the count is still 1" "$(probe_count "$T" 1)" 1
check_eq "one processed-marker" "$(sql "SELECT COUNT(*) FROM coffer_processed WHERE topic = 'COMMAND_TOPIC_PROBE'")" 1
check_eq "one PUT_DONE committed in all" "$(outbox_logged)" 1
check "the outbox is published" wait_outbox_empty
coffer_use a
check_eq "still one PUT_DONE on the topic" \
	"$(watch_end EVENT_TOPIC_PROBE_STATUS | jq -s 'map(select(.value.type == "PUT_DONE")) | length')" 1
coffer_stop b
check_eq "b stops with status 0" "${CRC[b]}" 0
it_finish
