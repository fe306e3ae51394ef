"""工作本: the week as the supervisor will read it — plan against route, visits, sign-offs,
mileage and information day by day, a bar chart of households and kilometres, and the review
with the exact records a returned week asks to correct."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.display import paren
from kjtui.widgets.base import ChangeRefused, KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.session import ManagerInfo
    from kjtui.services.week import WeekView

BARS = " ▁▂▃▄▅▆▇█"


@dataclass
class WeekLoaded(Message):
    manager: ManagerInfo | None
    view: WeekView | None
    today: date


@dataclass
class ReportWritten(Message):
    path: str


def write_report(code: str, monday: date) -> ReportWritten:
    from kjtui import reports
    from kjtui.services import session

    return ReportWritten(str(reports.write_week(code, monday, session.today())))


def read_week(monday: date | None) -> WeekLoaded:
    from kjtui.services import session, week

    manager = session.current_manager()
    today = session.today()
    view = week.week_notebook(manager.id, monday or today, today) if manager else None
    return WeekLoaded(manager, view, today)


def bars(values: list[int | None]) -> str:
    """One block character per value, as tall as its share of the largest (3 cells a day)."""
    top = max([v or 0 for v in values] + [1])
    return "".join(f" {BARS[round((v or 0) / top * (len(BARS) - 1))] * 2}" for v in values)


def chart(view) -> Text:
    days = [d.figures for d in view.days]
    head = "".join(f" {i18n.pad(i18n.t(f'weekday.{i}'), 2)}" for i in range(7))
    rows = [
        (i18n.t("week.chart.households"), [f.households for f in days]),
        (i18n.t("week.chart.mileage"), [f.mileage for f in days]),
    ]
    width = max(i18n.display_width(label) for label, _ in rows) + 1
    text = Text(i18n.pad("", width) + head + "\n", style="dim")
    for label, values in rows:
        text.append(i18n.pad(label, width))
        text.append(bars(values), style="cyan")
        text.append("  " + " ".join("—" if v is None else str(v) for v in values) + "\n")
    return text


def flag_text(f) -> str:
    kind = i18n.t(f"kind.{f.kind}")
    if not f.found:
        return "• " + i18n.t("week.flag_missing", kind=kind, id=f.record_id[:8]) + f" — {f.reason}"
    when = " ".join(x for x in (f.day.isoformat() if f.day else "",
                                f.at.strftime("%H:%M") if f.at else "") if x)
    what = " ".join(x for x in (when, f.customer, f.detail) if x)
    return f"• {kind} {what} — {f.reason}"


class WeekScreen(KjtuiScreen):
    KEYS = (
        Key("left_square_bracket", "week(-1)", "week.key.prev"),
        Key("right_square_bracket", "week(1)", "week.key.next"),
        Key("t", "this_week", "week.key.today"),
        Key("r", "write_report", "week.key.report"),
    )

    def __init__(self):
        super().__init__()
        self.monday: date | None = None
        self.view = None
        self.week_manager = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="week-title", classes="title")
        table = Table(id="week-days", cursor_type="row")
        # (column, width, narrowest: under 80 columns the route names give way first)
        for key, width, narrowest in (
                ("week.col.day", 8, 8), ("week.col.plan", 10, 6), ("week.col.ridden", 8, 4),
                ("week.col.households", 3, 2), ("week.col.pva", 8, 6), ("week.col.ack", 8, 5),
                ("week.col.km", 4, 3), ("week.col.checkin", 13, 13)):
            table.add_column(i18n.t(key), width=width, min_width=narrowest)
        yield table
        with VerticalScroll(id="week-body"):
            yield Notice("", id="week-msg")
            yield Static("", id="week-chart")
            yield Static("", id="week-totals")
            yield Static("", id="week-review")
        yield Footer(compact=True)

    def on_screen_resume(self) -> None:
        self.load(self.monday)  # shown again: the day's visits may have changed the week

    def load(self, monday: date | None = None) -> None:
        self.call_service(lambda: read_week(monday), group="week", exclusive=True)

    def action_week(self, step: int) -> None:
        if self.monday is not None:
            # Move now, not when the load comes back: keys pressed quickly each count.
            self.monday += timedelta(days=7 * step)
            self.load(self.monday)

    def action_this_week(self) -> None:
        self.monday = None
        self.load()

    def action_write_report(self) -> None:
        """The week on screen as a printable page (kjtui.reports), written where it says."""
        if self.view is None or self.week_manager is None:
            self.say(i18n.t("scr.no_manager"), True)
            return
        code, monday = self.week_manager.code, self.view.monday
        self.say(i18n.t("week.report_writing"))
        self.call_service(lambda: write_report(code, monday), group="week-report",
                          refusable=True)

    def on_report_written(self, message: ReportWritten) -> None:
        self.say(i18n.t("week.report_written", path=message.path))

    def on_change_refused(self, message: ChangeRefused) -> None:
        self.query_one("#week-msg", Notice).refused(message.refusal)
        self.query_one("#week-body").scroll_home(animate=False)

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#week-msg", Notice).say(text, error)
        self.query_one("#week-body").scroll_home(animate=False)

    def on_week_loaded(self, message: WeekLoaded) -> None:
        v = message.view
        if v is not None and self.monday is not None and v.monday != self.monday:
            return  # a week left behind by quick keys: a newer load is coming
        self.view = v
        self.week_manager = message.manager
        title = self.query_one("#week-title", Static)
        if v is None:
            title.update(i18n.t("scr.no_manager"))
            return
        self.monday = v.monday
        title.update(i18n.t("week.title", first=v.monday.isoformat(), last=v.sunday.isoformat()))
        table = self.query_one("#week-days", DataTable)
        table.clear()
        for d in v.days:
            p, f = d.plan, d.figures
            ridden = "" if not p.ridden_route_name else (
                i18n.t("week.same_route") if p.ridden_route_name == p.route_name
                else p.ridden_route_name)
            shown = p.started and (p.planned or p.extra)
            pva = f"{p.visited}/{p.missed}/{p.extra}" if shown else ""
            ack = f"{d.acknowledged}/{f.visits}" if f.visits else ""
            if d.declined:
                ack += f" ✗{d.declined}"
            checkin = ""
            if f.first_visit_at:
                checkin = (f"{f.first_visit_at:%H:%M}{'☎' if f.first_phoned else ''}-"
                           f"{f.last_visit_at:%H:%M}{'☎' if f.last_phoned else ''}")
            table.add_row(
                f"{d.day:%m-%d} {i18n.t(f'weekday.{d.day.weekday()}')}",
                Text(p.route_name or ""), Text(ridden), str(f.households or ""), pva, ack,
                "" if f.mileage is None else str(f.mileage), checkin, key=d.day.isoformat())
        self.query_one("#week-chart", Static).update(chart(v))
        totals = i18n.t("week.totals", households=v.total("households"), orders=v.total("orders"),
                        quantity=v.total("quantity"), km=v.mileage, info=len(v.info))
        for line in v.flagged:  # what the notebook asked the manager to confirm
            totals += "\n" + i18n.t("week.flagged", at=line.arrived_at.strftime("%m-%d %H:%M"),
                                     shop=line.shop_name, flags=" · ".join(
                                         i18n.t(f"flag.visit.{f}") for f in line.flags))
        if v.info:
            items = i18n.t("scr.list_sep").join(i18n.choice("info_category", i.category)
                                                + paren(i18n.choice("info_state", i.state))
                                                for i in v.info)
            totals += "\n" + i18n.t("week.info_line", items=items)
        self.query_one("#week-totals", Static).update(Text(totals))
        text = review_text(v.review)
        for earlier in v.earlier:  # what was asked before, and has since been answered
            text.append("\n")
            text.append_text(review_text(earlier, i18n.t("week.earlier"), "dim"))
        self.query_one("#week-review", Static).update(text)


def review_text(r, prefix: str = "", style: str | None = None) -> Text:
    if r is None:
        return Text(i18n.t("week.not_reviewed"), style="dim")
    style = style or ("bold red" if r.state == "returned" else "bold green")
    text = Text(prefix + i18n.t("week.review", state=i18n.choice("review_state", r.state),
                                who=r.supervisor, at=r.at.strftime("%m-%d %H:%M"),
                                comment=r.comment), style=style)
    if r.flags:
        text.append("\n" + i18n.t("week.flags"), style="dim" if prefix else "")
        for f in r.flags:
            text.append("\n" + flag_text(f), style="dim" if prefix else "")
    return text
