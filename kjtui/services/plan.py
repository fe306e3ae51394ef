"""月初制定拜访计划: the month's plan (which route on which day) and plan against actual.

Plan against actual for a day: the planned customers are the stops of the day's planned route;
visited = planned customers with a live visit that day, missed = planned customers without one
(only for days that have begun), extra = customers visited that day who were not planned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import peewee

from kjtui.exception import Refused
from kjtui.models import DayLog, Manager, MonthlyPlan, PlanDay, Route, RouteStop, Visit, database
from kjtui.models.journal import owner_for
from kjtui.services.day import RouteChoice, live_visits, routes_of
from kjtui.services.periods import add_months, month_days, month_start
from kjtui.services.session import now

FIRST_YEAR = 2020  # no notebook plans before kjtui existed
MONTHS_AHEAD = 1  # the plan is made at the start of the month; the next one may be prepared


@dataclass(frozen=True)
class DayPlan:
    day: date
    route_id: str | None
    route_name: str | None
    ridden_route_name: str | None  # the route the day log says was taken, if any
    planned: int  # customers on the planned route
    visited: int
    missed: int
    extra: int
    started: bool  # the day has begun (missed counts only then)
    editable: bool
    missed_names: list[str] = field(default_factory=list)
    extra_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MonthView:
    month: date
    days: list[DayPlan]
    routes: list[RouteChoice]
    editable: bool
    submitted_at: datetime | None = None  # submitted: days up to today are fixed, later ones not

    def day(self, d: date) -> DayPlan | None:
        return next((p for p in self.days if p.day == d), None)








def _stops(route_ids: set[str]) -> dict[str, dict[str, str]]:
    """route id -> {customer id: shop name}."""
    from kjtui.models import Customer

    out: dict[str, dict[str, str]] = {r: {} for r in route_ids}
    if not route_ids:
        return out
    for s in (RouteStop.select(RouteStop.route, RouteStop.customer, Customer.shop_name)
              .join(Customer, on=(RouteStop.customer == Customer.id))
              .where(RouteStop.route.in_(list(route_ids))
                     & (RouteStop.deleted == False))
              .order_by(RouteStop.position).objects()):
        out[s.route_id][s.customer_id] = s.shop_name
    return out


def plan_against_actual(manager_id: str, first: date, last: date, today: date) -> list[DayPlan]:
    """Every day from `first` to `last` (inclusive): the plan, and what was done."""
    submitted = {
        p.month for p in MonthlyPlan.select(MonthlyPlan.month).where(
            (MonthlyPlan.manager == manager_id) & MonthlyPlan.submitted_at.is_null(False)
            & MonthlyPlan.month.between(month_start(first), last))
    }
    from kjtui.models import Customer

    planned = {
        p.day: p for p in PlanDay.select(PlanDay, Route.name.alias("route_name"))
        .join(MonthlyPlan, on=(PlanDay.plan == MonthlyPlan.id))
        .switch(PlanDay).join(Route, peewee.JOIN.LEFT_OUTER, on=(PlanDay.route == Route.id))
        .where((MonthlyPlan.manager == manager_id) & (PlanDay.day.between(first, last))
               & (PlanDay.deleted == False)).objects()
    }
    logs = {
        d.day: d for d in DayLog.select(DayLog, Route.name.alias("route_name"))
        .join(Route, peewee.JOIN.LEFT_OUTER, on=(DayLog.route == Route.id))
        .where((DayLog.manager == manager_id) & DayLog.day.between(first, last)).objects()
    }
    visited: dict[date, dict[str, str]] = {}
    for v in (live_visits().select(Visit.customer, DayLog.day.alias("log_day"),
                                   Customer.shop_name)
              .join(DayLog, on=(Visit.day == DayLog.id))
              .switch(Visit).join(Customer, on=(Visit.customer == Customer.id))
              .where((Visit.manager == manager_id) & DayLog.day.between(first, last))
              .objects()):
        visited.setdefault(v.log_day, {})[v.customer_id] = v.shop_name
    stops = _stops({p.route_id for p in planned.values() if p.route_id})
    out = []
    d = first
    while d <= last:
        p = planned.get(d)
        want = stops.get(p.route_id, {}) if p and p.route_id else {}
        done = visited.get(d, {})
        started = d <= today
        missed = [name for cid, name in want.items() if cid not in done] if started else []
        extra = [name for cid, name in done.items() if cid not in want]
        log = logs.get(d)
        out.append(DayPlan(
            day=d, route_id=p.route_id if p else None,
            route_name=p.route_name if p and p.route_id else None,
            ridden_route_name=log.route_name if log and log.route_id else None,
            planned=len(want), visited=sum(1 for cid in want if cid in done),
            missed=len(missed), extra=len(extra), started=started,
            editable=_day_open(d, today, month_start(d) in submitted),
            missed_names=missed, extra_names=extra,
        ))
        d += timedelta(days=1)
    return out


def month_view(manager_id: str, month: date, today: date) -> MonthView:
    month = month_start(month)
    days = month_days(month)
    mp = _monthly_plan(manager_id, month)
    return MonthView(
        month, plan_against_actual(manager_id, days[0], days[-1], today), routes_of(manager_id),
        _month_editable(month, today), mp.submitted_at if mp else None,
    )


def _monthly_plan(manager_id: str, month: date) -> MonthlyPlan | None:
    return MonthlyPlan.get_or_none((MonthlyPlan.manager == manager_id)
                                   & (MonthlyPlan.month == month_start(month))
                                   & (MonthlyPlan.deleted == False))


def _day_open(d: date, today: date, submitted: bool) -> bool:
    """A day's plan may change: in this month or the next, not past; once the plan is
    submitted, not today either (the day has begun as submitted)."""
    return _month_editable(month_start(d), today) and (d > today if submitted else d >= today)


def _month_editable(month: date, today: date) -> bool:
    this = month_start(today)
    return this <= month <= add_months(this, MONTHS_AHEAD)


def _check_day(month: date, day: date, today: date) -> None:
    if day.year < FIRST_YEAR:
        raise Refused("plan.too_old", day=day.isoformat(), year=FIRST_YEAR)
    if month_start(day) != month_start(month):
        raise Refused("plan.outside_month", day=day.isoformat(),
                      month=month_start(month).strftime("%Y-%m"))
    if not _month_editable(month_start(day), today):
        raise Refused("plan.month_closed", month=month_start(day).strftime("%Y-%m"))
    if day < today:
        raise Refused("plan.day_past", day=day.isoformat())


def _check_open(manager_id: str, month: date, day: date, today: date) -> None:
    _check_day(month, day, today)
    mp = _monthly_plan(manager_id, month)
    if mp is not None and mp.submitted_at is not None and day <= today:
        raise Refused("plan.submitted_day", day=day.isoformat(),
                      at=mp.submitted_at.strftime("%m-%d %H:%M"))


def _plan_of(manager: Manager, month: date) -> MonthlyPlan:
    from kjtui.models import journal

    plan = MonthlyPlan.get_or_none((MonthlyPlan.manager == manager.id)
                                   & (MonthlyPlan.month == month))
    if plan is None:
        plan = journal.create(MonthlyPlan, owner=owner_for(manager.code), manager=manager.id,
                              month=month)
    elif plan.deleted:
        plan = journal.update(plan, deleted=False)
    return plan


def assign(manager_id: str, month: date, day: date, route_id: str | None, today: date) -> None:
    """Plan `route_id` for `day` (None: take the day out of the plan)."""
    from kjtui.models import journal

    _check_open(manager_id, month, day, today)
    manager = Manager.get_by_id(manager_id)
    if route_id is not None and route_id not in {r.id for r in routes_of(manager_id)}:
        raise Refused("plan.not_your_route")
    with database.atomic():
        plan = _plan_of(manager, month_start(day))
        row = PlanDay.get_or_none((PlanDay.plan == plan.id) & (PlanDay.day == day))
        if route_id is None:
            if row is not None and not row.deleted:
                journal.delete(row)
        elif row is None:
            journal.create(PlanDay, owner=owner_for(manager.code), plan=plan.id, day=day,
                           route=route_id)
        elif row.deleted or row.route_id != route_id:
            journal.update(row, route=route_id, deleted=False)


@dataclass(frozen=True)
class CopyResult:
    """What `copy_week` did to the other days of the month, and what it skipped and why."""

    filled: int  # days without a route that now have the week's
    changed: int  # days planned with another route, now the week's
    unchanged: int  # days that already had the week's route
    passed: int  # skipped: the day has passed
    fixed: int  # skipped: the plan is submitted and the day has begun
    no_route: int  # skipped: the week has no route on that weekday (a copy never clears a day)

    @property
    def skipped(self) -> int:
        return self.passed + self.fixed + self.no_route


def copy_week(manager_id: str, month: date, source_monday: date, today: date) -> CopyResult:
    """Repeat the week starting `source_monday` on every other day of the month, before and after
    it: each day gets the route the week has on its weekday, an empty day as well as one planned
    with another route. Skipped: days that have passed, days fixed by the submitted plan, and
    weekdays the week has no route on (a copy never takes a route away)."""
    month = month_start(month)
    if not _month_editable(month, today):
        raise Refused("plan.month_closed", month=month.strftime("%Y-%m"))
    week = {source_monday + timedelta(days=i) for i in range(7)}
    days = plan_against_actual(manager_id, source_monday, source_monday + timedelta(days=6),
                               today)
    pattern = {p.day.weekday(): p.route_id for p in days if p.route_id}
    if not pattern:
        raise Refused("plan.nothing_to_copy")
    current = {p.day: p for p in month_view(manager_id, month, today).days}
    counts = dict.fromkeys(("filled", "changed", "unchanged", "passed", "fixed", "no_route"), 0)
    with database.atomic():
        for d in month_days(month):
            if d in week:
                continue
            route, p = pattern.get(d.weekday()), current[d]
            if d < today:
                counts["passed"] += 1
            elif not p.editable:
                counts["fixed"] += 1
            elif route is None:
                counts["no_route"] += 1
            elif p.route_id == route:
                counts["unchanged"] += 1
            else:
                counts["changed" if p.route_id else "filled"] += 1
                assign(manager_id, month, d, route, today)
    return CopyResult(**counts)


@dataclass(frozen=True)
class Unplanned:
    """What the month's plan leaves out: days without a route, and the manager's customers on no
    route planned on any day of the month."""

    days: list[date]
    customers: list[str]  # shop names


def unplanned(manager_id: str, month: date) -> Unplanned:
    from kjtui.models import Customer

    month = month_start(month)
    days = month_days(month)
    planned = {
        p.day: p.route_id for p in PlanDay.select(PlanDay.day, PlanDay.route)
        .join(MonthlyPlan, on=(PlanDay.plan == MonthlyPlan.id))
        .where((MonthlyPlan.manager == manager_id) & PlanDay.day.between(days[0], days[-1])
               & (PlanDay.deleted == False) & PlanDay.route.is_null(False))
    }
    on_routes = set()
    for route_stops in _stops(set(planned.values())).values():
        on_routes.update(route_stops)
    customers = [
        c.shop_name for c in Customer.select(Customer.id, Customer.shop_name)
        .where((Customer.manager == manager_id) & (Customer.deleted == False)
               & (Customer.active == True))
        .order_by(Customer.licence_no)
        if c.id not in on_routes
    ]
    return Unplanned([d for d in days if d not in planned], customers)


SHOWN_DAYS, SHOWN_CUSTOMERS = 10, 5  # what the question before submitting names


def submit(manager_id: str, month: date, today: date, *,
           confirmed: frozenset[str] | tuple[str, ...] = ()) -> MonthView:
    """提交: the month's plan handed in. From then on the days up to today are fixed; later days
    may still change (a route swapped for a good reason), each change journaled. Asked first
    when the plan leaves days without a route or customers on no planned route (`unplanned`)."""
    from kjtui.models import journal

    month = month_start(month)
    if not _month_editable(month, today):
        raise Refused("plan.month_closed", month=month.strftime("%Y-%m"))
    mp = _monthly_plan(manager_id, month)
    if mp is None or not PlanDay.select().where(
            (PlanDay.plan == mp.id) & (PlanDay.deleted == False)
            & PlanDay.route.is_null(False)).exists():
        raise Refused("plan.nothing_to_submit", month=month.strftime("%Y-%m"))
    if mp.submitted_at is not None:
        raise Refused("plan.already_submitted", at=mp.submitted_at.strftime("%m-%d %H:%M"))
    left = unplanned(manager_id, month)
    if left.days or left.customers:
        Refused.unless_confirmed(
            "plan.unplanned", confirmed, month=month.strftime("%Y-%m"),
            n_days=len(left.days), n_customers=len(left.customers),
            days=_listed([str(d.day) for d in left.days], SHOWN_DAYS),
            customers=_listed(left.customers, SHOWN_CUSTOMERS))
    journal.update(mp, submitted_at=now())
    return month_view(manager_id, month, today)


def _listed(names: list[str], shown: int) -> str:
    """The first `shown` names, then "…" for the rest ("—" for none)."""
    if not names:
        return "—"
    return " ".join(names[:shown]) + (" …" if len(names) > shown else "")
