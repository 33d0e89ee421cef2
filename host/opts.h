/* SPDX-License-Identifier: MIT */
/* host/opts.h: strict parsing of numeric settings (options, environment
 * variables), and the exit status of a configuration that cannot work. */
#ifndef COFFER_HOST_OPTS_H
#define COFFER_HOST_OPTS_H

#include <stdbool.h>

/* sysexits.h EX_CONFIG: the configuration is wrong; starting again will not help. */
#define COFFER_EX_CONFIG 78

/* Parse @p s as a decimal integer in [@p min, @p max]: digits only, an optional
 * leading '-' when min < 0, no blanks, no sign '+', no hex, no trailing text. */
bool opt_parse_ll(const char *s, long long min, long long max, long long *out);

/* The same, for setting @p what ("--workers", "DB_PORT"...): on failure prints
 * one line naming the setting, the value and the range to stderr and returns -1. */
int opt_ll(const char *what, const char *s, long long min, long long max, long long *out);
int opt_uint(const char *what, const char *s, unsigned min, unsigned max, unsigned *out);
int opt_int(const char *what, const char *s, int min, int max, int *out);

/* Environment variable @p name parsed like opt_ll; unset or empty: *out = def, 0. */
int opt_env_uint(const char *name, unsigned def, unsigned min, unsigned max, unsigned *out);

#endif
