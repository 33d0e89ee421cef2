/* SPDX-License-Identifier: MIT */
/* plugins/compartment/compartment.h: declarations shared by the compartment plugin's own files.
 *
 * Nothing here is exported: the plugin is built with -fvisibility=hidden and exports only
 * coffer_plugin_entry. Every handler receives the one struct compartment as user data. */
#ifndef COFFER_PLUGIN_COMPARTMENT_H
#define COFFER_PLUGIN_COMPARTMENT_H

#include <coffer/plugin.h>
#include <coffer/svc/asset.h>

#include "compartment_rest.h"
#include "compartment_rules.h"

#define COMPARTMENT_CHARACTER_TOPIC "EVENT_TOPIC_CHARACTER_STATUS"

/* The plugin's state: filled by init, read-only afterwards (handlers run on many threads). */
struct compartment {
	coffer_ctx *ctx;
	const struct coffer_host *host;
	const struct coffer_svc_asset *svc; /* the "asset" service v1, looked up in init */
	struct crest_opts rest;             /* how the REST routes write assets (init) */
};

/* Log one INFO line for a business failure and return COFFER_DONE (kafka-contract.md#processing-model: no change, no
 * event). The caller has written nothing yet. A macro, so that the host sees the format
 * itself (its key=value fields). */
#define compartment_fail(c, ...)                                                               \
	(COFFER_LOGH((c)->host, (c)->ctx, COFFER_LOG_INFO, __VA_ARGS__), COFFER_DONE)

/* ---- compartment_commands.c: COMMAND_TOPIC_COMPARTMENT (kafka-contract.md#compartment-commands) ---- */

enum coffer_outcome compartment_on_equip(coffer_ctx *ctx, coffer_txn *txn,
                                         const struct coffer_msg *msg, void *ud);
enum coffer_outcome compartment_on_unequip(coffer_ctx *ctx, coffer_txn *txn,
                                           const struct coffer_msg *msg, void *ud);
enum coffer_outcome compartment_on_move(coffer_ctx *ctx, coffer_txn *txn,
                                        const struct coffer_msg *msg, void *ud);
enum coffer_outcome compartment_on_increase_capacity(coffer_ctx *ctx, coffer_txn *txn,
                                                     const struct coffer_msg *msg, void *ud);
enum coffer_outcome compartment_on_merge(coffer_ctx *ctx, coffer_txn *txn,
                                         const struct coffer_msg *msg, void *ud);
enum coffer_outcome compartment_on_sort(coffer_ctx *ctx, coffer_txn *txn,
                                        const struct coffer_msg *msg, void *ud);

/* ---- compartment_character.c: EVENT_TOPIC_CHARACTER_STATUS (kafka-contract.md#character-events) ---- */

enum coffer_outcome compartment_on_character_created(coffer_ctx *ctx, coffer_txn *txn,
                                                     const struct coffer_msg *msg, void *ud);
enum coffer_outcome compartment_on_character_deleted(coffer_ctx *ctx, coffer_txn *txn,
                                                     const struct coffer_msg *msg, void *ud);

/* The lifecycle's effects, shared by the Kafka handlers and the REST routes. They return 0 or
 * an asset service code (ETRANSIENT/EDB: retry). */
int compartment_inventory_create(const struct compartment *c, coffer_txn *txn, const char *tenant,
                                 uint32_t character_id, bool *existed);
int compartment_inventory_delete(const struct compartment *c, coffer_txn *txn, const char *tenant,
                                 uint32_t character_id);

/* ---- compartment_rest.c: the inventory routes (docs/rest.md) ---- */

/* Register the routes when the host has on_http (ABI 1.1); a 1.0 host gets none. */
int compartment_rest_register(struct compartment *c);

#endif
