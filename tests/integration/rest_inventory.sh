#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# REST inventory routes with curl (docs/rest.md): GET, POST, DELETE
# /api/characters/{characterId}/inventory. Documents against the contract's shapes: key
# order, JSON types, compartments by type then their assets by slot, `included` complete
# and absent when empty, a fresh inventory id per answer, cashId a string, the zero time;
# POST and DELETE have character CREATED's / DELETED's rows and events; every invalid
# characterId answers 400 with an empty body; another tenant never reads or deletes them.
. "$(dirname "$0")/rest_lib.sh"
rest_setup
T=$(uuid)
T2=$(uuid)
C=1001
inv_templates "$T"

say "GET of a character without inventory"
rq_is "GET empty" 200 GET /api/characters/$C/inventory
jqb "empty: data only, no included" '(keys_unsorted == ["data"]) and (.data | keys_unsorted) == ["type","id","attributes","relationships"]'
jqb "empty: inventories, uuid id, characterId, no compartments" \
	'.data.type == "inventories" and (.data.id | test("'"$UUID_RE"'")) and .data.attributes == {"characterId":'$C'} and .data.relationships.compartments.data == []'
jqb "empty: relationship links" '.data.relationships.compartments.links == {"related":"/api/inventories/\(.data.id)/compartments","self":"/api/inventories/\(.data.id)/relationships/compartments"}'

say "POST creates the inventory"
rq_is "POST" 200 POST /api/characters/$C/inventory
jqb "POST: five compartments, types 1..5, capacity 24, no assets" \
	'[.included[] | select(.type == "compartments") | [.attributes.type, .attributes.capacity, .relationships.assets.data]] == [[1,24,[]],[2,24,[]],[3,24,[]],[4,24,[]],[5,24,[]]]'
jqb "POST: relationship lists them in the same order" '[.data.relationships.compartments.data[].id] == [.included[].id]'
check_eq "SQL: five compartments of capacity 24" "$(sql "SELECT GROUP_CONCAT(inventory_type, ':', capacity ORDER BY inventory_type)
	FROM compartments WHERE tenant_id = '$T' AND character_id = $C")" "1:24,2:24,3:24,4:24,5:24"
check_eq "POST: compartment ids are the rows'" "$(jq -r '[.included[].id] | join(",")' "$IT_W/rb")" \
	"$(sql "SELECT GROUP_CONCAT(id ORDER BY inventory_type) FROM compartments WHERE tenant_id = '$T' AND character_id = $C")"
check "POST: five compartment CREATED and inventory CREATED" rest_wait_ev EVENT_TOPIC_INVENTORY_STATUS $C CREATED 1
check "POST: ... compartment CREATED x5" rest_wait_ev EVENT_TOPIC_COMPARTMENT_STATUS $C CREATED 5
check_eq "POST: compartment CREATED bodies by type" "$(rest_ev EVENT_TOPIC_COMPARTMENT_STATUS $C CREATED | jq -c .body | paste -sd' ')" \
	'{"type":1,"capacity":24} {"type":2,"capacity":24} {"type":3,"capacity":24} {"type":4,"capacity":24} {"type":5,"capacity":24}'
check_eq "POST: inventory CREATED exactly" "$(rest_ev EVENT_TOPIC_INVENTORY_STATUS $C CREATED)" "{\"characterId\":$C,\"type\":\"CREATED\",\"body\":{}}"

say "POST again: 500, nothing changes"
rq_is "POST again" 500 POST /api/characters/$C/inventory
# A MERGE of the empty etc compartment emits MERGE_COMPLETE on the compartment topic, key C:
# once it is there, any compartment event of the refused POST would be there before it.
XM=$(uuid)
inv_cmd "$T" $C 4 MERGE '{}' "$XM"
check "marker MERGE_COMPLETE arrived" inv_wait_txn "$XM" 1
check_eq "no further compartment CREATED" "$(rest_nev EVENT_TOPIC_COMPARTMENT_STATUS $C CREATED)" 5
check_eq "SQL: still five compartments" "$(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '$T'")" 5

say "assets: the document"
rest_asset "$T" $C 2 2000001 7
rest_asset "$T" $C 2 2000000 5
rest_asset "$T" $C 1 1040002 1
rest_asset "$T" $C 1 1302000 1
XE=$(uuid)
inv_cmd "$T" $C 1 EQUIP '{"source":1,"destination":-5}' "$XE"
check "EQUIP applied" inv_wait_txn "$XE" 1
rq_is "GET with assets" 200 GET /api/characters/$C/inventory
cp "$IT_W/rb" "$IT_W/inv1.json"
jqb "keys: data, included" 'keys_unsorted == ["data","included"]'
jqb "included: 5 compartments then 4 assets" '[.included[].type] == ["compartments","compartments","compartments","compartments","compartments","assets","assets","assets","assets"]'
jqb "assets: equip compartment's (slot -5, 1) then use's (1, 2), by slot" \
	'[.included[] | select(.type == "assets") | [.attributes.slot, .attributes.templateId]] == [[-5,1040002],[2,1302000],[1,2000001],[2,2000000]]'
jqb "each compartment's relationship lists its assets in that order" \
	'. as $d | [.included[] | select(.type == "compartments") | .relationships.assets.data[].id] == [$d.included[] | select(.type == "assets") | .id]'
jqb "asset resources: type, id (decimal string), attributes, no relationships" \
	'all(.included[] | select(.type == "assets"); keys_unsorted == ["type","id","attributes"] and (.id | test("^[0-9]+$")))'
jqb "asset attributes: the classic keys first, in order" \
	'all(.included[] | select(.type == "assets"); (.attributes | keys_unsorted)[0:6] == ["slot","templateId","expiration","referenceId","referenceType","referenceData"])'
jqb "asset attributes: today's flattened keys after them" \
	'all(.included[] | select(.type == "assets"); (.attributes | keys_unsorted)[6:] == ["createdAt","quantity","ownerId","owner","flag","rechargeable","strength","dexterity","intelligence","luck","hp","mp","weaponAttack","magicAttack","weaponDefense","magicDefense","accuracy","avoidability","hands","speed","jump","slots","levelType","level","experience","hammersApplied","equippedSince","cashId","commodityId","purchaseBy","petId"])'
jqb "JSON types: numbers, zero time, string cashId" \
	'all(.included[] | select(.type == "assets") | .attributes; (.slot|type) == "number" and (.templateId|type) == "number" and .expiration == "'$ZERO_TIME'" and (.referenceId|type) == "number" and (.referenceType|type) == "string" and (.referenceData|type) == "object" and (.cashId|type) == "string" and (.createdAt|type) == "string")'
jqb "consumable referenceData exactly" \
	'[.included[] | select(.type == "assets" and .attributes.templateId == 2000000) | .attributes.referenceData] == [{"ownerId":0,"quantity":5,"flag":0,"rechargeable":0}]'
jqb "equipable referenceData: the keys in order, statistics from the template" \
	'[.included[] | select(.type == "assets" and .attributes.templateId == 1040002) | .attributes | [.referenceType, (.referenceData | keys_unsorted), .referenceData.weaponDefense, .referenceData.slots]] == [["equipable",["ownerId","strength","dexterity","intelligence","luck","hp","mp","weaponAttack","magicAttack","weaponDefense","magicDefense","accuracy","avoidability","hands","speed","jump","slots","locked","spikes","karmaUsed","cold","canBeTraded","levelType","level","experience","hammersApplied"],3,7]]'
check_eq "asset ids are the rows'" "$(jq -r '[.included[] | select(.type == "assets") | .id] | sort | join(",")' "$IT_W/inv1.json")" \
	"$(sql "SELECT GROUP_CONCAT(id ORDER BY CAST(id AS CHAR)) FROM assets WHERE tenant_id = '$T'")"
rq GET /api/characters/$C/inventory
check "a fresh inventory id per answer" test "$(jq -r .data.id "$IT_W/rb")" != "$(jq -r .data.id "$IT_W/inv1.json")"
check_eq "otherwise the same document" "$(jq -c 'del(.data.id, .data.relationships.compartments.links)' "$IT_W/rb")" \
	"$(jq -c 'del(.data.id, .data.relationships.compartments.links)' "$IT_W/inv1.json")"
rq GET "/api/characters/+$C/inventory?include=nothing&fields%5Bassets%5D=slot"
check_eq "+1001 is 1001; include and fields are ignored" "$(jq -c 'del(.data.id, .data.relationships.compartments.links)' "$IT_W/rb")" \
	"$(jq -c 'del(.data.id, .data.relationships.compartments.links)' "$IT_W/inv1.json")"
rq_is "characterId -1 (4294967295, no inventory)" 200 GET /api/characters/-1/inventory
jqb "-1 reads as 4294967295" '.data.attributes.characterId == 4294967295 and .data.relationships.compartments.data == []'

say "invalid characterId: 400, empty body, nothing changes"
for bad in abc 1.5 0x10 1e3 %201 1%20 ++1 -- 9223372036854775808 99999999999999999999 1a; do
	for m in GET POST DELETE; do
		rq_is "$m characterId '$bad'" 400 $m "/api/characters/$bad/inventory"
	done
done
check_eq "SQL: rows unchanged" "$(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '$T'"),$(sql "SELECT COUNT(*) FROM assets WHERE tenant_id = '$T'")" 5,4

say "another tenant: reads nothing, deletes nothing, creates its own"
rq_is "T2 GET of 1001" 200 GET /api/characters/$C/inventory "$T2"
jqb "T2 sees no compartment" '.data.relationships.compartments.data == [] and (has("included") | not)'
rq_is "T2 DELETE of 1001" 200 DELETE /api/characters/$C/inventory "$T2"
check "T2's own inventory DELETED" rest_wait_ev EVENT_TOPIC_INVENTORY_STATUS $C DELETED 1 "$T2"
check_eq "SQL: T's rows intact" "$(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '$T'"),$(sql "SELECT COUNT(*) FROM assets WHERE tenant_id = '$T'")" 5,4
rq_is "T2 POST of 1001" 200 POST /api/characters/$C/inventory "$T2"
check_eq "SQL: T2 got five, T keeps five" "$(sql "SELECT GROUP_CONCAT(n ORDER BY t) FROM (SELECT tenant_id = '$T' AS t, COUNT(*) AS n
	FROM compartments WHERE tenant_id IN ('$T', '$T2') GROUP BY tenant_id) x")" "5,5"
rq GET /api/characters/$C/inventory
check_eq "T's document unchanged" "$(jq -c 'del(.data.id, .data.relationships.compartments.links)' "$IT_W/rb")" \
	"$(jq -c 'del(.data.id, .data.relationships.compartments.links)' "$IT_W/inv1.json")"
rq_is "T2 DELETE again" 200 DELETE /api/characters/$C/inventory "$T2"
check "T2's compartment DELETED x5" rest_wait_ev EVENT_TOPIC_COMPARTMENT_STATUS $C DELETED 5 "$T2"

say "DELETE: character DELETED's rows and events"
rq_is "DELETE" 200 DELETE /api/characters/$C/inventory
check_eq "DELETE: empty body" "$(wc -c <"$IT_W/rb")" 0
check "asset DELETED x4" rest_wait_ev EVENT_TOPIC_ASSET_STATUS $C DELETED 4
check "compartment DELETED x5" rest_wait_ev EVENT_TOPIC_COMPARTMENT_STATUS $C DELETED 5
check "inventory DELETED" rest_wait_ev EVENT_TOPIC_INVENTORY_STATUS $C DELETED 1
check_eq "asset DELETED slots, worn first" "$(rest_ev EVENT_TOPIC_ASSET_STATUS $C DELETED | jq -r .slot | paste -sd,)" "-5,2,1,2"
check_eq "SQL: nothing left of T" "$(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '$T'"),$(sql "SELECT COUNT(*) FROM assets WHERE tenant_id = '$T'")" 0,0
rq_is "GET after DELETE" 200 GET /api/characters/$C/inventory
jqb "empty again" '.data.relationships.compartments.data == [] and (has("included") | not)'
rq_is "DELETE without inventory: 200" 200 DELETE /api/characters/$C/inventory
check "... and inventory DELETED again" rest_wait_ev EVENT_TOPIC_INVENTORY_STATUS $C DELETED 2
it_finish
