"""The one line under a screen or dialog that says what was done, or why it was refused."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from kjtui import i18n


def refusal_text(exc: BaseException) -> str:
    """The sentence for a refused write. services.writes.Refused, kjtui.models.Refused and
    models.db.DatabaseError all carry a catalog key and its params; anything else is a bug and is
    raised again."""
    key = getattr(exc, "key", None)
    if not isinstance(key, str):
        raise exc
    return i18n.t(key, **getattr(exc, "params", {}))


class Notice(Static):
    def say(self, text: str, error: bool = False) -> None:
        self.update(Text(text))  # shop names may hold [brackets]
        self.set_class(error, "error")

    def refused(self, exc: BaseException) -> None:
        self.say(refusal_text(exc), error=True)
