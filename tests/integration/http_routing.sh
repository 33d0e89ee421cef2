#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The HTTP server's own rules, through the probe plugin's routes and curl
# (docs/http.md): 404 / 405 / 301 (clean path, trailing slash, query kept),
# Content-Type of each kind of answer, the four tenant headers checked in
# order before the plugin (lenient UUID forms, the integer rule, first
# occurrence, any case), percent-decoding, Go's JSON escaping, the limits
# (413 body, 414 URL, connection limit, a stalled client is closed), a garbage
# client after which the server still answers, and --http-listen off.
. "$(dirname "$0")/lib.sh"
require_tools curl python3
it_init
coffer_start a --log-level debug --http-max-body 1000 --http-max-url 2000
A=$(http_addr a)
say "HTTP on $A"
T=$(uuid)
H=(-H "TENANT_ID: $T" -H "REGION: GMS" -H "MAJOR_VERSION: 83" -H "MINOR_VERSION: 1")

# req [CURL ARGS...] PATH: ST = status, CT = Content-Type ("" when absent),
# BODY = the body, LOC = Location.
req() {
	local path=${*: -1} out
	out=$(curl -sS --path-as-is -o "$IT_W/body" -D "$IT_W/head" \
		-w '%{http_code} %{content_type}' "${@:1:$#-1}" "http://$A$path" 2>"$IT_W/curl.err")
	ST=${out%% *}
	CT=${out#* }
	BODY=$(cat "$IT_W/body")
	LOC=$(sed -n 's/^Location: *//Ip' "$IT_W/head" | tr -d '\r')
}

# ---- routing
req /api/nothing
check_eq "unknown path: 404" "$ST" 404
check_eq "404 body" "$BODY" "404 page not found"
check_eq "404 body is exactly 19 bytes with its newline" "$(wc -c <"$IT_W/body")" 19
check_eq "404 Content-Type" "$CT" "text/plain; charset=utf-8"
req "${H[@]}" /
check_eq "/ is not served: 404" "$ST" 404
for m in PUT PATCH OPTIONS; do
	req -X "$m" "${H[@]}" /api/probe/1
	check_eq "$m on a GET/POST/DELETE path: 405" "$ST" 405
	check_eq "$m 405: empty body, no Content-Type" "$(wc -c <"$IT_W/body")/$CT" "0/"
done
req -I "${H[@]}" /api/probe-escape
check_eq "HEAD on a GET route: 405" "$ST" 405
check_eq "HEAD 405: no Content-Type" "$CT" ""
req -X POST "${H[@]}" /api/probe-escape
check_eq "POST on a GET-only route: 405" "$ST" 405

req "/api//probe/./x/../1?a=1&b=%20"
check_eq "path not canonical: 301" "$ST" 301
check_eq "to the cleaned path, query kept" "$LOC" "/api/probe/1?a=1&b=%20"
check_eq "301 body empty" "$(wc -c <"$IT_W/body")" 0
req "/api/../../api/probe/1"
check_eq ".. above the root: 301 to the cleaned path" "$ST $LOC" "301 /api/probe/1"
req "/api/probe/1/?q=2"
check_eq "route plus a trailing slash: 301" "$ST" 301
check_eq "to the route without it, query kept" "$LOC" "/api/probe/1?q=2"
req "/api/probe-escape/"
check_eq "a literal route plus a trailing slash: 301" "$ST $LOC" "301 /api/probe-escape"
req "/api/nothing/"
check_eq "unknown path plus a trailing slash: 404, not 301" "$ST" 404
req "/api/probe/1/x"
check_eq "a variable does not span a '/': 404" "$ST" 404

# ---- tenant headers: 400, empty body, application/json; the first bad one is named in the log
hdr_case() { # DESCRIPTION WANT-HEADER CURL-HEADER-ARGS...
	local d=$1 want=$2 before
	shift 2
	before=$(log_count "event=http_bad_tenant header=$want ")
	req "$@" /api/probe-echo/x/y
	check_eq "$d: 400" "$ST" 400
	check_eq "$d: empty body, Content-Type application/json" "$(wc -c <"$IT_W/body")/$CT" "0/application/json"
	check "$d: refused at header $want" wait_log "event=http_bad_tenant header=$want " $((before + 1)) 5
}
hdr_case "no tenant header at all" TENANT_ID -H "X: 1"
hdr_case "TENANT_ID not a UUID (and the rest bad too)" TENANT_ID -H "TENANT_ID: nope" -H "MAJOR_VERSION: x"
hdr_case "TENANT_ID with a bad hyphen" TENANT_ID -H "TENANT_ID: ${T:0:8}${T:9:1}-${T:10}" -H "REGION: GMS" \
	-H "MAJOR_VERSION: 1" -H "MINOR_VERSION: 1"
hdr_case "REGION missing" REGION -H "TENANT_ID: $T" -H "MAJOR_VERSION: 1" -H "MINOR_VERSION: 1"
hdr_case "REGION empty" REGION -H "TENANT_ID: $T" -H "REGION;" -H "MAJOR_VERSION: 1" -H "MINOR_VERSION: 1"
hdr_case "MAJOR_VERSION missing" MAJOR_VERSION -H "TENANT_ID: $T" -H "REGION: GMS" -H "MINOR_VERSION: x"
hdr_case "MAJOR_VERSION 1.5" MAJOR_VERSION -H "TENANT_ID: $T" -H "REGION: GMS" -H "MAJOR_VERSION: 1.5" \
	-H "MINOR_VERSION: 1"
hdr_case "MAJOR_VERSION beyond int64" MAJOR_VERSION -H "TENANT_ID: $T" -H "REGION: GMS" \
	-H "MAJOR_VERSION: 9223372036854775808" -H "MINOR_VERSION: 1"
hdr_case "MINOR_VERSION empty" MINOR_VERSION -H "TENANT_ID: $T" -H "REGION: GMS" -H "MAJOR_VERSION: 1" \
	-H "MINOR_VERSION;"
hdr_case "MINOR_VERSION ' 1x'" MINOR_VERSION -H "TENANT_ID: $T" -H "REGION: GMS" -H "MAJOR_VERSION: 1" \
	-H "MINOR_VERSION: 1x"
req -H "TENANT_ID: nope" /api/probe/abc
check_eq "a bad header answers before a bad path variable (400 either way, header logged)" "$ST" 400

U=${T//-/}
tenant_of() { # CURL-HEADER-ARGS...: the tenant the plugin saw, as JSON
	req "$@" /api/probe-echo/x/y
	[[ $ST == 200 ]] && jq -c .tenant <<<"$BODY" || echo "status $ST"
}
want="{\"id\":\"$T\",\"region\":\"GMS\",\"major\":83,\"minor\":1}"
check_eq "canonical TENANT_ID" "$(tenant_of "${H[@]}")" "$want"
for form in "$U" "${U^^}" "{$T}" "urn:uuid:$T" "URN:UUID:${T^^}" "${T^^}"; do
	check_eq "TENANT_ID form '$form' -> canonical lowercase" \
		"$(tenant_of -H "TENANT_ID: $form" -H "REGION: GMS" -H "MAJOR_VERSION: 83" -H "MINOR_VERSION: 1")" "$want"
done
check_eq "header names in any case" \
	"$(tenant_of -H "tenant_id: $T" -H "Region: GMS" -H "major_VERSION: 83" -H "MINOR_version: 1")" "$want"
check_eq "the first occurrence counts" \
	"$(tenant_of "${H[@]}" -H "TENANT_ID: $(uuid)" -H "REGION: EU" -H "MAJOR_VERSION: 1")" "$want"
check_eq "integers: +83, -1 -> 65535, 65537 -> 1 (truncated to u16)" \
	"$(tenant_of -H "TENANT_ID: $T" -H "REGION: GMS" -H "MAJOR_VERSION: -1" -H "MINOR_VERSION: 65537" | jq -c '[.major,.minor]')" \
	"[65535,1]"
check_eq "integers: a '+' sign" \
	"$(tenant_of -H "TENANT_ID: $T" -H "REGION: GMS" -H "MAJOR_VERSION: +83" -H "MINOR_VERSION: 1" | jq -c .major)" 83

# ---- what the plugin sees, what it answers
req "${H[@]}" "/api/probe-echo/a%2Fb%20c/%E2%82%AC?x=1&y=a+b&z&x=2&e=%3C%26"
check_eq "200 and application/json" "$ST $CT" "200 application/json"
check_eq "path variables percent-decoded, in pattern order" "$(jq -c .vars <<<"$BODY")" '[["a","a/b c"],["b","€"]]'
check_eq "query decoded, in request order, repeats kept" "$(jq -c .query <<<"$BODY")" \
	'[["x","1"],["y","a b"],["z",""],["x","2"],["e","<&"]]'
check_eq "pattern, raw path, method; host->now is the request's clock" \
	"$(jq -c '[.method,.pattern,.path,.now]' <<<"$BODY")" \
	'["GET","/api/probe-echo/{a}/{b}","/api/probe-echo/a%2Fb%20c/%E2%82%AC",true]'
req "${H[@]}" "/api/probe-echo/a%00b/c"
check_eq "a NUL byte in a path variable: 400" "$ST" 400
req "${H[@]}" /api/probe-escape
check_eq "Go escaping of <, >, &, U+2028/9; other UTF-8 raw" "$BODY" \
	'{"s":"\u003ca href=\"x\"\u003e\u0026amp;\u003c/a\u003e\u2028\u2029","raw":"café €"}'
req "${H[@]}" /api/probe/abc
check_eq "a bad path variable (the plugin's check): 400, application/json" "$ST $CT" "400 application/json"
req "${H[@]}" /api/probe/99
check_eq "the plugin's 404: empty body, application/json" "$ST $CT $(wc -c <"$IT_W/body")" "404 application/json 0"

# ---- limits
head -c 1001 /dev/zero >"$IT_W/big"
head -c 1000 /dev/zero >"$IT_W/fits"
req -X POST "${H[@]}" --data-binary @"$IT_W/big" "/api/probe/7?value=big"
check_eq "a body over --http-max-body: 413" "$ST" 413
req -X POST "${H[@]}" -H "Transfer-Encoding: chunked" --data-binary @"$IT_W/big" "/api/probe/7?value=big"
check_eq "a chunked body over --http-max-body: 413" "$ST" 413
check_eq "413s changed nothing" "$(probe_count "$T" 7)" none
req -X POST "${H[@]}" --data-binary @"$IT_W/fits" "/api/probe/7?value=fits"
check_eq "a body at the limit is accepted (and not read)" "$ST $(probe_count "$T" 7)" "200 1"
long=$(printf 'a%.0s' {1..2001})
req "${H[@]}" "/api/probe/$long"
check_eq "a URL over --http-max-url: 414" "$ST" 414
long=$(printf 'a%.0s' {1..40000})
req "${H[@]}" "/api/probe/$long"
check "a URL longer than the header buffer: 414 too" [ "$ST" = 414 ]

# ---- garbage on the socket, then the server still answers
python3 - "$A" <<'PY' || fail "garbage client could not run"
import os, random, socket, sys
host, port = sys.argv[1].rsplit(':', 1)
random.seed(20261202)
junk = [b"\x00\xff\xfe garbage\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
        b"GET /api/probe/1 HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"GET /api/probe/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST /api/probe/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"GET /api/probe/1 HTTP/1.1\r\n" + b"X: " + b"y" * 70000 + b"\r\n\r\n",
        b" / HTTP/1.1\r\n\r\n", b"GET /%zz%%% HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/probe-echo/a/b HTTP/1.1\r\nHost: x\r\nTENANT_ID:\r\n\r\n"]
junk += [bytes(random.getrandbits(8) for _ in range(random.randint(1, 3000))) for _ in range(40)]
for j in junk:
    s = socket.create_connection((host, int(port)), timeout=5)
    try:
        s.sendall(j)
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
    except OSError:
        pass
    finally:
        s.close()
PY
req "${H[@]}" /api/probe-escape
check_eq "after 50 garbage connections the server answers" "$ST" 200
check "and cofferd is alive" kill -0 "${CPID[a]}"

# ---- a stalled client is closed after --http-timeout-s; a full server makes new connections wait
coffer_start b --http-timeout-s 1 --http-max-connections 2 --http-threads 2
B=$(http_addr b)
t0=${EPOCHREALTIME/[.,]/}
exec 5<>"/dev/tcp/${B%:*}/${B##*:}"
printf 'GET /api/pro' >&5
if read -r -t 10 line <&5; then
	fail "a stalled request got an answer: $line"
else
	rc=$?
	((rc > 128)) && fail "a stalled request was not closed within 10 s" || pass "a stalled request is closed by the server (EOF)"
fi
exec 5<&-
el=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
check "closed after about --http-timeout-s 1 (${el} ms)" [ "$el" -ge 900 -a "$el" -lt 5000 ]
A=$B
req "/api/nothing"
check_eq "the server answers after the stalled client" "$ST" 404

coffer_start c --http-timeout-s 60 --http-max-connections 2 --http-threads 2
C=$(http_addr c)
for fd in 6 7; do
	eval "exec $fd<>/dev/tcp/${C%:*}/${C##*:}"
	printf 'GET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n' >&$fd
	read -r -t 10 line <&$fd
	check_eq "keep-alive connection $fd is served" "${line%$'\r'}" "HTTP/1.1 404 Not Found"
done
# At the limit, a new connection waits in the listen backlog until a slot frees.
t0=${EPOCHREALTIME/[.,]/}
curl -sS -o /dev/null -w '%{http_code}' --max-time 20 "http://$C/api/nothing" >"$IT_W/third" 2>&1 6<&- 7<&- &
third=$!
sleep 1 # the hold: the third request must not be answered before it ends
exec 6<&- 7<&-
wait "$third"
el=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
check_eq "the third connection is served once a slot frees" "$(cat "$IT_W/third")" 404
check "not before: it waited for the held connections to close (${el} ms >= 1000)" [ "$el" -ge 1000 ]

# ---- off
coffer_start d --http-listen off
check "--http-listen off: logged" wait_log 'http: off' 1 5 d
check "--http-listen off: no port file" [ ! -e "${CHTTP[d]}" ]
check "--http-listen off: no listening line" [ "$(log_count 'http: listening' d)" = 0 ]

# ---- one access line per request at debug
check "access lines at debug: method, path, status, duration" \
	grep -qE 'event=http_request method=GET path="/api/probe-escape" status=200 duration_us=[0-9]+' "${CLOG[a]}"
check "cofferd logged the bound address at info" grep -q "level=info plugin=host msg=\"http: listening on $(http_addr a)\"" "${CLOG[a]}"
it_finish
