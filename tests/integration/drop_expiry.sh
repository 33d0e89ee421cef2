#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Drop expiry through the embedded Kafka (kafka-contract.md#drop-expiry, kafka-contract.md#drop-status-events, kafka-contract.md#drop-states), with the
# real drop plugin: expiration_duration_ms 5000, expiration_interval_ms 200,
# reservation_grace_ms 6000.
#
# Tenant T spawns an item drop A, a meso drop B and an equipment drop C;
# tenant U (other region and version) spawns one drop too. B is reserved at
# once, C is picked up at once. Expected:
# * A: CREATED, then EXPIRED no earlier than dropTime + 5000 ms (how much later
#   is printed, not asserted: that is a speed, and tests assert behaviour), exactly kafka-contract.md#drop-status-events (the spawn's transactionId, its
#   location, body {}), key dropId, the stored tenant headers; the row is gone.
# * B (RESERVED): not expired at dropTime + duration; expired only once
#   reservedAt + grace has passed too.
# * C (picked up): no EXPIRED.
# * U's drop: its own id 1000000001 (ids per tenant) and U's headers on EXPIRED.
. "$(dirname "$0")/lib.sh"
it_init
drop_start a --set drop.expiration_duration_ms=5000 --set drop.expiration_interval_ms=200 \
	--set drop.reservation_grace_ms=6000
T=$(uuid)
U=$(uuid)
MAP='"worldId":1,"channelId":2,"mapId":211000000'
XA=$(uuid) XB=$(uuid) XC=$(uuid) XU=$(uuid)
drop_cmd SPAWN "{\"transactionId\":\"$XA\",$MAP,\"body\":{\"itemId\":2000000,\"quantity\":3,\"dropType\":1,\"x\":-5,\"y\":7,\"ownerId\":0,\"dropperId\":9,\"playerDrop\":false}}"
drop_cmd SPAWN "{\"transactionId\":\"$XB\",$MAP,\"body\":{\"itemId\":0,\"mesos\":100,\"x\":1,\"y\":2,\"dropperId\":9}}"
drop_cmd SPAWN "{\"transactionId\":\"$XC\",$MAP,\"body\":{\"itemId\":1302000,\"quantity\":1,\"x\":3,\"y\":4,\"dropperId\":9,\"strength\":4,\"slots\":7}}"
send COMMAND_TOPIC_DROP SPAWN "{\"transactionId\":\"$XU\",$MAP,\"body\":{\"itemId\":4000000,\"quantity\":1,\"dropperId\":9}}" \
	--tenant "$U" --region EMS --version 95.2
check "four drops are created" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 4 ]]'
drop_cmd REQUEST_RESERVATION "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"dropId\":1000000002,\"characterId\":77}}"
drop_cmd REQUEST_PICK_UP "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"dropId\":1000000003,\"characterId\":88}}"
check "B is reserved and C is picked up" wait_until 5 \
	'[[ $(drop_rows "tenant_id = '"'$T'"'" | tr "\t\n" ",,") == "1000000001,AVAILABLE,0,1000000002,RESERVED,77," ]]'
RES_AT=$(sql "SELECT DATE_FORMAT(reserved_at, '%Y-%m-%dT%H:%i:%s.%fZ') FROM drop_drops WHERE tenant_id = '$T' AND id = 1000000002")

watch_all EVENT_TOPIC_DROP_STATUS 6 5000 >"$IT_W/created"
ms_of() { date -d "$1" +%s%3N; }
DT_A=$(jq -r 'select(.value.type == "CREATED" and .value.transactionId == "'$XA'") | .value.body.dropTime' "$IT_W/created")
DT_B=$(jq -r 'select(.value.type == "CREATED" and .value.transactionId == "'$XB'") | .value.body.dropTime' "$IT_W/created")
check_eq "four CREATED" "$(jq -s 'map(select(.value.type == "CREATED")) | length' "$IT_W/created")" 4
check "CREATED carries dropTime" test -n "$DT_A" -a -n "$DT_B"
say "A dropped at $DT_A, B dropped at $DT_B, B reserved at $RES_AT"

# Halfway through the duration nothing has expired.
wait_until 5 '(( $(date +%s%3N) >= $(ms_of "$DT_A") + 2500 ))'
check_eq "2.5 s after the drop: A and B are still on the map" \
	"$(sql "SELECT COUNT(*) FROM drop_drops WHERE tenant_id = '$T'")" 2

check "A expires" wait_until 10 '[[ -z $(drop_rows "tenant_id = '"'$T'"' AND id = 1000000001") ]]'
check "U's drop expires" wait_until 5 '[[ $(sql "SELECT COUNT(*) FROM drop_drops WHERE tenant_id = '"'$U'"'") == 0 ]]'
check_eq "B, reserved, is still there when A's duration has passed" \
	"$(drop_rows "tenant_id = '$T'")" "$(printf '1000000002\tRESERVED\t77')"
check "B expires after its grace" wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 0 ]]'

# The EXPIRED events commit with the deletions: once the outbox is empty they
# are all on the topic.
check "the outbox is published" wait_outbox_empty
watch_end EVENT_TOPIC_DROP_STATUS >"$IT_W/all"
E=$(jq -c 'select(.value.type == "EXPIRED")' "$IT_W/all")
check_eq "three EXPIRED (A, B, U's), none for the picked-up C" \
	"$(jq -s -c 'map([.headers.TENANT_ID, .value.dropId]) | sort' <<<"$E")" \
	"$(jq -n -c --arg t "$T" --arg u "$U" '[[$t, 1000000001], [$t, 1000000002], [$u, 1000000001]] | sort')"
EA=$(jq -c 'select(.value.transactionId == "'$XA'")' <<<"$E")
check_eq "A's EXPIRED is exactly kafka-contract.md#drop-status-events (the spawn's transactionId, location, body {})" \
	"$(jq -c '.value' <<<"$EA")" \
	"{\"transactionId\":\"$XA\",$MAP,\"dropId\":1000000001,\"type\":\"EXPIRED\",\"body\":{}}"
check_eq "A's EXPIRED: key dropId, the stored tenant headers" \
	"$(jq -c '[.key, .headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION]' <<<"$EA")" \
	"[1000000001,\"$T\",\"GMS\",83,1]"
TA=$(jq -r '.timestamp' <<<"$EA")
say "A expired $((TA - $(ms_of "$DT_A"))) ms after its dropTime"
check "A's EXPIRED is published after dropTime + 5000 ms" test "$TA" -ge $(($(ms_of "$DT_A") + 5000))
EB=$(jq -c 'select(.value.transactionId == "'$XB'")' <<<"$E")
TB=$(jq -r '.timestamp' <<<"$EB")
say "B expired $((TB - $(ms_of "$RES_AT"))) ms after its reservation"
check "B's EXPIRED is published after reservedAt + 6000 ms (grace)" test "$TB" -ge $(($(ms_of "$RES_AT") + 6000))
check_eq "B's EXPIRED repeats its spawn's transactionId" "$(jq -c '[.value.dropId, .value.body]' <<<"$EB")" '[1000000002,{}]'
EU=$(jq -c 'select(.value.transactionId == "'$XU'")' <<<"$E")
check_eq "U's EXPIRED carries U's stored headers (region EMS, 95.2)" \
	"$(jq -c '[.key, .headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION, .value.dropId]' <<<"$EU")" \
	"[1000000001,\"$U\",\"EMS\",95,2,1000000001]"
check_eq "in all: 4 CREATED, 1 RESERVED, 1 PICKED_UP, 3 EXPIRED" \
	"$(jq -s -c 'group_by(.value.type) | map([.[0].value.type, length])' "$IT_W/all")" \
	'[["CREATED",4],["EXPIRED",3],["PICKED_UP",1],["RESERVED",1]]'
# A late pick-up of the expired A, then a SPAWN with the same key (dropId of
# A: one partition, one worker, offset order): once the SPAWN's drop exists,
# the pick-up has been handled and everything it emitted has committed.
XL=$(uuid) XS=$(uuid)
drop_cmd REQUEST_PICK_UP "{\"transactionId\":\"$XL\",$MAP,\"body\":{\"dropId\":1000000001,\"characterId\":77}}"
drop_cmd SPAWN "{\"transactionId\":\"$XS\",$MAP,\"body\":{\"itemId\":2000000,\"quantity\":1,\"dropperId\":99}}" --key 1000000001
check "the SPAWN behind the late pick-up is applied" \
	wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops WHERE dropper_id = 99") == 1 ]]'
check_eq "the late pick-up of the expired A emits nothing" "$(outbox_logged_txn "$XL")" 0
check_eq "and changes nothing: only the new drop is on the map" "$(sql "SELECT COUNT(*) FROM drop_drops")" 1
check "the outbox is drained" wait_outbox_empty
check_eq "on the topic: the 9 events before, and the new drop's CREATED" \
	"$(watch_end EVENT_TOPIC_DROP_STATUS | jq -s -c '[length, (map(select(.value.transactionId == "'"$XL"'")) | length),
		(map(select(.value.type == "CREATED")) | length)]')" '[10,0,5]'
it_finish
