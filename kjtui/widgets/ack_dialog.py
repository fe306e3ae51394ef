"""客户签名认可 on the laptop. The customer reads what they confirm and types their PIN (chosen at
the first confirmation, typed twice); or the manager records the paper handbook page, or the
reason the customer declined."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.display import hm
from kjtui.services.visits import CHECKS, VisitLine
from kjtui.widgets.base import Refusal
from kjtui.widgets.dialog import Dialog
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice


def visit_summary(line) -> str:
    """One line a customer can check: time, order, the four checks, satisfaction, note."""
    order = (i18n.t("ack.summary_order", qty=line.quantity) if line.ordered
             else i18n.t("ack.summary_no_order"))
    checks = " ".join(
        i18n.t(f"check.{name}") + ("✓" if getattr(line, name) else "✗")
        for name in CHECKS
    )
    sat = f"{i18n.t('col.sat')} {line.satisfaction}" if line.satisfaction else ""
    parts = [f"{hm(line.arrived_at)}–{hm(line.departed_at)}", order, checks, sat, line.note]
    return " · ".join(p for p in parts if p)


class PinInput(Input):
    """A new PIN is typed twice in this one box. The first enter is taken here, in the box's own
    key order, so digits typed fast after it can never be swallowed by a later clear."""

    async def action_submit(self) -> None:
        dialog = self.screen
        if dialog.method == "pin" and dialog.first_pin and dialog.chosen is None:
            dialog.chosen = self.value
            self.value = ""
            dialog.call_later(dialog.repeat_asked)
            return
        await super().action_submit()


class AckDialog(Dialog[VisitLine]):
    """`save(method, pin, new_pin, handbook_page, reason)` → the acknowledged VisitLine."""

    KEYS = (Key("enter", "save", "key.save"), Key("ctrl+o", "paper", "key.paper"),
            Key("ctrl+r", "declined", "key.declined"), Key("escape", "cancel", "key.later"))

    def __init__(self, line, save):
        super().__init__(save)
        self.line = line
        self.method = "pin"
        self.first_pin = not line.customer_has_pin
        self.chosen: str | None = None  # a new PIN's first entry, until it is typed again

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ack-dialog"):
            yield Static(Text(i18n.t("ack.title", shop=self.line.shop_name)), classes="title")
            yield Static(Text(visit_summary(self.line)), id="ack-summary")
            yield Static(i18n.t("ack.ask_new_pin" if self.first_pin else "ack.ask_pin"),
                         id="ack-hint")
            yield PinInput(id="pin", password=True, placeholder=i18n.t("ack.pin"), max_length=6)
            yield Input(id="page", placeholder=i18n.t("ack.page"), max_length=20)
            yield Input(id="reason", placeholder=i18n.t("ack.reason"), max_length=120)
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        pin = self.method == "pin"
        self.query_one("#pin").display = pin
        self.query_one("#page").display = not pin
        self.query_one("#reason").display = self.method == "declined"
        new = "ack.ask_new_pin" if self.chosen is None else "ack.ask_pin_again"
        hint = {"pin": new if self.first_pin else "ack.ask_pin",
                "paper": "ack.paper_hint", "declined": "ack.declined_hint"}[self.method]
        self.query_one("#ack-hint", Static).update(i18n.t(hint))
        self.query_one("#reason" if self.method == "declined" else
                       "#page" if self.method == "paper" else "#pin", Input).focus()

    def action_paper(self) -> None:
        self.method = "paper"
        self._show()

    def action_declined(self) -> None:
        self.method = "declined"
        self._show()

    def action_save(self) -> None:
        def val(name):
            return self.query_one(f"#{name}", Input).value

        if self.method == "pin" and self.first_pin and self.chosen is None:
            self.chosen = val("pin")  # enter from the footer binding, not from the box
            self.query_one("#pin", Input).value = ""
            self.repeat_asked()
            return
        pin = self.chosen if self.first_pin and self.method == "pin" else val("pin")
        self.submit(method=self.method, pin=pin or "",
                    new_pin=val("pin") if self.first_pin else None,
                    handbook_page=val("page"), reason=val("reason"))

    def repeat_asked(self) -> None:
        self.say("")
        self._show()

    def refused(self, refusal: Refusal) -> None:
        if refusal.key == "ack.pin_locked":
            self.method = "paper"  # no PIN tries left for this visit: the handbook remains
            self._show()
            self.query_one("#ack-hint", Static).update(i18n.t("ack.paper_hint"))
        elif self.method == "pin":
            self.chosen = None
            self.query_one("#pin", Input).value = ""
            self._show()


class PinResetDialog(Dialog[VisitLine]):
    """A forgotten PIN: the customer chooses a new one, typed twice, on a visit they signed in the
    paper handbook. `save(pin, new_pin)` → the VisitLine."""

    FOCUS = "#pin"
    KEYS = (Key("enter", "save", "key.save"), Key("escape", "cancel", "key.cancel"))

    def __init__(self, shop: str, save):
        super().__init__(save)
        self.shop = shop

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pin-reset"):
            yield Static(Text(i18n.t("pin.reset_title", shop=self.shop)), classes="title")
            yield Static(i18n.t("pin.reset_hint"))
            yield Input(id="pin", password=True, placeholder=i18n.t("ack.pin"), max_length=6)
            yield Input(id="pin2", password=True, placeholder=i18n.t("ack.pin"), max_length=6)
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def action_save(self) -> None:
        first, second = self.query_one("#pin", Input), self.query_one("#pin2", Input)
        if self.focused is first:
            second.focus()
            return
        self.submit(pin=first.value, new_pin=second.value)

    def refused(self, refusal: Refusal) -> None:
        for box in self.query(Input):
            box.value = ""
        self.query_one("#pin", Input).focus()
