/* SPDX-License-Identifier: MIT */
/* tests/plugins/compartment/test_compartment_concurrency.c: MOVE (compartment), CREATE_ASSET and
 * DESTROY (asset) for one character, handled on several threads at once, end as if applied one
 * by one in commit order (kafka-contract.md#locking: the compartment row lock orders them).
 *
 * The fake host runs one message at a time on one connection, so this test drives the host's
 * own pieces directly: the registry the fake host filled (reg_find, the loaded plugins) and one
 * database connection and struct coffer_txn per thread, as cofferd's workers do. Commits are
 * logged in order under a mutex held across COMMIT; the log is then replayed one by one through
 * the fake host under the second tenant (same character id), and the final rows and every event
 * (ids renamed in order of appearance) must be equal.
 *
 * Nothing asserted may depend on the scheduler (the suite runs beside a CPU hog): the threads
 * meet at a barrier every ROUND commands, so every round's commits come from all of them and the
 * log interleaves whatever the scheduler does; counts that depend on the commit order (how many
 * events, how many assets are left) are compared with the replay, not with a fixed number. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "compartment_fixture.h"
#include "db.h"
#include "registry.h"
#include "util.h"

#define THREADS 4
#define PER_THREAD 40
/* MOVE and DESTROY aim at the first slots so that commands collide on the same assets. */
#define HOT_SLOTS 8
/* Commands per thread between two barriers: PER_THREAD / ROUND rounds, all threads in each. */
#define ROUND 10

struct logged {
	int thread;     /* which worker committed it */
	json_t *msg;    /* the command */
	json_t *events; /* what its committed transaction emitted, in order */
};

static pthread_mutex_t commit_lock = PTHREAD_MUTEX_INITIALIZER;
static struct logged commits[THREADS * PER_THREAD];
static size_t ncommits;
static char dbname[65];
static pthread_barrier_t round_barrier;

struct worker {
	int idx;
	uint32_t character;
	json_t *msgs[PER_THREAD];
	int failures, retries;
};

/* ------------------------------------------------------------------ the fake host's database */

static int schema_row(void *ud, const struct coffer_row *row)
{
	char *out = ud;
	size_t n = row->col[0].t == COFFER_V_STR ? row->col[0].v.s.n : 0;
	if (n >= sizeof dbname)
		n = 0;
	memcpy(out, row->col[0].v.s.p, n);
	out[n] = '\0';
	return 1;
}

/* The name of the database fh_setup made: found through a table created in it. */
static int find_database(void)
{
	char marker[64];
	snprintf(marker, sizeof marker, "conc_marker_%d_%ld", (int)getpid(), random());
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE TABLE %s (x INT)", marker);
	if (fh_exec(sql, NULL, 0) != 0)
		return -1;
	struct db_params p;
	db_params_from_env(&p);
	p.name = NULL;
	struct db_conn *c = db_new(&p, "probe");
	dbname[0] = '\0';
	int rc = db_ensure(c, NULL);
	if (rc == 0)
		rc = db_select(c, "SELECT TABLE_SCHEMA FROM information_schema.TABLES WHERE TABLE_NAME = ?",
		               COFFER_ARGS(COFFER_S(marker)), schema_row, dbname);
	db_free(c);
	return dbname[0] ? 0 : -1;
}

/* ------------------------------------------------------------------ commands */

static json_t *command(uint32_t character, const char *type, json_t *body)
{
	char t[37];
	cu_uuid_new(t);
	return json_pack("{s:s,s:I,s:i,s:s,s:o}", "transactionId", t, "characterId",
	                 (json_int_t)character, "inventoryType", 2, "type", type, "body", body);
}

static json_t *random_command(uint32_t character, unsigned *seed)
{
	int kind = rand_r(seed) % 10;
	if (kind < 4) {
		int s = 1 + rand_r(seed) % HOT_SLOTS, d = 1 + rand_r(seed) % HOT_SLOTS;
		if (d == s)
			d = d % HOT_SLOTS + 1;
		return command(character, "MOVE", json_pack("{s:i,s:i}", "source", s, "destination", d));
	}
	if (kind < 8)
		return command(character, "CREATE_ASSET",
		               json_pack("{s:i,s:i,s:s,s:i,s:i,s:i}", "templateId",
		                         2000000 + rand_r(seed) % 2, "quantity", 1 + rand_r(seed) % 60,
		                         "expiration", "0001-01-01T00:00:00Z", "ownerId", 0, "flag", 0,
		                         "rechargeable", 0));
	return command(character, "DESTROY",
	               json_pack("{s:i,s:i,s:b}", "slot", 1 + rand_r(seed) % HOT_SLOTS, "quantity",
	                         rand_r(seed) % 30, "removeAll", 0));
}

/* ------------------------------------------------------------------ the workers */

static void record(int thread, json_t *msg, const struct coffer_txn *t)
{
	struct logged *l = &commits[ncommits++];
	l->thread = thread;
	l->msg = json_incref(msg);
	l->events = json_array();
	for (size_t i = 0; i < t->nev; i++)
		json_array_append(l->events, t->ev[i].value);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct db_params p;
	db_params_from_env(&p);
	p.name = dbname;
	struct db_conn *conn = db_new(&p, "worker");
	if (db_ensure(conn, NULL) != 0) {
		/* Still meet the others at every barrier, or they would wait forever. */
		w->failures++;
		for (int i = 0; i < PER_THREAD; i += ROUND)
			pthread_barrier_wait(&round_barrier);
		db_free(conn);
		return NULL;
	}
	struct coffer_txn t;
	memset(&t, 0, sizeof t);
	struct coffer_tenant tenant = {.id = FH_TENANT, .region = "GMS", .major = 83, .minor = 1};
	for (int i = 0; i < PER_THREAD; i++) {
		if (i % ROUND == 0)
			pthread_barrier_wait(&round_barrier); /* outside any transaction */
		json_t *m = w->msgs[i];
		const char *type = json_string_value(json_object_get(m, "type"));
		const struct handler *h = reg_find(CF_CMD, type);
		if (h == NULL) {
			w->failures++;
			continue;
		}
		struct coffer_msg msg = {.topic_var = CF_CMD, .topic = CF_CMD, .partition = w->idx,
		                         .offset = i, .type = type, .json = m, .tenant = &tenant,
		                         .now_us = fh_now()};
		bool done = false;
		for (int attempt = 0; !done && attempt < 200; attempt++) {
			txn_init(&t, conn, msg.now_us, h->owner->ctx, &msg);
			if (db_begin(conn) != 0) {
				db_ensure(conn, NULL);
				continue;
			}
			enum coffer_outcome o = h->fn(h->owner->ctx, &t, &msg, h->ud);
			if (o == COFFER_DONE) {
				/* Held across COMMIT: the log order is the commit order. */
				pthread_mutex_lock(&commit_lock);
				done = db_commit(conn) == 0;
				if (done)
					record(w->idx, m, &t);
				pthread_mutex_unlock(&commit_lock);
			} else {
				db_rollback(conn);
				if (o != COFFER_RETRY) {
					w->failures++; /* a valid command is never bad input */
					done = true;
				}
			}
			if (!done)
				w->retries++;
			txn_clear_events(&t);
		}
		if (!done)
			w->failures++;
	}
	txn_free(&t);
	db_free(conn);
	return NULL;
}

/* ------------------------------------------------------------------ comparing */

/* Asset ids (and reference ids, which are asset ids here) renamed in order of appearance. */
struct idmap {
	uint32_t ids[THREADS * PER_THREAD * 2];
	size_t n;
};

static json_int_t rename_id(struct idmap *m, json_int_t id)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->ids[i] == (uint32_t)id)
			return (json_int_t)i + 1;
	m->ids[m->n++] = (uint32_t)id;
	return (json_int_t)m->n;
}

static char *normalised(const json_t *ev, struct idmap *m)
{
	json_t *c = json_deep_copy(ev);
	if (json_object_get(c, "compartmentId"))
		json_object_set_new(c, "compartmentId", json_string("C"));
	json_t *id = json_object_get(c, "assetId");
	if (id)
		json_object_set_new(c, "assetId", json_integer(rename_id(m, json_integer_value(id))));
	json_t *body = json_object_get(c, "body");
	json_t *ref = json_object_get(body, "referenceId");
	if (ref)
		json_object_set_new(body, "referenceId", json_integer(rename_id(m, json_integer_value(ref))));
	char *s = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	return s;
}

static int64_t bag_fingerprint(const char *tenant, uint32_t character)
{
	return fh_scalar("SELECT CRC32(COALESCE(GROUP_CONCAT(CONCAT_WS(':', a.slot, a.template_id, "
	                 "a.quantity, a.kind) ORDER BY a.slot), '')) FROM assets a JOIN compartments c "
	                 "ON c.tenant_id = a.tenant_id AND c.id = a.compartment_id WHERE a.tenant_id = ? "
	                 "AND c.character_id = ?",
	                 COFFER_ARGS(COFFER_S(tenant), COFFER_U(character)), -1);
}

static void test_concurrent_commands_end_as_if_applied_one_by_one_in_commit_order(void **state)
{
	(void)state;
	assert_int_equal(find_database(), 0);
	uint32_t ch = cf_next_character();
	struct cf_inv one, two;
	cf_inventory(FH_TENANT, ch, &one);
	cf_inventory(FH_TENANT2, ch, &two);

	struct worker w[THREADS];
	pthread_t th[THREADS];
	for (int k = 0; k < THREADS; k++) {
		memset(&w[k], 0, sizeof w[k]);
		w[k].idx = k;
		w[k].character = ch;
		unsigned seed = 7919u * (unsigned)(k + 1);
		for (int i = 0; i < PER_THREAD; i++)
			w[k].msgs[i] = random_command(ch, &seed);
	}
	assert_int_equal(pthread_barrier_init(&round_barrier, NULL, THREADS), 0);
	for (int k = 0; k < THREADS; k++)
		assert_int_equal(pthread_create(&th[k], NULL, work, &w[k]), 0);
	int retries = 0;
	for (int k = 0; k < THREADS; k++) {
		pthread_join(th[k], NULL);
		assert_int_equal(w[k].failures, 0);
		retries += w[k].retries;
	}
	pthread_barrier_destroy(&round_barrier);
	assert_int_equal(ncommits, THREADS * PER_THREAD);
	/* The workers interleaved: each round's ROUND * THREADS commits come from every thread (the
	 * barriers), so the log switches threads at least THREADS - 1 times a round. */
	size_t switches = 0;
	for (size_t i = 1; i < ncommits; i++)
		switches += commits[i].thread != commits[i - 1].thread;
	print_message("%zu commits, %zu thread switches, %d retries, %lld assets left\n", ncommits,
	              switches, retries, (long long)cf_count_assets(&one));
	assert_true(switches >= (size_t)(THREADS - 1) * (PER_THREAD / ROUND));
	assert_int_equal(fh_scalar("SELECT COUNT(*) FROM assets WHERE slot = ?",
	                           COFFER_ARGS(COFFER_I(COFFER_SLOT_TEMP)), -1),
	                 0);

	/* The same commands one by one, in commit order, for the other tenant. */
	struct idmap *mc = calloc(1, sizeof *mc), *ms = calloc(1, sizeof *ms);
	size_t events = 0;
	for (size_t i = 0; i < ncommits; i++) {
		fh_clear();
		assert_int_equal(fh_send_json(CF_CMD, commits[i].msg, FH_TENANT2), COFFER_DONE);
		size_t n = json_array_size(commits[i].events);
		assert_int_equal(fh_count(), n);
		for (size_t e = 0; e < n; e++) {
			char *a = normalised(json_array_get(commits[i].events, e), mc);
			char *b = normalised(fh_event(e)->value, ms);
			assert_string_equal(a, b);
			free(a);
			free(b);
		}
		events += n;
	}
	/* How many depends on the commit order (a MOVE from a slot emptied before it emits nothing);
	 * the first CREATE_ASSET in commit order always finds room. */
	assert_true(events > 0);
	assert_int_equal(bag_fingerprint(FH_TENANT, ch), bag_fingerprint(FH_TENANT2, ch));
	assert_int_equal(cf_count_assets(&one), cf_count_assets(&two));
	free(mc);
	free(ms);
	for (size_t i = 0; i < ncommits; i++) {
		json_decref(commits[i].msg);
		json_decref(commits[i].events);
	}
	for (int k = 0; k < THREADS; k++)
		for (int i = 0; i < PER_THREAD; i++)
			json_decref(w[k].msgs[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_concurrent_commands_end_as_if_applied_one_by_one_in_commit_order, cf_reset),
	};
	return cmocka_run_group_tests_name("test_compartment_concurrency", tests, cf_setup,
	                                   cf_teardown);
}
