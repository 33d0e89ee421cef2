# The host: cofferd, and its code as a convenience library for the tests.
noinst_LTLIBRARIES += host/libcofferhost.la
host_libcofferhost_la_SOURCES = \
	host/db.c host/db.h \
	host/log.c host/log.h \
	host/registry.c host/registry.h \
	host/outbox.c host/outbox.h \
	host/bus.c host/bus.h \
	host/tasks.c host/tasks.h \
	host/embedded.c host/embedded.h \
	host/opts.c host/opts.h \
	host/ready.c host/ready.h
host_libcofferhost_la_CFLAGS = $(AM_CFLAGS) $(MYSQL_CFLAGS) $(RDKAFKA_CFLAGS)
host_libcofferhost_la_LIBADD = lib/libcoffer_util.la $(MYSQL_LIBS) $(RDKAFKA_LIBS) $(JANSSON_LIBS) $(UUID_LIBS)

bin_PROGRAMS += host/cofferd
host_cofferd_SOURCES = host/main.c
host_cofferd_CFLAGS = $(AM_CFLAGS) $(MYSQL_CFLAGS) $(RDKAFKA_CFLAGS)
host_cofferd_LDADD = host/libcofferhost.la
