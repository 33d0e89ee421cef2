/* SPDX-License-Identifier: MIT */
/* host/embedded.c: the embedded Kafka is librdkafka's mock cluster.
 *
 * librdkafka 2.0.2 listens on random ports. For a fixed address we accept
 * connections on 127.0.0.1:PORT and relay each, byte for byte, to the mock
 * broker: clients bootstrap there, and the metadata they receive names the
 * broker's own address, which is also on 127.0.0.1, so no Kafka protocol is
 * interpreted here. The bootstrap list we print then starts with the fixed
 * port. */
#include "embedded.h"

#include <stdatomic.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "kafka.h"
#include "log.h"
#include "opts.h"
#include "util.h"

static rd_kafka_t *mrk;
static rd_kafka_mock_cluster_t *mcluster;
static char bootstrap[512];
static int listen_fd = -1;
static struct sockaddr_in broker_addr;
static pthread_t acceptor;
static atomic_int stop_fwd;
static char cluster_id[64];
/* The broker control file (COFFER_EMBEDDED_BROKER_CONTROL), a test facility:
 * docs/embedded-kafka.md "Taking the broker down". */
static pthread_t ctl_thread;
static bool ctl_running;
static char ctl_path[4096];
static atomic_int stop_ctl;

/* Poll the control file every 100 ms; its first word "down" or "up" sets the
 * mock broker's state (rd_kafka_mock_broker_set_down/up). */
static void *control_loop(void *arg)
{
	(void)arg;
	int state = 1; /* up */
	while (!stop_ctl) {
		FILE *f = fopen(ctl_path, "r");
		if (f != NULL) {
			char word[16] = "";
			if (fscanf(f, "%15s", word) == 1) {
				int want = strcmp(word, "down") == 0 ? 0 : strcmp(word, "up") == 0 ? 1 : state;
				if (want != state) {
					if ((want ? rd_kafka_mock_broker_set_up(mcluster, 1)
					          : rd_kafka_mock_broker_set_down(mcluster, 1)) == RD_KAFKA_RESP_ERR_NO_ERROR) {
						state = want;
						LOG_INF("event=embedded_broker state=%s", want ? "up" : "down");
					} else {
						LOG_WRN("embedded kafka: cannot set the broker %s", want ? "up" : "down");
					}
				}
			}
			fclose(f);
		}
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void start_control(void)
{
	const char *p = getenv("COFFER_EMBEDDED_BROKER_CONTROL");
	if (p == NULL || *p == '\0')
		return;
	snprintf(ctl_path, sizeof ctl_path, "%s", p);
	stop_ctl = 0;
	if (pthread_create(&ctl_thread, NULL, control_loop, NULL) == 0) {
		ctl_running = true;
		LOG_INF("event=embedded_broker_control file=%s", ctl_path);
	} else {
		LOG_WRN("embedded kafka: cannot start the broker control thread");
	}
}

const char *embedded_cluster_id(void) { return cluster_id; }

int embedded_read_id(rd_kafka_t **consumer, const char *bootstrap_list, const char *group, char *out,
                     size_t cap)
{
	char err[512];
	if (*consumer == NULL) {
		rd_kafka_conf_t *c = rd_kafka_conf_new();
		/* assign() only: the group is never joined (librdkafka still wants one). */
		const char *kv[][2] = {{"bootstrap.servers", bootstrap_list},
		                       {"group.id", group},
		                       {"enable.auto.commit", "false"},
		                       {"enable.partition.eof", "true"},
		                       {"reconnect.backoff.max.ms", "500"},
		                       {"log_level", "3"}};
		for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
			rd_kafka_conf_set(c, kv[i][0], kv[i][1], err, sizeof err);
		*consumer = cu_kafka_new(RD_KAFKA_CONSUMER, c, log_kafka_cb, err, sizeof err);
		if (*consumer == NULL) {
			LOG_WRN("cannot create a consumer to read %s error=\"%s\"", EMBEDDED_ID_TOPIC, err);
			rd_kafka_conf_destroy(c);
			return -1;
		}
	}
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(l, EMBEDDED_ID_TOPIC, 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
	int rc = -1;
	if (rd_kafka_assign(*consumer, l) == RD_KAFKA_RESP_ERR_NO_ERROR) {
		for (int i = 0; i < 20 && rc < 0; i++) {
			rd_kafka_message_t *m = rd_kafka_consumer_poll(*consumer, 100);
			if (m == NULL)
				continue;
			if (!m->err && m->len > 0 && m->len < cap) {
				memcpy(out, m->payload, m->len);
				out[m->len] = '\0';
				rc = 0;
			} else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF ||
			           m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
			           m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
				rc = 1;
			}
			rd_kafka_message_destroy(m);
		}
		rd_kafka_assign(*consumer, NULL);
	}
	rd_kafka_topic_partition_list_destroy(l);
	return rc;
}

/* Relay one client connection until either side closes. */
static void nodelay(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* The mock broker's sockets lack TCP_NODELAY: a small response written right
 * after another one waits for the client's delayed ACK (about 40 ms on Linux),
 * and the client's socket.nagle.disable cannot help with the broker's side.
 * librdkafka has no option for it, so we find the mock broker's listening
 * socket among our own descriptors (a listening TCP socket bound to the port of
 * @p addr) and set TCP_NODELAY on it; Linux copies the option to every
 * connection accepted on it. Called once the cluster exists, before any client
 * connects. Returns the number of sockets changed (docs/embedded-kafka.md). */
static int nodelay_listener(const char *addr)
{
	const char *colon = strrchr(addr, ':');
	long long port;
	if (colon == NULL || !opt_parse_ll(colon + 1, 1, 65535, &port))
		return 0;
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL)
		return 0;
	int changed = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (*end || fd < 0 || fd == dirfd(d))
			continue;
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int listening = 0;
		socklen_t ll = sizeof listening;
		if (getsockname((int)fd, (struct sockaddr *)&ss, &sl) != 0 || ss.ss_family != AF_INET ||
		    getsockopt((int)fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ll) != 0 || !listening)
			continue;
		if (ntohs(((struct sockaddr_in *)&ss)->sin_port) != (uint16_t)port)
			continue;
		nodelay((int)fd);
		changed++;
	}
	closedir(d);
	return changed;
}

static void *relay(void *arg)
{
	int a = (int)(intptr_t)arg;
	int b = socket(AF_INET, SOCK_STREAM, 0);
	if (b < 0 || connect(b, (struct sockaddr *)&broker_addr, sizeof broker_addr) != 0) {
		close(a);
		if (b >= 0)
			close(b);
		return NULL;
	}
	nodelay(a);
	nodelay(b);
	struct pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
	char buf[65536];
	while (!stop_fwd) {
		if (poll(p, 2, 500) < 0 && errno != EINTR)
			break;
		bool closed = false;
		for (int i = 0; i < 2 && !closed; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(p[i].fd, buf, sizeof buf);
			if (n <= 0) {
				closed = true;
				break;
			}
			for (ssize_t off = 0; off < n;) {
				ssize_t w = write(p[1 - i].fd, buf + off, (size_t)(n - off));
				if (w <= 0) {
					closed = true;
					break;
				}
				off += w;
			}
		}
		if (closed)
			break;
	}
	close(a);
	close(b);
	return NULL;
}

static void *accept_loop(void *arg)
{
	(void)arg;
	while (!stop_fwd) {
		struct pollfd p = {listen_fd, POLLIN, 0};
		if (poll(&p, 1, 500) <= 0)
			continue;
		int c = accept(listen_fd, NULL, NULL);
		if (c < 0)
			continue;
		pthread_t t;
		if (pthread_create(&t, NULL, relay, (void *)(intptr_t)c) == 0)
			pthread_detach(t);
		else
			close(c);
	}
	return NULL;
}

static int start_forwarder(int port, const char *first_broker)
{
	char host[256];
	snprintf(host, sizeof host, "%s", first_broker);
	char *colon = strrchr(host, ':');
	if (colon == NULL)
		return -1;
	*colon = '\0';
	memset(&broker_addr, 0, sizeof broker_addr);
	broker_addr.sin_family = AF_INET;
	long long bport;
	if (!opt_parse_ll(colon + 1, 1, 65535, &bport))
		return -1;
	broker_addr.sin_port = htons((uint16_t)bport);
	inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &broker_addr.sin_addr);

	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (bind(listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(listen_fd, 64) != 0) {
		LOG_ERR("embedded kafka: cannot listen port=%d error=\"%s\"", port, strerror(errno));
		close(listen_fd);
		listen_fd = -1;
		return -1;
	}
	return pthread_create(&acceptor, NULL, accept_loop, NULL);
}

const char *embedded_start(const char *const *topics, size_t ntopics, int partitions, int port)
{
	char err[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
	mrk = cu_kafka_new(RD_KAFKA_PRODUCER, conf, log_kafka_cb, err, sizeof err);
	if (mrk == NULL) {
		LOG_ERR("embedded kafka: %s", err);
		return NULL;
	}
	mcluster = rd_kafka_mock_cluster_new(mrk, 1);
	if (mcluster == NULL) {
		LOG_ERR("embedded kafka: cannot create the mock cluster");
		return NULL;
	}
	/* JoinGroup v0 only: its client-side timeout is session.timeout.ms + 3 s
	 * instead of max.poll.interval.ms + 3 s (303 s). The mock drops a member
	 * whose session expires while its JoinGroup waits for the election and
	 * never answers that request (docs/embedded-kafka.md). */
	if (rd_kafka_mock_set_apiversion(mcluster, 11 /* JoinGroup */, 0, 0))
		LOG_WRN("embedded kafka: cannot limit the JoinGroup version");
	for (size_t i = 0; i < ntopics; i++) {
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup |= strcmp(topics[i], topics[j]) == 0;
		if (!dup && rd_kafka_mock_topic_create(mcluster, topics[i], partitions > 0 ? partitions : 4, 1))
			LOG_WRN("embedded kafka: cannot create topic=%s", topics[i]);
	}
	const char *bs = rd_kafka_mock_cluster_bootstraps(mcluster);
	if (nodelay_listener(bs) != 1)
		LOG_WRN("embedded kafka: cannot set TCP_NODELAY on the broker's socket: "
		        "responses may wait ~40 ms for delayed ACKs");
	char u[37];
	cu_uuid_new(u);
	snprintf(cluster_id, sizeof cluster_id, "embedded-%s", u);
	if (port > 0) {
		if (start_forwarder(port, bs) != 0)
			return NULL;
		snprintf(bootstrap, sizeof bootstrap, "127.0.0.1:%d", port);
	} else {
		snprintf(bootstrap, sizeof bootstrap, "%s", bs);
	}
	/* Tell other cofferd processes that join this cluster which id it has. */
	rd_kafka_mock_topic_create(mcluster, EMBEDDED_ID_TOPIC, 1, 1);
	rd_kafka_conf_t *pc = rd_kafka_conf_new();
	rd_kafka_conf_set(pc, "bootstrap.servers", bs, err, sizeof err);
	rd_kafka_t *p = cu_kafka_new(RD_KAFKA_PRODUCER, pc, log_kafka_cb, err, sizeof err);
	if (p == NULL || rd_kafka_producev(p, RD_KAFKA_V_TOPIC(EMBEDDED_ID_TOPIC),
	                                   RD_KAFKA_V_VALUE(cluster_id, strlen(cluster_id)),
	                                   RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END) ||
	    rd_kafka_flush(p, 10000)) {
		LOG_ERR("embedded kafka: cannot publish its cluster id");
		return NULL;
	}
	rd_kafka_destroy(p);
	LOG_INF("event=embedded_kafka bootstrap=%s broker=%s partitions=%d", bootstrap, bs, partitions);
	start_control();
	return bootstrap;
}

void embedded_stop(void)
{
	if (ctl_running) {
		stop_ctl = 1;
		pthread_join(ctl_thread, NULL);
		ctl_running = false;
	}
	stop_fwd = 1;
	if (listen_fd >= 0) {
		pthread_join(acceptor, NULL);
		close(listen_fd);
		listen_fd = -1;
	}
	if (mcluster)
		rd_kafka_mock_cluster_destroy(mcluster);
	if (mrk)
		rd_kafka_destroy(mrk);
	mcluster = NULL;
	mrk = NULL;
}
