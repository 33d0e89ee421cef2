#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The bad-input corpus of tests/integration/bad_input.sh (docs/testing.md "Bad-input corpus").

    bad_input_gen.py gen FIXTURES.json OUT.jsonl   write the cases, one JSON object a line
    bad_input_gen.py send BOOTSTRAP CASES.jsonl    produce them (librdkafka through ctypes)

A case: {"id": "c0042", "topic": TOPIC_VAR, "key": HEX, "headers": [[NAME, HEX]...],
"payload": HEX or null (no payload), "txn": UUID or null, "char": N or null,
"expect": ["dead", "fail", "quiet"] (the outcomes accepted), "desc": TEXT}.
Every case also carries a header CORPUS_CASE=<id>: a dead letter keeps the original
headers, so the test attributes each dead letter to its case; events are attributed by
the case's transactionId (or, for character DELETED, by tenant and characterId).

Outcomes: "dead" = dead-lettered with a reason; "fail" = answered with the contract's
failure event (compartment ERROR, drop RESERVATION_FAILURE, pick-up CANCEL_RESERVATION,
or the inventory DELETED a DELETED of an unknown character emits); "quiet" = handled or
skipped with no effect and no event. Whatever the outcome, no business row may change.

The base message of each type is one that WOULD change state for the fixtures' tenant A
(an EQUIP of a bag item, a MOVE of a potion, a SPAWN...), so a decoder that lets a bad
field through shows up as a state change. Every mutation makes the message invalid.
"""
import ctypes
import json
import sys
import uuid

TOPICS = {
    "COMMAND_TOPIC_COMPARTMENT": "command",
    "COMMAND_TOPIC_DROP": "command",
    "EVENT_TOPIC_CHARACTER_STATUS": "event",
    "EVENT_TOPIC_DROP_STATUS": "event",
    "EVENT_TOPIC_EQUIPABLE_STATUS": "event",
}
# One key per topic: with one partition, the cases of a topic are handled in send
# order, so the sentinel the test sends last proves all of them were handled.
TOPIC_KEY = {t: 4242000 + i for i, t in enumerate(TOPICS)}
# Types whose body holds a field whose zero value is refused: for the others a
# missing body is every field's zero value, a valid command (MERGE, SORT, ...).
NEEDS_BODY = {"EQUIP", "DROP", "REQUEST_RESERVE", "CREATE_ASSET", "ACCEPT", "RELEASE", "RESERVED", "SPAWN",
              "SPAWN_FROM_CHARACTER", "REQUEST_RESERVATION", "CANCEL_RESERVATION", "REQUEST_PICK_UP"}
BIG_KEY = 4242999  # the two 1 MiB cases: a key (and so a partition) of their own

WIDTH = {  # inclusive ranges of the contracts' integer widths
    "u8": (0, 255), "i8": (-128, 127), "u16": (0, 65535), "i16": (-32768, 32767),
    "u32": (0, 2**32 - 1), "u64": (0, 2**64 - 1),
}


def key8(n):
    return (n & 0xFFFFFFFF).to_bytes(4, "little") + b"\0\0\0\0"


def be16(n):
    return n.to_bytes(2, "big")


class Gen:
    def __init__(self, fx):
        self.fx = fx
        self.cases = []

    def tenant_headers(self, tenant, region=b"GMS", major=be16(83), minor=be16(1)):
        return [("TENANT_ID", tenant.encode()), ("REGION", region),
                ("MAJOR_VERSION", major), ("MINOR_VERSION", minor)]

    def add(self, topic, payload, expect, desc, headers=None, txn=None, char=None, tenant=None, key=None):
        cid = "c%04d" % len(self.cases)
        if headers is None:
            headers = self.tenant_headers(tenant or self.fx["tenant_a"])
        headers = list(headers) + [("CORPUS_CASE", cid.encode())]
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload, separators=(",", ":")).encode()
        elif isinstance(payload, str):
            payload = payload.encode()
        self.cases.append({
            "id": cid, "topic": topic, "key": key8(key or TOPIC_KEY[topic]).hex(),
            "headers": [[n, v.hex()] for n, v in headers],
            "payload": None if payload is None else payload.hex(),
            "txn": txn, "char": char, "tenant": tenant or self.fx["tenant_a"], "expect": sorted(expect),
            "desc": desc,
        })

    # ------------------------------------------------------------ base messages

    def bases(self):
        """(topic, type, base message builder, field specs, has a failure event)."""
        fx = self.fx
        a1, a2 = fx["char_a1"], fx["char_a2"]
        out = []

        def comp(typ, inv, body, fields, fail=False, env_inv=True):
            def build(txn):
                m = {"transactionId": txn, "characterId": a1, "inventoryType": inv, "type": typ,
                     "body": json.loads(json.dumps(body))}
                if "transactionId" in [f[0] for f in fields]:
                    m["body"]["transactionId"] = txn
                return m
            env = [("@transactionId", "uuid"), ("@characterId", "u32id"),
                   ("@inventoryType", "u8inv" if env_inv else "u8"), ("@body", "obj")]
            out.append(("COMMAND_TOPIC_COMPARTMENT", typ, build, env + [("body." + f, k) for f, k in fields], fail))

        comp("EQUIP", 1, {"source": 1, "destination": -11}, [("source", "i16"), ("destination", "i16")], env_inv=False)
        comp("UNEQUIP", 1, {"source": -11, "destination": 9}, [("source", "i16"), ("destination", "i16")], env_inv=False)
        comp("MOVE", 2, {"source": 1, "destination": 9}, [("source", "i16"), ("destination", "i16")])
        comp("DROP", 2, {"worldId": 0, "channelId": 1, "mapId": 100000000, "source": 1, "quantity": 5, "x": 1, "y": 2},
             [("worldId", "u8"), ("channelId", "u8"), ("mapId", "u32"), ("source", "i16"), ("quantity", "i16"),
              ("x", "i16"), ("y", "i16")])
        comp("REQUEST_RESERVE", 2, {"items": [{"source": 1, "itemId": 2000000, "quantity": 5}]},
             [("transactionId", "uuid"), ("items", "arr"), ("items.0.source", "i16"), ("items.0.itemId", "u32"),
              ("items.0.quantity", "i16")])
        comp("CONSUME", 2, {"slot": 1}, [("transactionId", "uuid"), ("slot", "i16")])
        comp("DESTROY", 4, {"slot": 1, "quantity": 3, "removeAll": False},
             [("slot", "i16"), ("quantity", "u32"), ("removeAll", "bool")])
        comp("CANCEL_RESERVATION", 2, {"slot": 1}, [("transactionId", "uuid"), ("slot", "i16")])
        comp("INCREASE_CAPACITY", 4, {"amount": 4}, [("amount", "u32")])
        comp("CREATE_ASSET", 2, {"templateId": 2000000, "quantity": 5, "expiration": "0001-01-01T00:00:00Z",
                                 "ownerId": 0, "flag": 0, "rechargeable": 0},
             [("templateId", "u32"), ("quantity", "u32"), ("expiration", "ts"), ("ownerId", "u32"),
              ("flag", "u16"), ("rechargeable", "u64")])
        comp("RECHARGE", 2, {"slot": 1, "quantity": 200}, [("slot", "i16"), ("quantity", "u32")])
        comp("MERGE", 2, {}, [])
        comp("SORT", 2, {}, [])
        comp("ACCEPT", 5, {"referenceId": 55}, [("transactionId", "uuid"), ("referenceId", "u32id")], fail=True)
        comp("RELEASE", 5, {"assetId": 55}, [("transactionId", "uuid"), ("assetId", "u32id")], fail=True)

        def char_ev(typ, cid, body):
            def build(txn):
                return {"characterId": cid, "type": typ, "worldId": 0, "body": dict(body)}
            return build
        out.append(("EVENT_TOPIC_CHARACTER_STATUS", "CREATED", char_ev("CREATED", fx["char_new"], {"name": "corpus"}),
                    [("@characterId", "u32new"), ("@worldId", "u8"), ("@body", "obj"), ("body.name", "str")], False))
        out.append(("EVENT_TOPIC_CHARACTER_STATUS", "DELETED", char_ev("DELETED", a2, {}),
                    [("@characterId", "u32id"), ("@worldId", "u8"), ("@body", "obj")], True))

        stats = ["strength", "dexterity", "intelligence", "luck", "hp", "mp", "weaponAttack", "magicAttack",
                 "weaponDefense", "magicDefense", "accuracy", "avoidability", "hands", "speed", "jump", "slots"]

        def reserved(txn):
            b = {"characterId": a1, "itemId": 4000000, "equipmentId": 0, "quantity": 3, "meso": 0}
            b.update({s: 0 for s in stats})
            return {"transactionId": txn, "worldId": 0, "channelId": 1, "mapId": 100000000,
                    "dropId": fx["drop_a"], "type": "RESERVED", "body": b}
        out.append(("EVENT_TOPIC_DROP_STATUS", "RESERVED", reserved,
                    [("@transactionId", "uuid"), ("@worldId", "u8"), ("@channelId", "u8"), ("@mapId", "u32"),
                     ("@dropId", "u32trusted"), ("@body", "obj"), ("body.characterId", "u32id"), ("body.itemId", "u32"),
                     ("body.equipmentId", "u32"), ("body.quantity", "u32"), ("body.meso", "u32"),
                     ("body.strength", "u16"), ("body.slots", "u16")], True))

        def updated(txn):
            b = {s: 1 for s in stats}
            b.update({"ownerName": "corpus", "locked": True, "spikes": False, "karmaUsed": False, "cold": False,
                      "canBeTraded": True, "levelType": 0, "level": 1, "experience": 5, "hammersApplied": 1,
                      "expiration": "0001-01-01T00:00:00Z"})
            return {"id": fx["sword_ref_a"], "type": "UPDATED", "body": b}
        out.append(("EVENT_TOPIC_EQUIPABLE_STATUS", "UPDATED", updated,
                    [("@id", "u32id"), ("@body", "obj"), ("body.strength", "u16"), ("body.weaponAttack", "u16"),
                     ("body.ownerName", "str32"), ("body.locked", "bool"), ("body.levelType", "u8"),
                     ("body.experience", "u32"), ("body.expiration", "ts")], False))

        loc = {"worldId": 0, "channelId": 1, "mapId": 100000000}

        def drop(typ, body, fields, fail=False):
            def build(txn):
                m = {"transactionId": txn}
                m.update(loc)
                m["type"] = typ
                m["body"] = dict(body)
                return m
            env = [("@transactionId", "uuid"), ("@worldId", "u8"), ("@channelId", "u8"), ("@mapId", "u32"),
                   ("@body", "obj")]
            out.append(("COMMAND_TOPIC_DROP", typ, build, env + [("body." + f, k) for f, k in fields], fail))

        spawn = {"itemId": 4000000, "quantity": 3, "mesos": 0, "dropType": 0, "x": 5, "y": 6, "ownerId": 0,
                 "ownerPartyId": 0, "dropperId": 9, "dropperX": 5, "dropperY": 6, "playerDrop": False, "mod": 0}
        sf = [("itemId", "u32"), ("quantity", "u32"), ("mesos", "u32"), ("dropType", "u8"), ("x", "i16"),
              ("ownerId", "u32"), ("dropperY", "i16"), ("playerDrop", "bool"), ("mod", "u8"), ("strength", "u16")]
        drop("SPAWN", spawn, sf)
        sfc = dict(spawn, equipmentId=0, dropType=2, ownerId=a1, dropperId=a1, playerDrop=True)
        drop("SPAWN_FROM_CHARACTER", sfc, sf + [("equipmentId", "u32")])
        drop("REQUEST_RESERVATION", {"dropId": fx["drop_a"], "characterId": a1, "partyId": 0, "characterX": 0,
                                     "characterY": 0, "petSlot": -1},
             [("dropId", "u32id"), ("characterId", "u32trusted"), ("partyId", "u32"), ("characterX", "i16"),
              ("petSlot", "i8")], fail=True)
        drop("CANCEL_RESERVATION", {"dropId": fx["drop_a_reserved"], "characterId": a2},
             [("dropId", "u32id"), ("characterId", "u32id")])
        drop("REQUEST_PICK_UP", {"dropId": fx["drop_a_reserved"], "characterId": a2},
             [("dropId", "u32id"), ("characterId", "u32id")])
        return out

    # ------------------------------------------------------------ mutations

    @staticmethod
    def path_of(f):
        return f[1:].split(".") if f.startswith("@") else f.split(".")

    @staticmethod
    def set_path(m, path, value, delete=False):
        cur = m
        for p in path[:-1]:
            cur = cur[int(p)] if isinstance(cur, list) else cur[p]
        last = path[-1]
        if isinstance(cur, list):
            cur[int(last)] = value
        elif delete:
            del cur[last]
        else:
            cur[last] = value

    def wrong_types(self, kind):
        if kind in ("uuid", "str", "str32", "ts"):
            return [("a number", 123), ("an object", {}), ("true", True)]
        if kind == "bool":
            return [("a string", "true"), ("a number", 1)]
        if kind == "obj":
            return [("a string", "x"), ("an array", [1]), ("a number", 5)]
        if kind == "arr":
            return [("an object", {}), ("a string", "x"), ("an array of numbers", [5])]
        return [("a string", "1"), ("true", True), ("a fraction", 1.5), ("an exponent", 1e2)]

    def ranges(self, kind):
        """(description, value, invalid): invalid = outside the field's width (must be dead-lettered)."""
        # u32trusted: an id the handler takes as given (drop RESERVED's dropId: the pick-up
        # credits whatever drop the event names; REQUEST_RESERVATION's characterId: any
        # character may reserve a drop nobody owns), so only 0 and values out of range are bad
        w = {"u32id": "u32", "u32new": "u32", "u8inv": "u8", "u32trusted": "u32"}.get(kind, kind)
        if w not in WIDTH:
            return []
        lo, hi = WIDTH[w]
        vals = [("-1", -1), ("2^31", 2**31), ("2^64", 2**64), ("max+1", hi + 1), ("min-1", lo - 1)]
        if w in ("u32", "u64"):
            vals.insert(2, ("2^32", 2**32))
        seen, out = set(), []
        for d, v in vals:
            if v in seen:
                continue
            seen.add(v)
            invalid = not (lo <= v <= hi)
            if not invalid and kind not in ("u32id",):
                continue  # a valid value of a plain field is a valid command: not bad input
            out.append((d, v, invalid))
        if kind in ("u32id", "u8inv", "u32trusted"):
            out.append(("0 (ids start at 1)", 0, False))
        if kind == "u8inv":
            out.append(("6 (types are 1..5)", 6, False))
        return out

    def generate(self):
        fx = self.fx
        ta, tb = fx["tenant_a"], fx["tenant_b"]
        for topic, typ, build, fields, has_fail in self.bases():
            kind = TOPICS[topic]
            strict = ["dead", "fail"] if has_fail else ["dead"]
            lenient = ["dead", "fail", "quiet"]
            tag = "%s %s" % (topic, typ)

            def case(mut, expect, desc, headers=None, tenant=None, raw=None, char=None):
                txn = str(uuid.uuid4())
                m = build(txn)
                if mut:
                    mut(m)
                c = char
                if c is None and isinstance(m, dict) and typ == "DELETED":
                    c = m.get("characterId") if isinstance(m.get("characterId"), int) else None
                self.add(topic, raw if raw is not None else m, expect, "%s: %s" % (tag, desc),
                         headers=headers, txn=txn, char=c, tenant=tenant)

            for f, k in fields:
                path = self.path_of(f)
                # a missing field reads as its zero value: only ids, whose zero is refused, are "required"
                if k in ("u32id", "u8inv", "u32new", "u32trusted") or (k == "obj" and typ in NEEDS_BODY) or (typ in ("SPAWN", "SPAWN_FROM_CHARACTER")
                                                                        and f in ("body.itemId", "body.quantity")):
                    case(lambda m, p=path: self.set_path(m, p, None, delete=True), lenient, "%s missing" % f)
                for d, v in self.wrong_types(k):
                    case(lambda m, p=path, v=v: self.set_path(m, p, v), strict, "%s is %s" % (f, d))
                for d, v, invalid in self.ranges(k):
                    case(lambda m, p=path, v=v: self.set_path(m, p, v), strict if invalid else lenient,
                         "%s = %s" % (f, d))
                if k == "uuid":
                    case(lambda m, p=path: self.set_path(m, p, ""), strict, "%s is \"\"" % f)
                    case(lambda m, p=path: self.set_path(m, p, "x" * 16384), strict, "%s is a 16 KiB string" % f)
                    case(lambda m, p=path: self.set_path(m, p, "6c1e2f0a-3a51-4e39-9a43-2f4f6a1b9d0\u00e9"), strict,
                         "%s has a non-hex letter" % f)
                if k == "ts":
                    case(lambda m, p=path: self.set_path(m, p, "yesterday"), strict, "%s is not RFC 3339" % f)
                    case(lambda m, p=path: self.set_path(m, p, ""), strict, "%s is \"\"" % f)
                if k == "str32":
                    # UPDATED keeps the first 32 characters of ownerName (plugins/asset/README.md):
                    # a long name alone is valid, so the id is bad too
                    def huge(m, p=path):
                        self.set_path(m, p, "n" * 16384)
                        m["id"] = "x"
                    case(huge, strict, "%s is a 16 KiB string and id a string" % f)
                if k not in ("obj", "arr"):
                    case(lambda m, p=path: self.set_path(m, p, json.loads("[" * 1000 + "]" * 1000)), strict,
                         "%s is an array nested 1000 deep" % f)

            # the envelope and the payload as a whole
            rtype = "COMMAND" if kind == "command" else "EVENT"
            unknown = ["dead"] if kind == "command" else ["quiet"]
            case(lambda m: m.update(type="NOPE"), unknown, "type NOPE (unknown on a %s topic)" % rtype.lower())
            case(lambda m: m.update(type=typ.lower()), unknown, "type in lower case")
            case(lambda m: m.update(type="x" * 16384), unknown, "type is a 16 KiB string")
            case(lambda m: m.update(type=5), ["dead"], "type is a number")
            case(lambda m: m.pop("type"), ["dead"], "type missing")
            base = json.dumps(build("00000000-0000-0000-0000-000000000000"), separators=(",", ":"))
            first = next(iter(json.loads(base)))
            dup_bad = base[:-1] + ',"%s":{"dup":1}}' % first
            case(None, ["dead"], "duplicate key, the last one of the wrong type", raw=dup_bad)
            dup_good = '{"%s":{"dup":1},' % first + base[1:]
            case(None, ["dead"], "duplicate key, the first one of the wrong type", raw=dup_good)
            case(None, ["dead"], "empty payload", raw=b"")
            case(None, ["dead"], "a JSON array of the message", raw="[" + base + "]")
            case(None, ["dead"], "JSON null", raw="null")
            case(None, ["dead"], "truncated JSON", raw=base[: len(base) // 2])
            case(None, ["dead"], "invalid UTF-8 in a string", raw=base[:-1].encode() + b',"x":"\xc3\x28\xff"}')
            case(None, ["dead"], "a raw NUL byte", raw=base[:-1].encode() + b',"x":"a\x00b"}')
            case(None, ["dead"], "an escaped NUL (\\u0000)", raw=base[:-1] + ',"x":"a\\u0000b"}')
            case(None, ["dead"], "nested 5000 deep (past the parser's limit)", raw=base[:-1] + ',"x":' + "[" * 5000 + "]" * 5000 + "}")
            # headers
            th = self.tenant_headers
            case(None, ["dead"], "no TENANT_ID header", headers=th(ta)[1:])
            case(None, ["dead"], "a 35-byte TENANT_ID", headers=[("TENANT_ID", ta[:35].encode())] + th(ta)[1:])
            case(None, ["dead"], "a 37-byte TENANT_ID", headers=[("TENANT_ID", (ta + "0").encode())] + th(ta)[1:])
            case(None, ["dead"], "a TENANT_ID that is not hex",
                 headers=[("TENANT_ID", ("g" + ta[1:]).encode())] + th(ta)[1:])
            case(None, ["dead"], "an empty TENANT_ID", headers=[("TENANT_ID", b"")] + th(ta)[1:])
            case(None, ["dead"], "TENANT_ID twice, A then B", headers=th(ta) + [("TENANT_ID", tb.encode())])
            case(None, ["dead"], "TENANT_ID twice, B then A", headers=[("TENANT_ID", tb.encode())] + th(ta))
            case(None, ["dead"], "REGION twice, different", headers=th(ta) + [("REGION", b"EMS")])
            case(None, ["dead"], "MAJOR_VERSION twice, different", headers=th(ta) + [("MAJOR_VERSION", be16(84))])
            case(None, ["dead"], "a NUL byte in TENANT_ID",
                 headers=[("TENANT_ID", ta[:35].encode() + b"\0")] + th(ta)[1:])
            case(None, ["dead"], "a NUL byte in REGION", headers=th(ta, region=b"G\0MS"))
            case(None, ["dead"], "a REGION of 1000 bytes", headers=th(ta, region=b"R" * 1000))
            # a version header that is not 2 bytes reads as 0 (processed): with a bad field, dead
            def bad_char(m):
                if "characterId" in m:
                    m["characterId"] = "x"
                elif "id" in m:
                    m["id"] = "x"
                else:
                    m["body"] = "x"
            case(bad_char, strict, "1-byte MAJOR_VERSION and a bad field", headers=th(ta, major=b"\x53"))
            case(bad_char, strict, "3-byte MINOR_VERSION and a bad field", headers=th(ta, minor=b"\0\0\1"))
            # another tenant's ids: tenant B's headers, tenant A's characters, drops and assets
            if typ not in ("CREATED", "SPAWN", "SPAWN_FROM_CHARACTER"):
                case(None, lenient, "tenant B's headers, tenant A's ids", tenant=tb)

        # two payloads at the size limit (--max-message-bytes, 1 MiB): one over, one exactly at it
        topic = "COMMAND_TOPIC_COMPARTMENT"
        for size, desc in ((1024 * 1024 + 1, "a payload of 1 MiB + 1 byte (oversize)"),
                           (1024 * 1024, "a payload of exactly 1 MiB, a 1 MiB transactionId")):
            txn = str(uuid.uuid4())
            head = '{"characterId":%d,"inventoryType":2,"type":"MOVE","body":{"source":1,"destination":9},' \
                   '"transactionId":"' % fx["char_a1"]
            body = head + "x" * (size - len(head) - 2) + '"}'
            assert len(body) == size
            self.add(topic, body, ["dead"], "%s MOVE: %s" % (topic, desc), txn=txn, key=BIG_KEY)
        return self.cases


# ---------------------------------------------------------------- producing (librdkafka)

class VU(ctypes.Structure):
    class U(ctypes.Union):
        class Mem(ctypes.Structure):
            _fields_ = [("ptr", ctypes.c_void_p), ("size", ctypes.c_size_t)]

        class Hdr(ctypes.Structure):
            _fields_ = [("name", ctypes.c_char_p), ("val", ctypes.c_void_p), ("size", ctypes.c_ssize_t)]
        _fields_ = [("cstr", ctypes.c_char_p), ("i32", ctypes.c_int32), ("i", ctypes.c_int), ("mem", Mem),
                    ("header", Hdr), ("pad", ctypes.c_char * 64)]
    _fields_ = [("vtype", ctypes.c_int), ("u", U)]


VT_TOPIC, VT_VALUE, VT_KEY, VT_MSGFLAGS, VT_HEADER = 1, 4, 5, 7, 9
MSG_F_COPY = 0x2


def send(bootstrap, path):
    rk_lib = ctypes.CDLL("librdkafka.so.1")
    rk_lib.rd_kafka_conf_new.restype = ctypes.c_void_p
    rk_lib.rd_kafka_conf_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                         ctypes.c_size_t]
    rk_lib.rd_kafka_new.restype = ctypes.c_void_p
    rk_lib.rd_kafka_new.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    rk_lib.rd_kafka_produceva.restype = ctypes.c_void_p
    rk_lib.rd_kafka_produceva.argtypes = [ctypes.c_void_p, ctypes.POINTER(VU), ctypes.c_size_t]
    rk_lib.rd_kafka_error_string.restype = ctypes.c_char_p
    rk_lib.rd_kafka_error_string.argtypes = [ctypes.c_void_p]
    rk_lib.rd_kafka_flush.argtypes = [ctypes.c_void_p, ctypes.c_int]
    rk_lib.rd_kafka_outq_len.argtypes = [ctypes.c_void_p]
    rk_lib.rd_kafka_destroy.argtypes = [ctypes.c_void_p]
    errstr = ctypes.create_string_buffer(512)
    conf = rk_lib.rd_kafka_conf_new()
    failed = []
    DR = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.c_void_p)

    def on_delivery(rk, msg, opaque):
        if msg[0] != 0:  # rd_kafka_message_t.err, its first field
            failed.append(msg[0])
    dr = DR(on_delivery)
    rk_lib.rd_kafka_conf_set_dr_msg_cb.argtypes = [ctypes.c_void_p, DR]
    rk_lib.rd_kafka_conf_set_dr_msg_cb(conf, dr)
    # murmur2_random: the partitioner the Go services and cofferctl use
    for k, v in (("bootstrap.servers", bootstrap), ("message.max.bytes", "8000000"),
                 ("partitioner", "murmur2_random"), ("linger.ms", "5"), ("enable.idempotence", "true")):
        if rk_lib.rd_kafka_conf_set(conf, k.encode(), v.encode(), errstr, 512) != 0:
            sys.exit("bad_input_gen: %s: %s" % (k, errstr.value.decode()))
    rk = rk_lib.rd_kafka_new(0, conf, errstr, 512)
    if not rk:
        sys.exit("bad_input_gen: rd_kafka_new: " + errstr.value.decode())
    n = 0
    with open(path) as f:
        for line in f:
            c = json.loads(line)
            keep = []
            vus = []

            def vu(t, **kw):
                v = VU()
                v.vtype = t
                for name, val in kw.items():
                    if name == "cstr":
                        v.u.cstr = val
                    elif name == "mem":
                        buf = ctypes.create_string_buffer(val, len(val)) if val else None
                        keep.append(buf)
                        v.u.mem.ptr = ctypes.cast(buf, ctypes.c_void_p) if buf else None
                        v.u.mem.size = len(val) if val is not None else 0
                    elif name == "header":
                        hn, hv = val
                        nb = ctypes.create_string_buffer(hn.encode())
                        vb = ctypes.create_string_buffer(hv, len(hv)) if hv else ctypes.create_string_buffer(1)
                        keep.extend((nb, vb))
                        v.u.header.name = ctypes.cast(nb, ctypes.c_char_p)
                        v.u.header.val = ctypes.cast(vb, ctypes.c_void_p)
                        v.u.header.size = len(hv)
                    elif name == "i":
                        v.u.i = val
                vus.append(v)
            topic = ctypes.create_string_buffer(c["topic"].encode())
            keep.append(topic)
            vu(VT_TOPIC, cstr=ctypes.cast(topic, ctypes.c_char_p))
            vu(VT_MSGFLAGS, i=MSG_F_COPY)
            vu(VT_KEY, mem=bytes.fromhex(c["key"]))
            if c["payload"] is not None:
                vu(VT_VALUE, mem=bytes.fromhex(c["payload"]))
            for hn, hv in c["headers"]:
                vu(VT_HEADER, header=(hn, bytes.fromhex(hv)))
            arr = (VU * len(vus))(*vus)
            err = rk_lib.rd_kafka_produceva(rk, arr, len(vus))
            if err:
                sys.exit("bad_input_gen: %s: %s" % (c["id"], rk_lib.rd_kafka_error_string(err).decode()))
            n += 1
    rk_lib.rd_kafka_flush(rk, 30000)
    left = rk_lib.rd_kafka_outq_len(rk)
    rk_lib.rd_kafka_destroy(rk)
    if left or failed:
        sys.exit("bad_input_gen: %d messages not delivered (errors %s)" % (left + len(failed), failed[:5]))
    print("bad_input_gen: %d messages produced" % n, file=sys.stderr)


def main():
    sys.setrecursionlimit(20000)
    if len(sys.argv) == 4 and sys.argv[1] == "gen":
        with open(sys.argv[2]) as f:
            fx = json.load(f)
        with open(sys.argv[3], "w") as out:
            for c in Gen(fx).generate():
                out.write(json.dumps(c) + "\n")
    elif len(sys.argv) == 4 and sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
