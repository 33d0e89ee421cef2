/* SPDX-License-Identifier: MIT */
/* tests/unit/test_db.c: host/db.c against the private MariaDB: typed binds and
 * rows, DATETIME(6) at both ends of the calendar, unsigned 64-bit values, binary
 * strings, error classes, the statement cache, migrations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"
#include "log.h"
#include "util.h"

static struct db_conn *db;
static char dbname[64];

static int setup(void **state)
{
	struct db_params p;
	db_params_from_env(&p);
	p.name = NULL;
	log_set_level(COFFER_LOG_ERROR);
	struct db_conn *root = db_new(&p, "t");
	if (db_ensure(root, NULL) != 0)
		return -1;
	snprintf(dbname, sizeof dbname, "tdb_%d", (int)getpid());
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", dbname);
	if (db_query(root, sql) != 0)
		return -1;
	db_free(root);
	p.name = dbname;
	db = db_new(&p, "t");
	if (db_ensure(db, NULL) != 0)
		return -1;
	return db_query(db, "CREATE TABLE t (id INT UNSIGNED PRIMARY KEY, big BIGINT UNSIGNED, "
	                    "neg SMALLINT, s VARCHAR(64), b VARBINARY(16), d DATETIME(6), x INT)");
}

static int teardown(void **state)
{
	char sql[128];
	snprintf(sql, sizeof sql, "DROP DATABASE %s", dbname);
	db_query(db, sql);
	db_free(db);
	return 0;
}

struct got {
	int rows;
	uint64_t big;
	int64_t neg;
	char s[65];
	unsigned char b[16];
	size_t blen;
	int64_t d;
	enum coffer_vtype xt;
};

static int grab(void *ud, const struct coffer_row *r)
{
	struct got *g = ud;
	g->rows++;
	g->big = coffer_val_u64(&r->col[0]);
	g->neg = coffer_val_i64(&r->col[1]);
	snprintf(g->s, sizeof g->s, "%.*s", (int)r->col[2].v.s.n, r->col[2].v.s.p);
	g->blen = r->col[3].t == COFFER_V_STR ? r->col[3].v.s.n : 0;
	if (g->blen)
		memcpy(g->b, r->col[3].v.s.p, g->blen);
	g->d = r->col[4].v.i;
	g->xt = r->col[5].t;
	return 0;
}

static void test_db_round_trips_every_type(void **state)
{
	static const unsigned char bin[5] = {0, 1, 0xff, 0, 7};
	int64_t when[] = {CU_ZERO_TIME_US, 1740830400123456LL, 0, 253402300799999999LL};
	for (size_t i = 0; i < sizeof when / sizeof when[0]; i++) {
		struct coffer_exec_result res = {0};
		assert_int_equal(db_exec(db, "REPLACE INTO t VALUES (?, ?, ?, ?, ?, ?, ?)",
		                         COFFER_ARGS(COFFER_U(1), COFFER_U(UINT64_MAX - 1), COFFER_I(-300),
		                                     COFFER_S("h\xc3\xa9llo"), COFFER_B(bin, 5),
		                                     COFFER_T(when[i]), COFFER_NULLV),
		                         &res),
		                 0);
		struct got g = {0};
		assert_int_equal(db_select(db, "SELECT big, neg, s, b, d, x FROM t WHERE id = ?",
		                           COFFER_ARGS(COFFER_U(1)), grab, &g),
		                 0);
		assert_int_equal(g.rows, 1);
		assert_true(g.big == UINT64_MAX - 1);
		assert_int_equal(g.neg, -300);
		assert_string_equal(g.s, "h\xc3\xa9llo");
		assert_int_equal(g.blen, 5);
		assert_memory_equal(g.b, bin, 5);
		assert_int_equal(g.d, when[i]);
		assert_int_equal(g.xt, COFFER_V_NULL);
	}
}

static void test_db_reports_duplicates_and_bad_sql(void **state)
{
	db_exec(db, "REPLACE INTO t (id) VALUES (?)", COFFER_ARGS(COFFER_U(2)), NULL);
	assert_int_equal(db_exec(db, "INSERT INTO t (id) VALUES (?)", COFFER_ARGS(COFFER_U(2)), NULL),
	                 COFFER_EDUP);
	assert_int_equal(db_exec(db, "INSERT INTO nosuch (id) VALUES (?)", COFFER_ARGS(COFFER_U(2)), NULL),
	                 COFFER_EDB);
	assert_int_equal(db_exec(db, "INSERT INTO t (id) VALUES (?)", COFFER_NOARGS, NULL), COFFER_EINVAL);
	struct coffer_exec_result r = {0};
	assert_int_equal(db_exec(db, "INSERT IGNORE INTO t (id) VALUES (?)", COFFER_ARGS(COFFER_U(2)), &r), 0);
	assert_int_equal(r.affected, 0);
}

static void test_db_rolls_back_to_the_savepoint_only(void **state)
{
	db_exec(db, "DELETE FROM t", COFFER_NOARGS, NULL);
	assert_int_equal(db_begin(db), 0);
	db_exec(db, "INSERT INTO t (id) VALUES (?)", COFFER_ARGS(COFFER_U(10)), NULL);
	assert_int_equal(db_savepoint(db), 0);
	db_exec(db, "INSERT INTO t (id) VALUES (?)", COFFER_ARGS(COFFER_U(11)), NULL);
	assert_int_equal(db_rollback_savepoint(db), 0);
	assert_int_equal(db_commit(db), 0);
	struct got g = {0};
	db_select(db, "SELECT big, neg, s, b, d, x FROM t", COFFER_NOARGS, grab, &g);
	assert_int_equal(g.rows, 1);
}

static void test_db_reconnects_after_the_connection_is_killed(void **state)
{
	struct got g = {0};
	struct coffer_exec_result r;
	(void)r;
	/* Kill our own connection from a second one: the next statement fails as transient. */
	struct db_params p;
	db_params_from_env(&p);
	p.name = dbname;
	struct db_conn *other = db_new(&p, "killer");
	assert_int_equal(db_ensure(other, NULL), 0);
	int64_t id = -1;
	assert_int_equal(db_select(db, "SELECT CONNECTION_ID(), 0, '', '', NOW(6), NULL", COFFER_NOARGS,
	                           grab, &g), 0);
	id = (int64_t)g.big;
	char sql[64];
	snprintf(sql, sizeof sql, "KILL %lld", (long long)id);
	assert_int_equal(db_query(other, sql), 0);
	db_free(other);
	int rc = db_select(db, "SELECT 1, 0, '', '', NOW(6), NULL", COFFER_NOARGS, grab, &g);
	assert_int_equal(rc, COFFER_ETRANSIENT);
	assert_false(db_connected(db));
	assert_int_equal(db_ensure(db, NULL), 0);
	assert_int_equal(db_select(db, "SELECT 1, 0, '', '', NOW(6), NULL", COFFER_NOARGS, grab, &g), 0);
}

static void test_db_migrate_applies_each_file_once(void **state)
{
	char dir[] = "/tmp/coffer-mig-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/demo", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/demo/0001_first.sql", dir);
	FILE *f = fopen(path, "w");
	fputs("-- a comment; with a semicolon\nCREATE TABLE m1 (a INT);\nINSERT INTO m1 VALUES (1);\n", f);
	fclose(f);
	const char *dirs[] = {dir, NULL};
	assert_int_equal(db_migrate(db, dirs, "demo", 0), 0);
	assert_int_equal(db_migrate(db, dirs, "demo", 0), 0); /* again: nothing re-run */
	struct got g = {0};
	db_select(db, "SELECT COUNT(*), 0, '', '', NOW(6), NULL FROM m1", COFFER_NOARGS, grab, &g);
	assert_int_equal(g.big, 1);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_db_round_trips_every_type),
		cmocka_unit_test(test_db_reports_duplicates_and_bad_sql),
		cmocka_unit_test(test_db_rolls_back_to_the_savepoint_only),
		cmocka_unit_test(test_db_reconnects_after_the_connection_is_killed),
		cmocka_unit_test(test_db_migrate_applies_each_file_once),
	};
	return cmocka_run_group_tests_name("test_db", tests, setup, teardown);
}
