"""信息: the items the manager collected, by state (collected → organized → fed back); `n`
collects one, `o` organizes the highlighted one (not once the county fed back: refused before
any dialog opens), `s` steps the state filter (all → collected → organized → fed back); the
county's feedback shows when it arrives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static, Tab, Tabs

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.base import KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.info_dialog import CollectDialog, OrganizeDialog
from kjtui.widgets.notice import Notice
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.information import InfoLine
    from kjtui.services.session import ManagerInfo

STATES = ("collected", "organized", "fed_back")


@dataclass
class InfoLoaded(Message):
    manager: ManagerInfo | None
    items: list[InfoLine]
    today: date
    note: str = ""


def read_items(note: str) -> InfoLoaded:
    from kjtui.services import information, session

    manager = session.current_manager()
    items = information.items(manager.id) if manager else []
    return InfoLoaded(manager, items, session.today(), note)


class InformationScreen(KjtuiScreen):
    KEYS = (
        Key("n", "collect", "info.key.new"),
        Key("o", "organize", "info.key.organize"),
        Key("s", "next_filter", "info.key.filter"),
    )

    def __init__(self):
        super().__init__()
        self.manager = None
        self.all: list = []
        self.shown: list = []
        self.today = None
        self.dialog_open = False

    def compose(self) -> ComposeResult:
        from kjtui.services.information import INFO_CATEGORIES

        yield Header()
        yield Tabs(Tab(i18n.t("info.tab.all", n=0), id="all"),
                   *[Tab(i18n.t("info.tab.state", state=i18n.choice("info_state", s), n=0), id=s)
                     for s in STATES], id="info-tabs")
        table = Table(id="info-table", cursor_type="row")
        # The category and state columns as wide as their words in this language; the content
        # takes what is left of 80 columns.
        category = max(i18n.display_width(i18n.choice("info_category", c))
                       for c in INFO_CATEGORIES)
        state = max(i18n.display_width(i18n.choice("info_state", s)) for s in STATES)
        for key, width in (("info.col.date", 10), ("info.col.category", category),
                           ("info.col.state", state),
                           ("info.col.content", 44 - category - state),
                           ("info.col.customer", 12)):
            table.add_column(i18n.t(key), width=width, min_width=width if width < 12 else 6)
        yield table
        yield Static("", id="info-detail")
        yield Notice("", id="info-msg")
        yield Footer(compact=True)

    def on_screen_resume(self) -> None:
        """Shown again (first time, or back from Today): read afresh, unless one of our dialogs
        just closed (its own load follows it)."""
        if self.dialog_open:
            self.dialog_open = False
        else:
            self.load()

    def load(self, note: str = "") -> None:
        """Read the items; `note` says what was just done."""
        self.call_service(lambda: read_items(note), group="info", exclusive=True)

    def on_info_loaded(self, message: InfoLoaded) -> None:
        self.manager, self.all, self.today = message.manager, message.items, message.today
        tabs = self.query_one("#info-tabs", Tabs)
        tabs.query_one("#all", Tab).label = i18n.t("info.tab.all", n=len(self.all))
        for s in STATES:
            n = sum(1 for i in self.all if i.state == s)
            tabs.query_one(f"#{s}", Tab).label = i18n.t(
                "info.tab.state", state=i18n.choice("info_state", s), n=n)
        self.say(message.note if self.manager else i18n.t("scr.no_manager"),
                 error=self.manager is None)
        self.fill()

    def fill(self) -> None:
        tab = self.query_one("#info-tabs", Tabs).active or "all"
        self.shown = [i for i in self.all if tab == "all" or i.state == tab]
        table = self.query_one("#info-table", DataTable)
        table.clear()
        for i in self.shown:
            table.add_row(i.collected_on.isoformat(), i18n.choice("info_category", i.category),
                          i18n.choice("info_state", i.state), Text(i.content.replace("\n", " ")),
                          Text(i.customer_name), key=i.id)
        self.show_detail()

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if self.today is not None:
            self.fill()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def current(self):
        table = self.query_one("#info-table", DataTable)
        if not self.shown or table.cursor_row < 0:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def show_detail(self) -> None:
        box = self.query_one("#info-detail", Static)
        i = self.current()
        if i is None:
            box.update(i18n.t("info.none") if not self.all else "")
            return
        text = i18n.t("info.detail", category=i18n.choice("info_category", i.category),
                      state=i18n.choice("info_state", i.state), date=i.collected_on.isoformat(),
                      customer=f" · {i.customer_name}" if i.customer_name else "",
                      content=i.content)
        if i.summary:
            text += "\n" + i18n.t("info.detail.summary", summary=i.summary)
        for f in i.feedback:
            text += "\n" + i18n.t("info.detail.feedback", who=f.supervisor or "—",
                                  at=f.at.strftime("%m-%d"), text=f.text)
        box.update(Text(text))

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#info-msg", Notice).say(text, error)

    def action_next_filter(self) -> None:
        """The next tab: all → collected → organized → fed back → all."""
        tabs = self.query_one("#info-tabs", Tabs)
        tabs.action_next_tab()

    def action_collect(self) -> None:
        if self.manager is None:
            return
        self.dialog_open = True
        self.app.push_screen(CollectDialog(self.manager.id, self.today),
                             lambda r: r and self.load(i18n.t("info.collected")))

    def action_organize(self) -> None:
        i = self.current()
        if i is None:
            self.say(i18n.t("info.nothing_selected"), True)
            return
        if not i.can_organize:
            self.say(i18n.t("info.already_fed_back"), True)
            return
        self.dialog_open = True
        self.app.push_screen(OrganizeDialog(i.id, i.summary or i.content),
                             lambda r: r and self.load(i18n.t("info.organized")))
