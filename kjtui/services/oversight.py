"""What the directors did in a month (seed, sections 一, 四): the spot checks 抽检 and their
outcomes, and the talks 情感沟通 held after the month's results, with who did each. A spot check
counts in the month of its day (as the score's spot-check part does); a talk in the month whose
results it was about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import peewee

from kjtui.models import Customer, Manager, SpotCheck, Supervisor, Talk, Visit
from kjtui.services.periods import month_end, month_start


@dataclass(frozen=True)
class SpotLine:
    id: str
    day: date
    manager_code: str
    manager_name: str
    method: str  # phone / onsite / inquiry
    result: str  # confirmed / discrepancy / unreachable
    note: str
    supervisor: str
    at: datetime
    visit_id: str | None
    shop_name: str  # the visit's customer ("" for a check of a check-in)


@dataclass(frozen=True)
class TalkLine:
    id: str
    manager_code: str
    manager_name: str
    supervisor: str
    held_on: date
    gains: str
    suggestions: str
    shortcomings: str
    causes: str
    advice: str


def spot_checks(month: date, manager_id: str | None = None) -> list[SpotLine]:
    first = month_start(month)
    q = (SpotCheck.select(SpotCheck, Manager.code.alias("m_code"), Manager.name.alias("m_name"),
                          Supervisor.name.alias("sup"), Customer.shop_name.alias("shop"))
         .join(Manager, on=(SpotCheck.manager == Manager.id))
         .switch(SpotCheck).join(Supervisor, on=(SpotCheck.supervisor == Supervisor.id))
         .switch(SpotCheck).join(Visit, peewee.JOIN.LEFT_OUTER, on=(SpotCheck.visit == Visit.id))
         .join(Customer, peewee.JOIN.LEFT_OUTER, on=(Visit.customer == Customer.id))
         .where((SpotCheck.day >= first) & (SpotCheck.day <= month_end(first))
                & (SpotCheck.deleted == False))
         .order_by(SpotCheck.day, Manager.code, SpotCheck.at, SpotCheck.id))
    if manager_id is not None:
        q = q.where(SpotCheck.manager == manager_id)
    return [SpotLine(r.id, r.day, r.m_code, r.m_name, r.method, r.result, r.note, r.sup, r.at,
                     r.visit_id, r.shop or "") for r in q.objects()]


def talks(month: date, manager_id: str | None = None) -> list[TalkLine]:
    q = (Talk.select(Talk, Manager.code.alias("m_code"), Manager.name.alias("m_name"),
                     Supervisor.name.alias("sup"))
         .join(Manager, on=(Talk.manager == Manager.id))
         .switch(Talk).join(Supervisor, on=(Talk.supervisor == Supervisor.id))
         .where((Talk.month == month_start(month)) & (Talk.deleted == False))
         .order_by(Manager.code, Talk.held_on, Talk.id))
    if manager_id is not None:
        q = q.where(Talk.manager == manager_id)
    return [TalkLine(r.id, r.m_code, r.m_name, r.sup, r.held_on, r.gains, r.suggestions,
                     r.shortcomings, r.causes, r.advice) for r in q.objects()]
