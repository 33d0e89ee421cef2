#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One message's fate does not leak into the others of its transaction batch
# (host/bus.c: a batch per transaction, each message behind its own
# savepoint). One worker, one partition, one key, a burst of 21 messages that
# arrive together: ten good PUTs, ten PUTs the plugin rejects, and one PUT
# whose SQL fails every time (a value longer than the column: the plugin
# answers RETRY). The rejects are dead-lettered, the good PUTs applied exactly
# once with exactly one PUT_DONE each (re-running a batch after a RETRY must
# not apply or publish anything twice), and the message that keeps failing is
# dead-lettered after a bounded number of attempts instead of blocking its
# partition; a PUT sent after it is applied.
. "$(dirname "$0")/lib.sh"
it_init
require_tools kcat
coffer_start a --partitions 1 --workers 1 --batch 32
T=$(uuid)
LONG=$(printf 'x%.0s' $(seq 100))

for i in $(seq 1 10); do
	printf 'k\t{"type":"PUT","body":{"id":%d,"value":"g%d"}}\n' "$i" "$i"
	printf 'k\t{"type":"PUT","body":{"id":"bad%d","value":"r"}}\n' "$i"
	if ((i == 5)); then
		printf 'k\t{"type":"PUT","body":{"id":100,"value":"%s"}}\n' "$LONG"
	fi
done >"$IT_W/burst"
kcat -P -b "$(bootstrap)" -t COMMAND_TOPIC_PROBE -K $'\t' -H "TENANT_ID=$T" \
	-X message.timeout.ms=10000 -X linger.ms=100 <"$IT_W/burst" 2>"$IT_W/kcat.err"
check_eq "kcat produced the burst of 21" "$?" 0
check "the ten good PUTs are applied" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM probe_items") == 10 ]]'
check "the failing PUT is given up within 20 s" wait_log 'giving up on the message' 1 20
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":11,"value":"after"}}' --tenant "$T" --key 11
check "a PUT sent after it is applied" wait_count "$T" 11 1
check_eq "each good PUT applied exactly once, with its value" \
	"$(sql "SELECT COUNT(*), MIN(count), MAX(count), SUM(value = CONCAT('g', id)) FROM probe_items WHERE id <= 10")" \
	"$(printf '10\t1\t1\t10')"
check_eq "the failing PUT changed nothing" "$(probe_count "$T" 100)" none
watch_all EVENT_TOPIC_PROBE_STATUS 11 10000 >"$IT_W/events"
check_eq "exactly one PUT_DONE per applied PUT" \
	"$(jq -s -c 'map(.value.id) | sort' "$IT_W/events")" '[1,2,3,4,5,6,7,8,9,10,11]'
# PUT 11 is applied: every message before it is handled (its dead letter or
# its event committed).
check_eq "eleven dead letters committed" "$(dead_letters)" 11
check "the outbox is published" wait_outbox_empty
check_eq "and no more on the topic" "$(watch_end EVENT_TOPIC_PROBE_STATUS | wc -l)" 11
watch_end DEAD_LETTER_TOPIC >"$IT_W/dl"
check_eq "eleven dead letters: ten rejects and the failing PUT" "$(wc -l <"$IT_W/dl")" 11
check_eq "the failing PUT's dead letter says it was not applied" \
	"$(jq -r 'select(.value.body.id == 100) | .headers.DEAD_LETTER_REASON' "$IT_W/dl" | grep -c 'not applied after')" 1
check_eq "its offset is 10 (the 11th message)" \
	"$(jq -r 'select(.value.body.id == 100) | .headers.DEAD_LETTER_OFFSET' "$IT_W/dl")" 10
check_eq "22 processed-markers" "$(sql "SELECT COUNT(*) FROM coffer_processed WHERE topic = 'COMMAND_TOPIC_PROBE'")" 22
it_finish
