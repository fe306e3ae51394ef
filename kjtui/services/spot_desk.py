"""抽检 on the county office's desk (seed, section 四: 电话抽检, 实地检查, 事后了解): each manager's
week sampled (kjtui.services.spotcheck draws it), the customer's phone at hand, and the outcome
recorded with who and when. A visit checked again keeps every outcome; the latest stands and
counts in the month's score (kjtui.services.score_figures) and reaches the manager's station
(a SpotCheck names its manager: sync/scope.py sends it there).

The sample's size is the hub's setting `spotcheck.share` (percent of the week's visits, 10 when
not set; at least one visit); its secret seed is the hub's setting `spotcheck.seed`, made on
first use and never synced, so that a station cannot tell which visits will be checked."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import peewee as pw

from kjtui.exception import Refused
from kjtui.models import (
    SPOT_METHODS,
    SPOT_RESULTS,
    Acknowledgement,
    Customer,
    DayLog,
    Manager,
    Setting,
    SpotCheck,
    Supervisor,
    Visit,
    journal,
)
from kjtui.services import acting, session, settings, spotcheck
from kjtui.services.day import live_visits
from kjtui.services.periods import monday_of

SHARE_SETTING = "spotcheck.share"
SEED_SETTING = "spotcheck.seed"
DEFAULT_SHARE = 10.0
MAX_NOTE = 200


@dataclass(frozen=True)
class Outcome:
    id: str
    method: str  # phone / onsite / inquiry
    result: str  # confirmed / discrepancy / unreachable
    note: str
    supervisor: str
    at: datetime
    standing: bool  # the latest of the visit's outcomes: the one that counts


@dataclass(frozen=True)
class SpotRow:
    visit_id: str
    manager_id: str
    manager_code: str
    manager_name: str
    day: date
    arrived_at: datetime
    shop: str
    owner: str
    phone: str
    address: str
    ack: str | None  # pin / paper / declined; None: not acknowledged
    why: str  # pin_failed / paper / declined / open / new_pin / drawn (office.why.*)
    sampled: bool  # drawn this week (False: checked although not drawn)
    outcomes: list[Outcome] = field(default_factory=list)  # the latest first

    @property
    def current(self) -> Outcome | None:
        return self.outcomes[0] if self.outcomes else None


@dataclass(frozen=True)
class SpotWeek:
    monday: date
    share: float
    rows: list[SpotRow]  # by manager, then in the order of the day

    @property
    def checked(self) -> int:
        return sum(1 for r in self.rows if r.outcomes)


def share() -> float:
    try:
        value = float(settings.get(SHARE_SETTING) or DEFAULT_SHARE)
    except ValueError:
        return DEFAULT_SHARE
    return value if 0 < value <= 100 else DEFAULT_SHARE


def _seed() -> str:
    """The hub's secret seed of the draw, made once (a second process making it at the same
    moment keeps the first one written)."""
    seed = settings.get(SEED_SETTING)
    if seed:
        return seed
    Setting.insert(key=SEED_SETTING, value=secrets.token_hex(16)).on_conflict_ignore().execute()
    return settings.get(SEED_SETTING) or ""


def outcomes(visit_ids: list[str]) -> dict[str, list[Outcome]]:
    """Every outcome of these visits, the latest first (the first one stands)."""
    out: dict[str, list[Outcome]] = {}
    if not visit_ids:
        return out
    q = (SpotCheck.select(SpotCheck, Supervisor.name.alias("sup"))
         .join(Supervisor, pw.JOIN.LEFT_OUTER, on=(SpotCheck.supervisor == Supervisor.id))
         .where(SpotCheck.visit.in_(visit_ids) & (SpotCheck.deleted == False))
         .order_by(SpotCheck.at.desc(), SpotCheck.hlc.desc(), SpotCheck.id.desc()))
    for c in q.objects():
        line = out.setdefault(c.visit_id, [])
        line.append(Outcome(c.id, c.method, c.result, c.note, c.sup or "", c.at, not line))
    return out


def week(monday: date, manager_id: str | None = None) -> SpotWeek:
    """The week's sample of every manager (or one), with the visits of the week checked
    although not drawn, and every outcome recorded."""
    monday = monday_of(monday)
    after = monday + timedelta(days=7)
    q = (live_visits()
         .select(Visit.id, Visit.manager, Visit.arrived_at, DayLog.day, Customer.shop_name,
                 Customer.owner_name, Customer.phone, Customer.address, Manager.code,
                 Manager.name)
         .join(DayLog, on=(Visit.day == DayLog.id))
         .switch(Visit).join(Customer, on=(Visit.customer == Customer.id))
         .switch(Visit).join(Manager, on=(Visit.manager == Manager.id))
         .where((Visit.arrived_at >= monday) & (Visit.arrived_at < after)))
    if manager_id is not None:
        q = q.where(Visit.manager == manager_id)
    visits = {row[0]: row for row in q.tuples()}
    weights = spotcheck.priorities(visits)
    by_manager: dict[str, list[str]] = {}
    for vid, row in visits.items():
        by_manager.setdefault(row[-2], []).append(vid)
    seed, pct = _seed(), share()
    drawn: set[str] = set()
    for code, ids in by_manager.items():
        drawn.update(spotcheck.sample({v: weights[v] for v in ids}, pct,
                                      f"{seed}:{code}:{monday.isoformat()}"))
    checked = outcomes(sorted(visits))
    acks = dict(Acknowledgement.select(Acknowledgement.visit, Acknowledgement.method).where(
        Acknowledgement.visit.in_(sorted(drawn | set(checked)))
        & (Acknowledgement.deleted == False)).tuples()) if drawn or checked else {}
    rows = []
    for vid in drawn | set(checked):
        _, m_id, arrived, day, shop, owner, phone, address, code, name = visits[vid]
        rows.append(SpotRow(vid, m_id, code, name, day, arrived, shop, owner, phone, address,
                            acks.get(vid), weights[vid][1], vid in drawn, checked.get(vid, [])))
    rows.sort(key=lambda r: (r.manager_code, r.arrived_at, r.visit_id))
    return SpotWeek(monday, pct, rows)


def record(visit_id: str, method: str, result: str, note: str, supervisor_id: str,
           now: datetime | None = None) -> Outcome:
    """The outcome of a check of a visit, who and when; an earlier outcome of the same visit
    stays, superseded by this one."""
    note = " ".join(note.split())
    if method not in SPOT_METHODS:
        raise Refused("office.bad_method")
    if result not in SPOT_RESULTS:
        raise Refused("office.bad_result")
    if len(note) > MAX_NOTE:
        raise Refused("office.note_too_long", n=len(note), max=MAX_NOTE)
    if result == "discrepancy" and not note:
        raise Refused("office.say_what_differs")
    sup = acting.supervisor(supervisor_id)
    visit = Visit.get_or_none((Visit.id == visit_id) & (Visit.deleted == False))
    if visit is None:
        raise Refused("office.visit_gone")
    at = now or session.now()
    check = journal.create(SpotCheck, manager=visit.manager_id, visit=visit.id,
                           day=visit.day.day, method=method, result=result, note=note,
                           supervisor=sup.id, at=at)
    return Outcome(check.id, method, result, note, sup.name, at, True)
