"""Who talks with whom after a month's results 情感沟通 (seed, section 一: the directors split the
managers between them and talk with each). The close gives each director his list; the talk
held is a Talk record (kjtui.services.oversight reads them).

The rule: the managers the bottom-elimination rule warns or names go to the director (主任)
first; the others are dealt in rank order from the bottom, each to whoever has the fewest so far
(the director first, then the deputies by code, on a tie), so that each has about as many and the
lower ranks are spread among them. Each list starts with the lowest ranked. A manager not ranked
this month has no talk on his results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kjtui.models import Manager, MonthlyScore, Supervisor
from kjtui.services import elimination
from kjtui.services.periods import month_start
from kjtui.services.rules import Rules


@dataclass(frozen=True)
class TalkList:
    supervisor: str  # code
    name: str
    title: str
    managers: list[str] = field(default_factory=list)  # codes, the one most in need first


def talk_lists(month: date, rules: Rules | None = None) -> list[TalkList]:
    first = month_start(month)
    people = (Supervisor.select().where(Supervisor.deleted == False)
              .order_by(Supervisor.title != "director", Supervisor.code))
    lists = [TalkList(s.code, s.name, s.title) for s in people]
    if not lists:
        return []
    rows = (MonthlyScore.select(MonthlyScore.rank, Manager.id, Manager.code).join(Manager)
            .where((MonthlyScore.month == first) & (MonthlyScore.deleted == False)
                   & (MonthlyScore.rank > 0)).order_by(MonthlyScore.rank.desc()).tuples())
    concern = {w.manager_id for w in elimination.warnings(first, rules)} | {
        c.manager_id for c in elimination.elimination_candidates(first, rules)}
    for _, manager_id, code in rows:
        if manager_id in concern:
            lists[0].managers.append(code)
        else:
            min(lists, key=lambda t: len(t.managers)).managers.append(code)
    return lists
