/* SPDX-License-Identifier: MIT */
/* ctl/cofferctl.c: cofferctl, the command-line client for humans and tests.
 * It speaks Kafka the way the Go services do (8-byte little-endian keys,
 * binary 2-byte version headers, the murmur2_random partitioner) so that what
 * it sends is indistinguishable from production traffic, prints what it
 * watches as one JSON object per line for scripts, and flips the per-tenant
 * feature switches in the host's table. It shares nothing with cofferd but
 * lib/util and the wire conventions. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <mysql.h>

#include "cofferctl.h"
#include "ctlparse.h"
#include "kafka.h"
#include "status.h"
#include "util.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/* Exit statuses; 3 tells a test "fewer messages than --count arrived". */
#define EXIT_SHORT 3

#define DEFAULT_BOOTSTRAP "localhost:9092"
#define DEFAULT_URL "http://127.0.0.1:8080"
#define BOOTSTRAP_FILE_WAIT_MS 10000

static const char usage_text[] =
	"Usage: cofferctl [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"Options (before COMMAND):\n"
	"  --bootstrap LIST        Kafka bootstrap servers (default $BOOTSTRAP_SERVERS,\n"
	"                          else " DEFAULT_BOOTSTRAP ")\n"
	"  --bootstrap-file FILE   read them from FILE (cofferd --embedded-kafka-file);\n"
	"                          waits up to 10 s for FILE to appear\n"
	"  --kafka-prop KEY=VALUE  librdkafka property, repeatable (applied last)\n"
	"  -v, --verbose           report deliveries and progress\n"
	"  --help, --version\n"
	"\n"
	"Commands:\n"
	"  send TOPIC TYPE JSON [--tenant UUID] [--region R] [--version MAJOR.MINOR]\n"
	"       [--key ID] [--event-id UUID] [--header NAME=VALUE]... [--header-hex NAME=HEX]...\n"
	"       [--count N]\n"
	"      Produce JSON (an object; its \"type\" is set to TYPE) with the Go services'\n"
	"      headers (TENANT_ID, REGION, 2-byte big-endian MAJOR/MINOR_VERSION, EVENT_ID;\n"
	"      each only when given) and 8-byte key (--key, else characterId, else\n"
	"      body.dropId when non-zero, else mapId, else none). Waits for delivery.\n"
	"  watch [TOPIC...] [--from-beginning] [--count N] [--timeout-ms MS] [--idle-ms MS]\n"
	"        [--to-end] [--cofferd PATH] [--plugin-dir DIR]...\n"
	"      Print every new message (all partitions, no consumer group) as one JSON\n"
	"      line: topic_var, topic, partition, offset, timestamp, key, headers, value.\n"
	"      Topics that appear after watch started are read from their beginning.\n"
	"      Without TOPIC: every topic the plugins emit to, and DEAD_LETTER_TOPIC;\n"
	"      the plugins say which (their \"emits:\" lines) to `cofferd --list-plugins`,\n"
	"      run with --plugin-dir DIR when given. cofferd is --cofferd PATH, else the\n"
	"      cofferd next to cofferctl (in a build tree: host/cofferd), else the\n"
	"      installed one (" COFFER_SBIN_DIR "/cofferd), else the one\n"
	"      on PATH. A line \"cofferctl: watching ...\" on stderr says when\n"
	"      it is listening. --count: stop after N; --timeout-ms: stop after MS in\n"
	"      all; --idle-ms: stop after MS without a message; --to-end: read from the\n"
	"      beginning up to the end each partition had when watch found it, then stop\n"
	"      (a topic that does not exist yet is empty).\n"
	"  templates import --tenant T --from URL [--ids FILE | --range A-B]\n"
	"       [--region R] [--version MAJOR.MINOR] [--timeout-ms MS] [--replace]\n"
	"      Fill item_templates of tenant T from the game-data service at URL (the\n"
	"      prefix ending in /api/, as DATA_SERVICE_URL): the ids of FILE (one a line,\n"
	"      # comments) or A..B. Rows already there are kept (--replace: fetched again).\n"
	"      Tenant headers REGION (GMS) and the version (83.1). Progress on a terminal;\n"
	"      a summary at the end: fetched, missing, failed. Exit 1 when one failed.\n"
	"  templates import --tenant T --file F.json|F.sql\n"
	"      Load a file: JSON, an array of rows ({\"template_id\": 2000000, ...}, the\n"
	"      column names), or SQL run with @tenant set (contrib/templates/sample.sql).\n"
	"  templates show TENANT ID\n"
	"      Print one template row as JSON (exit 1 when there is none).\n"
	"  show inventory CHARACTER | show compartment CHARACTER TYPE |\n"
	"  show drops WORLD CHANNEL MAP | show drop ID\n"
	"       --tenant UUID [--region R] [--version MAJOR.MINOR] [--url URL] [--json]\n"
	"      Read through cofferd's REST API (URL: --url, else $COFFER_URL, else\n"
	"      " DEFAULT_URL "); region GMS and version 83.1 unless given. Prints a\n"
	"      table, or with --json the document as the server sent it.\n"
	"  feature set TENANT PLUGIN on|off\n"
	"  feature list [TENANT]\n"
	"      Per-tenant feature switches in coffer_tenant_features. The database\n"
	"      commands (templates, feature) connect through DB_HOST\n"
	"      (127.0.0.1), DB_PORT (3306), DB_USER (coffer), DB_PASSWORD, DB_NAME\n"
	"      (coffer), or DB_SOCKET when set.\n"
	"  status [--url URL] [--watch [SECONDS]]\n"
	"      cofferd's readiness, consumer lag, outbox backlog and age, dead letters\n"
	"      and rejections per minute, per-type rates: from its /readyz and /metrics\n"
	"      (URL default $COFFER_URL, else http://127.0.0.1:$REST_PORT, 8080). Exit\n"
	"      status 0 when ready, 1 when not ready or unreachable.\n"
	"\n"
	"TOPIC is a logical name (COMMAND_TOPIC_DROP, EVENT_TOPIC_ASSET_STATUS, ...): the\n"
	"real topic is the environment variable of that name, else the name itself\n"
	"(DEAD_LETTER_TOPIC: coffer.dead-letter).\n"
	"Exit status: 0 ok, 1 failure, 2 bad usage, 3 watch stopped before --count.\n";

/* The cofferd that describes the plugins for `watch` without topics: next to
 * this cofferctl, the build tree's when this is the build tree's cofferctl, the
 * installed one ($(sbindir)/cofferd: cofferctl is in bindir, cofferd in sbindir,
 * which is not on every user's PATH), else NULL (the one on PATH). */
static const char *cofferd_near(char *buf, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash == NULL)
		return NULL;
	snprintf(buf, cap, "%.*s/cofferd", (int)(slash - self), self);
	if (access(buf, X_OK) == 0)
		return buf;
#ifdef COFFER_BUILD_DIR
	const char *tree = COFFER_BUILD_DIR "/ctl/";
	if (strncmp(self, tree, strlen(tree)) == 0) {
		snprintf(buf, cap, "%s/host/cofferd", COFFER_BUILD_DIR);
		if (access(buf, X_OK) == 0)
			return buf;
	}
#endif
	snprintf(buf, cap, "%s/cofferd", COFFER_SBIN_DIR);
	if (access(buf, X_OK) == 0)
		return buf;
	return NULL;
}

/* The default topics of watch: each "  emits: VAR" of `cofferd --list-plugins`
 * (the plugins' own declarations; cofferctl keeps no list of game topics), and
 * DEAD_LETTER_TOPIC. Returns the count (malloc'd strings in *out), or -1 after
 * saying why. */
static int watch_default_topics(const char *cofferd, const char *const *dirs, size_t ndirs,
                                bool verbose, char ***out)
{
	char near[PATH_MAX];
	const char *path = cofferd ? cofferd : cofferd_near(near, sizeof near);
	const char *shown = path ? path : "cofferd (on PATH)";
	int fd[2];

	if (pipe(fd) != 0)
		return fail(-1, "watch: pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return fail(-1, "watch: fork: %s", strerror(errno));
	}
	if (pid == 0) {
		const char **argv = calloc(ndirs * 2 + 3, sizeof *argv);
		size_t k = 0;
		if (argv == NULL)
			_exit(127);
		argv[k++] = "cofferd";
		for (size_t i = 0; i < ndirs; i++) {
			argv[k++] = "--plugin-dir";
			argv[k++] = dirs[i];
		}
		argv[k++] = "--list-plugins";
		argv[k] = NULL;
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			if (!verbose)
				dup2(null, 2);
		}
		if (path)
			execv(path, (char *const *)argv);
		else
			execvp("cofferd", (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	FILE *f = fdopen(fd[0], "r");
	char **vars = NULL;
	size_t n = 0;
	char line[1024];
	bool oom = f == NULL;

	while (!oom && fgets(line, sizeof line, f) != NULL) {
		char var[256];
		bool dup = false;

		if (sscanf(line, "  emits: %255[A-Z0-9_]", var) != 1)
			continue;
		for (size_t i = 0; i < n; i++)
			dup = dup || strcmp(vars[i], var) == 0;
		if (dup)
			continue;
		char **nv = realloc(vars, (n + 2) * sizeof *vars);
		if (nv == NULL || (nv[n] = strdup(var)) == NULL) {
			vars = nv ? nv : vars;
			oom = true;
			break;
		}
		vars = nv;
		n++;
	}
	if (f)
		fclose(f);
	else
		close(fd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!oom && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		for (size_t i = 0; i < n; i++)
			free(vars[i]);
		free(vars);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			return fail(-1, "watch: cannot run %s to list the plugins' topics: name the "
			                "topics, or give --cofferd PATH", shown);
		return fail(-1, "watch: %s --list-plugins failed (%s %d; -v shows its log): name the "
		                "topics, or give --cofferd PATH / --plugin-dir DIR", shown,
		            WIFEXITED(status) ? "exit status" : "signal",
		            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	char **nv = oom ? NULL : realloc(vars, (n + 1) * sizeof *vars);
	if (nv == NULL || (nv[n] = strdup("DEAD_LETTER_TOPIC")) == NULL) {
		for (size_t i = 0; i < n; i++)
			free(vars ? vars[i] : NULL);
		free(nv ? nv : vars);
		return fail(-1, "out of memory");
	}
	*out = nv;
	return (int)n + 1;
}

static struct {
	const char *bootstrap;
	const char *bootstrap_file;
	char bootstrap_buf[1024];
	const char **props;
	size_t nprops;
	bool verbose;
} g;

static volatile sig_atomic_t stop_requested;

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */
/* ------------------------------------------------------------------------ */

static void vsay(const char *fmt, va_list ap)
{
	fputs("cofferctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A diagnostic line on stderr; stdout belongs to the data. */
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* say(), then hand back @p code, so callers can `return fail(EXIT_USAGE, ...)`. */
int fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	return code;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *topic_real(const char *var)
{
	const char *v = getenv(var);

	if (v != NULL && *v != '\0')
		return v;
	if (strcmp(var, "DEAD_LETTER_TOPIC") == 0)
		return "coffer.dead-letter";
	return var;
}

static json_t *hex_json(const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *b = p;
	char *s = malloc(n * 2 + 1);
	json_t *j;

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[b[i] >> 4];
		s[2 * i + 1] = digits[b[i] & 15];
	}
	s[2 * n] = '\0';
	j = json_stringn(s, 2 * n);
	free(s);
	return j;
}

/* ------------------------------------------------------------------------ */
/* Kafka configuration                                                      */
/* ------------------------------------------------------------------------ */

/* cofferd writes the file once the embedded cluster listens, so a script may
 * start cofferctl right after cofferd and let it wait here. */
static int read_bootstrap_file(const char *path)
{
	int64_t deadline = now_ms() + BOOTSTRAP_FILE_WAIT_MS;

	for (;;) {
		FILE *f = fopen(path, "r");

		if (f != NULL) {
			size_t n = fread(g.bootstrap_buf, 1, sizeof g.bootstrap_buf - 1, f);

			fclose(f);
			g.bootstrap_buf[n] = '\0';
			g.bootstrap_buf[strcspn(g.bootstrap_buf, "\r\n")] = '\0';
			while (n > 0 && (g.bootstrap_buf[n - 1] == ' ' || g.bootstrap_buf[n - 1] == '\t' ||
			                 g.bootstrap_buf[n - 1] == '\0'))
				g.bootstrap_buf[--n] = '\0';
			if (g.bootstrap_buf[0] != '\0') {
				g.bootstrap = g.bootstrap_buf;
				return 0;
			}
		} else if (errno != ENOENT) {
			return fail(EXIT_FAIL, "%s: %s", path, strerror(errno));
		}
		if (now_ms() >= deadline)
			return fail(EXIT_FAIL, "%s: still missing or empty after %d s", path,
			            BOOTSTRAP_FILE_WAIT_MS / 1000);
		usleep(50 * 1000);
	}
}

static int conf_set(rd_kafka_conf_t *conf, const char *key, const char *value)
{
	char err[512];

	if (rd_kafka_conf_set(conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK)
		return fail(EXIT_USAGE, "kafka property %s=%s: %s", key, value, err);
	return 0;
}

/* Our defaults first, then --kafka-prop, so the user can override any of them. */
static rd_kafka_conf_t *conf_new(const char *const *defaults)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();

	if (conf_set(conf, "bootstrap.servers", g.bootstrap) != 0)
		goto bad;
	if (conf_set(conf, "client.id", "cofferctl") != 0)
		goto bad;
	/* The mock cluster and idle brokers close connections; that is no news. */
	if (conf_set(conf, "log.connection.close", "false") != 0)
		goto bad;
	for (size_t i = 0; defaults[i] != NULL; i += 2)
		if (conf_set(conf, defaults[i], defaults[i + 1]) != 0)
			goto bad;
	for (size_t i = 0; i < g.nprops; i++) {
		char key[256];
		const char *eq = strchr(g.props[i], '=');
		size_t kl = (size_t)(eq - g.props[i]);

		if (kl >= sizeof key)
			goto bad;
		memcpy(key, g.props[i], kl);
		key[kl] = '\0';
		if (conf_set(conf, key, eq + 1) != 0)
			goto bad;
	}
	return conf;
bad:
	rd_kafka_conf_destroy(conf);
	return NULL;
}

static rd_kafka_t *kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf)
{
	char err[512];
	rd_kafka_t *rk = cu_kafka_new(type, conf, NULL, err, sizeof err);

	if (rk == NULL) {
		rd_kafka_conf_destroy(conf);
		fail(EXIT_FAIL, "cannot create the Kafka client: %s", err);
	}
	return rk;
}

/* ------------------------------------------------------------------------ */
/* send                                                                     */
/* ------------------------------------------------------------------------ */

struct send_state {
	uint64_t delivered;
	uint64_t failed;
	char first_error[256];
};

static void send_on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct send_state *st = opaque;

	(void)rk;
	if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		if (st->failed++ == 0)
			snprintf(st->first_error, sizeof st->first_error, "%s",
			         rd_kafka_err2str(m->err));
		return;
	}
	st->delivered++;
	if (g.verbose) {
		json_t *o = json_pack("{s:s, s:i, s:I}", "topic", rd_kafka_topic_name(m->rkt),
		                      "partition", (int)m->partition, "offset", (json_int_t)m->offset);

		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	}
}

static int cmd_send(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tenant", required_argument, NULL, 't'},
		{"region", required_argument, NULL, 'r'},
		{"version", required_argument, NULL, 'V'},
		{"key", required_argument, NULL, 'k'},
		{"event-id", required_argument, NULL, 'e'},
		{"header", required_argument, NULL, 'H'},
		{"header-hex", required_argument, NULL, 'X'},
		{"count", required_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	static const char *const defaults[] = {
		"partitioner", "murmur2_random",
		/* Fail within seconds, not librdkafka's five minutes, when nothing listens. */
		"message.timeout.ms", "10000",
		NULL,
	};
	const char *tenant = NULL, *region = NULL, *version = NULL, *event_id = NULL;
	const char **extra = NULL;
	size_t nextra = 0;
	bool *extra_hex = NULL;
	uint64_t count = 1, key_id = 0;
	uint32_t key_id32;
	bool have_key = false;
	uint8_t major[2], minor[2], key[8];
	json_t *msg = NULL;
	json_error_t jerr;
	char *payload = NULL;
	rd_kafka_t *rk = NULL;
	rd_kafka_headers_t *hdrs = NULL;
	rd_kafka_conf_t *conf;
	struct send_state st = {0};
	const char *real;
	int c, rc = EXIT_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			tenant = optarg;
			break;
		case 'r':
			region = optarg;
			break;
		case 'V':
			version = optarg;
			break;
		case 'k':
			if (!ctl_parse_u64(optarg, UINT32_MAX, &key_id)) {
				rc = fail(EXIT_USAGE, "send: --key %s: not a uint32", optarg);
				goto out;
			}
			have_key = true;
			break;
		case 'e':
			event_id = optarg;
			break;
		case 'H':
		case 'X': {
			const char **n = realloc(extra, (nextra + 1) * sizeof *extra);

			if (n == NULL)
				goto out;
			extra = n;
			bool *nh = realloc(extra_hex, (nextra + 1) * sizeof *extra_hex);

			if (nh == NULL)
				goto out;
			extra_hex = nh;
			switch (ctl_header_arg(optarg, c == 'X')) {
			case CTL_HEADER_NO_NAME:
				rc = fail(EXIT_USAGE, "send: --header%s %s: expected NAME=VALUE", c == 'X' ? "-hex" : "",
				          optarg);
				goto out;
			case CTL_HEADER_BAD_HEX:
				rc = fail(EXIT_USAGE, "send: --header-hex %s: the value must be hex digits, two per byte",
				          optarg);
				goto out;
			default:
				break;
			}
			extra_hex[nextra] = c == 'X';
			extra[nextra++] = optarg;
			break;
		}
		case 'n':
			if (!ctl_parse_u64(optarg, UINT64_MAX, &count) || count == 0) {
				rc = fail(EXIT_USAGE, "send: --count %s: expected a positive number", optarg);
				goto out;
			}
			break;
		case 'v':
			g.verbose = true;
			break;
		default:
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (argc - optind != 3) {
		rc = fail(EXIT_USAGE, "send: expected TOPIC TYPE JSON (see cofferctl --help)");
		goto out;
	}
	real = topic_real(argv[optind]);

	msg = json_loads(argv[optind + 2], 0, &jerr);
	if (msg == NULL) {
		rc = fail(EXIT_USAGE, "send: JSON: %s (line %d, column %d)", jerr.text, jerr.line,
		          jerr.column);
		goto out;
	}
	if (!json_is_object(msg)) {
		rc = fail(EXIT_USAGE, "send: JSON must be an object");
		goto out;
	}
	if (json_object_set_new(msg, "type", json_string(argv[optind + 1])) != 0) {
		rc = fail(EXIT_USAGE, "send: TYPE must be UTF-8 text");
		goto out;
	}
	payload = json_dumps(msg, JSON_COMPACT);
	if (payload == NULL)
		goto out;
	key_id32 = (uint32_t)key_id;
	if (!have_key)
		have_key = ctl_key_from_json(msg, &key_id32);
	if (have_key)
		cu_key_encode(key_id32, key);

	/* Headers in the order the Go services write them. */
	hdrs = rd_kafka_headers_new(8);
	if (tenant != NULL) {
		if (!cu_uuid_parse(tenant, strlen(tenant), NULL)) {
			rc = fail(EXIT_USAGE, "send: --tenant %s: not a canonical UUID", tenant);
			goto out;
		}
		rd_kafka_header_add(hdrs, "TENANT_ID", -1, tenant, 36);
	}
	if (region != NULL)
		rd_kafka_header_add(hdrs, "REGION", -1, region, (ssize_t)strlen(region));
	if (version != NULL) {
		if (ctl_parse_version(version, major, minor) != 0) {
			rc = fail(EXIT_USAGE, "send: --version %s: expected MAJOR.MINOR (0-65535 each)",
			          version);
			goto out;
		}
		rd_kafka_header_add(hdrs, "MAJOR_VERSION", -1, major, 2);
		rd_kafka_header_add(hdrs, "MINOR_VERSION", -1, minor, 2);
	}
	if (event_id != NULL) {
		if (!cu_uuid_parse(event_id, strlen(event_id), NULL)) {
			rc = fail(EXIT_USAGE, "send: --event-id %s: not a canonical UUID", event_id);
			goto out;
		}
		rd_kafka_header_add(hdrs, "EVENT_ID", -1, event_id, 36);
	}
	for (size_t i = 0; i < nextra; i++) {
		const char *eq = strchr(extra[i], '=');

		if (extra_hex[i]) {
			/* Raw bytes, NUL included (to test what a text header must not hold). */
			size_t n = strlen(eq + 1) / 2;
			unsigned char *b = malloc(n ? n : 1);

			if (b == NULL)
				goto out;
			ctl_hex_decode(eq + 1, b); /* validated: hex digits */
			rd_kafka_header_add(hdrs, extra[i], eq - extra[i], b, (ssize_t)n);
			free(b);
			continue;
		}
		rd_kafka_header_add(hdrs, extra[i], eq - extra[i], eq + 1, (ssize_t)strlen(eq + 1));
	}

	conf = conf_new(defaults);
	if (conf == NULL) {
		rc = EXIT_USAGE;
		goto out;
	}
	rd_kafka_conf_set_dr_msg_cb(conf, send_on_delivery);
	rd_kafka_conf_set_opaque(conf, &st);
	rk = kafka_new(RD_KAFKA_PRODUCER, conf);
	if (rk == NULL)
		goto out;

	for (uint64_t i = 0; i < count;) {
		rd_kafka_headers_t *h = rd_kafka_headers_copy(hdrs);
		rd_kafka_resp_err_t err = rd_kafka_producev(
			rk, RD_KAFKA_V_TOPIC(real), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			RD_KAFKA_V_VALUE(payload, strlen(payload)),
			RD_KAFKA_V_KEY(have_key ? key : NULL, have_key ? sizeof key : 0),
			RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END);

		if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			rd_kafka_headers_destroy(h);
			rd_kafka_poll(rk, 50);
			continue;
		}
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			rd_kafka_headers_destroy(h);
			rc = fail(EXIT_FAIL, "send: %s: %s", real, rd_kafka_err2str(err));
			goto out;
		}
		i++;
		rd_kafka_poll(rk, 0);
	}
	/* message.timeout.ms bounds this: every message gets its report. */
	while (rd_kafka_outq_len(rk) > 0)
		rd_kafka_flush(rk, 1000);
	if (st.failed > 0) {
		rc = fail(EXIT_FAIL, "send: %s: %" PRIu64 " of %" PRIu64 " messages not delivered: %s",
		          real, st.failed, count, st.first_error);
		goto out;
	}
	rc = 0;
out:
	if (rk != NULL)
		rd_kafka_destroy(rk);
	if (hdrs != NULL)
		rd_kafka_headers_destroy(hdrs);
	free(payload);
	json_decref(msg);
	free(extra);
	free(extra_hex);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* watch                                                                    */
/* ------------------------------------------------------------------------ */

struct watch_topic {
	const char *var;
	const char *real;
	rd_kafka_topic_t *rkt;
	bool assigned;
};

struct watch {
	rd_kafka_t *rk;
	struct watch_topic *topics;
	size_t ntopics;
	size_t nwaiting;
	bool from_beginning;
	/* Set by the first metadata answer: topics that show up after it were
	 * created after watch started, so all of their messages are new. */
	bool cluster_seen;
	bool told_waiting;
	/* --to-end: each partition's high watermark when it was assigned; watch
	 * stops once every one was reached (a topic absent at the first metadata
	 * answer counts as empty). */
	bool to_end;
	struct watch_part {
		const char *real;
		int32_t partition;
		int64_t end;
		bool done;
	} *parts;
	size_t nparts, nparts_done;
};

static void watch_on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Resolve "the end" to numbers before assigning: librdkafka would otherwise
 * look it up at the first fetch, and a message produced in between (a test
 * sends right after watch says it is listening) would be skipped. */
static void watch_resolve_end(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *parts, int timeout_ms)
{
	rd_kafka_topic_partition_list_t *q = rd_kafka_topic_partition_list_copy(parts);
	rd_kafka_resp_err_t err;

	for (int i = 0; i < q->cnt; i++)
		q->elems[i].offset = RD_KAFKA_OFFSET_END; /* as a timestamp: "latest" */
	err = rd_kafka_offsets_for_times(rk, q, timeout_ms);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		if (g.verbose)
			say("watch: looking up end offsets: %s (the first fetch will)",
			     rd_kafka_err2str(err));
	} else {
		for (int i = 0; i < q->cnt; i++)
			if (q->elems[i].err == RD_KAFKA_RESP_ERR_NO_ERROR && q->elems[i].offset >= 0)
				parts->elems[i].offset = q->elems[i].offset;
	}
	rd_kafka_topic_partition_list_destroy(q);
}

/* --to-end: remember where each partition of a newly assigned topic ends now. */
static int watch_add_ends(struct watch *w, const char *real, const struct rd_kafka_metadata_topic *mt,
                          int timeout_ms)
{
	struct watch_part *np = realloc(w->parts, (w->nparts + (size_t)mt->partition_cnt) * sizeof *np);

	if (np == NULL) {
		say("watch: out of memory");
		return -1;
	}
	w->parts = np;
	for (int p = 0; p < mt->partition_cnt; p++) {
		struct watch_part *wp = &w->parts[w->nparts++];
		int64_t lo = 0, hi = 0;
		rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(w->rk, real, mt->partitions[p].id,
		                                                           &lo, &hi, timeout_ms > 0 ? timeout_ms : 1);

		if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			say("watch: %s [%d]: end offset: %s", real, (int)mt->partitions[p].id, rd_kafka_err2str(err));
			return -1;
		}
		wp->real = real;
		wp->partition = mt->partitions[p].id;
		wp->end = hi;
		wp->done = hi <= lo;
		w->nparts_done += wp->done;
	}
	return 0;
}

/* --to-end: a message was read; is its partition at its end now? */
static void watch_part_seen(struct watch *w, const rd_kafka_message_t *m)
{
	const char *real = rd_kafka_topic_name(m->rkt);

	for (size_t i = 0; i < w->nparts; i++) {
		struct watch_part *wp = &w->parts[i];

		if (wp->partition == m->partition && strcmp(wp->real, real) == 0) {
			if (!wp->done && m->offset + 1 >= wp->end) {
				wp->done = true;
				w->nparts_done++;
			}
			return;
		}
	}
}

/* Assign every partition of the topics that exist now and were not assigned
 * yet. Returns 0, or EXIT_FAIL when librdkafka refuses the assignment. */
static int watch_refresh(struct watch *w, int timeout_ms)
{
	const struct rd_kafka_metadata *md;
	rd_kafka_topic_partition_list_t *parts;
	rd_kafka_resp_err_t err;
	rd_kafka_error_t *error;
	bool from_end = !w->cluster_seen && !w->from_beginning;
	size_t newly = 0;
	char names[1024] = "";

	err = rd_kafka_metadata(w->rk, 1, NULL, &md, timeout_ms);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		if (g.verbose)
			say("watch: metadata: %s", rd_kafka_err2str(err));
		return 0;
	}
	w->cluster_seen = true;
	parts = rd_kafka_topic_partition_list_new(16);
	for (size_t i = 0; i < w->ntopics; i++) {
		struct watch_topic *t = &w->topics[i];

		if (t->assigned)
			continue;
		for (int k = 0; k < md->topic_cnt; k++) {
			const struct rd_kafka_metadata_topic *mt = &md->topics[k];

			if (strcmp(mt->topic, t->real) != 0 || mt->err != RD_KAFKA_RESP_ERR_NO_ERROR ||
			    mt->partition_cnt <= 0)
				continue;
			/* A topic handle with its own metadata request makes librdkafka
			 * know the partition leaders before the assignment: otherwise
			 * it retries the offset lookup only after a fixed 500 ms. */
			t->rkt = rd_kafka_topic_new(w->rk, t->real, NULL);
			for (int p = 0; p < mt->partition_cnt; p++)
				rd_kafka_topic_partition_list_add(parts, t->real, mt->partitions[p].id)
					->offset = from_end ? RD_KAFKA_OFFSET_END : RD_KAFKA_OFFSET_BEGINNING;
			if (w->to_end && watch_add_ends(w, t->real, mt, timeout_ms) != 0) {
				rd_kafka_metadata_destroy(md);
				rd_kafka_topic_partition_list_destroy(parts);
				return EXIT_FAIL;
			}
			t->assigned = true;
			w->nwaiting--;
			newly++;
			break;
		}
	}
	rd_kafka_metadata_destroy(md);
	/* --to-end reads what exists now: a topic that does not is empty. */
	if (w->to_end)
		for (size_t i = 0; i < w->ntopics; i++)
			if (!w->topics[i].assigned) {
				w->topics[i].assigned = true;
				w->nwaiting--;
			}

	for (size_t i = 0; i < w->ntopics; i++) {
		const struct rd_kafka_metadata *tmd;

		if (w->topics[i].rkt != NULL && newly > 0 &&
		    rd_kafka_metadata(w->rk, 0, w->topics[i].rkt, &tmd, timeout_ms) ==
		            RD_KAFKA_RESP_ERR_NO_ERROR)
			rd_kafka_metadata_destroy(tmd);
	}
	if (parts->cnt > 0) {
		if (from_end)
			watch_resolve_end(w->rk, parts, timeout_ms);
		error = rd_kafka_incremental_assign(w->rk, parts);
		if (error != NULL) {
			say("watch: assigning partitions: %s", rd_kafka_error_string(error));
			rd_kafka_error_destroy(error);
			rd_kafka_topic_partition_list_destroy(parts);
			return EXIT_FAIL;
		}
	}
	rd_kafka_topic_partition_list_destroy(parts);

	for (size_t i = 0; i < w->ntopics; i++) {
		size_t len = strlen(names);

		if (!w->topics[i].assigned)
			snprintf(names + len, sizeof names - len, " %s", w->topics[i].var);
	}
	if (newly > 0 && w->nwaiting == 0)
		say("watching %zu topic%s", w->ntopics, w->ntopics == 1 ? "" : "s");
	else if (newly > 0 || (w->nwaiting > 0 && !w->told_waiting))
		say("watching %zu of %zu topics; waiting for%s", w->ntopics - w->nwaiting,
		     w->ntopics, names);
	if (w->nwaiting > 0)
		w->told_waiting = true;
	return 0;
}

static json_t *watch_header_value(const char *name, const void *val, size_t size)
{
	if (val == NULL)
		return json_null();
	if (strcmp(name, "MAJOR_VERSION") == 0 || strcmp(name, "MINOR_VERSION") == 0) {
		if (size == 2)
			return json_integer(cu_be16(val, size));
		return hex_json(val, size);
	}
	if (ctl_printable_utf8(val, size))
		return json_stringn(val, size);
	return hex_json(val, size);
}

static json_t *watch_key(const rd_kafka_message_t *m)
{
	const uint8_t *k = m->key;

	if (k == NULL)
		return json_null();
	if (m->key_len == 8 && k[4] == 0 && k[5] == 0 && k[6] == 0 && k[7] == 0)
		return json_integer(cu_key_decode(k, 8));
	return hex_json(k, m->key_len);
}

static json_t *watch_value(const rd_kafka_message_t *m)
{
	json_t *v;

	if (m->payload == NULL)
		return json_null();
	v = json_loadb(m->payload, m->len, JSON_DECODE_ANY, NULL);
	if (v == NULL)
		v = json_stringn(m->payload, m->len); /* NULL unless valid UTF-8 */
	if (v == NULL)
		v = hex_json(m->payload, m->len);
	return v;
}

static void watch_print(const struct watch *w, const rd_kafka_message_t *m)
{
	const char *real = rd_kafka_topic_name(m->rkt);
	const char *var = real;
	rd_kafka_headers_t *hdrs = NULL;
	rd_kafka_timestamp_type_t tstype;
	int64_t ts = rd_kafka_message_timestamp(m, &tstype);
	json_t *o = json_object(), *h = json_object();

	for (size_t i = 0; i < w->ntopics; i++)
		if (strcmp(w->topics[i].real, real) == 0) {
			var = w->topics[i].var;
			break;
		}
	json_object_set_new(o, "topic_var", json_string(var));
	json_object_set_new(o, "topic", json_string(real));
	json_object_set_new(o, "partition", json_integer(m->partition));
	json_object_set_new(o, "offset", json_integer(m->offset));
	json_object_set_new(o, "timestamp", ts >= 0 ? json_integer(ts) : json_null());
	json_object_set_new(o, "key", watch_key(m));
	/* A repeated header keeps its last value, as the Go services read it. */
	if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
		const char *name;
		const void *val;
		size_t size;

		for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) ==
		                   RD_KAFKA_RESP_ERR_NO_ERROR;
		     i++) {
			json_t *v = watch_header_value(name, val, size);

			if (ctl_printable_utf8((const uint8_t *)name, strlen(name))) {
				json_object_set_new(h, name, v);
			} else {
				json_t *hn = hex_json(name, strlen(name));

				json_object_set_new(h, json_string_value(hn), v);
				json_decref(hn);
			}
		}
	}
	json_object_set_new(o, "headers", h);
	json_object_set_new(o, "value", watch_value(m));
	json_dumpf(o, stdout, JSON_COMPACT);
	putchar('\n');
	fflush(stdout);
	json_decref(o);
}

static int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from-beginning", no_argument, NULL, 'b'},
		{"count", required_argument, NULL, 'n'},
		{"timeout-ms", required_argument, NULL, 't'},
		{"idle-ms", required_argument, NULL, 'i'},
		{"to-end", no_argument, NULL, 'e'},
		{"verbose", no_argument, NULL, 'v'},
		{"cofferd", required_argument, NULL, 'C'},
		{"plugin-dir", required_argument, NULL, 'P'},
		{NULL, 0, NULL, 0},
	};
	static const char *const defaults[] = {
		/* The mock cluster holds every empty fetch for the full wait. */
		"fetch.wait.max.ms", "10",
		"enable.auto.commit", "false",
		"enable.auto.offset.store", "false",
		"enable.partition.eof", "false",
		/* librdkafka assigns only in a consumer with a group id; the group is
		 * never joined and nothing is committed. */
		"group.id", "cofferctl-watch",
		NULL,
	};
	struct watch w = {0};
	uint64_t count = 0, timeout = 0, idle = 0, got = 0;
	int64_t start, deadline, last, next_refresh;
	rd_kafka_conf_t *conf;
	struct sigaction sa;
	const char *const *vars;
	size_t nvars;
	int c, rc = EXIT_FAIL;
	bool timed_out = false;
	const char *cofferd = NULL;
	const char *dirs[32];
	size_t ndirs = 0;
	char **listed = NULL;
	int nlisted = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			w.from_beginning = true;
			break;
		case 'n':
			if (!ctl_parse_u64(optarg, UINT64_MAX, &count) || count == 0)
				return fail(EXIT_USAGE, "watch: --count %s: expected a positive number", optarg);
			break;
		case 't':
			if (!ctl_parse_u64(optarg, INT32_MAX, &timeout) || timeout == 0)
				return fail(EXIT_USAGE, "watch: --timeout-ms %s: expected a positive number",
				            optarg);
			break;
		case 'i':
			if (!ctl_parse_u64(optarg, INT32_MAX, &idle) || idle == 0)
				return fail(EXIT_USAGE, "watch: --idle-ms %s: expected a positive number", optarg);
			break;
		case 'e':
			w.to_end = true;
			w.from_beginning = true;
			break;
		case 'v':
			g.verbose = true;
			break;
		case 'C':
			cofferd = optarg;
			break;
		case 'P':
			if (ndirs == sizeof dirs / sizeof dirs[0])
				return fail(EXIT_USAGE, "watch: at most %zu --plugin-dir", ndirs);
			dirs[ndirs++] = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		vars = (const char *const *)&argv[optind];
		nvars = (size_t)(argc - optind);
	} else {
		nlisted = watch_default_topics(cofferd, dirs, ndirs, g.verbose, &listed);
		if (nlisted < 0)
			return EXIT_FAIL;
		vars = (const char *const *)listed;
		nvars = (size_t)nlisted;
	}
	w.topics = calloc(nvars, sizeof *w.topics);
	if (w.topics == NULL) {
		rc = fail(EXIT_FAIL, "out of memory");
		goto free_listed;
	}
	/* Two logical names for one real topic would print each message twice. */
	for (size_t i = 0; i < nvars; i++) {
		const char *real = topic_real(vars[i]);
		bool dup = false;

		for (size_t k = 0; k < w.ntopics; k++)
			dup = dup || strcmp(w.topics[k].real, real) == 0;
		if (dup)
			continue;
		w.topics[w.ntopics].var = vars[i];
		w.topics[w.ntopics].real = real;
		w.ntopics++;
	}
	w.nwaiting = w.ntopics;

	conf = conf_new(defaults);
	if (conf == NULL) {
		free(w.topics);
		rc = EXIT_USAGE;
		goto free_listed;
	}
	w.rk = kafka_new(RD_KAFKA_CONSUMER, conf);
	if (w.rk == NULL) {
		free(w.topics);
		rc = EXIT_FAIL;
		goto free_listed;
	}
	rd_kafka_poll_set_consumer(w.rk);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = watch_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	start = now_ms();
	deadline = timeout > 0 ? start + (int64_t)timeout : INT64_MAX;
	last = start;
	next_refresh = start;
	while (!stop_requested) {
		int64_t t = now_ms(), wait = 100;
		rd_kafka_message_t *m;

		if (w.to_end && w.cluster_seen && w.nwaiting == 0 && w.nparts_done == w.nparts)
			break;
		if (t >= deadline || (idle > 0 && t - last >= (int64_t)idle)) {
			timed_out = true;
			break;
		}
		if (w.nwaiting > 0 && t >= next_refresh) {
			int64_t left = deadline - t;

			if (watch_refresh(&w, (int)(left < 2000 ? left : 2000)) != 0)
				goto out;
			next_refresh = now_ms() + 200;
			continue;
		}
		if (deadline - t < wait)
			wait = deadline - t;
		if (idle > 0 && last + (int64_t)idle - t < wait)
			wait = last + (int64_t)idle - t;
		if (w.nwaiting > 0 && next_refresh - t < wait)
			wait = next_refresh - t;
		m = rd_kafka_consumer_poll(w.rk, (int)(wait > 0 ? wait : 0));
		if (m == NULL)
			continue;
		if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
				say("watch: %s: %s",
				     m->rkt != NULL ? rd_kafka_topic_name(m->rkt) : "kafka",
				     rd_kafka_message_errstr(m));
			rd_kafka_message_destroy(m);
			continue;
		}
		watch_print(&w, m);
		if (w.to_end)
			watch_part_seen(&w, m);
		rd_kafka_message_destroy(m);
		last = now_ms();
		if (count > 0 && ++got >= count)
			break;
	}
	if (timed_out && count > 0 && got < count) {
		say("watch: %" PRIu64 " of %" PRIu64 " messages arrived", got, count);
		rc = EXIT_SHORT;
	} else if (timed_out && w.to_end) {
		say("watch: the end of the topics was not reached in time");
		rc = EXIT_SHORT;
	} else {
		rc = 0;
	}
out:
	rd_kafka_consumer_close(w.rk);
	for (size_t i = 0; i < w.ntopics; i++)
		if (w.topics[i].rkt != NULL)
			rd_kafka_topic_destroy(w.topics[i].rkt);
	rd_kafka_destroy(w.rk);
	free(w.topics);
	free(w.parts);
free_listed:
	for (int i = 0; i < nlisted; i++)
		free(listed[i]);
	free(listed);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* feature                                                                  */
/* ------------------------------------------------------------------------ */

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : def;
}

/* The same DB_* variables and defaults as cofferd (host/db.c). */
MYSQL *feature_connect(void)
{
	const char *host = env_or("DB_HOST", "127.0.0.1");
	const char *sock = env_or("DB_SOCKET", NULL);
	const char *port_s = env_or("DB_PORT", "3306");
	unsigned timeout = 5;
	uint64_t port;
	MYSQL *my;

	if (!ctl_parse_u64(port_s, 65535, &port)) {
		fail(EXIT_USAGE, "DB_PORT=%s: not a port number", port_s);
		return NULL;
	}
	if (sock == NULL && host[0] == '/')
		sock = host;
	if (sock != NULL)
		host = "localhost";
	my = mysql_init(NULL);
	if (my == NULL) {
		fail(EXIT_FAIL, "out of memory");
		return NULL;
	}
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(my, host, env_or("DB_USER", "coffer"), env_or("DB_PASSWORD", ""),
	                       env_or("DB_NAME", "coffer"), (unsigned)port, sock, 0) == NULL) {
		fail(EXIT_FAIL, "database: %s", mysql_error(my));
		mysql_close(my);
		return NULL;
	}
	return my;
}

static MYSQL_STMT *feature_prepare(MYSQL *my, const char *sql)
{
	MYSQL_STMT *st = mysql_stmt_init(my);

	if (st == NULL) {
		fail(EXIT_FAIL, "database: %s", mysql_error(my));
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		fail(EXIT_FAIL, "database: %s", mysql_stmt_error(st));
		mysql_stmt_close(st);
		return NULL;
	}
	return st;
}

static bool feature_plugin_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || s[0] < 'a' || s[0] > 'z')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static int feature_set(const char *tenant_arg, const char *plugin, const char *state)
{
	static const char sql[] =
		"INSERT INTO coffer_tenant_features (tenant_id, plugin, enabled, updated_at) "
		"VALUES (?, ?, ?, ?) "
		"ON DUPLICATE KEY UPDATE enabled = VALUES(enabled), updated_at = VALUES(updated_at)";
	char tenant[37];
	unsigned long tenant_len = 36, plugin_len = strlen(plugin);
	signed char enabled;
	int64_t us = cu_now_us();
	time_t secs = (time_t)(us / 1000000);
	struct tm tm;
	MYSQL_TIME at;
	MYSQL_BIND b[4];
	MYSQL *my;
	MYSQL_STMT *st;
	int rc = EXIT_FAIL;

	if (!cu_uuid_parse(tenant_arg, strlen(tenant_arg), tenant))
		return fail(EXIT_USAGE, "feature set: %s: not a canonical UUID", tenant_arg);
	if (!feature_plugin_ok(plugin))
		return fail(EXIT_USAGE, "feature set: %s: not a plugin name ([a-z][a-z0-9_]*)", plugin);
	if (strcmp(state, "on") == 0)
		enabled = 1;
	else if (strcmp(state, "off") == 0)
		enabled = 0;
	else
		return fail(EXIT_USAGE, "feature set: %s: expected on or off", state);

	/* The host's clock convention: UTC, microseconds, never NOW() in SQL. */
	gmtime_r(&secs, &tm);
	memset(&at, 0, sizeof at);
	at.year = (unsigned)tm.tm_year + 1900;
	at.month = (unsigned)tm.tm_mon + 1;
	at.day = (unsigned)tm.tm_mday;
	at.hour = (unsigned)tm.tm_hour;
	at.minute = (unsigned)tm.tm_min;
	at.second = (unsigned)tm.tm_sec;
	at.second_part = (unsigned long)(us % 1000000);
	at.time_type = MYSQL_TIMESTAMP_DATETIME;

	my = feature_connect();
	if (my == NULL)
		return EXIT_FAIL;
	st = feature_prepare(my, sql);
	if (st == NULL)
		goto out;
	memset(b, 0, sizeof b);
	b[0].buffer_type = MYSQL_TYPE_STRING;
	b[0].buffer = tenant;
	b[0].buffer_length = 36;
	b[0].length = &tenant_len;
	b[1].buffer_type = MYSQL_TYPE_STRING;
	b[1].buffer = (char *)plugin;
	b[1].buffer_length = plugin_len;
	b[1].length = &plugin_len;
	b[2].buffer_type = MYSQL_TYPE_TINY;
	b[2].buffer = &enabled;
	b[3].buffer_type = MYSQL_TYPE_DATETIME;
	b[3].buffer = &at;
	if (mysql_stmt_bind_param(st, b) != 0 || mysql_stmt_execute(st) != 0) {
		fail(EXIT_FAIL, "feature set: %s", mysql_stmt_error(st));
		goto out;
	}
	if (g.verbose)
		printf("%s %s %s\n", tenant, plugin, enabled ? "on" : "off");
	rc = 0;
out:
	if (st != NULL)
		mysql_stmt_close(st);
	mysql_close(my);
	return rc;
}

static int feature_list(const char *tenant_arg)
{
	static const char sql_all[] = "SELECT tenant_id, plugin, enabled FROM coffer_tenant_features "
	                              "ORDER BY tenant_id, plugin";
	static const char sql_one[] = "SELECT tenant_id, plugin, enabled FROM coffer_tenant_features "
	                              "WHERE tenant_id = ? ORDER BY plugin";
	char tenant[37], t[64], p[80];
	unsigned long tenant_len = 36, tl = 0, pl = 0;
	signed char enabled = 0;
	my_bool t_null = 0, p_null = 0, e_null = 0;
	MYSQL_BIND in[1], out[3];
	MYSQL *my;
	MYSQL_STMT *st;
	int rc = EXIT_FAIL, r;

	if (tenant_arg != NULL && !cu_uuid_parse(tenant_arg, strlen(tenant_arg), tenant))
		return fail(EXIT_USAGE, "feature list: %s: not a canonical UUID", tenant_arg);
	my = feature_connect();
	if (my == NULL)
		return EXIT_FAIL;
	st = feature_prepare(my, tenant_arg != NULL ? sql_one : sql_all);
	if (st == NULL)
		goto done;
	if (tenant_arg != NULL) {
		memset(in, 0, sizeof in);
		in[0].buffer_type = MYSQL_TYPE_STRING;
		in[0].buffer = tenant;
		in[0].buffer_length = 36;
		in[0].length = &tenant_len;
		if (mysql_stmt_bind_param(st, in) != 0)
			goto stmt_error;
	}
	memset(out, 0, sizeof out);
	out[0].buffer_type = MYSQL_TYPE_STRING;
	out[0].buffer = t;
	out[0].buffer_length = sizeof t - 1;
	out[0].length = &tl;
	out[0].is_null = &t_null;
	out[1].buffer_type = MYSQL_TYPE_STRING;
	out[1].buffer = p;
	out[1].buffer_length = sizeof p - 1;
	out[1].length = &pl;
	out[1].is_null = &p_null;
	out[2].buffer_type = MYSQL_TYPE_TINY;
	out[2].buffer = &enabled;
	out[2].is_null = &e_null;
	if (mysql_stmt_execute(st) != 0 || mysql_stmt_bind_result(st, out) != 0)
		goto stmt_error;
	while ((r = mysql_stmt_fetch(st)) == 0 || r == MYSQL_DATA_TRUNCATED) {
		t[tl < sizeof t - 1 ? tl : sizeof t - 1] = '\0';
		p[pl < sizeof p - 1 ? pl : sizeof p - 1] = '\0';
		printf("%s %s %s\n", t, p, enabled ? "on" : "off");
	}
	if (r != MYSQL_NO_DATA)
		goto stmt_error;
	rc = 0;
	goto done;
stmt_error:
	fail(EXIT_FAIL, "feature list: %s", mysql_stmt_error(st));
done:
	if (st != NULL)
		mysql_stmt_close(st);
	mysql_close(my);
	return rc;
}

static int cmd_feature(int argc, char **argv)
{
	int n = 0;

	/* Like send and watch, take -v anywhere. */
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0)
			g.verbose = true;
		else
			argv[n++] = argv[i];
	}
	argc = n;
	if (argc >= 2 && strcmp(argv[1], "set") == 0) {
		if (argc != 5)
			return fail(EXIT_USAGE, "usage: cofferctl feature set TENANT PLUGIN on|off");
		return feature_set(argv[2], argv[3], argv[4]);
	}
	if (argc >= 2 && strcmp(argv[1], "list") == 0) {
		if (argc > 3)
			return fail(EXIT_USAGE, "usage: cofferctl feature list [TENANT]");
		return feature_list(argc == 3 ? argv[2] : NULL);
	}
	return fail(EXIT_USAGE, "usage: cofferctl feature set TENANT PLUGIN on|off | feature list [TENANT]");
}

/* ------------------------------------------------------------------------ */
/* show: reads through the REST API                                          */
/* ------------------------------------------------------------------------ */

size_t ctl_buf_write(char *data, size_t size, size_t nmemb, void *ud)
{
	struct ctl_buf *b = ud;
	size_t n = size * nmemb;
	char *p = realloc(b->p, b->n + n + 1);
	if (p == NULL)
		return 0;
	memcpy(p + b->n, data, n);
	b->p = p;
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

/* GET @p path (already escaped) with the tenant headers; the body into @p out. Returns the
 * HTTP status, or -1 after printing why the request failed. */
static long show_get(const char *base, const char *path, const char *tenant, const char *region,
                     const char *version, struct ctl_buf *out)
{
	unsigned major = 0, minor = 0;
	if (sscanf(version, "%u.%u", &major, &minor) != 2 || major > 65535 || minor > 65535) {
		fail(EXIT_USAGE, "--version %s: expected MAJOR.MINOR", version);
		return -2;
	}
	CURL *h = curl_easy_init();
	if (h == NULL) {
		fail(EXIT_FAIL, "libcurl init failed");
		return -1;
	}
	char url[2048], th[128], rh[128], mh[64], nh[64];
	size_t bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	snprintf(url, sizeof url, "%.*s%s", (int)bl, base, path);
	snprintf(th, sizeof th, "TENANT_ID: %s", tenant);
	snprintf(rh, sizeof rh, "REGION: %s", region);
	snprintf(mh, sizeof mh, "MAJOR_VERSION: %u", major);
	snprintf(nh, sizeof nh, "MINOR_VERSION: %u", minor);
	struct curl_slist *hdrs = NULL;
	hdrs = curl_slist_append(hdrs, th);
	hdrs = curl_slist_append(hdrs, rh);
	hdrs = curl_slist_append(hdrs, mh);
	hdrs = curl_slist_append(hdrs, nh);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, ctl_buf_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	long status = -1;
	CURLcode rc = curl_easy_perform(h);
	if (rc != CURLE_OK)
		fail(EXIT_FAIL, "GET %s: %s", url, curl_easy_strerror(rc));
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (g.verbose && rc == CURLE_OK)
		say("GET %s: %ld", url, status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return status;
}

static const char *show_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long show_int(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static const char *const type_names[] = {"?", "equip", "use", "setup", "etc", "cash"};

static const char *show_type_name(long long t)
{
	return t >= 1 && t <= 5 ? type_names[t] : "?";
}

static void show_asset_header(void)
{
	printf("  %6s  %10s  %-14s  %8s  %10s  %s\n", "SLOT", "TEMPLATE", "KIND", "QUANTITY", "ASSET",
	       "EXPIRATION");
}

static void show_asset(const json_t *res)
{
	const json_t *a = json_object_get(res, "attributes");
	const json_t *rd = json_object_get(a, "referenceData");
	json_t *q = json_object_get(rd, "quantity");
	char qty[24] = "1";
	if (json_is_integer(q))
		snprintf(qty, sizeof qty, "%lld", (long long)json_integer_value(q));
	const char *exp = show_str(a, "expiration");
	printf("  %6lld  %10lld  %-14s  %8s  %10s  %s\n", show_int(a, "slot"),
	       show_int(a, "templateId"), show_str(a, "referenceType"), qty, show_str(res, "id"),
	       strcmp(exp, "0001-01-01T00:00:00Z") == 0 ? "-" : exp);
}

/* The included resource of @p type and @p id, or NULL. */
static const json_t *show_included(const json_t *doc, const char *type, const char *id)
{
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(doc, "included"), i, r)
		if (strcmp(show_str(r, "type"), type) == 0 && strcmp(show_str(r, "id"), id) == 0)
			return r;
	return NULL;
}

/* One compartment and its assets (the relationship's order, filled from included). */
static void show_compartment_table(const json_t *doc, const json_t *comp)
{
	const json_t *a = json_object_get(comp, "attributes");
	const json_t *rel = json_object_get(json_object_get(json_object_get(comp, "relationships"),
	                                                    "assets"),
	                                    "data");
	printf("%s (type %lld)  capacity %lld  assets %zu  id %s\n",
	       show_type_name(show_int(a, "type")), show_int(a, "type"), show_int(a, "capacity"),
	       json_array_size(rel), show_str(comp, "id"));
	if (json_array_size(rel) == 0)
		return;
	show_asset_header();
	size_t i;
	const json_t *r;
	json_array_foreach(rel, i, r) {
		const json_t *asset = show_included(doc, "assets", show_str(r, "id"));
		if (asset)
			show_asset(asset);
	}
}

static void show_inventory_table(const json_t *doc)
{
	const json_t *d = json_object_get(doc, "data");
	const json_t *rel = json_object_get(
		json_object_get(json_object_get(d, "relationships"), "compartments"), "data");
	printf("character %lld: %zu compartment(s)\n",
	       show_int(json_object_get(d, "attributes"), "characterId"), json_array_size(rel));
	size_t i;
	const json_t *r;
	json_array_foreach(rel, i, r) {
		const json_t *comp = show_included(doc, "compartments", show_str(r, "id"));
		if (comp)
			show_compartment_table(doc, comp);
	}
}

static void show_drop_row(const json_t *res)
{
	const json_t *a = json_object_get(res, "attributes");
	printf("%10s  %3lld %3lld %10lld  %8lld  %8lld  %8lld  %6lld,%-6lld  %8lld  %s\n",
	       show_str(res, "id"), show_int(a, "worldId"), show_int(a, "channelId"),
	       show_int(a, "mapId"), show_int(a, "itemId"), show_int(a, "quantity"),
	       show_int(a, "meso"), show_int(a, "x"), show_int(a, "y"), show_int(a, "ownerId"),
	       show_str(a, "dropTime"));
}

static void show_drop_header(void)
{
	printf("%10s  %3s %3s %10s  %8s  %8s  %8s  %13s  %8s  %s\n", "DROP", "W", "CH", "MAP", "ITEM",
	       "QUANTITY", "MESO", "X,Y", "OWNER", "DROPPED");
}

static char *show_escape(const char *s)
{
	return curl_easy_escape(NULL, s, 0);
}

static int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tenant", required_argument, NULL, 't'},
		{"region", required_argument, NULL, 'r'},
		{"version", required_argument, NULL, 'V'},
		{"url", required_argument, NULL, 'u'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	const char *tenant = NULL, *region = "GMS", *version = "83.1";
	const char *url = env_or("COFFER_URL", DEFAULT_URL);
	bool raw = false;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': tenant = optarg; break;
		case 'r': region = optarg; break;
		case 'V': version = optarg; break;
		case 'u': url = optarg; break;
		case 'j': raw = true; break;
		default: return EXIT_USAGE;
		}
	}
	const char *what = optind < argc ? argv[optind] : "";
	int nargs = argc - optind - 1;
	char **args = argv + optind + 1;
	if (tenant == NULL)
		return fail(EXIT_USAGE, "show: --tenant UUID is required");

	char path[1024];
	char *e[3] = {NULL, NULL, NULL};
	enum { INV, COMP, DROPS, DROP } kind;
	if (strcmp(what, "inventory") == 0 && nargs == 1) {
		kind = INV;
		e[0] = show_escape(args[0]);
		snprintf(path, sizeof path, "/api/characters/%s/inventory", e[0]);
	} else if (strcmp(what, "compartment") == 0 && nargs == 2) {
		kind = COMP;
		e[0] = show_escape(args[0]);
		e[1] = show_escape(args[1]);
		snprintf(path, sizeof path, "/api/characters/%s/inventory/compartments?type=%s", e[0],
		         e[1]);
	} else if (strcmp(what, "drops") == 0 && nargs == 3) {
		kind = DROPS;
		for (int i = 0; i < 3; i++)
			e[i] = show_escape(args[i]);
		snprintf(path, sizeof path, "/api/worlds/%s/channels/%s/maps/%s/drops", e[0], e[1], e[2]);
	} else if (strcmp(what, "drop") == 0 && nargs == 1) {
		kind = DROP;
		e[0] = show_escape(args[0]);
		snprintf(path, sizeof path, "/api/drops/%s", e[0]);
	} else {
		return fail(EXIT_USAGE, "usage: cofferctl show inventory CHARACTER | compartment CHARACTER "
		                        "TYPE | drops WORLD CHANNEL MAP | drop ID  --tenant UUID");
	}
	for (int i = 0; i < 3; i++)
		curl_free(e[i]);

	struct ctl_buf b = {NULL, 0};
	long status = show_get(url, path, tenant, region, version, &b);
	int rc = EXIT_FAIL;
	if (status == -2) {
		rc = EXIT_USAGE;
	} else if (status < 0) {
		rc = EXIT_FAIL;
	} else if (status != 200) {
		const char *why = status == 404 ? "not found" : status == 400 ? "bad request" : "error";
		fail(EXIT_FAIL, "GET %s: HTTP %ld (%s)", path, status, why);
	} else if (raw) {
		if (b.n)
			fwrite(b.p, 1, b.n, stdout);
		putchar('\n');
		rc = 0;
	} else {
		json_error_t err;
		json_t *doc = json_loadb(b.p ? b.p : "", b.n, 0, &err);
		if (doc == NULL) {
			fail(EXIT_FAIL, "GET %s: the answer is not JSON: %s", path, err.text);
		} else {
			const json_t *d = json_object_get(doc, "data");
			size_t i;
			const json_t *r;
			switch (kind) {
			case INV: show_inventory_table(doc); break;
			case COMP: show_compartment_table(doc, d); break;
			case DROPS:
				show_drop_header();
				json_array_foreach(d, i, r)
					show_drop_row(r);
				printf("%zu drop(s)\n", json_array_size(d));
				break;
			case DROP:
				show_drop_header();
				show_drop_row(d);
				break;
			}
			json_decref(doc);
			rc = 0;
		}
	}
	free(b.p);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* main                                                                     */
/* ------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"bootstrap", required_argument, NULL, 'b'},
		{"bootstrap-file", required_argument, NULL, 'f'},
		{"kafka-prop", required_argument, NULL, 'X'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static char sub_name[64];
	const char *cmd;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+hvX:", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			g.bootstrap = optarg;
			break;
		case 'f':
			g.bootstrap_file = optarg;
			break;
		case 'X': {
			const char **n;

			if (strchr(optarg, '=') == NULL || optarg[0] == '=')
				return fail(EXIT_USAGE, "--kafka-prop %s: expected KEY=VALUE", optarg);
			n = realloc(g.props, (g.nprops + 1) * sizeof *g.props);
			if (n == NULL)
				return fail(EXIT_FAIL, "out of memory");
			g.props = n;
			g.props[g.nprops++] = optarg;
			break;
		}
		case 'v':
			g.verbose = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("cofferctl (coffer) %s; librdkafka %s, jansson %s, %s\n", PACKAGE_VERSION,
			       rd_kafka_version_str(), JANSSON_VERSION, mysql_get_client_info());
			return 0;
		default:
			fputs("Try 'cofferctl --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return fail(EXIT_USAGE, "missing command; try 'cofferctl --help'");
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	/* getopt names the program in its messages: make that "cofferctl send". */
	snprintf(sub_name, sizeof sub_name, "cofferctl %s", cmd);
	argv[0] = sub_name;

	if (strcmp(cmd, "send") == 0 || strcmp(cmd, "watch") == 0) {
		if (g.bootstrap != NULL && g.bootstrap_file != NULL)
			return fail(EXIT_USAGE, "--bootstrap and --bootstrap-file exclude each other");
		if (g.bootstrap_file != NULL) {
			rc = read_bootstrap_file(g.bootstrap_file);
			if (rc != 0)
				return rc;
		}
		if (g.bootstrap == NULL)
			g.bootstrap = env_or("BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP);
		rc = strcmp(cmd, "send") == 0 ? cmd_send(argc, argv) : cmd_watch(argc, argv);
	} else if (strcmp(cmd, "feature") == 0) {
		rc = cmd_feature(argc, argv);
	} else if (strcmp(cmd, "templates") == 0) {
		rc = cmd_templates(argc, argv);
	} else if (strcmp(cmd, "status") == 0) {
		rc = cmd_status(argc, argv);
	} else if (strcmp(cmd, "show") == 0) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		rc = cmd_show(argc, argv);
		curl_global_cleanup();
	} else if (strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
		rc = 0;
	} else {
		rc = fail(EXIT_USAGE, "unknown command '%s'; try 'cofferctl --help'", cmd);
	}
	free(g.props);
	return rc;
}
