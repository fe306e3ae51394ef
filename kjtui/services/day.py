"""A manager's day: the route ridden (planned, or chosen on the day), the odometer, the first
and last check-in phoned in, and the day's figures. Plain values in and out; every write goes
through kjtui.models.journal and a refusal is a `Refused` (nothing changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import fn

from kjtui.exception import Refused
from kjtui.models import (
    Customer,
    DayLog,
    Manager,
    MonthlyPlan,
    PlanDay,
    Route,
    RouteStop,
    Visit,
    database,
    journal,
)
from kjtui.models.journal import owner_for

# A motorbike on rural roads does not do more than this in a working day, and between two days it
# is parked at the post: beyond these the reading is refused unless the manager confirms it.
MAX_DAY_KM = 300
MAX_GAP_KM = 100


@dataclass(frozen=True)
class RouteChoice:
    id: str
    code: str
    name: str
    stops: int


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
        (newer.supersedes == Visit.id) & (newer.deleted == False)
    )
    return Visit.select().where((Visit.deleted == False) & ~fn.EXISTS(superseded))


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
            & (PlanDay.deleted == False)
        )
        .first()
    )
    return row.route if row else None


def day_log(manager_id: str, day: date) -> DayLog | None:
    return DayLog.get_or_none(
        (DayLog.manager == manager_id) & (DayLog.day == day) & (DayLog.deleted == False)
    )


def ensure_day_log(manager: Manager, day: date) -> DayLog:
    """The day's log, opened (with the day's route) by the first write of the day."""
    log = day_log(manager.id, day)
    if log is None:
        planned = route_for_day(manager.id, day)
        log = journal.create(DayLog, owner=owner_for(manager.code), manager=manager, day=day,
                             route=planned.route_id)
    return log


def manager(manager_id: str) -> Manager:
    m = Manager.get_or_none(Manager.id == manager_id)
    if m is None:
        raise Refused("notebook.no_manager")
    return m


def route_for_day(manager_id: str, day: date) -> DayRoute:
    """The route of the day — the one ridden if the day log names it, else the planned one —
    with its customers in order and whether each was visited that day."""
    log = day_log(manager_id, day)
    route = log.route if log and log.route_id else None
    planned = route is None
    if route is None:
        route = _planned_route(manager_id, day)
    if route is None:
        return DayRoute(day, None, None, False, [])
    visited = set()
    if log is not None:
        visited = {v.customer_id for v in live_visits().where(Visit.day == log.id)}
    # The stored position only orders the stops (a new order takes numbers above the old ones):
    # a stop's number is its place on the route.
    stops = [
        Stop(i, c.id, c.licence_no, c.shop_name, c.owner_name, c.address, c.id in visited)
        for i, (s, c) in enumerate(
            (s, s.customer)
            for s in RouteStop.select(RouteStop, Customer)
            .join(Customer)
            .where((RouteStop.route == route.id) & (RouteStop.deleted == False))
            .order_by(RouteStop.position)
        )
    ]
    return DayRoute(day, route.id, route.name, planned, stops)


def day_figures(manager_id: str, day: date) -> DayFigures:
    log = day_log(manager_id, day)
    if log is None:
        return DayFigures(day, 0, 0, 0, 0, None, None, None, False, False)
    visits = list(live_visits().where(Visit.day == log.id).order_by(Visit.arrived_at))
    return _figures(day, log, visits)


def days_figures(manager_id: str, first: date, last: date) -> dict[date, DayFigures]:
    """`day_figures` of every day from `first` to `last`, read in two queries (a week)."""
    logs = {log.id: log for log in DayLog.select().where(
        (DayLog.manager == manager_id) & DayLog.day.between(first, last)
        & (DayLog.deleted == False))}
    visits: dict[str, list[Visit]] = {log_id: [] for log_id in logs}
    if logs:
        for v in (live_visits().where(Visit.day.in_(list(logs)))
                  .order_by(Visit.arrived_at)):
            visits[v.day_id].append(v)
    out = {d: DayFigures(d, 0, 0, 0, 0, None, None, None, False, False)
           for d in (first + timedelta(days=i) for i in range((last - first).days + 1))}
    for log_id, log in logs.items():
        out[log.day] = _figures(log.day, log, visits[log_id])
    return out


def _figures(day: date, log: DayLog, visits: list[Visit]) -> DayFigures:
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


def routes_of(manager_id: str) -> list[RouteChoice]:
    out = []
    live = Route.deleted == False
    for r in (Route.select().where((Route.manager == manager_id) & live)
              .order_by(Route.code)):
        n = RouteStop.select().where(
            (RouteStop.route == r.id) & (RouteStop.deleted == False)).count()
        out.append(RouteChoice(r.id, r.code, r.name, n))
    return out


def last_reading(manager_id: str, day: date) -> int | None:
    """The odometer as it stood before `day`: the highest reading of any earlier day."""
    rows = DayLog.select(DayLog.odometer_start, DayLog.odometer_end).where(
        (DayLog.manager == manager_id) & (DayLog.day < day) & (DayLog.deleted == False)
    )
    readings = [r for row in rows for r in (row.odometer_start, row.odometer_end) if r is not None]
    return max(readings) if readings else None


def day_flags(manager_id: str, day: date) -> list[tuple[str, dict]]:
    """What a supervisor should look at twice (a confirmed but implausible odometer)."""
    log = day_log(manager_id, day)
    flags: list[tuple[str, dict]] = []
    if log is None:
        return flags
    last = last_reading(manager_id, day)
    start = log.odometer_start
    if start is not None and last is not None and start - last > MAX_GAP_KM:
        flags.append(("flag.odo_gap", {"km": start - last}))
    if log.odometer_start is not None and log.odometer_end is not None:
        km = log.odometer_end - log.odometer_start
        if km > MAX_DAY_KM:
            flags.append(("flag.odo_day", {"km": km}))
    return flags


# --- writing ----------------------------------------------------------------------------------


def ride_route(manager_id: str, day: date, route_id: str) -> None:
    """The route actually ridden on `day` (the day log's route), one of the manager's own; the
    month's plan stays as it was, so plan against actual shows the day as ridden differently."""
    m = manager(manager_id)
    if route_id not in {r.id for r in routes_of(manager_id)}:
        raise Refused("plan.not_your_route")
    with database.atomic():
        log = ensure_day_log(m, day)
        if log.route_id != route_id:
            journal.update(log, route=route_id)


def _reading(value) -> int:
    try:
        km = int(str(value).strip())
    except ValueError:
        raise Refused("odo.not_a_number", value=value) from None
    if km < 0 or km > 9_999_999:
        raise Refused("odo.not_a_number", value=value)
    return km


def start_day(manager_id: str, day: date, odometer_start, *, confirm: bool = False) -> int:
    """出车: the odometer when the day starts. Below the last reading is refused; far above it
    is refused unless confirmed (then flagged)."""
    km = _reading(odometer_start)
    m = manager(manager_id)
    last = last_reading(manager_id, day)
    if last is not None and km < last:
        raise Refused("odo.below_last", km=km, last=last)
    log = day_log(manager_id, day)
    if log is not None and log.odometer_end is not None and km > log.odometer_end:
        raise Refused("odo.start_above_end", km=km, end=log.odometer_end)
    if last is not None and km - last > MAX_GAP_KM and not confirm:
        raise Refused("odo.gap", confirmable=True, km=km, last=last, gap=km - last)
    with database.atomic():
        log = ensure_day_log(m, day)
        journal.update(log, odometer_start=km)
    return km


def end_day(manager_id: str, day: date, odometer_end, *, confirm: bool = False) -> int:
    """收车: the odometer when the day ends; the mileage is end − start."""
    km = _reading(odometer_end)
    log = day_log(manager_id, day)
    if log is None or log.odometer_start is None:
        raise Refused("odo.no_start")
    if km < log.odometer_start:
        raise Refused("odo.end_below_start", km=km, start=log.odometer_start)
    if km - log.odometer_start > MAX_DAY_KM and not confirm:
        raise Refused("odo.day_jump", confirmable=True, km=km, mileage=km - log.odometer_start)
    journal.update(log, odometer_end=km)
    return km


def phone_in(manager_id: str, day: date, which: str, *,
             confirmed: frozenset[str] | tuple[str, ...] = ()) -> bool:
    """首末签到: the first (or last) check-in of the day — the first (last) visit's arrival —
    phoned in to the assessor; the time phoned in is kept (`first_phoned_at`/`last_phoned_at`).
    Pressed again, it is un-reported, after a question. Returns whether it is now reported."""
    if which not in ("first", "last"):
        raise ValueError(which)
    log = day_log(manager_id, day)
    arrivals = [] if log is None else [
        v.arrived_at for v in live_visits().select(Visit.arrived_at).where(Visit.day == log.id)]
    if not arrivals:
        raise Refused("checkin.no_visit")
    if getattr(log, f"{which}_phoned"):
        reported = getattr(log, f"{which}_phoned_at")
        Refused.unless_confirmed(f"checkin.unreport_{which}", confirmed,
                                 at=reported.strftime("%H:%M") if reported else "—")
        journal.update(log, **{f"{which}_phoned": False, f"{which}_phoned_at": None})
        return False
    at = min(arrivals) if which == "first" else max(arrivals)
    journal.update(log, **{f"{which}_phoned": True, f"{which}_phoned_at": at})
    return True


def checkins_still_reported(log: DayLog) -> None:
    """A last check-in phoned in stays reported only while the day's last check-in is not later
    than the time phoned in: a visit recorded (or moved) after it takes "已报" away, and the
    manager phones the new last check-in in. Call in the transaction that changed the visits."""
    log = DayLog.get_by_id(log.id)
    if not log.last_phoned or log.last_phoned_at is None:
        return
    last = (live_visits().select(fn.MAX(Visit.arrived_at)).where(Visit.day == log.id).scalar())
    if isinstance(last, str):  # SQLite hands an aggregate of datetimes back as text
        last = datetime.fromisoformat(last)
    if last is not None and last > log.last_phoned_at:
        journal.update(log, last_phoned=False, last_phoned_at=None)
