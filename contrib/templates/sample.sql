-- SPDX-License-Identifier: MIT
-- contrib/templates/sample.sql: a small item-template set for one tenant (docs/kafka-contract.md#item-templates).
--
-- The tenant is the session variable @tenant. Either set it in front of this file:
--   { echo "SET @tenant = '11111111-1111-4111-8111-111111111111';"; cat contrib/templates/sample.sql; } |
--     mariadb -h 127.0.0.1 -P PORT -u coffer -pcoffer coffer
-- or edit the default below. Re-loading is safe: rows are upserted (ON DUPLICATE KEY UPDATE).
-- Columns left out take their defaults (0 / NULL), which are the contract's defaults too.
SET @tenant = LOWER(IFNULL(@tenant, '11111111-1111-4111-8111-111111111111'));

-- Equipment: islot code and name, worn positions (first = default), base stats, scroll slots.
INSERT INTO item_templates (tenant_id, template_id, slot_max, rechargeable, is_cash,
  equip_slot_code, equip_slot_name, equip_slots, inc_str, inc_dex, inc_int, inc_luk, inc_hp, inc_mp,
  inc_pad, inc_mad, inc_pdd, inc_mdd, inc_acc, inc_eva, inc_hands, inc_speed, inc_jump,
  upgrade_slots, name)
VALUES
  (@tenant, 1040002, 0, 0, 0, 'Ma',   'TOP',     '-5',  0, 0, 0, 0, 0, 0,  0, 0, 3, 0, 0, 0, 0, 0, 0, 7, 'White Undershirt'),
  (@tenant, 1050000, 0, 0, 0, 'MaPn', 'OVERALL', '-5',  0, 0, 0, 0, 0, 0,  0, 0, 5, 0, 0, 0, 0, 0, 0, 10, 'Blue Overall'),
  (@tenant, 1060002, 0, 0, 0, 'Pn',   'PANTS',   '-6',  0, 0, 0, 0, 0, 0,  0, 0, 2, 0, 0, 0, 0, 0, 0, 7, 'Blue Jean Shorts'),
  (@tenant, 1302000, 0, 0, 0, 'Wp',   'WEAPON',  '-11', 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0, 0, 7, 'Sword'),
  (@tenant, 1112000, 0, 0, 0, 'Ri',   'RING',    '-12,-13,-15,-16', 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'Sparkling Ring'),
  (@tenant, 1002140, 0, 0, 1, 'Cp',   'HAT',     '-1',  0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'Wizet Invincible Hat')
ON DUPLICATE KEY UPDATE slot_max = VALUES(slot_max), rechargeable = VALUES(rechargeable),
  is_cash = VALUES(is_cash), equip_slot_code = VALUES(equip_slot_code),
  equip_slot_name = VALUES(equip_slot_name), equip_slots = VALUES(equip_slots),
  inc_str = VALUES(inc_str), inc_dex = VALUES(inc_dex), inc_int = VALUES(inc_int),
  inc_luk = VALUES(inc_luk), inc_hp = VALUES(inc_hp), inc_mp = VALUES(inc_mp),
  inc_pad = VALUES(inc_pad), inc_mad = VALUES(inc_mad), inc_pdd = VALUES(inc_pdd),
  inc_mdd = VALUES(inc_mdd), inc_acc = VALUES(inc_acc), inc_eva = VALUES(inc_eva),
  inc_hands = VALUES(inc_hands), inc_speed = VALUES(inc_speed), inc_jump = VALUES(inc_jump),
  upgrade_slots = VALUES(upgrade_slots), name = VALUES(name);

-- Stackables and cash items: slot max (0 = default 100; types 1 and 5 always stack to 1),
-- the rechargeable family flag (throwing stars, bullets), display name (a pet's default name).
INSERT INTO item_templates (tenant_id, template_id, slot_max, rechargeable, is_cash, name)
VALUES
  (@tenant, 2000000, 100, 0, 0, 'Red Potion'),
  (@tenant, 2000001, 100, 0, 0, 'Orange Potion'),
  (@tenant, 2070000, 800, 1, 0, 'Subi Throwing-Stars'),
  (@tenant, 3010000,   1, 0, 0, 'The Relaxer'),
  (@tenant, 4000000, 100, 0, 0, 'Blue Snail Shell'),
  (@tenant, 4000001, 100, 0, 0, 'Orange Mushroom Cap'),
  (@tenant, 5000000,   0, 0, 1, 'Brown Kitty'),
  (@tenant, 5040000,   0, 0, 1, 'The Teleport Rock')
ON DUPLICATE KEY UPDATE slot_max = VALUES(slot_max), rechargeable = VALUES(rechargeable),
  is_cash = VALUES(is_cash), name = VALUES(name);
