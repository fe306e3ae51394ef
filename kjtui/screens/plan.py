"""月计划: the month as a calendar; the manager puts a route on each day and sees, day by day,
planned customers visited (✓), missed (✗) and visited off the plan (+)."""

from __future__ import annotations

import calendar
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.display import clip
from kjtui.widgets.base import ChangeRefused, KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.notice import Notice
from kjtui.widgets.route_picker import NONE, RoutePicker

if TYPE_CHECKING:
    from kjtui.services.plan import MonthView
    from kjtui.services.session import ManagerInfo

CELL = 11  # 7 × 11 = 77 columns: the calendar fits 80; narrower screens get narrower days


@dataclass
class PlanLoaded(Message):
    manager: ManagerInfo | None
    view: MonthView | None
    today: date
    note: str  # a sentence to show (what was done, or why nothing is)
    error: bool


def read_month(month: date | None,
               change: Callable[[str, date], str | None] | None = None) -> PlanLoaded:
    """(In a worker, the notebook open.) Make the change if one is given — a function of the
    manager's id and today, returning what was done to say — then read the month."""
    from kjtui.services import plan, session

    manager = session.current_manager()
    today = session.today()
    if manager is None:
        return PlanLoaded(None, None, today, i18n.t("scr.no_manager"), True)
    note = (change(manager.id, today) or i18n.t("scr.saved")) if change is not None else ""
    return PlanLoaded(manager, plan.month_view(manager.id, month or today, today), today, note,
                      False)


def cell(p, today: date, width: int = CELL, lines: int = 2, prefix: str = "") -> Text:
    # The bold day number stands right before the route: 2 + 8 cells and a space between days.
    # Narrower days drop what all the manager's routes begin with ("奉家四线" → "四线").
    name = p.route_name[len(prefix):] if width < CELL and p.route_name else p.route_name
    route = clip(name or p.route_name, width - 3) if p.route_name else i18n.t("plan.no_route")
    text = Text(f"{p.day.day:>2}", style="bold")
    text.append(route, style="" if p.route_name else "dim")
    if lines > 1 and p.started and (p.planned or p.extra):
        gap = " " if width >= CELL else ""
        text.append(f"\n✓{p.visited}{gap}✗{p.missed}{gap}+{p.extra}",
                    style="red" if p.missed else "green")
    if p.day == today:
        text.stylize("reverse", 0, 2)
    elif not p.editable:
        text.stylize("dim")
    return text


def copied_text(r) -> str:
    """What a copy of the week did, and what it skipped and why (services.plan.CopyResult)."""
    text = i18n.t("plan.copied", filled=r.filled, changed=r.changed, unchanged=r.unchanged)
    why = [i18n.t(f"plan.skip.{reason}", n=getattr(r, reason))
           for reason in ("passed", "fixed", "no_route") if getattr(r, reason)]
    if why:
        text += i18n.t("plan.copy_skipped", n=r.skipped, why=i18n.t("scr.list_sep").join(why))
    return text


class PlanScreen(KjtuiScreen):
    KEYS = (
        Key("r", "pick", "plan.key.route"),  # enter too (the calendar's select)
        Key("x", "clear", "plan.key.clear"),
        Key("c", "copy", "plan.key.copy"),
        Key("s", "submit", "plan.key.submit"),
        Key("left_square_bracket", "month(-1)", "plan.key.prev"),
        Key("right_square_bracket", "month(1)", "plan.key.next"),
        Key("t", "this_month", "plan.key.today"),
    )

    def __init__(self):
        super().__init__()
        self.manager = None
        self.view = None
        self.today: date | None = None
        self.month: date | None = None
        self.cursor_day: date | None = None
        self.dialog_open = False
        self.shape = (0, 0)  # the calendar's (cell width, lines a week)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plan-title", classes="title")
        table = DataTable(id="calendar", cell_padding=0, show_row_labels=False)
        yield table
        yield Static("", id="plan-day")
        yield Notice("", id="plan-msg")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.fit_calendar(self.app.size.width, self.app.size.height)

    def on_resize(self, event) -> None:
        self.fit_calendar(event.size.width, event.size.height)

    def fit_calendar(self, width: int, height: int) -> None:
        """All 7 days in view at any width from 60 columns: narrower days under 80 columns;
        under 24 rows one line a week (the day's figures stay in the lines below)."""
        shape = (max(6, min(CELL, (width - 1) // 7)), 2 if height >= 24 else 1)
        if shape == self.shape:
            return
        self.shape = shape
        table = self.query_one("#calendar", DataTable)
        table.clear(columns=True)
        for i in range(7):
            table.add_column(i18n.pad(i18n.t(f"weekday.{i}"), shape[0] - 1, "^"), width=shape[0],
                             key=str(i))
        if self.view is not None:
            self.show_month()

    def on_screen_resume(self) -> None:
        """Shown again (first time, or back from Today): read the month afresh. Not when a
        dialog of ours closes: its own load follows it."""
        if self.dialog_open:
            self.dialog_open = False
        else:
            self.load(self.month)

    # --- work in a thread -------------------------------------------------------------------

    def load(self, month: date | None = None) -> None:
        self.call_service(lambda: read_month(month), group="plan", exclusive=True)

    def change(self, month: date | None, make: Callable[[str, date], str | None]) -> None:
        """Make a change, then show `month` as it now is: one worker, so that a month read
        before the change can never be shown after it."""
        self.call_service(lambda: read_month(month, make), group="plan", exclusive=True,
                          refusable=True)

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        if message.view is not None and self.month not in (None, message.view.month):
            return  # a month left behind by quick keys: a newer load is coming
        self.manager, self.view, self.today = message.manager, message.view, message.today
        self.say(message.note, message.error)
        if self.view is not None:
            self.show_month()

    def on_change_refused(self, message: ChangeRefused) -> None:
        self.query_one("#plan-msg", Notice).refused(message.refusal)
        if self.view is not None and self.view.month == self.month:
            self.show_month()  # nothing changed: the month as it is, the cursor back on its day

    def show_month(self) -> None:
        self.month = self.view.month
        if self.cursor_day is None or self.cursor_day.replace(day=1) != self.month:
            self.cursor_day = self.today if self.today.replace(day=1) == self.month else self.month
        at = self.view.submitted_at
        state = (i18n.t("plan.submitted", at=at.strftime("%m-%d %H:%M")) if at
                 else i18n.t("plan.draft"))
        self.query_one("#plan-title", Static).update(
            i18n.t("plan.title", month=self.month.strftime("%Y-%m")) + "   "
            + i18n.t("plan.legend") + "\n" + state)
        table = self.query_one("#calendar", DataTable)
        table.clear()
        by_day = {p.day: p for p in self.view.days}
        names = [r.name for r in self.view.routes]
        prefix = os.path.commonprefix(names) if len(names) > 1 else ""
        for week in calendar.Calendar().monthdatescalendar(self.month.year, self.month.month):
            cells = [cell(by_day[d], self.today, *self.shape, prefix) if d in by_day else Text("")
                     for d in week]
            table.add_row(*cells, height=self.shape[1], key=week[0].isoformat())
        self._place_cursor()
        table.focus()
        self.show_day()

    # --- the cursor is a day ----------------------------------------------------------------

    def _place_cursor(self) -> None:
        first = calendar.Calendar().monthdatescalendar(self.month.year, self.month.month)[0][0]
        offset = (self.cursor_day - first).days
        self.query_one("#calendar", DataTable).move_cursor(row=offset // 7, column=offset % 7)

    def _day_at(self, row: int, column: int) -> date | None:
        first = calendar.Calendar().monthdatescalendar(self.month.year, self.month.month)[0][0]
        d = first + timedelta(days=row * 7 + column)
        return d if d.replace(day=1) == self.month else None

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        if self.month is None:
            return
        d = self._day_at(event.coordinate.row, event.coordinate.column)
        if d is not None:
            self.cursor_day = d
        self.show_day()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        self.action_pick()

    def show_day(self) -> None:
        box = self.query_one("#plan-day", Static)
        p = self.view.day(self.cursor_day) if self.view and self.cursor_day else None
        if p is None:
            box.update("")
            return
        lines = [i18n.t("plan.day_line", day=p.day.isoformat(),
                        weekday=i18n.t(f"weekday.{p.day.weekday()}"),
                        route=p.route_name or i18n.t("plan.no_route"), planned=p.planned)]
        if p.started:
            actual = i18n.t("plan.actual_line", visited=p.visited, missed=p.missed, extra=p.extra)
            if p.ridden_route_name and p.ridden_route_name != p.route_name:
                actual += "  " + i18n.t("plan.ridden", route=p.ridden_route_name)
            lines.append(actual)
        if p.missed_names:
            names = i18n.t("scr.name_sep").join(p.missed_names)
            lines.append(clip(i18n.t("plan.missed_names", names=names), (self.size.width or 80) - 4,
                              ellipsis=True))
        box.update(Text("\n".join(lines)))

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#plan-msg", Notice).say(text, error)

    # --- actions ----------------------------------------------------------------------------

    def action_pick(self) -> None:
        if self.view is None or self.cursor_day is None:
            return
        if not self.view.routes:
            self.say(i18n.t("plan.no_routes"), True)
            return
        day, month = self.cursor_day, self.month

        def chosen(route_id: str | None) -> None:
            if route_id is not None:
                self.assign(month, day, None if route_id == NONE else route_id)

        p = self.view.day(day)
        self.dialog_open = True
        self.app.push_screen(RoutePicker(
            i18n.t("plan.pick_title", day=day.isoformat()), self.view.routes,
            current=p.route_id if p else None, none_label=i18n.t("plan.pick_none")), chosen)

    def assign(self, month: date, day: date, route_id: str | None) -> None:
        """Plan a route on a day (also what a test or the palette can call directly)."""
        from kjtui.services import plan

        self.change(month, lambda manager_id, today: plan.assign(
            manager_id, month, day, route_id, today))

    def action_clear(self) -> None:
        if self.cursor_day is not None:
            self.assign(self.month, self.cursor_day, None)

    def action_copy(self) -> None:
        from kjtui.services import periods, plan

        if self.cursor_day is None:
            return
        month = self.month
        monday = periods.monday_of(self.cursor_day)
        self.change(month, lambda manager_id, today: copied_text(
            plan.copy_week(manager_id, month, monday, today)))

    def action_submit(self) -> None:
        """提交, after a question when the plan leaves days or customers unplanned."""
        from kjtui.services import plan

        if self.month is None:
            return
        month = self.month

        def submit(confirmed: frozenset[str]) -> PlanLoaded:
            return read_month(month, lambda manager_id, today: plan.submit(
                manager_id, month, today, confirmed=confirmed)
                and i18n.t("plan.submit_done", month=month.strftime("%Y-%m")))

        self.call_confirmable(submit, group="plan", exclusive=True)

    def action_month(self, step: int) -> None:
        from kjtui.services.periods import add_months

        if self.month is not None:
            self.cursor_day = None
            self.month = add_months(self.month, step)  # now: quick presses each count
            self.load(self.month)

    def action_this_month(self) -> None:
        self.cursor_day = self.month = None
        self.load()
