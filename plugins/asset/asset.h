/* SPDX-License-Identifier: MIT */
/* plugins/asset/asset.h: declarations shared by the asset plugin's files. Everything here has
 * hidden visibility (the plugin exports only coffer_plugin_entry). */
#ifndef ASSET_H
#define ASSET_H

#include <coffer/plugin.h>
#include <coffer/svc/asset.h>

#include "asset_rules.h"

/* The host table, set once in init before anything can run, never changed afterwards. */
extern const struct coffer_host *asset_host;
/* The published service table (asset_svc.c). */
extern const struct coffer_svc_asset asset_api_v1;

/* ---- asset_sql.c: statements and row mapping ---- */

int asset_sql_compartment_lock(coffer_txn *txn, const char *tenant, uint32_t character_id,
                               uint8_t type, struct coffer_compartment *out);
/* The compartment, locked, with the assets in @p slot_a and @p slot_b (when occupied). */
int asset_sql_compartment_lock_pair(coffer_txn *txn, const char *tenant, uint32_t character_id,
                                    uint8_t type, struct coffer_compartment *out, int16_t slot_a,
                                    struct coffer_asset *a, bool *found_a, int16_t slot_b,
                                    struct coffer_asset *b, bool *found_b);
int asset_sql_compartment_lock_id(coffer_txn *txn, const char *tenant, const char *id,
                                  struct coffer_compartment *out);
int asset_sql_compartment_get(coffer_txn *txn, const char *tenant, const char *id,
                              struct coffer_compartment *out);
int asset_sql_compartment_list(coffer_txn *txn, const char *tenant, uint32_t character_id,
                               bool for_update, struct coffer_compartment out[5], size_t *n);
int asset_sql_compartment_create(coffer_txn *txn, const char *tenant, uint32_t character_id,
                                 uint8_t type, uint32_t capacity, struct coffer_compartment *out);
int asset_sql_compartment_set_capacity(coffer_txn *txn, const char *tenant, const char *id,
                                       uint32_t capacity);
int asset_sql_compartment_delete(coffer_txn *txn, const char *tenant, const char *id);

int asset_sql_list(coffer_txn *txn, const char *tenant, const char *compartment_id,
                   struct coffer_asset_list *out);
int asset_sql_list_character(coffer_txn *txn, const char *tenant, uint32_t character_id,
                             struct coffer_asset_list *out);
void asset_sql_list_free(struct coffer_asset_list *list);
int asset_sql_at(coffer_txn *txn, const char *tenant, const char *compartment_id, int16_t slot,
                 struct coffer_asset *out);
int asset_sql_get(coffer_txn *txn, const char *tenant, uint32_t id, struct coffer_asset *out);
int asset_sql_by_reference(coffer_txn *txn, const char *tenant, const char *compartment_id,
                           uint32_t reference_id, struct coffer_asset *out);
int asset_sql_equipable_by_reference(coffer_txn *txn, const char *tenant, uint32_t reference_id,
                                     struct coffer_asset *out);
int asset_sql_bag_slots(coffer_txn *txn, const char *tenant, const char *compartment_id,
                        uint32_t capacity, int16_t *slots, size_t max, size_t *n);
int asset_sql_insert(coffer_txn *txn, const char *tenant, struct coffer_asset *a);
int asset_sql_delete(coffer_txn *txn, const char *tenant, uint32_t id);
int asset_sql_move(coffer_txn *txn, const char *tenant, uint32_t id, int16_t slot);
int asset_sql_set_quantity(coffer_txn *txn, const char *tenant, uint32_t id, uint32_t quantity);
/* Overwrite the equipment attributes equipable UPDATED carries (kafka-contract.md#equipable-updated step 4). */
int asset_sql_update_equipment(coffer_txn *txn, const char *tenant, const struct coffer_asset *a);

int asset_sql_template(coffer_txn *txn, const char *tenant, uint32_t template_id,
                       struct coffer_item_template *out);
int asset_sql_cash_item(coffer_txn *txn, const char *tenant, uint32_t id,
                        struct coffer_cash_item *out);

/* ---- asset_svc.c: composite service functions the handlers use too ---- */

enum coffer_cmd_status asset_svc_cmd_decode(const struct coffer_msg *msg, unsigned flags,
                                            struct coffer_compartment_cmd *out);
int asset_svc_next_free_slot(coffer_txn *txn, const char *tenant,
                             const struct coffer_compartment *c, int16_t *slot);
int asset_svc_from_template(coffer_txn *txn, const char *tenant, uint32_t template_id,
                            uint32_t character_id, struct coffer_asset *out);
int asset_svc_cash_item(coffer_txn *txn, const char *tenant, uint32_t id,
                        struct coffer_cash_item *out);

/* ---- asset_data.c: the game-data service behind item_templates ---- */

int asset_data_init(coffer_ctx *ctx);
int asset_data_start(coffer_ctx *ctx);
void asset_data_fini(void);
bool asset_data_configured(void);
/* The row of @p template_id exists afterwards when the service knows it (fetched and stored
 * in @p txn when missing); 0, COFFER_ETRANSIENT (service down or garbage) or a SQL error. */
int asset_data_ensure(coffer_txn *txn, const struct coffer_tenant *tenant, uint32_t template_id);
/* The service entry template_load. */
int asset_data_template_load(coffer_txn *txn, const struct coffer_tenant *tenant,
                             uint32_t template_id, struct coffer_item_template *out);

/* ---- asset_events.c ---- */

json_t *asset_ev_reference_data(const struct coffer_asset *a);
int asset_ev_created(coffer_txn *txn, const struct coffer_evctx *ev, const struct coffer_asset *a);
int asset_ev_updated(coffer_txn *txn, const struct coffer_evctx *ev, const struct coffer_asset *a);
int asset_ev_deleted(coffer_txn *txn, const struct coffer_evctx *ev, const struct coffer_asset *a);
int asset_ev_moved(coffer_txn *txn, const struct coffer_evctx *ev, const struct coffer_asset *a,
                   int16_t slot, int16_t old_slot);
int asset_ev_quantity(coffer_txn *txn, const struct coffer_evctx *ev,
                      const struct coffer_asset *a, uint32_t quantity);
int asset_ev_compartment(coffer_txn *txn, const struct coffer_evctx *ev, const char *type,
                         json_t *body);
int asset_ev_compartment_created(coffer_txn *txn, const struct coffer_evctx *ev, uint8_t type,
                                 uint32_t capacity);
int asset_ev_compartment_capacity(coffer_txn *txn, const struct coffer_evctx *ev, uint8_t type,
                                  uint32_t capacity);
int asset_ev_compartment_complete(coffer_txn *txn, const struct coffer_evctx *ev,
                                  const char *type_name, uint8_t type);
int asset_ev_compartment_reserved(coffer_txn *txn, const struct coffer_evctx *ev, uint32_t item_id,
                                  int16_t slot, uint32_t quantity);
int asset_ev_compartment_cancelled(coffer_txn *txn, const struct coffer_evctx *ev,
                                   uint32_t item_id, int16_t slot, uint32_t quantity);
int asset_ev_compartment_txn(coffer_txn *txn, const struct coffer_evctx *ev,
                             const char *type_name);
int asset_ev_compartment_error(coffer_txn *txn, const struct coffer_evctx *ev, const char *code);
int asset_ev_inventory(coffer_txn *txn, uint32_t character_id, const char *type_name);
enum coffer_outcome asset_ev_refuse_disabled(coffer_ctx *ctx, coffer_txn *txn,
                                             const struct coffer_msg *msg, void *ud);

/* ---- asset_handlers.c ---- */

enum coffer_outcome asset_on_create_asset(coffer_ctx *ctx, coffer_txn *txn,
                                          const struct coffer_msg *msg, void *ud);
/* DESTROY of the whole asset @p a (locked compartment): the row goes, asset DELETED is
 * emitted with @p ev. DELETE asset (asset_rest.c) does the same. */
int asset_destroy_all(coffer_txn *txn, const char *tenant, const struct coffer_evctx *ev,
                      const struct coffer_asset *a);
enum coffer_outcome asset_on_destroy(coffer_ctx *ctx, coffer_txn *txn,
                                     const struct coffer_msg *msg, void *ud);
enum coffer_outcome asset_on_recharge(coffer_ctx *ctx, coffer_txn *txn,
                                      const struct coffer_msg *msg, void *ud);
enum coffer_outcome asset_on_accept(coffer_ctx *ctx, coffer_txn *txn,
                                    const struct coffer_msg *msg, void *ud);
enum coffer_outcome asset_on_release(coffer_ctx *ctx, coffer_txn *txn,
                                     const struct coffer_msg *msg, void *ud);
enum coffer_outcome asset_on_equipable_updated(coffer_ctx *ctx, coffer_txn *txn,
                                               const struct coffer_msg *msg, void *ud);

/* ---- asset_rest.c: DELETE asset (docs/rest.md) ---- */

/* Register the route when the host has on_http (ABI 1.1). */
int asset_rest_register(coffer_ctx *ctx);

#endif
