#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A reservation left to expire, through Kafka (docs/kafka-contract.md#reservations,
# #reservation-expiry, OP-8, example A.5). The lifetime is fixed at 30 s (the
# reservation plugin has no setting for it), so this test waits about 31 s;
# the sweep runs every 200 ms (reservation.sweep_interval_ms).
# USE slot 1 = 2000000 x5. T reserves 2: expires_at = request + 30 s. While it
# is active another transaction cannot reserve 4 (3 available) and a MOVE of
# another 2000000 stack onto it swaps. Once it has expired: the sweep deletes
# the row (no event, not before the due time), CONSUME and CANCEL_RESERVATION
# of T do nothing (no event, quantity kept), the whole 5 can be reserved by
# another transaction, and a MOVE onto the stack merges again.
. "$(dirname "$0")/inventory_lib.sh"
inv_setup --set reservation.sweep_interval_ms=200
T0=$(uuid)
C=1001
inv_character "$T0" $C
check "inventory created" wait_until 15 '(($(inv_count_ev) >= 6))'
X1=$(uuid) X2=$(uuid)
inv_cmd "$T0" $C 2 CREATE_ASSET '{"templateId":2000000,"quantity":5}' "$X1"
inv_cmd "$T0" $C 2 CREATE_ASSET '{"templateId":2000000,"quantity":1}' "$X2"
check "two CREATED" inv_wait_txn "$X2" 1
A1=$(inv_asset "$T0" $C 2 1)
A2=$(inv_asset "$T0" $C 2 2)
utc() { sql "SET time_zone = '+00:00'; $1"; }

T=$(uuid)
t_req=$(date +%s.%N)
inv_cmd "$T0" $C 2 REQUEST_RESERVE '{"items":[{"source":1,"itemId":2000000,"quantity":2}]}' "$T"
check "RESERVED" inv_wait_txn "$T" 1
check_eq "RESERVED {T, 2000000, slot 1, 2}" "$(inv_txn "$T")" \
	"COMPARTMENT RESERVED {\"transactionId\":\"$T\",\"itemId\":2000000,\"slot\":1,\"quantity\":2}"
DUE=$(utc "SELECT UNIX_TIMESTAMP(expires_at) FROM reservations WHERE transaction_id = '$T'")
check "expires_at is 30 s after the request (request $t_req, due $DUE)" \
	awk -v a="$t_req" -v b="$DUE" 'BEGIN { d = b - a; exit !(d > 29.5 && d < 33) }'

say "while active"
U1=$(uuid) M1=$(uuid)
inv_cmd "$T0" $C 2 REQUEST_RESERVE '{"items":[{"source":1,"itemId":2000000,"quantity":4}]}' "$U1"
inv_cmd "$T0" $C 2 MOVE '{"source":2,"destination":1}' "$M1"
check "MOVE done" inv_wait_txn "$M1" 1
check_eq "4 of 5 cannot be reserved by another transaction (handled before the MOVE)" "$(inv_n_committed "$U1")" 0
check_eq "MOVE onto the reserved stack swaps" "$(inv_txn "$M1")" "ASSET MOVED $A2 2000000 1 {\"oldSlot\":2}"
check_eq "SQL: swapped" "$(inv_slots "$T0" $C 2)" "1:2000000:1 2:2000000:5"

say "waiting for the due time ($DUE)"
# The row and the clock are read in one query: a loaded machine may run the
# read late, but a read before the due time must still find the row.
row_and_early() { sql "SELECT COUNT(*), UNIX_TIMESTAMP(NOW(6)) < $DUE FROM reservations WHERE transaction_id = '$T'"; }
wait_until 32 '[[ $(sql "SELECT COUNT(*) = 0 OR UNIX_TIMESTAMP(NOW(6)) >= $DUE - 3 FROM reservations
	WHERE transaction_id = '"'$T'"'") == 1 ]]'
r=$(row_and_early)
check "the row is still there while it is not due (rows, before due: ${r//$'\t'/ })" test "$r" != "$(printf '0\t1')"
check "the sweep deletes it once due" \
	wait_until 8 '[[ $(sql "SELECT COUNT(*) FROM reservations WHERE transaction_id = '"'$T'"'") == 0 ]]'
t_gone=$(date +%s.%N)
check "not before the due time (gone at $t_gone)" awk -v a="$t_gone" -v b="$DUE" 'BEGIN { exit !(a >= b) }'
check_eq "no event from the sweep" "$(inv_n_committed "$T")" 1

say "after expiry"
P0=$(inv_processed)
inv_cmd "$T0" $C 2 CONSUME '{"slot":2}' "$T"
inv_cmd "$T0" $C 2 CANCEL_RESERVATION '{"slot":2}' "$T"
check "processed" inv_wait_processed $((P0 + 2))
check_eq "CONSUME and CANCEL_RESERVATION of the expired T: no event" "$(inv_n_committed "$T")" 1
check_eq "SQL: the stack keeps 5" "$(inv_slots "$T0" $C 2)" "1:2000000:1 2:2000000:5"
U2=$(uuid)
inv_cmd "$T0" $C 2 REQUEST_RESERVE '{"items":[{"source":2,"itemId":2000000,"quantity":5}]}' "$U2"
check "another transaction reserves all 5" inv_wait_txn "$U2" 1
check_eq "RESERVED 5" "$(inv_txn "$U2")" \
	"COMPARTMENT RESERVED {\"transactionId\":\"$U2\",\"itemId\":2000000,\"slot\":2,\"quantity\":5}"
M2=$(uuid)
inv_cmd "$T0" $C 2 CANCEL_RESERVATION '{"slot":2}' "$U2"
check "its cancel" inv_wait_txn "$U2" 2
check_eq "RESERVATION_CANCELLED {itemId, slot, quantity}" "$(inv_txn "$U2" | tail -n1)" \
	"COMPARTMENT RESERVATION_CANCELLED {\"itemId\":2000000,\"slot\":2,\"quantity\":5}"
inv_cmd "$T0" $C 2 MOVE '{"source":1,"destination":2}' "$M2"
check "MOVE done" inv_wait_txn "$M2" 2
check_eq "with nothing reserved, MOVE merges: QUANTITY_CHANGED(6), DELETED" "$(inv_txn "$M2")" \
	"ASSET QUANTITY_CHANGED $A1 2000000 2 {\"quantity\":6}
ASSET DELETED $A2 2000000 1 {}"
check_eq "SQL: one stack of 6" "$(inv_slots "$T0" $C 2)" "2:2000000:6"
check_eq "no dead letter" "$(dead_letters)" 0
it_finish
