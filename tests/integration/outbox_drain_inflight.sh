#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Messages in flight at SIGTERM finish, and their events are published before
# exit (host/main.c: "on SIGTERM the consumer stops, in-flight messages finish
# and their offsets are committed, the outbox is drained"). A PUT is held in
# flight by a row lock from another session; SIGTERM arrives; the lock is
# released; the PUT commits; cofferd must publish its PUT_DONE before it exits
# (the outbox is empty: rows are deleted only when the broker acknowledged
# them; and nothing is reported undrained).
. "$(dirname "$0")/lib.sh"
it_init
T=$(uuid)
coffer_start a
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"a"}}' --tenant "$T" --key 1
check "the row exists" wait_count "$T" 1 1

sess_open row
sess_do row "BEGIN" >/dev/null
check_eq "another session locks the row" \
	"$(sess_do row "SELECT count FROM probe_items WHERE tenant_id = '$T' AND id = 1 FOR UPDATE")" 1
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"b"}}' --tenant "$T" --key 1
check "the second PUT waits for the row lock" wait_lock_wait 'INSERT INTO probe_items%' 10

kill -TERM "${CPID[a]}"
check "cofferd begins to stop" wait_log 'event=stopping' 1 5
check "the PUT still waits while cofferd stops" stmt_running 'INSERT INTO probe_items%'
sess_do row "COMMIT" >/dev/null
coffer_stop a TERM
check_eq "exit status 0" "${CRC[a]}" 0
check_eq "the in-flight PUT finished (count 2)" "$(probe_count "$T" 1)" 2
check_eq "its PUT_DONE left the outbox before exit" "$(sql 'SELECT COUNT(*) FROM coffer_outbox')" 0
check_eq "no 'outbox not drained' warning" "$(log_count 'outbox not drained' a)" 0
it_finish
