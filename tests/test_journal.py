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
