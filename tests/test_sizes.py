"""Every screen usable from 60×20 (a laptop with a large font) up, in both languages, at 60×20,
80×24 and 200×50: the footer's cells are exactly its keys (nothing left over after the palette's
key, no key under it, no wide character cut in two), the plan shows its 7 weekdays without
scrolling sideways, the week and the lists keep every column, Today's next stop is in view, and
a form's boxes show their outline and their state by shape."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import Button, Input
from textual.widgets._footer import FooterKey

from kjtui import i18n
from kjtui.widgets.footer import Footer
from kjtui.widgets.tick import Tick
from tests.pilot_wait import on_screen, until
from tests.screen_cells import TODAY, cells, long_route, text

SIZES = [(60, 20), (80, 24), (200, 50)]
NEXT_STOP = "431322300005"  # the 10th stop of long_route(): 9 visited before it


@pytest.fixture
def county(db, monkeypatch):
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    return long_route()


def as_cells(words: str) -> list[str]:
    out = []
    for ch in words:
        out.append(ch)
        out.extend([""] * (cell_len(ch) - 1))
    return out


def check_footer(app) -> None:
    """The footer line, cell by cell, is its keys as laid out and blanks between them: each key
    whole and where Textual placed it, the palette's key at the right edge, nothing else."""
    width = app.size.width
    footer = app.screen.query_one(Footer)
    line = cells(app)[footer.region.y]
    assert len(line) == width
    expected = [" "] * width
    shown = [k for k in footer.query(FooterKey) if k.display and k.region.width]
    palette = [k for k in shown if k.has_class("-command-palette")]
    keys = [k for k in shown if not k.has_class("-command-palette")]
    assert keys, "no key in the footer"
    limit = palette[0].region.x if palette else width
    for key in keys:
        assert key.region.right <= limit, f"{key.description} runs under the palette's key"
        words = as_cells(key.render().plain)
        x = key.content_region.x
        expected[x:x + len(words)] = words
    if palette:
        key = palette[0]
        assert key.region.right == width, "the palette's key leaves a cell at the edge"
        expected[key.region.x] = "▏"
        words = as_cells(key.render().plain)
        x = key.content_region.x
        expected[x:x + len(words)] = words
    assert line == expected, "".join(line)


async def footer_laid_out(app, pilot) -> None:
    """Wait until the footer is laid out for the screen's width (its keys are fitted after a
    refresh), as check_footer wants it; on a timeout, check_footer says what is wrong."""

    def laid_out() -> bool:
        try:
            check_footer(app)
        except AssertionError:
            return False
        return True

    try:
        await until(pilot, laid_out, "the footer laid out")
    except pytest.fail.Exception:
        check_footer(app)  # says which key is wrong
        raise


def fully_shown(app, widget) -> bool:
    r = widget.region
    return r.width > 0 and r.x >= 0 and r.y >= 0 and r.right <= app.size.width \
        and r.bottom <= app.size.height


# What says that a place is up with its data read.
READ = {
    "TodayScreen": lambda s: s.view is not None,
    "PlanScreen": lambda s: s.view is not None,
    "CustomersScreen": lambda s: s.result is not None,
    "InformationScreen": lambda s: s.today is not None,
    "WeekScreen": lambda s: s.view is not None,
    "MonthScreen": lambda s: s.view is not None,
    "CountyDataScreen": lambda s: True,
    "MasterDataScreen": lambda s: "customers" in s.pages,
}
PLACES = {"f3": "TodayScreen", "f4": "PlanScreen", "f5": "CustomersScreen",
          "f6": "InformationScreen", "f7": "WeekScreen", "f10": "MonthScreen",
          "ctrl+d": "CountyDataScreen", "ctrl+e": "MasterDataScreen"}


async def go(app, pilot, key: str, size: tuple[int, int]):
    """Press a place's key; wait until the place is up at `size` with its data read."""
    await pilot.press(key)
    name = PLACES[key]
    return await until(pilot, lambda: type(app.screen).__name__ == name
                       and tuple(app.screen.region.size) == size and READ[name](app.screen)
                       and app.screen, f"the {name} at {size}")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_screen_at_every_size(app_for, db, county, size, lang):
    width, height = size
    app = app_for(db, lang)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: i18n.t("home.signed_in") in text(app), "home")
        await footer_laid_out(app, pilot)

        today = await go(app, pilot, "f3", size)
        head = today.query_one("#today-head")
        assert head.get_content_height(head.size, app.size, head.content_region.width) \
            <= head.content_region.height, "Today's head is cut"
        assert NEXT_STOP in text(app), "the next stop is off screen"
        stops = today.query_one("#stops")
        assert stops.get_row_at(stops.cursor_row)[2] == NEXT_STOP
        assert stops.max_scroll_x == 0
        await footer_laid_out(app, pilot)

        # the visit form: inside the screen, empty boxes outlined, ticks by shape
        await pilot.press("enter")
        form = await on_screen(pilot, "VisitForm")
        departed = form.query_one("#departed", Input)
        await until(pilot, lambda: departed.region.width, "the form laid out")
        assert all(fully_shown(app, w) for w in form.query(Input))
        assert all(fully_shown(app, w) for w in form.query(Button))
        screen = cells(app)
        assert departed.value == ""
        row = screen[departed.region.y]
        assert (row[departed.region.x], row[departed.region.right - 1]) == ("▏", "▕")
        ordered, price = form.query_one("#ordered", Tick), form.query_one("#price_tags", Tick)
        assert not ordered.value and price.value
        for box, shape in ((ordered, "▐ ▌"), (price, "▐✓▌")):
            row = screen[box.region.y]
            assert "".join(row[box.region.x:box.region.x + 3]) == shape
        await footer_laid_out(app, pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is today, "back on Today")

        plan = await go(app, pilot, "f4", size)
        calendar = plan.query_one("#calendar")
        assert calendar.max_scroll_x == 0 and calendar.region.right <= width
        header = "".join(cells(app)[calendar.region.y])
        names = [i18n.t(f"weekday.{i}") for i in range(7)]
        assert all(n in header for n in names), header
        assert [header.index(n) for n in names] == sorted(header.index(n) for n in names)
        assert plan.cursor_day == TODAY
        await footer_laid_out(app, pilot)

        customers = await go(app, pilot, "f5", size)
        table = customers.query_one("#cust-table")
        assert table.max_scroll_x == 0
        first = table.get_row_at(0)
        assert first[0] in text(app) and first[3] in text(app)  # licence and phone, whole
        await footer_laid_out(app, pilot)

        information = await go(app, pilot, "f6", size)
        assert information.query_one("#info-table").max_scroll_x == 0
        await footer_laid_out(app, pilot)

        week = await go(app, pilot, "f7", size)
        assert week.query_one("#week-days").max_scroll_x == 0
        shown = text(app)
        assert all(f"05-{d}" in shown for d in range(11, 18))
        assert "09:05☎-12:05" in shown  # Monday's first and last check-in, whole
        await footer_laid_out(app, pilot)


async def test_today_keeps_the_next_stop_in_view_when_the_terminal_shrinks(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=(200, 50)) as pilot:
        await go(app, pilot, "f3", (200, 50))
        assert NEXT_STOP in text(app)
        for size in ((80, 24), (60, 20), (200, 50), (60, 20)):
            await pilot.resize_terminal(*size)
            await until(pilot, lambda s=size: tuple(app.screen.region.size) == s
                        and NEXT_STOP in text(app), f"the next stop in view at {size}")
            await footer_laid_out(app, pilot)


async def test_a_screen_resized_while_away_fits_when_shown_again(app_for, db, county):
    app = app_for(db)
    async with app.run_test(size=(200, 50)) as pilot:
        for key in ("f4", "f7", "f5", "f3"):
            await go(app, pilot, key, (200, 50))
        await pilot.resize_terminal(60, 20)
        await until(pilot, lambda: tuple(app.screen.region.size) == (60, 20), "resized")
        for key, table in (("f4", "#calendar"), ("f7", "#week-days"), ("f5", "#cust-table")):
            screen = await go(app, pilot, key, (60, 20))
            widget = screen.query_one(table)
            await until(pilot, lambda w=widget: 0 < w.region.right <= 60, f"{table} laid out")
            assert widget.max_scroll_x == 0, key
            await footer_laid_out(app, pilot)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_desks_screens_at_every_size(app_for, db, county, size, lang, tmp_path):
    """The month (its table whole, its bars inside the screen) and the county data in (the path
    box, a sheet's errors with their row and column whole)."""
    from tests.test_county_import import BAD, xlsx

    xlsx(tmp_path / "c.xlsx", "customers", BAD)
    width, height = size
    app = app_for(db, lang)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: i18n.t("home.signed_in") in text(app), "home")
        month = await go(app, pilot, "f10", size)
        table = month.query_one("#desk-table")
        assert table.max_scroll_x == 0 and table.row_count == 2
        assert "KJ07" in text(app) and "KJ08" in text(app)
        chart = month.query_one("#desk-chart")
        await until(pilot, lambda: chart.region.width, "the bars laid out")
        assert chart.region.right <= width
        bars = [line for line in chart.render().plain.split("\n") if line.startswith("KJ0")]
        assert len(bars) == 2  # one bar a manager, each on one line of the chart
        assert all(cell_len(line.rstrip()) <= chart.content_region.width for line in bars)
        await footer_laid_out(app, pilot)

        data = await go(app, pilot, "ctrl+d", size)
        box = data.query_one("#data-path", Input)
        assert fully_shown(app, box)
        box.value = str(tmp_path / "c.xlsx")
        await pilot.press("enter")
        await until(pilot, lambda: data.preview is not None, "the sheet checked")
        issues = data.query_one("#data-issues")
        assert issues.max_scroll_x == 0 and issues.region.height >= 3
        first = issues.get_row_at(0)
        assert first[0] == "2" and first[1] in text(app)
        await footer_laid_out(app, pilot)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_review_desk_at_every_size(app_for, db, county, size, lang):
    """The sign-in a hub asks for, the review queue and the week under review with its records,
    and the mark and decision dialogs: inside the screen, every column kept, the footer whole."""
    from kjtui.services import accounts
    from tests.test_words import last_week

    last_week(county)
    accounts.add("liu", "supervisor", "correct horse", "S01")  # the review is a director's
    app = app_for(db, lang)
    async with app.run_test(size=size) as pilot:
        signin = await on_screen(pilot, "SignInScreen")
        await until(pilot, lambda: tuple(signin.region.size) == size, "the sign-in at its size")
        assert all(fully_shown(app, w) for w in signin.query(Input))
        await footer_laid_out(app, pilot)
        await pilot.press(*"liu", "enter", *"correct horse", "enter")
        await until(pilot, lambda: app.account is not None and app.screen is not signin,
                    "signed in")

        await pilot.press("ctrl+y")
        queue = await until(pilot, lambda: type(app.screen).__name__ == "ReviewScreen"
                            and app.screen.rows and app.screen, "the queue")
        table = queue.query_one("#review-table")
        assert table.max_scroll_x == 0 and "KJ07" in text(app)
        await footer_laid_out(app, pilot)

        await pilot.press("enter")
        week = await until(pilot, lambda: type(app.screen).__name__ == "WeekScreen"
                           and app.screen.review and app.screen, "the week under review")
        records = week.query_one("#week-records")
        await until(pilot, lambda: 0 < records.region.right <= size[0], "the records laid out")
        assert records.max_scroll_x == 0 and week.query_one("#week-days").max_scroll_x == 0
        await footer_laid_out(app, pilot)
        records.focus()
        for key, name in (("m", "MarkDialog"), ("a", "DecisionDialog")):
            await pilot.press(key)
            dialog = await on_screen(pilot, name)
            await until(pilot, lambda d=dialog: d.query(Input).first().region.width, "laid out")
            assert all(fully_shown(app, w) for w in dialog.query(Input))
            await footer_laid_out(app, pilot)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is week, "back on the week")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_offices_screens_at_every_size(app_for, db, county, size, lang):
    """The desk's spot checks, feedback, proposals and talks (issue 11 §3–4): each list whole,
    its footer, and each dialog's boxes inside the screen."""
    from datetime import date, datetime

    from kjtui.models import MonthlyScore, Talk
    from kjtui.services import customers

    april = date(2026, 4, 1)
    for rank, m in enumerate((county.manager, county.other), start=1):
        MonthlyScore.create(manager=m, month=april, sales=0, success=0, maintenance=0, review=0,
                            checkin=0, spot_check=0, training=0, total=90 - rank, rank=rank,
                            computed_at=datetime(2026, 5, 2))
    Talk.create(manager=county.manager, supervisor=county.supervisor, month=date(2026, 3, 1),
                held_on=date(2026, 4, 8), advice="按时报首末签到，纸质签名的客户改用密码认可")
    customers.propose(county.customers["431322100003"].id, county.manager.id, "address",
                      "上梅镇红梅村三组 28 号")
    app = app_for(db, lang)

    async def place(key: str, name: str, dialog_key: str, dialog: str, *keys: str):
        await pilot.press(key)
        screen = await until(pilot, lambda: type(app.screen).__name__ == name
                             and tuple(app.screen.region.size) == size and app.screen.loaded
                             and app.screen, f"the {name} at {size}")
        await pilot.press(*keys)
        await until(pilot, lambda: screen.shown, f"the {name}'s rows")
        table = screen.query_one("#office-table")
        await until(pilot, lambda: 0 < table.region.right <= size[0], "the list laid out")
        assert table.max_scroll_x == 0, name
        assert fully_shown(app, screen.query_one("#office-detail")), name
        await footer_laid_out(app, pilot)
        await pilot.press(dialog_key)
        opened = await on_screen(pilot, dialog)
        await until(pilot, lambda: all(w.region.width for w in opened.query(Input)), "laid out")
        assert all(fully_shown(app, w) for w in opened.query(Input)), dialog
        await footer_laid_out(app, pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, f"back on the {name}")

    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: i18n.t("home.signed_in") in text(app), "home")
        await place("alt+s", "SpotChecksScreen", "o", "SpotDialog", "right_square_bracket")
        await place("alt+f", "FeedbackScreen", "a", "TextDialog")
        await place("alt+p", "ProposalsScreen", "r", "TextDialog")
        await place("alt+t", "TalksScreen", "t", "TalkDialog", "down")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_master_data_at_every_size(app_for, db, county, size, lang):
    """基础数据: every tab's list keeps every column, its keys in the footer, and the longest
    form (a customer's) shows every box inside the screen."""
    app = app_for(db, lang)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: i18n.t("home.signed_in") in text(app), "home")
        screen = await go(app, pilot, "ctrl+e", size)
        for tab, table in (("customers", "#md-customers-table"), ("managers", "#md-managers-table"),
                           ("routes", "#md-stops-table"), ("targets", "#md-targets-table"),
                           ("training", "#md-training-table")):
            widget = screen.query_one(table)
            await until(pilot, lambda t=tab, w=widget: screen.tab == t and (
                t in screen.pages or screen.month) and w.region.height >= 3
                and fully_shown(app, w), f"the {tab} tab laid out")
            assert widget.max_scroll_x == 0, tab
            if tab == "routes":
                await until(pilot, lambda w=widget: w.row_count == 14, "R01's 14 stops")
            await footer_laid_out(app, pilot)
            await pilot.press("ctrl+t")
        await until(pilot, lambda: screen.tab == "customers", "round to the customers")
        await pilot.press("ctrl+n")
        form = await on_screen(pilot, "RowDialog")
        await until(pilot, lambda: form.query_one("#f-route_code").region.width, "the form")
        assert all(fully_shown(app, w) for w in form.query(Input))
        assert all(fully_shown(app, w) for w in form.query("Select"))
        await footer_laid_out(app, pilot)
