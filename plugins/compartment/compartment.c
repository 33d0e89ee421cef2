/* SPDX-License-Identifier: MIT */
/* plugins/compartment/compartment.c: the compartment plugin's table of contents. It creates and
 * deletes a character's inventory (EVENT_TOPIC_CHARACTER_STATUS CREATED / DELETED,
 * kafka-contract.md#character-events) and handles EQUIP, UNEQUIP, MOVE, INCREASE_CAPACITY, MERGE and SORT on
 * COMMAND_TOPIC_COMPARTMENT (kafka-contract.md#compartment-commands), each with the asset service's FEATURE_DISABLED refusal (kafka-contract.md#compartment-status-events),
 * and serves the inventory and compartment REST routes (compartment_rest.c, docs/rest.md).
 * It owns no table: compartments and assets belong to the asset plugin, reached only through
 * its "asset" service v1 (include/coffer/svc/asset.h). */
#include "compartment.h"

#include <stdarg.h>
#include <stdio.h>

/* The last service entry this plugin calls; a smaller (older) table lacks it. */
#define COMPARTMENT_SVC_NEEDS                                                                \
	(offsetof(struct coffer_svc_asset, first_free_slot) +                                    \
	 sizeof(((struct coffer_svc_asset *)0)->first_free_slot))

/* Written once by init before any handler can run, then only read: the ABI hands handlers
 * their user data, which points here. */
static struct compartment compartment_state;

static const struct {
	const char *type;
	coffer_handler_fn fn;
} compartment_commands[] = {
	{"EQUIP", compartment_on_equip},
	{"UNEQUIP", compartment_on_unequip},
	{"MOVE", compartment_on_move},
	{"INCREASE_CAPACITY", compartment_on_increase_capacity},
	{"MERGE", compartment_on_merge},
	{"SORT", compartment_on_sort},
};


static int compartment_init(coffer_ctx *ctx, const struct coffer_host *host)
{
	struct compartment *c = &compartment_state;
	c->ctx = ctx;
	c->host = host;
	c->svc = host->lookup(ctx, COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION);
	if (c->svc == NULL || c->svc->size < COMPARTMENT_SVC_NEEDS) {
		COFFER_LOGH(host, ctx, COFFER_LOG_ERROR, "service %s v%d missing or too old",
		            COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION);
		return COFFER_ENOTFOUND;
	}
	int rc = host->on_message(ctx, COMPARTMENT_CHARACTER_TOPIC, "CREATED",
	                          compartment_on_character_created, c);
	if (rc == 0)
		rc = host->on_message(ctx, COMPARTMENT_CHARACTER_TOPIC, "DELETED",
		                      compartment_on_character_deleted, c);
	/* An event topic has no one to answer: no refusal there. Every command type gets the
	 * service's FEATURE_DISABLED answer (kafka-contract.md#compartment-status-events). */
	for (size_t i = 0; rc == 0 && i < sizeof compartment_commands / sizeof compartment_commands[0];
	     i++) {
		rc = host->on_message(ctx, COFFER_TOPIC_COMPARTMENT_COMMAND, compartment_commands[i].type,
		                      compartment_commands[i].fn, c);
		if (rc == 0)
			rc = host->on_disabled(ctx, COFFER_TOPIC_COMPARTMENT_COMMAND,
			                       compartment_commands[i].type, c->svc->refuse_disabled, NULL);
	}
	if (rc == 0)
		rc = compartment_rest_register(c);
	/* Its events go out through the asset service, on these topics. */
	if (rc == 0)
		rc = host->emits(ctx, COFFER_TOPIC_ASSET_STATUS);
	if (rc == 0)
		rc = host->emits(ctx, COFFER_TOPIC_COMPARTMENT_STATUS);
	if (rc == 0)
		rc = host->emits(ctx, COFFER_TOPIC_INVENTORY_STATUS);
	return rc;
}

COFFER_PLUGIN(
	.name = "compartment",
	.version = "1.0.0",
	.summary = "Character inventories: compartments, equip, moves, merge and sort",
	.requires = COFFER_NEEDS({COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION}),
	.init = compartment_init,
);
