/* SPDX-License-Identifier: MIT */
/* host/sdnotify.h: telling systemd (Type=notify, sd_notify(3)) how start-up and stop
 * go. Built with libsystemd (configure --with-systemd, the default when pkg-config
 * finds it), each call sends one datagram to $NOTIFY_SOCKET, and does nothing when
 * that variable is unset (not started by systemd). Built without it, the calls
 * compile to nothing. What is sent (docs/packaging.md "systemd"):
 *   READY=1 + STATUS=ready   the first time the readiness state (health.h) is ready
 *   STATUS=<reason>          while not ready: the reason /readyz gives, e.g.
 *                            "database unreachable since 12s, 7 attempts: ..."
 *   STOPPING=1               when SIGTERM/SIGINT arrives
 * Thread-safe (sd_notify is). */
#ifndef COFFER_HOST_SDNOTIFY_H
#define COFFER_HOST_SDNOTIFY_H

#include "config.h"

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
static inline void sdn_send(const char *state)
{
	(void)sd_notify(0, state);
}
#else
static inline void sdn_send(const char *state)
{
	(void)state;
}
#endif

#endif
