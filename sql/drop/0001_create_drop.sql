-- SPDX-License-Identifier: MIT
-- sql/drop/0001_create_drop.sql: the drop plugin's tables, exactly as kafka-contract.md#drop-tables.
-- All timestamps are UTC values bound by the plugin from the host clock (never NOW());
-- DATETIME(6) keeps microseconds.

CREATE TABLE drop_drops (
  tenant_id       CHAR(36) CHARACTER SET ascii NOT NULL,   -- lowercase canonical UUID
  id              INT UNSIGNED      NOT NULL,               -- 1000000001..2000000000
  tenant_region   VARCHAR(32)       NOT NULL,
  tenant_major    SMALLINT UNSIGNED NOT NULL,
  tenant_minor    SMALLINT UNSIGNED NOT NULL,
  transaction_id  CHAR(36) CHARACTER SET ascii NOT NULL,
  world_id        TINYINT UNSIGNED  NOT NULL,
  channel_id      TINYINT UNSIGNED  NOT NULL,
  map_id          INT UNSIGNED      NOT NULL,
  item_id         INT UNSIGNED      NOT NULL,
  equipment_id    INT UNSIGNED      NOT NULL,
  quantity        INT UNSIGNED      NOT NULL,
  meso            INT UNSIGNED      NOT NULL,
  drop_type       TINYINT UNSIGNED  NOT NULL,
  x               SMALLINT          NOT NULL,
  y               SMALLINT          NOT NULL,
  owner_id        INT UNSIGNED      NOT NULL,
  owner_party_id  INT UNSIGNED      NOT NULL,
  drop_time       DATETIME(6)       NOT NULL,
  dropper_id      INT UNSIGNED      NOT NULL,
  dropper_x       SMALLINT          NOT NULL,
  dropper_y       SMALLINT          NOT NULL,
  player_drop     TINYINT(1)        NOT NULL,
  status          ENUM('AVAILABLE','RESERVED') NOT NULL,
  reserved_by     INT UNSIGNED      NOT NULL DEFAULT 0,
  reserved_at     DATETIME(6)       NULL,
  pet_slot        TINYINT           NOT NULL DEFAULT -1,
  strength        SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  dexterity       SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  intelligence    SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  luck            SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  hp              SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  mp              SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  weapon_attack   SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  magic_attack    SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  weapon_defense  SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  magic_defense   SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  accuracy        SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  avoidability    SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  hands           SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  speed           SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  jump            SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  slots           SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id),
  KEY ix_drop_map (tenant_id, world_id, channel_id, map_id),
  KEY ix_drop_due (drop_time)
) ENGINE=InnoDB;

CREATE TABLE drop_id_sequence (
  tenant_id  CHAR(36) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  last_id    INT UNSIGNED NOT NULL                 -- first use inserts 1000000000
) ENGINE=InnoDB;

-- Pick-up markers of the inventory side (kafka-contract.md#pick-up-on-drop-reserved step 1, kafka-contract.md#pick-up-on-drop-reserved): one row per
-- drop whose RESERVED was credited. Removed when the id is allocated again (kafka-contract.md#drop-ids) or after
-- pickup_marker_retention_ms (kafka-contract.md#drop-expiry).
CREATE TABLE drop_pickups (
  tenant_id      CHAR(36) CHARACTER SET ascii NOT NULL,
  drop_id        INT UNSIGNED     NOT NULL,
  transaction_id CHAR(36) CHARACTER SET ascii NOT NULL,  -- T of the pick-up
  character_id   INT UNSIGNED     NOT NULL,
  picked_at      DATETIME(6)      NOT NULL,               -- Now of the pick-up
  PRIMARY KEY (tenant_id, drop_id),
  KEY ix_drop_pickups_age (picked_at)
) ENGINE=InnoDB;
