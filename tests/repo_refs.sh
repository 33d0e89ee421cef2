#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/repo_refs.sh: the repository is self-contained. A clone (or the release
# tarball) must not cite documents it does not ship: no path to the reference
# material the project was built from, no "§n" section numbers of outside
# documents, no markdown link to a missing file or heading, no decision id
# (OP-n, RP-n, DP-n, K-n) that docs/ does not define. It also runs contrib/spdx-headers
# (every tracked source has its SPDX line); outside a git checkout (make distcheck
# runs from the tarball) that part is skipped, since only tracked files count.
#
#     tests/repo_refs.sh [SRCDIR]        # default: $abs_top_srcdir, else the script's ../
#
# Exit 0 = clean, 1 = a finding (each printed as FILE:LINE: what), 77 = no python3.
set -euo pipefail
src=${1:-${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}}
command -v python3 >/dev/null || { echo "SKIP: python3 not found"; exit 77; }
exec python3 - "$src" <<'PY'
import os, re, subprocess, sys

top = os.path.realpath(sys.argv[1])

def git_files():
    try:
        r = subprocess.run(["git", "-C", top, "rev-parse", "--show-toplevel"],
                           capture_output=True, text=True)
        if r.returncode != 0 or os.path.realpath(r.stdout.strip()) != top:
            return None
        out = subprocess.run(["git", "-C", top, "ls-files", "-z"], check=True,
                             capture_output=True).stdout.decode()
        return [p for p in out.split("\0") if p]
    except OSError:
        return None

# Files the autotools generate into a tarball: not the project's text.
GENERATED = re.compile(r"(^|/)(Makefile\.in|configure|aclocal\.m4|config\.h\.in~?|ltmain\.sh|"
                       r"compile|config\.guess|config\.sub|depcomp|install-sh|missing|"
                       r"test-driver|ar-lib|libtool\.m4|lt~obsolete\.m4|ltoptions\.m4|"
                       r"ltsugar\.m4|ltversion\.m4)$")

def walk_files():
    files = []
    for d, dirs, names in os.walk(top):
        dirs[:] = [x for x in dirs if not x.startswith((".git", "_build", "_inst", "autom4te",
                                                           ".deps", ".libs"))]
        for n in names:
            rel = os.path.relpath(os.path.join(d, n), top)
            if not GENERATED.search(rel):
                files.append(rel)
    return files

tracked = git_files()
in_git = tracked is not None
files = sorted(tracked if in_git else walk_files())
fileset = set(files)
dirset = {os.path.dirname(p) for p in files}
for p in list(dirset):
    while p:
        p = os.path.dirname(p)
        dirset.add(p)

SKIP = ("tests/fuzz/corpus/", "tests/fuzz/regressions/", "tests/repo_refs.sh")

# Paths and names of the outside reference material, and its section numbers.
FORBIDDEN = [
    (re.compile(r"\.\./shared|/work/shared|/work/(main|wt)\b"), "path outside the repository"),
    (re.compile(r"\b(ARCHITECTURE|STYLE|ENVIRONMENT)\.md\b"), "outside document"),
    (re.compile(r"\b(inventory|drops|atlas-data)\.md\b"), "outside document"),
    # rest.md alone is the project's docs/rest.md; the outside one lived under spec/.
    (re.compile(r"\bspec/[\w.-]+\.md\b"), "outside document"),
    (re.compile(r"\bseeds/|\b\d{3}_[0-9a-f]{16}(\.txt)?\b"), "outside seed contract"),
    (re.compile(r"§"), "section number of an outside document (cite docs/*.md#anchor)"),
    (re.compile(r"\bthe specs?\b|\bspecs?'s?\b|\bthe seeds?('s)?\b(?! corpus| inputs?)",
                re.I), "cites the outside specification (cite docs/*.md#anchor)"),
]

def slug(heading):
    s = heading.strip().lower()
    s = re.sub(r"[`*]", "", s)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")

def anchors(rel):
    out, seen = set(), {}
    try:
        text = open(os.path.join(top, rel), encoding="utf-8").read()
    except OSError:
        return out
    fence = False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
            continue
        if fence:
            continue
        m = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            s = slug(m.group(1))
            n = seen.get(s, 0)
            seen[s] = n + 1
            out.add(s if n == 0 else "%s-%d" % (s, n))
        for a in re.findall(r"<a (?:id|name)=\"([^\"]+)\"", line):
            out.add(a)
    return out

anchor_cache = {}
def has_anchor(rel, a):
    if rel not in anchor_cache:
        anchor_cache[rel] = anchors(rel)
    return a in anchor_cache[rel]

# Decision ids defined in docs/: a table row "| OP-7 |" (or "| **OP-7** |").
defined = set()
for rel in files:
    if rel.startswith("docs/") and rel.endswith(".md"):
        for line in open(os.path.join(top, rel), encoding="utf-8"):
            m = re.match(r"\|\s*\**((?:OP|RP|DP|K)-\d+)\**\s*\|", line)
            if m:
                defined.add(m.group(1))

findings = []
def finding(rel, n, what):
    findings.append("%s:%d: %s" % (rel, n, what))

DOCREF = re.compile(r"(?<![\w.-])((?:\.\./|[\w.-]+/)*[\w.-]+\.md)#([\w-]+)")
MDLINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
IDREF = re.compile(r"\b((?:OP|RP|DP|K)-\d+)\b")

for rel in files:
    if rel.startswith(SKIP):
        continue
    path = os.path.join(top, rel)
    if not os.path.isfile(path) or os.path.islink(path):
        continue
    data = open(path, "rb").read()
    if b"\0" in data:
        continue
    text = data.decode("utf-8", "replace")
    is_md = rel.endswith(".md")
    for n, line in enumerate(text.splitlines(), 1):
        for rx, what in FORBIDDEN:
            for m in rx.finditer(line):
                finding(rel, n, "%s: %r" % (what, m.group(0)))
        for m in IDREF.finditer(line):
            if m.group(1) not in defined:
                finding(rel, n, "decision id %s is defined nowhere in docs/" % m.group(1))
        for m in DOCREF.finditer(line):
            doc, a = m.group(1), m.group(2)
            # relative to the citing file, else to the top, else a file of docs/
            for cand in (os.path.normpath(os.path.join(os.path.dirname(rel), doc)),
                         os.path.normpath(doc), "docs/" + doc):
                if cand in fileset:
                    doc = cand
                    break
            if doc not in fileset:
                finding(rel, n, "cites %s, which is not in the tree" % m.group(0))
            elif not has_anchor(doc, a):
                finding(rel, n, "%s has no heading #%s" % (doc, a))
        if not is_md:
            continue
        for m in MDLINK.finditer(line):
            target = m.group(1)
            if re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue
            base, _, a = target.partition("#")
            if not base:
                t = rel
            else:
                t = os.path.normpath(os.path.join(os.path.dirname(rel), base))
            if t.startswith(".."):
                finding(rel, n, "link %s leaves the repository" % target)
            elif t not in fileset and t.rstrip("/") not in dirset:
                finding(rel, n, "link %s: no such file in the tree" % target)
            elif a and t.endswith(".md") and not has_anchor(t, a):
                finding(rel, n, "link %s: %s has no heading #%s" % (target, t, a))

rc = 0
for f in findings:
    print(f)
if findings:
    print("FAIL: %d reference(s) to documents outside the repository or missing in it"
          % len(findings))
    rc = 1
else:
    print("ok: %d files, no outside reference, every link and decision id resolves" % len(files))

spdx = os.path.join(top, "contrib", "spdx-headers")
if not in_git:
    print("SKIP (spdx): %s is not a git checkout, the tracked set is unknown" % top)
elif not os.path.isfile(spdx):
    print("FAIL (spdx): contrib/spdx-headers is missing")
    rc = 1
else:
    r = subprocess.run([sys.executable, spdx], capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    sys.stdout.write(r.stderr)
    if r.returncode != 0:
        print("FAIL (spdx): tracked sources without an SPDX line (contrib/spdx-headers --fix)")
        rc = 1
    else:
        print("ok (spdx): every tracked source has its SPDX line")
sys.exit(rc)
PY
