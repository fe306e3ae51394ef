"""Import on the hub: exactly once, in any order, forks refused whole, gaps parked, the outbox
resent when the hub's acknowledgement goes back, clocks that do not drag, and all-or-nothing
when the process dies or the disk fills."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from datetime import datetime

import pytest
import sync_support as sup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kjtui.exception import BundleError
from kjtui.models import (
    HUB,
    Acknowledgement,
    Customer,
    CustomerProposal,
    JournalEntry,
    ProposalDecision,
    Setting,
    SyncParked,
    SyncPeer,
    Visit,
    hlc,
)
from sync import bundle, conflicts, exporter, importer


def _chain(pair, sizes) -> list[bytes]:
    """Station bundles with consecutive ranges: each export as if the hub had acked the last."""
    out, start = [], 0
    for n in sizes:
        sup.use(pair.station)
        sup.visits(n, start=start)
        start += n
        data = sup.export_station(pair).read_bytes()
        out.append(data)
        sup.set_hub_ack(pair, bundle.parse(data).last)
    sup.close()
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    pair = sup.build(tmp_path_factory.mktemp("tpl"))
    chain = _chain(pair, [3, 2, 4, 1])
    return pair, chain


@pytest.fixture
def env(template, tmp_path):
    pair, chain = template
    return sup.copy(pair, tmp_path), chain


def test_the_same_bundle_ten_times_is_applied_once(env):
    pair, chain = env
    sup.use(pair.hub)
    results = [importer.import_bytes(chain[0]) for _ in range(10)]
    assert [r.status for r in results] == ["applied"] + ["duplicate"] * 9
    assert Visit.select().count() == 3 and Acknowledgement.select().count() == 3
    sup.close()
    once = sup.data_dump(pair.hub)
    sup.use(pair.hub)
    importer.import_bytes(chain[0])
    sup.close()
    assert sup.data_dump(pair.hub) == once
    # every answer still carries the acknowledgement (the station may have lost one)
    assert all(r.reply for r in results)


def test_a_gap_parks_the_bundle_until_the_missing_one_arrives(env):
    pair, chain = env
    sup.use(pair.hub)
    assert importer.import_bytes(chain[2]).status == "parked"
    assert importer.import_bytes(chain[1]).status == "parked"
    peer = SyncPeer.get(SyncPeer.node == "KJ01")
    assert peer.acked_seq == 0 and Visit.select().count() == 0
    assert exporter.missing_ranges(peer) == [[1, bundle.parse(chain[0]).last]]
    r = importer.import_bytes(chain[0])
    assert r.status == "applied" and r.unparked == 2
    assert Visit.select().count() == 9 and SyncParked.select().count() == 0
    assert SyncPeer.get(SyncPeer.node == "KJ01").acked_seq == bundle.parse(chain[2]).last


def test_same_seq_with_other_content_is_a_fork_refused_whole(env, tmp_path):
    pair, chain = env
    sup.use(pair.hub)
    importer.import_bytes(chain[0])
    sup.close()
    # The laptop restored from an old backup writes other visits under the same seqs.
    other = sup.copy(sup.Pair(*[p for p in (pair.hub, pair.station, pair.folder,
                                            pair.enrollment)]), tmp_path / "fork")
    shutil.copy(pair.station, other.station)
    sup.use(other.station)
    JournalEntry.delete().execute()
    SyncPeer.update(their_ack=0).where(SyncPeer.node == HUB).execute()
    sup.visits(5, start=40)
    forked = sup.export_station(other, tmp_path).read_bytes()
    sup.close()
    before = sup.dump(pair.hub)
    sup.use(pair.hub)
    with pytest.raises(BundleError) as err:
        importer.import_bytes(forked)
    sup.close()
    assert err.value.key == "bundle.fork"
    assert sup.dump(pair.hub) == before


def test_station_resends_when_the_hub_ack_goes_back(env, tmp_path):
    pair, chain = env
    backup = tmp_path / "hub-backup.db"
    sup.use(pair.hub)
    importer.import_bytes(chain[0])
    sup.close()
    shutil.copy(pair.hub, backup)  # the county's nightly backup
    sup.use(pair.hub)
    importer.import_bytes(chain[1])
    r = importer.import_bytes(chain[2])
    sup.close()
    sup.use(pair.station)
    importer.import_bytes(r.reply[1])
    assert SyncPeer.get(SyncPeer.node == HUB).their_ack == bundle.parse(chain[2]).last
    sup.close()
    # The hub's disk dies; it is restored from the backup and answers the next bundle.
    shutil.copy(backup, pair.hub)
    for p in (pair.hub.with_name("hub.db-wal"), pair.hub.with_name("hub.db-shm")):
        p.unlink(missing_ok=True)
    sup.use(pair.hub)
    parked = importer.import_bytes(chain[3])
    assert parked.status == "parked"
    sup.close()
    sup.use(pair.station)
    importer.import_bytes(parked.reply[1])
    peer = SyncPeer.get(SyncPeer.node == HUB)
    assert peer.their_ack == bundle.parse(chain[0]).last  # went back
    resend = sup.export_station(pair).read_bytes()
    assert bundle.parse(resend).first == peer.their_ack + 1
    sup.use(pair.hub)
    r = importer.import_bytes(resend)
    assert r.status == "applied" and Visit.select().count() == 10


def test_review_flags_and_decisions_travel_back(env):
    pair, chain = env
    from kjtui.models import Manager, ReviewFlag, Supervisor, WeeklyReview, journal
    from kjtui.services import customers

    sup.use(pair.station)
    m = Manager.get(Manager.code == "KJ01")
    c = Customer.select().order_by(Customer.licence_no).first()
    customers.propose(c.id, m.id, "phone", "13900000000")
    data = sup.export_station(pair).read_bytes()
    sup.use(pair.hub)
    for d in chain:
        importer.import_bytes(d)
    assert importer.import_bytes(data).status == "applied"
    pending = conflicts.pending()
    assert [p["new"] for p in pending] == ["13900000000"]
    conflicts.resolve(pending[0]["id"][:8], accept=True, note="核实无误")
    assert Customer.get_by_id(c.id).phone == "13900000000"
    rv = journal.create(WeeklyReview, manager=m, week=sup.MONDAY, supervisor=Supervisor.get(),
                        state="returned", comment="补签", at=datetime(2026, 11, 30, 9))
    journal.create(ReviewFlag, review=rv, record_kind="visit",
                   record_id=Visit.select().first().id, reason="时间不符")
    peer = SyncPeer.get(SyncPeer.node == "KJ01")
    name, reply = exporter.return_bundle(peer)
    sup.use(pair.station)
    importer.import_bytes(reply)
    assert WeeklyReview.get_by_id(rv.id).state == "returned"
    assert ReviewFlag.select().count() == 1
    assert ProposalDecision.get().accepted is True
    assert Customer.get_by_id(c.id).phone == "13900000000"
    assert conflicts_empty(pair)


def conflicts_empty(pair) -> bool:
    sup.use(pair.hub)
    return conflicts.pending() == []


def test_rejected_proposal_keeps_the_losing_value(env):
    pair, chain = env
    from kjtui.models import Manager
    from kjtui.services import customers

    sup.use(pair.station)
    m = Manager.get(Manager.code == "KJ01")
    c = Customer.select().order_by(Customer.licence_no).first()
    customers.propose(c.id, m.id, "shop_name", "新名字超市")
    data = sup.export_station(pair).read_bytes()
    sup.use(pair.hub)
    for d in [*chain, data]:
        importer.import_bytes(d)
    (item,) = conflicts.pending()
    conflicts.resolve(item["id"], accept=False, note="与执照不符")
    assert Customer.get_by_id(c.id).shop_name != "新名字超市"
    p = CustomerProposal.get_by_id(item["id"])
    assert p.new_value == "新名字超市" and ProposalDecision.get(proposal=p).accepted is False


def test_clocks_2019_and_2035_break_no_order_and_do_not_drag_the_hub(env, monkeypatch):
    pair, chain = env
    year = 365 * 86400 * 1000
    real = hlc.wall_ms()
    sup.use(pair.hub)
    for d in chain:
        importer.import_bytes(d)
    # The laptop's clock says 2035 while it records and exports.
    monkeypatch.setattr(hlc, "wall_ms", lambda: real + 9 * year)
    sup.use(pair.station)
    sup.visits(2, start=50)
    ahead = sup.export_station(pair).read_bytes()
    monkeypatch.setattr(hlc, "wall_ms", lambda: real)
    sup.use(pair.hub)
    hub_before = int(Setting.get_or_none(Setting.key == hlc.KEY).value) if Setting.get_or_none(
        Setting.key == hlc.KEY) else 0
    importer.import_bytes(ahead)
    peer = SyncPeer.get(SyncPeer.node == "KJ01")
    assert peer.skew_flagged and peer.skew_ms > 8 * year
    hub_clock = int(Setting.get_by_id(hlc.KEY).value)
    assert hlc.unpack(hub_clock)[0] < real + 60_000  # not dragged to 2035
    assert hub_clock > hub_before
    # The laptop set to 2019: its clock is behind; order still comes from seq and rev.
    monkeypatch.setattr(hlc, "wall_ms", lambda: real - 7 * year)
    sup.use(pair.station)
    sup.visits(2, start=60)
    behind = sup.export_station(pair).read_bytes()
    monkeypatch.setattr(hlc, "wall_ms", lambda: real)
    sup.use(pair.hub)
    r = importer.import_bytes(behind)
    assert r.status == "applied"
    assert Visit.select().count() == 14
    assert SyncPeer.get(SyncPeer.node == "KJ01").acked_seq == bundle.parse(behind).last
    # the hub's answer sets the 2019 laptop's clock right (the hub is the county's clock)
    monkeypatch.setattr(hlc, "wall_ms", lambda: real - 7 * year)
    sup.use(pair.station)
    importer.import_bytes(r.reply[1])
    assert hlc.unpack(int(Setting.get_by_id(hlc.KEY).value))[0] >= real - 60_000
    assert SyncPeer.get(SyncPeer.node == HUB).skew_flagged


# --- bundles in any order, dropped or duplicated ------------------------------------------------


@pytest.fixture(scope="module")
def property_env(template, tmp_path_factory):
    pair, chain = template
    base = tmp_path_factory.mktemp("prop")
    ref = {}
    for k in range(len(chain) + 1):  # the end state after in-order delivery of a prefix
        p = sup.copy(pair, base / f"ref{k}")
        sup.use(p.hub)
        for data in chain[:k]:
            importer.import_bytes(data, reply=False)
        sup.close()
        ref[k] = _state(p.hub)
    return pair, chain, ref, base


def _state(path):
    d = sup.data_dump(path)
    d.pop("sync_parked", None)  # where parked bundles wait is not the end state
    d.pop("sync_received", None)
    return d


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.lists(st.integers(0, 3), max_size=10))
def test_any_order_drop_or_duplicate_ends_as_in_order_delivery(property_env, order):
    pair, chain, ref, base = property_env
    folder = base / "run"
    shutil.rmtree(folder, ignore_errors=True)
    p = sup.copy(pair, folder)
    sup.use(p.hub)
    for i in order:
        importer.import_bytes(chain[i], reply=False)
    sup.close()
    delivered = set(order)
    prefix = 0
    while prefix in delivered:
        prefix += 1
    assert _state(p.hub) == ref[prefix]


# --- a process killed, a full disk, a pulled stick ---------------------------------------------

KILL_DURING_IMPORT = """
import os, signal, sys
from kjtui.models import connect, resolve_url
import sync.importer as imp
connect(resolve_url(sys.argv[1]))
real = imp.apply_records
def dying(*a, **k):
    out = real(*a, **k)          # rows written inside the transaction ...
    os.kill(os.getpid(), signal.SIGKILL)  # ... and the process dies before the commit
imp.apply_records = dying
imp.import_bytes(open(sys.argv[2], 'rb').read())
"""


def test_a_process_killed_during_import_leaves_all_or_nothing(env, tmp_path):
    pair, chain = env
    f = tmp_path / "b.kjb"
    f.write_bytes(chain[0])
    before = sup.dump(pair.hub)
    out = subprocess.run([sys.executable, "-c", KILL_DURING_IMPORT, str(pair.hub), str(f)],
                         capture_output=True, text=True)
    assert out.returncode == -signal.SIGKILL, out.stderr
    assert sup.dump(pair.hub) == before
    sup.use(pair.hub)
    assert importer.import_bytes(chain[0]).status == "applied"  # and it imports cleanly after


def test_a_full_disk_during_import_changes_nothing(env):
    pair, chain = env
    sup.set_hub_ack(pair, 0)
    sup.use(pair.station)
    sup.visits(120, start=100)
    data = sup.export_station(pair).read_bytes()
    db = sup.use(pair.hub)
    db.execute_sql("VACUUM")
    pages = db.execute_sql("PRAGMA page_count").fetchone()[0]
    db.execute_sql(f"PRAGMA max_page_count = {pages}")  # not one page more: the disk is full
    before = sup.dump(pair.hub)
    with pytest.raises(Exception) as err:
        importer.import_bytes(data)
    from kjtui.commands.sync import refusal

    assert refusal(err.value).key == "bundle.disk_full"
    sup.close()
    assert sup.dump(pair.hub) == before




def test_a_full_disk_during_export_leaves_no_bundle(env, tmp_path, monkeypatch):
    pair, chain = env
    import errno

    out = tmp_path / "stick"
    out.mkdir()
    real_write = os.write

    def full(fd, data):
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    sup.use(pair.station)
    sup.visits(1, start=70)
    with pytest.raises(OSError):
        exporter.export(str(out))
    monkeypatch.undo()
    assert list(out.iterdir()) == []  # not even the temp file


PULL_DURING_EXPORT = """
import os, signal, sys
from kjtui.models import connect, resolve_url
from sync import exporter
connect(resolve_url(sys.argv[1]))
real = os.write
def pulled(fd, data):
    real(fd, bytes(data[: len(data) // 2]))
    os.kill(os.getpid(), signal.SIGKILL)   # the stick is pulled mid-write
os.write = pulled
exporter.export(sys.argv[2])
"""


def test_a_stick_pulled_during_export_leaves_no_half_bundle(env, tmp_path, kjtui_cmd):
    pair, chain = env
    out = tmp_path / "stick"
    out.mkdir()
    r = subprocess.run([sys.executable, "-c", PULL_DURING_EXPORT, str(pair.station), str(out)],
                       capture_output=True, text=True)
    assert r.returncode == -signal.SIGKILL, r.stderr
    left = list(out.iterdir())
    assert all(not p.name.endswith(bundle.SUFFIX) for p in left)  # only a .part file
    # the hub, importing the folder, finds nothing to take; the half file itself is refused
    r = subprocess.run([*kjtui_cmd, "--lang", "en", "sync", "import", "--db", str(pair.hub),
                        str(out)], capture_output=True, text=True)
    assert "There are no bundles" in r.stderr
    for p in left:
        r = subprocess.run([*kjtui_cmd, "--lang", "en", "sync", "import", "--db", str(pair.hub),
                            str(p)], capture_output=True, text=True)
        assert r.returncode != 0 and "nothing was changed" in r.stderr


# --- resends that overlap, digests stored by an earlier release, rows held by another owner ---


def test_a_resend_overlapping_what_was_applied_writes_only_what_is_new(env):
    """The hub's answer never reached the laptop: its next bundle starts again at seq 1, with a
    record changed twice since (the newest version wins)."""
    from kjtui.models import DayLog, Manager, SyncReceived
    from kjtui.services import day as day_service

    pair, chain = env
    sup.use(pair.hub)
    importer.import_bytes(chain[0])
    first_last = bundle.parse(chain[0]).last
    sup.use(pair.station)
    sup.set_hub_ack(pair, 0)
    sup.use(pair.station)
    m = Manager.get(Manager.code == "KJ01")
    day_service.start_day(m.id, sup.MONDAY, 1200)
    day_service.end_day(m.id, sup.MONDAY, 1260)
    resend = sup.export_station(pair).read_bytes()
    assert bundle.parse(resend).first == 1 and bundle.parse(resend).last > first_last
    sup.use(pair.hub)
    r = importer.import_bytes(resend)
    assert r.status == "applied" and Visit.select().count() == 10  # the template's whole week
    # every fresh seq written once, the day log's two changes as one update
    assert r.changes == bundle.parse(resend).last - first_last - 1
    log = DayLog.get(DayLog.day == sup.MONDAY)
    assert (log.odometer_start, log.odometer_end) == (1200, 1260)
    received = list(SyncReceived.select().order_by(SyncReceived.first_seq))
    assert [(x.first_seq, x.last_seq) for x in received] == [
        (1, first_last), (first_last + 1, bundle.parse(resend).last)]
    assert all(len(x.digests) == 16 * (x.last_seq - x.first_seq + 1) for x in received)
    assert importer.import_bytes(resend).status == "duplicate"


def test_digests_stored_by_an_earlier_release_still_match(env):
    """Digests were repr of the sorted columns before Block.digests: a hub upgraded in between
    takes the same bundle again as a duplicate, not a fork."""
    from kjtui.models import SyncReceived

    pair, chain = env
    sup.use(pair.hub)
    importer.import_bytes(chain[0])
    opened, _ = importer.open_bundle(chain[0])
    old = {}
    for blk in opened.blocks:
        for i, seq in enumerate(blk.seqs):
            old[seq] = bundle.legacy_digest(blk.table, blk.payload(i))
    row = SyncReceived.get()
    assert row.digests != "".join(old[s] for s in range(row.first_seq, row.last_seq + 1))
    SyncReceived.update(digests="".join(old[s] for s in range(row.first_seq, row.last_seq + 1))
                        ).execute()
    assert importer.import_bytes(chain[0]).status == "duplicate"


def test_a_record_held_by_another_owner_is_kept_as_a_conflict_not_overwritten(env):
    from kjtui.models import HeldRecord, database

    pair, chain = env
    sup.use(pair.hub)
    importer.import_bytes(chain[0])
    before = sup.data_dump(pair.hub)
    opened, _ = importer.open_bundle(chain[0])
    for blk in opened.blocks:  # the same records, as if another station claimed them
        blk.cols["owner"] = ["KJ02"] * blk.n
        blk.cols["rev"] = [9] * blk.n
    with database.atomic():
        written, kept = importer.apply_records(opened.blocks, "KJ02")
    assert written == 0 and len(kept) == sum(b.n for b in opened.blocks)
    held = HeldRecord.select().where(HeldRecord.reason == "write.not_owner")
    assert held.count() == len(kept) and {h.station for h in held} == {"KJ02"}
    sup.close()
    after = sup.data_dump(pair.hub)
    after.pop("held_record"), before.pop("held_record")
    assert after == before
