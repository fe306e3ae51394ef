"""The notebook's keys. A screen, dialog or the app declares its keys as a class attribute
`KEYS = (Key("v", "visit_quick", "key.visit_quick"), ...)`; `install_keys` turns them into
Textual bindings whose descriptions come from the catalog in the language of this run (--lang is
known only at run time, after Textual merged the classes' BINDINGS). The footer, F1 and the
command palette all read these bindings, and each carries an id for keymaps.

Textual's own widgets (DataTable, Input, Select, the palette…) bring bindings described in
English. `in_language` gives every binding a screen shows its words in the language of this run:
the screens and dialogs (kjtui.widgets.base) and the palette (kjtui.widgets.palette) pass their
active bindings through it, so the footer, F1 and the palette never show Textual's English.

This is the one module that touches Textual's private per-instance bindings map."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from textual.binding import ActiveBinding, Binding
from textual.dom import DOMNode

from kjtui import i18n


class KeyBinding(Binding):
    """A binding declared by the notebook (a Key), already in the language of this run; the
    palette offers these, not Textual's cursor and editing keys."""


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

    def binding(self) -> KeyBinding:
        return KeyBinding(self.key, self.action, i18n.t(self.label), show=self.show,
                          priority=self.priority, id=self.id or self.action.split("(")[0])


def install_keys(node: DOMNode, keys: Iterable[Key]) -> None:
    """Bind `keys` on this one node, after its class's own BINDINGS. A Key replaces the class's
    binding of the same key to the same action (the app's ctrl+q "Quit")."""
    keymap = node._bindings.key_to_bindings
    for k in keys:
        b = k.binding()
        # The node's map is a shallow copy of its class's: never append to a shared list.
        keymap[k.key] = [*(old for old in keymap.get(k.key, []) if old.action != b.action), b]


def textual_words(words: str) -> str:
    """Words of Textual's own (a binding's description or tooltip, a group title) in the
    language of this run: the catalog's `tx.<the words in lower case, joined by _>`
    (kjtui/catalog/textual.py). Words the catalog lacks stay as they are; the test that reads
    every screen in Chinese finds them."""
    if not words:
        return words
    key = "tx." + re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")
    return i18n.t(key) if key in i18n.catalog() else words


def in_language(active: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """A screen's active bindings with Textual's words translated (ours already are)."""
    out = {}
    for key, a in active.items():
        b = a.binding
        if not isinstance(b, KeyBinding):
            b = replace(b, description=textual_words(b.description),
                        tooltip=textual_words(b.tooltip))
        # F1 heads a widget's keys with its class's title ("Input"): this node's, in our words.
        title = getattr(a.node, "BINDING_GROUP_TITLE", None)
        if title:
            a.node.BINDING_GROUP_TITLE = textual_words(title)
        out[key] = a._replace(binding=b, tooltip=textual_words(a.tooltip))
    return out
