"""The header of every screen: Textual's Header, its palette icon's tooltip in our words from the
moment it exists. (Textual's icon sets an English tooltip when it is mounted; translating it
afterwards left a moment, under load, where the English one was what the screen held.)"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.events import Mount
from textual.widgets import Header as TextualHeader
from textual.widgets._header import HeaderIcon

from kjtui import i18n


class PaletteIcon(HeaderIcon):
    def on_mount(self, event: Mount) -> None:
        event.prevent_default()  # Textual's own handler would set its English tooltip
        if self.app.ENABLE_COMMAND_PALETTE:
            self.tooltip = i18n.t("palette.open")
        else:
            self.disabled = True


class Header(TextualHeader):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield (PaletteIcon().data_bind(TextualHeader.icon) if type(widget) is HeaderIcon
                   else widget)
