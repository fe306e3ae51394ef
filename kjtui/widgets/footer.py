"""The footer of every screen and dialog: Textual's Footer, with its keys kept out from under the
palette's key.

Textual's Footer docks the palette's key ("^p 命令") right and lays the other keys out over the
whole footer, so at 60 or 80 columns the last keys run on under the palette's key, and two things
show through it:
- the compact footer gives every key a one-cell right margin, the palette's too: that last cell of
  the line is the key's below ("palettee", "palette5", "palettek");
- Textual's compositor cuts each line at every widget's edge, hidden ones included, and a wide
  character cut in two becomes two blanks: the palette's "命令" loses "命" when a key below ends
  in the middle of it.
Here the keys live in a row that ends where the palette's key begins: nothing lies under it. A key
that does not fit is left out whole (F1 lists every key), never shown cut."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.geometry import Size
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class FooterKeys(Horizontal):
    """The row of keys left of the palette's key: each key whole, or not at all."""

    DEFAULT_CSS = """
    FooterKeys { width: 1fr; height: 1; background: transparent; }
    """

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit)

    def fit(self) -> None:
        x, room = 0, self.content_region.width
        for key in self.children:
            # The key's width as laid out, margins included, whether it is shown now or not.
            width = (key.get_content_width(Size(0, 0), Size(0, 0)) + key.styles.gutter.width
                     + key.styles.margin.width)
            key.display = x + width <= room
            x += width


class Footer(TextualFooter):
    """`Footer(compact=True)` as Textual's, the keys in a FooterKeys row."""

    def compose(self) -> ComposeResult:
        palette: list[FooterKey] = []
        with FooterKeys():
            for widget in super().compose():
                if widget.has_class("-command-palette"):
                    palette.append(widget)
                else:
                    yield widget
        yield from palette
