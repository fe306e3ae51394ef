"""The odometer at the start or end of the day. An implausible reading is refused with a sentence;
the same reading entered again is the manager's confirmation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.base import Refusal
from kjtui.widgets.dialog import Dialog
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice


class OdometerDialog(Dialog[int]):
    """`save(km, confirm)` → the day view. `which`: start or end; `info`: a line of context."""

    FOCUS = "#km"
    KEYS = (Key("enter", "save", "key.save"), Key("escape", "cancel", "key.cancel"))

    def __init__(self, which: str, info: str, value: int | None, save):
        super().__init__(save)
        self.which = which
        self.info = info
        self.value = value
        self.armed: str | None = None  # the reading whose confirmation is asked for

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="odometer-dialog"):
            yield Static(i18n.t(f"odo.{self.which}_title"), classes="title")
            yield Static(self.info, id="odo-info")
            yield Input("" if self.value is None else str(self.value), id="km", type="integer",
                        max_length=7)
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def action_save(self) -> None:
        text = self.query_one("#km", Input).value.strip()
        self.submit(km=text, confirm=text == self.armed)

    def refused(self, refusal: Refusal) -> None:
        self.armed = self.query_one("#km", Input).value.strip() if refusal.confirmable else None
