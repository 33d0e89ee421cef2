# SPDX-License-Identifier: MIT
# The host: cofferd, and its code as a convenience library for the tests.
noinst_LTLIBRARIES += host/libcofferhost.la
host_libcofferhost_la_SOURCES = \
	host/db.c host/db.h \
	host/log.c host/log.h \
	host/loader.c host/registry.c host/registry.h host/settings.c \
	host/hosttab.c host/txn.c \
	host/outbox.c host/outbox.h \
	host/bus.c host/bus.h host/intake.c host/intake.h \
	host/offsets.c host/offsets.h \
	host/tasks.c host/tasks.h \
	host/embedded.c host/embedded.h \
	host/opts.c host/opts.h \
	host/router.c host/router.h \
	host/http.c host/http.h \
	host/metrics.c host/metrics.h \
	host/health.c host/health.h \
	host/obs_routes.c host/obs_routes.h \
	host/sdnotify.h
host_libcofferhost_la_CFLAGS = $(AM_CFLAGS) $(MYSQL_CFLAGS) $(RDKAFKA_CFLAGS) $(MHD_CFLAGS) $(SYSTEMD_CFLAGS)
host_libcofferhost_la_LIBADD = lib/libcoffer_util.la lib/libcoffer_kafka.la $(MYSQL_LIBS) $(RDKAFKA_LIBS) $(JANSSON_LIBS) $(UUID_LIBS) $(MHD_LIBS) $(SYSTEMD_LIBS) -lm

# A system daemon: $(sbindir) (/usr/sbin in the Debian package).
sbin_PROGRAMS += host/cofferd
host_cofferd_SOURCES = host/main.c
host_cofferd_CFLAGS = $(AM_CFLAGS) $(MYSQL_CFLAGS) $(RDKAFKA_CFLAGS) $(SYSTEMD_CFLAGS)
host_cofferd_LDADD = host/libcofferhost.la
