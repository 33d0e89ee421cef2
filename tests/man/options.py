#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/man/options.py: the man pages document exactly the options --help lists.

  options.py --cofferd PATH --cofferctl PATH --man DIR --example FILE.c

What --help lists:
  cofferd --help          every option that starts a line (the term before the
                          description: "--db-host HOST", "--help, --version").
  cofferctl --help        the global options likewise, from the text before the
                          "Commands:" line; then each command: a line of the
                          Commands block at its least indentation starting with
                          a word is a command (its first word), and every option
                          written in that command's lines (the line and the ones
                          below it, up to the next command) is one of its
                          options, except "cofferd --option" (a reference to
                          cofferd). A command whose own --help exits 0
                          (cofferctl status --help) adds the options of that text.
What a man page documents:
  cofferd.8               the tags (.It lines) of the OPTIONS section.
  cofferctl.1             the tags of OPTIONS (the global options); in COMMANDS,
                          each subsection (.Ss) is a command, its first word
                          ("templates import" is templates), and the tags in it
                          are its options.
  Tags are read from the source: mdoc ".It Fl -db-host Ar host" (Fl adds a dash to
  each argument), escapes (\\-, \\&, \\fB) removed; man(7) ".TP" tag lines and
  ".IP" tags are read too (the pages converted by `mandoc -T man` pass).
Both ways are checked: an option --help lists that the page lacks, and an option
the page documents that --help does not list. Every long option written with Fl
anywhere in the three pages must also appear in one of the help texts.
A self-check first proves the comparison catches a removed and an added option.
Also: the example plugin of coffer-plugin.7 (the first literal display of its
EXAMPLES) is contrib/examples/hello/hello.c, the same C tokens (comments and
layout aside), so the page shows the code tests/integration/hello_example.sh builds.
Exit 0 when everything matches, 1 otherwise (each difference on its own line).
"""
import argparse
import os
import re
import subprocess
import sys

LONG_OR_SHORT = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[A-Za-z])(?![A-Za-z0-9_-])")
LONG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)(?![A-Za-z0-9_-])")
# "cofferd --list-plugins", "`cofferd --embedded-kafka-file`": cofferd's, not this command's.
COFFERD_REF = re.compile(r"\bcofferd\s+--?[A-Za-z][\w-]*")
MDOC_MACRO = re.compile(r"^[A-Z][a-z]{1,2}$")


# ------------------------------------------------------------------ --help texts

def opts_in(text, pattern=LONG_OR_SHORT):
    return set(pattern.findall(COFFERD_REF.sub(" ", text)))


def help_defs(text):
    """Options that start a line: the term before the description column."""
    found = set()
    for line in text.splitlines():
        s = line.strip()
        if not s.startswith("-"):
            continue
        term = re.split(r"\s{2,}", s, maxsplit=1)[0]
        found |= opts_in(term)
    return found


def ctl_commands(text):
    """{command: options} of the Commands block of cofferctl --help."""
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if re.match(r"^(\S.*\s)?commands?:\s*$", l, re.I)), None)
    if start is None:
        raise SystemExit("cofferctl --help: no 'Commands:' line")
    block = []
    for l in lines[start + 1:]:
        if not l.strip():
            break
        block.append(l)
    indent = min(len(l) - len(l.lstrip()) for l in block)
    cmds, cur = {}, None
    for l in block:
        ind = len(l) - len(l.lstrip())
        m = re.match(r"([a-z][a-z0-9-]*)\b", l.lstrip())
        if ind == indent and m:
            cur = m.group(1)
            cmds.setdefault(cur, set())
        if cur is not None:
            cmds[cur] |= opts_in(l)
    return cmds, "\n".join(lines[:start])


def run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30,
                       universal_newlines=True)
    return p.returncode, p.stdout


# ------------------------------------------------------------------ man sources

def normalise(line):
    line = line.replace("\\&", "").replace("\\-", "-").replace("\\e", "\\")
    line = re.sub(r"\\f(\[[^]]*\]|\(..|.)", "", line)
    return line


def tokens(line):
    return [t.strip('"') for t in re.findall(r'"[^"]*"|\S+', line)]


def fl_args(toks):
    """Options written with the mdoc Fl macro: a dash before each argument."""
    out, on = set(), False
    for t in toks:
        if t == "Fl":
            on = True
        elif MDOC_MACRO.match(t):
            on = False
        elif on and re.match(r"^-?[A-Za-z]", t):
            m = LONG_OR_SHORT.match("-" + t)
            if m:
                out.add(m.group(1))
    return out


def read_page(path):
    """(tags, flags): tags = {(section, subsection): options of list tags};
    flags = every option written with Fl anywhere."""
    tags, flags = {}, set()
    sh = ss = None
    tag_next = False
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = normalise(raw.rstrip("\n"))
            if line.startswith(".\\\"") or line.startswith("'\\\""):
                continue
            if tag_next and not line.startswith("."):  # man(7): the line after .TP
                tags.setdefault((sh, ss), set()).update(opts_in(line))
                tag_next = False
                continue
            if not line.startswith("."):
                continue
            toks = tokens(line[1:])
            if not toks:
                continue
            mac, args = toks[0], toks[1:]
            if mac in ("Sh", "SH"):
                sh, ss = " ".join(args).upper(), None
                continue
            if mac in ("Ss", "SS"):
                ss = " ".join(args)
                continue
            tag_next = mac == "TP"
            flags |= fl_args(toks)
            if mac in ("It", "IP", "TP"):
                found = fl_args(args)
                rest = [t for t in args if t != "Fl"]
                found |= opts_in(" ".join(rest)) if mac != "It" else {
                    o for t in rest if t.startswith("--") for o in opts_in(t, LONG)}
                if found:
                    tags.setdefault((sh, ss), set()).update(found)
    return tags, flags


def section_opts(tags, sh):
    out = set()
    for (s, _), v in tags.items():
        if s == sh:
            out |= v
    return out


def subsection_opts(tags, sh, subsections):
    """{first word of a subsection: options}, every subsection of sh included."""
    out = {}
    for name in subsections:
        out.setdefault(name.split()[0], set())
    for (s, sub), v in tags.items():
        if s == sh and sub:
            out.setdefault(sub.split()[0], set()).update(v)
    return out


def subsections_of(path, sh_want):
    names, sh = [], None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            t = tokens(normalise(raw.strip())[1:]) if raw.startswith(".") else []
            if t and t[0] in ("Sh", "SH"):
                sh = " ".join(t[1:]).upper()
            elif t and t[0] in ("Ss", "SS") and sh == sh_want:
                names.append(" ".join(t[1:]))
    return names


def c_tokens(text):
    return re.findall(r'"(?:\\.|[^"\\])*"|\w+|\S', re.sub(r"/\*.*?\*/", " ", text, flags=re.S))


def example_of(path):
    """The first literal display (.Bd ... .Ed) of the EXAMPLES section, unescaped."""
    out, sh, inside = [], None, False
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            t = tokens(line[1:]) if line.startswith(".") else []
            if inside:
                if t and t[0] == "Ed":
                    break
                out.append(line.replace("\\e", "\\").replace("\\&", ""))
            elif t and t[0] == "Sh":
                sh = " ".join(t[1:]).upper()
            elif t and t[0] == "Bd" and sh == "EXAMPLES":
                inside = True
    return "\n".join(out)


# ------------------------------------------------------------------ comparison

def compare(what, listed, documented, where, errors):
    for o in sorted(listed - documented):
        errors.append(f"{where}: {o} is listed by {what} but not documented")
    for o in sorted(documented - listed):
        errors.append(f"{where}: {o} is documented but {what} does not list it")


def check(cofferd_help, ctl_help, sub_helps, pages):
    """All differences, as lines; empty when the pages match the help texts."""
    errors = []
    d_opts = help_defs(cofferd_help)
    d_tags, d_flags = pages["cofferd.8"]
    compare("`cofferd --help`", d_opts, section_opts(d_tags, "OPTIONS"), "cofferd.8 OPTIONS", errors)

    cmds, global_text = ctl_commands(ctl_help)
    for cmd, text in sub_helps.items():
        cmds.setdefault(cmd, set()).update(opts_in(text))
    c_global = help_defs(global_text)
    c_tags, c_flags = pages["cofferctl.1"]
    compare("`cofferctl --help`", c_global, section_opts(c_tags, "OPTIONS"),
            "cofferctl.1 OPTIONS", errors)
    man_cmds = subsection_opts(c_tags, "COMMANDS", pages["cofferctl.1 subsections"])
    for c in sorted(set(cmds) - set(man_cmds)):
        errors.append(f"cofferctl.1 COMMANDS: command {c} is listed by `cofferctl --help` "
                      "but has no subsection")
    for c in sorted(set(man_cmds) - set(cmds)):
        errors.append(f"cofferctl.1 COMMANDS: subsection {c} is not a command of "
                      "`cofferctl --help`")
    for c in sorted(set(cmds) & set(man_cmds)):
        compare(f"`cofferctl --help` for {c}", cmds[c], man_cmds[c],
                f"cofferctl.1 COMMANDS {c}", errors)

    # Options written anywhere in the help texts ("--command-topic-drop drops" is an
    # example of cofferd's topic options).
    every = set(LONG.findall("\n".join([cofferd_help, ctl_help] + list(sub_helps.values()))))
    for name, flags in (("cofferd.8", d_flags), ("cofferctl.1", c_flags),
                        ("coffer-plugin.7", pages["coffer-plugin.7"][1])):
        for o in sorted(flags - every):
            if o.startswith("--"):
                errors.append(f"{name}: {o} is written as an option but neither cofferd "
                              "nor cofferctl lists it")
    return errors, d_opts, c_global, cmds


def self_check(cofferd_help, ctl_help, sub_helps, pages):
    """The comparison must see a removed and an added option, in both pages."""
    d_tags, d_flags = pages["cofferd.8"]
    one = sorted(section_opts(d_tags, "OPTIONS"))[0]
    cut = {k: v - {one} for k, v in d_tags.items()}
    p = dict(pages, **{"cofferd.8": (cut, d_flags)})
    errs, *_ = check(cofferd_help, ctl_help, sub_helps, p)
    assert any(one in e and "not documented" in e for e in errs), "a removed tag went unseen"
    errs, *_ = check(cofferd_help + "\n  --zz-new-option N   new\n", ctl_help, sub_helps, pages)
    assert any("--zz-new-option" in e for e in errs), "a new cofferd option went unseen"
    bad = ctl_help.replace("[--to-end]", "[--to-end] [--zz-new]", 1)
    assert bad != ctl_help, "cofferctl --help no longer shows [--to-end]: update the self-check"
    errs, *_ = check(cofferd_help, bad, sub_helps, pages)
    assert any("watch" in e and "--zz-new" in e for e in errs), "a new watch option went unseen"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cofferd", required=True)
    ap.add_argument("--cofferctl", required=True)
    ap.add_argument("--man", required=True)
    ap.add_argument("--example", required=True)
    a = ap.parse_args()

    rc, cofferd_help = run([a.cofferd, "--help"])
    if rc != 0 or not cofferd_help.strip():
        raise SystemExit(f"{a.cofferd} --help: exit status {rc}")
    rc, ctl_help = run([a.cofferctl, "--help"])
    if rc != 0 or not ctl_help.strip():
        raise SystemExit(f"{a.cofferctl} --help: exit status {rc}")
    cmds, _ = ctl_commands(ctl_help)
    sub_helps = {}
    for c in cmds:
        rc, out = run([a.cofferctl, c, "--help"])
        if rc == 0 and out.strip():
            sub_helps[c] = out

    pages = {}
    for name in ("cofferd.8", "cofferctl.1", "coffer-plugin.7"):
        pages[name] = read_page(os.path.join(a.man, name))
    pages["cofferctl.1 subsections"] = subsections_of(os.path.join(a.man, "cofferctl.1"), "COMMANDS")

    self_check(cofferd_help, ctl_help, sub_helps, pages)
    errors, d_opts, c_global, cmds = check(cofferd_help, ctl_help, sub_helps, pages)
    with open(a.example, encoding="utf-8") as f:
        want = c_tokens(f.read())
    got = c_tokens(example_of(os.path.join(a.man, "coffer-plugin.7")))
    if got != want:
        at = next((i for i, (x, y) in enumerate(zip(got, want)) if x != y), min(len(got), len(want)))
        errors.append(f"coffer-plugin.7 EXAMPLES: the example is not {a.example} (token {at}: "
                      f"{' '.join(got[at:at + 6])!r} in the page, {' '.join(want[at:at + 6])!r} in the file)")
    for e in errors:
        print("FAIL " + e)
    if errors:
        print(f"{len(errors)} difference(s) between man/ and what it documents (see the header of {sys.argv[0]})")
        return 1
    print(f"ok cofferd.8: {len(d_opts)} options, as `cofferd --help`")
    print(f"ok coffer-plugin.7: its example is {os.path.basename(a.example)} ({len(want)} C tokens)")
    print(f"ok cofferctl.1: {len(c_global)} global options and {len(cmds)} commands "
          f"({', '.join(f'{c} {len(v)}' for c, v in sorted(cmds.items()))}), as `cofferctl --help`"
          + (f" and `cofferctl {' '.join(sorted(sub_helps))} --help`" if sub_helps else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
