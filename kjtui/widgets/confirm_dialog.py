"""A question before a write the notebook would otherwise refuse: the refusal's sentence, then
`y` yes or `n` no (`escape` is no). Dismissed with True or False.

Nothing in it takes the focus and `enter` answers nothing, so that what a key does never depends
on how fast it came: a burst of keys (a paste, keys typed ahead) is read exactly as the same keys
typed one by one, and the first `y` or `n` is the answer (later keys are not answers)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.base import KjtuiModal


class ConfirmDialog(KjtuiModal):
    KEYS = (Key("y", "answer(True)", "confirm.yes"), Key("n", "answer(False)", "confirm.no"),
            Key("escape", "answer(False)", "confirm.no", show=False))

    def __init__(self, question: str):
        super().__init__()
        self.question = question
        self.answered = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Static(Text(self.question), id="confirm-question")
            yield Static(i18n.t("confirm.hint"), id="confirm-hint")
            with Horizontal(classes="buttons"):
                yes = Button(i18n.t("confirm.yes_button"), id="yes", variant="primary")
                no = Button(i18n.t("confirm.no_button"), id="no")
                for button in (yes, no):
                    button.can_focus = False  # keys go to the dialog's own, whatever the timing
                    yield button
        yield Footer(compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        if not self.answered:  # a second key of a burst is no second answer
            self.answered = True
            self.dismiss(yes)
