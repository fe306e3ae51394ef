"""A modal form whose save runs in a thread worker: on success it closes with the result, on a
refusal it shows the one-sentence reason and stays open with what was typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from textual.message import Message

from kjtui.widgets.base import ChangeRefused, KjtuiModal, Refusal
from kjtui.widgets.notice import Notice

R = TypeVar("R")


@dataclass
class DialogSaved(Message, Generic[R]):
    result: R


class Dialog(KjtuiModal, Generic[R]):
    """`save(**values)` → R, what the dialog closes with once saved."""

    # A compact one-line Select and full-width inputs, so a dialog fits 80×24.
    DEFAULT_CSS = """
    Dialog Select { width: 32; height: 1; }
    Dialog SelectCurrent { border: none; height: 1; padding: 0 1; background: $boost; }
    Dialog Select:focus > SelectCurrent { background: $accent 30%; }
    Dialog Input { width: 1fr; }
    """
    FOCUS: str | None = None  # the selector of what has the focus when the dialog opens
    # `save(**values, confirmed=keys)` may be refused with a confirmable refusal: ask the person
    # (ConfirmDialog) and, answered yes, save again with that key confirmed.
    ASKS = False

    def __init__(self, save: Callable[..., R]):
        super().__init__()
        self._save = save
        self.busy = False

    def submit(self, **values) -> None:
        if self.busy:  # a second enter while saving must not save twice
            return
        self.busy = True
        if self.ASKS:
            self.call_confirmable(lambda confirmed: self._save(**values, confirmed=confirmed),
                                  DialogSaved, group="dialog-save")
        else:
            self.call_service(lambda: self._save(**values), DialogSaved, group="dialog-save",
                              refusable=True)

    def on_dialog_saved(self, message: DialogSaved[R]) -> None:
        self.busy = False
        self.dismiss(message.result)

    def on_change_refused(self, message: ChangeRefused) -> None:
        self.busy = False
        self.query_one("#dialog-msg", Notice).refused(message.refusal)
        self.refused(message.refusal)

    def on_mount(self) -> None:
        # Textual runs every class's on_mount: a subclass that focuses on its own sets no FOCUS.
        if self.FOCUS:
            self.query_one(self.FOCUS).focus()

    def on_input_submitted(self, event) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Subclasses gather what was typed and call submit()."""

    def refused(self, refusal: Refusal) -> None:
        """Subclasses react to a refusal (clear a PIN, arm a confirmation)."""

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#dialog-msg", Notice).say(text, error)

    def action_cancel(self) -> None:
        self.dismiss(None)
