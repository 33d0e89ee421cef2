# SPDX-License-Identifier: MIT
# Migrations, installed under $(pkgdatadir)/sql/<component>/.
sqlhostdir = $(sqldir)/host
dist_sqlhost_DATA = sql/host/0001_core.sql sql/host/0002_outbox_delivered.sql
