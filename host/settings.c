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

const char *reg_config(coffer_ctx *ctx, const char *key, const char *def)
{
	const char *plugin = ctx ? reg_pname(ctx->p) : "host";
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

int64_t reg_config_int(coffer_ctx *ctx, const char *key, int64_t def)
{
	const char *v = reg_config(ctx, key, NULL);
	if (v == NULL)
		return def;
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (errno || end == v || *end) {
		LOG_WRN("setting is not a number plugin=%s key=%s value=\"%s\" default=%lld",
		        ctx ? reg_pname(ctx->p) : "?", key, v, (long long)def);
		return def;
	}
	return x;
}
