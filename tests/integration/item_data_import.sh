#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cofferctl templates import / show (docs/item-data.md): a tenant's item_templates filled
# ahead of time from the fake data service (--ids, --range, the summary, kept rows, failures)
# and from files (contrib/templates/sample.sql, a JSON file, a bad JSON file that loads nothing).
. "$(dirname "$0")/inventory_lib.sh"
it_init
require_tools python3 curl
python3 "$abs_top_srcdir/tests/integration/fake_data_service.py" >"$IT_W/fake.port" 2>"$IT_W/fake.err" &
wait_until 10 '[[ -s $IT_W/fake.port ]]' || die "the fake data service did not start"
FAKE=http://127.0.0.1:$(head -n1 "$IT_W/fake.port")
fake() { curl -sf "$FAKE/control/$1"; }
# cofferd runs the migrations (item_templates); no data URL: it never asks the service.
inv_start a
T=$(uuid) T2=$(uuid)
tctl() { "$COFFERCTL" templates "$@"; }

printf '%s\n' '# a few templates' 1302000 1112000 2000000 3010000 '4000000  # blue snail shell' \
	1999999 2000099 5000000 >"$IT_W/ids"
tctl import --tenant "$T" --from "$FAKE/api/" --ids "$IT_W/ids" >"$IT_W/out" 2>"$IT_W/err"
check_eq "--ids: exit 0" "$?" 0
check_eq "the summary: fetched, missing, failed" "$(cat "$IT_W/out")" \
	"fetched 5, missing 2, failed 0 (kept 0 already present, skipped 1 of type 5 or none)"
check_eq "no progress lines when stderr is not a terminal" "$(wc -c <"$IT_W/err")" 0
check_eq "the five rows" "$(sql "SELECT GROUP_CONCAT(template_id ORDER BY template_id) FROM item_templates WHERE tenant_id = '$T'")" \
	"1112000,1302000,2000000,3010000,4000000"
check_eq "the ring keeps its four positions, the shell its slot max" \
	"$(sql "SELECT equip_slots FROM item_templates WHERE tenant_id = '$T' AND template_id = 1112000"; sql "SELECT slot_max FROM item_templates WHERE tenant_id = '$T' AND template_id = 4000000")" \
	"$(printf -- '-12,-13,-15,-16\n200')"
check_eq "the tenant headers were sent (default region and version)" \
	"$(fake count | jq -r '.headers | "\(.TENANT_ID) \(.REGION) \(.MAJOR_VERSION) \(.MINOR_VERSION)"')" "$T GMS 83 1"
N=$(fake count | jq -r .total)
tctl import --tenant "$T" --from "$FAKE/api/" --range 4000000-4000002 --region EMS --version 95.2 >"$IT_W/out"
check_eq "--range: 4000000 kept, 4000001 fetched, 4000002 missing" "$(cat "$IT_W/out")" \
	"fetched 1, missing 1, failed 0 (kept 1 already present, skipped 0 of type 5 or none)"
check_eq "two requests (rows present are not asked for)" "$(($(fake count | jq -r .total) - N))" 2
check_eq "--region/--version sent" "$(fake count | jq -r '.headers | "\(.REGION) \(.MAJOR_VERSION) \(.MINOR_VERSION)"')" "EMS 95 2"
fake mode/503 >/dev/null
tctl import --tenant "$T" --from "$FAKE/api/" --range 2000000-2000001 --replace >"$IT_W/out" 2>"$IT_W/err"
check_eq "an unavailable service: exit 1" "$?" 1
check_eq "... counted as failed" "$(cat "$IT_W/out")" \
	"fetched 0, missing 0, failed 2 (kept 0 already present, skipped 0 of type 5 or none)"
check "... each failure named with its URL" grep -q "template 2000001: $FAKE/api/data/consumables/2000001: HTTP status 503" "$IT_W/err"
fake mode/garbage >/dev/null
tctl import --tenant "$T" --from "$FAKE/api/" --range 3010000-3010000 --replace >"$IT_W/out" 2>"$IT_W/err"
check_eq "garbage: exit 1" "$?" 1
check "... refused with the reason" grep -q "3010000: .*not JSON" "$IT_W/err"
check_eq "... the row is unchanged" "$(sql "SELECT slot_max FROM item_templates WHERE tenant_id = '$T' AND template_id = 3010000")" 1
fake mode/normal >/dev/null

tctl show "$T" 1302000 >"$IT_W/show"
check_eq "show: exit 0" "$?" 0
check_eq "show prints the row as JSON" "$(jq -c '[.template_id, .equip_slot_code, .equip_slot_name, .equip_slots, .inc_pad, .upgrade_slots, .is_cash, .name]' "$IT_W/show")" \
	'[1302000,"Wp","WEAPON","-11",17,7,false,null]'
tctl show "$T" 1999999 >/dev/null 2>"$IT_W/err"
check_eq "show of a missing template: exit 1" "$?" 1
tctl show "$T" abc >/dev/null 2>&1
check_eq "show of a bad id: exit 2" "$?" 2

tctl import --tenant "$T2" --file "$abs_top_srcdir/contrib/templates/sample.sql" >"$IT_W/out"
check_eq "--file sample.sql: exit 0" "$?" 0
check_eq "the sample set is loaded for T2 only" \
	"$(sql "SELECT COUNT(*) FROM item_templates WHERE tenant_id = '$T2'") $(sql "SELECT COUNT(*) FROM item_templates WHERE tenant_id = '$T'")" "14 6"
check_eq "... with its names" "$(tctl show "$T2" 1302000 | jq -r .name)" "Sword"
cat >"$IT_W/rows.json" <<'JSON'
[{"template_id": 2000000, "slot_max": 300},
 {"template_id": 1040002, "equip_slot_code": "Ma", "equip_slot_name": "TOP", "equip_slots": "-5",
  "inc_pdd": 3, "upgrade_slots": 7, "is_cash": false, "name": "White Undershirt"}]
JSON
tctl import --tenant "$T2" --file "$IT_W/rows.json" --replace >"$IT_W/out"
check_eq "--file JSON --replace: loaded" "$(cat "$IT_W/out")" "loaded 2 templates from $IT_W/rows.json"
check_eq "... replacing the sample's row" "$(tctl show "$T2" 2000000 | jq -c '[.slot_max, .name]')" '[300,null]'
printf '[{"template_id": 4000000}, {"template_id": 4000001, "inc_str": 70000}]' >"$IT_W/bad.json"
tctl import --tenant "$T" --file "$IT_W/bad.json" --replace >/dev/null 2>"$IT_W/err"
check_eq "a bad JSON file: exit 1" "$?" 1
check "... naming the row and the reason" grep -q "row 2: inc_str is not an integer in 0..65535" "$IT_W/err"
check_eq "... and nothing of it is loaded" "$(sql "SELECT slot_max FROM item_templates WHERE tenant_id = '$T' AND template_id = 4000000")" 200
check_eq "cofferd never asked the service (no URL set)" "$(log_count 'data service')" 0
it_finish
