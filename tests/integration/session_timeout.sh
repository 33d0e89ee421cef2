#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# After a consumer-group session timeout cofferd is back within seconds, also
# when it stalls again while it rejoins (docs/embedded-kafka.md). SIGSTOP
# freezes cofferd and its embedded Kafka past session.timeout.ms; on SIGCONT
# the session is lost and the consumer rejoins. A second SIGSTOP while that
# JoinGroup waits in the mock coordinator makes the mock drop the member
# without ever answering the request: before the fix the consumer waited
# max.poll.interval.ms + 3 s (303 s) for it and consumed nothing meanwhile.
# The test proves that this happened (librdkafka logs the JoinGroup timeout),
# then that a command sent before the second stall is handled soon after it.
# The stimulus is the stop itself (7 s > session.timeout.ms = 6 s), not a
# sleep before a check.
. "$(dirname "$0")/lib.sh"
it_init
# debug=cgrp: librdkafka logs its join states and request timeouts (stderr, the log),
# at its debug level: shown with --log-level debug.
coffer_start a --kafka-prop debug=cgrp --log-level debug
T=$(uuid)
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"before"}}' --tenant "$T" --key 1
check "the PUT before the stall is applied" wait_count "$T" 1 1 15

JOIN='changed join state init -> wait-join'
TMOUT='Timed out JoinGroupRequest'
stall() {
	kill -STOP "${CPID[a]}"
	sleep 7
	kill -CONT "${CPID[a]}"
}
hit=0 n2=0
for ((round = 1; round <= 3 && hit == 0; round++)); do
	joins=$(log_count "$JOIN")
	tmouts=$(log_count "$TMOUT")
	revoked=$(log_count 'event=partitions_revoked')
	say "round $round: cofferd stopped 7 s"
	stall
	check "round $round: the session is lost, the partitions revoked" \
		wait_log 'event=partitions_revoked' $((revoked + 1)) 15
	check "round $round: the consumer rejoins" wait_log "$JOIN" $((joins + 1)) 15
	# The message goes through the mock after the JoinGroup was written to it:
	# the mock has read the JoinGroup when it acknowledges the message.
	send COMMAND_TOPIC_PROBE PUT "{\"body\":{\"id\":2,\"value\":\"after $round\"}}" --tenant "$T" --key 2
	n2=$((n2 + 1))
	say "round $round: stopped again while the JoinGroup waits"
	stall
	t0=$(elapsed_ms)
	# The JoinGroup is lost when the mock's session check runs before its
	# election (usual); when the election won, nothing was lost: try again.
	if wait_log "$TMOUT" $((tmouts + 1)) 15; then
		hit=1
	else
		say "round $round: no JoinGroup timed out (the election came first?)"
		if ! wait_count "$T" 2 $n2 20; then
			fail "round $round: the PUT is not applied 20 s after the stall"
			break
		fi
		pass "round $round: the PUT is applied"
	fi
done
check_eq "a JoinGroup the mock never answered (the stall this tests)" "$hit" 1
check "the PUT sent before the second stall is applied within 20 s" wait_count "$T" 2 $n2 20 &&
	say "handled $(($(elapsed_ms) - t0)) ms after the second stall"
check_eq "one marker per PUT" "$(markers COMMAND_TOPIC_PROBE)" "$(sql "SELECT SUM(count) FROM probe_items WHERE tenant_id = '$T'")"
it_finish
