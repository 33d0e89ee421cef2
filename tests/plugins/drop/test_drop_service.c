/* SPDX-License-Identifier: MIT */
/* tests/plugins/drop/test_drop_service.c: the read service "drop" v1 (kafka-contract.md#the-drop-read-service,
 * include/coffer/svc/drop.h) as another plugin uses it. Drops are made with the drop
 * commands; the service is called from handlers of the test plugin dropsvcprobe
 * (dropsvcprobe.c), loaded from the build tree next to asset and drop, which reports the
 * records it got as one EVENT_TOPIC_DROPPROBE event per call. */
#include "drop_test.h"

#include <coffer/svc/drop.h>

#include "registry.h" /* reg_load_file: load the test plugin beside fh_setup's list */

#define PROBE "COMMAND_TOPIC_DROPPROBE"
#define PROBE_EVT "EVENT_TOPIC_DROPPROBE"
#define ID501 1000000501u

static const struct coffer_svc_drop *svc;

static int group_setup(void **state)
{
	if (reg_load_file(COFFER_BUILD_DIR "/tests/plugins/drop/.libs/dropsvcprobe.so") != 0)
		return -1;
	if (dt_setup(state) != 0)
		return -1;
	svc = fh_host()->lookup(NULL, COFFER_SVC_DROP_NAME, COFFER_SVC_DROP_VERSION);
	return svc ? 0 : -1;
}

/* ------------------------------------------------------------------ helpers */

/* The body of the only probe event since the last fh_clear (then cleared again). */
static json_t *probe_result(void)
{
	static json_t *last;
	json_decref(last);
	last = NULL;
	const struct fh_event *e = NULL;
	size_t n = 0;
	for (size_t i = 0; i < fh_count(); i++)
		if (strcmp(fh_event(i)->topic_var, PROBE_EVT) == 0) {
			e = fh_event(i);
			n++;
		}
	assert_int_equal(n, 1);
	last = json_incref(e->value);
	fh_clear();
	return last;
}

/* LIST at (@p world, @p channel, @p map) as @p tenant (NULL: FH_TENANT); the result. */
static json_t *list(const char *tenant, uint8_t world, uint8_t channel, uint32_t map)
{
	char buf[256];
	fh_clear();
	snprintf(buf, sizeof buf, "{\"type\":\"LIST\",\"worldId\":%u,\"channelId\":%u,\"mapId\":%u}",
	         world, channel, map);
	assert_int_equal(fh_send(PROBE, buf, tenant), COFFER_DONE);
	json_t *r = probe_result();
	assert_string_equal(json_string_value(json_object_get(r, "rc")), "OK");
	return json_object_get(r, "drops");
}

/* GET @p id as @p tenant; the result object {type, rc, drop, zeroed}. */
static json_t *get(const char *tenant, uint32_t id)
{
	char buf[128];
	fh_clear();
	snprintf(buf, sizeof buf, "{\"type\":\"GET\",\"dropId\":%u}", id);
	assert_int_equal(fh_send(PROBE, buf, tenant), COFFER_DONE);
	return probe_result();
}

/* The ids of a LIST result, as "id,id,..." (static buffer). */
static const char *ids(const json_t *drops)
{
	static char buf[512];
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < json_array_size(drops); i++)
		at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%lld", i ? "," : "",
		                       (long long)json_integer_value(
						   json_object_get(json_array_get(drops, i), "id")));
	return buf;
}

static const char *text(const json_t *v)
{
	static char buf[4096];
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
	free(s);
	return buf;
}

#define ZERO_STATS_OBJ "\"stats\":{" ZERO_STATS "}"

/* The record dt_spawn_item makes, as the probe writes it. */
#define ITEM_RECORD(id, item, qty, owner, time, status)                                        \
	"{\"id\":" #id ",\"worldId\":0,\"channelId\":1,\"mapId\":100000000,\"itemId\":" #item     \
	",\"equipmentId\":0,\"quantity\":" #qty ",\"meso\":0,\"dropType\":0,\"x\":10,\"y\":20,"  \
	"\"ownerId\":" #owner ",\"ownerPartyId\":0,\"dropTime\":" #time ",\"dropperId\":3000042," \
	"\"dropperX\":5,\"dropperY\":6,\"playerDrop\":false,\"status\":\"" status "\","           \
	ZERO_STATS_OBJ "}"

/* A character's equipment drop whose sixteen statistics are all different (1..16), at
 * world 1, channel 2, map 211000000, spawned 3.5 s after T0. */
static void spawn_equipment(const char *tenant)
{
	fh_set_now(T0 + 3500000);
	assert_int_equal(
		dt_send_at(tenant, "SPAWN_FROM_CHARACTER", TXN_C, 1, 2, 211000000,
	               "{\"itemId\":1302000,\"equipmentId\":5021,\"quantity\":1,\"mesos\":0,"
	               "\"dropType\":2,\"x\":-120,\"y\":275,\"ownerId\":12345,\"ownerPartyId\":77,"
	               "\"dropperId\":12345,\"dropperX\":-121,\"dropperY\":276,\"playerDrop\":true,"
	               "\"mod\":0,\"strength\":1,\"dexterity\":2,\"intelligence\":3,\"luck\":4,"
	               "\"hp\":5,\"mp\":6,\"weaponAttack\":7,\"magicAttack\":8,\"weaponDefense\":9,"
	               "\"magicDefense\":10,\"accuracy\":11,\"avoidability\":12,\"hands\":13,"
	               "\"speed\":14,\"jump\":15,\"slots\":65535}"),
		COFFER_DONE);
	fh_set_now(T0);
}

#define EQUIP_RECORD(id)                                                                      \
	"{\"id\":" #id ",\"worldId\":1,\"channelId\":2,\"mapId\":211000000,\"itemId\":1302000,"  \
	"\"equipmentId\":5021,\"quantity\":1,\"meso\":0,\"dropType\":2,\"x\":-120,\"y\":275,"    \
	"\"ownerId\":12345,\"ownerPartyId\":77,\"dropTime\":1740830403500000,"                   \
	"\"dropperId\":12345,\"dropperX\":-121,\"dropperY\":276,\"playerDrop\":true,"            \
	"\"status\":\"AVAILABLE\",\"stats\":{\"strength\":1,\"dexterity\":2,\"intelligence\":3," \
	"\"luck\":4,\"hp\":5,\"mp\":6,\"weaponAttack\":7,\"magicAttack\":8,\"weaponDefense\":9," \
	"\"magicDefense\":10,\"accuracy\":11,\"avoidability\":12,\"hands\":13,\"speed\":14,"     \
	"\"jump\":15,\"slots\":65535}}"

/* ------------------------------------------------------------------ the table */

static void test_drop_service_table_has_every_entry_of_version_1(void **state)
{
	(void)state;
	assert_int_equal(svc->size, sizeof(struct coffer_svc_drop));
	assert_true(svc->size >= COFFER_SVC_DROP_HAS_SIZE(get));
	assert_non_null(svc->list_in_map);
	assert_non_null(svc->list_free);
	assert_non_null(svc->get);
}

static void test_drop_service_is_refused_to_a_plugin_asking_for_version_2(void **state)
{
	(void)state;
	assert_null(fh_host()->lookup(NULL, COFFER_SVC_DROP_NAME, 2));
	assert_ptr_equal(fh_host()->lookup(NULL, COFFER_SVC_DROP_NAME, 0), svc);
	/* What the probe plugin's own lookups answered in its init. */
	assert_int_equal(fh_send(PROBE, "{\"type\":\"VERSIONS\"}", NULL), COFFER_DONE);
	assert_string_equal(text(probe_result()), "{\"type\":\"VERSIONS\",\"v1\":true,\"v2\":false}");
}

static void test_drop_service_list_free_empties_a_list_and_accepts_an_empty_one(void **state)
{
	(void)state;
	struct coffer_drop_list l = {.v = calloc(3, sizeof(struct coffer_drop)), .n = 3};
	assert_non_null(l.v);
	svc->list_free(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	svc->list_free(&l);
	svc->list_free(NULL);
}

static void test_drop_service_refuses_null_arguments(void **state)
{
	(void)state;
	struct coffer_drop_list l = {.v = (struct coffer_drop *)&l, .n = 7};
	assert_int_equal(svc->list_in_map(NULL, FH_TENANT, 0, 1, MAP, &l), COFFER_EINVAL);
	assert_null(l.v); /* emptied, so list_free after an error is safe */
	assert_int_equal(l.n, 0);
	assert_int_equal(svc->list_in_map(NULL, FH_TENANT, 0, 1, MAP, NULL), COFFER_EINVAL);
	struct coffer_drop d;
	assert_int_equal(svc->get(NULL, FH_TENANT, ID1, &d), COFFER_EINVAL);
	assert_int_equal(svc->get(NULL, FH_TENANT, ID1, NULL), COFFER_EINVAL);
}

/* ------------------------------------------------------------------ list in map */

static void test_drop_service_lists_available_and_reserved_drops_of_a_map_in_id_order(void **state)
{
	(void)state;
	/* Spawned in the order ID1, ID501, ID2 (the sequence moved by hand), so id order is
	 * not spawn order. */
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
	assert_int_equal(fh_exec("UPDATE drop_id_sequence SET last_id = 1000000500", NULL, 0), 0);
	fh_set_now(T0 + 250000);
	assert_int_equal(dt_spawn_item(TXN_A, 4000000, 3, 0), COFFER_DONE);
	assert_int_equal(fh_exec("UPDATE drop_id_sequence SET last_id = 1000000001", NULL, 0), 0);
	fh_set_now(T0 + 500000);
	assert_int_equal(dt_spawn_item(TXN_A, 2000001, 1, 0), COFFER_DONE);
	assert_int_equal(dt_reserve(TXN_B, ID501, 42, -1), COFFER_DONE);
	assert_int_equal(dt_col("status = 'RESERVED'", ID501), 1);

	json_t *drops = list(NULL, 0, 1, MAP);
	assert_string_equal(ids(drops), "1000000001,1000000002,1000000501");
	assert_string_equal(text(json_array_get(drops, 0)),
	                    ITEM_RECORD(1000000001, 2000000, 5, 10, 1740830400000000, "AVAILABLE"));
	assert_string_equal(text(json_array_get(drops, 1)),
	                    ITEM_RECORD(1000000002, 2000001, 1, 0, 1740830400500000, "AVAILABLE"));
	assert_string_equal(text(json_array_get(drops, 2)),
	                    ITEM_RECORD(1000000501, 4000000, 3, 0, 1740830400250000, "RESERVED"));
}

static void test_drop_service_lists_nothing_of_other_locations_or_tenants(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);            /* ID1 here */
	assert_int_equal(dt_send_at(NULL, "SPAWN", TXN_A, 1, 1, MAP, "{\"mesos\":10}"), /* world */
	                 COFFER_DONE);
	assert_int_equal(dt_send_at(NULL, "SPAWN", TXN_A, 0, 2, MAP, "{\"mesos\":11}"), /* channel */
	                 COFFER_DONE);
	assert_int_equal(dt_send_at(NULL, "SPAWN", TXN_A, 0, 1, MAP + 1, "{\"mesos\":12}"), /* map */
	                 COFFER_DONE);
	assert_int_equal(dt_send_at(FH_TENANT2, "SPAWN", TXN_A, 0, 1, MAP, "{\"mesos\":13}"),
	                 COFFER_DONE);                                                  /* tenant */
	assert_int_equal(dt_drops(NULL), 4);
	assert_int_equal(dt_drops(FH_TENANT2), 1);

	json_t *drops = list(NULL, 0, 1, MAP);
	assert_string_equal(ids(drops), "1000000001");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(drops, 0), "itemId")),
	                 2000000);
	/* Each location answers with its own drop only. */
	drops = list(NULL, 1, 1, MAP);
	assert_string_equal(ids(drops), "1000000002");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(drops, 0), "meso")), 10);
	drops = list(NULL, 0, 1, MAP + 1);
	assert_string_equal(ids(drops), "1000000004");
	drops = list(FH_TENANT2, 0, 1, MAP);
	assert_string_equal(ids(drops), "1000000001");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(drops, 0), "meso")), 13);
	/* An empty map is an empty list, not an error. */
	assert_int_equal(json_array_size(list(NULL, 0, 1, 910000000)), 0);
	assert_int_equal(json_array_size(list(FH_TENANT2, 0, 2, MAP)), 0);
}

static void test_drop_service_list_leaves_out_drops_picked_up_or_expired(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	assert_int_equal(dt_spawn_item(TXN_A, 2000001, 1, 0), COFFER_DONE);
	assert_int_equal(dt_spawn_item(TXN_A, 2000002, 1, 0), COFFER_DONE);
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_B, ID2, 42), COFFER_DONE);
	assert_string_equal(ids(list(NULL, 0, 1, MAP)), "1000000001,1000000003");
	/* Past the default 180 s every AVAILABLE drop expires. */
	fh_set_now(T0 + 181 * SEC);
	assert_true(fh_run_task("drop_expiration_task") >= 1);
	assert_int_equal(dt_drops(NULL), 0);
	assert_int_equal(json_array_size(list(NULL, 0, 1, MAP)), 0);
}

/* The service answers whatever the tenant's drop switch says: reading changes nothing. */
static void test_drop_service_reads_drops_of_a_tenant_with_drops_switched_off(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);
	fh_set_enabled("drop", FH_TENANT, false);
	assert_string_equal(ids(list(NULL, 0, 1, MAP)), "1000000001");
	json_t *r = get(NULL, ID1);
	assert_string_equal(json_string_value(json_object_get(r, "rc")), "OK");
}

/* ------------------------------------------------------------------ get by id */

static void test_drop_service_gets_a_drop_of_the_tenant_by_id(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 5, 10), COFFER_DONE);
	assert_int_equal(dt_reserve(TXN_B, ID1, 10, 1), COFFER_DONE);
	json_t *r = get(NULL, ID1);
	assert_string_equal(text(r), "{\"type\":\"GET\",\"rc\":\"OK\",\"drop\":" ITEM_RECORD(
					     1000000001, 2000000, 5, 10, 1740830400000000,
					     "RESERVED") ",\"zeroed\":false}");
}

static void test_drop_service_get_answers_not_found_for_unknown_ids_and_other_tenants(void **state)
{
	(void)state;
	assert_int_equal(dt_spawn_item(TXN_A, 2000000, 1, 0), COFFER_DONE);            /* ID1 */
	assert_int_equal(dt_spawn_item(TXN_A, 2000001, 1, 0), COFFER_DONE);            /* ID2 */
	assert_int_equal(dt_send_at(FH_TENANT2, "SPAWN", TXN_A, 0, 1, MAP, "{\"mesos\":13}"),
	                 COFFER_DONE);                                                  /* T2's ID1 */
	static const char not_found[] = "{\"type\":\"GET\",\"rc\":\"ENOTFOUND\",\"drop\":null,"
	                                "\"zeroed\":true}";
	assert_string_equal(text(get(NULL, 1000000003)), not_found);
	assert_string_equal(text(get(NULL, 0)), not_found);
	/* Tenant 2 has its own ID1 (a meso drop), not tenant 1's, and no ID2 at all. */
	json_t *r = get(FH_TENANT2, ID1);
	json_t *d = json_object_get(r, "drop");
	assert_int_equal(json_integer_value(json_object_get(d, "meso")), 13);
	assert_int_equal(json_integer_value(json_object_get(d, "itemId")), 0);
	assert_string_equal(text(get(FH_TENANT2, ID2)), not_found);
	/* A picked-up drop is gone. */
	assert_int_equal(dt_target("REQUEST_PICK_UP", TXN_B, ID2, 42), COFFER_DONE);
	assert_string_equal(text(get(NULL, ID2)), not_found);
	assert_string_equal(json_string_value(json_object_get(get(NULL, ID1), "rc")), "OK");
}

static void test_drop_service_carries_the_statistics_of_an_equipment_drop(void **state)
{
	(void)state;
	spawn_equipment(NULL);
	assert_string_equal(text(get(NULL, ID1)),
	                    "{\"type\":\"GET\",\"rc\":\"OK\",\"drop\":" EQUIP_RECORD(
				    1000000001) ",\"zeroed\":false}");
	json_t *drops = list(NULL, 1, 2, 211000000);
	assert_int_equal(json_array_size(drops), 1);
	assert_string_equal(text(json_array_get(drops, 0)), EQUIP_RECORD(1000000001));
}

#define T(name) cmocka_unit_test_setup(name, dt_clean)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_drop_service_table_has_every_entry_of_version_1),
		T(test_drop_service_is_refused_to_a_plugin_asking_for_version_2),
		T(test_drop_service_list_free_empties_a_list_and_accepts_an_empty_one),
		T(test_drop_service_refuses_null_arguments),
		T(test_drop_service_lists_available_and_reserved_drops_of_a_map_in_id_order),
		T(test_drop_service_lists_nothing_of_other_locations_or_tenants),
		T(test_drop_service_list_leaves_out_drops_picked_up_or_expired),
		T(test_drop_service_reads_drops_of_a_tenant_with_drops_switched_off),
		T(test_drop_service_gets_a_drop_of_the_tenant_by_id),
		T(test_drop_service_get_answers_not_found_for_unknown_ids_and_other_tenants),
		T(test_drop_service_carries_the_statistics_of_an_equipment_drop),
	};
	return cmocka_run_group_tests(tests, group_setup, dt_teardown);
}
