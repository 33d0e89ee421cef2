#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# REST drop routes with curl (docs/rest.md): GET drops in a map ({"data":[...]} by drop id,
# AVAILABLE and RESERVED alike, {"data":[]} when none, world/channel/map truncated to their
# widths), GET /api/drops/{id} (served, RP-8: 200 / 404 / 400), 400 for every invalid path
# value, and a tenant never sees another tenant's drops whatever ids it sends.
. "$(dirname "$0")/rest_lib.sh"
rest_setup
T=$(uuid)
T2=$(uuid)
MAP='"worldId":0,"channelId":1,"mapId":100000000'
NSPAWN=0
# spawn BODY [TENANT]: one SPAWN; waits for its row.
spawn() {
	local x
	x=$(uuid)
	NSPAWN=$((NSPAWN + 1))
	send COMMAND_TOPIC_DROP SPAWN "{\"transactionId\":\"$x\",$MAP,\"body\":$1}" --tenant "${2:-$T}" --region GMS --version 83.1
	wait_until 15 "((\$(sql 'SELECT COUNT(*) FROM drop_drops') >= $NSPAWN))" || die "SPAWN not applied"
}

spawn '{"itemId":2000000,"quantity":3,"dropType":1,"x":-5,"y":7,"ownerId":0,"dropperId":9,"playerDrop":false}'
spawn '{"itemId":0,"mesos":100,"x":1,"y":2,"dropperId":9}'
spawn '{"itemId":1302000,"quantity":1,"x":3,"y":4,"ownerId":5,"dropperId":9,"playerDrop":true,"strength":4,"slots":7}'
# Drop ids count per tenant: T2's four drops reuse T's three ids and add one more.
for i in 1 2 3 4; do spawn '{"itemId":2000001,"quantity":1,"x":0,"y":0,"dropperId":1}' "$T2"; done
IDS=$(sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM drop_drops WHERE tenant_id = '$T'")
D1=${IDS%%,*}
D2T=$(sql "SELECT MAX(id) FROM drop_drops WHERE tenant_id = '$T2'")
check_eq "T2's last id is one T does not have" "$D2T" 1000000004
# Reserve the first drop: RESERVED drops are listed too.
XR=$(uuid)
send COMMAND_TOPIC_DROP REQUEST_RESERVATION "{\"transactionId\":\"$XR\",$MAP,\"body\":{\"dropId\":$D1,\"characterId\":5,\"partyId\":0,\"characterX\":0,\"characterY\":0,\"petSlot\":-1}}" \
	--tenant "$T" --region GMS --version 83.1
check "reserved" wait_until 15 '[[ $(sql "SELECT status FROM drop_drops WHERE tenant_id = '"'$T'"' AND id = $D1") == 1 || $(sql "SELECT status FROM drop_drops WHERE tenant_id = '"'$T'"' AND id = $D1") == RESERVED ]]'

say "GET drops in a map"
rq_is "GET map" 200 GET /api/worlds/0/channels/1/maps/100000000/drops
cp "$IT_W/rb" "$IT_W/map.json"
jqb "data only, an array" 'keys_unsorted == ["data"] and (.data | type) == "array"'
check_eq "T's three drops by id (not T2's)" "$(jq -r '[.data[].id] | join(",")' "$IT_W/rb")" "$IDS"
jqb "resources: type drops, decimal string id, attributes only" 'all(.data[]; keys_unsorted == ["type","id","attributes"] and .type == "drops" and (.id | test("^[0-9]+$")))'
jqb "attribute keys in order" 'all(.data[]; (.attributes | keys_unsorted) == ["worldId","channelId","mapId","itemId","equipmentId","quantity","meso","type","x","y","ownerId","ownerPartyId","dropTime","dropperId","dropperX","dropperY","characterDrop","mod"])'
jqb "JSON types" 'all(.data[].attributes; ([.worldId,.channelId,.mapId,.itemId,.equipmentId,.quantity,.meso,.type,.x,.y,.ownerId,.ownerPartyId,.dropperId,.dropperX,.dropperY,.mod] | map(type) | unique) == ["number"] and (.dropTime | type) == "string" and (.dropTime | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\\.[0-9]+)?Z$")) and (.characterDrop | type) == "boolean" and .mod == 0)'
jqb "the values of the spawns" '[.data[] | .attributes | [.worldId, .channelId, .mapId, .itemId, .quantity, .meso, .x, .y, .ownerId, .characterDrop, (.equipmentId != 0)]] ==
	[[0,1,100000000,2000000,3,0,-5,7,0,false,false],[0,1,100000000,0,0,100,1,2,0,false,false],[0,1,100000000,1302000,1,0,3,4,5,true,true]]'
rq GET /api/worlds/256/channels/257/maps/100000000/drops
check_eq "worldId 256 = 0, channelId 257 = 1 (truncated)" "$RS $(jq -c . "$IT_W/rb")" "200 $(jq -c . "$IT_W/map.json")"
rq GET /api/worlds/+0/channels/1/maps/4394967296/drops
check_eq "mapId 4394967296 = 100000000 (32 bits)" "$RS $(jq -r '[.data[].id] | join(",")' "$IT_W/rb")" "200 $IDS"
rq_is "an empty map" 200 GET /api/worlds/0/channels/1/maps/1/drops
check_eq "... is {\"data\":[]}" "$RB" '{"data":[]}'

say "GET drop by id"
rq_is "GET drop $D1" 200 GET /api/drops/$D1
check_eq "the same resource as in the map list" "$(jq -c .data "$IT_W/rb")" "$(jq -c ".data[0]" "$IT_W/map.json")"
jqb "keys" 'keys_unsorted == ["data"]'
rq_is "unknown id" 404 GET /api/drops/1999999999
rq_is "T2's drop $D2T from T" 404 GET /api/drops/$D2T
rq_is "T2 reads its own" 200 GET /api/drops/$D2T "$T2"
rq_is "T2 asks for id $D1" 200 GET /api/drops/$D1 "$T2"
check_eq "... and gets its own drop of that id, not T's" "$(jq -c '[.data.attributes.itemId, .data.attributes.dropperId]' "$IT_W/rb")" "[2000001,1]"
rq_is "T asks for id $D1" 200 GET /api/drops/$D1
check_eq "... and gets its own" "$(jq -c '[.data.attributes.itemId, .data.attributes.dropperId]' "$IT_W/rb")" "[2000000,9]"
rq_is "T2's map" 200 GET /api/worlds/0/channels/1/maps/100000000/drops "$T2"
check_eq "T2 sees only its four drops" "$(jq -c '[.data[] | [.id, .attributes.itemId]] | map(.[1]) | unique' "$IT_W/rb") $(jq '.data | length' "$IT_W/rb")" "[2000001] 4"

say "invalid values: 400"
for bad in x 1.5 0x1 %20 1%20 -- 99999999999999999999; do
	rq_is "drop id '$bad'" 400 GET "/api/drops/$bad"
	rq_is "worldId '$bad'" 400 GET "/api/worlds/$bad/channels/1/maps/100000000/drops"
	rq_is "channelId '$bad'" 400 GET "/api/worlds/0/channels/$bad/maps/100000000/drops"
	rq_is "mapId '$bad'" 400 GET "/api/worlds/0/channels/1/maps/$bad/drops"
done
check_eq "SQL: the drops unchanged" "$(sql "SELECT COUNT(*) FROM drop_drops")" 7
it_finish
