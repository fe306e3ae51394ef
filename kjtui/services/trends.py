"""A manager's recent months and weeks, for pictures: scores and ranks, mileage per week."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import fn

from kjtui.models import DayLog, MonthClose, MonthlyScore
from kjtui.services.periods import monday_of


@dataclass(frozen=True)
class MonthScore:
    month: date
    total: float
    rank: int
    ranked: int  # how many managers were ranked that month
    provisional: bool = False  # the month's close was reopened: the figures may still change
    parts: dict[str, float | None] = field(default_factory=dict)  # as written; None: missing
    missing: dict[str, str] = field(default_factory=dict)  # part -> reason (scoring)


@dataclass(frozen=True)
class WeekMileage:
    monday: date
    km: int
    days: int  # days with both odometer readings


def recent_scores(manager_id: str, months: int = 6, until: date | None = None) -> list[MonthScore]:
    """The last `months` scored months (up to `until`'s month), oldest first, as the close wrote
    them."""
    from kjtui.services.rules import PARTS

    q = MonthlyScore.select().where((MonthlyScore.manager == manager_id)
                                    & (MonthlyScore.deleted == False))
    if until is not None:
        q = q.where(MonthlyScore.month <= until)
    rows = list(q.order_by(MonthlyScore.month.desc()).limit(months))
    if not rows:
        return []
    counts = dict(
        MonthlyScore.select(MonthlyScore.month, fn.COUNT(MonthlyScore.id))
        .where(MonthlyScore.month.in_([r.month for r in rows]) & (MonthlyScore.deleted == False))
        .group_by(MonthlyScore.month)
        .tuples()
    )
    reopened = reopened_months([r.month for r in rows])
    out = []
    for r in reversed(rows):
        missing = dict(x.split(":", 1) for x in r.missing.split(",") if ":" in x)
        parts = {p: None if p in missing else getattr(r, p) for p in PARTS}
        out.append(MonthScore(r.month, r.total, r.rank, counts[r.month], r.month in reopened,
                              parts, missing))
    return out


def reopened_months(months: list[date]) -> set[date]:
    """Of `months`, those whose latest close was reopened (the hub sends every close to every
    station); a month never closed through a close (the demo's history) is not provisional."""
    latest: dict[date, tuple[int, str]] = {}
    q = MonthClose.select(MonthClose.month, MonthClose.run, MonthClose.state).where(
        MonthClose.month.in_(months) & (MonthClose.deleted == False))
    for month, run, state in q.tuples():
        if month not in latest or run > latest[month][0]:
            latest[month] = (run, state)
    return {m for m, (_, state) in latest.items() if state == "reopened"}


def weekly_mileage(manager_id: str, until: date, weeks: int = 8) -> list[WeekMileage]:
    """Kilometres per week (Monday to Sunday) for the `weeks` weeks ending with `until`'s week,
    oldest first; a week without readings is 0."""
    last_monday = monday_of(until)
    first = last_monday - timedelta(weeks=weeks - 1)
    km = {last_monday - timedelta(weeks=i): [0, 0] for i in range(weeks)}
    logs = DayLog.select(DayLog.day, DayLog.odometer_start, DayLog.odometer_end).where(
        (DayLog.manager == manager_id)
        & (DayLog.deleted == False)
        & (DayLog.day >= first)
        & (DayLog.day <= last_monday + timedelta(days=6))
        & DayLog.odometer_start.is_null(False)
        & DayLog.odometer_end.is_null(False)
    )
    for log in logs:
        slot = km[monday_of(log.day)]
        slot[0] += log.odometer_end - log.odometer_start
        slot[1] += 1
    return [WeekMileage(m, *km[m]) for m in sorted(km)]
