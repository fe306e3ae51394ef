"""A manager's day: the route to ride and the day's figures. Plain values out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from peewee import fn

from kjtui.models import Customer, DayLog, MonthlyPlan, PlanDay, Route, RouteStop, Visit


@dataclass(frozen=True)
class Stop:
    position: int
    customer_id: str
    licence_no: str
    shop_name: str
    owner_name: str
    address: str
    visited: bool


@dataclass(frozen=True)
class DayRoute:
    day: date
    route_id: str | None
    route_name: str | None
    planned: bool  # the route comes from the month's plan (not from the day log)
    stops: list[Stop]


@dataclass(frozen=True)
class DayFigures:
    day: date
    households: int  # distinct customers visited
    visits: int
    orders: int
    quantity: int
    mileage: int | None  # km, when both odometer readings are in
    first_visit_at: datetime | None
    last_visit_at: datetime | None
    first_phoned: bool
    last_phoned: bool


def live_visits():
    """Visits that count: not deleted and not superseded by a correction. NOT EXISTS walks
    the supersedes index; NOT IN would scan every visit of the county on each call."""
    newer = Visit.alias()
    superseded = newer.select(1).where(
        (newer.supersedes == Visit.id) & (newer.deleted == False)  # noqa: E712
    )
    return Visit.select().where((Visit.deleted == False) & ~fn.EXISTS(superseded))  # noqa: E712


def _planned_route(manager_id: str, day: date) -> Route | None:
    month = day.replace(day=1)
    row = (
        PlanDay.select(PlanDay, Route)
        .join(MonthlyPlan)
        .switch(PlanDay)
        .join(Route, on=(PlanDay.route == Route.id))
        .where(
            (MonthlyPlan.manager == manager_id)
            & (MonthlyPlan.month == month)
            & (PlanDay.day == day)
            & (PlanDay.deleted == False)  # noqa: E712
        )
        .first()
    )
    return row.route if row else None


def _day_log(manager_id: str, day: date) -> DayLog | None:
    return DayLog.get_or_none((DayLog.manager == manager_id) & (DayLog.day == day))


def route_for_day(manager_id: str, day: date) -> DayRoute:
    """The route of the day — the one ridden if the day log names it, else the planned one —
    with its customers in order and whether each was visited that day."""
    log = _day_log(manager_id, day)
    route = log.route if log and log.route_id else None
    planned = route is None
    if route is None:
        route = _planned_route(manager_id, day)
    if route is None:
        return DayRoute(day, None, None, False, [])
    visited = set()
    if log is not None:
        visited = {v.customer_id for v in live_visits().where(Visit.day == log.id)}
    stops = [
        Stop(s.position, c.id, c.licence_no, c.shop_name, c.owner_name, c.address, c.id in visited)
        for s, c in (
            (s, s.customer)
            for s in RouteStop.select(RouteStop, Customer)
            .join(Customer)
            .where((RouteStop.route == route.id) & (RouteStop.deleted == False))  # noqa: E712
            .order_by(RouteStop.position)
        )
    ]
    return DayRoute(day, route.id, route.name, planned, stops)


def day_figures(manager_id: str, day: date) -> DayFigures:
    log = _day_log(manager_id, day)
    if log is None:
        return DayFigures(day, 0, 0, 0, 0, None, None, None, False, False)
    visits = list(live_visits().where(Visit.day == log.id).order_by(Visit.arrived_at))
    mileage = None
    if log.odometer_start is not None and log.odometer_end is not None:
        mileage = log.odometer_end - log.odometer_start
    return DayFigures(
        day=day,
        households=len({v.customer_id for v in visits}),
        visits=len(visits),
        orders=sum(1 for v in visits if v.ordered),
        quantity=sum(v.quantity for v in visits),
        mileage=mileage,
        first_visit_at=visits[0].arrived_at if visits else None,
        last_visit_at=visits[-1].arrived_at if visits else None,
        first_phoned=log.first_phoned,
        last_phoned=log.last_phoned,
    )
