"""The running notebook syncs by itself (issue 15, §1) against a real `kjtui hub serve`: the
outbox goes without a command, keys are handled while a push waits for a slow hub, a visit saved
during a push goes in the next one, an unreachable hub is tried again after a wait (and at once
with F12), and quitting during a push loses nothing."""

from __future__ import annotations

import socket
import threading

import pytest
import sync_support as sup
from sync_stations import Serving, free_port

from kjtui import i18n
from kjtui.app import KjtuiApp
from kjtui.models import HUB, SyncPeer
from kjtui.services import autosync
from kjtui.widgets.sync_panel import SyncPanel
from sync import client
from tests.pilot_wait import until
from tests.screen_cells import text
from tests.test_words import english_words


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sup.with_six_visits(tmp_path_factory.mktemp("tpl"))


@pytest.fixture
def pair(template, tmp_path, monkeypatch):
    monkeypatch.setattr(KjtuiApp, "AUTOSYNC_S", 0.2)
    return sup.copy(template, tmp_path)


class Gate(threading.Thread):
    """A slow hub: each connection reaches the hub only once `open()` was called (until then
    the laptop's request waits, unanswered); `arrived` is set when the first request came."""

    def __init__(self, upstream: int):
        super().__init__(daemon=True)
        self.upstream = upstream
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.arrived, self.opened = threading.Event(), threading.Event()
        self.requests = 0

    def open(self) -> None:
        self.opened.set()

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, conn) -> None:
        first = conn.recv(65536)
        self.requests += first.startswith(b"POST ")
        self.arrived.set()
        self.opened.wait(120)
        up = socket.create_connection(("127.0.0.1", self.upstream))
        up.sendall(first)
        threading.Thread(target=self._pump, args=(up, conn), daemon=True).start()
        self._pump(conn, up, count=True)

    def _pump(self, src, dst, count: bool = False) -> None:
        try:
            while data := src.recv(65536):
                if count and data.startswith(b"POST "):
                    self.requests += 1
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.opened.set()
        self.sock.close()


def panel_text(app) -> str:
    return str(app.screen.query_one(SyncPanel).render())


def hub_ack(pair) -> int:
    return SyncPeer.get(SyncPeer.node == HUB).their_ack


def count(pair, table: str) -> int:
    import sqlite3

    con = sqlite3.connect(f"file:{pair.hub}?mode=ro", uri=True)
    try:
        return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        con.close()


def with_hub(pair, url: str) -> str:
    sup.use(pair.station)
    autosync.set_hub_url(url)
    return pair.station


async def test_the_app_syncs_by_itself_and_says_so(app_for, pair, kjtui_cmd):
    with Serving(kjtui_cmd, str(pair.hub)) as hub:
        app = app_for(with_hub(pair, hub.url), "en")
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: "everything is at the county" in panel_text(app),
                        "the outbox sent")
            assert "last synced today" in panel_text(app) and app.sub_title == "synced"
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert any(t.startswith("Sync now") for t in titles)  # F12 in the palette
            assert "Sync now" in text(app).splitlines()[-1]  # and in the footer
            assert count(pair, "visit") == 6 and hub_ack(pair) == 13
            sup.visits(1, start=6)  # recorded later: the next look sends it, no key pressed
            await until(pilot, lambda: count(pair, "visit") == 7, "the new visit at the hub")
            await until(pilot, lambda: "everything is at the county" in panel_text(app))
    assert count(pair, "sync_received") == 2  # nothing sent twice


async def test_keys_work_while_a_push_waits_and_a_visit_saved_meanwhile_goes_next(app_for, pair,
                                                                                  kjtui_cmd):
    with Serving(kjtui_cmd, str(pair.hub)) as hub:
        gate = Gate(hub.port)
        gate.start()
        app = app_for(with_hub(pair, gate.url), "en")
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await until(pilot, gate.arrived.is_set, "the push on the wire", idle=False)
                await until(pilot, lambda: "sending to the county (0/13)" in panel_text(app),
                            "the push on the panel", idle=False)
                await pilot.press("f3")  # handled while the push waits for the hub
                await until(pilot, lambda: type(app.screen).__name__ == "TodayScreen", "Today",
                            idle=False)
                assert gate.requests == 1 and count(pair, "visit") == 0  # still in flight
                sup.visits(1, start=6)  # saved during the push
                await pilot.press("f2")
                await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "Home",
                            idle=False)
                assert not app._sync_worker.is_finished  # all of it while the push waited
                gate.open()
                await until(pilot, lambda: count(pair, "visit") == 7, "both pushes at the hub")
                await until(pilot, lambda: "everything is at the county" in panel_text(app))
        finally:
            gate.close()
    assert count(pair, "sync_received") == 2  # the first bundle, then the visit saved during it
    sup.use(pair.station)
    assert hub_ack(pair) == 13 + 2  # the visit and its acknowledgement came after


async def test_an_unreachable_hub_is_said_in_chinese_and_f12_tries_at_once(app_for, pair, monkeypatch):
    calls = []
    real = client.push
    monkeypatch.setattr(client, "push", lambda *a, **k: calls.append(1) or real(*a, **k))
    app = app_for(with_hub(pair, f"http://127.0.0.1:{free_port()}"))
    async with app.run_test(size=(60, 20)) as pilot:
        await until(pilot, lambda: i18n.t("sync.unreachable") in panel_text(app), "the failure")
        shown = panel_text(app)
        assert "13 条变更留在本机" in shown and "F12" in shown
        assert not english_words(app)
        tried = len(calls)
        wait = app._autosync.not_before - app._autosync.clock()
        assert wait >= 4.0 and not app._autosync.due(13, now=app._autosync.clock())  # 5 s or more
        await pilot.press("f12")
        await until(pilot, lambda: len(calls) == tried + 1, "the push the key asked for")
    sup.use(pair.station)
    assert hub_ack(pair) == 0


async def test_quitting_during_a_push_loses_nothing(app_for, pair, kjtui_cmd, monkeypatch):
    ended = threading.Event()
    real = autosync.AutoSync.check

    def check(self, **kwargs):
        try:
            return real(self, **kwargs)
        finally:
            ended.set()

    monkeypatch.setattr(autosync.AutoSync, "check", check)
    with Serving(kjtui_cmd, str(pair.hub)) as hub:
        gate = Gate(hub.port)
        gate.start()
        app = app_for(with_hub(pair, gate.url))
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await until(pilot, gate.arrived.is_set, "the push on the wire", idle=False)
                await pilot.press("ctrl+q")
            assert app.return_code == 0 and not ended.is_set()  # gone with the push in flight
            gate.open()  # the hub answers after the notebook is gone
            assert ended.wait(60)
        finally:
            gate.close()
        sup.use(pair.station)
        assert len(sup.dump(pair.station)["journal_entry"]) == 13  # every change still here
        assert hub_ack(pair) == 13  # the answer that came was applied whole
        (again,) = client.push(hub.url)
        assert again.empty and again.hub_status == "duplicate"
    assert count(pair, "visit") == 6 and count(pair, "sync_received") == 1


async def test_what_the_county_holds_shows_on_home_after_a_sync_by_itself(app_for, pair,
                                                                           kjtui_cmd):
    """A change the county holds back comes home with the push's answer: Home reads its list of
    what waits at the county again, with no key pressed."""
    from sync_stations import forge, payload_of

    from kjtui.models import Visit

    with Serving(kjtui_cmd, str(pair.hub)) as hub:
        app = app_for(with_hub(pair, hub.url), "en")
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: "everything is at the county" in panel_text(app))
            assert not app.screen.query_one("#county-wait").display
            signed = Visit.select().order_by(Visit.arrived_at).first()
            # the laptop's file edited: an acknowledged visit's order changed behind the form
            forge("KJ01", "visit", {**payload_of(Visit, signed.id), "quantity": 4321,
                                    "ordered": True, "hlc": 0}, rev=2)
            await until(pilot, lambda: "Waiting at the county: 1" in text(app),
                        "the held change on Home")
            assert "everything is at the county" in panel_text(app)
