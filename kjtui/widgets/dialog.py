"""A modal form whose save runs in a thread worker: on success it closes with the result, on a
refusal it shows the one-sentence reason and stays open with what was typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.message import Message

from kjtui.widgets.base import KjtuiModal
from kjtui.widgets.notice import Notice, refusal_text


@dataclass
class SaveDone(Message):
    result: object


@dataclass
class SaveRefused(Message):
    error: Exception  # carries .key, .params (and .confirmable for the odometer)


class Dialog(KjtuiModal):
    # A compact one-line Select and full-width inputs, so a dialog fits 80×24.
    DEFAULT_CSS = """
    Dialog Select { width: 32; height: 1; }
    Dialog SelectCurrent { border: none; height: 1; padding: 0 1; background: $boost; }
    Dialog Select:focus > SelectCurrent { background: $accent 30%; }
    Dialog Input { width: 1fr; }
    """
    FOCUS: str | None = None  # the selector of what has the focus when the dialog opens

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
            refusal_text(exc)  # raises again what is not a refusal
            self.post_message(SaveRefused(exc))
            return
        self.post_message(SaveDone(result))

    def on_save_done(self, message: SaveDone) -> None:
        self.busy = False
        self.dismiss(message.result)

    def on_save_refused(self, message: SaveRefused) -> None:
        self.busy = False
        self.query_one("#dialog-msg", Notice).refused(message.error)
        self.refused(message.error)

    def on_mount(self) -> None:
        # Textual runs every class's on_mount: a subclass that focuses on its own sets no FOCUS.
        if self.FOCUS:
            self.query_one(self.FOCUS).focus()

    def on_input_submitted(self, event) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Subclasses gather what was typed and call submit()."""

    def refused(self, error: Exception) -> None:
        """Subclasses react to a refusal (clear a PIN, arm a confirmation)."""

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#dialog-msg", Notice).say(text, error)

    def action_cancel(self) -> None:
        self.dismiss(None)
