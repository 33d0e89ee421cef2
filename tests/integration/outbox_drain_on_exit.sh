#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SIGTERM publishes what was committed before exiting (host/main.c: "the
# outbox is drained"). Five PUTs are applied while another session holds the
# publisher's lock, so their events wait in coffer_outbox; the lock is
# released and SIGTERM sent at once: cofferd exits with status 0, having
# published all five and emptied the outbox (a row is deleted only when the
# broker acknowledged it; a watcher cannot reliably see the last messages,
# since the embedded broker dies with the process).
. "$(dirname "$0")/lib.sh"
it_init
T=$(uuid)
sess_open lock
check_eq "another session holds the publisher's lock" "$(sess_do lock "SELECT GET_LOCK($OUTBOX_LOCK, 0)")" 1
coffer_start a
for id in 1 2 3 4 5; do
	send COMMAND_TOPIC_PROBE PUT "{\"body\":{\"id\":$id,\"value\":\"x\"}}" --tenant "$T" --key "$id"
done
check "five PUT_DONE wait in the outbox" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 5 ]]'

check_eq "lock released" "$(sess_do lock "SELECT RELEASE_LOCK($OUTBOX_LOCK)")" 1
coffer_stop a TERM
check_eq "SIGTERM: exit status 0" "${CRC[a]}" 0
check_eq "it took over publishing while stopping" "$(log_count 'event=publisher_active' a)" 1
check_eq "the outbox is empty after exit" "$(sql 'SELECT COUNT(*) FROM coffer_outbox')" 0
check_eq "no 'outbox not drained' warning" "$(log_count 'outbox not drained' a)" 0
it_finish
