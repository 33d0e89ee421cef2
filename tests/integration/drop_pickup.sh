#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Picking drops up into an inventory (kafka-contract.md#pick-up-flow, kafka-contract.md#pick-up-on-drop-reserved, worked example B
# kafka-contract.md#worked-examples; kafka-contract.md#pick-up-on-drop-reserved, example A.4), through the embedded Kafka with the
# real asset, compartment, reservation and drop plugins.
#
# 1. Example B: the sword of example A (SPAWN_FROM_CHARACTER A3, drop
#    1000000001) is reserved by 12346 (B1). In this order: RESERVED (B2),
#    asset CREATED (a fresh equipable in 12346's equipment slot 1 with the
#    inline statistics, kafka-contract.md#referencedata), REQUEST_PICK_UP (B3, key
#    dropId), PICKED_UP (B4); all under B1's transactionId; each byte for byte.
# 2. example A.4: 10 Blue Snail Shells (4000000) into an ETC compartment with
#    95 in slot 2, 100 in slot 5, slots 1..6 used: RESERVED, QUANTITY_CHANGED
#    (slot 2 -> 100), CREATED (5 in slot 7), REQUEST_PICK_UP, PICKED_UP.
# 3. A reservation without transactionId (nil): RESERVED echoes nil; the
#    pick-up's asset event, REQUEST_PICK_UP and PICKED_UP share one new id.
# 4. Redelivery: both RESERVED events published again (new Kafka records, no
#    EVENT_ID) and the REQUEST_PICK_UPs sent again: nothing is credited twice,
#    nothing is emitted (pick-up markers, kafka-contract.md#pick-up-on-drop-reserved step 1; kafka-contract.md#request_pick_up).
. "$(dirname "$0")/lib.sh"
it_init
drop_start a
drop_outbox_log_init
T=6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b
NIL=00000000-0000-0000-0000-000000000000
MAP='"worldId":0,"channelId":1,"mapId":100000000'
NOEXP='"expiration":"0001-01-01T00:00:00Z"'
drop_templates
drop_character 12346
# ETC of 12346 as in A.4: 1 = 4000001, 2 = 4000000 x95, 3, 4 = 4000001, 5 = 4000000 x100, 6 = 4000001.
drop_inv 12346 4 CREATE_ASSET '{"templateId":4000001,"quantity":1}'
drop_inv 12346 4 CREATE_ASSET '{"templateId":4000000,"quantity":95}'
drop_inv 12346 4 CREATE_ASSET '{"templateId":4000001,"quantity":1}' "$(uuid)" --count 2
drop_inv 12346 4 CREATE_ASSET '{"templateId":4000000,"quantity":100}'
drop_inv 12346 4 CREATE_ASSET '{"templateId":4000001,"quantity":1}'
check "12346's ETC slots 1..6 are filled" wait_until 10 '[[ $(drop_assets 12346 4 | wc -l) == 6 ]]'
CE=$(drop_comp 12346 1)
C4=$(drop_comp 12346 4)
A41=$(sql "SELECT id FROM assets WHERE compartment_id = '$C4' AND slot = 2")
drop_quiet 10

# 1. Example B.
XA=5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b
STATS1='"strength":1,"dexterity":0,"intelligence":0,"luck":0,"hp":0,"mp":0,"weaponAttack":19,"magicAttack":0,"weaponDefense":0,"magicDefense":0,"accuracy":0,"avoidability":0,"hands":0,"speed":0,"jump":0,"slots":5'
ZERO='"strength":0,"dexterity":0,"intelligence":0,"luck":0,"hp":0,"mp":0,"weaponAttack":0,"magicAttack":0,"weaponDefense":0,"magicDefense":0,"accuracy":0,"avoidability":0,"hands":0,"speed":0,"jump":0,"slots":0'
drop_cmd SPAWN_FROM_CHARACTER "{\"transactionId\":\"$XA\",$MAP,\"body\":{\"itemId\":1302000,\"equipmentId\":5021,\"quantity\":1,\"mesos\":0,\"dropType\":2,\"x\":-120,\"y\":275,\"ownerId\":12345,\"ownerPartyId\":0,\"dropperId\":12345,\"dropperX\":-120,\"dropperY\":275,\"playerDrop\":true,\"mod\":0,$STATS1}}"
check "the sword lies on the map as drop 1000000001" wait_until 10 '[[ $(drop_rows) == "$(printf "1000000001\tAVAILABLE\t0")" ]]'
L=$(drop_outbox_last)
XB=9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d
drop_cmd REQUEST_RESERVATION "{\"transactionId\":\"$XB\",$MAP,\"type\":\"REQUEST_RESERVATION\",\"body\":{\"dropId\":1000000001,\"characterId\":12346,\"partyId\":0,\"characterX\":-110,\"characterY\":275,\"petSlot\":-1}}"
check "the sword is picked up (row gone)" wait_until 10 '[[ -z $(drop_rows) ]]'
drop_quiet 10
read -r NEW NEWREF NEWSLOT < <(sql "SELECT id, reference_id, slot FROM assets WHERE compartment_id = '$CE'")
check "a fresh asset id, its own referenceId (OP-27)" test -n "$NEW" -a "$NEW" = "$NEWREF" -a "$NEW" != 5021
B2="{\"transactionId\":\"$XB\",$MAP,\"dropId\":1000000001,\"type\":\"RESERVED\",\"body\":{\"characterId\":12346,\"itemId\":1302000,\"equipmentId\":5021,\"quantity\":1,\"meso\":0,$STATS1}}"
BC="{\"transactionId\":\"$XB\",\"characterId\":12346,\"compartmentId\":\"$CE\",\"assetId\":$NEW,\"templateId\":1302000,\"slot\":1,\"type\":\"CREATED\",\"body\":{\"referenceId\":$NEW,\"referenceType\":\"equipable\",\"referenceData\":{\"ownerId\":0,$STATS1,\"locked\":false,\"spikes\":false,\"karmaUsed\":false,\"cold\":false,\"canBeTraded\":false,\"levelType\":0,\"level\":0,\"experience\":0,\"hammersApplied\":0,$NOEXP},$NOEXP}}"
B3="{\"transactionId\":\"$XB\",$MAP,\"type\":\"REQUEST_PICK_UP\",\"body\":{\"dropId\":1000000001,\"characterId\":12346}}"
B4="{\"transactionId\":\"$XB\",$MAP,\"dropId\":1000000001,\"type\":\"PICKED_UP\",\"body\":{\"characterId\":12346,\"itemId\":1302000,\"equipmentId\":5021,\"quantity\":1,\"meso\":0,\"petSlot\":-1,$STATS1}}"
check_eq "example B: RESERVED, asset CREATED, REQUEST_PICK_UP, PICKED_UP, in this order, byte for byte" \
	"$(drop_outbox_log "$L")" \
	"$(printf 'EVENT_TOPIC_DROP_STATUS\t%s\nEVENT_TOPIC_ASSET_STATUS\t%s\nCOMMAND_TOPIC_DROP\t%s\nEVENT_TOPIC_DROP_STATUS\t%s' "$B2" "$BC" "$B3" "$B4")"
check_eq "the new sword in slot 1 carries the statistics" \
	"$(sql "SELECT slot, template_id, kind, strength, weapon_attack, upgrade_slots FROM assets WHERE id = $NEW")" \
	"$(printf '1\t1302000\tequipable\t1\t19\t5')"
check_eq "a pick-up marker for the drop" \
	"$(sql "SELECT drop_id, transaction_id, character_id FROM drop_pickups WHERE tenant_id = '$T'")" \
	"$(printf '1000000001\t%s\t12346' "$XB")"
check_eq "Kafka: REQUEST_PICK_UP keyed by dropId, with the tenant headers" \
	"$(watch_all COMMAND_TOPIC_DROP 3 5000 | jq -c 'select(.value.type == "REQUEST_PICK_UP") | [.key, .headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION, .value]')" \
	"[1000000001,\"$T\",\"GMS\",83,1,$B3]"
check_eq "Kafka: the asset CREATED keyed by characterId" \
	"$(watch_all EVENT_TOPIC_ASSET_STATUS 7 5000 | jq -c --arg x "$XB" 'select(.value.transactionId == $x) | [.key, .value]')" "[12346,$BC]"

# 2. example A.4: overflow into a new stack.
drop_cmd SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":4000000,\"quantity\":10,\"x\":5,\"y\":5,\"dropperId\":3000042}}"
check "drop 1000000002 lies on the map" wait_until 10 '[[ $(drop_rows) == "$(printf "1000000002\tAVAILABLE\t0")" ]]'
L=$(drop_outbox_last)
XS=$(uuid)
drop_cmd REQUEST_RESERVATION "{\"transactionId\":\"$XS\",$MAP,\"body\":{\"dropId\":1000000002,\"characterId\":12346,\"petSlot\":0}}"
check "the shells are picked up" wait_until 10 '[[ -z $(drop_rows) ]]'
drop_quiet 10
N7=$(sql "SELECT id FROM assets WHERE compartment_id = '$C4' AND slot = 7")
S1="{\"transactionId\":\"$XS\",$MAP,\"dropId\":1000000002,\"type\":\"RESERVED\",\"body\":{\"characterId\":12346,\"itemId\":4000000,\"equipmentId\":0,\"quantity\":10,\"meso\":0,$ZERO}}"
S2="{\"transactionId\":\"$XS\",\"characterId\":12346,\"compartmentId\":\"$C4\",\"assetId\":$A41,\"templateId\":4000000,\"slot\":2,\"type\":\"QUANTITY_CHANGED\",\"body\":{\"quantity\":100}}"
S3="{\"transactionId\":\"$XS\",\"characterId\":12346,\"compartmentId\":\"$C4\",\"assetId\":$N7,\"templateId\":4000000,\"slot\":7,\"type\":\"CREATED\",\"body\":{\"referenceId\":$N7,\"referenceType\":\"etc\",\"referenceData\":{\"ownerId\":0,\"quantity\":5,\"flag\":0},$NOEXP}}"
S4="{\"transactionId\":\"$XS\",$MAP,\"type\":\"REQUEST_PICK_UP\",\"body\":{\"dropId\":1000000002,\"characterId\":12346}}"
S5="{\"transactionId\":\"$XS\",$MAP,\"dropId\":1000000002,\"type\":\"PICKED_UP\",\"body\":{\"characterId\":12346,\"itemId\":4000000,\"equipmentId\":0,\"quantity\":10,\"meso\":0,\"petSlot\":0,$ZERO}}"
check_eq "A.4: RESERVED, QUANTITY_CHANGED 100, CREATED 5 in slot 7, REQUEST_PICK_UP, PICKED_UP (petSlot 0), byte for byte" \
	"$(drop_outbox_log "$L")" \
	"$(printf 'EVENT_TOPIC_DROP_STATUS\t%s\nEVENT_TOPIC_ASSET_STATUS\t%s\nEVENT_TOPIC_ASSET_STATUS\t%s\nCOMMAND_TOPIC_DROP\t%s\nEVENT_TOPIC_DROP_STATUS\t%s' "$S1" "$S2" "$S3" "$S4" "$S5")"
check_eq "12346's ETC after A.4" "$(drop_assets 12346 4 | tr '\t\n' ' ,')" \
	"1 4000001 1,2 4000000 100,3 4000001 1,4 4000001 1,5 4000000 100,6 4000001 1,7 4000000 5,"

# 3. No transactionId: one new id for the whole pick-up (OP-28).
drop_cmd SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":2000000,\"quantity\":3,\"dropperId\":3000042}}"
check "drop 1000000003 lies on the map" wait_until 10 '[[ $(drop_rows) == "$(printf "1000000003\tAVAILABLE\t0")" ]]'
L=$(drop_outbox_last)
drop_cmd REQUEST_RESERVATION "{$MAP,\"body\":{\"dropId\":1000000003,\"characterId\":12346}}"
check "the potions are picked up" wait_until 10 '[[ -z $(drop_rows) ]]'
drop_quiet 10
drop_outbox_log "$L" | cut -f2 >"$IT_W/nil"
check_eq "RESERVED, asset CREATED, REQUEST_PICK_UP, PICKED_UP" "$(jq -s -c 'map(.type)' "$IT_W/nil")" \
	'["RESERVED","CREATED","REQUEST_PICK_UP","PICKED_UP"]'
R=$(jq -r 'select(.type == "REQUEST_PICK_UP") | .transactionId' "$IT_W/nil")
check "RESERVED echoes the nil id; the other three share one new id" \
	test "$(jq -s -c 'map(.transactionId)' "$IT_W/nil")" = "[\"$NIL\",\"$R\",\"$R\",\"$R\"]" -a "$R" != "$NIL"
check_eq "the potions are in USE slot 1" "$(drop_assets 12346 2)" "$(printf '1\t2000000\t3')"

# 4. Redelivery of the RESERVED events and of the answers.
ASSETS=$(sql "SELECT id, slot, template_id, quantity FROM assets ORDER BY id")
L=$(drop_outbox_last)
N=$(drop_processed)
watch_all EVENT_TOPIC_DROP_STATUS 9 5000 | jq -c 'select(.value.type == "RESERVED") | .value' >"$IT_W/reserved"
check_eq "three RESERVED were published" "$(wc -l <"$IT_W/reserved")" 3
while read -r v; do
	send EVENT_TOPIC_DROP_STATUS RESERVED "$v" --tenant "$T" --region GMS --version 83.1
done <"$IT_W/reserved"
drop_cmd REQUEST_PICK_UP "$B3"
drop_cmd REQUEST_PICK_UP "$S4"
check "the five redelivered messages are processed" wait_until 10 '(( $(drop_processed) >= N + 5 ))'
drop_quiet 10
check_eq "nothing is emitted for them" "$(drop_outbox_log "$L")" ""
check_eq "nothing is credited twice" "$(sql "SELECT id, slot, template_id, quantity FROM assets ORDER BY id")" "$ASSETS"
check_eq "three pick-up markers" "$(sql "SELECT GROUP_CONCAT(drop_id ORDER BY drop_id) FROM drop_pickups")" \
	1000000001,1000000002,1000000003
check_eq "no dead letters" "$(dead_letters)" 0
it_finish
