/* SPDX-License-Identifier: MIT */
/* tests/bench/http-paced.c: a rate-limited HTTP GET client for latency at a fixed load
 * (contrib/bench-http runs it; wrk measures saturation but cannot pace, and Debian has no wrk2).
 *
 *     http-paced --url URL --rate N --seconds S [--connections C] [--header "K: V"]...
 *
 * Open loop: request i is due at start + i/N whatever happened to the earlier ones, and its
 * latency is counted from that due time, not from when a connection was free, so a stall
 * shows up in the percentiles instead of silently lowering the rate (no coordinated
 * omission). Up to C keep-alive connections (libcurl multi); a due request waits for a free
 * one. Prints the achieved rate, p50/p90/p99/p99.9/max latency and the count of answers
 * that were not 200 or failed. */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p, (void)ud;
	return size * n;
}

struct slot {
	CURL *h;
	int64_t due_us;
	bool busy;
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static double pct(const int64_t *v, size_t n, double p)
{
	if (n == 0)
		return 0;
	size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return (double)v[i] / 1000.0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"url", required_argument, 0, 'u'},         {"rate", required_argument, 0, 'r'},
		{"seconds", required_argument, 0, 's'},     {"connections", required_argument, 0, 'c'},
		{"header", required_argument, 0, 'H'},      {0, 0, 0, 0},
	};
	const char *url = NULL;
	double rate = 1000, seconds = 10;
	int conns = 16, c;
	struct curl_slist *hdrs = NULL;
	while ((c = getopt_long(argc, argv, "u:r:s:c:H:", opts, NULL)) != -1) {
		switch (c) {
		case 'u': url = optarg; break;
		case 'r': rate = atof(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'c': conns = atoi(optarg); break;
		case 'H': hdrs = curl_slist_append(hdrs, optarg); break;
		default:
			fprintf(stderr, "usage: http-paced --url URL --rate N --seconds S [--connections C] "
			                "[--header 'K: V']...\n");
			return 2;
		}
	}
	if (url == NULL || rate <= 0 || seconds <= 0 || conns < 1 || conns > 1024) {
		fprintf(stderr, "http-paced: --url is required; rate, seconds > 0; 1..1024 connections\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)conns);
	struct slot *slots = calloc((size_t)conns, sizeof *slots);
	size_t total = (size_t)(rate * seconds);
	int64_t *lat = malloc(total * sizeof *lat);
	if (slots == NULL || lat == NULL)
		return 1;
	for (int i = 0; i < conns; i++) {
		CURL *h = curl_easy_init();
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
		curl_easy_setopt(h, CURLOPT_PRIVATE, &slots[i]);
		slots[i].h = h;
	}
	size_t sent = 0, done = 0, bad = 0;
	int64_t start = now_us();
	while (done < total) {
		int64_t now = now_us();
		/* Start every request that is due, as long as a connection is free. */
		for (int i = 0; i < conns && sent < total; i++) {
			int64_t due = start + (int64_t)((double)sent * 1e6 / rate);
			if (due > now)
				break;
			if (slots[i].busy)
				continue;
			slots[i].busy = true;
			slots[i].due_us = due;
			curl_multi_add_handle(m, slots[i].h);
			sent++;
		}
		int running;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct slot *s;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
			long code = 0;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			if (msg->data.result != CURLE_OK || code != 200)
				bad++;
			lat[done++] = now_us() - s->due_us;
			curl_multi_remove_handle(m, msg->easy_handle);
			s->busy = false;
		}
		/* Sleep in poll (woken by socket activity) until the next due time; never spin: the
		 * client shares the cores with the server it measures. */
		bool free_slot = false;
		for (int i = 0; i < conns && !free_slot; i++)
			free_slot = !slots[i].busy;
		int64_t next = start + (int64_t)((double)sent * 1e6 / rate);
		int wait_ms = 100;
		if (sent < total && free_slot)
			wait_ms = next > now_us() ? (int)((next - now_us() + 999) / 1000) : 0;
		if (wait_ms > 100)
			wait_ms = 100;
		if (wait_ms > 0 || !free_slot || sent == total)
			curl_multi_poll(m, NULL, 0, wait_ms ? wait_ms : 1, NULL);
	}
	double elapsed = (double)(now_us() - start) / 1e6;
	qsort(lat, done, sizeof *lat, cmp_i64);
	printf("paced GET: %zu requests in %.2f s (%.0f/s, asked %.0f/s, %d connections), %zu not 200\n",
	       done, elapsed, (double)done / elapsed, rate, conns, bad);
	printf("latency from due time: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
	       pct(lat, done, 50), pct(lat, done, 90), pct(lat, done, 99), pct(lat, done, 99.9),
	       pct(lat, done, 100));
	for (int i = 0; i < conns; i++)
		curl_easy_cleanup(slots[i].h);
	curl_multi_cleanup(m);
	curl_slist_free_all(hdrs);
	curl_global_cleanup();
	free(slots);
	free(lat);
	return bad ? 1 : 0;
}
