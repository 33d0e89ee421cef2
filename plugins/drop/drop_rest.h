/* SPDX-License-Identifier: MIT */
/* plugins/drop/drop_rest.h: the JSON:API documents of the drop routes (docs/rest.md): pure
 * functions from the read service's record to jansson values, unit-tested directly
 * (tests/plugins/drop/test_drop_rest.c). */
#ifndef DROP_REST_H
#define DROP_REST_H

#include <jansson.h>

#include <coffer/svc/drop.h>

/* One `drops` resource: id as a decimal string, the seventeen attributes in the order of docs/rest.md#documents. */
json_t *drest_drop(const struct coffer_drop *d);
/* GET drops in a map: {"data":[drops...]} in the list's (ascending id) order. */
json_t *drest_list_doc(const struct coffer_drop_list *l);
/* GET drop by id: {"data": drop}. */
json_t *drest_one_doc(const struct coffer_drop *d);

#endif
