/* SPDX-License-Identifier: MIT */
/* tests/plugins/compartment/test_compartment_rest_raw.c: the streamed documents the handlers
 * answer (crest_*_raw, lib/jsonw.h) are byte for byte the host's serialisation of the jansson
 * documents (crest_*_doc through host/http.c's http_serialise) on the same rows: every asset
 * kind, strings that need escaping (quotes, control characters, <, >, &, U+2028/9, other
 * multi-byte characters, invalid UTF-8), extreme numbers, with and without the flattened keys.
 * The host's one-pass serialisation is itself checked against json_dumps + http_go_escape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "asset_rules.h"
#include "compartment.h"
#include "compartment_rest.h"
#include "http.h"
#include "jsonw.h"

/* compartment_rest.c's handlers call these; the documents under test do not. */
int compartment_inventory_create(const struct compartment *c, coffer_txn *txn, const char *tenant,
                                 uint32_t character_id, bool *existed)
{
	(void)c, (void)txn, (void)tenant, (void)character_id, (void)existed;
	return COFFER_EDB;
}
int compartment_inventory_delete(const struct compartment *c, coffer_txn *txn, const char *tenant,
                                 uint32_t character_id)
{
	(void)c, (void)txn, (void)tenant, (void)character_id;
	return COFFER_EDB;
}

static const struct crest_opts both = {asset_rules_kind_name, true};
static const struct crest_opts seed = {asset_rules_kind_name, false};
#define INV "3b0c0000-0000-4000-8000-000000000003"

/* Strings a row may carry (names are VARCHAR, UTF-8, at most 128 bytes here). */
static const char *const tricky[] = {
	"",
	"Brown Kitty",
	"quote\" back\\slash /slash",
	"\x01\x02\x07\b\t\n\x0b\f\r\x0e\x1f\x7f",
	"<script>&amp;</script>",
	"line\xe2\x80\xa8sep\xe2\x80\xa9para",
	"\xe2\x82\xac euro \xe2\x80\xa7 \xe2\x80\xaa \xe2\x81\xa8",
	"\xc3\xa9t\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80",
	"bad \xff byte",
	"bad \xc0\xaf overlong",
	"bad \xed\xa0\x80 surrogate",
	"cut \xe2\x80",
	"cut \xe2",
	"\xf4\x90\x80\x80 above U+10FFFF",
};
#define NTRICKY (sizeof tricky / sizeof tricky[0])

/* The host's wire bytes of @p doc (consumed), checked against the two-pass reference. */
static char *host_bytes(json_t *doc, size_t *len)
{
	assert_non_null(doc);
	char *one = http_serialise(doc, len);
	assert_non_null(one);
	char *dumped = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
	assert_non_null(dumped);
	size_t n2 = 0;
	char *two = http_go_escape(dumped, &n2);
	assert_int_equal(n2, *len);
	assert_memory_equal(two, one, n2);
	free(two);
	free(dumped);
	json_decref(doc);
	return one;
}

static void assert_same(json_t *doc, char *raw, size_t raw_len)
{
	size_t len = 0;
	char *want = host_bytes(doc, &len);
	assert_non_null(raw);
	if (raw_len != len || memcmp(raw, want, len) != 0)
		fprintf(stderr, "raw  %s\nhost %s\n", raw, want);
	assert_int_equal(raw_len, len);
	assert_memory_equal(raw, want, len);
	assert_int_equal(strlen(raw), raw_len); /* NUL-terminated */
	free(want);
	free(raw);
}

static const enum coffer_asset_kind kinds[] = {
	COFFER_KIND_EQUIPABLE, COFFER_KIND_CASH_EQUIPABLE, COFFER_KIND_CONSUMABLE,
	COFFER_KIND_SETUP,     COFFER_KIND_ETC,            COFFER_KIND_CASH,
	COFFER_KIND_PET,
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static uint64_t lcg = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return lcg >> 11;
}

/* Asset @p i: kind by turn, names from tricky[], numbers from a fixed sequence with the
 * extremes of each field's type now and then. */
static void make_asset(struct coffer_asset *a, size_t i, const char *compartment)
{
	enum coffer_asset_kind k = kinds[i % NKINDS];
	asset_rules_blank(a, (uint32_t)(1000000 + rnd() % 5000000), k);
	bool ext = i % 5 == 4;
	a->id = ext ? UINT32_MAX : (uint32_t)(rnd() % 100000);
	snprintf(a->compartment_id, sizeof a->compartment_id, "%s", compartment);
	a->slot = ext ? INT16_MIN : (int16_t)(rnd() % 200 - 100);
	a->reference_id = ext ? UINT32_MAX : (uint32_t)rnd();
	a->expiration_us = i % 3 == 0 ? COFFER_ASSET_NO_EXPIRY
	                              : (int64_t)(rnd() % 4000000000000000ULL) - 100000000000LL;
	a->quantity = ext ? UINT32_MAX : (uint32_t)(rnd() % 1000);
	a->owner_id = ext ? UINT32_MAX : (uint32_t)rnd();
	a->flag = ext ? UINT16_MAX : (uint16_t)rnd();
	a->rechargeable = i % 4 == 3 ? UINT64_MAX : (i % 4 == 2 ? (uint64_t)INT64_MAX : rnd());
	a->cash_id = ext ? INT64_MIN : (i % 5 == 3 ? INT64_MAX : (int64_t)rnd() - (1LL << 50));
	a->purchased_by = ext ? UINT32_MAX : (uint32_t)rnd();
	uint16_t *st = &a->stats.strength;
	for (int s = 0; s < 16; s++)
		st[s] = ext ? UINT16_MAX : (uint16_t)rnd();
	snprintf(a->owner_name, sizeof a->owner_name, "%s", tricky[i % NTRICKY]);
	snprintf(a->pet_name, sizeof a->pet_name, "%s", tricky[(i * 7 + 3) % NTRICKY]);
	a->locked = rnd() & 1;
	a->spikes = rnd() & 1;
	a->karma_used = rnd() & 1;
	a->cold = rnd() & 1;
	a->can_be_traded = rnd() & 1;
	a->level_type = ext ? UINT8_MAX : (uint8_t)rnd();
	a->level = ext ? UINT8_MAX : (uint8_t)rnd();
	a->experience = ext ? UINT32_MAX : (uint32_t)rnd();
	a->hammers_applied = (uint32_t)rnd() % 3;
	a->pet_level = (uint8_t)rnd();
	a->pet_closeness = (uint16_t)rnd();
	a->pet_fullness = (uint8_t)rnd();
	a->pet_slot = ext ? INT8_MIN : (int8_t)rnd();
	a->created_at_us = i % 6 == 0 ? 1740830400000000LL : (int64_t)(rnd() % 4000000000000000ULL);
}

#define NCOMPS 5
#define PER_COMP 30

static struct coffer_compartment comps[NCOMPS];
static struct coffer_asset assets[NCOMPS][PER_COMP];
static struct coffer_asset_list lists[NCOMPS];

static void make_rows(void)
{
	for (size_t c = 0; c < NCOMPS; c++) {
		snprintf(comps[c].id, sizeof comps[c].id, "%08zx-0000-4000-8000-%012zx", c + 1, c * 7);
		comps[c].character_id = 42;
		comps[c].type = (uint8_t)(c + 1);
		comps[c].capacity = c == 4 ? UINT32_MAX : 24 + (uint32_t)c;
		/* compartment 3 is empty; the others hold a growing number of assets */
		size_t n = c == 2 ? 0 : (c + 1) * PER_COMP / NCOMPS;
		for (size_t i = 0; i < n; i++)
			make_asset(&assets[c][i], c * PER_COMP + i, comps[c].id);
		lists[c] = (struct coffer_asset_list){assets[c], n};
	}
}

static void test_inventory_raw_is_the_host_bytes(void **state)
{
	(void)state;
	make_rows();
	const struct crest_opts *opts[] = {&both, &seed};
	for (size_t k = 0; k < 2; k++) {
		for (size_t n = 0; n <= NCOMPS; n++) {
			size_t len = 0;
			char *raw = crest_inventory_raw(INV, n == 3 ? UINT32_MAX : 42, comps, lists, n,
			                                opts[k], &len);
			assert_same(crest_inventory_doc(INV, n == 3 ? UINT32_MAX : 42, comps, lists, n,
			                                opts[k]),
			            raw, len);
		}
		/* compartments without their asset lists */
		size_t len = 0;
		char *raw = crest_inventory_raw(INV, 1, comps, NULL, NCOMPS, opts[k], &len);
		assert_same(crest_inventory_doc(INV, 1, comps, NULL, NCOMPS, opts[k]), raw, len);
	}
}

static void test_compartment_and_assets_raw_are_the_host_bytes(void **state)
{
	(void)state;
	make_rows();
	const struct crest_opts *opts[] = {&both, &seed};
	for (size_t k = 0; k < 2; k++) {
		for (size_t c = 0; c < NCOMPS; c++) {
			size_t len = 0;
			char *raw = crest_compartment_raw(&comps[c], &lists[c], opts[k], &len);
			assert_same(crest_compartment_doc(&comps[c], &lists[c], opts[k]), raw, len);
			raw = crest_assets_raw(&lists[c], opts[k], &len);
			assert_same(crest_assets_doc(&lists[c], opts[k]), raw, len);
		}
		struct coffer_asset_list none = {NULL, 0};
		size_t len = 0;
		char *raw = crest_assets_raw(&none, opts[k], &len);
		assert_same(crest_assets_doc(&none, opts[k]), raw, len);
		raw = crest_compartment_raw(&comps[0], NULL, opts[k], &len);
		assert_same(crest_compartment_doc(&comps[0], NULL, opts[k]), raw, len);
	}
}

/* The writer's strings alone: each of tricky[] as jansson + the host would write it, and an
 * invalid one is refused exactly when json_string() refuses it. */
static void test_writer_strings_match_jansson(void **state)
{
	(void)state;
	for (size_t i = 0; i < NTRICKY; i++) {
		json_t *s = json_string(tricky[i]);
		assert_int_equal(jw_utf8_valid(tricky[i]), s != NULL);
		struct jw w;
		jw_init(&w, 1); /* grows from one byte */
		jw_arr(&w);
		jw_int(&w, INT64_MIN);
		bool ok = jw_str(&w, tricky[i]);
		assert_int_equal(ok, s != NULL);
		jw_obj(&w);
		jw_kstr(&w, "k", tricky[i]);
		jw_kint(&w, "n", INT64_MAX);
		jw_obj_end(&w);
		jw_arr_end(&w);
		size_t len = 0;
		char *raw = jw_finish(&w, &len);
		json_t *o = json_object();
		if (s != NULL)
			json_object_set(o, "k", s);
		json_object_set_new(o, "n", json_integer(INT64_MAX));
		json_t *arr = json_pack("[I]", (json_int_t)INT64_MIN);
		if (s != NULL)
			json_array_append(arr, s);
		json_array_append_new(arr, o);
		json_decref(s);
		assert_same(arr, raw, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inventory_raw_is_the_host_bytes),
		cmocka_unit_test(test_compartment_and_assets_raw_are_the_host_bytes),
		cmocka_unit_test(test_writer_strings_match_jansson),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
