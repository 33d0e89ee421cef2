/* SPDX-License-Identifier: MIT */
/* host/intake.h: what the host reads from a consumed message before any handler
 * runs, as pure functions over librdkafka's header list and the payload bytes
 * (no broker, no database), so the fuzzer and the unit tests can call them:
 * the tenant headers, EVENT_ID and the trace headers; the refusals of
 * docs/architecture.md "Tenant headers"; the JSON envelope and its "type".
 * host/bus.c's prepare() is these steps in this order, plus the registry. */
#ifndef COFFER_HOST_INTAKE_H
#define COFFER_HOST_INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include <coffer/msg.h>

struct intake_headers {
	struct coffer_tenant tenant;
	bool has_tenant;        /* the last TENANT_ID is a canonical UUID */
	bool region_ok;         /* REGION absent or fits tenant.region */
	char event_id[37];
	bool has_event_id;      /* the last EVENT_ID is a canonical UUID */
	const void *trace[2];   /* traceparent, tracestate: borrowed from the header list */
	size_t trace_len[2];
};

/* Read the last value of each header @p hd holds (NULL = no headers). */
void intake_read_headers(rd_kafka_headers_t *hd, struct intake_headers *out);

/* A reason to refuse the headers (written to @p buf), or NULL: a tenant header
 * given twice with different values, a text header holding a NUL byte. */
const char *intake_bad_headers(rd_kafka_headers_t *hd, char *buf, size_t cap);

/* Whether the headers let a handler run: intake_bad_headers, then a valid
 * TENANT_ID, then REGION's length. false with the reason in @p reason. */
bool intake_check_headers(rd_kafka_headers_t *hd, const struct intake_headers *h,
                          char *reason, size_t cap);

/* The envelope: a payload of at most @p max_bytes that is a JSON object with a
 * string "type". true with *type borrowed from *json; false with the reason.
 * *json is what was parsed (maybe not an object), NULL when nothing was; the
 * caller releases it either way. */
bool intake_envelope(const void *payload, size_t len, size_t max_bytes, json_t **json,
                     const char **type, char *reason, size_t cap);

#endif
