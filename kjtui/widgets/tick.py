"""A tick box whose two states differ in shape, not only in colour: "▐✓▌" ticked, "▐ ▌" not
(Textual's Checkbox draws the same X for both, coloured differently: on a washed-out laptop
screen in the sun, or for a colour-blind manager, the two look alike)."""

from __future__ import annotations

from textual.widgets import Checkbox


class Tick(Checkbox):
    @property
    def BUTTON_INNER(self) -> str:  # read by Textual's ToggleButton to draw the box
        return "✓" if self.value else " "
