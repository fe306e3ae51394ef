"""抽检 on the county office's desk: a week's sample of every manager's visits (failed PIN proofs
first, paper pages more often; kjtui.services.spotcheck), the customer's phone at hand, and the
outcome of each check (phone, on site, later inquiry: confirmed, not confirmed, unreachable, a
note) recorded with who and when; a visit checked again keeps its earlier outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.display import hm
from kjtui.screens.desk.office import OfficeScreen, acting, supervisor_id
from kjtui.widgets.office_dialogs import SpotDialog

if TYPE_CHECKING:
    from kjtui.services.acting import SupervisorInfo
    from kjtui.services.spot_desk import SpotRow, SpotWeek


@dataclass
class SpotWeekLoaded(Message):
    week: SpotWeek
    supervisor: SupervisorInfo | None


def read_week(monday: date | None, supervisor_id: str | None) -> SpotWeekLoaded:
    from kjtui.services import acting as who
    from kjtui.services import periods, session, spot_desk

    if monday is None:  # the last whole week
        monday = periods.monday_of(session.today()) - timedelta(days=7)
    return SpotWeekLoaded(spot_desk.week(monday), who.acting(supervisor_id))


class SpotChecksScreen(OfficeScreen):
    KEYS = (
        Key("left_square_bracket", "week(-1)", "office.key.prev_week"),
        Key("right_square_bracket", "week(1)", "office.key.next_week"),
        Key("o", "outcome", "office.key.outcome"),
    )
    COLUMNS = (("office.col.manager", 8, 4), ("office.col.when", 11, 11),
               ("office.col.shop", 16, 6), ("office.col.phone", 13, 11),
               ("office.col.why", 8, 4), ("office.col.outcome", 10, 4))

    def __init__(self):
        super().__init__()
        self.monday: date | None = None
        self.week: SpotWeek | None = None

    def load(self) -> None:
        monday, sup = self.monday, acting(self.app)
        self.call_service(lambda: read_week(monday, sup), group="office-spot",
                          exclusive=True)

    def action_week(self, n: int) -> None:
        if self.monday is not None:
            self.monday += timedelta(days=7 * n)  # now: quick keys each count
            self.load()

    def on_spot_week_loaded(self, message: SpotWeekLoaded) -> None:
        w = message.week
        if self.monday is not None and w.monday != self.monday:
            return  # left behind by quick keys
        self.monday, self.week = w.monday, w
        who = message.supervisor.name if message.supervisor else "—"
        self.title_line(i18n.t("office.spot.title", monday=w.monday.isoformat(),
                               share=f"{w.share:g}", checked=w.checked, n=len(w.rows), who=who))
        self.show_rows(w.rows, lambda r: r.visit_id, cells)

    def empty_text(self) -> str:
        return i18n.t("office.spot.none")

    def detail(self, r: SpotRow) -> Text:
        text = Text(f"{r.shop} · {r.owner} · ", style="bold")
        text.append(i18n.t("office.phone", phone=r.phone or "—"), style="bold")
        text.append("\n" + i18n.t("office.spot.visit", code=r.manager_code, name=r.manager_name,
                                  at=r.arrived_at.strftime("%m-%d %H:%M"),
                                  ack=ack_words(r.ack), why=i18n.t(f"office.why.{r.why}")))
        if r.address:
            text.append("\n" + r.address)
        for o in r.outcomes:
            line = i18n.t("office.spot.outcome", at=o.at.strftime("%m-%d %H:%M"), who=o.supervisor,
                          method=i18n.choice("spot_method", o.method),
                          result=i18n.choice("spot_result", o.result))
            if o.note:
                line += " — " + o.note
            text.append("\n" + line, style="" if o.standing else "dim strike")
        return text

    def act_on_row(self) -> None:
        self.action_outcome()

    def action_outcome(self) -> None:
        from kjtui.services import spot_desk

        row = self.current()
        if row is None:
            self.say(i18n.t("office.nothing_selected"), error=True)
            return
        def save(method: str, result: str, note: str):
            return spot_desk.record(row.visit_id, method, result, note, supervisor_id(self.app))

        def done(outcome) -> None:
            if outcome is not None:
                self.say(i18n.t("office.spot.recorded", shop=row.shop,
                                result=i18n.choice("spot_result", outcome.result)))
                self.load()

        about = " · ".join((i18n.t("office.phone", phone=row.phone or "—"), row.owner,
                            row.arrived_at.strftime("%m-%d %H:%M"),
                            i18n.t(f"office.why.{row.why}")))
        last = row.current
        self.dialog_open = True
        self.app.push_screen(SpotDialog(i18n.t("office.spot.dialog", shop=row.shop), about, save,
                                        last.method if last else "phone"), done)


def ack_words(ack: str | None) -> str:
    return i18n.choice("ack", ack) if ack else i18n.t("office.ack.none")


def cells(r: SpotRow) -> tuple:
    outcome = i18n.choice("spot_result", r.current.result) if r.current else "—"
    return (r.manager_code, f"{r.arrived_at:%m-%d} {hm(r.arrived_at)}", Text(r.shop),
            r.phone or "—", i18n.t(f"office.why.{r.why}"), outcome)
