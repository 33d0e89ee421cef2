/* SPDX-License-Identifier: MIT */
/* lib/itemdata.h: item templates from the game-data service (docs/item-data.md), shared by
 * the asset plugin (a template a command needs and the table lacks) and cofferctl
 * (`templates import`). Two parts:
 *   - the pure mapping from the service's JSON:API documents (and from the importer's JSON
 *     rows) to one row of item_templates, strict: a wrong resource type, a wrong field type,
 *     a value out of range of its column is an error, never a half-filled row;
 *   - the fetch: the one or two GETs a template needs, with the tenant headers, a timeout and
 *     the status rules of the service, on a libcurl easy handle the caller owns (one per
 *     thread, reused so connections are kept).
 * Never installed; linked statically as libcoffer_itemdata. */
#ifndef COFFER_ITEMDATA_H
#define COFFER_ITEMDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include <coffer/msg.h>

/* The 16 SMALLINT UNSIGNED columns in table order: inc_str inc_dex inc_int inc_luk inc_hp
 * inc_mp inc_pad inc_mad inc_pdd inc_mdd inc_acc inc_eva inc_hands inc_speed inc_jump
 * upgrade_slots (the order of struct coffer_equip_stats). */
#define ITEMDATA_NSTATS 16
extern const char *const itemdata_stat_columns[ITEMDATA_NSTATS];

/* One row of item_templates (without the tenant). Empty strings stand for NULL. */
struct itemdata_row {
	uint32_t template_id;
	uint32_t slot_max;           /* 0 = not given */
	bool rechargeable;
	bool is_cash;
	char equip_slot_code[9];     /* VARCHAR(8) */
	char equip_slot_name[17];    /* VARCHAR(16) */
	char equip_slots[65];        /* VARCHAR(64): "-12,-13,-15,-16" */
	uint16_t stats[ITEMDATA_NSTATS];
	char name[257];              /* VARCHAR(64) characters of UTF-8 */
};

/* Column list and statement both writers use (the plugin through the host, cofferctl through
 * Connector/C): binds tenant_id, then the 23 columns in this order. A row that exists already
 * is kept (two workers fetching the same template at once both succeed). */
#define ITEMDATA_COLUMNS                                                                         \
	"template_id, slot_max, rechargeable, is_cash, equip_slot_code, equip_slot_name, "       \
	"equip_slots, inc_str, inc_dex, inc_int, inc_luk, inc_hp, inc_mp, inc_pad, inc_mad, "     \
	"inc_pdd, inc_mdd, inc_acc, inc_eva, inc_hands, inc_speed, inc_jump, upgrade_slots, name"
#define ITEMDATA_INSERT_SQL                                                                      \
	"INSERT INTO item_templates (tenant_id, " ITEMDATA_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, " \
	"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "                                \
	"ON DUPLICATE KEY UPDATE template_id = template_id"
/* The same, replacing a row that exists (the importer's --replace). */
#define ITEMDATA_REPLACE_SQL                                                                     \
	"REPLACE INTO item_templates (tenant_id, " ITEMDATA_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, " \
	"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

/* floor(id / 1 000 000) when 1..5, else 0. */
uint8_t itemdata_type(uint32_t template_id);
/* Whether the service is asked about this template at all: types 1..4 (type 5 has no
 * endpoint the inventory used; its slot max is always 1). */
bool itemdata_fetchable(uint32_t template_id);

/* ---- the pure mapping (0, or -1 with a reason in err) ---- */

/* A document of data/consumables/{id}, data/setups/{id} or data/etcs/{id}, by the type of
 * @p id: fills slot_max, rechargeable (consumables) on a zeroed row. */
int itemdata_map_stackable(const json_t *doc, uint32_t id, struct itemdata_row *row, char *err,
                           size_t errsz);
/* A document of data/equipment/{id} (resource "statistics"): is_cash and the 15 stats. */
int itemdata_map_statistics(const json_t *doc, uint32_t id, struct itemdata_row *row, char *err,
                            size_t errsz);
/* A document of data/equipment/{id}/slots: equip_slot_code, equip_slot_name, equip_slots
 * (derived from the code where it is known: the service loses ring positions). */
int itemdata_map_slots(const json_t *doc, struct itemdata_row *row, char *err, size_t errsz);
/* The positions of an islot code ("Ri" -> "-12,-13,-15,-16") and its slot name; NULL when the
 * code is unknown (PET_EQUIP). */
const char *itemdata_islot_positions(const char *code, const char **name);

/* One object of the importer's JSON file ({"template_id": 2000000, "slot_max": 100, ...};
 * column names, missing = the column default, unknown keys refused). */
int itemdata_row_from_json(const json_t *obj, struct itemdata_row *row, char *err,
                           size_t errsz);
/* The row as such an object (a new reference; NULL columns as null). */
json_t *itemdata_row_to_json(const struct itemdata_row *row);

/* ---- the fetch ---- */

enum itemdata_status {
	ITEMDATA_OK = 0,       /* *row filled */
	ITEMDATA_MISSING,      /* the service says there is no such template */
	ITEMDATA_UNAVAILABLE,  /* no answer: refused, timeout, 5xx (other than "not found") */
	ITEMDATA_INVALID,      /* an answer that is not a valid document of its endpoint */
};

struct itemdata_result {
	enum itemdata_status status;
	long http_status;      /* of the last request, 0 when none was answered */
	unsigned requests;     /* GETs sent */
	char url[512];         /* the last URL asked (the failing one when not OK) */
	char err[256];         /* why, when not OK */
};

/* A new easy handle for itemdata_fetch (NULL on failure); release with itemdata_handle_free.
 * curl_global_init must have run (itemdata_global_init) before the first. */
void *itemdata_handle_new(void);
void itemdata_handle_free(void *handle);
/* curl_global_init / curl_global_cleanup: once per process, before any thread uses a handle. */
int itemdata_global_init(void);
void itemdata_global_cleanup(void);

/* Fetch the template @p id for @p tenant from the service at @p base (used verbatim as the
 * prefix: "http://atlas-data:8080/api/"). Equipment takes two GETs (statistics, slots),
 * types 2..4 one. @p timeout_ms bounds each request. The row is filled only on OK. */
void itemdata_fetch(void *handle, const char *base, const struct coffer_tenant *tenant,
                    uint32_t id, long timeout_ms, struct itemdata_row *row,
                    struct itemdata_result *res);

#endif
