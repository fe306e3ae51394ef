"""The day as the Today screen shows it: the route with the next stop, the plan's word for the
day, the odometer, the visits and the figures, read in one call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import peewee as pw

from kjtui.models import MonthlyPlan, PlanDay, Route
from kjtui.services import day as day_service
from kjtui.services.visits import VisitLine, last_quantities, visit_lines


@dataclass(frozen=True)
class DayView:
    day: date
    manager_id: str
    route: day_service.DayRoute
    planned_route_name: str | None  # what the month's plan says for the day
    plan_note: str
    odometer_start: int | None
    odometer_end: int | None
    last_reading: int | None  # the highest reading before this day
    figures: day_service.DayFigures
    visits: list[VisitLine]
    flags: list[tuple[str, dict]] = field(default_factory=list)  # (catalog key, params)
    last_quantities: dict[str, int] = field(default_factory=dict)  # route customer → last order

    @property
    def next_stop(self) -> int | None:
        """Index of the first stop of the route not yet visited: where the cursor waits."""
        for i, stop in enumerate(self.route.stops):
            if not stop.visited:
                return i
        return None


def _planned(manager_id: str, day: date) -> tuple[str | None, str]:
    row = (
        PlanDay.select(PlanDay.note, Route.name)
        .join(MonthlyPlan)
        .switch(PlanDay)
        .join(Route, pw.JOIN.LEFT_OUTER, on=(PlanDay.route == Route.id))
        .where(
            (MonthlyPlan.manager == manager_id)
            & (MonthlyPlan.month == day.replace(day=1))
            & (PlanDay.day == day)
            & (PlanDay.deleted == False)
        )
        .dicts()
        .first()
    )
    return (row["name"], row["note"]) if row else (None, "")


def day_view(manager_id: str, day: date) -> DayView:
    log = day_service.day_log(manager_id, day)
    planned_name, plan_note = _planned(manager_id, day)
    route = day_service.route_for_day(manager_id, day)
    return DayView(
        day=day,
        manager_id=manager_id,
        route=route,
        planned_route_name=planned_name,
        plan_note=plan_note,
        odometer_start=log.odometer_start if log else None,
        odometer_end=log.odometer_end if log else None,
        last_reading=day_service.last_reading(manager_id, day),
        figures=day_service.day_figures(manager_id, day),
        visits=visit_lines(log.id) if log else [],
        flags=day_service.day_flags(manager_id, day),
        last_quantities=last_quantities([s.customer_id for s in route.stops]),
    )
