/* SPDX-License-Identifier: MIT */
/* ctl/status.c: `cofferctl status`: what an operator asks first (ready? how far
 * behind? how much waits in the outbox? what was dead-lettered?) from cofferd's
 * /readyz and /metrics (libcurl), as a short table. Rates come from two scrapes
 * (one second apart, or the --watch interval); with --watch the dead letters and
 * rejections are the counts of the last minute of scrapes. */
#include "status.h"
#include "cofferctl.h"

#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "xalloc.h"

#define MAX_LABELS 4

struct sample {
	char *name;
	char *lname[MAX_LABELS], *lval[MAX_LABELS];
	int nl;
	double v;
};

struct scrape {
	double t;          /* monotonic seconds */
	bool ok;           /* /metrics answered */
	long ready_code;   /* HTTP status of /readyz, 0 when unreachable */
	char ready_body[256];
	struct sample *s;
	size_t n, cap;
};

/* GET @p url; the body in *out (malloc'd). Returns the HTTP status, 0 on failure. */
static long http_get(const char *url, char **out, char *err, size_t errcap)
{
	CURL *c = curl_easy_init();
	struct ctl_buf b = {0};
	long code = 0;
	char eb[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, ctl_buf_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, eb);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	else if (err)
		snprintf(err, errcap, "%s", eb[0] ? eb : "request failed");
	curl_easy_cleanup(c);
	*out = b.p;
	return code;
}

/* ------------------------------------------------------------------ text format */

static void add_sample(struct scrape *sc, struct sample s)
{
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 256;
		sc->s = xreallocarray(sc->s, sc->cap, sizeof *sc->s);
	}
	sc->s[sc->n++] = s;
}

/* One sample line: name{label="value",...} value [timestamp]. False when malformed. */
static bool parse_line(const char *p, struct sample *s)
{
	memset(s, 0, sizeof *s);
	size_t k = strcspn(p, "{ \t");
	if (k == 0)
		return false;
	s->name = xstrndup(p, k);
	p += k;
	if (*p == '{') {
		p++;
		while (*p && *p != '}') {
			size_t nk = strcspn(p, "=");
			if (p[nk] != '=' || p[nk + 1] != '"' || s->nl == MAX_LABELS)
				return false;
			char *val = xmalloc(strlen(p) + 1), *o = val;
			const char *q = p + nk + 2;
			for (; *q && *q != '"'; q++) {
				if (*q == '\\' && q[1]) {
					q++;
					*o++ = *q == 'n' ? '\n' : *q;
				} else {
					*o++ = *q;
				}
			}
			*o = '\0';
			if (*q != '"') {
				free(val);
				return false;
			}
			s->lname[s->nl] = xstrndup(p, nk);
			s->lval[s->nl++] = val;
			p = q + 1;
			if (*p == ',')
				p++;
		}
		if (*p != '}')
			return false;
		p++;
	}
	char *end;
	s->v = strtod(p, &end);
	return end != p;
}

static void parse_metrics(struct scrape *sc, char *text)
{
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		struct sample s;
		if (parse_line(line, &s))
			add_sample(sc, s);
		else
			free(s.name);
	}
}

static void scrape_free(struct scrape *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		free(sc->s[i].name);
		for (int k = 0; k < sc->s[i].nl; k++) {
			free(sc->s[i].lname[k]);
			free(sc->s[i].lval[k]);
		}
	}
	free(sc->s);
	memset(sc, 0, sizeof *sc);
}

static const char *label(const struct sample *s, const char *name)
{
	for (int k = 0; k < s->nl; k++)
		if (strcmp(s->lname[k], name) == 0)
			return s->lval[k];
	return NULL;
}

/* Sum of @p name's samples whose label @p lname (NULL: any) equals @p lval. */
static double sum(const struct scrape *sc, const char *name, const char *lname, const char *lval)
{
	double v = 0;
	for (size_t i = 0; i < sc->n; i++) {
		if (strcmp(sc->s[i].name, name) != 0)
			continue;
		const char *l = lname ? label(&sc->s[i], lname) : NULL;
		if (lname == NULL || (l && strcmp(l, lval) == 0))
			v += sc->s[i].v;
	}
	return v;
}

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void take(const char *base, struct scrape *sc, char *err, size_t errcap)
{
	char url[1024], *body = NULL;
	memset(sc, 0, sizeof *sc);
	sc->t = mono_s();
	snprintf(url, sizeof url, "%s/readyz", base);
	err[0] = '\0';
	sc->ready_code = http_get(url, &body, err, errcap);
	if (body) {
		snprintf(sc->ready_body, sizeof sc->ready_body, "%s", body);
		sc->ready_body[strcspn(sc->ready_body, "\r\n")] = '\0';
	}
	free(body);
	body = NULL;
	snprintf(url, sizeof url, "%s/metrics", base);
	if (http_get(url, &body, err[0] ? NULL : err, errcap) == 200 && body) {
		sc->ok = true;
		parse_metrics(sc, body);
	}
	free(body);
}

/* ------------------------------------------------------------------ the table */

struct typerow {
	const char *topic, *type;
	double now, before;
};

static void print_table(const char *base, const struct scrape *cur, const struct scrape *prev,
                        const struct scrape *minute_ago, const char *err)
{
	if (cur->ready_code == 0) {
		printf("%-22s unreachable (%s)\n", base, err[0] ? err : "no answer");
		return;
	}
	printf("%-22s %s\n", "readiness", cur->ready_code == 200 ? "ready" : "NOT READY");
	if (cur->ready_code != 200)
		printf("%-22s %s\n", "  reason", cur->ready_body);
	if (!cur->ok) {
		printf("%-22s /metrics did not answer\n", "metrics");
		return;
	}
	double lag = 0, maxlag = 0;
	int parts = 0;
	const char *maxt = "", *maxp = "";
	for (size_t i = 0; i < cur->n; i++) {
		const struct sample *s = &cur->s[i];
		if (strcmp(s->name, "coffer_consumer_lag") != 0)
			continue;
		parts++;
		lag += s->v;
		if (s->v > maxlag || parts == 1) {
			maxlag = s->v;
			maxt = label(s, "topic") ? label(s, "topic") : "";
			maxp = label(s, "partition") ? label(s, "partition") : "";
		}
	}
	if (parts)
		printf("%-22s %.0f messages over %d partitions (max %.0f on %s[%s])\n", "consumer lag", lag,
		       parts, maxlag, maxt, maxp);
	else
		printf("%-22s unknown (no partition statistics yet)\n", "consumer lag");
	printf("%-22s %.0f rows, oldest %.1f s\n", "outbox backlog",
	       sum(cur, "coffer_outbox_backlog_rows", NULL, NULL),
	       sum(cur, "coffer_outbox_oldest_age_seconds", NULL, NULL));
	const struct scrape *from = minute_ago ? minute_ago : prev;
	double span = from ? cur->t - from->t : 0;
	const char *what[2][2] = {{"dead_lettered", "dead letters"}, {"rejected", "rejections"}};
	for (int k = 0; k < 2; k++) {
		double d = from ? sum(cur, "coffer_messages_total", "outcome", what[k][0]) -
		                      sum(from, "coffer_messages_total", "outcome", what[k][0])
		                : 0;
		if (minute_ago)
			printf("%-22s %.0f in the last %.0f s\n", what[k][1], d, span);
		else
			printf("%-22s %.0f/min (rate over %.1f s)\n", what[k][1], span > 0 ? d * 60 / span : 0,
			       span);
	}
	/* Per-type rates: every (topic, type) whose total moved or is non-zero. */
	struct typerow rows[256];
	size_t nr = 0;
	for (size_t i = 0; i < cur->n; i++) {
		const struct sample *s = &cur->s[i];
		if (strcmp(s->name, "coffer_messages_total") != 0)
			continue;
		const char *tp = label(s, "topic"), *ty = label(s, "type");
		if (tp == NULL || ty == NULL)
			continue;
		size_t r = 0;
		while (r < nr && !(strcmp(rows[r].topic, tp) == 0 && strcmp(rows[r].type, ty) == 0))
			r++;
		if (r == nr) {
			if (nr == 256)
				continue;
			rows[nr++] = (struct typerow){tp, ty, 0, 0};
		}
		rows[r].now += s->v;
	}
	for (size_t i = 0; prev && i < prev->n; i++) {
		const struct sample *s = &prev->s[i];
		if (strcmp(s->name, "coffer_messages_total") != 0)
			continue;
		const char *tp = label(s, "topic"), *ty = label(s, "type");
		for (size_t r = 0; tp && ty && r < nr; r++)
			if (strcmp(rows[r].topic, tp) == 0 && strcmp(rows[r].type, ty) == 0)
				rows[r].before += s->v;
	}
	double dt = prev ? cur->t - prev->t : 0;
	printf("\n%-32s %-22s %10s %12s\n", "TOPIC", "TYPE", "RATE/S", "TOTAL");
	for (size_t r = 0; r < nr; r++) {
		if (rows[r].now == 0)
			continue;
		printf("%-32s %-22s %10.1f %12.0f\n", rows[r].topic, rows[r].type,
		       dt > 0 ? (rows[r].now - rows[r].before) / dt : 0, rows[r].now);
	}
}

static const char status_usage[] =
	"usage: cofferctl status [--url URL] [--watch [SECONDS]]\n"
	"  --url URL        cofferd's HTTP server (default $COFFER_URL, else\n"
	"                   http://127.0.0.1:$REST_PORT, REST_PORT default 8080)\n"
	"  --watch [S]      refresh every S seconds (default 2) until interrupted\n";

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{"url", required_argument, NULL, 'u'},
		{"watch", optional_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char defurl[256];
	const char *url = getenv("COFFER_URL");
	if (url == NULL || *url == '\0') {
		const char *port = getenv("REST_PORT");
		snprintf(defurl, sizeof defurl, "http://127.0.0.1:%s", port && *port ? port : "8080");
		url = defurl;
	}
	double watch = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			url = optarg;
			break;
		case 'w': {
			const char *a = optarg;
			/* --watch 5 (a separate number) as well as --watch=5 */
			if (a == NULL && optind < argc && argv[optind][0] >= '0' && argv[optind][0] <= '9')
				a = argv[optind++];
			watch = a ? strtod(a, NULL) : 2;
			if (!(watch > 0)) {
				fputs(status_usage, stderr);
				return 2;
			}
			break;
		}
		case 'h':
			fputs(status_usage, stdout);
			return 0;
		default:
			fputs(status_usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fputs(status_usage, stderr);
		return 2;
	}
	char base[1024];
	snprintf(base, sizeof base, "%s", url);
	size_t bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		base[--bl] = '\0';
	curl_global_init(CURL_GLOBAL_DEFAULT);
	char err[CURL_ERROR_SIZE + 64];
	/* A ring of the scrapes of the last minute (watch), or two scrapes a second apart. */
	enum { RING = 128 };
	struct scrape ring[RING];
	size_t head = 0, count = 0;
	int rc = 0;
	for (;;) {
		struct scrape *cur = &ring[(head + count) % RING];
		if (count == RING) {
			scrape_free(&ring[head]);
			head = (head + 1) % RING;
			count--;
			cur = &ring[(head + count) % RING];
		}
		take(base, cur, err, sizeof err);
		count++;
		if (count == 1 && watch == 0 && cur->ok) {
			usleep(1000000);
			continue;
		}
		const struct scrape *prev = count >= 2 ? &ring[(head + count - 2) % RING] : NULL;
		const struct scrape *minute = NULL;
		if (watch > 0 && count >= 2) {
			/* the oldest scrape within the last 60 s */
			for (size_t i = 0; i + 1 < count; i++) {
				const struct scrape *s = &ring[(head + i) % RING];
				if (cur->t - s->t <= 60.5) {
					minute = s;
					break;
				}
			}
			while (count > 1 && cur->t - ring[head].t > 61) {
				scrape_free(&ring[head]);
				head = (head + 1) % RING;
				count--;
			}
		}
		if (watch > 0)
			printf("\033[H\033[2J%s  (every %.0f s; Ctrl-C stops)\n", base, watch);
		print_table(base, cur, prev, minute, err);
		fflush(stdout);
		rc = cur->ready_code == 200 ? 0 : 1;
		if (watch == 0)
			break;
		usleep((useconds_t)(watch * 1e6));
	}
	for (size_t i = 0; i < count; i++)
		scrape_free(&ring[(head + i) % RING]);
	curl_global_cleanup();
	return rc;
}
