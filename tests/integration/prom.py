#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tests/integration/prom.py: what the observability tests ask of a /metrics text.

  prom.py parse FILE                  strict parse (prometheus_client); exit 1 on error
  prom.py value FILE NAME [L=V]...    sum of NAME's samples whose labels match (0 if none)
  prom.py dashboard JSON FILE         JSON valid, and every coffer_* name in its queries
                                      is a metric of FILE (a family or a sample name)
"""
import json
import re
import sys

from prometheus_client.parser import text_string_to_metric_families


def families(path):
    with open(path, encoding="utf-8") as f:
        return list(text_string_to_metric_families(f.read()))


def main(argv):
    cmd = argv[1]
    if cmd == "parse":
        fams = families(argv[2])
        if not fams:
            print("no metric families", file=sys.stderr)
            return 1
        print(len(fams))
        return 0
    if cmd == "value":
        want = dict(a.split("=", 1) for a in argv[4:])
        total = 0.0
        for fam in families(argv[2]):
            for s in fam.samples:
                if s.name == argv[3] and all(s.labels.get(k) == v for k, v in want.items()):
                    total += s.value
        print(int(total) if total == int(total) else total)
        return 0
    if cmd == "dashboard":
        with open(argv[2], encoding="utf-8") as f:
            dash = json.load(f)
        names = set()
        for fam in families(argv[3]):
            names.add(fam.name)
            for s in fam.samples:
                names.add(s.name)
        exprs = []

        def walk(o):
            if isinstance(o, dict):
                for k, v in o.items():
                    if k in ("expr", "query") and isinstance(v, str):
                        exprs.append(v)
                    else:
                        walk(v)
            elif isinstance(o, list):
                for v in o:
                    walk(v)

        walk(dash)
        used = set()
        for e in exprs:
            used.update(re.findall(r"\bcoffer_[a-z0-9_]+", e))
        missing = sorted(used - names)
        if not used or missing:
            print("unknown metrics: %s" % (", ".join(missing) or "(none used)"), file=sys.stderr)
            return 1
        print(len(used))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
