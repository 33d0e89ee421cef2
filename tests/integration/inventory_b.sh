#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CREATE_ASSET, MOVE (to an empty slot and a swap), MERGE, SORT through Kafka
# (docs/kafka-contract.md#create_asset, #move, #merge, #sort, example A.3). Four potions are created
# in USE slots 1..4 (one CREATED each, full value checked), moved into the
# layout of A.3 (slot 1 = 2000001 x10, 3 = 2000000 x40, 4 = 2000001 x95,
# 7 = 2000000 x30), merged (the seven events of A.3) and sorted (MOVED, then
# SORT_COMPLETE); the slots are checked in SQL after every step. Failures: a
# MOVE from an empty slot, a MOVE beyond the capacity, a MOVE onto itself and
# a CREATE_ASSET with no free slot change nothing and emit nothing; a
# CREATE_ASSET whose template type differs from inventoryType is dead-lettered.
. "$(dirname "$0")/inventory_lib.sh"
inv_setup
T=$(uuid)
C=1001
inv_templates "$T"
inv_character "$T" $C
check "inventory created" wait_until 15 '(($(inv_count_ev) >= 6))'
USE=$(inv_comp "$T" $C 2)
ZERO=0001-01-01T00:00:00Z

say "CREATE_ASSET x4"
n=0
for tq in 2000001:10 2000000:40 2000001:95 2000000:30; do
	n=$((n + 1))
	X[$n]=$(uuid)
	inv_cmd "$T" $C 2 CREATE_ASSET "{\"templateId\":${tq%:*},\"quantity\":${tq#*:},\"expiration\":\"$ZERO\",\"ownerId\":0,\"flag\":0,\"rechargeable\":0}" "${X[$n]}"
done
check "four CREATED" inv_wait_txn "${X[4]}" 1
for s in 1 2 3 4; do A[$s]=$(inv_asset "$T" $C 2 $s); done
n=0
for tq in 2000001:10 2000000:40 2000001:95 2000000:30; do
	n=$((n + 1))
	check_eq "CREATE_ASSET $n: one CREATED, exact value" "$(inv_all_txn "${X[$n]}" | jq -c .value)" \
		"{\"transactionId\":\"${X[$n]}\",\"characterId\":$C,\"compartmentId\":\"$USE\",\"assetId\":${A[$n]},\"templateId\":${tq%:*},\"slot\":$n,\"type\":\"CREATED\",\"body\":{\"referenceId\":${A[$n]},\"referenceType\":\"consumable\",\"referenceData\":{\"ownerId\":0,\"quantity\":${tq#*:},\"flag\":0,\"rechargeable\":0},\"expiration\":\"$ZERO\"}}"
	check_eq "CREATE_ASSET $n: topic" "$(inv_all_txn "${X[$n]}" | jq -r .topic_var)" EVENT_TOPIC_ASSET_STATUS
	inv_check_meta "CREATE_ASSET $n" "${X[$n]}" "$T" $C "$USE"
done
check_eq "SQL after CREATE_ASSET" "$(inv_slots "$T" $C 2)" "1:2000001:10 2:2000000:40 3:2000001:95 4:2000000:30"

say "MOVE 4 -> 7 (empty), 2 -> 3 (swap, other template), 2 -> 4 (empty)"
M1=$(uuid) M2=$(uuid) M3=$(uuid)
inv_cmd "$T" $C 2 MOVE '{"source":4,"destination":7}' "$M1"
inv_cmd "$T" $C 2 MOVE '{"source":2,"destination":3}' "$M2"
inv_cmd "$T" $C 2 MOVE '{"source":2,"destination":4}' "$M3"
check "three MOVED" inv_wait_txn "$M3" 1
check_eq "MOVE 4 -> 7: MOVED(slot 7, oldSlot 4)" "$(inv_txn "$M1")" "ASSET MOVED ${A[4]} 2000000 7 {\"oldSlot\":4}"
check_eq "MOVE 2 -> 3: one MOVED, for the moved asset only (the swap)" "$(inv_txn "$M2")" "ASSET MOVED ${A[2]} 2000000 3 {\"oldSlot\":2}"
check_eq "MOVE 2 -> 4: MOVED of the asset swapped into 2" "$(inv_txn "$M3")" "ASSET MOVED ${A[3]} 2000001 4 {\"oldSlot\":2}"
inv_check_meta "MOVE" "$M2" "$T" $C "$USE"
check_eq "SQL: the layout of A.3" "$(inv_slots "$T" $C 2)" "1:2000001:10 3:2000000:40 4:2000001:95 7:2000000:30"
check_eq "SQL: ids follow (A.3 ids 31, 32, 33, 34)" "$(for s in 1 3 4 7; do inv_asset "$T" $C 2 $s; done | paste -sd' ')" \
	"${A[1]} ${A[2]} ${A[3]} ${A[4]}"

say "failures: MOVE from an empty slot, beyond capacity, onto itself"
P0=$(inv_processed)
F1=$(uuid) F2=$(uuid) F3=$(uuid)
inv_cmd "$T" $C 2 MOVE '{"source":9,"destination":1}' "$F1"
inv_cmd "$T" $C 2 MOVE '{"source":1,"destination":25}' "$F2"
inv_cmd "$T" $C 2 MOVE '{"source":3,"destination":3}' "$F3"
check "the three are processed" inv_wait_processed $((P0 + 3))
check_eq "no event for any of them" "$(($(inv_n_committed "$F1") + $(inv_n_committed "$F2") + $(inv_n_committed "$F3")))" 0
check_eq "SQL unchanged" "$(inv_slots "$T" $C 2)" "1:2000001:10 3:2000000:40 4:2000001:95 7:2000000:30"

say "MERGE"
G=$(uuid)
inv_cmd "$T" $C 2 MERGE '{}' "$G"
check "seven events" inv_wait_txn "$G" 7
check_eq "MERGE: asset events of A.3, in order" "$(inv_txn "$G" | grep '^ASSET')" \
	"ASSET QUANTITY_CHANGED ${A[1]} 2000001 1 {\"quantity\":100}
ASSET QUANTITY_CHANGED ${A[3]} 2000001 4 {\"quantity\":5}
ASSET QUANTITY_CHANGED ${A[2]} 2000000 3 {\"quantity\":70}
ASSET DELETED ${A[4]} 2000000 7 {}
ASSET MOVED ${A[2]} 2000000 2 {\"oldSlot\":3}
ASSET MOVED ${A[3]} 2000001 3 {\"oldSlot\":4}"
check_eq "MERGE: then MERGE_COMPLETE {type 2}" "$(inv_all_txn "$G" | jq -c 'select(.topic_var == "EVENT_TOPIC_COMPARTMENT_STATUS") | .value')" \
	"{\"transactionId\":\"$G\",\"characterId\":$C,\"compartmentId\":\"$USE\",\"type\":\"MERGE_COMPLETE\",\"body\":{\"type\":2}}"
inv_check_meta "MERGE" "$G" "$T" $C "$USE"
check_eq "SQL after MERGE" "$(inv_slots "$T" $C 2)" "1:2000001:100 2:2000000:70 3:2000001:5"
check_eq "SQL: asset ${A[4]} is gone" "$(sql "SELECT COUNT(*) FROM assets WHERE id = ${A[4]}")" 0

say "SORT"
S=$(uuid)
inv_cmd "$T" $C 2 SORT '{}' "$S"
check "two events" inv_wait_txn "$S" 2
# The watcher reads each topic on its own, so only the order within a topic is
# known here (the emit order across topics is checked by the plugin tests).
check_eq "SORT: MOVED(32, slot 1, oldSlot 2) on the asset topic" "$(inv_txn "$S" | grep '^ASSET')" \
	"ASSET MOVED ${A[2]} 2000000 1 {\"oldSlot\":2}"
check_eq "SORT: SORT_COMPLETE on the compartment topic" "$(inv_txn "$S" | grep '^COMPARTMENT')" \
	"COMPARTMENT SORT_COMPLETE {\"type\":2}"
inv_check_meta "SORT" "$S" "$T" $C "$USE"
check_eq "SQL after SORT (1 = 32, 2 = 31, 3 = 33)" "$(inv_slots "$T" $C 2)" "1:2000000:70 2:2000001:100 3:2000001:5"
check_eq "SQL: ids after SORT" "$(for s in 1 2 3; do inv_asset "$T" $C 2 $s; done | paste -sd' ')" "${A[2]} ${A[1]} ${A[3]}"
check_eq "SQL: nothing parked in -32768, no duplicate slot" \
	"$(sql "SELECT COUNT(*), COUNT(DISTINCT compartment_id, slot), SUM(slot < 1) FROM assets WHERE tenant_id = '$T'")" "$(printf '3\t3\t0')"

say "CREATE_ASSET failures"
P0=$(inv_processed)
D0=$(inv_dead)
B1=$(uuid)
inv_cmd "$T" $C 2 CREATE_ASSET '{"templateId":4000000,"quantity":1}' "$B1"
check "template of type 4 into USE: dead-lettered" wait_until 10 '(($(inv_dead) == D0 + 1))'
sql "UPDATE compartments SET capacity = 3 WHERE id = '$USE'"
B2=$(uuid)
inv_cmd "$T" $C 2 CREATE_ASSET '{"templateId":2000000,"quantity":1}' "$B2"
check "processed" inv_wait_processed $((P0 + 2))
check_eq "no event for either" "$(($(inv_n_committed "$B1") + $(inv_n_committed "$B2")))" 0
check_eq "SQL unchanged (a full bag takes nothing)" "$(inv_slots "$T" $C 2)" "1:2000000:70 2:2000001:100 3:2000001:5"
check_eq "one dead letter in all" "$(dead_letters)" 1
it_finish
