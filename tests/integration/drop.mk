# SPDX-License-Identifier: MIT
# Drop integration tests (map drops and the drop <-> pick-up loop through Kafka).
# Each script starts cofferd with the build tree's asset, compartment,
# reservation and drop plugins (lib.sh drop_start); helpers are lib.sh drop_*.
drop_integration_tests = \
	tests/integration/drop_race.sh \
	tests/integration/drop_expiry.sh \
	tests/integration/drop_restart.sh \
	tests/integration/drop_from_inventory.sh \
	tests/integration/drop_pickup.sh \
	tests/integration/drop_pickup_full.sh \
	tests/integration/drop_conservation.sh \
	tests/integration/drop_switch_completes.sh
TESTS += $(drop_integration_tests)
EXTRA_DIST += $(drop_integration_tests)
