"""A week the county approved is sealed (issue 11): no record of that manager's week — a day's
log, a visit, an acknowledgement, information collected — is written or changed any more, on the
station (the journal refuses it) or at the hub (a record sent before the station heard of the
approval is held with its reason). A week returned for correction, or never reviewed, is open.
The week's review is the county's: the rule reads the reviews that reached this database.

At the hub, a change to a record it held when it approved is held with the reason, whatever its
stamp. A new record the station wrote before the approval reached it (its clock stamp older than
the approval's: the hybrid clock is corrected from every bundle the station imports) is a late
arrival, not an edit: it applies. (A laptop forging an old stamp can add a record so; it cannot
change one the supervisor read.)"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from kjtui.models.base import HUB
from kjtui.models.entities import (
    Acknowledgement,
    DayLog,
    InfoItem,
    Setting,
    Visit,
    WeeklyReview,
)
from kjtui.models.rules import Rec, View, Violation, rule, same_content


def monday(day: str | date | None) -> date | None:
    if day is None:
        return None
    if isinstance(day, date):
        return day - timedelta(days=day.weekday())
    return _monday(str(day)[:10])


@lru_cache(maxsize=4096)
def _monday(day: str) -> date:
    """A year's visits fall on a few hundred days: each is parsed once."""
    d = date.fromisoformat(day)
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


def approvals(manager_id: str, week: date | None = None) -> dict[date, int]:
    """Monday → the clock stamp of the county's approval, for each of the manager's weeks (or
    the one week) whose current word (the review no later one supersedes) approves it."""
    q = (WeeklyReview.select(WeeklyReview.id, WeeklyReview.week, WeeklyReview.state,
                             WeeklyReview.supersedes, WeeklyReview.hlc)
         .where((WeeklyReview.manager == manager_id) & (WeeklyReview.deleted == False))
         .order_by(WeeklyReview.at.desc(), WeeklyReview.hlc.desc()))
    if week is not None:
        q = q.where(WeeklyReview.week == week)
    rows = list(q.tuples())
    superseded = {s for _, _, _, s, _ in rows if s}
    out: dict[date, int] = {}
    seen: set[date] = set()
    for ident, monday_, state, _, stamp in rows:
        if ident in superseded or monday_ in seen:
            continue
        seen.add(monday_)
        if state == "reviewed":
            out[monday_] = stamp
    return out


def _importing(view: View) -> bool:
    """Checking a station's record sent to this node (the hub), not one written here."""
    if "_node" not in view.__dict__:
        row = Setting.get_or_none(Setting.key == "node_id")
        view.__dict__["_node"] = row.value if row else HUB
    return view.sender != view.__dict__["_node"]


@rule(DayLog, Visit, Acknowledgement, InfoItem)
def week_sealed(view: View, rec: Rec) -> Violation | None:
    if rec.old is not None and same_content(rec.old, rec.values):
        return None  # sent again unchanged
    week = week_of(view, rec)
    if week is None or week[0] is None or week[1] is None:
        return None
    cache = view.__dict__.setdefault("_sealed", {})  # one query a manager for the whole view
    if week[0] not in cache:
        cache[week[0]] = approvals(week[0])
    stamp = cache[week[0]].get(week[1])
    if stamp is None:
        return None
    if rec.old is None and _importing(view) and (rec.values.get("hlc") or 0) < stamp:
        return None  # written before the approval reached the station: a late arrival
    return Violation("write.week_sealed", {"kind": rec.kind, "week": week[1].isoformat()})
