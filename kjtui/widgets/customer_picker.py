"""Pick a customer by licence number, name or pinyin: type, the list follows; enter takes the
highlighted one. Off the route (Today's `n`), and when a name typed elsewhere matches several
customers (collecting information: the list starts from what was typed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.base import KjtuiModal
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.search import CustomerRow


@dataclass
class HitsFound(Message):
    text: str
    hits: list[CustomerRow]


class CustomerPicker(KjtuiModal):
    """`search(text)` → the customers found; dismissed with the one taken, or None."""

    KEYS = (Key("enter", "pick", "key.pick"), Key("escape", "cancel", "key.cancel"),
            Key("down", "move(1)", "key.pick", show=False),
            Key("up", "move(-1)", "key.pick", show=False))

    def __init__(self, search: Callable[[str], list[CustomerRow]], query: str = "",
                 title: str = "pick.title"):
        """`query`: what the list starts from; `title`: the catalog key of the title, which may
        name the query."""
        super().__init__()
        self.search = search
        self.start = query
        self.title_key = title
        self.hits: list[CustomerRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="customer-picker"):
            yield Static(i18n.t(self.title_key, query=self.start), classes="title")
            # Typing goes on from the query it starts from, rather than replacing it.
            yield Input(self.start, id="query", select_on_focus=False)
            table = Table(id="hits", cursor_type="row")
            table.add_columns(i18n.t("col.licence"), i18n.t("col.shop"), i18n.t("col.owner"),
                              i18n.t("col.township"))
            yield table
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()
        if self.start:
            self.find(self.start)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.find(event.value)

    def find(self, text: str) -> None:
        self.call_service(lambda: self.search(text), lambda hits: HitsFound(text, hits),
                          group="pick", exclusive=True)

    def on_hits_found(self, message: HitsFound) -> None:
        if message.text != self.query_one("#query", Input).value:
            return  # typed on since
        self.hits = message.hits
        table = self.query_one("#hits", DataTable)
        table.clear()
        for h in self.hits:
            table.add_row(h.licence_no, Text(h.shop_name), Text(h.owner_name), Text(h.township))
        none = message.text.strip() and not self.hits
        self.query_one("#dialog-msg", Static).update(i18n.t("pick.none") if none else "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_pick()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_pick()

    def action_pick(self) -> None:
        if self.hits:
            row = self.query_one("#hits", DataTable).cursor_row
            self.dismiss(self.hits[min(max(row, 0), len(self.hits) - 1)])

    def action_move(self, step: int) -> None:
        table = self.query_one("#hits", DataTable)
        table.move_cursor(row=table.cursor_row + step)

    def action_cancel(self) -> None:
        self.dismiss(None)
