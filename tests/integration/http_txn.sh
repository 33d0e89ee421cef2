#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# HTTP routes and transactions (docs/http.md): a POST commits its row and its
# event together (the event arrives on Kafka with the request's tenant
# headers), a DELETE answers 204 and emits, a GET reads the committed rows, a
# route that keeps asking for a retry is run HTTP_ATTEMPTS times then answered
# 500, a rejection answers its status and changes nothing, an emit from a GET is
# refused, a plugin switched off for a tenant answers 404 for that tenant only.
. "$(dirname "$0")/lib.sh"
require_tools curl
it_init
coffer_start a
A=$(http_addr a)
T=$(uuid)
U=$(uuid)
H=(-H "TENANT_ID: $T" -H "REGION: eu" -H "MAJOR_VERSION: 4" -H "MINOR_VERSION: 2")
HU=(-H "TENANT_ID: $U" -H "REGION: GMS" -H "MAJOR_VERSION: 83" -H "MINOR_VERSION: 1")

req() {
	local path=${*: -1} out
	out=$(curl -sS --path-as-is -o "$IT_W/body" -w '%{http_code} %{content_type}' "${@:1:$#-1}" \
		"http://$A$path" 2>"$IT_W/curl.err")
	ST=${out%% *}
	CT=${out#* }
	BODY=$(cat "$IT_W/body")
}

req -X POST "${H[@]}" "/api/probe/3?value=first"
check_eq "POST: 200 application/json" "$ST $CT" "200 application/json"
check_eq "POST: the document the route built" "$BODY" \
	'{"data":{"type":"probes","id":"3","attributes":{"value":"first","count":1}}}'
check_eq "POST: the row committed, with the request's tenant headers" \
	"$(sql "SELECT value, count, region, major, minor FROM probe_items WHERE tenant_id = '$T' AND id = 3")" \
	"$(printf 'first\t1\teu\t4\t2')"
watch_all EVENT_TOPIC_PROBE_STATUS 1 15000 >"$IT_W/ev1"
check_eq "POST: its event arrives on Kafka" "$(jq -c '.value | [.type, .id, .count, .value, .via]' "$IT_W/ev1")" \
	'["PUT_DONE",3,1,"first","http"]'
check_eq "POST: the event carries the request's tenant headers" \
	"$(jq -c '[.headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION]' "$IT_W/ev1")" \
	"[\"$T\",\"eu\",4,2]"
check "the outbox is drained" wait_until 10 '[[ $(sql "SELECT COUNT(*) FROM coffer_outbox") == 0 ]]'

req "${H[@]}" /api/probe/3
check_eq "GET reads the committed row" "$ST $BODY" \
	'200 {"data":{"type":"probes","id":"3","attributes":{"value":"first","count":1}}}'
req "${HU[@]}" /api/probe/3
check_eq "another tenant does not see it: the plugin's 404" "$ST" 404

req -X DELETE "${H[@]}" /api/probe/3
check_eq "DELETE: 204, Content-Type application/json, empty body" "$ST $CT $(wc -c <"$IT_W/body")" \
	"204 application/json 0"
check_eq "DELETE: the row is gone" "$(probe_count "$T" 3)" none
watch_all EVENT_TOPIC_PROBE_STATUS 2 15000 | tail -n1 >"$IT_W/ev2"
check_eq "DELETE: its event arrives" "$(jq -c '.value | [.type, .id]' "$IT_W/ev2")" '["DELETED",3]'
req -X DELETE "${H[@]}" /api/probe/3
check_eq "DELETE again: the route's 404 (a rejection)" "$ST" 404

before=$(log_count 'probe_retry attempt')
req "${H[@]}" /api/probe-retry
check_eq "a route that keeps asking for a retry: 500, empty body" "$ST $CT $(wc -c <"$IT_W/body")" \
	"500 application/json 0"
check_eq "it ran 3 times (rolled back each time)" "$(($(log_count 'probe_retry attempt') - before))" 3
check "the give-up is logged" wait_log 'route kept asking for a retry, answered 500 plugin=probe' 1 5
check "the handler's log line carries the request's tenant" grep -q "tenant=$T.*probe_retry attempt" "${CLOG[a]}"

req "${H[@]}" /api/probe-reject/409
check_eq "a rejection answers the route's status" "$ST $CT" "409 application/json"
req "${H[@]}" /api/probe-reject/201
check_eq "a rejection with a success status: 500 (logged)" "$ST" 500
check "logged" wait_log 'a route rejected with status=201' 1 5
req "${H[@]}" /api/probe-emit
check_eq "emit in a GET (read-only snapshot) is refused: 500" "$ST" 500
check "logged" wait_log 'emit refused in a read-only \(GET\) route plugin=probe' 1 5

req -X POST "${H[@]}" "/api/probe/4"
check_eq "POST without its query value: the route's 400" "$ST" 400
check_eq "nothing changed" "$(probe_count "$T" 4)" none

# Feature switch: off for T only.
req -X POST "${H[@]}" "/api/probe/5?value=x"
req -X POST "${HU[@]}" "/api/probe/5?value=y"
loads=$(log_count 'event=features_loaded')
ctl feature set "$T" probe off || fail "cofferctl feature set failed"
check "cofferd reloads the switches" wait_log 'event=features_loaded' $((loads + 1)) 10
req "${H[@]}" /api/probe/5
check_eq "probe off for T: its route answers 404, empty body, application/json" \
	"$ST $CT $(wc -c <"$IT_W/body")" "404 application/json 0"
req -X POST "${H[@]}" "/api/probe/5?value=off"
check_eq "a POST too, and changes nothing" "$ST $(sql "SELECT value FROM probe_items WHERE tenant_id = '$T' AND id = 5")" "404 x"
req "${HU[@]}" /api/probe/5
check_eq "another tenant is served" "$ST" 200
req "${H[@]}" /api/nothing
check_eq "an unknown path is still the router's 404 (text)" "$CT" "text/plain; charset=utf-8"

# Several requests at once over the HTTP pool: every POST applied exactly once.
pids=()
for i in $(seq 1 40); do
	curl -s -o /dev/null -X POST "${HU[@]}" "http://$A/api/probe/$((100 + i % 4))?value=c" &
	pids+=($!)
done
wait "${pids[@]}"
check_eq "40 concurrent POSTs on 4 rows: counts add up to 40" \
	"$(sql "SELECT SUM(count) FROM probe_items WHERE tenant_id = '$U' AND id >= 100")" 40
check "and 40 more events reach Kafka (44 in all)" \
	wait_until 20 '[[ $(watch_all EVENT_TOPIC_PROBE_STATUS 44 3000 | wc -l) -ge 44 ]]'
it_finish
