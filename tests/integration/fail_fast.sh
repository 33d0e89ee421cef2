#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fail fast on what cannot heal (docs/configuration.md "Fail fast"): a setting
# that is not a number or out of range, a database login the server refuses
# (wrong password, unknown database, a user without access), a missing plugin
# or migrations folder, --sql-dir without the host's migrations, a plugin
# setting that is not a number. Each case: exit status 78 (EX_CONFIG), exactly
# one error line, naming the setting, within 5 s. The time of each case is
# printed ("# case ...: N ms") so it can be quoted.
. "$(dirname "$0")/lib.sh"
it_init
W=$IT_W
BASE=(--embedded-kafka --plugin-dir "$PROBE_DIR" --sql-dir "$abs_top_srcdir/sql"
	--sql-dir "$abs_top_srcdir/tests/sql")
INV=(--plugin-dir "$abs_top_builddir/plugins/asset" --plugin-dir "$abs_top_builddir/plugins/compartment"
	--plugin-dir "$abs_top_builddir/plugins/reservation" --plugin-dir "$abs_top_builddir/plugins/drop")

# ff_case NAME PATTERN [VAR=VALUE...] -- ARGS...: run cofferd with the environment
# assignments and ARGS; the run must end with status 78 within 5 s, and its
# output must hold exactly one error line, matching the extended regex PATTERN.
ff_case() {
	local name=$1 pat=$2 envs=()
	shift 2
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	local t0=${EPOCHREALTIME/[.,]/} rc
	env "${envs[@]}" timeout -s KILL 20 "$COFFERD" "$@" >"$W/$name.out" 2>"$W/$name.err"
	rc=$?
	local ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
	local errs
	errs=$(grep -E 'level=error|^cofferd: ' "$W/$name.err")
	say "case $name: status $rc, $ms ms: $(head -n1 <<<"$errs")"
	check_eq "$name: exit status 78 (EX_CONFIG)" "$rc" 78
	check "$name: within 5 s ($ms ms)" test "$ms" -lt 5000
	check_eq "$name: exactly one error line" "$(grep -c . <<<"$errs")" 1
	check "$name: the line names the setting (/$pat/)" grep -qE -- "$pat" <<<"$errs"
}

say "numeric options and variables"
ff_case workers_x "bad --workers value 'x': not a number" -- "${BASE[@]}" --workers x
ff_case batch_0 "bad --batch value '0': out of range" -- "${BASE[@]}" --batch 0
ff_case workers_trailing "bad --workers value '4x'" -- "${BASE[@]}" --workers 4x
ff_case workers_blank "bad --workers value ' 4'" -- "${BASE[@]}" --workers ' 4'
ff_case workers_hex "bad --workers value '0x4'" -- "${BASE[@]}" --workers 0x4
ff_case batch_huge "bad --batch value '99999999999999999999': out of range" -- "${BASE[@]}" --batch 99999999999999999999
ff_case partitions_neg "bad --partitions value '-1'" -- "${BASE[@]}" --partitions -1
ff_case db_port_opt "bad --db-port value '70000': out of range" -- "${BASE[@]}" --db-port 70000
ff_case db_port_env "bad environment variable DB_PORT value 'abc'" DB_PORT=abc DB_SOCKET= DB_HOST=127.0.0.1 -- "${BASE[@]}"
ff_case refresh_ms "bad --features-refresh-ms value '2s'" -- "${BASE[@]}" --features-refresh-ms 2s
ff_case retention "bad --marker-retention-hours value '0'" -- "${BASE[@]}" --marker-retention-hours 0
ff_case drain "bad --drain-timeout-ms value '-5'" -- "${BASE[@]}" --drain-timeout-ms -5
ff_case max_message "bad --max-message-bytes value '10'" -- "${BASE[@]}" --max-message-bytes 10
ff_case stall_warn "bad --stall-warn-ms value 'soon'" -- "${BASE[@]}" --stall-warn-ms soon
ff_case embedded_port "bad --embedded-kafka port value 'x'" -- --embedded-kafka=x --plugin-dir "$PROBE_DIR"
ff_case http_threads "bad --http-threads value '0': out of range" -- "${BASE[@]}" --http-threads 0
ff_case http_body "bad --http-max-body value '64k'" -- "${BASE[@]}" --http-max-body 64k
ff_case outbox_rows "bad setting outbox.embedded_retention_rows \(--set or COFFER_OUTBOX_EMBEDDED_RETENTION_ROWS\) value 'many'" \
	-- "${BASE[@]}" --set outbox.embedded_retention_rows=many
ff_case outbox_ms "bad setting outbox.embedded_retention_ms \(--set or COFFER_OUTBOX_EMBEDDED_RETENTION_MS\) value '-1'" \
	COFFER_OUTBOX_EMBEDDED_RETENTION_MS=-1 -- "${BASE[@]}"
ff_case rest_port "REST_PORT takes a port number, not 'http'" REST_PORT=http -- "${BASE[@]}"
ff_case log_format "bad --log-format value 'xml': want logfmt or json" -- "${BASE[@]}" --log-format xml
ff_case log_format_env "bad environment variable LOG_FORMAT value 'text'" LOG_FORMAT=text -- "${BASE[@]}"
ff_case log_level "bad --log-level value 'loud'" -- "${BASE[@]}" --log-level loud

say "database logins the server refuses"
ff_case db_password 'DB_USER/DB_PASSWORD .*errno=1045' DB_PASSWORD=wrong-password -- "${BASE[@]}"
ff_case db_unknown 'DB_NAME .*errno=1049' DB_NAME="${DB_NAME}_nosuch" -- "${BASE[@]}"
# A user that may log in but not use this database: ER_DBACCESS_DENIED_ERROR.
FF_USER="ff_$$_$RANDOM"
if it_mariadb -e "CREATE USER '$FF_USER'@'localhost' IDENTIFIED BY 'pw'; CREATE USER '$FF_USER'@'127.0.0.1' IDENTIFIED BY 'pw'" 2>/dev/null; then
	ff_case db_access_denied 'DB_USER/DB_NAME .*errno=1044' DB_USER="$FF_USER" DB_PASSWORD=pw -- "${BASE[@]}"
	it_mariadb -e "DROP USER '$FF_USER'@'localhost'; DROP USER '$FF_USER'@'127.0.0.1'" 2>/dev/null
else
	say "skipped db_access_denied: the test's database login may not create users"
fi

say "folders"
ff_case plugin_dir_missing 'plugin folder not found setting=--plugin-dir dir=/nonexistent' -- \
	--embedded-kafka --plugin-dir /nonexistent/coffer-plugins --sql-dir "$abs_top_srcdir/sql"
ff_case sql_dir_missing 'migrations folder not found setting=--sql-dir' -- \
	--embedded-kafka --plugin-dir "$PROBE_DIR" --sql-dir "$abs_top_srcdir/sql" --sql-dir "$W/nope"
ff_case sql_dir_no_host "no migrations folder holds the host's migrations setting=--sql-dir" COFFER_SQL_PATH= -- \
	--embedded-kafka --plugin-dir "$PROBE_DIR" --sql-dir "$abs_top_srcdir/tests/sql"
ff_case plugin_path_missing 'plugin folder not found setting=COFFER_PLUGIN_PATH dir=/nonexistent/p2' \
	COFFER_PLUGIN_PATH="$PROBE_DIR:/nonexistent/p2" -- --embedded-kafka --sql-dir "$abs_top_srcdir/sql"
ff_case sql_path_missing 'migrations folder not found setting=COFFER_SQL_PATH dir=/nonexistent/s2' \
	COFFER_SQL_PATH="$abs_top_srcdir/sql:/nonexistent/s2" -- --embedded-kafka --plugin-dir "$PROBE_DIR"
ff_case plugin_path_empty 'no plugin folder setting=--plugin-dir,COFFER_PLUGIN_PATH' -- \
	--embedded-kafka --sql-dir "$abs_top_srcdir/sql"

say "plugin settings"
if [[ -f $abs_top_builddir/plugins/drop/.libs/drop.so ]]; then
	ff_case plugin_set 'plugin setting is not a number setting=drop.sweep_batch env=COFFER_DROP_SWEEP_BATCH' -- \
		--embedded-kafka "${INV[@]}" --sql-dir "$abs_top_srcdir/sql" --set drop.sweep_batch=many
	ff_case plugin_env 'setting=reservation.sweep_interval_ms env=COFFER_RESERVATION_SWEEP_INTERVAL_MS' \
		COFFER_RESERVATION_SWEEP_INTERVAL_MS=10s -- --embedded-kafka "${INV[@]}" --sql-dir "$abs_top_srcdir/sql"
else
	say "skipped plugin settings: plugins/drop not built"
fi

say "what can heal keeps waiting: a database that does not answer yet"
DBPORT=$(free_port)
CLOG[heal]=$W/heal.log
DB_HOST=127.0.0.1 DB_PORT=$DBPORT DB_SOCKET= "$COFFERD" "${BASE[@]}" --log-level debug \
	>"$W/heal.out" 2>"${CLOG[heal]}" &
CPID[heal]=$!
check "heal: the first attempt is logged as a warning, saying it retries" \
	wait_log 'level=warn.*database unreachable .*attempts=1 .*retrying; logged again at most once a minute' 1 15 heal
# Each later attempt has a debug line: after the fifth, still one warning.
check "heal: it keeps retrying (attempt 5 seen)" wait_log 'event=db_retry conn=migrate attempts=5 ' 1 20 heal
check_eq "heal: one warning for five attempts, not one per attempt" \
	"$(log_count 'level=warn.*database unreachable' heal)" 1
check "heal: still running while it waits" kill -0 "${CPID[heal]}"
coffer_stop heal TERM
check_eq "heal: SIGTERM ends the wait with status 0" "${CRC[heal]}" 0
it_finish
