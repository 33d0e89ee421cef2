/* SPDX-License-Identifier: MIT */
/* ctl/cofferctl.h: what cofferctl's files share. */
#ifndef COFFERCTL_H
#define COFFERCTL_H

#include <stddef.h>
#include <mysql.h>

#define EXIT_FAIL 1
#define EXIT_USAGE 2

/* A diagnostic line on stderr ("cofferctl: ..."), then @p code. */
int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A connection with the DB_* variables of cofferd, or NULL (reported). */
MYSQL *feature_connect(void);
/* An HTTP response body collected by libcurl (CURLOPT_WRITEFUNCTION ctl_buf_write,
 * CURLOPT_WRITEDATA a struct ctl_buf); NUL-terminated, free p. */
struct ctl_buf {
	char *p;
	size_t n;
};
size_t ctl_buf_write(char *data, size_t size, size_t nmemb, void *ud);
/* cofferctl templates import|show (ctl/templates.c). */
int cmd_templates(int argc, char **argv);

#endif
