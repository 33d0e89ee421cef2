/* SPDX-License-Identifier: MIT */
/* tests/plugins/drop/test_drop_rest.c: the drop documents of the REST API (docs/rest.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drop.h"
#include "drop_rest.h"

/* drop_rest.c's handlers read through the service; the documents under test do not. */
const struct coffer_svc_drop drop_api_v1 = {.size = sizeof(struct coffer_svc_drop)};

static void assert_dump(const json_t *j, const char *want)
{
	char *s = json_dumps(j, JSON_COMPACT);
	if (strcmp(s, want) != 0)
		fprintf(stderr, "got  %s\nwant %s\n", s, want);
	assert_string_equal(s, want);
	free(s);
}

static struct coffer_drop example(void)
{
	return (struct coffer_drop){
		.id = 1000000002, .world_id = 0, .channel_id = 1, .map_id = 100000000,
		.item_id = 1302000, .equipment_id = 1000000002, .quantity = 1, .meso = 0,
		.drop_type = 2, .x = 120, .y = 274, .owner_id = 1, .owner_party_id = 0,
		.drop_time_us = 1768472553123456LL, .dropper_id = 1, .dropper_x = 118,
		.dropper_y = 274, .player_drop = true, .status = COFFER_DROP_RESERVED,
		.stats = {.strength = 5}};
}

#define EXAMPLE                                                                                 \
	"{\"type\":\"drops\",\"id\":\"1000000002\",\"attributes\":{\"worldId\":0,\"channelId\":1,"  \
	"\"mapId\":100000000,\"itemId\":1302000,\"equipmentId\":1000000002,\"quantity\":1,"         \
	"\"meso\":0,\"type\":2,\"x\":120,\"y\":274,\"ownerId\":1,\"ownerPartyId\":0,"               \
	"\"dropTime\":\"2026-01-15T10:22:33.123456Z\",\"dropperId\":1,\"dropperX\":118,"            \
	"\"dropperY\":274,\"characterDrop\":true,\"mod\":0}}"

static void test_drop_matches_the_example(void **state)
{
	(void)state;
	struct coffer_drop d = example();
	json_t *j = drest_drop(&d);
	assert_dump(j, EXAMPLE);
	json_decref(j);
	j = drest_one_doc(&d);
	assert_dump(j, "{\"data\":" EXAMPLE "}");
	json_decref(j);
}

static void test_drop_list_keeps_order_and_empty_is_an_array(void **state)
{
	(void)state;
	struct coffer_drop v[2] = {example(), example()};
	v[1].id = 1000000007;
	v[1].x = -3;
	v[1].drop_time_us = 1768472553000000LL;
	struct coffer_drop_list l = {v, 2};
	json_t *j = drest_list_doc(&l);
	json_t *data = json_object_get(j, "data");
	assert_int_equal(json_array_size(data), 2);
	json_t *b = json_array_get(data, 1);
	assert_string_equal(json_string_value(json_object_get(b, "id")), "1000000007");
	json_t *at = json_object_get(b, "attributes");
	assert_int_equal(json_integer_value(json_object_get(at, "x")), -3);
	assert_string_equal(json_string_value(json_object_get(at, "dropTime")), "2026-01-15T10:22:33Z");
	json_decref(j);
	struct coffer_drop_list none = {NULL, 0};
	j = drest_list_doc(&none);
	assert_dump(j, "{\"data\":[]}");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_matches_the_example),
		cmocka_unit_test(test_drop_list_keeps_order_and_empty_is_an_array),
	};
	return cmocka_run_group_tests_name("test_drop_rest", tests, NULL, NULL);
}
