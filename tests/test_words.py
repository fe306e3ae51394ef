"""Every word in the manager's language. In Chinese no English word shows anywhere a manager
looks — each screen, each dialog, F1, the palette (opened, and with a query that matches
nothing), the ctrl+c notice — even where the words are Textual's own (a table's cursor keys, an
input's editing keys, the palette's). In English a counted word agrees with its count and
parentheses are English ones.

What may stay in Latin letters in Chinese (KEY_NAMES): the names of keys as the keyboard has them
(ctrl+p, esc, pgup, F2 — one letter or a letter and a digit are never counted), the kilometre unit
and the command's name; codes (KJ07, R01, licence numbers) are letters joined to digits and are
never counted either, nor a record's id in hex (ffffffff) where the screen names a record it does
not hold."""

from __future__ import annotations

import re

import pytest
from textual.app import App
from textual.command import CommandInput, CommandList, CommandPalette
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    HelpPanel,
    Input,
    KeyPanel,
    OptionList,
    Select,
    Tabs,
)
from textual.widgets._select import SelectOverlay

from kjtui import i18n
from kjtui.bindings import textual_words
from tests.pilot_wait import until
from tests.screen_cells import TODAY, long_route, text

KEY_NAMES = {"ctrl", "shift", "alt", "super", "esc", "tab", "enter", "space", "backspace",
             "delete", "del", "insert", "home", "end", "pgup", "pgdn", "up", "down", "left",
             "right", "km", "kjtui",
             "Esc",  # the key's name as the keyboard has it, in the question before a write
             "xlsx", "csv", "KB", "MB",  # sheets' file types and sizes, as folders show them
             "wfsd"}  # the pinyin-initials example in the search box's hint
ENGLISH = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")

# Every Textual class whose keys a screen of the notebook can show.
TEXTUAL_CLASSES = (App, Screen, ModalScreen, DataTable, Input, Select, SelectOverlay, OptionList,
                   Tabs, Checkbox, Button, VerticalScroll, CommandPalette, CommandInput,
                   CommandList, HelpPanel, KeyPanel)


def english_words(app) -> set[str]:
    """English words on the screen, in its notifications, and in the tooltips a mouse finds."""
    tooltips = [str(w.tooltip) for w in app.screen.query("*") if w.tooltip]
    return {w for w in ENGLISH.findall("\n".join([text(app), *tooltips]))
            if w not in KEY_NAMES and not re.fullmatch("[0-9a-f]{8,}", w)}


@pytest.fixture
def county(db, monkeypatch):
    monkeypatch.setattr("kjtui.services.session.today", lambda: TODAY)
    return long_route()

def on_top(app, name: str, read=lambda screen: True):
    """A condition: the screen on top is a `name`, with its data read."""
    return lambda: type(app.screen).__name__ == name and read(app.screen)


def keys_panel(app, shown: bool):
    """A condition: the keys panel (F1) is open, or closed."""
    return lambda: bool(app.screen.query("HelpPanel")) is shown


def tour(pilot, app, leaks: dict):
    """`look(where, *keys, ready=)`: press the keys, wait until `ready()` holds with nothing
    running, and note any English word on the screen under `where`; `with_keys_panel(where)`:
    look, then with F1 open, then closed."""

    async def look(where: str, *keys: str, ready=lambda: True) -> None:
        await pilot.press(*keys)
        await until(pilot, ready, where)
        if words := english_words(app):
            leaks[where] = words

    async def with_keys_panel(where: str) -> None:
        await look(where)
        await look(where + " F1", "f1", ready=keys_panel(app, True))
        await look(where + " F1 closed", "f1", ready=keys_panel(app, False))

    return look, with_keys_panel



def test_textual_words_of_every_widget_we_use_are_in_the_catalog():
    """Not only those the screens below happen to show: every key Textual could list."""
    i18n.set_language("zh")
    missing = set()
    for cls in TEXTUAL_CLASSES:
        for _, binding in cls._merged_bindings:
            for words in (binding.description, binding.tooltip):
                if words and textual_words(words) == words:
                    missing.add(f"{cls.__name__}: {words}")
    if textual_words(Input.BINDING_GROUP_TITLE) == Input.BINDING_GROUP_TITLE:
        missing.add(Input.BINDING_GROUP_TITLE)
    assert not missing


def test_counted_words_agree_in_english():
    i18n.set_language("en")
    assert i18n.t("week.totals", households=1, orders=1, quantity=2, km=3, info=1) == (
        "Total: 1 household · 1 order, 2 ctn · 3 km · 1 item")
    assert "2 households · 0 orders" in i18n.t("week.totals", households=2, orders=0,
                                               quantity=0, km=0, info=3)
    assert i18n.t("cust.count", total="1", first=1, last=1).startswith("1 customer,")
    assert i18n.t("cust.count", total="4,222", first=1, last=200).startswith("4,222 customers")
    assert "(1 try left" in i18n.t("ack.wrong_pin", left=1)
    i18n.set_language("zh")
    assert i18n.t("week.totals", households=1, orders=1, quantity=2, km=3, info=1) == (
        "合计：1 户 · 订货 1 户 2 条 · 里程 3 km · 信息 1 条")


async def test_the_week_in_english_has_english_parentheses(app_for, db, county):
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f7")
        # Spaces and line ends aside: where the line wraps depends on the width the table
        # leaves it (a scrollbar or not), which the words under test do not.
        # The two items were collected the same day within the same millisecond: newest first
        # cannot tell them apart, so either order is right.
        items = ("illegalsales(fedback)", "branddemand(collected)")
        wanted = (";".join(items), ";".join(reversed(items)))
        await until(pilot, lambda: any(w in re.sub(r"\s+", "", text(app)) for w in wanted),
                    "the week's information line")
        shown = text(app)
        assert not re.search("[（）；、]", shown)


async def test_no_english_word_anywhere_in_chinese(app_for, db, county):
    """Each screen and dialog, F1 on them, the palette and the ctrl+c notice, in Chinese."""
    app = app_for(db)
    leaks: dict[str, set[str]] = {}

    def up(name: str, read=lambda screen: True):
        return on_top(app, name, read)

    def view(screen) -> bool:
        return screen.view is not None

    def expanded(shown: bool):
        """A Select's list is open (or closed)."""
        return lambda: any(s.expanded for s in app.screen.query(Select)) is shown

    def panel(shown: bool):
        return keys_panel(app, shown)

    async with app.run_test(size=(80, 24)) as pilot:

        look, with_keys_panel = tour(pilot, app, leaks)


        await until(pilot, up("HomeScreen"), "home")
        await with_keys_panel("home")
        await look("ctrl+c notice", "ctrl+c", ready=lambda: app._notifications)
        app.clear_notifications()

        await look("palette", "ctrl+p", ready=up("Palette"))
        palette = app.screen
        await look("palette opened", ready=lambda: palette.query_one(CommandList).option_count)
        await look("palette F1", "f1", ready=panel(True))
        await look("palette, nothing matches", *"0000", ready=lambda: palette.query_one(
            CommandList).option_count == 1 and palette.query_one(CommandList).get_option_at_index(
            0).id == palette._NO_MATCHES)
        await look("palette closed", "escape", ready=lambda: app.screen is not palette)
        assert not isinstance(app.screen, CommandPalette)

        await look("today", "f3", ready=up("TodayScreen", view))
        await with_keys_panel("today")
        await look("visit form", "enter", ready=up("VisitForm"))
        await with_keys_panel("visit form")
        await look("visit form closed", "escape", ready=up("TodayScreen"))
        await look("odometer", "s", ready=up("OdometerDialog"))
        await look("odometer F1", "f1", ready=panel(True))
        await look("odometer closed", "escape", ready=up("TodayScreen"))
        await look("off-route picker", "n", ready=up("CustomerPicker"))
        await look("off-route picker, nothing found", *"0000000")
        await look("off-route picker closed", "escape", ready=up("TodayScreen"))
        await look("route ridden", "r", ready=up("RoutePicker"))
        await look("route ridden closed", "escape", ready=up("TodayScreen"))
        # the visits below the route: the last of the morning was signed on paper
        await look("visits", "tab", *["down"] * 8)
        await look("new PIN", "k")
        await look("new PIN closed", "escape", ready=up("TodayScreen"))
        await look("back on the route", "shift+tab")
        await look("acknowledgement", "v", ready=up("AckDialog"))
        await with_keys_panel("acknowledgement")
        await look("acknowledgement closed", "escape", ready=up("TodayScreen"))

        await look("plan", "f4", ready=up("PlanScreen", view))
        await with_keys_panel("plan")
        await look("plan route picker", "r", ready=up("RoutePicker"))
        await look("plan route picker closed", "escape", ready=up("PlanScreen"))

        await look("customers", "f5", ready=up("CustomersScreen", lambda s: s.result))
        await with_keys_panel("customers")
        await look("customer", "down", "enter",
                   ready=up("CustomerDetailScreen", lambda s: s.detail))
        await with_keys_panel("customer")
        await look("proposal", "e", ready=up("ProposalDialog"))
        await look("proposal field list", "shift+tab", "enter",
                   ready=expanded(True))
        await look("proposal field list closed", "escape",
                   ready=expanded(False))
        await look("proposal closed", "escape", ready=up("CustomerDetailScreen"))
        await look("customers again", "escape", ready=up("CustomersScreen"))

        await look("information", "f6", ready=up("InformationScreen", lambda s: s.today))
        await with_keys_panel("information")
        await look("collect", "n", ready=up("CollectDialog"))
        await look("collect category list", "shift+tab", "shift+tab", "enter",
                   ready=expanded(True))
        await look("collect category list closed", "escape",
                   ready=expanded(False))
        await look("collect closed", "escape", ready=up("InformationScreen"))
        await look("organize", "o", ready=lambda: up("OrganizeDialog")() or str(
            app.screen.query_one("#info-msg").render()) == i18n.t("info.already_fed_back"))
        await look("organize closed", "escape", ready=up("InformationScreen"))

        await look("week", "f7", ready=up("WeekScreen", view))
        await with_keys_panel("week")

    assert leaks == {}


async def test_no_english_word_on_the_desk_in_chinese(app_for, db, county, tmp_path,
                                                     monkeypatch):
    """The county office's month (its table, bars, a manager's months, the reopening and the
    decision) and its county data in (a folder's sheets, a sheet's errors, the question before
    retiring), with F1 on each, in Chinese."""
    from datetime import date, datetime

    from kjtui.models import Manager, MonthlyScore
    from tests.test_county_import import BAD, xlsx

    for month in (date(2026, 3, 1), date(2026, 4, 1)):  # both in the bottom two twice: named
        for rank, code in enumerate(("KJ07", "KJ08"), start=1):
            MonthlyScore.create(manager=Manager.get(Manager.code == code), month=month, sales=0,
                                success=0, maintenance=0, review=0, checkin=0, spot_check=0,
                                training=0, total=90 - rank, rank=rank,
                                computed_at=datetime(2026, 5, 2))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "表格").mkdir()
    xlsx(tmp_path / "表格" / "客户.xlsx", "customers", BAD)
    app = app_for(db)
    leaks: dict[str, set[str]] = {}

    def up(name: str, read=lambda screen: True):
        return on_top(app, name, read)

    def panel(shown: bool):
        return keys_panel(app, shown)

    async with app.run_test(size=(80, 24)) as pilot:

        look, with_keys_panel = tour(pilot, app, leaks)


        await until(pilot, up("HomeScreen"), "home")
        month = up("MonthScreen", lambda s: s.view is not None)
        await look("month", "f10", ready=month)
        await with_keys_panel("month")
        await look("month sorted", "s", ready=lambda: app.screen.sort_by == "sales")
        await look("reopen", "r", ready=up("ReasonDialog"))
        await with_keys_panel("reopen")
        await look("reopen closed", "escape", ready=month)
        await look("decide", "d", ready=up("DecideDialog"))  # KJ07 is named by the rule
        await with_keys_panel("decide")
        await look("decide closed", "escape", ready=month)
        await look("month closed", "c", ready=lambda: "已结账" in text(app))

        await look("county data", "ctrl+d", ready=up("CountyDataScreen"))
        await with_keys_panel("county data")
        app.screen.query_one("#data-path").value = "表格"
        await look("county data folder", "enter", ready=lambda: "客户.xlsx" in text(app))
        await look("county data errors", "enter", ready=lambda: app.screen.preview)
        assert app.screen.query_one("#data-issues").row_count == 11
        await with_keys_panel("county data errors")
        await look("county data refused", "ctrl+s")
        await look("county data retire", "ctrl+g", "ctrl+b", ready=up("ConfirmDialog"))
        await look("county data retire answered", "n", ready=up("CountyDataScreen"))

    assert leaks == {}


def last_week(county) -> None:
    """A day of KJ07's the week before TODAY's, visited and not acknowledged: a week waiting in
    the county's review queue with a concern."""
    from datetime import datetime

    from kjtui.models import DayLog, Visit

    log = DayLog.create(manager=county.manager, day=TODAY.replace(day=6), owner="KJ07",
                        odometer_start=900, odometer_end=960)
    for n, customer in enumerate(county.customers.values()):
        at = datetime(2026, 5, 6, 9 + n)
        Visit.create(day=log, manager=county.manager, customer=customer, owner="KJ07",
                     on_route=True, arrived_at=at, departed_at=at, satisfaction=5)


async def test_no_english_word_in_review_in_chinese(app_for, db, county):
    """The county's review queue, the week under review (its records and concerns), marking a
    record, approving and returning, with F1 on each, in Chinese; and the sign-in a hub asks
    for, with a wrong password said."""
    from kjtui.services import accounts

    last_week(county)
    app = app_for(db)
    leaks: dict[str, set[str]] = {}

    def panel(shown: bool):
        return keys_panel(app, shown)

    def up(name: str, read=lambda screen: True):
        return on_top(app, name, read)

    async with app.run_test(size=(80, 24)) as pilot:

        look, with_keys_panel = tour(pilot, app, leaks)


        await until(pilot, up("HomeScreen"), "home")
        await look("review queue", "ctrl+y", ready=up("ReviewScreen", lambda s: s.rows))
        await with_keys_panel("review queue")
        await look("week under review", "enter", ready=up("WeekScreen", lambda s: s.review))
        await with_keys_panel("week under review")
        app.screen.query_one("#week-records").focus()
        await look("mark", "m", ready=up("MarkDialog"))
        await with_keys_panel("mark")
        await look("marked", *"漏签", "enter", ready=up("WeekScreen", lambda s: s.marks))
        await look("return", "x", ready=up("DecisionDialog"))
        await with_keys_panel("return")
        await look("return refused", "enter", ready=lambda: i18n.t("review.no_account") in
                   text(app))
        await look("return closed", "escape", ready=up("WeekScreen"))
        await look("approve", "a", ready=up("DecisionDialog"))
        await with_keys_panel("approve")
        await look("approve closed", "escape", ready=up("WeekScreen"))
        await look("queue again", "escape", ready=up("ReviewScreen"))
    assert leaks == {}

    accounts.add("刘明", "admin", "correct horse")  # a hub now: it asks who is there
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:

        look, with_keys_panel = tour(pilot, app, leaks)

        await look("sign-in", ready=up("SignInScreen"))
        await look("sign-in F1", "f1", ready=panel(True))
        await look("sign-in F1 closed", "f1", ready=panel(False))
        await look("sign-in wrong", *"刘明", "enter", *"nopenope", "enter",
                   ready=lambda: i18n.t("account.wrong") in text(app))
    assert leaks == {}


async def test_no_english_word_on_the_offices_screens_in_chinese(app_for, db, county):
    """The desk's spot checks (a week's sample, a visit's outcomes, the outcome's dialog and its
    lists), feedback (waiting, answered, the answer), proposals (old → new, the rejection) and
    talks (the lists, the last advice, the talk), with F1 on each, and what the station's Home
    shows of them, in Chinese."""
    from datetime import date, datetime

    from kjtui.models import MonthlyScore, Talk
    from kjtui.services import acting, customers, spot_desk

    april = date(2026, 4, 1)
    for rank, m in enumerate((county.manager, county.other), start=1):
        MonthlyScore.create(manager=m, month=april, sales=0, success=0, maintenance=0, review=0,
                            checkin=0, spot_check=0, training=0, total=90 - rank, rank=rank,
                            computed_at=datetime(2026, 5, 2))
    Talk.create(manager=county.manager, supervisor=county.supervisor, month=date(2026, 3, 1),
                held_on=date(2026, 4, 8), gains="销量完成", advice="按时报首末签到")
    Talk.create(manager=county.manager, supervisor=county.supervisor, month=april,
                held_on=date(2026, 5, 8), gains="拜访全覆盖", advice="纸质签名改用密码")
    customers.propose(county.customers["431322100003"].id, county.manager.id, "retail_format",
                      "convenience")
    sup = acting.supervisor_until_sign_in().id
    row = spot_desk.week(date(2026, 5, 11)).rows[0]
    spot_desk.record(row.visit_id, "phone", "unreachable", "", sup, now=datetime(2026, 5, 12, 9))
    spot_desk.record(row.visit_id, "onsite", "discrepancy", "店主说当天没来", sup,
                     now=datetime(2026, 5, 12, 15))
    app = app_for(db)
    leaks: dict[str, set[str]] = {}

    def up(name: str, read=lambda screen: True):
        return on_top(app, name, read)

    def panel(shown: bool):
        return keys_panel(app, shown)

    def expanded(shown: bool):
        return lambda: any(s.expanded for s in app.screen.query(Select)) is shown

    async with app.run_test(size=(80, 24)) as pilot:

        look, with_keys_panel = tour(pilot, app, leaks)


        await until(pilot, up("HomeScreen"), "home")
        await look("home: the county's word", ready=lambda: "县局抽检" in text(app)
                   and "整改建议" in text(app))

        loaded = up("SpotChecksScreen", lambda s: s.loaded)
        await look("spot checks, an empty week", "alt+s", ready=loaded)
        await look("spot checks", "right_square_bracket", ready=up("SpotChecksScreen",
                                                                   lambda s: s.shown))
        await with_keys_panel("spot checks")
        await look("spot outcome", "o", ready=up("SpotDialog"))
        await with_keys_panel("spot outcome")
        await look("spot outcome list", "enter", ready=expanded(True))
        await look("spot outcome list closed", "escape", ready=expanded(False))
        await look("spot outcome refused", "down", "enter", "ctrl+s")  # not confirmed, no note
        await look("spot outcome closed", "escape", ready=up("SpotChecksScreen"))

        await look("feedback", "alt+f", ready=up("FeedbackScreen", lambda s: s.shown))
        await with_keys_panel("feedback")
        await look("answer", "a", ready=up("TextDialog"))
        await with_keys_panel("answer")
        await look("answer refused", "ctrl+s")
        await look("answer closed", "escape", ready=up("FeedbackScreen"))
        await look("feedback answered", "s", ready=lambda: app.screen.view == "answered")

        await look("proposals", "alt+p", ready=up("ProposalsScreen", lambda s: s.shown))
        await with_keys_panel("proposals")
        await look("reject", "r", ready=up("TextDialog"))
        await look("reject refused", "ctrl+s")
        await look("reject closed", "escape", ready=up("ProposalsScreen"))
        await look("accepted", "a", ready=lambda: "没有待处理" in text(app))

        await look("talks", "alt+t", ready=up("TalksScreen", lambda s: s.shown))
        await with_keys_panel("talks")
        await look("talk held", "down", ready=lambda: "纸质签名改用密码" in text(app))
        await look("talk", "t", ready=up("TalkDialog"))
        await with_keys_panel("talk")
        await look("talk closed", "escape", ready=up("TalksScreen"))
        await look("talks, a month not closed", "left_square_bracket",
                   ready=lambda: "还没有结账" in text(app))

    assert leaks == {}


async def test_no_english_word_in_master_data_in_chinese(app_for, db, county):
    """基础数据: each tab with F1, each form, a choice's list, a refusal, the route picker, the
    rating of a lecture and an exam score, in Chinese."""
    app = app_for(db)
    leaks: dict[str, set[str]] = {}

    def up(name: str, read=lambda screen: True):
        return on_top(app, name, read)

    def panel(shown: bool):
        return keys_panel(app, shown)

    def tab(name: str):
        return up("MasterDataScreen", lambda s: s.tab == name)

    async with app.run_test(size=(80, 24)) as pilot:

        look, with_keys_panel = tour(pilot, app, leaks)


        async def form(where: str, *keys: str) -> None:
            await look(where, *keys, ready=up("RowDialog"))
            await with_keys_panel(where)

        await until(pilot, up("HomeScreen"), "home")
        await look("master data", "ctrl+e", ready=up("MasterDataScreen",
                                                     lambda s: "customers" in s.pages))
        await with_keys_panel("customers")
        await form("new customer", "ctrl+n")
        await look("customer refused", "ctrl+s", ready=lambda: app.screen.query_one(
            "#dialog-msg").has_class("error"))
        app.screen.query_one("#f-retail_format").focus()
        await look("a choice's list", "enter",
                   ready=lambda: any(s.expanded for s in app.screen.query(Select)))
        await look("the list closed", "escape", "escape", ready=up("MasterDataScreen"))
        await look("managers", "ctrl+t", ready=tab("managers"))
        await with_keys_panel("managers")
        await form("manager", "tab", "ctrl+o")
        await look("manager closed", "escape", ready=up("MasterDataScreen"))
        await look("routes", "ctrl+t", ready=tab("routes"))
        await with_keys_panel("routes")
        await look("stops", "tab", "ctrl+r", ready=up("RoutePicker"))
        await look("stops closed", "escape", ready=up("MasterDataScreen"))
        await form("route", "ctrl+n")
        await look("route closed", "escape", ready=up("MasterDataScreen"))
        await look("targets", "ctrl+t", ready=tab("targets"))
        await with_keys_panel("targets")
        await form("target", "ctrl+n")
        await look("target closed", "escape", ready=up("MasterDataScreen"))
        await look("training", "ctrl+t", ready=tab("training"))
        await with_keys_panel("training")
        await look("not a meeting", "ctrl+l")
        await form("session", "ctrl+n")
        app.screen.query_one("#f-topic").value = "卷烟营销政策"
        await look("session saved", "ctrl+s", ready=up("MasterDataScreen",
                                                       lambda s: len(s.sessions) == 1))
        await form("rating", "ctrl+l")
        await look("rating closed", "escape", ready=up("MasterDataScreen"))
        await form("exam score", "ctrl+g")
        await look("exam score closed", "escape", ready=up("MasterDataScreen"))

    assert leaks == {}


async def test_the_header_icon_says_open_the_palette_in_chinese_from_its_first_moment():
    """Textual's icon sets an English tooltip when mounted; ours has Chinese from the start
    (a screen read the moment it appeared, under load, once held the English one)."""
    from kjtui.widgets.header import Header

    class Bare(App):
        def compose(self):
            yield Header()

    i18n.set_language("zh")
    async with Bare().run_test() as pilot:
        icon = pilot.app.query_one("HeaderIcon")
        assert icon.tooltip == i18n.t("palette.open") == "打开命令面板"
