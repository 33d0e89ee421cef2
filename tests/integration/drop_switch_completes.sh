#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The drop switch stops new drop work, never a transfer that is half done
# (docs/kafka-contract.md DP-27, DP-29). Found by the fault soak (docs/soak.md):
# drop was switched off for a tenant after its inventory half had credited a
# pick-up and before the REQUEST_PICK_UP it sent was consumed; the command was
# skipped, so the item was both in the inventory and still on the ground.
#
# With drop off for T: SPAWN and REQUEST_RESERVATION change nothing and get no
# event (DP-27); REQUEST_PICK_UP (the picker was already credited) removes the
# drop with PICKED_UP, and SPAWN_FROM_CHARACTER (the item already left the
# character) creates its drop with CREATED. Another tenant is unaffected.
. "$(dirname "$0")/lib.sh"
it_init
drop_start a
T=$(uuid)
MAP='"worldId":0,"channelId":1,"mapId":100000000'
drop_cmd SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":4000000,\"quantity\":3,\"dropperId\":5}}"
check "the first drop is created" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 1 ]]'

loads=$(log_count 'event=features_loaded')
ctl feature set "$T" drop off || fail "cofferctl feature set $T drop off failed"
check "cofferd has the switch" wait_log 'event=features_loaded' $((loads + 1)) 30

drop_cmd SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":4000001,\"quantity\":1,\"dropperId\":6}}"
drop_cmd REQUEST_RESERVATION "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"dropId\":1000000001,\"characterId\":77}}"
check "SPAWN while off is refused" wait_log 'event=feature_disabled plugin=drop type=SPAWN' 1 10
check "REQUEST_RESERVATION while off is refused" \
	wait_log 'event=feature_disabled plugin=drop type=REQUEST_RESERVATION' 1 10
check_eq "neither changed anything" "$(drop_rows)" "$(printf '1000000001\tAVAILABLE\t0')"

XP=$(uuid) XS=$(uuid)
drop_cmd REQUEST_PICK_UP "{\"transactionId\":\"$XP\",$MAP,\"body\":{\"dropId\":1000000001,\"characterId\":77}}"
check "REQUEST_PICK_UP while off still removes the drop" wait_until 10 '[[ -z $(drop_rows "id = 1000000001") ]]'
drop_cmd SPAWN_FROM_CHARACTER "{\"transactionId\":\"$XS\",$MAP,\"body\":{\"itemId\":2000000,\"quantity\":4,\"dropType\":2,\"ownerId\":77,\"dropperId\":77,\"playerDrop\":true}}"
check "SPAWN_FROM_CHARACTER while off still creates the drop" \
	wait_until 10 '[[ $(sql "SELECT CONCAT(item_id, \"x\", quantity) FROM drop_drops WHERE transaction_id = \"$XS\"") == 2000000x4 ]]'

wait_outbox_empty
E=$(watch_end EVENT_TOPIC_DROP_STATUS | jq -c 'select(.value.transactionId == "'"$XP"'" or .value.transactionId == "'"$XS"'") | .value.transactionId + " " + .value.type' | sort)
check_eq "their events: PICKED_UP and CREATED" "$E" "$(printf '"%s PICKED_UP"\n"%s CREATED"\n' "$XP" "$XS" | sort)"
check_eq "the refused SPAWN and REQUEST_RESERVATION emitted nothing: 3 drop events in all" \
	"$(watch_end EVENT_TOPIC_DROP_STATUS | wc -l)" 3

loads=$(log_count 'event=features_loaded')
ctl feature set "$T" drop on || fail "cofferctl feature set $T drop on failed"
check "cofferd has the switch back on" wait_log 'event=features_loaded' $((loads + 1)) 30
drop_cmd SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":4000001,\"quantity\":1,\"dropperId\":8}}"
check "back on: SPAWN creates a drop" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops WHERE dropper_id = 8") == 1 ]]'
check_eq "no dead letters" "$(dead_letters)" 0
it_finish
