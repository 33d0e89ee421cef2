-- SPDX-License-Identifier: MIT
-- Outbox rows the embedded Kafka acknowledged, kept for a retention window
-- (host/outbox.c, docs/embedded-kafka.md "The embedded Kafka's own death"). The
-- embedded cluster lives in a cofferd's memory and dies with it: a row delivered
-- to an instance that is gone is published again, with the same id, EVENT_ID,
-- key and headers, to the instance that replaced it. A real cluster never writes
-- here: its rows are deleted once acknowledged.
CREATE TABLE coffer_outbox_delivered (
  id           BIGINT UNSIGNED NOT NULL,   -- the coffer_outbox id: publication order
  event_id     CHAR(36)        NOT NULL,
  tenant_id    CHAR(36)        NOT NULL,
  topic        VARCHAR(249)    NOT NULL,
  msg_key      BLOB            NULL,
  headers      MEDIUMBLOB      NOT NULL,
  payload      MEDIUMBLOB      NOT NULL,
  created_at   DATETIME(6)     NOT NULL,
  cluster_id   VARCHAR(64)     NOT NULL,   -- the embedded cluster instance that acknowledged it
  delivered_at DATETIME(6)     NOT NULL,
  PRIMARY KEY (id),
  KEY ix_coffer_outbox_delivered_cluster (cluster_id, id),
  KEY ix_coffer_outbox_delivered_age (cluster_id, delivered_at)
) ENGINE=InnoDB;
