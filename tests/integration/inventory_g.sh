#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Concurrency through Kafka (docs/kafka-contract.md#locking, #processing-model): two cofferd processes (a and
# b, 4 workers each, one embedded Kafka, one database, one consumer group)
# handle one burst of commands for character 1001, sent by kcat in one go.
#
# ETC (contended): commands under distinct keys, spread over the partitions
# and so handled concurrently by both processes, all locking the same
# compartment row, chosen so that the end state does not depend on their
# order: 40 DESTROY of 3 from the stack of 1000 in slot 1, 10 MOVE 2<->3 and
# 7 MOVE 4<->5 (swaps of different templates), 30 CREATE_ASSET of 4000003 with
# quantities 1..30. Expected: slot 1 holds 880 and its 40 QUANTITY_CHANGED
# show each of 997, 994, ..., 880 exactly once (no lost update); slots 2, 3
# are as before and 4, 5 swapped; the 30 new assets sit in 30 distinct slots
# 6..35, quantities 1..30 once each, as their CREATED events say.
# USE (order-dependent): 60 pseudo-random CREATE_ASSET / MOVE / DESTROY under
# the key 1001, so in order; the end state and the events (ids aside) must
# equal a replay of the same 60 commands on a fresh database by a third
# cofferd with --workers 1. Both: no two assets in a slot, nothing parked,
# no dead letter, the outbox drained.
. "$(dirname "$0")/inventory_lib.sh"
require_tools kcat
inv_setup --workers 4
inv_start b --no-embedded --bootstrap-servers "$(bootstrap a)" --workers 4
coffer_use a
T=$(uuid)
C=1001
inv_character "$T" $C
check "inventory created" wait_until 15 '(($(inv_count_ev) >= 6))'
ETC=$(inv_comp "$T" $C 4)
USE=$(inv_comp "$T" $C 2)
I=$(uuid)
inv_cmd "$T" $C 4 INCREASE_CAPACITY '{"amount":72}' "$I"
n=0
for tq in 4000000:1000 4000001:1 4000002:1 4000001:2 4000002:2; do
	n=$((n + 1))
	inv_cmd "$T" $C 4 CREATE_ASSET "{\"templateId\":${tq%:*},\"quantity\":${tq#*:}}" "$(uuid)"
done
check "ETC prepared" wait_until 15 '[[ $(inv_slots "$T" $C 4) == "1:4000000:1000 2:4000001:1 3:4000002:1 4:4000001:2 5:4000002:2" ]]'
inv_wait_txn "$I" 1 # SQL says it is applied; its event may still be on its way
check_eq "CAPACITY_CHANGED to 96" "$(inv_txn "$I")" 'COMPARTMENT CAPACITY_CHANGED {"type":4,"capacity":96}'
for s in 1 2 3 4 5; do E[$s]=$(inv_asset "$T" $C 4 $s); done
check "their events are in" wait_until 15 '(($(inv_count_ev) >= 12))'
P0=$(inv_processed)
N0=$(inv_count_ev)

# command TXN CHAR INVTYPE TYPE BODY: one JSON command line
command() { printf '{"transactionId":"%s","characterId":%d,"inventoryType":%d,"type":"%s","body":%s}' "$@"; }
: >"$IT_W/etc" >"$IT_W/use"
for i in $(seq 1 40); do printf 'k-d%d\t%s\n' $i "$(command "$(uuid)" $C 4 DESTROY '{"slot":1,"quantity":3}')"; done >>"$IT_W/etc"
for i in $(seq 1 10); do printf 'k-m%d\t%s\n' $i "$(command "$(uuid)" $C 4 MOVE '{"source":2,"destination":3}')"; done >>"$IT_W/etc"
for i in $(seq 1 7); do printf 'k-n%d\t%s\n' $i "$(command "$(uuid)" $C 4 MOVE '{"source":5,"destination":4}')"; done >>"$IT_W/etc"
for i in $(seq 1 30); do printf 'k-c%d\t%s\n' $i "$(command "$(uuid)" $C 4 CREATE_ASSET "{\"templateId\":4000003,\"quantity\":$i}")"; done >>"$IT_W/etc"
RANDOM=4242
for i in $(seq 1 60); do
	r=$((RANDOM % 10)) a=$((RANDOM % 8 + 1)) b=$((RANDOM % 8 + 1)) q=$((RANDOM % 60 + 1))
	if ((r < 3)); then
		body="{\"templateId\":$((2000000 + RANDOM % 2)),\"quantity\":$q}" type=CREATE_ASSET
	elif ((r < 8)); then
		body="{\"source\":$a,\"destination\":$b}" type=MOVE
	else
		body="{\"slot\":$a,\"quantity\":$((q % 31)),\"removeAll\":false}" type=DESTROY
	fi
	printf '%d\t%s\n' $C "$(command "$(uuid)" $C 2 $type "$body")"
done >>"$IT_W/use"
# Interleave the two streams (the USE lines keep their order).
paste -d'\n' <(shuf --random-source=<(yes) "$IT_W/etc") "$IT_W/use" | grep -v '^$' >"$IT_W/burst"
check_eq "147 commands in the burst" "$(wc -l <"$IT_W/burst")" 147

burst() {
	kcat -P -b "$1" -t COMMAND_TOPIC_COMPARTMENT -K $'\t' -H "TENANT_ID=$T" -H REGION=GMS \
		-X message.timeout.ms=10000 -X linger.ms=20 <"$2" 2>"$IT_W/kcat.err"
}
t0=${EPOCHREALTIME/[.,]/}
burst "$(bootstrap a)" "$IT_W/burst"
check_eq "kcat produced the burst" "$?" 0
check "all 147 processed" inv_wait_processed $((P0 + 147)) 30
say "147 commands applied in $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms by two processes"
check "the outbox drains and the watcher has read it" inv_caught_up
check "b had partitions" grep -qE 'event=partitions_assigned count=[1-9]' "${CLOG[b]}"
check "a had them too" grep -qE 'event=partitions_assigned count=[1-9]' "${CLOG[a]}"
check_eq "no dead letter" "$(dead_letters)" 0

say "ETC: order-independent end state"
sel_etc() { tail -n +$((N0 + 1)) "$INV_EV" | jq -rc --arg c "$ETC" "select(.value.compartmentId == \$c) | $1"; }
check_eq "87 ETC events" "$(sel_etc . | wc -l)" 87
check_eq "slot 1: 880 left" "$(inv_slots "$T" $C 4 | cut -d' ' -f1)" "1:4000000:880"
check_eq "its 40 QUANTITY_CHANGED show 997, 994, ..., 880 once each" \
	"$(sel_etc 'select(.value.type == "QUANTITY_CHANGED") | .value.body.quantity' | sort -n | paste -sd,)" \
	"$(seq 880 3 997 | paste -sd,)"
check_eq "... in decreasing order (one partition of events)" \
	"$(sel_etc 'select(.value.type == "QUANTITY_CHANGED") | .value.body.quantity' | paste -sd,)" \
	"$(seq 997 -3 880 | paste -sd,)"
check_eq "slots 2, 3 as before (10 swaps), 4, 5 swapped (7 swaps)" \
	"$(for s in 2 3 4 5; do inv_asset "$T" $C 4 $s; done | paste -sd' ')" "${E[2]} ${E[3]} ${E[5]} ${E[4]}"
check_eq "17 MOVED, one per MOVE" "$(sel_etc 'select(.value.type == "MOVED")' | wc -l)" 17
check_eq "the 30 new assets: slots 6..35, quantities 1..30" \
	"$(sql "SELECT MIN(slot), MAX(slot), COUNT(DISTINCT slot), GROUP_CONCAT(quantity ORDER BY quantity) FROM assets WHERE compartment_id = '$ETC' AND template_id = 4000003")" \
	"$(printf '6\t35\t30\t%s' "$(seq 1 30 | paste -sd,)")"
check_eq "each CREATED names the slot its asset is in" \
	"$(sel_etc 'select(.value.type == "CREATED") | "\(.value.slot):4000003:\(.value.body.referenceData.quantity)"' | sort -t: -k1n | paste -sd' ')" \
	"$(inv_slots "$T" $C 4 | cut -d' ' -f6-)"

say "USE: equal to a replay with one worker"
sel_use() { tail -n +$((N0 + 1)) "$1" | jq -c --arg c "$2" 'select(.value.compartmentId == $c) | [.value.transactionId, .value.type, .value.templateId, .value.slot, (.value.body | del(.referenceId))]'; }
sel_use "$INV_EV" "$USE" >"$IT_W/use.events.ab"
FINAL_AB=$(inv_slots "$T" $C 2)
check_eq "SQL: no two assets in one slot, nothing parked" \
	"$(sql "SELECT COUNT(*) = COUNT(DISTINCT compartment_id, slot), SUM(slot < 1) FROM assets WHERE tenant_id = '$T'")" "$(printf '1\t0')"
it_create_db DB2 replay
DB_NAME=$DB2 inv_start c --workers 1
DB_NAME=$DB2 inv_watch c
inv_character "$T" $C
DB_NAME=$DB2 check "replay: inventory created" wait_until 15 '(($(inv_count_ev) >= 6))'
USE2=$(DB_NAME=$DB2 inv_comp "$T" $C 2)
N0=$(inv_count_ev)
burst "$(bootstrap c)" "$IT_W/use"
DB_NAME=$DB2 check "replay: 61 processed" inv_wait_processed 61 30
DB_NAME=$DB2 check "replay: the outbox drains and the watcher has read it" inv_caught_up
sel_use "$INV_EV" "$USE2" >"$IT_W/use.events.c"
say "$(wc -l <"$IT_W/use.events.c") USE events; end state: $FINAL_AB"
check "the USE commands did something ($(wc -l <"$IT_W/use.events.c") events)" test "$(wc -l <"$IT_W/use.events.c")" -ge 30
check_eq "USE end state equals the replay's" "$FINAL_AB" "$(DB_NAME=$DB2 inv_slots "$T" $C 2)"
check "USE events (type, template, slot, body, per transactionId, in order) equal the replay's" \
	cmp -s "$IT_W/use.events.ab" "$IT_W/use.events.c"
if ! cmp -s "$IT_W/use.events.ab" "$IT_W/use.events.c"; then diff "$IT_W/use.events.ab" "$IT_W/use.events.c" | head -20; fi
check_eq "replay: no dead letter" "$(DB_NAME=$DB2 dead_letters)" 0
it_finish
