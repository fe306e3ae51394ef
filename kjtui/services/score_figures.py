"""The month's figures behind each part of a manager's score, read from the records with one
grouped query a figure (kjtui.services.scoring turns them into parts, totals and ranks; the table
of parts and their rules is its docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import peewee as pw

from kjtui.models import (
    CustomerProposal,
    DayLog,
    ExamScore,
    MonthlyPlan,
    PlanDay,
    ProposalDecision,
    SalesActual,
    SalesTarget,
    SpotCheck,
    TrainingSession,
    Visit,
    WeeklyReview,
)
from kjtui.services import rules as rules_file
from kjtui.services import spotcheck
from kjtui.services.day import live_visits
from kjtui.services.kpis import SATISFIED
from kjtui.services.periods import add_months, month_end, month_start
from kjtui.services.rules import Rules

PARTS = rules_file.PARTS
MISSING_REASON = {
    "sales": "no_target", "success": "no_visit", "review": "no_review",
    "checkin": "no_working_day", "spot_check": "no_spot_check", "training": "no_training",
    "basic_work": "no_basic_check", "satisfaction": "no_rating",
}
BASIC_CHECKS = ("price_tags", "agreement_sales", "retail_format_ok", "brand_cultivation")


@dataclass(frozen=True)
class Figures:
    manager_id: str
    month: date
    target: int = 0
    actual: int = 0
    visits: int = 0
    ordered_visits: int = 0
    accepted_proposals: int = 0
    weeks_reviewed: int = 0
    weeks_returned: int = 0
    working_days: int = 0
    both_phoned_days: int = 0
    spot_confirmed: int = 0
    spot_discrepancy: int = 0
    ratings: tuple[float, ...] = field(default_factory=tuple)  # lecture ratings and exam scores
    checks_answered: int = 0  # basic-work checks answered at the month's visits
    checks_passed: int = 0
    rated_visits: int = 0
    satisfied_visits: int = 0

    def missing(self) -> dict[str, str]:
        """The parts this month holds no data for, with the reason (a catalog key suffix)."""
        empty = {
            "sales": self.target <= 0,
            "success": self.visits == 0,
            "review": self.weeks_reviewed == 0,
            "checkin": self.working_days == 0,
            "spot_check": self.spot_confirmed + self.spot_discrepancy == 0,
            "training": not self.ratings,
            "basic_work": self.checks_answered == 0,
            "satisfaction": self.rated_visits == 0,
        }
        return {p: MISSING_REASON[p] for p, none in empty.items() if none}

    def parts(self, rules: Rules | None = None) -> dict[str, float | None]:
        """Each part 0..100, None where it is missing (see `missing`)."""
        rules = rules or rules_file.default()
        missing = self.missing()

        def ratio(num, den):
            return 100.0 * num / den

        values = {
            "sales": lambda: min(100.0, ratio(self.actual, self.target)),
            "success": lambda: ratio(self.ordered_visits, self.visits),
            "maintenance": lambda: float(min(100, rules.per_proposal * self.accepted_proposals)),
            "review": lambda: ratio(self.weeks_reviewed - self.weeks_returned, self.weeks_reviewed),
            "checkin": lambda: ratio(self.both_phoned_days, self.working_days),
            "spot_check": lambda: ratio(self.spot_confirmed,
                                        self.spot_confirmed + self.spot_discrepancy),
            "training": lambda: sum(self.ratings) / len(self.ratings),
            "basic_work": lambda: ratio(self.checks_passed, self.checks_answered),
            "satisfaction": lambda: ratio(self.satisfied_visits, self.rated_visits),
        }
        return {p: None if p in missing else values[p]() for p in PARTS}



def figures_for(month: date, manager_ids: list[str]) -> dict[str, Figures]:
    """The month's figures of several managers with one grouped query per figure."""
    first, end = month_start(month), month_end(month)
    after = add_months(first, 1)
    ids = list(manager_ids)
    acc: dict[str, dict] = {m: {"ratings": []} for m in ids}

    def not_deleted(model):
        return model.deleted == False

    for row in SalesTarget.select(SalesTarget.manager, SalesTarget.quantity).where(
        (SalesTarget.month == first) & SalesTarget.manager.in_(ids) & not_deleted(SalesTarget)
    ).tuples():
        acc[row[0]]["target"] = row[1]
    for row in SalesActual.select(SalesActual.manager, SalesActual.quantity).where(
        (SalesActual.month == first) & SalesActual.manager.in_(ids) & not_deleted(SalesActual)
    ).tuples():
        acc[row[0]]["actual"] = row[1]

    def count(cond):
        return pw.fn.SUM(pw.Case(None, [(cond, 1)], 0))

    checks = [getattr(Visit, name) for name in BASIC_CHECKS]
    visits = (
        live_visits()
        .select(Visit.manager, pw.fn.COUNT(Visit.id), count(Visit.ordered == True),
                *(count(c.is_null(False)) for c in checks), *(count(c == True) for c in checks),
                count(Visit.satisfaction.is_null(False)), count(Visit.satisfaction >= SATISFIED))
        .where(Visit.manager.in_(ids) & (Visit.arrived_at >= first) & (Visit.arrived_at < after))
        .group_by(Visit.manager)
        .tuples()
    )
    n_checks = len(checks)
    for manager, n, n_ordered, *rest in visits:
        rest = [int(x or 0) for x in rest]
        acc[manager].update(
            visits=n, ordered_visits=int(n_ordered or 0),
            checks_answered=sum(rest[:n_checks]), checks_passed=sum(rest[n_checks:2 * n_checks]),
            rated_visits=rest[-2], satisfied_visits=rest[-1])

    accepted = (
        CustomerProposal.select(CustomerProposal.manager, pw.fn.COUNT(CustomerProposal.id))
        .join(ProposalDecision, on=(ProposalDecision.proposal == CustomerProposal.id))
        .where(
            CustomerProposal.manager.in_(ids)
            & (CustomerProposal.proposed_at >= first) & (CustomerProposal.proposed_at < after)
            & (ProposalDecision.accepted == True)
            & not_deleted(CustomerProposal) & not_deleted(ProposalDecision)
        )
        .group_by(CustomerProposal.manager)
        .tuples()
    )
    for manager, n in accepted:
        acc[manager]["accepted_proposals"] = n

    weeks: dict[str, dict[date, bool]] = {m: {} for m in ids}
    for manager, week, state in WeeklyReview.select(
        WeeklyReview.manager, WeeklyReview.week, WeeklyReview.state
    ).where(
        WeeklyReview.manager.in_(ids) & (WeeklyReview.week >= first)
        & (WeeklyReview.week <= end) & not_deleted(WeeklyReview)
    ).tuples():
        weeks[manager][week] = weeks[manager].get(week, False) or state == "returned"
    for m, seen in weeks.items():
        acc[m]["weeks_reviewed"] = len(seen)
        acc[m]["weeks_returned"] = sum(seen.values())

    days: dict[str, set] = {m: set() for m in ids}
    planned = (
        PlanDay.select(MonthlyPlan.manager, PlanDay.day)
        .join(MonthlyPlan)
        .where(
            MonthlyPlan.manager.in_(ids) & (PlanDay.day >= first) & (PlanDay.day <= end)
            & PlanDay.route.is_null(False) & not_deleted(PlanDay) & not_deleted(MonthlyPlan)
        )
        .tuples()
    )
    for manager, d in planned:
        days[manager].add(d)
    phoned: dict[str, int] = {m: 0 for m in ids}
    for manager, d, first_ok, last_ok in DayLog.select(
        DayLog.manager, DayLog.day, DayLog.first_phoned, DayLog.last_phoned
    ).where(
        DayLog.manager.in_(ids) & (DayLog.day >= first) & (DayLog.day <= end)
        & DayLog.route.is_null(False) & not_deleted(DayLog)
    ).tuples():
        days[manager].add(d)
        phoned[manager] += bool(first_ok and last_ok)
    for m in ids:
        acc[m]["working_days"] = len(days[m])
        acc[m]["both_phoned_days"] = phoned[m]

    for manager, result, n in SpotCheck.select(
        SpotCheck.manager, SpotCheck.result, pw.fn.COUNT(SpotCheck.id)
    ).where(
        SpotCheck.manager.in_(ids) & (SpotCheck.day >= first) & (SpotCheck.day <= end)
        & not_deleted(SpotCheck) & spotcheck.standing()  # a visit checked again: the latest
    ).group_by(SpotCheck.manager, SpotCheck.result).tuples():
        if result == "confirmed":
            acc[manager]["spot_confirmed"] = n
        elif result == "discrepancy":
            acc[manager]["spot_discrepancy"] = n

    for manager, rating in TrainingSession.select(
        TrainingSession.lecturer, TrainingSession.lecture_rating
    ).where(
        TrainingSession.lecturer.in_(ids) & TrainingSession.lecture_rating.is_null(False)
        & (TrainingSession.held_on >= first) & (TrainingSession.held_on <= end)
        & not_deleted(TrainingSession)
    ).order_by(TrainingSession.held_on, TrainingSession.id).tuples():
        acc[manager]["ratings"].append(rating)
    for manager, score in ExamScore.select(ExamScore.manager, ExamScore.score).join(
        TrainingSession
    ).where(
        ExamScore.manager.in_(ids) & (TrainingSession.held_on >= first)
        & (TrainingSession.held_on <= end) & not_deleted(ExamScore)
        & not_deleted(TrainingSession)
    ).order_by(TrainingSession.held_on, TrainingSession.id).tuples():
        acc[manager]["ratings"].append(score)

    out = {}
    for m in ids:
        values = acc[m]
        values["ratings"] = tuple(values["ratings"])
        out[m] = Figures(manager_id=m, month=first, **values)
    return out
