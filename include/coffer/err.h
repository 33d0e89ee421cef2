/* SPDX-License-Identifier: MIT */
/* coffer/err.h: return codes shared by the host and plugins. */
#ifndef COFFER_ERR_H
#define COFFER_ERR_H

#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Functions return 0 on success, -errno for system failures, or one of these
 * (all below -1000, out of the errno range).
 */
enum coffer_err {
	COFFER_OK = 0,
	COFFER_EBASE = -1000,
	COFFER_EEXIST = -1001,     /**< already registered / duplicate key */
	COFFER_ENOTFOUND = -1002,  /**< no such service, row, key */
	COFFER_EINVAL = -1003,     /**< bad argument */
	COFFER_EABI = -1004,       /**< ABI mismatch */
	COFFER_EDB = -1005,        /**< permanent database error (syntax, constraint) */
	COFFER_ETRANSIENT = -1006, /**< deadlock, lock wait timeout, lost connection: retry */
	COFFER_EDUP = -1007,       /**< unique key violation */
	COFFER_ESTATE = -1008,     /**< call not allowed now (e.g. register outside init) */
	COFFER_ESTOP = -1009,      /**< row callback asked to stop */
};

/** A static description of @p rc (a coffer code or -errno). Never NULL. */
static inline const char *coffer_strerror(int rc)
{
	switch (rc) {
	case COFFER_OK: return "success";
	case COFFER_EEXIST: return "already exists";
	case COFFER_ENOTFOUND: return "not found";
	case COFFER_EINVAL: return "invalid argument";
	case COFFER_EABI: return "ABI version mismatch";
	case COFFER_EDB: return "database error";
	case COFFER_ETRANSIENT: return "transient database error";
	case COFFER_EDUP: return "duplicate key";
	case COFFER_ESTATE: return "not allowed in this state";
	case COFFER_ESTOP: return "stopped by callback";
	default: break;
	}
	if (rc < 0 && rc > COFFER_EBASE)
		return strerror(-rc);
	return "unknown error";
}

#ifdef __cplusplus
}
#endif
#endif
