"""工作本: one manager's week as the supervisor reads it (按周进行批阅流转).

Plan against route, visits, acknowledgements, mileage and information for the seven days from a
Monday, and the review once it comes back: its state, comment and the records a returned week
asks to correct, each resolved to something a person can find. The supervisor's review screen
uses the same `week_notebook`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from kjtui.models import (
    Acknowledgement,
    Customer,
    DayLog,
    InfoItem,
    PlanDay,
    ReviewFlag,
    Route,
    Supervisor,
    Visit,
    WeeklyReview,
)
from kjtui.services import day as day_service
from kjtui.services import information, visits
from kjtui.services.periods import monday_of
from kjtui.services.plan import DayPlan, plan_against_actual


@dataclass(frozen=True)
class WeekDay:
    day: date
    plan: DayPlan
    figures: day_service.DayFigures
    acknowledged: int  # PIN or paper handbook
    declined: int
    unacknowledged: int
    odometer_start: int | None
    odometer_end: int | None


@dataclass(frozen=True)
class FlagLine:
    kind: str  # table name: visit, day_log, acknowledgement, info_item, plan_day, ...
    record_id: str
    reason: str
    found: bool
    day: date | None = None
    at: datetime | None = None
    customer: str = ""
    detail: str = ""


@dataclass(frozen=True)
class ReviewView:
    id: str
    state: str  # reviewed / returned
    supervisor: str
    comment: str
    at: datetime
    flags: list[FlagLine]


@dataclass(frozen=True)
class WeekView:
    manager_id: str
    monday: date
    days: list[WeekDay]
    info: list[information.InfoLine]
    review: ReviewView | None  # the current word on the week (not superseded)
    earlier: list[ReviewView]  # superseded reviews, newest first
    flagged: list[visits.VisitLine] = field(default_factory=list)  # visits with FLAGS, in order
    lines: list[visits.VisitLine] = field(default_factory=list)  # every live visit, in order

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def total(self, name: str) -> int:
        return sum(getattr(d.figures, name) or 0 for d in self.days)

    @property
    def mileage(self) -> int:
        return sum(d.figures.mileage or 0 for d in self.days)




def _acks(of_day: dict[str, list], logs: dict[date, DayLog]) -> dict[date, dict[str, int]]:
    """The live visits of each day by how the customer acknowledged them."""
    out: dict[date, dict[str, int]] = {}
    for day, log in logs.items():
        for line in of_day.get(log.id, ()):
            if line.superseded_by_id:
                continue
            kind = {"pin": "acknowledged", "paper": "acknowledged", "declined": "declined"}.get(
                line.ack_method, "unacknowledged")
            counts = out.setdefault(day, {})
            counts[kind] = counts.get(kind, 0) + 1
    return out


def week_notebook(manager_id: str, monday: date, today: date) -> WeekView:
    monday = monday_of(monday)
    sunday = monday + timedelta(days=6)
    plans = plan_against_actual(manager_id, monday, sunday, today)
    logs = {d.day: d for d in DayLog.select().where(
        (DayLog.manager == manager_id) & DayLog.day.between(monday, sunday))}
    live = [log.id for log in sorted(logs.values(), key=lambda log: log.day) if not log.deleted]
    of_day = visits.visit_lines_of(live)
    acks = _acks(of_day, {d: log for d, log in logs.items() if not log.deleted})
    figures = day_service.days_figures(manager_id, monday, sunday)
    days = []
    for p in plans:
        a, log = acks.get(p.day, {}), logs.get(p.day)
        days.append(WeekDay(
            p.day, p, figures[p.day], a.get("acknowledged", 0),
            a.get("declined", 0), a.get("unacknowledged", 0),
            log.odometer_start if log else None, log.odometer_end if log else None,
        ))
    reviews = _reviews(manager_id, monday)
    lines = [line for log_id in live for line in of_day[log_id] if not line.superseded_by_id]
    return WeekView(manager_id, monday, days, information.items(manager_id, monday, sunday),
                    reviews[0] if reviews else None, reviews[1:],
                    [line for line in lines if line.flags], lines)


def _reviews(manager_id: str, monday: date) -> list[ReviewView]:
    rows = list(
        WeeklyReview.select(WeeklyReview, Supervisor.name.alias("sup_name"))
        .join(Supervisor, on=(WeeklyReview.supervisor == Supervisor.id))
        .where((WeeklyReview.manager == manager_id) & (WeeklyReview.week == monday)
               & (WeeklyReview.deleted == False))
        .order_by(WeeklyReview.at.desc(), WeeklyReview.hlc.desc()).objects()
    )
    superseded = {r.supersedes_id for r in rows if r.supersedes_id}
    current = [r for r in rows if r.id not in superseded]
    earlier = [r for r in rows if r.id in superseded]
    return [
        ReviewView(r.id, r.state, r.sup_name, r.comment, r.at, flags_of(r.id))
        for r in current[:1] + current[1:] + earlier
    ]


def flags_of(review_id: str) -> list[FlagLine]:
    return [
        resolve_flag(f.record_kind, f.record_id, f.reason)
        for f in ReviewFlag.select().where((ReviewFlag.review == review_id)
                                           & (ReviewFlag.deleted == False))
        .order_by(ReviewFlag.record_kind, ReviewFlag.id)
    ]


_KINDS = {m._meta.table_name: m for m in (Visit, DayLog, Acknowledgement, InfoItem, PlanDay)}
_KINDS.update({m.__name__.lower(): m for m in _KINDS.values()})


def resolve_flag(kind: str, record_id: str, reason: str) -> FlagLine:
    """The flagged record as a person finds it in the notebook: its day, time, customer."""
    model = _KINDS.get(kind.strip().lower().replace(" ", "_"))
    if model is None:
        return FlagLine(kind, record_id, reason, False)
    table = model._meta.table_name
    rec = model.get_or_none(model.id == record_id)
    if rec is None:
        return FlagLine(table, record_id, reason, False)
    if model is Acknowledgement:
        visit = Visit.get_or_none(Visit.id == rec.visit_id)
        line = resolve_flag("visit", rec.visit_id, reason) if visit else None
        return FlagLine(table, record_id, reason, True, line.day if line else None, rec.at,
                        line.customer if line else "", rec.method)
    if model is Visit:
        log = DayLog.get_or_none(DayLog.id == rec.day_id)
        c = Customer.get_or_none(Customer.id == rec.customer_id)
        customer = f"{c.shop_name} ({c.licence_no})" if c else ""
        return FlagLine(table, record_id, reason, True, log.day if log else None,
                        rec.arrived_at, customer, rec.note)
    if model is DayLog:
        km = ("" if rec.odometer_start is None else str(rec.odometer_start)) + "–" + (
            "" if rec.odometer_end is None else str(rec.odometer_end))
        return FlagLine(table, record_id, reason, True, rec.day, None, "", f"{km} km")
    if model is InfoItem:
        c = Customer.get_or_none(Customer.id == rec.customer_id) if rec.customer_id else None
        return FlagLine(table, record_id, reason, True, rec.collected_on, None,
                        c.shop_name if c else "", rec.content[:40])
    route = Route.get_or_none(Route.id == rec.route_id) if rec.route_id else None
    return FlagLine(table, record_id, reason, True, rec.day, None, "",
                    route.name if route else "")
