"""批阅 on the county office's desk: the queue of every manager's weeks not yet reviewed, oldest
first — new, or back corrected — with what arrived since this account last looked and the
supervisor each manager is assigned to. Enter (or o) opens the week under review: the Week
screen for that manager, with the code's concerns and the approve and return keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.base import ChangeRefused, KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.notice import Notice
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.review import QueueRow


@dataclass
class QueueLoaded(Message):
    rows: list[QueueRow]
    today: date


def read_queue(account: str | None) -> QueueLoaded:
    from kjtui.services import review, session

    today = session.today()
    return QueueLoaded(review.queue(account, today), today)


def account_name(app) -> str | None:
    """The account signed in at this keyboard (None: a database that asks for none)."""
    account = getattr(app, "account", None)
    return account.name if account else None


class ReviewScreen(KjtuiScreen):
    KEYS = (
        Key("o", "open_week", "review.key.open"),
        Key("g", "reload", "review.key.reload"),
    )

    def __init__(self):
        super().__init__()
        self.rows: list[QueueRow] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="review-title", classes="title")
        table = Table(id="review-table", cursor_type="row")
        for key, width, narrowest in (
                ("review.col.week", 5, 5), ("review.col.code", 6, 4), ("review.col.name", 8, 4),
                ("review.col.state", 6, 4), ("review.col.days", 3, 2),
                ("review.col.visits", 4, 3), ("review.col.arrived", 4, 3),
                ("review.col.supervisor", 8, 4)):
            table.add_column(i18n.t(key), width=width, min_width=narrowest)
        yield table
        yield Notice("", id="review-msg")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.load()  # back from a week: it may have left the queue

    def load(self) -> None:
        account = account_name(self.app)
        self.call_service(lambda: read_queue(account), group="review-queue", exclusive=True)

    def action_reload(self) -> None:
        self.load()

    def action_open_week(self) -> None:
        from kjtui.screens.week import WeekScreen

        row = self.current_row()
        if row is None:
            return
        self.app.push_screen(WeekScreen(manager_id=row.manager_id, monday=row.monday,
                                        account=account_name(self.app)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_week()

    def on_change_refused(self, message: ChangeRefused) -> None:
        self.query_one("#review-msg", Notice).refused(message.refusal)

    def current_row(self) -> QueueRow | None:
        table = self.query_one("#review-table", DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        keep = self.current_row()
        self.rows = message.rows
        account = getattr(self.app, "account", None)
        who = account.name if account else i18n.t("review.nobody")
        self.query_one("#review-title", Static).update(Text(i18n.t(
            "review.title", n=len(message.rows), who=who)))
        table = self.query_one("#review-table", Table)
        table.clear()
        for r in message.rows:
            state = Text(i18n.t("review.state.corrected" if r.state == "corrected"
                                else "review.state.new"),
                         style="bold yellow" if r.state == "corrected" else "")
            table.add_row(f"{r.monday:%m-%d}", r.code, Text(r.name), state, str(r.days),
                          str(r.visits), f"+{r.arrived}" if r.arrived else "",
                          Text(r.supervisor or "—"), key=f"{r.manager_id}:{r.monday}")
        for i, r in enumerate(message.rows):
            if keep and (r.manager_id, r.monday) == (keep.manager_id, keep.monday):
                table.move_cursor(row=i)
        self.query_one("#review-msg", Notice).say(
            "" if message.rows else i18n.t("review.empty"))
