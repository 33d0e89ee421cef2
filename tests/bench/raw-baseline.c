/* SPDX-License-Identifier: MIT */
/* tests/bench/raw-baseline.c: the database's side of coffer's work, without coffer.
 *
 * A plain C loop that issues the SQL cofferd issues for a create/move mix, with the same
 * batching: per batch one transaction holding, per command, the statements of the asset and
 * compartment plugins (CREATE_ASSET: the compartment lock, the occupied bag slots, the
 * INSERT, the reference_id UPDATE; MOVE: the compartment lock joined to both slots, then
 * one UPDATE to an empty slot or three through the temporary slot), then the batch's consumed
 * markers (coffer_processed) and its events (coffer_outbox) as multi-row INSERTs, COMMIT, and
 * the publisher's chunked DELETE of those events. One connection per thread, characters
 * split between threads the way Kafka keys split them between cofferd's workers. No Kafka,
 * no JSON: what is left is what MariaDB costs, the ceiling coffer's throughput is compared
 * with (contrib/bench prints the ratio).
 *
 *   raw-baseline [--characters N] [--commands M] [--threads T] [--batch B] [--mix create=W,move=W]
 *
 * Connects with DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME or DB_SOCKET (contrib/devdb)
 * to a database cofferd has migrated; works in its own tenant and removes its rows after. */
#include <mysql.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAP 24        /* the USE compartment's capacity */
#define USE_TYPE 2
#define TEMP_SLOT -32768 /* COFFER_SLOT_TEMP */
#define NCOLS 49      /* 4 compartment columns + 45 asset columns */
#define MAX_BATCH 32
#define PAYLOAD 320   /* bytes of an ASSET CREATED / MOVED event, about */

static const char *const TENANT = "5a1e0000-0000-4000-8000-000000000b5e";

static struct {
	unsigned characters, commands, threads, batch, w_create, w_move;
} opt = {1000, 20000, 2, 32, 55, 45};

struct character {
	char comp[37];
	int16_t tmpl_slot[CAP + 1]; /* slot -> occupied? (1) */
	unsigned n;
	uint32_t next_tmpl;
};

static struct character *chars;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "raw-baseline: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static MYSQL *connect_db(void)
{
	MYSQL *my = mysql_init(NULL);
	if (my == NULL)
		die("mysql_init failed");
	const char *port = getenv("DB_PORT");
	const char *sock = getenv("DB_SOCKET");
	if (!mysql_real_connect(my, getenv("DB_HOST"), getenv("DB_USER"), getenv("DB_PASSWORD"),
	                        getenv("DB_NAME"), port ? (unsigned)atoi(port) : 0,
	                        sock && *sock ? sock : NULL, 0))
		die("connect: %s", mysql_error(my));
	/* cofferd's sessions: READ COMMITTED, UTC */
	if (mysql_query(my, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED") ||
	    mysql_query(my, "SET time_zone = '+00:00'"))
		die("session: %s", mysql_error(my));
	return my;
}

static void query(MYSQL *my, const char *sql)
{
	if (mysql_query(my, sql))
		die("%s: %s", sql, mysql_error(my));
	MYSQL_RES *r = mysql_store_result(my);
	if (r)
		mysql_free_result(r);
}

/* ---- prepared statements, typed binds ---- */

/* Set when a statement of the batch hit a deadlock or a lock wait timeout: InnoDB rolled
 * the transaction back, and the batch is done again (as cofferd does). */
static _Thread_local bool tl_failed;

static bool transient(MYSQL_STMT *st)
{
	unsigned e = mysql_stmt_errno(st);
	if (e != 1213 && e != 1205)
		return false;
	tl_failed = true;
	return true;
}

struct stmt {
	MYSQL_STMT *st;
	MYSQL_BIND p[MAX_BATCH * 7];
	unsigned long plen[MAX_BATCH * 7];
	int64_t pint[MAX_BATCH * 7];
	unsigned np;
};

static void prep(MYSQL *my, struct stmt *s, const char *sql)
{
	memset(s, 0, sizeof *s);
	s->st = mysql_stmt_init(my);
	if (s->st == NULL || mysql_stmt_prepare(s->st, sql, strlen(sql)))
		die("prepare %s: %s", sql, s->st ? mysql_stmt_error(s->st) : "");
}

static void p_int(struct stmt *s, int64_t v)
{
	unsigned i = s->np++;
	memset(&s->p[i], 0, sizeof s->p[i]);
	s->pint[i] = v;
	s->p[i].buffer_type = MYSQL_TYPE_LONGLONG;
	s->p[i].buffer = &s->pint[i];
}

static void p_str(struct stmt *s, const void *v, size_t n)
{
	unsigned i = s->np++;
	memset(&s->p[i], 0, sizeof s->p[i]);
	s->plen[i] = n;
	s->p[i].buffer_type = MYSQL_TYPE_STRING;
	s->p[i].buffer = (void *)v;
	s->p[i].buffer_length = n;
	s->p[i].length = &s->plen[i];
}

static MYSQL_TIME now_time(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	MYSQL_TIME t = {0};
	t.year = (unsigned)tm.tm_year + 1900;
	t.month = (unsigned)tm.tm_mon + 1;
	t.day = (unsigned)tm.tm_mday;
	t.hour = (unsigned)tm.tm_hour;
	t.minute = (unsigned)tm.tm_min;
	t.second = (unsigned)tm.tm_sec;
	t.second_part = (unsigned long)(ts.tv_nsec / 1000);
	t.time_type = MYSQL_TIMESTAMP_DATETIME;
	return t;
}

static void p_time(struct stmt *s, MYSQL_TIME *t)
{
	unsigned i = s->np++;
	memset(&s->p[i], 0, sizeof s->p[i]);
	s->p[i].buffer_type = MYSQL_TYPE_DATETIME;
	s->p[i].buffer = t;
}

/* Bind the parameters given and execute; false when the batch failed (tl_failed). */
static bool run(struct stmt *s)
{
	if (s->np && mysql_stmt_bind_param(s->st, s->p))
		die("bind: %s", mysql_stmt_error(s->st));
	s->np = 0;
	if (tl_failed)
		return false;
	if (mysql_stmt_execute(s->st) == 0)
		return true;
	if (!transient(s->st))
		die("execute: %s", mysql_stmt_error(s->st));
	return false;
}

/* Execute; of the rows (when the statement has a result), columns 4 and 6 go to c4[] and
 * c6[] (INT64_MIN for NULL), up to max rows. Returns the number of rows read. */
static unsigned exec2(struct stmt *s, int64_t *c4, int64_t *c6, unsigned max, uint64_t *insert_id)
{
	if (!run(s))
		return 0;
	if (insert_id)
		*insert_id = mysql_stmt_insert_id(s->st);
	unsigned nf = mysql_stmt_field_count(s->st), n = 0;
	if (nf == 0)
		return 0;
	/* Every column into a string buffer, as a client that reads the row would. */
	static _Thread_local char buf[NCOLS][80];
	static _Thread_local unsigned long len[NCOLS];
	static _Thread_local my_bool isnull[NCOLS];
	MYSQL_BIND r[NCOLS];
	memset(r, 0, sizeof r);
	for (unsigned i = 0; i < nf && i < NCOLS; i++) {
		r[i].buffer_type = MYSQL_TYPE_STRING;
		r[i].buffer = buf[i];
		r[i].buffer_length = sizeof buf[i];
		r[i].length = &len[i];
		r[i].is_null = &isnull[i];
	}
	if (mysql_stmt_bind_result(s->st, r) || mysql_stmt_store_result(s->st)) {
		if (transient(s->st))
			return 0;
		die("result: %s", mysql_stmt_error(s->st));
	}
	int rc;
	while ((rc = mysql_stmt_fetch(s->st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		if (n < max && c4 && nf > 4)
			c4[n] = isnull[4] ? INT64_MIN : strtoll(buf[4], NULL, 10);
		if (n < max && c6 && nf > 6)
			c6[n] = isnull[6] ? INT64_MIN : strtoll(buf[6], NULL, 10);
		n++;
	}
	mysql_stmt_free_result(s->st);
	return n;
}

static unsigned exec(struct stmt *s, int64_t *c4, unsigned max, uint64_t *insert_id)
{
	return exec2(s, c4, NULL, max, insert_id);
}

/* The first column of each row. */
static unsigned exec1(struct stmt *s, int64_t *c0, unsigned max)
{
	if (!run(s))
		return 0;
	int64_t v = 0;
	my_bool isnull = 0;
	MYSQL_BIND r;
	memset(&r, 0, sizeof r);
	r.buffer_type = MYSQL_TYPE_LONGLONG;
	r.buffer = &v;
	r.is_null = &isnull;
	if (mysql_stmt_bind_result(s->st, &r) || mysql_stmt_store_result(s->st)) {
		if (transient(s->st))
			return 0;
		die("result: %s", mysql_stmt_error(s->st));
	}
	unsigned n = 0;
	while (mysql_stmt_fetch(s->st) == 0) {
		if (n < max)
			c0[n] = v;
		n++;
	}
	mysql_stmt_free_result(s->st);
	return n;
}

/* ---- the work ---- */

struct worker {
	pthread_t th;
	unsigned index, done, retries;
	uint64_t seed;
	double elapsed;
};

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static const char SEL_LOCK[] =
	"SELECT id, character_id, inventory_type, capacity FROM compartments WHERE tenant_id = ? "
	"AND character_id = ? AND inventory_type = ? FOR UPDATE";
static const char SEL_SLOTS[] =
	"SELECT slot FROM assets WHERE tenant_id = ? AND compartment_id = ? AND slot >= 1 AND "
	"slot <= ? ORDER BY slot";
static const char SEL_PAIR[] =
	"SELECT c.id, c.character_id, c.inventory_type, c.capacity, a.id, compartment_id, slot, "
	"template_id, kind, reference_id, expiration, quantity, owner_id, flag, rechargeable, "
	"cash_id, purchased_by, strength, dexterity, intelligence, luck, hp, mp, weapon_attack, "
	"magic_attack, weapon_defense, magic_defense, accuracy, avoidability, hands, speed, jump, "
	"upgrade_slots, owner_name, locked, spikes, karma_used, cold, can_be_traded, level_type, "
	"level, experience, hammers_applied, pet_name, pet_level, pet_closeness, pet_fullness, "
	"pet_slot, created_at FROM compartments c FORCE INDEX (uq_compartments_owner) LEFT JOIN "
	"assets a FORCE INDEX (uq_assets_slot) ON a.tenant_id = c.tenant_id AND a.compartment_id = "
	"c.id AND a.slot IN (?, ?) WHERE c.tenant_id = ? AND c.character_id = ? AND "
	"c.inventory_type = ? FOR UPDATE";
static const char INSERT_ASSET[] =
	"INSERT INTO assets (tenant_id, compartment_id, slot, template_id, kind, reference_id, "
	"expiration, quantity, owner_id, flag, rechargeable, cash_id, purchased_by, strength, "
	"dexterity, intelligence, luck, hp, mp, weapon_attack, magic_attack, weapon_defense, "
	"magic_defense, accuracy, avoidability, hands, speed, jump, upgrade_slots, owner_name, "
	"locked, spikes, karma_used, cold, can_be_traded, level_type, level, experience, "
	"hammers_applied, pet_name, pet_level, pet_closeness, pet_fullness, pet_slot, created_at) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static void multi_sql(char *out, size_t size, const char *head, const char *row, unsigned n)
{
	size_t k = (size_t)snprintf(out, size, "%s", head);
	for (unsigned i = 0; i < n; i++)
		k += (size_t)snprintf(out + k, size - k, "%s%s", i ? "," : "", row);
}

struct character;
static void batch_tail(struct worker *w, MYSQL *my, struct stmt *m, struct stmt *o,
                       struct stmt *del, unsigned b, MYSQL_TIME *tsp, int64_t *offset);
static void reload(struct stmt *sel_slots, struct character *ch);

static char PAYLOAD_BYTES[PAYLOAD];
static const char HEADERS[64] = "EVENT_ID\0" "00000000-0000-4000-8000-000000000000";

static void *work(void *arg)
{
	struct worker *w = arg;
	MYSQL *my = connect_db();
	struct stmt sel_lock, sel_slots, sel_pair, ins, upd_ref, move, markers[MAX_BATCH + 1],
		outbox[MAX_BATCH + 1], del;
	prep(my, &sel_lock, SEL_LOCK);
	prep(my, &sel_slots, SEL_SLOTS);
	prep(my, &sel_pair, SEL_PAIR);
	prep(my, &ins, INSERT_ASSET);
	prep(my, &upd_ref,
	     "UPDATE assets FORCE INDEX (PRIMARY) SET reference_id = id WHERE tenant_id = ? AND id = ?");
	prep(my, &move, "UPDATE assets FORCE INDEX (PRIMARY) SET slot = ? WHERE tenant_id = ? AND id = ?");
	char sql[8192];
	for (unsigned k = 1; k <= opt.batch; k++) {
		multi_sql(sql, sizeof sql,
		          "INSERT IGNORE INTO coffer_processed (cluster_id, topic, kpartition, koffset, "
		          "tenant_id, processed_at) VALUES ",
		          "(?,?,?,?,?,?)", k);
		prep(my, &markers[k], sql);
		multi_sql(sql, sizeof sql,
		          "INSERT INTO coffer_outbox (event_id, tenant_id, topic, msg_key, headers, "
		          "payload, created_at) VALUES ",
		          "(?,?,?,?,?,?,?)", k);
		prep(my, &outbox[k], sql);
	}
	multi_sql(sql, sizeof sql, "DELETE FROM coffer_outbox WHERE id IN (", "?", opt.batch);
	strcat(sql, ")");
	prep(my, &del, sql);

	unsigned share = opt.commands / opt.threads + (w->index < opt.commands % opt.threads);
	unsigned mine = 0; /* characters of this thread: index, index + threads, ... */
	for (unsigned c = w->index; c < opt.characters; c += opt.threads)
		mine++;
	if (mine == 0)
		return NULL;
	int64_t offset = (int64_t)w->index << 40;
	double t0 = now_s();
	while (w->done < share) {
		unsigned b = share - w->done < opt.batch ? share - w->done : opt.batch;
		MYSQL_TIME ts = now_time();
		query(my, "START TRANSACTION");
		tl_failed = false;
		unsigned touched[MAX_BATCH], nt = 0;
		for (unsigned i = 0; i < b && !tl_failed; i++) {
			unsigned ci = w->index + opt.threads * (unsigned)(rnd(&w->seed) % mine);
			touched[nt++] = ci;
			struct character *ch = &chars[ci];
			bool create = ch->n == 0 ||
			              (ch->n < CAP && rnd(&w->seed) % (opt.w_create + opt.w_move) <
			                                  opt.w_create);
			int64_t ids[CAP + 2];
			if (create) {
				p_str(&sel_lock, TENANT, 36);
				p_int(&sel_lock, ci + 1);
				p_int(&sel_lock, USE_TYPE);
				if (exec(&sel_lock, NULL, 0, NULL) != 1 && !tl_failed)
					die("character %u: no compartment", ci + 1);
				p_str(&sel_slots, TENANT, 36);
				p_str(&sel_slots, ch->comp, 36);
				p_int(&sel_slots, CAP);
				unsigned n = exec1(&sel_slots, ids, CAP + 1);
				int16_t slot = 1;
				for (unsigned k = 0; k < n; k++)
					if (ids[k] == slot)
						slot++;
				p_str(&ins, TENANT, 36);
				p_str(&ins, ch->comp, 36);
				p_int(&ins, slot);
				p_int(&ins, 2000000 + ch->next_tmpl++);
				p_str(&ins, "consumable", 10);
				p_int(&ins, 0);
				p_int(&ins, 0);
				ins.p[ins.np - 1].buffer_type = MYSQL_TYPE_NULL;
				p_int(&ins, 10);
				for (int k = 0; k < 5; k++)
					p_int(&ins, 0); /* owner_id flag rechargeable cash_id purchased_by */
				for (int k = 0; k < 16; k++)
					p_int(&ins, 0); /* statistics */
				p_str(&ins, "", 0);
				for (int k = 0; k < 9; k++)
					p_int(&ins, 0); /* locked .. hammers_applied */
				p_str(&ins, "", 0);
				for (int k = 0; k < 4; k++)
					p_int(&ins, 0); /* pet_level .. pet_slot */
				p_time(&ins, &ts);
				uint64_t id;
				exec(&ins, NULL, 0, &id);
				p_str(&upd_ref, TENANT, 36);
				p_int(&upd_ref, (int64_t)id);
				exec(&upd_ref, NULL, 0, NULL);
				if (tl_failed)
					break;
				ch->tmpl_slot[slot] = 1;
				ch->n++;
			} else {
				int16_t from = 0, to;
				while (from == 0) {
					int16_t s = (int16_t)(1 + rnd(&w->seed) % CAP);
					if (ch->tmpl_slot[s])
						from = s;
				}
				do
					to = (int16_t)(1 + rnd(&w->seed) % CAP);
				while (to == from);
				p_int(&sel_pair, from);
				p_int(&sel_pair, to);
				p_str(&sel_pair, TENANT, 36);
				p_int(&sel_pair, ci + 1);
				p_int(&sel_pair, USE_TYPE);
				int64_t slots[2] = {0, 0};
				unsigned n = exec2(&sel_pair, ids, slots, 2, NULL);
				struct stmt *mv = &move;
				int64_t id_from = 0, id_to = 0;
				for (unsigned k = 0; k < n && k < 2; k++) {
					if (slots[k] == from)
						id_from = ids[k];
					else if (slots[k] == to)
						id_to = ids[k];
				}
				if (tl_failed)
					break;
				if (id_from == 0)
					die("character %u: slot %d is empty", ci + 1, from);
				if (id_to) {
					p_int(mv, TEMP_SLOT), p_str(mv, TENANT, 36), p_int(mv, id_to);
					exec(mv, NULL, 0, NULL);
					p_int(mv, to), p_str(mv, TENANT, 36), p_int(mv, id_from);
					exec(mv, NULL, 0, NULL);
					p_int(mv, from), p_str(mv, TENANT, 36), p_int(mv, id_to);
					exec(mv, NULL, 0, NULL);
				} else {
					p_int(mv, to), p_str(mv, TENANT, 36), p_int(mv, id_from);
					exec(mv, NULL, 0, NULL);
					if (tl_failed)
						break;
					ch->tmpl_slot[to] = 1;
					ch->tmpl_slot[from] = 0;
				}
			}
		}
		if (!tl_failed)
			batch_tail(w, my, &markers[b], &outbox[b], &del, b, &ts, &offset);
		if (tl_failed) {
			/* Rolled back: read the touched characters' bags again and redo the batch. */
			query(my, "ROLLBACK");
			tl_failed = false;
			w->retries++;
			for (unsigned i = 0; i < nt; i++)
				reload(&sel_slots, &chars[touched[i]]);
			continue;
		}
		w->done += b;
	}
	w->elapsed = now_s() - t0;
	mysql_close(my);
	return NULL;
}

static void batch_tail(struct worker *w, MYSQL *my, struct stmt *m, struct stmt *o,
                       struct stmt *del, unsigned b, MYSQL_TIME *tsp, int64_t *offset)
{
	MYSQL_TIME ts = *tsp;
	for (unsigned i = 0; i < b; i++) {
		p_str(m, "raw-baseline", 12);
		p_str(m, "raw-baseline", 12);
		p_int(m, (int64_t)w->index);
		p_int(m, (*offset)++);
		p_str(m, TENANT, 36);
		p_time(m, &ts);
		p_str(o, "00000000-0000-4000-8000-000000000000", 36);
		p_str(o, TENANT, 36);
		p_str(o, "raw-baseline", 12);
		p_str(o, "12345", 5);
		p_str(o, HEADERS, sizeof HEADERS);
		p_str(o, PAYLOAD_BYTES, sizeof PAYLOAD_BYTES);
		p_time(o, &ts);
	}
	exec(m, NULL, 0, NULL);
	uint64_t first = 0;
	exec(o, NULL, 0, &first);
	if (tl_failed)
		return;
	if (mysql_query(my, "COMMIT")) {
		if (mysql_errno(my) == 1213 || mysql_errno(my) == 1205) {
			tl_failed = true;
			return;
		}
		die("COMMIT: %s", mysql_error(my));
	}
	/* the publisher's DELETE once delivered (always a full chunk of ids) */
	for (unsigned i = 0; i < opt.batch; i++)
		p_int(del, (int64_t)(first + (i < b ? i : 0)));
	exec(del, NULL, 0, NULL);
	tl_failed = false; /* autocommit: a failed DELETE leaves rows behind, nothing else */
}

static void reload(struct stmt *sel_slots, struct character *ch)
{
	int64_t slots[CAP + 1];
	p_str(sel_slots, TENANT, 36);
	p_str(sel_slots, ch->comp, 36);
	p_int(sel_slots, CAP);
	unsigned n = exec1(sel_slots, slots, CAP + 1);
	memset(ch->tmpl_slot, 0, sizeof ch->tmpl_slot);
	ch->n = 0;
	for (unsigned k = 0; k < n && k <= CAP; k++)
		if (slots[k] >= 1 && slots[k] <= CAP) {
			ch->tmpl_slot[slots[k]] = 1;
			ch->n++;
		}
}

static unsigned arg_uint(const char *name, const char *v)
{
	char *end;
	unsigned long n = v ? strtoul(v, &end, 10) : 0;
	if (v == NULL || *end || n == 0 || n > 100000000)
		die("%s needs a positive number", name);
	return (unsigned)n;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--characters") == 0)
			opt.characters = arg_uint(a, v), i++;
		else if (strcmp(a, "--commands") == 0)
			opt.commands = arg_uint(a, v), i++;
		else if (strcmp(a, "--threads") == 0)
			opt.threads = arg_uint(a, v), i++;
		else if (strcmp(a, "--batch") == 0)
			opt.batch = arg_uint(a, v), i++;
		else if (strcmp(a, "--mix") == 0 && v) {
			if (sscanf(v, "create=%u,move=%u", &opt.w_create, &opt.w_move) != 2 ||
			    opt.w_create + opt.w_move == 0)
				die("--mix create=W,move=W");
			i++;
		} else {
			fprintf(stderr, "usage: raw-baseline [--characters N] [--commands M] [--threads T] "
			                "[--batch B (<= %d)] [--mix create=W,move=W]\n",
			        MAX_BATCH);
			return 2;
		}
	}
	if (opt.batch > MAX_BATCH || opt.threads > 64)
		die("--batch at most %d, --threads at most 64", MAX_BATCH);
	MYSQL *my = connect_db();
	query(my, "DELETE FROM assets WHERE tenant_id = '5a1e0000-0000-4000-8000-000000000b5e'");
	query(my, "DELETE FROM compartments WHERE tenant_id = '5a1e0000-0000-4000-8000-000000000b5e'");
	chars = calloc(opt.characters, sizeof *chars);
	if (chars == NULL)
		die("out of memory");
	char sql[256];
	query(my, "START TRANSACTION");
	for (unsigned c = 0; c < opt.characters; c++) {
		snprintf(chars[c].comp, sizeof chars[c].comp, "5a1e0000-0000-4000-8000-%012u", c);
		snprintf(sql, sizeof sql,
		         "INSERT INTO compartments VALUES ('%s', '%s', %u, %d, %d)", TENANT,
		         chars[c].comp, c + 1, USE_TYPE, CAP);
		query(my, sql);
	}
	query(my, "COMMIT");
	struct worker *w = calloc(opt.threads, sizeof *w);
	if (w == NULL)
		die("out of memory");
	memset(PAYLOAD_BYTES, 'x', sizeof PAYLOAD_BYTES);
	double t0 = now_s();
	for (unsigned i = 0; i < opt.threads; i++) {
		w[i].index = i;
		w[i].seed = 0x9e3779b97f4a7c15ull * (i + 1);
		if (pthread_create(&w[i].th, NULL, work, &w[i]))
			die("pthread_create");
	}
	unsigned done = 0, retries = 0;
	for (unsigned i = 0; i < opt.threads; i++) {
		pthread_join(w[i].th, NULL);
		done += w[i].done;
		retries += w[i].retries;
	}
	double el = now_s() - t0;
	printf("raw baseline: %u commands in %.2f s = %.0f commands/s (%u threads, batch %u, "
	       "create=%u,move=%u, %u characters; %u batches redone after a deadlock)\n",
	       done, el, done / el, opt.threads, opt.batch, opt.w_create, opt.w_move, opt.characters,
	       retries);
	query(my, "DELETE FROM assets WHERE tenant_id = '5a1e0000-0000-4000-8000-000000000b5e'");
	query(my, "DELETE FROM compartments WHERE tenant_id = '5a1e0000-0000-4000-8000-000000000b5e'");
	query(my, "DELETE FROM coffer_processed WHERE cluster_id = 'raw-baseline'");
	mysql_close(my);
	free(w);
	free(chars);
	return 0;
}
