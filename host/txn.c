/* SPDX-License-Identifier: MIT */
/* host/txn.c: the transaction a handler, task or route runs in: its clock, its
 * SQL, and the events it emits (kept until the outbox write). */
#include "registry.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"
#include "xalloc.h"

int64_t txn_h_now(coffer_txn *txn) { return txn->now_us; }

int txn_h_sql_exec(coffer_txn *txn, const char *sql, const struct coffer_val *args,
                   size_t nargs, struct coffer_exec_result *res)
{
	int rc = db_exec(txn->db, sql, args, nargs, res);
	if (rc != 0 && rc != COFFER_EDUP)
		txn->sql_failed = true;
	return rc;
}

int txn_h_sql_query(coffer_txn *txn, const char *sql, const struct coffer_val *args,
                    size_t nargs, coffer_row_fn fn, void *ud)
{
	int rc = db_select(txn->db, sql, args, nargs, fn, ud);
	if (rc != 0 && rc != COFFER_EDUP && rc != COFFER_ESTOP)
		txn->sql_failed = true;
	return rc;
}

int txn_h_emit(coffer_txn *txn, const struct coffer_tenant *tenant, const char *topic_var,
               uint32_t key, json_t *value)
{
	if (value == NULL || !reg_topic_var_valid(topic_var)) {
		if (value)
			json_decref(value);
		LOG_ERR("emit refused plugin=%s topic=%s", txn->ctx ? reg_pname(txn->ctx->p) : "?",
		        topic_var ? topic_var : "(null)");
		return COFFER_EINVAL;
	}
	if (txn->read_only) {
		json_decref(value);
		LOG_ERR("emit refused in a read-only (GET) route plugin=%s topic=%s",
		        txn->ctx ? reg_pname(txn->ctx->p) : "?", topic_var);
		return COFFER_ESTATE;
	}
	if (tenant == NULL && txn->tenant == NULL) {
		json_decref(value);
		LOG_ERR("emit without a tenant plugin=%s topic=%s", txn->ctx ? reg_pname(txn->ctx->p) : "?",
		        topic_var);
		return COFFER_EINVAL;
	}
	txn->ev = reg_grow(txn->ev, &txn->cap, txn->nev + 1, sizeof *txn->ev);
	struct txn_event *e = &txn->ev[txn->nev++];
	e->topic_var = xstrdup(topic_var);
	e->key = key;
	e->tenant = tenant ? *tenant : *txn->tenant;
	e->value = value;
	cu_uuid_new(e->event_id);
	return 0;
}

enum coffer_outcome txn_h_reject(coffer_txn *txn, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(txn->reason, sizeof txn->reason, fmt, ap);
	va_end(ap);
	if (!txn->quiet_reject)
		log_line(COFFER_LOG_WARN, txn->ctx ? reg_pname(txn->ctx->p) : "host", "rejected: %s",
		         txn->reason);
	return COFFER_REJECT;
}

coffer_ctx *txn_h_txn_ctx(coffer_txn *txn) { return txn->ctx; }

void txn_init(struct coffer_txn *t, struct db_conn *db, int64_t now_us, coffer_ctx *ctx,
              const struct coffer_msg *msg)
{
	txn_clear_events(t);
	struct txn_event *ev = t->ev;
	size_t cap = t->cap;
	*t = (struct coffer_txn){.db = db, .now_us = now_us, .ctx = ctx, .msg = msg,
	                         .tenant = msg ? msg->tenant : NULL, .ev = ev, .cap = cap};
}

void txn_clear_events(struct coffer_txn *t)
{
	for (size_t i = 0; i < t->nev; i++) {
		free(t->ev[i].topic_var);
		json_decref(t->ev[i].value);
	}
	t->nev = 0;
}

void txn_free(struct coffer_txn *t)
{
	txn_clear_events(t);
	free(t->ev);
	t->ev = NULL;
	t->cap = 0;
}
