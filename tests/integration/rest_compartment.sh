#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# REST compartment routes with curl (docs/rest.md): GET compartment by id, by type
# (?type=), GET its assets, DELETE one asset. Shapes (data = the compartment with its
# assets relationship, included = its assets by slot, absent when none; the assets list
# never has included), 404 for an unknown compartment or type, {"data":[]} for the assets
# of an unknown compartment, lenient UUID forms, 400 for every invalid path or query value,
# DELETE asset = a full DESTROY (asset DELETED, the path's ids in the event, 204), 500 when
# the tenant has no such asset; another tenant never reads or deletes anything.
. "$(dirname "$0")/rest_lib.sh"
rest_setup
T=$(uuid)
T2=$(uuid)
C=2002
inv_templates "$T"
inv_character "$T" $C
check "character created" wait_until 15 '(($(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '"'$T'"'") == 5))'
rest_asset "$T" $C 2 2000000 5
rest_asset "$T" $C 2 2000001 9
rest_asset "$T" $C 5 5000000 1
USE=$(inv_comp "$T" $C 2)
ETC=$(inv_comp "$T" $C 4)
CASH=$(inv_comp "$T" $C 5)
BASE=/api/characters/$C/inventory/compartments

say "GET by id"
rq_is "GET use by id" 200 GET "$BASE/$USE"
cp "$IT_W/rb" "$IT_W/use.json"
jqb "keys" 'keys_unsorted == ["data","included"] and (.data | keys_unsorted) == ["type","id","attributes","relationships"]'
jqb "data: the compartment" '.data.type == "compartments" and .data.id == "'$USE'" and .data.attributes == {"type":2,"capacity":24}'
jqb "assets relationship: links and ids in slot order" \
	'.data.relationships.assets.links == {"related":"/api/compartments/'$USE'/assets","self":"/api/compartments/'$USE'/relationships/assets"} and [.data.relationships.assets.data[].id] == [.included[].id]'
jqb "included: its two assets by slot" '[.included[] | [.type, .attributes.slot, .attributes.templateId]] == [["assets",1,2000000],["assets",2,2000001]]'
U=${USE^^}
for form in "$U" "${USE//-/}" "{$USE}" "urn:uuid:$USE" "URN:UUID:$U"; do
	rq GET "$BASE/$(jq -rn --arg s "$form" '$s | @uri')"
	check_eq "lenient form $form: same document" "$RS $(jq -c . "$IT_W/rb")" "200 $(jq -c . "$IT_W/use.json")"
done
rq_is "GET empty etc by id" 200 GET "$BASE/$ETC"
jqb "no assets: no included" 'keys_unsorted == ["data"] and .data.relationships.assets.data == []'
rq_is "another character's path, same compartment" 200 GET "/api/characters/7/inventory/compartments/$USE"
rq_is "unknown compartment" 404 GET "$BASE/$(uuid)"

say "GET by type"
rq GET "$BASE?type=2"
check_eq "type=2 is the use compartment's document" "$RS $(jq -c . "$IT_W/rb")" "200 $(jq -c . "$IT_W/use.json")"
rq GET "$BASE?type=258&include=assets"
check_eq "type=258 truncates to 2; include ignored" "$RS $(jq -c . "$IT_W/rb")" "200 $(jq -c . "$IT_W/use.json")"
rq GET "$BASE?type=2&type=4"
check_eq "the first type counts" "$RS $(jq -r .data.id "$IT_W/rb")" "200 $USE"
rq_is "type=5" 200 GET "$BASE?type=5"
jqb "pet: referenceData keys, cashId a string" \
	'.included[0].attributes.referenceType == "pet" and (.included[0].attributes.referenceData | keys_unsorted) == ["ownerId","cashId","flag","purchasedBy","name","level","closeness","fullness","slot"] and (.included[0].attributes.referenceData.cashId | type) == "string" and .included[0].attributes.petId == .included[0].attributes.referenceId'
for t in 0 6 -1 127; do rq_is "type=$t: no such compartment" 404 GET "$BASE?type=$t"; done
for q in "" "?type=" "?type=x" "?type=1.0" "?type=%201" "?Type=2" "?type=99999999999999999999"; do
	rq_is "query '$q'" 400 GET "$BASE$q"
done

say "cofferctl show reads the same"
out=$("$COFFERCTL" show compartment $C 2 --tenant "$T" --url "http://127.0.0.1:$HP")
check_eq "show compartment: title line" "$(head -n1 <<<"$out")" "use (type 2)  capacity 24  assets 2  id $USE"
check_eq "show compartment: two rows by slot" "$(tail -n +3 <<<"$out" | awk '{print $1, $2, $3, $4}' | paste -sd,)" \
	"1 2000000 consumable 5,2 2000001 consumable 9"
check_eq "show inventory --json is the document (but its fresh id)" \
	"$(COFFER_URL=http://127.0.0.1:$HP "$COFFERCTL" show inventory $C --tenant "$T" --json | jq -c '.included')" \
	"$(rq GET /api/characters/$C/inventory; jq -c .included "$IT_W/rb")"
check "show inventory: a table naming the five compartments" \
	test "$(COFFER_URL=http://127.0.0.1:$HP "$COFFERCTL" show inventory $C --tenant "$T" | grep -cE '^(equip|use|setup|etc|cash) \(type')" = 5
COFFER_URL=http://127.0.0.1:$HP "$COFFERCTL" show compartment $C 9 --tenant "$T" 2>"$IT_W/show.err"
check_eq "show of a missing compartment: exit 1" "$?" 1
check "... saying not found" grep -q "HTTP 404 (not found)" "$IT_W/show.err"

say "GET assets"
rq_is "GET assets of use" 200 GET "$BASE/$USE/assets"
jqb "data: the two assets, no included" 'keys_unsorted == ["data"] and [.data[] | .attributes.slot] == [1,2] and all(.data[]; .type == "assets" and (.id | test("^[0-9]+$")))'
check_eq "the same resources as the compartment's included" "$(jq -c .data "$IT_W/rb")" "$(jq -c .included "$IT_W/use.json")"
rq_is "assets of an unknown compartment" 200 GET "$BASE/$(uuid)/assets"
check_eq "... is {\"data\":[]}" "$RB" '{"data":[]}'

say "invalid path values: 400"
for bad in x 1.5 0x1 %20; do
	rq_is "characterId '$bad' (by id)" 400 GET "/api/characters/$bad/inventory/compartments/$USE"
	rq_is "characterId '$bad' (by type)" 400 GET "/api/characters/$bad/inventory/compartments?type=2"
	rq_is "characterId '$bad' (assets)" 400 GET "/api/characters/$bad/inventory/compartments/$USE/assets"
done
for bad in x "${USE:1}" "${USE}0" "{${USE//-/}}" "urn:uuid:${USE//-/}" "${USE//-/_}"; do
	e=$(jq -rn --arg s "$bad" '$s | @uri')
	rq_is "compartmentId '$bad' (by id)" 400 GET "$BASE/$e"
	rq_is "compartmentId '$bad' (assets)" 400 GET "$BASE/$e/assets"
	rq_is "compartmentId '$bad' (DELETE asset)" 400 DELETE "$BASE/$e/assets/1"
done
A1=$(sql "SELECT id FROM assets WHERE tenant_id = '$T' AND compartment_id = '$USE' AND slot = 1")
for bad in x 1.5 -- 99999999999999999999; do
	rq_is "assetId '$bad'" 400 DELETE "$BASE/$USE/assets/$bad"
	rq_is "characterId '$bad' (DELETE asset)" 400 DELETE "/api/characters/$bad/inventory/compartments/$USE/assets/$A1"
done
check_eq "SQL: three assets still" "$(sql "SELECT COUNT(*) FROM assets WHERE tenant_id = '$T'")" 3

say "another tenant"
rq_is "T2 by id" 404 GET "$BASE/$USE" "$T2"
rq_is "T2 by type" 404 GET "$BASE?type=2" "$T2"
rq_is "T2 assets" 200 GET "$BASE/$USE/assets" "$T2"
check_eq "T2 lists nothing" "$RB" '{"data":[]}'
rq_is "T2 DELETE of T's asset: no such asset in T2" 500 DELETE "$BASE/$USE/assets/$A1" "$T2"
check_eq "SQL: T's asset still there" "$(sql "SELECT COUNT(*) FROM assets WHERE tenant_id = '$T' AND id = $A1")" 1

say "DELETE asset"
A2=$(sql "SELECT id FROM assets WHERE tenant_id = '$T' AND compartment_id = '$USE' AND slot = 2")
rq_is "DELETE asset (path: another character and compartment)" 204 DELETE "/api/characters/77/inventory/compartments/$ETC/assets/$A1"
check "asset DELETED (key 77: the path's character)" rest_wait_ev EVENT_TOPIC_ASSET_STATUS 77 DELETED 1
check_eq "the event: path ids, the asset's template and slot, body {}" \
	"$(rest_ev EVENT_TOPIC_ASSET_STATUS 77 DELETED | jq -c 'del(.transactionId)')" \
	"{\"characterId\":77,\"compartmentId\":\"$ETC\",\"assetId\":$A1,\"templateId\":2000000,\"slot\":1,\"type\":\"DELETED\",\"body\":{}}"
check "a fresh transaction id" grep -qE "$UUID_RE" <<<"$(rest_ev EVENT_TOPIC_ASSET_STATUS 77 DELETED | jq -r .transactionId)"
check_eq "SQL: the row is gone, the other stays" "$(sql "SELECT GROUP_CONCAT(id) FROM assets WHERE tenant_id = '$T' AND compartment_id = '$USE'")" "$A2"
rq_is "DELETE it again: 500" 500 DELETE "$BASE/$USE/assets/$A1"
PET=$(sql "SELECT id FROM assets WHERE tenant_id = '$T' AND compartment_id = '$CASH'")
rq_is "DELETE a pet (RP-7)" 204 DELETE "$BASE/$CASH/assets/$PET"
check "pet DELETED" rest_wait_ev EVENT_TOPIC_ASSET_STATUS $C DELETED 1
check_eq "SQL: pet gone" "$(sql "SELECT COUNT(*) FROM assets WHERE tenant_id = '$T' AND compartment_id = '$CASH'")" 0
rq GET "$BASE/$USE/assets/$A2"
check_eq "GET on the asset route: 405, empty body" "$RS $(wc -c <"$IT_W/rb")" "405 0"
it_finish
