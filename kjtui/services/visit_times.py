"""The times of a visit (docs/ARCHITECTURE.md, section 8): the arrival is the time typed, else
the moment the manager selected the stop by hand at the shop (`arrival`), else the moment the
visit was started; the departure is the time typed, else the customer's acknowledgement, else the
moment the acknowledgement was put off (`departure`, kjtui.services.visits.close_visit). Neither
is ever after now (`check_times`)."""

from __future__ import annotations

from datetime import date, datetime

from peewee import JOIN

from kjtui.exception import Refused
from kjtui.models import Acknowledgement, Visit
from kjtui.services import day as day_service
from kjtui.services.session import now


def departure(departed_at: datetime | None, acknowledged_at: datetime | None) -> datetime | None:
    """When the manager left: the time typed (or set when the acknowledgement was put off), else
    the customer's acknowledgement, the last act of a visit; None while the visit goes on."""
    return departed_at or acknowledged_at


def check_times(arrived: datetime, departed: datetime | None) -> None:
    at = now()  # to the second: so is a time compared with it
    for which, value in (("visit.future_arrival", arrived), ("visit.future_departure", departed)):
        if value is not None and value.replace(microsecond=0) > at:
            raise Refused(which, time=value.strftime("%H:%M"), now=at.strftime("%H:%M"))
    if departed is not None and departed < arrived:
        raise Refused("visit.departed_before", arrived=arrived.strftime("%H:%M"),
                      departed=departed.strftime("%H:%M"))


def arrival(manager_id: str, day: date, selected_at: datetime | None) -> datetime:
    """When the manager reached the stop, as the notebook can know it when no time is typed: the
    moment the manager selected the stop by hand (`selected_at`: moved the cursor onto it), if
    that was on `day`, not in the future and not before the previous visit of the day ended;
    else now, the moment the visit is started."""
    at = now()
    if selected_at is None or selected_at.date() != day or selected_at.replace(microsecond=0) > at:
        return at
    ended = last_departure(manager_id, day)
    return selected_at if ended is None or selected_at >= ended else at


def last_departure(manager_id: str, day: date) -> datetime | None:
    """When the manager's latest visit of `day` ended (or began, while it goes on)."""
    log = day_service.day_log(manager_id, day)
    if log is None:
        return None
    rows = (day_service.live_visits()
            .select(Visit.arrived_at, Visit.departed_at, Acknowledgement.at)
            .join(Acknowledgement, JOIN.LEFT_OUTER, on=(Acknowledgement.visit == Visit.id))
            .where(Visit.day == log.id).objects())
    return max((departure(v.departed_at, v.at) or v.arrived_at for v in rows), default=None)
