"""The whole loop through files with the real commands: enrollment at the office, a week on the
laptop, the hub's import and its answer carrying a supervisor's review back to the laptop; a
replaced laptop gets its records back; every refusal is one sentence and a non-zero exit."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import sync_sample as sample
import sync_support as sup

from kjtui.models import Acknowledgement, Manager, Supervisor, SyncPeer, Visit, WeeklyReview, journal
from sync import bundle, importer


def run(cmd, *args, lang="en"):
    out = subprocess.run([*cmd, "--lang", lang, *map(str, args)], capture_output=True, text=True)
    return out.returncode, out.stdout, out.stderr


def test_a_week_goes_to_the_hub_and_the_review_comes_back(tmp_path, kjtui_cmd):
    hub, station, stick = tmp_path / "hub.db", tmp_path / "laptop.db", tmp_path / "stick"
    stick.mkdir()
    assert run(kjtui_cmd, "hub", "init", "--db", hub)[0] == 0
    sup.use(hub)
    sample.county(("KJ01", "KJ02"))
    sup.close()
    code, out, err = run(kjtui_cmd, "hub", "enroll", "--db", hub, "--manager", "KJ01", "--out", stick)
    assert code == 0, err
    (enrollment,) = stick.glob("enroll-KJ01-*")
    assert enrollment.stat().st_mode & 0o077 == 0
    code, out, err = run(kjtui_cmd, "station", "join", "--db", station, enrollment)
    assert code == 0, err
    assert hub.stat().st_mode & 0o777 == 0o600 and station.stat().st_mode & 0o777 == 0o600

    sup.use(station)
    n = sample.record_week("KJ01", sup.MONDAY)
    assert Manager.select().count() == 1  # KJ02's data stayed at the hub
    sup.close()
    code, out, err = run(kjtui_cmd, "sync", "status", "--db", station)
    assert code == 0 and "Pending changes: " in out and "Pending changes: 0" not in out
    code, out, err = run(kjtui_cmd, "sync", "export", "--db", station, "--out", stick)
    assert code == 0, err
    (sent,) = stick.glob("KJ01-to-hub-*.kjb")
    per_visit = sent.stat().st_size / n
    assert per_visit <= 100, per_visit

    code, out, err = run(kjtui_cmd, "sync", "import", "--db", hub, stick)
    assert code == 0, err
    assert f"{n * 2}" in out or "records written" in out
    (first_reply,) = stick.glob("hub-to-KJ01-*")
    code, out, err = run(kjtui_cmd, "sync", "import", "--db", station, first_reply)
    assert code == 0, err  # a reply with no new records still says what the hub now holds
    assert f"up to seq {bundle.parse(sent.read_bytes()).last}" in out, out
    sup.use(hub)
    assert Visit.select().count() == n and Acknowledgement.select().count() == n
    # the supervisor reads the week on the hub and writes a review (journaled there)
    m = Manager.get(Manager.code == "KJ01")
    review = journal.create(WeeklyReview, manager=m, week=sup.MONDAY, supervisor=Supervisor.get(),
                            state="reviewed", comment="记录完整，继续保持", at=datetime(2026, 11, 30, 9))
    sup.close()
    for old in stick.glob("hub-to-KJ01-*"):
        old.unlink()
    code, out, err = run(kjtui_cmd, "sync", "export", "--db", hub, "--out", stick)
    assert code == 0, err
    code, out, err = run(kjtui_cmd, "sync", "import", "--db", station, stick)
    assert code == 0, err
    sup.use(station)
    assert WeeklyReview.get_by_id(review.id).comment == "记录完整，继续保持"
    assert SyncPeer.get(SyncPeer.node == "hub").their_ack == bundle.parse(sent.read_bytes()).last
    sup.close()
    code, out, err = run(kjtui_cmd, "sync", "status", "--db", station)
    assert "Pending changes: 0" in out
    code, out, err = run(kjtui_cmd, "sync", "status", "--db", hub, lang="zh")
    assert code == 0 and "KJ01/1" in out


def test_a_replaced_laptop_gets_its_records_back(tmp_path, kjtui_cmd):
    pair = sup.build(tmp_path)
    sup.use(pair.station)
    ids = sup.visits(5)
    sent = sup.export_station(pair)
    sup.use(pair.hub)
    importer.import_bytes(sent.read_bytes())
    sup.close()
    # The laptop is stolen: a new one is enrolled as the next incarnation.
    code, out, err = run(kjtui_cmd, "hub", "enroll", "--db", pair.hub, "--manager", "KJ01",
                         "--out", tmp_path)
    assert code == 0 and "2" in out, err
    new_station = tmp_path / "new-laptop.db"
    code, out, err = run(kjtui_cmd, "station", "join", "--db", new_station,
                         tmp_path / "enroll-KJ01-i2.kje")
    assert code == 0, err
    sup.use(new_station)
    assert sorted(v.id for v in Visit.select()) == sorted(ids)
    sup.visits(2, start=5)
    again = sup.export_station(sup.Pair(pair.hub, new_station, tmp_path / "n", pair.enrollment),
                               tmp_path)
    sup.close()
    code, out, err = run(kjtui_cmd, "sync", "import", "--db", pair.hub, again)
    assert code == 0, err
    # the old laptop's bundles are still accepted (here: already imported) until it is retired
    code, out, err = run(kjtui_cmd, "sync", "import", "--db", pair.hub, sent)
    assert code == 0 and "already imported" in out, err
    code, out, err = run(kjtui_cmd, "hub", "revoke", "--db", pair.hub, "--manager", "KJ01",
                         "--incarnation", "1")
    assert code == 0 and "incarnation 1" in out
    code, out, err = run(kjtui_cmd, "sync", "import", "--db", pair.hub, sent)
    assert code != 0 and "revoked" in err
    sup.use(pair.hub)
    assert Visit.select().count() == 7


def test_joining_needs_an_empty_notebook(tmp_path, kjtui_cmd):
    pair = sup.build(tmp_path)
    before = sup.dump(pair.station)
    code, out, err = run(kjtui_cmd, "station", "join", "--db", pair.station, pair.enrollment)
    assert code != 0 and "empty" in err
    assert sup.dump(pair.station) == before


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    """One file for each way a bundle goes wrong, and the notebooks to try them on."""
    folder = tmp_path_factory.mktemp("bad")
    pair = sup.build(folder / "pair")
    sup.use(pair.station)
    sup.visits(4)
    good = sup.export_station(pair).read_bytes()
    sup.close()
    b = bundle.parse(good)
    out = {}
    out["truncated"] = good[: len(good) // 2]
    flipped = bytearray(good)
    flipped[-10] ^= 0x10
    out["flipped"] = bytes(flipped)
    import struct

    raw = bundle.canonical({**b.manifest, "ack": 99})
    out["tampered"] = bundle.MAGIC + struct.pack(">I", len(raw)) + raw + b.signature + b.payload
    out["garbage"] = "客户名单\n张三".encode()
    paths = {}
    for name, data in out.items():
        p = folder / f"KJ01-to-hub-{name}.kjb"
        p.write_bytes(data)
        paths[name] = p
    return pair, paths


@pytest.mark.parametrize("case", ["truncated", "flipped", "tampered", "garbage"])
@pytest.mark.parametrize("lang,words", [("en", "nothing was changed"), ("zh", "未做任何改动")])
def test_each_refusal_is_one_sentence_and_a_non_zero_exit(bad_files, kjtui_cmd, case, lang, words):
    pair, paths = bad_files
    before = sup.dump(pair.hub), sup.dump(pair.station)
    code, out, err = run(kjtui_cmd, "sync", "import", "--db", pair.hub, paths[case], lang=lang)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in err
    assert (sup.dump(pair.hub), sup.dump(pair.station)) == before


def test_the_hub_import_runs_on_postgresql(pg_url, tmp_path):
    """The same import code on a PostgreSQL hub: a week applied once, the review answered."""
    from kjtui.models import HUB, close, connect
    from sync import exporter

    station, n = sup.pg_hub_with_station(pg_url, tmp_path, per_day=10)
    (sent,) = exporter.export(str(tmp_path))
    close()
    connect(pg_url)
    data = Path(sent).read_bytes()
    r = importer.import_bytes(data)
    assert r.status == "applied" and Visit.select().count() == n
    assert importer.import_bytes(data).status == "duplicate"
    m = Manager.get(Manager.code == "KJ01")
    journal.create(WeeklyReview, manager=m, week=sup.MONDAY, supervisor=Supervisor.get(),
                   state="reviewed", comment="好", at=datetime(2026, 11, 30, 9))
    name, reply = exporter.return_bundle(SyncPeer.get(SyncPeer.node == "KJ01"))
    sup.use(station)
    importer.import_bytes(reply)
    assert WeeklyReview.select().count() == 1
    assert SyncPeer.get(SyncPeer.node == HUB).their_ack == r.last
