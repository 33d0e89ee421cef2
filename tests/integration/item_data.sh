#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Item templates from the game-data service (docs/item-data.md), through the embedded Kafka
# with the real asset, compartment, reservation and drop plugins, an EMPTY item_templates and
# a fake data service (fake_data_service.py) on a loopback port.
#
# 1. CREATE_ASSET of equipment: the template is fetched (statistics + slots, the four tenant
#    headers), stored, the asset gets its statistics; a second CREATE_ASSET asks nothing.
# 2. EQUIP of equipment whose row is missing: fetched once, worn at the served position.
# 3. MOVE/merge of two ETC stacks: the slot max (3) comes from the service (the default
#    would be 100), fetched once.
# 4. Pick-up of an ETC drop onto a stack: the served slot max splits it.
# 5. Not found (500 for equipment, 404 for a stackable): the contract's failure / default,
#    and the negative cache: asked once, not again.
# 6. An outage (503, then timeouts): the command waits, one log line for the outage, none
#    per message; nothing is dead-lettered; applied once the service answers; a ring gets
#    its four positions although the service lists -12 four times.
# 7. Garbage (not JSON, wrong resource type, out of range): refused with a log line naming
#    the URL, no half-filled row, applied once the service is healthy.
. "$(dirname "$0")/inventory_lib.sh"
it_init
require_tools python3 curl

python3 "$abs_top_srcdir/tests/integration/fake_data_service.py" >"$IT_W/fake.port" 2>"$IT_W/fake.err" &
wait_until 10 '[[ -s $IT_W/fake.port ]]' || die "the fake data service did not start"
PORT=$(head -n1 "$IT_W/fake.port")
FAKE=http://127.0.0.1:$PORT
fake() { curl -sf "$FAKE/control/$1"; }
hits() { fake count | jq -r --arg p "$1" '.paths[$p] // 0'; }
total() { fake count | jq -r .total; }

# DATA_SERVICE_URL wins over BASE_SERVICE_URL (which points nowhere).
export BASE_SERVICE_URL=http://127.0.0.1:1/api/
export DATA_SERVICE_URL=$FAKE/api/
INV_PLUGINS="asset compartment reservation drop" inv_start a --set asset.data_timeout_ms=1000 \
	--set asset.data_negative_ttl_ms=600000
unset DATA_SERVICE_URL BASE_SERVICE_URL
inv_watch
check "the data URL is logged at start" wait_log "data service url=$FAKE/api/ timeout_ms=1000"
T=$(uuid)
C=1001
inv_character "$T" $C
check "compartments created" wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '"'$T'"'") == 5 ]]'
check_eq "item_templates is empty" "$(sql 'SELECT COUNT(*) FROM item_templates')" 0
check_eq "no request yet (character CREATED needs no template)" "$(total)" 0

# 1. CREATE_ASSET of equipment.
X1=$(uuid)
inv_cmd "$T" $C 1 CREATE_ASSET '{"templateId":1302000}' "$X1"
check "CREATE_ASSET 1302000: asset CREATED" inv_wait_txn "$X1" 1
check_eq "its statistics are the served ones (weaponAttack 17, slots 7)" \
	"$(inv_all_txn "$X1" | jq -r '.value.body.referenceData | "\(.weaponAttack) \(.slots)"')" "17 7"
check_eq "the row is stored: slot code, name, positions, stats" \
	"$(sql "SELECT equip_slot_code, equip_slot_name, equip_slots, inc_pad, upgrade_slots, is_cash FROM item_templates WHERE tenant_id = '$T' AND template_id = 1302000")" \
	"$(printf 'Wp\tWEAPON\t-11\t17\t7\t0')"
check_eq "statistics asked once" "$(hits /api/data/equipment/1302000)" 1
check_eq "slots asked once" "$(hits /api/data/equipment/1302000/slots)" 1
check_eq "the tenant headers were sent" \
	"$(fake count | jq -r '.headers | "\(.TENANT_ID) \(.REGION) \(.MAJOR_VERSION) \(.MINOR_VERSION)"')" "$T GMS 83 1"
X2=$(uuid)
inv_cmd "$T" $C 1 CREATE_ASSET '{"templateId":1302000}' "$X2"
check "a second CREATE_ASSET 1302000 is applied" inv_wait_txn "$X2" 1
check_eq "... without asking the service again" "$(total)" 2

# 2. EQUIP with the row missing (deleted): fetched under the lock, worn at -11.
sql "DELETE FROM item_templates WHERE tenant_id = '$T'"
X3=$(uuid)
inv_cmd "$T" $C 1 EQUIP '{"source":1,"destination":0}' "$X3"
check "EQUIP: MOVED to -11" wait_until 15 '[[ $(inv_txn "$X3") == "ASSET MOVED "*" 1302000 -11 {\"oldSlot\":1}" ]]'
check_eq "EQUIP fetched the template once more (2 requests)" "$(total)" 4

# 3. MOVE merging two ETC stacks of 4000001 (served slotMax 3).
for q in 2 2; do inv_cmd "$T" $C 4 CREATE_ASSET "{\"templateId\":4000001,\"quantity\":$q}" "$(uuid)"; done
check "two stacks of 2" wait_until 15 '[[ $(inv_slots "$T" $C 4) == "1:4000001:2 2:4000001:2" ]]'
check_eq "CREATE_ASSET of a stackable asks nothing" "$(hits /api/data/etcs/4000001)" 0
X4=$(uuid)
inv_cmd "$T" $C 4 MOVE '{"source":1,"destination":2}' "$X4"
check "MOVE merged up to the served slot max: 1 left in slot 1, 3 in slot 2" \
	wait_until 15 '[[ $(inv_slots "$T" $C 4) == "1:4000001:1 2:4000001:3" ]]'
check_eq "etcs/4000001 asked once" "$(hits /api/data/etcs/4000001)" 1

# 4. Pick-up of 5 x 4000001 (row deleted again): fills slot 1 to 3, the rest in slot 3.
sql "DELETE FROM item_templates WHERE tenant_id = '$T'"
MAP='"worldId":0,"channelId":1,"mapId":100000000'
send COMMAND_TOPIC_DROP SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":4000001,\"equipmentId\":0,\"quantity\":5,\"mesos\":0,\"dropType\":0,\"x\":0,\"y\":0,\"ownerId\":0,\"ownerPartyId\":0,\"dropperId\":0,\"dropperX\":0,\"dropperY\":0,\"playerDrop\":false,\"mod\":0}}" \
	--tenant "$T" --region GMS --version 83.1
check "the drop is on the map" wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 1 ]]'
DROP=$(sql "SELECT id FROM drop_drops")
send COMMAND_TOPIC_DROP REQUEST_RESERVATION "{\"transactionId\":\"$(uuid)\",$MAP,\"type\":\"REQUEST_RESERVATION\",\"body\":{\"dropId\":$DROP,\"characterId\":$C,\"partyId\":0,\"characterX\":0,\"characterY\":0,\"petSlot\":-1}}" \
	--tenant "$T" --region GMS --version 83.1
check "pick-up stacked with the served slot max: 3, 3, 3" \
	wait_until 15 '[[ $(inv_slots "$T" $C 4) == "1:4000001:3 2:4000001:3 3:4000001:3" ]]'
check_eq "etcs/4000001 asked once more by the pick-up" "$(hits /api/data/etcs/4000001)" 2

# 5. Unknown templates. Equipment (the service answers 500): CREATE_ASSET fails as without a row.
X5=$(uuid)
inv_cmd "$T" $C 1 CREATE_ASSET '{"templateId":1999999}' "$X5"
check "unknown equipment: CREATE_ASSET failed (the contract's failure)" \
	wait_log 'CREATE_ASSET failed: unknown equipment template=1999999'
check "the service's answer is logged as not found" wait_log 'no item template=1999999 .*status=500'
inv_cmd "$T" $C 1 CREATE_ASSET '{"templateId":1999999}' "$(uuid)"
check "a second one fails too" wait_log 'CREATE_ASSET failed: unknown equipment template=1999999' 2
check_eq "asked once (negative cache)" "$(hits /api/data/equipment/1999999)" 1
check_eq "no asset, no event for it" "$(inv_n_txn "$X5")" 0
# A stackable the service does not know (404): the default slot max 100 applies.
for q in 60 50; do inv_cmd "$T" $C 2 CREATE_ASSET "{\"templateId\":2000099,\"quantity\":$q}" "$(uuid)"; done
check "two stacks of 2000099" wait_until 15 '[[ $(inv_slots "$T" $C 2) == "1:2000099:60 2:2000099:50" ]]'
inv_cmd "$T" $C 2 MOVE '{"source":2,"destination":1}' "$(uuid)"
check "merged with the default slot max 100" wait_until 15 '[[ $(inv_slots "$T" $C 2) == "1:2000099:100 2:2000099:10" ]]'
check_eq "consumables/2000099 asked once (404)" "$(hits /api/data/consumables/2000099)" 1
check_eq "a 404 stores no row" "$(sql "SELECT COUNT(*) FROM item_templates WHERE template_id = 2000099")" 0

# 6. Outage: 503 for a while, then slow answers (timeouts); two commands wait meanwhile.
fake mode/503 >/dev/null
X6=$(uuid) X7=$(uuid)
inv_cmd "$T" $C 1 CREATE_ASSET '{"templateId":1112000}' "$X6"
inv_cmd "$T" $C 1 CREATE_ASSET '{"templateId":1112000}' "$X7"
check "the outage is logged with the failing URL" \
	wait_log "data service unavailable url=$FAKE/api/data/equipment/1112000 error=.*HTTP status 503"
check "the command is retried (several requests)" wait_until 15 '(($(hits /api/data/equipment/1112000) >= 3))'
fake mode/slow?ms=3000 >/dev/null
B=$(hits /api/data/equipment/1112000)
check "timeouts go on being retried" wait_until 30 '(($(hits /api/data/equipment/1112000) >= B + 2))'
check_eq "nothing applied meanwhile" "$(inv_n_txn "$X6")$(inv_n_txn "$X7")" 00
check_eq "one log line for the whole outage" "$(log_count 'data service unavailable url=')" 1
fake mode/normal >/dev/null
check "once the service answers, both commands are applied" \
	wait_until 20 '(($(inv_n_txn "$X6") == 1 && $(inv_n_txn "$X7") == 1))'
check "the recovery is logged" wait_log 'data service answers again url='
check_eq "the ring's positions come from its islot code, not the served -12 x4" \
	"$(sql "SELECT equip_slots FROM item_templates WHERE tenant_id = '$T' AND template_id = 1112000")" "-12,-13,-15,-16"
check_eq "nothing was dead-lettered" "$(log_count 'event=dead_lettered|giving up')" 0

# 7. Garbage, one kind after the other, for a cash hat.
X8=$(uuid)
fake mode/garbage >/dev/null
inv_cmd "$T" $C 1 CREATE_ASSET '{"templateId":1002140}' "$X8"
check "not JSON: refused with the URL and the reason" \
	wait_log "answer refused url=$FAKE/api/data/equipment/1002140 status=200 reason=.*not JSON"
fake mode/wrongtype >/dev/null
check "wrong resource type: refused" wait_log 'answer refused url=.*/equipment/1002140 .*resource type is .*pets.*, not .*statistics'
fake mode/range >/dev/null
check "out of range: refused" wait_log 'answer refused url=.*/equipment/1002140 .*weaponAttack = 70000 is out of range'
check_eq "no row for it, nothing applied" \
	"$(sql "SELECT COUNT(*) FROM item_templates WHERE template_id = 1002140")$(inv_n_txn "$X8")" 00
fake mode/normal >/dev/null
check "healthy again: applied" inv_wait_txn "$X8" 1 20
check_eq "its row: a cash HAT at -1" \
	"$(sql "SELECT is_cash, equip_slot_name, equip_slots, inc_str FROM item_templates WHERE tenant_id = '$T' AND template_id = 1002140")" \
	"$(printf '1\tHAT\t-1\t1')"
check_eq "still nothing dead-lettered" "$(inv_dead)" 0
it_finish
