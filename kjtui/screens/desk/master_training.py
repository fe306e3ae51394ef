"""The training tab of 基础数据 (kjtui/screens/desk/master_data.py): a month's weekly meetings
(the lecturer in turn, the lecture's rating by the attendees), classes and stage exams (how many
managers have a score), F8/F9 the month before or after. ctrl+n records a session (a meeting's
lecturer is the next in turn unless another is typed), ctrl+l an attendee's rating of the
meeting under the cursor, ctrl+g a manager's score at the exam under the cursor; enter does
whichever the session takes. Both feed the monthly score's training part as the import does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.row_dialog import Field, RowDialog
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.training import Session

SESSION_COLUMNS = (("sheet.col.held_on", 10, 10), ("md.col.kind", None, 4),
                   ("md.col.topic", None, 8), ("md.col.lecturer", None, 4),
                   ("md.col.rating", None, 5), ("md.col.rated", None, 4))


@dataclass
class SessionsRead(Message):
    month: date
    sessions: list[Session]


@dataclass
class MeetingForm(Message):
    cells: dict


class TrainingTab:
    TRAINING_KEYS = (
        Key("f9", "month(1)", "md.key.next_month"),
        Key("f8", "month(-1)", "md.key.prev_month"),
        Key("ctrl+l", "rate", "md.key.rate"),
        Key("ctrl+g", "exam", "md.key.exam"),
    )
    TRAINING_ACTIONS = ("month", "rate", "exam")

    month: date | None = None  # the month shown
    sessions: list[Session] = []

    def compose_training(self) -> ComposeResult:
        yield Static("", id="md-training-count", classes="md-count")
        table = Table(id="md-training-table", cursor_type="row", zebra_stripes=True)
        for key, width, narrowest in SESSION_COLUMNS:
            table.add_column(i18n.t(key), width=width, min_width=narrowest)
        yield table

    def read_sessions(self) -> None:
        from kjtui.services import session, training

        def read() -> SessionsRead:
            month = self.month or session.today().replace(day=1)
            return SessionsRead(month, training.sessions(month))

        self.call_service(read, group="md-training", exclusive=True)

    def on_sessions_read(self, message: SessionsRead) -> None:
        if self.month not in (None, message.month):
            return  # turned to another month since
        self.month, self.sessions = message.month, message.sessions
        table = self.query_one("#md-training-table", Table)
        row = table.cursor_row
        table.clear()
        for s in self.sessions:
            rating = "—" if s.lecture_rating is None else f"{s.lecture_rating:.1f}"
            count = s.scores if s.kind == "exam" else s.ratings
            table.add_row(s.held_on.isoformat(), i18n.choice("training", s.kind), Text(s.topic),
                          s.lecturer or "—", rating if s.kind == "weekly_meeting" else "—",
                          str(count), key=s.id)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self.query_one("#md-training-count", Static).update(i18n.t(
            "md.sessions", month=self.month.strftime("%Y-%m"), n=len(self.sessions)))

    def action_month(self, step: int) -> None:
        if self.month is None:
            return
        k = self.month.year * 12 + self.month.month - 1 + step
        self.month = date(k // 12, k % 12 + 1, 1)
        self.read_sessions()

    def session_under_cursor(self) -> Session | None:
        table = self.query_one("#md-training-table", Table)
        if not 0 <= table.cursor_row < len(self.sessions):
            return None
        return self.sessions[table.cursor_row]

    # --- forms --------------------------------------------------------------------------------

    def new_session(self) -> None:
        from kjtui.services import master_forms, session

        self.call_service(lambda: MeetingForm(master_forms.meeting_cells(session.today())),
                          group="md-form")

    def on_meeting_form(self, message: MeetingForm) -> None:
        from kjtui.screens.desk.master_data import form_fields
        from kjtui.services import master_forms

        self.open_dialog(RowDialog(i18n.t("md.new_session"),
                                   form_fields("training", message.cells, new=True,
                                               only=("held_on", "training_kind", "topic",
                                                     "lecturer_code")),
                                   master_forms.save_session))

    def action_rate(self) -> None:
        from kjtui.services import master_forms

        s = self.session_under_cursor()
        if s is None or s.kind != "weekly_meeting":
            self.say(i18n.t("md.not_a_meeting"), error=True)
            return
        fields = [Field("rater", i18n.t("md.rater") + "*", hint=i18n.t("fmt.manager")),
                  Field("rating", i18n.t("sheet.col.lecture_rating") + "*",
                        hint=i18n.t("fmt.score"))]
        title = i18n.t("md.rate_title", topic=s.topic, lecturer=s.lecturer or "—")
        self.open_dialog(RowDialog(title, fields, lambda c: master_forms.rate(
            s.id, c["rater"], c["rating"])))

    def action_exam(self) -> None:
        from kjtui.screens.desk.master_data import form_fields
        from kjtui.services import master_forms

        s = self.session_under_cursor()
        cells, fixed = {}, ()
        if s is not None and s.kind == "exam":
            cells, fixed = {"held_on": s.held_on.isoformat(), "topic": s.topic}, ("held_on",
                                                                                  "topic")
        self.open_dialog(RowDialog(i18n.t("md.exam_title"),
                                   form_fields("exams", cells, new=True, fixed=fixed),
                                   master_forms.save_exam_score))

    def session_selected(self) -> None:
        s = self.session_under_cursor()
        if s is not None and s.kind == "weekly_meeting":
            self.action_rate()
        elif s is not None and s.kind == "exam":
            self.action_exam()
