"""Catalog parts, one module an area (`MESSAGES = {key: (zh, en)}`), merged here; a key defined
twice is refused. kjtui.i18n picks the language; the sync layer, which knows no language, reads
the words here directly.

A word that follows a count in English takes its number from the count: `{n|item|items}` is
"item" when the parameter n is 1, else "items" ("{n} {n|day|days}": "1 day", "3 days")."""

from __future__ import annotations

import importlib
import pkgutil
import re

LANGUAGES = ("zh", "en")
_merged: dict[str, tuple[str, str]] | None = None
_PLURAL = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")


def messages() -> dict[str, tuple[str, str]]:
    global _merged
    if _merged is None:
        merged: dict[str, tuple[str, str]] = {}
        for info in pkgutil.iter_modules(__path__):
            module = importlib.import_module(f"{__name__}.{info.name}")
            for key, pair in module.MESSAGES.items():
                if key in merged:
                    raise KeyError(f"catalog key {key!r} is defined twice")
                merged[key] = pair
        _merged = merged
    return _merged


def text(key: str, lang: str, **params) -> str:
    """The words for `key` in `lang`; a missing key shows itself, never crashes."""
    pair = messages().get(key)
    words = key if pair is None else pair[LANGUAGES.index(lang)]
    if not params:
        return words
    words = _PLURAL.sub(lambda m: m[2] if str(params.get(m[1])) == "1" else m[3], words)
    return words.format(**params)
