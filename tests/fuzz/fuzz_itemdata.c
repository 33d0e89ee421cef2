/* SPDX-License-Identifier: MIT */
/* tests/fuzz/fuzz_itemdata.c: lib/itemdata.c's mapping of the game-data
 * service's JSON:API documents to a row of item_templates, and of the
 * importer's JSON rows (cofferctl templates import). The input is one JSON
 * document: mapped as each endpoint's answer for the id it names (data.id),
 * and as an importer row (or an array of them). */
#include <stdlib.h>

#include "fuzz.h"
#include "itemdata.h"

static void check_row(const struct itemdata_row *r)
{
	FZ_CHECK(strlen(r->equip_slot_code) < sizeof r->equip_slot_code);
	FZ_CHECK(strlen(r->equip_slot_name) < sizeof r->equip_slot_name);
	FZ_CHECK(strlen(r->equip_slots) < sizeof r->equip_slots);
	FZ_CHECK(strlen(r->name) < sizeof r->name);
}

/* An importer row survives the trip to JSON and back unchanged. */
static void import_row(const json_t *o)
{
	struct itemdata_row r, back;
	char err[256];
	if (itemdata_row_from_json(o, &r, err, sizeof err) != 0) {
		FZ_CHECK(err[0] != '\0');
		return;
	}
	check_row(&r);
	FZ_CHECK(itemdata_type(r.template_id) >= 1 && itemdata_type(r.template_id) <= 5);
	json_t *j = itemdata_row_to_json(&r);
	FZ_CHECK(j != NULL);
	FZ_CHECK(itemdata_row_from_json(j, &back, err, sizeof err) == 0);
	json_t *j2 = itemdata_row_to_json(&back);
	FZ_CHECK(json_equal(j, j2));
	json_decref(j);
	json_decref(j2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)data, size, 0, &jerr);
	if (doc == NULL)
		return 0;
	uint32_t id = 2000000;
	const char *ids = json_string_value(json_object_get(json_object_get(doc, "data"), "id"));
	if (ids != NULL)
		id = (uint32_t)strtoul(ids, NULL, 10);

	struct itemdata_row row;
	char err[256];
	memset(&row, 0, sizeof row);
	if (itemdata_map_stackable(doc, id, &row, err, sizeof err) == 0) {
		FZ_CHECK(row.template_id == id && itemdata_type(id) >= 2 && itemdata_type(id) <= 4);
		check_row(&row);
	}
	memset(&row, 0, sizeof row);
	if (itemdata_map_statistics(doc, id, &row, err, sizeof err) == 0)
		check_row(&row);
	memset(&row, 0, sizeof row);
	if (itemdata_map_slots(doc, &row, err, sizeof err) == 0) {
		check_row(&row);
		const char *name = NULL;
		const char *pos = itemdata_islot_positions(row.equip_slot_code, &name);
		FZ_CHECK(pos == NULL || name != NULL);
	}
	if (json_is_array(doc)) {
		size_t i;
		json_t *v;
		json_array_foreach(doc, i, v) import_row(v);
	} else {
		import_row(doc);
	}
	const char *name;
	const char *code = json_string_value(json_object_get(doc, "code"));
	if (code != NULL)
		(void)itemdata_islot_positions(code, &name);
	json_decref(doc);
	return 0;
}
