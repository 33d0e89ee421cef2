#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# EQUIP of an overall over worn pants through Kafka (docs/kafka-contract.md#equip,
# example A.1). EQUIP bag: 1 sword, 2 ring, 3 overall 1050000, 4 sword; worn
# -5 top 1040002, -6 pants 1060002. EQUIP {source 3, destination -5}: the
# overall goes to -5 and the top to 3 (one MOVED, for the overall), then the
# pants go to the next free slot 5 (MOVED(pants, slot 5, oldSlot -6)). The
# reverse rule: pants equipped under the overall push it to the next free slot.
# With the bag full, the same overall EQUIP changes nothing and emits nothing
# (all or nothing). EQUIP of an empty slot: nothing; EQUIP with source -5:
# dead-lettered. Also the CREATED of an equipable (stats from the template).
. "$(dirname "$0")/inventory_lib.sh"
inv_setup
T=$(uuid)
C=1001
inv_templates "$T"
inv_character "$T" $C
check "inventory created" wait_until 15 '(($(inv_count_ev) >= 6))'
EQ=$(inv_comp "$T" $C 1)
ZERO=0001-01-01T00:00:00Z

n=0
for tpl in 1302000 1112000 1050000 1302000 1040002 1060002; do
	n=$((n + 1))
	X[$n]=$(uuid)
	inv_cmd "$T" $C 1 CREATE_ASSET "{\"templateId\":$tpl,\"quantity\":1,\"expiration\":\"$ZERO\"}" "${X[$n]}"
done
check "six CREATED" inv_wait_txn "${X[6]}" 1
for s in 1 2 3 4 5 6; do A[$s]=$(inv_asset "$T" $C 1 $s); done
OVERALL=${A[3]} TOP=${A[5]} PANTS=${A[6]}
check_eq "CREATED of the overall: equipable with the template's stats (weaponDefense 5, slots 10)" \
	"$(inv_all_txn "${X[3]}" | jq -c .value)" \
	"{\"transactionId\":\"${X[3]}\",\"characterId\":$C,\"compartmentId\":\"$EQ\",\"assetId\":$OVERALL,\"templateId\":1050000,\"slot\":3,\"type\":\"CREATED\",\"body\":{\"referenceId\":$OVERALL,\"referenceType\":\"equipable\",\"referenceData\":{\"ownerId\":0,\"strength\":0,\"dexterity\":0,\"intelligence\":0,\"luck\":0,\"hp\":0,\"mp\":0,\"weaponAttack\":0,\"magicAttack\":0,\"weaponDefense\":5,\"magicDefense\":0,\"accuracy\":0,\"avoidability\":0,\"hands\":0,\"speed\":0,\"jump\":0,\"slots\":10,\"locked\":false,\"spikes\":false,\"karmaUsed\":false,\"cold\":false,\"canBeTraded\":false,\"levelType\":0,\"level\":0,\"experience\":0,\"hammersApplied\":0,\"expiration\":\"$ZERO\"},\"expiration\":\"$ZERO\"}}"

say "wear the top (5) and the pants (6)"
E1=$(uuid) E2=$(uuid)
inv_cmd "$T" $C 1 EQUIP '{"source":5,"destination":-5}' "$E1"
inv_cmd "$T" $C 1 EQUIP '{"source":6,"destination":0}' "$E2"
check "two MOVED" inv_wait_txn "$E2" 1
check_eq "top: MOVED(slot -5, oldSlot 5)" "$(inv_txn "$E1")" "ASSET MOVED $TOP 1040002 -5 {\"oldSlot\":5}"
check_eq "pants: MOVED(slot -6, oldSlot 6), nothing else (a top is no overall)" "$(inv_txn "$E2")" \
	"ASSET MOVED $PANTS 1060002 -6 {\"oldSlot\":6}"
check_eq "SQL: the A.1 layout" "$(inv_slots "$T" $C 1)" \
	"-6:1060002:1 -5:1040002:1 1:1302000:1 2:1112000:1 3:1050000:1 4:1302000:1"

say "EQUIP the overall (3) over top and pants (A.1)"
E3=$(uuid)
inv_cmd "$T" $C 1 EQUIP '{"source":3,"destination":-5}' "$E3"
check "two events" inv_wait_txn "$E3" 2
check_eq "MOVED(overall, -5, oldSlot 3), MOVED(pants, 5, oldSlot -6), in this order" "$(inv_txn "$E3")" \
	"ASSET MOVED $OVERALL 1050000 -5 {\"oldSlot\":3}
ASSET MOVED $PANTS 1060002 5 {\"oldSlot\":-6}"
inv_check_meta "EQUIP overall" "$E3" "$T" $C "$EQ"
check_eq "SQL: overall at -5, top swapped to 3, pants at 5, nothing at -6" \
	"$(for s in -6 -5 3 5; do printf '%s=%s ' $s "$(inv_asset "$T" $C 1 $s)"; done)" "-6= -5=$OVERALL 3=$TOP 5=$PANTS "
check_eq "no more events for it (its events commit together)" "$(inv_n_committed "$E3")" 2

say "EQUIP the pants (5) under the overall: the overall goes to the next free slot"
E4=$(uuid)
inv_cmd "$T" $C 1 EQUIP '{"source":5,"destination":-6}' "$E4"
check "two events" inv_wait_txn "$E4" 2
check_eq "MOVED(pants, -6, oldSlot 5), MOVED(overall, 5, oldSlot -5)" "$(inv_txn "$E4")" \
	"ASSET MOVED $PANTS 1060002 -6 {\"oldSlot\":5}
ASSET MOVED $OVERALL 1050000 5 {\"oldSlot\":-5}"
E5=$(uuid)
inv_cmd "$T" $C 1 EQUIP '{"source":3,"destination":-5}' "$E5"
check "top worn again" inv_wait_txn "$E5" 1
check_eq "SQL: top -5, pants -6, overall 5, bag 1 2 4 5" "$(inv_slots "$T" $C 1)" \
	"-6:1060002:1 -5:1040002:1 1:1302000:1 2:1112000:1 4:1302000:1 5:1050000:1"

say "a full bag: the overall EQUIP fails as a whole"
X7=$(uuid)
inv_cmd "$T" $C 1 CREATE_ASSET "{\"templateId\":1302000,\"quantity\":1,\"expiration\":\"$ZERO\"}" "$X7"
check "slot 3 filled" inv_wait_txn "$X7" 1
sql "UPDATE compartments SET capacity = 5 WHERE id = '$EQ'"
BEFORE=$(inv_slots "$T" $C 1)
P0=$(inv_processed)
F1=$(uuid) F2=$(uuid)
inv_cmd "$T" $C 1 EQUIP '{"source":5,"destination":-5}' "$F1"
inv_cmd "$T" $C 1 EQUIP '{"source":6,"destination":-5}' "$F2"
check "both processed" inv_wait_processed $((P0 + 2))
check_eq "no event (not even the overall's MOVED)" "$(($(inv_n_committed "$F1") + $(inv_n_committed "$F2")))" 0
check_eq "SQL unchanged" "$(inv_slots "$T" $C 1)" "$BEFORE"
D0=$(inv_dead)
F3=$(uuid)
inv_cmd "$T" $C 1 EQUIP '{"source":-5,"destination":-5}' "$F3"
check "EQUIP from a worn slot is dead-lettered" wait_until 10 '(($(inv_dead) == D0 + 1))'
check_eq "SQL still unchanged" "$(inv_slots "$T" $C 1)" "$BEFORE"
it_finish
