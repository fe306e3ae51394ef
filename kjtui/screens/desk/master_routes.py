"""The routes tab of 基础数据 (kjtui/screens/desk/master_data.py): the county's routes, a page at
a time, and the stops of the route under the cursor in their order. shift+up/down moves a stop
along its route (the order is saved as a routes sheet of the route's rows would save it: each
move shows at once, and the order shown last is the one written); ctrl+r moves the customer
under the cursor to the end of another route, whose manager he goes to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.route_picker import RoutePicker
from kjtui.widgets.table import Table

if TYPE_CHECKING:
    from kjtui.services.master_data import StopLine
    from kjtui.widgets.base import Refusal

ROUTE_COLUMNS = (("md.col.code", None, 4), ("md.col.route_name", None, 6),
                 ("md.col.manager", None, 4), ("md.col.township", None, 4),
                 ("md.col.stops", None, 4))
STOP_COLUMNS = (("md.col.order", 4, 3), ("sheet.col.licence_no", 12, 12), ("md.col.shop", 20, 8),
                ("md.col.owner", 8, 6))


@dataclass
class StopsRead(Message):
    route_id: str
    stops: list[StopLine]


@dataclass
class OrderSaved(Message):
    route_id: str


@dataclass
class CustomerMoved(Message):
    shop: str
    route: str


class RoutesTab:
    ROUTE_KEYS = (
        Key("shift+up", "stop(-1)", "md.key.stop_up"),
        Key("shift+down", "stop(1)", "md.key.stop_down"),
        Key("ctrl+r", "move", "md.key.move"),
    )
    ROUTE_ACTIONS = ("stop", "move")

    route_id: str | None = None  # the route whose stops are shown
    stop_lines: list[StopLine] = []
    order_saving = False  # an order is being written
    order_pending = False  # moved again meanwhile: write the order shown once more after it

    def compose_routes(self) -> ComposeResult:
        yield Static("", id="md-routes-count", classes="md-count")
        yield self._table("md-routes-table", ROUTE_COLUMNS)
        yield Static("", id="md-stops-title", classes="md-count")
        yield self._table("md-stops-table", STOP_COLUMNS)

    @staticmethod
    def _table(table_id: str, columns) -> Table:
        table = Table(id=table_id, cursor_type="row", zebra_stripes=True)
        for key, width, narrowest in columns:
            table.add_column(i18n.t(key), width=width, min_width=narrowest)
        return table

    # --- the stops of the route under the cursor ---------------------------------------------

    def routes_shown(self) -> None:
        """The page of routes came: show the stops of the route under the cursor."""
        key = self.cursor_key("routes")
        if key != self.route_id or key is None:
            self.read_stops(key)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "md-routes-table" and event.row_key.value != self.route_id:
            self.read_stops(event.row_key.value)

    def reload_stops(self) -> None:
        if self.route_id is not None:
            self.read_stops(self.route_id)

    def read_stops(self, route_id: str | None) -> None:
        from kjtui.services import master_data

        self.route_id = route_id
        if route_id is None:
            self.show_stops([])
            return
        self.call_service(lambda: StopsRead(route_id, master_data.stops(route_id)),
                          group="md-stops", exclusive=True)

    def on_stops_read(self, message: StopsRead) -> None:
        if message.route_id == self.route_id and not (self.order_saving or self.order_pending):
            self.show_stops(message.stops)

    def show_stops(self, stops: list[StopLine], cursor: int | None = None) -> None:
        self.stop_lines = list(stops)
        table = self.query_one("#md-stops-table", Table)
        row = table.cursor_row if cursor is None else cursor
        table.clear()
        for n, s in enumerate(self.stop_lines, start=1):
            table.add_row(str(n), s.licence_no, Text(s.shop_name), Text(s.owner_name),
                          key=s.customer_id)
        if table.row_count:
            table.move_cursor(row=max(0, min(row, table.row_count - 1)))
        route = self.route_line()
        self.query_one("#md-stops-title", Static).update(Text(
            i18n.t("md.stops", code=route.code, name=route.name, n=len(stops)) if route
            else i18n.t("md.no_route")))

    def route_line(self):
        page = self.pages.get("routes")
        return next((r for r in page.rows if r.id == self.route_id), None) if page else None

    # --- moving a stop along its route ------------------------------------------------------

    def action_stop(self, step: int) -> None:
        table = self.query_one("#md-stops-table", Table)
        i = table.cursor_row
        j = i + step
        if self.route_id is None or not 0 <= i < len(self.stop_lines) \
                or not 0 <= j < len(self.stop_lines):
            return
        lines = self.stop_lines
        lines[i], lines[j] = lines[j], lines[i]
        self.show_stops(lines, cursor=j)
        table.focus()
        self.save_order()

    def save_order(self) -> None:
        from kjtui.services import master_forms

        if self.order_saving:
            self.order_pending = True
            return
        self.order_saving, self.order_pending = True, False
        route, ids = self.route_id, [s.customer_id for s in self.stop_lines]
        self.call_service(lambda: master_forms.set_order(route, ids),
                          lambda _: OrderSaved(route), group="md-order", refusable=True)

    def on_order_saved(self, message: OrderSaved) -> None:
        self.order_saving = False
        if self.order_pending and message.route_id == self.route_id:
            self.save_order()
            return
        self.order_pending = False
        self.say(i18n.t("md.order_saved"))

    def refused_here(self, refusal: Refusal) -> None:
        """A write of this tab was refused: show the stops as they are written."""
        self.order_saving = self.order_pending = False
        self.reload_stops()

    # --- moving a customer to another route ---------------------------------------------------

    def action_move(self) -> None:
        table = self.query_one("#md-stops-table", Table)
        page = self.pages.get("routes")
        if not self.stop_lines or page is None or not 0 <= table.cursor_row < len(
                self.stop_lines):
            return
        stop = self.stop_lines[table.cursor_row]
        others = [r for r in page.rows if r.id != self.route_id]

        def chosen(route_id: str | None) -> None:
            self.dialog_open = False
            if route_id:
                self.move_to(stop, route_id)

        self.dialog_open = True
        self.app.push_screen(RoutePicker(i18n.t("md.move_title", shop=stop.shop_name), others),
                             chosen)

    def move_to(self, stop: StopLine, route_id: str) -> None:
        from kjtui.services import master_forms

        route = next(r for r in self.pages["routes"].rows if r.id == route_id)
        self.call_service(lambda: master_forms.move(stop.customer_id, route_id),
                          lambda _: CustomerMoved(stop.shop_name, route.code),
                          group="md-order", refusable=True)

    def on_customer_moved(self, message: CustomerMoved) -> None:
        self.say(i18n.t("md.moved", shop=message.shop, route=message.route))
        self.read_page("routes", self.want.get("routes", 0))  # the routes' stop counts
        self.reload_stops()

    def stop_selected(self) -> None:
        self.action_move()
