"""Pick one of the manager's routes: enter takes it, escape cancels. Plan uses it to plan a day,
Today to say which route is ridden today."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kjtui.bindings import Key
from kjtui.widgets.base import KjtuiModal
from kjtui.widgets.footer import Footer

NONE = "-"  # the option that takes the day out of the plan


class RoutePicker(KjtuiModal):
    """`routes`: services.day.RouteChoice; dismissed with the route id, NONE, or None."""

    KEYS = (Key("escape", "cancel", "scr.cancel"),)

    def __init__(self, title: str, routes, *, current: str | None = None,
                 none_label: str | None = None):
        super().__init__()
        self.title_text, self.routes = title, routes
        self.current, self.none_label = current, none_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="route-picker"):
            yield Static(self.title_text, classes="title")
            options = [Option(Text(f"{r.code}  {r.name}  ({r.stops})"), id=r.id)
                       for r in self.routes]
            if self.none_label:
                options.append(Option(self.none_label, id=NONE))
            yield OptionList(*options, id="routes")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        ids = [r.id for r in self.routes]
        if self.current in ids:
            self.query_one("#routes", OptionList).highlighted = ids.index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
