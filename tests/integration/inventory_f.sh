#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two tenants, one character id (docs/kafka-contract.md#headers, OP-24, OP-33). Tenants
# A and B both create character 1001 and an asset in USE slot 1. Every event
# carries its own tenant's headers and only that tenant's compartment and
# asset ids; a MOVE of B moves only B's asset; A's MOVE and CONSUME of the slot
# where only B has an asset do nothing; a DESTROY of A removes only A's asset;
# character DELETED of A removes A's inventory only (B keeps its five
# compartments and asset, and B's events never mention A's ids). A command of
# a third tenant without an inventory does nothing; one without TENANT_ID is
# dead-lettered.
. "$(dirname "$0")/inventory_lib.sh"
inv_setup
TA=$(uuid)
TB=$(uuid)
C=1001
inv_character "$TA" $C
inv_character "$TB" $C
check "both inventories created" wait_until 15 '(($(inv_count_ev) >= 12))'
check_eq "SQL: five compartments each" \
	"$(sql "SELECT tenant_id, COUNT(*) FROM compartments WHERE character_id = $C GROUP BY tenant_id ORDER BY tenant_id = '$TB'")" \
	"$(printf '%s\t5\n%s\t5' "$TA" "$TB")"
UA=$(inv_comp "$TA" $C 2)
UB=$(inv_comp "$TB" $C 2)
check "different compartment ids" test "$UA" != "$UB"
XA=$(uuid) XB=$(uuid)
inv_cmd "$TA" $C 2 CREATE_ASSET '{"templateId":2000000,"quantity":10}' "$XA"
inv_cmd "$TB" $C 2 CREATE_ASSET '{"templateId":2000000,"quantity":20}' "$XB"
check "both CREATED" inv_wait_txn "$XB" 1
check "both CREATED" inv_wait_txn "$XA" 1
AA=$(inv_asset "$TA" $C 2 1)
AB=$(inv_asset "$TB" $C 2 1)
check_eq "A's CREATED: slot 1, A's compartment, A's asset, quantity 10" \
	"$(inv_all_txn "$XA" | jq -c '[.headers.TENANT_ID, .value.compartmentId, .value.assetId, .value.slot, .value.body.referenceData.quantity]')" \
	"[\"$TA\",\"$UA\",$AA,1,10]"
check_eq "B's CREATED: slot 1 too (its own bag), B's compartment, quantity 20" \
	"$(inv_all_txn "$XB" | jq -c '[.headers.TENANT_ID, .value.compartmentId, .value.assetId, .value.slot, .value.body.referenceData.quantity]')" \
	"[\"$TB\",\"$UB\",$AB,1,20]"

say "B moves its asset to 2; A tries slot 2"
MB=$(uuid) MA=$(uuid) KA=$(uuid)
inv_cmd "$TB" $C 2 MOVE '{"source":1,"destination":2}' "$MB"
check "B's MOVED" inv_wait_txn "$MB" 1
P0=$(inv_processed)
inv_cmd "$TA" $C 2 MOVE '{"source":2,"destination":3}' "$MA"
inv_cmd "$TA" $C 2 REQUEST_RESERVE '{"items":[{"source":2,"itemId":2000000,"quantity":1}]}' "$KA"
check "A's two commands processed" inv_wait_processed $((P0 + 2))
check_eq "B's MOVED carries B's tenant and ids" \
	"$(inv_all_txn "$MB" | jq -c '[.headers.TENANT_ID, .value.compartmentId, .value.assetId, .value.slot, .value.body.oldSlot]')" \
	"[\"$TB\",\"$UB\",$AB,2,1]"
check_eq "A's MOVE and REQUEST_RESERVE of slot 2 (B's slot): no event" "$(($(inv_n_committed "$MA") + $(inv_n_committed "$KA")))" 0
check_eq "SQL: A keeps slot 1, B has slot 2" "$(inv_slots "$TA" $C 2) | $(inv_slots "$TB" $C 2)" \
	"1:2000000:10 | 2:2000000:20"
check_eq "SQL: no reservation" "$(sql "SELECT COUNT(*) FROM reservations")" 0

say "A destroys slot 1"
DA=$(uuid)
inv_cmd "$TA" $C 2 DESTROY '{"slot":1,"quantity":0,"removeAll":false}' "$DA"
check "A's DELETED" inv_wait_txn "$DA" 1
check_eq "DELETED of A's asset under A's tenant" \
	"$(inv_all_txn "$DA" | jq -c '[.headers.TENANT_ID, .value.type, .value.compartmentId, .value.assetId, .value.slot]')" \
	"[\"$TA\",\"DELETED\",\"$UA\",$AA,1]"
check_eq "SQL: A's bag empty, B's untouched" "$(inv_slots "$TA" $C 2) | $(inv_slots "$TB" $C 2)" " | 2:2000000:20"

say "a third tenant and a message without tenant"
TC=$(uuid)
P0=$(inv_processed)
D0=$(inv_dead)
XC=$(uuid) XN=$(uuid)
inv_cmd "$TC" $C 2 CREATE_ASSET '{"templateId":2000000,"quantity":1}' "$XC"
send COMMAND_TOPIC_COMPARTMENT CREATE_ASSET \
	"{\"transactionId\":\"$XN\",\"characterId\":$C,\"inventoryType\":2,\"body\":{\"templateId\":2000000,\"quantity\":1}}"
check "the tenant-less command is dead-lettered" wait_until 10 '(($(inv_dead) == D0 + 1))'
check "both are processed (a dead letter has its marker too)" inv_wait_processed $((P0 + 2))
check_eq "no event for either" "$(($(inv_n_committed "$XC") + $(inv_n_committed "$XN")))" 0
check_eq "SQL: nothing for the third tenant nor the nil tenant" \
	"$(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id NOT IN ('$TA', '$TB')")$(sql "SELECT COUNT(*) FROM assets WHERE tenant_id NOT IN ('$TA', '$TB')")" "00"

say "character DELETED of A"
N0=$(inv_count_ev)
inv_character "$TA" $C DELETED
check "six events" wait_until 15 '(($(inv_count_ev) >= N0 + 6))'
check_eq "SQL: A has nothing left, B keeps five compartments and its asset" \
	"$(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '$TA'") $(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '$TB'") $(inv_slots "$TB" $C 2)" \
	"0 5 2:2000000:20"
check_eq "the DELETED events are all A's" \
	"$(jq -r 'select(.value.type == "DELETED" and .topic_var != "EVENT_TOPIC_ASSET_STATUS") | .headers.TENANT_ID' "$INV_EV" | sort | uniq -c | awk '{print $1, $2}')" \
	"6 $TA"

say "no event of one tenant mentions the other's ids"
sql "SELECT id FROM compartments WHERE tenant_id = '$TB'" >"$IT_W/ids.b"
check_eq "B's compartment ids appear only under B's header" \
	"$(jq -r --arg b "$TB" 'select(.topic_var != "DEAD_LETTER_TOPIC" and .headers.TENANT_ID != $b) | .value.compartmentId // empty' "$INV_EV" | grep -cFf "$IT_W/ids.b")" 0
check_eq "A's compartment ids (from A's CREATED events) appear only under A's header" \
	"$(jq -r --arg a "$TA" 'select(.topic_var == "EVENT_TOPIC_COMPARTMENT_STATUS" and .headers.TENANT_ID == $a) | .value.compartmentId' "$INV_EV" | sort -u >"$IT_W/ids.a"
	jq -r --arg a "$TA" 'select(.topic_var != "DEAD_LETTER_TOPIC" and .headers.TENANT_ID != $a) | .value.compartmentId // empty' "$INV_EV" | grep -cFf "$IT_W/ids.a")" 0
check_eq "A's asset id appears only under A's header" \
	"$(jq -c --arg a "$TA" --argjson id "$AA" 'select(.topic_var == "EVENT_TOPIC_ASSET_STATUS" and .value.assetId == $id) | .headers.TENANT_ID == $a' "$INV_EV" | sort -u)" true
check_eq "every event: key 1001, TENANT_ID one of A and B" \
	"$(jq -c --arg a "$TA" --arg b "$TB" 'select(.topic_var != "DEAD_LETTER_TOPIC") | [.key, (.headers.TENANT_ID == $a or .headers.TENANT_ID == $b)]' "$INV_EV" | sort -u)" \
	"[1001,true]"
check_eq "one dead letter in all" "$(dead_letters)" 1
it_finish
