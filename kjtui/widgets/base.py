"""The base of every screen and dialog of the notebook: its keys, declared as `KEYS` (see
kjtui.bindings), are bound with their descriptions in the language of this run."""

from __future__ import annotations

from typing import ClassVar

from textual.screen import ModalScreen, Screen

from kjtui.bindings import Key, install_keys


class KjtuiScreen(Screen):
    KEYS: ClassVar[tuple[Key, ...]] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        install_keys(self, self.KEYS)


class KjtuiModal(ModalScreen, KjtuiScreen):
    """A dialog or picker over the screen below it. ModalScreen comes first: Textual takes a
    node's CSS type names (ModalScreen in app.tcss) from each class's first base only."""
