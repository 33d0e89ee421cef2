/* SPDX-License-Identifier: MIT */
/* host/loader.c: loading plugin files (ABI checks), the dependency order of init,
 * init rollback, and the lifecycle in one place:
 * load -> init (dependency order) -> start -> reconfigure (SIGHUP) -> stop ->
 * fini (reverse order) -> dlclose. */
#include "registry.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

#define MAX_PLUGINS 64

static struct plugin *plugins[MAX_PLUGINS];
static size_t nplugins;
static size_t load_entry; /* the search-path entry being loaded (reg_load_path) */

/* ------------------------------------------------------------------ loading */

int reg_load_file(const char *path)
{
	if (nplugins == MAX_PLUGINS) {
		LOG_ERR("too many plugins file=%s", path);
		return COFFER_EINVAL;
	}
	void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		LOG_ERR("cannot load plugin file=%s error=\"%s\"", path, dlerror());
		return COFFER_EINVAL;
	}
	coffer_plugin_entry_fn entry;
	*(void **)&entry = dlsym(dl, COFFER_PLUGIN_ENTRY_SYMBOL);
	if (entry == NULL) {
		LOG_ERR("not a coffer plugin file=%s error=\"no symbol %s\"", path,
		        COFFER_PLUGIN_ENTRY_SYMBOL);
		dlclose(dl);
		return COFFER_EABI;
	}
	const struct coffer_plugin *d = entry();
	if (d == NULL || d->magic != COFFER_PLUGIN_MAGIC) {
		LOG_ERR("not a coffer plugin file=%s error=\"bad magic\"", path);
		dlclose(dl);
		return COFFER_EABI;
	}
	if (d->abi_major != COFFER_ABI_MAJOR || d->abi_minor > COFFER_ABI_MINOR) {
		LOG_ERR("plugin refused file=%s plugin_abi=%u.%u host_abi=%u.%u error=\"needs coffer ABI "
		        "%u.%u, host has %u.%u: rebuild the plugin against this host's headers\"",
		        path, d->abi_major, d->abi_minor, COFFER_ABI_MAJOR, COFFER_ABI_MINOR,
		        d->abi_major, d->abi_minor, COFFER_ABI_MAJOR, COFFER_ABI_MINOR);
		dlclose(dl);
		return COFFER_EABI;
	}
	if (d->size < offsetof(struct coffer_plugin, fini) + sizeof d->fini || !reg_name_valid(d->name) ||
	    d->init == NULL) {
		LOG_ERR("plugin refused file=%s error=\"descriptor incomplete (name, init)\"", path);
		dlclose(dl);
		return COFFER_EABI;
	}
	for (size_t i = 0; i < nplugins; i++) {
		if (strcmp(plugins[i]->desc->name, d->name) == 0) {
			if (plugins[i]->entry < load_entry) {
				LOG_INF("event=plugin_shadowed plugin=%s file=%s by=%s", d->name, path,
				        plugins[i]->path);
				dlclose(dl);
				return COFFER_EEXIST;
			}
			LOG_ERR("plugin refused file=%s plugin=%s error=\"already loaded from %s\"", path,
			        d->name, plugins[i]->path);
			dlclose(dl);
			return COFFER_EEXIST;
		}
	}
	struct plugin *p = xcalloc(1, sizeof *p);
	p->path = xstrdup(path);
	p->dl = dl;
	p->desc = d;
	p->entry = load_entry;
	p->ctx = xcalloc(1, sizeof *p->ctx);
	p->ctx->p = p;
	plugins[nplugins++] = p;
	LOG_DBG("event=plugin_loaded plugin=%s version=%s file=%s", d->name, d->version, path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan(const char *dir, char ***out, size_t *n, size_t *cap, bool descend)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		size_t l = strlen(e->d_name);
		if (l > 3 && strcmp(e->d_name + l - 3, ".so") == 0) {
			*out = reg_grow(*out, cap, *n + 1, sizeof **out);
			(*out)[(*n)++] = xstrdup(path);
		} else if (descend) {
			char sub[4200];
			snprintf(sub, sizeof sub, "%s/.libs", path);
			scan(sub, out, n, cap, false);
		}
	}
	closedir(d);
}

int reg_load_dir(const char *dir)
{
	char **files = NULL;
	size_t n = 0, cap = 0;
	char libs[4096];
	snprintf(libs, sizeof libs, "%s/.libs", dir);
	scan(dir, &files, &n, &cap, true);
	scan(libs, &files, &n, &cap, false);
	if (n)
		qsort(files, n, sizeof *files, cmp_str);
	int loaded = 0;
	for (size_t i = 0; i < n; i++) {
		if (reg_load_file(files[i]) == 0)
			loaded++;
		free(files[i]);
	}
	free(files);
	if (n == 0)
		LOG_WRN("no plugins in the folder dir=%s", dir);
	return loaded;
}

static bool is_so_file(const char *path)
{
	size_t l = strlen(path);
	return l > 3 && strcmp(path + l - 3, ".so") == 0;
}

void reg_load_path(const char *const *entries, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		load_entry = i;
		if (is_so_file(entries[i]))
			reg_load_file(entries[i]); /* a single file is fine too */
		else
			reg_load_dir(entries[i]);
	}
	load_entry = 0;
}

/* ------------------------------------------------------------------ init order */

/* The plugin declaring service @p svc, and the version it declares. */
static struct plugin *provider_of(const char *svc, unsigned *version)
{
	for (size_t i = 0; i < nplugins; i++)
		for (const struct coffer_service_ref *r = plugins[i]->desc->provides; r && r->name; r++)
			if (strcmp(r->name, svc) == 0) {
				*version = r->version;
				return plugins[i];
			}
	return NULL;
}

static int init_one(struct plugin *p, int depth)
{
	if (p->inited)
		return 0;
	if (p->failed)
		return COFFER_ENOTFOUND;
	if (depth > MAX_PLUGINS) {
		LOG_ERR("plugin dependency cycle plugin=%s", reg_pname(p));
		p->failed = true;
		return COFFER_EINVAL;
	}
	for (const struct coffer_service_ref *r = p->desc->requires; r && r->name; r++) {
		unsigned have = 0;
		struct plugin *q = provider_of(r->name, &have);
		if (q == NULL) {
			LOG_ERR("plugin needs a missing service plugin=%s service=%s version=%u", reg_pname(p),
			        r->name, r->version);
			p->failed = true;
			return COFFER_ENOTFOUND;
		}
		/* A service version only grows (entries are appended), so any provider of
		 * at least the version asked for will do; an older one is refused here,
		 * before init, rather than at the plugin's lookup. */
		if (have < r->version) {
			LOG_ERR("plugin needs a newer service plugin=%s service=%s version=%u provided=%u "
			        "by=%s",
			        reg_pname(p), r->name, r->version, have, reg_pname(q));
			p->failed = true;
			return COFFER_ENOTFOUND;
		}
		if (q != p && init_one(q, depth + 1) != 0) {
			LOG_ERR("plugin not started: a plugin it needs failed plugin=%s needs=%s", reg_pname(p),
			        reg_pname(q));
			p->failed = true;
			return COFFER_ENOTFOUND;
		}
	}
	reg_set_initing(p->ctx);
	int rc = p->desc->init(p->ctx, reg_host());
	reg_set_initing(NULL);
	if (rc != 0) {
		LOG_ERR("plugin init failed plugin=%s rc=%d error=\"%s\": its registrations are undone",
		        reg_pname(p), rc, coffer_strerror(rc));
		reg_unregister(p);
		p->failed = true;
		return rc;
	}
	/* Every declared service must have been provided. */
	for (const struct coffer_service_ref *r = p->desc->provides; r && r->name; r++) {
		if (!reg_provided(p, r->name)) {
			LOG_ERR("plugin did not provide a declared service plugin=%s service=%s", reg_pname(p),
			        r->name);
			if (p->desc->fini)
				p->desc->fini(p->ctx);
			reg_unregister(p);
			p->failed = true;
			return COFFER_ENOTFOUND;
		}
	}
	p->inited = true;
	/* Keep init order in the plugins array: move p after the inited ones. */
	size_t at = 0, from = 0;
	for (size_t i = 0; i < nplugins; i++) {
		if (plugins[i] == p)
			from = i;
	}
	for (size_t i = 0; i < nplugins; i++)
		if (plugins[i]->inited && plugins[i] != p)
			at++;
	struct plugin *tmp = plugins[from];
	if (from > at) {
		memmove(&plugins[at + 1], &plugins[at], (from - at) * sizeof plugins[0]);
		plugins[at] = tmp;
	}
	LOG_DBG("event=plugin_initialised plugin=%s", reg_pname(p));
	return 0;
}

int reg_init_all(void)
{
	int rc = 0;
	for (size_t i = 0; i < nplugins; i++) {
		struct plugin *p = plugins[i];
		if (p->inited || p->failed)
			continue;
		int r = init_one(p, 0);
		if (r != 0 && (p->desc->flags & COFFER_PLUGIN_REQUIRED))
			rc = r;
		i = (size_t)-1; /* the array was reordered: rescan */
		bool left = false;
		for (size_t k = 0; k < nplugins; k++)
			left |= !plugins[k]->inited && !plugins[k]->failed;
		if (!left)
			break;
	}
	for (size_t i = 0; i < nplugins; i++)
		if (plugins[i]->failed && (plugins[i]->desc->flags & COFFER_PLUGIN_REQUIRED))
			rc = rc ? rc : COFFER_EINVAL;
	return rc;
}

void reg_start_all(void)
{
	for (size_t i = 0; i < nplugins; i++)
		if (plugins[i]->inited && plugins[i]->desc->start)
			plugins[i]->desc->start(plugins[i]->ctx);
}

void reg_reconfigure_all(void)
{
	for (size_t i = 0; i < nplugins; i++)
		if (plugins[i]->inited && plugins[i]->desc->reconfigure)
			plugins[i]->desc->reconfigure(plugins[i]->ctx);
}

void reg_stop_all(void)
{
	for (size_t i = nplugins; i-- > 0;)
		if (plugins[i]->inited && plugins[i]->desc->stop)
			plugins[i]->desc->stop(plugins[i]->ctx);
}

void reg_fini_all(bool keep)
{
	for (size_t i = nplugins; i-- > 0;) {
		struct plugin *p = plugins[i];
		if (p->inited && p->desc->fini)
			p->desc->fini(p->ctx);
		reg_unregister(p);
		if (!keep)
			dlclose(p->dl);
		free(p->path);
		free(p->ctx);
		free(p);
	}
	nplugins = 0;
	reg_free_all();
}

size_t reg_plugin_count(void) { return nplugins; }
struct plugin *reg_plugin(size_t i) { return plugins[i]; }
