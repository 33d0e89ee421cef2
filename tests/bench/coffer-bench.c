/* SPDX-License-Identifier: MIT */
/* tests/bench/coffer-bench.c: drive inventory commands through Kafka against a
 * running cofferd and measure it (not part of make check; contrib/bench runs it).
 *
 * Creates N characters (EVENT_TOPIC_CHARACTER_STATUS CREATED, waits for every
 * inventory CREATED), then sends a configurable mix of compartment commands
 * (--mix create=30,move=25,equip=10,...) at a target rate or as fast as a
 * bounded window of unfinished commands allows. The window keeps cofferd's
 * consumer and ours close behind the embedded Kafka's small retention, which
 * otherwise skips silently to the end.
 *
 * The bench keeps a model of every character's USE compartment, its open
 * reservations and one weapon, and only sends commands that must succeed, so
 * it knows how many events each command must cause (MERGE and SORT: one MOVED
 * per slot that changes, plus the COMPLETE event). Events are matched to their
 * command by transactionId, which encodes a run id and the command's index.
 * A command is finished when all its events arrived. Anything else is a
 * failure reported loudly with a non-zero exit: a command with missing events,
 * an event nobody expected, an ERROR event.
 *
 * Prints commands/s, p50/p99/max latency from a command to its first event and
 * to its last, and cofferd's peak RSS (VmHWM of --pid). */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include "kafka.h"
#include "util.h"

#define MAX_CAP 96
#define MAX_RESV 4
/* Reservations live 30 s (docs/kafka-contract.md#reservations): older ones are never cancelled or
 * consumed, their units stay counted as reserved (the model stays safe). */
#define RESV_USE_US (20 * 1000000LL)
#define USE_BASE 2000000u
/* contrib/templates/sample.sql: Sword, worn at -11. */
#define WEAPON 1302000u
#define WEAPON_POS (-11)

enum kind { K_CREATE, K_MOVE, K_EQUIP, K_RESERVE, K_CANCEL, K_CONSUME, K_DESTROY, K_RECHARGE,
            K_MERGE, K_SORT, K_CAPACITY, K_N };
static const char *const kind_names[K_N] = {"create", "move", "equip", "reserve",
                                            "cancel", "consume", "destroy", "recharge",
                                            "merge", "sort", "capacity"};
static const char *const default_mix =
	"create=30,move=25,equip=10,reserve=10,cancel=5,consume=5,destroy=4,recharge=4,merge=3,"
	"sort=2,capacity=2";

/* One command sent (indexed by its sequence number, encoded in its transactionId). */
struct cmd {
	int64_t sent_us, first_us, last_us;
	uint32_t character;
	uint16_t expected, got;
	uint8_t kind;
	const char *type;
	uint32_t redirect;  /* a later command reusing this transactionId (CANCEL, CONSUME) + 1 */
};

struct resv {
	uint32_t seq;       /* the REQUEST_RESERVE */
	uint32_t tmpl;
};

/* What the bench knows of one character. */
struct character {
	unsigned cap;                    /* USE capacity */
	uint32_t tmpl[MAX_CAP + 1];      /* USE slot -> template (0: empty); templates are unique */
	uint32_t qty[MAX_CAP + 1];
	uint32_t reserved[MAX_CAP + 1];  /* units held by reservations, never released (safe side) */
	uint32_t next_tmpl;
	struct resv resv[MAX_RESV];
	unsigned nresv;
	int weapon;                      /* 0 none, 1 in EQUIP bag slot 1, 2 worn */
};

static struct {
	const char *bootstrap;
	unsigned characters;
	unsigned commands;
	unsigned rate;       /* commands/s, 0 = as fast as the window allows */
	unsigned window;     /* max unfinished commands */
	int pid;
	const char *tenant;
	uint32_t first_char;
	const char *mix;
	uint64_t seed;
	unsigned wait_s;     /* how long to wait for the last events */
	const char *trace;   /* per-command timings, one line each */
	unsigned warmup;     /* commands sent and awaited before the clock starts */
} opt = {NULL, 1000, 20000, 0, 256, 0, "0b5e4c1a-7d2f-4c3e-9a8b-1f2e3d4c5b6a", 500000, NULL,
         88172645463325252ull, 60, NULL, 200};

static rd_kafka_t *prod, *cons;
static struct cmd *cmds;
static uint32_t ncmds;
static unsigned unfinished;
static uint32_t run_id;
static struct character *chars;
static unsigned inventories_seen;
static unsigned long events_total, events_unexpected, events_error, events_foreign;
static unsigned weights[K_N], weight_sum;
static unsigned sent_kind[K_N];

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *topic(const char *var)
{
	const char *v = getenv(var);
	return v && *v ? v : var;
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}
static unsigned below(unsigned n) { return n ? (unsigned)(rnd() % n) : 0; }

static void send_json(const char *topic_var, uint32_t key, json_t *msg)
{
	char *payload = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	uint8_t k[8];
	cu_key_encode(key, k);
	rd_kafka_headers_t *h = rd_kafka_headers_new(4);
	uint8_t ver[2] = {0, 83}, minor[2] = {0, 1};
	rd_kafka_header_add(h, "TENANT_ID", -1, opt.tenant, 36);
	rd_kafka_header_add(h, "REGION", -1, "GMS", 3);
	rd_kafka_header_add(h, "MAJOR_VERSION", -1, ver, 2);
	rd_kafka_header_add(h, "MINOR_VERSION", -1, minor, 2);
	for (;;) {
		rd_kafka_resp_err_t err = rd_kafka_producev(
			prod, RD_KAFKA_V_TOPIC(topic(topic_var)), RD_KAFKA_V_KEY(k, 8),
			RD_KAFKA_V_VALUE(payload, strlen(payload)), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_FREE),
			RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
			return;
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			fprintf(stderr, "bench: produce: %s\n", rd_kafka_err2str(err));
			exit(1);
		}
		rd_kafka_poll(prod, 10);
	}
}

/* transactionId of command @p seq: run id, then the index in the last group. */
static void txn_of(uint32_t seq, char out[37])
{
	snprintf(out, 37, "%08x-0000-4000-8000-%012x", run_id, seq);
}

/* The command an event's transactionId names, or -1 when it is not one of ours. */
static long seq_of(const char *txn)
{
	char want[10];
	snprintf(want, sizeof want, "%08x-", run_id);
	if (txn == NULL || strlen(txn) != 36 || strncmp(txn, want, 9) != 0)
		return -1;
	unsigned long long seq = strtoull(txn + 24, NULL, 16);
	return seq < ncmds ? (long)seq : -1;
}

static void on_command_event(const char *txn, const char *type, const char *topic_name)
{
	long s = seq_of(txn);
	if (s < 0) {
		events_foreign++;
		return;
	}
	/* CANCEL and CONSUME answer with the reservation's transactionId. */
	while (cmds[s].got >= cmds[s].expected && cmds[s].redirect)
		s = (long)cmds[s].redirect - 1;
	struct cmd *c = &cmds[s];
	if (type && strcmp(type, "ERROR") == 0) {
		events_error++;
		if (events_error <= 5)
			fprintf(stderr, "bench: ERROR event for %s %s on %s\n", c->type, txn, topic_name);
	}
	if (c->got >= c->expected) {
		events_unexpected++;
		if (events_unexpected <= 5)
			fprintf(stderr, "bench: unexpected %s event on %s for %s %s (expected %u)\n",
			        type ? type : "?", topic_name, c->type, txn, c->expected);
		return;
	}
	int64_t now = mono_us();
	if (c->got++ == 0)
		c->first_us = now;
	if (c->got == c->expected) {
		c->last_us = now;
		unfinished--;
	}
}

/* Read what arrived. */
static void drain(int timeout_ms)
{
	rd_kafka_message_t *m = rd_kafka_consumer_poll(cons, timeout_ms);
	for (; m != NULL; m = rd_kafka_consumer_poll(cons, 0)) {
		if (m->err) {
			if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
				/* Offset out of range and the like: events were skipped. */
				fprintf(stderr, "bench: consumer error: %s\n", rd_kafka_message_errstr(m));
				events_unexpected++;
			}
		} else if (m->payload) {
			json_t *v = json_loadb(m->payload, m->len, 0, NULL);
			const char *tn = rd_kafka_topic_name(m->rkt);
			const char *ty = json_string_value(json_object_get(v, "type"));
			events_total++;
			if (strcmp(tn, topic("EVENT_TOPIC_INVENTORY_STATUS")) == 0) {
				json_int_t ch = json_integer_value(json_object_get(v, "characterId"));
				if (ty && strcmp(ty, "CREATED") == 0 && ch >= opt.first_char &&
				    ch < (json_int_t)opt.first_char + opt.characters)
					inventories_seen++;
			} else {
				const char *txn = json_string_value(json_object_get(v, "transactionId"));
				if (txn)
					on_command_event(txn, ty, tn);
				else
					events_foreign++;
			}
			json_decref(v);
		}
		rd_kafka_message_destroy(m);
	}
}

static rd_kafka_t *make(rd_kafka_type_t type)
{
	char err[512];
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	rd_kafka_conf_set(c, "bootstrap.servers", opt.bootstrap, err, sizeof err);
	/* Low-latency clients, so that the bench does not hide cofferd's latency. */
	rd_kafka_conf_set(c, "socket.nagle.disable", "true", err, sizeof err);
	if (type == RD_KAFKA_PRODUCER) {
		rd_kafka_conf_set(c, "linger.ms", "0", err, sizeof err);
		rd_kafka_conf_set(c, "partitioner", "murmur2_random", err, sizeof err);
	} else {
		rd_kafka_conf_set(c, "group.id", "coffer-bench", err, sizeof err);
		rd_kafka_conf_set(c, "fetch.wait.max.ms", "1", err, sizeof err);
		rd_kafka_conf_set(c, "enable.auto.commit", "false", err, sizeof err);
	}
	rd_kafka_t *rk = cu_kafka_new(type, c, NULL, err, sizeof err);
	if (rk == NULL) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	return rk;
}

/* Assign every partition of the event topics at their end (no group join wait). */
static void assign_end(void)
{
	const char *vars[] = {"EVENT_TOPIC_ASSET_STATUS", "EVENT_TOPIC_COMPARTMENT_STATUS",
	                      "EVENT_TOPIC_INVENTORY_STATUS"};
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(16);
	for (size_t i = 0; i < 3; i++) {
		rd_kafka_topic_t *t = rd_kafka_topic_new(cons, topic(vars[i]), NULL);
		const rd_kafka_metadata_t *md;
		int parts = 0;
		if (rd_kafka_metadata(cons, 0, t, &md, 5000) == 0) {
			parts = md->topics[0].err ? 0 : md->topics[0].partition_cnt;
			for (int p = 0; p < parts; p++)
				rd_kafka_topic_partition_list_add(l, topic(vars[i]), p)->offset =
					RD_KAFKA_OFFSET_END;
			rd_kafka_metadata_destroy(md);
		}
		rd_kafka_topic_destroy(t);
		if (parts == 0) {
			/* Without it we would miss every event of the topic. */
			fprintf(stderr, "bench: topic %s does not exist (cofferd --embedded-kafka creates it)\n",
			        topic(vars[i]));
			exit(1);
		}
	}
	rd_kafka_assign(cons, l);
	rd_kafka_topic_partition_list_destroy(l);
}

static long peak_rss_kb(int pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

static double loadavg1(void)
{
	double l = -1;
	FILE *f = fopen("/proc/loadavg", "r");
	if (f && fscanf(f, "%lf", &l) != 1)
		l = -1;
	if (f)
		fclose(f);
	return l;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int parse_mix(const char *spec)
{
	memset(weights, 0, sizeof weights);
	char *s = strdup(spec), *save = NULL;
	for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int k = -1;
		if (eq) {
			*eq = '\0';
			for (int i = 0; i < K_N; i++)
				if (strcmp(tok, kind_names[i]) == 0)
					k = i;
		}
		char *end = NULL;
		long w = eq ? strtol(eq + 1, &end, 10) : -1;
		if (k < 0 || w < 0 || end == eq + 1 || *end) {
			fprintf(stderr, "bench: bad --mix item \"%s\"; kinds:", tok);
			for (int i = 0; i < K_N; i++)
				fprintf(stderr, " %s", kind_names[i]);
			fprintf(stderr, "\n");
			free(s);
			return -1;
		}
		weights[k] = (unsigned)w;
	}
	free(s);
	weight_sum = 0;
	for (int i = 0; i < K_N; i++)
		weight_sum += weights[i];
	if (weight_sum == 0) {
		fprintf(stderr, "bench: --mix has no positive weight\n");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ the model */

static unsigned occupied(const struct character *c)
{
	unsigned n = 0;
	for (unsigned s = 1; s <= c->cap; s++)
		n += c->tmpl[s] != 0;
	return n;
}

static unsigned free_slot(const struct character *c)
{
	for (unsigned s = 1; s <= c->cap; s++)
		if (c->tmpl[s] == 0)
			return s;
	return 0;
}

/* A random occupied slot (0: none); with @p unreserved, one without reservations,
 * with @p available, one with a unit to reserve. */
static unsigned pick_item(const struct character *c, bool unreserved, bool available)
{
	unsigned cand[MAX_CAP], n = 0;
	for (unsigned s = 1; s <= c->cap; s++) {
		if (c->tmpl[s] == 0)
			continue;
		if (unreserved && c->reserved[s])
			continue;
		if (available && c->qty[s] <= c->reserved[s])
			continue;
		cand[n++] = s;
	}
	return n ? cand[below(n)] : 0;
}

static unsigned slot_of_tmpl(const struct character *c, uint32_t tmpl)
{
	for (unsigned s = 1; s <= c->cap; s++)
		if (c->tmpl[s] == tmpl)
			return s;
	return 0;
}

static void swap_slots(struct character *c, unsigned a, unsigned b)
{
	uint32_t t;
	t = c->tmpl[a], c->tmpl[a] = c->tmpl[b], c->tmpl[b] = t;
	t = c->qty[a], c->qty[a] = c->qty[b], c->qty[b] = t;
	t = c->reserved[a], c->reserved[a] = c->reserved[b], c->reserved[b] = t;
}

/* 9.12.1: occupied slots move down to 1..n in order; one MOVED per asset moved. */
static unsigned compact(struct character *c)
{
	unsigned k = 0, moves = 0;
	for (unsigned s = 1; s <= c->cap; s++) {
		if (c->tmpl[s] == 0)
			continue;
		if (++k != s) {
			swap_slots(c, k, s);
			moves++;
		}
	}
	return moves;
}

/* 9.13 step 2 on a compacted bag: selection sort, one MOVED per exchange. */
static unsigned selection_sort(struct character *c)
{
	unsigned n = occupied(c), swaps = 0;
	for (unsigned i = 1; i < n; i++) {
		unsigned m = i;
		for (unsigned j = i + 1; j <= n; j++)
			if (c->tmpl[j] < c->tmpl[m])
				m = j;
		if (m != i) {
			swap_slots(c, i, m);
			swaps++;
		}
	}
	return swaps;
}

/* Reservations still safe to cancel or consume (answered, younger than RESV_USE_US). */
static int usable_resv(struct character *c, int64_t now)
{
	unsigned keep = 0;
	for (unsigned i = 0; i < c->nresv; i++)
		if (now - cmds[c->resv[i].seq].sent_us < RESV_USE_US)
			c->resv[keep++] = c->resv[i];
	c->nresv = keep;
	unsigned cand[MAX_RESV], n = 0;
	for (unsigned i = 0; i < c->nresv; i++) {
		const struct cmd *r = &cmds[c->resv[i].seq];
		if (r->got == r->expected && slot_of_tmpl(c, c->resv[i].tmpl))
			cand[n++] = i;
	}
	return n ? (int)cand[below(n)] : -1;
}

static void drop_resv_of(struct character *c, uint32_t tmpl)
{
	unsigned keep = 0;
	for (unsigned i = 0; i < c->nresv; i++)
		if (c->resv[i].tmpl != tmpl)
			c->resv[keep++] = c->resv[i];
	c->nresv = keep;
}

static json_t *envelope(uint32_t ch, int inv_type, const char *type, json_t *body, const char *txn)
{
	return json_pack("{s:s, s:I, s:i, s:s, s:o}", "transactionId", txn, "characterId",
	                 (json_int_t)ch, "inventoryType", inv_type, "type", type, "body", body);
}

/* Build the next command of kind @p k for character @p ci, or NULL when the
 * model says it cannot succeed now (the caller falls back to another kind). */
static json_t *build(unsigned ci, enum kind k, struct cmd *c, uint32_t seq)
{
	struct character *ch = &chars[ci];
	uint32_t cid = opt.first_char + ci;
	char txn[37];
	txn_of(seq, txn);
	c->expected = 1;
	int64_t now = mono_us();
	switch (k) {
	case K_CREATE: {
		unsigned s = free_slot(ch);
		if (s == 0 || ch->next_tmpl >= 999999)
			return NULL;
		uint32_t t = USE_BASE + ch->next_tmpl++;
		ch->tmpl[s] = t;
		ch->qty[s] = 10;
		ch->reserved[s] = 0;
		c->type = "CREATE_ASSET";
		/* A distinct template per asset: MOVE and MERGE never merge, so each
		 * command's events are known in advance. */
		return envelope(cid, 2, "CREATE_ASSET",
		                json_pack("{s:I, s:i, s:s, s:i, s:i, s:i}", "templateId", (json_int_t)t,
		                          "quantity", 10, "expiration", "0001-01-01T00:00:00Z", "ownerId", 0,
		                          "flag", 0, "rechargeable", 0),
		                txn);
	}
	case K_MOVE: {
		unsigned a = pick_item(ch, false, false);
		if (a == 0 || ch->cap < 2)
			return NULL;
		unsigned b = 1 + below(ch->cap - 1);
		if (b >= a)
			b++;
		swap_slots(ch, a, b);
		c->type = "MOVE";
		return envelope(cid, 2, "MOVE", json_pack("{s:i, s:i}", "source", a, "destination", b),
		                txn);
	}
	case K_EQUIP:
		if (ch->weapon == 0) {
			ch->weapon = 1; /* EQUIP compartment, bag slot 1 (the first free one) */
			c->type = "CREATE_ASSET";
			return envelope(cid, 1, "CREATE_ASSET",
			                json_pack("{s:I, s:i, s:s, s:i, s:i, s:i}", "templateId",
			                          (json_int_t)WEAPON, "quantity", 1, "expiration",
			                          "0001-01-01T00:00:00Z", "ownerId", 0, "flag", 0,
			                          "rechargeable", 0),
			                txn);
		}
		if (ch->weapon == 1) {
			ch->weapon = 2;
			c->type = "EQUIP";
			return envelope(cid, 1, "EQUIP",
			                json_pack("{s:i, s:i}", "source", 1, "destination", WEAPON_POS), txn);
		}
		ch->weapon = 1;
		c->type = "UNEQUIP";
		return envelope(cid, 1, "UNEQUIP",
		                json_pack("{s:i, s:i}", "source", WEAPON_POS, "destination", 1), txn);
	case K_RESERVE: {
		unsigned s = pick_item(ch, false, true);
		if (s == 0 || ch->nresv == MAX_RESV)
			return NULL;
		ch->reserved[s]++;
		ch->resv[ch->nresv++] = (struct resv){seq, ch->tmpl[s]};
		c->type = "REQUEST_RESERVE";
		return envelope(cid, 2, "REQUEST_RESERVE",
		                json_pack("{s:s, s:[{s:i, s:I, s:i}]}", "transactionId", txn, "items",
		                          "source", s, "itemId", (json_int_t)ch->tmpl[s], "quantity", 1),
		                txn);
	}
	case K_CANCEL:
	case K_CONSUME: {
		int r = usable_resv(ch, now);
		if (r < 0)
			return NULL;
		struct resv rv = ch->resv[r];
		ch->resv[r] = ch->resv[--ch->nresv];
		unsigned s = slot_of_tmpl(ch, rv.tmpl);
		/* The answer carries the reservation's transactionId: route it here. */
		cmds[rv.seq].redirect = seq + 1;
		txn_of(rv.seq, txn);
		ch->reserved[s]--;
		if (k == K_CANCEL) {
			c->type = "CANCEL_RESERVATION";
		} else {
			c->type = "CONSUME";
			if (ch->qty[s] <= 1) {
				drop_resv_of(ch, ch->tmpl[s]);
				ch->tmpl[s] = ch->qty[s] = ch->reserved[s] = 0;
			} else {
				ch->qty[s]--;
			}
		}
		return envelope(cid, 2, c->type, json_pack("{s:s, s:i}", "transactionId", txn, "slot", s),
		                txn);
	}
	case K_DESTROY: {
		/* Keep a few items around for the other kinds. */
		unsigned s = occupied(ch) > 4 ? pick_item(ch, true, false) : 0;
		if (s == 0)
			return NULL;
		ch->tmpl[s] = ch->qty[s] = ch->reserved[s] = 0;
		c->type = "DESTROY";
		return envelope(cid, 2, "DESTROY",
		                json_pack("{s:i, s:i, s:b}", "slot", s, "quantity", 0, "removeAll", 1), txn);
	}
	case K_RECHARGE: {
		unsigned s = pick_item(ch, false, false);
		if (s == 0)
			return NULL;
		ch->qty[s] += 5;
		c->type = "RECHARGE";
		return envelope(cid, 2, "RECHARGE", json_pack("{s:i, s:i}", "slot", s, "quantity", 5),
		                txn);
	}
	case K_MERGE:
		c->expected = (uint16_t)(compact(ch) + 1);
		c->type = "MERGE";
		return envelope(cid, 2, "MERGE", json_object(), txn);
	case K_SORT: {
		unsigned moves = compact(ch);
		moves += selection_sort(ch);
		c->expected = (uint16_t)(moves + 1);
		c->type = "SORT";
		return envelope(cid, 2, "SORT", json_object(), txn);
	}
	case K_CAPACITY:
		ch->cap = ch->cap + 4 > MAX_CAP ? MAX_CAP : ch->cap + 4;
		c->type = "INCREASE_CAPACITY";
		return envelope(cid, 2, "INCREASE_CAPACITY", json_pack("{s:i}", "amount", 4), txn);
	default:
		return NULL;
	}
}

/* A command of the wanted kind, or of the first kind after it that can succeed. */
static json_t *next_command(unsigned ci, struct cmd *c, uint32_t seq)
{
	unsigned r = below(weight_sum);
	enum kind k = K_CREATE;
	for (int i = 0; i < K_N; i++) {
		if (r < weights[i]) {
			k = (enum kind)i;
			break;
		}
		r -= weights[i];
	}
	/* Fallbacks: empty bag -> create; full bag -> move, ... Every kind but
	 * reserve/cancel/consume/destroy can always be built once an item exists. */
	static const enum kind order[] = {K_CREATE, K_MOVE, K_RECHARGE, K_CAPACITY, K_MERGE};
	json_t *m = build(ci, k, c, seq);
	if (m == NULL && (k == K_CANCEL || k == K_CONSUME))
		m = build(ci, k = K_RESERVE, c, seq); /* so that a later one finds a reservation */
	for (size_t i = 0; m == NULL && i < sizeof order / sizeof order[0]; i++)
		if (order[i] != k && (k = order[i], m = build(ci, k, c, seq)) != NULL)
			break;
	c->kind = (uint8_t)k;
	return m;
}

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: coffer-bench --bootstrap LIST [--characters N] [--commands M]\n"
	        "       [--mix KIND=WEIGHT,...] [--rate CMDS_PER_S] [--window UNFINISHED]\n"
	        "       [--pid COFFERD_PID] [--tenant UUID] [--seed N] [--wait SECONDS]\n"
	        "       [--trace FILE (per command: index type character sent_ms first_ms last_ms)]\n"
	        "       [--warmup N (commands before the clock starts, default 200: the first\n"
	        "        fetches of a fresh cluster take about a second)]\n"
	        "kinds: create move equip reserve cancel consume destroy recharge merge sort capacity\n"
	        "default mix: %s\n"
	        "equip needs item template %u for the tenant (contrib/templates/sample.sql).\n",
	        default_mix, WEAPON);
}

static void percentiles(const char *what, int64_t *v, size_t n)
{
	if (n == 0)
		return;
	qsort(v, n, sizeof *v, cmp64);
	printf("latency command->%s: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", what,
	       v[n / 2] / 1000.0, v[n * 99 / 100] / 1000.0, v[n - 1] / 1000.0);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"bootstrap", required_argument, 0, 'b'}, {"characters", required_argument, 0, 'n'},
		{"commands", required_argument, 0, 'c'},  {"rate", required_argument, 0, 'r'},
		{"window", required_argument, 0, 'w'},    {"pid", required_argument, 0, 'p'},
		{"tenant", required_argument, 0, 't'},    {"mix", required_argument, 0, 'm'},
		{"seed", required_argument, 0, 's'},      {"wait", required_argument, 0, 'W'},
		{"trace", required_argument, 0, 'T'},    {"warmup", required_argument, 0, 'u'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'b': opt.bootstrap = optarg; break;
		case 'n': opt.characters = (unsigned)atoi(optarg); break;
		case 'c': opt.commands = (unsigned)atoi(optarg); break;
		case 'r': opt.rate = (unsigned)atoi(optarg); break;
		case 'w': opt.window = (unsigned)atoi(optarg); break;
		case 'p': opt.pid = atoi(optarg); break;
		case 't': opt.tenant = optarg; break;
		case 'm': opt.mix = optarg; break;
		case 's': opt.seed = strtoull(optarg, NULL, 0); break;
		case 'W': opt.wait_s = (unsigned)atoi(optarg); break;
		case 'T': opt.trace = optarg; break;
		case 'u': opt.warmup = (unsigned)atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (opt.bootstrap == NULL || opt.characters == 0 || opt.window == 0 ||
	    strlen(opt.tenant) != 36) {
		usage(stderr);
		return 2;
	}
	if (parse_mix(opt.mix ? opt.mix : default_mix) != 0)
		return 2;
	rng_state = opt.seed ? opt.seed : 1;
	run_id = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	cmds = calloc(opt.warmup + opt.commands + 1, sizeof *cmds);
	chars = calloc(opt.characters, sizeof *chars);
	for (unsigned i = 0; i < opt.characters; i++)
		chars[i].cap = 24;
	prod = make(RD_KAFKA_PRODUCER);
	cons = make(RD_KAFKA_CONSUMER);
	assign_end();
	drain(500);
	printf("load average (1 min) at start: %.2f\n", loadavg1());

	/* 1. Characters. */
	int64_t t0 = mono_us();
	for (unsigned i = 0; i < opt.characters; i++) {
		send_json("EVENT_TOPIC_CHARACTER_STATUS", opt.first_char + i,
		          json_pack("{s:I, s:s, s:i, s:{s:s}}", "characterId",
		                    (json_int_t)(opt.first_char + i), "type", "CREATED", "worldId", 0,
		                    "body", "name", "bench"));
		if (i % 256 == 0)
			drain(0);
	}
	rd_kafka_flush(prod, 10000);
	int64_t deadline = mono_us() + 120 * 1000000LL;
	while (inventories_seen < opt.characters && mono_us() < deadline)
		drain(50);
	int64_t t1 = mono_us();
	printf("characters: %u created, %u inventory CREATED events in %.2f s (%.0f characters/s)\n",
	       opt.characters, inventories_seen, (t1 - t0) / 1e6,
	       inventories_seen / ((t1 - t0) / 1e6));
	if (inventories_seen < opt.characters) {
		fprintf(stderr, "bench: FAIL: %u of %u inventories were not created (is cofferd running "
		                "the compartment plugin, on an empty database?)\n",
		        opt.characters - inventories_seen, opt.characters);
		return 1;
	}

	/* 2. The command mix: the warm-up, awaited, then the measured commands. */
	t0 = mono_us();
	uint32_t measured = 0; /* index of the first measured command */
	while (ncmds < opt.warmup + opt.commands) {
		if (ncmds == opt.warmup && measured == 0 && opt.warmup > 0) {
			rd_kafka_flush(prod, 10000);
			deadline = mono_us() + (int64_t)opt.wait_s * 1000000;
			while (unfinished > 0 && mono_us() < deadline)
				drain(5);
			printf("warm-up: %u commands in %.2f s, %u unfinished\n", opt.warmup,
			       (mono_us() - t0) / 1e6, unfinished);
			measured = ncmds;
			memset(sent_kind, 0, sizeof sent_kind);
			t0 = mono_us();
		}
		if (opt.rate) {
			int64_t due = t0 + (int64_t)(ncmds - measured) * 1000000 / opt.rate;
			while (mono_us() < due)
				drain(1);
		}
		while (unfinished >= opt.window)
			drain(5);
		uint32_t seq = ncmds;
		unsigned ci = below(opt.characters);
		struct cmd *cm = &cmds[seq];
		json_t *msg = next_command(ci, cm, seq);
		if (msg == NULL) {
			fprintf(stderr, "bench: no command possible for character %u\n", opt.first_char + ci);
			return 1;
		}
		cm->character = opt.first_char + ci;
		cm->sent_us = mono_us();
		ncmds++;
		unfinished++;
		sent_kind[cm->kind]++;
		send_json("COMMAND_TOPIC_COMPARTMENT", cm->character, msg);
		drain(0);
	}
	rd_kafka_flush(prod, 10000);
	int64_t sent_end = mono_us();
	deadline = mono_us() + (int64_t)opt.wait_s * 1000000;
	while (unfinished > 0 && mono_us() < deadline)
		drain(20);
	/* Late extra events would show up here. */
	for (int64_t quiet = mono_us() + 300000; mono_us() < quiet;)
		drain(20);
	t1 = mono_us();

	FILE *tf = opt.trace ? fopen(opt.trace, "w") : NULL;
	for (uint32_t i = 0; tf && i < ncmds; i++)
		fprintf(tf, "%u %s %u %.1f %.1f %.1f\n", i, cmds[i].type, cmds[i].character,
		        (cmds[i].sent_us - t0) / 1000.0,
		        cmds[i].got ? (cmds[i].first_us - cmds[i].sent_us) / 1000.0 : -1.0,
		        cmds[i].got == cmds[i].expected ? (cmds[i].last_us - cmds[i].sent_us) / 1000.0 : -1.0);
	if (tf)
		fclose(tf);
	int64_t *first = calloc(ncmds + 1, sizeof *first), *last = calloc(ncmds + 1, sizeof *last);
	size_t nfirst = 0, ndone = 0;
	unsigned long expected_events = 0, matched_events = 0;
	int64_t end = t0;
	for (uint32_t i = measured; i < ncmds; i++) {
		expected_events += cmds[i].expected;
		matched_events += cmds[i].got;
		if (cmds[i].got)
			first[nfirst++] = cmds[i].first_us - cmds[i].sent_us;
		if (cmds[i].got == cmds[i].expected) {
			last[ndone++] = cmds[i].last_us - cmds[i].sent_us;
			if (cmds[i].last_us > end)
				end = cmds[i].last_us;
		}
	}
	double secs = (end - t0) / 1e6;
	printf("mix:");
	for (int k = 0; k < K_N; k++)
		if (sent_kind[k])
			printf(" %s=%u", kind_names[k], sent_kind[k]);
	printf(" (asked: %s)\n", opt.mix ? opt.mix : default_mix);
	printf("commands: %u measured, sent in %.2f s, %zu finished (all events), %u unfinished "
	       "(warm-up included); events: %lu expected, %lu matched, %lu unexpected, %lu ERROR\n",
	       ncmds - measured, (sent_end - t0) / 1e6, ndone, unfinished, expected_events,
	       matched_events, events_unexpected, events_error);
	char target[32] = "unbounded";
	if (opt.rate)
		snprintf(target, sizeof target, "%u commands/s", opt.rate);
	printf("throughput: %.0f commands/s (%.0f events/s) over %.2f s (window %u, target rate %s); "
	       "%lu other events seen\n",
	       ndone / secs, matched_events / secs, secs, opt.window, target, events_foreign);
	percentiles("first event", first, nfirst);
	percentiles("last event", last, ndone);
	if (opt.pid > 0)
		printf("cofferd peak RSS: %.1f MiB (VmHWM)\n", peak_rss_kb(opt.pid) / 1024.0);
	printf("load average (1 min) at end: %.2f\n", loadavg1());
	(void)t1;

	int rc = 0;
	if (unfinished) {
		rc = 1;
		fprintf(stderr, "bench: FAIL: %u commands are missing events, for example:\n", unfinished);
		unsigned shown = 0;
		for (uint32_t i = 0; i < ncmds && shown < 10; i++) {
			if (cmds[i].got < cmds[i].expected) {
				char txn[37];
				txn_of(i, txn);
				fprintf(stderr, "  #%u %s character %u transactionId %s: %u of %u events\n", i,
				        cmds[i].type, cmds[i].character, txn, cmds[i].got, cmds[i].expected);
				shown++;
			}
		}
	}
	if (events_unexpected || events_error) {
		rc = 1;
		fprintf(stderr, "bench: FAIL: %lu unexpected events, %lu ERROR events (or consumer errors)\n",
		        events_unexpected, events_error);
	}
	rd_kafka_consumer_close(cons);
	rd_kafka_destroy(cons);
	rd_kafka_destroy(prod);
	free(first);
	free(last);
	return rc;
}
