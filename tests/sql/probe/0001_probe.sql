-- SPDX-License-Identifier: MIT
-- The test plugin's table.
CREATE TABLE probe_items (
  tenant_id CHAR(36)     NOT NULL,
  id        INT UNSIGNED NOT NULL,
  value     VARCHAR(64)  NOT NULL,
  count     INT          NOT NULL,
  region    VARCHAR(63)  NOT NULL,
  major     SMALLINT UNSIGNED NOT NULL,
  minor     SMALLINT UNSIGNED NOT NULL,
  PRIMARY KEY (tenant_id, id)
) ENGINE=InnoDB;
