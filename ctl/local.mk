bin_PROGRAMS += ctl/cofferctl
ctl_cofferctl_SOURCES = ctl/cofferctl.c
ctl_cofferctl_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS) $(MYSQL_CFLAGS) $(CURL_CFLAGS)
ctl_cofferctl_LDADD = lib/libcoffer_util.la $(RDKAFKA_LIBS) $(JANSSON_LIBS) $(MYSQL_LIBS) $(UUID_LIBS) $(CURL_LIBS)
