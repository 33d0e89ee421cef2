#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An item is never duplicated or lost across crashes (docs/architecture.md#outbox
# and #processed-markers: markers + row changes + outbox rows commit in one
# transaction; offsets after; the outbox is published at least once, each
# event under one EVENT_ID).
#
# The embedded Kafka lives inside its cofferd, so the cluster must outlive the
# crashes: cofferd k owns it and is never killed. k loads only the probe
# plugin, with its own database and consumer group, so it never touches an
# inventory topic and never publishes into the test's database: the worker w
# (real asset, compartment and reservation plugins, --workers 4, on k's Kafka,
# the test's database) holds every partition and the publisher's lock.
#
# A burst of order-dependent commands for four characters (CREATE_ASSET, MOVE,
# DESTROY, REQUEST_RESERVE, CONSUME on USE and ETC; per character in one
# key, so in order) streams out paced. 2 or 3 times, after w made a random
# amount of progress, another session locks a random character's compartments
# (w's transaction for that character then waits, uncommitted, while the others
# go on) and 0.3..0.8 s later w is SIGKILLed, then restarted (same group); the
# randomness is reproducible
# from the printed seed (CRASH_SEED=N to replay). After the queues drain:
# 1. the end state (assets per compartment, reservations) equals a replay of
#    the same commands on a fresh database by a cofferd with --workers 1;
# 2. every command was applied exactly once: one processed-marker per offset
#    of the command topic (contiguous from 0 in every partition, as many as
#    commands), per-template totals equal the replay's;
# 3. the events: copies of one EVENT_ID are identical (at-least-once
#    publishing may repeat one); per transactionId as many distinct EVENT_IDs
#    as the replay produced events; per character and topic, the events in
#    first-publication order (EVENT_ID copies folded) equal the replay's;
# 4. coffer_outbox is empty, nothing was dead-lettered.
. "$(dirname "$0")/inventory_lib.sh"
require_tools kcat
it_init
SEED=${CRASH_SEED:-$(((${EPOCHREALTIME/[.,]/} / 1000) % 32768))}
say "seed $SEED (CRASH_SEED=$SEED to replay)"
RANDOM=$SEED
T=$(uuid)
CHARS=(1001 1002 1003 1004)
PER_CHAR=80
N=$((${#CHARS[@]} * PER_CHAR))
NKILL=$((2 + RANDOM % 2))

# r: the replay (its own embedded Kafka and database, one worker); its copy of
# the burst is processed while the crash run goes on. No expiry sweep in
# either database: the end states are read after the queues drain.
NOSWEEP=(--set reservation.sweep_interval_ms=3600000)
it_create_db DB2 replay
DB_NAME=$DB2 inv_start r --workers 1 "${NOSWEEP[@]}"
DB_NAME=$DB2 inv_watch r
EV_REPLAY=$INV_EV
DB_NAME=$DB2 inv_templates "$T"
for c in "${CHARS[@]}"; do inv_character "$T" "$c"; done
# k: the Kafka cluster's home (probe plugin only, its own database and group).
it_create_db DBK kafka
DB_NAME=$DBK coffer_start k --group-id crash-kafka-host
KB=$(bootstrap k)
# w: the worker that is killed, in the default group on k's Kafka. The mock
# coordinator evicts a dead member after the group's session timeout and
# delays the first join of an empty group by 3 s: 3.5 s serves both.
W= WN=0
w_start() {
	WN=$((WN + 1))
	W=w$WN
	inv_start "$W" --no-embedded --bootstrap-servers "$KB" --workers 4 --log-level debug "${NOSWEEP[@]}" \
		--kafka-prop session.timeout.ms=3500 --kafka-prop heartbeat.interval.ms=1000 \
		--kafka-prop reconnect.backoff.max.ms=500
	coffer_use k
}
w_start
inv_watch k
EV_CRASH=$INV_EV
inv_templates "$T"
for c in "${CHARS[@]}"; do inv_character "$T" "$c"; done
check "the compartments of ${#CHARS[@]} characters are created" wait_until 20 \
	'[[ $(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '"'$T'"'") == $((5 * ${#CHARS[@]})) ]]'
DB_NAME=$DB2 check "replay: the compartments are created" wait_until 20 \
	'[[ $(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '"'$T'"'") == $((5 * ${#CHARS[@]})) ]]'

# ------------------------------------------------------------------ the commands
# TXN CHAR INVTYPE TYPE BODY: one command line for kcat -K TAB (key: the character).
command() { printf '%d\t{"transactionId":"%s","characterId":%d,"inventoryType":%d,"type":"%s","body":%s}\n' "$2" "$@"; }
declare -A RSV # "CHAR INVTYPE" -> space-separated transactionIds of its REQUEST_RESERVEs
gen() {
	local c=$1 i r it tpl q a b x items
	for ((i = 0; i < PER_CHAR; i++)); do
		it=$(((RANDOM % 2) * 2 + 2)) # 2 USE, 4 ETC
		tpl=$((it * 1000000 + RANDOM % 2))
		r=$((RANDOM % 100)) a=$((RANDOM % 6 + 1)) b=$((RANDOM % 6 + 1)) q=$((RANDOM % 50 + 1))
		((i < 6)) && r=0
		x=$(uuid)
		if ((r < 30)); then
			command "$x" "$c" "$it" CREATE_ASSET "{\"templateId\":$tpl,\"quantity\":$q}"
		elif ((r < 58)); then
			command "$x" "$c" "$it" MOVE "{\"source\":$a,\"destination\":$b}"
		elif ((r < 75)); then
			command "$x" "$c" "$it" DESTROY "{\"slot\":$a,\"quantity\":$((q % 31)),\"removeAll\":false}"
		elif ((r < 88)); then
			items="{\"source\":$a,\"itemId\":$tpl,\"quantity\":$((q % 10 + 1))}"
			((RANDOM % 3 == 0)) && items+=",{\"source\":$b,\"itemId\":$((it * 1000000 + RANDOM % 2)),\"quantity\":$((RANDOM % 5 + 1))}"
			command "$x" "$c" "$it" REQUEST_RESERVE "{\"transactionId\":\"$x\",\"items\":[$items]}"
			RSV["$c $it"]+=" $x"
		else
			local l=(${RSV["$c $it"]:-}) y
			((${#l[@]})) && y=${l[RANDOM % ${#l[@]}]} || y=$x
			command "$y" "$c" "$it" CONSUME "{\"transactionId\":\"$y\",\"slot\":$a}"
		fi
	done
}
for c in "${CHARS[@]}"; do gen "$c" >"$IT_W/cmd.$c"; done
# Interleave the characters (each keeps its order).
paste -d'\n' "${CHARS[@]/#/$IT_W/cmd.}" | grep -v '^$' >"$IT_W/burst"
check_eq "$N commands in the burst" "$(wc -l <"$IT_W/burst")" "$N"
say "mix: $(jq -Rr 'split("\t")[1] | fromjson | .type' "$IT_W/burst" | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}')"
cut -f2 "$IT_W/burst" | jq -r .transactionId | sort -u >"$IT_W/txns"

produce() { # BOOTSTRAP FILE
	kcat -P -b "$1" -t COMMAND_TOPIC_COMPARTMENT -K $'\t' -H "TENANT_ID=$T" -H REGION=GMS \
		-X message.timeout.ms=10000 -X linger.ms=5 <"$2" 2>>"$IT_W/kcat.err"
}
cmd_done() { sql "SELECT COUNT(*) FROM coffer_processed WHERE topic = 'COMMAND_TOPIC_COMPARTMENT'"; }

# ------------------------------------------------------------------ the crash run
# The sender streams the burst through one kcat, 4 lines per pause, paced to
# last about as long as the kills; it holds back its last NKILL segments of
# 16 lines (4 per character) and sends one when a kill asks for it, so that
# every kill falls inside the burst.
HOLD=$((16 * NKILL))
PACE_MS=$(((NKILL * 5000 + 1000) * 4 / (N - HOLD)))
head -n $((N - HOLD)) "$IT_W/burst" >"$IT_W/paced"
tail -n $HOLD "$IT_W/burst" | split -l 16 -d -a 1 - "$IT_W/held."
(
	{
		i=0
		while IFS= read -r l; do
			printf '%s\n' "$l"
			((++i % 4 == 0)) && sleep "$(printf '%d.%03d' $((PACE_MS / 1000)) $((PACE_MS % 1000)))"
		done <"$IT_W/paced"
		for ((s = 0; s < NKILL; s++)); do
			touch "$IT_W/waiting.$s"
			while [[ ! -e $IT_W/release.$s ]]; do sleep 0.05; done
			cat "$IT_W/held.$s"
		done
	} | produce "$KB" /dev/stdin && touch "$IT_W/sent"
) &
SENDER=$!
REL=0
release_next() { [[ -e $IT_W/waiting.$REL ]] && touch "$IT_W/release.$REL" && REL=$((REL + 1)); return 0; }
produce "$(bootstrap r)" "$IT_W/burst" || fail "kcat could not produce the replay's burst"
# Transactions of the test's database waiting for a row lock (information_schema).
lock_waits() {
	sql "SELECT COUNT(*) FROM information_schema.innodb_trx t JOIN information_schema.processlist p
		ON p.id = t.trx_mysql_thread_id WHERE p.db = DATABASE() AND t.trx_state = 'LOCK WAIT'" 2>/dev/null || echo none
}
sess_open lock
t0=${EPOCHREALTIME/[.,]/}
MID=0 WAITING=0
for ((k = 1; k <= NKILL; k++)); do
	# w holds its partitions and the lock, and works ...
	wait_log 'event=partitions_assigned count=[1-9]' 1 20 "$W" || fail "$W got no partitions"
	wait_log 'event=publisher_active' 1 10 "$W" || fail "$W did not become the publisher"
	p0=$(cmd_done)
	step=$((1 + RANDOM % 30))
	wait_until 20 '(($(cmd_done) >= p0 + step)) || [[ -e $IT_W/waiting.$REL ]]'
	# ... until a random character's compartments are locked by another
	# session: w's transaction for its next command waits (its marker and
	# changes uncommitted) while the others go on; 0.3..0.8 s later, SIGKILL.
	c=${CHARS[RANDOM % ${#CHARS[@]}]}
	sess_do lock "START TRANSACTION; SELECT COUNT(*) FROM compartments WHERE tenant_id = '$T' AND character_id = $c FOR UPDATE" >/dev/null
	release_next
	sleep "0.$((3 + RANDOM % 6))"
	pk=$(cmd_done) ob=$(sql 'SELECT COUNT(*) FROM coffer_outbox') lw=$(lock_waits)
	handled=$(log_count 'event=handled' "$W")
	coffer_stop "$W" KILL
	sess_do lock "ROLLBACK" >/dev/null
	check_eq "kill $k: $W is gone by SIGKILL (had handled $handled messages; $pk of $N markers, $ob outbox rows, $lw waiting on $c's lock)" "${CRC[$W]}" 137
	check "kill $k: $W held its partitions and the publisher's lock until killed, and worked" \
		eval '! grep -q "event=partitions_revoked" "${CLOG[$W]}" && ((handled > 0))'
	((pk < N)) && MID=$((MID + 1))
	[[ $lw != 0 && $lw != none ]] && WAITING=$((WAITING + 1))
	[[ $lw == none ]] && say "information_schema.innodb_trx is not readable: no lock-wait evidence"
	w_start
done
sess_close lock
while ((REL < NKILL)); do touch "$IT_W/release.$REL"; REL=$((REL + 1)); done
wait "$SENDER"
check "the sender produced the whole burst" test -f "$IT_W/sent" -a ! -s "$IT_W/kcat.err"
check_eq "every kill fell inside the burst (markers < $N)" "$MID" "$NKILL"
say "$WAITING of $NKILL kills hit w with a transaction waiting on the held lock"
check "all $N commands are processed" wait_until 30 '(($(cmd_done) >= N))'
check "the outbox drains" wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 0 ]]'
say "crash run: $N commands, $NKILL kills, $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms;" \
	"$(cat "${CLOG[@]}" | grep -c 'already processed') redeliveries skipped by their markers"

# The end state, read at once (reservations live 30 s).
state() {
	sql "SELECT c.character_id, c.inventory_type, a.slot, a.template_id, a.quantity FROM assets a
		JOIN compartments c ON c.tenant_id = a.tenant_id AND c.id = a.compartment_id
		WHERE c.tenant_id = '$T' ORDER BY 1, 2, 3"
}
reservations() {
	sql "SELECT r.character_id, r.inventory_type, a.slot, r.item_id, r.quantity, r.transaction_id FROM reservations r
		JOIN assets a ON a.tenant_id = r.tenant_id AND a.id = r.asset_id WHERE r.tenant_id = '$T' ORDER BY 1, 2, 3, 6"
}
totals() { sql "SELECT template_id, SUM(quantity) FROM assets WHERE tenant_id = '$T' GROUP BY 1 ORDER BY 1"; }
STATE1=$(state) RSV1=$(reservations) TOT1=$(totals)
MARKS=$(sql "SELECT COUNT(DISTINCT cluster_id), SUM(n), SUM(n = hi + 1 AND lo = 0) = COUNT(*) FROM (
	SELECT cluster_id, kpartition, COUNT(*) n, MIN(koffset) lo, MAX(koffset) hi FROM coffer_processed
	WHERE topic = 'COMMAND_TOPIC_COMPARTMENT' GROUP BY cluster_id, kpartition) p")
PARTS=$(sql "SELECT COUNT(DISTINCT kpartition) FROM coffer_processed WHERE topic = 'COMMAND_TOPIC_COMPARTMENT'")
OUTBOX1=$(sql 'SELECT COUNT(*) FROM coffer_outbox')
check "SQL: no two assets in one slot, nothing parked" \
	test "$(sql "SELECT COUNT(*) = COUNT(DISTINCT compartment_id, slot) AND SUM(slot < 1) = 0 FROM assets WHERE tenant_id = '$T'")" = 1

DB_NAME=$DB2 check "replay: all $N processed" wait_until 30 '(($(cmd_done) >= N))'
DB_NAME=$DB2 check "replay: the outbox drains" wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 0 ]]'
STATE2=$(DB_NAME=$DB2 state) RSV2=$(DB_NAME=$DB2 reservations) TOT2=$(DB_NAME=$DB2 totals)

# ------------------------------------------------------------------ the checks
say "1. end state"
check "the burst left assets and reservations ($(wc -l <<<"$STATE1") assets, $(grep -c . <<<"$RSV1") reservations)" \
	test "$(wc -l <<<"$STATE1")" -ge 20 -a -n "$RSV1"
check_eq "assets (character, type, slot, template, quantity) equal the replay's" "$STATE1" "$STATE2"
[[ $STATE1 != "$STATE2" ]] && diff <(echo "$STATE1") <(echo "$STATE2") | head -20
check_eq "reservations (character, type, slot, item, quantity, transaction) equal the replay's" "$RSV1" "$RSV2"

say "2. every command applied exactly once"
check_eq "markers: one cluster, $N offsets, contiguous from 0 in every partition" "$MARKS" "$(printf '1\t%s\t1' "$N")"
check "the burst used several partitions ($PARTS)" test "$PARTS" -ge 2
check_eq "quantities per template equal the replay's" "$TOT1" "$TOT2"

say "3. events"
# Events of the burst's transactions: EVENT_ID TAB topic TAB characterId TAB canonical event.
events() {
	jq -r --rawfile tx "$IT_W/txns" '($tx | split("\n") | map({(.): 1}) | add) as $t
		| select(.topic_var != "DEAD_LETTER_TOPIC" and $t[.value.transactionId // ""] == 1)
		| [.headers.EVENT_ID, .topic_var, (.value.characterId | tostring),
		   ([.value.transactionId, .value.type, .value.templateId, .value.slot, (.value.body | del(.referenceId)?)] | tojson)]
		| join("\t")' "$1"
}
# Wait for the watchers to see as many EVENT_IDs as the outboxes received
# (it_outbox_log, lib.sh: every row committed, with its EVENT_ID).
seen_ids() { jq -r 'select(.topic_var != "DEAD_LETTER_TOPIC") | .headers.EVENT_ID' "$1" | sort -u | wc -l; }
committed_ids() { sql "SELECT COUNT(DISTINCT event_id) FROM it_outbox_log WHERE topic <> '$(dead_letter_topic)'"; }
check "the crash run's watcher has every committed event" wait_until 15 '(($(seen_ids "$EV_CRASH") >= $(committed_ids)))'
DB_NAME=$DB2 check "the replay's watcher has every committed event" \
	wait_until 15 '(($(seen_ids "$EV_REPLAY") >= $(committed_ids)))'
events "$EV_CRASH" >"$IT_W/ev1"
events "$EV_REPLAY" >"$IT_W/ev2"
N1=$(wc -l <"$IT_W/ev1") D1=$(cut -f1 "$IT_W/ev1" | sort -u | wc -l)
say "crash run: $N1 event messages, $D1 distinct EVENT_IDs ($((N1 - D1)) published again); replay: $(wc -l <"$IT_W/ev2")"
check "the burst produced events" test "$D1" -ge 100
check_eq "copies of one EVENT_ID are identical (topic, character, event)" \
	"$(sort -u "$IT_W/ev1" | cut -f1 | sort | uniq -d | head -3)" ""
full() { jq -c --rawfile tx "$IT_W/txns" '($tx | split("\n") | map({(.): 1}) | add) as $t
	| select(.topic_var != "DEAD_LETTER_TOPIC" and $t[.value.transactionId // ""] == 1)
	| [.headers.EVENT_ID, .topic_var, .key, .headers.TENANT_ID, .value]' "$1" | sort -u | jq -r '.[0]' | sort | uniq -d | head -3; }
check_eq "... also in key, tenant and full value" "$(full "$EV_CRASH")" ""
check_eq "replay: no EVENT_ID twice" "$(cut -f1 "$IT_W/ev2" | sort | uniq -d | head -3)" ""
per_txn() { awk -F'\t' '!seen[$1]++ { print $4 }' "$1" | jq -r '.[0]' | sort | uniq -c | awk '{ print $2, $1 }'; }
check_eq "per transactionId: distinct EVENT_IDs = the replay's events" "$(per_txn "$IT_W/ev1")" "$(per_txn "$IT_W/ev2")"
fold_seq() { awk -F'\t' '!seen[$1]++ { print $2 "\t" $3 "\t" $4 }' "$1" | sort -s -t$'\t' -k1,2; }
fold_seq "$IT_W/ev1" >"$IT_W/seq1"
fold_seq "$IT_W/ev2" >"$IT_W/seq2"
check "per character and topic, the events in order equal the replay's" cmp -s "$IT_W/seq1" "$IT_W/seq2"
cmp -s "$IT_W/seq1" "$IT_W/seq2" || diff "$IT_W/seq1" "$IT_W/seq2" | head -20

say "4. the outbox"
check_eq "coffer_outbox was empty after the crash run" "$OUTBOX1" 0
check_eq "and still is" "$(sql 'SELECT COUNT(*) FROM coffer_outbox')" 0
check_eq "no dead letter committed (crash run)" "$(dead_letters)" 0
check_eq "no dead letter committed (replay)" "$(DB_NAME=$DB2 dead_letters)" 0
check_eq "no dead letter on the topic (crash run)" "$(jq -c 'select(.topic_var == "DEAD_LETTER_TOPIC")' "$EV_CRASH" | wc -l)" 0
check_eq "no dead letter on the topic (replay)" "$(jq -c 'select(.topic_var == "DEAD_LETTER_TOPIC")' "$EV_REPLAY" | wc -l)" 0
it_finish
