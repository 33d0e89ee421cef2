# SPDX-License-Identifier: MIT
# REST API integration tests (docs/rest.md): curl against cofferd's HTTP server with the real
# asset, compartment, reservation and drop plugins on the embedded Kafka and the devdb.
# rest_lib.sh holds their shared helpers.
rest_it_tests = \
	tests/integration/rest_inventory.sh \
	tests/integration/rest_compartment.sh \
	tests/integration/rest_drops.sh \
	tests/integration/rest_race.sh
TESTS += $(rest_it_tests)
EXTRA_DIST += $(rest_it_tests) tests/integration/rest_lib.sh
