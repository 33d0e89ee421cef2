/* plugins/compartment/compartment_rest.h: the JSON:API documents of the inventory routes
 * (docs/rest.md): pure functions from the asset service's row structs to jansson values, with
 * the key order, types and ordering the Go callers were written against. No host, no SQL:
 * unit-tested directly (tests/plugins/compartment/test_compartment_rest.c). */
#ifndef COFFER_PLUGIN_COMPARTMENT_REST_H
#define COFFER_PLUGIN_COMPARTMENT_REST_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include <coffer/svc/asset.h>

/* The wire name of an asset kind ("equipable", ...), the asset service's kind_name. */
typedef const char *(*crest_kind_name_fn)(enum coffer_asset_kind kind);

/* The seed-era referenceData object of @p a for its kind (every key, zero values included). */
json_t *crest_reference_data(const struct coffer_asset *a);

/* One `assets` resource: id as a decimal string; attributes slot, templateId, expiration,
 * referenceId, referenceType, referenceData (seed), then today's flattened keys that do not
 * clash with them (createdAt, quantity, ownerId, ...). */
json_t *crest_asset(const struct coffer_asset *a, crest_kind_name_fn kind_name);

/* One `compartments` resource with its `assets` relationship listing @p assets in order. */
json_t *crest_compartment(const struct coffer_compartment *c, const struct coffer_asset_list *assets);

/* GET inventory / POST inventory: the `inventories` resource @p inventory_id for
 * @p character_id with @p n compartments (ascending type) and lists[i] the assets of
 * comps[i] (ascending slot); `included` = the compartments, then their assets, and is left
 * out when empty. */
json_t *crest_inventory_doc(const char *inventory_id, uint32_t character_id,
                            const struct coffer_compartment *comps,
                            const struct coffer_asset_list *lists, size_t n,
                            crest_kind_name_fn kind_name);

/* GET compartment (by id or by type): data = the compartment, included = its assets. */
json_t *crest_compartment_doc(const struct coffer_compartment *c,
                              const struct coffer_asset_list *assets, crest_kind_name_fn kind_name);

/* GET assets: {"data":[assets...]} (never `included`). */
json_t *crest_assets_doc(const struct coffer_asset_list *assets, crest_kind_name_fn kind_name);

#endif
