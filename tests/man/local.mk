# SPDX-License-Identifier: MIT
# The man pages (man/): they document exactly what --help lists (options.sh)
# and both formatters take them without a warning (lint.sh).
man_tests = tests/man/options.sh tests/man/lint.sh
TESTS += $(man_tests)
EXTRA_DIST += $(man_tests) tests/man/options.py
