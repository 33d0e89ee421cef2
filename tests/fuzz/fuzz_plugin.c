/* SPDX-License-Identifier: MIT */
/* tests/fuzz/fuzz_plugin.c: one plugin's command decoders, driven through its
 * own message handlers on a stub host (no Kafka, no database). Built once per
 * plugin with -DFUZZ_PLUGIN='"name"': the fuzzer loads the asset plugin (the
 * service every other plugin looks up) and the plugin under test from the
 * build tree and hands its handlers messages the way the host does (a JSON
 * object whose "type" is the handler's, a canonical tenant, an 8-byte key).
 *
 * The stub answers writes with the result the input chooses (one row, no row,
 * a few duplicate keys, a lost connection) and SELECTs with rows the input makes up:
 * as many columns as the SELECT list has, each an unsigned or signed integer, a
 * UUID-shaped string, a short string or NULL (the plugins read rows leniently
 * by type, never by trusting it), so a handler runs past its decoding into the
 * rules that need stored rows.
 * Properties: no crash, leak or undefined behaviour; a REJECT gives a reason;
 * every emitted value is a JSON object.
 *
 * Input: byte 0 picks the handler (when the JSON's "type" names none of them),
 * byte 1 the stub's answers, byte 2 the length K of the row bytes that follow
 * (each SELECT takes a row count and one byte per column from them, cyclically;
 * K = 0: no rows), then the JSON message. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <coffer/plugin.h>

#include "fuzz.h"
#include "util.h"

#ifndef FUZZ_PLUGIN
#error "build with -DFUZZ_PLUGIN='\"asset\"' (or compartment, reservation, drop)"
#endif

struct coffer_ctx {
	const char *name;
	const struct coffer_plugin *desc;
};

struct coffer_txn {
	coffer_ctx *ctx;
	int64_t now;
	uint8_t mode;
	const uint8_t *rows; /* the input's row bytes */
	size_t nrows_bytes, pos;
	unsigned writes;
	bool rejected;
	unsigned emitted;
};

struct handler {
	coffer_ctx *ctx;
	char topic[64], type[64];
	coffer_handler_fn fn, refuse;
	void *ud;
};

static struct handler handlers[64];
static size_t nhandlers;
static struct {
	char name[64];
	const void *api;
	unsigned version;
} services[16];
static size_t nservices;
static coffer_ctx ctxs[2];
static size_t nctxs;
static bool ready;

static void h_log(coffer_ctx *ctx, enum coffer_log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "[%s %d] %s\n", ctx ? ctx->name : "?", (int)level, line);
}

static int h_on_message(coffer_ctx *ctx, const char *topic, const char *type, coffer_handler_fn fn,
                        void *ud)
{
	if (nhandlers == sizeof handlers / sizeof handlers[0])
		return COFFER_EINVAL;
	struct handler *h = &handlers[nhandlers++];
	*h = (struct handler){.ctx = ctx, .fn = fn, .ud = ud};
	snprintf(h->topic, sizeof h->topic, "%s", topic);
	snprintf(h->type, sizeof h->type, "%s", type);
	return 0;
}

static int h_on_disabled(coffer_ctx *ctx, const char *topic, const char *type, coffer_handler_fn fn,
                         void *ud)
{
	for (size_t i = 0; i < nhandlers; i++)
		if (handlers[i].ctx == ctx && strcmp(handlers[i].topic, topic) == 0 &&
		    strcmp(handlers[i].type, type) == 0) {
			handlers[i].refuse = fn;
			return 0;
		}
	return COFFER_ENOTFOUND;
}

static int h_every(coffer_ctx *ctx, const char *name, unsigned ms, coffer_task_fn fn, void *ud)
{
	return 0;
}

static int h_provide(coffer_ctx *ctx, const char *name, unsigned version, const void *api)
{
	if (nservices == sizeof services / sizeof services[0])
		return COFFER_EINVAL;
	snprintf(services[nservices].name, sizeof services[nservices].name, "%s", name);
	services[nservices].api = api;
	services[nservices++].version = version;
	return 0;
}

static const void *h_lookup(coffer_ctx *ctx, const char *name, unsigned min_version)
{
	for (size_t i = 0; i < nservices; i++)
		if (strcmp(services[i].name, name) == 0 && services[i].version >= min_version)
			return services[i].api;
	return NULL;
}

static const char *h_config(coffer_ctx *ctx, const char *key, const char *def) { return def; }
static int64_t h_config_int(coffer_ctx *ctx, const char *key, int64_t def) { return def; }
static bool h_enabled(coffer_ctx *ctx, const char *tenant) { return true; }
static int64_t h_now(coffer_txn *txn) { return txn->now; }

/* Writes: bits 0-1 of the mode byte: one row, no row, a duplicate key for the first
 * 1 + (bits 5-7) writes and then one row (a database where every INSERT collides
 * does not exist: the drop plugin would try each of its billion ids), a lost
 * connection. */
static int h_sql_exec(coffer_txn *txn, const char *sql, const struct coffer_val *args, size_t nargs,
                      struct coffer_exec_result *res)
{
	FZ_CHECK(sql != NULL && (nargs == 0 || args != NULL));
	switch (txn->mode & 3) {
	case 2:
		if (txn->writes++ <= (unsigned)(txn->mode >> 5))
			return COFFER_EDUP;
		if (res)
			*res = (struct coffer_exec_result){.affected = 1, .insert_id = 1};
		return 0;
	case 3:
		return COFFER_ETRANSIENT;
	default:
		if (res)
			*res = (struct coffer_exec_result){.affected = (txn->mode & 3) == 0, .insert_id = 1};
		return 0;
	}
}

static uint8_t row_byte(coffer_txn *txn)
{
	uint8_t b = txn->rows[txn->pos % txn->nrows_bytes];
	txn->pos++;
	return b;
}

/* The number of columns of a SELECT: top-level commas before its FROM, plus one. */
static size_t select_columns(const char *sql)
{
	size_t cols = 1;
	int depth = 0;
	const char *p = strstr(sql, "SELECT");
	if (p == NULL)
		return 0;
	for (p += 6; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (*p == ',' && depth == 0)
			cols++;
		else if (depth == 0 && strncmp(p, " FROM ", 6) == 0)
			break;
	}
	return cols;
}

/* Reads: (bit 2) a lost connection, else rows made of the input's row bytes. */
static int h_sql_query(coffer_txn *txn, const char *sql, const struct coffer_val *args,
                       size_t nargs, coffer_row_fn fn, void *ud)
{
	FZ_CHECK(sql != NULL && (nargs == 0 || args != NULL) && fn != NULL);
	if (txn->mode & 4)
		return COFFER_ETRANSIENT;
	if (txn->nrows_bytes == 0)
		return 0;
	static const char *const strs[] = {"11111111-1111-4111-8111-111111111111",
	                                   "0f8fad5b-d9cb-469f-a165-70867728950e", "", "Ri", "-12,-13"};
	size_t ncols = select_columns(sql);
	if (ncols == 0 || ncols > 64)
		return 0;
	unsigned nrows = row_byte(txn) % 4;
	for (unsigned r = 0; r < nrows; r++) {
		struct coffer_val col[64];
		for (size_t c = 0; c < ncols; c++) {
			uint8_t b = row_byte(txn);
			switch (b & 7) {
			case 0: case 1: case 2:
				col[c] = COFFER_U(b >> 3);
				break;
			case 3:
				col[c] = COFFER_I(-(int)(b >> 3));
				break;
			case 4:
				col[c] = COFFER_T(1740830400000000LL + (int64_t)(b >> 3) * 1000000);
				break;
			case 5: case 6:
				col[c] = COFFER_S(strs[(b >> 3) % (sizeof strs / sizeof strs[0])]);
				break;
			default:
				col[c] = COFFER_NULLV;
				break;
			}
		}
		struct coffer_row row = {.ncols = ncols, .col = col};
		int rc = fn(ud, &row);
		if (rc < 0)
			return rc;
		if (rc > 0)
			return COFFER_ESTOP;
	}
	return 0;
}

static int h_emit(coffer_txn *txn, const struct coffer_tenant *tenant, const char *topic,
                  uint32_t key, json_t *value)
{
	FZ_CHECK(topic != NULL && json_is_object(value));
	char *s = json_dumps(value, JSON_COMPACT);
	FZ_CHECK(s != NULL);
	free(s);
	json_decref(value);
	txn->emitted++;
	return 0;
}

static enum coffer_outcome h_reject(coffer_txn *txn, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	txn->rejected = true;
	return COFFER_REJECT;
}

static void h_uuid(char out[37]) { snprintf(out, 37, "%s", "33333333-3333-4333-8333-333333333333"); }
static coffer_ctx *h_txn_ctx(coffer_txn *txn) { return txn->ctx; }

static int h_on_http(coffer_ctx *ctx, const char *method, const char *pattern, coffer_route_fn fn,
                     void *ud)
{
	return 0;
}

static int h_emits(coffer_ctx *ctx, const char *topic) { return 0; }

static const struct coffer_host host = {
	.size = sizeof(struct coffer_host),
	.abi_major = COFFER_ABI_MAJOR,
	.abi_minor = COFFER_ABI_MINOR,
	.log = h_log,
	.on_message = h_on_message,
	.on_disabled = h_on_disabled,
	.every = h_every,
	.provide = h_provide,
	.lookup = h_lookup,
	.config = h_config,
	.config_int = h_config_int,
	.enabled = h_enabled,
	.now = h_now,
	.sql_exec = h_sql_exec,
	.sql_query = h_sql_query,
	.emit = h_emit,
	.reject = h_reject,
	.uuid = h_uuid,
	.txn_ctx = h_txn_ctx,
	.on_http = h_on_http,
	.emits = h_emits,
};

static int load(const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, COFFER_BUILD_DIR "/plugins/%s/.libs/%s.so", name, name);
	void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (so == NULL) {
		fprintf(stderr, "fuzz_plugin: %s\n", dlerror());
		return -1;
	}
	coffer_plugin_entry_fn entry = (coffer_plugin_entry_fn)dlsym(so, COFFER_PLUGIN_ENTRY_SYMBOL);
	if (entry == NULL)
		return -1;
	coffer_ctx *ctx = &ctxs[nctxs++];
	ctx->desc = entry();
	ctx->name = ctx->desc->name;
	if (ctx->desc->init(ctx, &host) != 0) {
		fprintf(stderr, "fuzz_plugin: %s: init failed\n", name);
		return -1;
	}
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* The asset plugin would ask the game-data service for missing templates. */
	unsetenv("DATA_SERVICE_URL");
	unsetenv("BASE_SERVICE_URL");
	if (load("asset") != 0 || (strcmp(FUZZ_PLUGIN, "asset") != 0 && load(FUZZ_PLUGIN) != 0)) {
		fprintf(stderr, "fuzz_plugin: the %s plugin is not built: nothing to fuzz\n", FUZZ_PLUGIN);
		return 0;
	}
	for (size_t i = 0; i < nctxs; i++)
		if (ctxs[i].desc->start && ctxs[i].desc->start(&ctxs[i]) != 0)
			return 0;
	/* Only the handlers of the plugin under test. */
	size_t k = 0;
	for (size_t i = 0; i < nhandlers; i++)
		if (strcmp(handlers[i].ctx->name, FUZZ_PLUGIN) == 0)
			handlers[k++] = handlers[i];
	nhandlers = k;
	ready = nhandlers > 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready || size < 3 || (size_t)data[2] > size - 3)
		return 0;
	size_t k = data[2];
	json_error_t err;
	json_t *j = json_loadb((const char *)data + 3 + k, size - 3 - k, 0, &err);
	if (!json_is_object(j)) {
		json_decref(j); /* the host dead-letters it: no handler sees it */
		return 0;
	}
	const struct handler *h = &handlers[data[0] % nhandlers];
	const char *type = json_string_value(json_object_get(j, "type"));
	for (size_t i = 0; type && i < nhandlers; i++)
		if (strcmp(handlers[i].type, type) == 0) {
			h = &handlers[i];
			break;
		}
	json_object_set_new(j, "type", json_string(h->type));

	struct coffer_tenant tenant = {.id = "11111111-1111-4111-8111-111111111111",
	                               .region = "GMS", .major = 83, .minor = 1};
	uint8_t key[8];
	struct cu_dec d = {0};
	cu_key_encode((uint32_t)cu_int(&d, j, "characterId", 0, UINT32_MAX), key);
	struct coffer_msg msg = {
		.topic_var = h->topic,
		.topic = h->topic,
		.partition = 0,
		.offset = 1,
		.key = key,
		.key_len = sizeof key,
		.type = h->type,
		.json = j,
		.tenant = &tenant,
		.event_id = data[1] & 16 ? "44444444-4444-4444-8444-444444444444" : NULL,
		.now_us = 1740830400000000LL,
	};
	struct coffer_txn txn = {.ctx = h->ctx, .now = msg.now_us, .mode = data[1], .rows = data + 3,
	                         .nrows_bytes = k};
	coffer_handler_fn fn = (data[1] & 8) && h->refuse ? h->refuse : h->fn;
	enum coffer_outcome o = fn(h->ctx, &txn, &msg, h->ud);
	FZ_CHECK(o == COFFER_DONE || o == COFFER_RETRY || o == COFFER_REJECT);
	if (o == COFFER_REJECT)
		FZ_CHECK(txn.rejected);
	json_decref(j);
	return 0;
}
