"""客户签名认可 on the laptop (docs/ACKNOWLEDGEMENT.md). The customer reads what they confirm and
types their PIN (chosen at the first confirmation, typed twice); or the manager records the page
of the paper handbook the customer signed, or the reason the customer declined.

The way of acknowledging is an explicit choice shown on its own line (ctrl+n PIN, ctrl+o paper,
ctrl+r declined). Each box keeps its one meaning: the PIN box is only ever a PIN and is emptied
when the choice changes; the page box is only a page number. When the PIN cannot be used (too
many wrong tries today, a reset waiting for the county) the PIN box is disabled and the line
under it says why — the dialog never switches to paper by itself, so a PIN typed on cannot land
in the page box.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.display import hm
from kjtui.services import pin_state
from kjtui.services.acknowledgement import HANDBOOK_PAGES
from kjtui.services.visits import CHECKS, VisitLine
from kjtui.widgets.base import Refusal
from kjtui.widgets.dialog import Dialog
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice
from kjtui.widgets.pin_entry import OrderedInput, PinEntry, TwicePin

METHODS = ("pin", "paper", "declined")
_NEW_PIN_HINT = {pin_state.NONE: "ack.ask_new_pin", pin_state.LEGACY: "ack.ask_new_pin_legacy",
                 pin_state.RESET_APPROVED: "ack.ask_new_pin_reset"}


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


def methods_line(chosen: str) -> str:
    """`认可方式  ● 客户密码确认  ○ 纸质手册签名  ○ 客户拒签`: the choice differs in shape."""
    marks = "  ".join(("● " if m == chosen else "○ ") + i18n.t(f"choice.ack.{m}") for m in METHODS)
    return f"{i18n.t('ack.methods')}  {marks}"


class AckDialog(Dialog[VisitLine]):
    """`save(method, pin, new_pin, handbook_page, reason)` → the acknowledged VisitLine."""

    KEYS = (Key("enter", "save", "key.save"), Key("ctrl+n", "method('pin')", "key.pin_method"),
            Key("ctrl+o", "method('paper')", "key.paper"),
            Key("ctrl+r", "method('declined')", "key.declined"),
            Key("escape", "cancel", "key.later"))

    def __init__(self, line, save):
        super().__init__(save)
        self.line = line
        self.method = "pin"
        self.pin_state = line.pin_state
        self.twice = TwicePin()  # a new PIN's two entries
        self.waiting: list[str] = []  # PINs typed while the last one was being checked

    @property
    def chooses_new(self) -> bool:
        return self.pin_state in pin_state.CHOOSES_NEW

    @property
    def pin_usable(self) -> bool:
        return self.pin_state not in (pin_state.LOCKED, pin_state.RESET_PENDING)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ack-dialog"):
            yield Static(Text(i18n.t("ack.title", shop=self.line.shop_name)), classes="title")
            yield Static(Text(visit_summary(self.line)), id="ack-summary")
            yield Static("", id="ack-methods")
            yield Static("", id="ack-hint")
            yield PinEntry(i18n.t("ack.pin"), id="pin")
            yield OrderedInput(id="page", placeholder=i18n.t("ack.page", last=HANDBOOK_PAGES),
                               max_length=3, restrict=r"[0-9]*")
            yield OrderedInput(id="reason", placeholder=i18n.t("ack.reason"), max_length=120)
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._show()

    def _hint(self) -> str:
        if self.method == "paper":
            return i18n.t("ack.paper_hint", last=HANDBOOK_PAGES)
        if self.method == "declined":
            return i18n.t("ack.declined_hint")
        if self.pin_state == pin_state.LOCKED:
            return i18n.t("ack.pin_locked", tries=pin_state.MAX_PIN_TRIES)
        if self.pin_state == pin_state.RESET_PENDING:
            return i18n.t("ack.pin_reset_pending", shop=self.line.shop_name)
        if self.chooses_new:
            if self.twice.first is not None:
                return i18n.t("ack.ask_pin_again")
            return i18n.t(_NEW_PIN_HINT[self.pin_state])
        return i18n.t("ack.ask_pin")

    def _show(self) -> None:
        pin = self.query_one("#pin", PinEntry)
        pin.display = self.method == "pin"
        pin.disabled = not self.pin_usable
        self.query_one("#page").display = self.method != "pin"
        self.query_one("#reason").display = self.method == "declined"
        self.query_one("#ack-methods", Static).update(methods_line(self.method))
        self.query_one("#ack-hint", Static).update(Text(self._hint()))
        target = {"pin": pin, "paper": self.query_one("#page"),
                  "declined": self.query_one("#reason")}[self.method]
        if not target.disabled:
            target.focus()

    def action_method(self, method: str) -> None:
        if method == self.method:
            return
        self.method = method
        self.query_one("#pin", PinEntry).value = ""  # a PIN never follows into another box
        self.twice.reset()
        self.waiting.clear()
        self.say("")
        self._show()

    # --- a PIN, in the order it was typed -----------------------------------------------------

    def on_pin_entry_entered(self, message: PinEntry.Entered) -> None:
        message.stop()
        if self.method != "pin" or not self.pin_usable:
            return
        if self.busy:
            self.waiting.append(message.value)
            return
        self._take_pin(message.value)

    def _take_pin(self, value: str) -> None:
        if not self.chooses_new:
            if not value:
                self.say(i18n.t("pin.empty"), True)
                return
            self.submit(method="pin", pin=value)
            return
        step = self.twice.take(value)
        if step == "empty":
            self.say(i18n.t("pin.empty"), True)
        elif step == "again":
            self.say("")
            self._show()
        else:
            self.submit(method="pin", pin=self.twice.first, new_pin=self.twice.second)

    # --- paper and declined -------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.prevent_default()  # not Dialog's: it would read the boxes again, too late
        values = {"page": self.query_one("#page", Input).value,
                  "reason": self.query_one("#reason", Input).value}
        values[event.input.id] = event.value  # as it was when enter was typed
        self._save_other(values)

    def action_save(self) -> None:
        """enter when no box has it (the PIN box disabled): say what is left to do."""
        if self.method == "pin":
            self.say(self._hint(), not self.pin_usable)
            return
        self._save_other({"page": self.query_one("#page", Input).value,
                          "reason": self.query_one("#reason", Input).value})

    def _save_other(self, values: dict) -> None:
        if self.method == "pin":
            return
        self.submit(method=self.method, handbook_page=values["page"],
                    reason=values["reason"] if self.method == "declined" else "")

    def refused(self, refusal: Refusal) -> None:
        if refusal.key == "ack.pin_locked":
            self.pin_state = pin_state.LOCKED
        elif refusal.key == "ack.pin_reset_pending":
            self.pin_state = pin_state.RESET_PENDING
        if self.method != "pin":
            return
        self.twice.reset()
        self._show()
        if not self.pin_usable:
            self.waiting.clear()
        while self.waiting and not self.busy:  # typed on while the last one was checked
            self._take_pin(self.waiting.pop(0))


class PinResetDialog(Dialog[VisitLine]):
    """The customer chooses a new PIN, typed twice in one box: after the county approved a reset,
    or when the customer has no usable PIN yet. `save(pin, new_pin)` → the VisitLine."""

    FOCUS = "#pin"
    KEYS = (Key("enter", "save", "key.save"), Key("escape", "cancel", "key.cancel"))

    def __init__(self, shop: str, approved: bool, save):
        super().__init__(save)
        self.shop = shop
        self.approved = approved
        self.twice = TwicePin()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pin-reset"):
            yield Static(Text(i18n.t("pin.reset_title", shop=self.shop)), classes="title")
            yield Static(self._hint(), id="pin-hint")
            yield PinEntry(i18n.t("ack.pin"), id="pin")
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def _hint(self) -> str:
        if self.twice.first is not None:
            return i18n.t("ack.ask_pin_again")
        return i18n.t("pin.reset_hint" if self.approved else "pin.set_hint")

    def on_pin_entry_entered(self, message: PinEntry.Entered) -> None:
        message.stop()
        if self.busy:
            return
        step = self.twice.take(message.value)
        if step == "empty":
            self.say(i18n.t("pin.empty"), True)
            return
        self.say("")
        self.query_one("#pin-hint", Static).update(self._hint())
        if step == "done":
            self.submit(pin=self.twice.first, new_pin=self.twice.second)

    def action_save(self) -> None:
        self.query_one("#pin", PinEntry).submit_now()

    def refused(self, refusal: Refusal) -> None:
        self.twice.reset()
        self.query_one("#pin", PinEntry).value = ""
        self.query_one("#pin-hint", Static).update(self._hint())
        self.query_one("#pin", PinEntry).focus()
