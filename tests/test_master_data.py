"""基础数据 on the administrator's desk (kjtui/screens/desk/master_data.py, ctrl+e): each tab
lists its records a page at a time, a record is made or changed in a form saved by the import's
own checks through the write path, a wrong cell is named with its column and nothing is written,
a route's stops are reordered and a customer moved to another route with the order of the stops
kept, and training entered on screen feeds the monthly score's training part."""

from __future__ import annotations

from datetime import date

import county_small
import pytest
from pilot_wait import burst, on_screen, until
from screen_cells import text
from sync_support import dump

from kjtui.models import (
    Customer,
    Handover,
    JournalEntry,
    Manager,
    Route,
    RouteStop,
    SalesActual,
    SalesTarget,
)
from kjtui.services import master_forms, scoring

MAY = date(2026, 5, 1)


@pytest.fixture
def hub(db, monkeypatch):
    monkeypatch.setattr("kjtui.services.session.today", lambda: county_small.TODAY)
    county_small.build(with_week=False)
    return db


def said(app) -> str:
    return " ".join(text(app).split())


def note(screen) -> str:
    """The line under a form or the tab (a long one wraps inside the form's border)."""
    return str(screen.query_one("#dialog-msg, #md-msg").render())


def stops_of(code: str) -> list[str]:
    return [s.customer.licence_no for s in RouteStop.select().join(Route)
            .where((Route.code == code) & (RouteStop.deleted == False))
            .order_by(RouteStop.position)]


async def open_tab(app, pilot, presses: int, table: str):
    """ctrl+e, then ctrl+t `presses` times; wait for the tab's list read."""
    await pilot.press("ctrl+e")
    screen = await on_screen(pilot, "MasterDataScreen")
    await until(pilot, lambda: "customers" in screen.pages, "the customers read")
    for _ in range(presses):
        await pilot.press("ctrl+t")
    await until(pilot, lambda: screen.query_one(table).row_count, f"{table} read")
    return screen


async def fill(pilot, dialog, **cells):
    """Type into the form's boxes as a person would: each emptied, then typed."""
    for name, value in cells.items():
        box = dialog.query_one(f"#f-{name}")
        box.focus()
        box.value = ""
        if value:
            await pilot.press(*value)


# --- customers ----------------------------------------------------------------------------------


async def test_customers_are_searched_and_one_is_changed_in_its_form(app_for, hub):
    app = app_for(hub, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(app, pilot, 0, "#md-customers-table")
        table = screen.query_one("#md-customers-table")
        assert table.row_count == 9 and "[老街]便民店" in text(app)  # a name in brackets, whole
        await pilot.press(*"城北")
        await until(pilot, lambda: table.row_count == 1, "the search narrowed to one")
        assert "431322200009" in text(app) and "KJ08" in text(app)
        before = JournalEntry.select().count()
        await pilot.press("enter", "enter")
        dialog = await on_screen(pilot, "RowDialog")
        await until(pilot, lambda: dialog.query("#f-shop_name"), "the form")
        assert "431322200009" in said(app)  # the key is shown, not edited
        await fill(pilot, dialog, shop_name="城北大超市")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Saved." in said(app) and "城北大超市" in text(app))
    c = Customer.get(Customer.licence_no == "431322200009")
    assert c.shop_name == "城北大超市" and c.route.code == "R09"  # the rest as it was
    assert JournalEntry.select().count() == before + 1  # through the write path: it travels


async def test_a_wrong_cell_is_named_with_its_column_and_nothing_is_written(app_for, hub):
    before = dump(hub.database)
    app = app_for(hub)
    async with app.run_test(size=(60, 20)) as pilot:
        await open_tab(app, pilot, 0, "#md-customers-table")
        await pilot.press("ctrl+n")
        dialog = await on_screen(pilot, "RowDialog")
        await until(pilot, lambda: dialog.query("#f-licence_no"), "the form")
        await fill(pilot, dialog, licence_no="4313221", shop_name="新开便利店", owner_name="钱七",
                   township="上梅镇")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: note(dialog) == "许可证号*：许可证号应为 12 位数字")
        assert dialog.focused is dialog.query_one("#f-licence_no")  # the cursor where it is wrong
        await fill(pilot, dialog, licence_no="431322100001")  # a licence the county holds
        await pilot.press("ctrl+s")
        await until(pilot, lambda: note(dialog).startswith("许可证号*：431322100001 已经有了"))
        await fill(pilot, dialog, licence_no="431322100010", township="月亮乡")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: note(dialog) == "乡镇*：没有这个乡镇（编号或名称）")
        assert dump(hub.database) == before  # refused three times, nothing written
        await fill(pilot, dialog, township="上梅镇")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "已保存" in said(app) and "新开便利店" in text(app))
    c = Customer.get(Customer.licence_no == "431322100010")
    assert (c.township.name, c.area, c.grade, c.retail_format) == ("上梅镇", "rural", "C",
                                                                  "grocery")


async def test_a_paste_ending_in_a_line_break_saves_what_it_typed(app_for, hub):
    """The keys of a burst (a paste, an IME commit) are read in the order typed: the enter in
    it saves the form with every character typed before it, none after."""
    app = app_for(hub)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(app, pilot, 0, "#md-customers-table")
        screen.query_one("#md-customers-table").focus()
        await pilot.press("enter")
        dialog = await on_screen(pilot, "RowDialog")
        await until(pilot, lambda: dialog.query("#f-shop_name"), "the form")
        box = dialog.query_one("#f-owner_name")
        box.focus()
        box.value = ""
        burst(app, *"王大明", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "MasterDataScreen"
                    and "王大明" in text(app), "saved with the burst")
    assert Customer.get(Customer.licence_no == "431322100001").owner_name == "王大明"


# --- managers -----------------------------------------------------------------------------------


async def test_a_manager_is_changed_and_a_wrong_birth_date_refused(app_for, hub):
    app = app_for(hub, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(app, pilot, 0, "#md-customers-table")
        await pilot.click("#--content-tab-md-managers")  # by mouse
        table = screen.query_one("#md-managers-table")
        await until(pilot, lambda: table.row_count == 2 and "contract" in text(app))
        assert "周丽娜" in text(app)
        await pilot.click(table, offset=(2, 1))  # the first manager's row: highlighted
        await pilot.press("ctrl+o")
        dialog = await on_screen(pilot, "RowDialog")
        await until(pilot, lambda: dialog.query("#f-phone"), "the form")
        await fill(pilot, dialog, birth_date="1998-02-30")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: note(dialog).startswith(
            "Birth date*: a date is written YYYY-MM-DD"))
        await fill(pilot, dialog, birth_date="1998-02-03", phone="13900000000")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Saved." in said(app))
    m = Manager.get(Manager.code == "KJ07")
    assert (m.birth_date, m.phone, m.post.code) == (date(1998, 2, 3), "13900000000", "P01")


# --- routes -------------------------------------------------------------------------------------


async def test_stops_are_reordered_and_a_customer_moved_keeping_the_order(app_for, hub):
    assert stops_of("R01") == ["431322100001", "431322100002", "431322100003", "431322100004"]
    app = app_for(hub, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(app, pilot, 2, "#md-routes-table")
        stops = screen.query_one("#md-stops-table")
        await until(pilot, lambda: stops.row_count == 4, "R01's stops")
        stops.focus()
        await pilot.press("shift+down", "shift+down")  # the first stop to the third place
        await until(pilot, lambda: "Stop order saved." in said(app))
        assert stops_of("R01") == ["431322100002", "431322100003", "431322100001",
                                   "431322100004"]
        assert stops.cursor_row == 2
        await pilot.press("up", "ctrl+r")  # 红梅烟酒行 to another route
        picker = await on_screen(pilot, "RoutePicker")
        routes = picker.query_one("#routes")
        routes.highlighted = next(i for i in range(routes.option_count)
                                  if "R09" in str(routes.get_option_at_index(i).prompt))
        await pilot.press("enter")
        await until(pilot, lambda: "红梅烟酒行 moved to the end of route R09" in said(app)
                    and stops.row_count == 3)
    assert stops_of("R01") == ["431322100002", "431322100001", "431322100004"]  # kept in order
    assert stops_of("R09") == ["431322200009", "431322100003"]
    moved = Customer.get(Customer.licence_no == "431322100003")
    assert (moved.route.code, moved.manager.code) == ("R09", "KJ08")  # the route's manager
    assert Handover.select().where(Handover.record_id == moved.id).count() == 1


async def test_a_route_handed_to_a_manager_of_another_post_is_refused(app_for, hub):
    Manager.update(post=None).where(Manager.code == "KJ08").execute()
    before = dump(hub.database)
    app = app_for(hub, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(app, pilot, 2, "#md-routes-table")
        screen.query_one("#md-routes-table").focus()
        await pilot.press("enter")
        dialog = await on_screen(pilot, "RowDialog")
        await until(pilot, lambda: dialog.query("#f-manager_code"), "the form")
        await fill(pilot, dialog, manager_code="KJ08")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: note(dialog).startswith(
            "Manager code: the route belongs to post P01"))
    assert dump(hub.database) == before


# --- targets ------------------------------------------------------------------------------------


async def test_a_months_target_and_sales_are_entered_and_a_bad_month_refused(app_for, hub):
    SalesTarget.create(manager=Manager.get(Manager.code == "KJ08"), month=MAY, quantity=50)
    app = app_for(hub)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await open_tab(app, pilot, 3, "#md-targets-table")
        await pilot.press("ctrl+n")
        dialog = await on_screen(pilot, "RowDialog")
        await until(pilot, lambda: dialog.query("#f-manager_code"), "the form")
        await fill(pilot, dialog, manager_code="KJ07", month="2026-13", target="100",
                   actual="80")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: note(dialog).startswith("月份*：月份应写成 YYYY-MM"))
        assert not SalesActual.select().exists()  # the sales were right: not written either
        await fill(pilot, dialog, month="2026-05")
        await pilot.press("ctrl+s")
        table = screen.query_one("#md-targets-table")
        await until(pilot, lambda: table.row_count == 2 and "80%" in text(app))
    kj07 = Manager.get(Manager.code == "KJ07")
    assert SalesTarget.get(manager=kj07, month=MAY).quantity == 100
    assert SalesActual.get(manager=kj07, month=MAY).quantity == 80


# --- training -----------------------------------------------------------------------------------


async def test_a_meeting_its_rating_and_an_exam_score_feed_the_training_part(app_for, hub):
    app = app_for(hub, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+e")
        screen = await on_screen(pilot, "MasterDataScreen")
        await pilot.press(*["ctrl+t"] * 4)
        await until(pilot, lambda: screen.month == MAY, "May's sessions")
        await pilot.press("ctrl+n")
        dialog = await on_screen(pilot, "RowDialog")
        await until(pilot, lambda: dialog.query("#f-topic"), "the form")
        assert dialog.query_one("#f-lecturer_code").value == "KJ07"  # the first in turn
        await fill(pilot, dialog, held_on="2026-05-11", topic="卷烟营销政策")
        await pilot.press("ctrl+s")
        table = screen.query_one("#md-training-table")
        await until(pilot, lambda: table.row_count == 1 and "卷烟营销政策" in text(app))
        await pilot.press("enter")  # a meeting: rate its lecture
        dialog = await on_screen(pilot, "RowDialog")
        await until(pilot, lambda: dialog.query("#f-rater"), "the rating form")
        await fill(pilot, dialog, rater="KJ07", rating="90")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: note(dialog) == "KJ07 gave the lecture and cannot rate it.")
        await fill(pilot, dialog, rater="KJ08", rating="101")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: note(dialog) == "Lecture rating*: a number from 0 to 100")
        await fill(pilot, dialog, rating="90")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "90.0" in text(app), "the lecture rated")
        await pilot.press("ctrl+g")  # a stage exam and KJ07's score
        dialog = await on_screen(pilot, "RowDialog")
        await until(pilot, lambda: dialog.query("#f-exam_score"), "the exam form")
        await fill(pilot, dialog, held_on="2026-05-12", topic="阶段考试一", manager_code="KJ07",
                   exam_score="85")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: table.row_count == 2 and "阶段考试一" in text(app))
    kj07 = Manager.get(Manager.code == "KJ07")
    assert scoring.month_figures(kj07.id, MAY).parts()["training"] == 87.5


def test_a_form_is_checked_as_a_sheet_row(hub):
    """The forms' service refuses what the import refuses, with the column named."""
    from kjtui.exception import Refused

    with pytest.raises(Refused) as err:
        master_forms.save("customers", {"licence_no": "431322100011", "shop_name": "",
                                        "owner_name": "x", "township": "T0",
                                        "retail_format": "grocery"}, new=True)
    assert (err.value.key, err.value.params["column"]) == ("import.required", "shop_name")
    with pytest.raises(Refused) as err:
        master_forms.save("customers", {"licence_no": "431322100011", "shop_name": "a",
                                        "owner_name": "b", "township": "T0",
                                        "retail_format": "grocery"}, new=False)
    assert err.value.key == "md.gone"


async def test_lists_come_a_page_at_a_time(app_for, hub):
    town = Customer.get(Customer.licence_no == "431322100001").township
    for n in range(200):
        Customer.create(licence_no=f"4313224{n:05d}", shop_name=f"分页{n}号店", owner_name="店主",
                        township=town, area="rural", retail_format="grocery")
    app = app_for(hub, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(app, pilot, 0, "#md-customers-table")
        table = screen.query_one("#md-customers-table")
        assert table.row_count == 200 and "209 records, 1–200" in said(app)
        await pilot.press("f9")
        await until(pilot, lambda: table.row_count == 9 and "209 records, 201–209" in said(app))
        await pilot.press("f9")  # no page after the last
        await until(pilot, lambda: True)
        assert "201–209" in said(app)
        await pilot.press("f8")
        await until(pilot, lambda: table.row_count == 200)


async def test_the_managers_tab_writes_the_staff_workbook(app_for, hub):
    """Issue 14: the staff report from the screen that shows the team (ctrl+w on managers),
    read back as the service computes it."""
    from python_calamine import CalamineWorkbook

    from kjtui import i18n
    from kjtui.services import staff_figures

    app = app_for(hub, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tab(app, pilot, 1, "#md-managers-table")
        await pilot.press("ctrl+w")
        await until(pilot, lambda: "written:" in note(screen), "the workbook said")
        path = note(screen).split("written: ", 1)[1].strip()
    book = CalamineWorkbook.from_path(path)
    rows = book.get_sheet_by_index(0).to_python()
    figures = {r[0]: r[1] for r in rows[1:]}
    i18n.set_language("en")
    f = staff_figures.staff_figures(county_small.TODAY)
    assert figures[i18n.t("rep.staff.head_count")] == f.head_count
