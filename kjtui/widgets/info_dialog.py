"""The Information screen's dialogs: collect a new item, organize one (write its summary). A
customer named by a text several customers match is picked from their list."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.services import information, search
from kjtui.services.information import INFO_CATEGORIES
from kjtui.widgets.base import Refusal
from kjtui.widgets.customer_picker import CustomerPicker
from kjtui.widgets.dialog import Dialog
from kjtui.widgets.footer import Footer
from kjtui.widgets.notice import Notice


def _collect(manager_id: str, today: date, category: str, customer: str, content: str) -> bool:
    customer_id = search.find_one(customer).id if customer.strip() else None
    information.collect(manager_id, category, content, today, customer_id)
    return True


class CollectDialog(Dialog[bool]):
    """收集: a new item of the category chosen, about a customer if one is named (licence number or
    a name only one customer has); closes with True once collected."""

    FOCUS = "#content"
    KEYS = (Key("escape", "cancel", "scr.cancel"), Key("ctrl+s", "save", "scr.ok"))

    def __init__(self, manager_id: str, today: date):
        super().__init__(lambda **v: _collect(manager_id, today, **v))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="collect"):
            yield Static(i18n.t("info.new.title"), classes="title")
            with Horizontal(classes="row"):
                yield Label(i18n.t("info.new.category"))
                yield Select([(i18n.choice("info_category", c), c) for c in INFO_CATEGORIES],
                             value="market", allow_blank=False, id="category")
            with Horizontal(classes="row"):
                yield Label(i18n.t("info.new.customer"))
                yield Input(id="customer")
            with Horizontal(classes="row"):
                yield Label(i18n.t("info.new.content"))
                yield Input(id="content")
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def action_save(self) -> None:
        self.submit(category=self.query_one("#category", Select).value,
                    customer=self.query_one("#customer", Input).value,
                    content=self.query_one("#content", Input).value)

    def refused(self, refusal: Refusal) -> None:
        """Several customers match the name typed: offer them; the one picked is saved by its
        licence number. Escape comes back to the form as it was."""
        if refusal.key != "customer.many_match":
            return

        def picked(hit) -> None:
            if hit is not None:
                self.query_one("#customer", Input).value = hit.licence_no
                self.say("")
                self.action_save()

        self.app.push_screen(CustomerPicker(search.find_many, refusal.params["query"],
                                            title="info.pick.title"), picked)


class OrganizeDialog(Dialog[bool]):
    """整理: the item's summary, starting from `draft`; closes with True once written."""

    FOCUS = "#summary"
    KEYS = (Key("escape", "cancel", "scr.cancel"), Key("ctrl+s", "save", "scr.ok"))

    def __init__(self, item_id: str, draft: str):
        super().__init__(lambda summary: information.organize(item_id, summary) or True)
        self.draft = draft

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="organize"):
            yield Static(i18n.t("info.organize.title"), classes="title")
            with Horizontal(classes="row"):
                yield Label(i18n.t("info.organize.summary"))
                yield Input(self.draft, id="summary")
            yield Notice("", id="dialog-msg")
        yield Footer(compact=True)

    def action_save(self) -> None:
        self.submit(summary=self.query_one("#summary", Input).value)
