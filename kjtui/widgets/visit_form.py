"""The compact visit form: opens defaulting to the routine visit (visited, no order, the four
basic-work checks in order, satisfied), with the save button focused so that `enter` saves and
`o` toggles the order."""

from __future__ import annotations

import re
from datetime import datetime, time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.display import hm
from kjtui.services.visits import CHECKS, VisitLine
from kjtui.widgets.dialog import Dialog
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice
from kjtui.widgets.tick import Tick

HHMM = re.compile(r"^\s*(\d{1,2})[:：.]?(\d{2})\s*$")


def parse_hhmm(text: str) -> time | None:
    m = HHMM.match(text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(text)
    return time(int(m.group(1)), int(m.group(2)))


class VisitForm(Dialog[VisitLine]):
    """`values`: ordered, quantity, the four checks, satisfaction, note, arrived_at, departed_at
    (datetimes or None), default_quantity (filled in when the order is ticked).
    `title_key`: form.visit or form.correct."""

    KEYS = (Key("ctrl+s", "save", "key.save"), Key("o", "toggle_order", "key.toggle_order"),
            Key("escape", "cancel", "key.cancel"))
    ASKS = True  # a second visit the same day, an order far above the usual: asked, then saved

    def __init__(self, shop: str, values: dict, save, *, title_key: str = "form.visit",
                 focus_quantity: bool = False):
        super().__init__(save)
        self.shop = shop
        self.values = values
        self.title_key = title_key
        self.focus_quantity = focus_quantity

    def compose(self) -> ComposeResult:
        v = self.values

        with Vertical(classes="dialog", id="visit-form"):
            yield Static(Text(i18n.t(self.title_key, shop=self.shop)), classes="title")
            with Horizontal(classes="row"):
                yield Label(i18n.t("form.arrived"))
                yield Input(hm(v.get("arrived_at") or datetime.now(), ""), id="arrived",
                            classes="hhmm")
                yield Label(i18n.t("form.departed"))
                yield Input(hm(v.get("departed_at"), ""), id="departed", classes="hhmm",
                            placeholder=i18n.t("form.departed_hint"))
            with Horizontal(classes="row"):
                yield Tick(i18n.t("form.ordered"), bool(v.get("ordered")), id="ordered")
                yield Label(i18n.t("form.quantity"))
                yield Input(str(v.get("quantity") or 0), id="quantity", type="integer",
                            classes="num")
            with Horizontal(classes="row"):
                for name in CHECKS[:2]:
                    yield Tick(i18n.t(f"check.{name}"), v.get(name) is not False, id=name)
            with Horizontal(classes="row"):
                for name in CHECKS[2:]:
                    yield Tick(i18n.t(f"check.{name}"), v.get(name) is not False, id=name)
            with Horizontal(classes="row"):
                yield Label(i18n.t("form.sat"))
                sat = v.get("satisfaction", 5)
                yield Input("" if sat is None else str(sat), id="satisfaction", classes="num",
                            type="integer", max_length=1)
                yield Label(i18n.t("form.note"))
                yield Input(v.get("note", ""), id="note")
            yield Notice("", id="dialog-msg")
            with Horizontal(classes="buttons"):
                yield Button(i18n.t("key.save"), id="save", variant="primary")
                yield Button(i18n.t("key.cancel"), id="cancel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.focus_quantity:
            self.query_one("#quantity", Input).value = str(self.values.get("default_quantity") or 0)
            self.query_one("#ordered", Checkbox).value = True
            self._focus_quantity()
        else:
            self.query_one("#save", Button).focus()

    def _focus_quantity(self) -> None:
        box = self.query_one("#quantity", Input)
        box.focus()
        box.select_all()  # the default quantity is replaced by the first digit typed

    def action_toggle_order(self) -> None:
        box = self.query_one("#ordered", Checkbox)
        box.value = not box.value

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id != "ordered":
            return
        box = self.query_one("#quantity", Input)
        if not event.value:
            box.value = "0"
        elif box.value.strip() in ("", "0"):
            # The customer's last order is the likely one: `o` alone records it.
            box.value = str(self.values.get("default_quantity") or 0)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        try:
            arrived = parse_hhmm(self.query_one("#arrived", Input).value)
        except ValueError:
            self.say(i18n.t("visit.bad_time", value=self.query_one("#arrived", Input).value), True)
            return
        departed_text = self.query_one("#departed", Input).value.strip()
        try:
            departed = parse_hhmm(departed_text) if departed_text else None
        except ValueError:
            self.say(i18n.t("visit.bad_time", value=departed_text), True)
            return
        # An unchanged time keeps its seconds: a correction sorts right after what it corrects.
        for name in ("arrived_at", "departed_at"):
            old = self.values.get(name)
            if old and (arrived if name == "arrived_at" else departed) == old.time().replace(
                    second=0, microsecond=0):
                if name == "arrived_at":
                    arrived = old
                else:
                    departed = old
        values = {name: self.query_one(f"#{name}", Checkbox).value for name in CHECKS}
        values.update(
            ordered=self.query_one("#ordered", Checkbox).value,
            quantity=self.query_one("#quantity", Input).value.strip() or "0",
            satisfaction=self.query_one("#satisfaction", Input).value.strip() or None,
            note=self.query_one("#note", Input).value,
            arrived_at=arrived,
            departed_at=departed,
        )
        self.submit(**values)
