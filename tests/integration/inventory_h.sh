#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cofferd --list-plugins with the asset, compartment and reservation plugins of
# the build tree (docs/kafka-contract.md#plugins-and-handlers): the three plugins, their versions,
# services (asset provides asset/1; compartment and reservation require it;
# reservation provides reservation/1) and exactly the (topic, type) pairs of
# the inventory contract except DROP and drop RESERVED: the 14 other compartment commands
# (each with its refusal for a disabled tenant), character CREATED and
# DELETED, equipable UPDATED; plus the reservation expiry task. No database.
. "$(dirname "$0")/inventory_lib.sh"
it_init nodb
args=()
for p in asset compartment reservation; do
	[[ -f $abs_top_builddir/plugins/$p/.libs/$p.so ]] || skip_test "plugins/$p not built"
	args+=(--plugin-dir "$abs_top_builddir/plugins/$p")
done
"$COFFERD" --list-plugins "${args[@]}" >"$IT_W/list" 2>"$IT_W/list.err"
check_eq "cofferd --list-plugins exits 0" "$?" 0
cat "$IT_W/list"

# "plugin topic type" per handles line.
awk '/^[a-z]/ { p = $1 } /^  handles:/ { print p, $2, $3 }' "$IT_W/list" | sort >"$IT_W/handles"
check_eq "the (plugin, topic, type) triples" "$(cat "$IT_W/handles")" "$(sort <<'EOF'
asset COMMAND_TOPIC_COMPARTMENT CREATE_ASSET
asset COMMAND_TOPIC_COMPARTMENT DESTROY
asset COMMAND_TOPIC_COMPARTMENT RECHARGE
asset COMMAND_TOPIC_COMPARTMENT ACCEPT
asset COMMAND_TOPIC_COMPARTMENT RELEASE
asset EVENT_TOPIC_EQUIPABLE_STATUS UPDATED
compartment EVENT_TOPIC_CHARACTER_STATUS CREATED
compartment EVENT_TOPIC_CHARACTER_STATUS DELETED
compartment COMMAND_TOPIC_COMPARTMENT EQUIP
compartment COMMAND_TOPIC_COMPARTMENT UNEQUIP
compartment COMMAND_TOPIC_COMPARTMENT MOVE
compartment COMMAND_TOPIC_COMPARTMENT INCREASE_CAPACITY
compartment COMMAND_TOPIC_COMPARTMENT MERGE
compartment COMMAND_TOPIC_COMPARTMENT SORT
reservation COMMAND_TOPIC_COMPARTMENT REQUEST_RESERVE
reservation COMMAND_TOPIC_COMPARTMENT CONSUME
reservation COMMAND_TOPIC_COMPARTMENT CANCEL_RESERVATION
EOF
)"
check_eq "14 compartment commands, each once" \
	"$(awk '$2 == "COMMAND_TOPIC_COMPARTMENT" { print $3 }' "$IT_W/handles" | sort -u | wc -l) $(grep -c ' COMMAND_TOPIC_COMPARTMENT ' "$IT_W/handles")" "14 14"
check_eq "every compartment command has its refusal for a disabled tenant" \
	"$(grep '^  handles: COMMAND_TOPIC_COMPARTMENT ' "$IT_W/list" | grep -vc '(refusal when disabled)$')" 0
check_eq "no DROP, no drop RESERVED" "$(grep -cE 'handles: (COMMAND_TOPIC_COMPARTMENT DROP|EVENT_TOPIC_DROP_STATUS)' "$IT_W/list")" 0
check_eq "the three plugins, in load order, version 1.0.0" "$(grep -E '^[a-z]' "$IT_W/list" | awk '{print $1, $2}' | paste -sd,)" \
	"asset 1.0.0,compartment 1.0.0,reservation 1.0.0"
block() { awk -v p="$1" '/^[a-z]/ { on = ($1 == p) } on' "$IT_W/list"; }
check_eq "asset provides asset/1, requires nothing" "$(block asset | grep -E '^  (provides|requires):' | paste -sd,)" \
	"  provides: asset/1,  requires: -"
check_eq "compartment requires asset/1" "$(block compartment | grep -E '^  (provides|requires):' | paste -sd,)" \
	"  provides: -,  requires: asset/1"
check_eq "reservation provides reservation/1, requires asset/1" \
	"$(block reservation | grep -E '^  (provides|requires):' | paste -sd,)" "  provides: reservation/1,  requires: asset/1"
check "reservation has its expiry task" grep -qE '^  task: reservation_expiry every [0-9]+ ms' <(block reservation)

say "the DROP and RESERVED handlers come only with the drop plugin"
if [[ -f $abs_top_builddir/plugins/drop/.libs/drop.so ]]; then
	"$COFFERD" --list-plugins "${args[@]}" --plugin-dir "$abs_top_builddir/plugins/drop" >"$IT_W/list2" 2>/dev/null
	check_eq "with drop: COMMAND_TOPIC_COMPARTMENT DROP and EVENT_TOPIC_DROP_STATUS RESERVED appear under drop" \
		"$(awk '/^[a-z]/ { p = $1 } /^  handles:/ { print p, $2, $3 }' "$IT_W/list2" | grep -E 'COMPARTMENT DROP|DROP_STATUS RESERVED' | sort | paste -sd,)" \
		"drop COMMAND_TOPIC_COMPARTMENT DROP,drop EVENT_TOPIC_DROP_STATUS RESERVED"
fi
it_finish
