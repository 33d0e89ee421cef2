#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SIGTERM also ends a start-up that waits: for a Kafka cluster that does not
# answer, and for a database that does not answer. cofferd must leave within
# 5 s of the signal, without crashing, instead of waiting forever.
. "$(dirname "$0")/lib.sh"
it_init
W=$IT_W

# sigterm_while_waiting NAME PATTERN: cofferd NAME is running and has logged
# PATTERN; SIGTERM it and check that it leaves quickly.
sigterm_while_waiting() {
	local n=$1 pat=$2
	check "$n: cofferd waits (log: $pat)" wait_log "$pat" 1 15 "$n"
	check "$n: still running while it waits" kill -0 "${CPID[$n]}"
	local t0=${EPOCHREALTIME/[.,]/}
	kill -TERM "${CPID[$n]}"
	local i
	for ((i = 0; i < 100; i++)); do kill -0 "${CPID[$n]}" 2>/dev/null || break; sleep 0.05; done
	local ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
	check "$n: gone within 5 s of SIGTERM (${ms} ms)" test "$ms" -lt 5000
	coffer_stop "$n" KILL
	check_eq "$n: left by itself with status 0" "${CRC[$n]}" 0
	say "$n: exit status ${CRC[$n]}"
}

say "Kafka does not answer"
PORT=$(free_port)
CLOG[kafka]=$W/kafka.log
"$COFFERD" --bootstrap-servers "127.0.0.1:$PORT" --plugin-dir "$PROBE_DIR" \
	--sql-dir "$abs_top_srcdir/sql" --sql-dir "$abs_top_srcdir/tests/sql" >"$W/kafka.out" 2>"${CLOG[kafka]}" &
CPID[kafka]=$!
sigterm_while_waiting kafka 'waiting for the Kafka cluster'

say "the database does not answer"
DBPORT=$(free_port)
CLOG[db]=$W/db.log
DB_HOST=127.0.0.1 DB_PORT=$DBPORT DB_SOCKET= "$COFFERD" --embedded-kafka --plugin-dir "$PROBE_DIR" \
	--sql-dir "$abs_top_srcdir/sql" --sql-dir "$abs_top_srcdir/tests/sql" >"$W/db.out" 2>"${CLOG[db]}" &
CPID[db]=$!
sigterm_while_waiting db 'database unreachable'
it_finish
