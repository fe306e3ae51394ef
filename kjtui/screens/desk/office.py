"""What the county office's list screens share (spot checks, feedback, proposals, talks): a
title, a table of what waits, the detail of the row under the cursor, the line that says what
was done, and the supervisor the desk acts as (the app's `desk_supervisor`, the signed-in
account's; where nobody signs in, kjtui.services.acting's stand-in)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from kjtui import i18n
from kjtui.widgets.base import ChangeRefused, KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.notice import Notice
from kjtui.widgets.table import Table


def acting(app) -> str | None:
    """The supervisor's id the app holds (None: the stand-in acts). Read in a worker as
    `supervisor_id(app)`."""
    return getattr(app, "desk_supervisor", None)


def supervisor_id(app) -> str | None:
    """In a worker: the id of the supervisor the desk acts as."""
    from kjtui.services import acting as service

    info = service.acting(acting(app), signed_in=getattr(app, "account", None) is not None)
    return info.id if info else None


class OfficeScreen(KjtuiScreen):
    """A list screen of the desk. Subclasses give COLUMNS ((catalog key, width, min width), …)
    and fill the table with `show_rows`."""

    COLUMNS: Sequence[tuple[str, int, int]] = ()

    def __init__(self):
        super().__init__()
        self.shown: list = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="office-title", classes="title")
        table = Table(id="office-table", cursor_type="row")
        for key, width, narrowest in self.columns():
            table.add_column(i18n.t(key), width=width, min_width=narrowest)
        yield table
        yield Notice("", id="office-msg")
        with VerticalScroll(id="office-body"):
            yield Static("", id="office-detail")
        yield Footer(compact=True)

    def columns(self) -> Sequence[tuple[str, int, int]]:
        return self.COLUMNS

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        """Back from another place: read again (back from a dialog: what it did reads again)."""
        if not self.dialog_open and self.loaded:
            self.load()
        self.dialog_open = False

    def load(self) -> None:
        """Subclasses read what they show."""

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#office-msg", Notice).say(text, error)

    def on_change_refused(self, message: ChangeRefused) -> None:
        self.query_one("#office-msg", Notice).refused(message.refusal)

    def title_line(self, text: str) -> None:
        self.query_one("#office-title", Static).update(Text(text))

    def current(self):
        table = self.query_one("#office-table", DataTable)
        if not self.shown or table.cursor_row is None or table.cursor_row < 0:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def show_rows(self, rows: list, key: Callable, cells: Callable) -> None:
        """Fill the table with `rows` (`cells(row)` its cells), the cursor kept on the row of the
        same `key(row)` when there still is one."""
        table = self.query_one("#office-table", Table)
        keep = self.current()
        keep_key = key(keep) if keep is not None else None
        table.clear()
        self.shown = rows
        for r in rows:
            table.add_row(*cells(r), key=key(r))
        for i, r in enumerate(rows):
            if key(r) == keep_key:
                table.move_cursor(row=i)
                break
        self.loaded = True
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """enter or a click on the row under the cursor: the screen's main action."""
        self.act_on_row()

    def act_on_row(self) -> None:
        """Subclasses: what enter on a row does."""

    def show_detail(self) -> None:
        row = self.current()
        self.query_one("#office-detail", Static).update(
            self.detail(row) if row is not None else Text(self.empty_text()))

    def detail(self, row) -> Text:
        return Text("")

    def empty_text(self) -> str:
        return ""
