/* SPDX-License-Identifier: MIT */
/* ctl/templates.c: `cofferctl templates import|show`: fill a tenant's item_templates ahead of
 * time from the game-data service (the fetch and mapping the asset plugin uses, lib/itemdata.c)
 * or from a file, and print one row (docs/item-data.md). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <mysql.h>

#include "cofferctl.h"
#include "itemdata.h"
#include "util.h"

/* An id list or range larger than this is a mistake, not an import. */
#define MAX_IDS 10000000u

static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*out = v;
	return true;
}

/* ------------------------------------------------------------------ writing rows */

struct writer {
	MYSQL *my;
	MYSQL_STMT *st;
	char tenant[37];
	/* bind buffers */
	unsigned long tenant_len, code_len, name_len, slots_len, text_len;
	uint32_t u32[3];
	signed char flags[2];
	uint16_t stats[ITEMDATA_NSTATS];
	my_bool null_code, null_name, null_slots, null_text;
	MYSQL_BIND b[25];
	struct itemdata_row row;
};

static int writer_open(struct writer *w, MYSQL *my, const char *tenant, bool replace)
{
	memset(w, 0, sizeof *w);
	w->my = my;
	memcpy(w->tenant, tenant, 37);
	w->st = mysql_stmt_init(my);
	const char *sql = replace ? ITEMDATA_REPLACE_SQL : ITEMDATA_INSERT_SQL;
	if (w->st == NULL || mysql_stmt_prepare(w->st, sql, strlen(sql)) != 0)
		return fail(EXIT_FAIL, "database: %s", w->st ? mysql_stmt_error(w->st) : mysql_error(my));
	MYSQL_BIND *b = w->b;
	struct itemdata_row *r = &w->row;
	size_t k = 0;
	w->tenant_len = 36;
	b[k].buffer_type = MYSQL_TYPE_STRING;
	b[k].buffer = w->tenant;
	b[k++].length = &w->tenant_len;
	for (int i = 0; i < 2; i++) {
		b[k].buffer_type = MYSQL_TYPE_LONG;
		b[k].is_unsigned = 1;
		b[k++].buffer = &w->u32[i];
	}
	for (int i = 0; i < 2; i++) {
		b[k].buffer_type = MYSQL_TYPE_TINY;
		b[k++].buffer = &w->flags[i];
	}
	struct {
		char *p;
		unsigned long *len;
		my_bool *isnull;
	} txt[] = {{r->equip_slot_code, &w->code_len, &w->null_code},
	           {r->equip_slot_name, &w->name_len, &w->null_name},
	           {r->equip_slots, &w->slots_len, &w->null_slots}};
	for (int i = 0; i < 3; i++) {
		b[k].buffer_type = MYSQL_TYPE_STRING;
		b[k].buffer = txt[i].p;
		b[k].length = txt[i].len;
		b[k++].is_null = txt[i].isnull;
	}
	for (int i = 0; i < ITEMDATA_NSTATS; i++) {
		b[k].buffer_type = MYSQL_TYPE_SHORT;
		b[k].is_unsigned = 1;
		b[k++].buffer = &w->stats[i];
	}
	b[k].buffer_type = MYSQL_TYPE_STRING;
	b[k].buffer = r->name;
	b[k].length = &w->text_len;
	b[k++].is_null = &w->null_text;
	return 0;
}

static int writer_put(struct writer *w, const struct itemdata_row *row)
{
	w->row = *row;
	struct itemdata_row *r = &w->row;
	w->u32[0] = r->template_id;
	w->u32[1] = r->slot_max;
	w->flags[0] = r->rechargeable;
	w->flags[1] = r->is_cash;
	w->code_len = strlen(r->equip_slot_code);
	w->name_len = strlen(r->equip_slot_name);
	w->slots_len = strlen(r->equip_slots);
	w->text_len = strlen(r->name);
	w->null_code = w->code_len == 0;
	w->null_name = w->name_len == 0;
	w->null_slots = w->slots_len == 0;
	w->null_text = w->text_len == 0;
	memcpy(w->stats, r->stats, sizeof w->stats);
	if (mysql_stmt_bind_param(w->st, w->b) != 0 || mysql_stmt_execute(w->st) != 0)
		return fail(EXIT_FAIL, "template %" PRIu32 ": database: %s", r->template_id,
		            mysql_stmt_error(w->st));
	return 0;
}

static void writer_close(struct writer *w)
{
	if (w->st)
		mysql_stmt_close(w->st);
	w->st = NULL;
}

/* Whether the tenant has a row for @p id (*found); 0 or EXIT_FAIL. */
static int row_exists(MYSQL *my, const char *tenant, uint32_t id, bool *found)
{
	static const char sql[] =
		"SELECT 1 FROM item_templates WHERE tenant_id = ? AND template_id = ?";
	MYSQL_STMT *st = mysql_stmt_init(my);
	MYSQL_BIND b[2];
	unsigned long tl = 36;
	int rc = EXIT_FAIL;
	*found = false;
	memset(b, 0, sizeof b);
	b[0].buffer_type = MYSQL_TYPE_STRING;
	b[0].buffer = (char *)tenant;
	b[0].length = &tl;
	b[1].buffer_type = MYSQL_TYPE_LONG;
	b[1].is_unsigned = 1;
	b[1].buffer = &id;
	if (st == NULL || mysql_stmt_prepare(st, sql, sizeof sql - 1) != 0 ||
	    mysql_stmt_bind_param(st, b) != 0 || mysql_stmt_execute(st) != 0 ||
	    mysql_stmt_store_result(st) != 0) {
		fail(EXIT_FAIL, "database: %s", st ? mysql_stmt_error(st) : mysql_error(my));
		goto out;
	}
	*found = mysql_stmt_num_rows(st) > 0;
	rc = 0;
out:
	if (st)
		mysql_stmt_close(st);
	return rc;
}

/* ------------------------------------------------------------------ import --from */

struct ids {
	uint32_t *v;
	size_t n, cap;
};

static int ids_add(struct ids *l, uint64_t id)
{
	if (l->n >= MAX_IDS)
		return fail(EXIT_USAGE, "more than %u ids", MAX_IDS);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		uint32_t *nv = realloc(l->v, cap * sizeof *nv);
		if (nv == NULL)
			return fail(EXIT_FAIL, "out of memory");
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = (uint32_t)id;
	return 0;
}

/* One id a line ('#' starts a comment); @p path names the stream in messages. */
static int ids_from_stream(FILE *f, const char *path, struct ids *l)
{
	char line[256];
	unsigned ln = 0;
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		ln++;
		char *p = line, *e;
		if ((e = strchr(p, '#')))
			*e = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*p == '\0')
			continue;
		uint64_t id;
		if (!parse_uint(p, UINT32_MAX, &id))
			rc = fail(EXIT_USAGE, "%s:%u: \"%s\" is not a template id", path, ln, p);
		else
			rc = ids_add(l, id);
	}
	return rc;
}

static int ids_from_file(const char *path, struct ids *l)
{
	if (strcmp(path, "-") == 0)
		return ids_from_stream(stdin, path, l);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return fail(EXIT_FAIL, "%s: %s", path, strerror(errno));
	int rc = ids_from_stream(f, path, l);
	fclose(f);
	return rc;
}

static int ids_from_range(const char *s, struct ids *l)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", s);
	char *dash = strchr(buf, '-');
	uint64_t a, b;
	if (dash == NULL)
		return fail(EXIT_USAGE, "--range %s: expected A-B", s);
	*dash = '\0';
	if (!parse_uint(buf, UINT32_MAX, &a) || !parse_uint(dash + 1, UINT32_MAX, &b) || a > b)
		return fail(EXIT_USAGE, "--range %s: expected A-B with A <= B", s);
	if (b - a >= MAX_IDS)
		return fail(EXIT_USAGE, "--range %s: more than %u ids", s, MAX_IDS);
	for (uint64_t id = a; id <= b; id++)
		if (ids_add(l, id) != 0)
			return EXIT_FAIL;
	return 0;
}

static int import_from(MYSQL *my, const char *tenant, const char *url, const struct ids *ids,
                       const struct coffer_tenant *t, long timeout_ms, bool replace)
{
	struct writer w;
	int rc = writer_open(&w, my, tenant, replace);
	if (rc != 0)
		return rc;
	if (itemdata_global_init() != 0) {
		writer_close(&w);
		return fail(EXIT_FAIL, "libcurl initialisation failed");
	}
	void *h = itemdata_handle_new();
	bool tty = isatty(2);
	unsigned long fetched = 0, missing = 0, failed = 0, kept = 0, skipped = 0;
	for (size_t i = 0; i < ids->n && rc == 0; i++) {
		uint32_t id = ids->v[i];
		if (tty && (i % 16 == 0 || i + 1 == ids->n))
			fprintf(stderr, "\r[%zu/%zu] template %" PRIu32 ": fetched %lu, missing %lu, failed %lu",
			        i + 1, ids->n, id, fetched, missing, failed);
		if (!itemdata_fetchable(id)) {
			skipped++;
			continue;
		}
		bool found = false;
		if (!replace && (rc = row_exists(my, tenant, id, &found)) != 0)
			break;
		if (found) {
			kept++;
			continue;
		}
		struct itemdata_row row;
		struct itemdata_result res;
		itemdata_fetch(h, url, t, id, timeout_ms, &row, &res);
		switch (res.status) {
		case ITEMDATA_OK:
			if ((rc = writer_put(&w, &row)) == 0)
				fetched++;
			break;
		case ITEMDATA_MISSING:
			missing++;
			break;
		default:
			failed++;
			fprintf(stderr, "%scofferctl: template %" PRIu32 ": %s: %s\n", tty ? "\n" : "", id,
			        res.url, res.err);
			break;
		}
	}
	if (tty)
		fputc('\n', stderr);
	itemdata_handle_free(h);
	itemdata_global_cleanup();
	writer_close(&w);
	printf("fetched %lu, missing %lu, failed %lu (kept %lu already present, skipped %lu of "
	       "type 5 or none)\n", fetched, missing, failed, kept, skipped);
	if (rc != 0)
		return rc;
	return failed ? EXIT_FAIL : 0;
}

/* ------------------------------------------------------------------ import --file */

static char *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fail(EXIT_FAIL, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 131072;
			char *nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				fail(EXIT_FAIL, "out of memory");
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + len, 1, 65536, f);
		len += r;
		if (r < 65536)
			break;
	}
	bool err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		fail(EXIT_FAIL, "%s: read error", path);
		return NULL;
	}
	buf[len] = '\0';
	*n = len;
	return buf;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* A JSON array of rows, all validated before the first is written, in one transaction. */
static int import_json(MYSQL *my, const char *tenant, const char *path, bool replace)
{
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL)
		return fail(EXIT_FAIL, "%s:%d: %s", path, je.line, je.text);
	if (!json_is_array(doc)) {
		json_decref(doc);
		return fail(EXIT_FAIL, "%s: expected an array of template rows", path);
	}
	size_t n = json_array_size(doc);
	struct itemdata_row *rows = calloc(n ? n : 1, sizeof *rows);
	int rc = rows ? 0 : fail(EXIT_FAIL, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char err[256];
		if (itemdata_row_from_json(json_array_get(doc, i), &rows[i], err, sizeof err) != 0)
			rc = fail(EXIT_FAIL, "%s: row %zu: %s (nothing loaded)", path, i + 1, err);
	}
	json_decref(doc);
	struct writer w = {0};
	if (rc == 0 && mysql_autocommit(my, 0) != 0)
		rc = fail(EXIT_FAIL, "database: %s", mysql_error(my));
	if (rc == 0)
		rc = writer_open(&w, my, tenant, replace);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = writer_put(&w, &rows[i]);
	writer_close(&w);
	if (rc == 0 && mysql_commit(my) != 0)
		rc = fail(EXIT_FAIL, "database: %s", mysql_error(my));
	if (rc != 0)
		mysql_rollback(my);
	else
		printf("loaded %zu templates from %s\n", n, path);
	free(rows);
	return rc;
}

/* An SQL file written for the mariadb client with the tenant in @tenant (the format of
 * contrib/templates/): @tenant is set by a prepared statement, then the file runs as is. */
static int import_sql(MYSQL *my, const char *tenant, const char *path)
{
	size_t n;
	char *text = read_all(path, &n);
	if (text == NULL)
		return EXIT_FAIL;
	static const char set[] = "SET @tenant = ?";
	MYSQL_STMT *st = mysql_stmt_init(my);
	MYSQL_BIND b;
	unsigned long tl = 36;
	int rc = 0;
	memset(&b, 0, sizeof b);
	b.buffer_type = MYSQL_TYPE_STRING;
	b.buffer = (char *)tenant;
	b.length = &tl;
	if (st == NULL || mysql_stmt_prepare(st, set, sizeof set - 1) != 0 ||
	    mysql_stmt_bind_param(st, &b) != 0 || mysql_stmt_execute(st) != 0)
		rc = fail(EXIT_FAIL, "database: %s", st ? mysql_stmt_error(st) : mysql_error(my));
	if (st)
		mysql_stmt_close(st);
	if (rc == 0 && mysql_set_server_option(my, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0)
		rc = fail(EXIT_FAIL, "database: %s", mysql_error(my));
	unsigned long affected = 0;
	if (rc == 0 && mysql_real_query(my, text, n) != 0)
		rc = fail(EXIT_FAIL, "%s: %s", path, mysql_error(my));
	/* Every result of the batch, so that an error in a later statement is seen. */
	while (rc == 0) {
		MYSQL_RES *res = mysql_store_result(my);
		if (res)
			mysql_free_result(res);
		else if (mysql_field_count(my) == 0 && mysql_affected_rows(my) != (my_ulonglong)-1)
			affected += (unsigned long)mysql_affected_rows(my);
		int more = mysql_next_result(my);
		if (more > 0)
			rc = fail(EXIT_FAIL, "%s: %s", path, mysql_error(my));
		if (more != 0)
			break;
	}
	free(text);
	if (rc == 0)
		printf("loaded %s (%lu rows affected)\n", path, affected);
	return rc;
}

/* ------------------------------------------------------------------ show */

static int templates_show(const char *tenant_arg, const char *id_arg)
{
	static const char sql[] =
		"SELECT JSON_OBJECT('template_id', template_id, 'slot_max', slot_max, 'rechargeable', "
		"rechargeable, 'is_cash', is_cash, 'equip_slot_code', equip_slot_code, "
		"'equip_slot_name', equip_slot_name, 'equip_slots', equip_slots, 'inc_str', inc_str, "
		"'inc_dex', inc_dex, 'inc_int', inc_int, 'inc_luk', inc_luk, 'inc_hp', inc_hp, "
		"'inc_mp', inc_mp, 'inc_pad', inc_pad, 'inc_mad', inc_mad, 'inc_pdd', inc_pdd, "
		"'inc_mdd', inc_mdd, 'inc_acc', inc_acc, 'inc_eva', inc_eva, 'inc_hands', inc_hands, "
		"'inc_speed', inc_speed, 'inc_jump', inc_jump, 'upgrade_slots', upgrade_slots, "
		"'name', name) FROM item_templates WHERE tenant_id = ? AND template_id = ?";
	char tenant[37];
	uint64_t id;
	if (!cu_uuid_parse(tenant_arg, strlen(tenant_arg), tenant))
		return fail(EXIT_USAGE, "templates show: %s: not a canonical UUID", tenant_arg);
	if (!parse_uint(id_arg, UINT32_MAX, &id))
		return fail(EXIT_USAGE, "templates show: %s: not a template id", id_arg);
	MYSQL *my = feature_connect();
	if (my == NULL)
		return EXIT_FAIL;
	MYSQL_STMT *st = mysql_stmt_init(my);
	MYSQL_BIND b[2], out;
	unsigned long tl = 36, len = 0;
	uint32_t id32 = (uint32_t)id;
	static char buf[8192];
	my_bool isnull = 0;
	int rc = EXIT_FAIL;
	memset(b, 0, sizeof b);
	b[0].buffer_type = MYSQL_TYPE_STRING;
	b[0].buffer = tenant;
	b[0].length = &tl;
	b[1].buffer_type = MYSQL_TYPE_LONG;
	b[1].is_unsigned = 1;
	b[1].buffer = &id32;
	memset(&out, 0, sizeof out);
	out.buffer_type = MYSQL_TYPE_STRING;
	out.buffer = buf;
	out.buffer_length = sizeof buf - 1;
	out.length = &len;
	out.is_null = &isnull;
	if (st == NULL || mysql_stmt_prepare(st, sql, sizeof sql - 1) != 0 ||
	    mysql_stmt_bind_param(st, b) != 0 || mysql_stmt_execute(st) != 0 ||
	    mysql_stmt_bind_result(st, &out) != 0) {
		fail(EXIT_FAIL, "database: %s", st ? mysql_stmt_error(st) : mysql_error(my));
		goto done;
	}
	int f = mysql_stmt_fetch(st);
	if (f == MYSQL_NO_DATA) {
		fail(EXIT_FAIL, "no template %" PRIu64 " for tenant %s", id, tenant);
		goto done;
	}
	if ((f != 0 && f != MYSQL_DATA_TRUNCATED) || isnull || len >= sizeof buf) {
		fail(EXIT_FAIL, "database: cannot read the row");
		goto done;
	}
	buf[len] = '\0';
	json_error_t je;
	json_t *o = json_loads(buf, 0, &je);
	struct itemdata_row row;
	char err[256];
	if (o == NULL || itemdata_row_from_json(o, &row, err, sizeof err) != 0) {
		fail(EXIT_FAIL, "unexpected row: %s", o ? err : je.text);
		json_decref(o);
		goto done;
	}
	json_decref(o);
	json_t *pretty = itemdata_row_to_json(&row);
	char *text = pretty ? json_dumps(pretty, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (text) {
		puts(text);
		rc = 0;
	}
	free(text);
	json_decref(pretty);
done:
	if (st)
		mysql_stmt_close(st);
	mysql_close(my);
	return rc;
}

/* ------------------------------------------------------------------ dispatch */

static int templates_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tenant", required_argument, NULL, 't'}, {"from", required_argument, NULL, 'u'},
		{"ids", required_argument, NULL, 'i'},    {"range", required_argument, NULL, 'r'},
		{"file", required_argument, NULL, 'f'},   {"region", required_argument, NULL, 'R'},
		{"version", required_argument, NULL, 'V'}, {"timeout-ms", required_argument, NULL, 'T'},
		{"replace", no_argument, NULL, 'x'},      {NULL, 0, NULL, 0},
	};
	const char *tenant_arg = NULL, *url = NULL, *ids_file = NULL, *range = NULL, *file = NULL;
	const char *region = "GMS", *version = "83.1";
	long timeout_ms = 5000;
	bool replace = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		uint64_t v;
		switch (c) {
		case 't': tenant_arg = optarg; break;
		case 'u': url = optarg; break;
		case 'i': ids_file = optarg; break;
		case 'r': range = optarg; break;
		case 'f': file = optarg; break;
		case 'R': region = optarg; break;
		case 'V': version = optarg; break;
		case 'x': replace = true; break;
		case 'T':
			if (!parse_uint(optarg, 600000, &v) || v < 1)
				return fail(EXIT_USAGE, "--timeout-ms %s: expected 1..600000", optarg);
			timeout_ms = (long)v;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	struct coffer_tenant t = {0};
	if (tenant_arg == NULL || !cu_uuid_parse(tenant_arg, strlen(tenant_arg), t.id))
		return fail(EXIT_USAGE, "templates import: --tenant UUID is required");
	if ((url == NULL) == (file == NULL))
		return fail(EXIT_USAGE, "templates import: give --from URL or --file FILE");
	if (file) {
		if (ids_file || range)
			return fail(EXIT_USAGE, "templates import: --ids/--range go with --from");
		bool json = ends_with(file, ".json");
		if (!json && !ends_with(file, ".sql"))
			return fail(EXIT_USAGE, "templates import: %s: expected a .json or .sql file", file);
		MYSQL *my = feature_connect();
		if (my == NULL)
			return EXIT_FAIL;
		int rc = json ? import_json(my, t.id, file, replace) : import_sql(my, t.id, file);
		mysql_close(my);
		return rc;
	}
	if ((ids_file == NULL) == (range == NULL))
		return fail(EXIT_USAGE, "templates import --from: give --ids FILE or --range A-B");
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return fail(EXIT_USAGE, "--from %s: expected an http:// or https:// URL", url);
	if (strlen(region) == 0 || strlen(region) >= sizeof t.region)
		return fail(EXIT_USAGE, "--region %s: expected 1..63 characters", region);
	snprintf(t.region, sizeof t.region, "%s", region);
	unsigned maj, min;
	char extra;
	if (sscanf(version, "%u.%u%c", &maj, &min, &extra) != 2 || maj > 65535 || min > 65535)
		return fail(EXIT_USAGE, "--version %s: expected MAJOR.MINOR", version);
	t.major = (uint16_t)maj;
	t.minor = (uint16_t)min;
	struct ids ids = {0};
	int rc = ids_file ? ids_from_file(ids_file, &ids) : ids_from_range(range, &ids);
	if (rc == 0) {
		MYSQL *my = feature_connect();
		rc = my ? import_from(my, t.id, url, &ids, &t, timeout_ms, replace) : EXIT_FAIL;
		if (my)
			mysql_close(my);
	}
	free(ids.v);
	return rc;
}

int cmd_templates(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "import") == 0)
		return templates_import(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0) {
		if (argc != 4)
			return fail(EXIT_USAGE, "usage: cofferctl templates show TENANT ID");
		return templates_show(argv[2], argv[3]);
	}
	return fail(EXIT_USAGE, "usage: cofferctl templates import --tenant T (--from URL "
	                        "(--ids FILE | --range A-B) | --file F.json|F.sql) | templates show "
	                        "TENANT ID");
}
