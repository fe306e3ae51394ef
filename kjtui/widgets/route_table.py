"""The day's route as a table, one row a stop (row keys are customer ids).

Two things a plain DataTable cannot tell the Today screen:

- **Parked**: when every stop is visited the screen parks the cursor (`park()`): no stop is
  highlighted and `enter` selects none, instead of the cursor wrapping back onto a visited stop.
  The manager's own move (an arrow, a page key, a click) takes a stop again.
- **Chosen by hand**: `chosen` is the stop the manager last moved the cursor onto, and when —
  by key or mouse, never the screen placing it after a visit. That moment is what the notebook
  takes for the arrival at the shop (kjtui.services.visit_times.arrival).
"""

from __future__ import annotations

from datetime import datetime

from textual import events
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from kjtui.widgets.table import Table


class RouteTable(Table):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen: tuple[str, datetime] | None = None  # (customer id, when), by hand only

    @property
    def parked(self) -> bool:
        return not self.show_cursor

    def park(self) -> None:
        self.show_cursor = False

    def unpark(self, row: int | None = None) -> None:
        if row is not None:
            self.move_cursor(row=row)
        self.show_cursor = True

    def chosen_at(self, customer_id: str) -> datetime | None:
        """When the manager chose this stop by hand, if it is the last one chosen."""
        return self.chosen[1] if self.chosen and self.chosen[0] == customer_id else None

    def forget_chosen(self) -> None:
        self.chosen = None

    def _stamp(self, row: int) -> None:
        if 0 <= row < self.row_count:
            key = self.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value
            self.chosen = (key, datetime.now().replace(microsecond=0))  # the notebook's unit

    def _by_hand(self, move, parked_row: int | None = None) -> None:
        if self.parked:
            self.unpark(parked_row)
        else:
            move()
        self._stamp(self.cursor_row)

    def action_cursor_down(self) -> None:
        self._by_hand(super().action_cursor_down, 0)

    def action_cursor_up(self) -> None:
        self._by_hand(super().action_cursor_up, self.row_count - 1)

    def action_page_down(self) -> None:
        self._by_hand(super().action_page_down)

    def action_page_up(self) -> None:
        self._by_hand(super().action_page_up)

    def action_scroll_top(self) -> None:
        self._by_hand(super().action_scroll_top, 0)

    def action_scroll_bottom(self) -> None:
        self._by_hand(super().action_scroll_bottom, self.row_count - 1)

    def action_select_cursor(self) -> None:
        if self.parked and self.row_count:
            # Nothing highlighted: say so through the screen's own answer to a selection.
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
            self.post_message(DataTable.RowSelected(self, self.cursor_row, key))
        else:
            super().action_select_cursor()

    def _on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("row")
        if not isinstance(row, int) or row < 0:
            return
        if self.parked:  # a click takes the stop, it does not select it yet
            event.prevent_default()
            event.stop()
            self.unpark(row)
        self._stamp(row)
