#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Concurrency sanity with 4 workers: 200 PUTs over 20 ids, sent in one burst
# (kcat, one producer batch, so many are in flight at once), the ten PUTs of
# each id in order (values v1..v10) under one key, interleaved with the other
# ids. Every PUT is applied exactly once (count 10 per id), in order per key
# (last value v10, PUT_DONE values in send order), 200 PUT_DONE events with
# distinct EVENT_IDs, no dead letters.
. "$(dirname "$0")/lib.sh"
it_init
require_tools kcat
coffer_start a --workers 4
T=$(uuid)

for v in 1 2 3 4 5 6 7 8 9 10; do
	for id in $(seq 1 20); do
		printf 'id-%d\t{"type":"PUT","body":{"id":%d,"value":"v%d"}}\n' "$id" "$id" "$v"
	done
done >"$IT_W/burst"
t0=${EPOCHREALTIME/[.,]/}
kcat -P -b "$(bootstrap)" -t COMMAND_TOPIC_PROBE -K $'\t' -H "TENANT_ID=$T" -H REGION=eu \
	-X message.timeout.ms=10000 -X linger.ms=50 <"$IT_W/burst" 2>"$IT_W/kcat.err"
check_eq "kcat produced the burst of 200" "$?" 0
check "all 200 applied" wait_until 20 '[[ $(sql "SELECT SUM(count) FROM probe_items") == 200 ]]'
say "200 PUTs sent and applied in $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms"
check_eq "20 rows, each with count 10 and last value v10" \
	"$(sql "SELECT COUNT(*), MIN(count), MAX(count), MIN(value), MAX(value) FROM probe_items WHERE tenant_id = '$T'")" \
	"$(printf '20\t10\t10\tv10\tv10')"
watch_all EVENT_TOPIC_PROBE_STATUS 200 20000 >"$IT_W/events"
check_eq "200 PUT_DONE events" "$(jq -s 'map(select(.value.type == "PUT_DONE")) | length' "$IT_W/events")" 200
check_eq "per id, the events are in send order" \
	"$(jq -s -c 'map(select(.value.type == "PUT_DONE")) | group_by(.value.id) | map(sort_by(.offset) | map(.value.value)) | unique' "$IT_W/events")" \
	'[["v1","v2","v3","v4","v5","v6","v7","v8","v9","v10"]]'
check_eq "200 distinct EVENT_IDs" "$(jq -r '.headers.EVENT_ID' "$IT_W/events" | sort -u | wc -l)" 200
check_eq "200 processed-markers" "$(sql "SELECT COUNT(*) FROM coffer_processed WHERE topic = 'COMMAND_TOPIC_PROBE'")" 200
check_eq "no dead letters" "$(dead_letters)" 0
check_eq "the outbox is drained" "$(sql 'SELECT COUNT(*) FROM coffer_outbox')" 0
check "four workers ran" grep -q 'event=ready .*workers=4' "${CLOG[a]}"
it_finish
