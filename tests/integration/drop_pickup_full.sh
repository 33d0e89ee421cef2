#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Pick-up into a full inventory (kafka-contract.md#pick-up-flow step 4, kafka-contract.md#pick-up-on-drop-reserved, kafka-contract.md#cancel_reservation-drop, worked
# example B' kafka-contract.md#worked-examples; kafka-contract.md#pick-up-on-drop-reserved failure, OP-6), through the embedded
# Kafka with the real plugins.
#
# Character 12347's ETC compartment is full (slot 1: 98 Blue Snail Shells
# 4000000; slots 2..24: 4000001), its equipment compartment too (24 swords).
# 1. 5 shells (98 + 5 > 100: slot 1 would be filled and the overflow needs a
#    slot that does not exist): RESERVED, then only CANCEL_RESERVATION (same
#    transactionId, key dropId), then RESERVATION_FAILURE; slot 1 still holds
#    98 (the filled stack is rolled back too), no pick-up marker, the drop
#    AVAILABLE again (reservedBy 0, petSlot -1, dropTime unchanged).
# 2. A sword (B'): RESERVED, CANCEL_RESERVATION, RESERVATION_FAILURE; nothing added.
# 3. After the cancel the shells can be reserved by anyone and credited:
#    12346 (empty ETC) gets them.
. "$(dirname "$0")/lib.sh"
it_init
drop_start a
drop_outbox_log_init
T=$(uuid)
MAP='"worldId":0,"channelId":1,"mapId":100000000'
ZERO='"strength":0,"dexterity":0,"intelligence":0,"luck":0,"hp":0,"mp":0,"weaponAttack":0,"magicAttack":0,"weaponDefense":0,"magicDefense":0,"accuracy":0,"avoidability":0,"hands":0,"speed":0,"jump":0,"slots":0'
STATS='"strength":2,"dexterity":0,"intelligence":0,"luck":0,"hp":0,"mp":0,"weaponAttack":17,"magicAttack":0,"weaponDefense":0,"magicDefense":0,"accuracy":0,"avoidability":0,"hands":0,"speed":0,"jump":0,"slots":7'
drop_templates
drop_character 12347 12346
drop_inv 12347 4 CREATE_ASSET '{"templateId":4000000,"quantity":98}'
drop_inv 12347 4 CREATE_ASSET '{"templateId":4000001,"quantity":1}' "$(uuid)" --count 23
drop_inv 12347 1 CREATE_ASSET '{"templateId":1302000}' "$(uuid)" --count 24
check "12347's ETC and equipment compartments are full (24 + 24)" wait_until 15 \
	'[[ $(drop_assets 12347 4 | wc -l)$(drop_assets 12347 1 | wc -l) == 2424 ]]'
drop_cmd SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":4000000,\"quantity\":5,\"x\":1,\"y\":1,\"dropperId\":3000042}}"
drop_cmd SPAWN_FROM_CHARACTER "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":1302000,\"equipmentId\":777,\"quantity\":1,\"dropType\":2,\"ownerId\":12345,\"dropperId\":12345,\"playerDrop\":true,$STATS}}"
check "two drops on the map" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 2 ]]'
drop_quiet 10
ASSETS=$(sql "SELECT id, compartment_id, slot, template_id, quantity FROM assets ORDER BY id")
DROPS=$(sql "SELECT id, status, reserved_by, reserved_at, pet_slot, drop_time FROM drop_drops ORDER BY id")

# 1 and 2: the two reservations of 12347 fail in the inventory.
L=$(drop_outbox_last)
X1=$(uuid) X2=$(uuid)
drop_cmd REQUEST_RESERVATION "{\"transactionId\":\"$X1\",$MAP,\"body\":{\"dropId\":1000000001,\"characterId\":12347,\"petSlot\":2}}"
check "the shells' reservation is answered" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM it_outbox_log WHERE id > $L") == 3 ]]'
drop_cmd REQUEST_RESERVATION "{\"transactionId\":\"$X2\",$MAP,\"body\":{\"dropId\":1000000002,\"characterId\":12347}}"
check "the sword's reservation is answered" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM it_outbox_log WHERE id > $L") == 6 ]]'
drop_quiet 10
R1="{\"transactionId\":\"$X1\",$MAP,\"dropId\":1000000001,\"type\":\"RESERVED\",\"body\":{\"characterId\":12347,\"itemId\":4000000,\"equipmentId\":0,\"quantity\":5,\"meso\":0,$ZERO}}"
C1="{\"transactionId\":\"$X1\",$MAP,\"type\":\"CANCEL_RESERVATION\",\"body\":{\"dropId\":1000000001,\"characterId\":12347}}"
F1="{\"transactionId\":\"$X1\",$MAP,\"dropId\":1000000001,\"type\":\"RESERVATION_FAILURE\",\"body\":{\"characterId\":12347}}"
R2="{\"transactionId\":\"$X2\",$MAP,\"dropId\":1000000002,\"type\":\"RESERVED\",\"body\":{\"characterId\":12347,\"itemId\":1302000,\"equipmentId\":777,\"quantity\":1,\"meso\":0,$STATS}}"
C2="{\"transactionId\":\"$X2\",$MAP,\"type\":\"CANCEL_RESERVATION\",\"body\":{\"dropId\":1000000002,\"characterId\":12347}}"
F2="{\"transactionId\":\"$X2\",$MAP,\"dropId\":1000000002,\"type\":\"RESERVATION_FAILURE\",\"body\":{\"characterId\":12347}}"
check_eq "each: RESERVED, only CANCEL_RESERVATION, RESERVATION_FAILURE, in this order, byte for byte" \
	"$(drop_outbox_log "$L")" \
	"$(printf 'EVENT_TOPIC_DROP_STATUS\t%s\nCOMMAND_TOPIC_DROP\t%s\nEVENT_TOPIC_DROP_STATUS\t%s\nEVENT_TOPIC_DROP_STATUS\t%s\nCOMMAND_TOPIC_DROP\t%s\nEVENT_TOPIC_DROP_STATUS\t%s' \
		"$R1" "$C1" "$F1" "$R2" "$C2" "$F2")"
check_eq "nothing was added or changed in any inventory (slot 1 still 98)" \
	"$(sql "SELECT id, compartment_id, slot, template_id, quantity FROM assets ORDER BY id")" "$ASSETS"
check_eq "no pick-up marker" "$(sql "SELECT COUNT(*) FROM drop_pickups")" 0
check_eq "both drops AVAILABLE again, reservedAt null, petSlot -1, dropTime unchanged" \
	"$(sql "SELECT id, status, reserved_by, reserved_at, pet_slot, drop_time FROM drop_drops ORDER BY id")" "$DROPS"
check_eq "Kafka: the cancels keyed by dropId" \
	"$(watch_all COMMAND_TOPIC_DROP 6 5000 | jq -c 'select(.value.type == "CANCEL_RESERVATION") | [.key, .value.transactionId]' | sort)" \
	"$(printf '%s\n' "[1000000001,\"$X1\"]" "[1000000002,\"$X2\"]" | sort)"

# 3. Reserved again by someone with room, and credited.
L=$(drop_outbox_last)
X3=$(uuid)
drop_cmd REQUEST_RESERVATION "{\"transactionId\":\"$X3\",$MAP,\"body\":{\"dropId\":1000000001,\"characterId\":12346}}"
check "12346 picks the shells up" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 1 ]]'
drop_quiet 10
check_eq "RESERVED, asset CREATED, REQUEST_PICK_UP, PICKED_UP for 12346" \
	"$(drop_outbox_log "$L" | cut -f2 | jq -c '[.type, .transactionId, (.body.characterId // .characterId)]')" \
	"$(printf '%s\n' "[\"RESERVED\",\"$X3\",12346]" "[\"CREATED\",\"$X3\",12346]" "[\"REQUEST_PICK_UP\",\"$X3\",12346]" "[\"PICKED_UP\",\"$X3\",12346]")"
check_eq "12346's ETC holds the 5 shells" "$(drop_assets 12346 4)" "$(printf '1\t4000000\t5')"
check_eq "12347's ETC is unchanged" "$(drop_assets 12347 4 | head -n1)" "$(printf '1\t4000000\t98')"
check_eq "no dead letters" "$(dead_letters)" 0
it_finish
