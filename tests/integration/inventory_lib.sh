# SPDX-License-Identifier: MIT
# tests/integration/inventory_lib.sh: what the inventory_*.sh tests share on top
# of lib.sh. Sourced, not run (it is not in TESTS).
#
# inv_setup starts cofferd "a" with the real asset, compartment and reservation
# plugins (lib.sh inv_start) and a watcher that appends every message of the
# produced topics and the dead-letter topic to $INV_EV, one JSON line each
# (cofferctl watch format). Commands go out with cofferctl send, tenant headers
# REGION=GMS, version 83.1, key characterId. Each command gets its own
# transactionId, so its events are picked out of $INV_EV by that id; for one
# character every topic's events sit in one partition (key characterId), so
# the file order is the offset order within a topic.
. "$(dirname "$0")/lib.sh"

INV_REGION=GMS
INV_VERSION=83.1
NIL_UUID=00000000-0000-0000-0000-000000000000
INV_EV=

# inv_setup [cofferd options...]: it_init, cofferd "a", the watcher.
inv_setup() {
	it_init
	inv_start a "$@"
	inv_watch
}

# inv_watch [NAME]: the background watcher of instance NAME (default current) into $INV_EV.
inv_watch() {
	INV_EV=$IT_W/events.${1:-$IT_CUR}.jsonl
	"$COFFERCTL" --bootstrap-file "${CBOOT[${1:-$IT_CUR}]}" watch EVENT_TOPIC_ASSET_STATUS \
		EVENT_TOPIC_COMPARTMENT_STATUS EVENT_TOPIC_INVENTORY_STATUS COMMAND_TOPIC_DROP DEAD_LETTER_TOPIC \
		--from-beginning --timeout-ms 600000 >"$INV_EV" 2>"$IT_W/watch.err" &
	wait_until 10 'grep -q watching "$IT_W/watch.err"' || die "cofferctl watch did not start"
}

# inv_templates TENANT: contrib/templates/sample.sql for TENANT.
inv_templates() {
	{ printf "SET @tenant = '%s';\n" "$1"; cat "$abs_top_srcdir/contrib/templates/sample.sql"; } | it_mariadb "$DB_NAME" ||
		die "cannot load contrib/templates/sample.sql"
}

# inv_character TENANT CHAR [CREATED|DELETED]: a character status event.
inv_character() {
	local body='{"name":"c'$2'"}'
	[[ ${3:-CREATED} == DELETED ]] && body='{}'
	send EVENT_TOPIC_CHARACTER_STATUS "${3:-CREATED}" "{\"characterId\":$2,\"worldId\":0,\"body\":$body}" \
		--tenant "$1" --region "$INV_REGION" --version "$INV_VERSION"
}

# inv_cmd TENANT CHAR INVTYPE TYPE BODY TXN: one compartment command.
inv_cmd() {
	send COMMAND_TOPIC_COMPARTMENT "$4" \
		"{\"transactionId\":\"$6\",\"characterId\":$2,\"inventoryType\":$3,\"body\":$5}" \
		--tenant "$1" --region "$INV_REGION" --version "$INV_VERSION"
}

# inv_n_txn TXN: how many messages carry transactionId TXN so far.
inv_n_txn() { jq -c --arg t "$1" 'select(.topic_var != "DEAD_LETTER_TOPIC" and .value.transactionId == $t)' "$INV_EV" | wc -l; }

# inv_wait_txn TXN N [TIMEOUT_S]: until N messages carry TXN.
inv_wait_txn() {
	INV_ARG1=$1 INV_ARG2=$2
	wait_until "${3:-15}" '(($(inv_n_txn "$INV_ARG1") >= INV_ARG2))'
}

# inv_processed: how many consumed records committed (the host's markers).
inv_processed() { sql "SELECT COUNT(*) FROM coffer_processed"; }

# inv_wait_processed N [TIMEOUT_S]: until N consumed records have committed
# (a command that ends without an event is done when its marker is there).
inv_wait_processed() {
	INV_ARG1=$1
	wait_until "${2:-15}" '(($(inv_processed) >= INV_ARG1))'
}

# inv_txn TXN: the messages of TXN, one summary line each, in file order:
# TOPIC TYPE then, for asset events, assetId templateId slot, then the body.
inv_txn() {
	jq -r --arg t "$1" 'select(.topic_var != "DEAD_LETTER_TOPIC" and .value.transactionId == $t) | .value as $v |
		[(.topic_var | sub("^EVENT_TOPIC_"; "") | sub("_STATUS$"; "")), $v.type]
		+ (if .topic_var == "EVENT_TOPIC_ASSET_STATUS" then [$v.assetId, $v.templateId, $v.slot] else [] end)
		+ [($v.body | tojson)] | map(tostring) | join(" ")' "$INV_EV"
}

# inv_all_txn TXN: the full messages of TXN (key, headers, value), compact.
inv_all_txn() { jq -c --arg t "$1" 'select(.topic_var != "DEAD_LETTER_TOPIC" and .value.transactionId == $t)' "$INV_EV"; }

# inv_check_meta DESC TXN TENANT CHAR COMPARTMENT_ID: every message of TXN has key CHAR,
# the tenant headers (GMS 83.1) and EVENT_ID, characterId CHAR and that compartment id.
inv_check_meta() {
	local got
	got=$(jq -c --arg t "$2" 'select(.topic_var != "DEAD_LETTER_TOPIC" and .value.transactionId == $t) |
		[.key, .headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION,
		 (.headers.EVENT_ID | test("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")),
		 .value.characterId, .value.compartmentId]' "$INV_EV" | sort -u)
	check_eq "$1: key, tenant headers, EVENT_ID, characterId, compartmentId" "$got" \
		"[$4,\"$3\",\"$INV_REGION\",83,1,true,$4,\"$5\"]"
}

# inv_comp TENANT CHAR TYPE: the compartment's id.
inv_comp() {
	sql "SELECT id FROM compartments WHERE tenant_id = '$1' AND character_id = $2 AND inventory_type = $3"
}

# inv_slots TENANT CHAR TYPE: "slot:templateId:quantity" of each asset, ascending slot, space-separated.
inv_slots() {
	sql "SELECT CONCAT(a.slot, ':', a.template_id, ':', a.quantity) FROM assets a
		JOIN compartments c ON c.tenant_id = a.tenant_id AND c.id = a.compartment_id
		WHERE c.tenant_id = '$1' AND c.character_id = $2 AND c.inventory_type = $3 ORDER BY a.slot" |
		paste -sd' '
}

# inv_asset TENANT CHAR TYPE SLOT: the id of the asset in that slot.
inv_asset() {
	sql "SELECT a.id FROM assets a JOIN compartments c ON c.tenant_id = a.tenant_id AND c.id = a.compartment_id
		WHERE c.tenant_id = '$1' AND c.character_id = $2 AND c.inventory_type = $3 AND a.slot = $4"
}

# inv_n_committed TXN: how many events with transactionId TXN have committed
# (outbox rows; lib.sh outbox_logged_txn). Once the command's marker is there,
# this is final: use it for "emitted nothing" instead of waiting a while.
inv_n_committed() { outbox_logged_txn "$1"; }

# inv_caught_up [TIMEOUT_S]: until the outbox is published and the watcher has
# read every committed row of its topics (so $INV_EV is complete for now).
inv_caught_up() {
	wait_outbox_empty "${1:-15}" || return 1
	INV_ARG1=$(outbox_logged "topic IN ('EVENT_TOPIC_ASSET_STATUS', 'EVENT_TOPIC_COMPARTMENT_STATUS',
		'EVENT_TOPIC_INVENTORY_STATUS', 'COMMAND_TOPIC_DROP', '$(dead_letter_topic)')")
	wait_until "${1:-15}" '(($(inv_count_ev) >= INV_ARG1))'
}

# inv_count_ev [JQ_FILTER]: messages in $INV_EV (matching the filter).
inv_count_ev() { jq -c "select(${1:-true})" "$INV_EV" | wc -l; }

# inv_dead: how many dead letters the watcher has read so far (dead_letters:
# how many have committed).
inv_dead() { inv_count_ev '.topic_var == "DEAD_LETTER_TOPIC"'; }
