#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A stand-in for the game-data service (docs/item-data.md) on 127.0.0.1, for the tests.

Serves GET /api/data/{consumables,setups,etcs}/{id}, /api/data/equipment/{id} and
/api/data/equipment/{id}/slots for a few templates, answering like the real service: 404 for
an unknown stackable, 500 for unknown equipment, 400 when a tenant header is missing.

Prints its port on stdout (first line) once it listens. Control endpoints (any method):
  /control/mode/{normal|404|500|503|slow|garbage|wrongtype|range}[?ms=N]
      how every data request is answered from now on (slow: wait ms, then answer normally)
  /control/count          {"total": N, "paths": {path: n}, "headers": {last request's}}
  /control/reset          counters to zero, mode normal
Usage: fake_data_service.py [--port N]
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

CONSUMABLES = {
    2000000: {"slotMax": 100, "rechargeable": False, "price": 25},
    2000001: {"slotMax": 100, "rechargeable": False, "price": 50},
    2070000: {"slotMax": 1000, "rechargeable": True, "price": 500},
}
SETUPS = {3010000: {"price": 1, "slotMax": 1, "recoveryHP": 50}}
ETCS = {4000000: {"price": 1, "unitPrice": 0, "slotMax": 200},
        4000001: {"price": 1, "unitPrice": 0, "slotMax": 3}}
# id -> (statistics attributes, slot code, slot name, positions as the service lists them)
EQUIPMENT = {
    1302000: ({"weaponAttack": 17, "slots": 7, "cash": False, "price": 1}, "Wp", "WEAPON", [-11]),
    1040002: ({"weaponDefense": 3, "slots": 7, "cash": False, "price": 1}, "Ma", "TOP", [-5]),
    1002140: ({"strength": 1, "dexterity": 1, "slots": 0, "cash": True, "price": 0}, "Cp", "HAT", [-1]),
    # after a restart of the real service every ring position reads -12
    1112000: ({"luck": 1, "slots": 5, "cash": False, "price": 1}, "Ri", "RING", [-12, -12, -12, -12]),
}
STAT_NAMES = ["strength", "dexterity", "intelligence", "luck", "hp", "mp", "weaponAttack",
              "magicAttack", "weaponDefense", "magicDefense", "accuracy", "avoidability",
              "speed", "jump", "slots"]

state = {"mode": "normal", "ms": 0, "total": 0, "paths": {}, "headers": {}}
lock = threading.Lock()


def statistics(tid):
    attrs, code, name, _ = EQUIPMENT[tid]
    full = {k: attrs.get(k, 0) for k in STAT_NAMES}
    full["cash"] = attrs.get("cash", False)
    full["price"] = attrs.get("price", 0)
    return {"data": {"type": "statistics", "id": str(tid), "attributes": full,
                     "relationships": {"slots": {
                         "links": {"related": "/api/statistics/%d/slots" % tid},
                         "data": [{"type": "slots", "id": name}]}}},
            "included": [{"type": "slots", "id": name,
                          "attributes": {"name": name, "WZ": code, "slot": EQUIPMENT[tid][3][0]}}]}


def slots(tid):
    _, code, name, positions = EQUIPMENT[tid]
    return {"data": [{"type": "slots", "id": name,
                      "attributes": {"name": name, "WZ": code, "slot": p}} for p in positions]}


def stackable(kind, tid, attrs):
    return {"data": {"type": kind, "id": str(tid), "attributes": dict(attrs)}}


def route(path):
    """(status, document or None) for a data path in normal mode."""
    parts = path.strip("/").split("/")
    if len(parts) < 4 or parts[0] != "api" or parts[1] != "data" or not parts[3].isdigit():
        return 400, None
    kind, tid = parts[2], int(parts[3])
    if kind == "equipment":
        if tid not in EQUIPMENT:
            return 500, None
        if len(parts) == 5 and parts[4] == "slots":
            return 200, slots(tid)
        return (200, statistics(tid)) if len(parts) == 4 else (400, None)
    table = {"consumables": CONSUMABLES, "setups": SETUPS, "etcs": ETCS}.get(kind)
    if table is None or len(parts) != 4:
        return 400, None
    if tid not in table:
        return 404, None
    return 200, stackable(kind, tid, table[tid])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body=b"", ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def control(self, url):
        parts = url.path.strip("/").split("/")
        with lock:
            if parts[1:2] == ["mode"] and len(parts) == 3:
                state["mode"] = parts[2]
                state["ms"] = int(parse_qs(url.query).get("ms", ["0"])[0])
                out = {"mode": state["mode"]}
            elif parts[1:2] == ["count"]:
                out = {"total": state["total"], "paths": state["paths"], "headers": state["headers"]}
            elif parts[1:2] == ["reset"]:
                state.update(mode="normal", ms=0, total=0, paths={}, headers={})
                out = {"reset": True}
            else:
                return self.answer(404)
        self.answer(200, json.dumps(out).encode())

    def do_GET(self):
        url = urlparse(self.path)
        if url.path.startswith("/control/"):
            return self.control(url)
        hdrs = {k.upper(): v for k, v in self.headers.items()}
        with lock:
            state["total"] += 1
            state["paths"][url.path] = state["paths"].get(url.path, 0) + 1
            state["headers"] = hdrs
            mode, ms = state["mode"], state["ms"]
        for h in ("TENANT_ID", "REGION", "MAJOR_VERSION", "MINOR_VERSION"):
            if not hdrs.get(h) or (h.endswith("VERSION") and not hdrs[h].isdigit()):
                return self.answer(400)
        if mode == "slow":
            time.sleep(ms / 1000.0)
        if mode in ("404", "500", "503"):
            return self.answer(int(mode))
        if mode == "garbage":
            return self.answer(200, b"<html>this is not JSON</html>", "text/html")
        status, doc = route(url.path)
        if status != 200:
            return self.answer(status)
        if mode == "wrongtype":
            (doc["data"][0] if isinstance(doc["data"], list) else doc["data"])["type"] = "pets"
        elif mode == "range":
            d = doc["data"][0] if isinstance(doc["data"], list) else doc["data"]
            for k in ("slotMax", "weaponAttack", "slot"):
                if k in d["attributes"]:
                    d["attributes"][k] = 70000 if k != "slotMax" else -1
        self.answer(200, json.dumps(doc).encode())

    do_POST = do_GET


def main():
    port = 0
    if len(sys.argv) == 3 and sys.argv[1] == "--port":
        port = int(sys.argv[2])
    srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    srv.daemon_threads = True
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
