"""The write path: owner, rev and stamp set; station changes journaled gapless in the same
transaction; signed records refused; hub-owned records refused on a station."""

from datetime import date, datetime

import peewee
import pytest

from kjtui.exception import Refused
from kjtui.models import (
    Acknowledgement,
    Customer,
    DayLog,
    JournalEntry,
    Manager,
    Township,
    Visit,
    hlc,
    journal,
)
from kjtui.services import settings


@pytest.fixture
def county(db):
    t = Township.create(code="T1", name="上梅镇")
    m = Manager.create(code="KJ01", name="周丽娜", gender="F", birth_date=date(1998, 3, 1),
                       education="college", employment="contract", owner="hub")
    c = Customer.create(licence_no="431322100001", shop_name="[老街]便民店", owner_name="王五",
                        township=t, area="rural", retail_format="grocery", manager=m)
    return m, c


def as_station(code):
    settings.put("node_id", code)


def test_station_changes_are_journaled_gapless(county):
    m, c = county
    as_station("KJ01")
    day = journal.create(DayLog, manager=m, day=date(2026, 11, 27), odometer_start=1000)
    v = journal.create(Visit, day=day, manager=m, customer=c,
                       arrived_at=datetime(2026, 11, 27, 9, 0))
    journal.update(day, odometer_end=1042)
    entries = list(JournalEntry.select().order_by(JournalEntry.seq))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert [(e.table_name, e.rev) for e in entries] == [("day_log", 1), ("visit", 1), ("day_log", 2)]
    assert entries[0].hlc < entries[1].hlc < entries[2].hlc
    assert v.owner == "KJ01" and day.rev == 2
    assert '"odometer_end":1042' in entries[2].payload


def test_a_failed_write_leaves_no_journal_entry(county):
    m, c = county
    as_station("KJ01")
    day = journal.create(DayLog, manager=m, day=date(2026, 11, 27), odometer_start=1000)
    with pytest.raises(peewee.IntegrityError):
        journal.update(day, odometer_end=900)  # the database refuses a backwards odometer
    assert JournalEntry.select().count() == 1
    assert DayLog.get_by_id(day.id).odometer_end is None


def test_signed_visit_cannot_be_edited(county):
    m, c = county
    as_station("KJ01")
    day = journal.create(DayLog, manager=m, day=date(2026, 11, 27))
    v = journal.create(Visit, day=day, manager=m, customer=c, arrived_at=datetime(2026, 11, 27, 9))
    journal.create(Acknowledgement, visit=v, method="pin", at=datetime(2026, 11, 27, 9, 5))
    with pytest.raises(Refused) as err:
        journal.update(v, quantity=5)
    assert err.value.key == "write.signed"
    assert Visit.get_by_id(v.id).quantity == 0


def test_station_may_not_change_county_master_data(county):
    m, c = county
    as_station("KJ01")
    with pytest.raises(Refused) as err:
        journal.update(c, phone="13800000000")
    assert err.value.key == "write.hub_owned"


def test_hub_journals_only_hub_owned(county):
    m, c = county
    journal.update(c, phone="13800000000")
    day = journal.create(DayLog, owner="KJ01", manager=m, day=date(2026, 11, 27))
    assert [e.table_name for e in JournalEntry.select()] == ["customer"]
    assert day.owner == "KJ01"


def test_clock_far_ahead_is_flagged_not_adopted(db):
    now = hlc.wall_ms()
    local = hlc.tick(now)
    stamp, flagged = hlc.receive(hlc.pack(now + 10 * 365 * 86400 * 1000), now)
    assert flagged and hlc.unpack(stamp)[0] == now and stamp > local
    behind, flagged = hlc.receive(hlc.pack(now - 7 * 365 * 86400 * 1000), now)
    assert not flagged and behind > stamp
    # a wall clock that jumps back (laptop set to 2019) still gives increasing stamps
    assert hlc.tick(now - 7 * 365 * 86400 * 1000) > behind


def test_many_records_at_once_are_journaled_like_one(county):
    """create_many / update_many: the same owner, rev, stamps and journal as one by one; the
    payload in the journal is what `to_payload` makes of the stored row."""
    m, c = county
    t = Township.get()
    made = journal.create_many(Customer, [
        dict(licence_no=f"43132210{i:04d}", shop_name=f"店{i}", owner_name="李", township=t.id,
             area="rural", retail_format="grocery", manager=m.id) for i in range(2, 5)])
    assert [r["rev"] for r in made] == [1, 1, 1] and len({r["hlc"] for r in made}) == 3
    stored = Customer.get_by_id(made[0]["id"])
    assert stored.owner == "hub" and stored.grade == "C" and stored.active is True
    rows = {r["id"]: r for r in Customer.select().where(Customer.id.in_([x["id"] for x in made]))
            .dicts()}
    changed = journal.update_many(Customer, [(rows[made[1]["id"]], {"shop_name": "新店"})])
    assert changed[0]["rev"] == 2 and changed[0]["hlc"] > made[-1]["hlc"]
    entries = list(JournalEntry.select().order_by(JournalEntry.seq))
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    last = Customer.get_by_id(made[1]["id"])
    assert last.shop_name == "新店" and last.rev == 2
    import json

    assert json.loads(entries[-1].payload) == journal.to_payload(last)
    assert json.loads(entries[0].payload) == journal.to_payload(stored)


def test_many_records_refused_on_a_station_like_one(county):
    as_station("KJ01")
    with pytest.raises(Refused):
        journal.create_many(Township, [dict(code="T9", name="新镇")])
    assert not Township.select().where(Township.code == "T9").exists()
    with pytest.raises(ValueError):
        journal.update_many(Visit, [({"owner": "KJ01", "rev": 1}, {})])  # signed kinds: one by one
