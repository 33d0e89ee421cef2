#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# No event is lost when cofferd dies between commit and publication
# (docs/architecture.md#outbox: the event is an outbox row written
# in the message's transaction). Another session holds the publisher's named
# lock, so the PUT's committed PUT_DONE stays in coffer_outbox; cofferd is
# killed with SIGKILL; the lock is released; the next cofferd (a new embedded
# cluster, same database) publishes that very event (same EVENT_ID) and
# empties the outbox.
. "$(dirname "$0")/lib.sh"
it_init
T=$(uuid)
sess_open lock
check_eq "another session holds the publisher's lock ($OUTBOX_LOCK)" \
	"$(sess_do lock "SELECT GET_LOCK($OUTBOX_LOCK, 0)")" 1

coffer_start a
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"x"}}' --tenant "$T" --region eu --version 83.1 --key 1
check "the PUT is applied" wait_count "$T" 1 1
check "its PUT_DONE is committed in the outbox" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 1 ]]'
EID=$(sql "SELECT event_id FROM coffer_outbox")
check_eq "and not published (the publisher is held off)" "$(watch_end EVENT_TOPIC_PROBE_STATUS | wc -l)" 0
check_eq "cofferd never became the publisher" "$(log_count 'event=publisher_active')" 0

coffer_stop a KILL
check_eq "SIGKILL" "${CRC[a]}" 137
check_eq "the event is still in the outbox" "$(sql "SELECT COUNT(*) FROM coffer_outbox WHERE event_id = '$EID'")" 1
check_eq "the lock is released" "$(sess_do lock "SELECT RELEASE_LOCK($OUTBOX_LOCK)")" 1

coffer_start b
E=$(watch_all EVENT_TOPIC_PROBE_STATUS 1 10000)
check_eq "the next run publishes the first run's PUT_DONE" "$(jq -c '[.value.type, .value.id]' <<<"$E")" '["PUT_DONE",1]'
check_eq "with the EVENT_ID it was committed with" "$(jq -r '.headers.EVENT_ID' <<<"$E")" "$EID"
check_eq "and its tenant headers" \
	"$(jq -c '[.headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION]' <<<"$E")" \
	"[\"$T\",\"eu\",83,1]"
check_eq "and its key" "$(jq -c '.key' <<<"$E")" 1
check "the outbox is empty" wait_until 5 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 0 ]]'
check_eq "the PUT was applied once" "$(probe_count "$T" 1)" 1
it_finish
