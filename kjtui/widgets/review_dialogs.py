"""The supervisor's dialogs on a week under review: a record's note for correction (empty: no
longer marked), the approval (a comment and the notebook's score) and the return (a comment; the
marked records go with it)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.dialog import Dialog
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice

KEYS = (Key("escape", "cancel", "scr.cancel"), Key("ctrl+s", "save", "scr.ok"))


class MarkDialog(Dialog):
    """`save(note)` → the note ("" takes the mark off)."""

    FOCUS = "#note"
    KEYS = KEYS

    def __init__(self, what: str, note: str, save: Callable):
        super().__init__(save)
        self.what, self.note = what, note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="mark-dialog"):
            yield Static(i18n.t("review.mark_title", what=self.what), classes="title")
            with Horizontal(classes="row"):
                yield Label(i18n.t("review.note"))
                yield Input(self.note, id="note", max_length=120)
            yield Static(i18n.t("review.mark_hint"), classes="hint")
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def action_save(self) -> None:
        self.submit(note=self.query_one("#note", Input).value.strip())


class DecisionDialog(Dialog):
    """`save(comment, score)` → the review written; `score` only when approving."""

    FOCUS = "#comment"
    KEYS = KEYS

    def __init__(self, title: str, save: Callable, scored: bool):
        super().__init__(save)
        self.title_text, self.scored = title, scored

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="decision-dialog"):
            yield Static(self.title_text, classes="title")
            with Horizontal(classes="row"):
                yield Label(i18n.t("review.comment"))
                yield Input(id="comment", max_length=200)
            if self.scored:
                with Horizontal(classes="row"):
                    yield Label(i18n.t("review.score"))
                    yield Input(id="score", max_length=3, classes="num")
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def action_save(self) -> None:
        values = {"comment": self.query_one("#comment", Input).value}
        if self.scored:
            values["score"] = self.query_one("#score", Input).value
        self.submit(**values)
