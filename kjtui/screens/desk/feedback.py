"""反馈 on the county office's desk: the information the managers collected that the county has
not answered (organized first, then the oldest), or those it answered; `a` (or enter) answers
the item under the cursor, `s` switches between the two lists. The answer reaches the manager's
Information screen, which shows the item fed back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.display import clip as cut
from kjtui.screens.desk.office import OfficeScreen, acting, supervisor_id
from kjtui.widgets.office_dialogs import TextDialog

if TYPE_CHECKING:
    from kjtui.services.acting import SupervisorInfo
    from kjtui.services.feedback_desk import FeedbackQueue, FeedbackRow

ANSWERED_DAYS = 90  # the answered list reaches back this far


@dataclass
class FeedbackLoaded(Message):
    queue: FeedbackQueue
    supervisor: SupervisorInfo | None


def read_queue(view: str, supervisor: str | None) -> FeedbackLoaded:
    from kjtui.services import acting as who
    from kjtui.services import feedback_desk, session

    since = session.today() - timedelta(days=ANSWERED_DAYS)
    return FeedbackLoaded(feedback_desk.queue(view, since), who.acting(supervisor))


class FeedbackScreen(OfficeScreen):
    KEYS = (
        Key("a", "answer", "office.key.answer"),
        Key("s", "switch", "office.key.switch_list"),
    )
    def columns(self):
        """The category and state as wide as their words in this language."""
        from kjtui.services.information import INFO_CATEGORIES, INFO_STATES

        category = max(i18n.display_width(i18n.choice("info_category", c))
                       for c in INFO_CATEGORIES)
        state = max(i18n.display_width(i18n.choice("info_state", s)) for s in INFO_STATES)
        return (("office.col.manager", 8, 4), ("office.col.collected", 5, 5),
                ("office.col.category", category, 4), ("office.col.state", state, 4),
                ("office.col.content", 40, 8))

    def __init__(self):
        super().__init__()
        self.view = "waiting"

    def load(self) -> None:
        view, sup = self.view, acting(self.app)
        self.call_service(lambda: read_queue(view, sup), group="office-feedback", exclusive=True)

    def action_switch(self) -> None:
        self.view = "answered" if self.view == "waiting" else "waiting"
        self.load()

    def on_feedback_loaded(self, message: FeedbackLoaded) -> None:
        q = message.queue
        if q.view != self.view:
            return
        who = message.supervisor.name if message.supervisor else "—"
        title = i18n.t(f"office.feedback.title.{q.view}", n=len(q.rows) + q.more,
                       waiting=q.waiting, who=who)
        if q.more:
            title += " " + i18n.t("office.more", n=q.more)
        self.title_line(title)
        self.show_rows(q.rows, lambda r: r.line.id, cells)

    def empty_text(self) -> str:
        return i18n.t(f"office.feedback.none.{self.view}")

    def detail(self, r: FeedbackRow) -> Text:
        i = r.line
        text = Text(i18n.t("office.feedback.item", code=r.manager_code, name=r.manager_name,
                           date=i.collected_on.isoformat(),
                           category=i18n.choice("info_category", i.category),
                           customer=i.customer_name or "—"), style="bold")
        text.append("\n" + i.content)
        if i.summary:
            text.append("\n" + i18n.t("info.detail.summary", summary=i.summary))
        for f in i.feedback:
            text.append("\n" + i18n.t("info.detail.feedback", who=f.supervisor or "—",
                                      at=f.at.strftime("%m-%d"), text=f.text))
        return text

    def act_on_row(self) -> None:
        self.action_answer()

    def action_answer(self) -> None:
        from kjtui.services import feedback_desk

        row = self.current()
        if row is None:
            self.say(i18n.t("office.nothing_selected"), error=True)
            return
        item = row.line

        def save(text: str):
            return feedback_desk.answer(item.id, text, supervisor_id(self.app))

        def done(fb) -> None:
            if fb is not None:
                self.say(i18n.t("office.feedback.answered", code=row.manager_code,
                                what=clip(item.summary or item.content)))
                self.load()

        self.dialog_open = True
        self.app.push_screen(TextDialog(
            i18n.t("office.feedback.dialog", code=row.manager_code, name=row.manager_name),
            item.summary or item.content, i18n.t("office.feedback.answer"), save), done)


def clip(text: str, width: int = 20) -> str:
    return cut(text.replace("\n", " "), width, ellipsis=True)


def cells(r: FeedbackRow) -> tuple:
    i = r.line
    return (r.manager_code, f"{i.collected_on:%m-%d}", i18n.choice("info_category", i.category),
            i18n.choice("info_state", i.state),
            Text((i.summary or i.content).replace("\n", " ")))
