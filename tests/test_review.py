"""The review queue and the week under review (issue 11, section 2), carried through bundles:
hub → station (returned, its records and notes) → corrected → hub (in the queue, "corrected")
→ approved → station (sealed: edits refused there, and held at the hub if sent anyway)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sync_sample
import sync_stations as county_

from kjtui.exception import Refused
from kjtui.models import DayLog, Decision, HeldRecord, Manager, Visit, WeeklyReview
from kjtui.services import accounts, review
from kjtui.services import day as day_service
from kjtui.services import week as week_service

MONDAY = county_.MONDAY
TODAY = date(2026, 12, 2)
AT = datetime(2026, 11, 30, 10, 0)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    c = county_.build(tmp_path_factory.mktemp("county"))
    for code in ("KJ01", "KJ02"):
        c.at(code)
        sync_sample.record_week(code, MONDAY, per_day=4)
        c.push(code)
    c.at("hub")
    accounts.add("liu", "supervisor", "correct horse", "S01")
    accounts.add("root", "admin", "correct horse")
    county_.close()
    return c


@pytest.fixture
def county(template, tmp_path):
    return county_.copy(template, tmp_path / "c")


def manager_id(code: str) -> str:
    return Manager.get(Manager.code == code).id


def test_the_queue_lists_weeks_not_reviewed_oldest_first_with_what_arrived(county):
    county.at("hub")
    rows = review.queue("liu", TODAY)
    assert [(r.code, r.monday, r.state, r.days, r.visits) for r in rows] == [
        ("KJ01", MONDAY, "new", 6, 24), ("KJ02", MONDAY, "new", 6, 24)]
    assert rows[0].arrived == len(review.fingerprint(rows[0].manager_id, MONDAY))
    week = review.open_week(rows[0].manager_id, MONDAY, TODAY, "liu")
    assert week.state == "new" and week.code == "KJ01" and len(week.week.lines) == 24
    assert {c.reason for c in week.concerns} >= {"paper_ack"}  # every visit signed on paper
    # Seen: nothing new since; a visit that arrives later counts.
    assert review.queue("liu", TODAY)[0].arrived == 0
    assert review.queue("root", TODAY)[0].arrived > 0  # another account has not looked
    county.at("KJ01")
    county_.visit("KJ01", county_.licence(0, 1, 9), datetime(2026, 11, 27, 16, 0))
    county.push("KJ01")
    county.at("hub")
    # the visit, and its day (a visit after the last check-in phoned in: "已报" went)
    assert review.queue("liu", TODAY)[0].arrived == 2


def test_the_code_flags_odometer_check_ins_and_acknowledgements(county):
    county.at("KJ01")
    m = manager_id("KJ01")
    tue = MONDAY + timedelta(days=1)
    log = DayLog.get((DayLog.manager == m) & (DayLog.day == tue))
    from kjtui.models import journal

    journal.update(log, odometer_start=log.odometer_start + 300,
                   odometer_end=log.odometer_end + 300)  # a jump, then the next day goes back
    journal.update(log, first_phoned_at=log.first_phoned_at + timedelta(hours=2))
    county_.visit("KJ01", county_.licence(0, 2, 1), datetime(2026, 11, 25, 17, 0))  # no ack
    county.push("KJ01")
    county.at("hub")
    week = review.open_week(m, MONDAY, TODAY)
    reasons = {(c.day, c.reason) for c in week.concerns}
    assert (tue, "odometer_gap") in reasons
    assert (tue + timedelta(days=1), "odometer_backwards") in reasons
    assert (tue, "checkin_first") in reasons
    assert (date(2026, 11, 25), "no_ack") in reasons
    assert (date(2026, 11, 25), "repeat") in reasons  # the customer's second visit that day


def test_a_return_travels_is_corrected_comes_back_and_is_approved_then_sealed(county):
    county.at("hub")
    m = manager_id("KJ01")
    sat = MONDAY + timedelta(days=5)
    log = DayLog.get((DayLog.manager == m) & (DayLog.day == sat))
    visit = Visit.select().where(Visit.day == log.id).order_by(Visit.arrived_at).first()
    with pytest.raises(Refused) as refused:
        review.return_week("root", m, MONDAY, "x", [review.Mark("day_log", log.id, "里程")])
    assert refused.value.key == "account.not_supervisor"
    with pytest.raises(Refused) as refused:
        review.return_week("liu", m, MONDAY, "x", [review.Mark("day_log", log.id, " ")])
    assert refused.value.key == "review.mark_needs_note"
    review.return_week("liu", m, MONDAY, "请更正", [
        review.Mark("day_log", log.id, "收车里程不对"),
        review.Mark("visit", visit.id, "订货量核对"),
    ], now=AT)
    assert [r.code for r in review.queue("liu", TODAY)] == ["KJ02"]  # waits for the manager

    county.push("KJ01")  # the return reaches the laptop
    county.at("KJ01")
    view = week_service.week_notebook(m, MONDAY, TODAY)
    assert view.review.state == "returned" and view.review.comment == "请更正"
    assert {(f.kind, f.reason) for f in view.review.flags} == {
        ("day_log", "收车里程不对"), ("visit", "订货量核对")}
    day_service.end_day(m, sat, log.odometer_end + 3)  # corrected: the week is open
    county.push("KJ01")

    county.at("hub")
    (row,) = [r for r in review.queue("liu", TODAY) if r.code == "KJ01"]
    assert row.state == "corrected"
    assert review.open_week(m, MONDAY, TODAY, "liu").state == "corrected"
    approved = review.approve("liu", m, MONDAY, "已更正，很好", 92, now=AT + timedelta(days=1))
    assert [r.code for r in review.queue("liu", TODAY)] == ["KJ02"]
    kept = WeeklyReview.select().where(WeeklyReview.manager == m).order_by(WeeklyReview.at)
    assert [(r.state, r.score) for r in kept] == [("returned", None), ("reviewed", 92)]
    assert approved.supersedes_id == kept[0].id
    assert [(d.account, d.action) for d in Decision.select().order_by(Decision.at)] == [
        ("liu", "return"), ("liu", "approve")]
    with pytest.raises(Refused) as refused:
        review.approve("liu", m, MONDAY, "again", 90)
    assert refused.value.key == "review.already_approved"

    county.push("KJ01")  # the approval reaches the laptop: the week is sealed
    county.at("KJ01")
    view = week_service.week_notebook(m, MONDAY, TODAY)
    assert (view.review.state, view.review.comment) == ("reviewed", "已更正，很好")
    with pytest.raises(Refused) as refused:
        day_service.end_day(m, sat, log.odometer_end + 9)
    assert refused.value.key == "write.week_sealed"
    with pytest.raises(Refused) as refused:
        county_.visit("KJ01", county_.licence(0, 0, 3), datetime(2026, 11, 28, 17, 0))
    assert refused.value.key == "write.week_sealed"
    # A laptop that writes it anyway (its own database): the hub holds it, with the reason.
    row = DayLog.get_by_id(log.id)
    county_.forge("KJ01", "day_log", {**county_.payload_of(DayLog, log.id),
                                      "odometer_end": row.odometer_end + 50}, rev=row.rev + 1)
    # A visit written before the approval reached the laptop (its older stamp): a late
    # arrival, not an edit of what the supervisor read; it applies.
    from kjtui.models import new_id

    late = new_id()
    county_.forge("KJ01", "visit", {**county_.payload_of(Visit, visit.id), "id": late,
                                    "hlc": Visit.get_by_id(visit.id).hlc})
    county.push("KJ01")
    county.at("hub")
    (h,) = HeldRecord.select().where(HeldRecord.record_id == log.id)
    assert h.reason == "write.week_sealed"
    assert DayLog.get_by_id(log.id).odometer_end == row.odometer_end
    assert Visit.get_or_none(Visit.id == late) is not None
