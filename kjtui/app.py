"""The Textual app. Screens and widgets only: every database call goes through kjtui.services,
by KjtuiScreen.call_service (kjtui/widgets/base.py): in a thread worker, with the result coming
back as a message (the one exception: the home screen's first few indexed lookups, read while it
mounts so that the first paint already has them). Keys are declared as kjtui.bindings.Key."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.worker import Worker, get_current_worker

from kjtui import i18n
from kjtui.bindings import Key, KeyBinding, install_keys
from kjtui.widgets.sync_panel import CountyNews, SyncChecked, SyncPanel, SyncProgressed

# The notebook's places: (mode, module, class, key, catalog label). Each screen is imported
# only when first shown, so start-up draws the home screen without loading the others. Their keys
# (F2–F7, F10, F11, ctrl+d) are bound app-wide, from here and nowhere else; F12 syncs now.
NAV = (
    ("home", "kjtui.screens.home", "HomeScreen", "f2", "nav.home"),
    ("today", "kjtui.screens.today", "TodayScreen", "f3", "nav.today"),
    ("plan", "kjtui.screens.plan", "PlanScreen", "f4", "nav.plan"),
    ("customers", "kjtui.screens.customers", "CustomersScreen", "f5", "nav.customers"),
    ("info", "kjtui.screens.information", "InformationScreen", "f6", "nav.info"),
    ("week", "kjtui.screens.week", "WeekScreen", "f7", "nav.week"),
    # the county office's desk (F8 and F9 turn the customers' pages)
    ("desk_review", "kjtui.screens.desk.review", "ReviewScreen", "ctrl+y", "nav.desk_review"),
    ("desk_month", "kjtui.screens.desk.month", "MonthScreen", "f10", "nav.desk_month"),
    ("desk_sync_day", "kjtui.screens.desk.sync_day", "SyncDayScreen", "f11", "nav.desk_sync_day"),
    ("county_data", "kjtui.screens.desk.county_data", "CountyDataScreen", "ctrl+d",
     "nav.county_data"),
    # the county office's checks and answers (issue 11 §3–4): the F-keys are all taken
    ("desk_spot", "kjtui.screens.desk.spot_checks", "SpotChecksScreen", "alt+s", "nav.desk_spot"),
    ("desk_feedback", "kjtui.screens.desk.feedback", "FeedbackScreen", "alt+f",
     "nav.desk_feedback"),
    ("desk_proposals", "kjtui.screens.desk.proposals", "ProposalsScreen", "alt+p",
     "nav.desk_proposals"),
    ("desk_talks", "kjtui.screens.desk.talks", "TalksScreen", "alt+t", "nav.desk_talks"),
    ("master", "kjtui.screens.desk.master_data", "MasterDataScreen", "ctrl+e", "nav.master"),
)


# The county office's places and who may open them (docs/ARCHITECTURE.md): the administrator
# keeps the data, the enrollments and the sync day, the three directors read and check the
# notebooks; both see the month. A station opens none of them: it holds no county rights.
DESK_ROLES = {
    "county_data": {"admin"}, "master": {"admin"}, "desk_sync_day": {"admin"},
    "desk_proposals": {"admin"},
    "desk_review": {"supervisor"}, "desk_spot": {"supervisor"}, "desk_feedback": {"supervisor"},
    "desk_talks": {"supervisor"},
    "desk_month": {"admin", "supervisor"},
}


class NodeRead(Message):
    """What the open database is: a manager's station or not."""

    def __init__(self, station: bool):
        super().__init__()
        self.station = station


class SignInAsked(Message):
    """The database asks who is at the keyboard (a hub); `any_account`: one exists to sign in."""

    def __init__(self, any_account: bool):
        super().__init__()
        self.any_account = any_account


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
        Key("f12", "sync_now", "key.sync_now", id="sync_now"),
    )
    # How often the running notebook looks whether it has something to send to the county
    # (kjtui/services/autosync.py decides; a failure's backoff is its own).
    AUTOSYNC_S = 5.0
    sync_status = None  # the last SyncStatus the sync worker read
    # Who is at the keyboard of a hub (kjtui.services.accounts.AccountInfo); until someone signs
    # in there, `signing_in` keeps every place shut. A station asks for nobody.
    account = None
    signing_in = False
    station = False  # the open database is a manager's station (read at start)

    @property
    def desk_supervisor(self) -> str | None:
        """The Supervisor id the desk's spot checks, answers, decisions and talks are made by:
        the signed-in account's (None for an administrator, or where nobody signs in: the
        desk's services then act as kjtui.services.acting chooses)."""
        return self.account.supervisor_id if self.account is not None else None

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
        self._autosync_start()
        self._sign_in_check()

    # --- who is at the keyboard ---------------------------------------------------------------

    @work(thread=True, group="signin")
    def _sign_in_check(self) -> None:
        from kjtui.services import accounts, session

        session.open_notebook(self.db_url)
        self.post_message(NodeRead(session.is_station()))
        if accounts.required():
            self.post_message(SignInAsked(bool(accounts.accounts())))

    def on_sign_in_asked(self, message: SignInAsked) -> None:
        from kjtui.screens.signin import SignInScreen

        self.signing_in = True
        self.push_screen(SignInScreen(message.any_account))

    def signed_in(self, account) -> None:
        from kjtui.screens.signin import SignInScreen

        self.account, self.signing_in = account, False
        role = i18n.t("account.role.admin" if account.role == "admin"
                      else "account.role.supervisor")
        self.sub_title = i18n.t("signin.signed_in", name=account.name, role=role)
        if isinstance(self.screen, SignInScreen):
            self.pop_screen()

    def on_node_read(self, message: NodeRead) -> None:
        self.station = message.station

    def place_refused(self, mode: str) -> str | None:
        """Why this place stays shut for whoever is at the keyboard (a catalog key), or None."""
        roles = DESK_ROLES.get(mode)
        if roles is None:
            return None
        if self.station:
            return "desk.station_has_no_desk"
        if self.account is not None and self.account.role not in roles:
            return "desk.not_your_place"
        return None

    def switch_mode(self, mode: str) -> AwaitMount:
        if self.signing_in:  # nothing of the county's shows before someone signed in
            return AwaitMount(self.screen, [])
        if (why := self.place_refused(mode)) is not None:
            self.notify(i18n.t(why), severity="warning")
            return AwaitMount(self.screen, [])
        return super().switch_mode(mode)

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

    # --- syncing by itself -------------------------------------------------------------------

    def _autosync_start(self) -> None:
        self._autosync = None  # the service's AutoSync, made in the worker (it loads sync/)
        self._sync_worker: Worker | None = None
        self._sync_again = False  # "sync now" pressed while a push ran: once more after it
        # The first look waits for the first paint: start-up draws before sync/ loads.
        self.set_timer(min(1.0, self.AUTOSYNC_S), self._sync_check)
        self.set_interval(self.AUTOSYNC_S, self._sync_check)

    def action_sync_now(self) -> None:
        self._sync_check(force=True)

    def _sync_check(self, force: bool = False) -> None:
        if self._sync_worker is not None and not self._sync_worker.is_finished:
            self._sync_again = self._sync_again or force
            return
        self._sync_worker = self._sync_run(force)

    @work(thread=True, group="autosync")
    def _sync_run(self, force: bool) -> None:
        """One look of the service, in this thread with the notebook open: keys and saved visits
        go on meanwhile; a visit saved while a push runs is sent by the next one."""
        from kjtui.services import autosync, session

        session.open_notebook(self.db_url)
        if self._autosync is None:
            self._autosync = autosync.AutoSync()
        worker = get_current_worker()

        def progress(start: int, done: int, top: int) -> None:
            if worker.is_cancelled:  # quitting: stop between two bundles (each one is whole)
                raise autosync.Stopped
            self.post_message(SyncProgressed(max(0, done - start), max(0, top - start)))

        self.post_message(SyncChecked(self._autosync.check(force=force, progress=progress)))

    def on_sync_progressed(self, message: SyncProgressed) -> None:
        if not self.screen_stack:  # quitting
            return
        self.sub_title = i18n.t("sync.title.sending")
        for panel in self.screen.query(SyncPanel):
            panel.show_progress(self.sync_status, message.done, message.total)

    def on_sync_checked(self, message: SyncChecked) -> None:
        s = self.sync_status = message.status
        if not self.screen_stack:  # quitting
            return
        if not s.station or not s.hub_url:
            self.sub_title = ""
        elif s.error is not None:
            self.sub_title = i18n.t("sync.title.failed")
        elif s.pending:
            self.sub_title = i18n.t("sync.title.pending", n=s.pending)
        else:
            self.sub_title = i18n.t("sync.title.sent")
        for panel in self.screen.query(SyncPanel):
            panel.show(s)
        if s.pushed and s.received:
            self.screen.post_message(CountyNews())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._sync_worker and event.worker.is_finished and self._sync_again:
            self._sync_again = False
            self._sync_check(force=True)
