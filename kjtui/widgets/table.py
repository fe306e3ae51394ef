"""The notebook's tables: a DataTable that fits the width it is given and keeps its cursor row in
view, so that a screen stays usable from 60 columns (a laptop with a large font) up.

- Too narrow for its columns as declared, a table first drops the cells' padding for a one-cell
  gap, then takes cells from its widest columns first (a shop name, a note) down to each column's
  `min_width`: a licence number, a phone or a time is given a min_width as wide as itself and
  never loses a digit. Wider again, every column gets its declared width back.
- When the table is resized (the head above it grew, F1 opened beside it), the cursor row is
  scrolled back into view: Textual scrolls to the cursor only when the cursor moves."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey


class Table(DataTable):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.declared_padding = self.cell_padding
        self.gap = 0  # narrow: no padding, one blank cell right of each column instead
        # column → (declared width, None when sized by its content; the width it keeps)
        self.declared: dict[ColumnKey, tuple[int | None, int | None]] = {}

    def add_column(self, label, *, width: int | None = None, key: str | None = None,
                   default=None, min_width: int | None = None) -> ColumnKey:
        column = super().add_column(label, width=width, key=key, default=default)
        self.declared[column] = (width, min_width)
        return column

    def clear(self, columns: bool = False):
        if columns:
            self.declared.clear()
        return super().clear(columns)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        new_rows = set(new_rows)
        super()._update_dimensions(new_rows)  # measures the new rows' cells first
        refitted = self.refit()
        if new_rows and not refitted:
            # A row drawn before it was measured (a busy laptop paints between add_row and
            # idle) stays cached at its column's old width: Textual's cell cache has no width.
            self.redraw()

    def on_resize(self) -> None:
        self.refit()
        if self.cursor_type != "none" and self.row_count:
            self.call_after_refresh(self._scroll_cursor_into_view)

    def refit(self) -> bool:
        """Fit the columns to the width now; when that changes them, draw them anew."""
        if not self.fit():
            return False
        super()._update_dimensions(())  # the virtual size from the new widths
        self.redraw()
        return True

    def redraw(self) -> None:
        self._update_count += 1  # Textual caches rendered cells and lines by it
        self._clear_caches()
        self.refresh()

    def fit(self) -> bool:
        """Give the columns the widths that fit the table's width; True when anything changed."""
        columns = self.ordered_columns
        room = self.content_region.width
        rows = self._total_row_height + (self.header_height if self.show_header else 0)
        if rows > self.content_region.height:
            room -= self.styles.scrollbar_size_vertical
        if not columns or room <= 0:
            return False
        wanted, least = [], []
        for column in columns:
            width, min_width = self.declared.get(column.key, (None, None))
            want = column.content_width if width is None else width
            label = cell_len(column.label.plain)
            wanted.append(want)
            least.append(min(want, min_width if min_width is not None else max(4, label)))
        padding, gap = self.declared_padding, 0
        widths = wanted
        if sum(wanted) + 2 * padding * len(columns) > room:
            padding, gap = 0, (1 if self.declared_padding else 0)
            widths = _shrink(wanted, least, room - gap * len(columns))
        changed = padding != self.cell_padding
        for column, width, want in zip(columns, widths, wanted):
            declared_width, _ = self.declared.get(column.key, (None, None))
            if declared_width is None and width == want and not gap:
                fitted = (True, column.width)  # sized by its content again
            else:
                fitted = (False, width + gap)
            if (column.auto_width, column.width) != fitted:
                column.auto_width, column.width = fitted
                changed = True
        if gap != self.gap:
            self.gap, changed = gap, True
        if padding != self.cell_padding:
            self.cell_padding = padding
        return changed

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        if not self.gap or column_index < 0 or width <= self.gap:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        # The cell one cell narrower (a long name is cut there), then the gap in its style.
        lines = super()._render_cell(row_index, column_index, base_style, width - self.gap,
                                     cursor, hover)
        return [[*line, Segment(" " * self.gap, line[-1].style if line else None)]
                for line in lines]


def _shrink(wanted: list[int], least: list[int], room: int) -> list[int]:
    """Widths that sum to at most `room`: every column capped at one level, the widest losing
    cells first, none below its least; spare cells go back to the capped ones, left first."""
    if sum(wanted) <= room:
        return wanted
    if sum(least) >= room:
        return least
    level = max(wanted)
    while level > 0 and sum(max(lo, min(w, level)) for w, lo in zip(wanted, least)) > room:
        level -= 1
    widths = [max(lo, min(w, level)) for w, lo in zip(wanted, least)]
    spare = room - sum(widths)
    for i, w in enumerate(wanted):
        if spare and widths[i] < w:
            widths[i] += 1
            spare -= 1
    return widths
