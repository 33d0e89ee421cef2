#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The sample /etc/default/cofferd (contrib/systemd/default/cofferd) names every
# environment variable cofferd reads, and nothing else (but COFFERD_OPTS, which
# the unit reads). What cofferd reads is derived, not listed here:
#   - the literal names of getenv / env_or / opt_env_uint calls in host/, lib/
#     and the plugins (a getenv of a computed name that is not one of the
#     host's known ones fails this test: teach it the new kind);
#   - the plugin settings, COFFER_<PLUGIN>_<KEY>, from the config/config_int
#     calls in plugins/<name>/ of every plugin `cofferd --list-plugins` loads;
#   - the topic variables those plugins consume and emit (--list-plugins) and
#     the host's DEAD_LETTER_TOPIC.
# Also: every line of the sample is a comment (it sets nothing), and the unit
# reads it and passes COFFERD_OPTS.
set -uo pipefail
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${abs_top_builddir:-${COFFER_BUILD_DIR:-$src/_build}}
sample=$src/contrib/systemd/default/cofferd
unit=$src/contrib/systemd/cofferd.service.in
cofferd=$build/host/cofferd
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
[[ -r $sample && -r $unit ]] || { echo "FAIL: $sample or $unit missing"; exit 1; }
[[ -x $cofferd ]] || { echo "FAIL: $cofferd not built"; exit 1; }

cd "$src" || exit 1
srcs=$(ls host/*.c lib/*.c plugins/*/*.c)
declare -A want=()

# 1. Literal names.
for v in $(grep -ohE '\b(secure_getenv|getenv|env_or|opt_env_uint)\("[A-Za-z_][A-Za-z0-9_]*"' $srcs |
	sed -E 's/.*\("//; s/"$//' | sort -u); do
	want[$v]="literal"
done
# Host settings read through reg_setting (--set host-key=value or COFFER_KEY).
for k in $(grep -ohE '\bnumber_setting\("[a-z_.]+"' $srcs | sed -E 's/.*\("//; s/"$//' | sort -u); do
	v=COFFER_$(tr 'a-z.' 'A-Z_' <<<"$k")
	want[$v]="host setting $k"
done
# Computed names: only the host's wrappers (the name is their argument) and the
# two of host/settings.c (topic variables, plugin settings, both covered below).
allowed=$'host/db.c:const char *v = getenv(name);\nhost/main.c:const char *v = getenv(name);
host/opts.c:const char *v = getenv(name);\nhost/settings.c:const char *env = getenv(var);
host/settings.c:const char *v = getenv(env);
host/settings.c:return getenv(env);'
while IFS= read -r hit; do
	[[ -z $hit ]] && continue
	file=${hit%%:*} text=$(sed -E 's/^[^:]*:[0-9]+:[[:space:]]*//' <<<"$hit")
	grep -qxF "$file:$text" <<<"$allowed" || fail "getenv of a computed name the test does not know: $hit"
done < <(grep -nE '\b(secure_)?getenv\([^")]' $srcs)
while IFS= read -r hit; do
	[[ -z $hit ]] && continue
	grep -qE 'const char \*name' <<<"$hit" && continue # the definitions
	fail "env_or/opt_env_uint of a computed name: $hit"
done < <(grep -nE '\b(env_or|opt_env_uint)\([^")]' $srcs)

# 2. Plugin settings of the plugins cofferd loads, 3. their topic variables.
list=$("$cofferd" --list-plugins 2>/dev/null) || { echo "FAIL: cofferd --list-plugins"; exit 1; }
plugins=$(sed -nE 's/^([a-z][a-z0-9_]*) [0-9]+\.[0-9]+\.[0-9]+ \(abi .*/\1/p' <<<"$list")
[[ -n $plugins ]] || fail "cofferd --list-plugins named no plugin"
for p in $plugins; do
	[[ -d plugins/$p ]] || { fail "plugin $p has no plugins/$p/"; continue; }
	psrc=$(ls plugins/"$p"/*.c)
	for k in $(grep -ohE '\bconfig(_int)?\([A-Za-z_][A-Za-z0-9_>.-]*, "[a-z0-9_]+"' $psrc |
		sed -E 's/.*, "//; s/"$//' | sort -u); do
		want[COFFER_${p^^}_${k^^}]="setting of $p"
	done
	while IFS= read -r hit; do
		[[ -n $hit ]] && fail "plugin setting with a computed key: $hit"
	done < <(grep -nE '\bconfig(_int)?\([A-Za-z_][A-Za-z0-9_>.-]*, [^"]' $psrc)
done
# The host's own settings (reg_config(NULL, "key") = COFFER_HOST_KEY), if any.
for k in $(grep -ohE '\breg_config(_int)?\(NULL, "[a-z0-9_]+"' host/*.c | sed -E 's/.*, "//; s/"$//'); do
	want[COFFER_HOST_${k^^}]="host setting"
done
for v in $(sed -nE 's/^  (handles|emits): ([A-Z][A-Z0-9_]*).*/\2/p' <<<"$list" | sort -u); do
	want[$v]="topic variable"
done
grep -q '"DEAD_LETTER_TOPIC"' host/settings.c && want[DEAD_LETTER_TOPIC]="topic variable"
ok "cofferd reads ${#want[@]} variables ($(echo $plugins))"

# The sample: which variables it mentions (#VAR=default lines).
declare -A has=()
for v in $(grep -oE '^#?[A-Z][A-Z0-9_]*=' "$sample" | tr -d '#='); do has[$v]=1; done
missing=0
for v in $(printf '%s\n' "${!want[@]}" | sort); do
	[[ -n ${has[$v]:-} ]] || { fail "the sample does not mention $v (${want[$v]})"; missing=1; }
done
((missing)) || ok "the sample mentions every one"
for v in $(printf '%s\n' "${!has[@]}" | sort); do
	[[ $v == COFFERD_OPTS || -n ${want[$v]:-} ]] || fail "the sample mentions $v, which cofferd does not read"
done
if grep -vnE '^(#.*)?$' "$sample" >/dev/null; then
	fail "the sample sets something (every line must be a comment): $(grep -vnE '^(#.*)?$' "$sample" | head -3)"
else
	ok "the sample sets nothing"
fi
grep -qx 'EnvironmentFile=-/etc/default/cofferd' "$unit" || fail "the unit does not read /etc/default/cofferd"
grep -qE '^ExecStart=@sbindir@/cofferd \$COFFERD_OPTS$' "$unit" || fail "the unit's ExecStart does not pass \$COFFERD_OPTS"
((fails == 0)) && ok "unit and sample agree"
((fails == 0))
