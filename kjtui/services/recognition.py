"""Recognition: the month's star 每月之星 and the quarter's excellent manager 季度优秀, from the
written scores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kjtui.models import HUB, Award, Manager, MonthlyScore, database, journal, new_id
from kjtui.models.hlc import at as hlc_at
from kjtui.services.periods import add_months, month_start


def grant_awards(month: date, *, awarded_on: date, make_id=new_id) -> list[tuple[str, str, str]]:
    """每月之星 = the month's rank 1; at a quarter's last month 季度优秀 = the best summed total
    over the quarter among those ranked in its last month. Returns (kind, period, manager_id)."""
    first = month_start(month)
    stamp = hlc_at(datetime.combine(awarded_on, datetime.min.time()))
    out = []
    star = MonthlyScore.get_or_none(
        (MonthlyScore.month == first) & (MonthlyScore.rank == 1)
        & (MonthlyScore.deleted == False)
    )
    if star is not None:
        out.append(("monthly_star", first.strftime("%Y-%m"), star.manager_id))
    if first.month % 3 == 0:
        months = [add_months(first, -2), add_months(first, -1), first]
        last = set(MonthlyScore.select(MonthlyScore.manager).where(
            (MonthlyScore.month == first) & (MonthlyScore.deleted == False)
        ).tuples())
        sums: dict[str, float] = {}
        for manager, tot in MonthlyScore.select(MonthlyScore.manager, MonthlyScore.total).where(
            MonthlyScore.month.in_(months) & (MonthlyScore.deleted == False)
        ).tuples():
            if (manager,) in last:
                sums[manager] = sums.get(manager, 0.0) + tot
        if sums:
            best = sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            out.append(("quarterly_excellent", f"{first.year}-Q{first.month // 3}", best))
    with database.atomic():
        for kind, period, manager in out:
            Award.insert(id=make_id(), owner=HUB, rev=1, hlc=stamp, manager=manager, kind=kind,
                         period=period, awarded_on=awarded_on).execute()
    return out



@dataclass(frozen=True)
class Recognition:
    kind: str  # monthly_star or quarterly_excellent
    period: str  # "2026-05" or "2026-Q2"
    manager_id: str
    code: str
    name: str
    note: str  # the figures behind the choice, as written on the award


def _live(month: date) -> dict[str, MonthlyScore]:
    return {r.manager_id: r for r in MonthlyScore.select().where(
        (MonthlyScore.month == month) & (MonthlyScore.deleted == False) & (MonthlyScore.rank > 0))}


def choose(month: date) -> list[Recognition]:
    """The month's star (rank 1 of the written scores: its total and its best part) and, at a
    quarter's last month, the quarter's recommended manager: the best sum of the quarter's three
    totals among those ranked in its last month (a month not ranked counts 0), equal sums by
    code. The note carries the figures that back the choice."""
    first = month_start(month)
    this = _live(first)
    people = {m.id: m for m in Manager.select(Manager.id, Manager.code, Manager.name)}
    out = []
    star = next((r for r in this.values() if r.rank == 1), None)
    if star is not None:
        note = f"总分 {star.total:g}，第1名/{len(this)}人"
        p = people[star.manager_id]
        out.append(Recognition("monthly_star", first.strftime("%Y-%m"), p.id, p.code, p.name,
                               note))
    if first.month % 3 == 0 and this:
        months = [add_months(first, -2), add_months(first, -1), first]
        scores = [_live(mo) for mo in months]
        sums = {m: [s[m].total if m in s else 0.0 for s in scores] for m in this}
        best = sorted(sums, key=lambda m: (-round(sum(sums[m]), 2), people[m].code))[0]
        figures = "+".join(f"{t:g}" for t in sums[best])
        ranks = "、".join(f"{s[best].rank}" if best in s else "—" for s in scores)
        note = f"三月总分 {round(sum(sums[best]), 2):g}（{figures}），名次 {ranks}"
        p = people[best]
        out.append(Recognition("quarterly_excellent", f"{first.year}-Q{first.month // 3}",
                               p.id, p.code, p.name, note))
    return out


def recognise(month: date, *, awarded_on: date) -> list[Recognition]:
    """Write the month's recognition through the write path (kjtui.models.journal), so it
    travels: one Award per kind and period, updated in place when a re-close changes it."""
    chosen = choose(month)
    with database.atomic():
        for c in chosen:
            old = Award.get_or_none((Award.kind == c.kind) & (Award.period == c.period)
                                    & (Award.deleted == False))
            if old is None:
                journal.create(Award, manager=c.manager_id, kind=c.kind, period=c.period,
                               note=c.note[:120], awarded_on=awarded_on)
            elif (old.manager_id, old.note) != (c.manager_id, c.note[:120]):
                journal.update(old, manager=c.manager_id, note=c.note[:120],
                               awarded_on=awarded_on)
    return chosen
