"""按周进行批阅流转 at the county office (issue 11, section 2): the queue of every manager's weeks
not yet reviewed, oldest first, with what arrived since the supervisor last looked; the week
under review (kjtui.services.week's notebook, with what the code asks a second look at, each with
its reason: kjtui.services.review_checks); and the decision: approve with a comment and the
notebook's score, or return marking the exact records to correct, each with a note.

A decision is a WeeklyReview written through the journal, superseding the one before (both are
kept), and travels back to the station: an approved week is sealed there
(kjtui.models.sealed_weeks), a returned one shows its records and notes. When the corrections
come back, the week is in the queue again, marked "corrected".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kjtui.exception import Refused
from kjtui.models import (
    Acknowledgement,
    DayLog,
    InfoItem,
    Manager,
    ReviewFlag,
    ReviewSeen,
    Supervisor,
    Visit,
    WeeklyReview,
    database,
    journal,
)
from kjtui.services import accounts, review_checks
from kjtui.services import week as week_service
from kjtui.services.periods import monday_of

KINDS = ("day_log", "visit", "acknowledgement", "info_item")  # what a return may mark
MAX_NOTE = 120  # a flag's note (ReviewFlag.reason)


@dataclass(frozen=True)
class QueueRow:
    manager_id: str
    code: str
    name: str
    monday: date
    state: str  # new, corrected
    days: int
    visits: int
    arrived: int  # records new or changed since this account last opened the week
    supervisor: str  # the supervisor the manager is assigned to ("" if none yet)


@dataclass(frozen=True)
class Mark:
    kind: str  # one of KINDS
    record_id: str
    note: str


@dataclass(frozen=True)
class RecordLine:
    """A record the supervisor may mark for correction: a day's log or a visit."""

    kind: str  # day_log, visit
    record_id: str
    day: date
    at: datetime | None
    what: str  # the odometer (a day), the shop and how it was acknowledged (a visit)
    concerns: tuple[review_checks.Concern, ...]


@dataclass(frozen=True)
class ReviewWeek:
    code: str
    name: str
    state: str  # new, corrected, returned, approved
    week: week_service.WeekView
    concerns: list[review_checks.Concern]
    arrived: int
    records: list[RecordLine]


# --- what a week holds ------------------------------------------------------------------------


def fingerprint(manager_id: str, monday: date) -> dict[str, int]:
    """Every record of the manager's week, id → revision: what the supervisor saw."""
    sunday = monday + timedelta(days=6)
    logs = dict(DayLog.select(DayLog.id, DayLog.rev).where(
        (DayLog.manager == manager_id) & DayLog.day.between(monday, sunday)).tuples())
    out = dict(logs)
    if logs:
        visits = dict(Visit.select(Visit.id, Visit.rev).where(Visit.day.in_(list(logs))).tuples())
        out.update(visits)
        if visits:
            out.update(Acknowledgement.select(Acknowledgement.id, Acknowledgement.rev).where(
                Acknowledgement.visit.in_(list(visits))).tuples())
    out.update(InfoItem.select(InfoItem.id, InfoItem.rev).where(
        (InfoItem.manager == manager_id) & InfoItem.collected_on.between(monday, sunday)).tuples())
    return out


def _arrived(now: dict[str, int], seen: dict[str, int] | None) -> int:
    if seen is None:
        return len(now)
    return sum(1 for k, rev in now.items() if seen.get(k) != rev)


def _seen(key: str, manager_id: str, monday: date) -> dict[str, int] | None:
    row = ReviewSeen.get_or_none((ReviewSeen.key == key) & (ReviewSeen.manager_id == manager_id)
                                 & (ReviewSeen.week == monday))
    return json.loads(row.seen) if row else None


def _remember(key: str, manager_id: str, monday: date, seen: dict[str, int],
              at: datetime) -> None:
    ReviewSeen.insert(key=key, manager_id=manager_id, week=monday, seen_at=at,
                      seen=json.dumps(seen, sort_keys=True)).on_conflict(
        conflict_target=[ReviewSeen.key, ReviewSeen.manager_id, ReviewSeen.week],
        update={ReviewSeen.seen_at: at, ReviewSeen.seen: json.dumps(seen, sort_keys=True)},
    ).execute()


def current_review(manager_id: str, monday: date) -> WeeklyReview | None:
    """The county's word on the week that no later one supersedes."""
    rows = list(WeeklyReview.select().where(
        (WeeklyReview.manager == manager_id) & (WeeklyReview.week == monday)
        & (WeeklyReview.deleted == False)).order_by(WeeklyReview.at.desc(),
                                                    WeeklyReview.hlc.desc()))
    superseded = {r.supersedes_id for r in rows if r.supersedes_id}
    current = [r for r in rows if r.id not in superseded]
    return current[0] if current else None


def _state(manager_id: str, monday: date, review: WeeklyReview | None,
           now: dict[str, int] | None = None) -> str:
    if review is None:
        return "new"
    if review.state == "reviewed":
        return "approved"
    basis = _seen(f"review:{review.id}", manager_id, monday)
    now = fingerprint(manager_id, monday) if now is None else now
    return "corrected" if basis is not None and basis != now else "returned"


# --- the queue ----------------------------------------------------------------------------------


def assigned() -> dict[str, str]:
    """Manager id → the name of the supervisor who reads his weeks: the one of his latest review."""
    out: dict[str, str] = {}
    q = (WeeklyReview.select(WeeklyReview.manager, Supervisor.name)
         .join(Supervisor, on=(WeeklyReview.supervisor == Supervisor.id))
         .where(WeeklyReview.deleted == False)
         .order_by(WeeklyReview.at, WeeklyReview.hlc))
    for manager_id, name in q.tuples():
        out[manager_id] = name
    return out


def queue(account: str | None, today: date) -> list[QueueRow]:
    """Every manager's finished weeks with a day's log that no review covers, or whose return
    came back corrected: oldest first, then by manager."""
    this_monday = monday_of(today)
    weeks: dict[tuple[str, date], list[int]] = {}
    for manager_id, day in (DayLog.select(DayLog.manager, DayLog.day)
                            .where((DayLog.deleted == False) & (DayLog.day < this_monday))
                            .tuples()):
        counts = weeks.setdefault((manager_id, monday_of(day)), [0])
        counts[0] += 1
    reviews: dict[tuple[str, date], list[tuple]] = {}
    for r in (WeeklyReview.select(WeeklyReview.id, WeeklyReview.manager, WeeklyReview.week,
                                  WeeklyReview.state, WeeklyReview.supersedes)
              .where(WeeklyReview.deleted == False)
              .order_by(WeeklyReview.at.desc(), WeeklyReview.hlc.desc()).tuples()):
        reviews.setdefault((r[1], r[2]), []).append(r)
    managers = {m.id: m for m in Manager.select(Manager.id, Manager.code, Manager.name)}
    sups = assigned()
    rows = []
    for (manager_id, monday), (days,) in weeks.items():
        found = reviews.get((manager_id, monday), [])
        superseded = {r[4] for r in found if r[4]}
        current = [r for r in found if r[0] not in superseded]
        if current and current[0][3] == "reviewed":
            continue
        now = fingerprint(manager_id, monday)
        if current:
            basis = _seen(f"review:{current[0][0]}", manager_id, monday)
            if basis is None or basis == now:
                continue  # returned, waiting for the manager's corrections
            state = "corrected"
        else:
            state = "new"
        m = managers.get(manager_id)
        seen = _seen(account, manager_id, monday) if account else None
        visits = Visit.select().join(DayLog, on=(Visit.day == DayLog.id)).where(
            (DayLog.manager == manager_id) & DayLog.day.between(monday, monday + timedelta(6))
            & (Visit.deleted == False)).count()
        rows.append(QueueRow(manager_id, m.code if m else "", m.name if m else "", monday,
                             state, days, visits, _arrived(now, seen), sups.get(manager_id, "")))
    rows.sort(key=lambda r: (r.monday, r.code))
    return rows


# --- the week under review ----------------------------------------------------------------------


def open_week(manager_id: str, monday: date, today: date, account: str | None = None,
              now: datetime | None = None) -> ReviewWeek:
    """The week as the supervisor reads it, with the code's concerns; opened under an account,
    what it saw is remembered (the queue then counts what arrives after)."""
    monday = monday_of(monday)
    m = Manager.get_by_id(manager_id)
    view = week_service.week_notebook(manager_id, monday, today)
    prints = fingerprint(manager_id, monday)
    seen = _seen(account, manager_id, monday) if account else None
    state = _state(manager_id, monday, current_review(manager_id, monday), prints)
    if account and seen != prints:  # a week opened again unchanged writes nothing
        _remember(account, manager_id, monday, prints, _at(now))
    concerns = review_checks.concerns(manager_id, monday, view)
    return ReviewWeek(m.code, m.name, state, view, concerns, _arrived(prints, seen),
                      _records(manager_id, monday, view, concerns))


def _records(manager_id: str, monday: date, view, concerns) -> list[RecordLine]:
    by_record: dict[str, list] = {}
    for c in concerns:
        by_record.setdefault(c.record_id, []).append(c)
    out = []
    for log in (DayLog.select().where((DayLog.manager == manager_id)
                                      & DayLog.day.between(monday, monday + timedelta(days=6))
                                      & (DayLog.deleted == False))):
        km = "–".join("" if r is None else str(r) for r in (log.odometer_start, log.odometer_end))
        out.append(RecordLine("day_log", log.id, log.day, None, f"{km} km",
                              tuple(by_record.get(log.id, ()))))
    for line in view.lines:
        out.append(RecordLine("visit", line.id, line.arrived_at.date(), line.arrived_at,
                              line.shop_name, tuple(by_record.get(line.id, ()))))
    out.sort(key=lambda r: (r.day, r.at is not None, r.at or datetime.min))
    return out


def parse_score(text: str) -> int:
    """The notebook's score as typed: a whole number 0–100."""
    try:
        score = int(str(text).strip())
    except ValueError:
        raise Refused("review.bad_score", score=str(text).strip()) from None
    if not 0 <= score <= 100:
        raise Refused("review.bad_score", score=score)
    return score


def _at(now: datetime | None) -> datetime:
    return (now or datetime.now()).replace(microsecond=0)


# --- the decision -------------------------------------------------------------------------------


def _supervisor(account: str | None) -> Supervisor:
    if not account:
        raise Refused("review.no_account")
    a = accounts.acting(account, "supervisor")
    sup = Supervisor.get_or_none(Supervisor.code == a.supervisor)
    if sup is None:
        raise Refused("account.unknown_supervisor", code=a.supervisor)
    return sup


def _decide(account: str, manager_id: str, monday: date, state: str, comment: str,
            score: int | None, marks: list[Mark], now: datetime | None) -> WeeklyReview:
    monday = monday_of(monday)
    sup = _supervisor(account)
    at = _at(now)
    prints = fingerprint(manager_id, monday)
    if not prints:
        raise Refused("review.empty_week", week=monday.isoformat())
    with database.atomic():
        before = current_review(manager_id, monday)
        if before is not None and before.state == "reviewed" and state == "reviewed":
            raise Refused("review.already_approved", week=monday.isoformat())
        r = journal.create(WeeklyReview, manager=manager_id, week=monday, supervisor=sup,
                           state=state, comment=comment.strip(), at=at, supersedes=before,
                           score=score)
        for mark in marks:
            journal.create(ReviewFlag, review=r, record_kind=mark.kind, record_id=mark.record_id,
                           reason=mark.note.strip())
        accounts.record(account, "review", r.id, "approve" if state == "reviewed" else "return",
                        comment.strip(), now=at)
        _remember(f"review:{r.id}", manager_id, monday, prints, at)
        _remember(account, manager_id, monday, prints, at)
    return r


def approve(account: str, manager_id: str, monday: date, comment: str, score: int,
            now: datetime | None = None) -> WeeklyReview:
    """The week is read and right: the comment and the notebook's score (0–100) go to the
    manager, and the week is sealed on his laptop."""
    if not isinstance(score, int) or not 0 <= score <= 100:
        raise Refused("review.bad_score", score=score)
    return _decide(account, manager_id, monday, "reviewed", comment, score, [], now)


def return_week(account: str, manager_id: str, monday: date, comment: str, marks: list[Mark],
                now: datetime | None = None) -> WeeklyReview:
    """Back to the manager: the exact records to correct, each with a note."""
    if not marks:
        raise Refused("review.nothing_marked")
    monday = monday_of(monday)
    prints = fingerprint(manager_id, monday)
    for mark in marks:
        if mark.kind not in KINDS or mark.record_id not in prints:
            raise Refused("review.not_in_week", id=mark.record_id[:8])
        if not mark.note.strip():
            raise Refused("review.mark_needs_note", id=mark.record_id[:8])
        if len(mark.note.strip()) > MAX_NOTE:
            raise Refused("review.note_too_long", n=MAX_NOTE, typed=len(mark.note.strip()))
    return _decide(account, manager_id, monday, "returned", comment, None, marks, now)
