# SPDX-License-Identifier: MIT
# tests/integration/obs_lib.sh: helpers of the observability tests (sourced after lib.sh).
# Each cofferd gets an HTTP server on a free port (--http-port-file NAME.http).
PROM=$abs_top_srcdir/tests/integration/prom.py

obs_require() {
	require_tools curl
	[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null ||
		skip_test "python3-prometheus-client is not installed"
}

# obs_args NAME: the cofferd options of an HTTP server whose address goes to NAME.http.
obs_args() { printf '%s\n' --http-listen 127.0.0.1:0 --http-port-file "$IT_W/$1.http"; }

obs_url() { printf 'http://%s' "$(head -n1 "$IT_W/${1:-$IT_CUR}.http")"; }

# obs_code PATH [NAME]: the HTTP status of GET PATH (000 when nothing answers).
obs_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$(obs_url "${2:-}")$1" || true; }
obs_body() { curl -s --max-time 2 "$(obs_url "${2:-}")$1" || true; }

# obs_scrape FILE [NAME]: /metrics into FILE.
obs_scrape() { curl -sf --max-time 5 -o "$1" "$(obs_url "${2:-}")/metrics"; }

# obs_value NAME [LABEL=VALUE...]: the sum of a sample of a fresh scrape.
obs_value() {
	local f=$IT_W/scrape.$$.$RANDOM
	obs_scrape "$f" "${OBS_INSTANCE:-}" || { echo "scrape-failed"; return 0; }
	/usr/bin/python3 "$PROM" value "$f" "$@"
	rm -f "$f"
}

# obs_require_counting: skip in a --disable-metrics build (after the first cofferd is up).
obs_require_counting() {
	[[ $(obs_value coffer_build_info metrics=false) == 0 ]] ||
		skip_test "cofferd was built with --disable-metrics"
}
