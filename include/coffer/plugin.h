/* SPDX-License-Identifier: MIT */
/* coffer/plugin.h: what a plugin declares. Include this one header to write a plugin. */
#ifndef COFFER_PLUGIN_H
#define COFFER_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include <coffer/err.h>
#include <coffer/host.h>
#include <coffer/log.h>
#include <coffer/msg.h>
#include <coffer/sql.h>

#ifdef __cplusplus
extern "C" {
#endif

/** ABI of this header. A host loads a plugin of the same major whose minor is <= its own. */
#define COFFER_ABI_MAJOR 1
#define COFFER_ABI_MINOR 1
#define COFFER_PLUGIN_MAGIC 0x43464652u /* "CFFR" */

/** The entry symbol every plugin exports. */
#define COFFER_PLUGIN_ENTRY_SYMBOL "coffer_plugin_entry"

/** A service name and version: needed (minimum) or provided (exact). */
struct coffer_service_ref {
	const char *name;
	unsigned version;
};

/** Descriptor flags. */
enum coffer_plugin_flags {
	COFFER_PLUGIN_REQUIRED = 1u << 0, /**< failure to load stops the host */
};

/**
 * A plugin's descriptor. Fill it with COFFER_PLUGIN(); the macro sets the
 * first four fields.
 */
struct coffer_plugin {
	uint32_t magic;      /**< COFFER_PLUGIN_MAGIC */
	uint16_t abi_major;  /**< COFFER_ABI_MAJOR the plugin was built with */
	uint16_t abi_minor;  /**< lowest host ABI minor it needs */
	uint32_t size;       /**< sizeof(struct coffer_plugin) at build time */
	uint32_t flags;      /**< enum coffer_plugin_flags */

	const char *name;    /**< [a-z][a-z0-9_]*; also its config section and sql/ folder */
	const char *version; /**< the plugin's own version */
	const char *summary;

	/** Services looked up in init, {NULL, 0}-terminated; their providers init first. */
	const struct coffer_service_ref *requires;
	/** Services this plugin provides, {NULL, 0}-terminated. */
	const struct coffer_service_ref *provides;

	/**
	 * Register handlers, tasks and services. No SQL, no threads: init also runs
	 * for --list-plugins. On failure (non-zero) the host undoes what was registered.
	 */
	int (*init)(coffer_ctx *ctx, const struct coffer_host *host);
	/** Optional: every init succeeded; consuming begins after all start calls. */
	int (*start)(coffer_ctx *ctx);
	/** Optional: SIGHUP. */
	void (*reconfigure)(coffer_ctx *ctx);
	/** Optional: consuming stopped, no handler or task runs any more. */
	void (*stop)(coffer_ctx *ctx);
	/** Optional: release what init allocated. Called in reverse init order. */
	void (*fini)(coffer_ctx *ctx);
};

/** The prototype of the entry symbol. */
typedef const struct coffer_plugin *(*coffer_plugin_entry_fn)(void);

/** {"asset", 1}, ... as a terminated list for .requires / .provides. */
#define COFFER_NEEDS(...) ((const struct coffer_service_ref[]){__VA_ARGS__, {NULL, 0}})
#define COFFER_PROVIDES(...) ((const struct coffer_service_ref[]){__VA_ARGS__, {NULL, 0}})

#ifndef COFFER_PLUGIN_ABI_MINOR
/** Define before including to declare a lower minimum host minor. */
#define COFFER_PLUGIN_ABI_MINOR COFFER_ABI_MINOR
#endif

/**
 * Define the descriptor and the entry symbol; give designated initializers:
 * COFFER_PLUGIN(.name = "drop", .version = "1.0.0", .init = drop_init);
 */
#define COFFER_PLUGIN(...)                                                        \
	static const struct coffer_plugin coffer_plugin_desc_ = {                     \
		.magic = COFFER_PLUGIN_MAGIC,                                             \
		.abi_major = COFFER_ABI_MAJOR,                                            \
		.abi_minor = COFFER_PLUGIN_ABI_MINOR,                                     \
		.size = sizeof(struct coffer_plugin),                                     \
		__VA_ARGS__};                                                             \
	__attribute__((visibility("default"))) const struct coffer_plugin *           \
	coffer_plugin_entry(void);                                                    \
	__attribute__((visibility("default"))) const struct coffer_plugin *           \
	coffer_plugin_entry(void)                                                     \
	{                                                                             \
		return &coffer_plugin_desc_;                                              \
	}

#ifdef __cplusplus
}
#endif
#endif
