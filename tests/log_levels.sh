#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/log_levels.sh: two rules of the logs (docs/observability.md "Logs") read
# from the sources, no daemon needed:
#  - each kind of event always logs at one level: every "event=NAME" format in
#    host/, lib/ and plugins/ is the format of a LOG_ERR/WRN/INF/DBG, log_line,
#    COFFER_LOG_ERR/... or COFFER_LOGH call with a literal level, and one NAME
#    has one level everywhere;
#  - every librdkafka client is created by cu_kafka_new (lib/kafka.c), so that
#    its log lines go through the log callback: rd_kafka_new appears nowhere else.
set -euo pipefail
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
exec python3 - "$src" <<'PY'
import os, re, sys
src = sys.argv[1]
tokens = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
def code(text):
    """The text with comments blanked (newlines kept), strings kept."""
    return tokens.sub(lambda m: m.group(0) if m.group(0)[0] in '"\'' else re.sub(r'[^\n]', ' ', m.group(0)), text)
LEVELS = {'ERR': 'error', 'ERROR': 'error', 'WRN': 'warn', 'WARN': 'warn', 'INF': 'info', 'INFO': 'info', 'DBG': 'debug', 'DEBUG': 'debug'}
# What may stand right before the format literal of a call, with its level.
openers = [
    re.compile(r'\bLOG_(ERR|WRN|INF|DBG)\s*\(\s*$'),
    re.compile(r'\blog_line\s*\(\s*COFFER_LOG_(ERROR|WARN|INFO|DEBUG)\s*,\s*[^,()]*(?:\([^()]*\))?[^,()]*,\s*$'),
    re.compile(r'\bCOFFER_LOG_(ERR|WRN|INF|DBG)\s*\(\s*[^,()]+,\s*$'),
    re.compile(r'\bCOFFER_LOGH\s*\([^,()]+,[^,()]+,\s*COFFER_LOG_(ERROR|WARN|INFO|DEBUG)\s*,\s*$'),
]
def sources(*dirs):
    for d in dirs:
        for root, _, files in os.walk(os.path.join(src, d)):
            for f in sorted(files):
                if f.endswith('.c') or f.endswith('.h'):
                    yield os.path.join(root, f)
bad = []
events = {}
for path in sources('host', 'lib', 'plugins'):
    rel = os.path.relpath(path, src)
    text = code(open(path, encoding='utf-8').read())
    for m in re.finditer(r'"event=([A-Za-z0-9_]+)', text):
        line = text.count('\n', 0, m.start()) + 1
        before = text[max(0, m.start() - 300):m.start()]
        lvl = None
        for o in openers:
            mo = o.search(before)
            if mo:
                lvl = LEVELS[mo.group(1)]
                break
        if lvl is None:
            bad.append(f'{rel}:{line}: event={m.group(1)}: not the format of a log call with a literal level')
            continue
        events.setdefault(m.group(1), []).append((lvl, f'{rel}:{line}'))
for name, uses in sorted(events.items()):
    if len({l for l, _ in uses}) > 1:
        bad.append(f'event={name} logs at several levels: ' + ', '.join(f'{l} ({w})' for l, w in uses))
kafka = 0
for path in sources('host', 'lib', 'plugins', 'ctl', 'tests'):
    rel = os.path.relpath(path, src)
    if rel == os.path.join('lib', 'kafka.c'):
        continue
    text = code(open(path, encoding='utf-8').read())
    for m in re.finditer(r'\brd_kafka_new\s*\(', text):
        bad.append(f'{rel}:{text.count(chr(10), 0, m.start()) + 1}: rd_kafka_new outside lib/kafka.c (use cu_kafka_new)')
    kafka += len(re.findall(r'\bcu_kafka_new\s*\(', text))
n = sum(len(u) for u in events.values())
print(f'# {n} event= log calls, {len(events)} event names; {kafka} cu_kafka_new calls')
if n < 20 or kafka < 7:
    bad.append('fewer event= calls or cu_kafka_new calls than expected: is the scan broken?')
for b in bad:
    print('FAIL', b)
sys.exit(1 if bad else 0)
PY
