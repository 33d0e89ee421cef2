/* SPDX-License-Identifier: MIT */
/* host/registry.c: what plugins register (message handlers, refusals, periodic
 * tasks, services, HTTP routes, emitted topics), the "init only" rule, and undoing a plugin's registrations. */
#include "registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "router.h"
#include "xalloc.h"

struct service {
	char *name;
	unsigned version;
	const void *api;
	struct plugin *owner;
};

static struct handler *handlers;
static size_t nhandlers, caphandlers;
static struct task *tasks;
static size_t ntasks, captasks;
static struct service *services;
static size_t nservices, capservices;
static struct route *routes;
static size_t nroutes, caproutes;
static struct emitted *emitted;
static size_t nemitted, capemitted;
static coffer_ctx *initing; /* registration is allowed for this plugin only */

/* ------------------------------------------------------------------ small helpers */

void *reg_grow(void *arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return arr;
	size_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	*cap = n;
	return xreallocarray(arr, n, elem);
}

bool reg_name_valid(const char *s)
{
	if (s == NULL || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

const char *reg_pname(const struct plugin *p)
{
	return p && p->desc && p->desc->name ? p->desc->name : "?";
}

void reg_set_initing(coffer_ctx *ctx) { initing = ctx; }

coffer_ctx *reg_initing(void) { return initing; }

bool reg_provided(const struct plugin *p, const char *svc)
{
	for (size_t i = 0; i < nservices; i++)
		if (services[i].owner == p && strcmp(services[i].name, svc) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------ registrations */

static bool may_register(coffer_ctx *ctx, const char *what)
{
	if (ctx == NULL || ctx != initing) {
		LOG_ERR("registration outside init refused plugin=%s what=%s",
		        ctx ? reg_pname(ctx->p) : "?", what);
		return false;
	}
	return true;
}

int reg_on_message(coffer_ctx *ctx, const char *topic_var, const char *type,
                   coffer_handler_fn fn, void *ud)
{
	if (!may_register(ctx, "on_message"))
		return COFFER_ESTATE;
	if (!reg_topic_var_valid(topic_var) || type == NULL || *type == '\0' || fn == NULL) {
		LOG_ERR("bad registration plugin=%s topic=%s type=%s", reg_pname(ctx->p),
		        topic_var ? topic_var : "(null)", type ? type : "(null)");
		return COFFER_EINVAL;
	}
	const struct handler *h = reg_find(topic_var, type);
	if (h != NULL) {
		LOG_ERR("duplicate claim topic=%s type=%s plugin=%s owner=%s owner_file=%s file=%s",
		        topic_var, type, reg_pname(ctx->p), reg_pname(h->owner), h->owner->path, ctx->p->path);
		return COFFER_EEXIST;
	}
	handlers = reg_grow(handlers, &caphandlers, nhandlers + 1, sizeof *handlers);
	handlers[nhandlers++] = (struct handler){
		.topic_var = xstrdup(topic_var), .type = xstrdup(type), .owner = ctx->p, .fn = fn, .ud = ud};
	return 0;
}

int reg_on_disabled(coffer_ctx *ctx, const char *topic_var, const char *type,
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

int reg_every(coffer_ctx *ctx, const char *name, unsigned interval_ms, coffer_task_fn fn,
              void *ud)
{
	if (!may_register(ctx, "every"))
		return COFFER_ESTATE;
	if (name == NULL || fn == NULL || interval_ms == 0)
		return COFFER_EINVAL;
	tasks = reg_grow(tasks, &captasks, ntasks + 1, sizeof *tasks);
	tasks[ntasks++] = (struct task){
		.name = xstrdup(name), .owner = ctx->p, .interval_ms = interval_ms, .fn = fn, .ud = ud};
	return 0;
}

int reg_provide(coffer_ctx *ctx, const char *name, unsigned version, const void *api)
{
	if (!may_register(ctx, "provide"))
		return COFFER_ESTATE;
	bool declared = false;
	for (const struct coffer_service_ref *r = ctx->p->desc->provides; r && r->name; r++)
		declared |= strcmp(r->name, name) == 0;
	if (!declared || api == NULL) {
		LOG_ERR("service not declared in .provides plugin=%s service=%s", reg_pname(ctx->p), name);
		return COFFER_EINVAL;
	}
	for (size_t i = 0; i < nservices; i++) {
		if (strcmp(services[i].name, name) == 0) {
			LOG_ERR("duplicate service service=%s plugin=%s owner=%s", name, reg_pname(ctx->p),
			        reg_pname(services[i].owner));
			return COFFER_EEXIST;
		}
	}
	services = reg_grow(services, &capservices, nservices + 1, sizeof *services);
	services[nservices++] =
		(struct service){.name = xstrdup(name), .version = version, .api = api, .owner = ctx->p};
	return 0;
}

static bool http_method_ok(const char *m)
{
	return m && (strcmp(m, "GET") == 0 || strcmp(m, "POST") == 0 || strcmp(m, "DELETE") == 0);
}

int reg_on_http(coffer_ctx *ctx, const char *method, const char *pattern, coffer_route_fn fn,
                void *ud)
{
	if (!may_register(ctx, "on_http"))
		return COFFER_ESTATE;
	if (!http_method_ok(method) || !router_pattern_valid(pattern) || fn == NULL) {
		LOG_ERR("bad route plugin=%s method=%s pattern=\"%s\" (GET, POST or DELETE on a path "
		        "of literal and {name} segments)",
		        reg_pname(ctx->p), method ? method : "(null)", pattern ? pattern : "(null)");
		return COFFER_EINVAL;
	}
	/* The router's own rule for a clash ("{a}" and "{b}" are the same route). */
	for (size_t i = 0; i < nroutes; i++) {
		struct router one = {0};
		router_add(&one, routes[i].method, routes[i].pattern, NULL);
		int clash = router_add(&one, method, pattern, NULL) == -EEXIST;
		router_free(&one);
		if (clash) {
			LOG_ERR("duplicate route method=%s pattern=\"%s\" plugin=%s owner=%s "
			        "owner_pattern=\"%s\" owner_file=%s",
			        method, pattern, reg_pname(ctx->p), reg_pname(routes[i].owner),
			        routes[i].pattern, routes[i].owner->path);
			return COFFER_EEXIST;
		}
	}
	routes = reg_grow(routes, &caproutes, nroutes + 1, sizeof *routes);
	routes[nroutes++] = (struct route){.method = xstrdup(method), .pattern = xstrdup(pattern),
	                                   .owner = ctx->p, .fn = fn, .ud = ud};
	return 0;
}

int reg_emits(coffer_ctx *ctx, const char *topic_var)
{
	if (!may_register(ctx, "emits"))
		return COFFER_ESTATE;
	if (!reg_topic_var_valid(topic_var)) {
		LOG_ERR("bad emitted topic plugin=%s topic=%s", reg_pname(ctx->p),
		        topic_var ? topic_var : "(null)");
		return COFFER_EINVAL;
	}
	for (size_t i = 0; i < nemitted; i++)
		if (emitted[i].owner == ctx->p && strcmp(emitted[i].topic_var, topic_var) == 0)
			return 0;
	emitted = reg_grow(emitted, &capemitted, nemitted + 1, sizeof *emitted);
	emitted[nemitted++] = (struct emitted){.topic_var = xstrdup(topic_var), .owner = ctx->p};
	return 0;
}

const void *reg_lookup(coffer_ctx *ctx, const char *name, unsigned min_version)
{
	for (size_t i = 0; i < nservices; i++) {
		if (strcmp(services[i].name, name) == 0) {
			if (services[i].version >= min_version)
				return services[i].api;
			LOG_ERR("service too old plugin=%s service=%s has=%u needs=%u",
			        ctx ? reg_pname(ctx->p) : "?", name, services[i].version, min_version);
			return NULL;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ undoing, lists */

/* Undo every registration of @p p. */
void reg_unregister(struct plugin *p)
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
	j = 0;
	for (size_t i = 0; i < nroutes; i++) {
		if (routes[i].owner == p) {
			free(routes[i].method);
			free(routes[i].pattern);
		} else {
			routes[j++] = routes[i];
		}
	}
	nroutes = j;
	j = 0;
	for (size_t i = 0; i < nemitted; i++) {
		if (emitted[i].owner == p)
			free(emitted[i].topic_var);
		else
			emitted[j++] = emitted[i];
	}
	nemitted = j;
}

void reg_free_all(void)
{
	free(handlers);
	free(tasks);
	free(services);
	free(routes);
	free(emitted);
	handlers = NULL;
	tasks = NULL;
	services = NULL;
	routes = NULL;
	emitted = NULL;
	nhandlers = caphandlers = ntasks = captasks = nservices = capservices = 0;
	nroutes = caproutes = nemitted = capemitted = 0;
}

size_t reg_handler_count(void) { return nhandlers; }
struct handler *reg_handler(size_t i) { return &handlers[i]; }
size_t reg_route_count(void) { return nroutes; }
struct route *reg_route(size_t i) { return &routes[i]; }
size_t reg_emitted_count(void) { return nemitted; }
struct emitted *reg_emitted(size_t i) { return &emitted[i]; }
size_t reg_task_count(void) { return ntasks; }
struct task *reg_task(size_t i) { return &tasks[i]; }

const struct handler *reg_find(const char *topic_var, const char *type)
{
	for (size_t i = 0; i < nhandlers; i++)
		if (strcmp(handlers[i].type, type) == 0 && strcmp(handlers[i].topic_var, topic_var) == 0)
			return &handlers[i];
	return NULL;
}
