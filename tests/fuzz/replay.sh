#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/fuzz/replay.sh (make check): every fuzz target, built without libFuzzer
# (tests/fuzz/replay_<target>), runs once over each input of
# tests/fuzz/regressions/<target>/ (the crashes fuzzing found, fixed since) and
# tests/fuzz/corpus/<target>/ (the seed corpus). A crash, a sanitizer report or a
# failed property check fails the test. docs/testing.md "Fuzzing".
set -euo pipefail
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$PWD}
targets=$(sed -n 's/^fuzz_targets = //p' "$src/tests/fuzz/local.mk")
failed=0
for t in $targets; do
	bin=$build/tests/fuzz/replay_$t
	dirs=()
	for d in "$src/tests/fuzz/regressions/$t" "$src/tests/fuzz/corpus/$t"; do
		[[ -d $d ]] && dirs+=("$d")
	done
	if [[ ! -x $bin ]]; then
		echo "FAIL $t: $bin is not built" >&2
		failed=1
		continue
	fi
	if ((${#dirs[@]} == 0)); then
		echo "FAIL $t: no corpus or regression inputs" >&2
		failed=1
		continue
	fi
	if out=$("$bin" "${dirs[@]}" 2>&1); then
		echo "ok $t: ${out##*: }"
	else
		echo "FAIL $t:" >&2
		printf '%s\n' "$out" | tail -30 >&2
		failed=1
	fi
done
exit $failed
