"""The county office's dialogs on its desk: a spot check's outcome (the customer's phone at
hand), an answer to a piece of information, the reason a proposal is rejected, a talk after the
month's results (with the last talk's advice beside it)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.dialog import Dialog
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice

SAVE_KEYS = (Key("escape", "cancel", "scr.cancel"), Key("ctrl+s", "save", "scr.ok"))
SPOT_METHODS = ("phone", "onsite", "inquiry")
SPOT_RESULTS = ("confirmed", "discrepancy", "unreachable")
TALK_FIELDS = ("gains", "suggestions", "shortcomings", "causes", "advice")


class SpotDialog(Dialog):
    """抽检: how the visit was checked, what came of it, a note; `save(method, result, note)`."""

    FOCUS = "#spot-result"
    KEYS = SAVE_KEYS

    def __init__(self, title: str, about: str, save: Callable, method: str = "phone"):
        super().__init__(save)
        self.title_text, self.about, self.method = title, about, method

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="spot-dialog"):
            yield Static(Text(self.title_text), classes="title")
            yield Static(Text(self.about), id="spot-about")
            with Horizontal(classes="row"):
                yield Label(i18n.t("office.spot.method"))
                yield Select([(i18n.choice("spot_method", m), m) for m in SPOT_METHODS],
                             value=self.method, allow_blank=False, id="spot-method")
            with Horizontal(classes="row"):
                yield Label(i18n.t("office.spot.result"))
                yield Select([(i18n.choice("spot_result", r), r) for r in SPOT_RESULTS],
                             value="confirmed", allow_blank=False, id="spot-result")
            with Horizontal(classes="row"):
                yield Label(i18n.t("office.note"))
                yield Input(id="spot-note", max_length=200)
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def action_save(self) -> None:
        self.submit(method=self.query_one("#spot-method", Select).value,
                    result=self.query_one("#spot-result", Select).value,
                    note=self.query_one("#spot-note", Input).value)


class TextDialog(Dialog):
    """One text under what it is about: an answer to information, a rejection's reason;
    `save(text)`."""

    FOCUS = "#office-text"
    KEYS = SAVE_KEYS

    def __init__(self, title: str, about: str, label: str, save: Callable):
        super().__init__(save)
        self.title_text, self.about, self.label = title, about, label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="text-dialog"):
            yield Static(Text(self.title_text), classes="title")
            yield Static(Text(self.about), id="text-about")
            with Horizontal(classes="row"):
                yield Label(self.label)
                yield Input(id="office-text", max_length=500)
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def action_save(self) -> None:
        self.submit(text=self.query_one("#office-text", Input).value)


class TalkDialog(Dialog):
    """情感沟通: gains and losses, suggestions heard, shortcomings, causes, advice; the last
    talk's advice above them. `save(gains=…, suggestions=…, …)`."""

    FOCUS = "#talk-gains"
    KEYS = SAVE_KEYS

    def __init__(self, title: str, last_advice: str, save: Callable,
                 values: dict[str, str] | None = None):
        super().__init__(save)
        self.title_text, self.last_advice = title, last_advice
        self.values = values or {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="talk-dialog"):
            yield Static(Text(self.title_text), classes="title")
            yield Static(Text(self.last_advice), id="talk-last")
            for name in TALK_FIELDS:
                with Horizontal(classes="row"):
                    yield Label(i18n.t(f"office.talk.{name}"))
                    yield Input(self.values.get(name, ""), id=f"talk-{name}", max_length=500)
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """enter goes on to the next box; on the advice, the last, it saves."""
        event.stop()
        if event.input.id == f"talk-{TALK_FIELDS[-1]}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        self.submit(**{name: self.query_one(f"#talk-{name}", Input).value
                       for name in TALK_FIELDS})
