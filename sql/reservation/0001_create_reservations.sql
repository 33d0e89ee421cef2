-- SPDX-License-Identifier: MIT
-- sql/reservation/0001_create_reservations.sql: the reservation plugin's one table, exactly as
-- docs/kafka-contract.md#inventory-tables. reservation requires asset, so asset's migrations have run and the
-- foreign key finds `assets`; ON DELETE CASCADE makes a reservation go with its asset (kafka-contract.md#reservations, OP-9).
-- expires_at is bound from the host clock (never NOW()); "active" means expires_at > Now.

CREATE TABLE reservations (
  tenant_id      CHAR(36)         NOT NULL,
  asset_id       INT UNSIGNED     NOT NULL,
  transaction_id CHAR(36)         NOT NULL,
  character_id   INT UNSIGNED     NOT NULL,
  inventory_type TINYINT UNSIGNED NOT NULL,
  item_id        INT UNSIGNED     NOT NULL,
  quantity       INT UNSIGNED     NOT NULL,
  expires_at     DATETIME(6)      NOT NULL,    -- UTC
  PRIMARY KEY (tenant_id, asset_id, transaction_id),
  KEY ix_reservations_due (expires_at),
  CONSTRAINT fk_reservations_asset FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
