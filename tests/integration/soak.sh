#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The short fault soak (docs/soak.md): contrib/soak for 200 s against two
# cofferd in one group on a private MariaDB of its own, with 12 SIGKILLs of
# either cofferd (the embedded Kafka's host among them), 2 SIGKILLs and 2
# SIGSTOPs of MariaDB, 3 outages of the embedded broker and 3 feature
# switches; then the oracle: every item counted from the database and from the
# events, every committed event arrived in order per key, every command the
# live cluster holds applied, no unexplained error line, no dead letter. The
# seed is fixed (COFFER_SOAK_SEED replays another); the timing of a run is not,
# so each run explores its own interleavings of the same schedule.
. "$(dirname "$0")/lib.sh"
/usr/bin/python3 -c 'import confluent_kafka, pymysql' 2>/dev/null ||
	skip_test "python3-confluent-kafka and python3-pymysql are missing (contrib/install-deps)"
it_init
SEED=${COFFER_SOAK_SEED:-20261202}
SECS=${COFFER_SOAK_SECONDS:-200}
FAULTS=kill=12,db_kill=2,db_stop=2,outage=3,toggle=3
rc=0
"$abs_top_srcdir/contrib/soak" --build "$abs_top_builddir" --seed "$SEED" --duration "$SECS" \
	--faults "$FAULTS" --work "$IT_W/soak" >"$IT_W/soak.out" 2>"$IT_W/soak.err" || rc=$?
sed 's/^/# /' "$IT_W/soak.out"
check_eq "the soak (seed $SEED) ends without a violation" "$rc" 0
if ((rc != 0)); then
	grep -m 30 VIOLATION "$IT_W/soak.err"
	tail -n 20 "$IT_W/soak.err"
	keep=$(mktemp -d "${TMPDIR:-/tmp}/coffer-soak-failed.XXXXXX")
	cp "$IT_W"/soak/*.log "$IT_W"/soak/violations "$IT_W"/soak.* "$keep"/ 2>/dev/null
	echo "the soak's logs are kept in $keep"
	for n in a b; do
		echo "--- the last lines of cofferd $n's log (librdkafka's own left out)"
		grep -v 'component=librdkafka' "$IT_W/soak/$n.log" | tail -n 40
	done
fi
check_eq "every planned fault ran" "$(sed -n 's/^faults: //p' "$IT_W/soak.out")" \
	"db_kill 2, db_stop 2, kill 12, kill a $(grep -o 'kill a [0-9]*' "$IT_W/soak.out" | cut -d' ' -f3), kill b $(grep -o 'kill b [0-9]*' "$IT_W/soak.out" | cut -d' ' -f3), outage 3, toggle 3"
check "nothing lost, nothing duplicated" grep -q 'lost: 0, duplicated: 0,' "$IT_W/soak.out"
for f in "$IT_W"/soak/a.log "$IT_W"/soak/b.log; do
	if grep -qE 'Sanitizer|runtime error:' "$f"; then
		fail "sanitizer report in $f"
		grep -E -A30 'Sanitizer|runtime error:' "$f" | head -n 60
	fi
done
it_finish
