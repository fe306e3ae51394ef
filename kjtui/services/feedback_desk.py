"""反馈 on the county office's desk: the information every manager collected (信息: collected →
organized → fed back), those the county has not answered first, and the county's answer, with
who and when. The answer is an InfoFeedback (hub-owned, never a change to the manager's item):
it travels to the manager's station (sync/scope.py) and his Information screen shows the item
fed back, the answer under it (kjtui.services.information decides the state shown)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from kjtui.exception import Refused
from kjtui.models import InfoFeedback, InfoItem, Manager, journal
from kjtui.services import acting, information, session
from kjtui.services.information import MAX_TEXT, Feedback, InfoLine

VIEWS = ("waiting", "answered")
SHOWN = 200  # a long list is paged: the first 200, the rest counted


@dataclass(frozen=True)
class FeedbackRow:
    line: InfoLine
    manager_code: str
    manager_name: str


@dataclass(frozen=True)
class FeedbackQueue:
    view: str  # waiting (not answered yet) / answered
    rows: list[FeedbackRow]
    more: int  # left off the list
    waiting: int  # every item not answered yet


def queue(view: str = "waiting", since: date | None = None) -> FeedbackQueue:
    """`waiting`: the items the county has not answered, organized ones first, then the oldest
    first; `answered`: those it answered, the latest answer first (collected since `since`)."""
    lines = information.items(None, first=since if view == "answered" else None)
    waiting = [i for i in lines if i.state != "fed_back"]
    if view == "answered":
        chosen = sorted((i for i in lines if i.state == "fed_back"), key=_answered_at, reverse=True)
    else:
        chosen = sorted(waiting, key=lambda i: (i.state != "organized", i.collected_on, i.id))
    people = {m.id: m for m in Manager.select(Manager.id, Manager.code, Manager.name)}
    rows = [FeedbackRow(i, people[i.manager_id].code, people[i.manager_id].name)
            for i in chosen[:SHOWN]]
    return FeedbackQueue(view, rows, max(0, len(chosen) - SHOWN), len(waiting))


def _answered_at(i: InfoLine) -> datetime:
    """When the county last answered (an item a laptop marked fed back without an answer the
    hub holds: the day it was collected)."""
    return i.feedback[-1].at if i.feedback else datetime.combine(i.collected_on, time())


def answer(item_id: str, text: str, supervisor_id: str, now: datetime | None = None) -> Feedback:
    """The county's answer to an item, who and when; an item may be answered again (a later
    answer adds to the earlier, both kept)."""
    text = text.strip()
    if not text:
        raise Refused("office.answer_empty")
    if len(text) > MAX_TEXT:
        raise Refused("info.too_long", n=len(text), max=MAX_TEXT)
    sup = acting.supervisor(supervisor_id)
    item = InfoItem.get_or_none((InfoItem.id == item_id) & (InfoItem.deleted == False))
    if item is None:
        raise Refused("info.gone")
    at = now or session.now()
    journal.create(InfoFeedback, item=item.id, supervisor=sup.id, text=text, at=at)
    return Feedback(text, at, sup.name)
