/* SPDX-License-Identifier: MIT */
/* coffer/sql.h: typed values for prepared-statement binds and result rows. */
#ifndef COFFER_SQL_H
#define COFFER_SQL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Type of a bound parameter or a result column. */
enum coffer_vtype {
	COFFER_V_NULL = 0,
	COFFER_V_I64,   /**< signed integer */
	COFFER_V_U64,   /**< unsigned integer (BIGINT UNSIGNED, INT UNSIGNED, ...) */
	COFFER_V_STR,   /**< text or bytes; s.p is NOT always NUL-terminated, use s.n */
	COFFER_V_TIME,  /**< DATETIME(6): microseconds since the Unix epoch, UTC */
	COFFER_V_F64,
};

/** One value. Strings are borrowed (binds: for the call; rows: for the callback). */
struct coffer_val {
	enum coffer_vtype t;
	union {
		int64_t i;
		uint64_t u;
		double f;
		struct {
			const char *p;
			size_t n;
		} s;
	} v;
};

#define COFFER_NULLV ((struct coffer_val){.t = COFFER_V_NULL})
#define COFFER_I(x) ((struct coffer_val){.t = COFFER_V_I64, .v.i = (int64_t)(x)})
#define COFFER_U(x) ((struct coffer_val){.t = COFFER_V_U64, .v.u = (uint64_t)(x)})
#define COFFER_T(us) ((struct coffer_val){.t = COFFER_V_TIME, .v.i = (int64_t)(us)})
/** A NUL-terminated string. */
#define COFFER_S(str) ((struct coffer_val){.t = COFFER_V_STR, .v.s = {(str), strlen(str)}})
/** Bytes with a length. */
#define COFFER_B(ptr, len) ((struct coffer_val){.t = COFFER_V_STR, .v.s = {(const char *)(ptr), (len)}})

/**
 * Expands to "array, count" for the args/nargs parameters of sql_exec and
 * sql_query: host->sql_exec(txn, SQL, COFFER_ARGS(COFFER_S(t), COFFER_U(id)), NULL).
 */
#define COFFER_ARGS(...)                                   \
	((const struct coffer_val[]){__VA_ARGS__}),            \
	(sizeof((const struct coffer_val[]){__VA_ARGS__}) /    \
	 sizeof(struct coffer_val))
#define COFFER_NOARGS NULL, 0

/** One result row: ncols values in SELECT order. Borrowed for the callback. */
struct coffer_row {
	size_t ncols;
	const struct coffer_val *col;
};

/**
 * Called once per result row. Return 0 to continue, non-zero to stop early
 * (sql_query then returns COFFER_ESTOP... unless the value is negative, which
 * is returned as is).
 */
typedef int (*coffer_row_fn)(void *ud, const struct coffer_row *row);

/** What a write statement did. */
struct coffer_exec_result {
	uint64_t affected;   /**< affected rows (matched for UPDATE: see CLIENT_FOUND_ROWS) */
	uint64_t insert_id;  /**< LAST_INSERT_ID() after the statement, 0 if none */
};

/** Read helpers for row values (0 / "" when NULL or of another type). */
static inline int64_t coffer_val_i64(const struct coffer_val *v)
{
	return v->t == COFFER_V_I64 || v->t == COFFER_V_TIME ? v->v.i
	       : v->t == COFFER_V_U64                       ? (int64_t)v->v.u
	                                                    : 0;
}
static inline uint64_t coffer_val_u64(const struct coffer_val *v)
{
	return v->t == COFFER_V_U64 ? v->v.u : v->t == COFFER_V_I64 ? (uint64_t)v->v.i : 0;
}

#ifdef __cplusplus
}
#endif
#endif
