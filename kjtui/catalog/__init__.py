"""Catalog parts, one module an area (`MESSAGES = {key: (zh, en)}`), merged here; a key defined
twice is refused. kjtui.i18n picks the language; the sync layer, which knows no language, reads
the words here directly."""

from __future__ import annotations

import importlib
import pkgutil

LANGUAGES = ("zh", "en")
_merged: dict[str, tuple[str, str]] | None = None


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
    return words.format(**params) if params else words
