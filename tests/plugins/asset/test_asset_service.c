/* SPDX-License-Identifier: MIT */
/* tests/plugins/asset/test_asset_service.c: the shared "asset" service as the compartment,
 * reservation and drop plugins use it. The pure entries are called directly through the
 * looked-up table; the transactional ones through the test plugin svcprobe (svcprobe.c),
 * which is loaded from the build tree next to the asset plugin. */
#include "asset_fixtures.h"

#include <coffer/svc/asset.h>

#include "registry.h" /* reg_load_file: load the test plugin beside fh_setup's list */

#define PROBE "COMMAND_TOPIC_ASSETPROBE"
#define ASSET_TOPIC "EVENT_TOPIC_ASSET_STATUS"
#define COMP_TOPIC "EVENT_TOPIC_COMPARTMENT_STATUS"
#define INV_TOPIC "EVENT_TOPIC_INVENTORY_STATUS"
#define CHAR 3003u

static const struct coffer_svc_asset *svc;
static char buf[1024];

static int group_setup(void **state)
{
	(void)state;
	if (reg_load_file(COFFER_BUILD_DIR "/tests/plugins/asset/.libs/svcprobe.so") != 0)
		return -1;
	if (fh_setup((const char *[]){"asset", NULL}) != 0)
		return -1;
	svc = fh_host()->lookup(NULL, COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION);
	return svc ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	fh_teardown();
	return 0;
}

static int setup_clean(void **state)
{
	(void)state;
	fh_clear();
	fh_set("svcprobe.reserved=");
	if (fh_exec("DELETE FROM assets", NULL, 0) || fh_exec("DELETE FROM compartments", NULL, 0) ||
	    fh_exec("DELETE FROM item_templates", NULL, 0))
		return -1;
	return 0;
}

static int send_probe(const char *type, unsigned inv, const char *body)
{
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":%u,\"inventoryType\":%u,"
	         "\"type\":\"%s\",\"body\":%s}",
	         CHAR, inv, type, body);
	return fh_send(PROBE, buf, NULL);
}

/* The body of the last PROBE event. */
static const json_t *probe_body(void)
{
	for (size_t i = fh_count(); i-- > 0;) {
		const json_t *v = fh_event(i)->value;
		if (strcmp(json_string_value(json_object_get(v, "type")), "PROBE") == 0)
			return json_object_get(v, "body");
	}
	fail_msg("no PROBE event");
	return NULL;
}

/* ================================================================== the table */

static void test_service_table_is_complete(void **state)
{
	(void)state;
	assert_int_equal(svc->size, sizeof(struct coffer_svc_asset));
	size_t first = offsetof(struct coffer_svc_asset, cmd_decode);
	size_t n = (svc->size - first) / sizeof(void (*)(void));
	/* every entry of version 1: template_load, the two REST reads, then the joined lock
	 * and the known swap appended */
	assert_int_equal(n, 54);
	for (size_t i = 0; i < n; i++) {
		void (*fn)(void);
		memcpy(&fn, (const char *)svc + first + i * sizeof fn, sizeof fn);
		if (fn == NULL)
			fail_msg("service entry %zu is NULL", i);
	}
}

static void test_service_pure_rules_answer_through_the_table(void **state)
{
	(void)state;
	assert_int_equal(svc->template_type(3010000), 3);
	assert_int_equal(svc->classification(1050000), 105);
	assert_int_equal(svc->kind_for_template(5000000), COFFER_KIND_PET);
	assert_string_equal(svc->kind_name(COFFER_KIND_CASH_EQUIPABLE), "cash-equipable");
	assert_int_equal(svc->kind_parse("etc", 3), COFFER_KIND_ETC);
	assert_true(svc->kind_stackable(COFFER_KIND_CASH));
	assert_false(svc->kind_stackable(COFFER_KIND_PET));
	struct coffer_asset a;
	svc->asset_blank(&a, 1302000, COFFER_KIND_EQUIPABLE);
	a.quantity = 9;
	assert_int_equal(svc->asset_qty(&a), 1);
	a.slot = 1;
	struct coffer_asset_list l = {&a, 1};
	assert_int_equal(svc->first_free_slot(&l, 24), 2);
	assert_int_equal(svc->first_free_slot(&l, 1), 0);
}

static enum coffer_cmd_status decode(const char *json, unsigned flags,
                                     struct coffer_compartment_cmd *cmd)
{
	json_t *j = json_loads(json, 0, NULL);
	assert_non_null(j);
	struct coffer_msg m = {.json = j, .type = "X"};
	enum coffer_cmd_status st = svc->cmd_decode(&m, flags, cmd);
	json_decref(j); /* the body pointer is not used after this */
	return st;
}

static void test_cmd_decode_computes_effective_transaction_id(void **state)
{
	(void)state;
	struct coffer_compartment_cmd cmd;
	const char *both = "{\"transactionId\":\"" T1 "\",\"characterId\":7,\"inventoryType\":2,"
	                   "\"body\":{\"transactionId\":\"" T2 "\"}}";
	assert_int_equal(decode(both, COFFER_CMD_BODY_TXN, &cmd), COFFER_CMD_OK);
	assert_string_equal(cmd.transaction_id, T1);
	assert_int_equal(cmd.character_id, 7);
	assert_int_equal(cmd.inventory_type, 2);
	const char *legacy = "{\"transactionId\":\"" NIL "\",\"characterId\":7,\"inventoryType\":2,"
	                     "\"body\":{\"transactionId\":\"6C1E2F0A-3A51-4E39-9A43-2F4F6A1B9D02\"}}";
	assert_int_equal(decode(legacy, COFFER_CMD_BODY_TXN, &cmd), COFFER_CMD_OK);
	assert_string_equal(cmd.transaction_id, T2);
	/* Without the flag the body's copy is neither used nor checked. */
	assert_int_equal(decode(legacy, 0, &cmd), COFFER_CMD_OK);
	assert_string_equal(cmd.transaction_id, NIL);
	const char *junk = "{\"characterId\":7,\"inventoryType\":2,\"body\":{\"transactionId\":\"x\"}}";
	assert_int_equal(decode(junk, 0, &cmd), COFFER_CMD_OK);
	assert_int_equal(decode(junk, COFFER_CMD_BODY_TXN, &cmd), COFFER_CMD_UNDECODABLE);
	assert_non_null(strstr(cmd.err, "transactionId"));
}

static void test_cmd_decode_separates_undecodable_from_invalid(void **state)
{
	(void)state;
	struct coffer_compartment_cmd cmd;
	assert_int_equal(decode("{\"characterId\":-1,\"inventoryType\":2}", 0, &cmd),
	                 COFFER_CMD_UNDECODABLE);
	assert_int_equal(decode("{\"characterId\":1,\"inventoryType\":256}", 0, &cmd),
	                 COFFER_CMD_UNDECODABLE);
	assert_int_equal(decode("{\"characterId\":1,\"inventoryType\":2,\"body\":5}", 0, &cmd),
	                 COFFER_CMD_UNDECODABLE);
	assert_int_equal(decode("{\"transactionId\":\"" T1 "\",\"characterId\":0,\"inventoryType\":2}",
	                        0, &cmd),
	                 COFFER_CMD_INVALID);
	assert_string_equal(cmd.transaction_id, T1);
	assert_int_equal(decode("{\"characterId\":1,\"inventoryType\":0}", 0, &cmd), COFFER_CMD_INVALID);
	assert_int_equal(decode("{\"characterId\":1,\"inventoryType\":6}", 0, &cmd), COFFER_CMD_INVALID);
	assert_int_equal(decode("{\"characterId\":1,\"inventoryType\":6}", COFFER_CMD_ANY_TYPE, &cmd),
	                 COFFER_CMD_OK);
	assert_int_equal(decode("{\"characterId\":1,\"inventoryType\":1}", 0, &cmd), COFFER_CMD_OK);
	assert_null(cmd.body);
}

/* ================================================================== compartments */

static void test_inventory_creation_emits_five_compartments_then_inventory(void **state)
{
	(void)state;
	assert_int_equal(send_probe("CREATE_INV", 0, "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 6);
	const char *t = json_string_value(json_object_get(fh_event(0)->value, "transactionId"));
	assert_non_null(t);
	for (unsigned type = 1; type <= 5; type++) {
		const struct fh_event *e = fh_event(type - 1);
		assert_string_equal(e->topic_var, COMP_TOPIC);
		assert_int_equal(e->key, CHAR);
		char cid[64];
		snprintf(cid, sizeof cid, "%s",
		         json_string_value(json_object_get(e->value, "compartmentId")));
		assert_int_equal(fh_scalar("SELECT inventory_type FROM compartments WHERE id = ? AND "
		                           "character_id = ? AND capacity = 24",
		                           COFFER_ARGS(COFFER_S(cid), COFFER_U(CHAR)), -1),
		                 type);
		snprintf(buf, sizeof buf,
		         "{\"transactionId\":\"%s\",\"characterId\":3003,\"compartmentId\":\"%s\","
		         "\"type\":\"CREATED\",\"body\":{\"type\":%u,\"capacity\":24}}",
		         t, cid, type);
		assert_event_json(e, buf);
	}
	assert_string_equal(fh_event(5)->topic_var, INV_TOPIC);
	assert_int_equal(fh_event(5)->key, CHAR);
	assert_event_json(fh_event(5), "{\"characterId\":3003,\"type\":\"CREATED\",\"body\":{}}");
	fh_clear();
	assert_int_equal(send_probe("CREATE_INV", 0, "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 0);
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM compartments", NULL, 0, -1), 5);
}

static void test_inventory_deletion_deletes_assets_then_compartments_in_order(void **state)
{
	(void)state;
	char eq[37], etc[37];
	fx_compartment(NULL, CHAR, 4, 24, etc);
	fx_compartment(NULL, CHAR, 1, 24, eq);
	uint32_t e7 = fx_asset(etc, 7, 4000000, "etc", 3);
	uint32_t e2 = fx_asset(etc, 2, 4000000, "etc", 3);
	uint32_t bag = fx_asset(eq, 3, 1302000, "equipable", 1);
	uint32_t worn = fx_asset(eq, -11, 1302000, "equipable", 1);
	assert_int_equal(send_probe("DELETE_INV", 0, "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 7);
	const uint32_t order[] = {worn, bag, 0, e2, e7, 0};
	const char *cids[] = {eq, eq, eq, etc, etc, etc};
	for (size_t i = 0; i < 6; i++) {
		const json_t *v = fh_event(i)->value;
		assert_int_equal(fh_event(i)->key, CHAR);
		assert_json_str(v, "compartmentId", cids[i]);
		assert_json_str(v, "type", "DELETED");
		if (order[i]) {
			assert_string_equal(fh_event(i)->topic_var, ASSET_TOPIC);
			assert_json_int(v, "assetId", order[i]);
		} else {
			assert_string_equal(fh_event(i)->topic_var, COMP_TOPIC);
			assert_json_keys(v, NULL, "transactionId,characterId,compartmentId,type,body");
			assert_json_keys(v, "body", "");
		}
	}
	assert_json_int(fh_event(0)->value, "slot", -11);
	assert_event_json(fh_event(6), "{\"characterId\":3003,\"type\":\"DELETED\",\"body\":{}}");
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM compartments", NULL, 0, -1), 0);
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM assets", NULL, 0, -1), 0);
	/* Nothing left: still the inventory DELETED (kafka-contract.md#character-deleted). */
	fh_clear();
	assert_int_equal(send_probe("DELETE_INV", 0, "{}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_string_equal(fh_event(0)->topic_var, INV_TOPIC);
}

static void test_capacity_is_stored_and_announced(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	assert_int_equal(send_probe("CAPACITY", 4, "{\"amount\":4}"), COFFER_DONE);
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":3003,\"compartmentId\":\"%s\","
	         "\"type\":\"CAPACITY_CHANGED\",\"body\":{\"type\":4,\"capacity\":28}}",
	         cid);
	assert_event_json(fh_event(0), buf);
	assert_int_equal(fh_scalar("SELECT capacity FROM compartments WHERE id = ?",
	                           COFFER_ARGS(COFFER_S(cid)), -1),
	                 28);
	assert_int_equal(send_probe("CAPACITY", 4, "{\"amount\":4294967295}"), COFFER_DONE);
	assert_json_int(fh_event(1)->value, "body.capacity", 96);
}

static void test_missing_compartment_is_not_found(void **state)
{
	(void)state;
	char other[37];
	fx_compartment(FH_TENANT2, CHAR, 2, 24, other);
	assert_int_equal(send_probe("FREE", 2, "{}"), COFFER_DONE);
	assert_json_str(probe_body(), "rc", "ENOTFOUND");
}

/* ================================================================== slots and templates */

static void test_free_slot_and_list_agree_on_current_state(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 1, 4, cid);
	fx_asset(cid, 4, 1302000, "equipable", 1);
	fx_asset(cid, -5, 1040002, "equipable", 1);
	fx_asset(cid, 1, 1302000, "equipable", 1);
	fx_asset(cid, 2, 1302000, "equipable", 1);
	assert_int_equal(send_probe("FREE", 1, "{}"), COFFER_DONE);
	const json_t *b = probe_body();
	assert_json_int(b, "next", 3);
	assert_json_int(b, "first", 3);
	char *slots = json_dumps(json_object_get(b, "slots"), JSON_COMPACT);
	assert_string_equal(slots, "[-5,1,2,4]");
	free(slots);
	fx_asset(cid, 3, 1302000, "equipable", 1);
	fh_clear();
	assert_int_equal(send_probe("FREE", 1, "{}"), COFFER_DONE);
	assert_json_int(probe_body(), "next", 0);
	assert_json_int(probe_body(), "first", 0);
}

static void test_template_lookup_applies_defaults(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	assert_int_equal(fh_exec("INSERT INTO item_templates (tenant_id, template_id, slot_max, "
	                         "is_cash, equip_slot_code, equip_slot_name, equip_slots, inc_pad, name) "
	                         "VALUES (?, 1112000, 5, 0, 'Ri', 'RING', '-12,-13,-15,-16', 2, 'Ring'), "
	                         "(?, 4000000, 200, 0, NULL, NULL, NULL, 0, NULL), "
	                         "(?, 2000001, 0, 0, NULL, NULL, NULL, 0, 'Orange'), "
	                         "(?, 5000000, 0, 1, NULL, NULL, NULL, 0, 'Brown Kitty')",
	                         COFFER_ARGS(COFFER_S(FH_TENANT), COFFER_S(FH_TENANT),
	                                     COFFER_S(FH_TENANT), COFFER_S(FH_TENANT))),
	                 0);
	struct {
		const char *body;
		const char *want;
	} cases[] = {
		{"{\"templateId\":1112000}",
		 "{\"found\":true,\"slotMax\":1,\"slotMax2\":1,\"isCash\":false,\"slotName\":\"RING\","
		 "\"slotCode\":\"Ri\",\"slots\":[-12,-13,-15,-16],\"pad\":2,\"name\":\"Ring\",\"rc\":0,"
		 "\"kindNo\":1,\"kind\":\"equipable\",\"owner\":0,\"fullness\":0}"},
		{"{\"templateId\":4000000}",
		 "{\"found\":true,\"slotMax\":200,\"slotMax2\":200,\"isCash\":false,\"slotName\":\"\","
		 "\"slotCode\":\"\",\"slots\":[],\"pad\":0,\"name\":\"\",\"rc\":0,\"kindNo\":5,"
		 "\"kind\":\"etc\",\"owner\":0,\"fullness\":0}"},
		{"{\"templateId\":2000001}",
		 "{\"found\":true,\"slotMax\":100,\"slotMax2\":100,\"isCash\":false,\"slotName\":\"\","
		 "\"slotCode\":\"\",\"slots\":[],\"pad\":0,\"name\":\"Orange\",\"rc\":0,\"kindNo\":3,"
		 "\"kind\":\"consumable\",\"owner\":0,\"fullness\":0}"},
		{"{\"templateId\":2000002}",
		 "{\"found\":false,\"slotMax\":100,\"slotMax2\":100,\"isCash\":false,\"slotName\":\"\","
		 "\"slotCode\":\"\",\"slots\":[],\"pad\":0,\"name\":\"\",\"rc\":0,\"kindNo\":3,"
		 "\"kind\":\"consumable\",\"owner\":0,\"fullness\":0}"},
		{"{\"templateId\":5000000}",
		 "{\"found\":true,\"slotMax\":1,\"slotMax2\":1,\"isCash\":true,\"slotName\":\"\","
		 "\"slotCode\":\"\",\"slots\":[],\"pad\":0,\"name\":\"Brown Kitty\",\"rc\":0,\"kindNo\":7,"
		 "\"kind\":\"pet\",\"owner\":3003,\"fullness\":100}"},
		{"{\"templateId\":5000001}",
		 "{\"found\":false,\"slotMax\":1,\"slotMax2\":1,\"isCash\":false,\"slotName\":\"\","
		 "\"slotCode\":\"\",\"slots\":[],\"pad\":0,\"name\":\"\",\"rc\":0,\"kindNo\":7,"
		 "\"kind\":\"pet\",\"owner\":3003,\"fullness\":100}"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fh_clear();
		assert_int_equal(send_probe("TEMPLATE", 2, cases[i].body), COFFER_DONE);
		char *got = json_dumps(probe_body(), JSON_COMPACT);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s:\n got  %s\n want %s", cases[i].body, got, cases[i].want);
		free(got);
	}
	fh_clear();
	assert_int_equal(send_probe("TEMPLATE", 2, "{\"templateId\":1040002}"), COFFER_DONE);
	assert_json_int(probe_body(), "rc", COFFER_ENOTFOUND);
	fh_clear();
	assert_int_equal(send_probe("TEMPLATE", 2, "{\"templateId\":7000000}"), COFFER_DONE);
	assert_json_int(probe_body(), "rc", COFFER_EINVAL);
	assert_json_int(probe_body(), "kindNo", COFFER_KIND_NONE);
}

static void test_template_lookup_is_per_tenant(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	assert_int_equal(fh_exec("INSERT INTO item_templates (tenant_id, template_id, slot_max) "
	                         "VALUES (?, 4000000, 250)",
	                         COFFER_ARGS(COFFER_S(FH_TENANT2))),
	                 0);
	assert_int_equal(send_probe("TEMPLATE", 4, "{\"templateId\":4000000}"), COFFER_DONE);
	assert_json_bool(probe_body(), "found", false);
	assert_json_int(probe_body(), "slotMax", 100);
}

/* ================================================================== asset writes */

static void test_insert_sets_id_reference_and_round_trips(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	assert_int_equal(send_probe("INSERT", 4, "{\"templateId\":4000000,\"source\":3,\"amount\":9}"),
	                 COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	const json_t *v = fh_event(0)->value;
	assert_json_str(v, "type", "CREATED");
	assert_json_int(v, "slot", 3);
	uint32_t id = (uint32_t)json_integer_value(json_object_get(v, "assetId"));
	assert_json_int(v, "body.referenceId", id);
	assert_json_bool(probe_body(), "same", true);
	assert_json_bool(probe_body(), "byRef", true);
	assert_json_int(probe_body(), "qty", 9);
	assert_int_equal(fx_col("reference_id", id), id);
	/* An explicit reference id is kept. */
	fh_clear();
	assert_int_equal(send_probe("INSERT", 4, "{\"templateId\":4000000,\"source\":4,"
	                                         "\"referenceId\":55}"),
	                 COFFER_DONE);
	assert_json_int(fh_event(0)->value, "body.referenceId", 55);
	assert_json_bool(probe_body(), "byRef", true);
}

static void test_insert_into_taken_slot_is_a_duplicate(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	fx_asset(cid, 3, 4000001, "etc", 1);
	assert_int_equal(send_probe("INSERT", 4, "{\"templateId\":4000000,\"source\":3}"), COFFER_DONE);
	assert_int_equal(fh_count(), 1);
	assert_json_str(probe_body(), "rc", "EDUP");
}

static void test_move_to_free_slot_and_refusal_of_taken_slot(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	uint32_t a = fx_asset(cid, 2, 4000000, "etc", 1);
	uint32_t b = fx_asset(cid, 5, 4000001, "etc", 1);
	assert_int_equal(send_probe("MOVE", 4, "{\"source\":2,\"destination\":5}"), COFFER_DONE);
	assert_json_str(probe_body(), "rc", "EDUP");
	assert_int_equal(fx_col("slot", a), 2);
	assert_int_equal(send_probe("MOVE", 4, "{\"source\":2,\"destination\":9}"), COFFER_DONE);
	assert_int_equal(fx_col("slot", a), 9);
	assert_int_equal(fx_col("slot", b), 5);
}

static void test_swap_parks_the_occupant_and_emits_one_moved(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	uint32_t a = fx_asset(cid, 2, 4000000, "etc", 1);
	uint32_t b = fx_asset(cid, 5, 4000001, "etc", 1);
	assert_int_equal(send_probe("SWAP", 4, "{\"source\":2,\"destination\":5}"), COFFER_DONE);
	assert_int_equal(fh_count(), 2);
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":3003,\"compartmentId\":\"%s\","
	         "\"assetId\":%u,\"templateId\":4000000,\"slot\":5,\"type\":\"MOVED\","
	         "\"body\":{\"oldSlot\":2}}",
	         cid, a);
	assert_event_json(fh_event(0), buf);
	assert_int_equal(fh_event(0)->key, CHAR);
	assert_json_int(probe_body(), "displaced", b);
	assert_int_equal(fx_col("slot", a), 5);
	assert_int_equal(fx_col("slot", b), 2);
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM assets WHERE slot = -32768", NULL, 0, -1), 0);
	/* Into an empty slot nothing is displaced. */
	fh_clear();
	assert_int_equal(send_probe("SWAP", 4, "{\"source\":5,\"destination\":7}"), COFFER_DONE);
	assert_json_int(probe_body(), "displaced", 0);
	assert_int_equal(fx_col("slot", a), 7);
}

static void test_set_quantity_stores_and_announces(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	uint32_t a = fx_asset(cid, 2, 4000000, "etc", 10);
	assert_int_equal(send_probe("SET_QTY", 4, "{\"source\":2,\"amount\":4}"), COFFER_DONE);
	assert_json_str(fh_event(0)->value, "type", "QUANTITY_CHANGED");
	assert_json_int(fh_event(0)->value, "body.quantity", 4);
	assert_int_equal(fx_col("quantity", a), 4);
}

/* ================================================================== merging */

static void test_merge_over_max_fills_destination_then_source_keeps_rest(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	/* example A.2. */
	uint32_t a21 = fx_asset(cid, 2, 2000000, "consumable", 80);
	uint32_t a22 = fx_asset(cid, 5, 2000000, "consumable", 60);
	assert_int_equal(send_probe("MERGE", 2, "{\"source\":2,\"destination\":5}"), COFFER_DONE);
	assert_int_equal(fh_count(), 3);
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":3003,\"compartmentId\":\"%s\","
	         "\"assetId\":%u,\"templateId\":2000000,\"slot\":5,\"type\":\"QUANTITY_CHANGED\","
	         "\"body\":{\"quantity\":100}}",
	         cid, a22);
	assert_event_json(fh_event(0), buf);
	assert_json_int(fh_event(1)->value, "assetId", a21);
	assert_json_int(fh_event(1)->value, "slot", 2);
	assert_json_int(fh_event(1)->value, "body.quantity", 40);
	assert_json_bool(probe_body(), "ok", true);
	assert_json_int(probe_body(), "max", 100);
	assert_json_bool(probe_body(), "gone", false);
	assert_int_equal(fx_col("quantity", a22), 100);
	assert_int_equal(fx_col("quantity", a21), 40);
}

static void test_merge_within_max_deletes_source(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 4, 24, cid);
	assert_int_equal(fh_exec("INSERT INTO item_templates (tenant_id, template_id, slot_max) "
	                         "VALUES (?, 4000000, 200)",
	                         COFFER_ARGS(COFFER_S(FH_TENANT))),
	                 0);
	uint32_t s = fx_asset(cid, 7, 4000000, "etc", 130);
	uint32_t d = fx_asset(cid, 3, 4000000, "etc", 40);
	assert_int_equal(send_probe("MERGE", 4, "{\"source\":7,\"destination\":3}"), COFFER_DONE);
	assert_int_equal(fh_count(), 3);
	assert_json_str(fh_event(0)->value, "type", "QUANTITY_CHANGED");
	assert_json_int(fh_event(0)->value, "assetId", d);
	assert_json_int(fh_event(0)->value, "body.quantity", 170);
	assert_json_str(fh_event(1)->value, "type", "DELETED");
	assert_json_int(fh_event(1)->value, "assetId", s);
	assert_json_int(fh_event(1)->value, "slot", 7);
	assert_json_bool(probe_body(), "gone", true);
	assert_json_int(probe_body(), "max", 200);
	assert_int_equal(fx_col("id", s), -1);
}

static void test_merge_refused_by_reservation_rechargeable_template_or_equip(void **state)
{
	(void)state;
	char use[37], eq[37];
	fx_compartment(NULL, CHAR, 2, 24, use);
	fx_compartment(NULL, CHAR, 1, 24, eq);
	uint32_t s = fx_asset(use, 1, 2000000, "consumable", 5);
	uint32_t d = fx_asset(use, 2, 2000000, "consumable", 5);
	fx_asset(use, 3, 2000001, "consumable", 5);
	uint32_t r = fx_asset(use, 4, 2070000, "consumable", 5);
	fx_asset(use, 5, 2070000, "consumable", 5);
	assert_int_equal(fh_exec("UPDATE assets SET rechargeable = 1 WHERE id = ?",
	                         COFFER_ARGS(COFFER_U(r))),
	                 0);
	fx_asset(eq, 1, 1302000, "equipable", 1);
	fx_asset(eq, 2, 1302000, "equipable", 1);
	char setting[64];
	snprintf(setting, sizeof setting, "svcprobe.reserved=%u=0,%u=1", s, d);
	fh_set(setting);
	assert_int_equal(send_probe("MERGE", 2, "{\"source\":1,\"destination\":2}"), COFFER_DONE);
	fh_set("svcprobe.reserved=");
	assert_int_equal(send_probe("MERGE", 2, "{\"source\":1,\"destination\":3}"), COFFER_DONE);
	assert_int_equal(send_probe("MERGE", 2, "{\"source\":4,\"destination\":5}"), COFFER_DONE);
	assert_int_equal(send_probe("MERGE", 1, "{\"source\":1,\"destination\":2}"), COFFER_DONE);
	assert_int_equal(fh_count(), 4);
	for (size_t i = 0; i < 4; i++) {
		assert_json_str(fh_event(i)->value, "type", "PROBE");
		assert_json_bool(fh_event(i)->value, "body.ok", false);
	}
	assert_int_equal(fx_col("quantity", s), 5);
	assert_int_equal(fx_col("quantity", d), 5);
	/* Without the reservation the first pair merges. */
	assert_int_equal(send_probe("MERGE", 2, "{\"source\":1,\"destination\":2}"), COFFER_DONE);
	assert_json_bool(probe_body(), "ok", true);
	assert_int_equal(fx_col("quantity", d), 10);
}

static void test_reserved_quantity_sums_the_reservation_service(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	uint32_t a = fx_asset(cid, 4, 2000000, "consumable", 9);
	char setting[80];
	snprintf(setting, sizeof setting, "svcprobe.reserved=%u=3,%u=9,%u=4", a, a + 1, a);
	fh_set(setting);
	assert_int_equal(send_probe("RESERVED", 2, "{\"source\":4}"), COFFER_DONE);
	assert_json_int(probe_body(), "reserved", 7);
	fh_set("svcprobe.reserved=");
	assert_int_equal(send_probe("RESERVED", 2, "{\"source\":4}"), COFFER_DONE);
	assert_json_int(probe_body(), "reserved", 0);
}

/* ================================================================== event shapes */

static void test_compartment_event_builders_write_spec_shapes(void **state)
{
	(void)state;
	char cid[37];
	fx_compartment(NULL, CHAR, 2, 24, cid);
	uint32_t a = fx_asset(cid, 4, 2000000, "consumable", 9);
	assert_int_equal(send_probe("EVENTS", 2, "{\"source\":4}"), COFFER_DONE);
	assert_int_equal(fh_count(), 8);
	const char *bodies[] = {
		"{\"type\":2}",
		"{\"type\":2}",
		"{\"transactionId\":\"" T1 "\",\"itemId\":2000000,\"slot\":4,\"quantity\":5}",
		"{\"itemId\":2000000,\"slot\":4,\"quantity\":5}",
		"{\"transactionId\":\"" T1 "\"}",
		"{\"errorCode\":\"ACCEPT_COMMAND_FAILED\",\"transactionId\":\"" T1 "\"}",
	};
	const char *types[] = {"MERGE_COMPLETE", "SORT_COMPLETE", "RESERVED",
	                       "RESERVATION_CANCELLED", "RELEASED", "ERROR"};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(fh_event(i)->topic_var, COMP_TOPIC);
		assert_int_equal(fh_event(i)->key, CHAR);
		snprintf(buf, sizeof buf,
		         "{\"transactionId\":\"" T1 "\",\"characterId\":3003,\"compartmentId\":\"%s\","
		         "\"type\":\"%s\",\"body\":%s}",
		         cid, types[i], bodies[i]);
		assert_event_json(fh_event(i), buf);
	}
	snprintf(buf, sizeof buf,
	         "{\"transactionId\":\"" T1 "\",\"characterId\":3003,\"compartmentId\":\"%s\","
	         "\"assetId\":%u,\"templateId\":2000000,\"slot\":4,\"type\":\"UPDATED\",\"body\":{"
	         "\"referenceId\":%u,\"referenceType\":\"consumable\",\"referenceData\":{\"ownerId\":0,"
	         "\"quantity\":9,\"flag\":0,\"rechargeable\":0},\"expiration\":\"" ZERO_TIME "\"}}",
	         cid, a, a);
	assert_event_json(fh_event(6), buf);
}

static void test_reference_data_of_cash_kinds_writes_cash_id_as_string(void **state)
{
	(void)state;
	char cash[37], eq[37];
	fx_compartment(NULL, CHAR, 5, 24, cash);
	fx_compartment(NULL, CHAR, 1, 24, eq);
	uint32_t c = fx_asset_ref(cash, 1, 5210000, "cash", 3, 55);
	uint32_t ce = fx_asset_ref(eq, 1, 1002140, "cash-equipable", 1, 56);
	assert_int_equal(fh_exec("UPDATE assets SET cash_id = 8400123456789, owner_id = 5, flag = 2, "
	                         "purchased_by = 77, strength = 9, locked = 1 WHERE id IN (?, ?)",
	                         COFFER_ARGS(COFFER_U(c), COFFER_U(ce))),
	                 0);
	assert_int_equal(send_probe("EVENTS", 5, "{\"source\":1}"), COFFER_DONE);
	assert_event_json(&(struct fh_event){.value = (json_t *)json_object_get(probe_body(),
	                                                                        "referenceData")},
	                  "{\"ownerId\":0,\"cashId\":\"8400123456789\",\"quantity\":3,\"flag\":2,"
	                  "\"purchasedBy\":77}");
	fh_clear();
	assert_int_equal(send_probe("EVENTS", 1, "{\"source\":1}"), COFFER_DONE);
	const json_t *rd = json_object_get(probe_body(), "referenceData");
	assert_json_keys(rd, NULL,
	                 "cashId,ownerId,strength,dexterity,intelligence,luck,hp,mp,weaponAttack,"
	                 "magicAttack,weaponDefense,magicDefense,accuracy,avoidability,hands,speed,jump,"
	                 "slots,locked,spikes,karmaUsed,cold,canBeTraded,levelType,level,experience,"
	                 "hammersApplied,expiration");
	assert_json_str(rd, "cashId", "8400123456789");
	/* Only cashId carries data in this shape (kafka-contract.md#referencedata). */
	assert_json_int(rd, "strength", 0);
	assert_json_bool(rd, "locked", false);
	assert_json_str(rd, "expiration", ZERO_TIME);
}

#define T(f) cmocka_unit_test_setup(f, setup_clean)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_service_table_is_complete),
		T(test_service_pure_rules_answer_through_the_table),
		T(test_cmd_decode_computes_effective_transaction_id),
		T(test_cmd_decode_separates_undecodable_from_invalid),
		T(test_inventory_creation_emits_five_compartments_then_inventory),
		T(test_inventory_deletion_deletes_assets_then_compartments_in_order),
		T(test_capacity_is_stored_and_announced),
		T(test_missing_compartment_is_not_found),
		T(test_free_slot_and_list_agree_on_current_state),
		T(test_template_lookup_applies_defaults),
		T(test_template_lookup_is_per_tenant),
		T(test_insert_sets_id_reference_and_round_trips),
		T(test_insert_into_taken_slot_is_a_duplicate),
		T(test_move_to_free_slot_and_refusal_of_taken_slot),
		T(test_swap_parks_the_occupant_and_emits_one_moved),
		T(test_set_quantity_stores_and_announces),
		T(test_merge_over_max_fills_destination_then_source_keeps_rest),
		T(test_merge_within_max_deletes_source),
		T(test_merge_refused_by_reservation_rechargeable_template_or_equip),
		T(test_reserved_quantity_sums_the_reservation_service),
		T(test_compartment_event_builders_write_spec_shapes),
		T(test_reference_data_of_cash_kinds_writes_cash_id_as_string),
	};
	return cmocka_run_group_tests_name("test_asset_service", tests, group_setup, group_teardown);
}
