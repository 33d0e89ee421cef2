#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/man/lint.sh: the man pages are clean for both formatters: `mandoc -T lint
# -W warning` reports nothing (style notes, below WARNING, are allowed), and man-db
# (groff) renders each at 80 columns with `man --warnings -l` without a message,
# into a page that has its NAME section. Skipped (77) when mandoc or man is not
# installed; contrib/install-deps installs both.
set -uo pipefail
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
pages=("$src/man/cofferd.8" "$src/man/cofferctl.1" "$src/man/coffer-plugin.7")
for tool in mandoc man; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool is not installed (contrib/install-deps installs mandoc and man-db)"
		exit 77
	fi
done
fail=0
for p in "${pages[@]}"; do
	name=${p##*/}
	bad=0
	out=$(mandoc -T lint -W warning "$p" 2>&1)
	rc=$?
	if [[ $rc -ne 0 || -n $out ]]; then
		echo "FAIL $name: mandoc -T lint -W warning (exit status $rc):"
		printf '%s\n' "$out"
		bad=1
	fi
	out=$(MANWIDTH=80 MANPAGER=cat PAGER=cat man --warnings -l "$p" 2>&1 >/dev/null)
	if [[ -n $out ]]; then
		echo "FAIL $name: man --warnings -l printed:"
		printf '%s\n' "$out"
		bad=1
	fi
	text=$(MANWIDTH=80 MANPAGER=cat PAGER=cat man -l "$p" 2>/dev/null)
	if ! grep -q '^NAME$' <<<"$text" || [[ $(wc -l <<<"$text") -lt 20 ]]; then
		echo "FAIL $name: man -l did not render the page"
		bad=1
	fi
	if [[ $bad -eq 0 ]]; then
		echo "ok $name: mandoc lint clean, man -l renders $(wc -l <<<"$text") lines without a warning"
	else
		fail=1
	fi
done
exit $fail
