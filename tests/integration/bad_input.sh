#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The bad-input corpus (docs/testing.md "Bad-input corpus"): about two thousand
# generated bad messages (tests/integration/bad_input_gen.py) for every
# (topic, type) pair the four plugins consume, sent through Kafka to one cofferd
# that holds characters, items and drops of two tenants. For each case: it is
# dead-lettered with a reason, or answered with the contract's failure event, or
# (where the contract says so: an unknown type on an event topic, another
# tenant's ids) handled quietly, exactly as its case class allows; no business
# row changes (an ordered dump of every plugin table is compared); cofferd
# still runs; afterwards one valid command per plugin still works.
#
# Determinism: every case of a topic has one key, so all of them are in one
# partition and handled in send order; a sentinel sent last on each (topic,
# key) is dead-lettered, and its dead letter in the outbox log proves that
# every case before it was handled, with all it committed.
. "$(dirname "$0")/lib.sh"
it_init
require_tools python3
GEN=$abs_top_srcdir/tests/integration/bad_input_gen.py
drop_start a --set drop.expiration_duration_ms=3600000 --set drop.reservation_grace_ms=3600000 \
	--set drop.ownership_window_ms=0
W=$IT_W
TA=$(uuid)
TB=$(uuid)
DL=$(dead_letter_topic)

# A copy of every outbox row with its tenant (it_outbox_log has no tenant).
sql "CREATE TABLE corpus_log (id BIGINT UNSIGNED PRIMARY KEY, tenant_id CHAR(36) NOT NULL,
	topic VARCHAR(249) NOT NULL, headers MEDIUMBLOB NOT NULL, payload MEDIUMBLOB NOT NULL) ENGINE=InnoDB" ||
	die "corpus_log"
sql "CREATE TRIGGER corpus_log_ai AFTER INSERT ON coffer_outbox FOR EACH ROW
	INSERT INTO corpus_log VALUES (NEW.id, NEW.tenant_id, NEW.topic, NEW.headers, NEW.payload)" ||
	die "corpus_log trigger"

say "fixtures: tenant A $TA (characters 101, 102; four drops), tenant B $TB (character 201; two drops)"
MAP='"worldId":0,"channelId":1,"mapId":100000000'
spawn() { # TENANT COUNT
	local t
	for ((t = 0; t < $2; t++)); do
		send COMMAND_TOPIC_DROP SPAWN "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"itemId\":4000000,\"quantity\":3,\"dropType\":0,\"x\":1,\"y\":2,\"dropperId\":9}}" \
			--tenant "$1" --region GMS --version 83.1 --key 100000000
	done
}
T=$TB
drop_templates
drop_character 201
drop_inv 201 1 CREATE_ASSET '{"templateId":1302000}'
drop_inv 201 2 CREATE_ASSET '{"templateId":2000000,"quantity":20}'
spawn "$TB" 2
T=$TA
drop_templates
drop_character 101 102
drop_inv 101 1 CREATE_ASSET '{"templateId":1302000}' "$(uuid)" --count 2
drop_inv 101 2 CREATE_ASSET '{"templateId":2000000,"quantity":20}'
drop_inv 101 4 CREATE_ASSET '{"templateId":4000000,"quantity":100}'
drop_inv 102 2 CREATE_ASSET '{"templateId":2000000,"quantity":10}'
check "fixtures: the assets are created" \
	wait_until 20 '[[ $(sql "SELECT COUNT(*) FROM assets") == 7 ]]'
spawn "$TA" 4
check "fixtures: six drops" wait_until 20 '[[ $(sql "SELECT COUNT(*) FROM drop_drops") == 6 ]]'
# Two of tenant A's drops whose ids tenant B has not (ids count per tenant: A has more).
read -r DROP_A DROP_R < <(sql "SELECT a.id FROM drop_drops a WHERE a.tenant_id = '$TA' AND NOT EXISTS
	(SELECT 1 FROM drop_drops b WHERE b.tenant_id = '$TB' AND b.id = a.id) ORDER BY a.id LIMIT 2" | tr '\n' ' ')
[[ -n $DROP_R ]] || die "no drop of tenant A only"
# Character 102 reserves one of them (a drop reservation; the grace is an hour).
drop_cmd REQUEST_RESERVATION "{\"transactionId\":\"$(uuid)\",$MAP,\"body\":{\"dropId\":$DROP_R,\"characterId\":102}}"
check "fixtures: drop $DROP_R reserved by 102" \
	wait_until 20 '[[ $(sql "SELECT reserved_by FROM drop_drops WHERE tenant_id = '"'$TA'"' AND id = $DROP_R") == 102 ]]'
check "fixtures: the outbox is published" wait_outbox_empty 20
# The pick-up the RESERVED above caused (drop plugin -> inventory) must be done
# too: wait until the processing is quiet.
check "fixtures: processing is quiet" drop_quiet 20
say "fixtures ready ($(elapsed_ms) ms)"
SWORD_REF=$(sql "SELECT a.reference_id FROM assets a JOIN compartments c ON c.tenant_id = a.tenant_id AND
	c.id = a.compartment_id WHERE a.tenant_id = '$TA' AND c.character_id = 101 AND c.inventory_type = 1 ORDER BY a.slot LIMIT 1")

# snapshot FILE: an ordered dump of every business table (the plugins' tables).
TABLES=$(sql "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND
	TABLE_NAME NOT LIKE 'coffer\\_%' AND TABLE_NAME NOT LIKE 'it\\_%' AND TABLE_NAME NOT LIKE 'corpus\\_%'
	AND TABLE_NAME NOT LIKE 'schema%' ORDER BY TABLE_NAME")
snapshot() {
	local t
	for t in $TABLES; do
		printf '== %s\n' "$t"
		sql "SELECT * FROM \`$t\`" | LC_ALL=C sort
	done >"$1"
}
snapshot "$W/before"
say "business tables: $(tr '\n' ' ' <<<"$TABLES")($(grep -vc '^==' "$W/before") rows)"
LOG0=$(sql "SELECT COALESCE(MAX(id), 0) FROM corpus_log")

printf '{"tenant_a":"%s","tenant_b":"%s","char_a1":101,"char_a2":102,"char_new":301,"drop_a":%s,"drop_a_reserved":%s,"sword_ref_a":%s}\n' \
	"$TA" "$TB" "$DROP_A" "$DROP_R" "${SWORD_REF:-1}" >"$W/fixtures.json"
python3 "$GEN" gen "$W/fixtures.json" "$W/cases.jsonl" || die "the generator failed"
N=$(wc -l <"$W/cases.jsonl")
# One sentinel per (topic, key): not JSON, so dead-lettered; its payload names it.
jq -c '{topic, key}' "$W/cases.jsonl" | sort -u | while read -r tk; do
	jq -c --arg p "$(printf 'corpus sentinel %s' "$(jq -r '.topic + " " + .key' <<<"$tk")" | od -An -tx1 | tr -d ' \n')" \
		'. + {id: "sentinel", headers: [["TENANT_ID", ""]], payload: $p, expect: ["dead"], txn: null, char: null, desc: "sentinel"}' \
		<<<"$tk"
done >"$W/sentinels.jsonl"
S=$(wc -l <"$W/sentinels.jsonl")
say "$N cases on $(jq -r .topic "$W/cases.jsonl" | sort -u | wc -l) topics, $S sentinels"
check "$N cases generated (at least 200)" test "$N" -ge 200

T0=$(elapsed_ms)
cat "$W/cases.jsonl" "$W/sentinels.jsonl" >"$W/all.jsonl"
check "the cases are produced" python3 "$GEN" send "$(bootstrap)" "$W/all.jsonl"
check "every sentinel is dead-lettered (so every case before it was handled)" \
	wait_until 60 '[[ $(sql "SELECT COUNT(*) FROM corpus_log WHERE id > $LOG0 AND topic = '"'$DL'"' AND
		LEFT(payload, 16) = '"'corpus sentinel '"'") -ge $S ]]'
say "handled in $(($(elapsed_ms) - T0)) ms"
check "cofferd still runs" kill -0 "${CPID[a]}"
check "the outbox is published" wait_outbox_empty 30
snapshot "$W/after"
if cmp -s "$W/before" "$W/after"; then
	pass "no business row changed"
	CHANGES=0
else
	CHANGES=$(diff "$W/before" "$W/after" | grep -c '^[<>]')
	fail "business rows changed ($CHANGES lines):"
	diff "$W/before" "$W/after" | head -n 40
fi

# Dead letters as committed (the outbox row's headers: host/outbox.c
# outbox_headers_encode), by the CORPUS_CASE header they kept.
sql "SELECT HEX(headers) FROM corpus_log WHERE id > $LOG0 AND topic = '$DL' ORDER BY id" >"$W/dead_hex"
python3 - "$W/dead_hex" >"$W/dead" <<'EOF'
import json, struct, sys
for line in open(sys.argv[1]):
    b, h, i = bytes.fromhex(line.strip()), {}, 0
    while i < len(b):
        (nl,) = struct.unpack_from("<H", b, i)
        name = b[i + 2:i + 2 + nl].decode()
        (vl,) = struct.unpack_from("<I", b, i + 2 + nl)
        h.setdefault(name, b[i + 6 + nl:i + 6 + nl + vl].decode("utf-8", "replace"))
        i += 6 + nl + vl
    if "CORPUS_CASE" in h:
        print(json.dumps({"id": h["CORPUS_CASE"], "reason": h.get("DEAD_LETTER_REASON", "")}))
EOF
# Events since the corpus began: "tenant topic type transactionId characterId".
sql "SELECT tenant_id, topic, JSON_VALUE(CONVERT(payload USING utf8mb4), '\$.type'),
	COALESCE(JSON_VALUE(CONVERT(payload USING utf8mb4), '\$.transactionId'), '-'),
	COALESCE(JSON_VALUE(CONVERT(payload USING utf8mb4), '\$.characterId'), '-')
	FROM corpus_log WHERE id > $LOG0 AND topic <> '$DL' ORDER BY id" >"$W/events"
python3 - "$W/cases.jsonl" "$W/dead" "$W/events" "$TB" >"$W/tally" <<'EOF'
import json, sys
cases = [json.loads(l) for l in open(sys.argv[1])]
dead = {}
for l in open(sys.argv[2]):
    d = json.loads(l)
    dead.setdefault(d["id"], []).append(d["reason"])
FAIL = {("EVENT_TOPIC_COMPARTMENT_STATUS", "ERROR"), ("EVENT_TOPIC_DROP_STATUS", "RESERVATION_FAILURE"),
        ("COMMAND_TOPIC_DROP", "CANCEL_RESERVATION"), ("EVENT_TOPIC_INVENTORY_STATUS", "DELETED")}
by_txn, by_char, stray = {}, {}, []
for l in open(sys.argv[3]):
    tenant, topic, typ, txn, char = l.rstrip("\n").split("\t")
    by_txn.setdefault(txn, []).append((tenant, topic, typ, char))
txns = {c["txn"] for c in cases if c["txn"]}
for txn, evs in list(by_txn.items()):
    if txn in txns:
        continue
    for e in evs:  # DELETED of an unknown character: a new transaction id, attributed by characterId
        stray.append(e)
    del by_txn[txn]
n = {"dead": 0, "fail": 0, "quiet": 0}
bad = 0
for c in cases:
    evs = by_txn.get(c["txn"], []) if c["txn"] else []
    if c["char"] is not None and "DELETED" in c["desc"]:
        for e in list(stray):
            if e[0] == c["tenant"] and e[3] == str(c["char"]) and e[2] == "DELETED":
                evs.append(e)
                stray.remove(e)
    got = []
    if c["id"] in dead:
        got.append("dead")
        if not all(dead[c["id"]]):
            print("BAD %s: dead-lettered without a reason: %s" % (c["id"], c["desc"]))
            bad += 1
    if evs:
        if all((e[1], e[2]) in FAIL for e in evs):
            got.append("fail")
        else:
            print("BAD %s: %s: events %s" % (c["id"], c["desc"], evs))
            bad += 1
            continue
    if not got:
        got = ["quiet"]
    if len(got) > 1 or got[0] not in c["expect"]:
        print("BAD %s: %s: outcome %s, expected one of %s%s" % (c["id"], c["desc"], "+".join(got),
              c["expect"], (" (" + dead[c["id"]][0][:100] + ")") if c["id"] in dead else ""))
        bad += 1
        continue
    n[got[0]] += 1
for e in stray:
    print("BAD event no case explains: %s" % (e,))
    bad += 1
print("TALLY cases=%d dead-lettered=%d failure-events=%d quiet=%d wrong=%d" %
      (len(cases), n["dead"], n["fail"], n["quiet"], bad))
EOF
grep '^BAD' "$W/tally" | head -n 60
TALLY=$(grep '^TALLY' "$W/tally")
check_eq "every case has the outcome its class allows" "$(grep -c '^BAD' "$W/tally")" 0
say "$TALLY state-changes=$CHANGES"
check_eq "every dead letter of the corpus has a reason" \
	"$(jq -s 'map(select(.reason == "")) | length' "$W/dead")" 0

say "valid commands still work, one per plugin ($(elapsed_ms) ms)"
X1=$(uuid) X2=$(uuid) X3=$(uuid) X4=$(uuid)
drop_inv 101 2 CREATE_ASSET '{"templateId":2000001,"quantity":3}' "$X1"
drop_inv 101 4 MOVE '{"source":1,"destination":9}' "$X2"
send COMMAND_TOPIC_COMPARTMENT REQUEST_RESERVE "{\"transactionId\":\"$X3\",\"characterId\":102,\"inventoryType\":2,\"body\":{\"transactionId\":\"$X3\",\"items\":[{\"source\":1,\"itemId\":2000000,\"quantity\":2}]}}" \
	--tenant "$TA" --region GMS --version 83.1
drop_cmd SPAWN "{\"transactionId\":\"$X4\",$MAP,\"body\":{\"itemId\":4000000,\"quantity\":1,\"dropType\":0,\"x\":1,\"y\":2,\"dropperId\":9}}"
ev_of() { sql "SELECT COUNT(*) FROM corpus_log WHERE id > $LOG0 AND topic = '$1' AND
	JSON_VALUE(CONVERT(payload USING utf8mb4), '\$.transactionId') = '$2' AND
	JSON_VALUE(CONVERT(payload USING utf8mb4), '\$.type') = '$3'"; }
check "asset: CREATE_ASSET answers asset CREATED" \
	wait_until 20 '(($(ev_of EVENT_TOPIC_ASSET_STATUS "$X1" CREATED) >= 1))'
check "compartment: MOVE answers asset MOVED" \
	wait_until 20 '(($(ev_of EVENT_TOPIC_ASSET_STATUS "$X2" MOVED) >= 1))'
check "reservation: REQUEST_RESERVE answers compartment RESERVED" \
	wait_until 20 '(($(ev_of EVENT_TOPIC_COMPARTMENT_STATUS "$X3" RESERVED) >= 1))'
check "drop: SPAWN answers drop CREATED" \
	wait_until 20 '(($(ev_of EVENT_TOPIC_DROP_STATUS "$X4" CREATED) >= 1))'
check "no sanitizer report or crash: cofferd still runs" kill -0 "${CPID[a]}"
it_finish
