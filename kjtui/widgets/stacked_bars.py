"""Bars made of parts: one row a label, the parts of its value laid end to end, the text after
it. Each part has its colour and its own fill, so that neighbours differ in shape as well as in
colour (a terminal without colours, a reader who does not tell them apart). The bars take the
width the widget is given: 60 columns or 200."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from kjtui.i18n import display_width, pad

FILLS = "█▓▒░"
STYLES = ("green", "cyan", "yellow", "magenta", "blue", "red", "bright_green", "bright_cyan",
          "bright_red")
MIN_BAR = 8


def segments(values: list[float], top: float, width: int) -> list[int]:
    """The cells each part takes of a bar `width` wide when `top` fills it: the parts' ends are
    rounded, not each part, so the bar is as long as the sum of its parts."""
    if top <= 0:
        return [0] * len(values)
    out, done, cum = [], 0, 0.0
    for v in values:
        cum += max(0.0, v)
        end = min(width, round(cum / top * width))
        out.append(end - done)
        done = end
    return out


def mark(i: int) -> tuple[str, str]:
    """The fill and the colour of the i-th part."""
    return FILLS[i % len(FILLS)], STYLES[i % len(STYLES)]


class StackedBars(Widget):
    DEFAULT_CSS = """
    StackedBars { height: auto; }
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = ""
        self.legend: list[str] = []
        self.rows: list[tuple[str, list[float], str]] = []
        self.top = 100.0

    def show(self, title: str, legend: list[str], rows: list[tuple[str, list[float], str]], *,
             top: float = 100.0) -> None:
        """`legend`: the parts' names in order; rows: (label, the parts' values, text after)."""
        self.title, self.legend, self.rows, self.top = title, legend, rows, top
        self.refresh(layout=True)

    def render(self) -> Text:
        out = Text(self.title + "\n", style="bold") if self.title else Text()
        for i, name in enumerate(self.legend):
            fill, style = mark(i)
            out.append(fill, style=style)
            out.append(name + "  ")
        if self.legend:
            out.append("\n")
        if not self.rows:
            return out
        label_w = max(display_width(label) for label, _, _ in self.rows)
        after_w = max(display_width(after) for _, _, after in self.rows)
        width = max(MIN_BAR, self.size.width - label_w - after_w - 3)
        for label, values, after in self.rows:
            out.append(pad(label, label_w) + " ")
            for i, cells in enumerate(segments(values, self.top, width)):
                fill, style = mark(i)
                out.append(fill * cells, style=style)
            out.append(" " * (width - sum(segments(values, self.top, width))) + " " + after + "\n")
        return out
