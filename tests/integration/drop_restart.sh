#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Drops survive a restart (kafka-contract.md#shutdown-and-start, kafka-contract.md#drop-ids, kafka-contract.md#drop-expiry). cofferd a (duration
# 600 s, sweep every 200 ms) creates three drops (an item, an equipment
# with statistics, a meso drop reserved by character 55 with petSlot 1: meso,
# so that no inventory answers the reservation) and is stopped with SIGTERM:
# status 0, no EXPIRED at shutdown, the rows unchanged in drop_drops. cofferd b
# starts on the same database with a new embedded Kafka, and publishes a's 4
# events there again first (a's cluster died with it: docs/embedded-kafka.md
# "The embedded Kafka's own death"); the checks of b's events leave those out:
# * new drops get the next ids of the persisted sequence (1000000004, 5), not
#   the ids of drops still lying on the map;
# * with the sequence moved to 1999999999: 2000000000, then the wrap-around
#   skips every live id (1000000001..5) and gives 1000000006;
# * the reservation made before the restart completes: PICKED_UP with the
#   stored meso and petSlot;
# * the two other old drops expire in b, not before dropTime + duration, with
#   the spawn's transactionId and the stored tenant headers. The test does not
#   wait for the clock (that would make it depend on how fast the machine is):
#   nothing is due while it runs, and it moves the two drops' drop_time back
#   by the duration when it wants them due.
. "$(dirname "$0")/lib.sh"
it_init
DUR=600000
SETS=(--set drop.expiration_duration_ms=$DUR --set drop.expiration_interval_ms=200)
drop_start a "${SETS[@]}"
T=$(uuid)
MAP='"worldId":0,"channelId":3,"mapId":104000000'
X1=$(uuid) X2=$(uuid) X3=$(uuid) XR=$(uuid)
drop_cmd SPAWN "{\"transactionId\":\"$X1\",$MAP,\"body\":{\"itemId\":4000000,\"quantity\":2,\"dropperId\":5}}"
drop_cmd SPAWN "{\"transactionId\":\"$X2\",$MAP,\"body\":{\"itemId\":1302000,\"quantity\":1,\"dropperId\":5,\"strength\":1,\"weaponAttack\":19,\"slots\":5}}"
drop_cmd SPAWN "{\"transactionId\":\"$X3\",$MAP,\"body\":{\"mesos\":40,\"dropperId\":5}}"
check "three drops are created" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 3 ]]'
drop_cmd REQUEST_RESERVATION "{\"transactionId\":\"$XR\",$MAP,\"body\":{\"dropId\":1000000003,\"characterId\":55,\"petSlot\":1}}"
watch_all EVENT_TOPIC_DROP_STATUS 4 5000 >"$IT_W/a_events"
check_eq "a publishes 3 CREATED and the RESERVED" \
	"$(jq -s -c 'map(.value.type) | sort' "$IT_W/a_events")" '["CREATED","CREATED","CREATED","RESERVED"]'
COLS="id, status, reserved_by, pet_slot, drop_time, item_id, equipment_id, quantity, meso, strength, weapon_attack, slots"
BEFORE=$(sql "SELECT $COLS FROM drop_drops ORDER BY id")

coffer_stop a TERM
check_eq "SIGTERM: a exits with status 0" "${CRC[a]}" 0
check_eq "the drops are still in drop_drops, unchanged" \
	"$(sql "SELECT $COLS FROM drop_drops ORDER BY id")" "$BEFORE"
check_eq "with drop 3 RESERVED by 55, petSlot 1" \
	"$(drop_rows "id = 1000000003")" "$(printf '1000000003\tRESERVED\t55')"
check_eq "the sequence is persisted" "$(sql "SELECT last_id FROM drop_id_sequence WHERE tenant_id = '$T'")" 1000000003

drop_start b "${SETS[@]}"
A_IDS=$(jq -s -c 'map(.headers.EVENT_ID) | sort' "$IT_W/a_events")
check "b's new Kafka gets a's 4 drop events again" wait_until 10 '[[ $(watch_end EVENT_TOPIC_DROP_STATUS | wc -l) == 4 ]]'
check_eq "with their EVENT_IDs, and no other drop event yet" \
	"$(watch_end EVENT_TOPIC_DROP_STATUS | jq -s -c 'map(.headers.EVENT_ID) | sort')" "$A_IDS"
drop_cmd SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":2000001,\"quantity\":1,\"dropperId\":6}}"
drop_cmd SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":2000002,\"quantity\":1,\"dropperId\":6}}"
check "two new drops" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 5 ]]'
check_eq "they get the next ids 1000000004 and 1000000005" \
	"$(sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM drop_drops WHERE dropper_id = 6")" 1000000004,1000000005
check_eq "no old row was overwritten" \
	"$(sql "SELECT $COLS FROM drop_drops WHERE dropper_id = 5 ORDER BY id")" "$BEFORE"
sql "UPDATE drop_id_sequence SET last_id = 1999999999 WHERE tenant_id = '$T'"
drop_cmd SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":2000003,\"quantity\":1,\"dropperId\":7}}"
check "the drop of id 2000000000" wait_until 10 '[[ $(sql "SELECT id FROM drop_drops WHERE dropper_id = 7") == 2000000000 ]]'
drop_cmd SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":2000004,\"quantity\":1,\"dropperId\":8}}"
check "after the wrap-around the live ids are skipped: 1000000006" \
	wait_until 10 '[[ $(sql "SELECT id FROM drop_drops WHERE dropper_id = 8") == 1000000006 ]]'
check_eq "7 drops on the map, ids 1000000001..6 and 2000000000" \
	"$(sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM drop_drops WHERE tenant_id = '$T'")" \
	1000000001,1000000002,1000000003,1000000004,1000000005,1000000006,2000000000

XP=$(uuid)
drop_cmd REQUEST_PICK_UP "{\"transactionId\":\"$XP\",$MAP,\"body\":{\"dropId\":1000000003,\"characterId\":55}}"
check "the reservation made before the restart completes: drop 3 picked up" \
	wait_until 10 '[[ -z $(drop_rows "id = 1000000003") ]]'

# Moved back by the duration, drop 1 is due at its original drop_time (read
# before the move: the sweep may delete it at once).
DUE1=$(sql "SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01', drop_time) DIV 1000 FROM drop_drops WHERE id = 1000000001")
sql "UPDATE drop_drops SET drop_time = drop_time - INTERVAL $((DUR / 1000)) SECOND WHERE tenant_id = '$T' AND dropper_id = 5"
check "the two other old drops expire in b" \
	wait_until 20 '[[ $(sql "SELECT COUNT(*) FROM drop_drops WHERE dropper_id = 5") == 0 ]]'
# Their EXPIRED events commit with the deletions: once the outbox is empty,
# all of b's events are on its topic.
check "b's outbox is published" wait_outbox_empty
watch_end EVENT_TOPIC_DROP_STATUS | jq -c --argjson a "$A_IDS" 'select(.headers.EVENT_ID as $e | $a | index($e) | not)' \
	>"$IT_W/b_events"
check_eq "b: 4 CREATED, PICKED_UP of 3, EXPIRED of 1 and 2 (no other EXPIRED)" \
	"$(jq -s -c 'map(select(.value.type != "CREATED") | [.value.type, .value.dropId]) | sort' "$IT_W/b_events")" \
	'[["EXPIRED",1000000001],["EXPIRED",1000000002],["PICKED_UP",1000000003]]'
check_eq "b: the new CREATED carry the new ids" \
	"$(jq -s -c 'map(select(.value.type == "CREATED") | .key) | sort' "$IT_W/b_events")" \
	'[1000000004,1000000005,1000000006,2000000000]'
check_eq "PICKED_UP of drop 3: the stored meso and petSlot 1" \
	"$(jq -c 'select(.value.type == "PICKED_UP") | .value | [.transactionId, .body.characterId, .body.itemId, .body.equipmentId, .body.quantity, .body.meso, .body.petSlot]' "$IT_W/b_events")" \
	"[\"$XP\",55,0,0,0,40,1]"
E1=$(jq -c 'select(.value.type == "EXPIRED" and .value.dropId == 1000000001)' "$IT_W/b_events")
check_eq "EXPIRED of drop 1: exactly kafka-contract.md#drop-status-events with the spawn's transactionId" "$(jq -c .value <<<"$E1")" \
	"{\"transactionId\":\"$X1\",$MAP,\"dropId\":1000000001,\"type\":\"EXPIRED\",\"body\":{}}"
check_eq "EXPIRED of drop 1: key and the stored tenant headers" \
	"$(jq -c '[.key, .headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION]' <<<"$E1")" \
	"[1000000001,\"$T\",\"GMS\",83,1]"
check_eq "EXPIRED of drop 2 repeats its spawn's transactionId" \
	"$(jq -r 'select(.value.type == "EXPIRED" and .value.dropId == 1000000002) | .value.transactionId' "$IT_W/b_events")" "$X2"
TE=$(jq -r '.timestamp' <<<"$E1")
say "drop 1 expired $((TE - DUE1)) ms after it was due"
check "not before its (moved) drop_time + $DUR ms" test "$TE" -ge "$DUE1"
check_eq "the four new drops are still there" "$(sql "SELECT COUNT(*) FROM drop_drops")" 4
it_finish
