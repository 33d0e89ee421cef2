/* SPDX-License-Identifier: MIT */
/* lib/tsan_threads.c: linked into every program (cofferd, cofferctl, tests) only in a
 * ThreadSanitizer build (--enable-sanitizers=thread). librdkafka starts its
 * threads with C11 thrd_create, which GCC 12's ThreadSanitizer does not
 * intercept: such a thread has no sanitizer state and crashes at its first
 * allocation. These definitions interpose glibc's (the executable is searched
 * first) and go through the intercepted pthread functions, so every librdkafka
 * thread is known to the sanitizer and its joins are seen as synchronisation. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

struct trampoline {
	thrd_start_t fn;
	void *arg;
};

static void *run(void *p)
{
	struct trampoline t = *(struct trampoline *)p;
	free(p);
	return (void *)(intptr_t)t.fn(t.arg);
}

int thrd_create(thrd_t *thr, thrd_start_t fn, void *arg)
{
	struct trampoline *t = malloc(sizeof *t);
	if (t == NULL)
		return thrd_nomem;
	t->fn = fn;
	t->arg = arg;
	if (pthread_create((pthread_t *)thr, NULL, run, t) != 0) {
		free(t);
		return thrd_error;
	}
	return thrd_success;
}

int thrd_join(thrd_t thr, int *res)
{
	void *ret;
	if (pthread_join((pthread_t)thr, &ret) != 0)
		return thrd_error;
	if (res)
		*res = (int)(intptr_t)ret;
	return thrd_success;
}

int thrd_detach(thrd_t thr)
{
	return pthread_detach((pthread_t)thr) == 0 ? thrd_success : thrd_error;
}
