/* SPDX-License-Identifier: MIT */
/* tests/plugins/drop/test_drop_expiry.c: the periodic task drop_expiration_task
 * (kafka-contract.md#drop-expiry, kafka-contract.md#drop-tables) on the fake host: due conditions, order, stored headers,
 * tenants switched off, rows locked by another process, batches and the per-tick
 * cap, pick-up marker pruning, and the kafka-contract.md#drop-settings settings. */
#include "drop_test.h"

#include <unistd.h>

#include "db.h"
#include "registry.h"

#define TASK "drop_expiration_task"

static const char *const EXPIRED_ID1 =
	"{\"transactionId\":\"" TXN_A "\",\"worldId\":0,\"channelId\":1,\"mapId\":100000000,"
	"\"dropId\":1000000001,\"type\":\"EXPIRED\",\"body\":{}}";

static void insert_marker(const char *tenant, uint32_t drop_id, int64_t picked_at)
{
	assert_int_equal(
		fh_exec("INSERT INTO drop_pickups (tenant_id, drop_id, transaction_id, character_id, "
	            "picked_at) VALUES (?, ?, '" TXN_B "', 10, ?)",
	            COFFER_ARGS(COFFER_S(tenant), COFFER_U(drop_id), COFFER_T(picked_at))),
		0);
}

static int64_t markers(const char *tenant)
{
	return fh_scalar("SELECT COUNT(*) FROM drop_pickups WHERE tenant_id = ?",
	                 COFFER_ARGS(COFFER_S(tenant)), -1);
}

/* ------------------------------------------------------------------ default settings */

static void test_drop_sweep_expires_an_available_drop_strictly_after_the_duration(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
	/* Events of the timer carry the tenant stored with the drop, not any message's. */
	fh_exec("UPDATE drop_drops SET tenant_region = 'EMS', tenant_major = 95, tenant_minor = 2", NULL, 0);
	fh_clear();
	fh_set_now(T0 + 180 * SEC);
	assert_int_equal(fh_run_task(TASK), 0);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_drops(NULL), 1);
	fh_set_now(T0 + 180 * SEC + 1);
	assert_int_equal(fh_run_task(TASK), 1);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL, EXPIRED_ID1);
	const struct fh_event *e = fh_event(0);
	assert_string_equal(e->tenant.region, "EMS");
	assert_int_equal(e->tenant.major, 95);
	assert_int_equal(e->tenant.minor, 2);
	assert_int_equal(dt_drops(NULL), 0);
}

static void test_drop_sweep_gives_a_reservation_its_grace(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
	fh_set_now(T0 + 170 * SEC);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, -1), COFFER_DONE);
	fh_clear();
	fh_set_now(T0 + 181 * SEC);
	assert_int_equal(fh_run_task(TASK), 0);
	fh_set_now(T0 + 230 * SEC);
	assert_int_equal(fh_run_task(TASK), 0);
	assert_int_equal(fh_count(), 0);
	fh_set_now(T0 + 230 * SEC + 1);
	assert_int_equal(fh_run_task(TASK), 1);
	assert_int_equal(fh_count(), 1);
	dt_assert_event(0, ID1, NULL, EXPIRED_ID1);
	/* A late pick-up finds nothing and announces nothing: no duplicate item. */
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_B, ID1, 10), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
}

static void test_drop_sweep_expires_an_old_reservation_with_its_drop(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
	fh_set_now(T0 + SEC);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, -1), COFFER_DONE);
	fh_clear();
	fh_set_now(T0 + 180 * SEC + 1);
	assert_int_equal(fh_run_task(TASK), 1);
	dt_assert_event(0, ID1, NULL, EXPIRED_ID1);
}

static void test_drop_sweep_walks_due_drops_by_time_tenant_and_id(void **state)
{
	(void)state;
	assert_int_equal(dt_send_at(FH_TENANT2, "SPAWN", TXN_A, 0, 1, MAP, "{\"mesos\":1}"), COFFER_DONE);
	assert_int_equal(dt_send_at(NULL, "SPAWN", TXN_A, 0, 1, MAP, "{\"mesos\":2}"), COFFER_DONE);
	assert_int_equal(dt_send_at(FH_TENANT2, "SPAWN", TXN_A, 0, 1, MAP, "{\"mesos\":3}"), COFFER_DONE);
	fh_set_now(T0 + SEC);
	assert_int_equal(dt_send_at(NULL, "SPAWN", TXN_B, 0, 1, MAP, "{\"mesos\":4}"), COFFER_DONE);
	fh_set_now(T0 - SEC);
	assert_int_equal(dt_send_at(FH_TENANT2, "SPAWN", TXN_C, 0, 1, MAP, "{\"mesos\":5}"), COFFER_DONE);
	fh_clear();
	fh_set_now(T0 + 200 * SEC);
	assert_int_equal(fh_run_task(TASK), 5);
	assert_int_equal(fh_count(), 5);
	/* (T0-1 t2 #3) (T0 t1 #1) (T0 t2 #1) (T0 t2 #2) (T0+1 t1 #2) */
	static const struct {
		const char *tenant;
		uint32_t id;
	} order[] = {{FH_TENANT2, 1000000003u}, {FH_TENANT, ID1}, {FH_TENANT2, ID1}, {FH_TENANT2, ID2},
	             {FH_TENANT, ID2}};
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(dt_type(i), "EXPIRED");
		assert_string_equal(fh_event(i)->tenant.id, order[i].tenant);
		assert_int_equal(fh_event(i)->key, order[i].id);
	}
	assert_string_equal(dt_str(0, "transactionId"), TXN_C);
	assert_string_equal(dt_str(4, "transactionId"), TXN_B);
}

static void test_drop_sweep_leaves_drops_of_tenants_without_the_feature(void **state)
{
	(void)state;
	assert_int_equal(dt_send_at(FH_TENANT2, "SPAWN", TXN_A, 0, 1, MAP, "{\"mesos\":1}"), COFFER_DONE);
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
	fh_clear();
	fh_set_enabled("drop", FH_TENANT2, false);
	fh_set_now(T0 + 200 * SEC);
	assert_int_equal(fh_run_task(TASK), 1);
	assert_int_equal(fh_count(), 1);
	assert_string_equal(fh_event(0)->tenant.id, FH_TENANT);
	assert_int_equal(dt_drops(FH_TENANT2), 1);
	fh_set_enabled("drop", FH_TENANT2, true);
	fh_set_now(T0 + 210 * SEC);
	assert_int_equal(fh_run_task(TASK), 1);
	assert_int_equal(fh_count(), 2);
	assert_string_equal(fh_event(1)->tenant.id, FH_TENANT2);
	assert_int_equal(dt_drops(FH_TENANT2), 0);
}

/* The fake host's database, found by its name (fh_<pid>_...). */
static int take_name(void *ud, const struct coffer_row *row)
{
	snprintf(ud, 64, "%.*s", (int)row->col[0].v.s.n, row->col[0].v.s.p);
	return 1;
}

static struct db_conn *second_connection(void)
{
	struct db_params p;
	db_params_from_env(&p);
	struct db_conn *c = db_new(&p, "other");
	assert_int_equal(db_ensure(c, NULL), 0);
	static char name[64];
	char like[64];
	snprintf(like, sizeof like, "fh\\_%d\\_%%", (int)getpid());
	int rc = db_select(c, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?",
	                   COFFER_ARGS(COFFER_S(like)), take_name, name);
	assert_int_equal(rc, COFFER_ESTOP);
	db_free(c);
	p.name = name;
	c = db_new(&p, "other");
	assert_int_equal(db_ensure(c, NULL), 0);
	return c;
}

static int ignore_row(void *ud, const struct coffer_row *row)
{
	(void)row;
	++*(int *)ud;
	return 0;
}

static void test_drop_sweep_skips_a_drop_locked_by_another_process(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	fh_clear();
	struct db_conn *other = second_connection();
	assert_int_equal(db_begin(other), 0);
	int n = 0;
	assert_int_equal(db_select(other, "SELECT id FROM drop_drops WHERE tenant_id = ? AND id = ? FOR UPDATE",
	                           COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_U(ID2)), ignore_row, &n),
	                 0);
	assert_int_equal(n, 1);
	fh_set_now(T0 + 200 * SEC);
	assert_int_equal(fh_run_task(TASK), 2);
	assert_int_equal(fh_count(), 2);
	assert_int_equal(fh_event(0)->key, ID1);
	assert_int_equal(fh_event(1)->key, 1000000003u);
	assert_int_equal(dt_col("id", ID2), ID2);
	assert_int_equal(db_rollback(other), 0);
	db_free(other);
	fh_set_now(T0 + 201 * SEC);
	assert_int_equal(fh_run_task(TASK), 1);
	assert_int_equal(fh_count(), 3);
	assert_int_equal(fh_event(2)->key, ID2);
}

static void test_drop_sweep_prunes_pick_up_markers_after_the_retention(void **state)
{
	(void)state;
	const int64_t day = 86400 * SEC;
	insert_marker(FH_TENANT, 1000000001u, T0 - day - 1);
	insert_marker(FH_TENANT, 1000000002u, T0 - 2 * day);
	insert_marker(FH_TENANT, 1000000003u, T0 - day); /* exactly the retention: kept */
	insert_marker(FH_TENANT, 1000000004u, T0 - 3600 * SEC);
	insert_marker(FH_TENANT2, 1000000001u, T0 - 2 * day);
	fh_set_enabled("drop", FH_TENANT2, false);
	assert_int_equal(fh_run_task(TASK), 1);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(markers(FH_TENANT), 2);
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM drop_pickups WHERE tenant_id = ? AND drop_id IN "
	                           "(1000000003, 1000000004)",
	                           COFFER_ARGS(COFFER_S(FH_TENANT)), -1),
	                 2);
	assert_int_equal(markers(FH_TENANT2), 1);
	fh_set_enabled("drop", FH_TENANT2, true);
	assert_int_equal(fh_run_task(TASK), 1);
	assert_int_equal(markers(FH_TENANT2), 0);
	assert_int_equal(markers(FH_TENANT), 2);
}

static void test_drop_sweep_reports_no_work_when_nothing_is_due(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	fh_clear();
	fh_set_now(T0 + 100 * SEC);
	assert_int_equal(fh_run_task(TASK), 0);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(dt_drops(NULL), 1);
}

static void test_drop_registers_its_task_with_the_default_interval(void **state)
{
	(void)state;
	struct task *t = NULL;
	for (size_t i = 0; i < reg_task_count(); i++)
		if (strcmp(reg_task(i)->name, TASK) == 0)
			t = reg_task(i);
	assert_non_null(t);
	assert_int_equal(t->interval_ms, 10000);
}

/* ------------------------------------------------------------------ configured settings */

static int configured_setup(void **state)
{
	fh_set("drop.expiration_interval_ms=250");
	fh_set("drop.expiration_duration_ms=1000");
	fh_set("drop.reservation_grace_ms=0");
	fh_set("drop.ownership_window_ms=0");
	fh_set("drop.pickup_marker_retention_ms=5000");
	fh_set("drop.sweep_batch=2");
	return dt_setup(state);
}

static void test_drop_settings_are_read_from_the_host(void **state)
{
	(void)state;
	struct task *t = NULL;
	for (size_t i = 0; i < reg_task_count(); i++)
		if (strcmp(reg_task(i)->name, TASK) == 0)
			t = reg_task(i);
	assert_non_null(t);
	assert_int_equal(t->interval_ms, 250);
	/* Window 0: a stranger may take an owned drop at once. */
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
	assert_int_equal(dt_reserve(TXN_B, ID1, 11, -1), COFFER_DONE);
	assert_string_equal(dt_type(1), "RESERVED");
	/* Duration 1 s, grace 0: due strictly after a second, reserved or not. */
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
	fh_clear();
	fh_set_now(T0 + SEC);
	assert_int_equal(fh_run_task(TASK), 0);
	fh_set_now(T0 + SEC + 1);
	assert_int_equal(fh_run_task(TASK), 2);
	assert_int_equal(fh_count(), 2);
	assert_int_equal(fh_event(0)->key, ID1);
	assert_int_equal(fh_event(1)->key, ID2);
	/* Retention 5 s. */
	insert_marker(FH_TENANT, ID1, T0 + SEC - 5 * SEC);
	insert_marker(FH_TENANT, ID2, T0 + SEC + 1 - 5 * SEC);
	assert_int_equal(fh_run_task(TASK), 1);
	assert_int_equal(markers(FH_TENANT), 1);
}

static void test_drop_sweep_works_in_batches_and_stops_at_the_tick_cap(void **state)
{
	(void)state;
	for (int i = 0; i < 10; i++)
		assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	fh_clear();
	fh_set_now(T0 + 2 * SEC);
	/* sweep_batch 2, four batches per tick: 8 now, the rest at the next tick. */
	assert_int_equal(fh_run_task(TASK), 8);
	assert_int_equal(fh_count(), 8);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(fh_event(i)->key, ID1 + i);
	assert_int_equal(dt_drops(NULL), 2);
	fh_set_now(T0 + 3 * SEC);
	assert_int_equal(fh_run_task(TASK), 2);
	assert_int_equal(fh_count(), 10);
	assert_int_equal(fh_event(9)->key, ID1 + 9);
	assert_int_equal(dt_drops(NULL), 0);
}

static void test_drop_sweep_gets_past_batches_of_drops_it_must_leave(void **state)
{
	(void)state;
	fh_set_now(T0 - SEC);
	for (int i = 0; i < 5; i++)
		assert_int_equal(dt_send_at(FH_TENANT2, "SPAWN", TXN_A, 0, 1, MAP, "{\"mesos\":1}"),
		                 COFFER_DONE);
	fh_set_now(T0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	fh_clear();
	fh_set_enabled("drop", FH_TENANT2, false);
	/* Batches of 2: the first two hold only the switched-off tenant's older
	 * drops; the third and fourth reach the other tenant's. */
	fh_set_now(T0 + 2 * SEC);
	assert_int_equal(fh_run_task(TASK), 2);
	assert_int_equal(fh_count(), 2);
	assert_int_equal(fh_event(0)->key, ID1);
	assert_int_equal(fh_event(1)->key, ID2);
	assert_string_equal(fh_event(0)->tenant.id, FH_TENANT);
	assert_string_equal(fh_event(1)->tenant.id, FH_TENANT);
	assert_int_equal(dt_drops(FH_TENANT2), 5);
	assert_int_equal(dt_drops(FH_TENANT), 0);
}

static void test_drop_sweep_prunes_markers_in_batches_within_the_tick_cap(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 9; i++)
		insert_marker(FH_TENANT, ID1 + i, T0 - 60 * SEC);
	insert_marker(FH_TENANT2, ID1, T0 - 60 * SEC);
	/* One selection and three deletes of 2 fill the cap of 4 statements. */
	assert_int_equal(fh_run_task(TASK), 3);
	assert_int_equal(markers(FH_TENANT), 3);
	assert_int_equal(markers(FH_TENANT2), 1);
	fh_set_now(T0 + SEC);
	assert_int_equal(fh_run_task(TASK), 3);
	assert_int_equal(markers(FH_TENANT), 0);
	assert_int_equal(markers(FH_TENANT2), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, dt_clean)
	const struct CMUnitTest defaults[] = {
		T(test_drop_sweep_expires_an_available_drop_strictly_after_the_duration),
		T(test_drop_sweep_gives_a_reservation_its_grace),
		T(test_drop_sweep_expires_an_old_reservation_with_its_drop),
		T(test_drop_sweep_walks_due_drops_by_time_tenant_and_id),
		T(test_drop_sweep_leaves_drops_of_tenants_without_the_feature),
		T(test_drop_sweep_skips_a_drop_locked_by_another_process),
		T(test_drop_sweep_prunes_pick_up_markers_after_the_retention),
		T(test_drop_sweep_reports_no_work_when_nothing_is_due),
		T(test_drop_registers_its_task_with_the_default_interval),
	};
	const struct CMUnitTest configured[] = {
		T(test_drop_settings_are_read_from_the_host),
		T(test_drop_sweep_works_in_batches_and_stops_at_the_tick_cap),
		T(test_drop_sweep_gets_past_batches_of_drops_it_must_leave),
		T(test_drop_sweep_prunes_markers_in_batches_within_the_tick_cap),
	};
#undef T
	/* Settings stay set for the process: the default group runs first. */
	int failed = cmocka_run_group_tests_name("test_drop_expiry", defaults, dt_setup, dt_teardown);
	failed += cmocka_run_group_tests_name("test_drop_expiry_configured", configured,
	                                      configured_setup, dt_teardown);
	return failed;
}
