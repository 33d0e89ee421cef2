/* SPDX-License-Identifier: MIT */
/* host/tasks.h: the timer thread: plugins' periodic tasks, the tenant-feature
 * table refresh and marker pruning. */
#ifndef COFFER_HOST_TASKS_H
#define COFFER_HOST_TASKS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

struct tasks_cfg {
	struct db_params db;
	const atomic_bool *stopping;
	unsigned features_refresh_ms;   /* re-read coffer_tenant_features this often */
	bool features_default;          /* for tenants without a row */
	int64_t marker_retention_us;    /* prune processed/EVENT_ID markers older than this */
};

/* Load the feature table once (so the first message sees it), then start the thread. */
int tasks_start(const struct tasks_cfg *cfg);
/* SIGHUP: re-read the feature table and call every plugin's reconfigure. */
void tasks_request_reload(void);
/* Join the thread and release the connection; safe after a failed or no tasks_start. */
void tasks_join(void);

/* The answer reg_enabled gives: the table row for (tenant, plugin), else the default. */
bool tenants_enabled(const char *plugin, const char *tenant);

#endif
