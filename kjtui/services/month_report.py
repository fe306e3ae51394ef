"""The month's report 月度考核表: the ranking with every part of every score, each part with the
records behind it (which visits, spot checks, reviews, days, training, which target and sales),
the close's state, the elimination warnings and candidates, the recognition. The scores are
computed by kjtui.services.scoring from the records as they are now; when the month is closed,
each row also says what the close wrote (`closed_total`, `closed_rank`), so a late record that
has not been closed yet shows."""

from __future__ import annotations

from datetime import date

from kjtui.models import (
    CustomerProposal,
    DayLog,
    ExamScore,
    Manager,
    MonthlyScore,
    ProposalDecision,
    SalesActual,
    SalesTarget,
    SpotCheck,
    TrainingSession,
    Visit,
    WeeklyReview,
)
from kjtui.services import elimination, kpis, month_close, recognition, scoring, spotcheck
from kjtui.services.day import live_visits
from kjtui.services.kpis import SATISFIED
from kjtui.services.periods import add_months, month_end, month_start
from kjtui.services.rules import Rules


def _by_manager(rows) -> dict[str, list]:
    out: dict[str, list] = {}
    for manager, *rest in rows:
        out.setdefault(manager, []).append(rest[0] if len(rest) == 1 else rest)
    return out


def evidence(month: date, ids: list[str]) -> dict[str, dict[str, dict]]:
    """{manager id: {part: {kind: [record ids or figures]}}}: the records each part counts."""
    first, end = month_start(month), month_end(month)
    after = add_months(first, 1)
    live = lambda model: model.deleted == False  # noqa: E731
    targets = _by_manager(SalesTarget.select(SalesTarget.manager, SalesTarget.id,
                                             SalesTarget.quantity)
                          .where((SalesTarget.month == first) & SalesTarget.manager.in_(ids)
                                 & live(SalesTarget)).tuples())
    sales = _by_manager(SalesActual.select(SalesActual.manager, SalesActual.id,
                                           SalesActual.quantity)
                        .where((SalesActual.month == first) & SalesActual.manager.in_(ids)
                               & live(SalesActual)).tuples())
    checks = [getattr(Visit, name) for name in scoring.BASIC_CHECKS]
    visits = _by_manager(live_visits().select(Visit.manager, Visit.id, Visit.ordered,
                                              Visit.satisfaction, *checks)
                         .where(Visit.manager.in_(ids) & (Visit.arrived_at >= first)
                                & (Visit.arrived_at < after)).order_by(Visit.arrived_at).tuples())
    proposals = _by_manager(
        CustomerProposal.select(CustomerProposal.manager, CustomerProposal.id)
        .join(ProposalDecision, on=(ProposalDecision.proposal == CustomerProposal.id))
        .where(CustomerProposal.manager.in_(ids) & (CustomerProposal.proposed_at >= first)
               & (CustomerProposal.proposed_at < after) & (ProposalDecision.accepted == True)
               & live(CustomerProposal) & live(ProposalDecision)).tuples())
    reviews = _by_manager(WeeklyReview.select(WeeklyReview.manager, WeeklyReview.id,
                                              WeeklyReview.week, WeeklyReview.state)
                          .where(WeeklyReview.manager.in_(ids) & (WeeklyReview.week >= first)
                                 & (WeeklyReview.week <= end) & live(WeeklyReview)).tuples())
    days = _by_manager(DayLog.select(DayLog.manager, DayLog.id, DayLog.day, DayLog.first_phoned,
                                     DayLog.last_phoned)
                       .where(DayLog.manager.in_(ids) & (DayLog.day >= first)
                              & (DayLog.day <= end) & DayLog.route.is_null(False)
                              & live(DayLog)).order_by(DayLog.day).tuples())
    spots = _by_manager(SpotCheck.select(SpotCheck.manager, SpotCheck.id, SpotCheck.result)
                        .where(SpotCheck.manager.in_(ids) & (SpotCheck.day >= first)
                               & (SpotCheck.day <= end) & live(SpotCheck)
                               & spotcheck.standing()).tuples())
    lectures = _by_manager(TrainingSession.select(TrainingSession.lecturer, TrainingSession.id,
                                                  TrainingSession.lecture_rating)
                           .where(TrainingSession.lecturer.in_(ids)
                                  & TrainingSession.lecture_rating.is_null(False)
                                  & (TrainingSession.held_on >= first)
                                  & (TrainingSession.held_on <= end)
                                  & live(TrainingSession)).tuples())
    exams = _by_manager(ExamScore.select(ExamScore.manager, ExamScore.id, ExamScore.score)
                        .join(TrainingSession)
                        .where(ExamScore.manager.in_(ids) & (TrainingSession.held_on >= first)
                               & (TrainingSession.held_on <= end) & live(ExamScore)
                               & live(TrainingSession)).tuples())
    out = {}
    for m in ids:
        v = visits.get(m, [])
        out[m] = {
            "sales": {"targets": [{"id": i, "quantity": q} for i, q in targets.get(m, [])],
                      "actuals": [{"id": i, "quantity": q} for i, q in sales.get(m, [])]},
            "success": {"visits": [i for i, *_ in v], "ordered": [i for i, o, *_ in v if o]},
            "basic_work": {"visits": [
                {"id": i, **{n: c for n, c in zip(scoring.BASIC_CHECKS, cs) if c is not None}}
                for i, _, _, *cs in v if any(c is not None for c in cs)]},
            "satisfaction": {"visits": [{"id": i, "rating": r} for i, _, r, *_ in v
                                        if r is not None],
                             "satisfied_from": SATISFIED},
            "maintenance": {"accepted_proposals": proposals.get(m, [])},
            "review": {"weeks": [{"id": i, "week": w.isoformat(), "state": s}
                                 for i, w, s in reviews.get(m, [])]},
            "checkin": {"day_logs": [{"id": i, "day": d.isoformat(),
                                      "both_phoned": bool(a and b)}
                                     for i, d, a, b in days.get(m, [])],
                        "note": "working days also count days planned with a route"},
            "spot_check": {"checks": [{"id": i, "result": r} for i, r in spots.get(m, [])]},
            "training": {"lectures": [{"id": i, "rating": r} for i, r in lectures.get(m, [])],
                         "exams": [{"id": i, "score": s} for i, s in exams.get(m, [])]},
        }
    return out


def report(month: date, rules: Rules | None = None) -> dict:
    first = month_start(month)
    scores = scoring.compute_month(first, rules, with_unranked=True)
    ids = [s.manager_id for s in scores]
    people = {m.id: m for m in Manager.select().where(Manager.id.in_(ids))} if ids else {}
    stored = {r.manager_id: r for r in MonthlyScore.select().where(
        (MonthlyScore.month == first) & (MonthlyScore.deleted == False))}
    behind = evidence(first, ids)
    close = month_close.current_close(first)
    rows = []
    for s in scores:
        row = stored.get(s.manager_id)
        rows.append({
            "rank": s.rank or None, "code": s.code, "name": people[s.manager_id].name,
            "total": s.total, "unranked": s.unranked or None,
            "closed_total": row.total if row else None, "closed_rank": row.rank if row else None,
            "parts": {p: {"score": s.parts[p], "missing": s.missing.get(p),
                          "records": behind[s.manager_id][p]} for p in scoring.PARTS},
        })
    return {
        "month": first.strftime("%Y-%m"),
        "close": None if close is None else {
            "run": close.run, "state": close.state, "closed_at": close.closed_at.isoformat(),
            "rules": close.rules, "reason": close.reason or None},
        "rules": (rules or scoring.rules_file.default()).digest,
        "ranking": rows,
        "warnings": [{"code": w.code, "name": w.name, "rule": w.rule,
                      "months": [m.strftime("%Y-%m") for m in w.months]}
                     for w in elimination.warnings(first, rules)],
        "eliminated": [{"code": c.code, "name": c.name, "rule": c.rule,
                        "months": [m.strftime("%Y-%m") for m in c.months],
                        "new_status": c.new_status}
                       for c in elimination.elimination_candidates(first, rules)],
        "kpis": kpis.month_kpis(first).as_dict(),
        "recognition": [{"kind": r.kind, "period": r.period, "code": r.code, "name": r.name,
                         "note": r.note} for r in recognition.choose(first)],
    }
