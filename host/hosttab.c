/* SPDX-License-Identifier: MIT */
/* host/hosttab.c: the host table handed to every plugin's init. The entries
 * live with their job: registry.c (registrations), settings.c (settings and
 * switches), txn.c (inside a transaction). */
#include "registry.h"

#include <stdarg.h>

#include "log.h"
#include "util.h"

static void h_log(coffer_ctx *ctx, enum coffer_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vline(level, ctx ? reg_pname(ctx->p) : "host", fmt, ap);
	va_end(ap);
}

static bool h_enabled(coffer_ctx *ctx, const char *tenant)
{
	return reg_enabled(reg_pname(ctx->p), tenant);
}

static const struct coffer_host host_table = {
	.size = sizeof(struct coffer_host),
	.abi_major = COFFER_ABI_MAJOR,
	.abi_minor = COFFER_ABI_MINOR,
	.log = h_log,
	.on_message = reg_on_message,
	.on_disabled = reg_on_disabled,
	.every = reg_every,
	.provide = reg_provide,
	.lookup = reg_lookup,
	.config = reg_config,
	.config_int = reg_config_int,
	.enabled = h_enabled,
	.now = txn_h_now,
	.sql_exec = txn_h_sql_exec,
	.sql_query = txn_h_sql_query,
	.emit = txn_h_emit,
	.reject = txn_h_reject,
	.uuid = cu_uuid_new,
	.txn_ctx = txn_h_txn_ctx,
	.on_http = reg_on_http,
	.emits = reg_emits,
};

const struct coffer_host *reg_host(void) { return &host_table; }
