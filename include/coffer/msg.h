/* SPDX-License-Identifier: MIT */
/* coffer/msg.h: the view of a consumed message that handlers receive, and outcomes. */
#ifndef COFFER_MSG_H
#define COFFER_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a handler decided. Nothing in between. */
enum coffer_outcome {
	COFFER_DONE = 0,   /**< commit the transaction (effects, events, marker) */
	COFFER_RETRY = 1,  /**< transient failure: roll back, handle the message again later */
	COFFER_REJECT = 2, /**< bad input: roll back, dead-letter the message, go on */
};

/**
 * The tenant of a message: the four headers TENANT_ID, REGION, MAJOR_VERSION,
 * MINOR_VERSION. Events a message causes carry the same values.
 */
struct coffer_tenant {
	char id[37];        /**< canonical lowercase UUID, NUL-terminated */
	char region[64];    /**< REGION header bytes, NUL-terminated ("" when absent) */
	uint16_t major;     /**< MAJOR_VERSION, 0 when absent or not 2 bytes */
	uint16_t minor;     /**< MINOR_VERSION, same rule */
};

/**
 * A consumed message. Everything is borrowed until the handler returns.
 */
struct coffer_msg {
	const char *topic_var;               /**< logical topic, e.g. "COMMAND_TOPIC_DROP" */
	const char *topic;                   /**< real topic name */
	int32_t partition;
	int64_t offset;
	const void *key;                     /**< raw key bytes, may be NULL */
	size_t key_len;
	const char *type;                    /**< the JSON "type" field */
	const json_t *json;                  /**< whole JSON object (borrowed; do not decref) */
	const struct coffer_tenant *tenant;  /**< parsed tenant headers */
	const char *event_id;                /**< EVENT_ID header (36 chars) or NULL */
	int64_t now_us;                      /**< host clock for this message, UTC microseconds */
};

#ifdef __cplusplus
}
#endif
#endif
