# SPDX-License-Identifier: MIT
# tests/integration/lib.sh: what every integration test shares. Sourced, not run.
#
# A test sources this file, calls it_init, starts one or more cofferd with
# coffer_start (each on its own embedded Kafka unless told otherwise), drives
# them with cofferctl / kcat and SQL, records checks with check / check_eq, and
# ends with it_finish. Exit status: 0 all checks passed, 1 a check failed,
# 77 skipped (a tool is missing), 99 the test could not run (set-up failed).
#
# The database: a MariaDB server already in the environment (DEVDB_DIR from
# `eval "$(contrib/devdb start)"`, or DB_HOST/DB_SOCKET with DB_USER and
# DB_PASSWORD) is reused; otherwise the test starts a private one and stops it
# at exit. Either way each test gets a fresh database, dropped at exit unless
# a check failed (then its name is printed) or IT_KEEP=1.
#
# Everything the test started (cofferd, watchers, SQL sessions, the server) is
# stopped at exit, also when the test is interrupted.
#
# Deterministic tests (they run under load, beside a CPU hog, in CI): wait on a
# condition that proves the state, never sleep and then check that nothing
# happened (that passes when the behaviour is broken but slow). What a message
# caused commits in one transaction with its processed-marker: its row changes,
# its outbox rows (events and dead letters). So:
#   - a message was handled: its marker exists (wait_markers N TOPIC, counted on
#     one topic whose messages the test alone sends; messages of one key and
#     partition are handled in offset order, so a later message's marker or
#     effect proves the earlier ones were handled);
#   - "it emitted nothing / was not dead-lettered": once handled, count what it
#     committed to the outbox. coffer_start copies every outbox row into
#     it_outbox_log by a trigger (outbox_log_init), because the publisher deletes
#     rows once published: outbox_logged WHERE, dead_letters;
#   - "nothing else is on the topic": wait_outbox_empty (every committed row
#     was acknowledged by the broker), then watch_end TOPIC_VAR reads the topic
#     up to its end (cofferctl watch --to-end), not until some idle time.
# Two messages on different topics (or keys) may be handled in either order by
# two workers: when an assertion depends on the order, wait for the first one's
# effect before sending the second.
# Other helpers worth knowing: wait_until, wait_log, wait_count, sess_open /
# sess_do / sess_close, wait_lock_wait (a query blocked on a row lock),
# OUTBOX_LOCK (the publisher's lock, to keep events in the outbox).

: "${abs_top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${abs_top_builddir:=$PWD}"
COFFERD=$abs_top_builddir/host/cofferd
COFFERCTL=$abs_top_builddir/ctl/cofferctl
DEVDB=$abs_top_srcdir/contrib/devdb
PROBE_DIR=$abs_top_builddir/tests/fixtures
IT_NAME=$(basename "$0" .sh)
IT_READY_TIMEOUT=${IT_READY_TIMEOUT:-30}
IT_CHECKS=0
IT_FAILS=0
IT_OWN_DB=0
IT_DB_CREATED=0
IT_W=
IT_START=${EPOCHREALTIME/[.,]/}
declare -A CPID CLOG CBOOT CRC SESS_PID SESS_FD SESS_OUT
IT_EXTRA_DBS=()
IT_CUR=
# cofferd serves HTTP on 127.0.0.1:8080 by default: tests run in parallel, so
# each takes an ephemeral port (coffer_start writes it to $IT_W/NAME.http).
export REST_PORT=0
# The plugins of a test are exactly the folders it names with --plugin-dir: set
# but empty, COFFER_PLUGIN_PATH takes the default folder (the build tree's
# plugins/) out of cofferd's search path (plugin_path.sh tests the default).
# The migrations keep theirs (the source sql/, which the tests name anyway).
export COFFER_PLUGIN_PATH=
unset COFFER_SQL_PATH
declare -A CHTTP
# The MySQL named lock whose holder is a deployment's publisher, as an SQL
# expression evaluated in a session connected to the deployment's database:
# 'coffer_outbox.' followed by the database name (host/outbox.c, publish_round). Tests hold it from another session to keep committed events
# in the outbox. outbox_lock_per_database.sh checks that a running publisher
# holds exactly this lock, so a change in host/outbox.c that forgets this line
# fails there. COFFER_OUTBOX_LOCK='expr' overrides it.
OUTBOX_LOCK=${COFFER_OUTBOX_LOCK:-"CONCAT('coffer_outbox.', DATABASE())"}

# ------------------------------------------------------------------ reporting

say() { printf '# %s\n' "$*"; }

pass() {
	IT_CHECKS=$((IT_CHECKS + 1))
	printf 'ok   %d - %s\n' "$IT_CHECKS" "$*"
}

fail() {
	IT_CHECKS=$((IT_CHECKS + 1))
	IT_FAILS=$((IT_FAILS + 1))
	printf 'FAIL %d - %s\n' "$IT_CHECKS" "$*"
}

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
	if [[ "$2" == "$3" ]]; then
		pass "$1"
	else
		fail "$1 (got '$2', want '$3')"
	fi
}

skip_test() {
	printf 'SKIP: %s\n' "$*"
	exit 77
}

# The test cannot go on (set-up failed): show what cofferd said, exit 99.
die() {
	printf 'ERROR: %s\n' "$*"
	dump_logs
	exit 99
}

dump_logs() {
	local n
	for n in "${!CLOG[@]}"; do
		[[ -f ${CLOG[$n]} ]] || continue
		printf -- '--- cofferd %s log (last 40 lines) ---\n' "$n"
		tail -n 40 "${CLOG[$n]}"
	done
}

elapsed_ms() {
	local now=${EPOCHREALTIME/[.,]/}
	printf '%d' $(((now - IT_START) / 1000))
}

# Every cofferd still running must stop cleanly on SIGTERM, and no cofferd
# log may hold a sanitizer report (ASan/UBSan/LSan builds).
it_check_daemons() {
	local n
	for n in "${!CLOG[@]}"; do
		if [[ -n ${CPID[$n]:-} ]]; then
			coffer_stop "$n" TERM
			check_eq "cofferd $n stops on SIGTERM with status 0" "${CRC[$n]}" 0
		fi
		if grep -qE 'Sanitizer|runtime error:' "${CLOG[$n]}"; then
			fail "cofferd $n: sanitizer report in its log"
			grep -E -A30 'Sanitizer|runtime error:' "${CLOG[$n]}" | head -n 60
		fi
	done
}

it_finish() {
	local ms
	it_check_daemons
	ms=$(elapsed_ms)
	if ((IT_FAILS > 0)); then
		dump_logs
		printf '%s: %d of %d checks FAILED (%d.%03d s)\n' "$IT_NAME" "$IT_FAILS" "$IT_CHECKS" \
			$((ms / 1000)) $((ms % 1000))
		[[ $IT_DB_CREATED == 1 ]] && printf '%s: database %s kept for inspection\n' "$IT_NAME" "$DB_NAME"
		exit 1
	fi
	if ((IT_CHECKS == 0)); then
		printf '%s: no check ran\n' "$IT_NAME"
		exit 99
	fi
	printf '%s: all %d checks passed (%d.%03d s)\n' "$IT_NAME" "$IT_CHECKS" $((ms / 1000)) $((ms % 1000))
	exit 0
}

# ------------------------------------------------------------------ set-up and clean-up

require_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip_test "$t is not installed"
	done
}

# it_init [nodb]: check the tools, make the work directory, create the database
# (not with nodb: for tests that never start the daemon's processing).
it_init() {
	[[ -x $COFFERD ]] || skip_test "$COFFERD not built"
	[[ -x $COFFERCTL ]] || skip_test "$COFFERCTL not built"
	[[ -f $PROBE_DIR/.libs/probe.so ]] || skip_test "tests/fixtures/probe.la not built (make check builds it)"
	require_tools jq mariadb
	IT_W=$(mktemp -d "${TMPDIR:-/tmp}/coffer-it-$IT_NAME.XXXXXX") || die "mktemp failed"
	trap it_cleanup EXIT
	trap 'exit 130' INT TERM
	# The topics are the variables' names: nothing in the caller's environment renames them.
	unset COMMAND_TOPIC_PROBE EVENT_TOPIC_PROBE_STATUS DEAD_LETTER_TOPIC BOOTSTRAP_SERVERS
	if [[ ${1:-} == nodb ]]; then
		say "$IT_NAME: work directory $IT_W"
		return 0
	fi
	it_db_setup
	say "$IT_NAME: database $DB_NAME, work directory $IT_W"
}

it_db_setup() {
	if [[ -z ${DB_HOST:-}${DB_SOCKET:-} || ( -z ${DEVDB_DIR:-} && -z ${DB_USER:-} ) ]]; then
		local env
		env=$("$DEVDB" start 2>"$IT_W/devdb.log") || {
			cat "$IT_W/devdb.log"
			die "cannot start a private MariaDB"
		}
		eval "$env"
		IT_OWN_DB=1
	fi
	export DB_HOST DB_PORT DB_USER DB_PASSWORD DB_SOCKET DEVDB_DIR 2>/dev/null
	local suffix=${IT_NAME//[^A-Za-z0-9_]/_}
	DB_NAME="it_${suffix:0:40}_$$_$RANDOM"
	export DB_NAME
	if [[ -n ${DEVDB_DIR:-} ]]; then
		"$DEVDB" createdb "$DEVDB_DIR" "$DB_NAME" || die "cannot create database $DB_NAME"
	else
		it_mariadb -e "CREATE DATABASE \`$DB_NAME\`" || die "cannot create database $DB_NAME"
	fi
	IT_DB_CREATED=1
}

# it_create_db VAR SUFFIX: another fresh database on the same server, its name in VAR.
it_create_db() {
	local name="${DB_NAME:0:50}_$2"
	if [[ -n ${DEVDB_DIR:-} ]]; then
		"$DEVDB" createdb "$DEVDB_DIR" "$name" >&2 || die "cannot create database $name"
	else
		it_mariadb -e "CREATE DATABASE \`$name\`" >&2 || die "cannot create database $name"
	fi
	IT_EXTRA_DBS+=("$name")
	printf -v "$1" '%s' "$name"
}

it_cleanup() {
	local rc=$?
	local n
	for n in "${!CPID[@]}"; do
		if [[ -n ${CPID[$n]} ]] && kill -0 "${CPID[$n]}" 2>/dev/null; then
			kill -TERM "${CPID[$n]}" 2>/dev/null
			for _ in $(seq 50); do kill -0 "${CPID[$n]}" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "${CPID[$n]}" 2>/dev/null
		fi
	done
	for n in "${!SESS_PID[@]}"; do
		sess_close "$n"
	done
	# Background helpers (watchers) of this shell.
	local jobs_left
	jobs_left=$(jobs -pr)
	[[ -n $jobs_left ]] && kill $jobs_left 2>/dev/null
	wait 2>/dev/null
	if [[ $IT_DB_CREATED == 1 && $IT_OWN_DB == 0 && $rc == 0 && ${IT_KEEP:-0} != 1 ]]; then
		it_mariadb -e "DROP DATABASE IF EXISTS \`$DB_NAME\`" >/dev/null 2>&1
		for n in "${IT_EXTRA_DBS[@]}"; do
			it_mariadb -e "DROP DATABASE IF EXISTS \`$n\`" >/dev/null 2>&1
		done
	fi
	if [[ $IT_OWN_DB == 1 ]]; then
		if [[ $rc == 0 || ${IT_KEEP:-0} != 1 ]]; then
			"$DEVDB" stop "$DEVDB_DIR" >/dev/null 2>&1
		else
			printf '%s: MariaDB kept running in %s\n' "$IT_NAME" "$DEVDB_DIR"
		fi
	fi
	if [[ -n $IT_W && ( $rc == 0 || ${IT_KEEP:-0} != 1 ) ]]; then
		rm -rf "$IT_W"
	elif [[ -n $IT_W ]]; then
		printf '%s: work directory kept: %s\n' "$IT_NAME" "$IT_W"
	fi
	exit "$rc"
}

# ------------------------------------------------------------------ SQL

it_mariadb() {
	if [[ -n ${DEVDB_DIR:-} ]]; then
		"$DEVDB" client "$DEVDB_DIR" "$@"
	else
		mariadb ${DB_SOCKET:+--socket="$DB_SOCKET"} ${DB_HOST:+-h "$DB_HOST"} ${DB_PORT:+-P "$DB_PORT"} \
			-u "$DB_USER" ${DB_PASSWORD:+-p"$DB_PASSWORD"} "$@"
	fi
}

# sql QUERY: run QUERY in the test's database, print the rows tab-separated.
sql() {
	it_mariadb "$DB_NAME" -N -B -e "$1"
}

# A long-lived SQL session (to hold a lock or a transaction open between steps).
# sess_open NAME; sess_do NAME "SQL" prints the rows of SQL; sess_close NAME.
sess_open() {
	local n=$1 fifo=$IT_W/sess.$1.in fd
	SESS_OUT[$n]=$IT_W/sess.$1.out
	mkfifo "$fifo" || die "mkfifo failed"
	it_mariadb "$DB_NAME" -N -B --unbuffered --force <"$fifo" >"${SESS_OUT[$n]}" 2>&1 &
	SESS_PID[$n]=$!
	exec {fd}>"$fifo"
	SESS_FD[$n]=$fd
}

sess_do() {
	local n=$1 q=$2 tag="sess_mark_${RANDOM}_$RANDOM" before out=${SESS_OUT[$1]}
	before=$(wc -l <"$out")
	printf '%s;\nSELECT "%s";\n' "$q" "$tag" >&"${SESS_FD[$n]}"
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q "^$tag\$" "$out" && break
		sleep 0.05
	done
	grep -q "^$tag\$" "$out" || { fail "SQL session $n did not answer: $q"; return 1; }
	tail -n +$((before + 1)) "$out" | grep -v "^$tag\$"
}

sess_close() {
	local n=$1
	[[ -n ${SESS_PID[$n]:-} ]] || return 0
	if [[ -n ${SESS_FD[$n]:-} ]]; then
		exec {SESS_FD[$n]}>&- 2>/dev/null
	fi
	kill "${SESS_PID[$n]}" 2>/dev/null
	wait "${SESS_PID[$n]}" 2>/dev/null
	unset "SESS_PID[$n]" "SESS_FD[$n]"
}

# ------------------------------------------------------------------ cofferd

# coffer_start NAME [--no-embedded] [cofferd options...]: start cofferd in the
# background (log in $IT_W/NAME.log) and wait for event=ready. Without
# --no-embedded it runs its own embedded Kafka, whose bootstrap list goes to
# $IT_W/NAME.boot. NAME becomes the current instance for ctl / send / watch.
coffer_start() {
	local n=$1
	shift
	local embedded=(--embedded-kafka --embedded-kafka-file "$IT_W/$n.boot")
	if [[ ${1:-} == --no-embedded ]]; then
		embedded=()
		shift
	fi
	# The ready line in the log format asked for (docs/observability.md "Logs").
	local ready='event=ready'
	[[ " $* " == *" --log-format json "* || ( " $* " != *" --log-format "* && ${LOG_FORMAT:-} == json ) ]] &&
		ready='"event":"ready"'
	CLOG[$n]=$IT_W/$n.log
	CBOOT[$n]=$IT_W/$n.boot
	CHTTP[$n]=$IT_W/$n.http
	rm -f "${CBOOT[$n]}" "${CHTTP[$n]}"
	"$COFFERD" "${embedded[@]}" --plugin-dir "$PROBE_DIR" \
		--sql-dir "$abs_top_srcdir/sql" --sql-dir "$abs_top_srcdir/tests/sql" \
		--features-refresh-ms 500 --workers 2 --http-port-file "${CHTTP[$n]}" "$@" >"$IT_W/$n.out" 2>"${CLOG[$n]}" &
	CPID[$n]=$!
	IT_CUR=$n
	local i
	for ((i = 0; i < IT_READY_TIMEOUT * 10; i++)); do
		grep -qF "$ready" "${CLOG[$n]}" && break
		if ! kill -0 "${CPID[$n]}" 2>/dev/null; then
			wait "${CPID[$n]}"
			CRC[$n]=$?
			die "cofferd $n exited with status ${CRC[$n]} before it was ready"
		fi
		sleep 0.1
	done
	grep -qF "$ready" "${CLOG[$n]}" || die "cofferd $n not ready after ${IT_READY_TIMEOUT} s"
	if [[ ${#embedded[@]} -gt 0 && ! -s ${CBOOT[$n]} ]]; then
		die "cofferd $n did not write ${CBOOT[$n]}"
	fi
	[[ -n ${DB_NAME:-} ]] && outbox_log_init
	say "cofferd $n ready (pid ${CPID[$n]}, $(elapsed_ms) ms since the test began)"
}

# coffer_stop NAME [SIGNAL]: signal (default TERM) and wait; the exit status
# is in CRC[NAME] (and returned). SIGKILL waits for the process to go.
coffer_stop() {
	local n=$1 sig=${2:-TERM}
	local pid=${CPID[$n]} i
	# stderr off: bash reports a killed job ("Killed ...") when it reaps it.
	{
		kill -"$sig" "$pid"
		for ((i = 0; i < 600; i++)); do
			kill -0 "$pid" || break
			sleep 0.05
		done
		if kill -0 "$pid"; then
			fail "cofferd $n still running 30 s after SIG$sig"
			kill -KILL "$pid"
		fi
		wait "$pid"
		CRC[$n]=$?
	} 2>/dev/null
	CPID[$n]=
	return "${CRC[$n]}"
}

coffer_use() { IT_CUR=$1; }

# http_addr [NAME]: the ADDR:PORT the instance's HTTP server is bound to.
http_addr() { head -n1 "${CHTTP[${1:-$IT_CUR}]}"; }

# Lines of the current (or named) instance's log that match an extended regex.
log_count() {
	local pat=$1 n=${2:-$IT_CUR}
	grep -cE -- "$pat" "${CLOG[$n]}"
}

# wait_log PATTERN [COUNT] [TIMEOUT_S] [NAME]: until the log has COUNT matching lines.
wait_log() {
	local pat=$1 want=${2:-1} t=${3:-10} n=${4:-$IT_CUR} i
	for ((i = 0; i < t * 20; i++)); do
		(($(log_count "$pat" "$n") >= want)) && return 0
		sleep 0.05
	done
	return 1
}

# wait_until TIMEOUT_S 'SHELL CONDITION': evaluate the condition every 50 ms
# (single-quote it, so that $(...) inside runs at each try).
wait_until() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 20; i++)); do
		eval "$*" && return 0
		sleep 0.05
	done
	return 1
}

# wait_count TENANT ID WANT [TIMEOUT_S]: until the probe row's count is WANT.
wait_count() {
	local i
	for ((i = 0; i < ${4:-10} * 20; i++)); do
		[[ $(probe_count "$1" "$2") == "$3" ]] && return 0
		sleep 0.05
	done
	return 1
}

# markers [TOPIC]: processed-markers committed so far (of the real topic TOPIC).
markers() {
	sql "SELECT COUNT(*) FROM coffer_processed ${1:+WHERE topic = '$1'}"
}

# wait_markers N [TOPIC] [TIMEOUT_S]: until at least N markers (of TOPIC) have
# committed: the messages are handled, with all they changed and emitted.
wait_markers() {
	IT_ARG_N=$1 IT_ARG_T=${2:-}
	wait_until "${3:-15}" '(($(markers "$IT_ARG_T") >= IT_ARG_N))'
}

# wait_outbox_empty [TIMEOUT_S]: until coffer_outbox is empty: every event and
# dead letter committed so far has been acknowledged by the broker.
wait_outbox_empty() {
	wait_until "${1:-15}" '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 0 ]]'
}

# outbox_log_init: from now on every outbox row the host commits is also copied
# (same transaction, by a trigger) into it_outbox_log (id, topic, payload,
# event_id), where it stays after publication. coffer_start
# calls it; idempotent.
outbox_log_init() {
	[[ $(sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()
		AND TABLE_NAME = 'coffer_outbox'") == 1 ]] || return 0
	sql "CREATE TABLE IF NOT EXISTS it_outbox_log (id BIGINT UNSIGNED PRIMARY KEY, topic VARCHAR(249) NOT NULL,
		payload MEDIUMBLOB NOT NULL, event_id CHAR(36) NOT NULL) ENGINE=InnoDB" || die "cannot create it_outbox_log"
	sql "CREATE TRIGGER IF NOT EXISTS it_outbox_log_ai AFTER INSERT ON coffer_outbox FOR EACH ROW
		INSERT INTO it_outbox_log (id, topic, payload, event_id) VALUES (NEW.id, NEW.topic, NEW.payload, NEW.event_id)" ||
		die "cannot create the outbox trigger"
}

# outbox_logged [WHERE]: how many outbox rows were committed (matching WHERE,
# over the columns topic and payload; a JSON payload reads as
# JSON_VALUE(CONVERT(payload USING utf8mb4), '$.field')).
outbox_logged() {
	sql "SELECT COUNT(*) FROM it_outbox_log ${1:+WHERE $1}"
}

# outbox_logged_txn TXN: committed events (dead letters aside) whose payload's
# transactionId is TXN.
outbox_logged_txn() {
	outbox_logged "topic <> '$(dead_letter_topic)' AND
		JSON_VALUE(CONVERT(payload USING utf8mb4), '\$.transactionId') = '$1'"
}

# The real name of the dead-letter topic, and the dead letters committed so far.
dead_letter_topic() { printf '%s' "${DEAD_LETTER_TOPIC:-coffer.dead-letter}"; }
dead_letters() { outbox_logged "topic = '$(dead_letter_topic)'"; }

# wait_lock_wait LIKE [TIMEOUT_S]: until a statement of another session on the
# test's database whose text matches the SQL LIKE pattern is executing: when
# the test holds the row it needs, that statement is waiting for the lock.
# information_schema.PROCESSLIST is read live; INNODB_LOCK_WAITS (and
# INNODB_TRX, INNODB_LOCKS) are a snapshot InnoDB refreshes only after 100 ms
# without a read, so polling them faster keeps reading an old snapshot.
wait_lock_wait() {
	IT_ARG_LIKE=$1
	wait_until "${2:-10}" 'stmt_running "$IT_ARG_LIKE"'
}

# stmt_running LIKE: a statement matching LIKE runs in another session now.
stmt_running() {
	local like=${1//\'/\'\'}
	(($(sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE()
		AND ID <> CONNECTION_ID() AND COMMAND IN ('Query', 'Execute') AND INFO LIKE '$like'") >= 1))
}

# ------------------------------------------------------------------ Kafka

bootstrap() { head -n1 "${CBOOT[${1:-$IT_CUR}]}"; }

# ctl ARGS...: cofferctl against the current instance's embedded Kafka.
ctl() {
	"$COFFERCTL" --bootstrap-file "${CBOOT[$IT_CUR]}" "$@"
}

# send TOPIC_VAR TYPE JSON [cofferctl send options]: one message, waits for delivery.
send() {
	ctl send "$@" || fail "cofferctl send $* failed"
}

# watch_all TOPIC_VAR COUNT TIMEOUT_MS: the first COUNT messages of the topic,
# one JSON line each (fewer when the timeout passed first).
watch_all() {
	ctl watch "$1" --from-beginning --count "$2" --timeout-ms "$3" 2>/dev/null
	return 0
}

# watch_idle TOPIC_VAR IDLE_MS: every message of the topic until IDLE_MS of silence.
watch_idle() {
	ctl watch "$1" --from-beginning --idle-ms "$2" --timeout-ms 20000 2>/dev/null
	return 0
}

# watch_end TOPIC_VAR... : every message of the topics, from the beginning to
# the end they have now (cofferctl watch --to-end). Call wait_outbox_empty
# first: then everything committed is on the topics.
watch_end() {
	ctl watch "$@" --to-end --timeout-ms 20000 2>/dev/null
	return 0
}

# kcat_send TOPIC KEY PAYLOAD [kcat -H options]: a message with text headers only.
kcat_send() {
	local topic=$1 key=$2 payload=$3
	shift 3
	printf '%s' "$payload" | kcat -P -b "$(bootstrap)" -t "$topic" -k "$key" "$@" -X message.timeout.ms=10000 \
		2>"$IT_W/kcat.err" || {
		cat "$IT_W/kcat.err"
		fail "kcat could not produce to $topic"
	}
}

# A free TCP port on 127.0.0.1.
free_port() {
	local p
	for ((p = 20000 + RANDOM % 20000; ; p++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { printf '%d' "$p"; return 0; }
	done
}

uuid() { cat /proc/sys/kernel/random/uuid; }

# ------------------------------------------------------------------ the probe plugin

# The count of a probe row, or "none".
probe_count() {
	local c
	c=$(sql "SELECT count FROM probe_items WHERE tenant_id = '$1' AND id = $2")
	printf '%s' "${c:-none}"
}

probe_rows() { sql "SELECT COUNT(*) FROM probe_items"; }

# ------------------------------------------------------------------ drop tests (map drops, inventory plugins)

# The build tree's inventory plugins, loaded next to the probe by drop_start.
DROP_PLUGIN_DIRS=(--plugin-dir "$abs_top_builddir/plugins/asset" --plugin-dir "$abs_top_builddir/plugins/compartment"
	--plugin-dir "$abs_top_builddir/plugins/reservation" --plugin-dir "$abs_top_builddir/plugins/drop")

# drop_start NAME [--no-embedded] [cofferd options...]: coffer_start with the
# asset, compartment, reservation and drop plugins of the build tree.
drop_start() {
	local n=$1
	shift
	local first=()
	if [[ ${1:-} == --no-embedded ]]; then
		first=(--no-embedded)
		shift
	fi
	[[ -f $abs_top_builddir/plugins/drop/.libs/drop.so ]] || skip_test "plugins/drop not built"
	coffer_start "$n" "${first[@]}" "${DROP_PLUGIN_DIRS[@]}" "$@"
}

# drop_cmd TYPE JSON [cofferctl send options]: one command on COMMAND_TOPIC_DROP
# for tenant $T (set by the test).
drop_cmd() {
	local type=$1 json=$2
	shift 2
	send COMMAND_TOPIC_DROP "$type" "$json" --tenant "$T" --region GMS --version 83.1 "$@"
}

# drop_rows [WHERE]: "id status reserved_by" of drop_drops rows, by id.
drop_rows() {
	sql "SELECT id, status, reserved_by FROM drop_drops ${1:+WHERE $1} ORDER BY tenant_id, id"
}

# drop_outbox_log_init: it_outbox_log (outbox_log_init, already done by
# drop_start), so a test can read the exact order of everything emitted across
# topics after publication.
drop_outbox_log_init() { outbox_log_init; }

# drop_outbox_log [AFTER_ID]: "topic<TAB>payload" of the logged rows, in commit order.
drop_outbox_log() {
	sql "SELECT topic, payload FROM it_outbox_log WHERE id > ${1:-0} ORDER BY id"
}

# drop_outbox_last: id of the last logged row (0 if none).
drop_outbox_last() {
	sql "SELECT COALESCE(MAX(id), 0) FROM it_outbox_log"
}

# ------------------------------------------------------------------ the inventory plugins

# inv_start NAME [--no-embedded] [cofferd options...]: coffer_start with real
# plugins of the build tree instead of the probe: the directories
# plugins/P for each P of INV_PLUGINS (default "asset compartment reservation").
inv_start() {
	local n=$1 ne=() p dirs=()
	shift
	if [[ ${1:-} == --no-embedded ]]; then
		ne=(--no-embedded)
		shift
	fi
	for p in ${INV_PLUGINS:-asset compartment reservation}; do
		[[ -f $abs_top_builddir/plugins/$p/.libs/$p.so ]] || skip_test "plugins/$p not built"
		dirs+=("$abs_top_builddir/plugins/$p")
	done
	# coffer_start always loads PROBE_DIR: for this call it is the first plugin's directory.
	local PROBE_DIR=${dirs[0]} extra=() d
	for d in "${dirs[@]:1}"; do extra+=(--plugin-dir "$d"); done
	coffer_start "$n" "${ne[@]}" "${extra[@]}" "$@"
}

# ------------------------------------------------------------------ drop tests: inventory fixtures

# drop_templates: contrib/templates/sample.sql for tenant $T.
drop_templates() {
	{ printf "SET @tenant = '%s';\n" "$T"; cat "$abs_top_srcdir/contrib/templates/sample.sql"; } | it_mariadb "$DB_NAME" ||
		die "cannot load contrib/templates/sample.sql"
}

# drop_character CHAR...: character CREATED for each CHAR of tenant $T; waits for their compartments.
drop_character() {
	local c
	for c in "$@"; do
		send EVENT_TOPIC_CHARACTER_STATUS CREATED "{\"characterId\":$c,\"worldId\":0,\"body\":{\"name\":\"c$c\"}}" \
			--tenant "$T" --region GMS --version 83.1
	done
	DROP_WANT=$((5 * $#))
	wait_until 15 '[[ $(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '"'$T'"'") -ge $DROP_WANT ]]' ||
		die "compartments of $* not created"
}

# drop_inv CHAR INVTYPE TYPE BODY [TXN] [cofferctl send options]: one
# COMMAND_TOPIC_COMPARTMENT command of tenant $T (TXN default: a new one).
drop_inv() {
	local c=$1 it=$2 type=$3 body=$4 x=${5:-$(uuid)}
	shift 5 2>/dev/null || shift $#
	send COMMAND_TOPIC_COMPARTMENT "$type" "{\"transactionId\":\"$x\",\"characterId\":$c,\"inventoryType\":$it,\"body\":$body}" \
		--tenant "$T" --region GMS --version 83.1 "$@"
}

# drop_comp CHAR INVTYPE: the compartment id of tenant $T's CHAR and INVTYPE.
drop_comp() {
	sql "SELECT id FROM compartments WHERE tenant_id = '$T' AND character_id = $1 AND inventory_type = $2"
}

# drop_assets CHAR INVTYPE: "slot template quantity" of the compartment's assets, by slot.
drop_assets() {
	sql "SELECT a.slot, a.template_id, a.quantity FROM assets a JOIN compartments c ON c.tenant_id = a.tenant_id
		AND c.id = a.compartment_id WHERE c.tenant_id = '$T' AND c.character_id = $1 AND c.inventory_type = $2 ORDER BY a.slot"
}

# drop_processed: consumed records committed so far (the host's markers).
drop_processed() { sql "SELECT COUNT(*) FROM coffer_processed"; }

# drop_quiet [TIMEOUT_S]: until the outbox is empty and no new record was
# processed for 1 s (the queues drained, kafka-contract.md#processing-model).
drop_quiet() {
	local t=${1:-20} i last=-1 now stable=0
	for ((i = 0; i < t * 5; i++)); do
		now=$(drop_processed)
		if [[ $now == "$last" && $(sql 'SELECT COUNT(*) FROM coffer_outbox') == 0 ]]; then
			stable=$((stable + 1))
			((stable >= 5)) && return 0
		else
			stable=0
		fi
		last=$now
		sleep 0.2
	done
	return 1
}
