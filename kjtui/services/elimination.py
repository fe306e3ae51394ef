"""Bottom elimination 末位淘汰: who the rule removes after a month's scores, and the status
changes it writes. In the bottom two this month and the month before, or in
the bottom three this month for the third time within twelve months (this month and the eleven
before it); regular staff go to standby study 待岗学习, contract staff are dismissed 解聘. The
numbers are the rules file's `[elimination]` (kjtui.services.rules).

A warning (`warnings`) names, after a month's scores, every ranked manager whom one more such
month would eliminate: in the bottom two this month (the next month in it makes two running), or
twice in the bottom three within this month and the ten before it (a third time next month falls
inside that month's twelve). A manager already eliminated by this month is a candidate, not a
warning. The bottom of a month is read from its written (live) scores, ranked only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kjtui.exception import Refused
from kjtui.models import HUB, Manager, ManagerStatusChange, MonthlyScore, database, new_id
from kjtui.models.hlc import at as hlc_at
from kjtui.services import rules as rules_file
from kjtui.services.periods import add_months, month_start
from kjtui.services.rules import Rules


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


@dataclass(frozen=True)
class Warning:
    manager_id: str
    code: str
    name: str
    rule: str  # the rule one more month would trigger (as Candidate.rule)
    months: tuple[date, ...]  # the months already counted


def bottom(month: date, k: int) -> set[str]:
    """Managers in the month's bottom k by the written scores."""
    rows = list(MonthlyScore.select(MonthlyScore.manager, MonthlyScore.rank).where(
        (MonthlyScore.month == month_start(month)) & (MonthlyScore.deleted == False)
        & (MonthlyScore.rank > 0)
    ).tuples())
    n = len(rows)
    return {m for m, rank in rows if rank > n - k}


def _streak(first: date, k: int, n: int) -> dict[str, tuple[date, ...]]:
    """Managers in the bottom k in each of the n months ending with `first`: their months."""
    months = [add_months(first, -i) for i in reversed(range(n))]
    sets = [bottom(mo, k) for mo in months]
    common = set.intersection(*sets) if sets else set()
    return {m: tuple(months) for m in common}


def elimination_candidates(month: date, rules: Rules | None = None) -> list[Candidate]:
    """Who the rule eliminates after `month`'s scores (see the module docstring)."""
    r = rules or rules_file.default()
    first = month_start(month)
    streak = _streak(first, r.bottom_consecutive, r.consecutive_months)
    window = [add_months(first, -i) for i in range(r.window_months)]  # this month first
    bottoms_three = {m: bottom(m, r.bottom_repeated) for m in window}
    found = []
    ids = sorted(set(streak) | bottoms_three[first])
    people = {m.id: m for m in Manager.select().where(Manager.id.in_(ids))}
    for m in ids:
        if m in streak:
            rule, months = "consecutive_bottom_two", streak[m]
        else:
            hits = [mo for mo in window if m in bottoms_three[mo]]
            if m not in bottoms_three[first] or len(hits) < r.repeated_times:
                continue
            rule, months = "thrice_bottom_three", tuple(sorted(hits))
        p = people[m]
        new_status = "standby" if p.employment == "regular" else "dismissed"
        found.append(Candidate(m, p.code, p.name, p.employment, rule, months, new_status))
    return sorted(found, key=lambda c: c.code)


def warnings(month: date, rules: Rules | None = None) -> list[Warning]:
    """Who one more such month would eliminate (see the module docstring), by code."""
    r = rules or rules_file.default()
    first = month_start(month)
    ranked = set(MonthlyScore.select(MonthlyScore.manager).where(
        (MonthlyScore.month == first) & (MonthlyScore.deleted == False) & (MonthlyScore.rank > 0)
    ).tuples())
    ranked = {m for (m,) in ranked}
    already = {c.manager_id for c in elimination_candidates(first, r)}
    found: dict[str, tuple[str, tuple[date, ...]]] = {}
    if r.consecutive_months > 1:
        for m, months in _streak(first, r.bottom_consecutive, r.consecutive_months - 1).items():
            found[m] = ("consecutive_bottom_two", months)
    window = [add_months(first, -i) for i in reversed(range(r.window_months - 1))]
    hits: dict[str, list[date]] = {}
    for mo in window:
        for m in bottom(mo, r.bottom_repeated):
            hits.setdefault(m, []).append(mo)
    for m, months in hits.items():
        if len(months) == r.repeated_times - 1 and m not in found:
            found[m] = ("thrice_bottom_three", tuple(months))
    ids = sorted(m for m in found if m in ranked and m not in already)
    people = {p.id: p for p in Manager.select().where(Manager.id.in_(ids))}
    out = [Warning(m, people[m].code, people[m].name, *found[m]) for m in ids]
    return sorted(out, key=lambda w: w.code)


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


DECISIONS = {"regular": ("standby", "transferred"), "contract": ("dismissed",)}


def decide(month: date, code: str, status: str, *, decided_by: str, on: date,
           hand_to: str | None = None, rules: Rules | None = None) -> ManagerStatusChange:
    """The administrator's decision on a manager the rule names after `month`: standby study or
    another post for regular staff, dismissal for contract staff (seed, section 一). The status
    change and its history are kjtui.services.staff's, the rule's reason on the record."""
    from kjtui.services import staff

    m = staff.manager(code)
    found = {c.code: c for c in elimination_candidates(month, rules)}
    c = found.get(code)
    if c is None:
        raise Refused("month.not_a_candidate", code=code, month=month_start(month).strftime("%Y-%m"))
    if status not in DECISIONS[m.employment]:
        raise Refused("month.decision_not_allowed", code=code, status=status,
                      allowed="/".join(DECISIONS[m.employment]))
    return staff.change_status(code, status, on=on, decided_by=decided_by, reason=c.reason,
                               hand_to=hand_to)


def warning_for(manager_id: str) -> Warning | None:
    """This manager's warning after the latest month with written scores (a station holds the
    county's table of every closed month, so its laptop answers the same as the hub)."""
    latest = MonthlyScore.select(MonthlyScore.month).where(
        (MonthlyScore.deleted == False) & (MonthlyScore.rank > 0)
    ).order_by(MonthlyScore.month.desc()).scalar()
    if latest is None:
        return None
    return next((w for w in warnings(latest) if w.manager_id == manager_id), None)
