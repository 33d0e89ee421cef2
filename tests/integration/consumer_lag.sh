#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# coffer_consumer_lag (high watermark - committed offset, per partition) rises
# while cofferd is paused and falls back to 0. cofferd is stopped (SIGSTOP), N
# commands arrive; another session holds coffer_processed locked so that, once
# cofferd runs again (SIGCONT), it fetches them but cannot commit them: /metrics
# then reports a lag of N. The lock is released, the commands are applied and
# the lag returns to 0. The embedded Kafka must not stop with it: it runs in
# another cofferd (k, its own consumer group and database).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/obs_lib.sh"
it_init
obs_require
it_create_db KDB k
coffer_start k --partitions 1 --group-id coffer-k --db-name "$KDB" --http-listen off
coffer_start a --no-embedded --bootstrap-servers "$(bootstrap k)" $(obs_args a)
OBS_INSTANCE=a
obs_require_counting
coffer_use k # cofferctl send goes to k's embedded Kafka
T=$(uuid)
lag() { obs_value coffer_consumer_lag topic=COMMAND_TOPIC_PROBE; }
send COMMAND_TOPIC_PROBE PUT '{"body":{"id":1,"value":"a"}}' --tenant "$T" --key 1
check "the first PUT is applied" wait_count "$T" 1 1
check "the lag of the command topic is reported, and 0" wait_until 10 '[[ $(lag) == 0 ]]'

kill -STOP "${CPID[a]}"
N=5
for ((i = 2; i <= N + 1; i++)); do
	send COMMAND_TOPIC_PROBE PUT "{\"body\":{\"id\":$i,\"value\":\"v\"}}" --tenant "$T" --key "$i"
done
sess_open lock
sess_do lock "LOCK TABLES coffer_processed WRITE" >/dev/null
kill -CONT "${CPID[a]}"
check "the lag rises to $N" wait_until 15 '[[ $(lag) == '$N' ]]'
check_eq "none of them is applied yet" "$(probe_rows)" 1
sess_do lock "UNLOCK TABLES" >/dev/null
sess_close lock
check "the $N PUTs are applied" wait_until 15 '[[ $(probe_rows) == '$((N + 1))' ]]'
check "the lag falls back to 0" wait_until 15 '[[ $(lag) == 0 ]]'
coffer_stop a
check_eq "exit status 0" "${CRC[a]}" 0
coffer_stop k
it_finish
