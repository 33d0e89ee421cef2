-- SPDX-License-Identifier: MIT
-- Asset ids from a sequence, so that one INSERT gives a new asset both its id and, for the
-- kinds whose reference_id is their own id, that reference_id (plugins/asset/README.md,
-- "Statements per command"). Before this, the id came from AUTO_INCREMENT and a second
-- statement (UPDATE ... SET reference_id = id) followed every such INSERT: a BEFORE INSERT
-- trigger sees NEW.id = 0 for an AUTO_INCREMENT column, and a generated column cannot use it.
-- A row inserted with id 0 (every insert of the plugin) takes NEXTVAL(asset_ids); a row
-- inserted with reference_id 0 takes its id. The plugin reads both back with RETURNING.
-- Upgrade: stop every older cofferd before the first one running this migration starts
-- (an older process would read a zero insert id); docs/operations.md.
CREATE SEQUENCE asset_ids START WITH 1 MINVALUE 1 INCREMENT BY 1 CACHE 1000;
SET @coffer_asset_max = (SELECT COALESCE(MAX(id), 0) FROM assets);
EXECUTE IMMEDIATE CONCAT('SELECT SETVAL(asset_ids, ', @coffer_asset_max, ')');
-- One line: the migration runner splits statements at a ';' that ends a line.
CREATE TRIGGER assets_ids BEFORE INSERT ON assets FOR EACH ROW BEGIN IF NEW.id IS NULL OR NEW.id = 0 THEN SET NEW.id = NEXTVAL(asset_ids); END IF; IF NEW.reference_id = 0 THEN SET NEW.reference_id = NEW.id; END IF; END;
