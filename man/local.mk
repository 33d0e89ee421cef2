# SPDX-License-Identifier: MIT
# Man pages, written by hand in mdoc(7); tests/man/ checks them against --help.
dist_man_MANS = man/cofferd.8 man/cofferctl.1 man/coffer-plugin.7
