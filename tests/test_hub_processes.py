"""Issue 15 §3: more than one hub process. Two `kjtui hub serve` on one PostgreSQL database take
the same stations' bundles at the same moment, each bundle sent to both: the database decides
who applies a station's seqs (kjtui.models.db.serialize_writers, the peer row FOR UPDATE), so
every seq is applied exactly once. On SQLite a second server on the same file is refused with a
sentence, since one process serves a SQLite hub."""

from __future__ import annotations

import subprocess
import threading
from datetime import datetime

import httpx
import sync_stations as county_

from kjtui.models import SyncPeer, SyncReceived, Visit

AT = datetime(2026, 11, 23, 9, 0)
CODES = ("KJ01", "KJ02", "KJ03", "KJ04")


def record(c, code: str, k: int, n: int) -> None:
    c.at(code)
    for i in range(n):
        county_.ack_paper(county_.visit(code, county_.licence(k, 0, i), AT.replace(minute=i)),
                          str(i + 1))


def test_two_hub_processes_on_postgresql_apply_every_seq_exactly_once(pg_url, tmp_path,
                                                                      kjtui_cmd):
    c = county_.build(tmp_path / "c", hub_url=pg_url, codes=CODES)
    outboxes = {}
    for k, code in enumerate(CODES):
        record(c, code, k, 5)
        outboxes[code] = c.outbox(code)
    c.at("hub")
    with county_.Serving(kjtui_cmd, pg_url) as one, county_.Serving(kjtui_cmd, pg_url) as two:
        answers: list[tuple[str, int, str]] = []
        start = threading.Barrier(len(CODES) * 4)

        def send(code: str, url: str) -> None:
            start.wait()
            r = httpx.post(url + "/bundles", content=outboxes[code], timeout=60)
            answers.append((code, r.status_code, r.headers.get("x-kjtui-status", r.text)))

        threads = [threading.Thread(target=send, args=(code, url))
                   for code in CODES for url in (one.url, two.url, one.url, two.url)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert all(status == 200 for _, status, _ in answers), answers
    for code in CODES:
        outcomes = sorted(s for c_, _, s in answers if c_ == code)
        assert outcomes == ["applied", "duplicate", "duplicate", "duplicate"], (code, answers)
    c.at("hub")
    assert Visit.select().count() == 5 * len(CODES)
    for code in CODES:
        peer = SyncPeer.get(SyncPeer.node == code)
        assert peer.acked_seq == county_.journal_top_of(c, code)
        c.at("hub")
        assert SyncReceived.select().where(SyncReceived.node == code).count() == 1


def test_a_second_server_on_a_sqlite_hub_is_refused_with_a_sentence(tmp_path, kjtui_cmd):
    c = county_.build(tmp_path / "c", codes=("KJ01",))
    hub = c.hub.removeprefix("sqlite:///")
    with county_.Serving(kjtui_cmd, hub) as first:
        out = subprocess.run([*kjtui_cmd, "--lang", "en", "hub", "serve", "--db", hub, "--port",
                              str(county_.free_port())], capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 2, out
        assert "already" in out.stderr and "PostgreSQL" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
        assert httpx.get(first.url + "/health", timeout=5).json()["ok"] is True
