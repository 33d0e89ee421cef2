/* SPDX-License-Identifier: MIT */
/* tests/fuzz/fuzz.h: what the fuzz targets share. Each target defines
 * LLVMFuzzerTestOneInput; built with clang's -fsanitize=fuzzer it is a libFuzzer
 * binary (make fuzz), built with tests/fuzz/replay.c it runs given inputs once
 * (the regression cases and the seed corpus, in make check). docs/testing.md. */
#ifndef COFFER_FUZZ_H
#define COFFER_FUZZ_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

/* A property of the code under test; a failed one aborts (a crash to libFuzzer),
 * whatever NDEBUG says. */
#define FZ_CHECK(c)                                                                   \
	do {                                                                              \
		if (!(c)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);      \
			abort();                                                                  \
		}                                                                             \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Reads an input front to back; past its end every read gives 0 / "". */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fz_byte(struct fz *f)
{
	if (f->n == 0)
		return 0;
	f->n--;
	return *f->p++;
}

/* The bytes up to the next '\n' (or the end), without it: *len set, not NUL-terminated. */
static inline const uint8_t *fz_line(struct fz *f, size_t *len)
{
	const uint8_t *s = f->p;
	const uint8_t *e = memchr(f->p, '\n', f->n);
	size_t l = e ? (size_t)(e - f->p) : f->n;
	f->p += l;
	f->n -= l;
	if (e) {
		f->p++;
		f->n--;
	}
	*len = l;
	return s;
}

/* fz_line copied into @p buf as a C string (cut at @p cap - 1 bytes and at a NUL). */
static inline char *fz_cstr(struct fz *f, char *buf, size_t cap)
{
	size_t l;
	const uint8_t *s = fz_line(f, &l);
	if (l >= cap)
		l = cap - 1;
	memcpy(buf, s, l);
	buf[l] = '\0';
	return buf;
}

#endif
