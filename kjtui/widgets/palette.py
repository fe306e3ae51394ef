"""Textual's command palette in the manager's words: its placeholder, the line it shows when
nothing matches, and its own keys in F1. What it offers is KjtuiApp.get_system_commands."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.binding import ActiveBinding
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from kjtui import i18n
from kjtui.bindings import in_language


class Palette(CommandPalette):
    def __init__(self):
        super().__init__(placeholder=i18n.t("palette.placeholder"), id="--command-palette")

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return in_language(super().active_bindings)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's (8.2) countdown to its "No matches found", with our words: after a short
        wait with no hit, a query says that nothing matches; an empty one shows no list."""
        self._stop_no_matches_countdown()

        def show_none() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(i18n.t("palette.none"), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_none)
