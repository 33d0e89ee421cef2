/* SPDX-License-Identifier: MIT */
/* host/settings.c: plugin settings (--set, COFFER_<PLUGIN>_<KEY>), topic names
 * (--topic, the environment), and the per-tenant feature switch. */
#include "registry.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "opts.h"
#include "xalloc.h"

struct kv {
	char *k, *v;
};
static struct kv *settings, *topics;
static size_t nsettings, ntopics;
static pthread_mutex_t topic_lock = PTHREAD_MUTEX_INITIALIZER;
static bool (*enabled_fn)(const char *plugin, const char *tenant);

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

static int kv_set(struct kv **arr, size_t *n, const char *k, size_t klen, const char *v)
{
	for (size_t i = 0; i < *n; i++) {
		if (strlen((*arr)[i].k) == klen && strncmp((*arr)[i].k, k, klen) == 0) {
			free((*arr)[i].v);
			(*arr)[i].v = xstrdup(v);
			return 0;
		}
	}
	*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
	(*arr)[*n].k = xstrndup(k, klen);
	(*arr)[*n].v = xstrdup(v);
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

const char *reg_setting(const char *full, char *env, size_t cap)
{
	size_t j = 0;
	j += (size_t)snprintf(env, cap, "COFFER_");
	for (const char *s = full; *s && j + 1 < cap; s++)
		env[j++] = *s == '.' ? '_' : (char)toupper((unsigned char)*s);
	env[j] = '\0';
	for (size_t i = 0; i < nsettings; i++)
		if (strcmp(settings[i].k, full) == 0)
			return settings[i].v;
	return getenv(env);
}

const char *reg_config(coffer_ctx *ctx, const char *key, const char *def)
{
	const char *plugin = ctx ? reg_pname(ctx->p) : "host";
	char full[256], env[256];
	snprintf(full, sizeof full, "%s.%s", plugin, key);
	const char *v = reg_setting(full, env, sizeof env);
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
int64_t reg_config_int(coffer_ctx *ctx, const char *key, int64_t def)
{
	const char *v = reg_config(ctx, key, NULL);
	if (v == NULL)
		return def;
	long long x;
	if (!opt_parse_ll(v, INT64_MIN, INT64_MAX, &x)) {
		const char *plugin = ctx ? reg_pname(ctx->p) : "host";
		char env[256];
		size_t j = (size_t)snprintf(env, sizeof env, "COFFER_");
		for (const char *s = plugin; *s && j + 1 < sizeof env; s++)
			env[j++] = (char)toupper((unsigned char)*s);
		if (j + 1 < sizeof env)
			env[j++] = '_';
		for (const char *s = key; *s && j + 1 < sizeof env; s++)
			env[j++] = (char)toupper((unsigned char)*s);
		env[j] = '\0';
		if (reg_initing() != NULL) {
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
