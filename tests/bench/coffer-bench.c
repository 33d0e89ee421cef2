/* tests/bench/coffer-bench.c: drive inventory commands through Kafka against a
 * running cofferd and measure it.
 *
 * Creates N characters (EVENT_TOPIC_CHARACTER_STATUS CREATED, waits for every
 * inventory CREATED), then sends a mix of compartment commands (CREATE_ASSET,
 * MOVE, MERGE, SORT, INCREASE_CAPACITY) chosen so that each one must produce an
 * event carrying its transactionId, at a target rate or as fast as a bounded
 * window of outstanding commands allows (the window keeps the embedded Kafka's
 * consumers close behind its small retention). Prints commands/s, p50/p99/max
 * command-to-first-event latency, and cofferd's peak RSS (VmHWM of --pid). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include "util.h"

struct pending {
	char txn[37];
	int64_t sent_us;
	bool used;
};

static struct {
	const char *bootstrap;
	unsigned characters;
	unsigned commands;
	unsigned rate;       /* commands/s, 0 = as fast as the window allows */
	unsigned window;     /* max outstanding commands */
	int pid;
	const char *tenant;
	uint32_t first_char;
} opt = {NULL, 1000, 20000, 0, 512, 0, "0b5e4c1a-7d2f-4c3e-9a8b-1f2e3d4c5b6a", 500000};

static rd_kafka_t *prod, *cons;
static struct pending *pend;
static size_t npend_cap;
static unsigned outstanding;
static int64_t *lat;
static size_t nlat;
static unsigned inventories_seen;

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

static struct pending *slot_of(const char *txn)
{
	size_t h = 0;
	for (const char *s = txn; *s; s++)
		h = h * 131 + (unsigned char)*s;
	for (size_t i = 0, j = h % npend_cap; i < npend_cap; i++, j = (j + 1) % npend_cap)
		if (pend[j].used && strcmp(pend[j].txn, txn) == 0)
			return &pend[j];
	return NULL;
}

static void track(const char *txn)
{
	size_t h = 0;
	for (const char *s = txn; *s; s++)
		h = h * 131 + (unsigned char)*s;
	for (size_t j = h % npend_cap;; j = (j + 1) % npend_cap) {
		if (!pend[j].used) {
			pend[j].used = true;
			memcpy(pend[j].txn, txn, 37);
			pend[j].sent_us = mono_us();
			outstanding++;
			return;
		}
	}
}

/* Read what arrived; settle the first event of each tracked transaction. */
static void drain(int timeout_ms)
{
	rd_kafka_message_t *m = rd_kafka_consumer_poll(cons, timeout_ms);
	for (; m != NULL; m = rd_kafka_consumer_poll(cons, 0)) {
		if (!m->err && m->payload) {
			json_t *v = json_loadb(m->payload, m->len, 0, NULL);
			const char *tn = rd_kafka_topic_name(m->rkt);
			const char *txn = json_string_value(json_object_get(v, "transactionId"));
			if (strcmp(tn, topic("EVENT_TOPIC_INVENTORY_STATUS")) == 0) {
				const char *ty = json_string_value(json_object_get(v, "type"));
				if (ty && strcmp(ty, "CREATED") == 0)
					inventories_seen++;
			} else if (txn) {
				struct pending *p = slot_of(txn);
				if (p) {
					lat[nlat++] = mono_us() - p->sent_us;
					p->used = false;
					outstanding--;
					/* Later events of the same command find no slot: ignored. */
				}
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
	if (type == RD_KAFKA_PRODUCER) {
		rd_kafka_conf_set(c, "linger.ms", "1", err, sizeof err);
		rd_kafka_conf_set(c, "partitioner", "murmur2_random", err, sizeof err);
	} else {
		rd_kafka_conf_set(c, "group.id", "coffer-bench", err, sizeof err);
		rd_kafka_conf_set(c, "fetch.wait.max.ms", "5", err, sizeof err);
		rd_kafka_conf_set(c, "enable.auto.commit", "false", err, sizeof err);
	}
	rd_kafka_t *rk = rd_kafka_new(type, c, err, sizeof err);
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
		if (rd_kafka_metadata(cons, 0, t, &md, 5000) == 0) {
			for (int p = 0; p < md->topics[0].partition_cnt; p++)
				rd_kafka_topic_partition_list_add(l, topic(vars[i]), p)->offset =
					RD_KAFKA_OFFSET_END;
			rd_kafka_metadata_destroy(md);
		}
		rd_kafka_topic_destroy(t);
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

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static json_t *command(uint32_t ch, int inv_type, const char *type, json_t *body, char txn[37])
{
	cu_uuid_new(txn);
	return json_pack("{s:s, s:I, s:i, s:s, s:o}", "transactionId", txn, "characterId",
	                 (json_int_t)ch, "inventoryType", inv_type, "type", type, "body", body);
}

/* Per character: how many USE items it has (slots 1..n are filled by CREATE_ASSET). */
static unsigned *items, *capacity;

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"bootstrap", required_argument, 0, 'b'}, {"characters", required_argument, 0, 'n'},
		{"commands", required_argument, 0, 'c'},  {"rate", required_argument, 0, 'r'},
		{"window", required_argument, 0, 'w'},    {"pid", required_argument, 0, 'p'},
		{"tenant", required_argument, 0, 't'},    {"help", no_argument, 0, 'h'},
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
		default:
			printf("usage: coffer-bench --bootstrap LIST [--characters N] [--commands M]\n"
			       "       [--rate CMDS_PER_S] [--window OUTSTANDING] [--pid COFFERD_PID] [--tenant UUID]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (opt.bootstrap == NULL || opt.characters == 0) {
		fprintf(stderr, "bench: --bootstrap is required\n");
		return 2;
	}
	npend_cap = (size_t)opt.window * 4 + 16;
	pend = calloc(npend_cap, sizeof *pend);
	lat = calloc(opt.commands + 1, sizeof *lat);
	items = calloc(opt.characters, sizeof *items);
	capacity = calloc(opt.characters, sizeof *capacity);
	prod = make(RD_KAFKA_PRODUCER);
	cons = make(RD_KAFKA_CONSUMER);
	assign_end();
	drain(500);

	/* 1. Characters. */
	int64_t t0 = mono_us();
	for (unsigned i = 0; i < opt.characters; i++) {
		send_json("EVENT_TOPIC_CHARACTER_STATUS", opt.first_char + i,
		          json_pack("{s:I, s:s, s:i, s:{s:s}}", "characterId",
		                    (json_int_t)(opt.first_char + i), "type", "CREATED", "worldId", 0,
		                    "body", "name", "bench"));
		capacity[i] = 24;
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
		fprintf(stderr, "bench: not every inventory was created; is cofferd running the compartment plugin?\n");
		return 1;
	}

	/* 2. The command mix. */
	unsigned mix_create = 0, mix_move = 0, mix_merge = 0, mix_sort = 0, mix_cap = 0;
	t0 = mono_us();
	unsigned sent = 0;
	uint64_t rng = 88172645463325252ull;
	while (sent < opt.commands) {
		if (opt.rate) {
			int64_t due = t0 + (int64_t)sent * 1000000 / opt.rate;
			while (mono_us() < due)
				drain(1);
		}
		while (outstanding >= opt.window)
			drain(5);
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		unsigned ch = (unsigned)(rng % opt.characters);
		uint32_t cid = opt.first_char + ch;
		unsigned roll = (unsigned)((rng >> 32) % 100);
		char txn[37];
		json_t *msg;
		if (items[ch] < 2 || (roll < 30 && items[ch] < capacity[ch])) {
			/* A distinct template per slot: MOVE always swaps, never merges, so
			 * slots 1..items stay occupied and every command has an event. */
			msg = command(cid, 2, "CREATE_ASSET",
			              json_pack("{s:i, s:i, s:s, s:i, s:i, s:i}", "templateId",
			                        2000000 + (int)items[ch], "quantity", 10, "expiration",
			                        "0001-01-01T00:00:00Z", "ownerId", 0, "flag", 0,
			                        "rechargeable", 0),
			              txn);
			items[ch]++;
			mix_create++;
		} else if (roll < 80) {
			unsigned a = 1 + (unsigned)(rng % items[ch]), b = 1 + (unsigned)((rng >> 20) % items[ch]);
			if (a == b)
				b = a % items[ch] + 1;
			msg = command(cid, 2, "MOVE", json_pack("{s:i, s:i}", "source", a, "destination", b),
			              txn);
			mix_move++;
		} else if (roll < 88) {
			msg = command(cid, 2, "MERGE", json_object(), txn);
			mix_merge++;
		} else if (roll < 96 || capacity[ch] >= 96) {
			msg = command(cid, 2, "SORT", json_object(), txn);
			mix_sort++;
		} else {
			msg = command(cid, 2, "INCREASE_CAPACITY", json_pack("{s:i}", "amount", 4), txn);
			capacity[ch] += 4;
			mix_cap++;
		}
		send_json("COMMAND_TOPIC_COMPARTMENT", cid, msg);
		track(txn);
		sent++;
		drain(0);
	}
	rd_kafka_flush(prod, 10000);
	deadline = mono_us() + 60 * 1000000LL;
	while (outstanding > 0 && mono_us() < deadline)
		drain(20);
	t1 = mono_us();
	double secs = (t1 - t0) / 1e6;
	qsort(lat, nlat, sizeof *lat, cmp64);
	printf("commands: %u sent (CREATE_ASSET %u, MOVE %u, MERGE %u, SORT %u, INCREASE_CAPACITY %u), "
	       "%zu answered, %u unanswered\n",
	       sent, mix_create, mix_move, mix_merge, mix_sort, mix_cap, nlat, outstanding);
	printf("throughput: %.0f commands/s over %.2f s (window %u, target rate %s)\n", nlat / secs,
	       secs, opt.window, opt.rate ? "set" : "unbounded");
	if (nlat)
		printf("latency command->event: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		       lat[nlat / 2] / 1000.0, lat[(size_t)(nlat * 0.99)] / 1000.0,
		       lat[nlat - 1] / 1000.0);
	if (opt.pid > 0)
		printf("cofferd peak RSS: %.1f MiB\n", peak_rss_kb(opt.pid) / 1024.0);
	rd_kafka_consumer_close(cons);
	rd_kafka_destroy(cons);
	rd_kafka_destroy(prod);
	return outstanding ? 1 : 0;
}
