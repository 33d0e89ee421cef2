/* SPDX-License-Identifier: MIT */
/* lib/xalloc.h: the host's allocation discipline. Memory exhaustion is not a
 * condition cofferd can heal from in a useful way (every path would have to
 * roll back a transaction it may not hold): these wrappers print one line and
 * abort, so no caller uses an unchecked NULL. Plugins keep their own checks. */
#ifndef COFFER_XALLOC_H
#define COFFER_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
/* realloc of @p count elements of @p size, with an overflow check. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
/* The first @p n bytes of @p s (fewer at a NUL), NUL-terminated. */
char *xstrndup(const char *s, size_t n);

#endif
