"""谈话 on the county office's desk: after a month's results the managers as the close shared them
among the directors (the one at the keyboard's list first, the one most in need first), each
with his rank, this month's talk and the last talk's advice beside it; `t` (or enter) records a
talk: gains and losses, suggestions heard, shortcomings, causes, advice. A talk held again
supersedes the earlier one; the advice reaches the manager's Home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.screens.desk.office import OfficeScreen, acting, supervisor_id
from kjtui.widgets.office_dialogs import TALK_FIELDS, TalkDialog

if TYPE_CHECKING:
    from kjtui.services.acting import SupervisorInfo
    from kjtui.services.talk_desk import TalkMonth, TalkRecord, TalkRow


@dataclass
class TalksLoaded(Message):
    view: TalkMonth
    supervisor: SupervisorInfo | None


def read_month(month: date | None, supervisor: str | None) -> TalksLoaded:
    from kjtui.services import acting as who
    from kjtui.services import periods, session, talk_desk

    me = who.acting(supervisor)
    month = month or periods.add_months(periods.month_start(session.today()), -1)
    return TalksLoaded(talk_desk.month_talks(month, me.code if me else None), me)


def last_words(last: TalkRecord | None) -> str:
    if last is None:
        return i18n.t("office.talk.no_last")
    return i18n.t("office.talk.last", month=f"{last.month:%Y-%m}", who=last.supervisor,
                  advice=last.advice)


class TalksScreen(OfficeScreen):
    KEYS = (
        Key("left_square_bracket", "month(-1)", "desk.key.prev"),
        Key("right_square_bracket", "month(1)", "desk.key.next"),
        Key("t", "talk", "office.key.talk"),
    )
    COLUMNS = (("office.col.manager", 6, 4), ("office.col.name", 8, 4),
               ("office.col.rank", 4, 3), ("office.col.director", 8, 4),
               ("office.col.held", 5, 5), ("office.col.last_advice", 30, 6))

    def __init__(self):
        super().__init__()
        self.month: date | None = None

    def load(self) -> None:
        month, sup = self.month, acting(self.app)
        self.call_service(lambda: read_month(month, sup), group="office-talks", exclusive=True)

    def action_month(self, n: int) -> None:
        from kjtui.services.periods import add_months

        if self.month is not None:
            self.month = add_months(self.month, n)
            self.load()

    def on_talks_loaded(self, message: TalksLoaded) -> None:
        v = message.view
        if self.month is not None and v.month != self.month:
            return
        self.month = v.month
        who = message.supervisor.name if message.supervisor else "—"
        self.title_line(i18n.t("office.talk.title", month=f"{v.month:%Y-%m}", held=v.held,
                               n=len(v.rows), who=who))
        self.show_rows(v.rows, lambda r: r.manager_id, cells)

    def empty_text(self) -> str:
        return i18n.t("office.talk.none")

    def detail(self, r: TalkRow) -> Text:
        text = Text(i18n.t("office.talk.who", code=r.code, name=r.name, rank=r.rank,
                           total=r.total, director=r.director_name), style="bold")
        text.append("\n" + last_words(r.last), style="cyan")
        if r.talk is None:
            text.append("\n" + i18n.t("office.talk.not_held"), style="dim")
            return text
        t = r.talk
        text.append("\n" + i18n.t("office.talk.held", on=t.held_on.isoformat(), who=t.supervisor))
        if r.earlier:
            text.append(" " + i18n.t("office.talk.superseded", n=r.earlier), style="dim")
        for name in TALK_FIELDS:
            value = getattr(t, name)
            if value:
                text.append("\n" + i18n.t("office.talk.field", name=i18n.t(f"office.talk.{name}"),
                                          value=value))
        return text

    def act_on_row(self) -> None:
        self.action_talk()

    def action_talk(self) -> None:
        from kjtui.services import talk_desk

        row, month = self.current(), self.month
        if row is None or month is None:
            self.say(i18n.t("office.nothing_selected"), error=True)
            return

        def save(**values):
            return talk_desk.hold(row.manager_id, month, values, supervisor_id(self.app))

        def done(talk) -> None:
            if talk is not None:
                self.say(i18n.t("office.talk.recorded", code=row.code, name=row.name,
                                month=f"{month:%Y-%m}"))
                self.load()

        self.dialog_open = True
        self.app.push_screen(TalkDialog(
            i18n.t("office.talk.dialog", code=row.code, name=row.name, month=f"{month:%Y-%m}"),
            last_words(row.last), save, row.talk.values() if row.talk else None), done)


def cells(r: TalkRow) -> tuple:
    held = f"{r.talk.held_on:%m-%d}" if r.talk else "—"
    advice = r.last.advice if r.last else "—"
    return (r.code, Text(r.name), str(r.rank), Text(r.director_name), held, Text(advice))
