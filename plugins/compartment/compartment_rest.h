/* SPDX-License-Identifier: MIT */
/* plugins/compartment/compartment_rest.h: the JSON:API documents of the inventory routes
 * (docs/rest.md): pure functions from the asset service's row structs to jansson values (and
 * the same documents pre-serialised, below), with
 * the key order, types and ordering the Go callers were written against. No host, no SQL:
 * unit-tested directly (tests/plugins/compartment/test_compartment_rest.c). */
#ifndef COFFER_PLUGIN_COMPARTMENT_REST_H
#define COFFER_PLUGIN_COMPARTMENT_REST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include <coffer/svc/asset.h>

/* How assets are written. */
struct crest_opts {
	/* The wire name of an asset kind ("equipable", ...): the asset service's kind_name. */
	const char *(*kind_name)(enum coffer_asset_kind kind);
	/* Also write today's flattened keys (setting compartment.rest_flattened, default on). */
	bool flattened;
};

/* The classic referenceData object of @p a for its kind (every key, zero values included). */
json_t *crest_reference_data(const struct coffer_asset *a);

/* One `assets` resource: id as a decimal string; attributes slot, templateId, expiration,
 * referenceId, referenceType, referenceData (classic), then today's flattened keys that do not
 * clash with them (createdAt, quantity, ownerId, ...) unless o->flattened is false. */
json_t *crest_asset(const struct coffer_asset *a, const struct crest_opts *o);

/* One `compartments` resource with its `assets` relationship listing @p assets in order. */
json_t *crest_compartment(const struct coffer_compartment *c, const struct coffer_asset_list *assets);

/* GET inventory / POST inventory: the `inventories` resource @p inventory_id for
 * @p character_id with @p n compartments (ascending type) and lists[i] the assets of
 * comps[i] (ascending slot); `included` = the compartments, then their assets, and is left
 * out when empty. */
json_t *crest_inventory_doc(const char *inventory_id, uint32_t character_id,
                            const struct coffer_compartment *comps,
                            const struct coffer_asset_list *lists, size_t n,
                            const struct crest_opts *o);

/* GET compartment (by id or by type): data = the compartment, included = its assets. */
json_t *crest_compartment_doc(const struct coffer_compartment *c,
                              const struct coffer_asset_list *assets, const struct crest_opts *o);

/* GET assets: {"data":[assets...]} (never `included`). */
json_t *crest_assets_doc(const struct coffer_asset_list *assets, const struct crest_opts *o);

/* The same three documents serialised as the host would serialise the json_t ones (compact,
 * Go's escaping), written directly with lib/jsonw.h: what the handlers answer (the
 * coffer_http_resp raw body). NULL on allocation failure; free() the result. */
char *crest_inventory_raw(const char *inventory_id, uint32_t character_id,
                          const struct coffer_compartment *comps,
                          const struct coffer_asset_list *lists, size_t n,
                          const struct crest_opts *o, size_t *len);
char *crest_compartment_raw(const struct coffer_compartment *c,
                            const struct coffer_asset_list *assets, const struct crest_opts *o,
                            size_t *len);
char *crest_assets_raw(const struct coffer_asset_list *assets, const struct crest_opts *o,
                       size_t *len);

#endif
