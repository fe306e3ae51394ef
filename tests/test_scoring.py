"""Monthly scores and bottom elimination on small hand-built data: each rule's edge fails if the
rule breaks (exactly two consecutive months, a gap, the third time inside vs outside 12 months)."""

from dataclasses import replace
from datetime import date, datetime

import pytest

from kjtui.models import (
    DayLog,
    ExamScore,
    Manager,
    ManagerStatusChange,
    MonthlyPlan,
    MonthlyScore,
    PlanDay,
    Route,
    SalesActual,
    SalesTarget,
    SpotCheck,
    Supervisor,
    Township,
    TrainingSession,
    Visit,
    WeeklyReview,
)
from kjtui.services import elimination, periods, rules, scoring

M = date(2026, 6, 1)  # the month the rule is applied to


def months_back(n):
    return periods.add_months(M, -n)


@pytest.fixture
def team(db):
    """Six managers A..F; A and F are contract staff, the rest regular."""
    people = {}
    for code in "ABCDEF":
        people[code] = Manager.create(
            code=code, name=f"经理{code}", gender="M", birth_date=date(1998, 1, 1),
            education="college", employment="contract" if code in "AF" else "regular",
            hired_on=date(2020, 1, 1),
        )
    return people


def ranks(team, month, order):
    """Write the month's scores with `order` (codes, best first) as the ranking."""
    for i, code in enumerate(order):
        MonthlyScore.create(manager=team[code], month=month, sales=0, success=0, maintenance=0,
                            review=0, checkin=0, spot_check=0, training=0, total=100 - i,
                            rank=i + 1, computed_at=datetime(2026, 7, 8))


def candidates(month=M):
    return {c.code: c for c in elimination.elimination_candidates(month)}


# In each order the last two are the bottom two and the last three the bottom three.


def test_exactly_two_consecutive_months_in_the_bottom_two(team):
    ranks(team, months_back(1), "BCDEAF")  # A fifth: bottom two
    ranks(team, M, "BCDEFA")  # A sixth: bottom two again
    found = candidates()
    assert found["A"].rule == "consecutive_bottom_two"
    assert found["A"].months == (months_back(1), M)
    assert found["A"].new_status == "dismissed"  # contract staff
    assert found["F"].rule == "consecutive_bottom_two"


def test_bottom_two_with_a_month_between_is_not_consecutive(team):
    ranks(team, months_back(2), "BCDEFA")
    ranks(team, months_back(1), "BCDAEF")  # A fourth: bottom three but not bottom two
    ranks(team, M, "BCDEFA")
    found = candidates()
    # A: bottom two in M-2 and M only; three times bottom three though (M-2, M-1, M)
    assert found["A"].rule == "thrice_bottom_three"
    MonthlyScore.delete().execute()
    for n, order in zip((2, 1, 0), ("BCDEFA", "ABCDEF", "BCDEFA")):  # M-1: A first
        ranks(team, months_back(n), order)
    assert "A" not in candidates()


def test_consecutive_bottom_two_needs_this_month_in_it(team):
    ranks(team, months_back(2), "BCDEFA")
    ranks(team, months_back(1), "BCDEFA")
    ranks(team, M, "ABCDEF")
    assert "A" not in candidates()


def test_third_bottom_three_within_twelve_months(team):
    ranks(team, months_back(11), "BCDAEF")  # the window's first month
    ranks(team, months_back(5), "BCDAEF")
    ranks(team, M, "BCDAEF")
    found = candidates()
    assert found["A"].rule == "thrice_bottom_three"
    assert found["A"].months == (months_back(11), months_back(5), M)


def test_third_bottom_three_thirteen_months_back_does_not_count(team):
    ranks(team, months_back(12), "BCDAEF")  # just outside the twelve months
    ranks(team, months_back(5), "BCDAEF")
    ranks(team, M, "BCDAEF")
    assert "A" not in candidates()


def test_regular_staff_go_to_standby_and_eliminations_are_written_once(team):
    ranks(team, months_back(1), "ABCDEF")
    ranks(team, M, "ABCDFE")  # E and F bottom two twice
    sup = Supervisor.create(code="S1", name="主任", title="director")
    applied = elimination.apply_eliminations(M, effective_on=date(2026, 7, 9), decided_by=sup.id)
    assert [(c.code, c.new_status) for c in applied] == [("E", "standby"), ("F", "dismissed")]
    assert Manager.get_by_id(team["E"].id).status == "standby"
    change = ManagerStatusChange.get(ManagerStatusChange.manager == team["E"])
    assert change.effective_on == date(2026, 7, 9) and "倒数两名" in change.reason
    assert elimination.apply_eliminations(M, effective_on=date(2026, 7, 9)) == []
    assert ManagerStatusChange.select().count() == 2
    # From then on E and F are not ranked; before the change they still were.
    assert team["E"].id not in scoring.ranked_managers(date(2026, 7, 1))
    assert team["E"].id in scoring.ranked_managers(M)


def _month_of_work(m, *, target, actual, visits, ordered, both_phoned, days, spot, rating, exam,
                   returned=False, reviewed=True, checks=(None,) * 4, ratings=()):
    """`checks`: the four basic-work checks of every visit; `ratings`: the first visits' ratings."""
    t = Township.get_or_create(code="T1", name="上梅镇")[0]
    route = Route.create(code=f"R{m.code}", name="线", manager=m, township=t)
    if target is not None:
        SalesTarget.create(manager=m, month=M, quantity=target)
    SalesActual.create(manager=m, month=M, quantity=actual)
    plan = MonthlyPlan.create(manager=m, month=M, owner=m.code)
    from kjtui.models import Customer

    c = Customer.create(licence_no=f"43132200000{m.code}", shop_name="店", owner_name="王",
                        township=t, area="urban", retail_format="grocery")
    for d in range(1, days + 1):
        day = date(2026, 6, d)
        PlanDay.create(plan=plan, day=day, route=route, owner=m.code)
        log = DayLog.create(manager=m, day=day, route=route, first_phoned=d <= both_phoned,
                            last_phoned=d <= both_phoned, owner=m.code)
        if d == 1:
            for i in range(visits):
                Visit.create(day=log, manager=m, customer=c, owner=m.code,
                             arrived_at=datetime(2026, 6, 1, 9, i), ordered=i < ordered,
                             **dict(zip(scoring.BASIC_CHECKS, checks)),
                             satisfaction=ratings[i] if i < len(ratings) else None)
    sup = Supervisor.get_or_create(code="S1", name="主任", title="director")[0]
    for result in spot:
        SpotCheck.create(manager=m, day=date(2026, 6, 2), method="phone", result=result,
                         supervisor=sup, at=datetime(2026, 6, 3))
    if reviewed:
        WeeklyReview.create(manager=m, week=date(2026, 6, 1), supervisor=sup,
                            state="returned" if returned else "reviewed", at=datetime(2026, 6, 8))
        WeeklyReview.create(manager=m, week=date(2026, 6, 8), supervisor=sup, state="reviewed",
                            at=datetime(2026, 6, 15))
    if rating is not None:
        TrainingSession.create(held_on=date(2026, 6, 1), kind="weekly_meeting", topic="心得",
                               lecturer=m, lecture_rating=rating)
    if exam is not None:
        session = TrainingSession.get_or_create(held_on=date(2026, 6, 26), kind="exam",
                                                topic="考试")[0]
        ExamScore.create(session=session, manager=m, score=exam)


def test_month_figures_parts_and_ranks(team):
    a, b = team["A"], team["B"]
    for code in "CDEF":  # not working this month: out of the ranking
        Manager.update(status="standby").where(Manager.code == code).execute()
    _month_of_work(a, target=100, actual=120, visits=10, ordered=7, both_phoned=3, days=4,
                   spot=("confirmed", "discrepancy", "unreachable"), rating=90, exam=70,
                   checks=(True, True, True, False), ratings=(5, 4, 3, 2))
    _month_of_work(b, target=200, actual=100, visits=4, ordered=1, both_phoned=0, days=2,
                   spot=(), rating=None, exam=60, returned=True)
    fa = scoring.month_figures(a.id, M)
    assert (fa.target, fa.actual, fa.visits, fa.ordered_visits) == (100, 120, 10, 7)
    assert (fa.working_days, fa.both_phoned_days) == (4, 3)
    pa = fa.parts()
    assert pa == {"sales": 100.0, "success": 70.0, "maintenance": 0.0, "review": 100.0,
                  "checkin": 75.0, "spot_check": 50.0, "training": 80.0,
                  "basic_work": 75.0, "satisfaction": 50.0}
    # the checks answered (none left blank) and the visits rated: 4 or 5 is satisfied
    assert (fa.checks_answered, fa.checks_passed, fa.rated_visits, fa.satisfied_visits) == (
        40, 30, 4, 2)
    pb = scoring.month_figures(b.id, M).parts()
    assert pb["sales"] == 50.0 and pb["success"] == 25.0 and pb["review"] == 50.0
    # no spot check answered: missing with its reason, neither 0 nor 100
    assert pb["checkin"] == 0.0 and pb["spot_check"] is None and pb["training"] == 60.0
    assert scoring.month_figures(b.id, M).missing() == {
        "spot_check": "no_spot_check", "basic_work": "no_basic_check", "satisfaction": "no_rating"}
    assert scoring.total(pa) == pytest.approx(
        (25 * 100 + 15 * 70 + 10 * 0 + 10 * 100 + 10 * 75 + 10 * 50 + 10 * 80 + 5 * 75 + 5 * 50)
        / 100)

    scores = scoring.score_month(M, now=datetime(2026, 7, 8, 9))
    assert [(s.code, s.rank) for s in scores] == [("A", 1), ("B", 2)]
    row = MonthlyScore.get(MonthlyScore.manager == a)
    assert row.owner == "hub" and row.rev == 1 and row.total == scoring.total(pa)
    # Re-running updates the same rows in place.
    scoring.score_month(M, now=datetime(2026, 7, 9, 9))
    again = MonthlyScore.get(MonthlyScore.manager == a)
    assert again.id == row.id and again.rev == 2 and MonthlyScore.select().count() == 2


def test_a_month_with_missing_data_says_so_and_the_total_leaves_it_out(team):
    a = team["A"]
    for code in "BCDEF":
        Manager.update(status="standby").where(Manager.code == code).execute()
    # visits and check-ins but no target and no review yet
    _month_of_work(a, target=None, actual=50, visits=4, ordered=2, both_phoned=2, days=2,
                   spot=(), rating=None, exam=None, reviewed=False)
    f = scoring.month_figures(a.id, M)
    assert f.missing() == {"sales": "no_target", "review": "no_review",
                           "spot_check": "no_spot_check", "training": "no_training",
                           "basic_work": "no_basic_check", "satisfaction": "no_rating"}
    parts = f.parts()
    assert parts["sales"] is None and parts["review"] is None
    # the weighted mean of the parts present: success 50 (15), maintenance 0 (10), checkin 100 (10)
    assert scoring.total(parts) == round((15 * 50 + 10 * 0 + 10 * 100) / 35, 2)
    zero = replace(rules.default(), missing="zero")
    assert scoring.total(parts, zero) == round((15 * 50 + 10 * 100) / 100, 2)
    (s,) = scoring.score_month(M, now=datetime(2026, 7, 8, 9))
    row = MonthlyScore.get(MonthlyScore.manager == a)
    assert row.sales == 0.0 and row.missing == (
        "sales:no_target,review:no_review,spot_check:no_spot_check,training:no_training,"
        "basic_work:no_basic_check,satisfaction:no_rating")


def test_ties_are_broken_by_the_parts_in_the_rules_order_then_by_code(team):
    for code in "DEF":
        Manager.update(status="standby").where(Manager.code == code).execute()
    # A and B: the same total, B better in sales (the first tie-break part); C equal to B in all
    same = dict(visits=4, both_phoned=2, days=2, spot=(), rating=None, exam=None)
    _month_of_work(team["A"], target=100, actual=60, ordered=4, **same)  # sales 60, success 100
    _month_of_work(team["B"], target=100, actual=90, ordered=2, **same)  # sales 90, success 50
    _month_of_work(team["C"], target=100, actual=90, ordered=2, **same)
    scores = scoring.compute_month(M)
    totals = {s.code: s.total for s in scores}
    assert totals["A"] == totals["B"] == totals["C"]
    assert [(s.code, s.rank) for s in scores] == [("B", 1), ("C", 2), ("A", 3)]


def test_a_mid_month_joiner_and_a_manager_on_leave_are_scored_not_ranked(team):
    Manager.update(hired_on=date(2026, 6, 10)).where(Manager.code == "A").execute()
    ManagerStatusChange.create(manager=team["B"], status="standby", effective_on=date(2026, 6, 20))
    Manager.update(status="standby").where(Manager.code == "B").execute()
    ManagerStatusChange.create(manager=team["F"], status="standby", effective_on=date(2026, 1, 5))
    Manager.update(status="standby").where(Manager.code == "F").execute()
    scores = scoring.compute_month(M, with_unranked=True)
    ranked = [s.code for s in scores if s.rank]
    assert ranked == ["C", "D", "E"]
    unranked = {s.code: s.unranked for s in scores if not s.rank}
    # F has been on standby since January: not in the month at all
    assert unranked == {"A": "joined_mid_month", "B": "not_active_at_end"}
    assert [s.code for s in scoring.compute_month(M)] == ["C", "D", "E"]
    # the month after, A is ranked
    assert "A" in [s.code for s in scoring.compute_month(periods.add_months(M, 1))]


def warned(month=M):
    return {w.code: w for w in elimination.warnings(month)}


def test_a_warning_is_issued_exactly_one_month_before_the_rule_triggers(team):
    ranks(team, months_back(2), "BCDEFA")  # A bottom three (1st), and bottom two
    assert warned(months_back(2))["A"].rule == "consecutive_bottom_two"
    ranks(team, months_back(1), "BCDAEF")  # A fourth: bottom three (2nd), out of the bottom two
    w = warned(months_back(1))
    assert w["A"].rule == "thrice_bottom_three"
    assert w["A"].months == (months_back(2), months_back(1))
    assert "A" not in candidates(months_back(1))
    ranks(team, M, "BCDAEF")  # A fourth: bottom three the third time: triggered, no warning now
    assert candidates()["A"].rule == "thrice_bottom_three"
    assert "A" not in warned()


def test_the_twelve_month_window_slides_for_the_warning(team):
    ranks(team, months_back(12), "BCDAEF")  # A fourth: falls out of the window of M
    ranks(team, months_back(6), "BCDAEF")
    for back in range(1, 6):
        ranks(team, months_back(back), "ABCDEF")
    # after M-1: in the window of M (M-11 … M) A has one bottom-three month only: no warning
    assert "A" not in warned(months_back(1))
    # while after M-6 the M-12 month still counted (two in M-16 … M-6): warned then
    w = warned(months_back(6))["A"]
    assert (w.rule, w.months) == ("thrice_bottom_three", (months_back(12), months_back(6)))


def test_the_decision_on_an_eliminated_manager_changes_status_with_history(team):
    from kjtui.exception import Refused
    from kjtui.services import staff

    Supervisor.create(code="S1", name="主任", title="director")
    ranks(team, months_back(1), "BCDEAF")
    ranks(team, M, "BCDEFA")  # A and F: two months running in the bottom two (contract staff)
    with pytest.raises(Refused) as err:
        elimination.decide(M, "B", "standby", decided_by="S1", on=date(2026, 7, 3))
    assert err.value.key == "month.not_a_candidate"
    with pytest.raises(Refused) as err:
        elimination.decide(M, "A", "standby", decided_by="S1", on=date(2026, 7, 3))
    assert err.value.key == "month.decision_not_allowed"
    change = elimination.decide(M, "A", "dismissed", decided_by="S1", on=date(2026, 7, 3))
    assert change.status == "dismissed" and "末位淘汰" in change.reason
    assert [h.status for h in staff.history("A")] == ["dismissed"]
    # the dismissed manager leaves the next month's ranking
    assert team["A"].id not in scoring.ranked_managers(periods.add_months(M, 1))
