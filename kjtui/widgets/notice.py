"""The one line under a screen or dialog that says what was done, or why it was refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from kjtui.widgets.base import Refusal


class Notice(Static):
    def say(self, text: str, error: bool = False) -> None:
        self.update(Text(text))  # shop names may hold [brackets]
        self.set_class(error, "error")

    def refused(self, refusal: Refusal) -> None:
        self.say(refusal.text, error=True)
