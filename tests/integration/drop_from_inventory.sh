#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A character drops something from its inventory (kafka-contract.md#drop-from-inventory-flow and worked
# example A kafka-contract.md#worked-examples; kafka-contract.md#drop-compartment, kafka-contract.md#drop-ids), through the embedded Kafka with
# the real asset, compartment, reservation and drop plugins.
#
# Character 12345 has the sword 1302000 in equipment slot 3 (STR 1, W.ATT 19,
# 5 slots) and 50 Red Potions (2000000) in USE slot 1.
# 1. DROP of the sword (example A1, same transactionId): in this order, asset
#    DELETED (A2), COMMAND_TOPIC_DROP SPAWN_FROM_CHARACTER (A3, equipmentId =
#    the sword's referenceId, the inline statistics), drop CREATED (A4, id
#    1000000001), each exactly as the contract writes it (dropTime from the row),
#    with its key (characterId, mapId, dropId) and tenant headers.
# 2. DROP of 10 potions of 50: QUANTITY_CHANGED 40, SPAWN_FROM_CHARACTER of 10
#    with equipmentId 0 and 16 zero statistics, CREATED 1000000002.
# 3. DROP of more than the stack holds, and of an empty slot: nothing at all.
# The order across topics is read from a trigger copy of coffer_outbox (what
# each transaction committed, in order), the messages from Kafka.
. "$(dirname "$0")/lib.sh"
it_init
drop_start a
drop_outbox_log_init
T=6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b
drop_templates
drop_character 12345
drop_inv 12345 1 CREATE_ASSET '{"templateId":1302000}' "$(uuid)" --count 3
drop_inv 12345 2 CREATE_ASSET '{"templateId":2000000,"quantity":50}'
check "three swords and the potions are in the inventory" wait_until 10 \
	'[[ $(sql "SELECT COUNT(*) FROM assets WHERE tenant_id = '"'$T'"'") == 4 ]]'
sql "UPDATE assets SET strength = 1, weapon_attack = 19, upgrade_slots = 5 WHERE tenant_id = '$T'
	AND compartment_id = '$(drop_comp 12345 1)' AND slot = 3"
read -r SWORD SWORD_REF < <(sql "SELECT id, reference_id FROM assets WHERE tenant_id = '$T' AND compartment_id = '$(drop_comp 12345 1)' AND slot = 3")
read -r POT < <(sql "SELECT id FROM assets WHERE tenant_id = '$T' AND compartment_id = '$(drop_comp 12345 2)' AND slot = 1")
check "the sword's referenceId is non-zero" test "${SWORD_REF:-0}" -gt 0
C1=$(drop_comp 12345 1)
C2=$(drop_comp 12345 2)
drop_quiet 10
L0=$(drop_outbox_last)

# 1. The sword (example A).
XA=5f1b6a4e-2c3d-4e5f-8a9b-0c1d2e3f4a5b
drop_inv 12345 1 DROP '{"worldId":0,"channelId":1,"mapId":100000000,"source":3,"quantity":1,"x":-120,"y":275}' "$XA"
check "the drop 1000000001 is created" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 1 ]]'
drop_quiet 10
DT=$(sql "SELECT CONCAT(DATE_FORMAT(drop_time, '%Y-%m-%dT%H:%i:%s'), TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM DATE_FORMAT(drop_time, '.%f'))), 'Z') FROM drop_drops WHERE id = 1000000001")
STATS1='"strength":1,"dexterity":0,"intelligence":0,"luck":0,"hp":0,"mp":0,"weaponAttack":19,"magicAttack":0,"weaponDefense":0,"magicDefense":0,"accuracy":0,"avoidability":0,"hands":0,"speed":0,"jump":0,"slots":5'
A2="{\"transactionId\":\"$XA\",\"characterId\":12345,\"compartmentId\":\"$C1\",\"assetId\":$SWORD,\"templateId\":1302000,\"slot\":3,\"type\":\"DELETED\",\"body\":{}}"
A3="{\"transactionId\":\"$XA\",\"worldId\":0,\"channelId\":1,\"mapId\":100000000,\"type\":\"SPAWN_FROM_CHARACTER\",\"body\":{\"itemId\":1302000,\"equipmentId\":$SWORD_REF,\"quantity\":1,\"mesos\":0,\"dropType\":2,\"x\":-120,\"y\":275,\"ownerId\":12345,\"ownerPartyId\":0,\"dropperId\":12345,\"dropperX\":-120,\"dropperY\":275,\"playerDrop\":true,\"mod\":0,$STATS1}}"
A4="{\"transactionId\":\"$XA\",\"worldId\":0,\"channelId\":1,\"mapId\":100000000,\"dropId\":1000000001,\"type\":\"CREATED\",\"body\":{\"itemId\":1302000,\"quantity\":1,\"meso\":0,\"type\":2,\"x\":-120,\"y\":275,\"ownerId\":12345,\"ownerPartyId\":0,\"dropTime\":\"$DT\",\"dropperUniqueId\":12345,\"dropperX\":-120,\"dropperY\":275,\"playerDrop\":true}}"
check_eq "DROP of the sword: asset DELETED, SPAWN_FROM_CHARACTER, CREATED, in this order, byte for byte" \
	"$(drop_outbox_log "$L0")" \
	"$(printf 'EVENT_TOPIC_ASSET_STATUS\t%s\nCOMMAND_TOPIC_DROP\t%s\nEVENT_TOPIC_DROP_STATUS\t%s' "$A2" "$A3" "$A4")"
check_eq "the sword is gone from slot 3" "$(drop_assets 12345 1 | cut -f1 | tr '\n' ,)" "1,2,"
check_eq "the drop row: equipment marker, statistics, player drop, AVAILABLE" \
	"$(sql "SELECT item_id, equipment_id, quantity, strength, weapon_attack, slots, drop_type, owner_id, dropper_id, player_drop, status, pet_slot FROM drop_drops WHERE id = 1000000001")" \
	"$(printf '1302000\t%s\t1\t1\t19\t5\t2\t12345\t12345\t1\tAVAILABLE\t-1' "$SWORD_REF")"

watch_all EVENT_TOPIC_ASSET_STATUS 5 5000 >"$IT_W/asset"
watch_all COMMAND_TOPIC_DROP 1 5000 >"$IT_W/cmd"
watch_all EVENT_TOPIC_DROP_STATUS 1 5000 >"$IT_W/drop"
HDR="\"$T\",\"GMS\",83,1"
check_eq "Kafka: A2 on EVENT_TOPIC_ASSET_STATUS, key characterId 12345" \
	"$(jq -c --arg x "$XA" 'select(.value.transactionId == $x) | [.key, .headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION, .value]' "$IT_W/asset")" \
	"[12345,$HDR,$A2]"
check_eq "Kafka: A3 on COMMAND_TOPIC_DROP, key mapId 100000000" \
	"$(jq -c '[.key, .headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION, .value]' "$IT_W/cmd")" \
	"[100000000,$HDR,$A3]"
check_eq "Kafka: A4 on EVENT_TOPIC_DROP_STATUS, key dropId 1000000001" \
	"$(jq -c '[.key, .headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION, .value]' "$IT_W/drop")" \
	"[1000000001,$HDR,$A4]"

# 2. Ten of the fifty potions.
L1=$(drop_outbox_last)
XP=$(uuid)
drop_inv 12345 2 DROP '{"worldId":0,"channelId":1,"mapId":100000000,"source":1,"quantity":10,"x":120,"y":-30}' "$XP"
check "the drop 1000000002 is created" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 2 ]]'
drop_quiet 10
DT=$(sql "SELECT CONCAT(DATE_FORMAT(drop_time, '%Y-%m-%dT%H:%i:%s'), TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM DATE_FORMAT(drop_time, '.%f'))), 'Z') FROM drop_drops WHERE id = 1000000002")
ZERO='"strength":0,"dexterity":0,"intelligence":0,"luck":0,"hp":0,"mp":0,"weaponAttack":0,"magicAttack":0,"weaponDefense":0,"magicDefense":0,"accuracy":0,"avoidability":0,"hands":0,"speed":0,"jump":0,"slots":0'
P1="{\"transactionId\":\"$XP\",\"characterId\":12345,\"compartmentId\":\"$C2\",\"assetId\":$POT,\"templateId\":2000000,\"slot\":1,\"type\":\"QUANTITY_CHANGED\",\"body\":{\"quantity\":40}}"
P2="{\"transactionId\":\"$XP\",\"worldId\":0,\"channelId\":1,\"mapId\":100000000,\"type\":\"SPAWN_FROM_CHARACTER\",\"body\":{\"itemId\":2000000,\"equipmentId\":0,\"quantity\":10,\"mesos\":0,\"dropType\":2,\"x\":120,\"y\":-30,\"ownerId\":12345,\"ownerPartyId\":0,\"dropperId\":12345,\"dropperX\":120,\"dropperY\":-30,\"playerDrop\":true,\"mod\":0,$ZERO}}"
P3="{\"transactionId\":\"$XP\",\"worldId\":0,\"channelId\":1,\"mapId\":100000000,\"dropId\":1000000002,\"type\":\"CREATED\",\"body\":{\"itemId\":2000000,\"quantity\":10,\"meso\":0,\"type\":2,\"x\":120,\"y\":-30,\"ownerId\":12345,\"ownerPartyId\":0,\"dropTime\":\"$DT\",\"dropperUniqueId\":12345,\"dropperX\":120,\"dropperY\":-30,\"playerDrop\":true}}"
check_eq "DROP of 10 of 50: QUANTITY_CHANGED 40, SPAWN_FROM_CHARACTER of 10, CREATED, in this order, byte for byte" \
	"$(drop_outbox_log "$L1")" \
	"$(printf 'EVENT_TOPIC_ASSET_STATUS\t%s\nCOMMAND_TOPIC_DROP\t%s\nEVENT_TOPIC_DROP_STATUS\t%s' "$P1" "$P2" "$P3")"
check_eq "40 potions left in slot 1" "$(drop_assets 12345 2)" "$(printf '1\t2000000\t40')"
check_eq "Kafka: the three potion messages were published as committed" \
	"$(wait_outbox_empty; watch_end EVENT_TOPIC_ASSET_STATUS COMMAND_TOPIC_DROP EVENT_TOPIC_DROP_STATUS | jq -c --arg x "$XP" 'select(.value.transactionId == $x) | .value' | sort)" \
	"$(printf '%s\n' "$P1" "$P2" "$P3" | jq -c . | sort)"

# 3. Refused drops change nothing and emit nothing.
L2=$(drop_outbox_last)
N=$(drop_processed)
drop_inv 12345 2 DROP '{"worldId":0,"channelId":1,"mapId":100000000,"source":1,"quantity":41,"x":0,"y":0}'
drop_inv 12345 2 DROP '{"worldId":0,"channelId":1,"mapId":100000000,"source":7,"quantity":1,"x":0,"y":0}'
check "both refused DROPs are processed" wait_until 10 '(( $(drop_processed) >= N + 2 ))'
drop_quiet 10
check_eq "DROP of 41 of 40 and of an empty slot: nothing emitted" "$(drop_outbox_log "$L2")" ""
check_eq "the potions are untouched" "$(drop_assets 12345 2)" "$(printf '1\t2000000\t40')"
check_eq "no third drop" "$(sql "SELECT COUNT(*) FROM drop_drops")" 2
check_eq "no dead letters" "$(dead_letters)" 0
it_finish
