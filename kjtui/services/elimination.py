"""Bottom elimination 末位淘汰: who the rule removes after a month's scores, and the status
changes it writes. In the bottom two this month and the month before, or in
the bottom three this month for the third time within twelve months (this month and the eleven
before it); regular staff go to standby study 待岗学习, contract staff are dismissed 解聘.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kjtui.models import HUB, Manager, ManagerStatusChange, MonthlyScore, database, new_id
from kjtui.models.hlc import at as hlc_at
from kjtui.services.periods import add_months, month_start

BOTTOM_CONSECUTIVE = 2  # bottom two ...
BOTTOM_REPEATED = 3  # ... or bottom three ...
REPEATED_TIMES = 3  # ... three times ...
WINDOW_MONTHS = 12  # ... within twelve months


@dataclass(frozen=True)
class Candidate:
    manager_id: str
    code: str
    name: str
    employment: str
    rule: str  # "consecutive_bottom_two" or "thrice_bottom_three"
    months: tuple[date, ...]  # the months that triggered it
    new_status: str  # standby (regular staff) or dismissed (contract staff)

    @property
    def reason(self) -> str:
        months = "、".join(m.strftime("%Y-%m") for m in self.months)
        if self.rule == "consecutive_bottom_two":
            return f"末位淘汰：连续两个月排名倒数两名（{months}）"
        return f"末位淘汰：十二个月内三次排名倒数三名（{months}）"


def bottom(month: date, k: int) -> set[str]:
    """Managers in the month's bottom k by the written scores."""
    rows = list(MonthlyScore.select(MonthlyScore.manager, MonthlyScore.rank).where(
        (MonthlyScore.month == month_start(month)) & (MonthlyScore.deleted == False)
    ).tuples())
    n = len(rows)
    return {m for m, rank in rows if rank > n - k}


def elimination_candidates(month: date) -> list[Candidate]:
    """Who the rule eliminates after `month`'s scores (see the module docstring)."""
    first = month_start(month)
    bottom_two = bottom(first, BOTTOM_CONSECUTIVE)
    bottom_two_before = bottom(add_months(first, -1), BOTTOM_CONSECUTIVE)
    window = [add_months(first, -i) for i in range(WINDOW_MONTHS)]  # this month first
    bottoms_three = {m: bottom(m, BOTTOM_REPEATED) for m in window}
    found = []
    ids = sorted(bottom_two | bottoms_three[first])
    people = {m.id: m for m in Manager.select().where(Manager.id.in_(ids))}
    for m in ids:
        if m in bottom_two and m in bottom_two_before:
            rule, months = "consecutive_bottom_two", (add_months(first, -1), first)
        else:
            hits = [mo for mo in window if m in bottoms_three[mo]]
            if m not in bottoms_three[first] or len(hits) < REPEATED_TIMES:
                continue
            rule, months = "thrice_bottom_three", tuple(sorted(hits))
        p = people[m]
        new_status = "standby" if p.employment == "regular" else "dismissed"
        found.append(Candidate(m, p.code, p.name, p.employment, rule, months, new_status))
    return sorted(found, key=lambda c: c.code)


def apply_eliminations(month: date, *, effective_on: date, decided_by: str | None = None,
                       now: datetime | None = None, make_id=new_id) -> list[Candidate]:
    """Write the status changes the rule calls for; managers no longer active are left alone."""
    now = (now or datetime.now()).replace(microsecond=0)
    applied = []
    with database.atomic():
        for c in elimination_candidates(month):
            m = Manager.get_by_id(c.manager_id)
            if m.status != "active":
                continue
            ManagerStatusChange.insert(
                id=make_id(), owner=HUB, rev=1, hlc=hlc_at(now), manager=m.id, status=c.new_status,
                effective_on=effective_on, reason=c.reason, decided_by=decided_by,
            ).execute()
            Manager.update(status=c.new_status, rev=Manager.rev + 1, hlc=hlc_at(now)).where(
                Manager.id == m.id
            ).execute()
            applied.append(c)
    return applied
