# SPDX-License-Identifier: MIT
# tests/integration/rest_lib.sh: what the rest_*.sh tests share on top of inventory_lib.sh.
# Sourced, not run. rest_setup starts cofferd "a" with the asset, compartment, reservation
# and drop plugins, its HTTP server on a free local port ($HP) and the event watcher
# ($INV_EV); rq sends one request with curl and leaves the answer in RS (status), RCT
# (Content-Type), RB (body) and $IT_W/rb (the body's bytes).
. "$(dirname "$0")/inventory_lib.sh"

UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
ZERO_TIME=0001-01-01T00:00:00Z

rest_setup() {
	it_init
	command -v curl >/dev/null || skip_test "curl not installed"
	HP=$(free_port)
	INV_PLUGINS="asset compartment reservation drop" inv_start a --http-listen "127.0.0.1:$HP" "$@"
	grep -q 'on_http\|http' "${CLOG[a]}" || true
	wait_until 10 'curl -s -o /dev/null "http://127.0.0.1:$HP/api/"' || die "no HTTP server on port $HP"
	inv_watch
}

# rq METHOD PATH [TENANT] [curl options...]: one request with the four tenant headers.
rq() {
	local m=$1 p=$2 t=${3:-$T}
	shift 2
	shift 2>/dev/null || true
	RS=$(curl -sS -X "$m" -o "$IT_W/rb" -D "$IT_W/rh" -w '%{http_code}' -H "TENANT_ID: $t" \
		-H "REGION: GMS" -H "MAJOR_VERSION: 83" -H "MINOR_VERSION: 1" "$@" "http://127.0.0.1:$HP$p")
	RB=$(cat "$IT_W/rb")
	RCT=$(sed -n 's/^[Cc]ontent-[Tt]ype: *//p' "$IT_W/rh" | tr -d '\r')
}

# rq_is NAME STATUS [METHOD PATH [TENANT]]: the last (or this) request answered STATUS with
# Content-Type application/json and, unless STATUS is 200, an empty body.
rq_is() {
	local name=$1 want=$2
	shift 2
	(($#)) && rq "$@"
	if [[ $want == 200 ]]; then
		check_eq "$name: $want, JSON" "$RS $RCT" "$want application/json"
	else
		check_eq "$name: $want, JSON, empty body" "$RS $RCT $(wc -c <"$IT_W/rb")" "$want application/json 0"
	fi
}

# jqb NAME FILTER: FILTER (jq -e) holds on the last body.
jqb() {
	check "$1" jq_quiet "$2" "$IT_W/rb"
}
jq_quiet() { jq -e "$1" "$2" >/dev/null; }

# The events of tenant TENANT (default $T) and key CHAR on TOPIC_VAR with .value.type TYPE.
rest_ev() {
	jq -c --arg t "${4:-$T}" --arg tv "$1" --arg ty "$3" --argjson k "$2" \
		'select(.topic_var == $tv and .key == $k and .headers.TENANT_ID == $t and .value.type == $ty) | .value' "$INV_EV"
}
rest_nev() { rest_ev "$@" | wc -l; }

# rest_wait_ev TOPIC_VAR CHAR TYPE N [TENANT]: until N such events arrived.
rest_wait_ev() {
	local tv=$1 c=$2 ty=$3 n=$4 t=${5:-$T}
	wait_until 20 "((\$(rest_nev $tv $c $ty $t) >= $n))"
}

# rest_asset TENANT CHAR INVTYPE TEMPLATE QUANTITY: CREATE_ASSET, waits for its CREATED.
rest_asset() {
	local x
	x=$(uuid)
	inv_cmd "$1" "$2" "$3" CREATE_ASSET "{\"templateId\":$4,\"quantity\":$5,\"expiration\":\"$ZERO_TIME\",\"ownerId\":0,\"flag\":0,\"rechargeable\":0}" "$x"
	inv_wait_txn "$x" 1 || die "CREATE_ASSET $4 for $2 not applied"
}
