"""工作本: the week as the supervisor will read it — plan against route, visits, sign-offs,
mileage and information day by day, a bar chart of households and kilometres, and the review
with the exact records a returned week asks to correct.

Opened from the county's review queue (kjtui/screens/desk/review.py) with a manager, the same
screen is the week under review: that manager's week, the records with what the code asks a
second look at, and the supervisor's keys: mark a record with a note, approve, return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.display import paren
from kjtui.widgets.base import ChangeRefused, KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.notice import Notice
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.review import ReviewWeek
    from kjtui.services.session import ManagerInfo
    from kjtui.services.week import WeekView

BARS = " ▁▂▃▄▅▆▇█"


@dataclass
class WeekLoaded(Message):
    manager: ManagerInfo | None
    view: WeekView | None
    today: date
    review: ReviewWeek | None = None  # the week under review, at the county's desk


@dataclass
class WeekDecided(Message):
    text: str


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


def read_review_week(manager_id: str, monday: date | None,
                     account: str | None) -> WeekLoaded:
    from kjtui.services import review, session

    today = session.today()
    r = review.open_week(manager_id, monday or today, today, account)
    m = session.ManagerInfo(manager_id, r.code, r.name, None, None, "")
    return WeekLoaded(m, r.week, today, r)


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
    # The week under review (a manager given): the supervisor's keys besides.
    REVIEW_KEYS = (
        Key("m", "mark", "review.key.mark"),
        Key("a", "approve", "review.key.approve"),
        Key("x", "return_week", "review.key.return"),
        Key("escape", "back", "review.key.back"),
    )

    def __init__(self, manager_id: str | None = None, monday: date | None = None,
                 account: str | None = None):
        if manager_id is not None:
            self.KEYS = WeekScreen.KEYS + WeekScreen.REVIEW_KEYS
        super().__init__()
        self.monday: date | None = monday
        self.view = None
        self.week_manager = None
        self.manager_id, self.account = manager_id, account
        self.review: ReviewWeek | None = None
        self.marks: dict[str, tuple[str, str]] = {}  # record id -> (kind, note)

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
            if self.manager_id is not None:
                records = Table(id="week-records", cursor_type="row")
                for key, width, narrowest in (("review.col.when", 11, 5),
                                              ("review.col.what", 16, 6),
                                              ("review.col.concern", 24, 8),
                                              ("review.col.mark", 14, 4)):
                    records.add_column(i18n.t(key), width=width, min_width=narrowest)
                yield records
            yield Static("", id="week-chart")
            yield Static("", id="week-totals")
            yield Static("", id="week-review")
        yield Footer(compact=True)

    def on_screen_resume(self) -> None:
        if self.dialog_open:
            self.dialog_open = False
            return
        self.load(self.monday)  # shown again: the day's visits may have changed the week

    def load(self, monday: date | None = None) -> None:
        if self.manager_id is not None:
            manager_id, account = self.manager_id, self.account
            self.call_service(lambda: read_review_week(manager_id, monday, account),
                              group="week", exclusive=True)
            return
        self.call_service(lambda: read_week(monday), group="week", exclusive=True)

    def action_week(self, step: int) -> None:
        if self.monday is not None:
            # Move now, not when the load comes back: keys pressed quickly each count.
            self.monday += timedelta(days=7 * step)
            self.load(self.monday)

    def action_this_week(self) -> None:
        self.monday = None
        self.load()

    # --- the week under review ----------------------------------------------------------------

    def current_record(self):
        if self.review is None:
            return None
        table = self.query_one("#week-records", DataTable)
        records = self.review.records
        if table.cursor_row is None or not 0 <= table.cursor_row < len(records):
            return None
        return records[table.cursor_row]

    def action_mark(self) -> None:
        from kjtui.widgets.review_dialogs import MarkDialog

        r = self.current_record()
        if r is None:
            return
        what = record_when(r) + " " + r.what

        def done(note: str | None) -> None:
            self.dialog_open = False
            if note is None:
                return
            if note:
                self.marks[r.record_id] = (r.kind, note)
            else:
                self.marks.pop(r.record_id, None)
            self.show_records()

        self.dialog_open = True
        self.app.push_screen(MarkDialog(what, self.marks.get(r.record_id, ("", ""))[1],
                                        lambda note: note), done)

    def action_approve(self) -> None:
        from kjtui.services import review
        from kjtui.widgets.review_dialogs import DecisionDialog

        if self.review is None or self.view is None:
            return
        manager_id, monday, account = self.manager_id, self.view.monday, self.account

        def save(comment: str, score: str):
            return review.approve(account, manager_id, monday, comment, review.parse_score(score))

        self.decide(DecisionDialog(i18n.t("review.approve_title", code=self.review.code,
                                          week=f"{monday:%m-%d}"), save, scored=True),
                    "review.approved")

    def action_return_week(self) -> None:
        from kjtui.services import review
        from kjtui.widgets.review_dialogs import DecisionDialog

        if self.review is None or self.view is None:
            return
        if not self.marks:
            self.say(i18n.t("review.nothing_marked"), True)
            return
        manager_id, monday, account = self.manager_id, self.view.monday, self.account
        marks = [review.Mark(kind, rid, note) for rid, (kind, note) in self.marks.items()]

        def save(comment: str):
            return review.return_week(account, manager_id, monday, comment, marks)

        self.decide(DecisionDialog(i18n.t("review.return_title", code=self.review.code,
                                          week=f"{monday:%m-%d}", n=len(marks)), save,
                                   scored=False), "review.returned")

    def decide(self, dialog, said: str) -> None:
        def done(written) -> None:
            self.dialog_open = False
            if written is not None:
                self.marks.clear()
                self.post_message(WeekDecided(i18n.t(said, code=self.review.code,
                                                     week=f"{written.week:%m-%d}")))

        self.dialog_open = True
        self.app.push_screen(dialog, done)

    def on_week_decided(self, message: WeekDecided) -> None:
        self.say(message.text)
        self.load(self.monday)

    def action_back(self) -> None:
        self.app.pop_screen()

    def show_records(self) -> None:
        table = self.query_one("#week-records", Table)
        keep = table.cursor_row
        table.clear()
        for r in self.review.records:
            concern = i18n.t("scr.list_sep").join(i18n.t(c.key, **c.params) for c in r.concerns)
            mark = self.marks.get(r.record_id)
            table.add_row(record_when(r), Text(r.what), Text(concern, style="yellow"),
                          Text("✎ " + mark[1], style="bold red") if mark else "",
                          key=r.record_id)
        if keep is not None and keep < table.row_count:
            table.move_cursor(row=keep)

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
        if self.monday != v.monday:
            self.marks.clear()  # marks belong to the week they were made on
        self.monday = v.monday
        title.update(i18n.t("week.title", first=v.monday.isoformat(), last=v.sunday.isoformat()))
        self.review = r = message.review
        if r is not None:
            title.update(Text(i18n.t("review.week_title", code=r.code, name=r.name,
                                     first=f"{v.monday:%m-%d}", last=f"{v.sunday:%m-%d}",
                                     state=i18n.t(f"review.week_state.{r.state}"))))
            self.query_one("#week-chart").display = False
            self.show_records()
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


def record_when(r) -> str:
    day = f"{r.day:%m-%d} {i18n.t(f'weekday.{r.day.weekday()}')}"
    return f"{day} {r.at:%H:%M}" if r.at else day


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
