#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# GET inventory racing a stream of MOVE and SORT commands (docs/rest.md: a GET runs in one
# read-only snapshot). A use compartment holds ten stacks of one potion (quantities 1..10,
# 55 in all); a burst of 1,500 MOVE (random slots, swaps and merges among them) and SORT
# commands goes in at once while GETs read the inventory as fast as they can. Every document
# read, before, during and after the burst, must be a whole state: no two assets in one
# slot, every slot in 1..capacity (a swap parks an asset in a temporary slot; seeing it
# would be half a MOVE), the total quantity 55, the relationship listing exactly the
# included assets.
. "$(dirname "$0")/rest_lib.sh"
rest_setup
T=$(uuid)
C=3003
inv_templates "$T"
inv_character "$T" $C
check "character created" wait_until 15 '(($(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '"'$T'"'") == 5))'
for q in 1 2 3 4 5 6 7 8 9 10; do rest_asset "$T" $C 2 2000000 $q; done
check_eq "SQL: 55 potions in ten stacks" "$(sql "SELECT CONCAT(COUNT(*), ':', SUM(quantity)) FROM assets WHERE tenant_id = '$T'")" "10:55"
BEFORE=$(sql "SELECT COUNT(*) FROM coffer_processed")

N=1500
RANDOM=42
for ((i = 1; i <= N; i++)); do
	if ((i % 25 == 0)); then
		body='{}' type=SORT
	else
		body="{\"source\":$((RANDOM % 12 + 1)),\"destination\":$((RANDOM % 12 + 1))}" type=MOVE
	fi
	printf 'k\t{"transactionId":"%s","characterId":%d,"inventoryType":2,"type":"%s","body":%s}\n' "$(uuid)" $C $type "$body"
done >"$IT_W/burst"
kcat -P -b "$(bootstrap)" -t COMMAND_TOPIC_COMPARTMENT -K $'\t' -H "TENANT_ID=$T" -H REGION=GMS \
	-X message.timeout.ms=10000 -X linger.ms=20 <"$IT_W/burst" 2>"$IT_W/kcat.err"
check_eq "kcat produced the burst" "$?" 0

# Read while the burst is being handled; keep every body and how far the burst was.
g=0 during=0
url="http://127.0.0.1:$HP/api/characters/$C/inventory"
while :; do
	done_n=$(($(sql "SELECT COUNT(*) FROM coffer_processed") - BEFORE))
	for ((k = 0; k < 10; k++)); do
		g=$((g + 1))
		curl -sS -o "$IT_W/get.$g" -w '%{http_code}\n' -H "TENANT_ID: $T" -H "REGION: GMS" -H "MAJOR_VERSION: 83" \
			-H "MINOR_VERSION: 1" "$url" >>"$IT_W/statuses"
	done
	((done_n < N)) && during=$((during + 10))
	((done_n >= N)) && break
	((g > 20000)) && break
done
say "$g GETs, $during of them while the burst was being handled"
check "the burst was handled" test "$done_n" -ge "$N"
check "GETs overlapped the burst" test "$during" -gt 0
check_eq "every GET answered 200" "$(sort -u "$IT_W/statuses")" 200
bad=0
for ((i = 1; i <= g; i++)); do
	jq -e '[.included[] | select(.type == "compartments" and .attributes.type == 2)][0] as $use
		| [.included[] | select(.type == "assets" and .attributes.templateId == 2000000)] as $a
		| ($a | map(.attributes.slot)) as $s
		| ($s | length) == ($s | unique | length)
		and all($s[]; . >= 1 and . <= $use.attributes.capacity)
		and ($a | map(.attributes.referenceData.quantity) | add) == 55
		and ([$use.relationships.assets.data[].id] == ($a | map(.id)))
		and ($s == ($s | sort))' "$IT_W/get.$i" >/dev/null || {
		bad=$((bad + 1))
		((bad <= 3)) && say "GET $i: $(jq -c '[.included[] | select(.type == "assets") | [.id, .attributes.slot, .attributes.referenceData.quantity]]' "$IT_W/get.$i")"
	}
done
check_eq "no document shows a half-applied command" "$bad" 0
layouts=$(for ((i = 1; i <= g; i++)); do
	jq -c '[.included[] | select(.type == "assets") | [.attributes.slot, .attributes.referenceData.quantity]]' "$IT_W/get.$i"
done | sort -u | wc -l)
say "$layouts distinct layouts seen"
check "the GETs saw the compartment change under them" test "$layouts" -ge 3
check_eq "SQL: still 55 potions" "$(sql "SELECT SUM(quantity) FROM assets WHERE tenant_id = '$T'")" 55
it_finish
