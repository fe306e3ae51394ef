"""Bundles over HTTP: the hub's ASGI app (in process, httpx.ASGITransport) and a real
`kjtui hub serve` (uvicorn) on a loopback port for the station's `push`: a week goes in, the
review comes back, and a link that is refused or cut halfway loses nothing and applies once."""

from __future__ import annotations

import contextlib
import re
import socket
import sqlite3
import struct
import subprocess
import threading
import time
from datetime import datetime

import httpx
import pytest
import sync_support as sup

from kjtui import i18n
from kjtui.exception import BundleError
from kjtui.models import HUB, Manager, Supervisor, SyncPeer, WeeklyReview, journal
from sync import bundle, client, enroll, hub_server, importer


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sup.with_six_visits(tmp_path_factory.mktemp("tpl"))


@pytest.fixture
def pair(template, tmp_path):
    return sup.copy(template, tmp_path)


def count(path, table: str) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        con.close()


def hub_ack(pair) -> int:
    sup.use(pair.station)
    return SyncPeer.get(SyncPeer.node == HUB).their_ack


def outbox(pair) -> bytes:
    sup.use(pair.station)
    from sync import exporter

    return exporter.station_bundle()[1]


# --- the app in process -------------------------------------------------------------------------


@pytest.fixture
async def app_client(pair):
    data = outbox(pair)
    sup.use(pair.hub)
    transport = httpx.ASGITransport(app=hub_server.create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as c:
        yield c, data
    sup.close()


async def test_health_and_a_bundle_answered_with_the_return_bundle(pair, app_client):
    c, data = app_client
    assert (await c.get("/health")).json() == {"ok": True, "node": "hub"}
    r = await c.post("/bundles", content=data)
    assert r.status_code == 200 and r.headers["x-kjtui-status"] == "applied"
    assert r.headers["content-type"].startswith(hub_server.MEDIA)
    assert count(pair.hub, "visit") == 6
    sup.use(pair.station)
    importer.import_bytes(r.content)
    assert hub_ack(pair) == bundle.parse(data).last


async def test_a_truncated_body_gets_a_4xx_and_changes_nothing(pair, app_client):
    c, data = app_client
    sup.close()
    before = sup.dump(pair.hub)
    sup.use(pair.hub)
    for cut in (0, 10, len(data) // 2, len(data) - 1):
        r = await c.post("/bundles", content=data[:cut])
        body = r.json()
        assert r.status_code == 400 and body["key"] in ("bundle.not_a_bundle", "bundle.truncated")
        assert body["message"] == i18n.t(body["key"]) and body["message"].count("。") <= 1
    sup.close()
    assert sup.dump(pair.hub) == before


async def test_a_body_over_the_cap_is_refused_before_it_is_read(pair, app_client, monkeypatch):
    c, data = app_client
    monkeypatch.setattr(bundle, "MAX_FILE", 1000)
    r = await c.post("/bundles", content=data)  # Content-Length says too much
    assert r.status_code == 413 and r.json()["key"] == "bundle.too_big"

    async def chunks():  # no length: read until past the cap, then stop
        for i in range(0, len(data), 500):
            yield data[i : i + 500]

    r = await c.post("/bundles", content=chunks())
    assert r.status_code == 413 and r.json()["key"] == "bundle.too_big"
    assert count(pair.hub, "visit") == 0


async def test_a_revoked_station_gets_403_with_the_catalog_key(pair, app_client):
    c, data = app_client
    enroll.revoke("KJ01")
    r = await c.post("/bundles", content=data)
    assert r.status_code == 403 and r.json()["key"] == "bundle.revoked_sender"
    assert r.json()["params"] == {"sender": "KJ01"}


# --- a real server on a loopback port ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def hub_serving(kjtui_cmd, pair, port: int | None = None):
    """`kjtui hub serve` in its own process (the models of one process bind one database)."""
    port = port or free_port()
    proc = subprocess.Popen([*kjtui_cmd, "hub", "serve", "--db", str(pair.hub), "--port",
                             str(port), "--lang", "en"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to ~30 s for the interpreter to start on a loaded machine
            if proc.poll() is not None:
                raise AssertionError(proc.communicate()[1])
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("the hub did not start")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_a_week_pushed_over_http_and_the_review_comes_back(pair, kjtui_cmd):
    with hub_serving(kjtui_cmd, pair) as url:
        sup.use(pair.station)
        (p,) = client.push(url)
        # six visits, their six acknowledgements and the day's log
        assert (p.first, p.hub_status, p.hub_changes) == (1, "applied", 13)
        assert count(pair.hub, "visit") == 6 and count(pair.hub, "acknowledgement") == 6
        assert hub_ack(pair) == p.last  # the answer applied: the outbox is acknowledged
        # a supervisor reviews the week on the hub while it serves
        sup.use(pair.hub)
        m = Manager.get(Manager.code == "KJ01")
        review = journal.create(WeeklyReview, manager=m, week=sup.MONDAY,
                                supervisor=Supervisor.get(), state="reviewed", comment="很好",
                                at=datetime(2026, 11, 30, 9))
        sup.close()
        out = subprocess.run([*kjtui_cmd, "sync", "push", "--db", str(pair.station), "--hub", url,
                              "--lang", "en"], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        # nothing was pending: it says so (not "Sent seq 14–13") and brings the review home
        assert out.stdout == "Nothing to send; asked the hub for its news: 1 records written here.\n"
    sup.use(pair.station)
    assert WeeklyReview.get_by_id(review.id).comment == "很好"
    assert count(pair.hub, "sync_received") == 1


def test_connection_refused_leaves_the_outbox_and_the_next_push_applies_once(pair, kjtui_cmd):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    before = sup.dump(pair.station)
    sup.use(pair.station)
    with pytest.raises(BundleError) as err:
        client.push(url, retries=2, backoff=0.01)
    assert err.value.key == "push.unreachable"
    sup.close()
    assert sup.dump(pair.station) == before
    out = subprocess.run([*kjtui_cmd, "sync", "push", "--db", str(pair.station), "--hub", url,
                          "--retries", "1", "--lang", "en"], capture_output=True, text=True)
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and len(lines) == 1 and "stay pending" in lines[0]
    assert sup.dump(pair.station) == before
    with hub_serving(kjtui_cmd, pair, port):
        sup.use(pair.station)
        assert client.push(url)[0].hub_status == "applied"
        assert client.push(url)[0].hub_status == "duplicate"
    assert count(pair.hub, "visit") == 6 and count(pair.hub, "sync_received") == 1


class Cutter(threading.Thread):
    """One connection from the laptop to the hub, cut. "half": half the request reaches the hub,
    then both ends are hung up on. "answer": the whole request reaches the hub, which applies
    it and answers, and the laptop is hung up on before a byte of the answer."""

    def __init__(self, upstream: int, mode: str):
        super().__init__(daemon=True)
        self.upstream, self.mode = upstream, mode
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(30)
        self.port = self.sock.getsockname()[1]
        self.answer = b""

    @staticmethod
    def _message(conn) -> tuple[bytes, bytes]:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 1 << 20:
            data += conn.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        n = int(re.search(rb"content-length: *(\d+)", head, re.I)[1])
        while len(body) < n:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        return head + b"\r\n\r\n", body

    def run(self):
        conn, _ = self.sock.accept()
        conn.settimeout(30)
        with conn, socket.create_connection(("127.0.0.1", self.upstream), timeout=30) as up:
            head, body = self._message(conn)
            if self.mode == "half":
                up.sendall(head + body[: len(body) // 2])
            else:
                up.sendall(head + body)
                self.answer = b"".join(self._message(up))
            # hang up on the laptop with a reset, not a clean end
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


@pytest.mark.parametrize("mode", ["half", "answer"])
def test_a_link_cut_halfway_loses_nothing_and_the_next_push_applies_once(pair, kjtui_cmd, mode):
    with hub_serving(kjtui_cmd, pair) as url:
        cutter = Cutter(int(url.rsplit(":", 1)[1]), mode)
        cutter.start()
        sup.close()
        before = sup.dump(pair.station)
        sup.use(pair.station)
        with pytest.raises(BundleError) as err:
            client.push(f"http://127.0.0.1:{cutter.port}", retries=1)
        cutter.join(timeout=30)
        assert err.value.key == "push.unreachable" and not cutter.is_alive()
        sup.close()
        assert sup.dump(pair.station) == before  # the outbox stays, nothing acknowledged
        if mode == "answer":  # the hub did apply it; only its answer was lost
            assert b" 200 " in cutter.answer.split(b"\r\n", 1)[0]
            assert count(pair.hub, "visit") == 6
        else:
            assert count(pair.hub, "visit") == 0
        sup.use(pair.station)
        (p,) = client.push(url)
        assert p.hub_status == ("duplicate" if mode == "answer" else "applied")
        assert hub_ack(pair) == p.last
    assert count(pair.hub, "visit") == 6 and count(pair.hub, "sync_received") == 1


async def test_the_http_hub_runs_on_postgresql(pg_url, tmp_path):
    """The same app over a PostgreSQL hub: the week applied once, the review answered."""
    from kjtui.models import Visit, close, connect
    from sync import exporter

    station, n = sup.pg_hub_with_station(pg_url, tmp_path, per_day=5)

    _, data = exporter.station_bundle()
    close()
    connect(pg_url)
    m = Manager.get(Manager.code == "KJ01")
    journal.create(WeeklyReview, manager=m, week=sup.MONDAY, supervisor=Supervisor.get(),
                   state="reviewed", comment="好", at=datetime(2026, 11, 30, 9))
    transport = httpx.ASGITransport(app=hub_server.create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as c:
        r = await c.post("/bundles", content=data)
        assert r.status_code == 200 and r.headers["x-kjtui-status"] == "applied"
        assert (await c.post("/bundles", content=data)).headers["x-kjtui-status"] == "duplicate"
    assert Visit.select().count() == n
    close()
    sup.use(station)
    importer.import_bytes(r.content)
    assert WeeklyReview.get().comment == "好"
    assert SyncPeer.get(SyncPeer.node == HUB).their_ack == bundle.parse(data).last
    close()


def test_a_hub_restored_from_a_backup_gets_the_outbox_again_in_the_same_push(pair, kjtui_cmd):
    import shutil

    port = free_port()
    backup = pair.folder / "hub-backup.db"
    with hub_serving(kjtui_cmd, pair, port) as url:
        sup.use(pair.station)
        client.push(url)
        sup.close()
    shutil.copy(pair.hub, backup)  # the nightly backup: the first week is in it
    with hub_serving(kjtui_cmd, pair, port) as url:
        sup.use(pair.station)
        sup.visits(2, start=6)
        client.push(url)
        sup.close()
    shutil.copy(backup, pair.hub)  # the hub's disk dies; last night's backup comes back
    for p in (pair.hub.with_name("hub.db-wal"), pair.hub.with_name("hub.db-shm")):
        p.unlink(missing_ok=True)
    with hub_serving(kjtui_cmd, pair, port) as url:
        sup.use(pair.station)
        sup.visits(1, start=8)
        pushed = client.push(url)
    assert [p.hub_status for p in pushed] == ["parked", "applied"]
    assert pushed[1].first < pushed[0].first  # sent again from where the hub's ack went back
    assert count(pair.hub, "visit") == 9 and count(pair.hub, "sync_parked") == 0
    assert hub_ack(pair) == pushed[1].last


def test_a_port_already_taken_is_one_sentence(tmp_path, kjtui_cmd):
    hub = tmp_path / "hub.db"
    assert subprocess.run([*kjtui_cmd, "hub", "init", "--db", str(hub)],
                          capture_output=True).returncode == 0
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        out = subprocess.run([*kjtui_cmd, "--lang", "en", "hub", "serve", "--db", str(hub),
                              "--host", "127.0.0.1", "--port", str(port)],
                             capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.startswith("Error: Cannot serve on 127.0.0.1") and out.stderr.count("\n") == 1
