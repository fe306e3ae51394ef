"""The Textual app. Screens and widgets only: every database call goes through kjtui.services,
by KjtuiScreen.call_service (kjtui/widgets/base.py): in a thread worker, with the result coming
back as a message (the one exception: the home screen's first few indexed lookups, read while it
mounts so that the first paint already has them). Keys are declared as kjtui.bindings.Key."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from kjtui import i18n
from kjtui.bindings import Key, KeyBinding, install_keys

# The notebook's places: (mode, module, class, key, catalog label). Each screen is imported
# only when first shown, so start-up draws the home screen without loading the others. Their keys
# (F2–F7, F10, F12) are bound app-wide, from here and nowhere else.
NAV = (
    ("home", "kjtui.screens.home", "HomeScreen", "f2", "nav.home"),
    ("today", "kjtui.screens.today", "TodayScreen", "f3", "nav.today"),
    ("plan", "kjtui.screens.plan", "PlanScreen", "f4", "nav.plan"),
    ("customers", "kjtui.screens.customers", "CustomersScreen", "f5", "nav.customers"),
    ("info", "kjtui.screens.information", "InformationScreen", "f6", "nav.info"),
    ("week", "kjtui.screens.week", "WeekScreen", "f7", "nav.week"),
    # the county office's desk (F8 and F9 turn the customers' pages)
    ("desk_month", "kjtui.screens.desk.month", "MonthScreen", "f10", "nav.desk_month"),
)


def _available():
    return [n for n in NAV if importlib.util.find_spec(n[1]) is not None]


def _factory(module: str, cls: str):
    def make() -> Screen:
        return getattr(importlib.import_module(module), cls)()

    return make


class KjtuiApp(App):
    TITLE = "kjtui"
    CSS_PATH = "app.tcss"
    # Start straight on home: no blank default screen composed, then switched away from. Home is
    # the app's default screen rather than one of its MODES at first: Textual re-parses the whole
    # stylesheet when it sets up a mode's first screen, not when it sets up the default screen.
    DEFAULT_MODE = "home"
    # Every screen is styled by its size (app.tcss): -narrow under 80 columns, -short under 24
    # rows; from 60×20 (a laptop with a large font) up, every screen stays usable.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]
    # The app's own keys; the places' keys (F2–F7) are added from NAV.
    KEYS = (
        Key("ctrl+q", "quit", "key.quit", show=False, priority=True),
        Key("f1", "toggle_keys", "key.help", priority=True, id="help"),
        Key("question_mark", "toggle_keys", "key.help", show=False, id="help2"),
        # Replaces Textual's "palette": the footer shows it at its right end.
        Key("ctrl+p", "command_palette", "key.palette", show=False, priority=True),
    )

    def __init__(self, db_url: str, lang: str = "zh", **kwargs):
        i18n.set_language(lang)
        self.nav = _available()
        self.MODES = {
            mode: _factory(mod, cls) for mode, mod, cls, _, _ in self.nav if mode != "home"
        }
        super().__init__(**kwargs)
        self.db_url = db_url
        self.title = i18n.t("app.title")
        install_keys(self, [*self.KEYS, *(
            Key(key, f"switch_mode('{mode}')", label, id=f"nav.{mode}")
            for mode, _, _, key, label in self.nav
        )])

    def get_default_screen(self) -> Screen:
        return _factory(*NAV[0][1:3])()

    def on_mount(self) -> None:
        # From now on F2 and the palette switch back to the home screen like to any other mode.
        self.add_mode("home", self.get_default_screen)

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_help_quit(self) -> None:
        """ctrl+c (a reflex to quit) says how to quit, in the manager's language."""
        self.notify(i18n.t("app.quit_hint"), title=i18n.t("app.quit_title"))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from kjtui.widgets.palette import Palette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette reaches every place and every action the notebook has a key for here
        (its own keys, not Textual's cursor and editing keys, nor Textual's theme, screenshot or
        maximize commands, which a manager does not need)."""
        for mode, _, _, key, label in self.nav:
            yield SystemCommand(
                f"{i18n.t(label)} ({key})", i18n.t("palette.go"),
                lambda m=mode: self.switch_mode(m),
            )
        seen = set()
        for key, active in screen.active_bindings.items():
            b = active.binding
            if (not isinstance(b, KeyBinding) or b.action in seen
                    or b.action.startswith("switch_mode") or b.action == "command_palette"):
                continue
            seen.add(b.action)
            yield SystemCommand(
                f"{b.description} ({b.key_display or key})",
                i18n.t("palette.app" if active.node is self else "palette.action"),
                lambda node=active.node, action=b.action: self.run_action(action, node),
            )
