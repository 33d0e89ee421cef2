# SPDX-License-Identifier: MIT
# The systemd unit (docs/packaging.md "systemd"): cofferd.service.in with the
# installed cofferd's path, installed in --with-systemdsystemunitdir (not with
# --without-systemdsystemunitdir). The sample /etc/default/cofferd is shipped
# by the Debian package (debian/coffer.install); tests/pkg_envfile.sh keeps it
# complete.
if INSTALL_SYSTEMD_UNIT
systemdsystemunit_DATA = contrib/systemd/cofferd.service
else
noinst_DATA = contrib/systemd/cofferd.service
endif
contrib/systemd/cofferd.service: $(top_srcdir)/contrib/systemd/cofferd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib/systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' $(top_srcdir)/contrib/systemd/cofferd.service.in >$@.tmp && \
	mv $@.tmp $@
CLEANFILES += contrib/systemd/cofferd.service contrib/systemd/cofferd.service.tmp
EXTRA_DIST += contrib/systemd/cofferd.service.in contrib/systemd/default/cofferd
# The Debian packaging and its check (docs/packaging.md).
EXTRA_DIST += contrib/package-check docs/packaging.md debian/changelog debian/control \
	debian/copyright debian/rules debian/source/format debian/not-installed \
	debian/coffer.install debian/coffer.docs debian/coffer.sysusers \
	debian/coffer.lintian-overrides debian/coffer-dev.install debian/coffer-dev.docs \
	debian/coffer-dev.examples
