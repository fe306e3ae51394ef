"""A week the county approved is sealed (issue 11): no record of that manager's week — a day's
log, a visit, an acknowledgement, information collected — is written or changed any more, on the
station (the journal refuses it) or at the hub (a record sent before the station heard of the
approval is held with its reason). A week returned for correction, or never reviewed, is open.
The week's review is the county's: the rule reads the reviews that reached this database."""

from __future__ import annotations

from datetime import date, timedelta

from kjtui.models.entities import Acknowledgement, DayLog, InfoItem, Visit, WeeklyReview
from kjtui.models.rules import Rec, View, Violation, rule, same_content


def monday(day: str | date | None) -> date | None:
    if day is None:
        return None
    d = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    return d - timedelta(days=d.weekday())


def week_of(view: View, rec: Rec) -> tuple[str, date] | None:
    """(manager id, Monday) of the week a notebook record belongs to."""
    v = rec.values
    if rec.model is DayLog:
        return v.get("manager_id"), monday(v.get("day"))
    if rec.model is InfoItem:
        return v.get("manager_id"), monday(v.get("collected_on"))
    if rec.model is Acknowledgement:
        visit = view.row(Visit, v.get("visit_id")) if v.get("visit_id") else None
        if visit is None:
            return None
        v = visit
    log = view.row(DayLog, v.get("day_id")) if v.get("day_id") else None
    return (v.get("manager_id"), monday(log["day"])) if log else None


def approved(manager_id: str, week: date) -> bool:
    """The county's current word on the week (the review no later one supersedes) approves it."""
    rows = list(WeeklyReview.select(WeeklyReview.id, WeeklyReview.state, WeeklyReview.supersedes)
                .where((WeeklyReview.manager == manager_id) & (WeeklyReview.week == week)
                       & (WeeklyReview.deleted == False))
                .order_by(WeeklyReview.at.desc(), WeeklyReview.hlc.desc()).tuples())
    superseded = {s for _, _, s in rows if s}
    current = [state for ident, state, _ in rows if ident not in superseded]
    return bool(current) and current[0] == "reviewed"


@rule(DayLog, Visit, Acknowledgement, InfoItem)
def week_sealed(view: View, rec: Rec) -> Violation | None:
    if rec.old is not None and same_content(rec.old, rec.values):
        return None  # sent again unchanged
    week = week_of(view, rec)
    if week is None or week[0] is None or week[1] is None:
        return None
    cache = view.__dict__.setdefault("_sealed", {})
    if week not in cache:
        cache[week] = approved(*week)
    if cache[week]:
        return Violation("write.week_sealed", {"kind": rec.kind, "week": week[1].isoformat()})
    return None
