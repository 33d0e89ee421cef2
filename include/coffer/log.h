/* SPDX-License-Identifier: MIT */
/* coffer/log.h: logging macros for plugins. They expect a `host` in scope
 * (the const struct coffer_host * given to init, usually kept in a static). */
#ifndef COFFER_LOG_H
#define COFFER_LOG_H

#include <coffer/host.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Log through the table @p h for plugin @p ctx. Fields as key=value, no newline. */
#define COFFER_LOGH(h, ctx, lvl, ...) ((h)->log((ctx), (lvl), __VA_ARGS__))

#define COFFER_LOG_ERR(ctx, ...) COFFER_LOGH(host, ctx, COFFER_LOG_ERROR, __VA_ARGS__)
#define COFFER_LOG_WRN(ctx, ...) COFFER_LOGH(host, ctx, COFFER_LOG_WARN, __VA_ARGS__)
#define COFFER_LOG_INF(ctx, ...) COFFER_LOGH(host, ctx, COFFER_LOG_INFO, __VA_ARGS__)
#define COFFER_LOG_DBG(ctx, ...) COFFER_LOGH(host, ctx, COFFER_LOG_DEBUG, __VA_ARGS__)

#ifdef __cplusplus
}
#endif
#endif
