"""The county office's dialogs on the month: reopening a closed month (its reason, who does it)
and the decision on a manager the bottom-elimination rule names (the status his employment
allows, the supervisor deciding, the day, whom his customers go to when he leaves)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.dialog import Dialog
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice


class ReasonDialog(Dialog):
    """`save(reason, by)` → what the dialog closes with. `signed`: the account signed in, which
    is who reopens (its box then cannot be changed)."""

    FOCUS = "#reason"
    KEYS = (Key("escape", "cancel", "scr.cancel"), Key("ctrl+s", "save", "scr.ok"))

    def __init__(self, title: str, save: Callable, signed: str = ""):
        super().__init__(save)
        self.title_text, self.signed = title, signed

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reason-dialog"):
            yield Static(self.title_text, classes="title")
            with Horizontal(classes="row"):
                yield Label(i18n.t("desk.reason"))
                yield Input(id="reason", max_length=200)
            with Horizontal(classes="row"):
                yield Label(i18n.t("desk.by"))
                yield Input(self.signed, id="by", max_length=40, disabled=bool(self.signed))
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def action_save(self) -> None:
        self.submit(reason=self.query_one("#reason", Input).value,
                    by=self.query_one("#by", Input).value.strip())


class DecideDialog(Dialog):
    """`save(status, by, on, hand_to)` → what the dialog closes with. `choices`: the statuses
    his employment allows, the one the rule calls for first."""

    FOCUS = "#by"
    KEYS = (Key("escape", "cancel", "scr.cancel"), Key("ctrl+s", "save", "scr.ok"))

    def __init__(self, code: str, name: str, choices: tuple[str, ...], today: date,
                 save: Callable, supervisor: str = ""):
        """`supervisor`: the signed-in director's code, filled in (an administrator records
        the decision of the director he names)."""
        super().__init__(save)
        self.code, self.who, self.choices, self.today = code, name, choices, today
        self.supervisor = supervisor

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="decide-dialog"):
            yield Static(i18n.t("desk.decide_title", code=self.code, name=self.who),
                         classes="title")
            with Horizontal(classes="row"):
                yield Label(i18n.t("desk.status"))
                yield Select([(i18n.choice("status", c), c) for c in self.choices],
                             value=self.choices[0], allow_blank=False, id="status")
            with Horizontal(classes="row"):
                yield Label(i18n.t("desk.supervisor"))
                yield Input(self.supervisor, id="by", max_length=40)
            with Horizontal(classes="row"):
                yield Label(i18n.t("desk.on"))
                yield Input(self.today.isoformat(), id="on", max_length=10)
            with Horizontal(classes="row"):
                yield Label(i18n.t("desk.hand_to"))
                yield Input(id="hand_to", max_length=40)
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def action_save(self) -> None:
        self.submit(status=self.query_one("#status", Select).value,
                    by=self.query_one("#by", Input).value.strip(),
                    on=self.query_one("#on", Input).value,
                    hand_to=self.query_one("#hand_to", Input).value.strip())
