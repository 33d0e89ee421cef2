/* SPDX-License-Identifier: MIT */
/* tests/plugins/asset/svcprobe.c: a test-only plugin that drives every transactional entry
 * of the "asset" service from handlers on COMMAND_TOPIC_ASSETPROBE (envelope as a compartment
 * command), so test_asset_service can check them on the fake host the way the compartment,
 * reservation and drop plugins will call them. It also provides the "reservation" service
 * with reserved quantities taken from the setting svcprobe.reserved ("assetId=qty,...").
 * Results the service hands back (not events) are reported as compartment event PROBE. */
#include <coffer/plugin.h>
#include <coffer/svc/asset.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const struct coffer_host *host;
static const struct coffer_svc_asset *svc;
static coffer_ctx *probe_ctx;

static int probe_reserved(coffer_txn *txn, const char *tenant, uint32_t asset_id, uint64_t *out)
{
	(void)txn;
	(void)tenant;
	*out = 0;
	const char *s = host->config(probe_ctx, "reserved", "");
	while (s && *s) {
		char *end;
		unsigned long id = strtoul(s, &end, 10);
		if (*end != '=')
			break;
		unsigned long long q = strtoull(end + 1, &end, 10);
		if (id == asset_id)
			*out += q;
		s = *end == ',' ? end + 1 : NULL;
	}
	return 0;
}

static const struct coffer_svc_reservation probe_reservation = {
	.size = sizeof(struct coffer_svc_reservation),
	.reserved_quantity = probe_reserved,
};

static enum coffer_outcome out(int rc)
{
	return rc ? COFFER_RETRY : COFFER_DONE;
}

static int probe(coffer_txn *txn, const struct coffer_evctx *ev, json_t *body)
{
	return svc->emit_compartment(txn, ev, "PROBE", body);
}

static enum coffer_outcome probe_on_command(coffer_ctx *ctx, coffer_txn *txn,
                                            const struct coffer_msg *msg, void *ud)
{
	(void)ctx;
	(void)ud;
	const char *tenant = msg->tenant->id;
	struct coffer_compartment_cmd cmd;
	unsigned flags = strcmp(msg->type, "EVENTS") == 0 ? COFFER_CMD_BODY_TXN : 0;
	if (strcmp(msg->type, "CREATE_INV") == 0 || strcmp(msg->type, "DELETE_INV") == 0)
		flags |= COFFER_CMD_ANY_TYPE;
	enum coffer_cmd_status st = svc->cmd_decode(msg, flags, &cmd);
	if (st != COFFER_CMD_OK)
		return host->reject(txn, "%d %s", (int)st, cmd.err);
	struct cu_dec d = {0};
	int16_t src = cu_i16(&d, cmd.body, "source");
	int16_t dst = cu_i16(&d, cmd.body, "destination");
	uint32_t amount = cu_u32(&d, cmd.body, "amount");
	uint32_t template_id = cu_u32(&d, cmd.body, "templateId");
	uint32_t ref = cu_u32(&d, cmd.body, "referenceId");
	if (d.bad)
		return host->reject(txn, "%s", d.err);
	struct coffer_evctx ev = {cmd.transaction_id, cmd.character_id, NULL};
	struct coffer_compartment c;
	int rc;

	if (strcmp(msg->type, "CREATE_INV") == 0) {
		struct coffer_compartment all[5];
		size_t n;
		if ((rc = svc->compartment_list(txn, tenant, cmd.character_id, false, all, &n)) != 0)
			return out(rc);
		if (n > 0)
			return COFFER_DONE;
		char t[37];
		host->uuid(t);
		ev.transaction_id = t;
		for (uint8_t type = 1; type <= 5; type++) {
			rc = svc->compartment_create(txn, tenant, cmd.character_id, type,
			                             COFFER_CAPACITY_INITIAL, &c);
			ev.compartment_id = c.id;
			if (rc == 0)
				rc = svc->emit_compartment_created(txn, &ev, type, c.capacity);
			if (rc)
				return out(rc);
		}
		return out(svc->emit_inventory(txn, cmd.character_id, "CREATED"));
	}
	if (strcmp(msg->type, "DELETE_INV") == 0) {
		struct coffer_compartment all[5];
		size_t n;
		if ((rc = svc->compartment_list(txn, tenant, cmd.character_id, true, all, &n)) != 0)
			return out(rc);
		for (size_t i = 0; i < n; i++) {
			struct coffer_asset_list l;
			rc = svc->asset_list(txn, tenant, all[i].id, &l);
			ev.compartment_id = all[i].id;
			for (size_t k = 0; rc == 0 && k < l.n; k++) {
				rc = svc->asset_delete(txn, tenant, l.v[k].id);
				if (rc == 0)
					rc = svc->emit_asset_deleted(txn, &ev, &l.v[k]);
			}
			svc->asset_list_free(&l);
			if (rc == 0)
				rc = svc->compartment_delete(txn, tenant, all[i].id);
			if (rc == 0)
				rc = svc->emit_compartment(txn, &ev, "DELETED", NULL);
			if (rc)
				return out(rc);
		}
		return out(svc->emit_inventory(txn, cmd.character_id, "DELETED"));
	}

	rc = svc->compartment_lock(txn, tenant, cmd.character_id, cmd.inventory_type, &c);
	if (rc == COFFER_ENOTFOUND)
		return out(probe(txn, &ev, json_pack("{s:s}", "rc", "ENOTFOUND")));
	if (rc)
		return out(rc);
	ev.compartment_id = c.id;

	if (strcmp(msg->type, "CAPACITY") == 0) {
		uint64_t want = (uint64_t)c.capacity + amount;
		uint32_t cap = want > COFFER_CAPACITY_MAX ? COFFER_CAPACITY_MAX : (uint32_t)want;
		rc = svc->compartment_set_capacity(txn, tenant, c.id, cap);
		return out(rc ? rc : svc->emit_compartment_capacity(txn, &ev, c.type, cap));
	}
	if (strcmp(msg->type, "FREE") == 0) {
		int16_t next = 0;
		rc = svc->next_free_slot(txn, tenant, &c, &next);
		if (rc && rc != COFFER_ENOTFOUND)
			return out(rc);
		struct coffer_asset_list l;
		if ((rc = svc->asset_list(txn, tenant, c.id, &l)) != 0) {
			svc->asset_list_free(&l);
			return out(rc);
		}
		json_t *slots = json_array();
		for (size_t i = 0; i < l.n; i++)
			json_array_append_new(slots, json_integer(l.v[i].slot));
		int16_t first = svc->first_free_slot(&l, c.capacity);
		svc->asset_list_free(&l);
		return out(probe(txn, &ev,
		                 json_pack("{s:i,s:i,s:o}", "next", next, "first", first, "slots", slots)));
	}
	if (strcmp(msg->type, "TEMPLATE") == 0) {
		struct coffer_item_template t;
		uint32_t max = 0;
		struct coffer_asset a;
		if ((rc = svc->template_get(txn, tenant, template_id, &t)) != 0 ||
		    (rc = svc->slot_max(txn, tenant, template_id, &max)) != 0)
			return out(rc);
		int frc = svc->asset_from_template(txn, tenant, template_id, cmd.character_id, &a);
		json_t *slots = json_array();
		for (size_t i = 0; i < t.n_equip_slots; i++)
			json_array_append_new(slots, json_integer(t.equip_slots[i]));
		return out(probe(txn, &ev,
		                 json_pack("{s:b,s:i,s:i,s:b,s:s,s:s,s:o,s:i,s:s,s:i,s:i,s:s,s:i,s:i}",
		                           "found", t.found, "slotMax", (int)t.slot_max, "slotMax2",
		                           (int)max, "isCash", t.is_cash, "slotName", t.equip_slot_name,
		                           "slotCode", t.equip_slot_code, "slots", slots, "pad",
		                           (int)t.stats.weapon_attack, "name", t.name, "rc", frc,
		                           "kindNo", (int)a.kind, "kind", svc->kind_name(a.kind),
		                           "owner", (int)a.owner_id, "fullness", (int)a.pet_fullness)));
	}
	if (strcmp(msg->type, "INSERT") == 0) {
		struct coffer_asset a, b;
		if ((rc = svc->asset_from_template(txn, tenant, template_id, cmd.character_id, &a)) != 0)
			return out(probe(txn, &ev, json_pack("{s:i}", "rc", rc)));
		snprintf(a.compartment_id, sizeof a.compartment_id, "%s", c.id); /* zero tail kept */
		a.slot = src;
		a.reference_id = ref;
		a.quantity = amount ? amount : 1;
		rc = svc->asset_insert(txn, tenant, &a);
		if (rc == COFFER_EDUP)
			return out(probe(txn, &ev, json_pack("{s:s}", "rc", "EDUP")));
		if (rc == 0)
			rc = svc->emit_asset_created(txn, &ev, &a);
		if (rc == 0)
			rc = svc->asset_get(txn, tenant, a.id, &b);
		if (rc)
			return out(rc);
		struct coffer_asset r;
		int rrc = svc->asset_by_reference(txn, tenant, c.id, a.reference_id, &r);
		return out(probe(txn, &ev,
		                 json_pack("{s:b,s:b,s:i}", "same", memcmp(&a, &b, sizeof a) == 0,
		                           "byRef", rrc == 0 && r.id == a.id, "qty", svc->asset_qty(&b))));
	}
	if (strcmp(msg->type, "MOVE") == 0 || strcmp(msg->type, "SWAP") == 0) {
		struct coffer_asset a;
		if ((rc = svc->asset_at(txn, tenant, c.id, src, &a)) != 0)
			return out(probe(txn, &ev, json_pack("{s:i}", "rc", rc)));
		uint32_t displaced = 0;
		if (strcmp(msg->type, "MOVE") == 0)
			rc = svc->asset_move(txn, tenant, a.id, dst);
		else
			rc = svc->asset_swap(txn, tenant, c.id, a.id, src, dst, &displaced);
		if (rc == COFFER_EDUP)
			return out(probe(txn, &ev, json_pack("{s:s}", "rc", "EDUP")));
		if (rc == 0)
			rc = svc->emit_asset_moved(txn, &ev, &a, dst, src);
		if (rc == 0)
			rc = probe(txn, &ev, json_pack("{s:i}", "displaced", (int)displaced));
		return out(rc);
	}
	if (strcmp(msg->type, "MERGE") == 0) {
		struct coffer_asset s, t;
		if ((rc = svc->asset_at(txn, tenant, c.id, src, &s)) != 0 ||
		    (rc = svc->asset_at(txn, tenant, c.id, dst, &t)) != 0)
			return out(probe(txn, &ev, json_pack("{s:i}", "rc", rc)));
		bool ok = false, gone = false;
		uint32_t max = 0;
		if ((rc = svc->merge_check(txn, tenant, c.type, &s, &t, &ok, &max)) != 0)
			return out(rc);
		if (ok && (rc = svc->merge_apply(txn, tenant, &ev, &s, &t, max, &gone)) != 0)
			return out(rc);
		return out(probe(txn, &ev,
		                 json_pack("{s:b,s:i,s:b,s:I,s:I}", "ok", ok, "max", (int)max, "gone",
		                           gone, "src", (json_int_t)s.quantity, "dst",
		                           (json_int_t)t.quantity)));
	}
	if (strcmp(msg->type, "SET_QTY") == 0) {
		struct coffer_asset a;
		if ((rc = svc->asset_at(txn, tenant, c.id, src, &a)) != 0)
			return out(rc);
		rc = svc->asset_set_quantity(txn, tenant, a.id, amount);
		return out(rc ? rc : svc->emit_asset_quantity(txn, &ev, &a, amount));
	}
	if (strcmp(msg->type, "RESERVED") == 0) {
		struct coffer_asset a;
		uint64_t q = 99;
		if ((rc = svc->asset_at(txn, tenant, c.id, src, &a)) != 0 ||
		    (rc = svc->reserved_quantity(txn, tenant, a.id, &q)) != 0)
			return out(rc);
		return out(probe(txn, &ev, json_pack("{s:I}", "reserved", (json_int_t)q)));
	}
	if (strcmp(msg->type, "EVENTS") == 0) {
		struct coffer_asset a;
		if ((rc = svc->asset_at(txn, tenant, c.id, src, &a)) != 0)
			return out(rc);
		if ((rc = svc->emit_compartment_complete(txn, &ev, "MERGE_COMPLETE", c.type)) ||
		    (rc = svc->emit_compartment_complete(txn, &ev, "SORT_COMPLETE", c.type)) ||
		    (rc = svc->emit_compartment_reserved(txn, &ev, a.template_id, a.slot, 5)) ||
		    (rc = svc->emit_compartment_cancelled(txn, &ev, a.template_id, a.slot, 5)) ||
		    (rc = svc->emit_compartment_txn(txn, &ev, "RELEASED")) ||
		    (rc = svc->emit_compartment_error(txn, &ev, "ACCEPT_COMMAND_FAILED")) ||
		    (rc = svc->emit_asset_updated(txn, &ev, &a)))
			return out(rc);
		json_t *rd = svc->reference_data(&a);
		return out(probe(txn, &ev, json_pack("{s:o}", "referenceData", rd)));
	}
	return host->reject(txn, "unknown probe type %s", msg->type);
}

static int probe_init(coffer_ctx *ctx, const struct coffer_host *h)
{
	host = h;
	probe_ctx = ctx;
	svc = h->lookup(ctx, COFFER_SVC_ASSET_NAME, COFFER_SVC_ASSET_VERSION);
	if (svc == NULL || svc->size < sizeof *svc)
		return COFFER_ENOTFOUND;
	static const char *const types[] = {"CREATE_INV", "DELETE_INV", "CAPACITY", "FREE",
	                                    "TEMPLATE",   "INSERT",     "MOVE",     "SWAP",
	                                    "MERGE",      "SET_QTY",    "RESERVED", "EVENTS"};
	int rc = h->provide(ctx, COFFER_SVC_RESERVATION_NAME, COFFER_SVC_RESERVATION_VERSION,
	                    &probe_reservation);
	for (size_t i = 0; rc == 0 && i < sizeof types / sizeof types[0]; i++)
		rc = h->on_message(ctx, "COMMAND_TOPIC_ASSETPROBE", types[i], probe_on_command, NULL);
	return rc;
}

COFFER_PLUGIN(.name = "svcprobe", .version = "0.0.0", .summary = "asset service test driver",
              .requires = COFFER_NEEDS({"asset", 1}),
              .provides = COFFER_PROVIDES({"reservation", 1}), .init = probe_init);
