/* SPDX-License-Identifier: MIT */
/* host/main.c: cofferd. Configuration (environment variables of the Go services,
 * each with a long option), the start-up order, signals, and the exit path:
 * load plugins -> init -> HTTP server (host routes) -> migrate -> tenant features ->
 * publisher -> tasks -> plugin routes -> consumer; on SIGTERM/SIGINT plugin routes
 * close, the consumer stops, in-flight messages finish and their offsets are
 * committed, plugins stop, the outbox is drained, the HTTP server stops, plugins fini. */
#include "config.h"

#include <stdatomic.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <coffer/plugin.h>

#include "bus.h"
#include "db.h"
#include "embedded.h"
#include "health.h"
#include "http.h"
#include "log.h"
#include "opts.h"
#include "metrics.h"
#include "obs_routes.h"
#include "outbox.h"
#include "registry.h"
#include "router.h"
#include "sdnotify.h"
#include "tasks.h"
#include "util.h"
#include "xalloc.h"

static atomic_bool stopping;
static atomic_bool running;  /* the tasks thread exists: SIGHUP can reload */
static sigset_t sigs;

/* Where plugins (or migrations) are looked for, in order: the folders of the
 * option (--plugin-dir, repeatable), then the entries of the environment variable
 * (COFFER_PLUGIN_PATH=dir1:dir2) when it is set, else the default (the build tree's
 * or the installed folder). The variable replaces the default; set but empty, only
 * the options' folders remain. A folder a user named (option or variable) that
 * does not exist stops cofferd (exit 78). */
#define SEARCH_MAX 32
struct search_path {
	const char *dir[SEARCH_MAX + 1]; /* NULL-terminated */
	const char *from[SEARCH_MAX];    /* the setting that named it; NULL = the default */
	size_t n;
	bool overflow;
};

/* The variables' copies the entries point into, kept for the process's life (reachable
 * from here even when a variable is set but empty and no entry points into its copy). */
static char *path_storage[2];
static size_t npath_storage;

static void path_add(struct search_path *sp, const char *dir, const char *from)
{
	if (sp->n == SEARCH_MAX) {
		sp->overflow = true;
		return;
	}
	sp->from[sp->n] = from;
	sp->dir[sp->n++] = dir;
	sp->dir[sp->n] = NULL;
}

/* Append the entries of @p v, the value of the variable @p env (':'-separated,
 * empty ones skipped), or @p def when @p env is not set (@p v NULL). */
static void path_finish(struct search_path *sp, const char *env, const char *v, const char *def)
{
	if (v == NULL) {
		path_add(sp, def, NULL);
		return;
	}
	char *copy = xstrdup(v); /* kept for the process's life: the entries point into it */
	if (npath_storage < sizeof path_storage / sizeof path_storage[0])
		path_storage[npath_storage++] = copy;
	for (char *save = NULL, *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save))
		path_add(sp, t, env);
}

struct opts {
	const char *bootstrap;
	struct db_params db;
	const char *log_level;
	const char *log_format;
	bool log_format_given;
	const char *group_id;
	unsigned workers;
	unsigned batch;
	struct search_path plugins; /* --plugin-dir..., then COFFER_PLUGIN_PATH or the default */
	struct search_path sql;     /* --sql-dir..., then COFFER_SQL_PATH or the default */
	bool list_plugins;
	bool migrate_only;
	bool embedded;
	int embedded_port;
	const char *embedded_file;
	int partitions;
	const char *kafka_props[64];
	size_t nkafka_props;
	bool keep_plugins;
	bool features_default;
	unsigned features_refresh_ms;
	long marker_retention_h;
	unsigned drain_timeout_ms;
	unsigned max_message_bytes;
	unsigned stall_warn_ms;
	bool db_port_given;
	long long retention_rows;      /* outbox.embedded_retention_rows */
	long long retention_ms;        /* outbox.embedded_retention_ms */
	const char *http_listen;       /* NULL = off */
	unsigned http_threads;
	unsigned http_conns;
	unsigned http_timeout_s;
	unsigned http_max_body;
	unsigned http_max_url;
	const char *http_port_file;
	const char *rest_port; /* REST_PORT, when http_listen was made from it */
};

/* The largest payload coffer handles (docs/configuration.md "Message size"). */
#define DEF_MAX_MESSAGE_BYTES (1024u * 1024u)

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: cofferd [OPTION]...\n"
	        "Game-server inventory and drops daemon: plugins handle Kafka messages, state in MySQL.\n"
	        "\n"
	        "Kafka:\n"
	        "  --bootstrap-servers LIST  brokers (env BOOTSTRAP_SERVERS, default localhost:9092)\n"
	        "  --group-id ID             consumer group of every cofferd (default coffer)\n"
	        "  --kafka-prop KEY=VALUE    any librdkafka property, consumer and producer (repeatable)\n"
	        "  --embedded-kafka[=PORT]   run librdkafka's mock cluster in-process on 127.0.0.1 and\n"
	        "                            use it (BOOTSTRAP_SERVERS ignored); with PORT, also accept\n"
	        "                            bootstrap connections on that fixed port\n"
	        "  --embedded-kafka-file F   write the embedded cluster's bootstrap list to F\n"
	        "  --partitions N            partitions of each embedded topic (default 4)\n"
	        "Topics: plugins name them by variables (COMMAND_TOPIC_*, EVENT_TOPIC_*, and\n"
	        "DEAD_LETTER_TOPIC; --list-plugins shows each plugin's). A variable's real topic:\n"
	        "  --topic VAR=NAME          any variable, e.g. --topic COMMAND_TOPIC_DROP=drops\n"
	        "  --VAR-IN-LOWER-CASE NAME  the same, the variable written in lower case with\n"
	        "                            dashes, e.g. --command-topic-drop drops (the last of\n"
	        "                            these two options wins)\n"
	        "  env VAR                   else the environment variable of that name\n"
	        "                            else the variable's name itself (DEAD_LETTER_TOPIC:\n"
	        "                            coffer.dead-letter)\n"
	        "MySQL / MariaDB:\n"
	        "  --db-host HOST            env DB_HOST (default 127.0.0.1; a path = socket)\n"
	        "  --db-port PORT            env DB_PORT (default 3306)\n"
	        "  --db-user USER            env DB_USER (default coffer)\n"
	        "  --db-password PASS        env DB_PASSWORD (default empty)\n"
	        "  --db-name NAME            env DB_NAME (default coffer)\n"
	        "  --db-socket PATH          env DB_SOCKET (unix socket; overrides host/port)\n"
	        "  --migrate-only            apply migrations (host, then plugins) and exit\n"
	        "  --sql-dir DIR             also look for migrations in DIR, before the default\n"
	        "                            (repeatable; the first folder holding a component's\n"
	        "                            folder wins)\n"
	        "  env COFFER_SQL_PATH       DIR:DIR... replaces the default migrations folder\n"
	        "                            (default: build tree's sql/ or %s)\n"
	        "Plugins:\n"
	        "  --plugin-dir DIR          also load plugins from DIR (a folder or one .so file),\n"
	        "                            searched before the default (repeatable; a plugin\n"
	        "                            name found in an earlier folder shadows later ones)\n"
	        "  env COFFER_PLUGIN_PATH    DIR:DIR... replaces the default plugin folder (set but\n"
	        "                            empty: only --plugin-dir; default: build tree or\n"
	        "                            %s)\n"
	        "  A folder named by an option or variable that does not exist stops cofferd (78).\n"
	        "  --list-plugins            load and describe every plugin, then exit\n"
	        "  --set PLUGIN.KEY=VALUE    plugin setting (also env COFFER_<PLUGIN>_<KEY>)\n"
	        "  --keep-plugins            do not dlclose at exit (for leak checkers)\n"
	        "Outbox on the embedded Kafka (docs/embedded-kafka.md \"The embedded Kafka's own death\"):\n"
	        "  --set outbox.embedded_retention_rows=N  keep at most N rows the embedded cluster\n"
	        "                            acknowledged, to publish them again to the next cluster\n"
	        "                            if it dies (env COFFER_OUTBOX_EMBEDDED_RETENTION_ROWS,\n"
	        "                            default 100000; 0 = delete at once)\n"
	        "  --set outbox.embedded_retention_ms=MS   ... for at most MS (env\n"
	        "                            COFFER_OUTBOX_EMBEDDED_RETENTION_MS, default 600000;\n"
	        "                            0 = delete at once); a real cluster's are deleted at once\n"
	        "HTTP (REST API):\n"
	        "  --http-listen ADDR:PORT   listen here; off = no HTTP server; [V6]:PORT; port 0 = any\n"
	        "                            (env REST_PORT gives the port; default 127.0.0.1:8080)\n"
	        "  --http-port-file F        write the bound ADDR:PORT to F\n"
	        "  --http-threads N          HTTP threads, each with its own database connection\n"
	        "                            (default 2)\n"
	        "  --http-max-connections N  concurrent connections (default 256)\n"
	        "  --http-timeout-s S        close a connection without progress for S s (default 5)\n"
	        "  --http-max-body BYTES     larger request bodies answer 413 (default 65536)\n"
	        "  --http-max-url BYTES      longer request targets answer 414 (default 8192)\n"
	        "Observability (same server, no tenant headers; docs/observability.md):\n"
	        "  GET /healthz              200 \"ok\" while the process answers\n"
	        "  GET /readyz               200 when the database answers, migrations are applied and\n"
	        "                            the consumer holds its assignment; else 503 and why\n"
	        "                            (also from the moment SIGTERM arrives)\n"
	        "  GET /metrics              Prometheus text format (coffer_* metrics)\n"
	        "  The server answers these from start-up (before the migrations) until the outbox\n"
	        "  is drained at exit; REST routes answer 503 until the migrations ran and from the\n"
	        "  moment SIGTERM arrives.\n"
	        "Item data (asset plugin settings, docs/item-data.md):\n"
	        "  --set asset.data_url=URL  game-data service prefix ending in /api/ (env\n"
	        "                            DATA_SERVICE_URL when set, even empty, else\n"
	        "                            BASE_SERVICE_URL; unset or empty = no HTTP)\n"
	        "  --set asset.data_timeout_ms=MS        per request (default 3000)\n"
	        "  --set asset.data_negative_ttl_ms=MS   remember \"no such template\" (default 60000)\n"
	        "  --set asset.data_negative_max=N       entries of that cache (default 4096)\n"
	        "Tenants:\n"
	        "  --features-default on|off feature state of tenants without a row (default on)\n"
	        "  --features-refresh-ms MS  re-read coffer_tenant_features this often (default 2000)\n"
	        "Processing:\n"
	        "  --workers N               worker threads (default: number of cores)\n"
	        "  --batch N                 max messages per transaction (default 32)\n"
	        "  --marker-retention-hours H  keep processed markers this long (default 168)\n"
	        "  --drain-timeout-ms MS     at exit, publish the outbox for at most MS (default 30000)\n"
	        "  --max-message-bytes N     largest payload handled; larger ones are dead-lettered\n"
	        "                            (default 1048576, from 1024 to 33554432)\n"
	        "  --stall-warn-ms MS        log a partition that has lag but no progress for MS\n"
	        "                            (default 30000)\n"
	        "  --log-level LEVEL         error|warn|info|debug (env LOG_LEVEL, default info)\n"
	        "  --log-format FORMAT       logfmt|json: key=value lines or one JSON object a line\n"
	        "                            (ts, level, msg, plugin, tenant, topic, partition,\n"
	        "                            offset, event, ...) (env LOG_FORMAT, default logfmt)\n"
	        "  --help, --version\n",
	        COFFER_SQL_DIR, COFFER_PLUGIN_DIR);
}

enum {
	O_BOOT = 1000, O_GROUP, O_KPROP, O_EMB, O_EMBFILE, O_PARTS, O_TOPIC, O_DBHOST, O_DBPORT,
	O_DBUSER, O_DBPASS, O_DBNAME, O_DBSOCK, O_MIGRATE, O_SQLDIR, O_PLUGDIR, O_LIST, O_SET,
	O_KEEP, O_FDEF, O_FREFRESH, O_WORKERS, O_BATCH, O_RETAIN, O_DRAIN, O_LOG, O_LOGFMT, O_HELP, O_VERSION,
	O_MAXMSG, O_STALL,
	O_HLISTEN, O_HPORTFILE, O_HTHREADS, O_HCONNS, O_HTIMEOUT, O_HBODY, O_HURL,
};

/* Whether the running binary is the build tree's host/cofferd. */
static bool running_from_build_tree(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return false;
	self[n] = '\0';
	char want[PATH_MAX];
	snprintf(want, sizeof want, "%s/host/", COFFER_BUILD_DIR);
	return strncmp(self, want, strlen(want)) == 0;
}

/* Whether @p arg is a topic option: "--" and a topic variable in lower case with
 * dashes ("--command-topic-drop", "--event-topic-hello-status=NAME"); the
 * variable goes to @p var. Any variable a plugin may name has one: the host
 * keeps no list of topics. 1 or 0. */
static int topic_option(const char *arg, char *var, size_t cap)
{
	if (strncmp(arg, "--", 2) != 0)
		return 0;
	size_t n = strcspn(arg + 2, "=");
	if (n == 0 || n >= cap)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = arg[2 + i];
		if (ch >= 'a' && ch <= 'z')
			var[i] = (char)(ch - 'a' + 'A');
		else if ((ch >= '0' && ch <= '9') || ch == '-')
			var[i] = ch == '-' ? '_' : ch;
		else
			return 0;
	}
	var[n] = '\0';
	return reg_topic_var_valid(var) ? 1 : 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static struct option base[] = {
		{"bootstrap-servers", required_argument, 0, O_BOOT},
		{"group-id", required_argument, 0, O_GROUP},
		{"kafka-prop", required_argument, 0, O_KPROP},
		{"embedded-kafka", optional_argument, 0, O_EMB},
		{"embedded-kafka-file", required_argument, 0, O_EMBFILE},
		{"partitions", required_argument, 0, O_PARTS},
		{"topic", required_argument, 0, O_TOPIC},
		{"db-host", required_argument, 0, O_DBHOST},
		{"db-port", required_argument, 0, O_DBPORT},
		{"db-user", required_argument, 0, O_DBUSER},
		{"db-password", required_argument, 0, O_DBPASS},
		{"db-name", required_argument, 0, O_DBNAME},
		{"db-socket", required_argument, 0, O_DBSOCK},
		{"migrate-only", no_argument, 0, O_MIGRATE},
		{"sql-dir", required_argument, 0, O_SQLDIR},
		{"plugin-dir", required_argument, 0, O_PLUGDIR},
		{"list-plugins", no_argument, 0, O_LIST},
		{"set", required_argument, 0, O_SET},
		{"keep-plugins", no_argument, 0, O_KEEP},
		{"features-default", required_argument, 0, O_FDEF},
		{"features-refresh-ms", required_argument, 0, O_FREFRESH},
		{"workers", required_argument, 0, O_WORKERS},
		{"batch", required_argument, 0, O_BATCH},
		{"marker-retention-hours", required_argument, 0, O_RETAIN},
		{"drain-timeout-ms", required_argument, 0, O_DRAIN},
		{"max-message-bytes", required_argument, 0, O_MAXMSG},
		{"stall-warn-ms", required_argument, 0, O_STALL},
		{"log-level", required_argument, 0, O_LOG},
		{"log-format", required_argument, 0, O_LOGFMT},
		{"http-listen", required_argument, 0, O_HLISTEN},
		{"http-port-file", required_argument, 0, O_HPORTFILE},
		{"http-threads", required_argument, 0, O_HTHREADS},
		{"http-max-connections", required_argument, 0, O_HCONNS},
		{"http-timeout-s", required_argument, 0, O_HTIMEOUT},
		{"http-max-body", required_argument, 0, O_HBODY},
		{"http-max-url", required_argument, 0, O_HURL},
		{"help", no_argument, 0, O_HELP},
		{"version", no_argument, 0, O_VERSION},
		{0, 0, 0, 0},
	};
	const size_t nbase = sizeof base / sizeof base[0] - 1;
	/* Topic options (--command-topic-drop NAME) are taken out first: any topic
	 * variable has one, so they cannot be in the table. An option's value is
	 * skipped so that a value spelled like a topic option stays a value. */
	static char *args[1024];
	if (argc > (int)(sizeof args / sizeof args[0]) - 1) {
		fprintf(stderr, "cofferd: too many arguments\n");
		return 2;
	}
	int nargs = 0;
	args[nargs++] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			while (i < argc)
				args[nargs++] = argv[i++];
			break;
		}
		char var[128];
		int t = topic_option(a, var, sizeof var);
		if (t > 0) {
			const char *eq = strchr(a, '=');
			const char *name = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
			char kv[512];
			snprintf(kv, sizeof kv, "%s=%s", var, name ? name : "");
			if (name == NULL || reg_set_topic(kv) != 0) {
				fprintf(stderr, "cofferd: %.*s needs a topic name (the real topic of %s)\n",
				        eq ? (int)(eq - a) : (int)strlen(a), a, var);
				return 2;
			}
			continue;
		}
		args[nargs++] = argv[i];
		if (strncmp(a, "--", 2) == 0 && strchr(a, '=') == NULL && i + 1 < argc) {
			/* getopt_long also takes a unique prefix of a name */
			const struct option *hit = NULL;
			int hits = 0;
			for (size_t k = 0; k < nbase; k++) {
				if (strcmp(base[k].name, a + 2) == 0) {
					hit = &base[k];
					hits = 1;
					break;
				}
				if (strncmp(base[k].name, a + 2, strlen(a + 2)) == 0) {
					hit = &base[k];
					hits++;
				}
			}
			if (hits == 1 && hit->has_arg == required_argument)
				args[nargs++] = argv[++i];
		}
	}
	args[nargs] = NULL;
	argc = nargs;
	argv = args;

	int c;
	while ((c = getopt_long(argc, argv, "", base, NULL)) != -1) {
		switch (c) {
		case O_BOOT: o->bootstrap = optarg; break;
		case O_GROUP: o->group_id = optarg; break;
		case O_KPROP:
			if (o->nkafka_props < 64)
				o->kafka_props[o->nkafka_props++] = optarg;
			break;
		case O_EMB:
			o->embedded = true;
			o->embedded_port = 0;
			if (optarg && opt_int("--embedded-kafka port", optarg, 1, 65535, &o->embedded_port))
				return COFFER_EX_CONFIG;
			break;
		case O_EMBFILE: o->embedded_file = optarg; break;
		case O_PARTS:
			if (opt_int("--partitions", optarg, 1, 1000, &o->partitions))
				return COFFER_EX_CONFIG;
			break;
		case O_TOPIC:
			if (reg_set_topic(optarg) != 0) {
				fprintf(stderr, "cofferd: bad --topic '%s' (VAR=NAME, VAR a COMMAND_TOPIC_*, "
				                "EVENT_TOPIC_* or DEAD_LETTER_TOPIC name)\n", optarg);
				return 2;
			}
			break;
		case O_DBHOST: o->db.host = optarg; break;
		case O_DBPORT:
			if (opt_uint("--db-port", optarg, 1, 65535, &o->db.port))
				return COFFER_EX_CONFIG;
			o->db_port_given = true;
			break;
		case O_DBUSER: o->db.user = optarg; break;
		case O_DBPASS: o->db.password = optarg; break;
		case O_DBNAME: o->db.name = optarg; break;
		case O_DBSOCK: o->db.socket = optarg; break;
		case O_MIGRATE: o->migrate_only = true; break;
		case O_SQLDIR: path_add(&o->sql, optarg, "--sql-dir"); break;
		case O_PLUGDIR: path_add(&o->plugins, optarg, "--plugin-dir"); break;
		case O_LIST: o->list_plugins = true; break;
		case O_SET:
			if (reg_set_config(optarg) != 0) {
				fprintf(stderr, "cofferd: bad --set '%s' (PLUGIN.KEY=VALUE)\n", optarg);
				return 2;
			}
			break;
		case O_KEEP: o->keep_plugins = true; break;
		case O_FDEF:
			if (strcmp(optarg, "on") && strcmp(optarg, "off")) {
				fprintf(stderr, "cofferd: --features-default takes on or off\n");
				return 2;
			}
			o->features_default = strcmp(optarg, "on") == 0;
			break;
		/* Numbers are checked strictly: a value that is not one, or out of range, stops
		 * cofferd (exit 78) instead of running with a guess (atoi("x") = 0). */
		case O_FREFRESH:
			if (opt_uint("--features-refresh-ms", optarg, 10, 86400000, &o->features_refresh_ms))
				return COFFER_EX_CONFIG;
			break;
		case O_WORKERS:
			if (opt_uint("--workers", optarg, 1, 1024, &o->workers))
				return COFFER_EX_CONFIG;
			break;
		case O_BATCH:
			if (opt_uint("--batch", optarg, 1, 4096, &o->batch))
				return COFFER_EX_CONFIG;
			break;
		case O_RETAIN: {
			long long h;
			if (opt_ll("--marker-retention-hours", optarg, 1, 87600, &h))
				return COFFER_EX_CONFIG;
			o->marker_retention_h = (long)h;
			break;
		}
		case O_DRAIN:
			if (opt_uint("--drain-timeout-ms", optarg, 0, 3600000, &o->drain_timeout_ms))
				return COFFER_EX_CONFIG;
			break;
		case O_MAXMSG:
			if (opt_uint("--max-message-bytes", optarg, 1024, 32u * 1024 * 1024,
			             &o->max_message_bytes))
				return COFFER_EX_CONFIG;
			break;
		case O_STALL:
			if (opt_uint("--stall-warn-ms", optarg, 100, 86400000, &o->stall_warn_ms))
				return COFFER_EX_CONFIG;
			break;
		case O_LOG: o->log_level = optarg; break;
		case O_LOGFMT:
			o->log_format = optarg;
			o->log_format_given = true;
			break;
		case O_HLISTEN:
			o->http_listen = strcmp(optarg, "off") == 0 ? NULL : optarg;
			o->rest_port = NULL;
			break;
		case O_HPORTFILE: o->http_port_file = optarg; break;
		case O_HTHREADS:
			if (opt_uint("--http-threads", optarg, 1, 256, &o->http_threads))
				return COFFER_EX_CONFIG;
			break;
		case O_HCONNS:
			if (opt_uint("--http-max-connections", optarg, 1, 65536, &o->http_conns))
				return COFFER_EX_CONFIG;
			break;
		case O_HTIMEOUT:
			if (opt_uint("--http-timeout-s", optarg, 1, 3600, &o->http_timeout_s))
				return COFFER_EX_CONFIG;
			break;
		case O_HBODY:
			if (opt_uint("--http-max-body", optarg, 0, 1u << 30, &o->http_max_body))
				return COFFER_EX_CONFIG;
			break;
		case O_HURL:
			if (opt_uint("--http-max-url", optarg, 16, ROUTER_MAX_PATH, &o->http_max_url))
				return COFFER_EX_CONFIG;
			break;
		case O_HELP: usage(stdout); exit(0);
		case O_VERSION:
			printf("cofferd %s (plugin ABI %d.%d, librdkafka %s)\n", PACKAGE_VERSION,
			       COFFER_ABI_MAJOR, COFFER_ABI_MINOR, rd_kafka_version_str());
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (o->http_listen) {
		char addr[256], err[128];
		unsigned port;
		if (http_parse_listen(o->http_listen, addr, sizeof addr, &port, err, sizeof err) != 0) {
			if (o->rest_port)
				fprintf(stderr, "cofferd: REST_PORT takes a port number, not '%s' (%s)\n",
				        o->rest_port, err);
			else
				fprintf(stderr,
				        "cofferd: bad --http-listen '%s' (%s; ADDR:PORT, [V6]:PORT or off)\n",
				        o->http_listen, err);
			return COFFER_EX_CONFIG;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cofferd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return 0;
}

/* " (topic NAME)" when the variable's real topic is not its own name, else "". */
static const char *topic_note(const char *var)
{
	static char buf[300];
	const char *real = reg_topic(var);
	if (strcmp(real, var) == 0)
		return "";
	snprintf(buf, sizeof buf, " (topic %s)", real);
	return buf;
}

static void list_plugins(void)
{
	for (size_t i = 0; i < reg_plugin_count(); i++) {
		struct plugin *p = reg_plugin(i);
		const struct coffer_plugin *d = p->desc;
		printf("%s %s (abi %u.%u)%s\n", d->name, d->version ? d->version : "?", d->abi_major,
		       d->abi_minor, p->inited ? "" : "  [init failed]");
		printf("  file: %s\n", p->path);
		if (d->summary)
			printf("  summary: %s\n", d->summary);
		printf("  provides:");
		for (const struct coffer_service_ref *r = d->provides; r && r->name; r++)
			printf(" %s/%u", r->name, r->version);
		printf("%s\n  requires:", d->provides && d->provides->name ? "" : " -");
		for (const struct coffer_service_ref *r = d->requires; r && r->name; r++)
			printf(" %s/%u", r->name, r->version);
		printf("%s\n", d->requires && d->requires->name ? "" : " -");
		for (size_t k = 0; k < reg_handler_count(); k++) {
			struct handler *h = reg_handler(k);
			if (h->owner == p)
				printf("  handles: %s %s%s%s\n", h->topic_var, h->type,
				       h->refuse ? " (refusal when disabled)" : "", topic_note(h->topic_var));
		}
		for (size_t k = 0; k < reg_emitted_count(); k++) {
			struct emitted *e = reg_emitted(k);
			if (e->owner == p)
				printf("  emits: %s%s\n", e->topic_var, topic_note(e->topic_var));
		}
		for (size_t k = 0; k < reg_route_count(); k++) {
			struct route *r = reg_route(k);
			if (r->owner == p)
				printf("  route: %s %s\n", r->method, r->pattern);
		}
		for (size_t k = 0; k < reg_task_count(); k++) {
			struct task *t = reg_task(k);
			if (t->owner == p)
				printf("  task: %s every %u ms\n", t->name, t->interval_ms);
		}
	}
}

static rd_kafka_conf_t *kafka_conf(const struct opts *o, const char *bootstrap, bool consumer)
{
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	char err[512];
	struct kv {
		const char *k, *v;
	} base[] = {
		{"bootstrap.servers", bootstrap},
		{"client.id", "cofferd"},
		{"log_level", "4"},
		/* librdkafka batches by itself; Nagle would only add delayed-ACK stalls. */
		{"socket.nagle.disable", "true"},
	};
	struct kv cons[] = {
		{"group.id", o->group_id},
		{"enable.auto.commit", "false"},
		{"enable.auto.offset.store", "false"},
		{"auto.offset.reset", "earliest"},
		{"enable.partition.eof", "false"},
		{"fetch.wait.max.ms", "10"},
	};
	struct kv prod[] = {
		{"enable.idempotence", "true"},
		{"partitioner", "murmur2_random"},
		{"linger.ms", "2"},
	};
	/* The mock coordinator waits session.timeout.ms - 1000 on each membership change. */
	struct kv mock[] = {
		{"session.timeout.ms", "6000"},
		{"heartbeat.interval.ms", "1000"},
		{"reconnect.backoff.max.ms", "500"},
	};
	/* Low latency where it costs little: the embedded cluster is in this process,
	 * a fetch or a produce request is a loopback round trip (docs/embedded-kafka.md
	 * "Latency"). A real cluster keeps fetch.wait.max.ms 10 and linger.ms 2. */
	struct kv mock_fast_cons[] = {{"fetch.wait.max.ms", "2"}};
	struct kv mock_fast_prod[] = {{"linger.ms", "0"}};
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
		rd_kafka_conf_set(c, base[i].k, base[i].v, err, sizeof err);
	/* Message size (docs/configuration.md "Message size"): the consumer fetches far
	 * more than the limit per partition, so that an oversize message is read whole and
	 * dead-lettered instead of stalling its partition (the embedded Kafka does not
	 * grow a fetch that is too small); the producer takes the limit plus room for
	 * headers, and the dead letters of oversize messages are truncated to fit. */
	unsigned long long limit = o->max_message_bytes;
	unsigned long long fetch_part = limit * 2 > 16ull << 20 ? limit * 2 : 16ull << 20;
	unsigned long long fetch_all = fetch_part > 50ull << 20 ? fetch_part : 50ull << 20;
	unsigned long long receive = fetch_all + 512 > 100000000ull ? fetch_all + 512 : 100000000ull;
	char fmb[24], fab[24], rmb[24], mmb[24];
	snprintf(fmb, sizeof fmb, "%llu", fetch_part);
	snprintf(fab, sizeof fab, "%llu", fetch_all);
	snprintf(rmb, sizeof rmb, "%llu", receive);
	snprintf(mmb, sizeof mmb, "%llu", limit + OUTBOX_HEADER_ROOM);
	if (consumer) {
		rd_kafka_conf_set(c, "fetch.message.max.bytes", fmb, err, sizeof err);
		rd_kafka_conf_set(c, "fetch.max.bytes", fab, err, sizeof err);
		rd_kafka_conf_set(c, "receive.message.max.bytes", rmb, err, sizeof err);
	} else {
		rd_kafka_conf_set(c, "message.max.bytes", mmb, err, sizeof err);
	}
	if (consumer) {
		for (size_t i = 0; i < sizeof cons / sizeof cons[0]; i++)
			rd_kafka_conf_set(c, cons[i].k, cons[i].v, err, sizeof err);
	} else {
		for (size_t i = 0; i < sizeof prod / sizeof prod[0]; i++)
			rd_kafka_conf_set(c, prod[i].k, prod[i].v, err, sizeof err);
	}
	if (o->embedded)
		for (size_t i = 0; i < sizeof mock / sizeof mock[0]; i++)
			if (consumer || strcmp(mock[i].k, "reconnect.backoff.max.ms") == 0)
				rd_kafka_conf_set(c, mock[i].k, mock[i].v, err, sizeof err);
	if (o->embedded && consumer)
		rd_kafka_conf_set(c, mock_fast_cons[0].k, mock_fast_cons[0].v, err, sizeof err);
	else if (o->embedded)
		rd_kafka_conf_set(c, mock_fast_prod[0].k, mock_fast_prod[0].v, err, sizeof err);
	for (size_t i = 0; i < o->nkafka_props; i++) {
		char kv[1024];
		snprintf(kv, sizeof kv, "%s", o->kafka_props[i]);
		char *eq = strchr(kv, '=');
		if (eq == NULL) {
			LOG_ERR("bad --kafka-prop value=\"%s\" (KEY=VALUE)", o->kafka_props[i]);
			rd_kafka_conf_destroy(c);
			return NULL;
		}
		*eq = '\0';
		rd_kafka_conf_res_t r = rd_kafka_conf_set(c, kv, eq + 1, err, sizeof err);
		/* A property of the other client type is fine for this one to ignore. */
		if (r == RD_KAFKA_CONF_INVALID) {
			LOG_ERR("bad --kafka-prop key=%s error=\"%s\"", kv, err);
			rd_kafka_conf_destroy(c);
			return NULL;
		}
	}
	return c;
}

static int migrate_all(const struct opts *o, const char *const *sql_dirs)
{
	struct db_conn *db = db_new(&o->db, "migrate");
	int rc = db_ensure_first(db, &stopping);
	if (rc == COFFER_EINVAL) {
		/* Logged once by db_ensure_first, naming the setting: waiting will not help. */
		db_free(db);
		return COFFER_EX_CONFIG;
	}
	if (rc == 0) {
		/* Several cofferd may start together: one migrates at a time. */
		rc = db_query(db, "DO GET_LOCK(CONCAT('coffer_migrate.', DATABASE()), 120)");
	}
	if (rc == 0)
		rc = db_migrate(db, sql_dirs, "host", cu_now_us());
	for (size_t i = 0; rc == 0 && i < reg_plugin_count(); i++)
		if (reg_plugin(i)->inited)
			rc = db_migrate(db, sql_dirs, reg_plugin(i)->desc->name, cu_now_us());
	if (db_connected(db))
		db_query(db, "DO RELEASE_LOCK(CONCAT('coffer_migrate.', DATABASE()))");
	if (rc != 0 && !stopping)
		LOG_ERR("migrations failed error=\"%s\"", db_error(db));
	if (rc == 0)
		health_set(HEALTH_MIGRATIONS, true, NULL);
	db_free(db);
	return rc;
}

/* Directories that do not exist are configuration errors, not "nothing found":
 * a mistyped --plugin-dir would start a cofferd that handles nothing, and a
 * --sql-dir without the host's migrations would start on a schema never made.
 * The default folder may be missing when other folders were named (an uninstalled
 * cofferd run with --plugin-dir): it is then left out with a warning. */
static int check_path(struct search_path *sp, const char *what, const char *opt, const char *env,
                      int mode)
{
	if (sp->overflow) {
		LOG_ERR("configuration error: too many %s folders setting=%s,%s max=%d", what, opt, env,
		        SEARCH_MAX);
		return -1;
	}
	for (size_t i = 0; i < sp->n; i++) {
		if (access(sp->dir[i], mode) == 0)
			continue;
		if (sp->from[i] == NULL && sp->n > 1) {
			LOG_WRN("default %s folder not found, left out dir=%s error=\"%s\"", what, sp->dir[i],
			        strerror(errno));
			sp->dir[i] = NULL; /* the default is last */
			sp->n = i;
			break;
		}
		LOG_ERR("configuration error: %s folder not found setting=%s dir=%s error=\"%s\"", what,
		        sp->from[i] ? sp->from[i] : "default", sp->dir[i], strerror(errno));
		return -1;
	}
	if (sp->n == 0) {
		LOG_ERR("configuration error: no %s folder setting=%s,%s error=\"%s is set but empty "
		        "and no %s was given\"",
		        what, opt, env, env, opt);
		return -1;
	}
	return 0;
}

static int check_dirs(struct opts *o)
{
	/* a plugin folder, or one .so file */
	if (check_path(&o->plugins, "plugin", "--plugin-dir", "COFFER_PLUGIN_PATH", R_OK) != 0 ||
	    check_path(&o->sql, "migrations", "--sql-dir", "COFFER_SQL_PATH", R_OK | X_OK) != 0)
		return -1;
	bool host_found = false;
	for (size_t i = 0; i < o->sql.n; i++) {
		char host[PATH_MAX];
		snprintf(host, sizeof host, "%s/host", o->sql.dir[i]);
		host_found |= access(host, R_OK | X_OK) == 0;
	}
	if (!host_found) {
		LOG_ERR("configuration error: no migrations folder holds the host's migrations "
		        "setting=--sql-dir,COFFER_SQL_PATH dirs=%zu error=\"none has a host/ folder: the "
		        "host's tables would never be made; add the directory of the installed or "
		        "source sql/\"",
		        o->sql.n);
		return -1;
	}
	return 0;
}

/* Signals are blocked everywhere and taken here, from the first moment, so that
 * SIGTERM also ends a start-up that waits for the database or Kafka. */
static void *signal_main(void *arg)
{
	(void)arg;
	for (;;) {
		int sig = 0;
		sigwait(&sigs, &sig);
		if (sig == SIGHUP) {
			LOG_INF("event=sighup action=\"reload tenant features, reconfigure plugins\"");
			if (running)
				tasks_request_reload();
			continue;
		}
		health_set_stopping(); /* /readyz: 503 from now on */
		sdn_send("STOPPING=1\nSTATUS=stopping: draining in-flight messages and the outbox");
		LOG_INF("event=signal signal=%s", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		stopping = true;
		return NULL;
	}
}

/* The one teardown path: every exit once the plugins are initialised ends here,
 * whether start-up got far or not. Each step releases only what was made (they are
 * no-ops for what never started): HTTP, the consumer and its workers, the tasks,
 * the plugins' stop (only after their start), the outbox (drained), the health
 * pinger, every plugin's fini in reverse order, the embedded cluster. */
static bool plugins_started;
static int teardown(const struct opts *o, int status)
{
	stopping = true;
	/* Plugin routes answer 503 from now; the ones in progress finish (their events
	 * reach the outbox). The host routes (/healthz, /readyz, /metrics) keep
	 * answering through the drain. */
	http_close_plugin_routes();
	bus_join();
	tasks_join();
	if (plugins_started)
		reg_stop_all();
	LOG_INF("event=draining_outbox timeout_ms=%u", o->drain_timeout_ms);
	long left = outbox_join();
	if (left > 0)
		LOG_WRN("outbox not drained rows=%ld: published at the next start", left);
	http_stop();
	health_stop();
	reg_fini_all(o->keep_plugins);
	embedded_stop();
	return status;
}

/* A host setting given with --set (or its environment variable) that takes a
 * number from 0 to 10^12: a wrong one is a configuration error (exit 78). */
static int number_setting(const char *full, long long def, long long *out)
{
	char env[128];
	const char *v = reg_setting(full, env, sizeof env);
	*out = def;
	if (v == NULL)
		return 0;
	if (!opt_parse_ll(v, 0, 1000000000000LL, out)) {
		fprintf(stderr, "cofferd: bad setting %s (--set or %s) value '%s': want an integer from "
		        "0 to 1000000000000\n", full, env, v);
		return COFFER_EX_CONFIG;
	}
	return 0;
}

/* A start-up step gave up. When it gave up because SIGTERM/SIGINT arrived while it
 * waited (for the database, for the Kafka cluster), that is an orderly stop: nothing
 * was consumed yet, so there is nothing to finish, and the exit status is 0. */
static int start_failed(void)
{
	if (stopping) {
		LOG_INF("event=stopped reason=\"signal during start-up\"");
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.log_level = env_or("LOG_LEVEL", "info"),
		.log_format = env_or("LOG_FORMAT", "logfmt"),
		.group_id = "coffer",
		.batch = 32,
		.partitions = 4,
		.features_default = true,
		.features_refresh_ms = 2000,
		.marker_retention_h = 168,
		.drain_timeout_ms = 30000,
		.max_message_bytes = DEF_MAX_MESSAGE_BYTES,
		.stall_warn_ms = 30000,
		.http_threads = 2,
		.http_conns = 256,
		.http_timeout_s = 5,
		.http_max_body = 65536,
		.http_max_url = 8192,
	};
	/* REST_PORT is the Go services' variable: a port only; the address stays local. */
	static char rest_listen[64];
	const char *rest_port = env_or("REST_PORT", NULL);
	snprintf(rest_listen, sizeof rest_listen, "127.0.0.1:%s", rest_port ? rest_port : "8080");
	o.http_listen = rest_listen;
	o.rest_port = rest_port;
	db_params_from_env(&o.db);
	o.bootstrap = env_or("BOOTSTRAP_SERVERS", "localhost:9092");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	o.workers = cores > 0 ? (unsigned)cores : 2;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	/* The format first: every line from here on is written in it. */
	int fmt = log_parse_format(o.log_format);
	if (fmt < 0) {
		if (o.log_format_given)
			fprintf(stderr, "cofferd: bad --log-format value '%s': want logfmt or json\n",
			        o.log_format);
		else
			fprintf(stderr,
			        "cofferd: bad environment variable LOG_FORMAT value '%s': want logfmt or "
			        "json\n",
			        o.log_format);
		return COFFER_EX_CONFIG;
	}
	log_set_format((enum log_format)fmt);
	if (number_setting("outbox.embedded_retention_rows", 100000, &o.retention_rows) ||
	    number_setting("outbox.embedded_retention_ms", 600000, &o.retention_ms))
		return COFFER_EX_CONFIG;
	if (o.db.bad && !o.db_port_given) {
		unsigned port;
		opt_env_uint("DB_PORT", 3306, 1, 65535, &port); /* prints the line naming it */
		return COFFER_EX_CONFIG;
	}
	int lvl = log_parse_level(o.log_level);
	if (lvl < 0) {
		fprintf(stderr, "cofferd: bad --log-level value '%s': want error, warn, info or debug\n",
		        o.log_level);
		return COFFER_EX_CONFIG;
	}
	log_set_level((enum coffer_log_level)lvl);
	metrics_init(); /* before any thread counts */

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!o.list_plugins) {
		pthread_t sig_thread;
		pthread_create(&sig_thread, NULL, signal_main, NULL);
		pthread_detach(sig_thread);
	}

	bool build_tree = running_from_build_tree();
	path_finish(&o.plugins, "COFFER_PLUGIN_PATH", getenv("COFFER_PLUGIN_PATH"),
	            build_tree ? COFFER_BUILD_DIR "/plugins" : COFFER_PLUGIN_DIR);
	path_finish(&o.sql, "COFFER_SQL_PATH", getenv("COFFER_SQL_PATH"),
	            build_tree ? COFFER_SOURCE_DIR "/sql" : COFFER_SQL_DIR);

	if (check_dirs(&o) != 0)
		return COFFER_EX_CONFIG;
	reg_load_path(o.plugins.dir, o.plugins.n);
	rc = reg_init_all();
	if (reg_config_errors() > 0) {
		/* A plugin setting that is not a number (logged, naming it): no guessing. */
		return teardown(&o, COFFER_EX_CONFIG);
	}
	if (o.list_plugins) {
		list_plugins();
		return teardown(&o, rc ? 1 : 0);
	}
	if (rc != 0) {
		LOG_ERR("start-up failed: a required plugin did not start");
		return teardown(&o, 1);
	}
	LOG_INF("event=starting version=%s plugins=%zu handlers=%zu tasks=%zu", PACKAGE_VERSION,
	        reg_plugin_count(), reg_handler_count(), reg_task_count());
	/* The HTTP server answers /healthz, /readyz (503 and why) and /metrics from now
	 * until the outbox is drained at exit; plugin routes answer 503 until the
	 * migrations, the publisher and the tasks are up (http_open_plugin_routes). */
	struct http_cfg hcfg = {.listen = o.http_listen, .threads = o.http_threads,
	                        .conn_limit = o.http_conns, .timeout_s = o.http_timeout_s,
	                        .max_body = o.http_max_body, .max_url = o.http_max_url,
	                        .port_file = o.http_port_file, .db = o.db, .stopping = &stopping};
	if (!o.migrate_only) {
		health_start(&o.db);
		if (o.http_listen == NULL) {
			LOG_INF("http: off (--http-listen off)");
		} else if (obs_routes_register() != 0 || http_start(&hcfg) != 0) {
			return teardown(&o, 1);
		}
	}

	rc = migrate_all(&o, o.sql.dir);
	if (rc != 0)
		return teardown(&o, rc == COFFER_EX_CONFIG ? COFFER_EX_CONFIG : start_failed());
	if (o.migrate_only)
		return teardown(&o, 0);

	const char *bootstrap = o.bootstrap;
	if (o.embedded) {
		/* What the plugins consume and what they declared they emit (host->emits),
		 * and the dead letters; repeats are harmless to the mock cluster. */
		const char *topics[128];
		size_t nt = 0;
		topics[nt++] = reg_topic("DEAD_LETTER_TOPIC");
		for (size_t i = 0; i < reg_handler_count() && nt < 128; i++)
			topics[nt++] = reg_topic(reg_handler(i)->topic_var);
		for (size_t i = 0; i < reg_emitted_count() && nt < 128; i++)
			topics[nt++] = reg_topic(reg_emitted(i)->topic_var);
		bootstrap = embedded_start(topics, nt, o.partitions, o.embedded_port);
		if (bootstrap == NULL)
			return teardown(&o, 1);
		printf("embedded kafka: %s\n", bootstrap);
		fflush(stdout);
		if (o.embedded_file) {
			char tmp[PATH_MAX];
			snprintf(tmp, sizeof tmp, "%s.tmp", o.embedded_file);
			FILE *f = fopen(tmp, "w");
			if (f == NULL || fprintf(f, "%s\n", bootstrap) < 0 || fclose(f) != 0 ||
			    rename(tmp, o.embedded_file) != 0) {
				LOG_ERR("cannot write file=%s error=\"%s\"", o.embedded_file, strerror(errno));
				return teardown(&o, 1);
			}
		}
	}

	reg_start_all();
	plugins_started = true;
	rd_kafka_conf_t *pconf = kafka_conf(&o, bootstrap, false);
	rd_kafka_conf_t *cconf = kafka_conf(&o, bootstrap, true);
	if (pconf == NULL || cconf == NULL) {
		if (pconf)
			rd_kafka_conf_destroy(pconf);
		if (cconf)
			rd_kafka_conf_destroy(cconf);
		return teardown(&o, COFFER_EX_CONFIG);
	}
	struct outbox_cfg ocfg = {.db = o.db, .producer_conf = pconf, .stopping = &stopping,
	                          .drain_timeout_ms = o.drain_timeout_ms,
	                          .max_message_bytes = o.max_message_bytes,
	                          .embedded_id = o.embedded ? embedded_cluster_id() : NULL,
	                          .retention_rows = o.retention_rows,
	                          .retention_ms = o.retention_ms};
	struct tasks_cfg tcfg = {.db = o.db, .stopping = &stopping,
	                         .features_refresh_ms = o.features_refresh_ms,
	                         .features_default = o.features_default,
	                         .marker_retention_us = o.marker_retention_h * 3600LL * 1000000LL};
	struct bus_cfg bcfg = {.consumer_conf = cconf, .db = o.db, .workers = o.workers,
	                       .batch = o.batch, .stopping = &stopping,
	                       .max_message_bytes = o.max_message_bytes,
	                       .stall_warn_ms = o.stall_warn_ms,
	                       .cluster_id = o.embedded ? embedded_cluster_id() : NULL};
	/* The outbox owns pconf from here, the consumer cconf once bus_start is called. */
	if (outbox_start(&ocfg) != 0 || tasks_start(&tcfg) != 0) {
		rd_kafka_conf_destroy(cconf);
		return teardown(&o, start_failed());
	}
	running = true;
	http_open_plugin_routes();
	/* Nothing was consumed if this fails; the outbox may hold a previous run's
	 * events: they are drained by the teardown. */
	if (bus_start(&bcfg) != 0)
		return teardown(&o, start_failed());

	/* Consume until SIGTERM/SIGINT; then in-flight messages finish and commit their
	 * offsets, tasks stop, plugins stop, and the outbox is drained. */
	rc = teardown(&o, bus_run());
	LOG_INF("event=stopped");
	return rc;
}
