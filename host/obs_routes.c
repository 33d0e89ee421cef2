/* SPDX-License-Identifier: MIT */
/* host/obs_routes.c: the host's own HTTP routes: /healthz, /readyz, /metrics.
 * No tenant headers, no transaction, no query: /readyz reads the readiness
 * state (host/health.c), /metrics folds the counters (host/metrics.c). */
#include "obs_routes.h"

#include <string.h>

#include "health.h"
#include "http.h"
#include "metrics.h"

static void healthz(const char *method, const char *path, struct http_host_resp *resp, void *ud)
{
	http_host_text(resp, 200, "ok\n");
}

static void readyz(const char *method, const char *path, struct http_host_resp *resp, void *ud)
{
	char why[320];
	bool ok = health_ready(why, sizeof why);
	http_host_text(resp, ok ? 200 : 503, "%s\n", why);
}

static void metrics(const char *method, const char *path, struct http_host_resp *resp, void *ud)
{
	resp->status = 200;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	resp->body = metrics_render(&resp->len);
}

int obs_routes_register(void)
{
	int rc = http_host_route("GET", "/healthz", healthz, NULL);
	if (rc == 0)
		rc = http_host_route("GET", "/readyz", readyz, NULL);
	if (rc == 0)
		rc = http_host_route("GET", "/metrics", metrics, NULL);
	return rc;
}
