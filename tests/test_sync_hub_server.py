"""Issue 10 at the HTTP hub: no request is answered with a 500, the signed head is checked before
a byte of the payload is read, a manifest not in canonical form is refused, slow clients are cut,
ten pushes at once from one laptop all succeed, one log line per bundle, and the memory of
concurrent maximal uploads stays bounded (measured on a real `kjtui hub serve`, loopback only)."""

from __future__ import annotations

import json
import struct
import subprocess
import threading
from datetime import datetime

import httpx
import pytest
import sync_stations as county_

from kjtui.models import Acknowledgement, Setting, SyncPeer, Visit
from sync import bundle, crypto, hub_server, importer

L = county_.licence
AT = datetime(2026, 11, 23, 9, 0)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    c = county_.build(tmp_path_factory.mktemp("county"))
    c.at("KJ01")
    for i in range(4):
        county_.ack_paper(county_.visit("KJ01", L(0, 0, i), AT.replace(minute=i)), str(i + 1))
    c.at("KJ02")
    county_.ack_paper(county_.visit("KJ02", L(1, 0, 0), AT), "1")
    c.at("hub")
    return c


@pytest.fixture
def county(template, tmp_path):
    return county_.copy(template, tmp_path / "c")


def station_key(c, code: str) -> str:
    c.at(code)
    return Setting.get_by_id(crypto.SIGN_KEY).value


def resign(data: bytes, key: str, raw_manifest: bytes) -> bytes:
    b = bundle.parse(data)
    signed = bundle.MAGIC + struct.pack(">I", len(raw_manifest)) + raw_manifest
    return signed + crypto.sign(key, signed) + b.payload


def asgi(c) -> httpx.AsyncClient:
    """The app in process, over the hub's database."""
    c.at("hub")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=hub_server.create_app()),
                             base_url="http://hub")


async def post(app, c, data: bytes):
    """POST with the hub's database bound (this process also plays the laptops)."""
    c.at("hub")
    return await app.post("/bundles", content=data)


def refusal(r, status: int, key: str) -> None:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.json()["key"] == key and r.json()["message"]


# --- 8. canonical manifests only -----------------------------------------------------------------


async def test_a_manifest_with_a_key_twice_or_out_of_order_is_refused(county):
    c = county
    data = c.outbox("KJ01")
    key = station_key(c, "KJ01")
    m = bundle.parse(data).manifest
    canonical = bundle.canonical(m).decode()
    payload = json.dumps(m["members"]["payload"], separators=(",", ":"))
    twice = canonical.replace('"members":{', '"members":{"payload":' + payload + ",", 1)
    assert twice.count('"payload"') == 2 and json.loads(twice) == m  # one reader sees one
    spaced = json.dumps(m, sort_keys=True, ensure_ascii=False)
    unsorted = json.dumps(dict(reversed(list(m.items()))), ensure_ascii=False,
                          separators=(",", ":"))
    app = asgi(c)
    for text in (twice, spaced, unsorted):
        forged = resign(data, key, text.encode())
        c.at("hub")
        with pytest.raises(Exception) as err:
            importer.import_bytes(forged)
        assert err.value.key == "bundle.not_canonical"
        refusal(await app.post("/bundles", content=forged), 400, "bundle.not_canonical")
    assert (await app.post("/bundles", content=data)).status_code == 200


# --- 6. no request is answered with a 500 -------------------------------------------------------


@pytest.mark.parametrize("failure", ["sqlite-locked", "integrity", "bug"])
async def test_a_database_failure_is_a_503_with_the_documented_json(county, monkeypatch, failure):
    import sqlite3

    import peewee

    c = county
    data = c.outbox("KJ01")
    exc = {"sqlite-locked": sqlite3.OperationalError("database is locked"),
           "integrity": peewee.IntegrityError("UNIQUE constraint failed: acknowledgement.visit_id"),
           "bug": RuntimeError("unforeseen")}[failure]

    def failing(*a, **k):
        raise exc

    app = asgi(c)
    monkeypatch.setattr(importer, "import_bytes", failing)
    r = await app.post("/bundles", content=data)
    key = "bundle.apply_failed" if failure == "integrity" else "hub.unavailable"
    refusal(r, 503, key)
    assert r.headers["retry-after"]
    for method, path in (("GET", "/nothing"), ("GET", "/bundles"), ("DELETE", "/health")):
        r = await app.request(method, path)
        assert r.status_code in (404, 405) and r.json()["key"].startswith("http.")


async def test_a_forged_acknowledgement_never_turns_the_real_one_into_a_500(county):
    """Issue 10, case 2 over HTTP: B's forgery is held, A's real acknowledgement is a 200."""
    from kjtui.models import new_id

    c = county
    c.at("KJ01")
    v = county_.visit("KJ01", L(0, 1, 0), AT)
    c.at("hub")
    app = asgi(c)
    r = await post(app, c, c.outbox("KJ01"))
    assert r.status_code == 200
    c.at("KJ01")
    importer.import_bytes(r.content)
    c.at("KJ02")
    county_.forge("KJ02", "acknowledgement", {"id": new_id(), "visit_id": v, "method": "pin",
                                              "handbook_page": "", "reason": "",
                                              "at": "2026-11-23T09:05:00"})
    r = await post(app, c, c.outbox("KJ02"))
    assert r.status_code == 200 and r.headers["x-kjtui-held"] == "1"
    c.at("KJ01")
    county_.ack_paper(v, "7")
    for _ in range(2):  # and again: the same answer, never a 500
        r = await post(app, c, c.outbox("KJ01"))
        assert r.status_code == 200 and r.headers["x-kjtui-held"] == "0"
    c.at("hub")
    assert Acknowledgement.get(Acknowledgement.visit == v).owner == "KJ01"


# --- 7. the signed head before the payload -------------------------------------------------------


async def test_the_head_is_checked_before_a_byte_of_the_payload_is_read(county, monkeypatch):
    c = county
    data = c.outbox("KJ01")
    head_len = bundle.head_length(data[: bundle.HEAD])
    read = []

    async def body(d: bytes):
        for i in range(0, len(d), 64):
            read.append(min(i + 64, len(d)))
            yield d[i : i + 64]

    seen = {}
    real = importer.check_head

    def watching(*a):
        seen["read"] = read[-1]
        return real(*a)

    monkeypatch.setattr(importer, "check_head", watching)
    unknown = resign(data, crypto.new_keys()["sign"],
                     bundle.canonical({**bundle.parse(data).manifest, "sender": "KJ99"}))
    app = asgi(c)
    refusal(await app.post("/bundles", content=body(unknown)), 403, "bundle.unknown_sender")
    assert seen["read"] < head_len + 64  # decided on the head alone
    forged = resign(data, crypto.new_keys()["sign"], bundle.canonical(bundle.parse(data).manifest))
    refusal(await app.post("/bundles", content=body(forged)), 400, "bundle.bad_signature")
    assert seen["read"] < head_len + 64
    refusal(await app.post("/bundles", content=b"GET / HTTP/1.0\r\n" * 100), 400,
            "bundle.not_a_bundle")
    assert (await app.post("/bundles", content=body(data))).status_code == 200


# --- 10. slow clients, ten pushes at once, one log line per bundle -------------------------------


@pytest.fixture
def threaded_hub(county, monkeypatch):
    """uvicorn with the hub's protocol in a thread of this process (short deadlines)."""
    import socket
    import time

    import uvicorn

    monkeypatch.setattr(hub_server, "HEAD_S", 1.0)
    monkeypatch.setattr(hub_server, "IDLE_S", 1.0)
    county.at("hub")
    port = county_.free_port()
    config = uvicorn.Config(hub_server.create_app(), host="127.0.0.1", port=port,
                            log_level="warning", http=hub_server.protocol())
    server = uvicorn.Server(config)
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield port
    server.should_exit = True
    t.join(timeout=10)


def _wait_closed(sock, seconds: float) -> bytes:
    import time

    sock.settimeout(seconds)
    got, t0 = b"", time.monotonic()
    while time.monotonic() - t0 < seconds:
        chunk = sock.recv(65536)
        if not chunk:
            return got
        got += chunk
    raise AssertionError("still open")


def test_slow_clients_are_cut_off(threaded_hub):
    import socket

    port = threaded_hub
    with socket.create_connection(("127.0.0.1", port)) as s:  # opens and says nothing
        assert _wait_closed(s, 5) == b""
    with socket.create_connection(("127.0.0.1", port)) as s:  # a head that trickles
        s.sendall(b"POST /bundles HTTP/1.1\r\nHost: hub\r\n")
        assert _wait_closed(s, 5) == b""
    with socket.create_connection(("127.0.0.1", port)) as s:  # a body that stops coming
        s.sendall(b"POST /bundles HTTP/1.1\r\nHost: hub\r\nContent-Length: 5000\r\n\r\nKJTB")
        answer = _wait_closed(s, 5)
        assert answer.startswith(b"HTTP/1.1 408") and b'"http.timeout"' in answer


def test_ten_pushes_at_once_from_one_laptop_all_succeed_and_apply_once(county, kjtui_cmd):
    c = county
    with county_.Serving(kjtui_cmd, c.hub.removeprefix("sqlite:///")) as hub:
        procs = [subprocess.Popen([*kjtui_cmd, "--lang", "en", "sync", "push", "--db",
                                   str(c.stations["KJ01"]), "--hub", hub.url],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(10)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0] * 10, [e for _, e in outs]
        subprocess.run([*kjtui_cmd, "sync", "push", "--db", str(c.stations["KJ02"]), "--hub",
                        hub.url], check=True, capture_output=True)
    c.at("hub")
    assert Visit.select().where(Visit.owner == "KJ01").count() == 4
    assert SyncPeer.get(SyncPeer.node == "KJ01").acked_seq == county_.journal_top_of(c, "KJ01")
    lines = [json.loads(x) for x in hub.log.splitlines()]  # every line is one JSON object
    lines = [x for x in lines if x.get("station", "").startswith("KJ0")]
    # a loaded machine may make an upload slow: its extra line names the bundle it timed
    slow = [x for x in lines if x["event"] == "slow"]
    assert all(x["of"] == "bundle" and x["ms"] >= hub_server.SLOW_MS for x in slow), slow
    lines = [x for x in lines if x["event"] != "slow"]
    assert len(lines) == 11, lines  # one line per bundle, and nothing else
    applied = [x for x in lines if x["station"] == "KJ01/1" and x["status"] == "applied"]
    assert len(applied) == 1 and applied[0]["applied"] == 9 and applied[0]["held"] == 0, lines
    assert {"event": "bundle", "station": "KJ02/1", "seq": [1, 3], "status": "applied",
            "applied": 3, "held": 0}.items() <= next(
                x for x in lines if x["station"] == "KJ02/1").items(), lines
    assert all(isinstance(x["ms"], int) and x["at"] for x in lines)


def test_a_refused_bundle_is_one_log_line_with_its_station_and_seqs(county, kjtui_cmd):
    """The hub's log says of a refused bundle, too, whose it was and which seqs (before: only
    the station and the refusal), and nothing else."""
    from sync import enroll

    c = county
    c.at("hub")
    enroll.revoke("KJ02")
    with county_.Serving(kjtui_cmd, c.hub.removeprefix("sqlite:///")) as hub:
        refused = subprocess.run([*kjtui_cmd, "--lang", "en", "sync", "push", "--db",
                                  str(c.stations["KJ02"]), "--hub", hub.url],
                                 capture_output=True, text=True, timeout=120)
        assert refused.returncode != 0 and "revoked" in refused.stderr
    lines = [json.loads(x) for x in hub.log.splitlines()]
    lines = [x for x in lines if x.get("station", "").startswith("KJ0") and x["event"] != "slow"]
    assert len(lines) == 1, lines
    assert {"event": "refused", "station": "KJ02/1", "seq": [1, 3],
            "key": "bundle.revoked_sender"}.items() <= lines[0].items(), lines
    assert isinstance(lines[0]["ms"], int)


# --- 7. the memory of concurrent maximal uploads ------------------------------------------------


def test_sixteen_concurrent_maximal_uploads_keep_the_hubs_memory_bounded(county, kjtui_cmd):
    """Loopback only, a bounded number of requests: fourteen bodies at the file cap (signed by
    an enrolled laptop, refused only when decrypted: every byte must be read) and two bundles at
    the row and decompressed caps (a zip bomb's shape, applied, then a duplicate). The server's
    peak memory stays a bounded multiple of the file cap, however many upload at once."""
    c = county
    heavy = county_.maximal_bundle(c, "KJ01", rows=bundle.MAX_LINES,
                                   text="上梅镇便民店反映：" * 17)
    m = bundle.parse(heavy).manifest
    assert m["lines"] == bundle.MAX_LINES and m["raw_size"] > 0.8 * bundle.MAX_RAW
    big = county_.maximal_bundle(c, "KJ02", rows=16, text="x" * (bundle.MAX_FILE // 16 - 4096),
                                 sealed=False)
    assert len(big) > 0.99 * bundle.MAX_FILE
    c.at("hub")
    answers = []

    def upload(data: bytes) -> None:
        try:
            r = httpx.post(hub.url + "/bundles", content=data, timeout=300)
        except httpx.TransportError as exc:  # never expected: recorded, then failed below
            answers.append((0, type(exc).__name__))
            return
        if r.status_code == 200:
            answers.append((200, r.headers["content-type"]))
        else:
            answers.append((r.status_code, r.json()["key"]))

    with county_.Serving(kjtui_cmd, c.hub.removeprefix("sqlite:///")) as hub:
        base = hub.rss_kib()
        threads = [threading.Thread(target=upload, args=(heavy if i < 2 else big,))
                   for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        peak = hub.peak_rss_kib()
    assert sorted(a[0] for a in answers) == [200, 200] + [400] * 14, answers
    assert {a[1] for a in answers if a[0] == 400} == {"bundle.cannot_decrypt"}
    grew_mib = (peak - base) / 1024
    print(f"hub peak RSS {peak / 1024:.0f} MiB (at rest {base / 1024:.0f} MiB, "
          f"+{grew_mib:.0f} MiB) under 16 concurrent maximal uploads")
    assert grew_mib < 16 * bundle.MAX_FILE / 2**20  # sixteen bodies alone would be more


async def test_a_slow_request_gets_a_line_of_its_own(county, monkeypatch, caplog):
    c = county
    data = c.outbox("KJ01")
    monkeypatch.setattr(hub_server, "SLOW_MS", -1)
    with caplog.at_level("INFO", logger="kjtui.hub"):
        async with asgi(c) as app:
            assert (await post(app, c, data)).status_code == 200
            refusal(await post(app, c, data[:50]), 400, "bundle.truncated")
    lines = [json.loads(hub_server.JsonLines().format(r)) for r in caplog.records]
    assert [x["event"] for x in lines] == ["bundle", "slow", "refused", "slow"], lines
    assert lines[1]["of"] == "bundle" and lines[1]["station"] == "KJ01/1"
