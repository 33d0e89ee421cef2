#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Item conservation across inventories and maps (kafka-contract.md#processing-model, kafka-contract.md#pick-up-flow), with
# the real asset, compartment, reservation and drop plugins, 4 workers.
#
# Four characters: 101 and 102 with room, 103 with a full equipment
# compartment, 104 with a full ETC compartment (full stacks only) (so some pick-ups fail and are
# cancelled by the inventory). A random mix, reproducible from the printed seed
# (DROP_SEED=N to replay): rounds of compartment DROPs (random character,
# inventory type, slot, quantity: some are refused) and of REQUEST_RESERVATIONs
# (random character, live or unknown drop id, petSlot), each round one kcat
# burst under random keys, so they run concurrently; drops expire after 3 s
# (grace 2 s). At the end every RESERVED event is published again with its
# EVENT_ID (the host skips it), every credited RESERVED again without (the
# pick-up markers skip it), and every REQUEST_PICK_UP again without EVENT_ID
# (its drop is gone).
# A prologue adds a sure cancel of an item and of an equipment pick-up and a
# sure expiry. After the queues drain and every drop has expired or been picked up:
# * per templateId, quantities in inventories (assets) + on maps (drop_drops)
#   + expired (EXPIRED drops, their CREATED quantity) = the initial total;
# * every RESERVED got exactly one answer (REQUEST_PICK_UP or
#   CANCEL_RESERVATION), every REQUEST_PICK_UP one PICKED_UP, every
#   CANCEL_RESERVATION one RESERVATION_FAILURE; one pick-up marker per
#   PICKED_UP; no drop left RESERVED.
. "$(dirname "$0")/lib.sh"
it_init
require_tools kcat
SEED=${DROP_SEED:-$(( (${EPOCHREALTIME/[.,]/} / 1000) % 32768 ))}
say "seed $SEED (DROP_SEED=$SEED to replay)"
RANDOM=$SEED
drop_start a --workers 4 --set drop.expiration_duration_ms=3000 --set drop.expiration_interval_ms=200 \
	--set drop.reservation_grace_ms=2000
drop_outbox_log_init
T=$(uuid)
drop_templates
drop_character 101 102 103 104
for c in 101 102 103 104; do
	if ((c == 104)); then
		drop_inv "$c" 4 CREATE_ASSET '{"templateId":4000000,"quantity":100}'
		drop_inv "$c" 4 CREATE_ASSET '{"templateId":4000001,"quantity":100}' "$(uuid)" --count 23
	else
		drop_inv "$c" 4 CREATE_ASSET '{"templateId":4000000,"quantity":40}'
		drop_inv "$c" 4 CREATE_ASSET '{"templateId":4000001,"quantity":30}'
	fi
	drop_inv "$c" 2 CREATE_ASSET '{"templateId":2000000,"quantity":20}'
done
drop_inv 101 1 CREATE_ASSET '{"templateId":1302000}' "$(uuid)" --count 3
drop_inv 102 1 CREATE_ASSET '{"templateId":1302000}' "$(uuid)" --count 2
drop_inv 103 1 CREATE_ASSET '{"templateId":1302000}' "$(uuid)" --count 24
check "the inventories are set up (3 x 3 + 1 + 24 + 1 + 3 + 2 + 24 assets)" wait_until 20 \
	'[[ $(sql "SELECT COUNT(*) FROM assets WHERE tenant_id = '"'$T'"'") == 63 ]]'
drop_quiet 10
# Quantities per template: stackables their quantity, equipment 1 each.
inv_totals() {
	sql "SELECT template_id, SUM(IF(kind IN ('equipable', 'cash-equipable', 'pet'), 1, quantity)) FROM assets
		WHERE tenant_id = '$T' GROUP BY template_id ORDER BY template_id"
}
INITIAL=$(inv_totals)
say "initial totals: $(tr '\t\n' '= ' <<<"$INITIAL")"
L0=$(drop_outbox_last)

MAP='"worldId":0,"channelId":1,"mapId":100000000'
burst() { # TOPIC FILE
	kcat -P -b "$(bootstrap)" -t "$1" -K $'\t' -H "TENANT_ID=$T" -H REGION=GMS \
		-X message.timeout.ms=10000 -X linger.ms=20 <"$2" 2>"$IT_W/kcat.err" || fail "kcat could not produce to $1"
}
# A fixed prologue makes sure the mix holds a cancelled item pick-up (104's ETC
# is full), a cancelled equipment pick-up (103's equipment is full) and an
# expiry (a drop in another map, out of the random reservations' reach).
printf '101\t{"transactionId":"%s","characterId":101,"inventoryType":4,"type":"DROP","body":{%s,"source":1,"quantity":5,"x":1,"y":0}}\n' \
	"$(uuid)" "$MAP" >"$IT_W/drops"
printf '101\t{"transactionId":"%s","characterId":101,"inventoryType":1,"type":"DROP","body":{%s,"source":1,"quantity":1,"x":2,"y":0}}\n' \
	"$(uuid)" "$MAP" >>"$IT_W/drops"
printf '102\t{"transactionId":"%s","characterId":102,"inventoryType":2,"type":"DROP","body":{"worldId":0,"channelId":1,"mapId":200000000,"source":1,"quantity":3,"x":3,"y":0}}\n' \
	"$(uuid)" >>"$IT_W/drops"
burst COMMAND_TOPIC_COMPARTMENT "$IT_W/drops"
check "the prologue's three drops are created" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 3 ]]'
DE=$(sql "SELECT id FROM drop_drops WHERE item_id = 4000000")
DS=$(sql "SELECT id FROM drop_drops WHERE item_id = 1302000")
printf 'a\t{"transactionId":"%s",%s,"type":"REQUEST_RESERVATION","body":{"dropId":%s,"characterId":104}}\n' "$(uuid)" "$MAP" "$DE" >"$IT_W/res"
printf 'b\t{"transactionId":"%s",%s,"type":"REQUEST_RESERVATION","body":{"dropId":%s,"characterId":103}}\n' "$(uuid)" "$MAP" "$DS" >>"$IT_W/res"
burst COMMAND_TOPIC_DROP "$IT_W/res"
check "both prologue reservations are cancelled by the inventory" wait_until 10 \
	'[[ $(drop_outbox_log "$L0" | grep -c "\"type\":\"CANCEL_RESERVATION\"") == 2 ]]'
NDROP=3 NRES=2
for round in 1 2 3 4 5 6; do
	: >"$IT_W/drops"
	for ((k = 0; k < 3 + RANDOM % 4; k++)); do
		c=$((101 + RANDOM % 4))
		types=(1 2 4 4)
		it=${types[RANDOM % 4]}
		slot=$((1 + RANDOM % 3))
		q=$((1 + RANDOM % 15))
		((it == 1)) && q=1
		printf '%s\t{"transactionId":"%s","characterId":%d,"inventoryType":%d,"type":"DROP","body":{%s,"source":%d,"quantity":%d,"x":%d,"y":0}}\n' \
			"$c" "$(uuid)" "$c" "$it" "$MAP" "$slot" "$q" $((RANDOM % 200)) >>"$IT_W/drops"
		NDROP=$((NDROP + 1))
	done
	burst COMMAND_TOPIC_COMPARTMENT "$IT_W/drops"
	sleep 0.$((2 + RANDOM % 5))
	mapfile -t live < <(sql "SELECT id FROM drop_drops WHERE tenant_id = '$T'")
	: >"$IT_W/res"
	for ((k = 0; k < 4 + RANDOM % 5; k++)); do
		c=$((101 + RANDOM % 4))
		if ((${#live[@]} == 0 || RANDOM % 10 == 0)); then
			d=$((1000000001 + RANDOM % 60))
		else
			d=${live[RANDOM % ${#live[@]}]}
		fi
		printf 'r%d\t{"transactionId":"%s",%s,"type":"REQUEST_RESERVATION","body":{"dropId":%d,"characterId":%d,"petSlot":%d}}\n' \
			"$RANDOM" "$(uuid)" "$MAP" "$d" "$c" $((RANDOM % 4 - 1)) >>"$IT_W/res"
		NRES=$((NRES + 1))
	done
	burst COMMAND_TOPIC_DROP "$IT_W/res"
	sleep 0.$((3 + RANDOM % 7))
done
say "sent $NDROP DROP and $NRES REQUEST_RESERVATION (prologue and 6 rounds)"
check "the queues drain" drop_quiet 20

# Replays: RESERVED with and without their EVENT_ID, REQUEST_PICK_UP without.
# drop_quiet waited for an empty outbox: everything committed is on the topics.
watch_end EVENT_TOPIC_DROP_STATUS >"$IT_W/drop_events"
watch_end COMMAND_TOPIC_DROP >"$IT_W/drop_cmds"
jq -r 'select(.value.type == "RESERVED") | "\(.headers.EVENT_ID)\t\(.value | tojson)"' "$IT_W/drop_events" >"$IT_W/reserved"
NRSV=$(wc -l <"$IT_W/reserved")
say "$NRSV RESERVED to replay"
if ((NRSV > 0)); then
	while IFS=$'\t' read -r eid v; do
		printf '%s\n' "$v" | kcat -P -b "$(bootstrap)" -t EVENT_TOPIC_DROP_STATUS -H "TENANT_ID=$T" -H "EVENT_ID=$eid" \
			-X message.timeout.ms=10000 2>>"$IT_W/kcat.err"
	done <"$IT_W/reserved"
fi
# Without EVENT_ID only those that were credited: a RESERVED whose credit
# failed has no marker by design (the drop may be reserved and credited again).
jq -r 'select(.value.type == "REQUEST_PICK_UP") | .value.transactionId' "$IT_W/drop_cmds" | sort -u >"$IT_W/credited"
jq -r 'select(.value.type == "RESERVED") | "\(.value.transactionId)\t\(.value | tojson)"' "$IT_W/drop_events" | sort |
	join -t $'\t' - "$IT_W/credited" | cut -f2 | sed 's/^/x\t/' >"$IT_W/replay1"
say "$(wc -l <"$IT_W/replay1") credited RESERVED to replay without EVENT_ID"
[[ -s $IT_W/replay1 ]] && burst EVENT_TOPIC_DROP_STATUS "$IT_W/replay1"
jq -r 'select(.value.type == "REQUEST_PICK_UP") | "p\t\(.value | tojson)"' "$IT_W/drop_cmds" >"$IT_W/replay2"
[[ -s $IT_W/replay2 ]] && burst COMMAND_TOPIC_DROP "$IT_W/replay2"
check "every drop is picked up or expires" wait_until 20 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 0 ]]'
check "the queues drain again" drop_quiet 20
check "the host skipped the replays that carry their EVENT_ID" \
	test "$(log_count 'duplicate EVENT_ID')" -ge "$NRSV"

# The accounting.
watch_end EVENT_TOPIC_DROP_STATUS >"$IT_W/drop_events"
jq -s -r 'map(.value) | (map(select(.type == "CREATED")) | map({key: (.dropId | tostring), value: .body}) | from_entries) as $c
	| map(select(.type == "EXPIRED")) | map($c[.dropId | tostring]) | group_by(.itemId)
	| map("\(.[0].itemId)\t\(map(if .itemId >= 1000000 and .itemId < 2000000 then 1 else .quantity end) | add)") | .[]' \
	"$IT_W/drop_events" >"$IT_W/expired"
FINAL=$( { inv_totals; sql "SELECT item_id, SUM(IF(item_id < 2000000, 1, quantity)) FROM drop_drops WHERE tenant_id = '$T' GROUP BY item_id"; cat "$IT_W/expired"; } |
	awk -F'\t' '{ s[$1] += $2 } END { for (k in s) print k "\t" s[k] }' | sort -n)
say "final: inventories $(inv_totals | tr '\t\n' '= '); expired $(tr '\t\n' '= ' <"$IT_W/expired")"
check_eq "per templateId: inventories + maps + expired = the initial total" "$FINAL" "$INITIAL"
count_type() { drop_outbox_log "$L0" | awk -F'\t' -v t="$2" '$1 == t { print $2 }' | jq -s --arg t "$1" 'map(select(.type == $t)) | length'; }
DS_=EVENT_TOPIC_DROP_STATUS
nres=$(count_type RESERVED $DS_) npu=$(count_type REQUEST_PICK_UP COMMAND_TOPIC_DROP)
ncan=$(count_type CANCEL_RESERVATION COMMAND_TOPIC_DROP) npk=$(count_type PICKED_UP $DS_)
nrf=$(count_type RESERVATION_FAILURE $DS_) nexp=$(count_type EXPIRED $DS_) ncr=$(count_type CREATED $DS_)
say "committed: $ncr CREATED, $nres RESERVED, $npu REQUEST_PICK_UP, $ncan CANCEL_RESERVATION, $npk PICKED_UP, $nrf RESERVATION_FAILURE, $nexp EXPIRED"
check "the mix exercised pick-ups, cancels and expiries" test "$npk" -gt 0 -a "$ncan" -gt 0 -a "$nexp" -gt 0
check_eq "every RESERVED got exactly one answer" "$((npu + ncan))" "$nres"
check_eq "every REQUEST_PICK_UP one PICKED_UP" "$npk" "$npu"
check_eq "one pick-up marker per PICKED_UP" "$(sql "SELECT COUNT(*) FROM drop_pickups WHERE tenant_id = '$T'")" "$npk"
check_eq "every drop created went away once: PICKED_UP + EXPIRED = CREATED" "$((npk + nexp))" "$ncr"
check_eq "no dead letters" "$(dead_letters)" 0
it_finish
