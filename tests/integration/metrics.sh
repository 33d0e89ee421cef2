#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# /metrics (docs/observability.md): the exposition parses with the Prometheus
# client's strict parser; N commands of a type move their done counter by
# exactly N; a dead letter (not JSON), a rejection (the plugin refuses the
# body) and a redelivery (a second cofferd in another group reads the same
# offsets) each move their own outcome and nothing else; the Grafana dashboard
# is valid JSON naming only metrics of this live output; cofferctl status
# prints the table from the same endpoints.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/obs_lib.sh"
it_init
obs_require
require_tools kcat
coffer_start a --partitions 1 $(obs_args a)
OBS_INSTANCE=a
obs_require_counting
T=$(uuid)
P='topic=COMMAND_TOPIC_PROBE type=PUT'
cnt() { obs_value coffer_messages_total $P "outcome=$1"; }

obs_scrape "$IT_W/m0" || fail "the first scrape failed"
check "the exposition parses strictly" /usr/bin/python3 "$PROM" parse "$IT_W/m0"
check_eq "Content-Type is the text format 0.0.4" \
	"$(curl -s -o /dev/null -w '%{content_type}' "$(obs_url a)/metrics")" "text/plain; version=0.0.4; charset=utf-8"
check_eq "PUT done starts at 0" "$(cnt done)" 0
check_eq "the probe plugin is listed with its version" \
	"$(/usr/bin/python3 "$PROM" value "$IT_W/m0" coffer_plugin_info plugin=probe)" 1

N=7
for ((i = 1; i <= N; i++)); do
	send COMMAND_TOPIC_PROBE PUT "{\"body\":{\"id\":$i,\"value\":\"v\"}}" --tenant "$T" --key "$i"
done
check "the $N PUTs are applied" wait_until 10 '[[ $(probe_rows) == '$N' ]]'
check "PUT done reaches $N" wait_until 10 '[[ $(cnt done) == '$N' ]]'
check_eq "and stays exactly $N" "$(cnt done)" "$N"
check_eq "nothing else moved" "$(cnt rejected)/$(cnt dead_lettered)/$(cnt redelivery_skipped)" 0/0/0
check "the handler histogram counted $N runs" \
	eval '[[ $(obs_value coffer_handler_duration_seconds_count $P) == '$N' ]]'

# ---- a dead letter: not JSON (no type: counted under the topic's unknown type)
kcat_send COMMAND_TOPIC_PROBE k0 'this is {not JSON' -H "TENANT_ID=$T"
check "the dead letter moves dead_lettered of the unknown type" wait_until 10 \
	'[[ $(obs_value coffer_messages_total topic=COMMAND_TOPIC_PROBE type=unknown outcome=dead_lettered) == 1 ]]'
# ---- a rejection: the plugin refuses a body without an id
send COMMAND_TOPIC_PROBE PUT '{"body":{"value":"x"}}' --tenant "$T" --key 1
check "the rejection moves PUT rejected" wait_until 10 '[[ $(cnt rejected) == 1 ]]'
check_eq "PUT dead_lettered did not move" "$(cnt dead_lettered)" 0
check_eq "PUT done did not move" "$(cnt done)" "$N"
check "the rejection ran the batch again carefully" \
	eval '(( $(obs_value coffer_careful_reruns_total) >= 1 ))'

# ---- redeliveries: b reads the same offsets in another group
coffer_start b --no-embedded --bootstrap-servers "$(bootstrap a)" --group-id coffer-replay \
	--kafka-prop auto.offset.reset=earliest $(obs_args b)
OBS_INSTANCE=b
check "b skips every PUT a applied as a redelivery" wait_until 15 \
	'[[ $(cnt redelivery_skipped) == '$((N + 1))' ]]'
check_eq "b's done did not move" "$(cnt done)" 0
check_eq "b's rejected did not move" "$(cnt rejected)" 0
OBS_INSTANCE=a
check_eq "a's redelivery_skipped did not move" "$(cnt redelivery_skipped)" 0

# ---- publication, the database, the dashboard, cofferctl status
check "events published counted (PUT_DONE and the dead letters)" wait_until 10 \
	'(( $(obs_value coffer_events_published_total) >= '$((N + 2))' ))'
check "the outbox backlog gauge returns to 0" wait_until 10 '[[ $(obs_value coffer_outbox_backlog_rows) == 0 ]]'
check_eq "coffer_db_up is 1" "$(obs_value coffer_db_up)" 1
obs_scrape "$IT_W/m1" || fail "scrape failed"
check "the second exposition parses strictly" /usr/bin/python3 "$PROM" parse "$IT_W/m1"
check "the Grafana dashboard is valid JSON naming only live metrics" \
	/usr/bin/python3 "$PROM" dashboard "$abs_top_srcdir/contrib/grafana/coffer.json" "$IT_W/m1"
check "HTTP requests are counted by route pattern" \
	eval '(( $(obs_value coffer_http_requests_total route=/metrics status=200) >= 1 ))'
"$COFFERCTL" status --url "$(obs_url a)" >"$IT_W/status" 2>&1
check_eq "cofferctl status exits 0 when ready" "$?" 0
check "it prints readiness" grep -q '^readiness  *ready' "$IT_W/status"
check "it prints the consumer lag" grep -q '^consumer lag' "$IT_W/status"
check "it prints the outbox backlog" grep -q '^outbox backlog  *0 rows' "$IT_W/status"
check "it prints the rejections" grep -q '^rejections' "$IT_W/status"
check "it prints the PUT row" grep -qE '^COMMAND_TOPIC_PROBE +PUT +[0-9.]+ +'$((N + 1))'$' "$IT_W/status"
cat "$IT_W/status"
coffer_stop b
coffer_stop a
"$COFFERCTL" status --url "$(obs_url a)" >"$IT_W/status" 2>&1
check_eq "cofferctl status exits 1 when nothing answers" "$?" 1
check "and says unreachable" grep -q unreachable "$IT_W/status"
it_finish
