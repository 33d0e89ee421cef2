# Drop integration tests (map drops and the drop <-> pick-up loop through Kafka).
