"""A modal form whose save runs in a thread worker: on success it closes with the result, on a
refusal it shows the one-sentence reason and stays open with what was typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from rich.text import Text
from textual import work
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from kjtui import i18n


@dataclass
class SaveDone(Message):
    result: object


@dataclass
class SaveRefused(Message):
    error: Exception  # carries .key, .params (and .confirmable for the odometer)


class Dialog(ModalScreen):
    def __init__(self, save: Callable[..., object]):
        super().__init__()
        self._save = save
        self.busy = False

    def submit(self, **values) -> None:
        if not self.busy:  # a second enter while saving must not save twice
            self.busy = True
            self._run(values)

    @work(thread=True, group="dialog-save")
    def _run(self, values: dict) -> None:
        from kjtui.services import session

        try:
            session.open_notebook(self.app.db_url)
            result = self._save(**values)
        except Exception as exc:
            if not hasattr(exc, "key"):
                raise
            self.post_message(SaveRefused(exc))
            return
        self.post_message(SaveDone(result))

    def on_save_done(self, message: SaveDone) -> None:
        self.busy = False
        self.dismiss(message.result)

    def on_save_refused(self, message: SaveRefused) -> None:
        self.busy = False
        self.say(i18n.t(message.error.key, **message.error.params), error=True)
        self.refused(message.error)

    def refused(self, error: Exception) -> None:
        """Subclasses react to a refusal (clear a PIN, arm a confirmation)."""

    def say(self, text: str, error: bool = False) -> None:
        msg = self.query_one("#dialog-msg", Static)
        msg.update(Text(text))  # shop names may hold [brackets]
        msg.set_class(error, "error")

    def action_cancel(self) -> None:
        self.dismiss(None)
