#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two deployments on one MariaDB server each publish their own outbox.
# The publisher of a deployment is chosen by a MySQL named lock; named locks are
# server-wide, so the lock must be specific to the database, or the first
# deployment's publisher silently stops every other deployment on that server
# (their events stay in coffer_outbox forever). Two cofferd, one database each,
# one server: both events must be published.
. "$(dirname "$0")/lib.sh"
it_init
it_create_db DB2 second
DB1=$DB_NAME
T=$(uuid)

coffer_start a
DB_NAME=$DB2 coffer_start b

coffer_use a
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"a"}}' --tenant "$T" --key 1
coffer_use b
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":2,"value":"b"}}' --tenant "$T" --key 2

coffer_use a
check_eq "deployment a ($DB1) publishes its PUT_DONE" \
	"$(watch_all EVENT_TOPIC_PROBE_STATUS 1 5000 | jq -c '[.value.type, .value.id]')" '["PUT_DONE",1]'
coffer_use b
check_eq "deployment b ($DB2) publishes its PUT_DONE too" \
	"$(watch_all EVENT_TOPIC_PROBE_STATUS 1 5000 | jq -c '[.value.type, .value.id]')" '["PUT_DONE",2]'
check_eq "b's row was applied" \
	"$(DB_NAME=$DB2 sql "SELECT count FROM probe_items WHERE tenant_id = '$T' AND id = 2")" 1
check_eq "b's outbox is empty" "$(DB_NAME=$DB2 sql 'SELECT COUNT(*) FROM coffer_outbox')" 0
check_eq "a's outbox is empty" "$(sql 'SELECT COUNT(*) FROM coffer_outbox')" 0
check "each cofferd has an active publisher" test "$(log_count 'event=publisher_active' a)$(log_count 'event=publisher_active' b)" = 11
# The tests that keep events in the outbox take the publisher's lock by this
# expression (lib.sh OUTBOX_LOCK): a running publisher must hold exactly it.
check_eq "a's publisher holds $OUTBOX_LOCK" "$(sql "SELECT IS_USED_LOCK($OUTBOX_LOCK) IS NOT NULL")" 1
check_eq "b's publisher holds its own" "$(DB_NAME=$DB2 sql "SELECT IS_USED_LOCK($OUTBOX_LOCK) IS NOT NULL")" 1
check "two different locks" test "$(sql "SELECT $OUTBOX_LOCK")" != "$(DB_NAME=$DB2 sql "SELECT $OUTBOX_LOCK")"
it_finish
