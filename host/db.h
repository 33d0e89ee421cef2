/* SPDX-License-Identifier: MIT */
/* host/db.h: MySQL/MariaDB connections, prepared-statement cache, transactions. */
#ifndef COFFER_HOST_DB_H
#define COFFER_HOST_DB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <coffer/sql.h>

struct db_params {
	const char *host;     /* DB_HOST; a value starting with '/' is a socket path */
	unsigned port;        /* DB_PORT */
	const char *user;
	const char *password;
	const char *name;     /* DB_NAME */
	const char *socket;   /* DB_SOCKET, overrides host when set */
	bool bad;             /* a DB_* variable could not be parsed (reported on stderr) */
};

struct db_conn;

/* A connection (not yet connected: the first use connects). */
struct db_conn *db_new(const struct db_params *p, const char *label);
void db_free(struct db_conn *c);

/* Connect if needed, retrying with backoff (100 ms doubling to 5 s) while
 * *stop is false (stop may be NULL: try once). 0 or COFFER_ETRANSIENT. */
int db_ensure(struct db_conn *c, const atomic_bool *stop);
bool db_connected(const struct db_conn *c);
/* db_ensure for the first connection of the process: a login the server refuses
 * (wrong password, unknown database, access denied: waiting does not heal it) is
 * logged once, naming the setting, and returns COFFER_EINVAL instead of retrying. */
int db_ensure_first(struct db_conn *c, const atomic_bool *stop);
/* The setting to fix when the last connection error cannot heal, else NULL. */
const char *db_fatal_setting(const struct db_conn *c);

/* Plain statement text, no binds and no results (BEGIN, COMMIT, DDL). */
int db_query(struct db_conn *c, const char *sql);

/* Prepared statement, cached per connection by its text. See coffer_host.sql_exec. */
int db_exec(struct db_conn *c, const char *sql, const struct coffer_val *args, size_t nargs,
            struct coffer_exec_result *res);
int db_select(struct db_conn *c, const char *sql, const struct coffer_val *args, size_t nargs,
              coffer_row_fn fn, void *ud);

int db_begin(struct db_conn *c);
/* A read-only transaction on one consistent snapshot (REPEATABLE READ): every
 * statement sees the same committed state, never half of a command. The first one
 * makes REPEATABLE READ the connection's session default (one round trip less per
 * snapshot); db_begin then asks for READ COMMITTED for each of its transactions, so
 * run only transactions, no autocommit statements, on a connection that serves
 * snapshots (the HTTP threads' connections). */
int db_begin_snapshot(struct db_conn *c);
int db_commit(struct db_conn *c);
int db_rollback(struct db_conn *c);
int db_savepoint(struct db_conn *c);          /* SAVEPOINT msg */
int db_rollback_savepoint(struct db_conn *c); /* ROLLBACK TO SAVEPOINT msg */

/* The last error text of the connection (for logs). */
const char *db_error(const struct db_conn *c);
unsigned db_errno(const struct db_conn *c);

/* Apply the numbered migrations sql/<component>/NNNN_*.sql found in the first
 * directory of @p dirs (NULL-terminated) that has the component, recorded in
 * coffer_migrations. Serialised between processes with GET_LOCK. */
int db_migrate(struct db_conn *c, const char *const *dirs, const char *component, int64_t now_us);

/* Fill params from DB_* environment variables (defaults 127.0.0.1:3306, coffer). */
void db_params_from_env(struct db_params *p);

#endif
