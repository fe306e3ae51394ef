"""Monthly scores and ranks (docs/ARCHITECTURE.md, "The rules"). Bottom elimination is
kjtui.services.elimination, the month's star and the quarter's best kjtui.services.recognition,
writing a close kjtui.services.month_close.

The same code a supervisor runs at the county office and the demo runs on its history. The
weights and numbers are the county's rules file (kjtui.services.rules; defaults, documented key by
key, in kjtui/services/scoring_rules.toml). Each part is 0..100, or *missing* with its reason
when the month holds no data for it:

    part          default weight  figure                                     missing when
    sales           25    100 × actual / target, capped at 100               no target (or 0)
    success         15    100 × visits with an order / visits                no visit
    maintenance     10    per_proposal per accepted proposal, capped at 100  never (0 without)
    review          10    100 × weeks never returned / weeks reviewed        no week reviewed yet
    checkin         10    100 × days with both check-ins phoned / working    no working day
    spot_check      10    100 × confirmed / (confirmed + discrepancy);       no check answered
                          unreachable does not count
    training        10    mean of the month's lecture ratings (as lecturer)  no lecture, no exam
                          and exam scores
    basic_work       5    100 × the four basic-work checks passed / answered no check answered
                          at the visits (明码标价, 协议销售, 新业态分类, 品牌培育)
    satisfaction     5    100 × visits rated 4 or 5 / visits rated (1..5);   no visit rated
                          the county's satisfaction rate (kjtui.services.kpis)

The total is the weighted mean of the parts; a missing part is left out and the weights of the
parts present are scaled to 100 (`total.missing = "exclude"`), or counted as 0 (`"zero"`). A
missing part is never shown as 0 or 100: it is stored as 0 with its name in `missing`.

Working days are the days planned with a route or logged with a route. Visits count only if they
are live (not deleted, not superseded by a correction). A week belongs to the month of its Monday.

Who is ranked: a manager hired on or before the month's first day and active on both its first
and its last day. A manager who joined during the month, was on standby (leave, study) or
transferred at either end, or left (dismissed) is scored for the record but not ranked, with the
reason (`unranked`). Rank: by total descending; equal totals by the parts in the rules'
`ranking.tie_break` order (a missing part after any figure), then by manager code, so a rank is
never shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import peewee as pw

from kjtui.models import (
    HUB,
    Manager,
    ManagerStatusChange,
    MonthlyScore,
    database,
    new_id,
)
from kjtui.models.hlc import at as hlc_at
from kjtui.services import rules as rules_file
from kjtui.services.periods import month_end, month_start
from kjtui.services.rules import Rules
from kjtui.services.score_figures import (  # noqa: F401  (the figures' names, re-exported)
    BASIC_CHECKS,
    MISSING_REASON,
    Figures,
    figures_for,
)

PARTS = rules_file.PARTS


def total(parts: dict[str, float | None], rules: Rules | None = None) -> float:
    """The weighted mean of the parts (see the module docstring for a missing part)."""
    rules = rules or rules_file.default()
    w = rules.weights
    if rules.missing == "zero":
        return round(sum(w[k] * (parts[k] or 0.0) for k in PARTS) / 100.0, 2)
    present = [k for k in PARTS if parts[k] is not None]
    weight = sum(w[k] for k in present)
    if weight == 0:
        return 0.0
    return round(sum(w[k] * parts[k] for k in present) / weight, 2)


def shares(parts: dict[str, float | None], rules: Rules | None = None) -> dict[str, float]:
    """What each part adds to the total (they add up to it, before rounding): a missing part
    adds nothing; the bars of the county office's month are drawn from these."""
    rules = rules or rules_file.default()
    w = rules.weights
    if rules.missing == "zero":
        return {k: w[k] * (parts[k] or 0.0) / 100.0 for k in PARTS}
    weight = sum(w[k] for k in PARTS if parts[k] is not None)
    return {k: 0.0 if parts[k] is None or weight == 0 else w[k] * parts[k] / weight
            for k in PARTS}


@dataclass(frozen=True)
class Score:
    manager_id: str
    code: str
    parts: dict[str, float | None]  # None: missing (the reason in `missing`)
    total: float
    rank: int  # 0: scored for the record, not ranked (the reason in `unranked`)
    missing: dict[str, str] = field(default_factory=dict)
    unranked: str = ""

    def stored_parts(self) -> dict[str, float]:
        return {k: (0.0 if v is None else v) for k, v in self.parts.items()}

    def missing_text(self) -> str:
        """How `missing` is stored: "sales:no_target,review:no_review"."""
        return ",".join(f"{k}:{v}" for k, v in self.missing.items())


# --- figures --------------------------------------------------------------------------------


def month_figures(manager_id: str, month: date) -> Figures:
    return figures_for(month_start(month), [manager_id])[manager_id]


# --- who is ranked ------------------------------------------------------------------------------


def status_on(day: date) -> dict[str, str]:
    """Every manager's status on `day`: the latest change in effect by then; before a manager's
    first change they were active; with no change at all, the status on the record."""
    changes: dict[str, list] = {}
    for manager, status, effective in ManagerStatusChange.select(
        ManagerStatusChange.manager, ManagerStatusChange.status, ManagerStatusChange.effective_on
    ).where(ManagerStatusChange.deleted == False).order_by(
        ManagerStatusChange.effective_on, ManagerStatusChange.hlc, ManagerStatusChange.id
    ).tuples():
        changes.setdefault(manager, []).append((effective, status))
    out = {}
    for m in Manager.select(Manager.id, Manager.status, Manager.hired_on).where(
        Manager.deleted == False
    ):
        if m.hired_on is not None and m.hired_on > day:
            continue
        history = changes.get(m.id)
        if not history:
            out[m.id] = m.status
            continue
        in_effect = [s for eff, s in history if eff <= day]
        out[m.id] = in_effect[-1] if in_effect else "active"
    return out


def unranked_reasons(month: date) -> dict[str, str]:
    """Every manager on the books at some point of the month, and why they are not ranked
    ("" when they are): joined_mid_month, not_active_at_start, not_active_at_end."""
    first, end = month_start(month), month_end(month)
    at_start, at_end = status_on(first), status_on(end)
    hired = dict(Manager.select(Manager.id, Manager.hired_on).where(Manager.deleted == False)
                 .tuples())
    out = {}
    for m, status in at_end.items():
        h = hired.get(m)
        if status != "active" and at_start.get(m) != "active":
            continue  # not working this month at all (long gone, or on standby throughout)
        if h is not None and h > first:
            out[m] = "joined_mid_month" if status == "active" else "not_active_at_end"
        elif status != "active":
            out[m] = "not_active_at_end"
        elif at_start.get(m) != "active":
            out[m] = "not_active_at_start"
        else:
            out[m] = ""
    return out


def ranked_managers(month: date) -> list[str]:
    return sorted(m for m, why in unranked_reasons(month).items() if why == "")


# --- scores -------------------------------------------------------------------------------------


def tie_key(parts: dict[str, float | None], rules: Rules) -> tuple:
    return tuple(-(parts[p] if parts[p] is not None else -1.0) for p in rules.tie_break)


def compute_month(month: date, rules: Rules | None = None, *,
                  with_unranked: bool = False) -> list[Score]:
    """The month's scores and ranks, computed and not written; `with_unranked` adds, after the
    ranking, the managers scored but not ranked (rank 0, with the reason)."""
    rules = rules or rules_file.default()
    first = month_start(month)
    reasons = unranked_reasons(first)
    ids = sorted(m for m, why in reasons.items() if with_unranked or why == "")
    codes = dict(Manager.select(Manager.id, Manager.code).where(Manager.id.in_(ids)).tuples())
    figures = figures_for(first, ids)
    rows = []
    for m in ids:
        f = figures[m]
        parts = {k: (None if v is None else round(v, 2)) for k, v in f.parts(rules).items()}
        rows.append((m, codes[m], parts, total(parts, rules), f.missing()))
    ranked = sorted((r for r in rows if reasons[r[0]] == ""),
                    key=lambda r: (-r[3], tie_key(r[2], rules), r[1]))
    out = [Score(m, code, parts, tot, i + 1, miss)
           for i, (m, code, parts, tot, miss) in enumerate(ranked)]
    out += [Score(m, code, parts, tot, 0, miss, reasons[m])
            for m, code, parts, tot, miss in sorted(rows, key=lambda r: r[1]) if reasons[m]]
    return out


def score_month(month: date, *, now: datetime | None = None, make_id=new_id) -> list[Score]:
    """Compute the month and write its MonthlyScore rows (hub-owned; a re-run updates them in
    place with rev + 1). A manager who is no longer ranked has their old row tombstoned."""
    first = month_start(month)
    now = (now or datetime.now()).replace(microsecond=0)
    scores = compute_month(first)
    stamp = hlc_at(now)
    rows = [
        dict(id=make_id(), owner=HUB, rev=1, hlc=stamp, deleted=False, manager=s.manager_id,
             month=first, **s.stored_parts(), missing=s.missing_text(), total=s.total,
             rank=s.rank, computed_at=now)
        for s in scores
    ]
    kept = [s.manager_id for s in scores]
    with database.atomic():
        for chunk in pw.chunked(rows, 200):
            MonthlyScore.insert_many(chunk).on_conflict(
                conflict_target=[MonthlyScore.manager, MonthlyScore.month],
                preserve=[*(getattr(MonthlyScore, k) for k in PARTS), MonthlyScore.total,
                          MonthlyScore.rank, MonthlyScore.computed_at, MonthlyScore.hlc,
                          MonthlyScore.missing,
                          MonthlyScore.deleted],
                update={MonthlyScore.rev: MonthlyScore.rev + 1},
            ).execute()
        MonthlyScore.update(deleted=True, rev=MonthlyScore.rev + 1, hlc=stamp).where(
            (MonthlyScore.month == first) & MonthlyScore.manager.not_in(kept)
            & (MonthlyScore.deleted == False)
        ).execute()
    return scores
