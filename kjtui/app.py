"""The Textual app. Screens and widgets only: every database call goes through kjtui.services,
in thread workers, with results coming back as messages."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from kjtui import i18n


class KjtuiApp(App):
    TITLE = "kjtui"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", i18n.t("key.quit"), id="quit", priority=True),
        Binding("f1", "show_help_panel", i18n.t("key.help"), id="help"),
        Binding("question_mark", "show_help_panel", i18n.t("key.help"), show=False, id="help2"),
    ]

    def __init__(self, db_url: str, lang: str = "zh", **kwargs):
        i18n.set_language(lang)
        super().__init__(**kwargs)
        self.db_url = db_url
        self.title = i18n.t("app.title")

    def on_mount(self) -> None:
        from kjtui.screens.home import HomeScreen

        self.push_screen(HomeScreen())

    def action_show_help_panel(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            super().action_show_help_panel()
