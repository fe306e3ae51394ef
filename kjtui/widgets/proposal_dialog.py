"""基础资料维护 from a customer's page: the manager proposes a new value for one field of the
customer's basic data; the county decides."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.services import customers
from kjtui.services.customers import PROPOSAL_FIELDS, RETAIL_FORMATS, CustomerDetail, ProposalLine
from kjtui.widgets.dialog import Dialog
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice


class ProposalDialog(Dialog[ProposalLine]):
    """基础资料维护: which field, the new value; saved as a proposal for the county."""

    FOCUS = "#value"
    KEYS = (Key("escape", "cancel", "scr.cancel"), Key("ctrl+s", "save", "scr.ok"))

    def __init__(self, detail: CustomerDetail, manager_id: str):
        super().__init__(lambda field, value: customers.propose(
            detail.row.id, manager_id, field, value))
        r = detail.row
        # What each field holds now, as the manager reads it: the starting text to edit.
        self.current = {"shop_name": r.shop_name, "owner_name": r.owner_name, "phone": r.phone,
                        "address": detail.address, "grade": r.grade,
                        "retail_format": i18n.choice("retail_format", r.retail_format)}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="proposal"):
            yield Static(i18n.t("cust.propose.title"), classes="title")
            with Horizontal(classes="row"):
                yield Label(i18n.t("cust.propose.field"))
                yield Select([(i18n.t(f"field.{f}"), f) for f in PROPOSAL_FIELDS],
                             value="phone", allow_blank=False, id="field")
            with Horizontal(classes="row"):
                yield Label(i18n.t("cust.propose.value"))
                yield Input(self.current["phone"], id="value")
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def on_select_changed(self, event: Select.Changed) -> None:
        self.query_one("#value", Input).value = self.current.get(str(event.value), "")

    def action_save(self) -> None:
        field = self.query_one("#field", Select).value
        value = self.query_one("#value", Input).value
        if field == "retail_format":
            value = _format_code(value)
        self.submit(field=field, value=value)


def _format_code(value: str) -> str:
    """The retail format may be typed as its code or as the word shown for it."""
    words = {i18n.choice("retail_format", c): c for c in RETAIL_FORMATS}
    return words.get(value.strip(), value.strip())
