"""信息: collect, organize, the county's feedback; one function decides the state shown; the screen
lists items by state and refuses empty text with a sentence."""

from __future__ import annotations

from datetime import datetime

import pytest
from pilot_wait import on_screen, until

from kjtui import i18n
from kjtui.exception import Refused
from kjtui.models import InfoFeedback, InfoItem, JournalEntry, Setting
from kjtui.services import information
from tests import county_small
from tests.county_small import MONDAY, TODAY


@pytest.fixture
def county(db):
    return county_small.build()


def test_displayed_state():
    assert information.displayed_state("collected", 0) == "collected"
    assert information.displayed_state("organized", 0) == "organized"
    assert information.displayed_state("collected", 1) == "fed_back"
    assert information.displayed_state("organized", 2) == "fed_back"


def test_items_by_state_with_feedback(county):
    items = information.items(county.manager.id)
    assert sorted((i.category, i.state) for i in items) == [("brand_demand", "collected"),
                                                            ("illegal", "fed_back")]
    fed = information.items(county.manager.id, state="fed_back")
    assert len(fed) == 1 and fed[0].feedback[0].text == "已转专卖稽查"
    assert fed[0].feedback[0].supervisor == "谭主任"
    assert information.counts(items) == {"collected": 1, "organized": 0, "fed_back": 1}
    assert information.items(county.other.id) == []


def test_collect_and_organize_on_a_station(county):
    Setting.create(key="node_id", value="KJ07")
    m = county.manager.id
    item_id = information.collect(m, "complaint", "  送货晚了两天 ", TODAY,
                                  county.customers["431322100005"].id)
    line = information.items(m, state="collected")[0]
    assert (line.id, line.content, line.customer_name) == (item_id, "送货晚了两天", "兴隆便利店")
    assert InfoItem.get_by_id(item_id).owner == "KJ07"
    information.organize(item_id, "配送延误")
    line = next(i for i in information.items(m) if i.id == item_id)
    assert (line.state, line.summary) == ("organized", "配送延误") and line.organized_at
    assert JournalEntry.select().where(JournalEntry.record_id == item_id).count() == 2
    # the county answers (a hub-owned row arriving by sync): fed back, no more organizing
    InfoFeedback.create(item=item_id, text="已联系配送中心", at=datetime(2026, 5, 14, 9, 0))
    assert next(i for i in information.items(m) if i.id == item_id).state == "fed_back"
    with pytest.raises(Refused) as err:
        information.organize(item_id, "再改")
    assert err.value.key == "info.already_fed_back"


@pytest.mark.parametrize("category, content, key", [
    ("market", "", "info.empty"),
    ("market", "   \n ", "info.empty"),
    ("gossip", "有新店开张", "info.bad_category"),
    ("market", "长" * 2001, "info.too_long"),
    ("market", "长" * (information.MAX_TEXT + 1), "info.too_long"),
])
def test_bad_items_change_nothing(county, category, content, key):
    n = InfoItem.select().count()
    with pytest.raises(Refused) as err:
        information.collect(county.manager.id, category, content, TODAY)
    assert err.value.key == key and i18n.t(key, **err.value.params) != key
    assert InfoItem.select().count() == n


def test_empty_summary_is_refused(county):
    with pytest.raises(Refused) as err:
        information.organize(county.info[0].id, " ")
    assert err.value.key == "info.empty_summary"
    assert InfoItem.get_by_id(county.info[0].id).state == "collected"


# --- the screen ------------------------------------------------------------------------------


def said(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_collect_organize_and_filter_by_state(app_for, db, monkeypatch):
    county = county_small.build()
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        screen = await on_screen(pilot, "InformationScreen")
        table = screen.query_one("#info-table")
        tabs = screen.query_one("#info-tabs")
        await until(pilot, lambda: table.row_count == 2, "the items")
        assert "全部 2" in str(tabs.query_one("#all").label)
        assert "已反馈 1" in str(tabs.query_one("#fed_back").label)
        # an empty text is refused with a sentence, and nothing is written
        await pilot.press("n")
        dialog = await on_screen(pilot, "CollectDialog")
        await pilot.press("enter")
        await until(pilot, lambda: "信息内容不能为空" in said(dialog, "#dialog-msg"), "refused")
        assert InfoItem.select().count() == 2
        # a customer that does not exist is refused too
        dialog.query_one("#customer").value = "不存在的店"
        await pilot.press(*"集市有新品牌", "enter")
        await until(pilot, lambda: "没有客户与“不存在的店”相符" in said(dialog, "#dialog-msg"),
                    "refused")
        dialog.query_one("#customer").value = "431322100006"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen and table.row_count == 3, "collected")
        new = InfoItem.get(InfoItem.content == "集市有新品牌")
        assert new.customer.shop_name == "大新副食店" and new.collected_on == TODAY
        assert "已收集" in said(screen, "#info-msg")
        # organize the highlighted (newest) item; an empty summary is refused first
        await pilot.press("o")
        dialog = await on_screen(pilot, "OrganizeDialog")
        dialog.query_one("#summary").value = ""
        await pilot.press("enter")
        await until(pilot, lambda: "摘要不能为空" in said(dialog, "#dialog-msg"), "refused")
        await pilot.press(*"新品牌进集市", "enter")
        await until(pilot, lambda: app.screen is screen
                    and InfoItem.get_by_id(new.id).state == "organized", "organized")
        # by state: s steps through the tabs
        await pilot.press("s")
        await until(pilot, lambda: tabs.active == "collected" and table.row_count == 1,
                    "collected")
        await pilot.press("s")
        await until(pilot, lambda: tabs.active == "organized" and table.row_count == 1
                    and "新品牌进集市" in said(screen, "#info-detail"), "organized")
        await pilot.press("s")
        await until(pilot, lambda: tabs.active == "fed_back"
                    and "已转专卖稽查" in said(screen, "#info-detail"), "fed back")
    assert county.manager.code == "KJ07"


async def test_information_in_english(app_for, db, monkeypatch):
    county_small.build()
    monkeypatch.setattr("kjtui.services.session.today", lambda: MONDAY)
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        screen = await on_screen(pilot, "InformationScreen")
        tabs = screen.query_one("#info-tabs")
        await until(pilot, lambda: "All 2" in str(tabs.query_one("#all").label), "the items")
        await pilot.click("#fed_back")
        await until(pilot, lambda: screen.query_one("#info-table").row_count == 1
                    and "County feedback" in said(screen, "#info-detail"), "fed back")


def test_long_texts_say_how_long_they_are(county):
    item = county.info[0].id
    with pytest.raises(Refused) as err:
        information.organize(item, "长" * 600)
    assert err.value.params == {"n": 600, "max": information.MAX_TEXT}
    assert "600" in i18n.t("info.too_long", **err.value.params)
    information.organize(item, "长" * information.MAX_TEXT)
    can = {i.id: i.can_organize for i in information.items(county.manager.id)}
    assert can == {county.info[0].id: True, county.info[1].id: False}  # [1] was fed back


async def test_organize_refuses_an_item_fed_back_before_any_dialog(app_for, db, monkeypatch):
    county_small.build()
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        screen = await on_screen(pilot, "InformationScreen")
        table = await until(pilot, lambda: screen.query_one("#info-table").row_count == 2
                            and screen.query_one("#info-table"), "the items")
        await pilot.press("s", "s", "s")  # the state filter: all → collected → organized → fed back
        await until(pilot, lambda: screen.query_one("#info-tabs").active == "fed_back"
                    and table.row_count == 1, "the fed-back items")
        await pilot.press("o")
        await until(pilot, lambda: str(screen.query_one("#info-msg").render()) == i18n.t(
            "info.already_fed_back"), "refused")
        assert app.screen is screen  # no dialog opened, nothing typed for nothing
        await pilot.press("s")
        await until(pilot, lambda: screen.query_one("#info-tabs").active == "all", "all again")


def test_the_readme_keys_table_is_the_screens_keys():
    """Every key the README's keys table gives a screen is one of that screen's keys, and every
    key a screen declares (but for enter, which the table shows as a selection) is in the table."""
    import re
    from pathlib import Path

    from kjtui.screens.information import InformationScreen
    from kjtui.screens.plan import PlanScreen
    from kjtui.screens.today import TodayScreen

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    names = {"[": "left_square_bracket", "]": "right_square_bracket"}
    for row, screen in (("Today 今日", TodayScreen), ("Plan 月计划", PlanScreen),
                        ("Information 信息", InformationScreen)):
        line = next(x for x in readme.splitlines() if x.startswith(f"| {row} |"))
        shown = {names.get(k, k) for keys in re.findall(r"`([^`]+)`", line)
                 for k in keys.split("/")}
        declared = {k.key for k in screen.KEYS}
        assert declared - {"enter"} <= shown, (row, declared - shown)
        assert shown - {"enter"} <= declared | {"arrows"}, (row, shown - declared)
    info = next(x for x in readme.splitlines() if x.startswith("| Information 信息 |"))
    i18n.set_language("en")  # the README says what the footer says
    assert f"`s` {i18n.t('info.key.filter').lower()}" in info
