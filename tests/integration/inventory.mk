# Inventory integration tests (compartment, asset, reservation through Kafka).
