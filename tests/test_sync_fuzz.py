"""A fuzzer against the hub's HTTP app (Hypothesis, in process): random requests, and bundles
from an enrolled laptop damaged every way — bytes flipped or cut, manifests re-signed with any
values, payloads signed and sealed with any JSON lines, records with any values. No answer is a
500; every refusal is the documented JSON with a catalog key; a 200 carries a bundle."""

from __future__ import annotations

import asyncio
import json
import os
import struct

import httpx
import pytest
import sync_stations as county_
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kjtui import catalog
from kjtui.models import Manager, Setting, SyncPeer
from sync import bundle, crypto, hub_server

MANIFEST_KEYS = sorted(bundle._FIELDS)
EXAMPLES = int(os.environ.get("KJTUI_FUZZ_EXAMPLES", "60"))  # more to hunt, modest in the suite


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    from datetime import datetime

    c = county_.build(tmp_path_factory.mktemp("county"))
    c.at("KJ01")
    v = county_.visit("KJ01", county_.licence(0, 0, 0), datetime(2026, 11, 23, 9))
    county_.ack_paper(v, "1")
    good = c.outbox("KJ01")
    c.at("KJ01")
    keys = {"sign": Setting.get_by_id(crypto.SIGN_KEY).value,
            "hub_kem": SyncPeer.get(SyncPeer.node == "hub").kem_pub,
            "manager": Manager.get(Manager.code == "KJ01").id}
    c.at("hub")
    app = hub_server.create_app()
    yield app, good, keys
    c.at("hub")


def send(app, method: str, path: str, body: bytes, headers: dict) -> httpx.Response:
    async def one():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            return await client.request(method, path, content=body, headers=headers)

    return asyncio.run(one())


def state(app) -> tuple:
    """What a request could change at the hub: every table's rows and the peers' bookkeeping."""
    from kjtui.models import ALL_MODELS, SyncReceived, database

    counts = tuple(m.select().count() for m in ALL_MODELS)
    peers = tuple(database.obj.execute_sql(
        "SELECT node, incarnation, acked_seq, their_ack, revoked FROM sync_peer "
        "ORDER BY node, incarnation").fetchall())
    return counts, peers, SyncReceived.select().count()


def documented(method: str, path: str, status: int) -> bool:
    """The answer is one the hub's OpenAPI description gives for this path and method (a path
    or method it does not describe: 404 or 405)."""
    op = hub_server.OPENAPI["paths"].get(path.split("?")[0], {}).get(method.lower())
    return str(status) in op["responses"] if op else status in (404, 405)


def answered_well(r: httpx.Response, before: tuple | None = None, app=None) -> None:
    assert r.status_code != 500 and r.status_code < 600, r.text
    assert documented(r.request.method, r.request.url.path, r.status_code), (
        r.request.method, r.request.url.path, r.status_code)
    if before is not None and r.status_code != 200:
        assert state(app) == before  # a refused request changes nothing
    if r.status_code == 200:
        assert r.headers["content-type"].startswith(hub_server.MEDIA) or r.json()["ok"]
        return
    if r.status_code == 400 and not r.content:
        return  # the client went away (never here)
    body = r.json()
    assert set(body) == {"key", "params", "message"} and body["key"] in catalog.messages()
    # the safety net (an unforeseen exception answered as 503) never needed
    assert body["key"] != "hub.unavailable", body


def signed(manifest_bytes: bytes, payload: bytes, key: str) -> bytes:
    head = bundle.MAGIC + struct.pack(">I", len(manifest_bytes)) + manifest_bytes
    return head + crypto.sign(key, head) + payload


json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]),
       path=st.sampled_from(["/bundles", "/health", "/", "/bundles/x", "/%00", "/bundles?x=1"]),
       body=st.binary(max_size=2000),
       length=st.one_of(st.none(), st.sampled_from(["-1", "abc", "99999999999", "0", "5"])))
def test_random_requests(hub, method, path, body, length):
    app, _, _ = hub
    headers = {} if length is None else {"content-length": length}
    before = state(app)
    try:
        r = send(app, method, path, body, headers)
    except (httpx.HTTPError, ValueError):
        return  # the client itself refused to send such a request
    answered_well(r, before, app)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_damaged_bundles(hub, data):
    app, good, _ = hub
    b = bytearray(good)
    how = data.draw(st.sampled_from(["flip", "cut", "grow", "splice"]))
    if how == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            i = data.draw(st.integers(0, len(b) - 1))
            b[i] ^= 1 << data.draw(st.integers(0, 7))
    elif how == "cut":
        b = b[: data.draw(st.integers(0, len(b) - 1))]
    elif how == "grow":
        b += data.draw(st.binary(min_size=1, max_size=200))
    else:
        i = data.draw(st.integers(0, len(b)))
        b[i:i] = data.draw(st.binary(max_size=64))
    before = state(app)
    answered_well(send(app, "POST", "/bundles", bytes(b), {}), before, app)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_manifests_signed_with_any_values(hub, data):
    app, good, keys = hub
    b = bundle.parse(good)
    m = dict(b.manifest)
    for name in data.draw(st.lists(st.sampled_from(MANIFEST_KEYS + ["extra"]), max_size=3)):
        m[name] = data.draw(json_value)
    if data.draw(st.booleans()):
        m.pop(data.draw(st.sampled_from(MANIFEST_KEYS)), None)
    raw = json.dumps(m, ensure_ascii=False, sort_keys=data.draw(st.booleans()),
                     separators=(",", ":")).encode()
    before = state(app)
    answered_well(send(app, "POST", "/bundles", signed(raw, b.payload, keys["sign"]), {}),
                  before, app)


column_value = st.one_of(st.none(), st.booleans(), st.integers(-2**64, 2**64),
                         st.floats(allow_nan=False), st.text(max_size=30),
                         st.sampled_from(["2026-11-23", "2026-11-23T09:00:00", "2026-02-30",
                                          "0" * 32, "f" * 32]))


def plausible(f):
    """A value of the right type for a column (the fuzzer then spoils some)."""
    import peewee as pw

    if isinstance(f, pw.ForeignKeyField):
        return "0" * 32
    if isinstance(f, pw.BooleanField):
        return False
    if isinstance(f, (pw.IntegerField, pw.FloatField)):
        return 1
    if isinstance(f, pw.DateTimeField):
        return "2026-11-23T09:00:00"
    if isinstance(f, pw.DateField):
        return "2026-11-23"
    return "x" if not f.null else None


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_payloads_signed_and_sealed_with_any_lines(hub, data):
    """Bundles an enrolled laptop could really send: any JSON lines, or blocks of a real table
    with any values in any column, signed with its key and sealed to the hub."""
    from kjtui.models import OWNED_BY_STATION, SYNCED, new_id

    app, good, keys = hub
    base = bundle.parse(good).manifest
    if data.draw(st.booleans()):
        lines = b"\n".join(json.dumps(data.draw(json_value)).encode()
                           for _ in range(data.draw(st.integers(1, 3))))
        n, counts = 1, {"visit": 1}
    else:
        model = data.draw(st.sampled_from(OWNED_BY_STATION + SYNCED[:3]))
        table = model._meta.table_name
        n = data.draw(st.integers(1, 4))
        cols = {}
        for f in model._meta.sorted_fields:
            c = f.column_name
            if c == "hlc":
                continue
            if c == "id":
                cols[c] = [new_id() for _ in range(n)]
            elif data.draw(st.integers(0, 3)) == 0:
                cols[c] = [data.draw(column_value) for _ in range(n)]
            elif c == "owner":
                cols[c] = ["KJ01"] * n
            elif c == "manager_id":
                cols[c] = [keys["manager"]] * n
            else:
                cols[c] = [plausible(f)] * n
        block = {"t": table, "seq": [1] * n, "hlc": [data.draw(st.integers(-2**63, 2**63))]
                 + [1] * (n - 1), "cols": cols}
        lines = json.dumps(block, ensure_ascii=False).encode()
        counts = {table: n}
    # mostly right after what the hub holds (so the records reach the rules), else anywhere
    applied = SyncPeer.get((SyncPeer.node == "KJ01") & (SyncPeer.incarnation == 1)).acked_seq
    first = applied + 1 if data.draw(st.integers(0, 4)) else data.draw(st.integers(1, 40))
    m = {k: v for k, v in base.items() if k not in ("members", "raw_size", "compression", "enc")}
    m.update(seq=[first, first + n - 1], counts=counts, lines=n, id=new_id())
    try:
        made = bundle.build(m, lines, keys["sign"], keys["hub_kem"])
    except Exception:
        return  # the builder refuses it itself (too big)
    before = state(app)
    r = send(app, "POST", "/bundles", made, {})
    answered_well(r, before, app)
    SEEN.add(r.headers.get("x-kjtui-status") or r.json()["key"])


SEEN: set[str] = set()


def test_the_fuzzer_reached_the_rules(hub):
    """The damaged records above were applied or held, not only refused at the door."""
    assert "applied" in SEEN or not SEEN, SEEN


def test_the_openapi_description_and_health(hub):
    app, _, _ = hub
    r = send(app, "GET", "/openapi.json", b"", {})
    assert r.status_code == 200 and r.json() == json.loads(json.dumps(hub_server.OPENAPI))
    assert set(r.json()["paths"]) == {"/bundles", "/health", "/openapi.json"}
    assert send(app, "GET", "/health", b"", {}).json() == {"ok": True, "node": "hub"}


def test_health_says_when_the_database_does_not_answer(hub, monkeypatch):
    app, _, _ = hub
    from kjtui.models import database

    def broken(*args, **kwargs):
        raise OSError("the database went away")

    monkeypatch.setattr(database.obj, "execute_sql", broken)
    r = send(app, "GET", "/health", b"", {})
    assert r.status_code == 503 and r.json()["ok"] is False and r.headers["retry-after"]
