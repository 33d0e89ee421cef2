/* SPDX-License-Identifier: MIT */
/* host/opts.c: numeric settings are parsed strictly, never guessed: "x", "",
 * " 7", "7x", "0x10" and values out of range are refused with one line naming
 * the setting (docs/configuration.md "Fail fast"). */
#include "opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool opt_parse_ll(const char *s, long long min, long long max, long long *out)
{
	if (s == NULL)
		return false;
	const char *p = s;
	if (*p == '-' && min < 0)
		p++;
	if (*p < '0' || *p > '9')
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

int opt_ll(const char *what, const char *s, long long min, long long max, long long *out)
{
	if (opt_parse_ll(s, min, max, out))
		return 0;
	/* Digits (after an optional '-') that do not fit are a number out of range. */
	const char *p = s ? s : "";
	if (*p == '-')
		p++;
	bool number = *p != '\0' && strspn(p, "0123456789") == strlen(p);
	fprintf(stderr, "cofferd: bad %s value '%s': %s (want an integer from %lld to %lld)\n", what,
	        s ? s : "", number ? "out of range" : "not a number", min, max);
	return -1;
}

int opt_uint(const char *what, const char *s, unsigned min, unsigned max, unsigned *out)
{
	long long v;
	if (opt_ll(what, s, min, max, &v) != 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int opt_int(const char *what, const char *s, int min, int max, int *out)
{
	long long v;
	if (opt_ll(what, s, min, max, &v) != 0)
		return -1;
	*out = (int)v;
	return 0;
}

int opt_env_uint(const char *name, unsigned def, unsigned min, unsigned max, unsigned *out)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	char what[128];
	snprintf(what, sizeof what, "environment variable %s", name);
	return opt_uint(what, v, min, max, out);
}
