/* host/registry.c: loading plugins (ABI check, dependency order, init rollback),
 * the registrations they make, their settings, and the host function table.
 * Lifecycle, in one place: load -> init (dependency order) -> start -> reconfigure
 * (SIGHUP) -> stop -> fini (reverse order) -> dlclose. */
#include "registry.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "opts.h"
#include "util.h"

#define MAX_PLUGINS 64

struct service {
	char *name;
	unsigned version;
	const void *api;
	struct plugin *owner;
};

static struct plugin *plugins[MAX_PLUGINS];
static size_t nplugins;
static struct handler *handlers;
static size_t nhandlers, caphandlers;
static struct task *tasks;
static size_t ntasks, captasks;
static struct service *services;
static size_t nservices, capservices;
static coffer_ctx *initing; /* registration is allowed for this plugin only */
static bool (*enabled_fn)(const char *plugin, const char *tenant);

struct kv {
	char *k, *v;
};
static struct kv *settings, *topics;
static size_t nsettings, ntopics;
static pthread_mutex_t topic_lock = PTHREAD_MUTEX_INITIALIZER;

/* ------------------------------------------------------------------ small helpers */

static void *grow(void *arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return arr;
	size_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	void *p = realloc(arr, n * elem);
	if (p == NULL) {
		LOG_ERR("out of memory");
		abort();
	}
	*cap = n;
	return p;
}

static bool name_valid(const char *s)
{
	if (s == NULL || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

bool reg_topic_var_valid(const char *v)
{
	if (v == NULL)
		return false;
	if (strncmp(v, "COMMAND_TOPIC_", 14) != 0 && strncmp(v, "EVENT_TOPIC_", 12) != 0 &&
	    strcmp(v, "DEAD_LETTER_TOPIC") != 0)
		return false;
	for (const char *s = v; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static const char *pname(const struct plugin *p)
{
	return p && p->desc && p->desc->name ? p->desc->name : "?";
}

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
	if (d->size < offsetof(struct coffer_plugin, fini) + sizeof d->fini || !name_valid(d->name) ||
	    d->init == NULL) {
		LOG_ERR("plugin refused file=%s error=\"descriptor incomplete (name, init)\"", path);
		dlclose(dl);
		return COFFER_EABI;
	}
	for (size_t i = 0; i < nplugins; i++) {
		if (strcmp(plugins[i]->desc->name, d->name) == 0) {
			LOG_ERR("plugin refused file=%s plugin=%s error=\"already loaded from %s\"", path,
			        d->name, plugins[i]->path);
			dlclose(dl);
			return COFFER_EEXIST;
		}
	}
	struct plugin *p = calloc(1, sizeof *p);
	p->path = strdup(path);
	p->dl = dl;
	p->desc = d;
	p->ctx = calloc(1, sizeof *p->ctx);
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
			*out = grow(*out, cap, *n + 1, sizeof **out);
			(*out)[(*n)++] = strdup(path);
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

/* Undo every registration of @p p. */
static void unregister(struct plugin *p)
{
	size_t j = 0;
	for (size_t i = 0; i < nhandlers; i++) {
		if (handlers[i].owner == p) {
			free(handlers[i].topic_var);
			free(handlers[i].type);
		} else {
			handlers[j++] = handlers[i];
		}
	}
	nhandlers = j;
	j = 0;
	for (size_t i = 0; i < ntasks; i++) {
		if (tasks[i].owner == p)
			free(tasks[i].name);
		else
			tasks[j++] = tasks[i];
	}
	ntasks = j;
	j = 0;
	for (size_t i = 0; i < nservices; i++) {
		if (services[i].owner == p)
			free(services[i].name);
		else
			services[j++] = services[i];
	}
	nservices = j;
}

static int init_one(struct plugin *p, int depth)
{
	if (p->inited)
		return 0;
	if (p->failed)
		return COFFER_ENOTFOUND;
	if (depth > MAX_PLUGINS) {
		LOG_ERR("plugin dependency cycle plugin=%s", pname(p));
		p->failed = true;
		return COFFER_EINVAL;
	}
	for (const struct coffer_service_ref *r = p->desc->requires; r && r->name; r++) {
		unsigned have = 0;
		struct plugin *q = provider_of(r->name, &have);
		if (q == NULL) {
			LOG_ERR("plugin needs a missing service plugin=%s service=%s version=%u", pname(p),
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
			        pname(p), r->name, r->version, have, pname(q));
			p->failed = true;
			return COFFER_ENOTFOUND;
		}
		if (q != p && init_one(q, depth + 1) != 0) {
			LOG_ERR("plugin not started: a plugin it needs failed plugin=%s needs=%s", pname(p),
			        pname(q));
			p->failed = true;
			return COFFER_ENOTFOUND;
		}
	}
	initing = p->ctx;
	int rc = p->desc->init(p->ctx, reg_host());
	initing = NULL;
	if (rc != 0) {
		LOG_ERR("plugin init failed plugin=%s rc=%d error=\"%s\": its registrations are undone",
		        pname(p), rc, coffer_strerror(rc));
		unregister(p);
		p->failed = true;
		return rc;
	}
	/* Every declared service must have been provided. */
	for (const struct coffer_service_ref *r = p->desc->provides; r && r->name; r++) {
		bool found = false;
		for (size_t i = 0; i < nservices; i++)
			found |= services[i].owner == p && strcmp(services[i].name, r->name) == 0;
		if (!found) {
			LOG_ERR("plugin did not provide a declared service plugin=%s service=%s", pname(p),
			        r->name);
			if (p->desc->fini)
				p->desc->fini(p->ctx);
			unregister(p);
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
	LOG_DBG("event=plugin_initialised plugin=%s", pname(p));
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
		unregister(p);
		if (!keep)
			dlclose(p->dl);
		free(p->path);
		free(p->ctx);
		free(p);
	}
	nplugins = 0;
	free(handlers);
	free(tasks);
	free(services);
	handlers = NULL;
	tasks = NULL;
	services = NULL;
	nhandlers = caphandlers = ntasks = captasks = nservices = capservices = 0;
}

size_t reg_plugin_count(void) { return nplugins; }
struct plugin *reg_plugin(size_t i) { return plugins[i]; }
size_t reg_handler_count(void) { return nhandlers; }
struct handler *reg_handler(size_t i) { return &handlers[i]; }
size_t reg_task_count(void) { return ntasks; }
struct task *reg_task(size_t i) { return &tasks[i]; }

const struct handler *reg_find(const char *topic_var, const char *type)
{
	for (size_t i = 0; i < nhandlers; i++)
		if (strcmp(handlers[i].type, type) == 0 && strcmp(handlers[i].topic_var, topic_var) == 0)
			return &handlers[i];
	return NULL;
}

/* ------------------------------------------------------------------ settings, topics */

static int kv_set(struct kv **arr, size_t *n, const char *k, size_t klen, const char *v)
{
	for (size_t i = 0; i < *n; i++) {
		if (strlen((*arr)[i].k) == klen && strncmp((*arr)[i].k, k, klen) == 0) {
			free((*arr)[i].v);
			(*arr)[i].v = strdup(v);
			return 0;
		}
	}
	*arr = realloc(*arr, (*n + 1) * sizeof **arr);
	(*arr)[*n].k = strndup(k, klen);
	(*arr)[*n].v = strdup(v);
	(*n)++;
	return 0;
}

int reg_set_config(const char *a)
{
	const char *eq = strchr(a, '=');
	const char *dot = strchr(a, '.');
	if (eq == NULL || dot == NULL || dot > eq || dot == a || dot + 1 == eq)
		return COFFER_EINVAL;
	return kv_set(&settings, &nsettings, a, (size_t)(eq - a), eq + 1);
}

int reg_set_topic(const char *a)
{
	const char *eq = strchr(a, '=');
	if (eq == NULL || eq == a || eq[1] == '\0')
		return COFFER_EINVAL;
	char var[256];
	snprintf(var, sizeof var, "%.*s", (int)(eq - a), a);
	if (!reg_topic_var_valid(var))
		return COFFER_EINVAL;
	pthread_mutex_lock(&topic_lock);
	kv_set(&topics, &ntopics, a, (size_t)(eq - a), eq + 1);
	pthread_mutex_unlock(&topic_lock);
	return 0;
}

const char *reg_topic(const char *var)
{
	pthread_mutex_lock(&topic_lock);
	const char *r = NULL;
	for (size_t i = 0; i < ntopics && r == NULL; i++)
		if (strcmp(topics[i].k, var) == 0)
			r = topics[i].v;
	if (r == NULL) {
		const char *env = getenv(var);
		const char *def = strcmp(var, "DEAD_LETTER_TOPIC") == 0 ? "coffer.dead-letter" : var;
		kv_set(&topics, &ntopics, var, strlen(var), env && *env ? env : def);
		r = topics[ntopics - 1].v;
	}
	pthread_mutex_unlock(&topic_lock);
	return r;
}

void reg_set_enabled_fn(bool (*fn)(const char *, const char *)) { enabled_fn = fn; }

bool reg_enabled(const char *plugin, const char *tenant)
{
	return enabled_fn ? enabled_fn(plugin, tenant) : true;
}

/* ------------------------------------------------------------------ the host table */

static void h_log(coffer_ctx *ctx, enum coffer_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vline(level, ctx ? pname(ctx->p) : "host", fmt, ap);
	va_end(ap);
}

static bool may_register(coffer_ctx *ctx, const char *what)
{
	if (ctx == NULL || ctx != initing) {
		LOG_ERR("registration outside init refused plugin=%s what=%s",
		        ctx ? pname(ctx->p) : "?", what);
		return false;
	}
	return true;
}

static int h_on_message(coffer_ctx *ctx, const char *topic_var, const char *type,
                        coffer_handler_fn fn, void *ud)
{
	if (!may_register(ctx, "on_message"))
		return COFFER_ESTATE;
	if (!reg_topic_var_valid(topic_var) || type == NULL || *type == '\0' || fn == NULL) {
		LOG_ERR("bad registration plugin=%s topic=%s type=%s", pname(ctx->p),
		        topic_var ? topic_var : "(null)", type ? type : "(null)");
		return COFFER_EINVAL;
	}
	const struct handler *h = reg_find(topic_var, type);
	if (h != NULL) {
		LOG_ERR("duplicate claim topic=%s type=%s plugin=%s owner=%s owner_file=%s file=%s",
		        topic_var, type, pname(ctx->p), pname(h->owner), h->owner->path, ctx->p->path);
		return COFFER_EEXIST;
	}
	handlers = grow(handlers, &caphandlers, nhandlers + 1, sizeof *handlers);
	handlers[nhandlers++] = (struct handler){
		.topic_var = strdup(topic_var), .type = strdup(type), .owner = ctx->p, .fn = fn, .ud = ud};
	return 0;
}

static int h_on_disabled(coffer_ctx *ctx, const char *topic_var, const char *type,
                         coffer_handler_fn fn, void *ud)
{
	if (!may_register(ctx, "on_disabled"))
		return COFFER_ESTATE;
	struct handler *h = (struct handler *)reg_find(topic_var, type);
	if (h == NULL || h->owner != ctx->p)
		return COFFER_ENOTFOUND;
	h->refuse = fn;
	h->refuse_ud = ud;
	return 0;
}

static int h_every(coffer_ctx *ctx, const char *name, unsigned interval_ms, coffer_task_fn fn,
                   void *ud)
{
	if (!may_register(ctx, "every"))
		return COFFER_ESTATE;
	if (name == NULL || fn == NULL || interval_ms == 0)
		return COFFER_EINVAL;
	tasks = grow(tasks, &captasks, ntasks + 1, sizeof *tasks);
	tasks[ntasks++] = (struct task){
		.name = strdup(name), .owner = ctx->p, .interval_ms = interval_ms, .fn = fn, .ud = ud};
	return 0;
}

static int h_provide(coffer_ctx *ctx, const char *name, unsigned version, const void *api)
{
	if (!may_register(ctx, "provide"))
		return COFFER_ESTATE;
	bool declared = false;
	for (const struct coffer_service_ref *r = ctx->p->desc->provides; r && r->name; r++)
		declared |= strcmp(r->name, name) == 0;
	if (!declared || api == NULL) {
		LOG_ERR("service not declared in .provides plugin=%s service=%s", pname(ctx->p), name);
		return COFFER_EINVAL;
	}
	for (size_t i = 0; i < nservices; i++) {
		if (strcmp(services[i].name, name) == 0) {
			LOG_ERR("duplicate service service=%s plugin=%s owner=%s", name, pname(ctx->p),
			        pname(services[i].owner));
			return COFFER_EEXIST;
		}
	}
	services = grow(services, &capservices, nservices + 1, sizeof *services);
	services[nservices++] =
		(struct service){.name = strdup(name), .version = version, .api = api, .owner = ctx->p};
	return 0;
}

static const void *h_lookup(coffer_ctx *ctx, const char *name, unsigned min_version)
{
	for (size_t i = 0; i < nservices; i++) {
		if (strcmp(services[i].name, name) == 0) {
			if (services[i].version >= min_version)
				return services[i].api;
			LOG_ERR("service too old plugin=%s service=%s has=%u needs=%u",
			        ctx ? pname(ctx->p) : "?", name, services[i].version, min_version);
			return NULL;
		}
	}
	return NULL;
}

static const char *h_config(coffer_ctx *ctx, const char *key, const char *def)
{
	const char *plugin = ctx ? pname(ctx->p) : "host";
	char full[256];
	snprintf(full, sizeof full, "%s.%s", plugin, key);
	for (size_t i = 0; i < nsettings; i++)
		if (strcmp(settings[i].k, full) == 0)
			return settings[i].v;
	char env[256];
	size_t j = 0;
	j += (size_t)snprintf(env, sizeof env, "COFFER_");
	for (const char *s = full; *s && j + 1 < sizeof env; s++)
		env[j++] = *s == '.' ? '_' : (char)toupper((unsigned char)*s);
	env[j] = '\0';
	const char *v = getenv(env);
	return v ? v : def;
}

/* Plugin settings read during init that are not numbers: cofferd does not start. */
static size_t config_errors;

size_t reg_config_errors(void) { return config_errors; }

/* A setting that is not a decimal integer ("x", "", " 7", "7ms", "0x10") is an
 * error during init (the plugin reads its settings there): logged naming the
 * --set key and the environment variable, and cofferd exits 78. Read later (a
 * reconfigure), it is logged and the default is used: a running cofferd does not
 * stop for it. */
static int64_t h_config_int(coffer_ctx *ctx, const char *key, int64_t def)
{
	const char *v = h_config(ctx, key, NULL);
	if (v == NULL)
		return def;
	long long x;
	if (!opt_parse_ll(v, INT64_MIN, INT64_MAX, &x)) {
		const char *plugin = ctx ? pname(ctx->p) : "host";
		char env[256];
		size_t j = (size_t)snprintf(env, sizeof env, "COFFER_");
		for (const char *s = plugin; *s && j + 1 < sizeof env; s++)
			env[j++] = (char)toupper((unsigned char)*s);
		if (j + 1 < sizeof env)
			env[j++] = '_';
		for (const char *s = key; *s && j + 1 < sizeof env; s++)
			env[j++] = (char)toupper((unsigned char)*s);
		env[j] = '\0';
		if (initing != NULL) {
			config_errors++;
			LOG_ERR("configuration error: plugin setting is not a number setting=%s.%s env=%s "
			        "value=\"%s\"",
			        plugin, key, env, v);
		} else {
			LOG_WRN("plugin setting is not a number setting=%s.%s env=%s value=\"%s\" "
			        "using=%lld",
			        plugin, key, env, v, (long long)def);
		}
		return def;
	}
	return x;
}

static bool h_enabled(coffer_ctx *ctx, const char *tenant) { return reg_enabled(pname(ctx->p), tenant); }

static int64_t h_now(coffer_txn *txn) { return txn->now_us; }

static int h_sql_exec(coffer_txn *txn, const char *sql, const struct coffer_val *args,
                      size_t nargs, struct coffer_exec_result *res)
{
	return db_exec(txn->db, sql, args, nargs, res);
}

static int h_sql_query(coffer_txn *txn, const char *sql, const struct coffer_val *args,
                       size_t nargs, coffer_row_fn fn, void *ud)
{
	return db_select(txn->db, sql, args, nargs, fn, ud);
}

static int h_emit(coffer_txn *txn, const struct coffer_tenant *tenant, const char *topic_var,
                  uint32_t key, json_t *value)
{
	if (value == NULL || !reg_topic_var_valid(topic_var)) {
		if (value)
			json_decref(value);
		LOG_ERR("emit refused plugin=%s topic=%s", txn->ctx ? pname(txn->ctx->p) : "?",
		        topic_var ? topic_var : "(null)");
		return COFFER_EINVAL;
	}
	if (tenant == NULL && (txn->msg == NULL || txn->msg->tenant == NULL)) {
		json_decref(value);
		LOG_ERR("emit without a tenant plugin=%s topic=%s", txn->ctx ? pname(txn->ctx->p) : "?",
		        topic_var);
		return COFFER_EINVAL;
	}
	txn->ev = grow(txn->ev, &txn->cap, txn->nev + 1, sizeof *txn->ev);
	struct txn_event *e = &txn->ev[txn->nev++];
	e->topic_var = strdup(topic_var);
	e->key = key;
	e->tenant = tenant ? *tenant : *txn->msg->tenant;
	e->value = value;
	cu_uuid_new(e->event_id);
	return 0;
}

static enum coffer_outcome h_reject(coffer_txn *txn, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(txn->reason, sizeof txn->reason, fmt, ap);
	va_end(ap);
	if (!txn->quiet_reject)
		log_line(COFFER_LOG_WARN, txn->ctx ? pname(txn->ctx->p) : "host", "rejected: %s",
		         txn->reason);
	return COFFER_REJECT;
}

static coffer_ctx *h_txn_ctx(coffer_txn *txn) { return txn->ctx; }

static const struct coffer_host host_table = {
	.size = sizeof(struct coffer_host),
	.abi_major = COFFER_ABI_MAJOR,
	.abi_minor = COFFER_ABI_MINOR,
	.log = h_log,
	.on_message = h_on_message,
	.on_disabled = h_on_disabled,
	.every = h_every,
	.provide = h_provide,
	.lookup = h_lookup,
	.config = h_config,
	.config_int = h_config_int,
	.enabled = h_enabled,
	.now = h_now,
	.sql_exec = h_sql_exec,
	.sql_query = h_sql_query,
	.emit = h_emit,
	.reject = h_reject,
	.uuid = cu_uuid_new,
	.txn_ctx = h_txn_ctx,
};

const struct coffer_host *reg_host(void) { return &host_table; }

/* ------------------------------------------------------------------ transactions */

void txn_init(struct coffer_txn *t, struct db_conn *db, int64_t now_us, coffer_ctx *ctx,
              const struct coffer_msg *msg)
{
	txn_clear_events(t);
	struct txn_event *ev = t->ev;
	size_t cap = t->cap;
	*t = (struct coffer_txn){.db = db, .now_us = now_us, .ctx = ctx, .msg = msg, .ev = ev, .cap = cap};
}

void txn_clear_events(struct coffer_txn *t)
{
	for (size_t i = 0; i < t->nev; i++) {
		free(t->ev[i].topic_var);
		json_decref(t->ev[i].value);
	}
	t->nev = 0;
}

void txn_free(struct coffer_txn *t)
{
	txn_clear_events(t);
	free(t->ev);
	t->ev = NULL;
	t->cap = 0;
}
