"""Key bindings whose descriptions come from the catalog at run time (--lang is known only then),
added per instance like KjtuiApp does for its own."""

from __future__ import annotations

from textual.binding import Binding

from kjtui import i18n


def bind(node, *specs) -> None:
    """specs: (key, action, catalog key[, show]) — each gets id "<action>" for keymaps."""
    keymap = node._bindings.key_to_bindings
    for key, action, label, *rest in specs:
        show = rest[0] if rest else True
        binding = Binding(key, action, i18n.t(label), show=show, id=action.split("(")[0])
        # The map is a shallow copy of the class's: never append to a shared list.
        keymap[key] = [*keymap.get(key, []), binding]
