"""What the county office said to the manager, as the station's Home shows it: the outcomes of
the spot checks of his visits (the standing one of each visit, the latest first) and the advice
of his last talk 谈话 after a month's results. Both arrive with the hub's return bundles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import peewee as pw

from kjtui.models import Customer, SpotCheck, Supervisor, Talk, Visit
from kjtui.services import spotcheck
from kjtui.services.periods import month_start

SPOTS_SHOWN = 3


@dataclass(frozen=True)
class SpotWord:
    day: date
    shop: str
    method: str
    result: str
    note: str
    at: datetime


@dataclass(frozen=True)
class TalkWord:
    month: date
    held_on: date
    supervisor: str
    advice: str


@dataclass(frozen=True)
class CountyWord:
    spots: list[SpotWord]  # the latest few standing outcomes
    month_counts: dict[str, int]  # this month's standing outcomes by result
    talk: TalkWord | None  # the last talk that gave advice

    @property
    def empty(self) -> bool:
        return not self.spots and self.talk is None


def for_manager(manager_id: str, today: date) -> CountyWord:
    q = (SpotCheck.select(SpotCheck.day, Customer.shop_name, SpotCheck.method, SpotCheck.result,
                          SpotCheck.note, SpotCheck.at)
         .join(Visit, pw.JOIN.LEFT_OUTER, on=(SpotCheck.visit == Visit.id))
         .join(Customer, pw.JOIN.LEFT_OUTER, on=(Visit.customer == Customer.id))
         .where((SpotCheck.manager == manager_id) & (SpotCheck.deleted == False)
                & spotcheck.standing())
         .order_by(SpotCheck.at.desc(), SpotCheck.hlc.desc()).limit(SPOTS_SHOWN))
    spots = [SpotWord(d, shop or "", m, r, n, at) for d, shop, m, r, n, at in q.tuples()]
    counts: dict[str, int] = {}
    for result, n in (SpotCheck.select(SpotCheck.result, pw.fn.COUNT(SpotCheck.id))
                      .where((SpotCheck.manager == manager_id) & (SpotCheck.deleted == False)
                             & (SpotCheck.day >= month_start(today)) & spotcheck.standing())
                      .group_by(SpotCheck.result).tuples()):
        counts[result] = n
    t = (Talk.select(Talk, Supervisor.name.alias("sup"))
         .join(Supervisor, pw.JOIN.LEFT_OUTER, on=(Talk.supervisor == Supervisor.id))
         .where((Talk.manager == manager_id) & (Talk.deleted == False) & (Talk.advice != ""))
         .order_by(Talk.month.desc(), Talk.held_on.desc(), Talk.hlc.desc()).objects().first())
    talk = TalkWord(t.month, t.held_on, t.sup or "", t.advice) if t else None
    return CountyWord(spots, counts, talk)
