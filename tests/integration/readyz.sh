#!/usr/bin/env bash
# /healthz and /readyz (docs/observability.md). /readyz answers 503 with a
# one-line reason before the consumer holds its assignment (a cofferd whose
# Kafka cluster never answers stays there), 200 once ready, 503 while MariaDB
# is stopped and 200 again after it is back, and 503 within 100 ms of SIGTERM
# while the process still finishes an in-flight message (held by a row lock
# from another session), before it stops. No tenant headers anywhere.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/obs_lib.sh"
# A private server (stopped and started by this test): forget the environment's.
unset DEVDB_DIR DB_HOST DB_PORT DB_SOCKET DB_USER DB_PASSWORD DB_NAME
it_init
obs_require
# cofferd connects by TCP to 127.0.0.1:DB_PORT (the test's own SQL goes through
# devdb client, on the socket).
unset DB_SOCKET

# ---- not ready: a cluster that never answers (the HTTP server is up, the consumer is not)
dead_port=$(free_port)
"$COFFERD" --bootstrap-servers "127.0.0.1:$dead_port" --plugin-dir "$PROBE_DIR" \
	--sql-dir "$abs_top_srcdir/sql" --sql-dir "$abs_top_srcdir/tests/sql" --workers 1 \
	$(obs_args w) >"$IT_W/w.out" 2>"$IT_W/w.log" &
wpid=$!
check "the waiting cofferd's HTTP server starts" wait_until 20 '[[ -s $IT_W/w.http ]]'
check_eq "/healthz answers 200 while starting" "$(obs_code /healthz w)" 200
check_eq "/healthz says ok" "$(obs_body /healthz w)" ok
check_eq "/readyz answers 503 while the consumer has no assignment" "$(obs_code /readyz w)" 503
check "the reason is one line naming the assignment" \
	eval '[[ $(obs_body /readyz w | wc -l) == 1 && $(obs_body /readyz w) == *assignment* ]]'
kill -TERM $wpid
wait $wpid
check_eq "the waiting cofferd stops with status 0" "$?" 0

# ---- ready
coffer_start a $(obs_args a)
check "/readyz answers 200 once ready" wait_until 10 '[[ $(obs_code /readyz) == 200 ]]'
check_eq "its body says ready" "$(obs_body /readyz)" ready
check_eq "/metrics reports coffer_ready 1" "$(OBS_INSTANCE=a obs_value coffer_ready)" 1

# ---- the database stops and comes back
"$DEVDB" pause "$DEVDB_DIR" >/dev/null 2>>"$IT_W/devdb.log" || die "devdb pause failed"
check "/readyz answers 503 while MariaDB is stopped" \
	wait_until 10 '[[ $(obs_code /readyz) == 503 ]]'
check "the reason names the database" eval '[[ $(obs_body /readyz) == "database unreachable"* ]]'
say "503 reason while MariaDB is stopped: $(obs_body /readyz)"
check "the reason says since when" \
	eval '[[ $(obs_body /readyz) =~ ^"database unreachable since "[0-9]+s ]]'
check_eq "/healthz still answers 200" "$(obs_code /healthz)" 200
"$DEVDB" resume "$DEVDB_DIR" >/dev/null 2>>"$IT_W/devdb.log" || die "devdb resume failed"
check "/readyz answers 200 again after MariaDB is back" \
	wait_until 20 '[[ $(obs_code /readyz) == 200 ]]'


# ---- SIGTERM: 503 at once, while an in-flight message still holds the stop back
T=$(uuid)
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"a"}}' --tenant "$T" --key 1
check "the row exists" wait_count "$T" 1 1
sess_open row
sess_do row "BEGIN" >/dev/null
check_eq "another session locks the row" \
	"$(sess_do row "SELECT count FROM probe_items WHERE tenant_id = '$T' AND id = 1 FOR UPDATE")" 1
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"b"}}' --tenant "$T" --key 1
check "the second PUT waits for the row lock" \
	wait_lock_wait '%probe_items%'
check_eq "still ready before the signal" "$(obs_code /readyz)" 200
t0=${EPOCHREALTIME/[.,]/}
kill -TERM "${CPID[a]}"
code=
for ((i = 0; i < 200; i++)); do
	code=$(obs_code /readyz)
	[[ $code == 503 ]] && break
done
t1=${EPOCHREALTIME/[.,]/}
check_eq "/readyz answers 503 after SIGTERM" "$code" 503
ms=$(((t1 - t0) / 1000))
say "503 seen ${ms} ms after SIGTERM"
check "within 100 ms" eval '((ms <= 100))'
check "the reason says it is stopping" eval '[[ $(obs_body /readyz) == stopping* ]]'
check "the process is still draining (alive, not stopped)" \
	eval 'kill -0 "${CPID[a]}" && (($(log_count "event=stopped" a) == 0))'
# The PUT is in flight; the probe event its first run emitted may be queued behind
# it on the same worker (workers are chosen by a hash), so 1 or 2.
check "it waits for the in-flight PUT" wait_log 'event=stopping inflight=[12]$' 1 5
check_eq "/readyz still answers 503 meanwhile" "$(obs_code /readyz)" 503
sess_do row "COMMIT" >/dev/null
coffer_stop a TERM
check_eq "exit status 0" "${CRC[a]}" 0
check_eq "the in-flight PUT finished (count 2)" "$(probe_count "$T" 1)" 2
it_finish
