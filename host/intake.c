/* SPDX-License-Identifier: MIT */
/* host/intake.c: headers and envelope of a consumed message (see intake.h). */
#include "intake.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* The tenant headers, which say whose data a message changes; and the text
 * headers, which are copied into rows and events as C strings. */
static const char *const tenant_headers[] = {"TENANT_ID", "REGION", "MAJOR_VERSION",
                                             "MINOR_VERSION"};
static const char *const text_headers[] = {"TENANT_ID", "REGION", "EVENT_ID", "traceparent",
                                           "tracestate"};

void intake_read_headers(rd_kafka_headers_t *hd, struct intake_headers *out)
{
	const void *v;
	size_t l;
	memset(out, 0, sizeof *out);
	out->region_ok = true;
	if (hd == NULL)
		return;
	if (rd_kafka_header_get_last(hd, "TENANT_ID", &v, &l) == 0 && v)
		out->has_tenant = cu_uuid_parse(v, l, out->tenant.id);
	if (rd_kafka_header_get_last(hd, "REGION", &v, &l) == 0 && v) {
		if (l < sizeof out->tenant.region)
			memcpy(out->tenant.region, v, l);
		else
			out->region_ok = false;
	}
	if (rd_kafka_header_get_last(hd, "MAJOR_VERSION", &v, &l) == 0)
		out->tenant.major = cu_be16(v, l);
	if (rd_kafka_header_get_last(hd, "MINOR_VERSION", &v, &l) == 0)
		out->tenant.minor = cu_be16(v, l);
	out->has_event_id = rd_kafka_header_get_last(hd, "EVENT_ID", &v, &l) == 0 &&
	                    cu_uuid_parse(v, l, out->event_id);
	static const char *const trace_names[2] = {"traceparent", "tracestate"};
	for (int i = 0; i < 2; i++) {
		if (rd_kafka_header_get_last(hd, trace_names[i], &v, &l) == 0 && v) {
			out->trace[i] = v;
			out->trace_len[i] = l;
		}
	}
}

static bool same_header_value(const char *name, const void *a, size_t al, const void *b,
                              size_t bl)
{
	if (strcmp(name, "TENANT_ID") == 0) {
		char ua[37], ub[37];
		if (cu_uuid_parse(a, al, ua) && cu_uuid_parse(b, bl, ub))
			return strcmp(ua, ub) == 0; /* the same tenant, whatever the letter case */
	}
	return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

/* The last one of a repeated header would win, so anything appending a header
 * could move the message to another tenant; a NUL would cut a text header. */
const char *intake_bad_headers(rd_kafka_headers_t *hd, char *buf, size_t cap)
{
	if (hd == NULL)
		return NULL;
	for (size_t t = 0; t < sizeof text_headers / sizeof text_headers[0]; t++) {
		const void *v;
		size_t l;
		for (size_t idx = 0;
		     rd_kafka_header_get(hd, idx, text_headers[t], &v, &l) == RD_KAFKA_RESP_ERR_NO_ERROR;
		     idx++) {
			if (v && memchr(v, '\0', l)) {
				snprintf(buf, cap, "%s header holds a NUL byte", text_headers[t]);
				return buf;
			}
		}
	}
	for (size_t t = 0; t < sizeof tenant_headers / sizeof tenant_headers[0]; t++) {
		const void *first, *v;
		size_t first_l, l;
		if (rd_kafka_header_get(hd, 0, tenant_headers[t], &first, &first_l))
			continue;
		for (size_t idx = 1;
		     rd_kafka_header_get(hd, idx, tenant_headers[t], &v, &l) == RD_KAFKA_RESP_ERR_NO_ERROR;
		     idx++) {
			if (!same_header_value(tenant_headers[t], first ? first : "", first ? first_l : 0,
			                       v ? v : "", v ? l : 0)) {
				snprintf(buf, cap, "%s header given %s with different values",
				         tenant_headers[t], idx == 1 ? "twice" : "several times");
				return buf;
			}
		}
	}
	return NULL;
}

bool intake_check_headers(rd_kafka_headers_t *hd, const struct intake_headers *h,
                          char *reason, size_t cap)
{
	char why[128];
	const char *bad = intake_bad_headers(hd, why, sizeof why);
	if (bad) {
		snprintf(reason, cap, "%s", bad);
		return false;
	}
	if (!h->has_tenant) {
		snprintf(reason, cap, "missing or invalid TENANT_ID header");
		return false;
	}
	if (!h->region_ok) {
		snprintf(reason, cap, "REGION header longer than %zu bytes",
		         sizeof h->tenant.region - 1);
		return false;
	}
	return true;
}

bool intake_envelope(const void *payload, size_t len, size_t max_bytes, json_t **json,
                     const char **type, char *reason, size_t cap)
{
	json_error_t err;
	*json = NULL;
	*type = NULL;
	if (len > max_bytes) {
		/* Not parsed: nothing that large is handled (docs/configuration.md). */
		snprintf(reason, cap,
		         "oversize: payload of %zu bytes, the limit is %zu (--max-message-bytes)", len,
		         max_bytes);
		return false;
	}
	/* A key given twice is refused (docs/architecture.md "Duplicate JSON keys"): jansson
	 * would keep the last value, another reader may keep the first. */
	*json = payload ? json_loadb(payload, len, JSON_REJECT_DUPLICATES, &err) : NULL;
	if (*json == NULL) {
		snprintf(reason, cap, "not JSON: %s", payload ? err.text : "empty");
		return false;
	}
	if (!json_is_object(*json)) {
		snprintf(reason, cap, "not a JSON object");
		return false;
	}
	*type = json_string_value(json_object_get(*json, "type"));
	if (*type == NULL) {
		snprintf(reason, cap, "missing or non-string field type");
		return false;
	}
	return true;
}
