"""登录: opening the hub's database asks who is at the keyboard (issue 11). The account and its
password, checked by kjtui.services.accounts: a wrong password, a lockout (and until when) and a
disabled account each say so; until someone signs in, the places stay shut (KjtuiApp). A
station's notebook never comes here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from kjtui import i18n
from kjtui.bindings import Key
from kjtui.widgets.base import ChangeRefused, KjtuiScreen
from kjtui.widgets.footer import Footer
from kjtui.widgets.header import Header
from kjtui.widgets.notice import Notice

if TYPE_CHECKING:
    from kjtui.services.accounts import AccountInfo


@dataclass
class SignedIn(Message):
    account: AccountInfo


def sign_in(name: str, password: str) -> SignedIn:
    from kjtui.services import accounts

    return SignedIn(accounts.sign_in(name, password))


class SignInScreen(KjtuiScreen):
    KEYS = (Key("ctrl+s", "sign_in", "signin.key.sign_in"),)

    def __init__(self, any_account: bool = True):
        super().__init__()
        self.any_account = any_account
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="dialog", id="signin"):
            yield Static(i18n.t("signin.title"), classes="title")
            with Horizontal(classes="row"):
                yield Label(i18n.t("signin.account"))
                yield Input(id="signin-account", max_length=40)
            with Horizontal(classes="row"):
                yield Label(i18n.t("signin.password"))
                yield Input(id="signin-password", password=True, max_length=200)
            yield Static(i18n.t("signin.hint" if self.any_account else "signin.no_account"),
                         id="signin-hint")
            yield Notice("", id="signin-msg")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#signin-account", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "signin-account":
            self.query_one("#signin-password", Input).focus()
        else:
            self.action_sign_in()

    def action_sign_in(self) -> None:
        if self.busy:
            return
        name = self.query_one("#signin-account", Input).value.strip()
        password = self.query_one("#signin-password", Input).value
        if not name:
            self.query_one("#signin-account", Input).focus()
            return
        self.busy = True
        self.query_one("#signin-msg", Notice).say(i18n.t("signin.checking"))
        self.call_service(lambda: sign_in(name, password), group="signin", refusable=True)

    def on_change_refused(self, message: ChangeRefused) -> None:
        self.busy = False
        self.query_one("#signin-msg", Notice).refused(message.refusal)
        password = self.query_one("#signin-password", Input)
        password.value = ""
        password.focus()

    def on_signed_in(self, message: SignedIn) -> None:
        self.busy = False
        self.app.signed_in(message.account)
