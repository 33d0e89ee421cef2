/* SPDX-License-Identifier: MIT */
/* host/obs_routes.h: /healthz, /readyz and /metrics on the host's HTTP server. */
#ifndef COFFER_HOST_OBS_ROUTES_H
#define COFFER_HOST_OBS_ROUTES_H

/* Register the three routes (before http_start). 0 or the first error. */
int obs_routes_register(void);

#endif
