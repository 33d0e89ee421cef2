#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SIGHUP reloads the tenant feature switches at once. With the periodic
# refresh set to 10 minutes, a switch written straight into
# coffer_tenant_features is not seen (a PUT is still applied) until SIGHUP;
# after SIGHUP the PUT is refused, and the same goes for switching back on.
# A switch written before the start is known before the first message.
. "$(dirname "$0")/lib.sh"
it_init
T=$(uuid)
V=$(uuid)
"$COFFERD" --migrate-only --plugin-dir "$PROBE_DIR" --sql-dir "$abs_top_srcdir/sql" \
	--sql-dir "$abs_top_srcdir/tests/sql" 2>"$IT_W/migrate.log"
check_eq "--migrate-only exits 0" "$?" 0
check_eq "it created the host's and probe's tables" \
	"$(sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('coffer_outbox', 'coffer_processed', 'coffer_event_seen', 'coffer_tenant_features', 'probe_items')")" 5
sql "INSERT INTO coffer_tenant_features (tenant_id, plugin, enabled, updated_at)
     VALUES ('$V', 'probe', 0, UTC_TIMESTAMP(6))"
coffer_start a --features-refresh-ms 600000
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"a"}}' --tenant "$V" --key 1
check "a switch set before the start applies to the first message" \
	wait_log 'event=feature_disabled plugin=probe type=PUT' 1 10
check_eq "V's PUT changed nothing" "$(probe_count "$V" 1)" none

sql "INSERT INTO coffer_tenant_features (tenant_id, plugin, enabled, updated_at)
     VALUES ('$T', 'probe', 0, UTC_TIMESTAMP(6))"
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"a"}}' --tenant "$T" --key 1
check "before SIGHUP the switch is not seen yet: the PUT is applied" \
	wait_count "$T" 1 1

loads=$(log_count 'event=features_loaded')
kill -HUP "${CPID[a]}"
check "SIGHUP is logged" wait_log 'event=sighup' 1 5
check "SIGHUP reloads the switches (the periodic refresh is 10 min away)" wait_log 'event=features_loaded' $((loads + 1)) 30
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"b"}}' --tenant "$T" --key 1
check "after SIGHUP the PUT is refused" wait_log 'event=feature_disabled plugin=probe type=PUT' 2 10
check_eq "and changes nothing" "$(probe_count "$T" 1)" 1

sql "UPDATE coffer_tenant_features SET enabled = 1 WHERE tenant_id = '$T'"
loads=$(log_count 'event=features_loaded')
kill -HUP "${CPID[a]}"
check "the second SIGHUP reloads too" wait_log 'event=features_loaded' $((loads + 1)) 30
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"c"}}' --tenant "$T" --key 1
check "back on after SIGHUP: the PUT is applied" wait_count "$T" 1 2
check "cofferd is still running after two SIGHUPs" kill -0 "${CPID[a]}"
coffer_stop a
check_eq "and stops with status 0" "${CRC[a]}" 0
it_finish
