"""Horizontal bars drawn with block characters: a labelled row per value, the text after it."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from kjtui.i18n import pad

EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, top: float, width: int) -> str:
    """`value` of `top` as a bar `width` cells wide, to an eighth of a cell."""
    if top <= 0 or value <= 0:
        return " " * width
    eighths = round(min(value, top) / top * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width)


class Bars(Static):
    """rows: (label, value, text after the bar). The longest bar is `top` (default: the max)."""

    def show(self, title: str, rows: list[tuple[str, float, str]], *, width: int = 16,
             top: float | None = None, style: str = "green") -> None:
        out = Text(title + "\n", style="bold")
        if rows:
            top = top if top is not None else max(v for _, v, _ in rows)
            label_w = max(len(label) for label, _, _ in rows)
            for label, value, after in rows:
                out.append(pad(label, label_w) + " ")
                out.append(bar(value, top, width), style=style)
                out.append(" " + after + "\n")
        self.update(out)
