# SPDX-License-Identifier: MIT
# plugins/reservation: REQUEST_RESERVE, CONSUME, CANCEL_RESERVATION, the reservation expiry sweep,
# and the "reservation" service asset asks for reserved quantities; see plugins/reservation/README.md.
if BUILD_PLUGIN_RESERVATION
plugin_LTLIBRARIES += plugins/reservation/reservation.la
plugins_reservation_reservation_la_SOURCES = plugins/reservation/reservation.c \
	plugins/reservation/reservation.h plugins/reservation/reservation_handlers.c \
	plugins/reservation/reservation_sweep.c plugins/reservation/reservation_sql.c \
	plugins/reservation/reservation_rules.c plugins/reservation/reservation_rules.h
plugins_reservation_reservation_la_CFLAGS = $(PLUGIN_CFLAGS)
plugins_reservation_reservation_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_reservation_reservation_la_LIBADD = lib/libcoffer_util.la $(JANSSON_LIBS)
sqlreservationdir = $(sqldir)/reservation
dist_sqlreservation_DATA = sql/reservation/0001_create_reservations.sql
EXTRA_DIST += plugins/reservation/README.md
endif
