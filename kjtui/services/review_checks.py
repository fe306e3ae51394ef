"""What the code asks a supervisor to look at twice in a manager's week, each with its reason
(issue 11, section 2). The visit's own flags (a customer visited twice a day, an order far above
the customer's usual, another township) are kjtui.services.visits' (the same ones the manager was
asked about); this module adds what only the week shows:

    odometer_backwards   a day starts below where the day before ended
    odometer_gap         a day starts more than GAP_KM above where the day before ended
    km_per_household     the day's kilometres per household more than FAR× or under 1/FAR× this
                         manager's usual (the median of his days in the USUAL_WEEKS before)
    checkin_first/_last  the check-in phoned in more than CHECKIN_SLACK away from the first / last
                         visit's arrival (or phoned in on a day with no visit)
    no_ack, paper_ack    a visit not acknowledged, or acknowledged on a paper page
    pin_failed           the customer's PIN proof failed the hub's check
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

import peewee

from kjtui.models import Acknowledgement, AckVerdict, DayLog, Visit
from kjtui.services.day import live_visits

GAP_KM = 20
FAR = 2.0
USUAL_WEEKS = 8
CHECKIN_SLACK = timedelta(minutes=30)


@dataclass(frozen=True)
class Concern:
    kind: str  # the record's table: day_log, visit
    record_id: str
    reason: str  # see the module's docstring, or a visit flag (visits.FLAGS)
    day: date
    at: datetime | None = None
    what: str = ""  # the shop, for a visit
    params: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The catalog key of the reason, with `params` its words' parameters."""
        return f"review.concern.{self.reason}"


def _usual_km_per_household(manager_id: str, before: date) -> float | None:
    first = before - timedelta(weeks=USUAL_WEEKS)
    logs = {i: (s, e) for i, s, e in DayLog.select(DayLog.id, DayLog.odometer_start,
                                                   DayLog.odometer_end).where(
        (DayLog.manager == manager_id) & (DayLog.day >= first) & (DayLog.day < before)
        & (DayLog.deleted == False) & DayLog.odometer_end.is_null(False)
        & DayLog.odometer_start.is_null(False)).tuples()}
    if not logs:
        return None
    households = dict(live_visits().select(Visit.day, peewee.fn.COUNT(Visit.customer.distinct()))
                      .where(Visit.day.in_(list(logs))).group_by(Visit.day).tuples())
    ratios = [(e - s) / households[i] for i, (s, e) in logs.items() if households.get(i)]
    return median(ratios) if ratios else None


def _odometer(manager_id: str, monday: date, logs: list[DayLog]) -> list[Concern]:
    out = []
    before = (DayLog.select(DayLog.odometer_end).where(
        (DayLog.manager == manager_id) & (DayLog.day < monday) & (DayLog.deleted == False)
        & DayLog.odometer_end.is_null(False)).order_by(DayLog.day.desc()).scalar())
    last = before
    for log in logs:
        start = log.odometer_start
        if start is not None and last is not None:
            if start < last:
                out.append(Concern("day_log", log.id, "odometer_backwards", log.day,
                                   params={"start": start, "last": last}))
            elif start - last > GAP_KM:
                out.append(Concern("day_log", log.id, "odometer_gap", log.day,
                                   params={"km": start - last}))
        if log.odometer_end is not None:
            last = log.odometer_end
    return out


def concerns(manager_id: str, monday: date, view) -> list[Concern]:
    """The week's concerns in the order of the days: the day's, then its visits'. `view` is the
    week's notebook (kjtui.services.week.WeekView) already read."""
    logs = list(DayLog.select().where(
        (DayLog.manager == manager_id) & DayLog.day.between(monday, monday + timedelta(days=6))
        & (DayLog.deleted == False)).order_by(DayLog.day))
    out = _odometer(manager_id, monday, logs)
    usual = _usual_km_per_household(manager_id, monday)
    lines = view.lines
    by_day: dict[date, list] = {}
    for line in lines:
        by_day.setdefault(line.arrived_at.date(), []).append(line)
    failed = set()
    if lines:
        failed = {v for (v,) in AckVerdict.select(AckVerdict.visit).join(
            Acknowledgement, on=(AckVerdict.ack == Acknowledgement.id)).where(
            AckVerdict.visit.in_([line.id for line in lines]) & (AckVerdict.passed == False)
            & (Acknowledgement.deleted == False)).tuples()}
    for log in logs:
        day_lines = [line for line in lines if _day_of(line, log)]
        households = len({line.customer_id for line in day_lines})
        if (usual and households and log.odometer_start is not None
                and log.odometer_end is not None):
            per = (log.odometer_end - log.odometer_start) / households
            if per > usual * FAR or per < usual / FAR:
                out.append(Concern("day_log", log.id, "km_per_household", log.day,
                                   params={"per": f"{per:.1f}", "usual": f"{usual:.1f}"}))
        for which, phoned, visit in (
                ("checkin_first", log.first_phoned_at if log.first_phoned else None,
                 day_lines[0].arrived_at if day_lines else None),
                ("checkin_last", log.last_phoned_at if log.last_phoned else None,
                 day_lines[-1].arrived_at if day_lines else None)):
            if phoned is None:
                continue
            if visit is None or abs(phoned - visit) > CHECKIN_SLACK:
                out.append(Concern("day_log", log.id, which, log.day, phoned, params={
                    "phoned": f"{phoned:%H:%M}",
                    "visited": f"{visit:%H:%M}" if visit else "—"}))
        for line in day_lines:
            reasons = list(line.flags)
            if line.ack_method is None:
                reasons.append("no_ack")
            elif line.ack_method == "paper":
                reasons.append("paper_ack")
            if line.id in failed:
                reasons.append("pin_failed")
            for reason in reasons:
                out.append(Concern("visit", line.id, reason, log.day, line.arrived_at,
                                   line.shop_name, {"page": line.ack_page}))
    return out


def _day_of(line, log: DayLog) -> bool:
    return line.arrived_at.date() == log.day
