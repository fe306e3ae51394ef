"""工作本: the week as the supervisor sees it, computed once in services.week; a returned week
names the exact records to correct; the screen draws it with a bar chart at 80×24."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from kjtui.models import WeeklyReview
from kjtui.services import week
from tests import county_small
from tests.county_small import MONDAY, TODAY
from tests.pilot_wait import on_screen, until


@pytest.fixture
def county(db):
    return county_small.build()


def test_week_figures(county):
    v = week.week_notebook(county.manager.id, TODAY, TODAY)
    assert v.monday == MONDAY and v.sunday == date(2026, 5, 17) and len(v.days) == 7
    mon, tue = v.days[0], v.days[1]
    assert (mon.plan.route_name, mon.plan.ridden_route_name) == ("上梅一线", "上梅一线")
    assert (mon.plan.visited, mon.plan.missed, mon.plan.extra) == (3, 1, 1)
    assert (mon.figures.households, mon.figures.visits, mon.figures.orders) == (4, 4, 2)
    assert (mon.acknowledged, mon.declined, mon.unacknowledged) == (2, 1, 1)
    assert (mon.figures.mileage, mon.odometer_start, mon.odometer_end) == (42, 1000, 1042)
    assert mon.figures.first_phoned and not mon.figures.last_phoned
    assert (tue.plan.route_name, tue.plan.missed, tue.figures.mileage) == ("炉观二线", 3, 18)
    assert v.mileage == 60 and v.total("households") == 4 and v.total("quantity") == 10
    assert sorted(i.category for i in v.info) == ["brand_demand", "illegal"]
    assert week.monday_of(date(2026, 5, 17)) == MONDAY
    # 远山小卖部 (大新乡, a township none of KJ07's routes nor the post is in): flagged
    assert [(x.shop_name, x.flags) for x in v.flagged] == [("远山小卖部", ("other_township",))]


def test_returned_week_names_the_records_to_correct(county):
    v = week.week_notebook(county.manager.id, MONDAY, TODAY)
    r = v.review
    assert (r.state, r.supervisor, r.comment) == ("returned", "谭主任", "请更正两处")
    flags = {f.reason: f for f in r.flags}
    visit = flags["到店时间与抽检不符"]
    assert (visit.kind, visit.found, visit.day, visit.customer) == (
        "visit", True, MONDAY, "红梅烟酒行 (431322100003)")
    assert visit.at == datetime(2026, 5, 11, 11, 5)
    log = flags["里程偏大"]
    assert (log.kind, log.day, log.detail) == ("day_log", MONDAY, "1000–1042 km")
    gone = flags["缺签认"]
    assert not gone.found and gone.record_id == "f" * 32


def test_a_later_review_supersedes_the_returned_one(county):
    WeeklyReview.create(manager=county.manager, week=MONDAY, supervisor=county.supervisor,
                        state="reviewed", comment="已更正", at=datetime(2026, 5, 14, 9, 0),
                        supersedes=county.review)
    v = week.week_notebook(county.manager.id, MONDAY, TODAY)
    assert (v.review.state, v.review.comment, v.review.flags) == ("reviewed", "已更正", [])
    assert [r.state for r in v.earlier] == ["returned"]


def test_flag_kinds_resolve_by_table_or_model_name(county):
    ack = county.visits[0].acknowledgements.get()
    f = week.resolve_flag("Acknowledgement", ack.id, "签认不清")
    assert (f.kind, f.found, f.customer, f.detail) == (
        "acknowledgement", True, "[老街]便民店 (431322100001)", "pin")
    f = week.resolve_flag("info_item", county.info[0].id, "写清楚")
    assert (f.day, f.customer) == (MONDAY, "[老街]便民店")
    f = week.resolve_flag("spaceship", "x", "?")
    assert not f.found


def test_an_empty_week(county):
    v = week.week_notebook(county.manager.id, MONDAY - timedelta(days=7), TODAY)
    assert v.review is None and v.info == [] and v.mileage == 0
    assert all(d.plan.route_id is None and d.figures.visits == 0 for d in v.days)


# --- the screen ------------------------------------------------------------------------------


def said(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def week_up(app, pilot):
    await pilot.press("f7")
    screen = await on_screen(pilot, "WeekScreen")
    await until(pilot, lambda: screen.view is not None, "the week")
    return screen


async def test_week_screen_shows_the_notebook_and_what_to_correct(app_for, db, monkeypatch):
    county = county_small.build()
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        s = await week_up(app, pilot)
        assert "2026-05-11 至 2026-05-17" in said(s, "#week-title")
        table = s.query_one("#week-days")
        assert table.row_count == 7
        row = [str(c) for c in table.get_row_at(0)]
        assert row[:7] == ["05-11 一", "上梅一线", "同计划", "4", "3/1/1", "2/4 ✗1", "42"]
        assert row[7] == "09:05☎-12:05"
        chart = said(s, "#week-chart")
        assert "户数" in chart and "█" in chart and "42 18" in chart
        totals = said(s, "#week-totals")
        assert "⚑ 05-11 12:05 远山小卖部：外乡镇" in totals  # what the manager was asked about
        review = said(s, "#week-review")
        assert "退回修改" in review and "请更正两处" in review
        assert "拜访 2026-05-11 11:05 红梅烟酒行 (431322100003) — 到店时间与抽检不符" in review
        assert "日志 2026-05-11 1000–1042 km — 里程偏大" in review
        assert "本机没有这条记录" in review
        # the supervisor reads the corrections and signs the week: the returned review stays
        WeeklyReview.create(manager=county.manager, week=MONDAY, supervisor=county.supervisor,
                            state="reviewed", comment="已更正", at=datetime(2026, 5, 14, 9, 0),
                            supersedes=county.review)
        await pilot.press("t")
        await until(pilot, lambda: said(s, "#week-review").startswith(
            "批阅：已批阅（谭主任 05-14 09:00）已更正"), "read again")
        review = said(s, "#week-review")
        assert "此前 批阅：退回修改" in review and "里程偏大" in review
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: "2026-05-04" in said(s, "#week-title"), "the week before")
        assert "尚未批阅" in said(s, "#week-review")
        await pilot.press("t")
        await until(pilot, lambda: "2026-05-11" in said(s, "#week-title"), "this week")


async def test_week_screen_in_english(app_for, db, monkeypatch):
    county_small.build()
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        s = await week_up(app, pilot)
        review = said(s, "#week-review")
        assert "Review: returned" in review and "Visit 2026-05-11" in review
        assert "Notebook 2026-05-11 to 2026-05-17" in said(s, "#week-title")


def test_week_plan_and_information_on_postgresql(pg_url):
    """The supervisor's review runs at the hub, which may be PostgreSQL."""
    from kjtui.models import connect
    from kjtui.services import information, plan

    connect(pg_url)
    county = county_small.build()
    v = week.week_notebook(county.manager.id, MONDAY, TODAY)
    mon = v.days[0]
    assert (mon.plan.visited, mon.plan.missed, mon.plan.extra, mon.acknowledged) == (3, 1, 1, 2)
    assert v.review.state == "returned" and len(v.review.flags) == 3
    assert plan.month_view(county.manager.id, TODAY, TODAY).day(MONDAY).planned == 4
    plan.assign(county.manager.id, TODAY, date(2026, 5, 20), county.routes["R02"].id, TODAY)
    assert information.counts(information.items(county.manager.id))["fed_back"] == 1


async def test_week_is_read_afresh_when_shown_again(app_for, db, monkeypatch):
    from kjtui.models import DayLog

    county = county_small.build()
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        s = await week_up(app, pilot)
        table = s.query_one("#week-days")
        assert str(table.get_row_at(2)[6]) == ""
        await pilot.press("f2")  # away, and the day is recorded meanwhile
        await on_screen(pilot, "HomeScreen")
        DayLog.create(manager=county.manager, day=TODAY, odometer_start=1060,
                      odometer_end=1101, owner="KJ07")
        await pilot.press("f7")
        await until(pilot, lambda: app.screen is s and str(table.get_row_at(2)[6]) == "41",
                    "read again")
