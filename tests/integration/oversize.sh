#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Messages too large (docs/configuration.md "Message size"; --max-message-bytes,
# default 1 MiB):
# - an outbox row too large to publish (written before this limit, or refused by
#   the broker) does not block the others: a truncated stand-in goes to the dead-
#   letter topic (COFFER_PUBLISH_ERROR, DEAD_LETTER_TRUNCATED), the row is deleted,
#   one log line, no retry loop, and SIGTERM leaves at once instead of waiting for
#   the drain timeout;
# - a 1 MiB command of an unknown type is dead-lettered, its copy truncated to fit
#   (DEAD_LETTER_TRUNCATED = the original length) and published; events keep flowing;
# - a 4 MiB command is dead-lettered as oversize (truncated copy), and the next
#   message of its partition is handled. (4 MiB, not 5: the embedded Kafka keeps at
#   most 5 MiB per partition and, past that, loses the message appended next.)
# - a partition that cannot make progress while it has lag is logged
#   (event=partition_stalled): provoked with fetch limits below the message.
. "$(dirname "$0")/lib.sh"
it_init
require_tools kcat
W=$IT_W
T=$(uuid)
coffer_start a --partitions 2

# big_json FILE TYPE BYTES: a JSON command of exactly BYTES bytes.
big_json() {
	local head="{\"type\":\"$2\",\"body\":{\"id\":1,\"value\":\"" tail='"}}'
	{
		printf '%s' "$head"
		head -c $(($3 - ${#head} - ${#tail})) /dev/zero | tr '\0' x
		printf '%s' "$tail"
	} >"$1"
}
# kcat_file PARTITION KEY FILE: produce FILE as one message to COMMAND_TOPIC_PROBE.
kcat_file() {
	kcat -P -b "$(bootstrap)" -t COMMAND_TOPIC_PROBE -p "$1" -k "$2" -H "TENANT_ID=$T" \
		-X message.max.bytes=10000000 -X message.timeout.ms=10000 "$3" 2>"$W/kcat.err" ||
		{ cat "$W/kcat.err"; fail "kcat could not produce $3"; }
}
put() {
	printf '{"type":"PUT","body":{"id":%d,"value":"v%d"}}' "$2" "$2" >"$W/put.$2"
	kcat_file "$1" "$2" "$W/put.$2"
}
# dead_json: the dead-letter topic read to its end, one kcat -J line each.
dead_json() { kcat -C -b "$(bootstrap)" -t coffer.dead-letter -o beginning -e -J 2>/dev/null; }
hdr() { jq -r --arg h "$1" '.headers as $a | [range(0; $a | length; 2) | select($a[.] == $h) | $a[. + 1]] | first // ""'; }
outbox_empty() { [[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 0 ]]; }

say "an outbox row too large to publish (2 MiB, above the producer's limit)"
sql "INSERT INTO coffer_outbox (event_id, tenant_id, topic, msg_key, headers, payload, created_at)
	VALUES (UUID(), '$T', 'coffer.dead-letter', 'k-big', '', REPEAT('y', 2097152), UTC_TIMESTAMP(6))"
put 0 101
check "the next event is published (PUT 101)" wait_count "$T" 101 1 15
check "the too-large row is gone from the outbox" wait_until 15 outbox_empty
dead_json | jq -c 'select(.key == "k-big")' >"$W/stub"
check_eq "a stand-in was published to the dead-letter topic" "$(grep -c . "$W/stub")" 1
check_eq "it keeps the first 4096 bytes of the payload" "$(jq -r '.payload | length' "$W/stub")" 4096
check_eq "DEAD_LETTER_TRUNCATED says the payload was 2097152 bytes" \
	"$(hdr DEAD_LETTER_TRUNCATED <"$W/stub")" 2097152
check "COFFER_PUBLISH_ERROR says why" grep -q 'too large to publish' <<<"$(hdr COFFER_PUBLISH_ERROR <"$W/stub")"
check_eq "COFFER_PUBLISH_TOPIC says where it was going" "$(hdr COFFER_PUBLISH_TOPIC <"$W/stub")" coffer.dead-letter
check_eq "one log line for it" "$(log_count 'event=publish_too_large')" 1
check_eq "no publish retries" "$(log_count 'publish failed')" 0

say "a 1 MiB command of an unknown type (partition 1)"
big_json "$W/unknown.json" NO_SUCH_TYPE 1048576
kcat_file 1 unknown "$W/unknown.json"
put 1 102
check "the next command of the partition is handled (PUT 102)" wait_count "$T" 102 1 20
check "the outbox is empty" wait_until 15 outbox_empty
dead_json | jq -c 'select(.key == "unknown")' >"$W/unknown"
check_eq "its dead letter was published" "$(grep -c . "$W/unknown")" 1
check_eq "with the reason" "$(hdr DEAD_LETTER_REASON <"$W/unknown")" \
	"no plugin handles type NO_SUCH_TYPE on COMMAND_TOPIC_PROBE"
check_eq "DEAD_LETTER_TRUNCATED: the copy was cut from 1048576 bytes" "$(hdr DEAD_LETTER_TRUNCATED <"$W/unknown")" 1048576
LEN=$(jq -r '.payload | length' "$W/unknown")
check "the copy keeps most of it ($LEN bytes) and fits the limit" test "$LEN" -gt 1000000 -a "$LEN" -lt 1048576

say "a 4 MiB command (partition 0): oversize"
big_json "$W/huge.json" PUT $((4 * 1024 * 1024))
kcat_file 0 huge "$W/huge.json"
put 0 103
check "the next command of the partition is handled (PUT 103)" wait_count "$T" 103 1 20
check "the outbox is empty" wait_until 15 outbox_empty
dead_json | jq -c 'select(.key == "huge")' >"$W/huge"
check_eq "it was dead-lettered" "$(grep -c . "$W/huge")" 1
check_eq "as oversize" "$(hdr DEAD_LETTER_REASON <"$W/huge")" \
	"oversize: payload of 4194304 bytes, the limit is 1048576 (--max-message-bytes)"
check_eq "its copy is truncated (DEAD_LETTER_TRUNCATED 4194304)" "$(hdr DEAD_LETTER_TRUNCATED <"$W/huge")" 4194304
check_eq "not applied" "$(probe_count "$T" 1)" none
check_eq "each of the five commands has its marker" \
	"$(sql "SELECT COUNT(*) FROM coffer_processed WHERE tenant_id = '$T'")" 5

say "SIGTERM: nothing left to drain, so it leaves at once (the drain timeout is 30 s)"
t0=${EPOCHREALTIME/[.,]/}
coffer_stop a TERM
ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
check_eq "status 0" "${CRC[a]}" 0
check "gone within 5 s ($ms ms)" test "$ms" -lt 5000
say "SIGTERM took $ms ms"

say "a partition that cannot progress is logged"
coffer_start b --partitions 1 --stall-warn-ms 1000 --kafka-prop fetch.message.max.bytes=1000000 \
	--kafka-prop fetch.max.bytes=2000000 --kafka-prop receive.message.max.bytes=2000512
put 0 201
check "a small command is handled" wait_count "$T" 201 1 15
kcat_file 0 huge "$W/huge.json"
check "event=partition_stalled names the partition and its lag" \
	wait_log 'event=partition_stalled topic=COMMAND_TOPIC_PROBE partition=0 position=1 high_watermark=2 lag=1' 1 20
it_finish
