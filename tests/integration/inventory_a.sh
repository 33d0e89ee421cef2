#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Character CREATED through Kafka (docs/kafka-contract.md#character-created, #headers, #keys).
# One CREATED makes exactly five compartments (types 1..5, capacity 24) and six
# events, appended to the outbox in this order: compartment CREATED for types
# 1, 2, 3, 4, 5, then inventory CREATED. The five compartment events share one
# fresh transactionId (a lowercase UUID v4), carry the ids of the rows, key
# characterId and the tenant headers of the event; inventory CREATED is exactly
# {"characterId":1001,"type":"CREATED","body":{}}. A second CREATED changes
# nothing and emits nothing; CREATED with characterId 0 is dead-lettered.
# DELETED then removes the five compartments: compartment DELETED x5 (type
# order), inventory DELETED.
. "$(dirname "$0")/inventory_lib.sh"
it_init
# Hold the publisher's lock so that the events stay in the outbox, where their
# order across topics is visible (Kafka keeps order only within a partition).
sess_open lock
check_eq "another session holds the publisher's lock" "$(sess_do lock "SELECT GET_LOCK($OUTBOX_LOCK, 0)")" 1
inv_start a
inv_watch
T=$(uuid)
C=1001

inv_character "$T" $C
check "the CREATED is processed" inv_wait_processed 1
check_eq "the outbox holds six events in this order (topic, type, body.type)" \
	"$(sql "SELECT CONCAT(topic, ' ', JSON_VALUE(CONVERT(payload USING utf8mb4), '$.type'), ' ',
		IFNULL(JSON_VALUE(CONVERT(payload USING utf8mb4), '$.body.type'), '-'))
		FROM coffer_outbox ORDER BY id" | paste -sd,)" \
	"EVENT_TOPIC_COMPARTMENT_STATUS CREATED 1,EVENT_TOPIC_COMPARTMENT_STATUS CREATED 2,EVENT_TOPIC_COMPARTMENT_STATUS CREATED 3,EVENT_TOPIC_COMPARTMENT_STATUS CREATED 4,EVENT_TOPIC_COMPARTMENT_STATUS CREATED 5,EVENT_TOPIC_INVENTORY_STATUS CREATED -"
check_eq "lock released" "$(sess_do lock "SELECT RELEASE_LOCK($OUTBOX_LOCK)")" 1
sess_close lock

check "six events published" wait_until 15 '(($(inv_count_ev) >= 6))'
check_eq "exactly six rows committed (nothing else, no dead letter)" "$(outbox_logged)" 6
check "the watcher read all that committed" inv_caught_up
check_eq "exactly six messages" "$(inv_count_ev)" 6
check_eq "SQL: five compartments of capacity 24, types 1..5" \
	"$(sql "SELECT GROUP_CONCAT(inventory_type, ':', capacity ORDER BY inventory_type) FROM compartments
		WHERE tenant_id = '$T' AND character_id = $C")" "1:24,2:24,3:24,4:24,5:24"
check_eq "SQL: five distinct lowercase UUID ids" \
	"$(sql "SELECT COUNT(DISTINCT id) FROM compartments WHERE tenant_id = '$T' AND BINARY id = LOWER(id)
		AND id REGEXP '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\$'")" 5

TX=$(jq -r 'select(.topic_var == "EVENT_TOPIC_COMPARTMENT_STATUS") | .value.transactionId' "$INV_EV" | sort -u)
check_eq "one transactionId for the five compartment events" "$(wc -l <<<"$TX")" 1
check "it is a lowercase UUID v4 ($TX)" \
	grep -qE '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' <<<"$TX"
want=
for t in 1 2 3 4 5; do
	want+="{\"transactionId\":\"$TX\",\"characterId\":$C,\"compartmentId\":\"$(inv_comp "$T" $C $t)\",\"type\":\"CREATED\",\"body\":{\"type\":$t,\"capacity\":24}}"$'\n'
done
check_eq "compartment events, in offset order, exactly (values)" \
	"$(jq -c 'select(.topic_var == "EVENT_TOPIC_COMPARTMENT_STATUS") | .value' "$INV_EV")" "${want%$'\n'}"
check_eq "inventory CREATED exactly" \
	"$(jq -c 'select(.topic_var == "EVENT_TOPIC_INVENTORY_STATUS") | .value' "$INV_EV")" \
	"{\"characterId\":$C,\"type\":\"CREATED\",\"body\":{}}"
check_eq "all six: key 1001, headers TENANT_ID, REGION, MAJOR_VERSION, MINOR_VERSION, EVENT_ID" \
	"$(jq -c '[.key, (.headers | keys_unsorted), .headers.TENANT_ID, .headers.REGION, .headers.MAJOR_VERSION, .headers.MINOR_VERSION]' "$INV_EV" | sort -u)" \
	"[1001,[\"TENANT_ID\",\"REGION\",\"MAJOR_VERSION\",\"MINOR_VERSION\",\"EVENT_ID\"],\"$T\",\"GMS\",83,1]"
check_eq "six distinct EVENT_IDs" "$(jq -r '.headers.EVENT_ID' "$INV_EV" | sort -u | wc -l)" 6
check_eq "the compartment events sit in one partition, offsets 0..4" \
	"$(jq -c 'select(.topic_var == "EVENT_TOPIC_COMPARTMENT_STATUS") | .offset' "$INV_EV" | paste -sd,)" "0,1,2,3,4"

say "a second CREATED: nothing"
inv_character "$T" $C
check "processed" inv_wait_processed 2
check_eq "no new event committed" "$(outbox_logged)" 6
check_eq "still five compartments" "$(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '$T'")" 5

say "CREATED with characterId 0: dead-lettered"
inv_character "$T" 0
check "a dead letter" wait_until 10 '(($(inv_dead) == 1))'
check_eq "its reason is recorded" "$(jq -r 'select(.topic_var == "DEAD_LETTER_TOPIC") | .headers.DEAD_LETTER_REASON | length > 0' "$INV_EV")" true
check_eq "no compartment for character 0" "$(sql "SELECT COUNT(*) FROM compartments WHERE character_id = 0")" 0

say "DELETED: compartment DELETED x5, inventory DELETED"
declare -A CID
for t in 1 2 3 4 5; do CID[$t]=$(inv_comp "$T" $C $t); done
inv_character "$T" $C DELETED
check "six more events" wait_until 15 '(($(inv_count_ev) >= 13))'
check_eq "compartment DELETED, type order (by compartment id), one new transactionId" \
	"$(jq -r 'select(.topic_var == "EVENT_TOPIC_COMPARTMENT_STATUS" and .value.type == "DELETED") | "\(.value.compartmentId) \(.value.body)"' "$INV_EV" | paste -sd,)" \
	"${CID[1]} {},${CID[2]} {},${CID[3]} {},${CID[4]} {},${CID[5]} {}"
check_eq "inventory DELETED exactly" \
	"$(jq -c 'select(.topic_var == "EVENT_TOPIC_INVENTORY_STATUS" and .value.type == "DELETED") | .value' "$INV_EV")" \
	"{\"characterId\":$C,\"type\":\"DELETED\",\"body\":{}}"
check_eq "no compartment left" "$(sql "SELECT COUNT(*) FROM compartments WHERE tenant_id = '$T'")" 0
it_finish
