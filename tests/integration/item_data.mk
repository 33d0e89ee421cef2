# SPDX-License-Identifier: MIT
# Item templates from the game-data service (docs/item-data.md): a fake service
# (fake_data_service.py) on a loopback port, the plugins and cofferctl's importer.
item_data_it_tests = tests/integration/item_data.sh tests/integration/item_data_import.sh
TESTS += $(item_data_it_tests)
EXTRA_DIST += $(item_data_it_tests) tests/integration/fake_data_service.py
EXTRA_DIST += docs/item-data.md
