#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The embedded Kafka's own death loses no event (docs/embedded-kafka.md "The
# embedded Kafka's own death"). The embedded cluster lives in cofferd's memory:
# an event it acknowledged (so the publisher is done with its outbox row) and
# that no consumer read yet dies with it when cofferd is killed. The publisher
# keeps the rows the embedded cluster acknowledged (coffer_outbox_delivered,
# tagged with the cluster instance) and publishes them again, in id order and
# before newer events, to the cluster of the next start.
#
# A paced burst of PUTs over 12 keys (each PUT adds 1 to its key's count, so a
# key's PUT_DONE events are numbered 1, 2, ...) streams into cofferd a, which
# hosts the embedded Kafka and publishes; once a has published events (rows
# gone from coffer_outbox) and the burst is not over, a is SIGKILLed. b starts
# (a new embedded cluster, the same database) and gets a few more PUTs. Then,
# read from the beginning of b's cluster: every event committed (it_outbox_log,
# lib.sh: every outbox row, by a trigger in its transaction) is there, each
# EVENT_ID at least once and its copies identical, and per key the events in
# first-publication order are the key's counts 1, 2, ... in commit order, the
# replayed ones before the new ones.
#
# Part 2, the publisher is not the host: h hosts the embedded Kafka on a fixed
# port (its own database and group, so it never publishes the test's events);
# w (--no-embedded, on h's port, the test's database) consumes and publishes.
# h is SIGKILLed after w published; h2 takes the same port (a new cluster); w's
# publisher notices the new instance (it reads the cluster's id from the
# cluster) and publishes there again what h's cluster had acknowledged.
. "$(dirname "$0")/lib.sh"
require_tools kcat
it_init
T=$(uuid)
KEYS=12
N=240

# The burst: PUT i on key (i mod KEYS) + 1, kcat -K TAB lines, in segments of
# 16 lines sent by one kcat each, 0.1 s apart; the last HOLD segments only after
# $IT_W/release, and none once $IT_W/stop exists: the kill falls inside the
# burst, and no kcat is left running after it.
SEG=16 HOLD=3
for ((i = 0; i < N; i++)); do
	k=$((i % KEYS + 1))
	printf '%d\t{"type":"PUT","body":{"id":%d,"value":"v%d"}}\n' "$k" "$k" "$i"
done | split -l $SEG -d -a 2 - "$IT_W/seg."
NSEG=$((N / SEG))

produce() { # BOOTSTRAP FILE
	kcat -P -b "$1" -t COMMAND_TOPIC_PROBE -K $'\t' -H "TENANT_ID=$T" -H REGION=eu \
		-X message.timeout.ms=3000 -X linger.ms=5 <"$2" 2>>"$IT_W/kcat.err"
}
puts_done() { sql "SELECT COUNT(*) FROM coffer_processed WHERE topic = 'COMMAND_TOPIC_PROBE'"; }
published() { sql "SELECT (SELECT COUNT(*) FROM it_outbox_log) - (SELECT COUNT(*) FROM coffer_outbox)"; }

# What the database says was committed: "EVENT_ID<TAB>key<TAB>count" in commit order.
committed() {
	sql "SELECT event_id, JSON_VALUE(CONVERT(payload USING utf8mb4), '\$.id'),
		JSON_VALUE(CONVERT(payload USING utf8mb4), '\$.count') FROM it_outbox_log
		WHERE topic = 'EVENT_TOPIC_PROBE_STATUS' ORDER BY id"
}
# What the cluster has, "EVENT_ID<TAB>key<TAB>count" in topic order per partition.
on_cluster() {
	watch_end EVENT_TOPIC_PROBE_STATUS | jq -r '[.headers.EVENT_ID, (.key | tostring), (.value.id | tostring),
		(.value.count | tostring), (.value | tojson)] | join("\t")'
}
# check_cluster LABEL: every committed event is on the current cluster, at
# least once, copies identical, per key in commit order.
check_cluster() {
	local label=$1
	committed >"$IT_W/committed.$label"
	on_cluster >"$IT_W/seen.$label"
	local want got missing
	want=$(wc -l <"$IT_W/committed.$label")
	got=$(cut -f1 "$IT_W/seen.$label" | sort -u | wc -l)
	missing=$(comm -23 <(cut -f1 "$IT_W/committed.$label" | sort -u) <(cut -f1 "$IT_W/seen.$label" | sort -u) | wc -l)
	say "$label: $want events committed, $(wc -l <"$IT_W/seen.$label") messages on the cluster, $got distinct EVENT_IDs"
	check_eq "$label: every committed event is on the cluster (missing EVENT_IDs)" "$missing" 0
	check_eq "$label: copies of one EVENT_ID are identical" \
		"$(sort -u "$IT_W/seen.$label" | cut -f1 | sort | uniq -d | head -3)" ""
	check_eq "$label: the message key is the event's id" "$(awk -F'\t' '$2 != $3' "$IT_W/seen.$label" | head -3)" ""
	# Per key: first publications in topic order = the commits in id order.
	awk -F'\t' '!s[$1]++ { print $3 "\t" $4 }' "$IT_W/seen.$label" | sort -s -t$'\t' -k1,1n >"$IT_W/order.seen.$label"
	awk -F'\t' '{ print $2 "\t" $3 }' "$IT_W/committed.$label" | sort -s -t$'\t' -k1,1n >"$IT_W/order.want.$label"
	check "$label: per key, the events in publication order are the commits in order" \
		cmp -s "$IT_W/order.seen.$label" "$IT_W/order.want.$label"
	cmp -s "$IT_W/order.seen.$label" "$IT_W/order.want.$label" ||
		diff "$IT_W/order.want.$label" "$IT_W/order.seen.$label" | head -10
}

# burst BOOTSTRAP: send the segments in the background (see above).
burst() {
	rm -f "$IT_W/release" "$IT_W/stop"
	(
		for ((s = 0; s < NSEG; s++)); do
			((s == NSEG - HOLD)) && while [[ ! -e $IT_W/release ]]; do sleep 0.05; done
			[[ -e $IT_W/stop ]] && break
			produce "$1" "$(printf '%s/seg.%02d' "$IT_W" "$s")"
			sleep 0.1 # pacing only: the kill is decided by conditions, not by time
		done
	) &
	SENDER=$!
}
# kill_host NAME: SIGKILL it, stop the sender (whatever it had sent when the
# host died is lost with the cluster: only committed work matters here).
kill_host() {
	coffer_stop "$1" KILL
	touch "$IT_W/stop" "$IT_W/release"
	wait "$SENDER"
}

# ------------------------------------------------------------------ 1: the host publishes
coffer_start a
check "a is the publisher" wait_log 'event=publisher_active' 1 10 a
burst "$(bootstrap a)"
check "a handled PUTs and published events" wait_until 30 '(($(puts_done) >= 60 && $(published) >= 40))'
pk=$(puts_done) pub=$(published)
kill_host a
check_eq "SIGKILL, inside the burst ($pk of $N PUTs handled, $pub events published)" "${CRC[a]}" 137
check "the kill fell inside the burst" test "$pk" -lt "$N"

coffer_start b
check "b publishes what was pending" wait_outbox_empty 20
for k in 1 2 3; do
	send COMMAND_TOPIC_PROBE PUT "{\"body\":{\"id\":$k,\"value\":\"after\"}}" --tenant "$T" --region eu --key "$k"
done
check "b handles 3 new PUTs" wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM it_outbox_log WHERE JSON_VALUE(CONVERT(payload USING utf8mb4), '"'\$.value'"') = '"'after'"'") == 3 ]]'
check "and publishes them" wait_outbox_empty 20
check_cluster "host killed"
check "a's events were kept after delivery (coffer_outbox_delivered)" \
	test "$(sql "SELECT COUNT(*) FROM coffer_outbox_delivered")" -ge "$pub"
check_eq "b published the previous cluster's rows again: none is left tagged with a's cluster" \
	"$(sql "SELECT COUNT(DISTINCT cluster_id) FROM coffer_outbox_delivered")" 1
check "b logged the republication" wait_log 'event=outbox_republish' 1 5 b
coffer_stop b TERM
check_eq "b stops with status 0" "${CRC[b]}" 0

# ------------------------------------------------------------------ 2: the host is not the publisher
# Part 1's events are not on h's cluster: start the record afresh.
sql "DELETE FROM it_outbox_log; DELETE FROM coffer_outbox_delivered"
PORT=$(free_port)
it_create_db DBH host
# h's probe consumes and emits other topics than w's (the mock creates w's topics on first use).
HTOPICS=(--topic COMMAND_TOPIC_PROBE=h.commands --topic EVENT_TOPIC_PROBE_STATUS=h.status --group-id embedded-host)
DB_NAME=$DBH coffer_start h "--embedded-kafka=$PORT" "${HTOPICS[@]}"
KB=127.0.0.1:$PORT
coffer_start w --no-embedded --bootstrap-servers "$KB" --kafka-prop reconnect.backoff.max.ms=500
CBOOT[w]=${CBOOT[h]}
check "w is the test database's publisher" wait_log 'event=publisher_active' 1 10 w
check "w's publisher found the embedded cluster" wait_log 'event=outbox_cluster .*embedded=yes' 1 10 w
P0=$(puts_done)
burst "$KB"
check "w handled PUTs and published events" wait_until 30 '(($(puts_done) >= P0 + 60 && $(published) >= 40))'
pk=$(($(puts_done) - P0)) pub=$(published)
kill_host h
check_eq "h: SIGKILL, inside the burst ($pk of $N PUTs handled, $pub events published)" "${CRC[h]}" 137
DB_NAME=$DBH coffer_start h2 "--embedded-kafka=$PORT" "${HTOPICS[@]}"
CBOOT[w]=${CBOOT[h2]}
coffer_use w
check "w's publisher notices the new cluster and publishes again" wait_log 'event=outbox_republish' 1 20 w
check "nothing is left for h's cluster" wait_until 20 \
	'[[ $(sql "SELECT COUNT(DISTINCT cluster_id) FROM coffer_outbox_delivered") == 1 ]]'
check "w's outbox is empty" wait_outbox_empty 20
check_cluster "host of a non-publisher killed"
# w's consumer still knows the dead cluster's group coordinator and does not
# finish a SIGTERM in 30 s (not the outbox's doing: it never reaches the drain).
coffer_stop w KILL
coffer_stop h2 TERM

# ------------------------------------------------------------------ 3: the window
# c (a new cluster) publishes the 192 rows of h2's instance again, then keeps
# only the newest 20; d, with a window of 1 ms, keeps none of its own.
DELIVERED="SELECT COUNT(*), COUNT(DISTINCT cluster_id), MAX(id) FROM coffer_outbox_delivered"
top=$(sql "SELECT MAX(id) FROM coffer_outbox_delivered")
coffer_start c --set outbox.embedded_retention_rows=20
check "c logs its window" wait_log 'event=outbox_cluster .*host=yes retention_rows=20 retention_ms=600000' 1 5 c
check_eq "c keeps the newest 20 rows, all tagged with its cluster" \
	"$(wait_until 20 '[[ $(sql "$DELIVERED") == "$(printf "20\t1\t%s" "$top")" ]]'; sql "$DELIVERED")" \
	"$(printf '20\t1\t%s' "$top")"
coffer_stop c TERM
COFFER_OUTBOX_EMBEDDED_RETENTION_MS=1 coffer_start d
check "d republishes c's rows, then its window of 1 ms empties the table" \
	wait_until 20 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox_delivered") == 0 ]]'
check "d logged the republication" wait_log 'event=outbox_republish rows=20 ' 1 5 d
check_eq "and nothing waits" "$(sql 'SELECT COUNT(*) FROM coffer_outbox')" 0
it_finish
