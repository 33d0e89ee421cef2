#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# REQUEST_RESERVE then CONSUME through Kafka (docs/kafka-contract.md#request_reserve, #consume,
# merge rule 4, example A.5). USE: 4 = 2000000 x5, 5 = 2000000 x20, 6 = 2000001 x10.
# REQUEST_RESERVE T [{4, 2000000, 5}, {6, 2000001, 3}]: RESERVED per item in
# list order (compartment topic, body {transactionId, itemId, slot, quantity}),
# two rows expiring 30 s later. A MOVE of 5 onto the reserved stack in 4 swaps
# instead of merging. CONSUME {T, 5} deletes the moved stack (DELETED), CONSUME
# {T, 6} leaves 7 (QUANTITY_CHANGED). Failures, no event and no change: a
# request beyond the available quantity (all or nothing: its valid first item
# is not reserved either), CONSUME by another transaction, CONSUME twice. The
# effective transaction id is the body's when the envelope's is nil.
. "$(dirname "$0")/inventory_lib.sh"
inv_setup
T0=$(uuid)
C=1001
inv_templates "$T0"
inv_character "$T0" $C
check "inventory created" wait_until 15 '(($(inv_count_ev) >= 6))'
USE=$(inv_comp "$T0" $C 2)

n=0
for tq in 2000001:1 2000001:1 2000001:1 2000000:5 2000000:20 2000001:10; do
	n=$((n + 1))
	X[$n]=$(uuid)
	inv_cmd "$T0" $C 2 CREATE_ASSET "{\"templateId\":${tq%:*},\"quantity\":${tq#*:}}" "${X[$n]}"
done
check "six CREATED" inv_wait_txn "${X[6]}" 1
for s in 4 5 6; do A[$s]=$(inv_asset "$T0" $C 2 $s); done

say "REQUEST_RESERVE"
T=$(uuid)
t0=$(date +%s)
inv_cmd "$T0" $C 2 REQUEST_RESERVE "{\"transactionId\":\"$T\",\"items\":[{\"source\":4,\"itemId\":2000000,\"quantity\":5},{\"source\":6,\"itemId\":2000001,\"quantity\":3}]}" "$T"
check "two RESERVED" inv_wait_txn "$T" 2
check_eq "RESERVED per item, in list order, exact values" "$(inv_all_txn "$T" | jq -c .value)" \
	"{\"transactionId\":\"$T\",\"characterId\":$C,\"compartmentId\":\"$USE\",\"type\":\"RESERVED\",\"body\":{\"transactionId\":\"$T\",\"itemId\":2000000,\"slot\":4,\"quantity\":5}}
{\"transactionId\":\"$T\",\"characterId\":$C,\"compartmentId\":\"$USE\",\"type\":\"RESERVED\",\"body\":{\"transactionId\":\"$T\",\"itemId\":2000001,\"slot\":6,\"quantity\":3}}"
check_eq "on the compartment topic" "$(inv_all_txn "$T" | jq -r .topic_var | sort -u)" EVENT_TOPIC_COMPARTMENT_STATUS
inv_check_meta "RESERVED" "$T" "$T0" $C "$USE"
check_eq "SQL: two reservation rows (asset, item, quantity)" \
	"$(sql "SELECT GROUP_CONCAT(asset_id, ':', item_id, ':', quantity, ':', character_id, ':', inventory_type ORDER BY asset_id)
		FROM reservations WHERE tenant_id = '$T0' AND transaction_id = '$T'")" \
	"${A[4]}:2000000:5:$C:2,${A[6]}:2000001:3:$C:2"
ttl=$(sql "SELECT MIN(UNIX_TIMESTAMP(expires_at)) - $t0, MAX(UNIX_TIMESTAMP(expires_at)) - $t0 FROM reservations WHERE transaction_id = '$T'")
check "SQL: they expire about 30 s after the request (got $ttl)" awk -v r="$ttl" 'BEGIN { split(r, a, "\t"); exit !(a[1] >= 28 && a[2] <= 33) }'

say "failures: over-reservation (all or nothing)"
P0=$(inv_processed)
U=$(uuid)
inv_cmd "$T0" $C 2 REQUEST_RESERVE "{\"transactionId\":\"$U\",\"items\":[{\"source\":5,\"itemId\":2000000,\"quantity\":1},{\"source\":6,\"itemId\":2000001,\"quantity\":8}]}" "$U"
check "processed" inv_wait_processed $((P0 + 1))
check_eq "no RESERVED (6 has 10 - 3 = 7 available)" "$(inv_n_committed "$U")" 0
check_eq "SQL: no row for it, not even for slot 5" "$(sql "SELECT COUNT(*) FROM reservations WHERE transaction_id = '$U'")" 0

say "MOVE 5 onto the reserved stack 4: a swap, not a merge"
M=$(uuid)
inv_cmd "$T0" $C 2 MOVE '{"source":5,"destination":4}' "$M"
check "one event" inv_wait_txn "$M" 1
check_eq "MOVED(5 -> 4) only" "$(inv_txn "$M")" "ASSET MOVED ${A[5]} 2000000 4 {\"oldSlot\":5}"
check_eq "SQL: swapped, quantities untouched" "$(inv_slots "$T0" $C 2 | cut -d' ' -f4-)" "4:2000000:20 5:2000000:5 6:2000001:10"

say "CONSUME"
K1=$(uuid) K2=$(uuid)
# CONSUME by another transaction: nothing (OP-11)
inv_cmd "$T0" $C 2 CONSUME "{\"transactionId\":\"$K1\",\"slot\":6}" "$K1"
# the reservation followed its asset to slot 5: the envelope's id is nil, the body's counts
inv_cmd "$T0" $C 2 CONSUME "{\"transactionId\":\"$T\",\"slot\":5}" "$NIL_UUID"
inv_cmd "$T0" $C 2 CONSUME "{\"transactionId\":\"$T\",\"slot\":6}" "$T"
check "two more events for T" inv_wait_txn "$T" 4
check_eq "DELETED(stack of 5, slot 5), QUANTITY_CHANGED(slot 6, 7)" "$(inv_txn "$T" | grep '^ASSET')" \
	"ASSET DELETED ${A[4]} 2000000 5 {}
ASSET QUANTITY_CHANGED ${A[6]} 2000001 6 {\"quantity\":7}"
inv_check_meta "CONSUME" "$T" "$T0" $C "$USE"
check_eq "no event for the other transaction's CONSUME (handled before T's)" "$(inv_n_committed "$K1")" 0
check_eq "SQL after CONSUME" "$(inv_slots "$T0" $C 2 | cut -d' ' -f4-)" "4:2000000:20 6:2000001:7"
check_eq "SQL: no reservation left" "$(sql "SELECT COUNT(*) FROM reservations WHERE tenant_id = '$T0'")" 0

say "CONSUME again: nothing"
P0=$(inv_processed)
inv_cmd "$T0" $C 2 CONSUME "{\"transactionId\":\"$T\",\"slot\":6}" "$T"
check "processed" inv_wait_processed $((P0 + 1))
check_eq "no new event" "$(inv_n_committed "$T")" 4
check_eq "SQL unchanged" "$(inv_slots "$T0" $C 2 | cut -d' ' -f4-)" "4:2000000:20 6:2000001:7"
check_eq "no dead letter" "$(dead_letters)" 0
it_finish
