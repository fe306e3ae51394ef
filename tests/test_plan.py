"""月计划: plan against actual from PlanDay/RouteStop/Visit, assigning routes and copying a week,
refusals that change nothing, and the calendar screen at 80×24."""

from __future__ import annotations

from datetime import date

import pytest
from pilot_wait import on_screen, until

from kjtui import i18n
from kjtui.exception import Refused
from kjtui.models import JournalEntry, PlanDay
from kjtui.services import plan
from tests import county_small
from tests.county_small import MONDAY, TODAY


@pytest.fixture
def county(db):
    return county_small.build()


def test_plan_against_actual_per_day(county):
    view = plan.month_view(county.manager.id, TODAY, TODAY)
    assert len(view.days) == 31 and view.editable
    monday = view.day(MONDAY)
    # R01 has four customers; three were visited, one customer off the plan too
    assert (monday.route_name, monday.planned, monday.visited, monday.missed, monday.extra) == (
        "上梅一线", 4, 3, 1, 1)
    assert monday.missed_names == ["梅林食杂店"] and monday.extra_names == ["远山小卖部"]
    assert monday.ridden_route_name == "上梅一线"
    tuesday = view.day(date(2026, 5, 12))
    assert (tuesday.planned, tuesday.visited, tuesday.missed, tuesday.extra) == (3, 0, 3, 0)
    today = view.day(TODAY)
    assert today.started and today.editable and today.missed == 4  # nobody visited yet
    later = view.day(date(2026, 5, 20))
    assert (later.route_id, later.started, later.missed, later.editable) == (None, False, 0, True)
    assert not monday.editable  # a past day's plan stays as it was
    assert [r.code for r in view.routes] == ["R01", "R02"]  # not the other manager's route


def test_superseded_and_deleted_visits_do_not_count(county):
    from kjtui.models import Visit

    v = county.visits[0]
    Visit.update(deleted=True).where(Visit.id == v.id).execute()
    monday = plan.month_view(county.manager.id, TODAY, TODAY).day(MONDAY)
    assert (monday.visited, monday.missed) == (2, 2)


def test_assign_clear_and_reassign_are_journaled(county, db):
    from kjtui.models import Setting

    Setting.create(key="node_id", value="KJ07")
    m, r2 = county.manager.id, county.routes["R02"].id
    day = date(2026, 5, 20)
    before = JournalEntry.select().count()
    plan.assign(m, TODAY, day, r2, TODAY)
    assert plan.month_view(m, TODAY, TODAY).day(day).route_name == "炉观二线"
    plan.assign(m, TODAY, day, None, TODAY)
    assert plan.month_view(m, TODAY, TODAY).day(day).route_id is None
    plan.assign(m, TODAY, day, county.routes["R01"].id, TODAY)
    assert plan.month_view(m, TODAY, TODAY).day(day).route_name == "上梅一线"
    assert PlanDay.select().where(PlanDay.day == day).count() == 1  # one row, revised
    assert JournalEntry.select().count() == before + 3
    # next month: a new monthly plan
    plan.assign(m, date(2026, 6, 1), date(2026, 6, 2), r2, TODAY)
    assert plan.month_view(m, date(2026, 6, 1), TODAY).day(date(2026, 6, 2)).route_id == r2


@pytest.mark.parametrize("month, day, key", [
    (date(2019, 5, 1), date(2019, 5, 20), "plan.too_old"),
    (date(2026, 5, 1), date(2026, 6, 3), "plan.outside_month"),
    (date(2026, 4, 1), date(2026, 4, 20), "plan.month_closed"),
    (date(2026, 8, 1), date(2026, 8, 20), "plan.month_closed"),
    (date(2026, 5, 1), date(2026, 5, 12), "plan.day_past"),
])
def test_bad_plan_dates_change_nothing(county, month, day, key):
    rows = PlanDay.select().count()
    with pytest.raises(Refused) as err:
        plan.assign(county.manager.id, month, day, county.routes["R02"].id, TODAY)
    assert err.value.key == key and i18n.t(key, **err.value.params) != key
    assert PlanDay.select().count() == rows


def test_someone_elses_route_is_refused(county):
    with pytest.raises(Refused) as err:
        plan.assign(county.manager.id, TODAY, date(2026, 5, 20), county.routes["R09"].id, TODAY)
    assert err.value.key == "plan.not_your_route"


def test_copy_week_fills_the_rest_of_the_month_and_says_what_it_skipped(county):
    m = county.manager.id
    plan.assign(m, TODAY, date(2026, 5, 27), county.routes["R02"].id, TODAY)  # a Wednesday
    result = plan.copy_week(m, TODAY, MONDAY, TODAY)
    view = plan.month_view(m, TODAY, TODAY)
    # Mondays get R01, Tuesdays R02, Wednesdays R01 — 05-27 too, which had another route
    for day, name in ((18, "上梅一线"), (25, "上梅一线"), (19, "炉观二线"), (26, "炉观二线"),
                      (20, "上梅一线"), (27, "上梅一线")):
        assert view.day(date(2026, 5, day)).route_name == name, day
    assert view.day(date(2026, 5, 21)).route_id is None
    assert view.day(date(2026, 5, 4)).route_id is None  # passed: left as it was
    assert (result.filled, result.changed, result.unchanged) == (5, 1, 0)
    assert (result.passed, result.fixed, result.no_route) == (10, 0, 8)  # 1–10; Thu–Sun
    with pytest.raises(Refused) as err:
        plan.copy_week(m, TODAY, date(2026, 5, 4), TODAY)  # an empty week
    assert err.value.key == "plan.nothing_to_copy"


def test_copy_week_fills_days_before_the_week_too(county):
    """The week copied need not be the first open one (in December the last week was copied
    into nothing: 0 days)."""
    m, r1, r2 = county.manager.id, county.routes["R01"].id, county.routes["R02"].id
    plan.assign(m, TODAY, date(2026, 5, 25), r2, TODAY)  # the last week: Monday and Thursday
    plan.assign(m, TODAY, date(2026, 5, 28), r1, TODAY)
    result = plan.copy_week(m, TODAY, date(2026, 5, 25), TODAY)
    view = plan.month_view(m, TODAY, TODAY)
    assert view.day(date(2026, 5, 14)).route_id == r1  # this week's Thursday, before the week
    assert view.day(date(2026, 5, 18)).route_id == r2 and view.day(date(2026, 5, 21)).route_id == r1
    assert view.day(date(2026, 5, 11)).route_id == r1  # passed: kept as it was planned
    assert (result.filled, result.changed, result.passed) == (3, 0, 12)
    plan.submit(m, TODAY, TODAY, confirmed={"plan.unplanned"})
    result = plan.copy_week(m, TODAY, date(2026, 5, 25), TODAY)
    assert result.fixed == 1 and result.unchanged == 3  # today is fixed once submitted


def test_unplanned_days_and_customers_are_shown_before_submitting(county):
    m, r2 = county.manager.id, county.routes["R02"].id
    left = plan.unplanned(m, TODAY)
    assert len(left.days) == 28 and date(2026, 5, 14) in left.days  # 11, 12, 13 have a route
    # R01 and R02 are planned: only the customer on no route is left out (not KJ08's)
    assert left.customers == ["远山小卖部"]
    with pytest.raises(Refused) as err:
        plan.submit(m, TODAY, TODAY)
    assert err.value.key == "plan.unplanned" and err.value.confirmable
    text = i18n.t(err.value.key, **err.value.params)
    assert "28 天没有排线路" in text and "1 2 3 4 5 6 7 8 9 10 …" in text and "远山小卖部" in text
    assert plan.month_view(m, TODAY, TODAY).submitted_at is None  # nothing changed
    june = date(2026, 6, 1)
    plan.assign(m, june, date(2026, 6, 2), r2, TODAY)
    left = plan.unplanned(m, june)
    assert sorted(left.customers) == sorted(["[老街]便民店", "福满多超市", "红梅烟酒行",
                                             "梅林食杂店", "远山小卖部"])
    assert plan.submit(m, june, TODAY, confirmed={"plan.unplanned"}).submitted_at is not None


def test_submit_fixes_days_to_today_and_leaves_later_days_open(county):
    from kjtui.models import MonthlyPlan, Setting

    Setting.create(key="node_id", value="KJ07")  # a station: its writes are journaled
    m, r1, r2 = county.manager.id, county.routes["R01"].id, county.routes["R02"].id
    june = date(2026, 6, 1)
    with pytest.raises(Refused) as err:
        plan.submit(m, june, TODAY)  # nothing planned in June yet
    assert err.value.key == "plan.nothing_to_submit"
    with pytest.raises(Refused) as err:
        plan.submit(m, date(2026, 4, 1), TODAY)
    assert err.value.key == "plan.month_closed"
    assert plan.month_view(m, TODAY, TODAY).submitted_at is None
    before = JournalEntry.select().count()
    view = plan.submit(m, TODAY, TODAY, confirmed={"plan.unplanned"})
    assert view.submitted_at is not None and JournalEntry.select().count() == before + 1
    assert MonthlyPlan.get(MonthlyPlan.month == TODAY.replace(day=1)).submitted_at is not None
    assert not view.day(TODAY).editable and view.day(date(2026, 5, 14)).editable
    rows = [(p.id, p.rev, p.route_id) for p in PlanDay.select()]
    with pytest.raises(Refused) as err:
        plan.assign(m, TODAY, TODAY, r2, TODAY)  # the day has begun as submitted
    assert err.value.key == "plan.submitted_day"
    assert i18n.t("plan.submitted_day", **err.value.params) != "plan.submitted_day"
    assert [(p.id, p.rev, p.route_id) for p in PlanDay.select()] == rows
    plan.assign(m, TODAY, date(2026, 5, 14), r1, TODAY)  # later days may still change
    assert plan.month_view(m, TODAY, TODAY).day(date(2026, 5, 14)).route_id == r1
    with pytest.raises(Refused) as err:
        plan.submit(m, TODAY, TODAY, confirmed={"plan.unplanned"})
    assert err.value.key == "plan.already_submitted"


# --- the screen ------------------------------------------------------------------------------


def said(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def plan_up(app, pilot):
    await pilot.press("f4")
    screen = await on_screen(pilot, "PlanScreen")
    await until(pilot, lambda: screen.view is not None, "the month")
    return screen


async def test_calendar_assigns_a_route_by_keys(app_for, db, monkeypatch):
    county = county_small.build()
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await plan_up(app, pilot)
        assert "2026-05 月计划" in said(screen, "#plan-title")
        table = screen.query_one("#calendar")
        assert table.row_count == 5 and len(table.columns) == 7
        assert screen.cursor_day == TODAY

        def cell():
            return str(table.get_cell_at(table.cursor_coordinate))

        assert cell().startswith("13上梅一线") and "✗4" in cell()
        day = said(screen, "#plan-day")
        assert "计划 上梅一线（4 户）" in day and "未访 4" in day
        # a week later: pick the second route from the list
        await pilot.press("down", "enter")
        await on_screen(pilot, "RoutePicker")
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.screen is screen and "20炉观二线" in cell(), "assigned")
        assert PlanDay.get(PlanDay.day == date(2026, 5, 20)).route.code == "R02"
        # x takes it out again; a past day is refused with a sentence, nothing changed
        await pilot.press("x")
        await until(pilot, lambda: "炉观二线" not in cell(), "taken out")
        assert PlanDay.get(PlanDay.day == date(2026, 5, 20)).deleted
        await pilot.press("up", "up", "x")
        await until(pilot, lambda: "2026-05-06 已经过去" in said(screen, "#plan-msg"), "refused")
        # back on today's week: c repeats it on the rest of the month (18–20, 25–27)
        await pilot.press("down", "c")
        await until(pilot, lambda: said(screen, "#plan-msg") == (
            i18n.t("plan.copied", filled=6, changed=0, unchanged=0)
            + i18n.t("plan.copy_skipped", n=18,
                     why="已过去 10 天" + i18n.t("scr.list_sep") + "本周该星期几未排 8 天")),
            "copied")
        # next month, previous month and back; the footer and palette know the keys
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: "2026-06" in said(screen, "#plan-title"), "June")
        await pilot.press("t")
        await until(pilot, lambda: "2026-05" in said(screen, "#plan-title"), "May again")
        titles = [c.title for c in app.get_system_commands(screen)]
        assert any(t.startswith(i18n.t("plan.key.copy")) for t in titles)
        assert any(t.startswith(i18n.t("plan.key.submit")) for t in titles)
        # s submits the month: the screen says which days are fixed and which may change
        assert i18n.t("plan.draft") in said(screen, "#plan-title")
        await pilot.press("s")  # days without a route are left: asked first
        await on_screen(pilot, "ConfirmDialog")
        await pilot.press("y")
        await until(pilot, lambda: said(screen, "#plan-msg") == i18n.t(
            "plan.submit_done", month="2026-05"), "submitted")
        await until(pilot, lambda: "已提交" in said(screen, "#plan-title"), "read again")
        assert "以后的日子仍可调整" in said(screen, "#plan-title")
        assert screen.cursor_day == TODAY
        await pilot.press("x")  # today is fixed now
        await until(pilot, lambda: "不能再改" in said(screen, "#plan-msg"), "refused")
        assert not PlanDay.get(PlanDay.day == TODAY).deleted
    assert county.manager.code == "KJ07"


async def test_calendar_in_english_with_mouse(app_for, db, monkeypatch):
    county_small.build()
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await plan_up(app, pilot)
        assert "Plan for 2026-05" in said(screen, "#plan-title")
        table = screen.query_one("#calendar")
        # click Thursday 05-21 (row 3, column 3): the cursor goes there (and the picker opens)
        await pilot.click("#calendar", offset=(3 * 11 + 2, 1 + 3 * 2))
        await until(pilot, lambda: screen.cursor_day == date(2026, 5, 21)
                    and "2026-05-21 Th: planned —" in said(screen, "#plan-day"), "05-21")
        assert "Planned" not in str(table.get_cell_at(table.cursor_coordinate))


async def test_submit_shows_what_stays_unplanned_first(app_for, db, monkeypatch):
    county_small.build()
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        screen = await on_screen(pilot, "PlanScreen")
        await until(pilot, lambda: screen.view is not None, "the month")
        await pilot.press("s")
        question = await on_screen(pilot, "ConfirmDialog")
        text = str(question.query_one("#confirm-question").render())
        assert "28 天没有排线路" in text and "1 户客户" in text and "远山小卖部" in text
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen and str(
            screen.query_one("#plan-msg").render()) == i18n.t("confirm.declined"), "declined")
        assert screen.view.submitted_at is None
        assert i18n.t("plan.draft") in str(screen.query_one("#plan-title").render())
