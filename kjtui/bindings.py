"""The notebook's keys. A screen, dialog or the app declares its keys as a class attribute
`KEYS = (Key("v", "visit_quick", "key.visit_quick"), ...)`; `install_keys` turns them into
Textual bindings whose descriptions come from the catalog in the language of this run (--lang is
known only at run time, after Textual merged the classes' BINDINGS). The footer, F1 and the
command palette all read these bindings, and each carries an id for keymaps.

This is the one module that touches Textual's private per-instance bindings map."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode

from kjtui import i18n


@dataclass(frozen=True)
class Key:
    """`key` runs `action`; `label` is the catalog key of its description (footer, F1, palette).
    `id` (for keymaps) defaults to the action's name without its arguments."""

    key: str
    action: str
    label: str
    show: bool = True
    priority: bool = False
    id: str = ""

    def binding(self) -> Binding:
        return Binding(self.key, self.action, i18n.t(self.label), show=self.show,
                       priority=self.priority, id=self.id or self.action.split("(")[0])


def install_keys(node: DOMNode, keys: Iterable[Key]) -> None:
    """Bind `keys` on this one node, after its class's own BINDINGS."""
    keymap = node._bindings.key_to_bindings
    for k in keys:
        # The node's map is a shallow copy of its class's: never append to a shared list.
        keymap[k.key] = [*keymap.get(k.key, []), k.binding()]
