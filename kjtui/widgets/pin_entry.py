"""Boxes that take a burst of keys exactly as typed keys.

A paste, an IME commit or a fast typist delivers `333333 enter 333333 enter` at once. Textual
forwards every key to the focused box's queue at once, but runs a *binding* (Input's `enter` →
submit) only when the key has bubbled back up to the app: by then the box may already hold the
digits typed after the enter. So here enter is taken in the box's own key order: the value at
that moment goes out in a message, and a PIN box is emptied before the next key is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Input

# An IME in full-width mode commits ０–９: they are the customer's digits all the same.
_FULLWIDTH = {chr(0xFF10 + d): str(d) for d in range(10)}


class OrderedInput(Input):
    """An Input whose enter posts `Input.Submitted` with the value as it was when enter was
    typed, in the box's own key order (never through a binding)."""

    def submit_now(self) -> None:
        self.post_message(self.Submitted(self, self.value))

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls this before Input._on_key; prevent_default keeps Input's from running.
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.submit_now()
        elif event.character in _FULLWIDTH:
            event.stop()
            event.prevent_default()
            self.insert_text_at_cursor(_FULLWIDTH[event.character])

    def _on_paste(self, event: events.Paste) -> None:
        # A pasted line break is an enter typed at that point, not the end of the paste.
        event.stop()
        event.prevent_default()
        self.feed(event.text)

    def feed(self, text: str) -> None:
        """Take `text` as typed keys: characters into the box, a line break as enter."""
        previous = ""
        for ch in text:
            if ch in "\r\n":
                if not (ch == "\n" and previous == "\r"):
                    self.submit_now()
            else:
                self.insert_text_at_cursor(_FULLWIDTH.get(ch, ch))
            previous = ch


class PinEntry(OrderedInput):
    """A six-digit PIN box. Each enter posts `PinEntry.Entered(value)` and empties the box at
    once, so the digits typed after it start a new entry (a new PIN is typed twice in it)."""

    @dataclass
    class Entered(Message):
        entry: PinEntry
        value: str

    def __init__(self, placeholder: str = "", *, id: str | None = None):
        super().__init__(placeholder=placeholder, id=id, password=True, max_length=6,
                         restrict=r"[0-9]*")

    def submit_now(self) -> None:
        value = self.value
        self.value = ""
        self.post_message(self.Entered(self, value))


@dataclass
class TwicePin:
    """A new PIN typed twice: `take(value)` answers "empty", "again" (the first is kept) or
    "done" (then `first` and `second` are the two entries)."""

    first: str | None = None
    second: str | None = None

    def take(self, value: str) -> str:
        if self.first is None:
            if not value:
                return "empty"
            self.first = value
            return "again"
        self.second = value
        return "done"

    def reset(self) -> None:
        self.first = self.second = None
