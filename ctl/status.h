/* SPDX-License-Identifier: MIT */
/* ctl/status.h: `cofferctl status` (ctl/status.c). */
#ifndef COFFER_CTL_STATUS_H
#define COFFER_CTL_STATUS_H

/* argv[0] is the command name; returns the exit status (0 ready, 1 not ready
 * or unreachable, 2 bad usage). */
int cmd_status(int argc, char **argv);

#endif
