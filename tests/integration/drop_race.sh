#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Racing pick-ups of map drops (kafka-contract.md#request_reservation, kafka-contract.md#request_pick_up, kafka-contract.md#drop-states, kafka-contract.md#processing-model), through the
# embedded Kafka with the real drop plugin, in two cofferd processes (a, b) of
# one consumer group on one Kafka and one database, 4 workers each.
#
# Three meso drops nobody owns (meso: the inventory half of the drop plugin
# ignores their RESERVED, kafka-contract.md#meso, and no character plugin is loaded,
# so only the commands of this test touch them). One kcat burst of 96 REQUEST_RESERVATION (4
# characters x 8 clicks per drop, every message under its own key, so they
# spread over all partitions and both processes and run concurrently). Per
# drop exactly one RESERVED (a character W, with the transactionId of one of
# W's requests); every request of the three other characters gets its
# RESERVATION_FAILURE (its own transactionId and characterId); W's other
# clicks get nothing (kafka-contract.md#request_reservation step 3a). The row is RESERVED by W with the
# petSlot of the winning request (first request wins, kafka-contract.md#drop-states).
# Then drops 1 and 2: REQUEST_PICK_UP by W -> one PICKED_UP carrying that
# petSlot, row gone; then stale messages (the same pick-up three more times, a
# loser's pick-up, a loser's reservation) -> no second PICKED_UP, only the
# reservation's RESERVATION_FAILURE. Drop 3: a burst of six pick-ups by W and
# by losers -> exactly one PICKED_UP.
. "$(dirname "$0")/lib.sh"
it_init
require_tools kcat
drop_start a --workers 4 --log-level debug
drop_start b --no-embedded --bootstrap-servers "$(bootstrap a)" --workers 4 --log-level debug
coffer_use a
# b joining makes the group rebalance (about session.timeout.ms - 1000 in the mock).
check "b is assigned partitions" wait_log 'event=partitions_assigned count=[1-9]' 1 20 b
check "a is assigned partitions again after b joined" \
	wait_until 20 '[[ $(log_count "event=partitions_assigned count=[1-9]" a) -ge 2 ]]'
check "a gave up partitions to b" grep -q 'event=partitions_revoked' "${CLOG[a]}"

T=$(uuid)
MAP='"worldId":0,"channelId":1,"mapId":100000000'
for i in 1 2 3; do
	drop_cmd SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":0,\"quantity\":0,\"mesos\":$((100 * i)),\"dropType\":0,\"x\":$((10 * i)),\"y\":5,\"ownerId\":0,\"ownerPartyId\":0,\"dropperId\":3000042,\"dropperX\":0,\"dropperY\":0,\"playerDrop\":false}}"
done
check "three drops are created" wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM drop_drops WHERE status = '"'AVAILABLE'"'") == 3 ]]'
check_eq "with ids 1000000001..3" "$(sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM drop_drops WHERE tenant_id = '$T'")" \
	1000000001,1000000002,1000000003

# The burst: requests.tsv keeps drop, character, transactionId, petSlot of each request.
: >"$IT_W/requests.tsv"
n=0
for click in 1 2 3 4 5 6 7 8; do
	for d in 1000000001 1000000002 1000000003; do
		for c in 2001 2002 2003 2004; do
			n=$((n + 1))
			x=$(uuid)
			ps=$((n % 4 - 1))
			printf '%s\t%s\t%s\t%s\n' "$d" "$c" "$x" "$ps" >>"$IT_W/requests.tsv"
			printf 'r%d\t{"transactionId":"%s",%s,"type":"REQUEST_RESERVATION","body":{"dropId":%s,"characterId":%s,"partyId":0,"characterX":0,"characterY":0,"petSlot":%s}}\n' \
				"$n" "$x" "$MAP" "$d" "$c" "$ps"
		done
	done
done >"$IT_W/burst"
kcat -P -b "$(bootstrap)" -t COMMAND_TOPIC_DROP -K $'\t' -H "TENANT_ID=$T" -H REGION=GMS \
	-X message.timeout.ms=10000 -X linger.ms=50 <"$IT_W/burst" 2>"$IT_W/kcat.err"
check_eq "kcat produced the burst of 96 REQUEST_RESERVATION" "$?" 0
check "all 99 commands processed" \
	wait_until 30 '[[ $(sql "SELECT COUNT(*) FROM coffer_processed WHERE topic = '"'COMMAND_TOPIC_DROP'"'") == 99 ]]'
check "the outbox is drained" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 0 ]]'
ra=$(log_count 'event=handled type=REQUEST_RESERVATION' a)
rb=$(log_count 'event=handled type=REQUEST_RESERVATION' b)
say "REQUEST_RESERVATION handled: $ra by a, $rb by b"
check "both processes handled part of the burst" test "$ra" -gt 0 -a "$rb" -gt 0
check_eq "96 handled in all" "$((ra + rb))" 96
watch_all EVENT_TOPIC_DROP_STATUS 78 15000 >"$IT_W/ev1"
check_eq "78 events: 3 CREATED, 3 RESERVED, 72 RESERVATION_FAILURE" \
	"$(jq -s -c 'group_by(.value.type) | map([.[0].value.type, length])' "$IT_W/ev1")" \
	'[["CREATED",3],["RESERVATION_FAILURE",72],["RESERVED",3]]'
check_eq "nothing more on the event topic" "$(watch_all EVENT_TOPIC_DROP_STATUS 79 1500 | wc -l)" 78
check_eq "every event keyed by its dropId and carrying the tenant" \
	"$(jq -s -c --arg t "$T" 'map(select(.key != .value.dropId or .headers.TENANT_ID != $t)) | length' "$IT_W/ev1")" 0

declare -A WIN WPS
for d in 1000000001 1000000002 1000000003; do
	R=$(jq -s -c --argjson d "$d" 'map(select(.value.type == "RESERVED" and .value.dropId == $d)) | map(.value)' "$IT_W/ev1")
	check_eq "drop $d: exactly one RESERVED" "$(jq length <<<"$R")" 1
	W=$(jq -r '.[0].body.characterId' <<<"$R")
	X=$(jq -r '.[0].transactionId' <<<"$R")
	WIN[$d]=$W
	check_eq "drop $d: RESERVED answers one of $W's requests" \
		"$(awk -F'\t' -v d="$d" -v x="$X" '$1 == d && $3 == x { print $2 }' "$IT_W/requests.tsv")" "$W"
	WPS[$d]=$(awk -F'\t' -v x="$X" '$3 == x { print $4 }' "$IT_W/requests.tsv")
	check_eq "drop $d: RESERVED body" "$(jq -c '.[0].body | [.characterId, .itemId, .equipmentId, .quantity, .meso, .strength, .slots]' <<<"$R")" \
		"[$W,0,0,0,$((100 * ${d: -1})),0,0]"
	want=$(awk -F'\t' -v d="$d" -v w="$W" '$1 == d && $2 != w { print $3 " " $2 }' "$IT_W/requests.tsv" | sort)
	got=$(jq -r --argjson d "$d" 'select(.value.type == "RESERVATION_FAILURE" and .value.dropId == $d) | "\(.value.transactionId) \(.value.body.characterId)"' "$IT_W/ev1" | sort)
	check_eq "drop $d: one RESERVATION_FAILURE per losing request (24), with its transactionId and characterId" "$got" "$want"
	check_eq "drop $d: nothing for $W's other clicks" \
		"$(jq -r --argjson d "$d" --argjson w "$W" 'select(.value.dropId == $d and .value.type != "CREATED" and .value.body.characterId == $w) | .value.type' "$IT_W/ev1")" RESERVED
	check_eq "drop $d: row RESERVED by $W with the winning request's petSlot ${WPS[$d]}" \
		"$(sql "SELECT status, reserved_by, pet_slot FROM drop_drops WHERE tenant_id = '$T' AND id = $d")" \
		"$(printf 'RESERVED\t%s\t%s' "$W" "${WPS[$d]}")"
done

# Orderly pick-up of drops 1 and 2 by their winners.
declare -A PX
for d in 1000000001 1000000002; do
	PX[$d]=$(uuid)
	drop_cmd REQUEST_PICK_UP "{\"transactionId\":\"${PX[$d]}\",$MAP,\"body\":{\"dropId\":$d,\"characterId\":${WIN[$d]}}}"
done
check "both rows are deleted" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops WHERE id IN (1000000001, 1000000002)") == 0 ]]'
watch_all EVENT_TOPIC_DROP_STATUS 80 10000 | jq -c 'select(.value.type == "PICKED_UP")' >"$IT_W/ev2"
for d in 1000000001 1000000002; do
	i=${d: -1}
	check_eq "drop $d: PICKED_UP exactly as kafka-contract.md#drop-status-events (petSlot of the winning request)" \
		"$(jq -c --argjson d "$d" 'select(.value.dropId == $d) | .value' "$IT_W/ev2")" \
		"{\"transactionId\":\"${PX[$d]}\",$MAP,\"dropId\":$d,\"type\":\"PICKED_UP\",\"body\":{\"characterId\":${WIN[$d]},\"itemId\":0,\"equipmentId\":0,\"quantity\":0,\"meso\":$((100 * i)),\"petSlot\":${WPS[$d]},\"strength\":0,\"dexterity\":0,\"intelligence\":0,\"luck\":0,\"hp\":0,\"mp\":0,\"weaponAttack\":0,\"magicAttack\":0,\"weaponDefense\":0,\"magicDefense\":0,\"accuracy\":0,\"avoidability\":0,\"hands\":0,\"speed\":0,\"jump\":0,\"slots\":0}}"
done

# Stale and repeated messages for drop 1 (and drop 2) and a racing burst for drop 3.
D3=1000000003
L1=$(( WIN[1000000001] == 2001 ? 2002 : 2001 ))
SX=$(uuid)
{
	for k in 1 2 3; do
		printf 's%d\t{"transactionId":"%s",%s,"type":"REQUEST_PICK_UP","body":{"dropId":1000000001,"characterId":%s}}\n' \
			"$k" "${PX[1000000001]}" "$MAP" "${WIN[1000000001]}"
	done
	printf 's4\t{"transactionId":"%s",%s,"type":"REQUEST_PICK_UP","body":{"dropId":1000000002,"characterId":%s}}\n' \
		"$(uuid)" "$MAP" "$L1"
	printf 's5\t{"transactionId":"%s",%s,"type":"REQUEST_RESERVATION","body":{"dropId":1000000001,"characterId":%s,"petSlot":-1}}\n' \
		"$SX" "$MAP" "$L1"
	for k in 1 2 3; do
		printf 'p%d\t{"transactionId":"%s",%s,"type":"REQUEST_PICK_UP","body":{"dropId":%s,"characterId":%s}}\n' \
			"$k" "$(uuid)" "$MAP" "$D3" "${WIN[$D3]}"
		printf 'q%d\t{"transactionId":"%s",%s,"type":"REQUEST_PICK_UP","body":{"dropId":%s,"characterId":%s}}\n' \
			"$k" "$(uuid)" "$MAP" "$D3" "$((2000 + k + (k >= WIN[$D3] - 2000)))"
	done
} >"$IT_W/burst2"
kcat -P -b "$(bootstrap)" -t COMMAND_TOPIC_DROP -K $'\t' -H "TENANT_ID=$T" -H REGION=GMS \
	-X message.timeout.ms=10000 -X linger.ms=50 <"$IT_W/burst2" 2>"$IT_W/kcat.err"
check_eq "kcat produced 11 stale / racing commands" "$?" 0
check "all 112 commands processed" \
	wait_until 20 '[[ $(sql "SELECT COUNT(*) FROM coffer_processed WHERE topic = '"'COMMAND_TOPIC_DROP'"'") == 112 ]]'
check "the outbox is drained again" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 0 ]]'
watch_all EVENT_TOPIC_DROP_STATUS 82 5000 >"$IT_W/ev3"
check_eq "82 events in all: 3 CREATED, 3 RESERVED, 73 RESERVATION_FAILURE, 3 PICKED_UP" \
	"$(jq -s -c 'group_by(.value.type) | map([.[0].value.type, length])' "$IT_W/ev3")" \
	'[["CREATED",3],["PICKED_UP",3],["RESERVATION_FAILURE",73],["RESERVED",3]]'
check_eq "stale pick-ups of drops 1 and 2 emit nothing more; the stale reservation gets its RESERVATION_FAILURE" \
	"$(jq -c 'select(.value.dropId != '$D3' and .value.type == "PICKED_UP" or .value.transactionId == "'$SX'") | [.value.type, .value.dropId, .value.transactionId, .value.body.characterId]' "$IT_W/ev3" | sort)" \
	"$(printf '%s\n' "[\"PICKED_UP\",1000000001,\"${PX[1000000001]}\",${WIN[1000000001]}]" "[\"PICKED_UP\",1000000002,\"${PX[1000000002]}\",${WIN[1000000002]}]" "[\"RESERVATION_FAILURE\",1000000001,\"$SX\",$L1]" | sort)"
P3=$(jq -c 'select(.value.dropId == '$D3' and .value.type == "PICKED_UP") | .value' "$IT_W/ev3")
check_eq "drop 3: exactly one PICKED_UP out of six racing pick-ups" "$(jq -s -c 'map(.type)' <<<"$P3")" '["PICKED_UP"]'
c3=$(jq -r '.body.characterId' <<<"$P3")
want_ps=-1
[[ $c3 == "${WIN[$D3]}" ]] && want_ps=${WPS[$D3]}
check_eq "drop 3: its petSlot is the stored one for the holder, -1 for anyone else (kafka-contract.md#request_pick_up)" \
	"$(jq -r '.body.petSlot' <<<"$P3")" "$want_ps"
check_eq "nothing more committed for the event topic" "$(outbox_logged "topic = 'EVENT_TOPIC_DROP_STATUS'")" 82
check_eq "nothing more on the event topic" "$(watch_end EVENT_TOPIC_DROP_STATUS | wc -l)" 82
check_eq "no drop is left" "$(sql "SELECT COUNT(*) FROM drop_drops")" 0
check_eq "no dead letters" "$(dead_letters)" 0
it_finish
