-- SPDX-License-Identifier: MIT
-- The host's own tables: outbox, processed-markers, tenant features.

-- Events waiting to be published, in id order. Deleted once the broker acknowledged them.
CREATE TABLE coffer_outbox (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  event_id    CHAR(36)        NOT NULL,
  tenant_id   CHAR(36)        NOT NULL,   -- '' for dead-letter copies of messages without a tenant
  topic       VARCHAR(249)    NOT NULL,   -- real topic name
  msg_key     BLOB            NULL,
  headers     MEDIUMBLOB      NOT NULL,   -- encoded by host/outbox.c
  payload     MEDIUMBLOB      NOT NULL,
  created_at  DATETIME(6)     NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;

-- One row per consumed Kafka record whose effects committed.
CREATE TABLE coffer_processed (
  cluster_id   VARCHAR(64)  NOT NULL,
  topic        VARCHAR(249) NOT NULL,
  kpartition   INT          NOT NULL,
  koffset      BIGINT       NOT NULL,
  tenant_id    CHAR(36)     NOT NULL,
  processed_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (cluster_id, topic, kpartition, koffset),
  KEY ix_coffer_processed_age (processed_at)
) ENGINE=InnoDB;

-- One row per consumed message carrying an EVENT_ID header.
CREATE TABLE coffer_event_seen (
  tenant_id  CHAR(36)    NOT NULL,
  event_id   CHAR(36)    NOT NULL,
  seen_at    DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, event_id),
  KEY ix_coffer_event_seen_age (seen_at)
) ENGINE=InnoDB;

-- Per-tenant feature switches; a tenant without a row gets the configured default.
CREATE TABLE coffer_tenant_features (
  tenant_id   CHAR(36)    NOT NULL,
  plugin      VARCHAR(64) NOT NULL,
  enabled     TINYINT(1)  NOT NULL,
  updated_at  DATETIME(6) NOT NULL,
  PRIMARY KEY (tenant_id, plugin)
) ENGINE=InnoDB;
