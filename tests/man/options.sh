#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/man/options.sh: man/cofferd.8 and man/cofferctl.1 document exactly the
# options and commands that `cofferd --help` and `cofferctl --help` (and
# `cofferctl status --help`) list, both ways; how each side is read is in the
# header of tests/man/options.py. A new option fails this test until its man
# page has an item for it. It also checks that the example of coffer-plugin(7)
# is contrib/examples/hello/hello.c.
set -euo pipefail
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$src/_build}
exec python3 "$src/tests/man/options.py" --cofferd "$build/host/cofferd" \
	--cofferctl "$build/ctl/cofferctl" --man "$src/man" \
	--example "$src/contrib/examples/hello/hello.c"
