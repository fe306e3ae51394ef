"""The station syncs by itself (issue 15, §1), below the interface: the hub's address in the
laptop's settings, when a push is due, the backoff after a refused or unreachable hub, and
`kjtui sync push` with its one-line summary — against a real `kjtui hub serve`."""

from __future__ import annotations

import subprocess

import pytest
import sync_support as sup
from sync_stations import Serving, free_port

from kjtui.models import HUB, SyncPeer
from kjtui.services import autosync
from sync import client, enroll


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sup.with_six_visits(tmp_path_factory.mktemp("tpl"))


@pytest.fixture
def pair(template, tmp_path):
    return sup.copy(template, tmp_path)


class Clock:
    def __init__(self):
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at


class Counting:
    """client.push, counted."""

    def __init__(self, monkeypatch):
        self.calls = 0
        real = client.push

        def push(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(client, "push", push)


def visits_at_hub(pair) -> int:
    return sup.dump(pair.hub)["visit"].__len__()


# --- the hub's address -----------------------------------------------------------------------


def test_the_hub_address_is_set_shown_and_turned_off_from_the_command_line(pair, kjtui_cmd):
    def station(*args):
        return subprocess.run([*kjtui_cmd, "--lang", "en", "station", "hub", *args, "--db",
                               str(pair.station)], capture_output=True, text=True)

    assert station().stdout == "No hub address is set (kjtui station hub URL).\n"
    out = station("http://127.0.0.1:8750/")
    assert out.returncode == 0 and "http://127.0.0.1:8750:" in out.stdout
    assert station().stdout == "The hub's address: http://127.0.0.1:8750\n"
    bad = station("192.168.1.10:8750")
    assert bad.returncode == 2 and "is not a hub address" in bad.stderr
    assert station().stdout == "The hub's address: http://127.0.0.1:8750\n"  # unchanged
    assert station("--off").returncode == 0
    assert station().stdout.startswith("No hub address is set")
    hub = subprocess.run([*kjtui_cmd, "--lang", "en", "station", "hub", "http://x:1", "--db",
                          str(pair.hub)], capture_output=True, text=True)
    assert hub.returncode == 2 and "hub's database" in hub.stderr


def test_with_no_address_nothing_is_pushed(pair, monkeypatch):
    calls = Counting(monkeypatch)
    sup.use(pair.station)
    s = autosync.AutoSync().check(force=True)
    assert s.station and s.hub_url is None and s.pending > 0 and calls.calls == 0


def test_on_the_hub_there_is_nothing_to_sync(pair):
    sup.use(pair.hub)
    assert not autosync.AutoSync().check().station


# --- when to push ------------------------------------------------------------------------------


def test_the_backoff_doubles_from_five_seconds_to_ten_minutes_with_jitter():
    low = autosync.AutoSync(rng=lambda: 0.0)
    high = autosync.AutoSync(rng=lambda: 1.0)
    assert [low.backoff(n) for n in range(1, 10)] == [5, 10, 20, 40, 80, 160, 320, 600, 600]
    assert [high.backoff(n) for n in (1, 2, 3)] == [6.25, 12.5, 25]
    assert high.backoff(8) == high.backoff(30) == 600  # the jitter never passes the cap


def test_pushes_when_there_is_something_to_send_and_only_then(pair, kjtui_cmd, monkeypatch):
    calls = Counting(monkeypatch)
    clock = Clock()
    auto = autosync.AutoSync(clock=clock)
    with Serving(kjtui_cmd, str(pair.hub)) as hub:
        sup.use(pair.station)
        autosync.set_hub_url(hub.url)
        s = auto.check()
        assert calls.calls == 1 and s.pending == 0 and s.error is None
        assert s.last_success is not None and s.sent == 13  # 6 visits, 6 acks, the day
        clock.at += autosync.CHECK_S
        assert auto.check().pending == 0 and calls.calls == 1  # nothing to send: no push
        sup.visits(1, start=6)
        assert auto.check().pending == 0 and calls.calls == 2  # the new visit went at once
        clock.at += autosync.NEWS_S
        auto.check()
        assert calls.calls == 3  # a while with nothing to send: asked for the county's news
    sup.close()
    assert visits_at_hub(pair) == 7
    assert len(sup.dump(pair.hub)["sync_received"]) == 2  # nothing was sent twice


def test_an_unreachable_hub_is_tried_again_after_a_growing_wait(pair, kjtui_cmd, monkeypatch):
    calls = Counting(monkeypatch)
    clock = Clock()
    auto = autosync.AutoSync(clock=clock, rng=lambda: 0.0)
    port = free_port()
    sup.use(pair.station)
    autosync.set_hub_url(f"http://127.0.0.1:{port}")
    before = sup.dump(pair.station)["journal_entry"]
    s = auto.check()
    assert s.error.key == "push.unreachable" and s.pending == 13 and s.retry_at is not None
    assert calls.calls == 1 and auto.not_before == clock.at + 5
    clock.at += 4
    assert auto.check().error.key == "push.unreachable" and calls.calls == 1  # still waiting
    clock.at += 1
    auto.check()
    assert calls.calls == 2 and auto.not_before == clock.at + 10  # the wait doubled
    clock.at += 10
    assert auto.check(force=True).error is not None and calls.calls == 3  # the key: at once
    assert auto.failures == 3
    assert sup.dump(pair.station)["journal_entry"] == before  # nothing lost, nothing marked
    with Serving(kjtui_cmd, str(pair.hub), port):
        sup.use(pair.station)
        assert auto.check().error is not None and calls.calls == 3  # the wait still runs
        clock.at += auto.backoff(3)
        s = auto.check()
        assert calls.calls == 4 and s.error is None and s.pending == 0 and auto.failures == 0
    assert visits_at_hub(pair) == 6


def test_a_refusing_hub_is_said_by_its_reason_and_backed_off(pair, kjtui_cmd, monkeypatch):
    calls = Counting(monkeypatch)
    clock = Clock()
    auto = autosync.AutoSync(clock=clock, rng=lambda: 0.0)
    sup.use(pair.hub)
    enroll.revoke("KJ01")
    sup.close()
    with Serving(kjtui_cmd, str(pair.hub)) as hub:
        sup.use(pair.station)
        autosync.set_hub_url(hub.url)
        s = auto.check()
        assert s.error.key == "bundle.revoked_sender" and s.error.params == {"sender": "KJ01"}
        clock.at += 1
        auto.check()
        assert calls.calls == 1 and auto.not_before == 1005
    assert visits_at_hub(pair) == 0


# --- kjtui sync push ---------------------------------------------------------------------------


def test_sync_push_says_one_line_and_uses_the_address_set(pair, kjtui_cmd):
    with Serving(kjtui_cmd, str(pair.hub)) as hub:
        sup.use(pair.station)
        autosync.set_hub_url(hub.url)
        sup.close()
        out = subprocess.run([*kjtui_cmd, "--lang", "en", "sync", "push", "--db",
                              str(pair.station)], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert out.stdout == ("Sent 13 changes (seq 1–13, 1 bundle); the hub: applied; its "
                              "answer wrote 0 records here.\n")
        assert out.stderr == ""  # no terminal: no progress bar either
    sup.use(pair.station)
    assert SyncPeer.get(SyncPeer.node == HUB).their_ack == 13


def test_sync_push_without_an_address_says_how_to_give_one(pair, kjtui_cmd):
    out = subprocess.run([*kjtui_cmd, "--lang", "en", "sync", "push", "--db", str(pair.station)],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "kjtui station hub URL" in out.stderr


def test_the_progress_bar_follows_the_outbox(pair, kjtui_cmd, monkeypatch):
    """Several bundles: the progress callback sees the hub's acknowledgement climb to the top."""
    from sync import bundle

    monkeypatch.setattr(bundle, "EXPORT_LINES", 5)
    seen = []
    with Serving(kjtui_cmd, str(pair.hub)) as hub:
        sup.use(pair.station)
        pushed = client.push(hub.url, progress=lambda *a: seen.append(a))
    assert len(pushed) == 3 and seen[0] == (0, 0, 13) and seen[-1] == (0, 13, 13)
    assert [d for _, d, _ in seen] == sorted(d for _, d, _ in seen)
