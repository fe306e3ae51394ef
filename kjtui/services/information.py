"""信息: collected -> organized -> fed back.

The station owns its items and writes "collected" and "organized"; the county's answer arrives as
InfoFeedback rows (hub-owned), never as a change to the item. So the state shown is decided by
`displayed_state`, the one place that says it: fed back once any feedback is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kjtui.exception import Refused
from kjtui.models import (
    INFO_CATEGORIES,
    INFO_STATES,
    Customer,
    InfoFeedback,
    InfoItem,
    Manager,
    Supervisor,
)
from kjtui.models.journal import owner_for
from kjtui.services.session import now

# An item's content or summary: a paragraph, as much as the detail under the list shows.
MAX_TEXT = 500  # characters
CHUNK = 500


def displayed_state(stored_state: str, feedback_count: int) -> str:
    return "fed_back" if feedback_count else stored_state


def organizable(state: str) -> bool:
    """An item may be organized (or reworded) until the county has fed back on it."""
    return state != "fed_back"


@dataclass(frozen=True)
class Feedback:
    text: str
    at: datetime
    supervisor: str


@dataclass(frozen=True)
class InfoLine:
    id: str
    category: str
    content: str
    summary: str
    state: str  # displayed_state
    collected_on: date
    organized_at: datetime | None
    customer_id: str | None
    customer_name: str
    feedback: list[Feedback]
    manager_id: str = ""

    @property
    def can_organize(self) -> bool:
        return organizable(self.state)


def feedback_of(item_ids: list[str]) -> dict[str, list[Feedback]]:
    """The county's answers to these items, oldest first."""
    import peewee

    out: dict[str, list[Feedback]] = {}
    for i in range(0, len(item_ids), CHUNK):
        for f in (InfoFeedback.select(InfoFeedback, Supervisor.name.alias("sup_name"))
                  .join(Supervisor, peewee.JOIN.LEFT_OUTER,
                        on=(InfoFeedback.supervisor == Supervisor.id))
                  .where(InfoFeedback.item.in_(item_ids[i : i + CHUNK])
                         & (InfoFeedback.deleted == False))
                  .order_by(InfoFeedback.at).objects()):
            out.setdefault(f.item_id, []).append(Feedback(f.text, f.at, f.sup_name or ""))
    return out


def items(manager_id: str | None, first: date | None = None, last: date | None = None,
          state: str | None = None) -> list[InfoLine]:
    """The manager's items (every manager's: None), newest first; optionally those collected
    in [first, last] and those whose displayed state is `state`."""
    import peewee

    q = (InfoItem.select(InfoItem, Customer.shop_name.alias("shop"))
         .join(Customer, peewee.JOIN.LEFT_OUTER, on=(InfoItem.customer == Customer.id))
         .where(InfoItem.deleted == False))
    if manager_id is not None:
        q = q.where(InfoItem.manager == manager_id)
    if first is not None:
        q = q.where(InfoItem.collected_on >= first)
    if last is not None:
        q = q.where(InfoItem.collected_on <= last)
    rows = list(q.order_by(InfoItem.collected_on.desc(), InfoItem.id.desc()).objects())
    fb = feedback_of([r.id for r in rows])
    out = [
        InfoLine(r.id, r.category, r.content, r.summary,
                 displayed_state(r.state, len(fb.get(r.id, []))), r.collected_on,
                 r.organized_at, r.customer_id, r.shop or "", fb.get(r.id, []), r.manager_id)
        for r in rows
    ]
    return [i for i in out if state is None or i.state == state]


def counts(lines: list[InfoLine]) -> dict[str, int]:
    return {s: sum(1 for i in lines if i.state == s) for s in INFO_STATES}


def collect(manager_id: str, category: str, content: str, on: date,
            customer_id: str | None = None) -> str:
    """Record a new item; returns its id."""
    from kjtui.models import journal

    content = content.strip()
    if category not in INFO_CATEGORIES:
        raise Refused("info.bad_category")
    if not content:
        raise Refused("info.empty")
    if len(content) > MAX_TEXT:
        raise Refused("info.too_long", n=len(content), max=MAX_TEXT)
    if customer_id is not None and Customer.get_or_none(Customer.id == customer_id) is None:
        raise Refused("proposal.no_customer")
    m = Manager.get_by_id(manager_id)
    item = journal.create(InfoItem, owner=owner_for(m.code), manager=m.id, customer=customer_id,
                          category=category, content=content, collected_on=on)
    return item.id


def organize(item_id: str, summary: str) -> None:
    """整理: write the summary; the item becomes organized (it can be reworded until fed back)."""
    from kjtui.models import journal

    summary = summary.strip()
    if not summary:
        raise Refused("info.empty_summary")
    if len(summary) > MAX_TEXT:
        raise Refused("info.too_long", n=len(summary), max=MAX_TEXT)
    item = InfoItem.get_or_none(
        (InfoItem.id == item_id) & (InfoItem.deleted == False))
    if item is None:
        raise Refused("info.gone")
    n = InfoFeedback.select().where((InfoFeedback.item == item_id)
                                    & (InfoFeedback.deleted == False)).count()
    if not organizable(displayed_state(item.state, n)):
        raise Refused("info.already_fed_back")
    journal.update(item, summary=summary, state="organized", organized_at=now())
