# SPDX-License-Identifier: MIT
# Inventory integration tests (compartment, asset, reservation through Kafka).
# Each script starts cofferd with the real plugins of the build tree (lib.sh
# inv_start); inventory_lib.sh holds their shared helpers.
inventory_it_tests = \
	tests/integration/inventory_a.sh \
	tests/integration/inventory_b.sh \
	tests/integration/inventory_c.sh \
	tests/integration/inventory_d.sh \
	tests/integration/inventory_e.sh \
	tests/integration/inventory_f.sh \
	tests/integration/inventory_g.sh \
	tests/integration/inventory_h.sh
TESTS += $(inventory_it_tests)
EXTRA_DIST += $(inventory_it_tests) tests/integration/inventory_lib.sh
# Crashes (SIGKILL of the worker cofferd) during a burst: no item duplicated or lost.
TESTS += tests/integration/crash_recovery.sh
EXTRA_DIST += tests/integration/crash_recovery.sh
