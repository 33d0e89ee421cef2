#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A cofferd that joined an embedded Kafka another cofferd hosts leaves when that
# cluster is replaced (docs/embedded-kafka.md "Joining an embedded cluster").
# Found by the fault soak (docs/soak.md): after the host was killed and started
# again on the same port, the joined cofferd kept the dead cluster's id for its
# processed markers, so the new cluster's first messages (offsets 0, 1, ...)
# matched markers of the old one and were skipped as "already processed":
# commands lost without a trace.
#
# h hosts the embedded Kafka on a fixed port (its own database and group); w
# (--no-embedded, on h's port, the test's database) handles 8 PUTs. h is
# SIGKILLed and h2 takes the port (a new cluster). 8 more PUTs: w reads the
# cluster's id again before handling the first, exits with status 75 without
# handling it, and once started again (w2) handles all 8: every key's count is 2.
. "$(dirname "$0")/lib.sh"
require_tools kcat
it_init
T=$(uuid)
PORT=$(free_port)
KB=127.0.0.1:$PORT
it_create_db DBH host
HTOPICS=(--topic COMMAND_TOPIC_PROBE=h.commands --topic EVENT_TOPIC_PROBE_STATUS=h.status --group-id embedded-host)
DB_NAME=$DBH coffer_start h "--embedded-kafka=$PORT" "${HTOPICS[@]}"
coffer_start w --no-embedded --bootstrap-servers "$KB" --kafka-prop reconnect.backoff.max.ms=500
CBOOT[w]=${CBOOT[h]}
puts() { # VALUE
	for k in 1 2 3 4 5 6 7 8; do
		send COMMAND_TOPIC_PROBE PUT "{\"body\":{\"id\":$k,\"value\":\"$1\"}}" --tenant "$T" --region eu --key "$k"
	done
}
counts() { sql "SELECT GROUP_CONCAT(count ORDER BY id) FROM probe_items WHERE tenant_id = '$T'"; }
puts before
check "w handles the first 8 PUTs" wait_until 20 '[[ $(counts) == 1,1,1,1,1,1,1,1 ]]'

coffer_stop h KILL
DB_NAME=$DBH coffer_start h2 "--embedded-kafka=$PORT" "${HTOPICS[@]}"
CBOOT[w]=${CBOOT[h2]}
puts after
check "w leaves the replaced cluster by itself" wait_until 60 '! kill -0 ${CPID[w]} 2>/dev/null' ||
	kill -KILL "${CPID[w]}" 2>/dev/null
wait "${CPID[w]}" 2>/dev/null
rc=$?
CPID[w]=
check_eq "with status 75 (EX_TEMPFAIL: a supervisor starts it again)" "$rc" 75
check "and says why" wait_log 'event=embedded_cluster_replaced cluster_id=embedded-[-0-9a-f]+ new_cluster_id=embedded-' 1 5 w
check_eq "no PUT of the new cluster was handled or skipped by w" "$(log_count 'value=after|already processed' w)" 0

coffer_start w2 --no-embedded --bootstrap-servers "$KB" --kafka-prop reconnect.backoff.max.ms=500
CBOOT[w2]=${CBOOT[h2]}
check "w2 handles the 8 PUTs of the new cluster: every count is 2" wait_until 30 '[[ $(counts) == 2,2,2,2,2,2,2,2 ]]'
check_eq "with the value sent last" \
	"$(sql "SELECT COUNT(*) FROM probe_items WHERE tenant_id = '$T' AND value = 'after'")" 8
check_eq "w2's markers name the new cluster" \
	"$(sql "SELECT COUNT(DISTINCT cluster_id) FROM coffer_processed WHERE topic = 'COMMAND_TOPIC_PROBE'")" 2
coffer_stop w2 TERM
check_eq "w2 stops with status 0" "${CRC[w2]}" 0
coffer_stop h2 TERM
it_finish
