#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The out-of-tree example (contrib/examples/hello) built as its users build it:
# one cc line against the in-tree public headers and jansson, nothing of the
# build system. cofferd loads it (--plugin-dir), answers its route
# GET /api/hello/{name} with the tenant headers checked by the host, and its
# PING produces a PONG on the topic it declared it emits (watched by a default
# `cofferctl watch`, which asks cofferd which topics the plugins emit). Built
# again declaring the lowest ABI minor (-DCOFFER_PLUGIN_ABI_MINOR=0, as a
# plugin built against the 1.0 headers declares), it still loads and answers.
. "$(dirname "$0")/lib.sh"
it_init
require_tools cc curl pkg-config jq
SRC=$abs_top_srcdir/contrib/examples/hello/hello.c
mkdir -p "$IT_W/hello"

build() { # build OUT [CFLAGS...]
	local out=$1
	shift
	# shellcheck disable=SC2046
	cc -shared -fPIC -fvisibility=hidden -I"$abs_top_srcdir/include" $(pkg-config --cflags jansson) \
		-Wall "$@" "$SRC" -o "$out" 2>"$IT_W/hello/cc.log" && [[ ! -s $IT_W/hello/cc.log ]]
}

# route NAME PATH [curl options]: status and body (hello.body, hello.type) of GET PATH.
route() {
	local n=$1 path=$2
	shift 2
	curl -s -o "$IT_W/hello.body" -w '%{http_code} %{content_type}' --max-time 5 "$@" \
		"http://$(head -n1 "${CHTTP[$n]}")$path" || true
}
H=(-H "TENANT_ID: $(uuid)" -H 'REGION: GMS' -H 'MAJOR_VERSION: 83' -H 'MINOR_VERSION: 1')

# play NAME MINOR: the plugin at ABI MINOR in cofferd NAME: listed, routed, PING -> PONG.
play() {
	local n=$1 minor=$2 so=$IT_W/hello/hello-1.$2.so
	"$COFFERD" --plugin-dir "$so" --list-plugins >"$IT_W/hello/list.$n" 2>&1
	check_eq "1.$minor: --list-plugins exits 0" "$?" 0
	check "1.$minor: cofferd lists hello with ABI 1.$minor" \
		grep -qx "hello 1.0.0 (abi 1.$minor)" "$IT_W/hello/list.$n"
	check "1.$minor: its route" grep -qx '  route: GET /api/hello/{name}' "$IT_W/hello/list.$n"
	check "1.$minor: the topic it emits" grep -qx '  emits: EVENT_TOPIC_HELLO_STATUS' "$IT_W/hello/list.$n"

	coffer_start "$n" --plugin-dir "$so"
	check_eq "1.$minor: GET /api/hello/world answers 200 JSON" "$(route "$n" /api/hello/world "${H[@]}")" \
		"200 application/json"
	check_eq "1.$minor: the body" "$(cat "$IT_W/hello.body")" '{"hello":"world"}'
	check_eq "1.$minor: a percent-encoded name arrives decoded" \
		"$(route "$n" /api/hello/caf%C3%A9%20au%20lait "${H[@]}")" "200 application/json"
	check_eq "1.$minor: and is sent back as JSON" "$(jq -r .hello "$IT_W/hello.body")" "café au lait"
	check_eq "1.$minor: without tenant headers the host answers 400" \
		"$(route "$n" /api/hello/world)" "400 application/json"
	check_eq "1.$minor: with an empty body" "$(wc -c <"$IT_W/hello.body")" 0
	check_eq "1.$minor: another method is 405" \
		"$(route "$n" /api/hello/world -X DELETE "${H[@]}" | cut -d' ' -f1)" 405

	# The default watch: the topics the plugins emit (asked of cofferd) and the dead letters.
	ctl watch --plugin-dir "$so" --from-beginning --count 1 --timeout-ms 20000 \
		>"$IT_W/hello/watch.$n" 2>"$IT_W/hello/watch.$n.err" &
	local wpid=$!
	check "1.$minor: a default cofferctl watch starts" wait_until 20 "grep -q watching '$IT_W/hello/watch.$n.err'"
	check "1.$minor: it watches EVENT_TOPIC_HELLO_STATUS and the dead letters (2 topics)" \
		grep -q 'watching 2 topics' "$IT_W/hello/watch.$n.err"
	send COMMAND_TOPIC_HELLO PING '{}' --tenant "$(uuid)" --region GMS --version 83.1
	wait "$wpid"
	check_eq "1.$minor: the watch got its message" "$?" 0
	check_eq "1.$minor: PING produced a PONG on EVENT_TOPIC_HELLO_STATUS" \
		"$(jq -r '[.topic_var, .value.type] | join(" ")' "$IT_W/hello/watch.$n")" \
		"EVENT_TOPIC_HELLO_STATUS PONG"
	coffer_stop "$n" TERM
	check_eq "1.$minor: cofferd stops with status 0" "${CRC[$n]}" 0
	check_eq "1.$minor: no error line" "$(log_count 'level=error' "$n")" 0
}

say "built as an out-of-tree user builds it"
build "$IT_W/hello/hello-1.1.so"
check_eq "the example compiles with one cc line, without a warning (-Wall)" "$?" 0
check_eq "it exports exactly coffer_plugin_entry" \
	"$(nm -D --defined-only "$IT_W/hello/hello-1.1.so" | awk '$2 == "T" {print $3}')" coffer_plugin_entry
play h11 1

say "built declaring ABI minor 0 (as against the 1.0 headers)"
build "$IT_W/hello/hello-1.0.so" -DCOFFER_PLUGIN_ABI_MINOR=0
check_eq "it compiles" "$?" 0
play h10 0
it_finish
