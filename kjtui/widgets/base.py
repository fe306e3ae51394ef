"""The base of every screen and dialog of the notebook.

Keys: declared as `KEYS` (see kjtui.bindings), bound with their descriptions in the language of
this run; Textual's own bindings (a table's cursor keys, an input's editing keys) are shown in that
language too (`active_bindings`).

Services: `call_service` is the one way a screen or dialog calls kjtui.services. The call runs in a
thread worker with the notebook open in that thread; what it returns becomes a typed message
posted back to the screen, and a write the service refuses becomes `ChangeRefused`:

    self.call_service(lambda: visits.edit_visit(line.id, note=note),
                      lambda _: ChangeSaved(i18n.t("scr.saved")),
                      group="today-write", refusable=True)

A write the person may confirm (a second visit the same day, a deletion) goes through
`call_confirmable`: the service refuses it with `Refused(key, confirmable=True)` until `key` is
among the `confirmed` keys it is called with; the refusal becomes a question (ConfirmDialog) and a
yes calls it again with that key added — each question asked once, in turn.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from textual.binding import ActiveBinding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from kjtui import i18n
from kjtui.bindings import Key, in_language, install_keys

R = TypeVar("R")


@dataclass(frozen=True)
class Refusal:
    """A write the notebook refused, nothing changed: the catalog key of the sentence and its
    params. `confirmable`: the same write is accepted when the manager confirms it (an unlikely
    odometer reading entered again)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    confirmable: bool = False

    @property
    def text(self) -> str:
        return i18n.t(self.key, **self.params)


def refusal_of(exc: BaseException) -> Refusal | None:
    """The refusal `exc` carries, or None when it is no refusal (a bug, to be raised again)."""
    from kjtui.exception import KjtuiError, Refused

    if not isinstance(exc, KjtuiError):
        return None
    return Refusal(exc.key, dict(exc.params), isinstance(exc, Refused) and exc.confirmable)


@dataclass
class ChangeRefused(Message):
    refusal: Refusal


@dataclass
class ConfirmAsked(Message):
    """A confirmable refusal of the call waiting under `token`: ask the person."""

    refusal: Refusal
    token: int


_tokens = itertools.count(1)


class KjtuiScreen(Screen):
    KEYS: ClassVar[tuple[Key, ...]] = ()
    # A dialog of this screen (a question included) is open: the screen's resume when it closes
    # is no reason to read again (what the dialog did reads again itself).
    dialog_open = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        install_keys(self, self.KEYS)
        # token -> (call, done, group, confirmed): confirmable writes waiting for an answer.
        self._asking: dict[int, tuple] = {}

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """What the footer, F1 and the palette show: every key of this screen, in the words of
        this run's language."""
        return in_language(super().active_bindings)

    def open_notebook(self) -> None:
        """Open the app's notebook for the calling thread (a worker's, or the main thread for a
        read that must be on the first paint)."""
        from kjtui.services import session

        session.open_notebook(self.app.db_url)

    def call_service(self, call: Callable[[], R], done: Callable[[R], Message | None] | None = None,
                     *, group: str, exclusive: bool = False, refusable: bool = False) -> Worker:
        """Run `call` in a thread worker and post `done(result)` to this screen — or the result
        itself when there is no `done` (a read that builds its message); nothing when None.
        `exclusive`: a newer call of the group replaces this one (its message may still
        come: a handler that cares checks it is not stale). `refusable`: a refusal posts
        ChangeRefused instead; anything else raised is a bug and stops the app, as in any worker."""
        return self._run(call, done, group, exclusive, ChangeRefused if refusable else None)

    def call_confirmable(self, call: Callable[[frozenset[str]], R],
                         done: Callable[[R], Message | None] | None = None, *, group: str,
                         exclusive: bool = False, confirmed: frozenset[str] = frozenset()) -> Worker:
        """`call(confirmed)` as a refusable `call_service`, where a confirmable refusal becomes a
        question (ConfirmDialog); answered yes, `call` runs again with the refusal's key added to
        `confirmed`; answered no, ChangeRefused says nothing was saved."""
        token = next(_tokens)
        self._asking[token] = (call, done, group, exclusive, confirmed)

        def refused(refusal: Refusal) -> Message:
            if refusal.confirmable and refusal.key not in confirmed:
                return ConfirmAsked(refusal, token)
            self._asking.pop(token, None)
            return ChangeRefused(refusal)

        def answered(result: R) -> Message | None:
            self._asking.pop(token, None)
            return result if done is None else done(result)

        return self._run(lambda: call(confirmed), answered, group, exclusive, refused)

    def on_confirm_asked(self, message: ConfirmAsked) -> None:
        from kjtui.widgets.confirm_dialog import ConfirmDialog

        waiting = self._asking.pop(message.token, None)
        if waiting is None:
            return
        call, done, group, exclusive, confirmed = waiting
        refusal = message.refusal

        def answer(yes: bool | None) -> None:
            if yes:
                self.call_confirmable(call, done, group=group, exclusive=exclusive,
                                      confirmed=confirmed | {refusal.key})
            else:
                self.post_message(ChangeRefused(Refusal("confirm.declined")))

        self.dialog_open = True
        self.app.push_screen(ConfirmDialog(refusal.text), answer)

    def _run(self, call: Callable[[], R], done: Callable[[R], Message | None] | None,
             group: str, exclusive: bool,
             refused: Callable[[Refusal], Message] | None) -> Worker:
        def run() -> None:
            self.open_notebook()
            try:
                result = call()
            except Exception as exc:
                refusal = refusal_of(exc) if refused is not None else None
                if refusal is None:
                    raise
                self.post_message(refused(refusal))
                return
            message = result if done is None else done(result)
            if message is not None:
                self.post_message(message)

        return self.run_worker(run, name=group, group=group, exclusive=exclusive, thread=True)


class KjtuiModal(ModalScreen, KjtuiScreen):
    """A dialog or picker over the screen below it. ModalScreen comes first: Textual takes a
    node's CSS type names (ModalScreen in app.tcss) from each class's first base only."""
