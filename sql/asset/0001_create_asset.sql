-- SPDX-License-Identifier: MIT
-- Tables of the asset plugin (docs/kafka-contract.md#inventory-tables): compartments, assets, item_templates,
-- cash_items. compartment, reservation and drop require asset, so these run before theirs and
-- their foreign keys (reservations.asset_id) find the assets table.

-- One per (tenant, character, inventory type); the row is the lock for its contents (kafka-contract.md#locking).
CREATE TABLE compartments (
  tenant_id      CHAR(36)         NOT NULL,
  id             CHAR(36)         NOT NULL,             -- UUID v4, lowercase text
  character_id   INT UNSIGNED     NOT NULL,
  inventory_type TINYINT UNSIGNED NOT NULL,             -- 1..5
  capacity       INT UNSIGNED     NOT NULL,             -- 24 .. 96
  PRIMARY KEY (tenant_id, id),
  UNIQUE KEY uq_compartments_owner (tenant_id, character_id, inventory_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Every asset kind in one flattened row (kafka-contract.md#inventory-tables).
CREATE TABLE assets (
  id              INT UNSIGNED      NOT NULL AUTO_INCREMENT,  -- assetId on the wire
  tenant_id       CHAR(36)          NOT NULL,
  compartment_id  CHAR(36)          NOT NULL,
  slot            SMALLINT          NOT NULL,
  template_id     INT UNSIGNED      NOT NULL,
  kind            VARCHAR(16)       NOT NULL, -- referenceType: equipable, cash-equipable, consumable, setup, etc, cash, pet
  reference_id    INT UNSIGNED      NOT NULL, -- rules in 5.4
  expiration      DATETIME(6)       NULL,     -- UTC; NULL = none ("0001-01-01T00:00:00Z" on the wire)
  quantity        INT UNSIGNED      NOT NULL DEFAULT 1,  -- meaningful for stackable kinds only
  owner_id        INT UNSIGNED      NOT NULL DEFAULT 0,
  flag            SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  rechargeable    BIGINT UNSIGNED   NOT NULL DEFAULT 0,
  cash_id         BIGINT            NOT NULL DEFAULT 0,
  purchased_by    INT UNSIGNED      NOT NULL DEFAULT 0,
  -- equipment (equipable, cash-equipable)
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
  upgrade_slots   SMALLINT UNSIGNED NOT NULL DEFAULT 0,  -- "slots" on the wire
  owner_name      VARCHAR(32)       NOT NULL DEFAULT '',
  locked          TINYINT(1)        NOT NULL DEFAULT 0,
  spikes          TINYINT(1)        NOT NULL DEFAULT 0,
  karma_used      TINYINT(1)        NOT NULL DEFAULT 0,
  cold            TINYINT(1)        NOT NULL DEFAULT 0,
  can_be_traded   TINYINT(1)        NOT NULL DEFAULT 0,
  level_type      TINYINT UNSIGNED  NOT NULL DEFAULT 0,
  level           TINYINT UNSIGNED  NOT NULL DEFAULT 0,
  experience      INT UNSIGNED      NOT NULL DEFAULT 0,
  hammers_applied INT UNSIGNED      NOT NULL DEFAULT 0,
  -- pet
  pet_name        VARCHAR(32)       NOT NULL DEFAULT '',
  pet_level       TINYINT UNSIGNED  NOT NULL DEFAULT 0,
  pet_closeness   SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  pet_fullness    TINYINT UNSIGNED  NOT NULL DEFAULT 0,
  pet_slot        TINYINT           NOT NULL DEFAULT -1,
  created_at      DATETIME(6)       NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_assets_slot (tenant_id, compartment_id, slot),
  KEY ix_assets_reference (tenant_id, kind, reference_id),
  CONSTRAINT fk_assets_compartment FOREIGN KEY (tenant_id, compartment_id)
    REFERENCES compartments (tenant_id, id)   -- no cascade: deletions are explicit so they emit events
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Item templates per tenant, loaded by an importer (6.2; contrib/templates/ for the format).
CREATE TABLE item_templates (
  tenant_id       CHAR(36)          NOT NULL,
  template_id     INT UNSIGNED      NOT NULL,
  slot_max        INT UNSIGNED      NOT NULL DEFAULT 0,   -- 0 = not given (100 for types 2..4)
  rechargeable    TINYINT(1)        NOT NULL DEFAULT 0,
  is_cash         TINYINT(1)        NOT NULL DEFAULT 0,
  equip_slot_code VARCHAR(8)        NULL,                 -- raw islot
  equip_slot_name VARCHAR(16)       NULL,                 -- HAT, OVERALL, RING, ... (kafka-contract.md#equip-positions)
  equip_slots     VARCHAR(64)       NULL,                 -- "-12,-13,-15,-16", first = default
  inc_str         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_dex         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_int         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_luk         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_hp          SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_mp          SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_pad         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_mad         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_pdd         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_mdd         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_acc         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_eva         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_hands       SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_speed       SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  inc_jump        SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  upgrade_slots   SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  name            VARCHAR(64)       NULL,
  PRIMARY KEY (tenant_id, template_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Cash-shop items ACCEPT moves in, read until a cash-shop plugin provides "cashitem" (kafka-contract.md#accept).
CREATE TABLE cash_items (
  tenant_id    CHAR(36)          NOT NULL,
  id           INT UNSIGNED      NOT NULL,
  template_id  INT UNSIGNED      NOT NULL,
  cash_id      BIGINT            NOT NULL DEFAULT 0,
  quantity     INT UNSIGNED      NOT NULL DEFAULT 1,
  flag         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  purchased_by INT UNSIGNED      NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
