#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The database goes away and comes back ("a connection per worker, reconnect
# with backoff when the server goes away"). The test owns a private MariaDB
# (never the shared server of `make check`: it kills it) and reaches it over
# TCP. cofferd (--workers 2, probe plugin) loses it twice, each time by SIGKILL
# of mariadbd (devdb pause DIR KILL), then gets it back on the same data
# directory and port (devdb resume DIR):
#  1. ten PUTs are applied while another session holds the publisher's lock, so
#     their PUT_DONE events stay committed in the outbox; the server is killed;
#     ten more PUTs arrive meanwhile (cofferd logs "database unreachable", stays
#     alive, dead-letters nothing); after the restart everything is applied and
#     the publisher, now free to take the lock, publishes the events committed
#     before the outage as well as the new ones;
#  2. with cofferd's publisher active, a stream of 400 PUTs (over about 1 s) is under way when the
#     server is killed (in-flight transactions die with it), ten more arrive
#     during the outage; after the restart the publisher holds its lock again.
# In the end every PUT (430 ids, one PUT each) is applied exactly once (probe
# count 1, one marker each), each id's PUT_DONE arrives with count 1 and one
# EVENT_ID (a redelivery of the same event is allowed: publication is
# at-least-once), nothing is dead-lettered, the outbox is empty, and cofferd
# stops with status 0 on SIGTERM.
. "$(dirname "$0")/lib.sh"
# A private server: forget the environment's, so it_init starts one (and stops
# it at exit).
unset DEVDB_DIR DB_HOST DB_PORT DB_SOCKET DB_USER DB_PASSWORD DB_NAME
it_init
require_tools kcat
# cofferd connects by TCP to 127.0.0.1:DB_PORT (the test's own SQL goes
# through devdb client, on the socket).
unset DB_SOCKET
T=$(uuid)

db_down() {
	"$DEVDB" pause "$DEVDB_DIR" KILL 2>>"$IT_W/devdb.log" || die "devdb pause failed"
}
db_up() {
	"$DEVDB" resume "$DEVDB_DIR" 2>>"$IT_W/devdb.log" || {
		cat "$IT_W/devdb.log"
		die "devdb resume failed"
	}
}
# put_burst FIRST LAST [PACE]: one PUT per id FIRST..LAST (value v<id>, key
# id-<id>) through one kcat; PACE: 20 PUTs every 50 ms instead of all at once.
put_burst() {
	local id
	for ((id = $1; id <= $2; id++)); do
		printf 'id-%d\t{"type":"PUT","body":{"id":%d,"value":"v%d"}}\n' "$id" "$id" "$id"
		[[ -n ${3:-} ]] && ((id % 20 == 0)) && sleep 0.05
	done | kcat -P -b "$(bootstrap)" -t COMMAND_TOPIC_PROBE -K $'\t' -H "TENANT_ID=$T" -H REGION=eu \
		-X message.timeout.ms=10000 -X linger.ms=5 2>"$IT_W/kcat.err.$1" ||
		{ fail "kcat could not produce PUTs $1..$2: $(cat "$IT_W/kcat.err.$1")"; return 1; }
}
applied() { sql "SELECT COALESCE(SUM(count), 0) FROM probe_items"; }
alive() { kill -0 "${CPID[a]}" 2>/dev/null; }
no_dead_letters_logged() { ! grep -qE 'event=dead_lettered|giving up' "${CLOG[a]}"; }

sess_open lock
check_eq "another session holds the publisher's lock ($OUTBOX_LOCK)" \
	"$(sess_do lock "SELECT GET_LOCK($OUTBOX_LOCK, 0)")" 1
coffer_start a --workers 2
check "two workers" grep -q 'event=ready .*workers=2' "${CLOG[a]}"

# ---- 1. committed, unpublished events; PUTs during the outage
put_burst 1 10
check "PUTs 1..10 applied" wait_until 10 '[[ $(applied) == 10 ]]'
check "their 10 PUT_DONE are committed in the outbox" \
	wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 10 ]]'
check_eq "and not published (the publisher is held off): the topic is empty" \
	"$(watch_end EVENT_TOPIC_PROBE_STATUS | wc -l)" 0

db_down
say "outage 1: mariadbd killed at $(elapsed_ms) ms"
sess_close lock
put_burst 11 20
check "cofferd logs that the database is unreachable" wait_log 'database unreachable' 1 10
sleep 2
check "cofferd is still running during the outage" alive
check "nothing dead-lettered during the outage" no_dead_letters_logged
db_up
say "outage 1: mariadbd back at $(elapsed_ms) ms"
if wait_until 20 '[[ $(applied) == 20 ]]'; then
	pass "PUTs 11..20 applied after the restart"
else
	fail "PUTs 11..20 applied after the restart (count sum $(applied), want 20)"
	it_finish	# no point in a second outage
fi
check "the outbox drains (pre-outage events included)" \
	wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 0 ]]'
check "cofferd became the publisher after the restart" wait_log 'event=publisher_active' 1 5
watch_all EVENT_TOPIC_PROBE_STATUS 20 10000 >"$IT_W/events1"
check_eq "PUT_DONE of ids 1..20 published (those committed before the outage too)" \
	"$(jq -s -c 'map(select(.value.type == "PUT_DONE") | .value.id) | unique | length' "$IT_W/events1")" 20
check "the workers reconnected" wait_log 'event=db_connected conn=worker' 1 1

# ---- 2. kill while a burst is being applied, publisher active
put_burst 21 420 paced &
burst=$!
wait_until 10 '[[ $(applied) -gt 120 ]]' || say "not 100 PUTs of the burst applied within 10 s"
before=$(applied)
unreachable=$(log_count 'database unreachable')
db_down
say "outage 2: mariadbd killed at $(elapsed_ms) ms with $((before - 20)) of the burst's 400 PUTs seen applied"
wait "$burst"
check_eq "kcat produced the burst of 400" "$?" 0
put_burst 421 430
sleep 1.5
check "cofferd is still running during the second outage" alive
check "nothing dead-lettered during the second outage" no_dead_letters_logged
check "the database is unreachable again" wait_log 'database unreachable' $((unreachable + 1)) 10
db_up
say "outage 2: mariadbd back at $(elapsed_ms) ms"
check "all 430 PUTs applied after the second restart" wait_until 20 '[[ $(applied) -ge 430 ]]'
check "the outbox drains" wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 0 ]]'
check_eq "the publisher holds its lock again" "$(sql "SELECT IS_USED_LOCK($OUTBOX_LOCK) IS NOT NULL")" 1

# ---- the end state
check_eq "430 probe rows, each applied exactly once" \
	"$(sql "SELECT COUNT(*), MIN(count), MAX(count) FROM probe_items WHERE tenant_id = '$T'")" "$(printf '430\t1\t1')"
check_eq "every row has its own value" \
	"$(sql "SELECT COUNT(*) FROM probe_items WHERE value = CONCAT('v', id)")" 430
check_eq "430 processed-markers" \
	"$(sql "SELECT COUNT(*) FROM coffer_processed WHERE topic = 'COMMAND_TOPIC_PROBE'")" 430
check "the outbox is still empty (all published)" wait_outbox_empty
watch_end EVENT_TOPIC_PROBE_STATUS >"$IT_W/events"
jq -s -c 'map(select(.value.type == "PUT_DONE")) | group_by(.value.id)
	| map({id: .[0].value.id, n: length, eids: (map(.headers.EVENT_ID) | unique | length),
	       counts: (map(.value.count) | unique)})' "$IT_W/events" >"$IT_W/per_id"
check_eq "a PUT_DONE for each of the 430 ids" "$(jq 'length' "$IT_W/per_id")" 430
check_eq "each id's PUT_DONE events carry count 1" "$(jq -c '[.[].counts] | unique' "$IT_W/per_id")" '[[1]]'
check_eq "each id has one EVENT_ID (no second application)" "$(jq -c '[.[].eids] | unique' "$IT_W/per_id")" '[1]'
say "ids delivered more than once (same EVENT_ID): $(jq -c 'map(select(.n > 1) | .id) | [length, min, max]' "$IT_W/per_id")"
say "PUT_DONE deliveries: $(jq -s 'map(select(.value.type == "PUT_DONE")) | length' "$IT_W/events") for 430 events"
check_eq "no other event" "$(jq -s 'map(select(.value.type != "PUT_DONE")) | length' "$IT_W/events")" 0
check_eq "no dead letter committed (all 430 PUTs have their markers)" "$(dead_letters)" 0
check "no dead letter in the log" no_dead_letters_logged
check "cofferd never stopped" alive
say "unreachable lines: $(log_count 'database unreachable'), reconnections: $(log_count 'event=db_connected')"

# ---- SIGTERM while the database is down: nothing can be drained, nothing is
# lost by leaving (the outbox is in the database), so cofferd leaves at once
# instead of retrying until the 30 s drain deadline.
db_down
sleep 0.5
t0=${EPOCHREALTIME/[.,]/}
coffer_stop a TERM
ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
check_eq "SIGTERM with the database down: status 0" "${CRC[a]}" 0
check "... and gone within 10 s, not at the drain deadline (${ms} ms)" test "$ms" -lt 10000
check "... saying the outbox is left for the next start" grep -q 'outbox not drained: database unreachable' "${CLOG[a]}"
db_up
it_finish
