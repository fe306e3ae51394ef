"""Home: who is signed in and the day's figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static

from kjtui import i18n
from kjtui.display import held_reason, hm
from kjtui.widgets.bars import Bars
from kjtui.widgets.base import KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.sync_panel import SyncPanel

if TYPE_CHECKING:
    from kjtui.services.county_wait import CountyWait
    from kjtui.services.county_word import CountyWord
    from kjtui.services.day import DayFigures
    from kjtui.services.session import ManagerInfo
    from kjtui.services.trends import MonthScore, WeekMileage


@dataclass
class HomeLoaded(Message):
    manager: ManagerInfo | None
    figures: DayFigures | None


@dataclass
class TrendsLoaded(Message):
    scores: list[MonthScore]  # oldest first
    mileage: list[WeekMileage]  # oldest first
    warning: str = ""  # the bottom-elimination rule one more month would trigger, if any
    warning_months: str = ""


@dataclass
class CountyWaitLoaded(Message):
    county: CountyWait | None


@dataclass
class CountyWordLoaded(Message):
    word: CountyWord | None


def read_county_word() -> CountyWordLoaded:
    from kjtui.services import county_word, session

    manager = session.current_manager()
    return CountyWordLoaded(county_word.for_manager(manager.id, session.today())
                            if manager else None)


def read_county_wait() -> CountyWaitLoaded:
    from kjtui.services import county_wait

    return CountyWaitLoaded(county_wait.at_county())


def read_home() -> HomeLoaded:
    from kjtui.services import day, session

    manager = session.current_manager()
    figures = day.day_figures(manager.id, session.today()) if manager else None
    return HomeLoaded(manager, figures)


def read_trends() -> TrendsLoaded | None:
    from kjtui.services import session, trends

    manager = session.current_manager()
    if manager is None:
        return None
    from kjtui.services import elimination

    w = elimination.warning_for(manager.id)
    return TrendsLoaded(trends.recent_scores(manager.id),
                        trends.weekly_mileage(manager.id, session.today()),
                        w.rule if w else "",
                        "、".join(m.strftime("%Y-%m") for m in w.months) if w else "")


class HomeScreen(KjtuiScreen):
    _left = False  # shown, then left for another place

    def compose(self) -> ComposeResult:
        # Start-up: two indexed lookups (about 2 ms on a county's notebook) read here, on the
        # main thread, so that the first paint already shows them; a worker's round trip would
        # paint the screen twice and cost more than the lookups themselves.
        self.open_notebook()
        loaded = read_home()
        who, figures = home_texts(loaded)
        yield Header()
        with Vertical(id="home"):
            yield Static(i18n.t("home.title"), id="home-title", classes="title")
            yield Static(who, id="who")
            yield Static(figures, id="figures")
            yield Static("", id="county-wait")
            yield Static("", id="county-word")
            yield SyncPanel(getattr(self.app, "sync_status", None), id="sync")
            # his last month's parts and rank first: still in view at 60×20
            yield Static("", id="my-score")
            with Horizontal(id="trends"):
                yield Bars(id="scores")
                yield Bars(id="mileage")
        yield Footer()
        self.post_message(loaded)  # home has its data (the message bubbles up to the app)

    def on_mount(self) -> None:
        self.query_one("#county-wait").display = False
        self.query_one("#county-word").display = False
        self.load_trends()  # pictures of past months come after the first paint

    def load_trends(self) -> None:
        self.call_service(read_trends, group="trends", exclusive=True)
        self.call_service(read_county_wait, group="county-wait", exclusive=True)
        self.call_service(read_county_word, group="county-word", exclusive=True)

    def on_county_word_loaded(self, message: CountyWordLoaded) -> None:
        text = county_word_text(message.word)
        box = self.query_one("#county-word", Static)
        box.display = bool(text)
        box.update(Text(text))

    def on_county_wait_loaded(self, message: CountyWaitLoaded) -> None:
        text = county_wait_text(message.county)
        box = self.query_one("#county-wait", Static)
        box.display = bool(text)
        box.update(Text(text))

    def on_trends_loaded(self, message: TrendsLoaded) -> None:
        title = i18n.t("home.scores")
        if message.warning:
            title += "\n" + i18n.t(f"home.warning.{message.warning}", months=message.warning_months)
        self.query_one("#scores", Bars).show(
            title,
            [(s.month.strftime("%Y-%m"), s.total,
              i18n.t("home.score_rank", total=s.total, rank=s.rank, of=s.ranked)
              + (i18n.t("home.score_provisional") if s.provisional else ""))
             for s in message.scores],
            top=100,
        )
        self.query_one("#my-score", Static).update(
            Text(score_breakdown(message.scores[-1])) if message.scores else "")
        self.query_one("#mileage", Bars).show(
            i18n.t("home.mileage"),
            [(w.monday.strftime("%m-%d"), w.km, f"{w.km} km") for w in message.mileage],
            style="cyan",
        )

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        if self._left:
            self.reload()  # back from another place, where a visit may have been recorded
            self.load_trends()
            self.query_one(SyncPanel).show(getattr(self.app, "sync_status", None))

    def reload(self) -> None:
        self.call_service(read_home, group="home", exclusive=True)

    def on_county_news(self) -> None:
        self.load_trends()  # a sync brought scores, decisions on held records

    def on_home_loaded(self, message: HomeLoaded) -> None:
        for selector, text in zip(("#who", "#figures"), home_texts(message)):
            widget = self.query_one(selector, Static)
            if widget.content != text:  # unchanged (as at start-up): no new layout and paint
                widget.update(text)


def home_texts(loaded: HomeLoaded) -> tuple[str, str]:
    """(who is signed in, the day's figures) as shown."""
    m = loaded.manager
    if m is None:
        return i18n.t("home.empty_db"), ""
    post = f" · {m.post_name}" if m.post_name else ""
    return f"{i18n.t('home.signed_in')}: {m.name} ({m.code}){post}", render_figures(loaded.figures)


def render_figures(f) -> str:
    mileage = "—" if f.mileage is None else f"{f.mileage} km"
    return (
        f"{i18n.t('home.today')} {f.day.isoformat()}\n"
        f"{i18n.t('fig.households')}: {f.households}   {i18n.t('fig.orders')}: {f.orders}   "
        f"{i18n.t('fig.quantity')}: {f.quantity}   {i18n.t('fig.mileage')}: {mileage}\n"
        f"{i18n.t('fig.first')}: {hm(f.first_visit_at)} {'☎' if f.first_phoned else ''}   "
        f"{i18n.t('fig.last')}: {hm(f.last_visit_at)} {'☎' if f.last_phoned else ''}"
    )


def score_breakdown(s: MonthScore) -> str:
    """His last closed month: his rank among all the county ranked, then each part of his score
    (— for a part the month had no data for)."""
    from kjtui.services.rules import PARTS

    head = i18n.t("home.my_score", month=s.month.strftime("%Y-%m"), total=s.total,
                  rank=i18n.t("home.my_rank", rank=s.rank, of=s.ranked) if s.rank
                  else i18n.t("desk.note.unranked"))
    if s.provisional:
        head += i18n.t("home.score_provisional")
    parts = [f"{i18n.t(f'score.short.{p}')} "
             + ("—" if s.parts.get(p) is None else f"{s.parts[p]:.0f}") for p in PARTS]
    return head + "\n" + " · ".join(parts)


def county_wait_text(county: CountyWait | None, shown: int = 3) -> str:
    """What of this laptop's records waits at the county and why, and what it rejected: the
    first `shown` of each, the rest counted ("" when nothing)."""
    if county is None or not (county.waiting or county.rejected):
        return ""

    def reason(h) -> str:
        return held_reason(h.reason, h.params) + (f" — {h.note}" if h.note else "")

    lines = []
    for held, title in ((county.waiting, "status.waiting"), (county.rejected, "status.rejected")):
        if not held:
            continue
        lines.append(i18n.t(title, n=len(held)))
        lines += [f"· {reason(h)}" for h in held[:shown]]
        if len(held) > shown:
            lines.append(i18n.t("home.county_more", n=len(held) - shown))
    if county.waiting:
        lines.append(i18n.t("status.waiting_hint"))
    return "\n".join(lines)


def county_word_text(word: CountyWord | None) -> str:
    """What the county said to the manager: his last talk's advice first, then his visits' spot
    checks ("" when nothing)."""
    if word is None or word.empty:
        return ""
    lines = []
    if word.talk is not None:
        t = word.talk
        lines.append(i18n.t("home.talk_advice", month=f"{t.month:%Y-%m}", who=t.supervisor or "—",
                            advice=t.advice))
    if word.spots:
        counts = i18n.t("scr.list_sep").join(
            f"{i18n.choice('spot_result', r)} {n}" for r, n in sorted(word.month_counts.items()))
        lines.append(i18n.t("home.spot_checks", counts=counts or "—"))
        for s in word.spots:
            line = i18n.t("home.spot_check", day=f"{s.day:%m-%d}", shop=s.shop or "—",
                          method=i18n.choice("spot_method", s.method),
                          result=i18n.choice("spot_result", s.result))
            lines.append("· " + line + (f" — {s.note}" if s.note else ""))
    return "\n".join(lines)
