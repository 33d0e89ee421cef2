/* SPDX-License-Identifier: MIT */
/* tests/unit/test_loader.c: the plugin loader of host/registry.c.
 *
 * Each test loads fixture plugins that are wrong on purpose (built from
 * tests/fixtures/bad_*.c and friends into tests/unit/plugins/), runs the
 * registry as cofferd does (reg_load_file, reg_init_all, reg_start_all) and
 * checks both the outcome and the log line an operator would read: the host
 * log goes to fd 2, which the tests point at a temporary file while the
 * loader runs. The last test dlopens every real plugin built so far and checks
 * its descriptor as docs/plugin-guide.md#abi asks. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <coffer/plugin.h>

#include "registry.h"

#define FIXTURE(name) COFFER_BUILD_DIR "/tests/unit/plugins/.libs/" name ".so"
#define PROBE COFFER_BUILD_DIR "/tests/fixtures/.libs/probe.so"

/* ------------------------------------------------------------------ log capture */

static int saved_stderr = -1;
static char capture_path[64];

static void capture_begin(void)
{
	fflush(stderr);
	snprintf(capture_path, sizeof capture_path, "/tmp/test_loader.XXXXXX");
	int fd = mkstemp(capture_path);
	assert_true(fd >= 0);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
}

/* Stop capturing; returns what the host logged meanwhile (caller frees). The
 * captured text is echoed, so a failing test's log still shows it. */
static char *capture_end(void)
{
	if (saved_stderr < 0)
		return strdup("");
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	FILE *f = fopen(capture_path, "r");
	char *buf = NULL;
	size_t len = 0;
	if (f != NULL) {
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		rewind(f);
		buf = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
		len = fread(buf, 1, (size_t)(n > 0 ? n : 0), f);
		buf[len] = '\0';
		fclose(f);
	}
	unlink(capture_path);
	if (buf == NULL)
		buf = strdup("");
	fprintf(stderr, "%s", buf);
	return buf;
}

static void assert_log_has(const char *log, const char *needle)
{
	if (strstr(log, needle) == NULL) {
		print_error("log line missing: %s\n", needle);
		fail();
	}
}

static int teardown_registry(void **state)
{
	free(capture_end());
	reg_fini_all(false);
	return 0;
}

static struct plugin *plugin_named(const char *name)
{
	for (size_t i = 0; i < reg_plugin_count(); i++)
		if (strcmp(reg_plugin(i)->desc->name, name) == 0)
			return reg_plugin(i);
	return NULL;
}

static size_t tasks_of(const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < reg_task_count(); i++)
		n += strcmp(reg_task(i)->owner->desc->name, name) == 0;
	return n;
}

static size_t handlers_of(const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < reg_handler_count(); i++)
		n += strcmp(reg_handler(i)->owner->desc->name, name) == 0;
	return n;
}

/* ------------------------------------------------------------------ ABI checks */

static void test_loader_refuses_bad_magic(void **state)
{
	capture_begin();
	int rc = reg_load_file(FIXTURE("bad_magic"));
	char *log = capture_end();
	assert_int_equal(rc, COFFER_EABI);
	assert_int_equal(reg_plugin_count(), 0);
	assert_log_has(log, "file=" FIXTURE("bad_magic"));
	assert_log_has(log, "bad magic");
	free(log);
}

static void test_loader_refuses_other_major_naming_both_versions(void **state)
{
	capture_begin();
	int rc = reg_load_file(FIXTURE("bad_major"));
	char *log = capture_end();
	assert_int_equal(rc, COFFER_EABI);
	assert_int_equal(reg_plugin_count(), 0);
	char want[128];
	snprintf(want, sizeof want, "needs coffer ABI %d.0, host has %d.%d", COFFER_ABI_MAJOR + 1,
	         COFFER_ABI_MAJOR, COFFER_ABI_MINOR);
	assert_log_has(log, want);
	assert_log_has(log, "file=" FIXTURE("bad_major"));
	free(log);
}

static void test_loader_refuses_newer_minor_naming_both_versions(void **state)
{
	capture_begin();
	int rc = reg_load_file(FIXTURE("bad_minor"));
	char *log = capture_end();
	assert_int_equal(rc, COFFER_EABI);
	assert_int_equal(reg_plugin_count(), 0);
	char want[128];
	snprintf(want, sizeof want, "needs coffer ABI %d.%d, host has %d.%d", COFFER_ABI_MAJOR,
	         COFFER_ABI_MINOR + 9, COFFER_ABI_MAJOR, COFFER_ABI_MINOR);
	assert_log_has(log, want);
	assert_log_has(log, "file=" FIXTURE("bad_minor"));
	free(log);
}

static void test_loader_loads_older_minor_of_same_major(void **state)
{
	assert_int_equal(reg_load_file(FIXTURE("old_minor")), 0);
	assert_int_equal(reg_plugin_count(), 1);
	assert_int_equal(reg_plugin(0)->desc->abi_major, COFFER_ABI_MAJOR);
	assert_int_equal(reg_plugin(0)->desc->abi_minor, 0);
	assert_int_equal(reg_init_all(), 0);
	assert_true(reg_plugin(0)->inited);
	assert_non_null(reg_find("COMMAND_TOPIC_OLD", "PING"));
}

static void test_loader_refuses_registration_outside_init(void **state)
{
	assert_int_equal(reg_load_file(FIXTURE("old_minor")), 0);
	assert_int_equal(reg_init_all(), 0);
	capture_begin();
	reg_start_all(); /* old_minor's start() tries to register COMMAND_TOPIC_OLD LATE */
	char *log = capture_end();
	assert_null(reg_find("COMMAND_TOPIC_OLD", "LATE"));
	assert_non_null(reg_find("COMMAND_TOPIC_OLD", "PING"));
	assert_log_has(log, "registration outside init refused plugin=old_minor");
	char want[64];
	snprintf(want, sizeof want, "late registration rc=%d", COFFER_ESTATE);
	assert_log_has(log, want);
	free(log);
}

static void test_loader_refuses_file_without_entry_symbol(void **state)
{
	capture_begin();
	int rc = reg_load_file(FIXTURE("bad_noentry"));
	char *log = capture_end();
	assert_int_equal(rc, COFFER_EABI);
	assert_int_equal(reg_plugin_count(), 0);
	assert_log_has(log, "file=" FIXTURE("bad_noentry"));
	assert_log_has(log, "no symbol " COFFER_PLUGIN_ENTRY_SYMBOL);
	free(log);
}

static void test_loader_refuses_descriptor_without_init(void **state)
{
	capture_begin();
	int rc = reg_load_file(FIXTURE("bad_noinit"));
	char *log = capture_end();
	assert_int_equal(rc, COFFER_EABI);
	assert_int_equal(reg_plugin_count(), 0);
	assert_log_has(log, "file=" FIXTURE("bad_noinit"));
	free(log);
}

static void test_loader_refuses_missing_file(void **state)
{
	capture_begin();
	int rc = reg_load_file(FIXTURE("no_such_plugin"));
	char *log = capture_end();
	assert_int_not_equal(rc, 0);
	assert_int_equal(reg_plugin_count(), 0);
	assert_log_has(log, "file=" FIXTURE("no_such_plugin"));
	free(log);
}

static void test_loader_refuses_second_plugin_of_same_name(void **state)
{
	assert_int_equal(reg_load_file(PROBE), 0);
	capture_begin();
	int rc = reg_load_file(PROBE);
	char *log = capture_end();
	assert_int_equal(rc, COFFER_EEXIST);
	assert_int_equal(reg_plugin_count(), 1);
	assert_log_has(log, "already loaded from " PROBE);
	free(log);
}

static void test_loader_finds_plugins_of_a_build_tree_folder(void **state)
{
	/* cofferd --plugin-dir <build>/tests/fixtures: the .so is in .libs/. */
	assert_int_equal(reg_load_dir(COFFER_BUILD_DIR "/tests/fixtures"), 1);
	assert_int_equal(reg_plugin_count(), 1);
	assert_string_equal(reg_plugin(0)->desc->name, "probe");
}

/* ------------------------------------------------------------------ init */

static void test_loader_undoes_registrations_of_failing_init(void **state)
{
	assert_int_equal(reg_load_file(PROBE), 0);
	assert_int_equal(reg_load_file(FIXTURE("bad_init")), 0);
	capture_begin();
	int rc = reg_init_all();
	char *log = capture_end();
	/* bad_init is optional: start-up goes on without it. */
	assert_int_equal(rc, 0);
	struct plugin *bad = plugin_named("bad_init");
	assert_non_null(bad);
	assert_false(bad->inited);
	assert_true(bad->failed);
	assert_null(reg_find("COMMAND_TOPIC_BADINIT", "PUT"));
	assert_int_equal(handlers_of("bad_init"), 0);
	assert_int_equal(tasks_of("bad_init"), 0);
	assert_null(reg_host()->lookup(NULL, "bad_init", 1));
	/* probe's registrations are untouched. */
	assert_true(plugin_named("probe")->inited);
	assert_non_null(reg_find("COMMAND_TOPIC_PROBE", "PUT"));
	assert_non_null(reg_find("EVENT_TOPIC_PROBE_STATUS", "BUMP"));
	assert_int_equal(tasks_of("probe"), 1);
	assert_non_null(reg_host()->lookup(NULL, "probe", 1));
	assert_log_has(log, "failing on purpose after registering");
	assert_log_has(log, "plugin init failed plugin=bad_init");
	free(log);
}

static void test_loader_skips_plugin_whose_provider_failed(void **state)
{
	assert_int_equal(reg_load_file(FIXTURE("needs_bad_init")), 0);
	assert_int_equal(reg_load_file(FIXTURE("bad_init")), 0);
	capture_begin();
	int rc = reg_init_all();
	char *log = capture_end();
	assert_int_equal(rc, 0); /* both optional */
	assert_false(plugin_named("bad_init")->inited);
	assert_false(plugin_named("needs_bad_init")->inited);
	assert_null(reg_find("COMMAND_TOPIC_NEEDS", "BADINIT"));
	assert_int_equal(reg_handler_count(), 0);
	assert_log_has(log, "plugin=needs_bad_init needs=bad_init");
	free(log);
}

static void test_loader_refuses_duplicate_claim_naming_both_plugins(void **state)
{
	assert_int_equal(reg_load_file(PROBE), 0);
	assert_int_equal(reg_load_file(FIXTURE("bad_dup")), 0);
	capture_begin();
	int rc = reg_init_all();
	char *log = capture_end();
	assert_int_equal(rc, 0); /* bad_dup is optional */
	const struct handler *h = reg_find("COMMAND_TOPIC_PROBE", "PUT");
	assert_non_null(h);
	assert_string_equal(h->owner->desc->name, "probe");
	assert_false(plugin_named("bad_dup")->inited);
	/* The pair it registered before the clash is undone too. */
	assert_null(reg_find("COMMAND_TOPIC_DUPOWN", "MINE"));
	assert_log_has(log, "duplicate claim topic=COMMAND_TOPIC_PROBE type=PUT plugin=bad_dup owner=probe");
	assert_log_has(log, PROBE);
	assert_log_has(log, FIXTURE("bad_dup"));
	free(log);
}

static void test_loader_fails_start_up_on_duplicate_claim_of_required_plugin(void **state)
{
	assert_int_equal(reg_load_file(PROBE), 0);
	assert_int_equal(reg_load_file(FIXTURE("bad_dup_required")), 0);
	capture_begin();
	int rc = reg_init_all();
	char *log = capture_end();
	assert_int_not_equal(rc, 0);
	assert_false(plugin_named("bad_dup_required")->inited);
	assert_string_equal(reg_find("COMMAND_TOPIC_PROBE", "PUT")->owner->desc->name, "probe");
	assert_log_has(log, "duplicate claim topic=COMMAND_TOPIC_PROBE type=PUT "
	                    "plugin=bad_dup_required owner=probe");
	free(log);
}

static void test_loader_inits_providers_before_their_users(void **state)
{
	/* Loaded first, needs_probe must still init after probe (its init fails
	 * when the probe service is not there yet). */
	assert_int_equal(reg_load_file(FIXTURE("needs_probe")), 0);
	assert_int_equal(reg_load_file(PROBE), 0);
	capture_begin();
	int rc = reg_init_all();
	char *log = capture_end();
	assert_int_equal(rc, 0);
	assert_int_equal(reg_plugin_count(), 2);
	assert_string_equal(reg_plugin(0)->desc->name, "probe");
	assert_string_equal(reg_plugin(1)->desc->name, "needs_probe");
	assert_true(reg_plugin(0)->inited);
	assert_true(reg_plugin(1)->inited);
	assert_non_null(reg_find("COMMAND_TOPIC_NEEDS", "PING"));
	free(log);
}

static void test_loader_fails_start_up_when_required_service_is_missing(void **state)
{
	assert_int_equal(reg_load_file(FIXTURE("needs_missing")), 0);
	assert_int_equal(reg_load_file(PROBE), 0);
	capture_begin();
	int rc = reg_init_all();
	char *log = capture_end();
	assert_int_not_equal(rc, 0);
	assert_false(plugin_named("needs_missing")->inited);
	assert_true(plugin_named("probe")->inited);
	/* Its init was never called. */
	assert_null(reg_find("COMMAND_TOPIC_NEEDS", "MISSING"));
	assert_log_has(log, "plugin needs a missing service plugin=needs_missing "
	                    "service=no_such_service");
	free(log);
}

static void test_loader_fails_start_up_when_required_service_is_too_old(void **state)
{
	assert_int_equal(reg_load_file(FIXTURE("needs_newer")), 0);
	assert_int_equal(reg_load_file(PROBE), 0);
	capture_begin();
	int rc = reg_init_all();
	char *log = capture_end();
	assert_int_not_equal(rc, 0);
	assert_false(plugin_named("needs_newer")->inited);
	assert_true(plugin_named("probe")->inited);
	assert_null(reg_find("COMMAND_TOPIC_NEEDS", "NEWER"));
	assert_log_has(log, "plugin needs a newer service plugin=needs_newer service=probe "
	                    "version=2 provided=1 by=probe");
	free(log);
}

/* ------------------------------------------------------------------ real plugins */

static bool name_ok(const char *s)
{
	if (s == NULL || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static int check_refs(const char *so, const char *what, const struct coffer_service_ref *r)
{
	int bad = 0;
	size_t n = 0;
	for (; r && r->name && n < 32; r++, n++) {
		if (!name_ok(r->name) || r->version == 0) {
			print_error("%s: %s entry %zu (%s/%u) is not a valid service reference\n", so, what,
			            n, r->name, r->version);
			bad++;
		}
	}
	if (n == 32) {
		print_error("%s: %s list not terminated by {NULL, 0}\n", so, what);
		bad++;
	}
	return bad;
}

/* Exported dynamic symbols other than the entry (nm -D); -1 when nm is missing. */
static int extra_exports(const char *so)
{
	char cmd[PATH_MAX + 64];
	snprintf(cmd, sizeof cmd, "nm -D --defined-only '%s' 2>/dev/null", so);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	char line[512];
	int extra = 0, seen = 0;
	while (fgets(line, sizeof line, p)) {
		char addr[64], type[8], sym[400];
		if (sscanf(line, "%63s %7s %399s", addr, type, sym) != 3)
			continue;
		seen++;
		/* Linker-defined markers are not the plugin's symbols. */
		if (strcmp(sym, COFFER_PLUGIN_ENTRY_SYMBOL) == 0 || strcmp(sym, "_init") == 0 ||
		    strcmp(sym, "_fini") == 0 || strcmp(sym, "_edata") == 0 || strcmp(sym, "_end") == 0 ||
		    strcmp(sym, "__bss_start") == 0)
			continue;
		print_error("%s exports %s besides %s\n", so, sym, COFFER_PLUGIN_ENTRY_SYMBOL);
		extra++;
	}
	int st = pclose(p);
	return st != 0 || seen == 0 ? -1 : extra;
}

static int validate_descriptor(const char *so)
{
	int bad = 0;
	void *dl = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		/* RTLD_NOW in a binary without -rdynamic: a host symbol used directly fails here. */
		print_error("%s: dlopen: %s\n", so, dlerror());
		return 1;
	}
	coffer_plugin_entry_fn entry;
	*(void **)&entry = dlsym(dl, COFFER_PLUGIN_ENTRY_SYMBOL);
	const struct coffer_plugin *d = entry ? entry() : NULL;
	if (d == NULL) {
		print_error("%s: no descriptor from %s\n", so, COFFER_PLUGIN_ENTRY_SYMBOL);
		dlclose(dl);
		return 1;
	}
	/* The folder plugins/<name>/ and the file <name>.so carry the plugin's name. */
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", so);
	char *libs = strstr(dir, "/.libs/");
	const char *folder = NULL;
	if (libs) {
		*libs = '\0';
		folder = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	}
	const char *base = strrchr(so, '/') ? strrchr(so, '/') + 1 : so;
	if (d->magic != COFFER_PLUGIN_MAGIC) {
		print_error("%s: magic %#x\n", so, d->magic);
		bad++;
	}
	if (d->abi_major != COFFER_ABI_MAJOR || d->abi_minor > COFFER_ABI_MINOR) {
		print_error("%s: ABI %u.%u, host %d.%d\n", so, d->abi_major, d->abi_minor,
		            COFFER_ABI_MAJOR, COFFER_ABI_MINOR);
		bad++;
	}
	if (d->size != sizeof(struct coffer_plugin)) {
		print_error("%s: descriptor size %u, header's %zu\n", so, d->size,
		            sizeof(struct coffer_plugin));
		bad++;
	}
	if ((d->flags & ~(uint32_t)COFFER_PLUGIN_REQUIRED) != 0) {
		print_error("%s: unknown flags %#x\n", so, d->flags);
		bad++;
	}
	if (!name_ok(d->name)) {
		print_error("%s: name \"%s\" is not [a-z][a-z0-9_]*\n", so, d->name ? d->name : "(null)");
		bad++;
	} else {
		char want[256];
		snprintf(want, sizeof want, "%s.so", d->name);
		if (strcmp(base, want) != 0 || (folder && strcmp(folder, d->name) != 0)) {
			print_error("%s: plugin \"%s\" must be plugins/%s/%s.so\n", so, d->name, d->name,
			            d->name);
			bad++;
		}
	}
	if (d->version == NULL || *d->version == '\0') {
		print_error("%s: no version\n", so);
		bad++;
	}
	if (d->summary == NULL || *d->summary == '\0') {
		print_error("%s: no summary\n", so);
		bad++;
	}
	if (d->init == NULL) {
		print_error("%s: no init\n", so);
		bad++;
	}
	bad += check_refs(so, "requires", d->requires);
	bad += check_refs(so, "provides", d->provides);
	dlclose(dl);
	int extra = extra_exports(so);
	if (extra < 0)
		print_message("%s: nm not available, exports not checked\n", so);
	else
		bad += extra;
	return bad;
}

static bool provider_loaded(const char *svc)
{
	for (size_t i = 0; i < reg_plugin_count(); i++)
		for (const struct coffer_service_ref *r = reg_plugin(i)->desc->provides; r && r->name; r++)
			if (strcmp(r->name, svc) == 0)
				return true;
	return false;
}

static void test_loader_validates_every_built_plugin(void **state)
{
	glob_t g;
	int grc = glob(COFFER_BUILD_DIR "/plugins/*/.libs/*.so", 0, NULL, &g);
	if (grc != 0 || g.gl_pathc == 0) {
		if (grc == 0)
			globfree(&g);
		print_message("no plugin built under " COFFER_BUILD_DIR "/plugins yet: skipped\n");
		skip();
	}
	int bad = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		int b = validate_descriptor(g.gl_pathv[i]);
		print_message("%s %s\n", b ? "BAD" : "ok ", g.gl_pathv[i]);
		bad += b;
	}
	/* Together they load and init with no clash (init needs no database). */
	capture_begin();
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (reg_load_file(g.gl_pathv[i]) != 0)
			bad++;
	reg_init_all();
	char *log = capture_end();
	for (size_t i = 0; i < reg_plugin_count(); i++) {
		struct plugin *p = reg_plugin(i);
		if (p->inited)
			continue;
		bool missing = false;
		for (const struct coffer_service_ref *r = p->desc->requires; r && r->name; r++)
			missing |= !provider_loaded(r->name);
		if (missing) {
			print_message("%s: a service it needs is not built yet: init not checked\n",
			              p->desc->name);
		} else {
			print_error("%s: init failed with every built plugin loaded\n", p->desc->name);
			bad++;
		}
	}
	free(log);
	globfree(&g);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_loader_refuses_bad_magic, teardown_registry),
		cmocka_unit_test_teardown(test_loader_refuses_other_major_naming_both_versions,
		                          teardown_registry),
		cmocka_unit_test_teardown(test_loader_refuses_newer_minor_naming_both_versions,
		                          teardown_registry),
		cmocka_unit_test_teardown(test_loader_loads_older_minor_of_same_major, teardown_registry),
		cmocka_unit_test_teardown(test_loader_refuses_registration_outside_init, teardown_registry),
		cmocka_unit_test_teardown(test_loader_refuses_file_without_entry_symbol, teardown_registry),
		cmocka_unit_test_teardown(test_loader_refuses_descriptor_without_init, teardown_registry),
		cmocka_unit_test_teardown(test_loader_refuses_missing_file, teardown_registry),
		cmocka_unit_test_teardown(test_loader_refuses_second_plugin_of_same_name,
		                          teardown_registry),
		cmocka_unit_test_teardown(test_loader_finds_plugins_of_a_build_tree_folder,
		                          teardown_registry),
		cmocka_unit_test_teardown(test_loader_undoes_registrations_of_failing_init,
		                          teardown_registry),
		cmocka_unit_test_teardown(test_loader_skips_plugin_whose_provider_failed, teardown_registry),
		cmocka_unit_test_teardown(test_loader_refuses_duplicate_claim_naming_both_plugins,
		                          teardown_registry),
		cmocka_unit_test_teardown(test_loader_fails_start_up_on_duplicate_claim_of_required_plugin,
		                          teardown_registry),
		cmocka_unit_test_teardown(test_loader_inits_providers_before_their_users, teardown_registry),
		cmocka_unit_test_teardown(test_loader_fails_start_up_when_required_service_is_missing,
		                          teardown_registry),
		cmocka_unit_test_teardown(test_loader_fails_start_up_when_required_service_is_too_old,
		                          teardown_registry),
		cmocka_unit_test_teardown(test_loader_validates_every_built_plugin, teardown_registry),
	};
	return cmocka_run_group_tests_name("test_loader", tests, NULL, NULL);
}
