/* SPDX-License-Identifier: MIT */
/* tests/unit/test_router.c: the HTTP route table (host/router.c), the Go-style
 * escaping of documents (host/http.c), and the REST value helpers of lib/util.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "http.h"
#include "router.h"
#include "util.h"

static const char *clean(const char *p)
{
	static char out[ROUTER_MAX_PATH + 2];
	return router_clean(p, out, sizeof out) ? out : "(too long)";
}

static void test_clean_is_go_path_clean_keeping_a_trailing_slash(void **state)
{
	assert_string_equal(clean(""), "/");
	assert_string_equal(clean("/"), "/");
	assert_string_equal(clean("a/b"), "/a/b");
	assert_string_equal(clean("//a//b"), "/a/b");
	assert_string_equal(clean("/a/./b"), "/a/b");
	assert_string_equal(clean("/a/../b"), "/b");
	assert_string_equal(clean("/../../a"), "/a");
	assert_string_equal(clean("/a/b/.."), "/a");
	assert_string_equal(clean("/a/b/../"), "/a/");
	assert_string_equal(clean("/a/"), "/a/");
	assert_string_equal(clean("/a/."), "/a");
	assert_string_equal(clean("/..."), "/...");
	assert_string_equal(clean("/a/.b/..c"), "/a/.b/..c");
	char tiny[4];
	assert_int_equal(router_clean("/abcdef", tiny, sizeof tiny), 0);
}

static void test_pattern_rules(void **state)
{
	assert_true(router_pattern_valid("/api/characters/{characterId}/inventory"));
	assert_true(router_pattern_valid("/healthz"));
	assert_true(router_pattern_valid("/api/{a}/{b_2}"));
	assert_false(router_pattern_valid(NULL));
	assert_false(router_pattern_valid(""));
	assert_false(router_pattern_valid("/"));
	assert_false(router_pattern_valid("api/x"));
	assert_false(router_pattern_valid("/api/"));
	assert_false(router_pattern_valid("/api//x"));
	assert_false(router_pattern_valid("/api/./x"));
	assert_false(router_pattern_valid("/api/../x"));
	assert_false(router_pattern_valid("/api/{}"));
	assert_false(router_pattern_valid("/api/{1a}"));
	assert_false(router_pattern_valid("/api/x{a}"));
	assert_false(router_pattern_valid("/api/{a}x"));
	assert_false(router_pattern_valid("/api/a?b"));
	assert_false(router_pattern_valid("/api/%41"));
}

static int tag[4];

static void test_add_refuses_clashes_and_bad_input(void **state)
{
	struct router r = {0};
	assert_int_equal(router_add(&r, "GET", "/api/x/{id}", &tag[0]), 0);
	assert_int_equal(router_add(&r, "POST", "/api/x/{id}", &tag[1]), 0);
	assert_int_equal(router_add(&r, "GET", "/api/x/{other}", NULL), -EEXIST);
	assert_int_equal(router_add(&r, "GET", "/api/x/{id}", NULL), -EEXIST);
	assert_int_equal(router_add(&r, "GET", "/api/x/lit", &tag[2]), 0);
	assert_int_equal(router_add(&r, "get", "/api/y", NULL), -EINVAL);
	assert_int_equal(router_add(&r, "GET", "/api/y/", NULL), -EINVAL);
	assert_int_equal(r.n, 3);
	router_free(&r);
}

static void test_lookup_answers(void **state)
{
	struct router r = {0};
	assert_int_equal(router_add(&r, "GET", "/api/characters/{characterId}/inventory", &tag[0]), 0);
	assert_int_equal(router_add(&r, "DELETE", "/api/characters/{characterId}/inventory", &tag[1]), 0);
	assert_int_equal(router_add(&r, "GET", "/api/w/{a}/c/{b}", &tag[2]), 0);
	struct router_match *m = malloc(sizeof *m);

	assert_int_equal(router_lookup(&r, "GET", "/api/characters/12/inventory", m), ROUTER_MATCH);
	assert_ptr_equal(m->route->ud, &tag[0]);
	assert_int_equal(m->nvars, 1);
	assert_string_equal(m->vars[0].name, "characterId");
	assert_string_equal(m->vars[0].value, "12");

	assert_int_equal(router_lookup(&r, "DELETE", "/api/characters/x%2Fy/inventory", m), ROUTER_MATCH);
	assert_ptr_equal(m->route->ud, &tag[1]);
	assert_string_equal(m->vars[0].value, "x%2Fy"); /* raw: the server decodes */

	assert_int_equal(router_lookup(&r, "GET", "/api/w/1/c/2", m), ROUTER_MATCH);
	assert_int_equal(m->nvars, 2);
	assert_string_equal(m->vars[0].name, "a");
	assert_string_equal(m->vars[1].value, "2");

	assert_int_equal(router_lookup(&r, "POST", "/api/characters/12/inventory", m), ROUTER_METHOD);
	assert_int_equal(router_lookup(&r, "HEAD", "/api/characters/12/inventory", m), ROUTER_METHOD);

	assert_int_equal(router_lookup(&r, "GET", "/api/characters/12/inventory/", m), ROUTER_REDIRECT);
	assert_string_equal(m->location, "/api/characters/12/inventory");
	assert_int_equal(router_lookup(&r, "POST", "/api/characters/12/inventory/", m), ROUTER_REDIRECT);
	assert_int_equal(router_lookup(&r, "GET", "/api//characters/12/./inventory", m), ROUTER_REDIRECT);
	assert_string_equal(m->location, "/api/characters/12/inventory");
	assert_int_equal(router_lookup(&r, "GET", "/api/characters/12/../12/inventory//", m),
	                 ROUTER_REDIRECT);
	assert_string_equal(m->location, "/api/characters/12/inventory/");

	assert_int_equal(router_lookup(&r, "GET", "/api/characters/inventory", m), ROUTER_NOT_FOUND);
	assert_int_equal(router_lookup(&r, "GET", "/api/characters/1/2/inventory", m), ROUTER_NOT_FOUND);
	assert_int_equal(router_lookup(&r, "GET", "/api/nothing/", m), ROUTER_NOT_FOUND);
	assert_int_equal(router_lookup(&r, "GET", "/", m), ROUTER_NOT_FOUND);
	assert_int_equal(router_lookup(&r, "GET", "/api/w/1/c/", m), ROUTER_NOT_FOUND);
	free(m);
	router_free(&r);
}

static void test_go_escape(void **state)
{
	size_t n;
	char *s = http_go_escape("{\"a\":\"<b>&\xe2\x80\xa8\xe2\x80\xa9\xe2\x82\xac\"}", &n);
	assert_string_equal(s, "{\"a\":\"\\u003cb\\u003e\\u0026\\u2028\\u2029\xe2\x82\xac\"}");
	assert_int_equal(n, strlen(s));
	free(s);
}

static void test_parse_int_rule(void **state)
{
	int64_t v;
	assert_int_equal(cu_parse_int("0", &v), 0);
	assert_int_equal(cu_parse_int("+12", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(cu_parse_int("-9223372036854775808", &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(cu_parse_int("9223372036854775807", &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(cu_parse_int("9223372036854775808", &v), -1);
	assert_int_equal(cu_parse_int("", &v), -1);
	assert_int_equal(cu_parse_int("+", &v), -1);
	assert_int_equal(cu_parse_int(" 1", &v), -1);
	assert_int_equal(cu_parse_int("1 ", &v), -1);
	assert_int_equal(cu_parse_int("1.0", &v), -1);
	assert_int_equal(cu_parse_int("0x10", &v), -1);
	assert_int_equal(cu_parse_int(NULL, &v), -1);
	uint32_t u32;
	uint8_t u8;
	uint16_t u16;
	assert_int_equal(cu_parse_u32("-1", &u32), 0);
	assert_int_equal(u32, 4294967295u);
	assert_int_equal(cu_parse_u8("256", &u8), 0);
	assert_int_equal(u8, 0);
	assert_int_equal(cu_parse_u16("65537", &u16), 0);
	assert_int_equal(u16, 1);
	assert_int_equal(cu_parse_u8("x", &u8), -1);
}

static void test_uuid_lenient(void **state)
{
	char out[37];
	const char *want = "6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b";
	const char *ok[] = {"6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b", "6A3F1C2E-8B4D-4E7A-9F10-2C3D4E5F6A7B",
	                    "6a3f1c2e8b4d4e7a9f102c3d4e5f6a7b", "{6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b}",
	                    "urn:uuid:6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b",
	                    "URN:UUID:6A3F1C2E-8B4D-4E7A-9F10-2C3D4E5F6A7B"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		memset(out, 0, sizeof out);
		assert_true(cu_uuid_parse_lenient(ok[i], out));
		assert_string_equal(out, want);
	}
	const char *bad[] = {"", "6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7", "6a3f1c2e_8b4d-4e7a-9f10-2c3d4e5f6a7b",
	                     "{6a3f1c2e8b4d4e7a9f102c3d4e5f6a7b}", "6a3f1c2e8b4d4e7a9f102c3d4e5f6a7g",
	                     "urn:uuid:6a3f1c2e8b4d4e7a9f102c3d4e5f6a7b", "(6a3f1c2e-8b4d-4e7a-9f10-2c3d4e5f6a7b)"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(cu_uuid_parse_lenient(bad[i], out));
	assert_false(cu_uuid_parse_lenient(NULL, out));
}

static void test_time_or_zero(void **state)
{
	json_t *z = cu_json_time_or_zero(false, 123);
	assert_string_equal(json_string_value(z), "0001-01-01T00:00:00Z");
	json_decref(z);
	z = cu_json_time_or_zero(true, 1740830400250000LL);
	assert_string_equal(json_string_value(z), "2025-03-01T12:00:00.25Z");
	json_decref(z);
}

static void test_listen_parse(void **state)
{
	char a[64], e[128];
	unsigned p;
	assert_int_equal(http_parse_listen("127.0.0.1:8080", a, sizeof a, &p, e, sizeof e), 0);
	assert_string_equal(a, "127.0.0.1");
	assert_int_equal(p, 8080);
	assert_int_equal(http_parse_listen("[::1]:0", a, sizeof a, &p, e, sizeof e), 0);
	assert_string_equal(a, "::1");
	assert_int_equal(p, 0);
	assert_int_equal(http_parse_listen("9000", a, sizeof a, &p, e, sizeof e), 0);
	assert_string_equal(a, "127.0.0.1");
	assert_int_equal(http_parse_listen("0.0.0.0:65536", a, sizeof a, &p, e, sizeof e), -1);
	assert_int_equal(http_parse_listen("0.0.0.0:x", a, sizeof a, &p, e, sizeof e), -1);
	assert_int_equal(http_parse_listen(":80", a, sizeof a, &p, e, sizeof e), -1);
	assert_int_equal(http_parse_listen("[::1]80", a, sizeof a, &p, e, sizeof e), -1);
	assert_int_equal(http_parse_listen("", a, sizeof a, &p, e, sizeof e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_is_go_path_clean_keeping_a_trailing_slash),
		cmocka_unit_test(test_pattern_rules),
		cmocka_unit_test(test_add_refuses_clashes_and_bad_input),
		cmocka_unit_test(test_lookup_answers),
		cmocka_unit_test(test_go_escape),
		cmocka_unit_test(test_parse_int_rule),
		cmocka_unit_test(test_uuid_lenient),
		cmocka_unit_test(test_time_or_zero),
		cmocka_unit_test(test_listen_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
