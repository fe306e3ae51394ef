"""Recognition: the month's star 每月之星 and the quarter's excellent manager 季度优秀, from the
written scores."""

from __future__ import annotations

from datetime import date, datetime

from kjtui.models import HUB, Award, MonthlyScore, database, new_id
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

