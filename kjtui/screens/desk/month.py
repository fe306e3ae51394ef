"""月度考核 on the county office's desk: the month's ranking as the records are now, each score
drawn as a bar of its parts (what each adds to the total), sortable by any part; the manager under
the cursor opened into his parts with the records behind them and his twelve months against the
elimination line; the close, a reopening with its reason, and the decision on a manager the rule
names, each by a key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.base import ChangeRefused, KjtuiScreen
from kjtui.widgets.desk_dialogs import DecideDialog, ReasonDialog
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.notice import Notice
from kjtui.widgets.stacked_bars import StackedBars, segments
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.month_desk import DeskMonth, ManagerView

LINE_WIDTH = 16  # the rank strip of one month


@dataclass
class MonthLoaded(Message):
    view: DeskMonth


@dataclass
class ManagerLoaded(Message):
    month: date
    manager_id: str
    view: ManagerView


@dataclass
class MonthChanged(Message):
    text: str
    month: date


def last_month(today: date) -> date:
    return date(today.year - (today.month == 1), 12 if today.month == 1 else today.month - 1, 1)


def step(month: date, n: int) -> date:
    k = month.year * 12 + month.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def read_month(month: date | None) -> MonthLoaded:
    from kjtui.services import month_desk, session

    return MonthLoaded(month_desk.month_view(month or last_month(session.today())))


def sort_rows(rows, by: str) -> list:
    """Ranked first, best first by `by` (a missing part last), then the unranked."""
    def key(r):
        value = r.total if by == "total" else r.parts[by]
        return (r.rank == 0, value is None, -(value or 0.0), r.rank, r.code)

    return sorted(rows, key=key)


def figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def strip(mark, bottom_two: int) -> Text:
    """Where the manager stood among those ranked: ● on a line from first (left) to last
    (right), the cells of the bottom two (the elimination line) shaded."""
    n = max(mark.ranked, 1)
    text = Text()
    line = LINE_WIDTH - 1
    at = 0 if n == 1 else round((mark.rank - 1) / (n - 1) * line)
    danger = line + 1 if n <= bottom_two else round((n - bottom_two) / max(n - 1, 1) * line)
    for x in range(LINE_WIDTH):
        if x == at:
            text.append("●", style="bold red" if mark.bottom else "bold")
        elif x >= danger:
            text.append("░", style="red")
        else:
            text.append("·", style="dim")
    return text


class MonthScreen(KjtuiScreen):
    KEYS = (
        Key("left_square_bracket", "month(-1)", "desk.key.prev"),
        Key("right_square_bracket", "month(1)", "desk.key.next"),
        Key("s", "sort", "desk.key.sort"),
        Key("c", "close", "desk.key.close"),
        Key("r", "reopen", "desk.key.reopen"),
        Key("d", "decide", "desk.key.decide"),
        Key("x", "write_report", "desk.key.report"),
    )

    def __init__(self):
        super().__init__()
        self.month: date | None = None
        self.view: DeskMonth | None = None
        self.sort_by = "total"
        self.shown: list = []  # the rows in the order of the table

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="desk-title", classes="title")
        table = Table(id="desk-table", cursor_type="row")
        for key, width, narrowest in (("month.col.rank", 4, 3), ("month.col.code", 6, 5),
                                      ("month.col.name", 8, 4), ("month.col.total", 6, 5),
                                      ("desk.col.sorted", 10, 6), ("desk.col.note", 16, 6)):
            table.add_column(i18n.t(key), width=width, min_width=narrowest)
        yield table
        yield Notice("", id="desk-msg")
        with VerticalScroll(id="desk-body"):
            yield StackedBars(id="desk-chart")
            yield Static("", id="desk-manager")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        if not self.dialog_open:
            self.load(self.month)
        self.dialog_open = False

    def load(self, month: date | None = None) -> None:
        self.call_service(lambda: read_month(month), group="desk-month", exclusive=True)

    # --- keys ---------------------------------------------------------------------------------

    def action_month(self, n: int) -> None:
        if self.month is not None:
            self.month = step(self.month, n)  # now: quick keys each count
            self.load(self.month)

    def action_sort(self) -> None:
        """Total, then each part in the rules' order, then the total again."""
        if self.view is None:
            return
        sorts = ["total", *self.view.weights]
        self.sort_by = sorts[(sorts.index(self.sort_by) + 1) % len(sorts)]
        self.show_month(self.view)

    def action_close(self) -> None:
        from kjtui.services import month_desk

        month = self.month
        if month is None:
            return
        self.say(i18n.t("desk.closing", month=f"{month:%Y-%m}"))
        self.call_service(lambda: month_desk.close(month), self.closed, group="desk-write",
                          refusable=True)

    def closed(self, result) -> MonthChanged:
        text = i18n.t(f"desk.outcome.{result.outcome}", month=f"{result.month:%Y-%m}",
                      run=result.run, n=sum(1 for s in result.scores if s.rank),
                      changed=len(result.changes))
        return MonthChanged(text, result.month)

    def action_reopen(self) -> None:
        from kjtui.services import month_desk

        month = self.month
        if month is None:
            return

        def save(reason: str, by: str):
            return month_desk.reopen(month, reason=reason, by=by)

        def done(c) -> None:
            self.dialog_open = False
            if c is not None:
                self.post_message(MonthChanged(i18n.t("month.reopened", month=f"{month:%Y-%m}",
                                                      run=c.run, reason=c.reason), month))

        self.dialog_open = True
        account = getattr(self.app, "account", None)
        self.app.push_screen(ReasonDialog(i18n.t("desk.reopen_title", month=f"{month:%Y-%m}"),
                                          save, account.name if account else ""), done)

    def action_decide(self) -> None:
        from kjtui.services import month_desk, session

        row = self.current_row()
        month = self.month
        if row is None or month is None:
            return
        if not row.candidate:
            self.say(i18n.t("month.not_a_candidate", code=row.code, month=f"{month:%Y-%m}"),
                     error=True)
            return

        def save(status: str, by: str, on: date, hand_to: str):
            return month_desk.decide(month, row.code, status, by=by, on=on, hand_to=hand_to)

        def done(d) -> None:
            self.dialog_open = False
            if d is not None:
                text = i18n.t("staff.status_changed", code=d.code,
                              status=i18n.choice("status", d.status), on=d.on)
                self.post_message(MonthChanged(text, month))

        self.dialog_open = True
        account = getattr(self.app, "account", None)
        self.app.push_screen(DecideDialog(row.code, row.name, row.choices, session.today(),
                                          save, account.supervisor if account else ""), done)

    def action_write_report(self) -> None:
        """The month as a workbook for the general office (kjtui.reports), said where."""
        month = self.month
        if month is None:
            return

        def write() -> MonthChanged:
            from kjtui import reports

            path = reports.write_month(month)
            return MonthChanged(i18n.t("desk.report_written", path=str(path)), month)

        self.say(i18n.t("desk.report_writing", month=f"{month:%Y-%m}"))
        self.call_service(write, group="desk-report", refusable=True)

    # --- messages -----------------------------------------------------------------------------

    def on_month_loaded(self, message: MonthLoaded) -> None:
        v = message.view
        if self.month is not None and v.month != self.month:
            return  # left behind by quick keys: a newer load is coming
        self.month, self.view = v.month, v
        self.show_month(v)

    def on_month_changed(self, message: MonthChanged) -> None:
        self.say(message.text)
        self.load(message.month)

    def on_change_refused(self, message: ChangeRefused) -> None:
        self.query_one("#desk-msg", Notice).refused(message.refusal)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.current_row()
        if row is None or self.month is None:
            return
        from kjtui.services import month_desk

        month, manager_id = self.month, row.manager_id
        self.call_service(lambda: ManagerLoaded(month, manager_id,
                                                month_desk.manager_view(month, manager_id)),
                          group="desk-manager", exclusive=True)

    def on_manager_loaded(self, message: ManagerLoaded) -> None:
        row = self.current_row()
        if row is None or row.manager_id != message.manager_id or message.month != self.month:
            return
        self.query_one("#desk-manager", Static).update(manager_text(row, message.view))

    # --- drawing ------------------------------------------------------------------------------

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#desk-msg", Notice).say(text, error)

    def current_row(self):
        table = self.query_one("#desk-table", DataTable)
        if not self.shown or table.cursor_row is None or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def show_month(self, v: DeskMonth) -> None:
        month = f"{v.month:%Y-%m}"
        state = i18n.t(f"desk.state.{v.state}", run=v.run, reason=v.reason)
        sort = i18n.t("month.col.total" if self.sort_by == "total"
                      else f"score.short.{self.sort_by}")
        self.query_one("#desk-title", Static).update(
            Text(i18n.t("desk.title", month=month, state=state, sort=sort)))
        table = self.query_one("#desk-table", Table)
        keep = self.current_row()
        table.clear()
        self.shown = sort_rows(v.rows, self.sort_by)
        for r in self.shown:
            value = r.total if self.sort_by == "total" else r.parts[self.sort_by]
            table.add_row(str(r.rank) if r.rank else "—", r.code, Text(r.name), f"{r.total:.1f}",
                          figure(value), note(r), key=r.manager_id)
        if keep is not None:
            for i, r in enumerate(self.shown):
                if r.manager_id == keep.manager_id:
                    table.move_cursor(row=i)
        parts = list(v.weights)
        legend = [i18n.t(f"score.short.{p}") for p in parts]
        chart = self.query_one("#desk-chart", StackedBars)
        chart.show(i18n.t("desk.chart"), legend,
                   [(f"{r.code} {r.name}", [r.shares[p] for p in parts],
                     f"{r.total:5.1f} " + (f"#{r.rank}" if r.rank else "—"))
                    for r in self.shown])
        if not self.shown:
            self.query_one("#desk-manager", Static).update(i18n.t("desk.nobody"))


def note(r) -> str:
    if r.candidate:
        return i18n.t("desk.note.candidate", status=i18n.choice("status", r.candidate))
    if r.warning:
        return i18n.t("desk.note.warning")
    if r.unranked:
        return i18n.t("desk.note.unranked")
    return ""


def manager_text(row, view: ManagerView) -> Text:
    """The manager's parts (figure, what it adds, its records) and his twelve months."""
    text = Text(i18n.t("desk.manager", code=view.code, name=view.name,
                       total=row.total) + "\n", style="bold")
    if row.unranked:
        text.append(i18n.t(f"score.unranked.{row.unranked}") + "\n", style="dim")
    if row.warning:
        months = i18n.t("scr.list_sep").join(f"{m:%Y-%m}" for m in row.warning_months)
        text.append(i18n.t(f"month.warning.{row.warning}", code=row.code, name=view.name,
                           months=months) + "\n", style="red")
    for p in row.parts:
        records = view.records.get(p, {})
        counts = i18n.t("scr.list_sep").join(
            i18n.t("desk.records", kind=i18n.t(f"desk.kind.{k}"), n=n) for k, n in records.items())
        line = i18n.t("desk.part", part=i18n.t(f"score.part.{p}"), score=figure(row.parts[p]),
                      share=row.shares[p])
        text.append(line)
        if p in row.missing:
            text.append("  " + i18n.t(f"score.missing.{row.missing[p]}"), style="dim")
        elif counts:
            text.append("  " + counts, style="dim")
        text.append("\n")
    if view.months:
        text.append("\n" + i18n.t("desk.twelve", n=view.bottom_two) + "\n", style="bold")
        for m in view.months:
            text.append(f"{m.month:%Y-%m} ")
            filled = segments([m.total], 100.0, 10)[0]
            text.append("█" * filled + " " * (10 - filled), style="green")
            text.append(f" {m.total:5.1f} #{m.rank}/{m.ranked} ")
            text.append_text(strip(m, view.bottom_two))
            if m.provisional:
                text.append(i18n.t("home.score_provisional"), style="dim")
            text.append("\n")
    return text
