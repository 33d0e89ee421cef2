# SPDX-License-Identifier: MIT
bin_PROGRAMS += ctl/cofferctl
ctl_cofferctl_SOURCES = ctl/cofferctl.c ctl/cofferctl.h ctl/ctlparse.c ctl/ctlparse.h ctl/templates.c ctl/status.c ctl/status.h
ctl_cofferctl_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS) $(MYSQL_CFLAGS) $(CURL_CFLAGS) -I$(top_srcdir)/ctl
ctl_cofferctl_LDADD = lib/libcoffer_util.la lib/libcoffer_kafka.la lib/libcoffer_itemdata.la $(CURL_LIBS) $(RDKAFKA_LIBS) $(JANSSON_LIBS) $(MYSQL_LIBS) $(UUID_LIBS) -lm
